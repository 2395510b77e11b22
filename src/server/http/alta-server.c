/* alta-server.c: the portal server (SoupServer): routing, authentication, replies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "alta-client-address.h"
#include "alta-clock.h"
#include "alta-i18n.h"
#include "alta-log.h"
#include "alta-portal-error.h"
#include "alta-request-body.h"
#include "alta-rules.h"
#include "alta-secrets.h"
#include "alta-server-private.h"

#define SWEEP_INTERVAL_S 30

G_DEFINE_FINAL_TYPE (AltaServer, alta_server, G_TYPE_OBJECT)

static const char *
status_reason (guint status)
{
  const char *phrase = soup_status_get_phrase (status);

  return phrase != NULL ? phrase : "Error";
}

static void
set_json_body (SoupServerMessage *msg,
               guint              status,
               const char        *content_type,
               JsonNode          *body)
{
  char *text = json_to_string (body, FALSE);

  soup_server_message_set_status (msg, status, status_reason (status));
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

/**
 * alta_request_reply_json:
 * @request: the request
 * @status: the HTTP status
 * @body: the JSON to send
 */
void
alta_request_reply_json (AltaRequest *request,
                         guint        status,
                         JsonNode    *body)
{
  set_json_body (request->msg, status, "application/json; charset=utf-8", body);
}

/**
 * alta_request_reply_empty:
 * @request: the request
 * @status: the HTTP status, such as 204
 */
void
alta_request_reply_empty (AltaRequest *request,
                          guint        status)
{
  soup_server_message_set_status (request->msg, status, status_reason (status));
}

/**
 * alta_request_audit:
 * @request: the request
 * @action: what happened
 * @target: (nullable): to what
 * @outcome: "success" or an error code
 *
 * Writes to the audit trail; inside the request's transaction when one is open. A failure to
 * write the audit trail is logged, and fails the transaction it is part of at commit.
 */
void
alta_request_audit (AltaRequest *request,
                    const char  *action,
                    const char  *target,
                    const char  *outcome)
{
  g_autoptr (GError) error = NULL;

  if (!alta_store_audit (request->server->store, request->now, request->request_id,
                         request->actor, action, target, outcome, &error))
    g_warning ("Request %s: the audit trail could not be written: %s",
               request->request_id, error->message);
}

/**
 * alta_request_limit_account:
 * @request: the request
 * @account_key: what the request is about (a folded username or e-mail address)
 * @error: return location for a #GError
 *
 * Counts the request against @account_key's per-minute limit, so that guesses spread over
 * many addresses still slow down.
 *
 * Returns: %FALSE with %ALTA_PORTAL_ERROR_RATE_LIMITED when over the limit
 */
gboolean
alta_request_limit_account (AltaRequest  *request,
                            const char   *account_key,
                            GError      **error)
{
  g_autofree char *key = g_strconcat ("account:", account_key, NULL);
  gint64 retry_after;

  if (alta_rate_limiter_hit (request->server->limiter, key,
                             request->server->config->rate_limit_per_account,
                             g_get_monotonic_time () / G_USEC_PER_SEC, &retry_after))
    return TRUE;

  request->retry_after = retry_after;
  g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_RATE_LIMITED,
                       "Too many requests for one account");
  return FALSE;
}

/**
 * alta_request_store_failed:
 * @request: the request
 * @store_error: (transfer none): what the store said
 * @error: return location for a #GError
 *
 * Logs a storage failure for the operator, rolls back the request's transaction and gives
 * the person a plain 500.
 *
 * Returns: %FALSE, always
 */
gboolean
alta_request_store_failed (AltaRequest  *request,
                           GError       *store_error,
                           GError      **error)
{
  g_warning ("Request %s: storage failed: %s", request->request_id,
             store_error != NULL ? store_error->message : "unknown error");
  alta_store_rollback (request->server->store);
  g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INTERNAL, "Storage failed");
  return FALSE;
}

/* The format comes from our own catalog, whose formats msgfmt --check-format checks. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *
format_field_message (const char *language,
                      const char *format,
                      const char *field)
{
  return g_strdup_printf (alta_i18n_gettext (language, format), field);
}
#pragma GCC diagnostic pop

static void
reply_error (AltaRequest  *request,
             const GError *error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) body = NULL;
  AltaPortalError code = ALTA_PORTAL_ERROR_INTERNAL;
  const char *field = alta_request_body_error_field (error);
  g_autofree char *message = NULL;
  guint status;

  if (error->domain == ALTA_PORTAL_ERROR)
    code = error->code;

  status = alta_portal_error_get_status (code);
  if (status == 0)
    status = 500;

  if (field != NULL)
    /* Translators: %s is the name of a field of the request, such as "birth_date" */
    message = format_field_message (request->language,
                                    N_("The field “%s” is missing or not valid."), field);
  else
    message = g_strdup (alta_i18n_gettext (request->language,
                                           alta_portal_error_get_message (code)));

  if (request->diagnostics != NULL)
    {
      g_free (message);
      message = g_strdup (request->diagnostics);
    }

  if (g_str_has_prefix (request->path, "/fhir/"))
    {
      alta_server_fhir_reply_outcome (request, status, code, message);
      goto logged;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, alta_portal_error_to_code (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  if (request->retry_after > 0)
    {
      json_builder_set_member_name (builder, "retry_after_s");
      json_builder_add_int_value (builder, request->retry_after);
    }
  json_builder_end_object (builder);

  if (request->retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, request->retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "Retry-After", seconds);
    }

  body = json_builder_get_root (builder);
  alta_request_reply_json (request, status, body);

logged:
  /* finish_request() logs it */
  request->outcome = alta_portal_error_to_code (code);
}

