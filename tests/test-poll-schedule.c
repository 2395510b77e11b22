/* test-poll-schedule.c: how often the app asks the portal on its own, on a clock of the test's
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "alta-poll-schedule.h"

#define MINUTE ((gint64)60 * G_USEC_PER_SEC)

typedef struct
{
  gint64 now;
  double random;     /* what the jitter draws next */
} Fake;

static gint64
fake_clock (gpointer user_data)
{
  return ((Fake *)user_data)->now;
}

static double
fake_random (gpointer user_data)
{
  return ((Fake *)user_data)->random;
}

/* Lets the fake minutes pass until the poll is due, polls, and says how long it waited */
static gint64
wait_and_poll (AltaPollSchedule *schedule,
               Fake             *fake,
               gboolean          found_new,
               gboolean          failed)
{
  gint64 delay = alta_poll_schedule_get_delay (schedule);

  fake->now += delay;
  g_assert_cmpint (alta_poll_schedule_get_delay (schedule), ==, 0);
  alta_poll_schedule_polled (schedule, found_new, failed);

  return delay;
}

static void
test_focused (void)
{
  Fake fake = { 1000 * MINUTE, 0.0 };
  g_autoptr (AltaPollSchedule) schedule = alta_poll_schedule_new (MINUTE, fake_clock,
                                                                  fake_random, &fake);

  /* Focused: a minute, however quiet the portal is */
  for (int i = 0; i < 10; i++)
    g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, MINUTE);
}

static void
test_hidden_backs_off (void)
{
  Fake fake = { 0, 0.0 };
  g_autoptr (AltaPollSchedule) schedule = alta_poll_schedule_new (MINUTE, fake_clock,
                                                                  fake_random, &fake);
  const gint64 hidden[] = { 2, 4, 8, 15, 15, 15, 15 };
  const gint64 inactive[] = { 1, 2, 4, 5, 5, 5 };

  alta_poll_schedule_set_presence (schedule, ALTA_PRESENCE_HIDDEN);
  for (guint i = 0; i < G_N_ELEMENTS (hidden); i++)
    g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, hidden[i] * MINUTE);

  /* Focused again: a minute after the last poll, and the backing off starts over */
  fake.now += 30 * G_USEC_PER_SEC;
  alta_poll_schedule_set_presence (schedule, ALTA_PRESENCE_ACTIVE);
  g_assert_cmpint (alta_poll_schedule_get_delay (schedule), ==, 30 * G_USEC_PER_SEC);
  alta_poll_schedule_set_presence (schedule, ALTA_PRESENCE_INACTIVE);
  g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, 30 * G_USEC_PER_SEC);
  for (guint i = 1; i < G_N_ELEMENTS (inactive); i++)
    g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, inactive[i] * MINUTE);

  /* Something new: back to the first wait */
  g_assert_cmpint (wait_and_poll (schedule, &fake, TRUE, FALSE), ==, 5 * MINUTE);
  g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, 1 * MINUTE);
  g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, 2 * MINUTE);

  /* Hidden after long unfocused: the wait from the last poll grows, and a wait already
   * past is due at once */
  fake.now += 20 * MINUTE;
  alta_poll_schedule_set_presence (schedule, ALTA_PRESENCE_HIDDEN);
  g_assert_cmpint (alta_poll_schedule_get_delay (schedule), ==, 0);
}

static void
test_failures_back_off (void)
{
  Fake fake = { 0, 0.0 };
  g_autoptr (AltaPollSchedule) schedule = alta_poll_schedule_new (MINUTE, fake_clock,
                                                                  fake_random, &fake);
  const gint64 failing[] = { 1, 2, 4, 8, 15, 15 };

  /* Focused, with the portal down: one, two, four... minutes, never more than fifteen */
  for (guint i = 0; i < G_N_ELEMENTS (failing); i++)
    g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, TRUE), ==, failing[i] * MINUTE);
  /* Back: a minute again */
  g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, 15 * MINUTE);
  g_assert_cmpint (wait_and_poll (schedule, &fake, FALSE, FALSE), ==, MINUTE);
}

static void
test_jitter (void)
{
  Fake fake = { 0, 0.0 };
  g_autoptr (AltaPollSchedule) schedule = alta_poll_schedule_new (MINUTE, fake_clock,
                                                                  fake_random, &fake);
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  gint64 shortest = G_MAXINT64, longest = 0;

  alta_poll_schedule_set_presence (schedule, ALTA_PRESENCE_HIDDEN);
  for (int i = 0; i < 6; i++)
    wait_and_poll (schedule, &fake, FALSE, FALSE);

  /* At the cap, each wait is 12 to 15 minutes: never longer, and not all the same */
  for (int i = 0; i < 200; i++)
    {
      gint64 waited;

      fake.random = g_rand_double (rand);
      alta_poll_schedule_polled (schedule, FALSE, FALSE);
      waited = alta_poll_schedule_get_delay (schedule);
      g_assert_cmpint (waited, <=, 15 * MINUTE);
      g_assert_cmpint (waited, >, 12 * MINUTE);
      shortest = MIN (shortest, waited);
      longest = MAX (longest, waited);
    }
  g_assert_cmpint (longest - shortest, >, 2 * MINUTE);

  /* The highest draw short of 1 */
  fake.random = 0.999999;
  alta_poll_schedule_polled (schedule, FALSE, FALSE);
  g_assert_cmpint (alta_poll_schedule_get_delay (schedule), >=, 12 * MINUTE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/poll-schedule/focused", test_focused);
  g_test_add_func ("/poll-schedule/hidden-backs-off", test_hidden_backs_off);
  g_test_add_func ("/poll-schedule/failures-back-off", test_failures_back_off);
  g_test_add_func ("/poll-schedule/jitter", test_jitter);

  return g_test_run ();
}
