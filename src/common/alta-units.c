/* alta-units.c: units, values and normal ranges in the words patients read
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-units"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "alta-units.h"

/* Laboratories write units in UCUM, a code for machines: "10*3/uL", "m[IU]/L", "mm[Hg]".
 * A patient reads "×10³/µL", "mIU/L", "mmHg". The units our records use are in the table;
 * any other loses only what is plainly code (braces, brackets, "u" for µ), and text that is
 * not a code ("beats per minute") passes as it came.
 */

typedef struct
{
  const char *code;
  const char *text;        /* a symbol, or a message of the "unit" context */
  gboolean    translated;  /* whether text is words to translate */
} Unit;

static const Unit units[] = {
  /* Counts of cells */
  { "10*3/uL", "×10³/µL", FALSE },
  { "10^3/uL", "×10³/µL", FALSE },
  { "10*3/mm3", "×10³/mm³", FALSE },
  { "10*6/uL", "×10⁶/µL", FALSE },
  { "10^6/uL", "×10⁶/µL", FALSE },
  { "10*9/L", "×10⁹/L", FALSE },
  { "10*12/L", "×10¹²/L", FALSE },
  /* International units: Spanish writes UI */
  { "[IU]/L", NC_ ("unit", "IU/L"), TRUE },
  { "[IU]/mL", NC_ ("unit", "IU/mL"), TRUE },
  { "m[IU]/L", NC_ ("unit", "mIU/L"), TRUE },
  { "m[IU]/mL", NC_ ("unit", "mIU/mL"), TRUE },
  { "u[IU]/mL", NC_ ("unit", "µIU/mL"), TRUE },
  { "u[IU]/L", NC_ ("unit", "µIU/L"), TRUE },
  /* Concentrations, as written but for the micro sign */
  { "mg/dL", "mg/dL", FALSE },
  { "g/dL", "g/dL", FALSE },
  { "g/L", "g/L", FALSE },
  { "mg/L", "mg/L", FALSE },
  { "ug/dL", "µg/dL", FALSE },
  { "ug/L", "µg/L", FALSE },
  { "ug/mL", "µg/mL", FALSE },
  { "ng/mL", "ng/mL", FALSE },
  { "ng/dL", "ng/dL", FALSE },
  { "pg/mL", "pg/mL", FALSE },
  { "mmol/L", "mmol/L", FALSE },
  { "umol/L", "µmol/L", FALSE },
  { "mmol/mol", "mmol/mol", FALSE },
  { "meq/L", "mEq/L", FALSE },
  { "mEq/L", "mEq/L", FALSE },
  { "U/L", "U/L", FALSE },
  { "%", "%", FALSE },
  { "fL", "fL", FALSE },
  { "pg", "pg", FALSE },
  { "mL/min/{1.73_m2}", "mL/min/1.73 m²", FALSE },
  { "mL/min/1.73m2", "mL/min/1.73 m²", FALSE },
  /* Vital signs */
  { "mm[Hg]", "mmHg", FALSE },
  { "kg/m2", "kg/m²", FALSE },
  { "/min", NC_ ("unit", "per minute"), TRUE },
  { "{beats}/min", NC_ ("unit", "beats per minute"), TRUE },
  { "beats/min", NC_ ("unit", "beats per minute"), TRUE },
  { "beats/minute", NC_ ("unit", "beats per minute"), TRUE },
  { "{breaths}/min", NC_ ("unit", "breaths per minute"), TRUE },
  { "breaths/min", NC_ ("unit", "breaths per minute"), TRUE },
  { "[lb_av]", NC_ ("unit", "lb"), TRUE },
  { "[oz_av]", NC_ ("unit", "oz"), TRUE },
  { "[in_i]", NC_ ("unit", "in"), TRUE },
  { "[ft_i]", NC_ ("unit", "ft"), TRUE },
  { "Cel", "°C", FALSE },
  { "[degF]", "°F", FALSE },
  { "kg", "kg", FALSE },
  { "g", "g", FALSE },
  { "cm", "cm", FALSE },
  { "m", "m", FALSE },
  /* Times and counts */
  { "a", NC_ ("unit", "years"), TRUE },
  { "mo", NC_ ("unit", "months"), TRUE },
  { "wk", NC_ ("unit", "weeks"), TRUE },
  { "d", NC_ ("unit", "days"), TRUE },
  { "h", NC_ ("unit", "hours"), TRUE },
  { "min", NC_ ("unit", "minutes"), TRUE },
  { "{score}", NC_ ("unit", "points"), TRUE },
  { "[pH]", "pH", FALSE },
  /* Without a dimension: the number alone */
  { "1", "", FALSE },
  { "{ratio}", "", FALSE },
};