/**
 * alta_server_patient_has_access:
 * @self: an #AltaServer
 * @patient: a patient
 * @now: the time of the request
 *
 * Returns: %FALSE for patients aged 12–17 on the day of @now
 */
gboolean
alta_server_patient_has_access (AltaServer        *self,
                                const AltaPatient *patient,
                                gint64             now)
{
  GDate birth_date, today;

  if (!alta_rules_parse_date (patient->birth_date, &birth_date))
    return FALSE;

  alta_clock_date_of (now, &today);
  return alta_rules_has_portal_access (&birth_date, &today);
}

static void
end_session (AltaRequest *request,
             const char  *reason,
             const char  *action)
{
  g_autoptr (GError) error = NULL;
  AltaStore *store = request->server->store;

  if (!alta_store_begin (store, &error) ||
      !alta_store_end_session (store, request->session->id, request->now, reason, &error))
    {
      g_warning ("Request %s: the session could not be ended: %s", request->request_id,
                 error->message);
      alta_store_rollback (store);
      return;
    }

  alta_request_audit (request, action, request->actor, "success");
  if (!alta_store_commit (store, &error))
    g_warning ("Request %s: the session could not be ended: %s", request->request_id,
               error->message);
}

/* Checks the bearer token and loads the session and account. Ends sessions past their
 * idle or absolute limit. Counts the request as activity unless it says it is background.
 */
static gboolean
authenticate (AltaRequest  *request,
              GError      **error)
{
  AltaServer *self = request->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *token_hash = NULL;
  g_autoptr (GError) store_error = NULL;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0 ||
      authorization[7] == '\0' || strlen (authorization) > 200)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED,
                           "No bearer token");
      return FALSE;
    }

  token_hash = alta_secrets_hash ("session", authorization + 7);
  request->session = alta_store_find_session (self->store, token_hash, &store_error);
  if (request->session == NULL)
    {
      if (store_error != NULL)
        return alta_request_store_failed (request, store_error, error);

      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED,
                           "Unknown token");
      return FALSE;
    }

  request->actor = g_strdup_printf ("account:%" G_GINT64_FORMAT, request->session->account_id);

  if (request->session->ended_at != 0)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED,
                           "The session has ended");
      return FALSE;
    }

  if (request->now >= request->session->expires_at)
    {
      end_session (request, "expired", "session.expire");
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED,
                           "The session reached its absolute limit");
      return FALSE;
    }

  if (request->now - request->session->last_activity_at >= self->config->idle_timeout_s)
    {
      end_session (request, "idle", "session.timeout");
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED,
                           "The session was idle too long");
      return FALSE;
    }

  request->account = alta_store_get_account (self->store, request->session->account_id,
                                             &store_error);
  if (request->account == NULL)
    return alta_request_store_failed (request, store_error, error);

  /* Ages change on birthdays: a patient who turned 12 during a session loses access. */
  if (request->account->patient_id != NULL)
    {
      g_autoptr (AltaPatient) patient = alta_store_get_patient (self->store,
                                                                request->account->patient_id,
                                                                &store_error);

      if (patient == NULL)
        return alta_request_store_failed (request, store_error, error);

      if (!alta_server_patient_has_access (self, patient, request->now))
        {
          end_session (request, "no-portal-access", "session.end");
          g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS,
                               "Patient aged 12 to 17");
          return FALSE;
        }
    }

  /* Only a person's requests keep the session alive. Writing once a second at most keeps
   * a busy page from writing on every request.
   */
  if (!request->background && request->now > request->session->last_activity_at &&
      !alta_store_touch_session (self->store, request->session->id, request->now, &store_error))
    return alta_request_store_failed (request, store_error, error);

  return TRUE;
}

/* On every answer, including those the early handler gives. HSTS is only heeded over
 * HTTPS, which is the only way the portal is reached from off the machine.
 */
static void
add_security_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
}

/* Answers at once, before (or instead of) reading the rest of the body, and closes. */
static void
refuse_request (AltaServer        *self,
                SoupServerMessage *msg,
                guint              status,
                AltaPortalError    code)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;
  const char *language = alta_i18n_language_from_header (
    soup_message_headers_get_one (headers, "Accept-Language"));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, alta_portal_error_to_code (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder,
                                 alta_i18n_gettext (language, alta_portal_error_get_message (code)));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);

  if (alta_connections_refuse (self->connections, msg, status, "application/json; charset=utf-8",
                               text))
    return;

  /* Not on one of our connections: libsoup answers once it has read the request. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  set_json_body (msg, status, "application/json; charset=utf-8", body);
}

typedef struct
{
  AltaServer *server;
  gint64      started;    /* monotonic, when the headers had arrived */
  goffset     received;
} BodyCount;

/* The client's address: behind the clinic's proxy, the one the proxy saw
 * (alta-client-address.c)
 */
