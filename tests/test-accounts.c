/* test-accounts.c: sign-in, sessions, lockout and the signed-in account, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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
test_info (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;
  JsonObject *info;

  response = alta_test_request (fixture->client, "GET", "/api/v1/info", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (response, 200);
  g_assert_nonnull (alta_portal_response_get_request_id (response));

  info = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (info, "support_phone"), ==, "(844) 498-3446");
  g_assert_cmpstr (json_object_get_string_member (info, "service_center_phone"), ==, "(888) 499-9303");
  g_assert_cmpint (json_object_get_int_member (info, "idle_timeout_s"), ==, 900);
  g_assert_cmpint (json_object_get_int_member (info, "activation_code_ttl_days"), ==, 14);
  g_assert_cmpstr (json_object_get_string_member (info, "fhir_base"), ==, "/fhir/R4");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (info, "languages")), ==, 2);
}

static void
test_sign_in_success (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaPortalResponse) me = NULL;
  JsonObject *body, *account;
  JsonArray *records;

  response = alta_test_request (fixture->client, "POST", "/api/v1/sessions",
                                "{\"username\":\"daniel\",\"password\":\"Harbor-Kite-1988\"}",
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 201);
  body = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (body, "token_type"), ==, "Bearer");
  g_assert_cmpint (strlen (json_object_get_string_member (body, "access_token")), ==, 43);
  g_assert_cmpint (json_object_get_int_member (body, "idle_timeout_s"), ==, 900);
  g_assert_nonnull (json_object_get_string_member (body, "expires_at"));

  account = json_object_get_object_member (body, "account");
  g_assert_cmpstr (json_object_get_string_member (account, "username"), ==, "daniel");
  g_assert_cmpstr (json_object_get_string_member (account, "role"), ==, "patient");
  records = json_object_get_array_member (account, "records");
  g_assert_cmpint (json_array_get_length (records), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0),
                                                  "relationship"), ==, "self");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 1),
                                                  "relationship"), ==, "child");
  /* Each record's gender, for "your son" */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0),
                                                  "gender"), ==, "male");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 1),
                                                  "gender"), ==, "male");

  alta_portal_client_set_access_token (fixture->client,
                                       json_object_get_string_member (body, "access_token"));
  me = alta_test_request (fixture->client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (me, 200);
  g_assert_cmpstr (alta_test_response_string (me, "username"), ==, "daniel");
  records = json_object_get_array_member (alta_test_response_object (me), "records");
  g_assert_cmpint (json_array_get_length (records), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 1),
                                                  "name"), ==, "Mateo Reyes");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 1),
                                                  "gender"), ==, "male");
}

/* Signs @client in as @username; returns the answer's previous_sign_in_at (NULL when null)
 * and, in @out_signed_in_at, the time of this sign-in as the portal wrote it */
static char *
sign_in_previous (AltaPortalClient  *client,
                  const char        *username,
                  const char        *password,
                  char             **out_signed_in_at)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GDateTime) expires = NULL;
  g_autoptr (GDateTime) signed_in = NULL;
  JsonObject *reply, *account;
  JsonNode *previous, *in_account;

  response = alta_test_request (client, "POST", "/api/v1/sessions", body, ALTA_REQUEST_NO_AUTH);
  alta_assert_status (response, 201);
  reply = alta_test_response_object (response);
  alta_portal_client_set_access_token (client, json_object_get_string_member (reply, "access_token"));

  /* Sessions last twelve hours from their sign-in */
  expires = g_date_time_new_from_iso8601 (json_object_get_string_member (reply, "expires_at"), NULL);
  g_assert_nonnull (expires);
  signed_in = g_date_time_add_hours (expires, -12);
  *out_signed_in_at = g_date_time_format (signed_in, "%Y-%m-%dT%H:%M:%SZ");

  /* The same time beside the account and in it, where GET /me has it too */
  account = json_object_get_object_member (reply, "account");
  previous = json_object_get_member (reply, "previous_sign_in_at");
  in_account = json_object_get_member (account, "previous_sign_in_at");
  g_assert_nonnull (previous);
  g_assert_nonnull (in_account);
  g_assert_true (json_node_equal (previous, in_account));
  if (JSON_NODE_HOLDS_NULL (previous))
    return NULL;

  return g_strdup (json_node_get_string (previous));
}

