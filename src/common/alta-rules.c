/* alta-rules.c: the rules of the clinic's patient FAQ, in one place
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-rules"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "alta-common-resources.h"
#include "alta-rules.h"

#define COMMON_PASSWORDS_PATH "/net/myaltamed/MyAltaMed/common/common-passwords.txt"

/**
 * alta_rules_parse_date:
 * @iso_date: a calendar date, exactly `YYYY-MM-DD`
 * @out_date: (out): the parsed date
 *
 * Returns: %TRUE when @iso_date is a real date in that form
 */
gboolean
alta_rules_parse_date (const char *iso_date,
                       GDate      *out_date)
{
  guint year, month, day;

  g_return_val_if_fail (out_date != NULL, FALSE);

  if (iso_date == NULL || strlen (iso_date) != 10)
    return FALSE;

  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        {
          if (iso_date[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (iso_date[i]))
        return FALSE;
    }

  year = (guint)g_ascii_strtoull (iso_date, NULL, 10);
  month = (guint)g_ascii_strtoull (iso_date + 5, NULL, 10);
  day = (guint)g_ascii_strtoull (iso_date + 8, NULL, 10);

  if (year < 1850 || !g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year))
    return FALSE;

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
  return TRUE;
}

/**
 * alta_rules_age_on:
 * @birth_date: a date of birth
 * @today: the day the age is computed on
 *
 * Ages change on the birthday itself; someone born on 29 February turns a year older on
 * 1 March in common years.
 *
 * Returns: the age in whole years, or -1 when @today is before @birth_date
 */
int
alta_rules_age_on (const GDate *birth_date,
                   const GDate *today)
{
  int age;

  g_return_val_if_fail (birth_date != NULL && g_date_valid (birth_date), -1);
  g_return_val_if_fail (today != NULL && g_date_valid (today), -1);

  if (g_date_compare (today, birth_date) < 0)
    return -1;

  age = g_date_get_year (today) - g_date_get_year (birth_date);

  if (g_date_get_month (today) < g_date_get_month (birth_date) ||
      (g_date_get_month (today) == g_date_get_month (birth_date) &&
       g_date_get_day (today) < g_date_get_day (birth_date)))
    age--;

  return age;
}

/**
 * alta_rules_age_band:
 * @age: an age in whole years
 *
 * Returns: the FAQ's band for @age
 */
AltaAgeBand
alta_rules_age_band (int age)
{
  if (age <= ALTA_PROXY_CHILD_MAX_AGE)
    return ALTA_AGE_BAND_CHILD;
  if (age < ALTA_ADULT_AGE)
    return ALTA_AGE_BAND_ADOLESCENT;
  return ALTA_AGE_BAND_ADULT;
}

/**
 * alta_rules_has_portal_access:
 * @birth_date: the patient's date of birth
 * @today: the day of the request
 *
 * "MyAltaMed is not available for both patients and proxy access for patients between the
 * ages of 12-17."
 *
 * Returns: %FALSE for patients aged 12 to 17 on @today
 */
gboolean
alta_rules_has_portal_access (const GDate *birth_date,
                              const GDate *today)
{
  int age = alta_rules_age_on (birth_date, today);

  return age >= 0 && alta_rules_age_band (age) != ALTA_AGE_BAND_ADOLESCENT;
}

/**
 * alta_rules_proxy_allowed:
 * @relationship: how the proxy relates to the patient
 * @birth_date: the patient's date of birth
 * @today: the day of the request
 *
 * A parent or guardian may see a child aged 0–11; a responsible adult may see a dependent
 * adult. Nobody sees a patient aged 12–17.
 *
 * Returns: whether the proxy may see the record on @today
 */
gboolean
alta_rules_proxy_allowed (AltaRelationship  relationship,
                          const GDate      *birth_date,
                          const GDate      *today)
{
  int age = alta_rules_age_on (birth_date, today);

  if (age < 0)
    return FALSE;

  switch (relationship)
    {
    case ALTA_RELATIONSHIP_CHILD:
      return alta_rules_age_band (age) == ALTA_AGE_BAND_CHILD;
    case ALTA_RELATIONSHIP_DEPENDENT_ADULT:
      return alta_rules_age_band (age) == ALTA_AGE_BAND_ADULT;
    case ALTA_RELATIONSHIP_SELF:
      return alta_rules_age_band (age) != ALTA_AGE_BAND_ADOLESCENT;
    default:
      break;
    }

  return FALSE;
}

/**
 * alta_rules_parse_relationship:
 * @text: "self", "child" or "dependent-adult"
 * @out_relationship: (out): the value
 *
 * Returns: %TRUE when @text names a relationship
 */
