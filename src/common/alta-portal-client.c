/* alta-portal-client.c: the one door to the portal's HTTP API
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-client"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "alta-fhir-bundle.h"
#include "alta-json.h"
#include "alta-portal-client.h"
#include "alta-portal-client-private.h"
#include "alta-portal-error.h"

#define DEFAULT_TIMEOUT_S 30

struct _AltaPortalClient
{
  GObject      parent_instance;

  SoupSession *session;
  GUri        *base_uri;
  char        *base_url;

  /* Secret: never logged */
  char        *access_token;

  char        *language;
};

G_DEFINE_FINAL_TYPE (AltaPortalClient, alta_portal_client, G_TYPE_OBJECT)

enum
{
  SESSION_EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A secret's bytes are overwritten before they are freed: explicit_bzero() is not optimised
 * away as a memset() of memory about to be freed may be. */
static void
wipe_string (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
}

static void
wipe_and_free (gpointer secret)
{
  wipe_string (secret);
  g_free (secret);
}

static void
wipe_bytes_free (gpointer data)
{
  wipe_and_free (data);
}

static void
alta_portal_client_dispose (GObject *object)
{
  AltaPortalClient *self = (AltaPortalClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (alta_portal_client_parent_class)->dispose (object);
}

static void
alta_portal_client_finalize (GObject *object)
{
  AltaPortalClient *self = (AltaPortalClient *)object;

  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->access_token, wipe_and_free);
  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (alta_portal_client_parent_class)->finalize (object);
}

static void
alta_portal_client_class_init (AltaPortalClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = alta_portal_client_dispose;
  object_class->finalize = alta_portal_client_finalize;

  /**
   * AltaPortalClient::session-expired:
   *
   * The portal answered `session_expired` to a request that carried the access token:
   * whatever made the request, the session is over. Emitted before that request's callback
   * runs; the token is already forgotten.
   */
  signals[SESSION_EXPIRED] =
    g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
alta_portal_client_init (AltaPortalClient *self)
{
  self->language = g_strdup ("en");
}

/**
 * alta_portal_client_is_loopback_uri:
 * @uri: a #GUri
 *
 * Returns: %TRUE when @uri names this machine by a loopback address or "localhost"
 */
gboolean
alta_portal_client_is_loopback_uri (GUri *uri)
{
  g_autoptr (GInetAddress) address = NULL;
  const char *host = g_uri_get_host (uri);

  if (host == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * alta_portal_client_new:
 * @base_url: the portal's address, such as `https://portal.example.net`
 * @tls_database: (nullable): extra certificate authorities to trust; the system's trust
 *   store is used when %NULL
 * @error: return location for a #GError
 *
 * Plain `http:` is refused unless @base_url is a loopback address.
 *
 * Returns: (transfer full) (nullable): a new #AltaPortalClient
 */
AltaPortalClient *
alta_portal_client_new (const char    *base_url,
                        GTlsDatabase  *tls_database,
                        GError       **error)
{
  g_autoptr (AltaPortalClient) self = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (tls_database == NULL || G_IS_TLS_DATABASE (tls_database), NULL);

  uri = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "https") != 0 &&
      !(g_strcmp0 (scheme, "http") == 0 && alta_portal_client_is_loopback_uri (uri)))
    {
      g_set_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NETWORK,
                   "Refusing %s: the portal must be reached over HTTPS", scheme);
      return NULL;
    }

  self = g_object_new (ALTA_TYPE_PORTAL_CLIENT, NULL);
  self->base_uri = g_steal_pointer (&uri);
  self->base_url = g_uri_to_string (self->base_uri);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  /* A record loads with eight requests at once: libsoup's two connections a host would
   * queue six of them (docs/performance.md, the client's sign-in) */
  self->session = soup_session_new_with_options ("timeout", DEFAULT_TIMEOUT_S,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 8,
                                                 "user-agent", "MyAltaMed/" PACKAGE_VERSION,
                                                 NULL);
  if (tls_database != NULL)
    soup_session_set_tls_database (self->session, tls_database);

  return g_steal_pointer (&self);
}

const char *
alta_portal_client_get_base_url (AltaPortalClient *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * alta_portal_client_get_access_token:
 * @self: an #AltaPortalClient
 *
 * Returns: (nullable): the bearer token sent with requests
 */
const char *
alta_portal_client_get_access_token (AltaPortalClient *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);

  return self->access_token;
}

/**
 * alta_portal_client_set_access_token:
 * @self: an #AltaPortalClient
 * @access_token: (nullable): a bearer token, or %NULL to sign out
 */
void
alta_portal_client_set_access_token (AltaPortalClient *self,
                                     const char       *access_token)
{
  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  wipe_and_free (self->access_token);
  self->access_token = g_strdup (access_token);
}

const char *
alta_portal_client_get_language (AltaPortalClient *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);