/* GET /me's previous_sign_in_at, or NULL when null */
static char *
me_previous (AltaPortalClient *client)
{
  g_autoptr (AltaPortalResponse) me = NULL;
  JsonNode *previous;

  me = alta_test_request (client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (me, 200);
  previous = json_object_get_member (alta_test_response_object (me), "previous_sign_in_at");
  g_assert_nonnull (previous);
  if (JSON_NODE_HOLDS_NULL (previous))
    return NULL;

  return g_strdup (json_node_get_string (previous));
}

/* "New since your last visit" is the portal's: each sign-in answers with the account's
 * sign-in before it, and each session keeps its own, whichever computer signs in next. */
static void
test_sign_in_previous (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) other = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalClient) third = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalClient) parent = alta_test_server_new_client (fixture->server);
  g_autofree char *first_at = NULL, *second_at = NULL, *third_at = NULL, *daniel_at = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *first_me = NULL, *second_me = NULL, *later_me = NULL;

  /* A first sign-in has none */
  previous = sign_in_previous (fixture->client, "grace", "Orchard-Lantern-42", &first_at);
  g_assert_null (previous);
  first_me = me_previous (fixture->client);
  g_assert_null (first_me);

  /* Three days later, on another computer: the first one */
  alta_test_server_move_clock (fixture->server, 3 * 24 * 3600);
  g_clear_pointer (&previous, g_free);
  previous = sign_in_previous (other, "grace", "Orchard-Lantern-42", &second_at);
  g_assert_cmpstr (previous, ==, first_at);
  second_me = me_previous (other);
  g_assert_cmpstr (second_me, ==, first_at);
  g_assert_cmpstr (second_at, !=, first_at);

  /* A third sign-in gets the second; the second session still reads its own */
  alta_test_server_move_clock (fixture->server, 90);
  g_clear_pointer (&previous, g_free);
  previous = sign_in_previous (third, "grace", "Orchard-Lantern-42", &third_at);
  g_assert_cmpstr (previous, ==, second_at);
  later_me = me_previous (other);
  g_assert_cmpstr (later_me, ==, first_at);

  /* Another account's sign-ins are its own */
  g_clear_pointer (&previous, g_free);
  previous = sign_in_previous (parent, "daniel", "Harbor-Kite-1988", &daniel_at);
  g_assert_null (previous);

  /* A wrong password is no sign-in */
  {
    g_autoptr (AltaPortalResponse) wrong = NULL;
    g_autofree char *after_wrong = NULL;
    g_autofree char *fourth_at = NULL;

    alta_test_server_move_clock (fixture->server, 90);
    wrong = alta_test_request (fixture->client, "POST", "/api/v1/sessions",
                               "{\"username\":\"grace\",\"password\":\"not-hers-at-all\"}",
                               ALTA_REQUEST_NO_AUTH);
    alta_assert_error (wrong, 401, "invalid_credentials");
    after_wrong = sign_in_previous (fixture->client, "grace", "Orchard-Lantern-42", &fourth_at);
    g_assert_cmpstr (after_wrong, ==, third_at);
  }
}

static void
test_sign_in_wrong_password (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) wrong = NULL;
  g_autoptr (AltaPortalResponse) unknown = NULL;

  wrong = alta_test_request (fixture->client, "POST", "/api/v1/sessions",
                             "{\"username\":\"grace\",\"password\":\"not-her-password\"}",
                             ALTA_REQUEST_NONE);
  alta_assert_error (wrong, 401, "invalid_credentials");

  unknown = alta_test_request (fixture->client, "POST", "/api/v1/sessions",
                               "{\"username\":\"nobody-here\",\"password\":\"not-her-password\"}",
                               ALTA_REQUEST_NONE);
  alta_assert_error (unknown, 401, "invalid_credentials");

  /* The same answer, word for word: nothing tells whether "nobody-here" exists. */
  g_assert_cmpstr (alta_test_response_string (wrong, "message"), ==,
                   alta_test_response_string (unknown, "message"));
}

static AltaPortalResponse *
sign_in (AltaPortalClient *client,
         const char       *username,
         const char       *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);

  return alta_test_request (client, "POST", "/api/v1/sessions", body, ALTA_REQUEST_NO_AUTH);
}

static AltaPortalResponse *
get_me (AltaPortalClient *client,
        AltaRequestFlags  flags)
{
  return alta_test_request (client, "GET", "/api/v1/me", NULL, flags);
}

static guint
count_audit (AltaTestServer *server,
             const char     *action,
             const char     *outcome)
{
  g_autofree char *audit = alta_test_server_admin (server, NULL, NULL, "audit", NULL);
  g_auto (GStrv) lines = g_strsplit (audit, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) == 6 && g_str_equal (fields[3], action) &&
          (outcome == NULL || g_str_equal (fields[5], outcome)))
        count++;
    }

  return count;
}

