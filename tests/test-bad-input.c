/* test-bad-input.c: malformed requests get their contract errors and write nothing
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
test_unknown_route (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;

  response = alta_test_request (fixture->client, "GET", "/api/v1/no-such-thing", NULL,
                                ALTA_REQUEST_NONE);
  alta_assert_error (response, 404, "not_found");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/bad-input/unknown-route", Fixture, NULL, fixture_set_up, test_unknown_route,
              fixture_tear_down);

  return g_test_run ();
}
