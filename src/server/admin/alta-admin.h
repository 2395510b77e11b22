/* alta-admin.h: the clinic back office's command line
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int alta_admin_run    (int    argc,
                       char **argv);
int alta_admin_import (int    argc,
                       char **argv);

G_END_DECLS