static void
test_sign_in_every_demo_patient (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  const struct {
    const char *username, *password, *language;
    guint records;
    const char *gender;   /* of the account's own record */
  } accounts[] = {
    { "grace", "Orchard-Lantern-42", "en", 1, "female" },
    { "sofia", "Girasol-Montana-7", "es", 1, "female" },
    { "daniel", "Harbor-Kite-1988", "en", 2, "male" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr (AltaPortalResponse) response = sign_in (fixture->client, accounts[i].username,
                                                         accounts[i].password);
      JsonObject *account, *own;

      alta_assert_status (response, 201);
      account = json_object_get_object_member (alta_test_response_object (response), "account");
      g_assert_cmpstr (json_object_get_string_member (account, "language"), ==, accounts[i].language);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (account, "records")), ==,
                        accounts[i].records);
      own = json_array_get_object_element (json_object_get_array_member (account, "records"), 0);
      g_assert_cmpstr (json_object_get_string_member (own, "gender"), ==, accounts[i].gender);
    }
}

static void
test_sign_in_teen (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) right = sign_in (fixture->client, "lucas", "Skate-Comet-2011");
  g_autoptr (AltaPortalResponse) wrong = sign_in (fixture->client, "lucas", "Skate-Comet-2012");

  /* The age rule is told only to someone who knows the password. */
  alta_assert_error (right, 403, "no_portal_access");
  alta_assert_error (wrong, 401, "invalid_credentials");
}

static void
test_lockout (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) locked = NULL;
  g_autoptr (AltaPortalResponse) still_locked = NULL;
  g_autoptr (AltaPortalResponse) unlocked = NULL;
  const char *retry_after;

  for (int i = 0; i < 5; i++)
    {
      g_autoptr (AltaPortalResponse) wrong = sign_in (fixture->client, "grace", "Wrong-Password-1");

      alta_assert_error (wrong, 401, "invalid_credentials");
    }

  /* Even the right password is refused while the lock lasts. */
  locked = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_error (locked, 423, "account_locked");
  retry_after = alta_portal_response_get_header (locked, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), >, 14 * 60);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), <=, 15 * 60);
  g_assert_cmpuint (count_audit (fixture->server, "account.lock", "success"), ==, 1);

  alta_test_server_move_clock (fixture->server, 14 * 60);
  still_locked = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_error (still_locked, 423, "account_locked");

  alta_test_server_move_clock (fixture->server, 61);
  unlocked = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_status (unlocked, 201);
}

static void
test_lockout_window (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;

  /* Four wrong passwords, then 15 minutes pass: the fifth does not lock. */
  for (int i = 0; i < 4; i++)
    {
      g_autoptr (AltaPortalResponse) wrong = sign_in (fixture->client, "grace", "Wrong-Password-1");

      alta_assert_error (wrong, 401, "invalid_credentials");
    }

  alta_test_server_move_clock (fixture->server, 15 * 60);
  g_clear_object (&response);
  response = sign_in (fixture->client, "grace", "Wrong-Password-1");
  alta_assert_error (response, 401, "invalid_credentials");
  g_clear_object (&response);
  response = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_status (response, 201);
}

static void
test_lockout_unknown_user (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;

  /* An unknown username locks like a real one, so a lock tells nothing. */
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (AltaPortalResponse) wrong = sign_in (fixture->client, "nobody-at-all", "Wrong-Password-1");

      alta_assert_error (wrong, 401, "invalid_credentials");
    }

  response = sign_in (fixture->client, "nobody-at-all", "Wrong-Password-1");
  alta_assert_error (response, 423, "account_locked");
}

static void
test_admin_unlock (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) locked = NULL;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *output = NULL;
  int status;

  for (int i = 0; i < 5; i++)
    {
      g_autoptr (AltaPortalResponse) wrong = sign_in (fixture->client, "grace", "Wrong-Password-1");

      alta_assert_error (wrong, 401, "invalid_credentials");
    }
  locked = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_error (locked, 423, "account_locked");

  output = alta_test_server_admin (fixture->server, NULL, &status, "unlock", "--username", "Grace", NULL);
  g_assert_cmpint (status, ==, 0);

  response = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_status (response, 201);
}