static char *
dup_client_address (AltaServer        *self,
                    SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  const char *forwarded_for = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("unknown");

  if (self->trusted_proxies->len > 0)
    forwarded_for = soup_message_headers_get_list (headers, "X-Forwarded-For");
  return alta_client_address_resolve (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)), forwarded_for,
    self->trusted_proxies);
}

/* A request refused before it reached a route still gets its one log line. */
static void
log_refused (AltaServer        *self,
             SoupServerMessage *msg,
             guint              status,
             AltaPortalError    code)
{
  g_autofree char *request_id = alta_secrets_new_request_id ();
  g_autofree char *address = dup_client_address (self, msg);
  BodyCount *count = g_object_get_data (G_OBJECT (msg), "alta-body-count");

  alta_log_request (request_id, soup_server_message_get_method (msg),
                    g_uri_get_path (soup_server_message_get_uri (msg)), status,
                    alta_portal_error_to_code (code),
                    count != NULL ? g_get_monotonic_time () - count->started : 0, address);
}

/* Bodies are counted as they arrive, whatever their framing: a chunked body has no
 * Content-Length to refuse it by.
 */
static void
on_request_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     BodyCount         *count)
{
  if (count->received > ALTA_MAX_BODY_BYTES)
    return;

  count->received += (goffset)g_bytes_get_size (chunk);
  if (count->received <= ALTA_MAX_BODY_BYTES)
    return;

  log_refused (count->server, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
               ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE);
  soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_body_truncate (soup_server_message_get_request_body (msg));
  refuse_request (count->server, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                  ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE);
}

/* Two Content-Length headers that differ, a list in one, or one beside Transfer-Encoding:
 * a proxy in front may frame the body otherwise than we do (request smuggling).
 */
static gboolean
has_ambiguous_length (SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value, *first = NULL;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Content-Length") != 0)
        continue;

      if (strchr (value, ',') != NULL || (first != NULL && strcmp (first, value) != 0))
        return TRUE;
      first = value;
    }

  return first != NULL && soup_message_headers_get_one (headers, "Transfer-Encoding") != NULL;
}

static void
handle_early (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  AltaServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  BodyCount *count;

  add_security_headers (msg);

  if (has_ambiguous_length (headers))
    {
      log_refused (self, msg, SOUP_STATUS_BAD_REQUEST, ALTA_PORTAL_ERROR_INVALID_REQUEST);
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      refuse_request (self, msg, SOUP_STATUS_BAD_REQUEST, ALTA_PORTAL_ERROR_INVALID_REQUEST);
      return;
    }

  /* Refuse a body that is too big before reading it. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > ALTA_MAX_BODY_BYTES)
    {
      log_refused (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                   ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      refuse_request (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                      ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE);
      return;
    }

  alta_connections_got_headers (self->connections, msg);

  count = g_new0 (BodyCount, 1);
  count->server = self;
  count->started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "alta-body-count", count, g_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_request_chunk_cb), count);
}

static const AltaRoute *
find_route (AltaServer  *self,
            const char  *method,
            const char  *path,
            GString     *allowed)
{
  const AltaRoute *found = NULL;
  gboolean exact = FALSE;

  /* A route path ending in '*' takes every path under it; an exact route wins over it. */
  for (guint i = 0; i < self->routes->len; i++)
    {
      const AltaRoute *route = g_ptr_array_index (self->routes, i);

      if (strcmp (route->path, path) == 0)
        exact = TRUE;
    }

  for (guint i = 0; i < self->routes->len; i++)
    {
      const AltaRoute *route = g_ptr_array_index (self->routes, i);
      gsize length = strlen (route->path);
      gboolean prefix = length > 0 && route->path[length - 1] == '*';

      if (prefix ? exact || strncmp (route->path, path, length - 1) != 0
                 : strcmp (route->path, path) != 0)
        continue;

      if (allowed->len > 0)
        g_string_append (allowed, ", ");
      g_string_append (allowed, route->method);

      if (strcmp (route->method, method) == 0)
        found = route;
    }

  return found;
}

static AltaRequest *
request_new (AltaServer        *self,
             SoupServerMessage *msg,
             const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  AltaRequest *request = g_new0 (AltaRequest, 1);
  BodyCount *count = g_object_get_data (G_OBJECT (msg), "alta-body-count");

  request->server = self;
  request->msg = g_object_ref (msg);
  request->path = g_strdup (path);
  request->request_id = alta_secrets_new_request_id ();
  request->language = alta_i18n_language_from_header (
    soup_message_headers_get_one (headers, "Accept-Language"));
  request->now = alta_clock_now ();
  request->background = g_strcmp0 (soup_message_headers_get_one (headers, "X-Portal-Activity"),
                                   "background") == 0;

  request->started = count != NULL ? count->started : g_get_monotonic_time ();
  request->client_address = dup_client_address (self, msg);
  request->actor = g_strconcat ("address:", request->client_address, NULL);

  return request;
}

static void
request_free (AltaRequest *request)
{
  g_clear_signal_handler (&request->disconnected_id, request->msg);
  g_clear_signal_handler (&request->finished_id, request->msg);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->path, g_free);
  g_clear_pointer (&request->request_id, g_free);
  g_clear_pointer (&request->client_address, g_free);
  g_clear_pointer (&request->body, json_object_unref);
  g_clear_pointer (&request->session, alta_session_record_free);
  g_clear_pointer (&request->account, alta_account_free);
  g_clear_pointer (&request->actor, g_free);
  g_clear_pointer (&request->diagnostics, g_free);
  if (request->read_data_free != NULL)
    g_clear_pointer (&request->read_data, request->read_data_free);
  g_free (request);
}

