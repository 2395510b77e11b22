/* alta-demo.h: the demo clinic
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "alta-server.h"

G_BEGIN_DECLS

GTlsCertificate *alta_demo_prepare        (AltaServer  *server,
                                           const char  *data_dir,
                                           GError     **error);
void             alta_demo_print_summary  (const char  *data_dir);
gboolean         alta_demo_import         (AltaServer          *server,
                                           const char          *data_dir,
                                           const char * const  *paths,
                                           GError             **error);

G_END_DECLS
