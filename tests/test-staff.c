/* test-staff.c: the staff routes of the enrollment station, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alta-portal-client-staff.h"
#include "alta-portal-error.h"
#include "alta-test-server.h"

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

static void
sign_in_staff (Fixture *fixture)
{
  alta_test_sign_in (fixture->client, "frontdesk", "Clinic-Desk-Station-1");
}

static AltaPortalResponse *
post (Fixture    *fixture,
      const char *path,
      const char *body)
{
  return alta_test_request (fixture->client, "POST", path, body, ALTA_REQUEST_NONE);
}

static void
test_find_patients (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) found = NULL;
  g_autoptr (AltaPortalResponse) by_birthday = NULL;
  g_autoptr (AltaPortalResponse) nothing = NULL;
  g_autoptr (AltaPortalResponse) bad_date = NULL;
  g_autoptr (JsonObject) grace = alta_test_server_demo_account (fixture->server, "grace");
  g_autofree char *path = NULL;
  JsonArray *patients;
  JsonObject *patient;

  sign_in_staff (fixture);

  found = alta_test_request (fixture->client, "GET", "/api/v1/staff/patients?family=cruz&given=ELENA",
                             NULL, ALTA_REQUEST_NONE);
  alta_assert_status (found, 200);
  patients = json_object_get_array_member (alta_test_response_object (found), "patients");
  g_assert_cmpuint (json_array_get_length (patients), ==, 1);
  patient = json_array_get_object_element (patients, 0);
  g_assert_cmpstr (json_object_get_string_member (patient, "patient_id"), ==, "demo-enroll");
  g_assert_cmpstr (json_object_get_string_member (patient, "name"), ==, "Elena Cruz");
  g_assert_false (json_object_get_boolean_member (patient, "has_account"));
  g_assert_cmpstr (json_object_get_string_member (patient, "email"), ==, "elena.cruz@example.org");

  path = g_strdup_printf ("/api/v1/staff/patients?birth_date=%s",
                          json_object_get_string_member (grace, "birth_date"));
  by_birthday = alta_test_request (fixture->client, "GET", path, NULL, ALTA_REQUEST_NONE);
  alta_assert_status (by_birthday, 200);
  patients = json_object_get_array_member (alta_test_response_object (by_birthday), "patients");
  g_assert_cmpuint (json_array_get_length (patients), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (patients, 0),
                                                 "has_account"));

  nothing = alta_test_request (fixture->client, "GET", "/api/v1/staff/patients", NULL,
                               ALTA_REQUEST_NONE);
  alta_assert_error (nothing, 400, "invalid_request");
  bad_date = alta_test_request (fixture->client, "GET", "/api/v1/staff/patients?birth_date=yesterday",
                                NULL, ALTA_REQUEST_NONE);
  alta_assert_error (bad_date, 400, "invalid_request");
}

static char *
wait_for_code (AltaTestServer *server)
{
  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (server);

      if (mails->len > 0)
        return alta_test_find_activation_code (g_ptr_array_index (mails, 0));
      g_usleep (20000);
    }

  return NULL;
}

static void
test_issue_code (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (JsonObject) elena = alta_test_server_demo_account (fixture->server, "Elena");
  g_autoptr (AltaPortalResponse) issued = NULL;
  g_autoptr (AltaPortalResponse) old = NULL;
  g_autoptr (AltaPortalResponse) fresh = NULL;
  g_autoptr (AltaPortalClient) patient = alta_test_server_new_client (fixture->server);
  g_autofree char *old_body = NULL;
  g_autofree char *fresh_body = NULL;
  g_autofree char *mailed = NULL;
  const char *code;

  sign_in_staff (fixture);
  alta_test_server_clear_outbox (fixture->server);

  issued = post (fixture, "/api/v1/staff/activation-codes",
                 "{\"patient_id\":\"demo-enroll\",\"email\":\"elena.cruz@example.org\","
                 "\"identity_verified\":\"photo-id\"}");
  alta_assert_status (issued, 201);
  code = alta_test_response_string (issued, "activation_code");
  g_assert_cmpuint (strlen (code), ==, 11);
  g_assert_nonnull (alta_test_response_string (issued, "expires_at"));

  /* Mailed too. */
  mailed = wait_for_code (fixture->server);
  g_assert_cmpstr (mailed, ==, code);

  /* The earlier unused code stops working; the new one works. */
  old_body = g_strdup_printf ("{\"activation_code\":\"%s\",\"birth_date\":\"%s\","
                              "\"username\":\"elena.cruz\",\"password\":\"Lavanda-Sendero-31\"}",
                              json_object_get_string_member (elena, "activation_code"),
                              json_object_get_string_member (elena, "birth_date"));
  old = alta_test_request (patient, "POST", "/api/v1/enrollment/activate", old_body,
                           ALTA_REQUEST_NONE);
  alta_assert_error (old, 400, "code_invalid");

  fresh_body = g_strdup_printf ("{\"activation_code\":\"%s\",\"birth_date\":\"%s\","
                                "\"username\":\"elena.cruz\",\"password\":\"Lavanda-Sendero-31\"}",
                                code, json_object_get_string_member (elena, "birth_date"));
  fresh = alta_test_request (patient, "POST", "/api/v1/enrollment/activate", fresh_body,
                             ALTA_REQUEST_NONE);
  alta_assert_status (fresh, 201);
}

