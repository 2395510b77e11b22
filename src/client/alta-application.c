/* alta-application.c: the MyAltaMed application
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-application"

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "alta-a11y.h"
#include "alta-app-mode.h"
#include "alta-application-private.h"
#include "alta-kiosk.h"
#include "alta-portal-client.h"
#include "alta-portal-error.h"
#include "alta-station-window.h"
#include "alta-tls-database.h"
#include "alta-window.h"

#define SITE_FILE        "/etc/myaltamed/site.conf"
#define DEFAULT_PORTAL   "https://portal.myaltamed.net"

/* Where the portal is, in order: the command line (--server, --ca-file), the settings, the
 * clinic's site file (SITE_FILE: [portal] url=, ca-file=), then MyAltaMed's own address. The
 * system's certificate authorities are always trusted; a CA file adds to them.
 */

struct _AltaApplication
{
  AdwApplication    parent_instance;

  GSettings        *settings;
  char             *server_option;
  char             *ca_file_option;
  char             *system_language;   /* $LANGUAGE as the app was started */
  char             *account_language;  /* while a signed-in account's language applies */
  char             *portal_url;
  AltaPortalClient *client;
  GError           *client_error;
  gboolean          station_option;
  AltaAppMode       mode;
  AltaStationConfig *station_config;  /* in station mode */
  gboolean          kiosk_option;
  AltaKioskConfig  *kiosk_config;    /* in kiosk mode */
};

G_DEFINE_FINAL_TYPE (AltaApplication, alta_application, ADW_TYPE_APPLICATION)

static char *
read_site_file (const char *key)
{
  g_autoptr (GKeyFile) site = g_key_file_new ();
  const char *path = g_getenv ("MYALTAMED_SITE_FILE");

  if (!g_key_file_load_from_file (site, path != NULL ? path : SITE_FILE, G_KEY_FILE_NONE, NULL))
    return NULL;

  return g_key_file_get_string (site, "portal", key, NULL);
}

static char *
choose (AltaApplication *self,
        const char      *option,
        const char      *key)
{
  g_autofree char *from_settings = NULL;

  if (option != NULL && option[0] != '\0')
    return g_strdup (option);

  if (self->settings != NULL)
    {
      from_settings = g_settings_get_string (self->settings, key);
      if (from_settings[0] != '\0')
        return g_steal_pointer (&from_settings);
    }

  return read_site_file (g_str_equal (key, "server-url") ? "url" : key);
}

/* Reading a CA file (with the system's trust store) takes tens of milliseconds: it is done
 * in a thread, while the window shows its first frame.
 */
static void
read_ca_file_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GTlsDatabase *database = alta_tls_database_new (task_data, &error);

  if (database == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, database, g_object_unref);
}

static void client_ready (AltaApplication *self,
                          GTlsDatabase    *database);

static void
ca_file_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AltaApplication *self = ALTA_APPLICATION (object);
  g_autoptr (GTlsDatabase) database = NULL;
  g_autoptr (GError) error = NULL;

  database = g_task_propagate_pointer (G_TASK (result), &error);
  if (database == NULL)
    {
      g_message ("The CA file %s cannot be read: %s",
                 (const char *)g_task_get_task_data (G_TASK (result)), error->message);
      g_set_error (&self->client_error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CERTIFICATE,
                   "The CA file cannot be read: %s", error->message);
    }

  client_ready (self, database);
}

/* Makes the portal's client: at once, or once its CA file is read */
static void
make_client (AltaApplication *self)
{
  g_autofree char *ca_file = choose (self, self->ca_file_option, "ca-file");
  g_autoptr (GTask) task = NULL;

  g_clear_pointer (&self->portal_url, g_free);
  self->portal_url = choose (self, self->server_option, "server-url");
  if (ca_file == NULL)
    {
      client_ready (self, NULL);
      return;
    }

  task = g_task_new (self, NULL, ca_file_read_cb, NULL);
  g_task_set_source_tag (task, make_client);
  g_task_set_task_data (task, g_steal_pointer (&ca_file), g_free);
  g_task_run_in_thread (task, read_ca_file_thread);
}

#ifdef __GLIBC__
/* gettext's cache of translations: bumped to make it forget them */
extern int _nl_msg_cat_cntr;
#endif

/* The portal answers in the app's language */
static void
client_follow_language (AltaApplication *self)
{
  const char * const *names = g_get_language_names ();

  if (self->client != NULL)
    alta_portal_client_set_language (self->client, g_str_has_prefix (names[0], "es") ? "es" : "en");
}

/* Translations follow @language ("en", "es"), or the system's when it is empty. Dates are
 * spelled by the app itself (alta-format.c), so they follow too.
 */