static const char *
superscript (char digit)
{
  static const char * const digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };

  g_assert (g_ascii_isdigit (digit));
  return digits[digit - '0'];
}

/* Whether @token is made only of what UCUM codes are made of, so that rewriting it cannot
 * change words a laboratory wrote for people */
static gboolean
is_code (const char *token)
{
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("*^.{}[]_%-", *p) == NULL)
      return FALSE;

  return TRUE;
}

/* One part of a unit between slashes: "10*3" → "×10³", "{cells}" → "cells", "[in_i]" →
 * "in", "m[IU]" → "mIU", "ug" → "µg", "m2" → "m²" */
static void
append_token (GString    *text,
              const char *token)
{
  g_autoptr (GString) plain = g_string_new (NULL);
  const char *p;

  if (!is_code (token))
    {
      g_string_append (text, token);
      return;
    }

  if ((g_str_has_prefix (token, "10*") || g_str_has_prefix (token, "10^")) &&
      token[3] != '\0')
    {
      gboolean digits = TRUE;

      for (p = token + 3; *p != '\0'; p++)
        digits = digits && (g_ascii_isdigit (*p) || (*p == '-' && p == token + 3));
      if (digits)
        {
          g_string_append (text, "×10");
          for (p = token + 3; *p != '\0'; p++)
            g_string_append (text, *p == '-' ? "⁻" : superscript (*p));
          return;
        }
    }

  /* Braces annotate; brackets enclose a unit's code, whose part after "_" says which
   * kind of inch or pound */
  for (p = token; *p != '\0'; p++)
    {
      if (*p == '{' || *p == '}' || *p == '[' || *p == ']')
        continue;
      if (*p == '_')
        {
          const char *close = strchr (p, ']');

          if (close != NULL)
            {
              p = close;
              continue;
            }
        }
      g_string_append_c (plain, *p);
    }

  if (plain->len > 1 && plain->str[0] == 'u' && strchr ("gLlmUIe", plain->str[1]) != NULL)
    {
      g_string_erase (plain, 0, 1);
      g_string_prepend (plain, "µ");
    }

  if (plain->len >= 2 && (plain->str[plain->len - 1] == '2' || plain->str[plain->len - 1] == '3') &&
      g_ascii_isalpha (plain->str[plain->len - 2]))
    {
      char power = plain->str[plain->len - 1];

      g_string_truncate (plain, plain->len - 1);
      g_string_append (plain, superscript (power));
    }

  g_string_append (text, plain->str);
}

/**
 * alta_units_dup_for_patient:
 * @unit: (nullable): a unit as a FHIR Quantity gives it, most often a UCUM code
 *
 * Returns: (transfer full): the unit as a patient reads it, in the app's language ("" for
 *   none or for a number without a dimension)
 */
