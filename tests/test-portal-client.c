/* test-portal-client.c: the app's HTTP client against the real server and against trouble
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "alta-allergy.h"
#include "alta-appointment.h"
#include "alta-clinic.h"
#include "alta-immunization.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-medication.h"
#include "alta-message.h"
#include "alta-portal-error.h"
#include "alta-problem.h"
#include "alta-refill-request.h"
#include "alta-schedule.h"
#include "alta-slot.h"
#include "alta-test-server.h"

static GListStore *
search (AltaPortalClient    *client,
        GType                type,
        const char * const  *params,
        GError             **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  alta_portal_client_search_async (client, type, params, ALTA_REQUEST_BACKGROUND, NULL,
                                   alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return alta_portal_client_search_finish (client, result, error);
}

static JsonNode *
call (AltaPortalClient  *client,
      const char        *path,
      GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  alta_portal_client_call_async (client, "GET", path, NULL, ALTA_REQUEST_NONE, NULL,
                                 alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return alta_portal_client_call_finish (client, result, error);
}

static gint64
server_total (AltaPortalClient *client,
              const char       *path)
{
  g_autofree char *counted = g_strdup_printf ("%s&_count=0", path);
  g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", counted, NULL,
                                                               ALTA_REQUEST_NONE);

  alta_assert_status (response, 200);
  return json_object_get_int_member (alta_test_response_object (response), "total");
}

/* Every list of the record, whole, with what the server counts */
static void
test_record_lists (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo_full (NULL, TRUE);
  g_autoptr (AltaPortalClient) grace = alta_test_server_new_client (server);
  g_autoptr (AltaPortalClient) carolyne = alta_test_server_new_client (server);
  g_autoptr (JsonObject) carolyne_account = alta_test_server_demo_account (server, "carolyne");
  g_autofree char *carolyne_id = NULL;
  /* Each search, and the same as a path, to count what the server has */
  const struct
  {
    const char         *path;
    GType               type;
    const char * const *params;
  } lists[] = {
    { "/fhir/R4/AllergyIntolerance?patient=demo-adult", ALTA_TYPE_ALLERGY,
      (const char *[]) { "patient", "demo-adult", NULL } },
    { "/fhir/R4/Immunization?patient=demo-adult&_sort=-date", ALTA_TYPE_IMMUNIZATION,
      (const char *[]) { "patient", "demo-adult", "_sort", "-date", NULL } },
    { "/fhir/R4/MedicationRequest?patient=demo-adult", ALTA_TYPE_MEDICATION,
      (const char *[]) { "patient", "demo-adult", NULL } },
    { "/fhir/R4/Condition?patient=demo-adult", ALTA_TYPE_PROBLEM,
      (const char *[]) { "patient", "demo-adult", NULL } },
    { "/fhir/R4/Observation?patient=demo-adult&category=laboratory&_count=7", ALTA_TYPE_LAB_RESULT,
      (const char *[]) { "patient", "demo-adult", "category", "laboratory", "_count", "7", NULL } },
    { "/fhir/R4/DiagnosticReport?patient=demo-adult&_sort=-date&_count=5", ALTA_TYPE_LAB_REPORT,
      (const char *[]) { "patient", "demo-adult", "_sort", "-date", "_count", "5", NULL } },
  };

  alta_test_sign_in (grace, "grace", "Orchard-Lantern-42");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GListStore) items = search (grace, lists[i].type, lists[i].params, &error);

      g_assert_no_error (error);
      g_test_message ("%s", lists[i].path);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (items)), ==,
                        server_total (grace, lists[i].path));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (items)), >, 0);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (items)); j++)
        {
          g_autoptr (AltaRecordItem) item = g_list_model_get_item (G_LIST_MODEL (items), j);

          g_assert_nonnull (alta_record_item_get_title (item));
        }
    }

  /* 712 results in pages of 50 */
  alta_test_sign_in (carolyne, "carolyne", "Imported-carolyne-Record-1");
  carolyne_id = g_strdup (json_object_get_string_member (carolyne_account, "patient_id"));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GListStore) items = search (carolyne, ALTA_TYPE_LAB_RESULT,
                                           (const char *[]) { "patient", carolyne_id, "_sort", "-date",
                                                              "_count", "50", NULL },
                                           &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (items)), ==, 712);
  }

  /* Someone else's record: the server's 403, read from its OperationOutcome */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GListStore) items = search (carolyne, ALTA_TYPE_ALLERGY,
                                           (const char *[]) { "patient", "demo-adult", NULL },
                                           &error);

    g_assert_null (items);
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_FORBIDDEN);
  }

  /* A token that is no longer good */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GListStore) items = NULL;

    alta_portal_client_set_access_token (carolyne, "not-a-token");
    items = search (carolyne, ALTA_TYPE_LAB_RESULT,
                    (const char *[]) { "patient", carolyne_id, "_count", "50", NULL }, &error);
    g_assert_null (items);
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED);
  }
}

