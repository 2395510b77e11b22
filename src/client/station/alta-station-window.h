/* alta-station-window.h: the enrollment station
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-app-mode.h"
#include "alta-idle-monitor.h"
#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_STATION_WINDOW (alta_station_window_get_type ())

G_DECLARE_FINAL_TYPE (AltaStationWindow, alta_station_window, ALTA, STATION_WINDOW, AdwApplicationWindow)

AltaStationWindow *alta_station_window_new              (GtkApplication          *application,
                                                         AltaPortalClient        *client,
                                                         const GError            *setup_error,
                                                         const AltaStationConfig *config);
void               alta_station_window_set_client       (AltaStationWindow       *self,
                                                         AltaPortalClient        *client,
                                                         const GError            *setup_error);
AltaIdleMonitor   *alta_station_window_get_idle_monitor (AltaStationWindow       *self);

G_END_DECLS
