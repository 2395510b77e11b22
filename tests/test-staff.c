/* test-staff.c: the staff routes of the enrollment station, over real HTTPS
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
test_patients_forbidden (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  response = alta_test_request (fixture->client, "GET", "/api/v1/staff/patients?family=Cruz",
                                NULL, ALTA_REQUEST_NONE);
  alta_assert_error (response, 403, "forbidden");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/staff/patients-forbidden", Fixture, NULL, fixture_set_up,
              test_patients_forbidden, fixture_tear_down);

  return g_test_run ();
}
