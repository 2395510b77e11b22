/* alta-app-mode.h: where the app runs (a patient's desktop, the enrollment station) and what
 * that mode allows
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  ALTA_APP_MODE_DESKTOP,   /* a patient at home: the default */
  ALTA_APP_MODE_STATION,   /* staff-assisted enrollment at the clinic */
} AltaAppMode;

/* The station's own settings: /etc/myaltamed/station.conf (docs/station.md) */
typedef struct
{
  char  *name;               /* the station's name, shown to staff; may be NULL */
  gint64 staff_idle_s;       /* the staff member's screens: signed out after this long */
  gint64 patient_idle_s;     /* the patient's step: wiped after this long */
  gint64 done_s;             /* how long "You're all set" shows */
} AltaStationConfig;

#define ALTA_STATION_FILE "/etc/myaltamed/station.conf"

AltaAppMode        alta_app_mode_choose              (gboolean            station_option,
                                                      AltaStationConfig **out_config);
const char        *alta_app_mode_to_string           (AltaAppMode         mode);
gboolean           alta_app_mode_keeps_nothing       (AltaAppMode         mode);
gboolean           alta_app_mode_is_locked_down      (AltaAppMode         mode);
void               alta_app_mode_lock_down_window    (AltaAppMode         mode,
                                                      GtkWindow          *window);

AltaStationConfig *alta_station_config_new_default   (void);
AltaStationConfig *alta_station_config_load          (const char         *path,
                                                      GError            **error);
void               alta_station_config_free          (AltaStationConfig  *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaStationConfig, alta_station_config_free)

G_END_DECLS
