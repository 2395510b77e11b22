/* alta-server.h: the portal server (SoupServer)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "alta-config.h"
#include "alta-store.h"

G_BEGIN_DECLS

#define ALTA_MAX_BODY_BYTES (1024 * 1024)

#define ALTA_TYPE_SERVER (alta_server_get_type ())

G_DECLARE_FINAL_TYPE (AltaServer, alta_server, ALTA, SERVER, GObject)

AltaServer *alta_server_new           (const char    *data_dir,
                                       AltaConfig    *config,
                                       GError       **error);
AltaStore  *alta_server_get_store     (AltaServer    *self);
gboolean    alta_server_listen        (AltaServer    *self,
                                       const char    *address,
                                       GTlsCertificate *certificate,
                                       GError       **error);
char       *alta_server_dup_url       (AltaServer    *self);
gboolean    alta_server_is_quiet      (AltaServer    *self,
                                       guint          quiet_ms);
void        alta_server_shutdown      (AltaServer    *self);

G_END_DECLS
