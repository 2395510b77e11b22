/* alta-calendar.c: an appointment as an iCalendar file (RFC 5545), for "Add to calendar"
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-calendar"

#include "config.h"

#include <libical/ical.h>

#include "alta-calendar.h"

/* libical writes the format: escaping of commas, semicolons and newlines, line folding at 75
 * octets, CRLF line ends. Times go in UTC, which every calendar shows in the reader's own zone
 * and which needs no VTIMEZONE.
 */

#define DEFAULT_MINUTES 30

static struct icaltimetype
utc_time_of (GDateTime *date)
{
  return icaltime_from_timet_with_zone ((time_t) g_date_time_to_unix (date), FALSE,
                                        icaltimezone_get_utc_timezone ());
}

/* Text for one property: valid UTF-8 without control characters other than newline */
static char *
dup_clean_text (const char *text)
{
  GString *clean;

  if (text == NULL)
    return NULL;

  clean = g_string_new (NULL);
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      return dup_clean_text (valid);
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 && *p != '\n')
        g_string_append_c (clean, ' ');
      else
        g_string_append_c (clean, *p);
    }

  return g_string_free (clean, FALSE);
}

/**
 * alta_calendar_event_to_ics:
 * @event: the appointment
 * @now: the time of the save, for DTSTAMP
 * @error: set when the event cannot be written (no start, no uid)
 *
 * Returns: (transfer full): a VCALENDAR with one VEVENT, CRLF line ends
 */
char *
alta_calendar_event_to_ics (const AltaCalendarEvent  *event,
                            GDateTime                *now,
                            GError                  **error)
{
  g_autoptr (GDateTime) default_end = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *location = NULL;
  g_autofree char *description = NULL;
  icalcomponent *calendar;
  icalcomponent *vevent;
  GDateTime *end;
  char *ical_text;
  char *text;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (event->start == NULL || event->uid == NULL || *event->uid == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "An event needs a start and a uid");
      return NULL;
    }

  end = event->end;
  if (end == NULL || g_date_time_compare (end, event->start) <= 0)
    end = default_end = g_date_time_add_minutes (event->start, DEFAULT_MINUTES);

  summary = dup_clean_text (event->summary);
  location = dup_clean_text (event->location);
  description = dup_clean_text (event->description);

  vevent = icalcomponent_new (ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property (vevent, icalproperty_new_uid (event->uid));
  icalcomponent_add_property (vevent, icalproperty_new_dtstamp (utc_time_of (now)));
  icalcomponent_add_property (vevent, icalproperty_new_dtstart (utc_time_of (event->start)));
  icalcomponent_add_property (vevent, icalproperty_new_dtend (utc_time_of (end)));
  if (summary != NULL)
    icalcomponent_add_property (vevent, icalproperty_new_summary (summary));
  if (location != NULL)
    icalcomponent_add_property (vevent, icalproperty_new_location (location));
  if (description != NULL)
    icalcomponent_add_property (vevent, icalproperty_new_description (description));
  icalcomponent_add_property (vevent, icalproperty_new_status (ICAL_STATUS_CONFIRMED));

  calendar = icalcomponent_vanew (ICAL_VCALENDAR_COMPONENT,
                                  icalproperty_new_version ("2.0"),
                                  icalproperty_new_prodid ("-//MyAltaMed//MyAltaMed for Linux//EN"),
                                  icalproperty_new_method (ICAL_METHOD_PUBLISH),
                                  vevent,
                                  (void *) 0);

  ical_text = icalcomponent_as_ical_string_r (calendar);
  icalcomponent_free (calendar);
  text = g_strdup (ical_text);
  icalmemory_free_buffer (ical_text);

  return text;
}