static void
test_idle_end (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) before = NULL;
  g_autoptr (AltaPortalResponse) after = NULL;
  g_autoptr (AltaPortalResponse) later = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  alta_test_server_move_clock (fixture->server, 15 * 60 - 2);
  before = get_me (fixture->client, ALTA_REQUEST_NONE);
  alta_assert_status (before, 200);

  /* That request was activity: the limit counts from it. */
  alta_test_server_move_clock (fixture->server, 15 * 60 - 2);
  later = get_me (fixture->client, ALTA_REQUEST_NONE);
  alta_assert_status (later, 200);

  alta_test_server_move_clock (fixture->server, 15 * 60);
  after = get_me (fixture->client, ALTA_REQUEST_NONE);
  alta_assert_error (after, 401, "session_expired");
  g_assert_cmpuint (count_audit (fixture->server, "session.timeout", "success"), ==, 1);
}

static void
test_background_is_not_activity (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) expired = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  /* Fourteen minutes of the app refreshing on its own keep nobody signed in. */
  for (int minute = 0; minute < 14; minute++)
    {
      g_autoptr (AltaPortalResponse) refresh = NULL;

      alta_test_server_move_clock (fixture->server, 60);
      refresh = get_me (fixture->client, ALTA_REQUEST_BACKGROUND);
      alta_assert_status (refresh, 200);
    }

  alta_test_server_move_clock (fixture->server, 60);
  expired = get_me (fixture->client, ALTA_REQUEST_BACKGROUND);
  alta_assert_error (expired, 401, "session_expired");
}

/* The app's notifications poll the record's messages and reports as background requests:
 * a quarter of an hour of them, and the session has ended all the same. The same search
 * without the header keeps it alive. */
static void
test_background_poll_is_not_activity (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  const char *polls[] = {
    "/fhir/R4/Communication?patient=demo-adult&_sort=-sent&_count=200",
    "/fhir/R4/DiagnosticReport?patient=demo-adult&_sort=-date&_count=200",
  };
  g_autoptr (AltaPortalResponse) expired = NULL;
  g_autoptr (AltaPortalResponse) alive = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  for (int minute = 0; minute < 14; minute++)
    {
      alta_test_server_move_clock (fixture->server, 60);
      for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
        {
          g_autoptr (AltaPortalResponse) poll = NULL;

          poll = alta_test_request (fixture->client, "GET", polls[i], NULL,
                                    ALTA_REQUEST_BACKGROUND);
          alta_assert_status (poll, 200);
        }
    }
  alta_test_server_move_clock (fixture->server, 60);
  expired = alta_test_request (fixture->client, "GET", polls[0], NULL, ALTA_REQUEST_BACKGROUND);
  alta_assert_error (expired, 401, "session_expired");

  /* The same searches as the patient's own: each keeps the session going */
  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (AltaPortalResponse) search = NULL;

      alta_test_server_move_clock (fixture->server, 14 * 60);
      search = alta_test_request (fixture->client, "GET", polls[i % 2], NULL, ALTA_REQUEST_NONE);
      alta_assert_status (search, 200);
    }
  alta_test_server_move_clock (fixture->server, 14 * 60);
  alive = get_me (fixture->client, ALTA_REQUEST_BACKGROUND);
  alta_assert_status (alive, 200);
}

static void
test_keepalive (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) keepalive = NULL;
  g_autoptr (AltaPortalResponse) alive = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  /* "Stay signed in" a minute before the limit, even sent as background. */
  alta_test_server_move_clock (fixture->server, 14 * 60);
  keepalive = alta_test_request (fixture->client, "POST", "/api/v1/sessions/current/keepalive",
                                 NULL, ALTA_REQUEST_BACKGROUND);
  alta_assert_status (keepalive, 204);

  alta_test_server_move_clock (fixture->server, 14 * 60);
  alive = get_me (fixture->client, ALTA_REQUEST_BACKGROUND);
  alta_assert_status (alive, 200);
}

static void
test_absolute_end (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) expired = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  /* Active all day: every ten minutes for twelve hours. */
  for (int i = 0; i < 12 * 6 - 1; i++)
    {
      g_autoptr (AltaPortalResponse) me = NULL;

      alta_test_server_move_clock (fixture->server, 10 * 60);
      me = get_me (fixture->client, ALTA_REQUEST_NONE);
      alta_assert_status (me, 200);
    }

  alta_test_server_move_clock (fixture->server, 10 * 60);
  expired = get_me (fixture->client, ALTA_REQUEST_NONE);
  alta_assert_error (expired, 401, "session_expired");
}

static void
test_sign_out (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) sign_out = NULL;
  g_autoptr (AltaPortalResponse) after = NULL;
  g_autoptr (AltaPortalResponse) no_token = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  sign_out = alta_test_request (fixture->client, "DELETE", "/api/v1/sessions/current", NULL,
                                ALTA_REQUEST_NONE);
  alta_assert_status (sign_out, 204);

  after = get_me (fixture->client, ALTA_REQUEST_NONE);
  alta_assert_error (after, 401, "session_expired");

  no_token = get_me (fixture->client, ALTA_REQUEST_NO_AUTH);
  alta_assert_error (no_token, 401, "session_expired");
  g_assert_cmpuint (count_audit (fixture->server, "sign-out", "success"), ==, 1);
}

