/* test-enrollment.c: activation codes and enrollment, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/enrollment/activate/demo-code", Fixture, NULL, fixture_set_up,
              test_activate_demo_code, fixture_tear_down);

  return g_test_run ();
}
