/* alta-format.c: dates, trends and vital signs as the person's language writes them
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "alta-format.h"
#include "alta-portal-error.h"
#include "alta-vital-sign.h"

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
        case 'p':
          /* Not the C library's (English in a locale that is not installed, "AM" where a
           * Spanish reader writes "a. m.") */
          append_escaped (expanded, g_date_time_get_hour (local) < 12 ?
                                    C_("time of day", "AM") : C_("time of day", "PM"));
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
static gboolean
same_local_day (GDateTime *a,
                GDateTime *b,
                gboolean   month_only)
{
  g_autoptr (GDateTime) local_a = g_date_time_to_local (a);
  g_autoptr (GDateTime) local_b = g_date_time_to_local (b);

  return g_date_time_get_year (local_a) == g_date_time_get_year (local_b) &&
         g_date_time_get_month (local_a) == g_date_time_get_month (local_b) &&
         (month_only || g_date_time_get_day_of_month (local_a) ==
                          g_date_time_get_day_of_month (local_b));
}

/**
 * alta_format_trend_summary:
 * @first_value: (nullable): the oldest value with its unit ("162 mg/dL"), or %NULL when
 *   there is only one
 * @first_date: (nullable): when it was measured
 * @last_value: the newest value with its unit
 * @last_date: when it was measured
 *
 * A trend in one sentence, as a person would say it: "From 162 mg/dL in February 2025 to
 * 124 mg/dL in November 2026.", by the day when both are of one month, and "124 mg/dL in
 * November 2026" for a single value.
 *
 * Returns: (transfer full): the sentence
 */
char *
alta_format_trend_summary (const char *first_value,
                           GDateTime  *first_date,
                           const char *last_value,
                           GDateTime  *last_date)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_return_val_if_fail (last_value != NULL, NULL);
  g_return_val_if_fail (last_date != NULL, NULL);

  /* Translators: a month and its year in a sentence ("in November 2026"), see strftime(3) */
  last = alta_format_date_time (last_date, _("%B %Y"));
  if (first_value == NULL || first_date == NULL)
    /* Translators: the only value of a trend, and its month ("124 mg/dL in November 2026") */
    return g_strdup_printf (_("%1$s in %2$s"), last_value, last);

  if (!same_local_day (first_date, last_date, TRUE))
    {
      first = alta_format_date_time (first_date, _("%B %Y"));
      /* Translators: a trend from its first to its last value, each with its month:
       * "From 162 mg/dL in February 2025 to 124 mg/dL in November 2026." */
      return g_strdup_printf (_("From %1$s in %2$s to %3$s in %4$s."),
                              first_value, first, last_value, last);
    }

  g_clear_pointer (&last, g_free);
  last = alta_format_date (last_date);
  if (same_local_day (first_date, last_date, FALSE))
    /* Translators: a trend of one day: "From 162 mg/dL to 124 mg/dL on March 4, 2026." */
    return g_strdup_printf (_("From %1$s to %2$s on %3$s."), first_value, last_value, last);

  first = alta_format_date (first_date);
  /* Translators: a trend within one month, each value with its day:
   * "From 162 mg/dL on March 4, 2026 to 124 mg/dL on March 20, 2026." */
  return g_strdup_printf (_("From %1$s on %2$s to %3$s on %4$s."),
                          first_value, first, last_value, last);
}

/**
 * alta_format_vital_kind:
 * @vital: a vital sign
 *
 * Returns: (transfer full): what was measured, in the words a patient uses
 */
