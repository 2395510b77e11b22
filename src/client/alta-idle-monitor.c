/* alta-idle-monitor.c: signing out a person who walked away
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-idle-monitor"

#include "config.h"

#include "alta-idle-monitor.h"

/* Only a person's input counts: keys, clicks, touches and scrolls, seen by a controller in
 * the capture phase of the window, before any widget takes them. Every second it checks
 * the time since the last input: "warn" a minute before the limit, "expired" at it.
 *
 * Time is the wall clock: the monotonic clock stops while the computer sleeps, and a laptop
 * closed for an hour would wake up showing the record, its wait where it was. The wall clock
 * jumps over the sleep, so the first check after it (the next second's tick, or the first
 * key pressed, whichever comes first) signs out. A wall clock set back (by hand, or by NTP)
 * must not extend the wait either: the monotonic clock counts too, and the longer of the two
 * is the time without input.
 *
 * Tests give the monitor their own two clocks with alta_idle_monitor_set_clocks() and move
 * them, instead of waiting minutes or suspending (a sleep moves the wall clock only): a call
 * made in the test's own process, so nothing outside the program (no variable, no file) can
 * change the time of an installed app.
 */

#define WARNING_S 60

struct _AltaIdleMonitor
{
  GObject             parent_instance;

  GtkWidget          *window;
  GtkEventController *controller;
  gint64              limit_s;
  AltaIdleMonitorClock clock;         /* the wall clock, or a test's */
  AltaIdleMonitorClock steady_clock;  /* the monotonic clock, or a test's */
  gpointer            clock_data;
  gint64              last_input;      /* µs of the clock */
  gint64              last_input_steady; /* µs of the monotonic clock */
  gboolean            input_pending;   /* input since alta_idle_monitor_take_activity() */
  gboolean            warned;
  guint               tick_id;
};

G_DEFINE_FINAL_TYPE (AltaIdleMonitor, alta_idle_monitor, G_TYPE_OBJECT)

enum {
  WARN,
  EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64 idle_seconds (AltaIdleMonitor *self);
static gboolean expire_if_over (AltaIdleMonitor *self);

static gboolean
on_event_cb (GtkEventControllerLegacy *controller,
             GdkEvent                 *event,
             AltaIdleMonitor          *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      /* The first key after a sleep past the limit signs out, and does nothing else: it
       * must not open what the record showed */
      if (self->tick_id != 0 && expire_if_over (self))
        return GDK_EVENT_STOP;
      if (self->tick_id != 0 && !self->warned)
        alta_idle_monitor_reset (self);
      break;
    case GDK_DELETE:
    case GDK_MOTION_NOTIFY:
    case GDK_BUTTON_RELEASE:
    case GDK_KEY_RELEASE:
    case GDK_ENTER_NOTIFY:
    case GDK_LEAVE_NOTIFY:
    case GDK_FOCUS_CHANGE:
    case GDK_PROXIMITY_IN:
    case GDK_PROXIMITY_OUT:
    case GDK_DRAG_ENTER:
    case GDK_DRAG_LEAVE:
    case GDK_DRAG_MOTION:
    case GDK_DROP_START:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCH_END:
    case GDK_TOUCH_CANCEL:
    case GDK_TOUCHPAD_HOLD:
    case GDK_PAD_BUTTON_PRESS:
    case GDK_PAD_BUTTON_RELEASE:
    case GDK_PAD_RING:
    case GDK_PAD_STRIP:
    case GDK_PAD_GROUP_MODE:
    case GDK_GRAB_BROKEN:
    case GDK_EVENT_LAST:
    default:
      break;
    }

  return GDK_EVENT_PROPAGATE;
}

static gint64
wall_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

/* The longer of the wall clock's and the monotonic clock's time since the last input */
static gint64
idle_seconds (AltaIdleMonitor *self)
{
  gint64 wall = self->clock (self->clock_data) - self->last_input;
  gint64 steady = self->steady_clock (self->clock_data) - self->last_input_steady;

  return MAX (wall, steady) / G_USEC_PER_SEC;
}

/* The warning comes a minute before the limit (from 70 s up, as always); half-way through
 * a shorter one (a kiosk's may be one minute) */
static gint64
warning_seconds (AltaIdleMonitor *self)
{
  return self->limit_s >= WARNING_S + 10 ? WARNING_S : self->limit_s / 2;
}

/* At the limit, or past it: stops, and says "expired" */
static gboolean
expire_if_over (AltaIdleMonitor *self)
{
  gint64 idle_s = idle_seconds (self);

  if (idle_s < self->limit_s)
    return FALSE;

  g_debug ("%" G_GINT64_FORMAT " s without input, limit %" G_GINT64_FORMAT " s", idle_s,
           self->limit_s);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_signal_emit (self, signals[EXPIRED], 0);
  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  AltaIdleMonitor *self = user_data;
  gint64 idle_s = idle_seconds (self);

  if (idle_s >= self->limit_s)
    {
      /* The source ends by its return value, not by g_source_remove() */
      self->tick_id = 0;
      g_signal_emit (self, signals[EXPIRED], 0);
      return G_SOURCE_REMOVE;
    }

  if (!self->warned && idle_s >= self->limit_s - warning_seconds (self))
    {
      self->warned = TRUE;
      g_signal_emit (self, signals[WARN], 0, (int)(self->limit_s - idle_s));
    }

  return G_SOURCE_CONTINUE;
}

