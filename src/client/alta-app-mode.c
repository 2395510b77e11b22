/* alta-app-mode.c: where the app runs and what that mode allows
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-app-mode"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-app-mode.h"
#include "alta-kiosk.h"

/* One program, several places (shared/design/ARCHITECTURE.md): a patient's desktop, and the
 * clinic's enrollment station, which `--station` or the station file
 * (/etc/myaltamed/station.conf, or $MYALTAMED_STATION_FILE for tests) starts. The station
 * keeps nothing (settings in memory, no keyring) and is locked down: fullscreen, and no key
 * or close request ends it. The lobby kiosk (`--kiosk`, or /etc/myaltamed/kiosk.conf, or
 * $MYALTAMED_KIOSK_FILE) asks the same questions: it keeps nothing and is locked down, and
 * besides opens no file chooser and no browser.
 */

#define DEFAULT_STAFF_IDLE_S    300
#define DEFAULT_PATIENT_IDLE_S  300
#define DEFAULT_DONE_S          8

#define DEFAULT_KIOSK_IDLE_S    900

static AltaAppMode current_mode = ALTA_APP_MODE_DESKTOP;

static const char *
station_file (void)
{
  const char *path = g_getenv ("MYALTAMED_STATION_FILE");

  return path != NULL && path[0] != '\0' ? path : ALTA_STATION_FILE;
}

/**
 * alta_app_mode_choose:
 * @station_option: whether `--station` was given
 * @out_config: (out) (optional) (transfer full): the station's settings in station mode
 *
 * Returns: the station when asked on the command line or when the station file exists,
 *   else the desktop
 */
AltaAppMode
alta_app_mode_choose (gboolean            station_option,
                      AltaStationConfig **out_config)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaStationConfig) config = NULL;
  const char *path = station_file ();
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);

  if (!station_option && !exists)
    return ALTA_APP_MODE_DESKTOP;

  if (exists)
    config = alta_station_config_load (path, &error);
  if (config == NULL)
    {
      if (error != NULL)
        g_message ("The station file %s cannot be read, the defaults apply: %s", path,
                   error->message);
      config = alta_station_config_new_default ();
    }

  if (out_config != NULL)
    *out_config = g_steal_pointer (&config);
  return ALTA_APP_MODE_STATION;
}

/**
 * alta_app_mode_choose_kiosk:
 * @kiosk_option: whether `--kiosk` was given
 * @out_config: (out) (optional) (transfer full): the kiosk's settings
 *
 * The kiosk file is /etc/myaltamed/kiosk.conf, or $MYALTAMED_KIOSK_FILE for tests.
 *
 * Returns: whether the app runs as a lobby kiosk: asked on the command line, or the kiosk
 *   file exists
 */
gboolean
alta_app_mode_choose_kiosk (gboolean          kiosk_option,
                            AltaKioskConfig **out_config)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaKioskConfig) config = NULL;
  const char *path = g_getenv ("MYALTAMED_KIOSK_FILE");
  gboolean exists;

  if (path == NULL || path[0] == '\0')
    path = ALTA_KIOSK_FILE;
  exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!kiosk_option && !exists)
    return FALSE;

  if (exists)
    config = alta_kiosk_config_load (path, &error);
  if (config == NULL)
    {
      if (error != NULL)
        g_message ("The kiosk file %s cannot be read, the defaults apply: %s", path,
                   error->message);
      config = alta_kiosk_config_new_default ();
    }
  if (out_config != NULL)
    *out_config = g_steal_pointer (&config);
  return TRUE;
}

/* The mode of this process, said once by the application: rows and pages ask it */
void
alta_app_mode_set_current (AltaAppMode mode)
{
  current_mode = mode;
}

AltaAppMode
alta_app_mode_get_current (void)
{
  return current_mode;
}

/**
 * alta_app_mode_allows_files:
 *
 * Returns: whether the app may open a file chooser ("Add to Calendar"): not in a kiosk,
 *   where a patient must not reach the computer's files nor leave any
 */
