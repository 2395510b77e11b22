/* alta-fhir-date.c: FHIR's date, dateTime and instant, read once for the server and the app
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-date"

#include "config.h"

#include "alta-fhir-date.h"

/* One strict reader of "2024", "2024-05", "2024-05-03" and "2024-05-03T10:20:30.5-07:00".
 * The server searches by the range of time a value covers; the app shows a value as a
 * calendar date when that is all it says (a birth date is the same day everywhere) and as
 * an instant otherwise.
 */

typedef enum
{
  PRECISION_YEAR,
  PRECISION_MONTH,
  PRECISION_DAY,
  PRECISION_TIME,
} Precision;

typedef struct
{
  Precision precision;
  int       year, month, day, hour, minute, second;
  int       offset_s;   /* east of UTC; 0 when the value has no zone */
} Fields;

static gboolean
read_digits (const char **p,
             guint        n,
             int         *out)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      value = value * 10 + ((*p)[i] - '0');
    }

  *p += n;
  *out = value;
  return TRUE;
}

static gboolean
parse_fields (const char *text,
              Fields     *fields)
{
  const char *p = text;

  *fields = (Fields) { PRECISION_YEAR, 0, 1, 1, 0, 0, 0, 0 };

  if (text == NULL || !read_digits (&p, 4, &fields->year) || fields->year < 1)
    return FALSE;
  if (*p == '\0')
    return TRUE;

  fields->precision = PRECISION_MONTH;
  if (*p++ != '-' || !read_digits (&p, 2, &fields->month) ||
      fields->month < 1 || fields->month > 12)
    return FALSE;
  if (*p == '\0')
    return TRUE;

  fields->precision = PRECISION_DAY;
  if (*p++ != '-' || !read_digits (&p, 2, &fields->day) ||
      fields->day < 1 || fields->day > g_date_get_days_in_month (fields->month, fields->year))
    return FALSE;
  if (*p == '\0')
    return TRUE;

  fields->precision = PRECISION_TIME;
  if (*p++ != 'T' || !read_digits (&p, 2, &fields->hour) || *p++ != ':' ||
      !read_digits (&p, 2, &fields->minute) || fields->hour > 23 || fields->minute > 59)
    return FALSE;

  if (*p == ':')
    {
      p++;
      if (!read_digits (&p, 2, &fields->second) || fields->second > 60)
        return FALSE;
      if (*p == '.')
        {
          p++;
          if (!g_ascii_isdigit (*p))
            return FALSE;
          while (g_ascii_isdigit (*p))
            p++;
        }
    }

  if (*p == 'Z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      int sign = *p++ == '-' ? -1 : 1, offset_hours, offset_minutes;

      if (!read_digits (&p, 2, &offset_hours) || *p++ != ':' ||
          !read_digits (&p, 2, &offset_minutes) || offset_hours > 14 || offset_minutes > 59)
        return FALSE;
      fields->offset_s = sign * (offset_hours * 3600 + offset_minutes * 60);
    }

  return *p == '\0';
}

static gint64
unix_of (int year,
         int month,
         int day,
         int hour,
         int minute,
         int second,
         int offset_s)
{
  /* A leap second counts as the second before it */
  g_autoptr (GDateTime) datetime = g_date_time_new_utc (year, month, day, hour, minute,
                                                        MIN (second, 59));

  return g_date_time_to_unix (datetime) - offset_s;
}

/**
 * alta_fhir_parse_date_range:
 * @text: a FHIR date, dateTime or instant ("2024", "2024-05", "2024-05-03",
 *   "2024-05-03T10:20:30.5-07:00"); a time without a zone is taken as UTC
 * @out_start: (out): the first second the value covers
 * @out_end: (out): the first second after it
 *
 * Returns: %FALSE when @text is not such a value
 */
gboolean
alta_fhir_parse_date_range (const char *text,
                            gint64     *out_start,
                            gint64     *out_end)
{
  Fields f;

  if (!parse_fields (text, &f))
    return FALSE;

  *out_start = unix_of (f.year, f.month, f.day, f.hour, f.minute, f.second, f.offset_s);
  switch (f.precision)
    {
    case PRECISION_YEAR:
      *out_end = f.year == 9999 ? unix_of (9999, 12, 31, 0, 0, 0, 0) + 86400
                                : unix_of (f.year + 1, 1, 1, 0, 0, 0, 0);
      break;
    case PRECISION_MONTH:
      *out_end = f.month == 12 ? (f.year == 9999 ? *out_start + 31 * 86400
                                                 : unix_of (f.year + 1, 1, 1, 0, 0, 0, 0))
                               : unix_of (f.year, f.month + 1, 1, 0, 0, 0, 0);
      break;
    case PRECISION_DAY:
      *out_end = *out_start + 86400;
      break;
    case PRECISION_TIME:
    default:
      *out_end = *out_start + 1;
      break;
    }

  return TRUE;
}

/**
 * alta_fhir_parse_date:
 * @text: (nullable): a FHIR date, dateTime or instant; a year or a month stands for its
 *   first day
 *
 * A value with a time is that instant, in the value's own offset (UTC when it has none).
 * A value without one is a calendar date: midnight of that day in local time, so that
 * showing it in local time shows the same day wherever the app runs.
 *
 * Returns: (transfer full) (nullable): the time, or %NULL when @text is not a FHIR date
 */
GDateTime *
alta_fhir_parse_date (const char *text)
{
  g_autoptr (GTimeZone) zone = NULL;
  Fields f;

  if (!parse_fields (text, &f))
    return NULL;

  if (f.precision != PRECISION_TIME)
    return g_date_time_new_local (f.year, f.month, f.day, 0, 0, 0);

  zone = g_time_zone_new_offset (f.offset_s);
  return g_date_time_new (zone, f.year, f.month, f.day, f.hour, f.minute, MIN (f.second, 59));
}