char *
alta_units_dup_for_patient (const char *unit)
{
  g_auto (GStrv) tokens = NULL;
  g_autoptr (GString) text = NULL;

  if (unit == NULL || unit[0] == '\0' || !g_utf8_validate (unit, -1, NULL))
    return g_strdup ("");

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (units[i].code, unit) == 0)
      return g_strdup (units[i].translated ? g_dpgettext2 (GETTEXT_PACKAGE, "unit", units[i].text)
                                           : units[i].text);

  if (strlen (unit) > ALTA_UNITS_MAX_LENGTH)
    return g_strdup (unit);

  text = g_string_new (NULL);
  tokens = g_strsplit (unit, "/", 8);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (text, '/');
      append_token (text, tokens[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * alta_units_format_number:
 * @value: a finite number
 *
 * Returns: (transfer full): @value as a report writes it ("124", "0.88", "1500000")
 */
char *
alta_units_format_number (double value)
{
  /* %g writes large numbers with an exponent: no patient reads "1.5e+06" */
  if (!isfinite (value))
    return g_strdup ("–");
  if (fabs (value) >= 1e6 && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);

  return g_strdup_printf ("%.6g", value);
}

/**
 * alta_units_format_value:
 * @value: a finite number
 * @unit: (nullable): its unit, as FHIR gives it
 *
 * Returns: (transfer full): the value with its unit as a patient reads them ("124 mg/dL",
 *   "6.8 ×10³/µL", "41.5%", "72 beats per minute")
 */
char *
alta_units_format_value (double      value,
                         const char *unit)
{
  g_autofree char *number = alta_units_format_number (value);
  g_autofree char *text = alta_units_dup_for_patient (unit);

  if (text[0] == '\0')
    return g_steal_pointer (&number);
  if (strcmp (text, "%") == 0)
    /* Translators: a percentage, "41.5%"; the first %s is the number */
    return g_strdup_printf (C_ ("value", "%s%%"), number);

  /* Translators: a value and its unit, "124 mg/dL" */
  return g_strdup_printf (C_ ("value", "%s %s"), number, text);
}

/* A range's upper limit alone is inclusive: "199" means 199 or less. Laboratories give
 * whole numbers for whole-number tests, so the patient reads the limit they know, "under
 * 200"; a limit with decimals is read "up to 5.6". */
static gboolean
upper_limit_is_whole (double high)
{
  return fabs (high) < 1e9 && floor (high) == high;
}

/**
 * alta_units_format_range:
 * @has_low: whether the range has a lower limit
 * @low: the lower limit
 * @has_high: whether the range has an upper limit
 * @high: the upper limit
 * @unit: (nullable): the limits' unit, as FHIR gives it
 *
 * Returns: (transfer full) (nullable): the normal range as a report shows it ("Normal: 70
 *   to 99 mg/dL", "Normal: under 200 mg/dL", "Normal: over 40 mg/dL"), or %NULL without a
 *   limit
 */
char *
alta_units_format_range (gboolean    has_low,
                         double      low,
                         gboolean    has_high,
                         double      high,
                         const char *unit)
{
  has_low = has_low && isfinite (low);
  has_high = has_high && isfinite (high);

  if (has_low && has_high)
    {
      g_autofree char *from = alta_units_format_number (low);
      g_autofree char *to = alta_units_format_value (high, unit);

      /* Translators: a normal range with both limits, "Normal: 70 to 99 mg/dL"; the second
       * %s has the unit */
      return g_strdup_printf (_("Normal: %s to %s"), from, to);
    }
  if (has_high && upper_limit_is_whole (high))
    {
      g_autofree char *limit = alta_units_format_value (high + 1, unit);

      /* Translators: a normal range with only an upper limit, "Normal: under 200 mg/dL" */
      return g_strdup_printf (_("Normal: under %s"), limit);
    }
  if (has_high)
    {
      g_autofree char *limit = alta_units_format_value (high, unit);

      /* Translators: a normal range with only an upper limit, "Normal: up to 5.6%" */
      return g_strdup_printf (_("Normal: up to %s"), limit);
    }
  if (has_low)
    {
      g_autofree char *limit = alta_units_format_value (low, unit);

      /* Translators: a normal range with only a lower limit, "Normal: over 40 mg/dL" */
      return g_strdup_printf (_("Normal: over %s"), limit);
    }

  return NULL;
}

/**
 * alta_units_describe_range:
 * @has_low: whether the range has a lower limit
 * @low: the lower limit
 * @has_high: whether the range has an upper limit
 * @high: the upper limit
 *
 * Returns: (transfer full) (nullable): the normal range as a screen reader says it after
 *   the value, its unit just said ("normal range 70 to 99", "normal range over 40"), or
 *   %NULL without a limit
 */
char *
alta_units_describe_range (gboolean has_low,
                           double   low,
                           gboolean has_high,
                           double   high)
{
  has_low = has_low && isfinite (low);
  has_high = has_high && isfinite (high);

  if (has_low && has_high)
    {
      g_autofree char *from = alta_units_format_number (low);
      g_autofree char *to = alta_units_format_number (high);

      /* Translators: spoken after a value, "Glucose, 124 mg/dL, normal range 70 to 99" */
      return g_strdup_printf (_("normal range %s to %s"), from, to);
    }
  if (has_high && upper_limit_is_whole (high))
    {
      g_autofree char *limit = alta_units_format_number (high + 1);

      /* Translators: spoken after a value, "…, 180 mg/dL, normal range under 200" */
      return g_strdup_printf (_("normal range under %s"), limit);
    }
  if (has_high)
    {
      g_autofree char *limit = alta_units_format_number (high);

      /* Translators: spoken after a value, "…, 5.9%, normal range up to 5.6" */
      return g_strdup_printf (_("normal range up to %s"), limit);
    }
  if (has_low)
    {
      g_autofree char *limit = alta_units_format_number (low);

      /* Translators: spoken after a value, "HDL cholesterol, 52 mg/dL, normal range over 40" */
      return g_strdup_printf (_("normal range over %s"), limit);
    }

  return NULL;
}