static void
test_patch_me (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) patched = NULL;
  g_autoptr (AltaPortalResponse) me = NULL;
  g_autofree char *old_email = NULL;
  JsonObject *account, *address;
  const char *no_password[] = {
    "{\"email\":\"thief@example.com\",\"phone\":\"(323) 555-0100\"}",
    "{\"email\":\"thief@example.com\",\"current_password\":\"Not-Her-Password\"}",
  };
  const struct { const char *body, *field; } bad[] = {
    { "{\"email\":\"not-an-address\"}", "email" },
    { "{\"phone\":\"call me maybe\"}", "phone" },
    { "{\"language\":\"fr\"}", "language" },
    { "{\"address\":{\"line\":[],\"city\":\"LA\",\"state\":\"CA\",\"postal_code\":\"90001\"}}", "address.line" },
    { "{\"address\":{\"line\":[\"1 Main St\"],\"state\":\"CA\",\"postal_code\":\"90001\"}}", "address.city" },
  };

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  me = get_me (fixture->client, ALTA_REQUEST_NONE);
  old_email = g_strdup (json_object_get_string_member (alta_test_response_object (me), "email"));
  g_clear_object (&me);
  g_assert_nonnull (old_email);
  alta_test_server_clear_outbox (fixture->server);

  /* A new email needs the current password: none, or a wrong one, changes nothing */
  for (guint i = 0; i < G_N_ELEMENTS (no_password); i++)
    {
      g_autoptr (AltaPortalResponse) refused = alta_test_request (fixture->client, "PATCH",
                                                                  "/api/v1/me", no_password[i],
                                                                  ALTA_REQUEST_NONE);

      alta_assert_error (refused, 401, "invalid_credentials");
    }
  me = get_me (fixture->client, ALTA_REQUEST_NONE);
  g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (me), "email"), ==,
                   old_email);
  g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (me), "phone"), !=,
                   "(323) 555-0100");
  g_clear_object (&me);
  g_assert_cmpuint (count_audit (fixture->server, "account.email-change", "no-password"), ==, 1);
  g_assert_cmpuint (count_audit (fixture->server, "account.email-change", "wrong-password"), ==, 1);

  patched = alta_test_request (fixture->client, "PATCH", "/api/v1/me",
                               "{\"email\":\"grace@example.net\",\"current_password\":\"Orchard-Lantern-42\","
                               "\"phone\":\"(323) 555-0199\","
                               "\"language\":\"es\",\"address\":{\"line\":[\"12 Elm St\",\"Apt 3\"],"
                               "\"city\":\"Los Angeles\",\"state\":\"CA\",\"postal_code\":\"90012\"}}",
                               ALTA_REQUEST_NONE);
  alta_assert_status (patched, 200);

  me = get_me (fixture->client, ALTA_REQUEST_NONE);
  account = alta_test_response_object (me);
  g_assert_cmpstr (json_object_get_string_member (account, "email"), ==, "grace@example.net");
  g_assert_cmpstr (json_object_get_string_member (account, "phone"), ==, "(323) 555-0199");
  g_assert_cmpstr (json_object_get_string_member (account, "language"), ==, "es");
  address = json_object_get_object_member (account, "address");
  g_assert_cmpstr (json_object_get_string_member (address, "city"), ==, "Los Angeles");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (address, "line")), ==, 2);

  /* The old address hears of it; the new one gets nothing */
  {
    g_autoptr (GPtrArray) mails = NULL;
    g_autofree char *to_old = g_strdup_printf ("To: %s", old_email);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    do
      {
        g_clear_pointer (&mails, g_ptr_array_unref);
        g_main_context_iteration (NULL, FALSE);
        mails = alta_test_server_read_outbox (fixture->server);
        if (mails->len == 0)
          g_usleep (20000);
      }
    while (mails->len == 0 && g_get_monotonic_time () < deadline);

    g_assert_cmpuint (mails->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (mails, 0), to_old));
    g_assert_nonnull (strstr (g_ptr_array_index (mails, 0), "email address was changed"));
    g_assert_null (strstr (g_ptr_array_index (mails, 0), "grace@example.net"));
  }

  /* The same address again, or another field alone, needs no password */
  {
    g_autoptr (AltaPortalResponse) same = alta_test_request (fixture->client, "PATCH", "/api/v1/me",
                                                             "{\"email\":\"Grace@Example.net\","
                                                             "\"language\":\"en\"}",
                                                             ALTA_REQUEST_NONE);

    alta_assert_status (same, 200);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (AltaPortalResponse) response = alta_test_request (fixture->client, "PATCH",
                                                                   "/api/v1/me", bad[i].body,
                                                                   ALTA_REQUEST_NONE);

      alta_assert_error (response, 422, "invalid_field");
      g_assert_cmpstr (alta_test_response_string (response, "field"), ==, bad[i].field);
    }
}

