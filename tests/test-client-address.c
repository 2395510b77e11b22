/* test-client-address.c: the client's address behind the clinic's proxies, and the
 * configuration that names them
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "alta-client-address.h"
#include "alta-config.h"

static char *
resolve (const char *peer,
         const char *forwarded_for,
         GPtrArray  *trusted)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (peer);

  g_assert_nonnull (address);
  return alta_client_address_resolve (address, forwarded_for, trusted);
}

static void
test_resolve (void)
{
  const char *proxies[] = { "10.0.0.0/8", "127.0.0.1", "fd00::/8", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) trusted = alta_client_address_parse_proxies (proxies, &error);
  const struct { const char *peer, *forwarded_for, *client; } cases[] = {
    /* Not a trusted peer: its header is its own say-so */
    { "198.51.100.7", "203.0.113.9", "198.51.100.7" },
    { "198.51.100.7", NULL, "198.51.100.7" },
    /* A trusted peer: the right-most hop that is not ours */
    { "127.0.0.1", "203.0.113.9", "203.0.113.9" },
    { "127.0.0.1", "192.0.2.1, 203.0.113.9", "203.0.113.9" },
    { "127.0.0.1", "192.0.2.1, 203.0.113.9, 10.1.2.3", "203.0.113.9" },
    { "127.0.0.1", "203.0.113.9,10.1.2.3 , 10.4.5.6", "203.0.113.9" },
    { "::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9" },
    { "fd00::1", "[2001:db8::5]:4431", "2001:db8::5" },
    { "127.0.0.1", "203.0.113.9:55123", "203.0.113.9" },
    { "127.0.0.1", "::ffff:203.0.113.9", "203.0.113.9" },
    /* Every hop ours: the left-most */
    { "127.0.0.1", "10.9.9.9, 10.1.1.1", "10.9.9.9" },
    /* A hop that does not parse ends the walk at the trusted hop to its right */
    { "127.0.0.1", "203.0.113.9, unknown, 10.1.1.1", "10.1.1.1" },
    { "127.0.0.1", "garbage", "127.0.0.1" },
    { "127.0.0.1", "", "127.0.0.1" },
    { "127.0.0.1", NULL, "127.0.0.1" },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *client = resolve (cases[i].peer, cases[i].forwarded_for, trusted);

      g_test_message ("%s: %s", cases[i].peer, cases[i].forwarded_for);
      g_assert_cmpstr (client, ==, cases[i].client);
    }

  /* Nothing trusted: the header never counts */
  {
    g_autofree char *client = resolve ("127.0.0.1", "203.0.113.9", NULL);

    g_assert_cmpstr (client, ==, "127.0.0.1");
  }
}

static AltaConfig *
load (const char  *text,
      GError     **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("alta-config-XXXXXX.conf", &path, NULL);
  AltaConfig *config;

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  config = alta_config_load (path, error);
  g_unlink (path);
  return config;
}

static void
test_config (void)
{
  const char *bad[] = {
    "[server]\npublic_url=portal.clinic.example\n",
    "[server]\npublic_url=ftp://portal.clinic.example\n",
    "[server]\npublic_url=https://portal.clinic.example/?x=1\n",
    "[server]\npublic_url=https://user@portal.clinic.example\n",
    "[server]\npublic_url=https://\n",
    "[server]\ntrusted_proxies=10.0.0.0/33\n",
    "[server]\ntrusted_proxies=127.0.0.1;proxy.clinic.example\n",
  };

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AltaConfig) config = load ("[server]\npublic_url=https://portal.clinic.example/my/\n"
                                          "trusted_proxies=127.0.0.1; 10.0.0.0/8,fd00::/8\n",
                                          &error);

    g_assert_no_error (error);
    g_assert_cmpstr (config->public_url, ==, "https://portal.clinic.example/my");
    g_assert_cmpuint (g_strv_length (config->trusted_proxies), ==, 3);
    g_assert_cmpstr (config->trusted_proxies[2], ==, "fd00::/8");
  }

  {
    g_autoptr (AltaConfig) config = alta_config_new_default ();

    g_assert_null (config->public_url);
    g_assert_null (config->trusted_proxies);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaConfig) config = load (bad[i], &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (config);
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client-address/resolve", test_resolve);
  g_test_add_func ("/client-address/config", test_config);

  return g_test_run ();
}
