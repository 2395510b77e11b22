/* alta-idle-monitor.h: signing out a person who walked away
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ALTA_TYPE_IDLE_MONITOR (alta_idle_monitor_get_type ())

G_DECLARE_FINAL_TYPE (AltaIdleMonitor, alta_idle_monitor, ALTA, IDLE_MONITOR, GObject)

typedef gint64 (*AltaIdleMonitorClock) (gpointer user_data);

AltaIdleMonitor *alta_idle_monitor_new        (GtkWidget       *window);
void             alta_idle_monitor_start      (AltaIdleMonitor *self,
                                               gint64           limit_s);
void             alta_idle_monitor_stop       (AltaIdleMonitor *self);
gboolean         alta_idle_monitor_reset      (AltaIdleMonitor *self);
gboolean         alta_idle_monitor_take_activity (AltaIdleMonitor *self);
void             alta_idle_monitor_set_clocks (AltaIdleMonitor      *self,
                                               AltaIdleMonitorClock  wall,
                                               AltaIdleMonitorClock  steady,
                                               gpointer              user_data);
void             alta_idle_monitor_check      (AltaIdleMonitor *self);

G_END_DECLS
