/* alta-portal-client-private.h: what the portal client's source files share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

void                alta_portal_client_write_async        (AltaPortalClient     *self,
                                                           const char           *method,
                                                           const char           *path,
                                                           JsonNode             *body,
                                                           const char           *content_type,
                                                           const char * const   *headers,
                                                           AltaRequestFlags      flags,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
AltaPortalResponse *alta_portal_client_write_finish       (AltaPortalClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
void                alta_portal_client_write_json_async   (AltaPortalClient     *self,
                                                           const char           *method,
                                                           const char           *path,
                                                           JsonObject           *body,
                                                           AltaRequestFlags      flags,
                                                           gpointer              source_tag,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean            alta_portal_client_write_json_finish  (AltaPortalClient     *self,
                                                           GAsyncResult         *result,
                                                           JsonObject          **out_answer,
                                                           GError              **error);
JsonObject         *alta_portal_client_call_object_finish (AltaPortalClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