  return self->language;
}

/**
 * alta_portal_client_set_language:
 * @self: an #AltaPortalClient
 * @language: "en" or "es", sent as Accept-Language
 */
void
alta_portal_client_set_language (AltaPortalClient *self,
                                 const char       *language)
{
  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (language != NULL);

  g_free (self->language);
  self->language = g_strdup (language);
}

/**
 * alta_portal_client_set_timeout:
 * @self: an #AltaPortalClient
 * @seconds: how long to wait for an answer before giving up
 */
void
alta_portal_client_set_timeout (AltaPortalClient *self,
                                guint             seconds)
{
  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  g_object_set (self->session, "timeout", seconds, NULL);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SoupSession *session = (SoupSession *)object;
  g_autoptr (GTask) task = user_data;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) expired = NULL;
  g_autoptr (AltaPortalResponse) response = NULL;
  SoupMessage *msg = g_task_get_task_data (task);
  AltaPortalClient *self = g_task_get_source_object (task);

  body = soup_session_send_and_read_finish (session, result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("%s %s: no answer: %s", soup_message_get_method (msg),
               g_uri_get_path (soup_message_get_uri (msg)), error->message);
      /* Each has its own screen: a certificate problem is not fixed by trying again. A
       * handshake cut short (the portal stopped, the network dropped: G_TLS_ERROR_NOT_TLS,
       * _EOF or _MISC) is the network's, and trying again is the answer. */
      if (soup_message_get_tls_peer_certificate_errors (msg) != 0 ||
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED) ||
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE) ||
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE) ||
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_INAPPROPRIATE_FALLBACK))
        g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CERTIFICATE,
                                 "%s", error->message);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_TIMEOUT,
                                 "%s", error->message);
      else
        g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NETWORK,
                                 "%s", error->message);
      return;
    }

  g_debug ("%s %s: %u (request %s)", soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)), soup_message_get_status (msg),
           soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                         "X-Request-Id"));

  response = alta_portal_response_new (soup_message_get_status (msg),
                                       soup_message_get_response_headers (msg), body);
  if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED &&
      soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                    "Authorization") != NULL &&
      !alta_portal_response_check (response, &expired) &&
      g_error_matches (expired, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED) &&
      self->access_token != NULL)
    {
      g_message ("The portal ended the session (request %s)",
                 alta_portal_response_get_request_id (response));
      alta_portal_client_set_access_token (self, NULL);
      g_signal_emit (self, signals[SESSION_EXPIRED], 0);
    }

  g_task_return_pointer (task, g_steal_pointer (&response), g_object_unref);
}

/**
 * alta_portal_client_send_async:
 * @self: an #AltaPortalClient
 * @method: an HTTP method
 * @path: the path below the base URL, with its query, such as `/api/v1/me`
 * @body: (nullable): the request body
 * @content_type: (nullable): the body's type; JSON when %NULL
 * @flags: #AltaRequestFlags
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Sends one request as it is. Any HTTP answer is a success here; only a request that got
 * no answer fails, with %ALTA_PORTAL_ERROR_NETWORK.
 */
void
alta_portal_client_send_async (AltaPortalClient    *self,
                               const char          *method,
                               const char          *path,
                               GBytes              *body,
                               const char          *content_type,
                               AltaRequestFlags     flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  alta_portal_client_send_with_headers_async (self, method, path, body, content_type, NULL, flags,
                                              cancellable, callback, user_data);
}

