/* alta-poll-schedule.h: when the app next asks the portal what is new, on its own
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much of the window the person sees */
typedef enum
{
  ALTA_PRESENCE_ACTIVE,    /* the window has the focus */
  ALTA_PRESENCE_INACTIVE,  /* shown, but another window has the focus */
  ALTA_PRESENCE_HIDDEN,    /* minimized or not shown */
} AltaPresence;

/* The schedule's clock, in microseconds (g_get_monotonic_time() but in tests) */
typedef gint64 (*AltaPollClock) (gpointer user_data);
/* A number in [0, 1) for the jitter (g_random_double() but in tests) */
typedef double (*AltaPollRandom) (gpointer user_data);

typedef struct _AltaPollSchedule AltaPollSchedule;

AltaPollSchedule *alta_poll_schedule_new          (gint64            unit_us,
                                                   AltaPollClock     clock,
                                                   AltaPollRandom    random,
                                                   gpointer          user_data);
void              alta_poll_schedule_free         (AltaPollSchedule *self);
gint64            alta_poll_schedule_get_unit     (AltaPollSchedule *self);
void              alta_poll_schedule_polled       (AltaPollSchedule *self,
                                                   gboolean          found_new,
                                                   gboolean          failed);
void              alta_poll_schedule_set_presence (AltaPollSchedule *self,
                                                   AltaPresence      presence);
AltaPresence      alta_poll_schedule_get_presence (AltaPollSchedule *self);
gint64            alta_poll_schedule_get_due      (AltaPollSchedule *self);
gint64            alta_poll_schedule_get_delay    (AltaPollSchedule *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaPollSchedule, alta_poll_schedule_free)

G_END_DECLS
