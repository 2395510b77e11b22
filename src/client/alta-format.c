/* alta-format.c: dates as the person's language writes them
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "alta-format.h"
#include "alta-portal-error.h"

/* strftime(3) takes month and weekday names from the C library's locale (LC_TIME), which
 * follows the system, not the language chosen in the app, and which many machines do not
 * have for Spanish at all. So the names come from our own catalog, and the rest of the
 * format from g_date_time_format().
 */

static const char *
month_name (int month)
{
  switch (month)
    {
    case 1: return C_("month", "January");
    case 2: return C_("month", "February");
    case 3: return C_("month", "March");
    case 4: return C_("month", "April");
    case 5: return C_("month", "May");
    case 6: return C_("month", "June");
    case 7: return C_("month", "July");
    case 8: return C_("month", "August");
    case 9: return C_("month", "September");
    case 10: return C_("month", "October");
    case 11: return C_("month", "November");
    case 12: return C_("month", "December");
    default: return "";
    }
}

static const char *
month_abbreviation (int month)
{
  switch (month)
    {
    case 1: return C_("month, abbreviated", "Jan");
    case 2: return C_("month, abbreviated", "Feb");
    case 3: return C_("month, abbreviated", "Mar");
    case 4: return C_("month, abbreviated", "Apr");
    case 5: return C_("month, abbreviated", "May");
    case 6: return C_("month, abbreviated", "Jun");
    case 7: return C_("month, abbreviated", "Jul");
    case 8: return C_("month, abbreviated", "Aug");
    case 9: return C_("month, abbreviated", "Sep");
    case 10: return C_("month, abbreviated", "Oct");
    case 11: return C_("month, abbreviated", "Nov");
    case 12: return C_("month, abbreviated", "Dec");
    default: return "";
    }
}

static const char *
weekday_name (int weekday)
{
  switch (weekday)
    {
    case 1: return C_("weekday", "Monday");
    case 2: return C_("weekday", "Tuesday");
    case 3: return C_("weekday", "Wednesday");
    case 4: return C_("weekday", "Thursday");
    case 5: return C_("weekday", "Friday");
    case 6: return C_("weekday", "Saturday");
    case 7: return C_("weekday", "Sunday");
    default: return "";
    }
}

static void
append_escaped (GString    *format,
                const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%')
        g_string_append_c (format, '%');
      g_string_append_c (format, *p);
    }
}

/**
 * alta_format_date_time:
 * @date: a date and time
 * @format: a translated g_date_time_format() format
 *
 * Like g_date_time_format() on @date in local time, but %B, %b and %A are spelled in the
 * app's language.
 *
 * Returns: (transfer full): the text
 */
char *
alta_format_date_time (GDateTime  *date,
                       const char *format)
{
  return alta_format_date_time_in_zone (date, NULL, format);
}

/**
 * alta_format_date_time_in_zone:
 * @date: a date and time
 * @zone: (nullable): the time zone to tell it in, such as the clinic's; the computer's
 *   when %NULL
 * @format: as for alta_format_date_time()
 *
 * Returns: (transfer full): @date in @zone, formatted
 */
char *
alta_format_date_time_in_zone (GDateTime  *date,
                               GTimeZone  *zone,
                               const char *format)
{
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GString) expanded = NULL;

  g_return_val_if_fail (date != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  local = zone != NULL ? g_date_time_to_timezone (date, zone) : g_date_time_to_local (date);
  expanded = g_string_sized_new (strlen (format) + 16);
  for (const char *p = format; *p != '\0'; p++)
    {
      if (p[0] != '%' || p[1] == '\0')
        {
          g_string_append_c (expanded, *p);
          continue;
        }

      switch (p[1])
        {
        case 'B':
          append_escaped (expanded, month_name (g_date_time_get_month (local)));
          break;
        case 'b':
          append_escaped (expanded, month_abbreviation (g_date_time_get_month (local)));
          break;
        case 'A':
          append_escaped (expanded, weekday_name (g_date_time_get_day_of_week (local)));
          break;
        default:
          g_string_append_len (expanded, p, 2);
          break;
        }
      p++;
    }

  return g_date_time_format (local, expanded->str);
}

/**
 * alta_format_date:
 * @date: (nullable): a date
 *
 * Returns: (transfer full) (nullable): @date as a list shows it ("March 4, 2026")
 */
char *
alta_format_date (GDateTime *date)
{
  if (date == NULL)
    return NULL;

  /* Translators: a date in a list or a sentence, see strftime(3) */
  return alta_format_date_time (date, _("%B %-d, %Y"));
}

/**
 * alta_format_error:
 * @error: why a request of the portal failed
 *
 * Returns: (transfer full): what to tell the person, translated: never a technical message
 */
char *
alta_format_error (const GError *error)
{
  if (error == NULL || error->domain != ALTA_PORTAL_ERROR)
    return g_strdup (_("Something went wrong. Please try again."));

  switch ((AltaPortalError) error->code)
    {
    case ALTA_PORTAL_ERROR_NETWORK:
      return g_strdup (_("MyAltaMed could not reach the portal. Check this computer’s internet connection, then try again."));
    case ALTA_PORTAL_ERROR_TIMEOUT:
      return g_strdup (_("The portal took too long to answer. Please try again."));
    case ALTA_PORTAL_ERROR_INTERNAL:
    case ALTA_PORTAL_ERROR_UNAVAILABLE:
    case ALTA_PORTAL_ERROR_INVALID_RESPONSE:
      return g_strdup (_("The portal has a problem right now. Please try again in a few minutes."));
    case ALTA_PORTAL_ERROR_CERTIFICATE:
      return g_strdup (_("The portal’s security certificate could not be verified, so nothing was sent."));
    case ALTA_PORTAL_ERROR_FORBIDDEN:
      return g_strdup (_("This record cannot be changed from your account."));
    case ALTA_PORTAL_ERROR_INVALID_REQUEST:
    case ALTA_PORTAL_ERROR_RATE_LIMITED:
    case ALTA_PORTAL_ERROR_CODE_INVALID:
    case ALTA_PORTAL_ERROR_CODE_EXPIRED:
    case ALTA_PORTAL_ERROR_CODE_USED:
    case ALTA_PORTAL_ERROR_USERNAME_TAKEN:
    case ALTA_PORTAL_ERROR_WEAK_PASSWORD:
    case ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS:
    case ALTA_PORTAL_ERROR_INVALID_CREDENTIALS:
    case ALTA_PORTAL_ERROR_ACCOUNT_LOCKED:
    case ALTA_PORTAL_ERROR_TOKEN_INVALID:
    case ALTA_PORTAL_ERROR_TOKEN_EXPIRED:
    case ALTA_PORTAL_ERROR_SESSION_EXPIRED:
    case ALTA_PORTAL_ERROR_INVALID_FIELD:
    case ALTA_PORTAL_ERROR_NOT_FOUND:
    case ALTA_PORTAL_ERROR_HAS_ACCOUNT:
    case ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE:
    case ALTA_PORTAL_ERROR_CONFLICT:
    default:
      return g_strdup (_(alta_portal_error_get_message (error->code)));
    }
}
