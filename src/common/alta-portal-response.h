/* alta-portal-response.h: one answer of the portal, as it came
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define ALTA_TYPE_PORTAL_RESPONSE (alta_portal_response_get_type ())

G_DECLARE_FINAL_TYPE (AltaPortalResponse, alta_portal_response, ALTA, PORTAL_RESPONSE, GObject)

AltaPortalResponse *alta_portal_response_new            (guint                status,
                                                         SoupMessageHeaders  *headers,
                                                         GBytes              *body);
guint               alta_portal_response_get_status     (AltaPortalResponse  *self);
const char         *alta_portal_response_get_header     (AltaPortalResponse  *self,
                                                         const char          *name);
const char         *alta_portal_response_get_request_id (AltaPortalResponse  *self);
GBytes             *alta_portal_response_get_body       (AltaPortalResponse  *self);
JsonNode           *alta_portal_response_get_json       (AltaPortalResponse  *self);
const char         *alta_portal_response_get_error_code (AltaPortalResponse  *self);
gboolean            alta_portal_response_check          (AltaPortalResponse  *self,
                                                         GError             **error);

G_END_DECLS