/**
 * alta_portal_client_send_with_headers_async:
 * @self: an #AltaPortalClient
 * @method: an HTTP method
 * @path: the path below the base URL, with its query
 * @body: (nullable): the request body
 * @content_type: (nullable): the body's type; JSON when %NULL
 * @headers: (nullable) (array zero-terminated=1): more request headers, as name, value,
 *   name, value, ..., such as `If-None-Exist` for a FHIR create or `If-Match` for an update
 * @flags: #AltaRequestFlags
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * As alta_portal_client_send_async(), with more headers. Finish with
 * alta_portal_client_send_finish().
 */
void
alta_portal_client_send_with_headers_async (AltaPortalClient    *self,
                                            const char          *method,
                                            const char          *path,
                                            GBytes              *body,
                                            const char          *content_type,
                                            const char * const  *extra_headers,
                                            AltaRequestFlags     flags,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  SoupMessageHeaders *headers;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_send_async);

  url = g_strconcat (self->base_url, path, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                               "Not a valid request path");
      return;
    }

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept-Language", self->language);
  soup_message_headers_replace (headers, "Accept", "application/json, application/fhir+json");
  if (self->access_token != NULL && !(flags & ALTA_REQUEST_NO_AUTH))
    {
      char *authorization = g_strconcat ("Bearer ", self->access_token, NULL);

      /* libsoup keeps its own copy, freed with the message */
      soup_message_headers_replace (headers, "Authorization", authorization);
      wipe_and_free (authorization);
    }
  if (flags & ALTA_REQUEST_BACKGROUND)
    soup_message_headers_replace (headers, "X-Portal-Activity", "background");
  for (guint i = 0; extra_headers != NULL && extra_headers[i] != NULL &&
                    extra_headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (headers, extra_headers[i], extra_headers[i + 1]);

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg,
                                              content_type != NULL ? content_type
                                                                   : "application/json; charset=utf-8",
                                              body);

  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_send_finish:
 * @self: an #AltaPortalClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the answer, whatever its status
 */
AltaPortalResponse *
alta_portal_client_send_finish (AltaPortalClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AltaPortalClient *self = (AltaPortalClient *)object;
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  if (!(response = alta_portal_client_send_finish (self, result, &error)) ||
      !alta_portal_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&response), g_object_unref);
}

/* What every call with a JSON body shares (the typed writes of -writes.c, -enrollment.c
 * and -staff.c, and alta_portal_client_call_async()): @body serialized, wiped once sent
 * with ALTA_REQUEST_SECRET_BODY; sent; an answer that is not 2xx mapped to its
 * #ALTA_PORTAL_ERROR code (alta_portal_response_check()). @content_type is JSON when %NULL;
 * @headers as alta_portal_client_send_with_headers_async() takes them. Finish with
 * alta_portal_client_write_finish().
 */
void
alta_portal_client_write_async (AltaPortalClient    *self,
                                const char          *method,
                                const char          *path,
                                JsonNode            *body,
                                const char          *content_type,
                                const char * const  *headers,
                                AltaRequestFlags     flags,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) bytes = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_write_async);

  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);

      if (flags & ALTA_REQUEST_SECRET_BODY)
        bytes = g_bytes_new_with_free_func (text, strlen (text), wipe_bytes_free, text);
      else
        bytes = g_bytes_new_take (text, strlen (text));
    }

  alta_portal_client_send_with_headers_async (self, method, path, bytes, content_type, headers,
                                              flags, cancellable, write_cb,
                                              g_steal_pointer (&task));
}