/* The request's one log line (alta_log_request()) */
static void
log_request (AltaRequest *request,
             guint        status)
{
  alta_log_request (request->request_id, soup_server_message_get_method (request->msg),
                    request->path, status, request->outcome,
                    g_get_monotonic_time () - request->started, request->client_address);
}

/* Answers @error if the route did not answer, logs, lets a paused message go and frees
 * @request.
 */
static void
finish_request (AltaRequest  *request,
                const GError *error)
{
  /* A handler that failed half-way must leave nothing written. */
  alta_store_rollback (request->server->store);

  if (error != NULL)
    reply_error (request, error);

  log_request (request, soup_server_message_get_status (request->msg));

  if (request->then != NULL || request->read_then != NULL)
    soup_server_message_unpause (request->msg);

  request_free (request);
}

static void
on_client_gone_cb (AltaRequest *request)
{
  g_cancellable_cancel (request->cancellable);
}

static void
password_job_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  AltaRequest *request = user_data;
  AltaServer *self = request->server;
  g_autoptr (AltaPasswordResult) outcome = NULL;
  g_autoptr (GError) error = NULL;

  g_ptr_array_remove_fast (self->hashing, request);
  outcome = alta_password_pool_run_finish (result, &error);

  /* Nobody waits for the answer any more: do nothing that nobody would hear of. Nothing
   * is written, so the client's retry finds everything as it was.
   */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      log_request (request, 0);
      request_free (request);
      return;
    }

  if (outcome == NULL)
    {
      g_warning ("Request %s: a password could not be hashed: %s", request->request_id,
                 error->message);
      g_clear_error (&error);
      g_set_error_literal (&error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INTERNAL,
                           "Password hashing failed");
    }
  else
    request->then (request, outcome, &error);

  finish_request (request, error);
}

static gboolean
start_password_job (AltaRequest       *request,
                    gboolean           verify,
                    const char        *password_hash,
                    const char        *password,
                    const char        *new_password,
                    AltaPasswordFunc   then,
                    GError           **error)
{
  AltaServer *self = request->server;

  g_return_val_if_fail (request->then == NULL, FALSE);
  g_return_val_if_fail (then != NULL, FALSE);
  g_return_val_if_fail (self->passwords != NULL, FALSE);

  /* Sign-ins waiting behind each other would only time out; say so at once instead. */
  if (alta_password_pool_is_full (self->passwords))
    {
      request->retry_after = alta_password_pool_estimate_wait (self->passwords);
      request->diagnostics = g_strdup (alta_i18n_gettext (request->language,
                                                          N_("The portal is very busy right now. Please try again in a few seconds.")));
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_UNAVAILABLE,
                           "The password queue is full");
      return FALSE;
    }

  /* The request leaves the dispatcher's hands: it stays until its second half answers, or
   * until the client leaves, and then nothing is answered to a message that is gone.
   */
  request->then = then;
  request->cancellable = g_cancellable_new ();
  request->disconnected_id = g_signal_connect_swapped (request->msg, "disconnected",
                                                       G_CALLBACK (on_client_gone_cb), request);
  request->finished_id = g_signal_connect_swapped (request->msg, "finished",
                                                   G_CALLBACK (on_client_gone_cb), request);
  soup_server_message_pause (request->msg);
  g_ptr_array_add (self->hashing, request);

  alta_password_pool_run_async (self->passwords, verify, password_hash, password, new_password,
                                request->cancellable, password_job_done_cb, request);
  return TRUE;
}

/**
 * alta_request_hash_password:
 * @request: the request of a route
 * @password: a password that passed the policy
 * @then: the route's second half, given the hash in the result's `new_hash`
 * @error: return location for a #GError
 *
 * Hashes @password in the password pool, then calls @then on the main thread. The route
 * returns what this returns, and reads the store again in @then: other requests run
 * meanwhile.
 *
 * Returns: %TRUE when the request waits for the pool; %FALSE with
 *   %ALTA_PORTAL_ERROR_UNAVAILABLE (503 with Retry-After) when the pool is full
 */
gboolean
alta_request_hash_password (AltaRequest       *request,
                            const char        *password,
                            AltaPasswordFunc   then,
                            GError           **error)
{
  g_return_val_if_fail (password != NULL, FALSE);

  return start_password_job (request, FALSE, NULL, password, password, then, error);
}

/**
 * alta_request_verify_password:
 * @request: the request of a route
 * @password_hash: (nullable): the account's stored hash, or %NULL for an unknown account:
 *   then a dummy hash is verified, which takes as long and never matches
 * @password: the password to check
 * @new_password: (nullable): a password to hash once @password matched
 * @then: the route's second half
 * @error: return location for a #GError
 *
 * As alta_request_hash_password(), for checking a password (and then hashing a new one).
 *
 * Returns: %TRUE when the request waits for the pool; %FALSE with
 *   %ALTA_PORTAL_ERROR_UNAVAILABLE when the pool is full
 */
