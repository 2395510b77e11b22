/* alta-calendar.h: an appointment as an iCalendar file (RFC 5545), for "Add to calendar"
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What goes into the event: only what the patient chose to save, nothing of the record */
typedef struct
{
  const char *uid;          /* stable across saves of one appointment */
  const char *summary;      /* "Appointment with Dr. Ana Flores" */
  const char *location;     /* the clinic's name and address, on one line */
  const char *description;  /* (nullable) */
  GDateTime  *start;
  GDateTime  *end;          /* (nullable): then 30 minutes after start */
} AltaCalendarEvent;

char *alta_calendar_event_to_ics (const AltaCalendarEvent  *event,
                                  GDateTime                *now,
                                  GError                  **error);

G_END_DECLS
