/* test-enrollment-input.c: what enrolling reads from what a patient types (the activation
 * code, the date of birth, a pasted reset code), and what it says of each refusal, in
 * English and in Spanish
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "alta-enrollment.h"
#include "alta-portal-error.h"

static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_MESSAGES, "");
}

static void
check_code (const char *typed,
            const char *expected)
{
  g_autofree char *code = alta_enrollment_normalize_code (typed);

  g_assert_cmpstr (code, ==, expected);
}

static void
test_code (void)
{
  /* As the mail writes it, and as people type it */
  check_code ("ACDEF-GHJKM", "ACDEFGHJKM");
  check_code ("acdef-ghjkm", "ACDEFGHJKM");
  check_code ("acdef ghjkm", "ACDEFGHJKM");
  check_code ("  AcDeF  gHjKm \n", "ACDEFGHJKM");
  check_code ("a-c-d-e-f-g-h-j-k-m", "ACDEFGHJKM");
  check_code ("-ACDEFGHJKM-", "ACDEFGHJKM");
  check_code ("ACDEF\tGHJKM", "ACDEFGHJKM");
  /* Other dashes a keyboard or a word processor makes: en dash, em dash, minus, no-break
   * hyphen; a no-break space */
  check_code ("ACDEF\u2013GHJKM", "ACDEFGHJKM");
  check_code ("ACDEF\u2014GHJKM", "ACDEFGHJKM");
  check_code ("ACDEF\u2212GHJKM", "ACDEFGHJKM");
  check_code ("ACDEF\u2011GHJKM", "ACDEFGHJKM");
  check_code ("ACDEF\u00a0GHJKM", "ACDEFGHJKM");
  /* Full-width letters and digits */
  check_code ("\uff21\uff23\uff24\uff25\uff26-\uff27\uff28\uff2a\uff2b\uff2d", "ACDEFGHJKM");
  check_code ("34679-ACDEF", "34679ACDEF");

  /* Not codes: too short, too long, a character no code has (O, 0, I, 1, S, 5…), nothing */
  check_code ("ACDEF-GHJK", NULL);
  check_code ("ACDEF-GHJKMN", NULL);
  check_code ("ACDEF-GHJK0", NULL);
  check_code ("OCDEF-GHJKM", NULL);
  check_code ("ACDEF_GHJKM", NULL);
  check_code ("ACDEF\u00e9GHJKM", NULL);
  check_code ("", NULL);
  check_code ("   ", NULL);
  check_code (NULL, NULL);
  check_code ("\xff\xfe", NULL);
}

static void
check_date (const char *typed,
            const char *expected)
{
  g_autoptr (GDate) today = g_date_new_dmy (3, G_DATE_DECEMBER, 2026);
  g_autofree char *date = alta_enrollment_parse_birth_date (typed, today);

  g_assert_cmpstr (date, ==, expected);
}

static void
test_birth_date (void)
{
  check_date ("1984-07-23", "1984-07-23");
  check_date ("19840723", "1984-07-23");
  check_date ("1984 7 23", "1984-07-23");
  check_date ("1984/07/23", "1984-07-23");
  check_date ("1984.7.3", "1984-07-03");
  check_date (" 1984-07-23 ", "1984-07-23");
  check_date ("2000-02-29", "2000-02-29");
  check_date ("2026-12-03", "2026-12-03");

  /* The year last is not read: 03/04/1984 is March 4 in English and 3 April in Spanish */
  check_date ("07/23/1984", NULL);
  check_date ("23-07-1984", NULL);
  check_date ("03041984", NULL);
  /* Not a day */
  check_date ("1984-13-01", NULL);
  check_date ("1984-02-30", NULL);
  check_date ("1900-02-29", NULL);
  check_date ("1984-00-10", NULL);
  check_date ("1984-07", NULL);
  check_date ("1984--07-23", NULL);
  check_date ("1984-07-23-1", NULL);
  check_date ("84-07-23", NULL);
  check_date ("1984-007-23", NULL);
  check_date ("1984-07-2x", NULL);
  /* Before 1900, or after today */
  check_date ("1899-12-31", NULL);
  check_date ("2026-12-04", NULL);
  check_date ("", NULL);
  check_date (NULL, NULL);
}

static void
test_token (void)
{
  g_autofree char *pasted = alta_enrollment_normalize_token ("  abc-DEF_123\r\n");
  g_autofree char *split = alta_enrollment_normalize_token ("abc\ndef");
  g_autofree char *empty = alta_enrollment_normalize_token (" \n ");

  g_assert_cmpstr (pasted, ==, "abc-DEF_123");
  g_assert_cmpstr (split, ==, "abcdef");
  g_assert_null (empty);
}

/* Every refusal, in both languages, says something of its own and gives the support line */
static void
test_messages (void)
{
  const AltaPortalError codes[] = {
    ALTA_PORTAL_ERROR_CODE_INVALID, ALTA_PORTAL_ERROR_CODE_USED,
    ALTA_PORTAL_ERROR_CODE_EXPIRED, ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS,
    ALTA_PORTAL_ERROR_USERNAME_TAKEN, ALTA_PORTAL_ERROR_WEAK_PASSWORD,
    ALTA_PORTAL_ERROR_INVALID_REQUEST, ALTA_PORTAL_ERROR_RATE_LIMITED,
    ALTA_PORTAL_ERROR_NETWORK, ALTA_PORTAL_ERROR_INTERNAL, ALTA_PORTAL_ERROR_TOKEN_INVALID,
    ALTA_PORTAL_ERROR_TOKEN_EXPIRED,
  };
  const char *languages[] = { "en", "es" };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      use_language (languages[l]);
      for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
        {
          g_autoptr (GError) error = g_error_new_literal (ALTA_PORTAL_ERROR, codes[i], "x");
          char *message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_ACTIVATE, error);

          g_assert_nonnull (strstr (message, ALTA_SUPPORT_NUMBER));
          g_assert_null (strstr (message, "%s"));
          g_assert_false (g_hash_table_contains (seen, message));
          g_hash_table_add (seen, message);
        }
    }

  /* In Spanish, in Spanish */
  {
    g_autoptr (GError) error = g_error_new_literal (ALTA_PORTAL_ERROR,
                                                    ALTA_PORTAL_ERROR_CODE_EXPIRED, "x");
    g_autofree char *message = NULL;

    use_language ("es");
    message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_ACTIVATE, error);
    g_assert_nonnull (strstr (message, "14 días"));
    use_language ("en");
    g_clear_pointer (&message, g_free);
    message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_ACTIVATE, error);
    g_assert_nonnull (strstr (message, "14 days"));
  }
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("MYALTAMED_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/enrollment-input/code", test_code);
  g_test_add_func ("/enrollment-input/birth-date", test_birth_date);
  g_test_add_func ("/enrollment-input/token", test_token);
  g_test_add_func ("/enrollment-input/messages", test_messages);

  return g_test_run ();
}