gboolean
alta_request_verify_password (AltaRequest       *request,
                              const char        *password_hash,
                              const char        *password,
                              const char        *new_password,
                              AltaPasswordFunc   then,
                              GError           **error)
{
  g_return_val_if_fail (password != NULL, FALSE);

  return start_password_job (request, TRUE, password_hash, password, new_password, then, error);
}

/* Cancels what waits for the pool and waits for what runs in it, then lets the requests'
 * callbacks run, which answer nothing.
 */
static void
stop_hashing (AltaServer *self)
{
  if (self->passwords == NULL)
    return;

  for (guint i = 0; i < self->hashing->len; i++)
    g_cancellable_cancel (((AltaRequest *)g_ptr_array_index (self->hashing, i))->cancellable);

  g_clear_pointer (&self->passwords, alta_password_pool_free);

  while (self->hashing->len > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
read_job_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AltaRequest *request = user_data;
  AltaServer *self = request->server;
  g_autoptr (GError) read_error = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  g_ptr_array_remove_fast (self->reading, request);
  ok = alta_read_pool_run_finish (result, &read_error);

  /* Nobody waits for the answer any more: nothing was disclosed, nothing is written. */
  if (g_cancellable_is_cancelled (request->cancellable) ||
      g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      log_request (request, 0);
      request_free (request);
      return;
    }

  if (!ok)
    alta_request_store_failed (request, read_error, &error);
  else
    request->read_then (request, request->read_data, &error);

  finish_request (request, error);
}

/**
 * alta_request_read:
 * @request: the request of a read route
 * @read: the route's reads, which run on a read connection: on a worker of the read pool,
 *   or at once on the server's store when there is none (`[server] read_threads = 0`)
 * @then: the route's second half, on the main thread: the audit trail, and the answer
 * @data: (transfer full): what @read fills in and @then answers from
 * @free_data: frees @data once the request is done
 * @error: return location for a #GError
 *
 * The route returns what this returns. @read sees every write committed before the call
 * (those answered to this client included) and nothing half-written. The request's `now`
 * (the clock tests move) is read on the main thread: @read takes the time from @data.
 *
 * Returns: %TRUE when the request waits for the pool, or @then's result when run at once
 */
gboolean
alta_request_read (AltaRequest       *request,
                   AltaReadFunc       read,
                   AltaReadThenFunc   then,
                   gpointer           data,
                   GDestroyNotify     free_data,
                   GError           **error)
{
  AltaServer *self = request->server;

  g_return_val_if_fail (request->then == NULL && request->read_then == NULL, FALSE);

  request->read_data = data;
  request->read_data_free = free_data;

  /* Without a pool, or inside a write transaction (whose rows a reader could not see yet) */
  if (self->reads == NULL || alta_store_in_transaction (self->store))
    {
      g_autoptr (GError) store_error = NULL;

      if (!read (self->store, data, &store_error))
        return alta_request_store_failed (request, store_error, error);
      return then (request, data, error);
    }

  request->read_then = then;
  request->cancellable = g_cancellable_new ();
  request->disconnected_id = g_signal_connect_swapped (request->msg, "disconnected",
                                                       G_CALLBACK (on_client_gone_cb), request);
  request->finished_id = g_signal_connect_swapped (request->msg, "finished",
                                                   G_CALLBACK (on_client_gone_cb), request);
  soup_server_message_pause (request->msg);
  g_ptr_array_add (self->reading, request);

  alta_read_pool_run_async (self->reads, read, data, request->cancellable, read_job_done_cb,
                            request);
  return TRUE;
}

/* Read audit rows (alta_store_audit_later()): written together once this many wait */
#define AUDIT_BATCH_ROWS 256

static gboolean flush_audit_cb (gpointer user_data);

/* Writes the read audit rows kept back, or tries again a moment later */
static void
flush_audit (AltaServer *self)
{
  g_autoptr (GError) error = NULL;

  g_clear_handle_id (&self->audit_flush_id, g_source_remove);
  if (alta_store_in_transaction (self->store) || !alta_store_flush_audit (self->store, &error))
    {
      if (error != NULL)
        g_warning ("%u audit rows are kept back for now: %s",
                   alta_store_get_n_pending_audit (self->store), error->message);
      self->audit_flush_id = g_timeout_add (MAX (self->config->audit_flush_ms, 10),
                                            flush_audit_cb, self);
    }
}

static gboolean
flush_audit_cb (gpointer user_data)
{
  AltaServer *self = user_data;

  self->audit_flush_id = 0;
  flush_audit (self);
  return G_SOURCE_REMOVE;
}

/**
 * alta_request_audit_reads:
 * @request: the request of a read route
 * @action: what ("record.search:Observation")
 * @targets: (element-type utf8): on what ("Patient/…"), a row each; empty: one row without
 * @outcome: "success" or the error code
 * @error: return location for a #GError
 *
 * The audit rows of a read of records. Reads are many: a commit for each one's rows cost
 * the writer a commit a request and emptied the read connections' page caches, so the
 * rows are kept back and written together, without an fsync, in one commit: at once when
 * no other request is under way (a trail read right after a lone request holds it), else
 * once AUDIT_BATCH_ROWS are kept or `[server] audit_flush_ms` after the first, before any
 * write and at a clean stop. Never pass a password, token or code here.
 *
 * Returns: %TRUE when the rows are kept or written; %FALSE (the read must be refused) when
 *   too many rows already wait for a database that refuses them
 */
gboolean
alta_request_audit_reads (AltaRequest  *request,
                          const char   *action,
                          GPtrArray    *targets,
                          const char   *outcome,
                          GError      **error)
{
  AltaServer *self = request->server;
  gboolean alone;

  for (guint i = 0; i < MAX (targets->len, 1); i++)
    if (!alta_store_audit_later (self->store, request->now, request->request_id,
                                 request->actor, action,
                                 targets->len > 0 ? g_ptr_array_index (targets, i) : NULL,
                                 outcome, error))
      return FALSE;

  /* This request is the only one started, and no other waits for a thread */
  alone = self->n_active_requests <= 1 && self->reading->len == 0 && self->hashing->len == 0;
  if (alone || self->config->audit_flush_ms == 0 ||
      alta_store_get_n_pending_audit (self->store) >= AUDIT_BATCH_ROWS)
    flush_audit (self);
  else if (self->audit_flush_id == 0)
    self->audit_flush_id = g_timeout_add ((guint)self->config->audit_flush_ms, flush_audit_cb,
                                          self);

  return TRUE;
}

/* Reads queued are dropped unanswered, those running finish; then the connections close. */
static void
stop_reading (AltaServer *self)
{
  if (self->reads == NULL)
    return;

  for (guint i = 0; i < self->reading->len; i++)
    g_cancellable_cancel (((AltaRequest *)g_ptr_array_index (self->reading, i))->cancellable);

  g_clear_pointer (&self->reads, alta_read_pool_free);

  while (self->reading->len > 0)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
run_route (AltaRequest      *request,
           const AltaRoute  *route,
           GError          **error)
{
  AltaServer *self = request->server;

  if (route->access == ALTA_ROUTE_PUBLIC_LIMITED)
    {
      g_autofree char *key = g_strconcat ("address:", request->client_address, NULL);
      gint64 retry_after;

      if (!alta_rate_limiter_hit (self->limiter, key, self->config->rate_limit_per_address,
                                  g_get_monotonic_time () / G_USEC_PER_SEC, &retry_after))
        {
          request->retry_after = retry_after;
          g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_RATE_LIMITED,
                               "Too many requests from one address");
          return FALSE;
        }
    }

  if (route->has_body)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
      g_autoptr (GBytes) bytes = NULL;
      gsize length;
      const char *data;

      if (body->length > ALTA_MAX_BODY_BYTES)
        {
          g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE,
                               "The body is over 1 MiB");
          return FALSE;
        }

      bytes = soup_message_body_flatten (body);
      data = g_bytes_get_data (bytes, &length);
      request->body = alta_request_body_parse (data, length, error);
      if (request->body == NULL)
        return FALSE;
    }

  if (route->access == ALTA_ROUTE_SIGNED_IN || route->access == ALTA_ROUTE_STAFF)
    {
      if (!authenticate (request, error))
        return FALSE;

      if (route->access == ALTA_ROUTE_STAFF && g_strcmp0 (request->account->role, "staff") != 0)
        {
          g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_FORBIDDEN,
                               "Staff only");
          return FALSE;
        }
    }

  return route->func (request, error);
}

