/* test-i18n.c: per-request languages and the .mo reader
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "alta-i18n.h"
#include "alta-portal-error.h"

static void
test_accept_language (void)
{
  g_assert_cmpstr (alta_i18n_language_from_header (NULL), ==, "en");
  g_assert_cmpstr (alta_i18n_language_from_header ("es"), ==, "es");
  g_assert_cmpstr (alta_i18n_language_from_header ("es-MX,es;q=0.9,en;q=0.8"), ==, "es");
  g_assert_cmpstr (alta_i18n_language_from_header ("en-US,en;q=0.9,es;q=0.5"), ==, "en");
  g_assert_cmpstr (alta_i18n_language_from_header ("fr-FR, es;q=0.4"), ==, "es");
  g_assert_cmpstr (alta_i18n_language_from_header ("fr-FR"), ==, "en");
  g_assert_cmpstr (alta_i18n_language_from_header ("esperanto"), ==, "en");
  g_assert_cmpstr (alta_i18n_language_from_header ("es;q=0"), ==, "en");
  /* Empty ranges, found by the fuzzer: they crashed the server once. */
  g_assert_cmpstr (alta_i18n_language_from_header ("es,"), ==, "es");
  g_assert_cmpstr (alta_i18n_language_from_header (",,;,"), ==, "en");
  g_assert_cmpstr (alta_i18n_language_from_header (""), ==, "en");
}

static void
test_spanish_catalog (void)
{
  const char *english = alta_portal_error_get_message (ALTA_PORTAL_ERROR_INVALID_CREDENTIALS);
  const char *spanish = alta_i18n_gettext ("es", english);

  g_assert_cmpstr (alta_i18n_gettext ("en", english), ==, english);
  g_assert_cmpstr (spanish, !=, english);
  g_assert_nonnull (strstr (spanish, "contraseña"));
}

static void
test_mo_garbage (void)
{
  g_autoptr (GError) error = NULL;
  guint8 garbage[64] = { 0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f };
  GHashTable *table;

  table = alta_i18n_parse_mo (garbage, sizeof garbage, &error);
  g_assert_null (table);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  g_clear_error (&error);
  table = alta_i18n_parse_mo (garbage, 3, &error);
  g_assert_null (table);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/i18n/accept-language", test_accept_language);
  g_test_add_func ("/i18n/spanish-catalog", test_spanish_catalog);
  g_test_add_func ("/i18n/mo-garbage", test_mo_garbage);

  return g_test_run ();
}