/* Returns: (transfer full) (nullable): the 2xx answer */
AltaPortalResponse *
alta_portal_client_write_finish (AltaPortalClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AltaPortalClient *self = (AltaPortalClient *)object;
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *body;
  JsonNode *json;

  if (!(response = alta_portal_client_write_finish (self, result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  body = alta_portal_response_get_body (response);
  if (g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  json = alta_portal_response_get_json (response);
  if (json == NULL)
    {
      g_warning ("Request %s: the answer is not valid JSON",
                 alta_portal_response_get_request_id (response));
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                               "The answer is not valid JSON");
      return;
    }

  g_task_return_pointer (task, json_node_ref (json), (GDestroyNotify)json_node_unref);
}

/**
 * alta_portal_client_call_async:
 * @self: an #AltaPortalClient
 * @method: an HTTP method
 * @path: the path below the base URL, with its query
 * @body: (nullable): a JSON body
 * @flags: #AltaRequestFlags
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Like alta_portal_client_send_async(), but an answer that is not 2xx becomes an
 * #ALTA_PORTAL_ERROR carrying the API's error code.
 */
void
alta_portal_client_call_async (AltaPortalClient    *self,
                               const char          *method,
                               const char          *path,
                               JsonNode            *body,
                               AltaRequestFlags     flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_call_async);

  alta_portal_client_write_async (self, method, path, body, NULL, NULL, flags, cancellable,
                                  call_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_call_finish:
 * @self: an #AltaPortalClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the JSON body, or %NULL with no error for an empty
 *   success such as 204
 */
JsonNode *
alta_portal_client_call_finish (AltaPortalClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A search in progress: the pages read so far */
typedef struct
{
  GType             type;
  AltaRequestFlags  flags;
  GListStore       *items;
  guint             n_pages;
} Search;

static void
search_free (gpointer data)
{
  Search *search = data;

  g_clear_object (&search->items);
  g_free (search);
}

static void search_page_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

/* The path of a `next` link, which must point back at this portal */
static char *
path_of_link (AltaPortalClient *self,
              const char       *url)
{
  gsize length = strlen (self->base_url);

  if (strncmp (url, self->base_url, length) != 0 || url[length] != '/')
    return NULL;

  return g_strdup (url + length);
}

static void
search_page_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AltaPortalClient *self = (AltaPortalClient *)object;
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaRecordPage) page = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *next = NULL;
  Search *search = g_task_get_task_data (task);
  GCancellable *cancellable;

  if (!(response = alta_portal_client_send_finish (self, result, &error)) ||
      !alta_portal_response_check (response, &error) ||
      !(page = alta_fhir_bundle_parse (alta_portal_response_get_body (response), search->type,
                                       &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (page->items)); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (page->items), i);

      g_list_store_append (search->items, item);
    }

  search->n_pages++;
  if (page->next_url != NULL && search->n_pages < ALTA_PORTAL_CLIENT_MAX_PAGES &&
      !(search->flags & ALTA_REQUEST_FIRST_PAGE))
    {
      next = path_of_link (self, page->next_url);
      if (next == NULL)
        {
          g_warning ("Request %s: a next link points away from the portal; not followed",
                     alta_portal_response_get_request_id (response));
          g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                                   "A next link points away from the portal");
          return;
        }

      cancellable = g_task_get_cancellable (task);
      alta_portal_client_send_async (self, "GET", next, NULL, NULL, search->flags, cancellable,
                                     search_page_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_object_ref (search->items), g_object_unref);
}

/* `/fhir/R4/<type>?key=value&…` for the resource type of @type */
static char *
search_path (GType               type,
             const char * const *params)
{
  g_autoptr (GTypeClass) klass = g_type_class_ref (type);
  GString *path = g_string_new ("/fhir/R4/");

  g_string_append (path, ALTA_RECORD_ITEM_CLASS (klass)->resource_type);
  for (guint i = 0; params != NULL && params[i] != NULL && params[i + 1] != NULL; i += 2)
    {
      g_string_append_c (path, i == 0 ? '?' : '&');
      g_string_append_uri_escaped (path, params[i], NULL, FALSE);
      g_string_append_c (path, '=');
      /* A search's own punctuation stays: dates (`ge2026-01-01T10:00:00Z`), lists */
      g_string_append_uri_escaped (path, params[i + 1], ":,", FALSE);
    }

  return g_string_free (path, FALSE);
}

/**
 * alta_portal_client_search_async:
 * @self: an #AltaPortalClient
 * @type: the #AltaRecordItem subclass of the results, which names the resource type
 * @params: (array zero-terminated=1) (nullable): the search's parameters, names and values
 *   in turn, such as `{ "patient", "12", "_sort", "-date", NULL }`
 * @flags: #AltaRequestFlags, for every page
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the results
 * @user_data: data for @callback
 *
 * Runs a FHIR search and follows its `next` links (at most %ALTA_PORTAL_CLIENT_MAX_PAGES
 * pages), so the results are the whole list.
 */
void
alta_portal_client_search_async (AltaPortalClient    *self,
                                 GType                type,
                                 const char * const  *params,
                                 AltaRequestFlags     flags,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *path = NULL;
  Search *search;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM) && type != ALTA_TYPE_RECORD_ITEM);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_search_async);

  search = g_new0 (Search, 1);
  search->type = type;
  search->flags = flags;
  search->items = g_list_store_new (type);
  g_task_set_task_data (task, search, search_free);

  path = search_path (type, params);
  alta_portal_client_send_async (self, "GET", path, NULL, NULL, flags, cancellable,
                                 search_page_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_search_finish:
 * @self: an #AltaPortalClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a #GListStore of the results
 */
GListStore *
alta_portal_client_search_finish (AltaPortalClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AltaPortalClient *self = (AltaPortalClient *)object;
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaRecordItem) item = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *body;

  if (!(response = alta_portal_client_send_finish (self, result, &error)) ||
      !alta_portal_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  body = alta_portal_response_get_body (response);
  item = alta_fhir_resource_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   GPOINTER_TO_SIZE (g_task_get_task_data (task)), &error);
  if (item == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&item), g_object_unref);
}