static void
handle_request (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  AltaServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (GString) allowed = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const AltaRoute *route;
  AltaRequest *request;

  /* An early handler already answered (a body too large, an ambiguous length). */
  if (soup_server_message_get_status (msg) != 0)
    return;

  request = request_new (self, msg, path);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Request-Id", request->request_id);
  add_security_headers (msg);

  route = find_route (self, method, path, allowed);
  if (route == NULL && allowed->len > 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", allowed->str);
      g_set_error_literal (&error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED,
                           "Method not allowed");
    }
  else if (route == NULL)
    g_set_error_literal (&error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND, "No such route");
  else if (run_route (request, route, &error))
    {
      /* The route waits for the password pool or the read pool: its second half answers. */
      if (request->then != NULL || request->read_then != NULL)
        {
          alta_store_rollback (self->store);
          return;
        }
    }

  g_assert (request->then == NULL && request->read_then == NULL);
  finish_request (request, error);
}

/* Ends sessions that went idle or reached their absolute limit while nobody asked, so the
 * audit trail records every timeout.
 */
static gboolean
sweep_cb (gpointer user_data)
{
  AltaServer *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) stale = NULL;
  gint64 now = alta_clock_now ();

  alta_rate_limiter_prune (self->limiter, g_get_monotonic_time () / G_USEC_PER_SEC);

  stale = alta_store_list_stale_sessions (self->store, now - self->config->idle_timeout_s, now,
                                          &error);
  if (stale == NULL || stale->len == 0)
    {
      if (error != NULL)
        g_warning ("Cannot list stale sessions: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  if (!alta_store_begin (self->store, &error))
    {
      g_warning ("Cannot end stale sessions: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  for (guint i = 0; i < stale->len; i++)
    {
      AltaSessionRecord *session = &g_array_index (stale, AltaSessionRecord, i);
      gboolean expired = now >= session->expires_at;
      g_autofree char *actor = g_strdup_printf ("account:%" G_GINT64_FORMAT, session->account_id);

      if (!alta_store_end_session (self->store, session->id, now, expired ? "expired" : "idle",
                                   &error) ||
          !alta_store_audit (self->store, now, NULL, actor,
                             expired ? "session.expire" : "session.timeout", actor, "success",
                             &error))
        {
          g_warning ("Cannot end stale sessions: %s", error->message);
          alta_store_rollback (self->store);
          return G_SOURCE_CONTINUE;
        }
    }

  if (!alta_store_commit (self->store, &error))
    g_warning ("Cannot end stale sessions: %s", error->message);
  else
    g_debug ("Ended %u stale sessions", stale->len);

  return G_SOURCE_CONTINUE;
}

static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       AltaServer        *self)
{
  self->n_active_requests++;
  self->last_request_change = g_get_monotonic_time ();
  alta_connections_request_started (self->connections, msg);
}

static void
on_request_ended (AltaServer        *self,
                  SoupServerMessage *msg,
                  gboolean           completed)
{
  g_assert (self->n_active_requests > 0);
  self->n_active_requests--;
  self->last_request_change = g_get_monotonic_time ();
  alta_connections_request_ended (self->connections, msg, completed);
}

static void
on_request_finished_cb (SoupServer        *soup,
                        SoupServerMessage *msg,
                        AltaServer        *self)
{
  on_request_ended (self, msg, TRUE);
}

static void
on_request_aborted_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       AltaServer        *self)
{
  on_request_ended (self, msg, FALSE);
}

static void
alta_server_dispose (GObject *object)
{
  AltaServer *self = (AltaServer *)object;

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->connections != NULL)
    alta_connections_stop (self->connections);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  stop_hashing (self);
  stop_reading (self);
  g_clear_handle_id (&self->audit_flush_id, g_source_remove);
  g_clear_pointer (&self->connections, alta_connections_free);
  g_clear_object (&self->soup);
  g_clear_object (&self->mailer);
  if (self->store != NULL)
    alta_store_close (self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (alta_server_parent_class)->dispose (object);
}

static void
alta_server_finalize (GObject *object)
{
  AltaServer *self = (AltaServer *)object;

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->config, alta_config_free);
  g_clear_pointer (&self->limiter, alta_rate_limiter_free);
  g_clear_pointer (&self->trusted_proxies, g_ptr_array_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->hashing, g_ptr_array_unref);
  g_clear_pointer (&self->reading, g_ptr_array_unref);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (alta_server_parent_class)->finalize (object);
}