/* The wait starts now */
static void
restart (AltaIdleMonitor *self)
{
  self->last_input = self->clock (self->clock_data);
  self->last_input_steady = self->steady_clock (self->clock_data);
  self->input_pending = TRUE;
  self->warned = FALSE;
}

static void
alta_idle_monitor_dispose (GObject *object)
{
  AltaIdleMonitor *self = ALTA_IDLE_MONITOR (object);

  alta_idle_monitor_stop (self);
  if (self->window != NULL && self->controller != NULL)
    gtk_widget_remove_controller (self->window, self->controller);
  self->controller = NULL;
  g_clear_weak_pointer (&self->window);

  G_OBJECT_CLASS (alta_idle_monitor_parent_class)->dispose (object);
}

static void
alta_idle_monitor_class_init (AltaIdleMonitorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = alta_idle_monitor_dispose;

  /**
   * AltaIdleMonitor::warn:
   * @seconds: how long before the limit
   */
  signals[WARN] = g_signal_new ("warn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
alta_idle_monitor_init (AltaIdleMonitor *self)
{
  self->clock = wall_clock;
  self->steady_clock = monotonic_clock;
}

AltaIdleMonitor *
alta_idle_monitor_new (GtkWidget *window)
{
  AltaIdleMonitor *self = g_object_new (ALTA_TYPE_IDLE_MONITOR, NULL);

  g_set_weak_pointer (&self->window, window);
  self->controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (self->controller, GTK_PHASE_CAPTURE);
  g_signal_connect (self->controller, "event", G_CALLBACK (on_event_cb), self);
  gtk_widget_add_controller (window, self->controller);

  return self;
}

/**
 * alta_idle_monitor_start:
 * @limit_s: the portal's idle limit
 */
void
alta_idle_monitor_start (AltaIdleMonitor *self,
                         gint64           limit_s)
{
  g_return_if_fail (ALTA_IS_IDLE_MONITOR (self));

  alta_idle_monitor_stop (self);
  /* A minute at least (a kiosk's shortest) */
  self->limit_s = MAX (limit_s, 60);
  restart (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

void
alta_idle_monitor_stop (AltaIdleMonitor *self)
{
  g_return_if_fail (ALTA_IS_IDLE_MONITOR (self));

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->warned = FALSE;
}

/**
 * alta_idle_monitor_reset:
 *
 * A person acted (or chose to stay signed in): the wait starts again, unless the limit has
 * passed already (the computer slept with the warning shown, and "Stay Signed In" was the
 * first thing pressed on waking): then the monitor stops and says "expired".
 *
 * Returns: %TRUE when the wait starts again, %FALSE when it had expired
 */
gboolean
alta_idle_monitor_reset (AltaIdleMonitor *self)
{
  g_return_val_if_fail (ALTA_IS_IDLE_MONITOR (self), FALSE);

  if (self->tick_id != 0 && expire_if_over (self))
    return FALSE;

  restart (self);
  return TRUE;
}

/**
 * alta_idle_monitor_take_activity:
 *
 * Returns: %TRUE when there was input since the last call: the portal should hear of it
 */
gboolean
alta_idle_monitor_take_activity (AltaIdleMonitor *self)
{
  gboolean pending;

  g_return_val_if_fail (ALTA_IS_IDLE_MONITOR (self), FALSE);

  pending = self->input_pending;
  self->input_pending = FALSE;
  return pending;
}

/**
 * alta_idle_monitor_set_clocks:
 * @wall: (nullable): what gives the wall clock's time, in microseconds; %NULL for the real
 *   one (g_get_real_time())
 * @steady: (nullable): what gives the monotonic clock's time, in microseconds; %NULL for the
 *   real one (g_get_monotonic_time())
 * @user_data: data for the clocks
 *
 * For tests: the monitor measures time with these clocks from now on, and the wait starts
 * again. Time awake moves both; a sleep moves @wall only.
 */
void
alta_idle_monitor_set_clocks (AltaIdleMonitor      *self,
                              AltaIdleMonitorClock  wall,
                              AltaIdleMonitorClock  steady,
                              gpointer              user_data)
{
  g_return_if_fail (ALTA_IS_IDLE_MONITOR (self));

  self->clock = wall != NULL ? wall : wall_clock;
  self->steady_clock = steady != NULL ? steady : monotonic_clock;
  self->clock_data = user_data;
  self->last_input = self->clock (self->clock_data);
  self->last_input_steady = self->steady_clock (self->clock_data);
}

/**
 * alta_idle_monitor_check:
 *
 * Checks the time since the last input now rather than at the next second: for a test that
 * moved its clock.
 */
void
alta_idle_monitor_check (AltaIdleMonitor *self)
{
  guint tick_id;

  g_return_if_fail (ALTA_IS_IDLE_MONITOR (self));

  tick_id = self->tick_id;
  if (tick_id == 0)
    return;

  /* The tick's source is ours to remove when the tick says so: the main loop did not run it */
  if (tick_cb (self) == G_SOURCE_REMOVE)
    g_source_remove (tick_id);
}