static void
test_issue_code_errors (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) unknown = NULL;
  g_autoptr (AltaPortalResponse) has_account = NULL;
  g_autoptr (AltaPortalResponse) child = NULL;
  g_autoptr (AltaPortalResponse) missing = NULL;
  g_autoptr (AltaPortalResponse) teen = NULL;
  g_autofree char *teen_id = NULL;
  g_autofree char *body = NULL;
  int status;

  sign_in_staff (fixture);

  unknown = post (fixture, "/api/v1/staff/activation-codes",
                  "{\"patient_id\":\"no-such-patient\",\"email\":\"x@example.org\",\"identity_verified\":\"photo-id\"}");
  alta_assert_error (unknown, 404, "not_found");
  has_account = post (fixture, "/api/v1/staff/activation-codes",
                      "{\"patient_id\":\"demo-adult\",\"email\":\"x@example.org\",\"identity_verified\":\"photo-id\"}");
  alta_assert_error (has_account, 409, "has_account");
  missing = post (fixture, "/api/v1/staff/activation-codes",
                  "{\"patient_id\":\"demo-enroll\",\"email\":\"x@example.org\"}");
  alta_assert_error (missing, 400, "invalid_request");
  g_assert_cmpstr (alta_test_response_string (missing, "field"), ==, "identity_verified");

  /* A patient aged 12-17 without an account: no portal access. */
  teen_id = alta_test_server_admin (fixture->server, NULL, &status, "add-patient",
                                    "--given", "Iris", "--family", "Vega", "--birth-date",
                                    "2012-01-15", "--email", "iris.vega@example.org", NULL);
  g_assert_cmpint (status, ==, 0);
  body = g_strdup_printf ("{\"patient_id\":\"%s\",\"email\":\"iris.vega@example.org\","
                          "\"identity_verified\":\"photo-id\"}", g_strstrip (teen_id));
  teen = post (fixture, "/api/v1/staff/activation-codes", body);
  alta_assert_error (teen, 403, "no_portal_access");

  child = post (fixture, "/api/v1/staff/activation-codes",
                "{\"patient_id\":\"demo-child\",\"email\":\"daniel.reyes@example.org\",\"identity_verified\":\"photo-id\"}");
  alta_assert_status (child, 201);
}

