/* test-rules.c: the FAQ's rules
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-rules.h"

static GDate
date (const char *iso)
{
  GDate d;

  g_assert_true (alta_rules_parse_date (iso, &d));
  return d;
}

static void
test_parse_date (void)
{
  GDate d;

  g_assert_true (alta_rules_parse_date ("2024-02-29", &d));
  g_assert_false (alta_rules_parse_date ("2023-02-29", &d));
  g_assert_false (alta_rules_parse_date ("2024-13-01", &d));
  g_assert_false (alta_rules_parse_date ("2024-1-01", &d));
  g_assert_false (alta_rules_parse_date ("2024-01-01T00", &d));
  g_assert_false (alta_rules_parse_date ("", &d));
  g_assert_false (alta_rules_parse_date (NULL, &d));
  g_assert_false (alta_rules_parse_date ("1700-01-01", &d));
}

static void
test_age_birthdays (void)
{
  GDate birth = date ("2014-06-15");
  GDate day_before = date ("2026-06-14");
  GDate birthday = date ("2026-06-15");
  GDate leap = date ("2012-02-29");
  GDate feb28 = date ("2023-02-28");
  GDate mar1 = date ("2023-03-01");
  GDate before_birth = date ("2014-06-14");

  g_assert_cmpint (alta_rules_age_on (&birth, &day_before), ==, 11);
  g_assert_cmpint (alta_rules_age_on (&birth, &birthday), ==, 12);
  g_assert_cmpint (alta_rules_age_on (&leap, &feb28), ==, 10);
  g_assert_cmpint (alta_rules_age_on (&leap, &mar1), ==, 11);
  g_assert_cmpint (alta_rules_age_on (&birth, &before_birth), ==, -1);
}

static void
test_age_bands (void)
{
  g_assert_cmpint (alta_rules_age_band (0), ==, ALTA_AGE_BAND_CHILD);
  g_assert_cmpint (alta_rules_age_band (11), ==, ALTA_AGE_BAND_CHILD);
  g_assert_cmpint (alta_rules_age_band (12), ==, ALTA_AGE_BAND_ADOLESCENT);
  g_assert_cmpint (alta_rules_age_band (17), ==, ALTA_AGE_BAND_ADOLESCENT);
  g_assert_cmpint (alta_rules_age_band (18), ==, ALTA_AGE_BAND_ADULT);
}

static void
test_portal_access (void)
{
  GDate birth = date ("2014-06-15");
  GDate at_11 = date ("2026-06-14");
  GDate at_12 = date ("2026-06-15");
  GDate at_17 = date ("2032-06-14");
  GDate at_18 = date ("2032-06-15");

  g_assert_true (alta_rules_has_portal_access (&birth, &at_11));
  g_assert_false (alta_rules_has_portal_access (&birth, &at_12));
  g_assert_false (alta_rules_has_portal_access (&birth, &at_17));
  g_assert_true (alta_rules_has_portal_access (&birth, &at_18));
}

static void
test_proxy (void)
{
  GDate birth = date ("2014-06-15");
  GDate at_11y364d = date ("2026-06-14");
  GDate at_12 = date ("2026-06-15");
  GDate at_18 = date ("2032-06-15");

  g_assert_true (alta_rules_proxy_allowed (ALTA_RELATIONSHIP_CHILD, &birth, &at_11y364d));
  g_assert_false (alta_rules_proxy_allowed (ALTA_RELATIONSHIP_CHILD, &birth, &at_12));
  g_assert_false (alta_rules_proxy_allowed (ALTA_RELATIONSHIP_DEPENDENT_ADULT, &birth, &at_12));
  g_assert_false (alta_rules_proxy_allowed (ALTA_RELATIONSHIP_CHILD, &birth, &at_18));
  g_assert_true (alta_rules_proxy_allowed (ALTA_RELATIONSHIP_DEPENDENT_ADULT, &birth, &at_18));
  g_assert_false (alta_rules_proxy_allowed (ALTA_RELATIONSHIP_DEPENDENT_ADULT, &birth, &at_11y364d));
}

static void
test_relationship (void)
{
  AltaRelationship r;

  g_assert_true (alta_rules_parse_relationship ("child", &r));
  g_assert_cmpint (r, ==, ALTA_RELATIONSHIP_CHILD);
  g_assert_true (alta_rules_parse_relationship ("dependent-adult", &r));
  g_assert_cmpstr (alta_rules_relationship_to_string (r), ==, "dependent-adult");
  g_assert_false (alta_rules_parse_relationship ("cousin", &r));
  g_assert_false (alta_rules_parse_relationship (NULL, &r));
}

static void
test_password_policy (void)
{
  g_assert_cmpuint (alta_rules_get_common_password_count (), >=, 10000);

  g_assert_cmpint (alta_rules_check_password ("short1!", "ana"), ==, ALTA_PASSWORD_TOO_SHORT);
  g_assert_cmpint (alta_rules_check_password ("password", "ana"), ==, ALTA_PASSWORD_COMMON);
  g_assert_cmpint (alta_rules_check_password ("PassWord1", "ana"), ==, ALTA_PASSWORD_COMMON);
  g_assert_cmpint (alta_rules_check_password ("qwertyuiop", "ana"), ==, ALTA_PASSWORD_COMMON);
  g_assert_cmpint (alta_rules_check_password ("Grace-Orchard-9", "grace"), ==,
                   ALTA_PASSWORD_MATCHES_USERNAME);
  g_assert_cmpint (alta_rules_check_password ("Orchard-Lantern-42", "grace"), ==, ALTA_PASSWORD_OK);
  /* Eight characters, counted as characters and not bytes. */
  g_assert_cmpint (alta_rules_check_password ("ñandú-ñu", "ana"), ==, ALTA_PASSWORD_OK);
  g_assert_cmpint (alta_rules_check_password ("ñandúñu", "ana"), ==, ALTA_PASSWORD_TOO_SHORT);

  /* The username part alone, as Preferences marks it while a short password is typed */
  g_assert_true (alta_rules_password_contains_username ("Grace1", "grace"));
  g_assert_true (alta_rules_password_contains_username ("xGRACEx", "grace"));
  g_assert_false (alta_rules_password_contains_username ("Orchard-Lantern-42", "grace"));
  g_assert_false (alta_rules_password_contains_username ("grace", NULL));
  g_assert_false (alta_rules_password_contains_username ("grace", ""));
}

