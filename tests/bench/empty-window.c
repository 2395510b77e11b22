/* empty-window.c: the reference of tests/bench/bench-client.sh, an empty libadwaita window
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "alta-bench.h"

/* The least a libadwaita app can be: an AdwApplication, started like myaltamed (not
 * unique, no D-Bus name), showing an empty AdwApplicationWindow of myaltamed's default
 * size. The same hooks as the app's (alta-bench.c, MYALTAMED_BENCH=1) time its first frame
 * and, on SIGUSR1, count its frames while it redraws on every frame.
 */

static void
on_activate_cb (GtkApplication *application)
{
  GtkWidget *window = adw_application_window_new (application);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 720);
  alta_bench_watch_window (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (AdwApplication) application = NULL;

  application = adw_application_new ("net.myaltamed.BenchEmptyWindow", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (application, "activate", G_CALLBACK (on_activate_cb), NULL);
  return g_application_run (G_APPLICATION (application), argc, argv);
}
