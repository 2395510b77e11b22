/* alta-window.h: the main window
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-idle-monitor.h"
#include "alta-notifier.h"
#include "alta-portal-client.h"
#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_WINDOW (alta_window_get_type ())

G_DECLARE_FINAL_TYPE (AltaWindow, alta_window, ALTA, WINDOW, AdwApplicationWindow)

AltaWindow *alta_window_new        (GtkApplication   *application,
                                    AltaPortalClient *client,
                                    const GError     *setup_error,
                                    GSettings        *settings);
void        alta_window_set_client (AltaWindow       *self,
                                    AltaPortalClient *client,
                                    const GError     *setup_error);
AltaSession *alta_window_get_session      (AltaWindow       *self);
void         alta_window_set_session      (AltaWindow       *self,
                                           AltaSession      *session);
AltaIdleMonitor *alta_window_get_idle_monitor (AltaWindow   *self);
AltaNotifier *alta_window_get_notifier  (AltaWindow       *self);
void         alta_window_take_over        (AltaWindow       *self,
                                           AltaWindow       *from,
                                           AltaSession      *session);

gint64       alta_window_get_idle_limit   (AltaWindow       *self);
void         alta_window_set_kiosk        (AltaWindow       *self,
                                           gint64            idle_s,
                                           GtkWidget        *welcome);
void         alta_window_show_sign_in_way (AltaWindow       *self,
                                           const char       *way);

G_END_DECLS