static void
apply_language (AltaApplication *self,
                const char      *language)
{
  const char *messages;

  if (language != NULL && language[0] != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
  else if (self->system_language != NULL)
    g_setenv ("LANGUAGE", self->system_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  /* gettext ignores $LANGUAGE in the "C" locale; C.UTF-8 is on every machine */
  messages = setlocale (LC_MESSAGES, "");
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");
#ifdef __GLIBC__
  ++_nl_msg_cat_cntr;
#endif

  client_follow_language (self);
}

/* A new window; in @old's place when given (see alta_window_take_over()) */
static void
open_window (AltaApplication *self,
             AltaWindow      *old,
             AltaSession     *session)
{
  GtkWindow *window = GTK_WINDOW (alta_window_new (GTK_APPLICATION (self), self->client,
                                                   self->client_error, self->settings));
  GtkShortcutsWindow *shortcuts;

  if (self->mode == ALTA_APP_MODE_KIOSK)
    alta_kiosk_set_up_window (ALTA_WINDOW (window), self->kiosk_config);
  if (old != NULL)
    alta_window_take_over (ALTA_WINDOW (window), old, session);

  /* GtkApplication gave the window its "Keyboard Shortcuts" (resources/gtk/help-overlay.ui) */
  shortcuts = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  if (shortcuts != NULL)
    alta_a11y_tidy_window (GTK_WINDOW (shortcuts), _("Keyboard Shortcuts"));
  gtk_window_present (window);
  if (old != NULL)
    gtk_window_destroy (GTK_WINDOW (old));
}

/* The language the sign-in page speaks: chosen on it, else the system's */
static void
apply_sign_in_language (AltaApplication *self)
{
  g_autofree char *language = NULL;

  g_clear_pointer (&self->account_language, g_free);
  language = self->settings != NULL ? g_settings_get_string (self->settings, "language") : NULL;
  apply_language (self, language);
}

/* The client is made (or could not be): every window reaches the portal with it */
static void
client_ready (AltaApplication *self,
              GTlsDatabase    *database)
{
  if (self->client_error == NULL)
    {
      self->client = alta_portal_client_new (self->portal_url != NULL ? self->portal_url
                                                                      : DEFAULT_PORTAL,
                                             database, &self->client_error);
      if (self->client != NULL)
        g_message ("Portal: %s", alta_portal_client_get_base_url (self->client));
    }

  client_follow_language (self);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (ALTA_IS_WINDOW (l->data))
      alta_window_set_client (l->data, self->client, self->client_error);
    else if (ALTA_IS_STATION_WINDOW (l->data))
      alta_station_window_set_client (l->data, self->client, self->client_error);
}

static void
alta_application_activate (GApplication *application)
{
  AltaApplication *self = ALTA_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  apply_sign_in_language (self);
  if (self->mode == ALTA_APP_MODE_STATION)
    gtk_window_present (GTK_WINDOW (alta_station_window_new (GTK_APPLICATION (self), self->client,
                                                             self->client_error,
                                                             self->station_config)));
  else
    open_window (self, NULL, NULL);

  /* The window shows "Connecting" until the client is made */
  if (self->client == NULL && self->client_error == NULL)
    make_client (self);
}

/* The language rows of the sign-in page and of Preferences: remembered, and the window
 * built again in it */
static void
language_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  AltaApplication *self = user_data;
  const char *language = g_variant_get_string (parameter, NULL);
  GtkWindow *old = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!g_str_equal (language, "en") && !g_str_equal (language, "es"))
    return;

  g_message ("Language: %s", language);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "language", language);
  g_clear_pointer (&self->account_language, g_free);
  apply_language (self, language);

  /* Signed in (Preferences), the new window takes over the session, the size and what was
   * typed; signed out (the sign-in page), the size and what was typed there */
  open_window (self, ALTA_IS_WINDOW (old) ? ALTA_WINDOW (old) : NULL, NULL);
}

/**
 * alta_application_open_in_language:
 * @window: the window where @session signed in
 * @language: (nullable): the account's language, "en" or "es"
 * @session: the session just signed in
 *
 * The account's language applies while it is signed in, unless the person chose the
 * language @window speaks (on the sign-in page, or by $LANGUAGE): when @language is not that
 * one, a window in @language takes @window's place and shows @session. It is not
 * remembered: after sign-out the sign-in page speaks the app's language again.
 *
 * Returns: whether a new window shows @session; if not, @window should
 */
