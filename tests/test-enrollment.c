/* test-enrollment.c: activation codes and enrollment, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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
test_activate_demo_code (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr (JsonObject) elena = alta_test_server_demo_account (fixture->server, "Elena");
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"activation_code\":\"%s\",\"birth_date\":\"%s\","
                          "\"username\":\"elena.cruz\",\"password\":\"Lavanda-Sendero-31\"}",
                          json_object_get_string_member (elena, "activation_code"),
                          json_object_get_string_member (elena, "birth_date"));
  response = alta_test_request (fixture->client, "POST", "/api/v1/enrollment/activate", body,
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 201);
  g_assert_cmpstr (alta_test_response_string (response, "username"), ==, "elena.cruz");

  /* "Your account will be immediately available to you." */
  alta_test_sign_in (fixture->client, "elena.cruz", "Lavanda-Sendero-31");
}

static char *
activate_body (const char *code,
               const char *birth_date,
               const char *username,
               const char *password)
{
  return g_strdup_printf ("{\"activation_code\":\"%s\",\"birth_date\":\"%s\","
                          "\"username\":\"%s\",\"password\":\"%s\"}",
                          code, birth_date, username, password);
}

static AltaPortalResponse *
activate (Fixture    *fixture,
          const char *code,
          const char *birth_date,
          const char *username,
          const char *password)
{
  g_autofree char *body = activate_body (code, birth_date, username, password);

  return alta_test_request (fixture->client, "POST", "/api/v1/enrollment/activate", body,
                            ALTA_REQUEST_NONE);
}

static JsonObject *
elena (Fixture *fixture)
{
  return alta_test_server_demo_account (fixture->server, "Elena");
}

static char *
wait_for_code (AltaTestServer *server,
               const char     *must_contain)
{
  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (server);

      for (guint j = 0; j < mails->len; j++)
        {
          const char *mail = g_ptr_array_index (mails, j);

          if (must_contain == NULL || strstr (mail, must_contain) != NULL)
            {
              char *code = alta_test_find_activation_code (mail);

              if (code != NULL)
                return code;
            }
        }
      g_usleep (20000);
    }

  g_error ("No activation code arrived in the outbox");
}

static guint
count_audit (AltaTestServer *server,
             const char     *action)
{
  g_autofree char *audit = alta_test_server_admin (server, NULL, NULL, "audit", NULL);
  g_auto (GStrv) lines = g_strsplit (audit, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) == 6 && g_str_equal (fields[3], action))
        count++;
    }

  return count;
}

static void
test_request_code_match (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr (JsonObject) patient = elena (fixture);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaPortalResponse) old = NULL;
  g_autoptr (AltaPortalResponse) fresh = NULL;
  g_autoptr (GPtrArray) mails = NULL;
  g_autofree char *body = NULL;
  g_autofree char *code = NULL;
  g_autofree char *decoded = NULL;
  const char *birth_date = json_object_get_string_member (patient, "birth_date");

  alta_test_server_clear_outbox (fixture->server);
  body = g_strdup_printf ("{\"given_name\":\"elena\",\"family_name\":\"CRUZ\",\"birth_date\":\"%s\","
                          "\"email\":\"Elena.Cruz@example.org\"}", birth_date);
  response = alta_test_request (fixture->client, "POST", "/api/v1/enrollment/request-code", body,
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 202);
  g_assert_cmpstr (alta_test_response_string (response, "status"), ==, "accepted");

  code = wait_for_code (fixture->server, NULL);
  mails = alta_test_server_read_outbox (fixture->server);
  g_assert_cmpuint (mails->len, ==, 1);
  decoded = alta_test_decode_quoted_printable (g_ptr_array_index (mails, 0));
  /* Elena reads Spanish. */
  g_assert_nonnull (strstr (decoded, "Content-Language: es"));
  g_assert_nonnull (strstr (decoded, "(844) 498-3446"));
  g_assert_nonnull (strstr (decoded, "To: elena.cruz@example.org"));

  /* The new code voids the demo's old one. */
  old = activate (fixture, json_object_get_string_member (patient, "activation_code"), birth_date,
                  "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_error (old, 400, "code_invalid");
  fresh = activate (fixture, code, birth_date, "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_status (fresh, 201);
}

static void
test_request_code_no_match (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr (JsonObject) patient = elena (fixture);
  g_autoptr (JsonObject) grace = alta_test_server_demo_account (fixture->server, "grace");
  g_autoptr (JsonObject) lucas = alta_test_server_demo_account (fixture->server, "lucas");
  g_autoptr (GPtrArray) mails = NULL;
  g_autofree char *wrong_email = NULL;
  g_autofree char *nobody = NULL;
  g_autofree char *has_account = NULL;
  g_autofree char *teen = NULL;
  const char *bodies[4];

  wrong_email = g_strdup_printf ("{\"given_name\":\"Elena\",\"family_name\":\"Cruz\",\"birth_date\":\"%s\","
                                 "\"email\":\"someone.else@example.org\"}",
                                 json_object_get_string_member (patient, "birth_date"));
  nobody = g_strdup ("{\"given_name\":\"No\",\"family_name\":\"Body\",\"birth_date\":\"1970-01-01\","
                     "\"email\":\"no.body@example.org\"}");
  has_account = g_strdup_printf ("{\"given_name\":\"Grace\",\"family_name\":\"Miller\",\"birth_date\":\"%s\","
                                 "\"email\":\"grace.miller@example.org\"}",
                                 json_object_get_string_member (grace, "birth_date"));
  teen = g_strdup_printf ("{\"given_name\":\"Lucas\",\"family_name\":\"Nguyen\",\"birth_date\":\"%s\","
                          "\"email\":\"lucas.nguyen@example.org\"}",
                          json_object_get_string_member (lucas, "birth_date"));
  bodies[0] = wrong_email;
  bodies[1] = nobody;
  bodies[2] = has_account;
  bodies[3] = teen;

  alta_test_server_clear_outbox (fixture->server);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (AltaPortalResponse) response = alta_test_request (fixture->client, "POST",
                                                                   "/api/v1/enrollment/request-code",
                                                                   bodies[i], ALTA_REQUEST_NONE);

      /* The same answer as a match: nothing tells who is a patient. */
      alta_assert_status (response, 202);
      g_assert_cmpstr (alta_test_response_string (response, "status"), ==, "accepted");
    }

  g_usleep (200000);
  mails = alta_test_server_read_outbox (fixture->server);
  g_assert_cmpuint (mails->len, ==, 0);
}