/* A record of 10,000 lab reports, each with its result, many sharing a time (ties must
 * page well), loaded as the app loads it (alta-session.c: the largest pages): every one,
 * none twice, newest first */
static void
test_large_record (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) grace = alta_test_server_new_client (server);
  g_autofree char *dir = g_dir_make_tmp ("alta-test-large-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lab.ndjson", NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *largest_page = g_strdup_printf ("%d", ALTA_PORTAL_CLIENT_LARGEST_PAGE);
  GString *text = g_string_new (NULL);
  const guint n = 10000;
  const struct
  {
    const char *path;
    GType       type;
    const char *prefix;
  } lists[] = {
    { "/fhir/R4/DiagnosticReport?patient=demo-adult", ALTA_TYPE_LAB_REPORT, "large-report-" },
    { "/fhir/R4/Observation?patient=demo-adult&category=laboratory", ALTA_TYPE_LAB_RESULT,
      "large-result-" },
  };
  int status;

  for (guint i = 0; i < n; i++)
    {
      /* Ten at each time, one a day back from 2025 */
      g_autoptr (GDateTime) base = g_date_time_new_utc (2025, 1, 1, 8, 0, 0);
      g_autoptr (GDateTime) when = g_date_time_add_days (base, -(int)(i / 10));
      g_autofree char *date = g_date_time_format_iso8601 (when);

      g_string_append_printf (text,
                              "{\"resourceType\":\"Observation\",\"id\":\"large-result-%u\","
                              "\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                              "\"http://terminology.hl7.org/CodeSystem/observation-category\","
                              "\"code\":\"laboratory\"}]}],\"code\":{\"coding\":[{\"system\":"
                              "\"http://loinc.org\",\"code\":\"2345-7\",\"display\":\"Glucose\"}]},"
                              "\"subject\":{\"reference\":\"Patient/demo-adult\"},"
                              "\"effectiveDateTime\":\"%s\",\"valueQuantity\":{\"value\":%u.50,"
                              "\"unit\":\"mg/dL\"}}\n"
                              "{\"resourceType\":\"DiagnosticReport\",\"id\":\"large-report-%u\","
                              "\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                              "\"http://terminology.hl7.org/CodeSystem/v2-0074\",\"code\":\"LAB\"}]}],"
                              "\"code\":{\"text\":\"Glucose\"},"
                              "\"subject\":{\"reference\":\"Patient/demo-adult\"},"
                              "\"effectiveDateTime\":\"%s\",\"issued\":\"%s\","
                              "\"result\":[{\"reference\":\"Observation/large-result-%u\"}]}\n",
                              i, date, 80 + i % 40, i, date, date, i);
    }
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  g_string_free (text, TRUE);
  output = alta_test_server_run (server, &status, &errors, "import", "--data-dir", "@DATA", path,
                                 NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (output, "20000 created"));
  g_unlink (path);
  g_rmdir (dir);

  alta_test_sign_in (grace, "grace", "Orchard-Lantern-42");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GListStore) items = NULL;
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GDateTime) last = NULL;
      guint n_large = 0;

      items = search (grace, lists[i].type,
                      i == 0 ? (const char *[]) { "patient", "demo-adult", "_sort", "-date",
                                                  "_count", largest_page, NULL }
                             : (const char *[]) { "patient", "demo-adult", "category", "laboratory",
                                                  "_sort", "-date", "_count", largest_page, NULL },
                      &error);
      g_assert_no_error (error);
      g_test_message ("%s", lists[i].path);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (items)), ==,
                        server_total (grace, lists[i].path));
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (items)); j++)
        {
          g_autoptr (AltaRecordItem) item = g_list_model_get_item (G_LIST_MODEL (items), j);
          GDateTime *date = alta_record_item_get_date (item);

          g_assert_true (g_hash_table_add (seen, (gpointer)alta_record_item_get_id (item)));
          if (g_str_has_prefix (alta_record_item_get_id (item), lists[i].prefix))
            n_large++;
          if (last != NULL && date != NULL)
            g_assert_cmpint (g_date_time_compare (date, last), <=, 0);
          if (date != NULL)
            {
              g_clear_pointer (&last, g_date_time_unref);
              last = g_date_time_ref (date);
            }
        }
      g_assert_cmpuint (n_large, ==, n);
    }
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* Each call of the API by its name: sign-in, the account, a read, keepalive, sign-out */
static void
test_typed_calls (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (AltaPortalAccount) me = NULL;
  g_autoptr (AltaRecordItem) allergy = NULL;
  g_autoptr (GListStore) allergies = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  gint64 idle_timeout_s = 0;
  gint64 retry_after_s = 0;

  /* A wrong password: no token, no account */
  alta_portal_client_sign_in_async (client, "grace", "not-her-password", NULL,
                                    alta_test_store_result_cb, &result);
  account = alta_portal_client_sign_in_finish (client, wait_for_result (&result), &idle_timeout_s,
                                               &retry_after_s, &error);
  g_assert_null (account);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS);
  g_assert_null (alta_portal_client_get_access_token (client));
  g_clear_error (&error);
  g_clear_object (&result);

  alta_portal_client_sign_in_async (client, "grace", "Orchard-Lantern-42", NULL,
                                    alta_test_store_result_cb, &result);
  account = alta_portal_client_sign_in_finish (client, wait_for_result (&result), &idle_timeout_s,
                                               &retry_after_s, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alta_portal_account_get_username (account), ==, "grace");
  g_assert_cmpstr (alta_portal_account_get_patient_id (account), ==, "demo-adult");
  g_assert_cmpuint (alta_portal_account_get_n_records (account), >=, 1);
  g_assert_cmpstr (alta_portal_account_get_record_relationship (account, 0), ==, "self");
  g_assert_nonnull (alta_portal_account_get_own_name (account));
  g_assert_cmpint (idle_timeout_s, ==, 900);
  g_assert_nonnull (alta_portal_client_get_access_token (client));
  g_clear_object (&result);

  alta_portal_client_get_account_async (client, ALTA_REQUEST_BACKGROUND, NULL,
                                        alta_test_store_result_cb, &result);
  me = alta_portal_client_get_account_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alta_portal_account_get_username (me), ==, "grace");
  g_assert_cmpint (alta_portal_account_get_previous_sign_in (me), ==,
                   alta_portal_account_get_previous_sign_in (account));
  g_clear_object (&result);

  /* What is new follows the account, from the portal: a second sign-in elsewhere is told
   * of this one.
   */
  {
    g_autoptr (AltaPortalClient) other = alta_test_server_new_client (server);
    g_autoptr (AltaPortalAccount) again = NULL;
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

    alta_portal_client_sign_in_async (other, "grace", "Orchard-Lantern-42", NULL,
                                      alta_test_store_result_cb, &result);
    again = alta_portal_client_sign_in_finish (other, wait_for_result (&result), &idle_timeout_s,
                                               &retry_after_s, &error);
    g_assert_no_error (error);
    g_assert_cmpint (alta_portal_account_get_previous_sign_in (again), >,
                     alta_portal_account_get_previous_sign_in (account));
    g_assert_cmpint (alta_portal_account_get_previous_sign_in (again), <=,
                     g_date_time_to_unix (now) + 1);
    g_clear_object (&result);
  }

  /* A search, then a read of its first result */
  alta_portal_client_search_async (client, ALTA_TYPE_ALLERGY,
                                   (const char *[]) { "patient", "demo-adult", NULL },
                                   ALTA_REQUEST_NONE, NULL, alta_test_store_result_cb, &result);
  allergies = alta_portal_client_search_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (allergies)), >, 0);
  g_clear_object (&result);
  {
    g_autoptr (AltaRecordItem) first = g_list_model_get_item (G_LIST_MODEL (allergies), 0);

    alta_portal_client_read_async (client, ALTA_TYPE_ALLERGY, alta_record_item_get_id (first),
                                   ALTA_REQUEST_NONE, NULL, alta_test_store_result_cb, &result);
    allergy = alta_portal_client_read_finish (client, wait_for_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (alta_record_item_get_id (allergy), ==, alta_record_item_get_id (first));
    g_assert_cmpstr (alta_record_item_get_title (allergy), ==, alta_record_item_get_title (first));
    g_clear_object (&result);
  }

  alta_portal_client_keepalive_async (client, NULL, alta_test_store_result_cb, &result);
  g_assert_true (alta_portal_client_keepalive_finish (client, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Signing out forgets the token at once; the portal ended the session */
  alta_portal_client_sign_out_async (client, NULL, alta_test_store_result_cb, &result);
  g_assert_null (alta_portal_client_get_access_token (client));
  g_assert_true (alta_portal_client_sign_out_finish (client, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_clear_object (&me);
  alta_portal_client_get_account_async (client, ALTA_REQUEST_NONE, NULL,
                                        alta_test_store_result_cb, &result);
  me = alta_portal_client_get_account_finish (client, wait_for_result (&result), &error);
  g_assert_null (me);
  g_assert_nonnull (error);
}

/* A certificate that no trusted authority signed: its own error, not a network one */
static void
test_bad_certificate (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) client = alta_portal_client_new (server->url, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) info = call (client, "/api/v1/info", &error);

  g_assert_null (info);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CERTIFICATE);
}

static guint16
closed_port (void)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", closed_port ());
  g_autoptr (AltaPortalClient) client = alta_portal_client_new (url, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) info = call (client, "/api/v1/info", &error);

  g_assert_null (info);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NETWORK);
}