static void
test_password_too_long (void)
{
  g_autofree char *long_password = g_strnfill (129, 'x');

  g_assert_cmpint (alta_rules_check_password (long_password, "ana"), ==, ALTA_PASSWORD_TOO_LONG);
}

static void
test_activation_code_format (void)
{
  g_autofree char *normalized = alta_rules_normalize_activation_code ("acdef-ghjk3");
  g_autofree char *spaced = alta_rules_normalize_activation_code (" ACDEF GHJK3 ");
  g_autofree char *formatted = alta_rules_format_activation_code ("ACDEFGHJK3");
  g_autofree char *lookalike = alta_rules_normalize_activation_code ("ACDEF-GHJK0");
  g_autofree char *too_short = alta_rules_normalize_activation_code ("ACDEF-GHJK");
  g_autofree char *too_long = alta_rules_normalize_activation_code ("ACDEF-GHJK33");

  g_assert_cmpstr (normalized, ==, "ACDEFGHJK3");
  g_assert_cmpstr (spaced, ==, "ACDEFGHJK3");
  g_assert_cmpstr (formatted, ==, "ACDEF-GHJK3");
  g_assert_null (lookalike);
  g_assert_null (too_short);
  g_assert_null (too_long);

  /* No look-alike characters in the alphabet at all. */
  for (const char *c = "01IOLBSZ258UV"; *c != '\0'; c++)
    g_assert_null (strchr (ALTA_ACTIVATION_CODE_ALPHABET, *c));
}