char *
alta_format_vital_kind (AltaVitalSign *vital)
{
  const char *title;

  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (vital), NULL);

  switch (alta_vital_sign_get_kind (vital))
    {
    case ALTA_VITAL_KIND_BLOOD_PRESSURE:
      return g_strdup (_("Blood pressure"));
    case ALTA_VITAL_KIND_HEART_RATE:
      return g_strdup (_("Heart rate"));
    case ALTA_VITAL_KIND_RESPIRATORY_RATE:
      return g_strdup (_("Breathing rate"));
    case ALTA_VITAL_KIND_TEMPERATURE:
      return g_strdup (_("Temperature"));
    case ALTA_VITAL_KIND_OXYGEN_SATURATION:
      return g_strdup (_("Blood oxygen"));
    case ALTA_VITAL_KIND_WEIGHT:
      return g_strdup (_("Weight"));
    case ALTA_VITAL_KIND_HEIGHT:
      return g_strdup (_("Height"));
    case ALTA_VITAL_KIND_BMI:
      return g_strdup (_("Body mass index (BMI)"));
    case ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE:
      return g_strdup (_("Head size"));
    case ALTA_VITAL_KIND_OTHER:
    default:
      title = alta_record_item_get_title (ALTA_RECORD_ITEM (vital));
      return g_strdup (title != NULL ? title : _("Other measurement"));
    }
}

/**
 * alta_format_vital_unit:
 * @vital: a vital sign
 *
 * Returns: (transfer full) (nullable): its unit as a patient reads it ("mmHg", "°C",
 *   "beats/min"), not as a UCUM code ("mm[Hg]", "Cel", "/min")
 */
char *
alta_format_vital_unit (AltaVitalSign *vital)
{
  static const struct
  {
    const char *code;
    const char *words;
  } units[] = {
    { "mm[Hg]", "mmHg" }, { "Cel", "°C" }, { "[degF]", "°F" }, { "kg/m2", "kg/m²" },
    { "[lb_av]", "lb" }, { "[in_i]", "in" }, { "[oz_av]", "oz" },
  };
  const char *unit;

  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (vital), NULL);

  unit = alta_vital_sign_get_unit (vital);
  if (unit == NULL)
    return NULL;

  if (g_str_equal (unit, "/min") || g_str_equal (unit, "{beats}/min") ||
      g_str_equal (unit, "{breaths}/min"))
    {
      if (alta_vital_sign_get_kind (vital) == ALTA_VITAL_KIND_HEART_RATE)
        /* Translators: the unit of a heart rate */
        return g_strdup (_("beats/min"));
      if (alta_vital_sign_get_kind (vital) == ALTA_VITAL_KIND_RESPIRATORY_RATE)
        /* Translators: the unit of a breathing rate */
        return g_strdup (_("breaths/min"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (unit, units[i].code))
      return g_strdup (units[i].words);

  return g_strdup (unit);
}

static char *
format_vital_number (AltaVitalSign *vital,
                     double         value)
{
  int decimals = alta_vital_sign_get_decimals (vital);

  if (decimals < 0)
    return g_strdup_printf ("%g", value);
  if (fabs (value) < 0.5 * pow (10, -decimals))
    value = 0;
  return g_strdup_printf ("%.*f", decimals, value);
}

/**
 * alta_format_vital_value:
 * @vital: a vital sign
 *
 * Returns: (transfer full): its value with its unit: "72 beats/min", a blood pressure
 *   "120/80 mmHg", or a sentence when nothing was recorded
 */
char *
alta_format_vital_value (AltaVitalSign *vital)
{
  g_autofree char *unit = NULL;
  g_autofree char *number = NULL;

  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (vital), NULL);

  if (alta_vital_sign_get_kind (vital) == ALTA_VITAL_KIND_BLOOD_PRESSURE &&
      (alta_vital_sign_get_has_value (vital) || alta_vital_sign_get_has_diastolic (vital)))
    {
      g_autofree char *systolic = alta_vital_sign_get_has_value (vital)
                                    ? format_vital_number (vital, alta_vital_sign_get_value (vital))
                                    : g_strdup ("–");
      g_autofree char *diastolic = alta_vital_sign_get_has_diastolic (vital)
                                     ? format_vital_number (vital, alta_vital_sign_get_diastolic (vital))
                                     : g_strdup ("–");

      number = g_strconcat (systolic, "/", diastolic, NULL);
    }
  else if (alta_vital_sign_get_has_value (vital))
    number = format_vital_number (vital, alta_vital_sign_get_value (vital));
  else
    return g_strdup (_("No value recorded"));

  unit = alta_format_vital_unit (vital);
  if (unit == NULL)
    return g_steal_pointer (&number);
  if (g_str_equal (unit, "%"))
    return g_strconcat (number, unit, NULL);
  return g_strconcat (number, " ", unit, NULL);
}

