/* test-crash.c: a server killed in the middle of writes restarts consistent
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "alta-store.h"
#include "alta-test-server.h"

typedef struct
{
  guint  pending;
  guint  answered;
} Flight;

static void
landed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  /* Requests cut off by the kill fail; that is the point. */
  response = alta_portal_client_send_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (response != NULL)
    flight->answered++;
  flight->pending--;
}

static void
send_json (AltaPortalClient *client,
           const char       *method,
           const char       *path,
           const char       *json,
           Flight           *flight)
{
  g_autoptr (GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  flight->pending++;
  alta_portal_client_send_async (client, method, path, body, NULL, ALTA_REQUEST_NONE, NULL,
                                 landed_cb, flight);
}

static void
assert_consistent (AltaTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "portal.db", NULL);
  g_autoptr (AltaStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  const struct { const char *username, *password; } accounts[] = {
    { "grace", "Orchard-Lantern-42" },
    { "sofia", "Girasol-Montana-7" },
    { "daniel", "Harbor-Kite-1988" },
    { "frontdesk", "Clinic-Desk-Station-1" },
  };

  store = alta_store_open (path, &error);
  g_assert_no_error (error);
  alta_store_check_integrity (store, &error);
  g_assert_no_error (error);
  alta_store_close (store);

  /* Every account is whole: each signs in and reads itself back. */
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr (AltaPortalResponse) me = NULL;

      alta_test_sign_in (client, accounts[i].username, accounts[i].password);
      me = alta_test_request (client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
      alta_assert_status (me, 200);
      g_assert_cmpstr (alta_test_response_string (me, "username"), ==, accounts[i].username);
    }
}

static void
test_kill_during_writes (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (JsonObject) elena = alta_test_server_demo_account (server, "Elena");
  g_autofree char *request_code = NULL;

  request_code = g_strdup_printf ("{\"given_name\":\"Elena\",\"family_name\":\"Cruz\","
                                  "\"birth_date\":\"%s\",\"email\":\"elena.cruz@example.org\"}",
                                  json_object_get_string_member (elena, "birth_date"));

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr (AltaPortalClient) writer = alta_test_server_new_client (server);
      g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
      Flight flight = { 0 };
      guint kill_after = 2 + round * 3;

      alta_test_sign_in (writer, "grace", "Orchard-Lantern-42");

      /* Sessions (each an argon2id verification, so some are always in flight), profile
       * updates, reset requests with mail, enrollment codes with mail.
       */
      for (guint i = 0; i < 8; i++)
        {
          AltaPortalClient *client = alta_test_server_new_client (server);

          g_ptr_array_add (clients, client);
          send_json (client, "POST", "/api/v1/sessions",
                     "{\"username\":\"daniel\",\"password\":\"Harbor-Kite-1988\"}", &flight);
          send_json (writer, "PATCH", "/api/v1/me",
                     i % 2 ? "{\"phone\":\"(323) 555-0101\",\"language\":\"es\"}"
                           : "{\"phone\":\"(323) 555-0102\",\"language\":\"en\"}", &flight);
          send_json (client, "POST", "/api/v1/password-reset", "{\"username\":\"sofia\"}", &flight);
          send_json (client, "POST", "/api/v1/enrollment/request-code", request_code, &flight);
        }

      while (flight.answered < kill_after && flight.pending > 0)
        g_main_context_iteration (NULL, TRUE);

      alta_test_server_kill (server);

      while (flight.pending > 0)
        g_main_context_iteration (NULL, TRUE);

      g_test_message ("round %u: killed after %u answers", round, flight.answered);

      alta_test_server_start (server);
      assert_consistent (server);
    }
}

static void
test_sigterm_finishes_requests (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (GIOStream) stream = alta_test_connect_tls (server);
  g_autofree char *path = g_build_filename (server->data_dir, "portal.db-wal", NULL);
  g_autofree char *response = NULL;
  const char *body = "{\"username\":\"grace\",\"password\":\"Orchard-Lantern-42\"}";
  g_autofree char *request = g_strdup_printf ("POST /api/v1/sessions HTTP/1.1\r\n"
                                              "Host: 127.0.0.1\r\n"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: %zu\r\n\r\n%s",
                                              strlen (body), body);

  /* A request under way when SIGTERM comes gets its answer: with the handshake done and the
   * whole sign-in written (its argon2id check keeps the server busy), signal, then read.
   */
  alta_test_send_text (stream, request);
  g_subprocess_send_signal (server->process, SIGTERM);

  response = alta_test_read_response (stream);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 201") ||
                 g_str_has_prefix (response, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (response, "\"access_token\""));
  g_clear_object (&stream);
  alta_test_server_stop (server);

  /* A clean close checkpoints and removes the write-ahead log. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  alta_test_server_start (server);
  assert_consistent (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crash/sigkill-during-writes", test_kill_during_writes);
  g_test_add_func ("/crash/sigterm-finishes-requests", test_sigterm_finishes_requests);

  return g_test_run ();
}