static gboolean
on_incoming_close_cb (GSocketService    *service,
                      GSocketConnection *connection,
                      GObject           *source_object,
                      gpointer           user_data)
{
  /* A portal that dies as the connection opens: closed before a word of TLS */
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* A portal stopped mid-request (its TLS handshake cut): the network's problem, to try again,
 * not the certificate's, which trying again never fixes */
static void
test_dropped_during_handshake (void)
{
  g_autoptr (GSocketService) service = g_socket_service_new ();
  g_autoptr (AltaPortalClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) info = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming_close_cb), NULL);

  url = g_strdup_printf ("https://127.0.0.1:%u", port);
  client = alta_portal_client_new (url, NULL, &error);
  g_assert_no_error (error);

  info = call (client, "/api/v1/info", &error);
  g_assert_null (info);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NETWORK);
  g_socket_service_stop (service);
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                gpointer           user_data)
{
  /* Keep the connection open and say nothing */
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

static void
test_timeout (void)
{
  g_autoptr (GSocketService) service = g_socket_service_new ();
  g_autoptr (GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (AltaPortalClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) info = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming_cb), connections);

  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = alta_portal_client_new (url, NULL, &error);
  g_assert_no_error (error);
  alta_portal_client_set_timeout (client, 1);

  info = call (client, "/api/v1/info", &error);
  g_assert_null (info);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_TIMEOUT);
  g_socket_service_stop (service);
}

