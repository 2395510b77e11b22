/* test-accounts.c: sign-in, sessions, lockout and the signed-in account, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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

  alta_portal_client_set_access_token (fixture->client,
                                       json_object_get_string_member (body, "access_token"));
  me = alta_test_request (fixture->client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (me, 200);
  g_assert_cmpstr (alta_test_response_string (me, "username"), ==, "daniel");
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/accounts/info", Fixture, NULL, fixture_set_up, test_info, fixture_tear_down);
  g_test_add ("/accounts/sign-in/success", Fixture, NULL, fixture_set_up, test_sign_in_success,
              fixture_tear_down);
  g_test_add ("/accounts/sign-in/wrong-password", Fixture, NULL, fixture_set_up,
              test_sign_in_wrong_password, fixture_tear_down);

  return g_test_run ();
}