gboolean
alta_application_open_in_language (AltaApplication *self,
                                   AltaWindow      *window,
                                   const char      *language,
                                   AltaSession     *session)
{
  g_autofree char *chosen = NULL;

  g_return_val_if_fail (ALTA_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (ALTA_IS_WINDOW (window), FALSE);
  g_return_val_if_fail (ALTA_IS_SESSION (session), FALSE);

  if (self->client == NULL ||
      (g_strcmp0 (language, "en") != 0 && g_strcmp0 (language, "es") != 0) ||
      g_str_equal (language, alta_portal_client_get_language (self->client)))
    return FALSE;

  /* A language the person chose stays: on the sign-in page's language row, or for their
   * whole desktop ($LANGUAGE). The account's applies over the app's default. */
  chosen = self->settings != NULL ? g_settings_get_string (self->settings, "language") : NULL;
  if ((chosen != NULL && chosen[0] != '\0') ||
      (self->system_language != NULL && self->system_language[0] != '\0'))
    return FALSE;

  g_message ("Language of the account: %s", language);
  apply_language (self, language);
  g_free (self->account_language);
  self->account_language = g_strdup (language);
  open_window (self, window, session);
  return TRUE;
}

static gboolean
restore_language_cb (gpointer user_data)
{
  g_autoptr (AltaWindow) window = user_data;
  AltaApplication *self = ALTA_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

  /* Gone already, or signed in again meanwhile: nothing to replace */
  if (self == NULL || alta_window_get_session (window) != NULL)
    return G_SOURCE_REMOVE;

  apply_sign_in_language (self);
  open_window (self, window, NULL);
  return G_SOURCE_REMOVE;
}

/**
 * alta_application_restore_language:
 * @window: a window that just signed out
 *
 * After an account that had its own language signs out, the sign-in page speaks its own
 * language again: a window in it takes @window's place, from the main loop (@window may be
 * signing out from inside its own handlers).
 */
void
alta_application_restore_language (AltaApplication *self,
                                   AltaWindow      *window)
{
  g_return_if_fail (ALTA_IS_APPLICATION (self));
  g_return_if_fail (ALTA_IS_WINDOW (window));

  if (self->account_language == NULL)
    return;

  g_idle_add_full (G_PRIORITY_DEFAULT, restore_language_cb, g_object_ref (window),
                   NULL);
}

static int
alta_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  AltaApplication *self = ALTA_APPLICATION (application);

  g_variant_dict_lookup (options, "server", "s", &self->server_option);
  g_variant_dict_lookup (options, "ca-file", "^ay", &self->ca_file_option);
  g_variant_dict_lookup (options, "station", "b", &self->station_option);
  g_variant_dict_lookup (options, "kiosk", "b", &self->kiosk_option);
  if (alta_app_mode_choose_kiosk (self->kiosk_option, &self->kiosk_config))
    {
      self->mode = ALTA_APP_MODE_KIOSK;
      /* Before GTK starts (in startup) */
      alta_kiosk_choose_renderer (self->kiosk_config);
    }
  else
    self->mode = alta_app_mode_choose (self->station_option, &self->station_config);
  alta_app_mode_set_current (self->mode);
  g_message ("Mode: %s", alta_app_mode_to_string (self->mode));

  /* On the desktop the app is unique: a second launch (the desktop file is DBusActivatable)
   * presents the window that is open. It runs on its own when it cannot be one instance:
   * locked down (a kiosk or station exports no actions on the session bus, and no other
   * process can reach into it), or pointed at another portal or CA than its settings' (one
   * instance has one client, so it could not take on a second launch's --server; the tests
   * start several instances this way) */
  if (alta_app_mode_is_locked_down (self->mode) || self->server_option != NULL ||
      self->ca_file_option != NULL)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static const GActionEntry app_actions[] = {
  { "language", language_action, "s", NULL, NULL, { 0 } },
};

static void
alta_application_startup (GApplication *application)
{
  AltaApplication *self = ALTA_APPLICATION (application);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (alta_application_parent_class)->startup (application);

  schema = source != NULL ? g_settings_schema_source_lookup (source, "net.myaltamed.MyAltaMed", TRUE)
                          : NULL;
  /* A station keeps nothing: its settings live in memory, from their defaults */
  if (schema != NULL && alta_app_mode_keeps_nothing (self->mode))
    {
      g_autoptr (GSettingsBackend) memory = g_memory_settings_backend_new ();

      self->settings = g_settings_new_with_backend ("net.myaltamed.MyAltaMed", memory);
    }
  else if (schema != NULL)
    self->settings = g_settings_new ("net.myaltamed.MyAltaMed");
  else
    g_message ("The settings schema is not installed: nothing will be remembered");

  gtk_window_set_default_icon_name ("net.myaltamed.MyAltaMed");
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  alta_application_add_actions (self);
  if (alta_app_mode_is_locked_down (self->mode))
    alta_application_lock_down_actions (self);
}

static void
alta_application_finalize (GObject *object)
{
  AltaApplication *self = ALTA_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->client);
  g_clear_error (&self->client_error);
  g_free (self->portal_url);
  g_free (self->system_language);
  g_free (self->account_language);
  g_free (self->server_option);
  g_free (self->ca_file_option);
  g_clear_pointer (&self->station_config, alta_station_config_free);
  g_clear_pointer (&self->kiosk_config, alta_kiosk_config_free);

  G_OBJECT_CLASS (alta_application_parent_class)->finalize (object);
}

static void
alta_application_class_init (AltaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = alta_application_finalize;
  application_class->activate = alta_application_activate;
  application_class->startup = alta_application_startup;
  application_class->handle_local_options = alta_application_handle_local_options;
}

static void
alta_application_init (AltaApplication *self)
{
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The portal’s address"), "URL" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("A certificate authority to trust besides the system’s"), "FILE" },
    { "station", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Run as the clinic’s enrollment station (fullscreen, for staff)"), NULL },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Run as a clinic lobby’s kiosk (fullscreen, for patients)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  self->system_language = g_strdup (g_getenv ("LANGUAGE"));
}

AltaApplication *
alta_application_new (void)
{
  return g_object_new (ALTA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/net/myaltamed/MyAltaMed",
                       NULL);
}
