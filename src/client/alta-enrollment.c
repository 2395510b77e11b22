/* alta-enrollment.c: what enrolling and resetting a password read from what was typed, and
 * what they say when the portal refuses
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-enrollment"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "alta-enrollment.h"
#include "alta-portal-error.h"
#include "alta-rules.h"

/* People type a code as they read it: in lower case, in groups, with the dash of the mail or
 * another one their keyboard makes (‐ ‑ – — −), with spaces, a tab or a line break pasted
 * along. All of that goes; what stays must be a code of the alphabet of alta-rules.h.
 */

static gboolean
is_separator (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_DASH_PUNCTUATION ||
         c == 0x2212 /* minus sign */ || c == 0x00AD /* soft hyphen */ ||
         c == 0x200B /* zero-width space */ || c == 0xFEFF;
}

/**
 * alta_enrollment_normalize_code:
 * @typed: an activation code as typed ("abcde fghjk", "ABCDE–FGHJK")
 *
 * Returns: (transfer full) (nullable): the code in canonical form ("ABCDEFGHJK"), or %NULL
 *   when what was typed cannot be an activation code (too short, too long, a character no
 *   code has)
 */
char *
alta_enrollment_normalize_code (const char *typed)
{
  g_autoptr (GString) kept = NULL;

  if (typed == NULL || !g_utf8_validate (typed, -1, NULL))
    return NULL;

  kept = g_string_new (NULL);
  for (const char *p = typed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_separator (c))
        continue;
      /* Full-width letters and digits of an East Asian keyboard are the ASCII ones */
      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      if (c > 0x7F)
        return NULL;
      g_string_append_c (kept, (char)c);
    }

  return alta_rules_normalize_activation_code (kept->str);
}

/**
 * alta_enrollment_normalize_token:
 * @typed: a password-reset code as pasted from the mail
 *
 * Returns: (transfer full) (nullable): the code without the spaces and line breaks a paste
 *   brings along, or %NULL when nothing is left
 */
char *
alta_enrollment_normalize_token (const char *typed)
{
  g_autoptr (GString) kept = NULL;

  if (typed == NULL || !g_utf8_validate (typed, -1, NULL))
    return NULL;

  kept = g_string_new (NULL);
  for (const char *p = typed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0x200B && c != 0xFEFF)
        g_string_append_unichar (kept, c);
    }

  if (kept->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&kept), FALSE);
}

static gboolean
parse_number (const char *text,
              gsize       length,
              guint      *out)
{
  guint value = 0;

  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint)(text[i] - '0');
    }
  *out = value;
  return TRUE;
}

/**
 * alta_enrollment_parse_birth_date:
 * @typed: a date of birth as typed: year, month and day, in that order, as the field's hint
 *   asks ("1984-07-23", "1984 7 23", "1984/07/23", "19840723")
 * @today: (nullable): today, for a date of birth that cannot be in the future; %NULL for the
 *   local date
 *
 * Year first is the one order that reads the same in English and in Spanish: 03/04/1984 is
 * March 4 to one and 3 April to the other, so no order with the year last is accepted.
 *
 * Returns: (transfer full) (nullable): the date as `YYYY-MM-DD`, or %NULL when @typed is not a
 *   real day from 1900 to @today in that order
 */
char *
alta_enrollment_parse_birth_date (const char  *typed,
                                  const GDate *today)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) parts = NULL;
  guint year = 0, month = 0, day = 0;
  g_autoptr (GDate) date = NULL;
  GDate now;

  if (typed == NULL || !g_utf8_validate (typed, -1, NULL))
    return NULL;

  text = g_strstrip (g_strdup (typed));
  /* Any of the separators people put between the parts: one kind, once between each */
  for (char *p = text; *p != '\0'; p++)
    if (*p == '/' || *p == '.' || *p == ' ' || *p == '-')
      *p = '-';

  if (strchr (text, '-') == NULL)
    {
      if (strlen (text) != 8 || !parse_number (text, 4, &year) ||
          !parse_number (text + 4, 2, &month) || !parse_number (text + 6, 2, &day))
        return NULL;
    }
  else
    {
      parts = g_strsplit (text, "-", -1);
      if (g_strv_length (parts) != 3 || strlen (parts[0]) != 4 ||
          strlen (parts[1]) > 2 || strlen (parts[2]) > 2 ||
          !parse_number (parts[0], 4, &year) ||
          !parse_number (parts[1], strlen (parts[1]), &month) ||
          !parse_number (parts[2], strlen (parts[2]), &day))
        return NULL;
    }

  if (year < 1900 || !g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year))
    return NULL;

  date = g_date_new_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year);
  if (today == NULL)
    {
      g_date_clear (&now, 1);
      g_date_set_time_t (&now, time (NULL));
      today = &now;
    }
  if (g_date_compare (date, today) > 0)
    return NULL;

  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