static void
test_change_password (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) other = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalResponse) wrong = NULL;
  g_autoptr (AltaPortalResponse) weak = NULL;
  g_autoptr (AltaPortalResponse) changed = NULL;
  g_autoptr (AltaPortalResponse) other_me = NULL;
  g_autoptr (AltaPortalResponse) this_me = NULL;
  g_autoptr (AltaPortalResponse) old_password = NULL;

  alta_test_sign_in (other, "grace", "Orchard-Lantern-42");
  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  wrong = alta_test_request (fixture->client, "POST", "/api/v1/me/password",
                             "{\"current_password\":\"Not-Her-Password\",\"new_password\":\"Maple-Harbor-77\"}",
                             ALTA_REQUEST_NONE);
  alta_assert_error (wrong, 401, "invalid_credentials");

  weak = alta_test_request (fixture->client, "POST", "/api/v1/me/password",
                            "{\"current_password\":\"Orchard-Lantern-42\",\"new_password\":\"password123\"}",
                            ALTA_REQUEST_NONE);
  alta_assert_error (weak, 422, "weak_password");

  changed = alta_test_request (fixture->client, "POST", "/api/v1/me/password",
                               "{\"current_password\":\"Orchard-Lantern-42\",\"new_password\":\"Maple-Harbor-77\"}",
                               ALTA_REQUEST_NONE);
  alta_assert_status (changed, 204);

  /* The other session ends; this one stays. */
  other_me = get_me (other, ALTA_REQUEST_NONE);
  alta_assert_error (other_me, 401, "session_expired");
  this_me = get_me (fixture->client, ALTA_REQUEST_NONE);
  alta_assert_status (this_me, 200);

  old_password = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_error (old_password, 401, "invalid_credentials");
  alta_test_sign_in (fixture->client, "grace", "Maple-Harbor-77");
  g_assert_cmpuint (count_audit (fixture->server, "password.change", "success"), ==, 1);
}

static void
test_weak_passwords (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *weak[] = { "short1!", "password123", "qwertyuiop", "my-grace-password" };

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");

  for (guint i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"current_password\":\"Orchard-Lantern-42\","
                                               "\"new_password\":\"%s\"}", weak[i]);
      g_autoptr (AltaPortalResponse) response = alta_test_request (fixture->client, "POST",
                                                                   "/api/v1/me/password", body,
                                                                   ALTA_REQUEST_NONE);

      alta_assert_error (response, 422, "weak_password");
    }
}

static char *
take_reset_token (AltaTestServer *server)
{
  g_autoptr (GPtrArray) mails = NULL;
  char *token = NULL;

  /* Delivery to the outbox follows the answer on the server's main loop. */
  for (int i = 0; i < 100 && token == NULL; i++)
    {
      g_clear_pointer (&mails, g_ptr_array_unref);
      mails = alta_test_server_read_outbox (server);
      for (guint j = 0; j < mails->len && token == NULL; j++)
        token = alta_test_find_reset_token (g_ptr_array_index (mails, j));
      if (token == NULL)
        g_usleep (20000);
    }

  g_assert_nonnull (token);
  alta_test_server_clear_outbox (server);
  return token;
}

