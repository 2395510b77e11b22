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
  ALTA_APP_MODE_KIOSK,     /* the patient app on a clinic lobby's shared screen */
} AltaAppMode;

/* The kiosk's own settings: /etc/myaltamed/kiosk.conf (docs/kiosk-mode.md) */
typedef struct
{
  gint64 idle_s;      /* a patient is signed out after this long at most (60–900) */
  char  *renderer;    /* GSK_RENDERER for the kiosk; "cairo" unless the site says */
} AltaKioskConfig;

#define ALTA_KIOSK_FILE "/etc/myaltamed/kiosk.conf"

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
gboolean           alta_app_mode_choose_kiosk        (gboolean            kiosk_option,
                                                      AltaKioskConfig   **out_config);
void               alta_app_mode_set_current         (AltaAppMode         mode);
AltaAppMode        alta_app_mode_get_current         (void);
gboolean           alta_app_mode_allows_files        (void);
void               alta_app_mode_adopt_link          (GtkWidget          *link);
const char        *alta_app_mode_link_tooltip        (void);
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

AltaKioskConfig   *alta_kiosk_config_new_default     (void);
AltaKioskConfig   *alta_kiosk_config_load            (const char         *path,
                                                      GError            **error);
void               alta_kiosk_config_free            (AltaKioskConfig    *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaKioskConfig, alta_kiosk_config_free)

G_END_DECLS