static void
handle_trouble (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  const char *base = user_data;
  const char *what = query != NULL ? g_hash_table_lookup (query, "case") : NULL;

  /* Every case is an Observation search: `?case=fail` answers as /fail did */
  if (g_str_equal (path, "/fhir/R4/Observation") && what != NULL)
    path = g_strconcat ("/", what, NULL);
  else
    path = g_strdup (path);
  g_object_set_data_full (G_OBJECT (msg), "path", (char *)path, g_free);

  if (g_str_equal (path, "/fail"))
    soup_server_message_set_status (msg, 500, NULL);
  else if (g_str_equal (path, "/busy"))
    {
      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<h1>Maintenance</h1>", 20);
    }
  else if (g_str_equal (path, "/garbage"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_STATIC,
                                        "{\"resourceType\":\"Bund", 21);
    }
  else if (g_str_equal (path, "/elsewhere"))
    {
      g_autofree char *body = g_strdup_printf (
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":2,"
        "\"link\":[{\"relation\":\"next\",\"url\":\"https://evil.example/fhir/R4/Observation\"}],"
        "\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"1\"}}]}");

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_COPY, body,
                                        strlen (body));
    }
  else if (g_str_equal (path, "/pages"))
    {
      g_autofree char *body = NULL;
      const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;

      if (page == NULL)
        body = g_strdup_printf (
          "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":2,"
          "\"link\":[{\"relation\":\"next\",\"url\":\"%s/fhir/R4/Observation?case=pages&page=2\"}],"
          "\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"1\"}}]}", base);
      else
        body = g_strdup ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":2,"
                         "\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"2\"}}]}");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_COPY, body,
                                        strlen (body));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

/* 5xx, an answer cut short, and links that lead away */
static void
test_server_trouble (void)
{
  g_autoptr (SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaPortalClient) client = NULL;
  g_autofree char *base = NULL;
  GSList *uris;
  const struct
  {
    const char      *path;
    AltaPortalError  code;
  } cases[] = {
    { "/fail", ALTA_PORTAL_ERROR_INTERNAL },
    { "/busy", ALTA_PORTAL_ERROR_UNAVAILABLE },
    { "/garbage", ALTA_PORTAL_ERROR_INVALID_RESPONSE },
    { "/elsewhere", ALTA_PORTAL_ERROR_INVALID_RESPONSE },
  };

  g_assert_true (soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);
  base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  soup_server_add_handler (soup, NULL, handle_trouble, base, NULL);

  client = alta_portal_client_new (base, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) search_error = NULL;
      g_autoptr (GListStore) items = NULL;

      /* The operator hears of a link that leads away */
      if (g_str_equal (cases[i].path, "/elsewhere"))
        g_test_expect_message ("alta-portal-client", G_LOG_LEVEL_WARNING, "*points away*");
      items = search (client, ALTA_TYPE_LAB_RESULT,
                      (const char *[]) { "case", cases[i].path + 1, NULL }, &search_error);

      g_test_message ("%s", cases[i].path);
      g_assert_null (items);
      g_test_assert_expected_messages ();
      g_assert_error (search_error, ALTA_PORTAL_ERROR, (int)cases[i].code);
    }

  /* Links back to the same portal are followed */
  {
    g_autoptr (GError) search_error = NULL;
    g_autoptr (GListStore) items = search (client, ALTA_TYPE_LAB_RESULT,
                                           (const char *[]) { "case", "pages", NULL },
                                           &search_error);

    g_assert_no_error (search_error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (items)), ==, 2);
  }
}

static void
count_cb (AltaPortalClient *client,
          guint            *count)
{
  (*count)++;
}

