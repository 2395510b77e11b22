/* alta-bench.c: timing hooks for tests/bench/bench-client.sh
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-bench"

#include "config.h"

#include <adwaita.h>
#include <glib-unix.h>
#include <signal.h>
#include <time.h>

#include "alta-bench.h"

/* With MYALTAMED_BENCH=1 in the environment the app prints lines such as
 * `bench first-frame 123456789 45678 1` on stdout: an event, the monotonic clock in µs
 * (g_get_monotonic_time (), CLOCK_MONOTONIC), the process's CPU time so far in µs and the
 * frames the window has drawn so far, for the benchmark to read. Without it every
 * hook returns at once and nothing is printed. The lines carry event names, times and
 * counts only: never patient data, names or tokens.
 *
 * SIGUSR1 (handled only with MYALTAMED_BENCH=1) starts the frame-rate test: the scrollable
 * given to alta_bench_watch_scrollable() is brought into view and its vertical adjustment
 * animated from a tick callback, first at a steady speed, then swept from the top to the
 * bottom, MYALTAMED_BENCH_SCROLL_S seconds each (5 by default); a window with nothing to
 * scroll is redrawn on every frame instead. Each phase prints
 * `bench scroll-<phase> FRAMES ELAPSED_US WORST_FRAME_US N_ROWS`.
 *
 * tests/bench/empty-window.c compiles this file too, so both sides of a comparison are
 * measured by the same code.
 */

#define STEADY_SPEED_PX_S 2000.0
#define SETTLE_MS         1000

typedef struct
{
  const char *name;
  double      speed_px_s;   /* 0: the whole list, top to bottom, in one phase */
} Phase;

static const Phase phases[] = {
  { "steady", STEADY_SPEED_PX_S },
  { "sweep", 0 },
};

typedef struct
{
  GtkWidget     *target;    /* weak: the scrollable, else the window */
  GtkAdjustment *adjustment;
  guint          phase;
  gint64         duration_us;
  gint64         start_frame_time;
  gint64         start;
  gint64         last;
  gint64         worst;
  guint          frames;
} ScrollTest;

static GtkWidget *watched_window;
static guint frames_drawn;  /* by the watched window's frame clock so far */
static GtkWidget *watched_scrollable;
static ScrollTest *scroll_test;

/**
 * alta_bench_enabled:
 *
 * Returns: whether the hooks print (MYALTAMED_BENCH=1), for a caller that would build an
 *   event's name only to have it printed
 */
gboolean
alta_bench_enabled (void)
{
  static int on = -1;

  if (on < 0)
    on = g_strcmp0 (g_getenv ("MYALTAMED_BENCH"), "1") == 0;
  return on;
}

static void
print_event (const char *event,
             gint64      time_us)
{
  struct timespec cpu = { 0 };

  /* The process's CPU time (all threads) beside the wall time: the machine may be shared */
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  g_print ("bench %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u\n", event, time_us,
           (gint64)cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000, frames_drawn);
}

static guint
count_rows (GtkWidget *widget)
{
  GListModel *model;

  if (!GTK_IS_LIST_VIEW (widget))
    return 0;
  model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (widget)));
  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

static void start_phase (void);

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  ScrollTest *test = scroll_test;
  const Phase *phase = &phases[test->phase];
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);
  gint64 now = g_get_monotonic_time ();
  double elapsed_s;

  if (test->start == 0)
    {
      test->start = test->last = now;
      test->start_frame_time = frame_time;
    }
  else
    {
      test->worst = MAX (test->worst, now - test->last);
      test->last = now;
      test->frames++;
    }

  if (now - test->start >= test->duration_us)
    {
      g_autofree char *event = g_strdup_printf ("scroll-%s", phase->name);

      g_print ("bench %s %u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u\n", event, test->frames,
               test->last - test->start, test->worst, count_rows (widget));
      test->phase++;
      start_phase ();
      return G_SOURCE_REMOVE;
    }

  elapsed_s = (frame_time - test->start_frame_time) / (double)G_USEC_PER_SEC;
  if (test->adjustment != NULL)
    {
      double range = gtk_adjustment_get_upper (test->adjustment) -
                     gtk_adjustment_get_page_size (test->adjustment);
      double value;

      if (phase->speed_px_s > 0 && range >= 1)
        {
          /* Down and back up again at a steady speed */
          value = (gint64)(phase->speed_px_s * elapsed_s) % (gint64)(2 * range);
          if (value > range)
            value = 2 * range - value;
        }
      else
        value = range * elapsed_s * G_USEC_PER_SEC / test->duration_us;
      gtk_adjustment_set_value (test->adjustment, value);
    }
  else
    gtk_widget_queue_draw (widget);

  return G_SOURCE_CONTINUE;
}

