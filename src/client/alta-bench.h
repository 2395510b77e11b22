/* alta-bench.h: timing hooks for tests/bench/bench-client.sh
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean alta_bench_enabled     (void);
void alta_bench_watch_window     (GtkWindow  *window);
void alta_bench_watch_scrollable (GtkWidget  *scrollable);
void alta_bench_mark             (const char *event);
void alta_bench_mark_next_frame  (GtkWidget  *widget,
                                  const char *event);

G_END_DECLS
