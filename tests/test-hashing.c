/* test-hashing.c: password hashing off the server's main loop, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "alta-test-server.h"

#define GRACE_SIGN_IN "{\"username\":\"grace\",\"password\":\"Orchard-Lantern-42\"}"

/* One hash thread and a queue of five: six sign-ins fill the pool */
#define ONE_THREAD_SIX_JOBS "[server]\npassword_threads=1\npassword_queue=5\n"
#define ONE_THREAD_NO_QUEUE "[server]\npassword_threads=1\npassword_queue=0\n"
#define ONE_THREAD_LONG_QUEUE "[server]\npassword_threads=1\npassword_queue=16\n"

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo (user_data);
  fixture->client = alta_test_server_new_client (fixture->server);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, alta_test_server_free);
}

/* Requests sent at once, each on a client (and connection) of its own */
typedef struct
{
  GPtrArray *clients;
  GPtrArray *responses;         /* in the order they came */
  guint      pending;
} Burst;

static void
on_burst_response_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr (GError) error = NULL;
  AltaPortalResponse *response;

  response = alta_portal_client_send_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  g_assert_no_error (error);
  g_ptr_array_add (burst->responses, response);
  burst->pending--;
}

/* Each client makes its connection and TLS handshake first, so that the burst's requests
 * reach the server together rather than one handshake apart.
 */
static Burst *
burst_new (Fixture    *fixture,
           guint       n_clients,
           const char *language)
{
  Burst *burst = g_new0 (Burst, 1);

  burst->clients = g_ptr_array_new_with_free_func (g_object_unref);
  burst->responses = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_clients; i++)
    {
      AltaPortalClient *client = alta_test_server_new_client (fixture->server);
      g_autoptr (AltaPortalResponse) info = NULL;

      alta_portal_client_set_language (client, language);
      info = alta_test_request (client, "GET", "/api/v1/info", NULL, ALTA_REQUEST_NONE);
      alta_assert_status (info, 200);
      g_ptr_array_add (burst->clients, client);
    }

  return burst;
}

static void
burst_send (Burst      *burst,
            const char *json_body)
{
  g_autoptr (GBytes) body = g_bytes_new (json_body, strlen (json_body));

  for (guint i = 0; i < burst->clients->len; i++)
    {
      burst->pending++;
      alta_portal_client_send_async (g_ptr_array_index (burst->clients, i), "POST",
                                     "/api/v1/sessions", body, NULL, ALTA_REQUEST_NONE, NULL,
                                     on_burst_response_cb, burst);
    }
}