static void
test_password_reset (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) signed_in = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalResponse) request = NULL;
  g_autoptr (AltaPortalResponse) weak = NULL;
  g_autoptr (AltaPortalResponse) confirm = NULL;
  g_autoptr (AltaPortalResponse) reuse = NULL;
  g_autoptr (AltaPortalResponse) old_session = NULL;
  g_autoptr (AltaPortalResponse) old_password = NULL;
  g_autofree char *token = NULL;
  g_autofree char *body = NULL;

  alta_test_sign_in (signed_in, "grace", "Orchard-Lantern-42");
  alta_test_server_clear_outbox (fixture->server);

  request = alta_test_request (fixture->client, "POST", "/api/v1/password-reset",
                               "{\"username\":\"grace\"}", ALTA_REQUEST_NONE);
  alta_assert_status (request, 202);
  token = take_reset_token (fixture->server);

  body = g_strdup_printf ("{\"token\":\"%s\",\"new_password\":\"password1\"}", token);
  weak = alta_test_request (fixture->client, "POST", "/api/v1/password-reset/confirm", body,
                            ALTA_REQUEST_NONE);
  alta_assert_error (weak, 422, "weak_password");

  g_free (body);
  body = g_strdup_printf ("{\"token\":\"%s\",\"new_password\":\"Maple-Harbor-77\"}", token);
  confirm = alta_test_request (fixture->client, "POST", "/api/v1/password-reset/confirm", body,
                               ALTA_REQUEST_NONE);
  alta_assert_status (confirm, 204);

  reuse = alta_test_request (fixture->client, "POST", "/api/v1/password-reset/confirm", body,
                             ALTA_REQUEST_NONE);
  alta_assert_error (reuse, 400, "token_invalid");

  /* Every session of the account ends. */
  old_session = get_me (signed_in, ALTA_REQUEST_NONE);
  alta_assert_error (old_session, 401, "session_expired");

  old_password = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_error (old_password, 401, "invalid_credentials");
  alta_test_sign_in (fixture->client, "grace", "Maple-Harbor-77");
}

static void
test_password_reset_by_email_and_expiry (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) request = NULL;
  g_autoptr (AltaPortalResponse) expired = NULL;
  g_autoptr (AltaPortalResponse) garbage = NULL;
  g_autofree char *token = NULL;
  g_autofree char *body = NULL;

  alta_test_server_clear_outbox (fixture->server);
  request = alta_test_request (fixture->client, "POST", "/api/v1/password-reset",
                               "{\"email\":\"Grace.Miller@example.org\"}", ALTA_REQUEST_NONE);
  alta_assert_status (request, 202);
  token = take_reset_token (fixture->server);

  alta_test_server_move_clock (fixture->server, 3600);
  body = g_strdup_printf ("{\"token\":\"%s\",\"new_password\":\"Maple-Harbor-77\"}", token);
  expired = alta_test_request (fixture->client, "POST", "/api/v1/password-reset/confirm", body,
                               ALTA_REQUEST_NONE);
  alta_assert_error (expired, 410, "token_expired");

  garbage = alta_test_request (fixture->client, "POST", "/api/v1/password-reset/confirm",
                               "{\"token\":\"not-a-token\",\"new_password\":\"Maple-Harbor-77\"}",
                               ALTA_REQUEST_NONE);
  alta_assert_error (garbage, 400, "token_invalid");
}

static void
test_password_reset_unknown (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) by_name = NULL;
  g_autoptr (AltaPortalResponse) by_email = NULL;
  g_autoptr (GPtrArray) mails = NULL;

  alta_test_server_clear_outbox (fixture->server);
  by_name = alta_test_request (fixture->client, "POST", "/api/v1/password-reset",
                               "{\"username\":\"nobody-at-all\"}", ALTA_REQUEST_NONE);
  by_email = alta_test_request (fixture->client, "POST", "/api/v1/password-reset",
                                "{\"email\":\"nobody@example.org\"}", ALTA_REQUEST_NONE);

  /* The same answer as for a real account, and no mail. */
  alta_assert_status (by_name, 202);
  alta_assert_status (by_email, 202);
  g_usleep (200000);
  mails = alta_test_server_read_outbox (fixture->server);
  g_assert_cmpuint (mails->len, ==, 0);
}

static void
test_spanish (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) english = NULL;
  g_autoptr (AltaPortalResponse) spanish = NULL;
  g_autoptr (AltaPortalResponse) request = NULL;
  g_autoptr (GPtrArray) mails = NULL;

  english = sign_in (fixture->client, "grace", "Wrong-Password-1");
  alta_portal_client_set_language (fixture->client, "es");
  spanish = sign_in (fixture->client, "grace", "Wrong-Password-1");

  g_assert_cmpstr (alta_test_response_string (english, "message"), ==,
                   "The username or password is not correct.");
  g_assert_cmpstr (alta_test_response_string (spanish, "message"), ==,
                   "El nombre de usuario o la contraseña no son correctos.");

  /* Mail goes in the account's language, whatever the request's. */
  alta_test_server_clear_outbox (fixture->server);
  alta_portal_client_set_language (fixture->client, "en");
  request = alta_test_request (fixture->client, "POST", "/api/v1/password-reset",
                               "{\"username\":\"sofia\"}", ALTA_REQUEST_NONE);
  alta_assert_status (request, 202);
  g_free (take_reset_token (fixture->server));
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) limited = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr (AltaPortalResponse) response = sign_in (fixture->client, "grace", "Orchard-Lantern-42");

      alta_assert_status (response, 201);
    }

  limited = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  alta_assert_error (limited, 429, "rate_limited");
  g_assert_nonnull (alta_portal_response_get_header (limited, "Retry-After"));
}