static gboolean
records_include (AltaPortalClient *client,
                 const char       *patient_id)
{
  g_autoptr (AltaPortalResponse) me = alta_test_request (client, "GET", "/api/v1/me", NULL,
                                                         ALTA_REQUEST_NONE);
  JsonArray *records;

  alta_assert_status (me, 200);
  records = json_object_get_array_member (alta_test_response_object (me), "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_strcmp0 (json_object_get_string_member (record, "patient_id"), patient_id) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_proxy_grants (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) grace = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalResponse) granted = NULL;
  g_autoptr (AltaPortalResponse) teen = NULL;
  g_autoptr (AltaPortalResponse) adult_child = NULL;
  g_autoptr (AltaPortalResponse) dependent = NULL;
  g_autoptr (AltaPortalResponse) unknown = NULL;

  sign_in_staff (fixture);
  alta_test_sign_in (grace, "grace", "Orchard-Lantern-42");
  g_assert_false (records_include (grace, "demo-child"));

  granted = post (fixture, "/api/v1/staff/proxy-grants",
                  "{\"proxy_username\":\"grace\",\"patient_id\":\"demo-child\","
                  "\"relationship\":\"child\",\"consent_form_id\":\"PCF-2026-0042\"}");
  alta_assert_status (granted, 201);
  g_assert_true (records_include (grace, "demo-child"));

  teen = post (fixture, "/api/v1/staff/proxy-grants",
               "{\"proxy_username\":\"grace\",\"patient_id\":\"demo-teen\","
               "\"relationship\":\"child\",\"consent_form_id\":\"PCF-2026-0043\"}");
  alta_assert_error (teen, 422, "proxy_not_allowed");
  adult_child = post (fixture, "/api/v1/staff/proxy-grants",
                      "{\"proxy_username\":\"grace\",\"patient_id\":\"demo-enroll\","
                      "\"relationship\":\"child\",\"consent_form_id\":\"PCF-2026-0044\"}");
  alta_assert_error (adult_child, 422, "proxy_not_allowed");
  dependent = post (fixture, "/api/v1/staff/proxy-grants",
                    "{\"proxy_username\":\"grace\",\"patient_id\":\"demo-enroll\","
                    "\"relationship\":\"dependent-adult\",\"consent_form_id\":\"PCF-2026-0045\"}");
  alta_assert_status (dependent, 201);
  g_assert_true (records_include (grace, "demo-enroll"));
  unknown = post (fixture, "/api/v1/staff/proxy-grants",
                  "{\"proxy_username\":\"nobody-at-all\",\"patient_id\":\"demo-enroll\","
                  "\"relationship\":\"dependent-adult\",\"consent_form_id\":\"PCF-2026-0046\"}");
  alta_assert_error (unknown, 404, "not_found");
}

/* Mateo's proxy record is listed the day before his 12th birthday and not on it. */
static void
test_proxy_ends_at_twelve (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr (JsonObject) mateo = alta_test_server_demo_account (fixture->server, "Mateo");
  const char *birth_date = json_object_get_string_member (mateo, "birth_date");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) eve = NULL;
  g_autoptr (GDateTime) twelfth = NULL;
  int year, month, day;

  g_assert_cmpint (sscanf (birth_date, "%d-%d-%d", &year, &month, &day), ==, 3);
  twelfth = g_date_time_new_local (year + 12, month, day, 12, 0, 0);
  eve = g_date_time_add_days (twelfth, -1);

  /* To noon the day before: noon keeps daylight saving from moving the date. */
  alta_test_server_move_clock (fixture->server, g_date_time_difference (eve, now) / G_USEC_PER_SEC);
  alta_test_sign_in (fixture->client, "daniel", "Harbor-Kite-1988");
  g_assert_true (records_include (fixture->client, "demo-child"));

  alta_test_server_move_clock (fixture->server, 86400);
  alta_test_sign_in (fixture->client, "daniel", "Harbor-Kite-1988");
  g_assert_false (records_include (fixture->client, "demo-child"));
  g_assert_true (records_include (fixture->client, "demo-parent"));
}

static void
test_staff_password_reset (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) sent = NULL;
  g_autoptr (AltaPortalResponse) unknown = NULL;
  g_autoptr (GPtrArray) mails = NULL;
  g_autofree char *token = NULL;

  sign_in_staff (fixture);
  alta_test_server_clear_outbox (fixture->server);

  sent = post (fixture, "/api/v1/staff/password-reset", "{\"username\":\"grace\"}");
  alta_assert_status (sent, 202);
  for (int i = 0; i < 100 && token == NULL; i++)
    {
      g_clear_pointer (&mails, g_ptr_array_unref);
      mails = alta_test_server_read_outbox (fixture->server);
      if (mails->len > 0)
        token = alta_test_find_reset_token (g_ptr_array_index (mails, 0));
      else
        g_usleep (20000);
    }
  g_assert_nonnull (token);

  unknown = post (fixture, "/api/v1/staff/password-reset", "{\"username\":\"nobody-at-all\"}");
  alta_assert_error (unknown, 404, "not_found");
}

static void
test_staff_only (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const struct { const char *method, *path, *body; } routes[] = {
    { "GET", "/api/v1/staff/patients?family=Cruz", NULL },
    { "POST", "/api/v1/staff/activation-codes",
      "{\"patient_id\":\"demo-enroll\",\"email\":\"x@example.org\",\"identity_verified\":\"photo-id\"}" },
    { "POST", "/api/v1/staff/proxy-grants",
      "{\"proxy_username\":\"grace\",\"patient_id\":\"demo-child\",\"relationship\":\"child\",\"consent_form_id\":\"C\"}" },
    { "POST", "/api/v1/staff/password-reset", "{\"username\":\"grace\"}" },
  };
  g_autoptr (AltaPortalClient) anonymous = alta_test_server_new_client (fixture->server);

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr (AltaPortalResponse) patient = alta_test_request (fixture->client, routes[i].method,
                                                                  routes[i].path, routes[i].body,
                                                                  ALTA_REQUEST_NONE);
      g_autoptr (AltaPortalResponse) nobody = alta_test_request (anonymous, routes[i].method,
                                                                 routes[i].path, routes[i].body,
                                                                 ALTA_REQUEST_NONE);

      alta_assert_error (patient, 403, "forbidden");
      alta_assert_error (nobody, 401, "session_expired");
    }
}

