/* test-crash.c: a server killed in the middle of writes restarts consistent
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "alta-test-server.h"

static void
test_restart_after_sigterm (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo (NULL);
  g_autoptr (AltaPortalClient) client = NULL;

  alta_test_server_stop (server);
  alta_test_server_start (server);

  client = alta_test_server_new_client (server);
  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crash/restart-after-sigterm", test_restart_after_sigterm);

  return g_test_run ();
}