static void
test_no_secrets_in_audit (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  g_autofree char *audit = NULL;
  const char *token;

  alta_assert_status (response, 201);
  token = alta_test_response_string (response, "access_token");
  audit = alta_test_server_admin (fixture->server, NULL, NULL, "audit", NULL);

  g_assert_nonnull (strstr (audit, "sign-in"));
  g_assert_null (strstr (audit, token));
  g_assert_null (strstr (audit, "Orchard-Lantern-42"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/accounts/info", Fixture, NULL, fixture_set_up, test_info, fixture_tear_down);
  g_test_add ("/accounts/sign-in/success", Fixture, NULL, fixture_set_up, test_sign_in_success,
              fixture_tear_down);
  g_test_add ("/accounts/sign-in/previous", Fixture, NULL, fixture_set_up,
              test_sign_in_previous, fixture_tear_down);
  g_test_add ("/accounts/sign-in/wrong-password", Fixture, NULL, fixture_set_up,
              test_sign_in_wrong_password, fixture_tear_down);

  g_test_add ("/accounts/sign-in/every-demo-patient", Fixture, NULL, fixture_set_up,
              test_sign_in_every_demo_patient, fixture_tear_down);
  g_test_add ("/accounts/sign-in/12-17", Fixture, NULL, fixture_set_up, test_sign_in_teen,
              fixture_tear_down);
  g_test_add ("/accounts/lockout/five-wrong", Fixture, NULL, fixture_set_up, test_lockout,
              fixture_tear_down);
  g_test_add ("/accounts/lockout/window", Fixture, NULL, fixture_set_up, test_lockout_window,
              fixture_tear_down);
  g_test_add ("/accounts/lockout/unknown-user", Fixture, NULL, fixture_set_up,
              test_lockout_unknown_user, fixture_tear_down);
  g_test_add ("/accounts/lockout/admin-unlock", Fixture, NULL, fixture_set_up, test_admin_unlock,
              fixture_tear_down);
  g_test_add ("/accounts/session/idle-end", Fixture, NULL, fixture_set_up, test_idle_end,
              fixture_tear_down);
  g_test_add ("/accounts/session/background-is-not-activity", Fixture, NULL, fixture_set_up,
              test_background_is_not_activity, fixture_tear_down);
  g_test_add ("/accounts/session/background-poll-is-not-activity", Fixture, NULL,
              fixture_set_up, test_background_poll_is_not_activity, fixture_tear_down);
  g_test_add ("/accounts/session/keepalive", Fixture, NULL, fixture_set_up, test_keepalive,
              fixture_tear_down);
  g_test_add ("/accounts/session/absolute-end", Fixture, NULL, fixture_set_up, test_absolute_end,
              fixture_tear_down);
  g_test_add ("/accounts/session/sign-out", Fixture, NULL, fixture_set_up, test_sign_out,
              fixture_tear_down);
  g_test_add ("/accounts/me/patch", Fixture, NULL, fixture_set_up, test_patch_me,
              fixture_tear_down);
  g_test_add ("/accounts/password/change", Fixture, NULL, fixture_set_up, test_change_password,
              fixture_tear_down);
  g_test_add ("/accounts/password/weak", Fixture, NULL, fixture_set_up, test_weak_passwords,
              fixture_tear_down);
  g_test_add ("/accounts/password/reset", Fixture, NULL, fixture_set_up, test_password_reset,
              fixture_tear_down);
  g_test_add ("/accounts/password/reset-by-email-and-expiry", Fixture, NULL, fixture_set_up,
              test_password_reset_by_email_and_expiry, fixture_tear_down);
  g_test_add ("/accounts/password/reset-unknown", Fixture, NULL, fixture_set_up,
              test_password_reset_unknown, fixture_tear_down);
  g_test_add ("/accounts/spanish", Fixture, NULL, fixture_set_up, test_spanish,
              fixture_tear_down);
  g_test_add ("/accounts/rate-limit", Fixture, "[rate-limit]\nper_address_per_minute=3\n",
              fixture_set_up, test_rate_limit, fixture_tear_down);
  g_test_add ("/accounts/audit/no-secrets", Fixture, NULL, fixture_set_up,
              test_no_secrets_in_audit, fixture_tear_down);

  return g_test_run ();
}