/* The words for each refusal of the contract (docs/api.md, "Public routes"), each with the
 * Patient Support Line, where a patient gets a new code or any help
 */
static const char *
describe (AltaEnrollmentStep  step,
          const GError       *error)
{
  if (error->domain != ALTA_PORTAL_ERROR)
    return _("Something went wrong. Please try again. If it keeps happening, call the MyAltaMed Patient Support Line at %s.");

  switch ((AltaPortalError)error->code)
    {
    case ALTA_PORTAL_ERROR_CODE_INVALID:
      return _("This activation code and date of birth do not match our records. Check both and try again. If it still does not work, call the MyAltaMed Patient Support Line at %s for a new code.");
    case ALTA_PORTAL_ERROR_CODE_USED:
      return _("This activation code has already been used. If you made your account with it, go back and sign in, or choose “Forgot password?”. For a new code, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_CODE_EXPIRED:
      return _("This activation code has expired: a code works for 14 days. Go back and choose “Request an activation code” for a new one, or call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS:
      return _("MyAltaMed is not available for patients aged 12 to 17, on their own or through a parent’s account. Your care team is glad to help by phone: call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_USERNAME_TAKEN:
      return _("This username is already taken. Choose another one and try again. If you need help, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_WEAK_PASSWORD:
      return _("This password is not allowed. Choose one of at least 8 characters that does not contain your username and is not commonly used. If you need help, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_TOKEN_INVALID:
      return _("This reset code does not work. It may have been used already, or a newer email brought another one: use the code of the newest email, or ask for a new one. If you need help, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_TOKEN_EXPIRED:
      return _("This reset code has expired: a code works for 1 hour. Ask for a new one, or call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_INVALID_REQUEST:
      return _("Something in the form is not right. Check each field and try again. If you need help, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_RATE_LIMITED:
      return _("Too many attempts. Please wait a minute and try again. If you need help, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_NETWORK:
    case ALTA_PORTAL_ERROR_TIMEOUT:
      return _("MyAltaMed cannot be reached. Check your internet connection and try again: what you typed is kept. If you need help, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_CERTIFICATE:
      return _("The portal’s security certificate could not be verified, so nothing was sent. Call the MyAltaMed Patient Support Line at %s.");
    case ALTA_PORTAL_ERROR_INVALID_RESPONSE:
    case ALTA_PORTAL_ERROR_INVALID_CREDENTIALS:
    case ALTA_PORTAL_ERROR_ACCOUNT_LOCKED:
    case ALTA_PORTAL_ERROR_SESSION_EXPIRED:
    case ALTA_PORTAL_ERROR_INVALID_FIELD:
    case ALTA_PORTAL_ERROR_FORBIDDEN:
    case ALTA_PORTAL_ERROR_NOT_FOUND:
    case ALTA_PORTAL_ERROR_HAS_ACCOUNT:
    case ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE:
    case ALTA_PORTAL_ERROR_CONFLICT:
    case ALTA_PORTAL_ERROR_INTERNAL:
    case ALTA_PORTAL_ERROR_UNAVAILABLE:
    default:
      break;
    }

  switch (step)
    {
    case ALTA_ENROLLMENT_ACTIVATE:
      return _("MyAltaMed could not create your account right now. Please try again later: what you typed is kept. If it keeps happening, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_ENROLLMENT_CONFIRM_RESET:
      return _("MyAltaMed could not change your password right now. Please try again later. If it keeps happening, call the MyAltaMed Patient Support Line at %s.");
    case ALTA_ENROLLMENT_REQUEST_CODE:
    case ALTA_ENROLLMENT_REQUEST_RESET:
    default:
      return _("MyAltaMed could not take your request right now. Please try again later. If it keeps happening, call the MyAltaMed Patient Support Line at %s.");
    }
}

/**
 * alta_enrollment_describe_failure:
 * @step: what was asked
 * @error: the portal's refusal, or why there was no answer
 *
 * Returns: (transfer full): what to tell the patient, with the Patient Support Line
 */
char *
alta_enrollment_describe_failure (AltaEnrollmentStep  step,
                                  const GError       *error)
{
  GString *message;

  g_return_val_if_fail (error != NULL, NULL);

  /* Every message has one %s, for the number (tests/test-enrollment-input.c checks it in
   * both languages) */
  message = g_string_new (describe (step, error));
  g_string_replace (message, "%s", ALTA_SUPPORT_NUMBER, 0);
  return g_string_free (message, FALSE);
}
