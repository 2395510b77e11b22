/* test-calendar.c: "Add to calendar" files, written and read back
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libical/ical.h>

#include "alta-calendar.h"

static GDateTime *
date_time (const char *iso)
{
  GDateTime *date = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (date);
  return date;
}

/* Every line ends in CRLF and holds at most 75 octets (RFC 5545 3.1) */
static void
assert_lines_folded (const char *text)
{
  const char *line = text;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  while (*line != '\0')
    {
      const char *end = strstr (line, "\r\n");

      g_assert_nonnull (end);
      g_assert_cmpint (end - line, <=, 75);
      g_assert_null (memchr (line, '\n', end - line));
      line = end + 2;
    }
}

static void
test_round_trip (void)
{
  g_autoptr (GDateTime) start = date_time ("2026-12-07T10:30:00-08:00");
  g_autoptr (GDateTime) end = date_time ("2026-12-07T11:00:00-08:00");
  g_autoptr (GDateTime) now = date_time ("2026-12-01T17:00:00Z");
  const char *location = "AltaMed Medical Group, El Monte; 10454 Valley Blvd, El Monte, "
                         "CA 91731, with a name long enough to fold past 75 octets: Clínica";
  AltaCalendarEvent event = {
    .uid = "Appointment-42@portal.example",
    .summary = "Appointment with Dr. Ana Flores, family medicine",
    .location = location,
    .description = "Bring your medication list.\nArrive 15 minutes early.",
    .start = start,
    .end = end,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = alta_calendar_event_to_ics (&event, now, &error);
  icalcomponent *calendar;
  icalcomponent *vevent;
  struct icaltimetype dtstart;
  struct icaltimetype dtend;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\r\n"));
  assert_lines_folded (text);

  calendar = icalparser_parse_string (text);
  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_isa (calendar), ==, ICAL_VCALENDAR_COMPONENT);
  g_assert_cmpint (icalcomponent_count_errors (calendar), ==, 0);
  g_assert_cmpstr (icalproperty_get_version (icalcomponent_get_first_property (calendar,
                                                                               ICAL_VERSION_PROPERTY)),
                   ==, "2.0");

  vevent = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
  g_assert_nonnull (vevent);
  g_assert_cmpstr (icalcomponent_get_uid (vevent), ==, event.uid);
  g_assert_cmpstr (icalcomponent_get_summary (vevent), ==, event.summary);
  g_assert_cmpstr (icalcomponent_get_location (vevent), ==, location);
  g_assert_cmpstr (icalcomponent_get_description (vevent), ==, event.description);

  dtstart = icalcomponent_get_dtstart (vevent);
  dtend = icalcomponent_get_dtend (vevent);
  g_assert_true (icaltime_is_utc (dtstart));
  g_assert_cmpint (icaltime_as_timet (dtstart), ==, g_date_time_to_unix (start));
  g_assert_cmpint (icaltime_as_timet (dtend), ==, g_date_time_to_unix (end));
  g_assert_cmpint (icaltime_as_timet (icalcomponent_get_dtstamp (vevent)), ==,
                   g_date_time_to_unix (now));

  icalcomponent_free (calendar);
}

/* Text from a record cannot add properties: a CRLF in a name is not a new line */
static void
test_hostile_text (void)
{
  g_autoptr (GDateTime) start = date_time ("2026-12-07T18:30:00Z");
  g_autoptr (GDateTime) now = date_time ("2026-12-01T17:00:00Z");
  AltaCalendarEvent event = {
    .uid = "Appointment-43@portal.example",
    .summary = "Visit\r\nATTENDEE:mailto:evil@example.com\r\nX-EVIL:1",
    .location = "Clinic; Room 1, \\ back \xff",
    .start = start,
  };
  g_autofree char *text = alta_calendar_event_to_ics (&event, now, NULL);
  icalcomponent *calendar = icalparser_parse_string (text);
  icalcomponent *vevent = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
  struct icaltimetype dtend = icalcomponent_get_dtend (vevent);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  assert_lines_folded (text);
  g_assert_null (icalcomponent_get_first_property (vevent, ICAL_ATTENDEE_PROPERTY));
  g_assert_null (strstr (text, "\r\nX-EVIL"));
  g_assert_nonnull (strstr (icalcomponent_get_summary (vevent), "ATTENDEE"));
  g_assert_true (g_str_has_prefix (icalcomponent_get_location (vevent), "Clinic; Room 1, \\ back"));
  /* No end given: 30 minutes */
  g_assert_cmpint (icaltime_as_timet (dtend) - g_date_time_to_unix (start), ==, 30 * 60);

  icalcomponent_free (calendar);
}

static void
test_refused (void)
{
  g_autoptr (GDateTime) now = date_time ("2026-12-01T17:00:00Z");
  AltaCalendarEvent event = { .uid = "x", .summary = "Visit" };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = alta_calendar_event_to_ics (&event, now, &error);

  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/round-trip", test_round_trip);
  g_test_add_func ("/calendar/hostile-text", test_hostile_text);
  g_test_add_func ("/calendar/refused", test_refused);

  return g_test_run ();
}