static void
start_phase (void)
{
  ScrollTest *test = scroll_test;

  if (test->phase >= G_N_ELEMENTS (phases) || test->target == NULL)
    {
      print_event ("scroll-done", g_get_monotonic_time ());
      g_clear_weak_pointer (&test->target);
      g_clear_object (&test->adjustment);
      g_clear_pointer (&scroll_test, g_free);
      return;
    }

  test->start = test->last = test->worst = 0;
  test->frames = 0;
  if (test->adjustment != NULL)
    gtk_adjustment_set_value (test->adjustment, 0);
  gtk_widget_add_tick_callback (test->target, scroll_tick_cb, NULL, NULL);
}

static gboolean
settled_cb (gpointer user_data)
{
  start_phase ();
  return G_SOURCE_REMOVE;
}

/* Brings @widget into view: the page of the AdwViewStack it is in */
static void
show_page_of (GtkWidget *widget)
{
  GtkWidget *page = widget;
  GtkWidget *parent;

  while ((parent = gtk_widget_get_parent (page)) != NULL && !ADW_IS_VIEW_STACK (parent))
    page = parent;
  if (parent != NULL)
    adw_view_stack_set_visible_child (ADW_VIEW_STACK (parent), page);
}

static gboolean
on_sigusr1_cb (gpointer user_data)
{
  const char *seconds = g_getenv ("MYALTAMED_BENCH_SCROLL_S");
  GtkWidget *target = watched_scrollable != NULL ? watched_scrollable : watched_window;

  if (scroll_test != NULL || target == NULL)
    return G_SOURCE_CONTINUE;

  scroll_test = g_new0 (ScrollTest, 1);
  scroll_test->duration_us = (seconds != NULL ? g_ascii_strtod (seconds, NULL) : 5) * G_USEC_PER_SEC;
  if (scroll_test->duration_us <= 0)
    scroll_test->duration_us = 5 * G_USEC_PER_SEC;
  g_set_weak_pointer (&scroll_test->target, target);
  if (GTK_IS_SCROLLABLE (target))
    {
      scroll_test->adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (target));
      g_object_ref (scroll_test->adjustment);
      show_page_of (target);
    }

  print_event ("scroll-start", g_get_monotonic_time ());
  g_timeout_add (SETTLE_MS, settled_cb, NULL);
  return G_SOURCE_CONTINUE;
}

static void
on_first_paint_cb (GdkFrameClock *clock,
                   GtkWidget     *window)
{
  print_event ("first-frame", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, on_first_paint_cb, window);
}

static void
on_paint_cb (GdkFrameClock *clock,
             GtkWidget     *window)
{
  frames_drawn++;
}

static void
on_window_realize_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_first_paint_cb), window);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_paint_cb), window);
}

/**
 * alta_bench_watch_window:
 *
 * Prints `bench first-frame` when @window has drawn its first frame, and lets SIGUSR1
 * start the frame-rate test.
 */
void
alta_bench_watch_window (GtkWindow *window)
{
  if (!alta_bench_enabled () || watched_window != NULL)
    return;

  g_set_weak_pointer (&watched_window, GTK_WIDGET (window));
  g_signal_connect (window, "realize", G_CALLBACK (on_window_realize_cb), NULL);
  g_unix_signal_add (SIGUSR1, on_sigusr1_cb, NULL);
}

/**
 * alta_bench_watch_scrollable:
 *
 * Makes @scrollable (a #GtkScrollable) the widget the frame-rate test scrolls.
 */
void
alta_bench_watch_scrollable (GtkWidget *scrollable)
{
  if (!alta_bench_enabled ())
    return;

  g_set_weak_pointer (&watched_scrollable, scrollable);
}

/**
 * alta_bench_mark:
 *
 * Prints `bench @event <now>`.
 */
void
alta_bench_mark (const char *event)
{
  if (!alta_bench_enabled ())
    return;

  print_event (event, g_get_monotonic_time ());
}

static void
on_mark_paint_cb (GdkFrameClock *clock,
                  char          *event)
{
  print_event (event, g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, on_mark_paint_cb, event);
}

/**
 * alta_bench_mark_next_frame:
 *
 * Prints `bench @event <time>` once the frame after this moment is drawn, so what
 * changed now is on the screen (at once when @widget is not realized).
 */
void
alta_bench_mark_next_frame (GtkWidget  *widget,
                            const char *event)
{
  GdkFrameClock *clock;

  if (!alta_bench_enabled ())
    return;

  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    {
      alta_bench_mark (event);
      return;
    }

  g_signal_connect_data (clock, "after-paint", G_CALLBACK (on_mark_paint_cb), g_strdup (event),
                         (GClosureNotify)(void (*) (void))g_free, 0);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}