static void
burst_wait (Burst *burst)
{
  while (burst->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
burst_free (Burst *burst)
{
  burst_wait (burst);
  g_ptr_array_unref (burst->clients);
  g_ptr_array_unref (burst->responses);
  g_free (burst);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Burst, burst_free)

static guint
count_status (Burst *burst,
              guint  status)
{
  guint n = 0;

  for (guint i = 0; i < burst->responses->len; i++)
    {
      if (alta_portal_response_get_status (g_ptr_array_index (burst->responses, i)) == status)
        n++;
    }

  return n;
}

/* SIGTERM: the server answers what is under way, then must stop cleanly (under ASan, a
 * leak or a bad access is an exit status too).
 */
static void
stop_server_and_check_exit (Fixture *fixture,
                            Burst   *burst)
{
  GSubprocess *process = fixture->server->process;
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  if (burst != NULL)
    burst_wait (burst);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_clear_object (&fixture->server->process);
}

static void
test_parallel_sign_ins (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr (Burst) burst = burst_new (fixture, 16, "en");
  g_autoptr (GHashTable) tokens = g_hash_table_new (g_str_hash, g_str_equal);

  burst_send (burst, GRACE_SIGN_IN);
  burst_wait (burst);

  g_assert_cmpuint (burst->responses->len, ==, 16);
  for (guint i = 0; i < burst->responses->len; i++)
    {
      AltaPortalResponse *response = g_ptr_array_index (burst->responses, i);
      const char *token;

      alta_assert_status (response, 201);
      token = alta_test_response_string (response, "access_token");
      g_assert_nonnull (token);
      g_assert_true (g_hash_table_add (tokens, (gpointer)token));
    }

  /* Each session works. */
  for (guint i = 0; i < burst->clients->len; i++)
    {
      AltaPortalClient *client = g_ptr_array_index (burst->clients, i);
      AltaPortalResponse *signed_in = g_ptr_array_index (burst->responses, i);
      g_autoptr (AltaPortalResponse) me = NULL;

      alta_portal_client_set_access_token (client,
                                           alta_test_response_string (signed_in, "access_token"));
      me = alta_test_request (client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
      alta_assert_status (me, 200);
    }
}

static void
test_me_answers_while_hashing (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr (Burst) burst = NULL;
  g_autoptr (AltaPortalResponse) me = NULL;
  g_autoptr (GAsyncResult) me_result = NULL;
  g_autoptr (GError) error = NULL;
  guint pending_when_me_answered;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  /* Twelve sign-ins for a pool of six: some are turned away. */
  burst = burst_new (fixture, 12, "en");
  burst_send (burst, GRACE_SIGN_IN);

  /* The first 503 tells that the pool was full when it was answered: six sign-ins of the
   * burst were in it, to be hashed one after the other on the one thread, tens of
   * milliseconds each.
   */
  while (count_status (burst, 503) == 0 && burst->pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_status (burst, 503), >, 0);

  /* The server answers another patient meanwhile: before the last sign-in. */
  alta_portal_client_send_async (fixture->client, "GET", "/api/v1/me", NULL, NULL,
                                 ALTA_REQUEST_NONE, NULL, alta_test_store_result_cb, &me_result);
  while (me_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  pending_when_me_answered = burst->pending;

  me = alta_portal_client_send_finish (fixture->client, me_result, &error);
  g_assert_no_error (error);
  alta_assert_status (me, 200);
  g_assert_cmpuint (pending_when_me_answered, >, 0);

  burst_wait (burst);
  g_assert_cmpuint (count_status (burst, 201) + count_status (burst, 503), ==, 12);
  g_assert_cmpuint (count_status (burst, 201), >=, 6);
}

static void
test_queue_full (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (Burst) burst = burst_new (fixture, 4, "es");
  AltaPortalResponse *busy = NULL;
  const char *retry_after;
  JsonObject *body;

  /* One job at a time: the other sign-ins arrive while the first is hashed. */
  burst_send (burst, GRACE_SIGN_IN);
  burst_wait (burst);

  g_assert_cmpuint (count_status (burst, 201), >=, 1);
  g_assert_cmpuint (count_status (burst, 503), >=, 1);
  g_assert_cmpuint (count_status (burst, 201) + count_status (burst, 503), ==, 4);

  for (guint i = 0; i < burst->responses->len && busy == NULL; i++)
    {
      if (alta_portal_response_get_status (g_ptr_array_index (burst->responses, i)) == 503)
        busy = g_ptr_array_index (burst->responses, i);
    }

  alta_assert_error (busy, 503, "unavailable");
  retry_after = alta_portal_response_get_header (busy, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), >=, 1);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), <=, 5);

  body = alta_test_response_object (busy);
  g_assert_cmpint (json_object_get_int_member (body, "retry_after_s"), ==,
                   g_ascii_strtoll (retry_after, NULL, 10));
  g_assert_cmpstr (json_object_get_string_member (body, "message"), ==,
                   "El portal está muy ocupado en este momento. Inténtelo de nuevo en unos "
                   "segundos.");

  /* A busy portal is not a wrong password: no failure counts toward the lock. */
  {
    g_autofree char *audit = alta_test_server_admin (fixture->server, NULL, NULL, "audit", NULL);

    g_assert_null (strstr (audit, "invalid_credentials"));
  }
}

/* Sends a whole request over a TLS connection of its own and closes it at once, without
 * waiting for the answer.
 */
static void
send_and_leave (Fixture    *fixture,
                const char *json_body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (fixture->server->url, G_URI_FLAGS_NONE, &error);
  g_autoptr (GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GSocketConnectable) identity = NULL;
  g_autoptr (GIOStream) tls = NULL;
  g_autofree char *request = NULL;

  g_assert_no_error (error);
  connection = g_socket_client_connect_to_host (socket_client, g_uri_get_host (uri),
                                                (guint16)g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);

  identity = g_network_address_new (g_uri_get_host (uri), (guint16)g_uri_get_port (uri));
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), fixture->server->ca);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  request = g_strdup_printf ("POST /api/v1/sessions HTTP/1.1\r\n"
                             "Host: %s\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: %zu\r\n"
                             "\r\n"
                             "%s",
                             g_uri_get_host (uri), strlen (json_body), json_body);
  g_output_stream_write_all (g_io_stream_get_output_stream (tls), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);

  g_io_stream_close (tls, NULL, NULL);
}

static void
test_client_leaves (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) me = NULL;

  /* The first is hashed while its client goes; the others leave while they wait. */
  for (guint i = 0; i < 4; i++)
    send_and_leave (fixture, GRACE_SIGN_IN);

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  me = alta_test_request (fixture->client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (me, 200);

  stop_server_and_check_exit (fixture, NULL);
}

static void
test_stop_while_hashing (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr (Burst) burst = burst_new (fixture, 4, "en");
  g_autoptr (AltaPortalResponse) probe = NULL;

  burst_send (burst, GRACE_SIGN_IN);

  /* Four hashes in a row on one thread take a while; an answer from the main loop is a
   * matter of milliseconds, so the stop comes while they are under way.
   */
  probe = alta_test_request (fixture->client, "GET", "/api/v1/info", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (probe, 200);

  /* A stopping server answers the sign-ins under way, then stops cleanly. */
  stop_server_and_check_exit (fixture, burst);
  g_assert_cmpuint (count_status (burst, 201), ==, 4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hashing/sign-in/sixteen-in-parallel", Fixture, NULL, fixture_set_up,
              test_parallel_sign_ins, fixture_tear_down);
  g_test_add ("/hashing/me-answers-while-hashing", Fixture, ONE_THREAD_SIX_JOBS, fixture_set_up,
              test_me_answers_while_hashing, fixture_tear_down);
  g_test_add ("/hashing/queue-full", Fixture, ONE_THREAD_NO_QUEUE, fixture_set_up,
              test_queue_full, fixture_tear_down);
  g_test_add ("/hashing/client-leaves", Fixture, ONE_THREAD_LONG_QUEUE, fixture_set_up,
              test_client_leaves, fixture_tear_down);
  g_test_add ("/hashing/stop-while-hashing", Fixture, ONE_THREAD_LONG_QUEUE, fixture_set_up,
              test_stop_while_hashing, fixture_tear_down);

  return g_test_run ();
}