/**
 * alta_portal_client_read_async:
 * @self: an #AltaPortalClient
 * @type: the #AltaRecordItem subclass wanted, which names the resource type
 * @id: the resource's id
 * @flags: #AltaRequestFlags
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the resource
 * @user_data: data for @callback
 *
 * Reads one FHIR resource, `GET /fhir/R4/<type>/<id>`.
 */
void
alta_portal_client_read_async (AltaPortalClient    *self,
                               GType                type,
                               const char          *id,
                               AltaRequestFlags     flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTypeClass) klass = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM) && type != ALTA_TYPE_RECORD_ITEM);
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_read_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER (type), NULL);

  klass = g_type_class_ref (type);
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strdup_printf ("/fhir/R4/%s/%s", ALTA_RECORD_ITEM_CLASS (klass)->resource_type, escaped);
  alta_portal_client_send_async (self, "GET", path, NULL, NULL, flags, cancellable, read_cb,
                                 g_steal_pointer (&task));
}

/**
 * alta_portal_client_read_finish:
 * @self: an #AltaPortalClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the resource, of the type asked for
 */
AltaRecordItem *
alta_portal_client_read_finish (AltaPortalClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The answer of a typed call: a JSON object, or an error */
JsonObject *
alta_portal_client_call_object_finish (AltaPortalClient  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_autoptr (JsonNode) json = alta_portal_client_call_finish (self, result, error);

  if (json == NULL && error != NULL && *error != NULL)
    return NULL;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The answer is not a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (json));
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonObject) info = NULL;
  GError *error = NULL;

  info = alta_portal_client_call_object_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * alta_portal_client_check_async:
 * @self: an #AltaPortalClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the portal answered, or could not be reached
 * @user_data: data for @callback
 *
 * Asks the portal for its information (`GET /api/v1/info`), without the token and not as
 * patient activity: whether it can be reached and answers as a portal.
 */
void
alta_portal_client_check_async (AltaPortalClient    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_check_async);
  alta_portal_client_call_async (self, "GET", "/api/v1/info", NULL,
                                 ALTA_REQUEST_NO_AUTH | ALTA_REQUEST_BACKGROUND, cancellable,
                                 check_cb, g_steal_pointer (&task));
}