static AltaPortalResponse *
send_json (AltaPortalClient *client,
           const char       *method,
           const char       *path,
           const char       *json)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = json != NULL ? g_bytes_new_static (json, strlen (json)) : NULL;
  g_autoptr (GError) error = NULL;
  AltaPortalResponse *response;

  alta_portal_client_send_async (client, method, path, body, NULL, ALTA_REQUEST_NONE, NULL,
                                 alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  response = alta_portal_client_send_finish (client, result, &error);
  g_assert_no_error (error);
  return response;
}

/* session-expired is emitted for a session the portal ended, whichever request found out,
 * and never for the other 401s (a wrong current password) or without a session
 */
static void
test_session_expired_signal (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) me = NULL;
  guint expired = 0;

  g_signal_connect (client, "session-expired", G_CALLBACK (count_cb), &expired);

  /* A wrong password at sign-in, with no session: not an ended session */
  response = send_json (client, "POST", "/api/v1/sessions",
                        "{\"username\":\"grace\",\"password\":\"wrong\"}");
  g_assert_cmpuint (alta_portal_response_get_status (response), ==, 401);
  g_assert_cmpuint (expired, ==, 0);
  g_clear_object (&response);

  /* A wrong current password, in a session: 401 invalid_credentials, the session goes on */
  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
  response = send_json (client, "POST", "/api/v1/me/password",
                        "{\"current_password\":\"wrong\",\"new_password\":\"Quiet-Meadow-Lamp-9\"}");
  g_assert_cmpuint (alta_portal_response_get_status (response), ==, 401);
  g_assert_cmpuint (expired, ==, 0);
  g_assert_nonnull (alta_portal_client_get_access_token (client));
  g_clear_object (&response);

  /* The portal ends it (signed out elsewhere): the next request finds out */
  response = send_json (client, "DELETE", "/api/v1/sessions/current", NULL);
  g_assert_cmpuint (alta_portal_response_get_status (response), ==, 204);
  g_assert_cmpuint (expired, ==, 0);
  g_clear_object (&response);

  me = call (client, "/api/v1/me", &error);
  g_assert_null (me);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED);
  g_assert_cmpuint (expired, ==, 1);
  g_assert_null (alta_portal_client_get_access_token (client));
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

/* The first resource of a search's first page, as JSON */
static JsonObject *
first_resource (AltaPortalClient *client,
                const char       *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) bundle = call (client, path, &error);
  JsonArray *entries;

  g_assert_no_error (error);
  entries = json_object_get_array_member (json_node_get_object (bundle), "entry");
  g_assert_nonnull (entries);
  g_assert_cmpuint (json_array_get_length (entries), >, 0);
  return json_object_ref (json_object_get_object_member (json_array_get_object_element (entries, 0),
                                                         "resource"));
}

static AltaRecordItem *
create (AltaPortalClient  *client,
        GType              type,
        const char        *json,
        const char        *request_id,
        gboolean          *out_created,
        GError           **error)
{
  g_autoptr (JsonObject) resource = parse_object (json);
  g_autoptr (GAsyncResult) result = NULL;

  alta_portal_client_create_async (client, type, resource, request_id, NULL,
                                   alta_test_store_result_cb, &result);
  return alta_portal_client_create_finish (client, wait_for_result (&result), out_created, error);
}

static AltaRecordItem *
patch (AltaPortalClient  *client,
       GType              type,
       const char        *id,
       const char        *json,
       const char        *version,
       GError           **error)
{
  g_autoptr (JsonNode) operations = json_from_string (json, NULL);
  g_autoptr (GAsyncResult) result = NULL;

  alta_portal_client_patch_async (client, type, id, json_node_get_array (operations), version,
                                  NULL, alta_test_store_result_cb, &result);
  return alta_portal_client_patch_finish (client, wait_for_result (&result), error);
}

/* The writes by their names: a message sent twice arrives once, a booking, a lost race for
 * the slot, a cancel, a stale cancel, the account's details and its password
 */