/**
 * alta_format_language:
 *
 * Returns: the language the app speaks: "es" when its Spanish translation is in use, else
 *   "en"; links to health information follow it
 */
const char *
alta_format_language (void)
{
  /* Translators: the language code of this translation, "es" for Spanish; keep "en" for
   * English. It chooses the language of the Help page's questions. */
  const char *code = C_("language code", "en");

  return g_str_equal (code, "es") ? "es" : "en";
}

/* ngettext with a context, as gettext.h's npgettext: the catalog's key is the context, \004,
 * then the message. Literals only. xgettext reads it as alta_npgettext:1c,2,3. */
#define alta_npgettext(context, singular, plural, n) \
  npgettext_key (context "\004" singular, singular, plural, n)

static const char *npgettext_key (const char *key,
                                  const char *singular,
                                  const char *plural,
                                  gulong      n) G_GNUC_FORMAT (2);

static const char *
npgettext_key (const char *key,
               const char *singular,
               const char *plural,
               gulong      n)
{
  const char *translated = g_dngettext (NULL, key, plural, n);

  return translated == key ? singular : translated;
}

/**
 * alta_format_proxy_record:
 * @name: the patient's name
 * @relationship: the record's relationship to the person signed in: "child" or
 *   "dependent-adult"
 * @gender: (nullable): the patient's gender as FHIR says it ("male", "female", "other",
 *   "unknown"), %NULL when the record does not say
 * @age: the patient's age in years
 *
 * How the record chooser reads a record seen by proxy: whose it is to the person signed in,
 * and how old they are ("Mateo Reyes, your son, 6"). Without a male or female gender, the
 * words are neutral ("your child").
 *
 * Returns: (transfer full) (nullable): the text, or %NULL for another relationship
 */
char *
alta_format_proxy_record (const char *name,
                          const char *relationship,
                          const char *gender,
                          int         age)
{
  gboolean male = g_strcmp0 (gender, "male") == 0;
  gboolean female = g_strcmp0 (gender, "female") == 0;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_strcmp0 (relationship, "child") == 0)
    {
      if (male)
        /* Translators: in the record chooser, a boy's record seen by a parent: his name and
         * age in years */
        return g_strdup_printf (g_dngettext (NULL, "%s, your son, %d", "%s, your son, %d", age),
                                name, age);
      if (female)
        /* Translators: in the record chooser, a girl's record seen by a parent: her name
         * and age in years */
        return g_strdup_printf (g_dngettext (NULL, "%s, your daughter, %d",
                                             "%s, your daughter, %d", age),
                                name, age);
      /* Translators: in the record chooser, a child's record seen by a parent when the
       * record gives no gender: the child's name and age in years */
      return g_strdup_printf (g_dngettext (NULL, "%s, your child, %d", "%s, your child, %d", age),
                              name, age);
    }

  if (g_strcmp0 (relationship, "dependent-adult") == 0)
    {
      if (male)
        /* Translators: in the record chooser, the record of a man in the person's care: his
         * name and age in years. English needs no gender here; Spanish does */
        return g_strdup_printf (alta_npgettext ("male", "%s, an adult in your care, %d",
                                                "%s, an adult in your care, %d", age),
                                name, age);
      if (female)
        /* Translators: in the record chooser, the record of a woman in the person's care:
         * her name and age in years. English needs no gender here; Spanish does */
        return g_strdup_printf (alta_npgettext ("female", "%s, an adult in your care, %d",
                                                "%s, an adult in your care, %d", age),
                                name, age);
      /* Translators: in the record chooser, the record of an adult in the person's care
       * when the record gives no gender: the adult's name and age in years */
      return g_strdup_printf (g_dngettext (NULL, "%s, an adult in your care, %d",
                                           "%s, an adult in your care, %d", age),
                              name, age);
    }

  return NULL;
}