gboolean
alta_portal_client_check_finish (AltaPortalClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  gint64 idle_timeout_s;
  gint64 retry_after_s;
} SignIn;

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AltaPortalClient *self = (AltaPortalClient *)object;
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  SignIn *sign_in = g_task_get_task_data (task);
  JsonNode *json;
  JsonObject *body = NULL;
  const char *token;

  if (!(response = alta_portal_client_send_finish (self, result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  json = alta_portal_response_get_json (response);
  if (json != NULL && JSON_NODE_HOLDS_OBJECT (json))
    body = json_node_get_object (json);

  if (!alta_portal_response_check (response, &error))
    {
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_ACCOUNT_LOCKED))
        alta_json_get_int (body, "retry_after_s", &sign_in->retry_after_s);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  token = alta_json_get_string (body, "access_token");
  if (token != NULL && alta_json_get_object (body, "account") != NULL)
    account = alta_portal_account_new_from_json (alta_json_get_object (body, "account"), &error);
  if (account == NULL)
    {
      g_warning ("Sign-in (request %s): the answer has no token or account",
                 alta_portal_response_get_request_id (response));
      g_clear_error (&error);
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                               "The answer has no token or account");
      return;
    }

  alta_json_get_int (body, "idle_timeout_s", &sign_in->idle_timeout_s);
  alta_portal_client_set_access_token (self, token);

  /* The parsed answer's copy is this response's own, freed with it: wiped first. The raw
   * body is libsoup's buffer, which it may not let us write to. */
  wipe_string ((char *)token);

  g_task_return_pointer (task, g_steal_pointer (&account), g_object_unref);
}

/**
 * alta_portal_client_sign_in_async:
 * @self: an #AltaPortalClient
 * @username: the username
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once signed in, or not
 * @user_data: data for @callback
 *
 * Signs in (`POST /api/v1/sessions`). On success the client keeps the session's token and
 * sends it with every later request.
 */
void
alta_portal_client_sign_in_async (AltaPortalClient    *self,
                                  const char          *username,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) body = NULL;
  SignIn *sign_in;
  char *text;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_sign_in_async);
  sign_in = g_new0 (SignIn, 1);
  sign_in->idle_timeout_s = 900;
  sign_in->retry_after_s = 15 * 60;
  g_task_set_task_data (task, sign_in, g_free);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  /* The body holds the password: wiped when libsoup is done with it. The builder's tree
   * holds it too; json-glib gives no way to wipe it, and it goes with this function. */
  body = g_bytes_new_with_free_func (text, strlen (text), wipe_bytes_free, text);

  alta_portal_client_send_async (self, "POST", "/api/v1/sessions", body, NULL,
                                 ALTA_REQUEST_NO_AUTH, cancellable, sign_in_cb,
                                 g_steal_pointer (&task));
}

/**
 * alta_portal_client_sign_in_finish:
 * @self: an #AltaPortalClient
 * @result: the #GAsyncResult
 * @out_idle_timeout_s: (out) (optional): the portal's idle limit for the session
 * @out_retry_after_s: (out) (optional): for %ALTA_PORTAL_ERROR_ACCOUNT_LOCKED, how long
 *   before the account can try again
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account signed in
 */