static void
test_usernames_and_emails (void)
{
  g_assert_true (alta_rules_is_valid_username ("ana.garcia"));
  g_assert_true (alta_rules_is_valid_username ("ana@example.org"));
  g_assert_false (alta_rules_is_valid_username ("an"));
  g_assert_false (alta_rules_is_valid_username ("-ana"));
  g_assert_false (alta_rules_is_valid_username ("ana garcía"));
  g_assert_false (alta_rules_is_valid_username (NULL));

  g_assert_true (alta_rules_is_valid_email ("ana@example.org"));
  g_assert_false (alta_rules_is_valid_email ("ana@example"));
  g_assert_false (alta_rules_is_valid_email ("ana@@example.org"));
  g_assert_false (alta_rules_is_valid_email ("@example.org"));
  g_assert_false (alta_rules_is_valid_email ("ana example@example.org"));
  g_assert_false (alta_rules_is_valid_email ("ana@example.org\r\nBcc: x@y.z"));

  g_assert_true (alta_rules_is_valid_language ("es"));
  g_assert_false (alta_rules_is_valid_language ("fr"));
}

static void
test_name_search (void)
{
  g_autofree char *folded = alta_rules_fold_name ("Sofía HERNÁNDEZ Ruiz");

  g_assert_cmpstr (folded, ==, "sofia hernandez ruiz");

  /* Case and accents, either way round */
  g_assert_true (alta_rules_name_matches ("Sofía", "sofia"));
  g_assert_true (alta_rules_name_matches ("Sofia", "SOFÍA"));
  g_assert_true (alta_rules_name_matches ("Hernández Ruiz", "hernandez"));
  /* Decomposed input (an input method's "i" + combining acute) */
  g_assert_true (alta_rules_name_matches ("Sofía", "Sofi\xcc\x81" "a"));

  /* Any part of a compound surname, hyphenated or not; several words all must match */
  g_assert_true (alta_rules_name_matches ("Hernández Ruiz", "ruiz"));
  g_assert_true (alta_rules_name_matches ("García-López", "lopez"));
  g_assert_true (alta_rules_name_matches ("Hernández Ruiz", "ruiz hernandez"));
  g_assert_false (alta_rules_name_matches ("Hernández Ruiz", "hernandez garcia"));

  /* Any one given name, by prefix */
  g_assert_true (alta_rules_name_matches ("Elisa Donetta", "Elisa"));
  g_assert_true (alta_rules_name_matches ("Elisa Donetta", "don"));
  g_assert_true (alta_rules_name_matches ("Sofía", "sof"));
  g_assert_false (alta_rules_name_matches ("Sofía", "ofia"));
  g_assert_false (alta_rules_name_matches ("Elisa Donetta", "Elisabeth"));

  /* No words match everything; a name without the word does not */
  g_assert_true (alta_rules_name_matches ("Grace", NULL));
  g_assert_true (alta_rules_name_matches ("Grace", "  "));
  g_assert_false (alta_rules_name_matches (NULL, "grace"));
  g_assert_false (alta_rules_name_matches ("Grace", "\xff"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules/date/parse", test_parse_date);
  g_test_add_func ("/rules/age/birthdays", test_age_birthdays);
  g_test_add_func ("/rules/age/bands", test_age_bands);
  g_test_add_func ("/rules/access/12-17", test_portal_access);
  g_test_add_func ("/rules/proxy/age-rules", test_proxy);
  g_test_add_func ("/rules/proxy/relationship", test_relationship);
  g_test_add_func ("/rules/password/policy", test_password_policy);
  g_test_add_func ("/rules/password/too-long", test_password_too_long);
  g_test_add_func ("/rules/activation-code/format", test_activation_code_format);
  g_test_add_func ("/rules/usernames-and-emails", test_usernames_and_emails);
  g_test_add_func ("/rules/names/search", test_name_search);

  return g_test_run ();
}