gboolean
alta_rules_parse_relationship (const char       *text,
                               AltaRelationship *out_relationship)
{
  if (g_strcmp0 (text, "self") == 0)
    *out_relationship = ALTA_RELATIONSHIP_SELF;
  else if (g_strcmp0 (text, "child") == 0)
    *out_relationship = ALTA_RELATIONSHIP_CHILD;
  else if (g_strcmp0 (text, "dependent-adult") == 0)
    *out_relationship = ALTA_RELATIONSHIP_DEPENDENT_ADULT;
  else
    return FALSE;

  return TRUE;
}

/**
 * alta_rules_relationship_to_string:
 * @relationship: an #AltaRelationship
 *
 * Returns: the API's name of @relationship
 */
const char *
alta_rules_relationship_to_string (AltaRelationship relationship)
{
  switch (relationship)
    {
    case ALTA_RELATIONSHIP_SELF:
      return "self";
    case ALTA_RELATIONSHIP_CHILD:
      return "child";
    case ALTA_RELATIONSHIP_DEPENDENT_ADULT:
      return "dependent-adult";
    default:
      break;
    }

  g_return_val_if_reached ("self");
}

static GHashTable *
load_common_passwords (void)
{
  g_autoptr (GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *text = NULL;
  gsize size;
  const char *data;

  bytes = g_resource_lookup_data (alta_common_get_resource (), COMMON_PASSWORDS_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The bundled list of common passwords is missing: %s", error->message);

  data = g_bytes_get_data (bytes, &size);
  text = g_strndup (data, size);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      g_hash_table_add (set, g_utf8_casefold (lines[i], -1));
    }

  return g_steal_pointer (&set);
}

static GHashTable *
get_common_passwords (void)
{
  static GHashTable *common_passwords;

  if (g_once_init_enter (&common_passwords))
    g_once_init_leave (&common_passwords, load_common_passwords ());

  return common_passwords;
}

/**
 * alta_rules_get_common_password_count:
 *
 * Returns: how many passwords the bundled list of common passwords holds
 */
guint
alta_rules_get_common_password_count (void)
{
  return g_hash_table_size (get_common_passwords ());
}

/**
 * alta_rules_is_common_password:
 * @password: a candidate password
 *
 * The comparison ignores case, so "Password1" is as common as "password1".
 *
 * Returns: %TRUE when @password is on the bundled list of common passwords
 */
gboolean
alta_rules_is_common_password (const char *password)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (password != NULL, TRUE);

  folded = g_utf8_casefold (password, -1);
  return g_hash_table_contains (get_common_passwords (), folded);
}

/**
 * alta_rules_password_contains_username:
 * @password: a candidate password
 * @username: (nullable): the account's username
 *
 * Returns: whether @password holds @username, ignoring case (the policy forbids it)
 */
gboolean
alta_rules_password_contains_username (const char *password,
                                       const char *username)
{
  g_autofree char *folded_password = NULL;
  g_autofree char *folded_username = NULL;

  g_return_val_if_fail (password != NULL, FALSE);

  if (username == NULL || username[0] == '\0')
    return FALSE;

  folded_password = g_utf8_casefold (password, -1);
  folded_username = g_utf8_casefold (username, -1);
  return strstr (folded_password, folded_username) != NULL;
}

/**
 * alta_rules_check_password:
 * @password: a candidate password, valid UTF-8
 * @username: (nullable): the account's username
 *
 * The FAQ's password policy: at least 8 characters, not the username, not among common
 * passwords.
 *
 * Returns: %ALTA_PASSWORD_OK or the first problem found
 */
AltaPasswordProblem
alta_rules_check_password (const char *password,
                           const char *username)
{
  glong length;

  g_return_val_if_fail (password != NULL, ALTA_PASSWORD_TOO_SHORT);

  length = g_utf8_strlen (password, -1);
  if (length < ALTA_PASSWORD_MIN_LENGTH)
    return ALTA_PASSWORD_TOO_SHORT;
  if (length > ALTA_PASSWORD_MAX_LENGTH)
    return ALTA_PASSWORD_TOO_LONG;

  if (alta_rules_password_contains_username (password, username))
    return ALTA_PASSWORD_MATCHES_USERNAME;

  if (alta_rules_is_common_password (password))
    return ALTA_PASSWORD_COMMON;

  return ALTA_PASSWORD_OK;
}

/**
 * alta_rules_normalize_activation_code:
 * @input: a code as a person typed it ("abcde-fghjk", with spaces or dashes)
 *
 * Returns: (transfer full) (nullable): the code in canonical form, or %NULL when it cannot
 *   be an activation code
 */
char *
alta_rules_normalize_activation_code (const char *input)
{
  g_autoptr (GString) code = NULL;

  if (input == NULL)
    return NULL;

  code = g_string_new (NULL);
  for (const char *p = input; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || c == ' ')
        continue;
      if (strchr (ALTA_ACTIVATION_CODE_ALPHABET, c) == NULL || c == '\0')
        return NULL;
      if (code->len >= ALTA_ACTIVATION_CODE_LENGTH)
        return NULL;
      g_string_append_c (code, c);
    }

  if (code->len != ALTA_ACTIVATION_CODE_LENGTH)
    return NULL;

  return g_string_free (g_steal_pointer (&code), FALSE);
}