AltaPortalAccount *
alta_portal_client_sign_in_finish (AltaPortalClient  *self,
                                   GAsyncResult      *result,
                                   gint64            *out_idle_timeout_s,
                                   gint64            *out_retry_after_s,
                                   GError           **error)
{
  SignIn *sign_in;

  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  sign_in = g_task_get_task_data (G_TASK (result));
  if (out_idle_timeout_s != NULL)
    *out_idle_timeout_s = sign_in->idle_timeout_s;
  if (out_retry_after_s != NULL)
    *out_retry_after_s = sign_in->retry_after_s;

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
get_account_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonObject) object_json = NULL;
  AltaPortalAccount *account;
  GError *error = NULL;

  object_json = alta_portal_client_call_object_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (object_json == NULL ||
      (account = alta_portal_account_new_from_json (object_json, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, account, g_object_unref);
}

/**
 * alta_portal_client_get_account_async:
 * @self: an #AltaPortalClient
 * @flags: #AltaRequestFlags
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the account
 * @user_data: data for @callback
 *
 * Reads the signed-in account (`GET /api/v1/me`).
 */
void
alta_portal_client_get_account_async (AltaPortalClient    *self,
                                      AltaRequestFlags     flags,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_get_account_async);
  alta_portal_client_call_async (self, "GET", "/api/v1/me", NULL, flags, cancellable,
                                 get_account_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_get_account_finish:
 *
 * Returns: (transfer full) (nullable): the account
 */
AltaPortalAccount *
alta_portal_client_get_account_finish (AltaPortalClient  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
write_json_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  JsonNode *json;
  GError *error = NULL;

  json = alta_portal_client_call_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json, json != NULL ? (GDestroyNotify)json_node_unref : NULL);
}

/* A typed call of the API's own routes (docs/api.md): @body (nullable) is copied and sent as
 * alta_portal_client_write_async() does. @source_tag is the public call's. Its public finish
 * is alta_portal_client_write_json_finish(), which it may call with the same @result.
 */
void
alta_portal_client_write_json_async (AltaPortalClient    *self,
                                     const char          *method,
                                     const char          *path,
                                     JsonObject          *body,
                                     AltaRequestFlags     flags,
                                     gpointer             source_tag,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) node = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  if (body != NULL)
    node = json_node_init_object (json_node_alloc (), body);

  alta_portal_client_call_async (self, method, path, node, flags, cancellable, write_json_cb,
                                 g_steal_pointer (&task));
}

/* %TRUE for any 2xx answer. With @out_answer, the answer must be a JSON object, returned
 * there (transfer full); otherwise %ALTA_PORTAL_ERROR_INVALID_RESPONSE.
 */
gboolean
alta_portal_client_write_json_finish (AltaPortalClient  *self,
                                      GAsyncResult      *result,
                                      JsonObject       **out_answer,
                                      GError           **error)
{
  g_autoptr (JsonNode) json = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  json = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (out_answer == NULL)
    return TRUE;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The answer is not a JSON object");
      return FALSE;
    }

  *out_answer = json_object_ref (json_node_get_object (json));
  return TRUE;
}

/* A call whose success has no body (204): @user_data is its GTask, which returns TRUE */
static void
empty_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) json = NULL;
  GError *error = NULL;

  json = alta_portal_client_call_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * alta_portal_client_keepalive_async:
 * @self: an #AltaPortalClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called once the portal heard
 * @user_data: data for @callback
 *
 * Tells the portal the patient is still there
 * (`POST /api/v1/sessions/current/keepalive`): it counts as activity.
 */
void
alta_portal_client_keepalive_async (AltaPortalClient    *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  alta_portal_client_write_json_async (self, "POST", "/api/v1/sessions/current/keepalive", NULL,
                                       ALTA_REQUEST_NONE, alta_portal_client_keepalive_async,
                                       cancellable, callback, user_data);
}

gboolean
alta_portal_client_keepalive_finish (AltaPortalClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  return alta_portal_client_write_json_finish (self, result, NULL, error);
}

/**
 * alta_portal_client_sign_out_async:
 * @self: an #AltaPortalClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called once the portal ended the session
 * @user_data: data for @callback
 *
 * Ends the session at the portal (`DELETE /api/v1/sessions/current`). The client forgets
 * (and wipes) the token at once, before the answer: nothing later can use it. Without a
 * token there is nothing to end, and the call succeeds without a request.
 */
void
alta_portal_client_sign_out_async (AltaPortalClient    *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_sign_out_async);
  if (self->access_token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The message takes the token into its headers now; then the client forgets it */
  alta_portal_client_call_async (self, "DELETE", "/api/v1/sessions/current", NULL,
                                 ALTA_REQUEST_BACKGROUND, cancellable, empty_cb,
                                 g_steal_pointer (&task));
  alta_portal_client_set_access_token (self, NULL);
}

gboolean
alta_portal_client_sign_out_finish (AltaPortalClient  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
