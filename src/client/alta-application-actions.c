/* alta-application-actions.c: the application's actions, from its main menu
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-application-actions"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "alta-a11y.h"
#include "alta-application-private.h"
#include "alta-help-page.h"

/* The main menu (F10, in every window's header bar) offers "Preferences" (the window's
 * win.show-preferences, Ctrl+comma, while signed in), "Keyboard Shortcuts", which is
 * GtkApplication's own win.show-help-overlay (resources/gtk/help-overlay.ui, Ctrl+?), and
 * "About MyAltaMed", app.about, with the numbers a patient calls. The numbers are written
 * with no-break spaces and hyphens, as on the Help page, so a narrow window never splits
 * one. "Help" (F1), app.help, opens the patient FAQ in a window of its own, as GNOME apps
 * open their help: it holds no patient data, so it is there before signing in too.
 */

#define WEBSITE          "https://myaltamed.net"
/* (844) 498-3446 and (888) 499-9303, with U+00A0 and U+2011 (no-break hyphen) */
#define SUPPORT_NUMBER   "(844)\u00a0498\u20113446"
#define SERVICE_NUMBER   "(888)\u00a0499\u20119303"

static char *
dup_support_text (void)
{
  /* Translators: %s is the Patient Support Line's phone number */
  g_autofree char *support = g_strdup_printf (_("For your account, your password or your activation code, call the MyAltaMed Patient Support Line at %s."),
                                              SUPPORT_NUMBER);
  /* Translators: %s is the Patient Service Center's phone number */
  g_autofree char *service = g_strdup_printf (_("If a situation needs immediate attention, call the Patient Service Center at %s. In an emergency, dial 911."),
                                              SERVICE_NUMBER);

  return g_strdup_printf ("%s\n\n%s", support, service);
}

/* "app.about": over the window it was asked from */
static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (application);
  g_autofree char *comments = dup_support_text ();
  const char *developers[] = { _("The MyAltaMed for Linux authors"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", _("MyAltaMed"),
                        "application-icon", APP_ID,
                        "developer-name", _("The MyAltaMed for Linux authors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", comments,
                        "website", WEBSITE,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© 2026 The MyAltaMed for Linux authors"),
                        "transient-for", parent,
                        "modal", TRUE,
                        NULL);
  alta_a11y_tidy_window (GTK_WINDOW (about), _("About MyAltaMed"));
  gtk_window_present (GTK_WINDOW (about));
}

/* Help closed: the window it was opened from gets the keyboard back. A window manager does
 * that itself; without one (a lobby's compositor, a test's bare X display) the keys went
 * nowhere until someone clicked */
static gboolean
help_close_request (GtkWindow *help,
                    gpointer   user_data)
{
  GtkWindow *parent = gtk_window_get_transient_for (help);

  if (parent != NULL && gtk_widget_get_visible (GTK_WIDGET (parent)))
    gtk_window_present (parent);
  return GDK_EVENT_PROPAGATE;
}

static GtkWidget *
help_window_new (GtkApplication *application)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = g_object_new (ALTA_TYPE_HELP_PAGE, "vexpand", TRUE, NULL);
  GtkEventController *shortcuts;

  gtk_window_set_title (GTK_WINDOW (window), _("MyAltaMed Help"));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_set_application (GTK_WINDOW (window), application);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  /* Escape closes it, as it closes a dialog, even from the search entry */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);
  g_signal_connect (window, "close-request", G_CALLBACK (help_close_request), NULL);

  /* The page names its questions' parts itself as it builds them */
  alta_a11y_tidy_window (GTK_WINDOW (window), NULL);

  return window;
}

static void
forget_help_window (gpointer  data,
                    GObject  *window)
{
  g_object_set_data (G_OBJECT (data), "help-window", NULL);
}

/* "app.help": the FAQ, one window of it, beside the window it was asked from */
static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (application);
  GtkWidget *help = g_object_get_data (G_OBJECT (application), "help-window");

  if (help == NULL)
    {
      help = help_window_new (application);
      g_object_set_data (G_OBJECT (application), "help-window", help);
      g_object_weak_ref (G_OBJECT (help), forget_help_window, application);
    }
  if (parent != NULL && parent != GTK_WINDOW (help))
    gtk_window_set_transient_for (GTK_WINDOW (help), parent);
  gtk_window_present (GTK_WINDOW (help));
}

/**
 * alta_application_close_help:
 *
 * Closes the Help window, at sign-out: the next person starts where the app starts.
 */
void
alta_application_close_help (AltaApplication *self)
{
  GtkWidget *help;

  g_return_if_fail (ALTA_IS_APPLICATION (self));

  help = g_object_get_data (G_OBJECT (self), "help-window");
  if (help != NULL)
    gtk_window_destroy (GTK_WINDOW (help));
}

/* "app.show-page('NAME')": a notification's default action. The signed-in window, presented
 * on its record's page NAME (win.show-page), out of Preferences if it was there. */
static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      if (!ALTA_IS_WINDOW (l->data) || alta_window_get_session (l->data) == NULL)
        continue;

      gtk_widget_activate_action (GTK_WIDGET (l->data), "win.show-record", NULL);
      gtk_widget_activate_action_variant (GTK_WIDGET (l->data), "win.show-page", parameter);
      gtk_window_present (GTK_WINDOW (l->data));
      return;
    }

  /* Signed out since: the window as it is */
  if (gtk_application_get_active_window (application) != NULL)
    gtk_window_present (gtk_application_get_active_window (application));
}

static const GActionEntry actions[] = {
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "help", help_action, NULL, NULL, NULL, { 0 } },
  { "show-page", show_page_action, "s", NULL, NULL, { 0 } },
};

/**
 * alta_application_add_actions:
 *
 * Adds the main menu's application actions to @self, at startup.
 */
void
alta_application_add_actions (AltaApplication *self)
{
  g_return_if_fail (ALTA_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help",
                                         (const char *[]) { "F1", NULL });
}

/**
 * alta_application_lock_down_actions:
 *
 * In a locked-down mode (the station), the main menu's windows are ways out: the About
 * dialog links to a browser, Help opens a window of its own. Both are switched off, with
 * their keys.
 */
void
alta_application_lock_down_actions (AltaApplication *self)
{
  g_return_if_fail (ALTA_IS_APPLICATION (self));

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), actions[i].name);

      if (G_IS_SIMPLE_ACTION (action))
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);
    }
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help",
                                         (const char *[]) { NULL });
}
