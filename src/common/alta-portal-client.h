/* alta-portal-client.h: the one door to the portal's HTTP API
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "alta-message.h"
#include "alta-portal-account.h"
#include "alta-portal-response.h"
#include "alta-record-item.h"
#include "alta-refill-request.h"

G_BEGIN_DECLS

/* A search follows at most this many pages of `next` links (at 500 a page: 50,000 results) */
#define ALTA_PORTAL_CLIENT_MAX_PAGES 100
/* The largest page the portal API allows (`_count`, portal-api.md): a long list (10,000
 * results) is loaded in the fewest round trips, each waiting for the one before it (a
 * page's `next` link is only known once it has come) */
#define ALTA_PORTAL_CLIENT_LARGEST_PAGE 500

typedef enum
{
  ALTA_REQUEST_NONE       = 0,
  /* Sent on the app's own initiative (a refresh): does not count as patient activity. */
  ALTA_REQUEST_BACKGROUND = 1 << 0,
  /* Do not send the access token even when one is set. */
  ALTA_REQUEST_NO_AUTH    = 1 << 1,
  /* A search reads its first page only, and follows no `next` link. */
  ALTA_REQUEST_FIRST_PAGE = 1 << 2,
  /* The body holds a password: wiped once sent. */
  ALTA_REQUEST_SECRET_BODY = 1 << 3,
} AltaRequestFlags;

#define ALTA_TYPE_PORTAL_CLIENT (alta_portal_client_get_type ())

G_DECLARE_FINAL_TYPE (AltaPortalClient, alta_portal_client, ALTA, PORTAL_CLIENT, GObject)

AltaPortalClient   *alta_portal_client_new              (const char           *base_url,
                                                         GTlsDatabase         *tls_database,
                                                         GError              **error);
const char         *alta_portal_client_get_base_url     (AltaPortalClient     *self);
const char         *alta_portal_client_get_access_token (AltaPortalClient     *self);
void                alta_portal_client_set_access_token (AltaPortalClient     *self,
                                                         const char           *access_token);
const char         *alta_portal_client_get_language     (AltaPortalClient     *self);
void                alta_portal_client_set_language     (AltaPortalClient     *self,
                                                         const char           *language);
void                alta_portal_client_set_timeout      (AltaPortalClient     *self,
                                                         guint                 seconds);
void                alta_portal_client_send_async       (AltaPortalClient     *self,
                                                         const char           *method,
                                                         const char           *path,
                                                         GBytes               *body,
                                                         const char           *content_type,
                                                         AltaRequestFlags      flags,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void                alta_portal_client_send_with_headers_async (AltaPortalClient *self,
                                                         const char           *method,
                                                         const char           *path,
                                                         GBytes               *body,
                                                         const char           *content_type,
                                                         const char * const   *extra_headers,
                                                         AltaRequestFlags      flags,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaPortalResponse *alta_portal_client_send_finish      (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_call_async       (AltaPortalClient     *self,
                                                         const char           *method,
                                                         const char           *path,
                                                         JsonNode             *body,
                                                         AltaRequestFlags      flags,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
JsonNode           *alta_portal_client_call_finish      (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_search_async     (AltaPortalClient     *self,
                                                         GType                 type,
                                                         const char * const   *params,
                                                         AltaRequestFlags      flags,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListStore         *alta_portal_client_search_finish    (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_read_async       (AltaPortalClient     *self,
                                                         GType                 type,
                                                         const char           *id,
                                                         AltaRequestFlags      flags,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaRecordItem     *alta_portal_client_read_finish      (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_check_async      (AltaPortalClient     *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            alta_portal_client_check_finish     (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_sign_in_async    (AltaPortalClient     *self,
                                                         const char           *username,
                                                         const char           *password,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaPortalAccount        *alta_portal_client_sign_in_finish   (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         gint64               *out_idle_timeout_s,
                                                         gint64               *out_retry_after_s,
                                                         GError              **error);
void                alta_portal_client_get_account_async (AltaPortalClient    *self,
                                                          AltaRequestFlags     flags,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
AltaPortalAccount        *alta_portal_client_get_account_finish (AltaPortalClient   *self,
                                                           GAsyncResult       *result,
                                                           GError            **error);
void                alta_portal_client_keepalive_async  (AltaPortalClient     *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            alta_portal_client_keepalive_finish (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_sign_out_async   (AltaPortalClient     *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            alta_portal_client_sign_out_finish  (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
gboolean            alta_portal_client_is_loopback_uri  (GUri                 *uri);

/* Writes: alta-portal-client-writes.c */
void                alta_portal_client_create_async     (AltaPortalClient     *self,
                                                         GType                 type,
                                                         JsonObject           *resource,
                                                         const char           *request_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaRecordItem     *alta_portal_client_create_finish    (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         gboolean             *out_created,
                                                         GError              **error);
void                alta_portal_client_patch_async      (AltaPortalClient     *self,
                                                         GType                 type,
                                                         const char           *id,
                                                         JsonArray            *operations,
                                                         const char           *version,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaRecordItem     *alta_portal_client_patch_finish     (AltaPortalClient     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_update_account_async (AltaPortalClient *self,
                                                         JsonObject           *changes,
                                                         const char           *current_password,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaPortalAccount  *alta_portal_client_update_account_finish (AltaPortalClient *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_change_password_async (AltaPortalClient *self,
                                                         const char           *current_password,
                                                         const char           *new_password,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            alta_portal_client_change_password_finish (AltaPortalClient *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_request_refill_async (AltaPortalClient *self,
                                                         const char           *patient_id,
                                                         const char           *medication_id,
                                                         const char           *note,
                                                         const char           *request_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaRefillRequest  *alta_portal_client_request_refill_finish (AltaPortalClient *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Messages: alta-portal-client-writes.c */
void                alta_portal_client_send_message_async (AltaPortalClient   *self,
                                                         const char           *patient_id,
                                                         const char           *care_team_id,
                                                         const char           *topic,
                                                         const char           *text,
                                                         const char           *in_response_to,
                                                         const char           *request_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaMessage        *alta_portal_client_send_message_finish (AltaPortalClient  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                alta_portal_client_mark_message_read_async (AltaPortalClient *self,
                                                         AltaMessage          *message,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
AltaMessage        *alta_portal_client_mark_message_read_finish (AltaPortalClient *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
