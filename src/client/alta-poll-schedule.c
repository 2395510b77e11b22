/* alta-poll-schedule.c: when the app next asks the portal what is new, on its own
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "alta-poll-schedule.h"

/* The app asks the portal politely (docs/api.md: every such request is marked background, so
 * it never keeps anyone signed in). In units of a minute:
 *
 * - window focused: every minute;
 * - shown but not focused: one minute, then two, four, up to five while nothing new comes;
 * - hidden (minimized): two minutes, then four, eight, up to fifteen;
 * - a failed poll doubles the wait too (one, two, four... up to fifteen), whatever the window;
 * - something new, or the window focused again, starts the backing off over.
 *
 * Each wait is shortened by up to a fifth at random, so that many computers started at the
 * same time (a clinic's) do not ask at the same moment; a wait is never longer than its cap.
 */

#define ACTIVE_UNITS      1
#define INACTIVE_UNITS    1
#define INACTIVE_CAP      5
#define HIDDEN_UNITS      2
#define HIDDEN_CAP        15
#define FAILURE_CAP       15
#define JITTER            0.2
#define MAX_STEPS         8      /* 2^8 units is past every cap */

struct _AltaPollSchedule
{
  gint64          unit_us;
  AltaPollClock   clock;
  AltaPollRandom  random;
  gpointer        user_data;

  AltaPresence    presence;
  guint           quiet;         /* polls in a row that found nothing new */
  guint           failures;      /* polls in a row that failed */
  gint64          last_poll;     /* or the start */
  double          jitter;        /* of the wait since then, in [0, JITTER) */
};

static gint64
capped (guint base,
        guint steps,
        guint cap)
{
  gint64 units = (gint64)base << MIN (steps, MAX_STEPS);

  return MIN (units, (gint64)cap);
}

/* The wait after the last poll, before its jitter, in units */
static gint64
units_to_wait (AltaPollSchedule *self)
{
  gint64 units;

  switch (self->presence)
    {
    case ALTA_PRESENCE_ACTIVE:
      units = ACTIVE_UNITS;
      break;
    case ALTA_PRESENCE_INACTIVE:
      units = capped (INACTIVE_UNITS, self->quiet, INACTIVE_CAP);
      break;
    case ALTA_PRESENCE_HIDDEN:
    default:
      units = capped (HIDDEN_UNITS, self->quiet, HIDDEN_CAP);
      break;
    }
  if (self->failures > 0)
    units = MAX (units, capped (1, self->failures, FAILURE_CAP));

  return units;
}

/**
 * alta_poll_schedule_new:
 * @unit_us: a minute, in microseconds (shorter in tests)
 * @clock: the clock
 * @random: the jitter's random numbers
 *
 * Returns: (transfer full): a schedule whose first poll is due a wait from now, the window
 *   focused
 */
AltaPollSchedule *
alta_poll_schedule_new (gint64         unit_us,
                        AltaPollClock  clock,
                        AltaPollRandom random,
                        gpointer       user_data)
{
  AltaPollSchedule *self;

  g_return_val_if_fail (unit_us > 0, NULL);
  g_return_val_if_fail (clock != NULL && random != NULL, NULL);

  self = g_new0 (AltaPollSchedule, 1);
  self->unit_us = unit_us;
  self->clock = clock;
  self->random = random;
  self->user_data = user_data;
  self->presence = ALTA_PRESENCE_ACTIVE;
  self->last_poll = clock (user_data);
  self->jitter = random (user_data) * JITTER;

  return self;
}

void
alta_poll_schedule_free (AltaPollSchedule *self)
{
  g_free (self);
}

gint64
alta_poll_schedule_get_unit (AltaPollSchedule *self)
{
  return self->unit_us;
}

/**
 * alta_poll_schedule_polled:
 * @found_new: whether the poll found a new message or result
 * @failed: whether the portal could not answer it
 *
 * A poll ended now: the next one is due a wait from now.
 */
void
alta_poll_schedule_polled (AltaPollSchedule *self,
                           gboolean          found_new,
                           gboolean          failed)
{
  g_return_if_fail (self != NULL);

  if (failed)
    self->failures = MIN (self->failures + 1, MAX_STEPS);
  else
    self->failures = 0;
  if (found_new)
    self->quiet = 0;
  else if (!failed)
    self->quiet = MIN (self->quiet + 1, MAX_STEPS);
  self->last_poll = self->clock (self->user_data);
  self->jitter = self->random (self->user_data) * JITTER;
}

/**
 * alta_poll_schedule_set_presence:
 *
 * The window was focused, left or hidden: the next poll is due as that one's wait says,
 * from the last poll. Focused again, the backing off starts over.
 */
void
alta_poll_schedule_set_presence (AltaPollSchedule *self,
                                 AltaPresence      presence)
{
  g_return_if_fail (self != NULL);

  if (presence == ALTA_PRESENCE_ACTIVE && self->presence != ALTA_PRESENCE_ACTIVE)
    self->quiet = 0;
  self->presence = presence;
}

AltaPresence
alta_poll_schedule_get_presence (AltaPollSchedule *self)
{
  g_return_val_if_fail (self != NULL, ALTA_PRESENCE_ACTIVE);

  return self->presence;
}

/**
 * alta_poll_schedule_get_due:
 *
 * Returns: when the next poll is due, on the schedule's clock
 */
gint64
alta_poll_schedule_get_due (AltaPollSchedule *self)
{
  gint64 wait;

  g_return_val_if_fail (self != NULL, 0);

  wait = units_to_wait (self) * self->unit_us;
  return self->last_poll + wait - (gint64)(wait * self->jitter);
}

/**
 * alta_poll_schedule_get_delay:
 *
 * Returns: how long from now until the next poll is due (0: now), in microseconds
 */
gint64
alta_poll_schedule_get_delay (AltaPollSchedule *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return MAX (0, alta_poll_schedule_get_due (self) - self->clock (self->user_data));
}