/**
 * alta_rules_format_activation_code:
 * @code: a canonical activation code
 *
 * Returns: (transfer full): @code as people read it, two groups of five ("ACDEF-GHJKL")
 */
char *
alta_rules_format_activation_code (const char *code)
{
  g_return_val_if_fail (code != NULL && strlen (code) == ALTA_ACTIVATION_CODE_LENGTH, NULL);

  return g_strdup_printf ("%.5s-%.5s", code, code + 5);
}

/**
 * alta_rules_is_valid_username:
 * @username: a candidate username
 *
 * Usernames are 3 to 64 characters of ASCII letters, digits and `. _ - @`, starting with a
 * letter or digit.
 *
 * Returns: whether @username may be used
 */
gboolean
alta_rules_is_valid_username (const char *username)
{
  gsize length;

  if (username == NULL)
    return FALSE;

  length = strlen (username);
  if (length < 3 || length > 64 || !g_ascii_isalnum (username[0]))
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = username[i];

      if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '-' && c != '@')
        return FALSE;
    }

  return TRUE;
}

/**
 * alta_rules_is_valid_email:
 * @email: a candidate e-mail address
 *
 * A deliberately plain check: one `@`, a non-empty local part, a domain with a dot, no
 * spaces or control characters, at most 254 bytes.
 *
 * Returns: whether @email looks like an address mail can be sent to
 */
gboolean
alta_rules_is_valid_email (const char *email)
{
  const char *at;
  const char *dot;

  if (email == NULL || strlen (email) > 254 || !g_utf8_validate (email, -1, NULL))
    return FALSE;

  for (const char *p = email; *p != '\0'; p++)
    {
      if ((guchar)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == '"' || *p == 0x7f)
        return FALSE;
    }

  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return FALSE;

  dot = strrchr (at + 1, '.');
  return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

/**
 * alta_rules_is_valid_language:
 * @language: a language code
 *
 * Returns: %TRUE for the portal's two languages, "en" and "es"
 */
gboolean
alta_rules_is_valid_language (const char *language)
{
  return g_strcmp0 (language, "en") == 0 || g_strcmp0 (language, "es") == 0;
}

/* Names as a front desk searches them: without case or accents, any one given name, any
 * part of a compound surname, each typed word a prefix of a part ("sofia hernandez" finds
 * Sofía Hernández Ruiz; "Elisa" finds Elisa Donetta Johnson; "hern" finds her too).
 */

/**
 * alta_rules_fold_name:
 * @name: (nullable): a name or a search for one, UTF-8
 *
 * Returns: (transfer full): @name without accents (compatibility-decomposed, combining
 *   marks dropped), case-folded and recomposed; "" for %NULL or text that is not UTF-8
 */
char *
alta_rules_fold_name (const char *name)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *bare;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return g_strdup ("");

  decomposed = g_utf8_normalize (name, -1, G_NORMALIZE_NFKD);
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      g_string_append_unichar (bare, c);
    }

  folded = g_utf8_casefold (bare->str, -1);
  g_string_free (bare, TRUE);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFC);
}

/* The parts of a folded name: split at spaces, hyphens, apostrophes, periods and commas */
static char **
split_name (const char *folded)
{
  g_auto (GStrv) pieces = g_strsplit_set (folded, " \t-'.,", -1);
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();

  for (guint i = 0; pieces[i] != NULL; i++)
    if (pieces[i][0] != '\0')
      g_ptr_array_add (parts, g_strdup (pieces[i]));
  g_ptr_array_add (parts, NULL);

  return (char **)g_ptr_array_free (g_steal_pointer (&parts), FALSE);
}

/**
 * alta_rules_name_matches:
 * @name: (nullable): a patient's given names or surname, as recorded
 * @query: (nullable): what the front desk typed for it
 *
 * Returns: %TRUE when every word of @query begins a part of @name, ignoring case and
 *   accents, or when @query has no words; %FALSE when @query is not UTF-8
 */
gboolean
alta_rules_name_matches (const char *name,
                         const char *query)
{
  g_autofree char *folded_name = alta_rules_fold_name (name);
  g_autofree char *folded_query = alta_rules_fold_name (query);
  g_auto (GStrv) name_parts = split_name (folded_name);
  g_auto (GStrv) query_parts = split_name (folded_query);

  if (query != NULL && !g_utf8_validate (query, -1, NULL))
    return FALSE;

  for (guint i = 0; query_parts[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; name_parts[j] != NULL && !found; j++)
        found = g_str_has_prefix (name_parts[j], query_parts[i]);

      if (!found)
        return FALSE;
    }

  return TRUE;
}