/* The station's typed calls (alta-portal-client-staff.c) over the same real HTTPS: what the
 * pages get back, and each refusal as its error code */
static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
test_typed_calls (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr (GAsyncResult) searched = NULL;
  g_autoptr (GAsyncResult) issued = NULL;
  g_autoptr (GAsyncResult) reset = NULL;
  g_autoptr (GAsyncResult) unknown = NULL;
  g_autoptr (GAsyncResult) granted = NULL;
  g_autoptr (GAsyncResult) refused = NULL;
  g_autoptr (GListStore) patients = NULL;
  g_autoptr (AltaStaffPatient) sofia = NULL;
  g_autoptr (GDateTime) expires_at = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;

  sign_in_staff (fixture);

  /* As typed at the desk: no accents, one surname */
  alta_portal_client_staff_search_patients_async (fixture->client, "hernandez", "sofia", NULL,
                                                  NULL, alta_test_store_result_cb, &searched);
  patients = alta_portal_client_staff_search_patients_finish (fixture->client,
                                                              wait_result (&searched), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (patients)), ==, 1);
  sofia = g_list_model_get_item (G_LIST_MODEL (patients), 0);
  g_assert_cmpstr (alta_staff_patient_get_name (sofia), ==, "Sofía Hernández Ruiz");
  g_assert_true (alta_staff_patient_get_has_account (sofia));
  g_assert_true (alta_staff_patient_get_portal_access (sofia));
  g_assert_nonnull (alta_staff_patient_get_birth_date (sofia));

  /* Elena has no account: a code, mailed, valid 14 days */
  alta_portal_client_staff_issue_code_async (fixture->client, "demo-enroll",
                                             "elena.cruz@example.org", ALTA_IDENTITY_PHOTO_ID,
                                             NULL, alta_test_store_result_cb, &issued);
  code = alta_portal_client_staff_issue_code_finish (fixture->client, wait_result (&issued),
                                                     &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (code), ==, 11);
  g_assert_cmpint (code[5], ==, '-');
  g_assert_nonnull (expires_at);

  alta_portal_client_staff_send_reset_async (fixture->client, "sofia", NULL,
                                             alta_test_store_result_cb, &reset);
  g_assert_true (alta_portal_client_staff_send_reset_finish (fixture->client,
                                                             wait_result (&reset), &error));
  g_assert_no_error (error);
  alta_portal_client_staff_send_reset_async (fixture->client, "nobody-here", NULL,
                                             alta_test_store_result_cb, &unknown);
  g_assert_false (alta_portal_client_staff_send_reset_finish (fixture->client,
                                                              wait_result (&unknown), &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Sofía is 68: Grace's dependent adult, never Daniel's child */
  alta_portal_client_staff_grant_proxy_async (fixture->client, "grace", "demo-spanish",
                                              "dependent-adult", "PX-1", NULL,
                                              alta_test_store_result_cb, &granted);
  g_assert_true (alta_portal_client_staff_grant_proxy_finish (fixture->client,
                                                              wait_result (&granted), &error));
  g_assert_no_error (error);
  alta_portal_client_staff_grant_proxy_async (fixture->client, "daniel", "demo-spanish", "child",
                                              "PX-2", NULL, alta_test_store_result_cb, &refused);
  g_assert_false (alta_portal_client_staff_grant_proxy_finish (fixture->client,
                                                               wait_result (&refused), &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/staff/patients/find", Fixture, NULL, fixture_set_up, test_find_patients,
              fixture_tear_down);
  g_test_add ("/staff/typed-calls", Fixture, NULL, fixture_set_up, test_typed_calls,
              fixture_tear_down);
  g_test_add ("/staff/activation-codes/issue", Fixture, NULL, fixture_set_up, test_issue_code,
              fixture_tear_down);
  g_test_add ("/staff/activation-codes/errors", Fixture, NULL, fixture_set_up,
              test_issue_code_errors, fixture_tear_down);
  g_test_add ("/staff/proxy-grants/rules", Fixture, NULL, fixture_set_up, test_proxy_grants,
              fixture_tear_down);
  g_test_add ("/staff/proxy-grants/ends-at-twelve", Fixture, NULL, fixture_set_up,
              test_proxy_ends_at_twelve, fixture_tear_down);
  g_test_add ("/staff/password-reset", Fixture, NULL, fixture_set_up, test_staff_password_reset,
              fixture_tear_down);
  g_test_add ("/staff/refuses-patients", Fixture, NULL, fixture_set_up, test_staff_only,
              fixture_tear_down);

  return g_test_run ();
}