gboolean
alta_app_mode_allows_files (void)
{
  return current_mode != ALTA_APP_MODE_KIOSK;
}

static gboolean
on_activate_link_cb (GtkLinkButton *link,
                     gpointer       user_data)
{
  alta_kiosk_show_link (GTK_WIDGET (link), gtk_link_button_get_uri (link));
  return TRUE;
}

/**
 * alta_app_mode_adopt_link:
 * @link: a #GtkLinkButton
 *
 * In a kiosk, @link opens no browser: it shows its address as a QR code, for the patient's
 * own phone. Elsewhere it opens the browser as usual.
 */
void
alta_app_mode_adopt_link (GtkWidget *link)
{
  g_return_if_fail (GTK_IS_LINK_BUTTON (link));

  if (current_mode == ALTA_APP_MODE_KIOSK)
    g_signal_connect (link, "activate-link", G_CALLBACK (on_activate_link_cb), NULL);
}

/**
 * alta_app_mode_link_tooltip:
 *
 * Returns: what a MedlinePlus "Learn more" link says it does (its tooltip, which a screen
 *   reader reads as its description): a kiosk opens no browser, it shows a QR code
 */
const char *
alta_app_mode_link_tooltip (void)
{
  if (current_mode == ALTA_APP_MODE_KIOSK)
    return _("Read about it on MedlinePlus, on your phone, from a QR code");
  return _("Read about it on MedlinePlus, in your web browser");
}

const char *
alta_app_mode_to_string (AltaAppMode mode)
{
  switch (mode)
    {
    case ALTA_APP_MODE_STATION:
      return "station";
    case ALTA_APP_MODE_KIOSK:
      return "kiosk";
    case ALTA_APP_MODE_DESKTOP:
    default:
      return "desktop";
    }
}

/**
 * alta_app_mode_keeps_nothing:
 *
 * Returns: whether the mode writes nothing to disk: settings in memory only, no username in
 *   the keyring (every mode but the desktop)
 */
gboolean
alta_app_mode_keeps_nothing (AltaAppMode mode)
{
  return mode != ALTA_APP_MODE_DESKTOP;
}

/**
 * alta_app_mode_is_locked_down:
 *
 * Returns: whether the mode's windows are fullscreen and cannot be closed
 */
gboolean
alta_app_mode_is_locked_down (AltaAppMode mode)
{
  return mode != ALTA_APP_MODE_DESKTOP;
}

static gboolean
on_close_request_cb (GtkWindow *window,
                     gpointer   user_data)
{
  g_message ("Close request refused: this window cannot be closed here");
  return TRUE;
}

static gboolean
refuse_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  g_message ("Key refused: %s does nothing here", (const char *)user_data);
  return TRUE;
}

/**
 * alta_app_mode_lock_down_window:
 *
 * In a locked-down mode, makes @window fullscreen and refuses every way to close it: the
 * window manager's close request (Alt+F4 on most desktops), and Ctrl+Q, Ctrl+W and Alt+F4
 * when they reach the app. In the desktop mode, does nothing.
 */
void
alta_app_mode_lock_down_window (AltaAppMode  mode,
                                GtkWindow   *window)
{
  static const char * const refused[] = { "<Alt>F4", "<Control>q", "<Control>w",
                                          "<Control><Shift>q", "<Control><Shift>w" };
  GtkEventController *controller;

  g_return_if_fail (GTK_IS_WINDOW (window));

  if (!alta_app_mode_is_locked_down (mode))
    return;

  gtk_window_set_deletable (window, FALSE);
  g_signal_connect (window, "close-request", G_CALLBACK (on_close_request_cb), NULL);

  /* In the capture phase: before any widget or action of the window sees the key */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (refused[i]),
                                                            gtk_callback_action_new (refuse_shortcut_cb,
                                                                                     (gpointer)refused[i],
                                                                                     NULL)));
  gtk_widget_add_controller (GTK_WIDGET (window), controller);

  gtk_window_fullscreen (window);
}

