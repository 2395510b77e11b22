/* alta-clock.c: the server's idea of "now", which tests can move
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-clock"

#include "config.h"

#include "alta-clock.h"

/* Expiry rules are measured in days (activation codes) and birthdays (proxy access), so
 * tests move the clock instead of waiting. The offset is read from a file named only in the
 * [testing] group of the configuration. It is read on every call: file timestamps move in
 * clock ticks, too coarse to tell two quick changes apart, and a test server has time to
 * spare.
 */

static char *offset_file;

/**
 * alta_clock_set_offset_file:
 * @path: (nullable): a file holding a number of seconds to add to the real clock
 */
void
alta_clock_set_offset_file (const char *path)
{
  g_free (offset_file);
  offset_file = g_strdup (path);

  if (offset_file != NULL)
    g_message ("The clock can be moved by tests through %s", offset_file);
}

static gint64
read_offset (void)
{
  g_autofree char *text = NULL;

  if (offset_file == NULL || !g_file_get_contents (offset_file, &text, NULL, NULL))
    return 0;

  return g_ascii_strtoll (g_strstrip (text), NULL, 10);
}

/**
 * alta_clock_now:
 *
 * Returns: the server's time, in seconds since the epoch
 */
gint64
alta_clock_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC + read_offset ();
}

/**
 * alta_clock_date_of:
 * @unix_time: seconds since the epoch
 * @out_date: (out): the local calendar day of @unix_time
 */
void
alta_clock_date_of (gint64  unix_time,
                    GDate  *out_date)
{
  /* The server's zone, looked up once: g_time_zone_new_local() reads /etc/localtime's link
   * again on every call, and every request asks for today */
  static GTimeZone *local_zone;
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr (GDateTime) time = NULL;

  if (g_once_init_enter (&local_zone))
    g_once_init_leave (&local_zone, g_time_zone_new_local ());
  time = g_date_time_to_timezone (utc, local_zone);

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date,
                  (GDateDay)g_date_time_get_day_of_month (time),
                  (GDateMonth)g_date_time_get_month (time),
                  (GDateYear)g_date_time_get_year (time));
}

/**
 * alta_clock_get_today:
 * @out_date: (out): the clinic's calendar day today (local time)
 *
 * Ages, and so portal and proxy access, are computed on this day.
 */
void
alta_clock_get_today (GDate *out_date)
{
  alta_clock_date_of (alta_clock_now (), out_date);
}

/**
 * alta_clock_format_iso8601:
 * @unix_time: seconds since the epoch
 *
 * Returns: (transfer full): @unix_time as `2026-11-25T10:00:00Z`
 */
char *
alta_clock_format_iso8601 (gint64 unix_time)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}