static void
alta_server_class_init (AltaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = alta_server_dispose;
  object_class->finalize = alta_server_finalize;
}

static void
alta_server_init (AltaServer *self)
{
  self->routes = g_ptr_array_new ();
  self->hashing = g_ptr_array_new ();
  self->reading = g_ptr_array_new ();
  self->limiter = alta_rate_limiter_new (60);
}

/**
 * alta_server_add_routes:
 * @self: an #AltaServer
 * @routes: (array length=n_routes): routes that live as long as the program
 * @n_routes: their number
 */
void
alta_server_add_routes (AltaServer      *self,
                        const AltaRoute *routes,
                        guint            n_routes)
{
  for (guint i = 0; i < n_routes; i++)
    g_ptr_array_add (self->routes, (gpointer)&routes[i]);
}

/**
 * alta_server_new:
 * @data_dir: the server's folder: database, key, outbox
 * @config: (transfer full): the configuration
 * @error: return location for a #GError
 *
 * Opens the data directory. The server answers nothing until alta_server_listen().
 *
 * Returns: (transfer full) (nullable): the server
 */
AltaServer *
alta_server_new (const char  *data_dir,
                 AltaConfig  *config,
                 GError     **error)
{
  g_autoptr (AltaServer) self = g_object_new (ALTA_TYPE_SERVER, NULL);
  g_autofree char *db_path = NULL;
  g_autofree char *key_path = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self->config = config;
  self->data_dir = g_strdup (data_dir);
  self->trusted_proxies = alta_client_address_parse_proxies (
    (const char * const *)config->trusted_proxies, error);
  if (self->trusted_proxies == NULL)
    return NULL;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot make the data directory %s: %s", data_dir, g_strerror (errno));
      return NULL;
    }

  alta_clock_set_offset_file (config->clock_offset_file);

  key_path = g_build_filename (data_dir, "hash.key", NULL);
  if (!alta_secrets_init (key_path, error))
    return NULL;

  db_path = g_build_filename (data_dir, "portal.db", NULL);
  self->store = alta_store_open (db_path, error);
  if (self->store == NULL)
    return NULL;
  self->db_path = g_steal_pointer (&db_path);

  self->mailer = alta_mailer_new (self->store, config, data_dir);

  alta_server_accounts_register (self);
  alta_server_staff_register (self);
  alta_server_fhir_register (self);
  alta_server_fhir_write_register (self);

  return g_steal_pointer (&self);
}

/**
 * alta_server_get_store:
 * @self: an #AltaServer
 *
 * Returns: (transfer none): the server's store
 */
AltaStore *
alta_server_get_store (AltaServer *self)
{
  g_return_val_if_fail (ALTA_IS_SERVER (self), NULL);

  return self->store;
}

/**
 * alta_server_listen:
 * @self: an #AltaServer
 * @address: `ADDR:PORT`; port 0 picks a free one
 * @certificate: (nullable): the TLS certificate, or %NULL for plain HTTP (loopback only)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server listens
 */