static void
test_writes (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) grace = alta_test_server_new_client (server);
  g_autoptr (AltaPortalClient) again = alta_test_server_new_client (server);
  g_autoptr (JsonObject) team = NULL;
  g_autoptr (JsonObject) schedule = NULL;
  g_autoptr (JsonObject) slot = NULL;
  g_autoptr (AltaRecordItem) message = NULL;
  g_autoptr (AltaRecordItem) retried = NULL;
  g_autoptr (AltaRecordItem) booked = NULL;
  g_autoptr (AltaRecordItem) cancelled = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message_json = NULL;
  g_autofree char *booking_json = NULL;
  g_autofree char *slot_path = NULL;
  gboolean created = FALSE;

  alta_test_sign_in (grace, "grace", "Orchard-Lantern-42");
  team = first_resource (grace, "/fhir/R4/CareTeam?patient=demo-adult");

  /* A message, then the same send again after a lost answer: one message */
  message_json = g_strdup_printf ("{\"status\":\"completed\","
                                  "\"subject\":{\"reference\":\"Patient/demo-adult\"},"
                                  "\"recipient\":[{\"reference\":\"CareTeam/%s\"}],"
                                  "\"topic\":{\"text\":\"Refill question\"},"
                                  "\"payload\":[{\"contentString\":\"Hello,\\nis 5.60 right?\"}]}",
                                  json_object_get_string_member (team, "id"));
  message = create (grace, ALTA_TYPE_MESSAGE, message_json, "3f1c7a52-0d7e-4a43-9d1f-1", &created,
                    &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_true (ALTA_IS_MESSAGE (message));
  g_assert_true (alta_message_get_from_patient (ALTA_MESSAGE (message)));
  g_assert_cmpstr (alta_record_item_get_title (message), ==, "Refill question");

  retried = create (grace, ALTA_TYPE_MESSAGE, message_json, "3f1c7a52-0d7e-4a43-9d1f-1", &created,
                    &error);
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpstr (alta_record_item_get_id (retried), ==, alta_record_item_get_id (message));

  /* Booking the soonest free medical slot */
  schedule = first_resource (grace, "/fhir/R4/Schedule?service-category=medical");
  slot_path = g_strdup_printf ("/fhir/R4/Slot?schedule=Schedule/%s&status=free&_sort=date",
                               json_object_get_string_member (schedule, "id"));
  slot = first_resource (grace, slot_path);
  booking_json = g_strdup_printf ("{\"status\":\"booked\","
                                  "\"slot\":[{\"reference\":\"Slot/%s\"}],"
                                  "\"participant\":[{\"actor\":{\"reference\":\"Patient/demo-adult\"},"
                                  "\"status\":\"accepted\"}],"
                                  "\"comment\":\"Cough for two weeks\"}",
                                  json_object_get_string_member (slot, "id"));
  booked = create (grace, ALTA_TYPE_APPOINTMENT, booking_json, "3f1c7a52-0d7e-4a43-9d1f-2",
                   &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpstr (alta_record_item_get_status (booked), ==, "booked");
  g_assert_nonnull (alta_record_item_get_date (booked));

  /* The same slot by another request: taken */
  {
    g_autoptr (AltaRecordItem) lost = NULL;

    lost = create (grace, ALTA_TYPE_APPOINTMENT, booking_json, "3f1c7a52-0d7e-4a43-9d1f-3", NULL,
                   &error);
    g_assert_null (lost);
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* Cancel it at the version it was booked at; cancelling again at that version is stale */
  cancelled = patch (grace, ALTA_TYPE_APPOINTMENT, alta_record_item_get_id (booked),
                     "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]", "1",
                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alta_record_item_get_status (cancelled), ==, "cancelled");
  {
    g_autoptr (AltaRecordItem) stale = NULL;

    stale = patch (grace, ALTA_TYPE_APPOINTMENT, alta_record_item_get_id (booked),
                   "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]", "1",
                   &error);
    g_assert_null (stale);
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* The account: a phone number and an address, read back; a refused phone */
  {
    g_autoptr (JsonObject) changes = parse_object ("{\"phone\":\"(626) 555-0142\","
                                                   "\"address\":{\"line\":[\"4100 Sunset Blvd\","
                                                   "\"Apt 3\"],\"city\":\"Los Angeles\","
                                                   "\"state\":\"CA\",\"postal_code\":\"90029\"}}");
    g_autoptr (JsonObject) bad = parse_object ("{\"phone\":\"call me\"}");
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GAsyncResult) bad_result = NULL;
    g_autoptr (AltaPortalAccount) account = NULL;
    g_autoptr (AltaPortalAccount) refused = NULL;

    alta_portal_client_update_account_async (grace, changes, NULL, NULL,
                                             alta_test_store_result_cb, &result);
    account = alta_portal_client_update_account_finish (grace, wait_for_result (&result), &error);
    g_assert_no_error (error);
    g_assert_nonnull (account);
    g_assert_cmpstr (alta_portal_account_get_phone (account), ==, "(626) 555-0142");
    g_assert_nonnull (alta_portal_account_get_email (account));
    {
      const char *city = NULL;
      const char *state = NULL;
      const char *postal_code = NULL;
      const char * const *lines = alta_portal_account_get_address (account, &city, &state,
                                                                   &postal_code);
      const char * const expected[] = { "4100 Sunset Blvd", "Apt 3", NULL };

      g_assert_nonnull (lines);
      g_assert_true (g_strv_equal (lines, expected));
      g_assert_cmpstr (city, ==, "Los Angeles");
      g_assert_cmpstr (state, ==, "CA");
      g_assert_cmpstr (postal_code, ==, "90029");
    }

    alta_portal_client_update_account_async (grace, bad, NULL, NULL, alta_test_store_result_cb,
                                             &bad_result);
    refused = alta_portal_client_update_account_finish (grace, wait_for_result (&bad_result),
                                                        &error);
    g_assert_null (refused);
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
    g_clear_error (&error);
  }

  /* The password: a wrong current one, then the change, then a sign-in with the new one */
  {
    g_autoptr (GAsyncResult) wrong = NULL;
    g_autoptr (GAsyncResult) right = NULL;

    alta_portal_client_change_password_async (grace, "Not-The-Password-1", "Quiet-Meadow-Lamp-9",
                                              NULL, alta_test_store_result_cb, &wrong);
    g_assert_false (alta_portal_client_change_password_finish (grace, wait_for_result (&wrong),
                                                               &error));
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS);
    g_clear_error (&error);

    alta_portal_client_change_password_async (grace, "Orchard-Lantern-42", "Quiet-Meadow-Lamp-9",
                                              NULL, alta_test_store_result_cb, &right);
    g_assert_true (alta_portal_client_change_password_finish (grace, wait_for_result (&right),
                                                              &error));
    g_assert_no_error (error);
    alta_test_sign_in (again, "grace", "Quiet-Meadow-Lamp-9");
  }
}

static AltaRecordItem *
read_item (AltaPortalClient *client,
           GType             type,
           const char       *id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  AltaRecordItem *item;

  alta_portal_client_read_async (client, type, id, ALTA_REQUEST_NONE, NULL,
                                 alta_test_store_result_cb, &result);
  item = alta_portal_client_read_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return item;
}

/* What issue 11's pages read: schedules, slots, clinics, visits, refill requests */
static void
test_visit_models (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) grace = alta_test_server_new_client (server);
  g_autoptr (GListStore) schedules = NULL;
  g_autoptr (GListStore) slots = NULL;
  g_autoptr (AltaRecordItem) booked = NULL;
  g_autoptr (AltaRecordItem) clinic = NULL;
  g_autoptr (AltaRecordItem) refill = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *booking_json = NULL;
  AltaSchedule *medical = NULL;
  AltaSlot *slot = NULL;
  AltaAppointment *visit;

  alta_test_sign_in (grace, "grace", "Orchard-Lantern-42");

  schedules = search (grace, ALTA_TYPE_SCHEDULE, (const char *[]) { NULL }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (schedules)), >=, 2);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (schedules)); i++)
    {
      g_autoptr (AltaSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (schedules), i);

      g_assert_nonnull (alta_schedule_get_practitioner (schedule));
      g_assert_nonnull (alta_schedule_get_location_id (schedule));
      g_assert_cmpstr (alta_record_item_get_title (ALTA_RECORD_ITEM (schedule)), ==,
                       alta_schedule_get_practitioner (schedule));
      if (medical == NULL && alta_schedule_get_service (schedule) == ALTA_SERVICE_MEDICAL)
        medical = g_steal_pointer (&schedule);
    }
  g_assert_nonnull (medical);

  {
    g_autofree char *reference = g_strconcat ("Schedule/",
                                              alta_record_item_get_id (ALTA_RECORD_ITEM (medical)),
                                              NULL);

    slots = search (grace, ALTA_TYPE_SLOT,
                    (const char *[]) { "schedule", reference, "status", "free", "_sort", "date",
                                       "_count", "5", NULL }, &error);
    g_assert_no_error (error);
  }
  slot = g_list_model_get_item (G_LIST_MODEL (slots), 0);
  g_assert_true (alta_slot_get_is_free (slot));
  g_assert_cmpstr (alta_slot_get_schedule_id (slot), ==,
                   alta_record_item_get_id (ALTA_RECORD_ITEM (medical)));
  g_assert_cmpint (g_date_time_compare (alta_slot_get_start (slot), now), >, 0);
  g_assert_cmpint (g_date_time_difference (alta_slot_get_end (slot), alta_slot_get_start (slot)),
                   ==, 30 * G_TIME_SPAN_MINUTE);

  /* The clinic, in its own time zone: visits are told in Los Angeles time */
  clinic = read_item (grace, ALTA_TYPE_CLINIC, alta_schedule_get_location_id (medical));
  g_assert_cmpstr (alta_record_item_get_title (clinic), ==, alta_schedule_get_location (medical));
  g_assert_cmpstr (alta_clinic_get_address (ALTA_CLINIC (clinic)), ==,
                   "3945 Whittier Boulevard, Los Angeles, CA 90023");
  g_assert_cmpstr (g_time_zone_get_identifier (alta_clinic_get_time_zone (ALTA_CLINIC (clinic))), ==,
                   "America/Los_Angeles");

  /* Booked: with its clinician, clinic and time */
  booking_json = g_strdup_printf ("{\"status\":\"booked\","
                                  "\"slot\":[{\"reference\":\"Slot/%s\"}],"
                                  "\"participant\":[{\"actor\":{\"reference\":\"Patient/demo-adult\"},"
                                  "\"status\":\"accepted\"}],\"comment\":\"Sore throat\"}",
                                  alta_record_item_get_id (ALTA_RECORD_ITEM (slot)));
  booked = create (grace, ALTA_TYPE_APPOINTMENT, booking_json, "5d0e7c3a-models-1", NULL, &error);
  g_assert_no_error (error);
  visit = ALTA_APPOINTMENT (booked);
  g_assert_cmpint (alta_appointment_get_state (visit), ==, ALTA_APPOINTMENT_BOOKED);
  g_assert_cmpint (alta_appointment_get_service (visit), ==, ALTA_SERVICE_MEDICAL);
  g_assert_cmpstr (alta_appointment_get_practitioner (visit), ==,
                   alta_schedule_get_practitioner (medical));
  g_assert_cmpstr (alta_appointment_get_location_id (visit), ==,
                   alta_schedule_get_location_id (medical));
  g_assert_cmpstr (alta_appointment_get_comment (visit), ==, "Sore throat");
  g_assert_true (g_date_time_equal (alta_appointment_get_start (visit), alta_slot_get_start (slot)));
  g_assert_true (g_date_time_equal (alta_appointment_get_end (visit), alta_slot_get_end (slot)));
  g_assert_nonnull (alta_record_item_get_version (booked));

  /* The demo's pending refill request; asking again is a conflict; once the clinic completes
   * it, a new request is pending with its note as typed */
  {
    g_autoptr (GListStore) tasks = search (grace, ALTA_TYPE_REFILL_REQUEST,
                                           (const char *[]) { "patient", "demo-adult", NULL },
                                           &error);
    g_autoptr (AltaRefillRequest) pending = NULL;
    g_autoptr (AltaRefillRequest) completed = NULL;
    g_autoptr (JsonObject) task = NULL;
    g_autoptr (AltaRecordItem) refused = NULL;
    g_autofree char *output = NULL;
    int status = -1;

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tasks)), ==, 1);
    pending = g_list_model_get_item (G_LIST_MODEL (tasks), 0);
    g_assert_cmpint (alta_refill_request_get_state (pending), ==, ALTA_REFILL_PENDING);
    g_assert_nonnull (alta_refill_request_get_medication_id (pending));
    g_assert_nonnull (alta_record_item_get_date (ALTA_RECORD_ITEM (pending)));

    task = alta_refill_request_new_json ("demo-adult", alta_refill_request_get_medication_id (pending),
                                         "  Pick up at the Eastside pharmacy ");
    {
      g_autoptr (GAsyncResult) result = NULL;

      alta_portal_client_create_async (grace, ALTA_TYPE_REFILL_REQUEST, task, "5d0e7c3a-refill-1",
                                       NULL, alta_test_store_result_cb, &result);
      refused = alta_portal_client_create_finish (grace, wait_for_result (&result), NULL, &error);
      g_assert_null (refused);
      g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT);
      g_clear_error (&error);
    }

    output = alta_test_server_admin (server, NULL, &status, "complete-refill", "--task",
                                     alta_record_item_get_id (ALTA_RECORD_ITEM (pending)), NULL);
    g_assert_cmpint (status, ==, 0);
    completed = ALTA_REFILL_REQUEST (read_item (grace, ALTA_TYPE_REFILL_REQUEST,
                                                alta_record_item_get_id (ALTA_RECORD_ITEM (pending))));
    g_assert_cmpint (alta_refill_request_get_state (completed), ==, ALTA_REFILL_COMPLETED);

    {
      g_autoptr (GAsyncResult) result = NULL;

      alta_portal_client_create_async (grace, ALTA_TYPE_REFILL_REQUEST, task, "5d0e7c3a-refill-2",
                                       NULL, alta_test_store_result_cb, &result);
      refill = alta_portal_client_create_finish (grace, wait_for_result (&result), NULL, &error);
      g_assert_no_error (error);
    }
    g_assert_cmpint (alta_refill_request_get_state (ALTA_REFILL_REQUEST (refill)), ==,
                     ALTA_REFILL_PENDING);
    g_assert_cmpstr (alta_refill_request_get_medication_id (ALTA_REFILL_REQUEST (refill)), ==,
                     alta_refill_request_get_medication_id (pending));
    g_assert_cmpstr (alta_refill_request_get_note (ALTA_REFILL_REQUEST (refill)), ==,
                     "  Pick up at the Eastside pharmacy ");
  }

  g_object_unref (medical);
  g_object_unref (slot);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/portal-client/record-lists", test_record_lists);
  g_test_add_func ("/portal-client/large-record", test_large_record);
  g_test_add_func ("/portal-client/typed-calls", test_typed_calls);
  g_test_add_func ("/portal-client/writes", test_writes);
  g_test_add_func ("/portal-client/visit-models", test_visit_models);
  g_test_add_func ("/portal-client/bad-certificate", test_bad_certificate);
  g_test_add_func ("/portal-client/unreachable", test_unreachable);
  g_test_add_func ("/portal-client/timeout", test_timeout);
  g_test_add_func ("/portal-client/dropped-during-handshake", test_dropped_during_handshake);
  g_test_add_func ("/portal-client/server-trouble", test_server_trouble);
  g_test_add_func ("/portal-client/session-expired-signal", test_session_expired_signal);

  return g_test_run ();
}