static void
test_activate_errors (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr (JsonObject) patient = elena (fixture);
  const char *code = json_object_get_string_member (patient, "activation_code");
  const char *birth_date = json_object_get_string_member (patient, "birth_date");
  g_autoptr (AltaPortalResponse) garbage = NULL;
  g_autoptr (AltaPortalResponse) unknown = NULL;
  g_autoptr (AltaPortalResponse) wrong_birthday = NULL;
  g_autoptr (AltaPortalResponse) taken = NULL;
  g_autoptr (AltaPortalResponse) weak = NULL;
  g_autoptr (AltaPortalResponse) success = NULL;
  g_autoptr (AltaPortalResponse) reuse = NULL;
  g_autofree char *spaced = NULL;

  garbage = activate (fixture, "hello", birth_date, "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_error (garbage, 400, "code_invalid");
  unknown = activate (fixture, "AAAAA-AAAAA", birth_date, "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_error (unknown, 400, "code_invalid");
  wrong_birthday = activate (fixture, code, "1990-01-01", "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_error (wrong_birthday, 400, "code_invalid");
  taken = activate (fixture, code, birth_date, "GRACE", "Lavanda-Sendero-31");
  alta_assert_error (taken, 409, "username_taken");
  weak = activate (fixture, code, birth_date, "elena.cruz", "password123");
  alta_assert_error (weak, 422, "weak_password");

  /* None of those used the code up. Typed in lower case with a space, it still works. */
  spaced = g_ascii_strdown (code, -1);
  spaced[5] = ' ';
  success = activate (fixture, spaced, birth_date, "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_status (success, 201);
  g_assert_cmpstr (alta_test_response_string (success, "patient_id"), ==, "demo-enroll");

  reuse = activate (fixture, code, birth_date, "elena.cruz2", "Lavanda-Sendero-31");
  alta_assert_error (reuse, 409, "code_used");
}

static void
test_code_expiry (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr (JsonObject) patient = elena (fixture);
  g_autoptr (AltaPortalResponse) response = NULL;
  gboolean expire = GPOINTER_TO_INT (user_data);

  /* Fourteen days less a minute: still good. Fourteen days and a second: gone. */
  alta_test_server_move_clock (fixture->server, expire ? 14 * 86400 + 1 : 14 * 86400 - 60);
  response = activate (fixture, json_object_get_string_member (patient, "activation_code"),
                       json_object_get_string_member (patient, "birth_date"),
                       "elena.cruz", "Lavanda-Sendero-31");
  if (expire)
    alta_assert_error (response, 410, "code_expired");
  else
    alta_assert_status (response, 201);
}

/* The expiry tests pass a flag, not extra configuration, as their data. */
static void
expiry_set_up (Fixture       *fixture,
               gconstpointer  user_data)
{
  fixture_set_up (fixture, NULL);
}

static void
test_teen_activation (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr (GDateTime) birth = g_date_time_add_years (tomorrow, -12);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *birth_date = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *issued = NULL;
  g_auto (GStrv) fields = NULL;
  int status;

  /* Eleven years and 364 days old today; twelve in two days. */
  birth_date = g_date_time_format (birth, "%Y-%m-%d");

  patient_id = alta_test_server_admin (fixture->server, NULL, &status, "add-patient",
                                       "--given", "Nina", "--family", "Ochoa",
                                       "--birth-date", birth_date,
                                       "--email", "nina.ochoa@example.org", NULL);
  g_assert_cmpint (status, ==, 0);
  g_strstrip (patient_id);

  issued = alta_test_server_admin (fixture->server, NULL, &status, "issue-code",
                                   "--patient-id", patient_id, "--verified", "photo-id", NULL);
  g_assert_cmpint (status, ==, 0);
  fields = g_strsplit (g_strstrip (issued), "\t", 2);

  alta_test_server_move_clock (fixture->server, 2 * 86400);
  response = activate (fixture, fields[0], birth_date, "nina.ochoa", "Lavanda-Sendero-31");
  alta_assert_error (response, 403, "no_portal_access");
}

typedef struct
{
  guint                pending;
  GPtrArray           *responses;
  AltaPortalClient    *client;
} Race;

static void
race_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr (GError) error = NULL;
  AltaPortalResponse *response;

  response = alta_portal_client_send_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  g_assert_no_error (error);
  g_ptr_array_add (race->responses, response);
  race->pending--;
}

static void
test_parallel_activations (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr (JsonObject) patient = elena (fixture);
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  Race race = { 0 };
  guint created = 0, used = 0;

  race.responses = g_ptr_array_new_with_free_func (g_object_unref);

  /* Twenty people (twenty connections) race with one code. */
  for (guint i = 0; i < 20; i++)
    {
      AltaPortalClient *client = alta_test_server_new_client (fixture->server);
      g_autofree char *username = g_strdup_printf ("racer%u", i);
      g_autofree char *body = activate_body (json_object_get_string_member (patient, "activation_code"),
                                             json_object_get_string_member (patient, "birth_date"),
                                             username, "Lavanda-Sendero-31");
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      g_ptr_array_add (clients, client);
      race.pending++;
      alta_portal_client_send_async (client, "POST", "/api/v1/enrollment/activate", bytes, NULL,
                                     ALTA_REQUEST_NONE, NULL, race_cb, &race);
    }

  while (race.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < race.responses->len; i++)
    {
      AltaPortalResponse *response = g_ptr_array_index (race.responses, i);

      if (alta_portal_response_get_status (response) == 201)
        created++;
      else
        {
          alta_assert_error (response, 409, "code_used");
          used++;
        }
    }

  g_assert_cmpuint (created, ==, 1);
  g_assert_cmpuint (used, ==, 19);
  g_ptr_array_unref (race.responses);
}

static void
test_audit_has_no_codes (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr (JsonObject) patient = elena (fixture);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *plain = NULL;
  const char *code = json_object_get_string_member (patient, "activation_code");

  response = activate (fixture, code, json_object_get_string_member (patient, "birth_date"),
                       "elena.cruz", "Lavanda-Sendero-31");
  alta_assert_status (response, 201);

  g_assert_cmpuint (count_audit (fixture->server, "code.issue"), ==, 1);
  g_assert_cmpuint (count_audit (fixture->server, "enrollment.activate"), ==, 1);

  audit = alta_test_server_admin (fixture->server, NULL, NULL, "audit", NULL);
  plain = g_strdup (code);
  plain[5] = '\0';
  g_assert_null (strstr (audit, code));
  g_assert_null (strstr (audit, plain));
  g_assert_null (strstr (audit, "Lavanda-Sendero-31"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/enrollment/activate/demo-code", Fixture, NULL, fixture_set_up,
              test_activate_demo_code, fixture_tear_down);

  g_test_add ("/enrollment/request-code/match", Fixture, NULL, fixture_set_up,
              test_request_code_match, fixture_tear_down);
  g_test_add ("/enrollment/request-code/no-match", Fixture, NULL, fixture_set_up,
              test_request_code_no_match, fixture_tear_down);
  g_test_add ("/enrollment/activate/errors", Fixture, NULL, fixture_set_up, test_activate_errors,
              fixture_tear_down);
  g_test_add ("/enrollment/activate/day-14", Fixture, GINT_TO_POINTER (FALSE), expiry_set_up,
              test_code_expiry, fixture_tear_down);
  g_test_add ("/enrollment/activate/day-15", Fixture, GINT_TO_POINTER (TRUE), expiry_set_up,
              test_code_expiry, fixture_tear_down);
  g_test_add ("/enrollment/activate/12-17", Fixture, NULL, fixture_set_up, test_teen_activation,
              fixture_tear_down);
  g_test_add ("/enrollment/activate/twenty-in-parallel", Fixture, NULL, fixture_set_up,
              test_parallel_activations, fixture_tear_down);
  g_test_add ("/enrollment/audit/no-codes", Fixture, NULL, fixture_set_up,
              test_audit_has_no_codes, fixture_tear_down);

  return g_test_run ();
}