gboolean
alta_server_listen (AltaServer       *self,
                    const char       *address,
                    GTlsCertificate  *certificate,
                    GError          **error)
{
  g_autoptr (GSocketConnectable) connectable = NULL;
  g_autoptr (GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  AltaConnectionLimits limits;
  GInetAddress *inet;

  g_return_val_if_fail (ALTA_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  connectable = g_network_address_parse (address, 8443, error);
  if (connectable == NULL)
    return FALSE;

  enumerator = g_socket_connectable_enumerate (connectable);
  socket_address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (socket_address == NULL)
    return FALSE;

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (socket_address));
  if (certificate == NULL && !g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "Plain HTTP is only allowed on a loopback address, not on %s", address);
      return FALSE;
    }

  /* GLib has no per-connection TLS settings; glib-networking reads this when it makes its
   * first TLS connection, which happens below. Set before the password threads start.
   */
  if (certificate != NULL)
    {
      const char *given = g_getenv ("G_TLS_GNUTLS_PRIORITY");

      if (given != NULL && g_strcmp0 (given, self->config->tls_priority) != 0)
        g_message ("G_TLS_GNUTLS_PRIORITY is replaced by [server] tls_priority");
      g_setenv ("G_TLS_GNUTLS_PRIORITY", self->config->tls_priority, TRUE);
    }

  self->passwords = alta_password_pool_new ((guint)self->config->password_threads,
                                            (guint)self->config->password_queue, error);
  if (self->passwords == NULL)
    return FALSE;
  g_debug ("Hashing passwords on %u threads, up to %d waiting",
           alta_password_pool_get_n_threads (self->passwords), self->config->password_queue);

  if (self->config->read_threads > 0)
    {
      self->reads = alta_read_pool_new (self->db_path, self->store,
                                        (guint)self->config->read_threads, error);
      if (self->reads == NULL)
        {
          g_clear_pointer (&self->passwords, alta_password_pool_free);
          return FALSE;
        }
    }
  g_debug ("Reading on %d threads beside the main loop", self->config->read_threads);

  /* libsoup listens on nothing: AltaConnections accepts, does TLS and keep-alive, and
   * hands it one request at a time (see alta-connections.c for why).
   */
  self->soup = soup_server_new ("server-header", "myaltamed-portald/" PACKAGE_VERSION " ",
                                NULL);
  soup_server_add_early_handler (self->soup, NULL, handle_early, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_request, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_aborted_cb), self);

  limits.handshake_timeout_s = (guint)self->config->handshake_timeout_s;
  limits.keepalive_timeout_s = (guint)self->config->keepalive_timeout_s;
  limits.max_per_address = (guint)self->config->max_connections_per_address;
  limits.listen_backlog = (guint)self->config->listen_backlog;
  limits.uncapped = self->trusted_proxies;
  self->tls = certificate != NULL;
  self->connections = alta_connections_new (self->soup, certificate, &limits);

  if (!alta_connections_listen (self->connections, socket_address, error))
    {
      g_clear_pointer (&self->connections, alta_connections_free);
      g_clear_object (&self->soup);
      g_clear_pointer (&self->passwords, alta_password_pool_free);
      g_clear_pointer (&self->reads, alta_read_pool_free);
      return FALSE;
    }

  self->sweep_id = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, self);
  alta_mailer_start (self->mailer);

  return TRUE;
}

/**
 * alta_server_dup_url:
 * @self: an #AltaServer
 *
 * Returns: (transfer full) (nullable): the base URL the server listens on, without a final
 *   slash
 */
char *
alta_server_dup_url (AltaServer *self)
{
  g_return_val_if_fail (ALTA_IS_SERVER (self), NULL);

  if (self->connections == NULL)
    return NULL;

  return alta_connections_dup_url (self->connections);
}

/**
 * alta_server_is_quiet:
 * @self: an #AltaServer
 * @quiet_ms: how long nothing must have happened
 *
 * A stopping server waits for this before it stops, so that requests in flight, and
 * requests on connections already opened, get their answers.
 *
 * Returns: %TRUE when no request is under way and none started or ended for @quiet_ms
 */
gboolean
alta_server_is_quiet (AltaServer *self,
                      guint       quiet_ms)
{
  g_return_val_if_fail (ALTA_IS_SERVER (self), TRUE);

  return self->n_active_requests == 0 &&
         g_get_monotonic_time () - self->last_request_change >= (gint64)quiet_ms * 1000;
}

/**
 * alta_server_shutdown:
 * @self: an #AltaServer
 *
 * Stops listening, delivers what mail it can and closes the database cleanly. Requests are
 * handled on the main loop, and write only there, so none is half-done when this runs; a
 * request still waiting for its password job (past the drain's time limit) is dropped
 * unanswered, with nothing written, once the hashes in flight have finished.
 */
void
alta_server_shutdown (AltaServer *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (ALTA_IS_SERVER (self));

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->connections != NULL)
    alta_connections_stop (self->connections);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  stop_hashing (self);
  stop_reading (self);
  /* The audit rows kept back are written as the store closes */
  g_clear_handle_id (&self->audit_flush_id, g_source_remove);

  if (self->mailer != NULL && !alta_mailer_flush_sync (self->mailer, &error))
    g_message ("Mail not yet delivered stays queued: %s", error->message);

  alta_store_close (self->store);
}