AltaStationConfig *
alta_station_config_new_default (void)
{
  AltaStationConfig *config = g_new0 (AltaStationConfig, 1);

  config->staff_idle_s = DEFAULT_STAFF_IDLE_S;
  config->patient_idle_s = DEFAULT_PATIENT_IDLE_S;
  config->done_s = DEFAULT_DONE_S;
  return config;
}

/* A number of seconds of [station] @key, within @min–@max; @fallback when absent or wrong */
static gint64
get_seconds (GKeyFile   *file,
             const char *key,
             gint64      min,
             gint64      max,
             gint64      fallback)
{
  g_autoptr (GError) error = NULL;
  gint64 value = g_key_file_get_int64 (file, "station", key, &error);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) &&
          !g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
        g_message ("Station file: %s is not a number of seconds, %" G_GINT64_FORMAT " applies",
                   key, fallback);
      return fallback;
    }
  if (value < min || value > max)
    {
      g_message ("Station file: %s must be %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                 " seconds, %" G_GINT64_FORMAT " applies", key, min, max, fallback);
      return fallback;
    }
  return value;
}

/**
 * alta_station_config_load:
 * @path: a key file (docs/station.md)
 *
 * Returns: (transfer full) (nullable): the station's settings, defaults where a key is absent
 *   or wrong; %NULL when the file cannot be read as a key file
 */
AltaStationConfig *
alta_station_config_load (const char  *path,
                          GError     **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  AltaStationConfig *config;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return NULL;

  config = alta_station_config_new_default ();
  config->name = g_key_file_get_string (file, "station", "name", NULL);
  if (config->name != NULL && config->name[0] == '\0')
    g_clear_pointer (&config->name, g_free);
  /* Two minutes at least: the idle warning comes a minute before the limit */
  config->staff_idle_s = get_seconds (file, "staff-idle-timeout", 120, 3600, DEFAULT_STAFF_IDLE_S);
  config->patient_idle_s = get_seconds (file, "patient-idle-timeout", 120, 3600,
                                        DEFAULT_PATIENT_IDLE_S);
  config->done_s = get_seconds (file, "done-seconds", 2, 60, DEFAULT_DONE_S);
  return config;
}

void
alta_station_config_free (AltaStationConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->name);
  g_free (config);
}

AltaKioskConfig *
alta_kiosk_config_new_default (void)
{
  AltaKioskConfig *config = g_new0 (AltaKioskConfig, 1);

  config->idle_s = DEFAULT_KIOSK_IDLE_S;
  return config;
}

/**
 * alta_kiosk_config_load:
 * @path: a key file (docs/kiosk-mode.md, "kiosk-config")
 *
 * [kiosk] idle-timeout-minutes= (1 to 15; the limit is never longer, and cannot be turned
 * off), renderer= (GSK_RENDERER's value; cairo by default).
 *
 * Returns: (transfer full) (nullable): the kiosk's settings, defaults where a key is absent
 *   or wrong; %NULL when the file cannot be read as a key file
 */
AltaKioskConfig *
alta_kiosk_config_load (const char  *path,
                        GError     **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  AltaKioskConfig *config;
  gint64 minutes;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return NULL;

  config = alta_kiosk_config_new_default ();
  minutes = g_key_file_get_int64 (file, "kiosk", "idle-timeout-minutes", &local_error);
  if (local_error == NULL && minutes >= 1 && minutes <= 15)
    config->idle_s = minutes * 60;
  else if (local_error == NULL ||
           (!g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) &&
            !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND)))
    g_message ("Kiosk file: idle-timeout-minutes must be 1–15 minutes, 15 apply");

  config->renderer = g_key_file_get_string (file, "kiosk", "renderer", NULL);
  if (config->renderer != NULL && config->renderer[0] == '\0')
    g_clear_pointer (&config->renderer, g_free);
  return config;
}

void
alta_kiosk_config_free (AltaKioskConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->renderer);
  g_free (config);
}
