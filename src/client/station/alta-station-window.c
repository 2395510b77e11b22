/* alta-station-window.c: the enrollment station
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-station"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "alta-a11y.h"
#include "alta-clipboard.h"
#include "alta-connect-page.h"
#include "alta-portal-error.h"
#include "alta-sign-up-form.h"
#include "alta-station-staff-page.h"
#include "alta-station-window.h"

/* The station's turns, one screen each:
 *
 *   sign-in ──staff──▶ staff (search, code) ──hand-off──▶ patient (sign-up form)
 *                        ▲                                      │ signed in
 *                        └──unlock── locked ◀──wipe── done ◀────┘
 *
 * One portal client, one token at a time. At the hand-off the staff member's portal
 * session ends (the patient's hands never have a staff token on the machine) and the staff
 * page forgets every patient; only the staff username stays, in memory, for the lock
 * screen. The patient signs up and is signed in by the sign-up form; their session is ended
 * at once (the station shows no record), the form is destroyed, the clipboards emptied, and
 * the station is locked. Unlocking is signing in again with the staff username and the
 * password typed (POST /api/v1/sessions): the portal checks the password, counts wrong
 * ones toward its lockout, and gives a fresh staff session. So a stolen lock screen gets
 * nothing, and a password is checked only where passwords are kept.
 *
 * Each turn has its own idle limit ([station] in station.conf): the staff screens sign the
 * staff member out, the patient's step starts over (locked), the lock screen forgets the
 * staff member. The window is fullscreen and cannot be closed (alta_app_mode_lock_down_window).
 */

struct _AltaStationWindow
{
  AdwApplicationWindow  parent_instance;

  AltaPortalClient     *client;
  GError               *setup_error;
  AltaStationConfig    *config;
  GCancellable         *cancellable;
  char                 *staff_username;   /* while a staff member is signed in or locked */
  AltaIdleMonitor      *idle_monitor;
  AdwMessageDialog     *idle_dialog;
  guint                 countdown_id;
  int                   countdown_s;
  guint                 keepalive_id;
  guint                 done_id;
  GtkWidget            *form;             /* the patient's sign-up form, while it is theirs */

  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  AltaConnectPage      *connect_page;
  GtkButton            *lock_button;
  GtkButton            *sign_out_button;
  GtkLabel             *notice_label;
  AdwEntryRow          *username_row;
  GtkPasswordEntry     *password_entry;
  GtkLabel             *sign_in_error;
  GtkButton            *sign_in_button;
  GtkSpinner           *sign_in_spinner;
  AltaStationStaffPage *staff_page;
  AdwBin               *form_bin;
  GtkLabel             *locked_label;
  GtkPasswordEntry     *unlock_entry;
  GtkLabel             *unlock_error;
  GtkButton            *unlock_button;
  GtkSpinner           *unlock_spinner;
};

G_DEFINE_FINAL_TYPE (AltaStationWindow, alta_station_window, ADW_TYPE_APPLICATION_WINDOW)

typedef enum
{
  TURN_STAFF,
  TURN_PATIENT,
  TURN_LOCKED,
} Turn;

static void connect_to_portal (AltaStationWindow *self);

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static void
set_busy (GtkSpinner *spinner,
          GtkWidget  *button,
          GtkEditable *entry,
          gboolean    busy)
{
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
  if (busy)
    gtk_spinner_start (spinner);
  else
    gtk_spinner_stop (spinner);
  gtk_widget_set_sensitive (button, !busy);
  gtk_editable_set_editable (entry, !busy);
}

static void
close_idle_dialog (AltaStationWindow *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->idle_dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self->idle_dialog));
      g_clear_weak_pointer (&self->idle_dialog);
    }
}

static void
stop_timers (AltaStationWindow *self)
{
  alta_idle_monitor_stop (self->idle_monitor);
  close_idle_dialog (self);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_clear_handle_id (&self->done_id, g_source_remove);
}

/* The patient's part goes: the form, and all it holds, destroyed (callers end the session) */
static void
wipe_patient (AltaStationWindow *self)
{
  if (self->form != NULL)
    {
      alta_sign_up_form_clear (ALTA_SIGN_UP_FORM (self->form));
      adw_bin_set_child (self->form_bin, NULL);
      self->form = NULL;
    }
  alta_clipboard_wipe_own (GTK_WIDGET (self));
}

static void
show_staff_controls (AltaStationWindow *self,
                     gboolean           shown)
{
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), shown);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_out_button), shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "station.lock", shown);
}

/* Nobody signed in: the staff sign-in, and nothing of anyone anywhere */
static void
show_sign_in (AltaStationWindow *self,
              const char        *notice)
{
  stop_timers (self);
  g_cancellable_cancel (self->cancellable);
  wipe_patient (self);
  if (self->client != NULL)
    alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
  alta_station_staff_page_clear (self->staff_page);
  g_clear_pointer (&self->staff_username, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  show_label (self->locked_label, NULL);
  show_label (self->unlock_error, NULL);
  show_staff_controls (self, FALSE);
  adw_window_title_set_subtitle (self->window_title, self->config->name);

  set_busy (self->sign_in_spinner, GTK_WIDGET (self->sign_in_button),
            GTK_EDITABLE (self->password_entry), FALSE);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  show_label (self->sign_in_error, NULL);
  show_label (self->notice_label, notice);
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
}

static void start_idle (AltaStationWindow *self,
                        Turn               turn);

static void
keepalive_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!alta_portal_client_keepalive_finish (ALTA_PORTAL_CLIENT (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Keepalive failed: %s", error->message);
}

/* The staff member's activity reaches the portal at most once a minute */
static gboolean
keepalive_tick_cb (gpointer user_data)
{
  AltaStationWindow *self = user_data;

  if (alta_idle_monitor_take_activity (self->idle_monitor) && self->client != NULL &&
      alta_portal_client_get_access_token (self->client) != NULL)
    alta_portal_client_keepalive_async (self->client, self->cancellable, keepalive_cb, NULL);
  return G_SOURCE_CONTINUE;
}

/* A staff member is signed in: the search */
static void
show_staff (AltaStationWindow *self)
{
  g_autofree char *subtitle = NULL;

  stop_timers (self);
  show_staff_controls (self, TRUE);
  /* Translators: under the station's title: who is signed in */
  subtitle = g_strdup_printf (_("Signed in: %s"), self->staff_username);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  gtk_stack_set_visible_child_name (self->stack, "staff");
  alta_station_staff_page_focus (self->staff_page);
  start_idle (self, TURN_STAFF);
  self->keepalive_id = g_timeout_add_seconds (60, keepalive_tick_cb, self);
}

/* The staff member's session ends and the lock screen waits for their password */
static void
show_locked (AltaStationWindow *self)
{
  g_autofree char *text = NULL;

  stop_timers (self);
  g_cancellable_cancel (self->cancellable);
  wipe_patient (self);
  if (self->client != NULL)
    alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
  alta_station_staff_page_clear (self->staff_page);
  show_staff_controls (self, FALSE);
  adw_window_title_set_subtitle (self->window_title, self->config->name);

  /* Translators: on the locked station; %s is the staff member's username */
  text = g_strdup_printf (_("Signed in as %s. Type your password to go back to the patient search."),
                          self->staff_username);
  show_label (self->locked_label, text);
  set_busy (self->unlock_spinner, GTK_WIDGET (self->unlock_button),
            GTK_EDITABLE (self->unlock_entry), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  show_label (self->unlock_error, NULL);
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  gtk_stack_set_visible_child_name (self->stack, "locked");
  gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
  start_idle (self, TURN_LOCKED);
}

static char *
minutes_notice (gint64 seconds)
{
  int minutes = MAX (1, (int)((seconds + 30) / 60));

  return g_strdup_printf (g_dngettext (NULL,
                                       "The staff member was signed out after %d minute without activity.",
                                       "The staff member was signed out after %d minutes without activity.",
                                       minutes),
                          minutes);
}

static Turn
current_turn (AltaStationWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "patient") == 0 || g_strcmp0 (page, "done") == 0)
    return TURN_PATIENT;
  if (g_strcmp0 (page, "locked") == 0)
    return TURN_LOCKED;
  return TURN_STAFF;
}

static void
on_idle_expired_cb (AltaStationWindow *self,
                    AltaIdleMonitor   *monitor)
{
  g_autofree char *notice = NULL;

  switch (current_turn (self))
    {
    case TURN_PATIENT:
      g_message ("The patient's step was left idle: wiped, the station locked");
      show_locked (self);
      break;
    case TURN_LOCKED:
      g_message ("The station stayed locked past the staff idle limit: signed out");
      notice = minutes_notice (self->config->staff_idle_s);
      show_sign_in (self, notice);
      break;
    case TURN_STAFF:
    default:
      g_message ("Staff signed out after %d s without activity", (int)self->config->staff_idle_s);
      notice = minutes_notice (self->config->staff_idle_s);
      show_sign_in (self, notice);
      break;
    }
}

static void
update_countdown (AltaStationWindow *self)
{
  g_autofree char *body = NULL;

  if (current_turn (self) == TURN_PATIENT)
    body = g_strdup_printf (g_dngettext (NULL,
                                         "For your privacy, the station will start over in %d second.",
                                         "For your privacy, the station will start over in %d seconds.",
                                         self->countdown_s),
                            self->countdown_s);
  else
    body = g_strdup_printf (g_dngettext (NULL,
                                         "For privacy, the station will sign you out in %d second.",
                                         "For privacy, the station will sign you out in %d seconds.",
                                         self->countdown_s),
                            self->countdown_s);
  adw_message_dialog_set_body (self->idle_dialog, body);
}

static gboolean
countdown_cb (gpointer user_data)
{
  AltaStationWindow *self = user_data;

  if (self->idle_dialog == NULL || self->countdown_s <= 1)
    {
      self->countdown_id = 0;
      return G_SOURCE_REMOVE;
    }

  self->countdown_s--;
  update_countdown (self);
  return G_SOURCE_CONTINUE;
}

static void
on_idle_response_cb (AdwMessageDialog  *dialog,
                     const char        *response,
                     AltaStationWindow *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_weak_pointer (&self->idle_dialog);
  if (alta_idle_monitor_reset (self->idle_monitor))
    alta_idle_monitor_take_activity (self->idle_monitor);
}

static void
on_idle_warn_cb (AltaStationWindow *self,
                 int                seconds,
                 AltaIdleMonitor   *monitor)
{
  AdwMessageDialog *dialog;

  /* Locked, there is nobody to warn */
  if (current_turn (self) == TURN_LOCKED)
    return;

  close_idle_dialog (self);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Are You Still There?"),
                                                       NULL));
  adw_message_dialog_add_responses (dialog, "stay", _("I’m _Still Here"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "stay", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "stay");
  adw_message_dialog_set_close_response (dialog, "stay");
  g_signal_connect (dialog, "response", G_CALLBACK (on_idle_response_cb), self);
  g_set_weak_pointer (&self->idle_dialog, dialog);

  self->countdown_s = seconds;
  update_countdown (self);
  self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_idle (AltaStationWindow *self,
            Turn               turn)
{
  gint64 limit = turn == TURN_PATIENT ? self->config->patient_idle_s : self->config->staff_idle_s;

  alta_idle_monitor_start (self->idle_monitor, limit);
  alta_idle_monitor_take_activity (self->idle_monitor);
}

/* Any request the portal refused as expired: on the staff screens, the staff session */
static void
on_session_expired_cb (AltaStationWindow *self,
                       AltaPortalClient  *client)
{
  if (current_turn (self) != TURN_STAFF ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "staff") != 0)
    return;

  g_message ("Staff signed out: the portal ended the session");
  show_sign_in (self, _("Your staff session has ended. Sign in again."));
}

static char *
describe_sign_in_failure (const GError *error,
                          gint64        retry_after_s)
{
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS))
    return g_strdup (_("The username or password is not correct. Check them and try again."));
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_ACCOUNT_LOCKED))
    {
      int minutes = MAX (1, (int)((retry_after_s + 59) / 60));

      return g_strdup_printf (g_dngettext (NULL,
                                           "This account is locked after too many wrong passwords. Try again in %d minute.",
                                           "This account is locked after too many wrong passwords. Try again in %d minutes.",
                                           minutes),
                              minutes);
    }
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_RATE_LIMITED))
    return g_strdup (_("Too many attempts. Please wait a minute and try again."));
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NETWORK) ||
      g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_TIMEOUT))
    return g_strdup (_("The portal cannot be reached. Check the station’s network connection and try again."));
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS))
    return g_strdup (_("This is a patient account. The enrollment station is for clinic staff."));
  return g_strdup (_("The station could not sign you in right now. Please try again later."));
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (AltaStationWindow) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  gint64 retry_after_s = 0;

  account = alta_portal_client_sign_in_finish (ALTA_PORTAL_CLIENT (object), result, NULL,
                                               &retry_after_s, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self->sign_in_spinner, GTK_WIDGET (self->sign_in_button),
            GTK_EDITABLE (self->password_entry), FALSE);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");

  if (account == NULL)
    {
      g_autofree char *message = describe_sign_in_failure (error, retry_after_s);

      g_message ("Staff sign-in failed: %s", error->message);
      show_label (self->sign_in_error, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }

  /* The reverse of the desktop: here a patient's account is refused, kindly */
  if (g_strcmp0 (alta_portal_account_get_role (account), "staff") != 0)
    {
      g_message ("A patient account signed in at the station: signed out again");
      alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
      show_label (self->sign_in_error, NULL);
      show_label (self->notice_label, _("This is a patient account. The enrollment station is for clinic staff, who help new patients create their account here. To see your health record, use MyAltaMed on your own computer or phone."));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
      return;
    }

  g_message ("Staff signed in at the station");
  g_free (self->staff_username);
  self->staff_username = g_strdup (alta_portal_account_get_username (account));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  show_label (self->sign_in_error, NULL);
  show_label (self->notice_label, NULL);
  show_staff (self);
}

static void
station_sign_in_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AltaStationWindow *self = ALTA_STATION_WINDOW (widget);
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (self->client == NULL || !gtk_editable_get_editable (GTK_EDITABLE (self->password_entry)))
    return;

  if (username[0] == '\0' || password[0] == '\0')
    {
      show_label (self->sign_in_error, _("Enter your staff username and password."));
      gtk_widget_grab_focus (username[0] == '\0' ? GTK_WIDGET (self->username_row)
                                                 : GTK_WIDGET (self->password_entry));
      return;
    }

  show_label (self->sign_in_error, NULL);
  show_label (self->notice_label, NULL);
  set_busy (self->sign_in_spinner, GTK_WIDGET (self->sign_in_button),
            GTK_EDITABLE (self->password_entry), TRUE);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), FALSE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_sign_in_async (self->client, username, password, self->cancellable,
                                    sign_in_cb, g_object_ref (self));
}

static void
on_username_activated_cb (AltaStationWindow *self,
                          AdwEntryRow       *row)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
on_password_activated_cb (AltaStationWindow *self,
                          GtkPasswordEntry  *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "station.sign-in", NULL);
}

static void
unlock_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (AltaStationWindow) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  gint64 retry_after_s = 0;

  account = alta_portal_client_sign_in_finish (ALTA_PORTAL_CLIENT (object), result, NULL,
                                               &retry_after_s, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self->unlock_spinner, GTK_WIDGET (self->unlock_button),
            GTK_EDITABLE (self->unlock_entry), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  if (account == NULL)
    {
      g_autofree char *message = NULL;

      g_message ("The station was not unlocked: %s", error->message);
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS))
        message = g_strdup (_("The password is not correct. Try again."));
      else
        message = describe_sign_in_failure (error, retry_after_s);
      show_label (self->unlock_error, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
      return;
    }

  g_message ("The station was unlocked");
  show_label (self->unlock_error, NULL);
  show_staff (self);
}

static void
station_unlock_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AltaStationWindow *self = ALTA_STATION_WINDOW (widget);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->unlock_entry));

  if (self->client == NULL || self->staff_username == NULL ||
      !gtk_editable_get_editable (GTK_EDITABLE (self->unlock_entry)))
    return;

  if (password[0] == '\0')
    {
      show_label (self->unlock_error, _("Type your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
      return;
    }

  show_label (self->unlock_error, NULL);
  set_busy (self->unlock_spinner, GTK_WIDGET (self->unlock_button),
            GTK_EDITABLE (self->unlock_entry), TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_sign_in_async (self->client, self->staff_username, password,
                                    self->cancellable, unlock_cb, g_object_ref (self));
}

static void
on_unlock_activated_cb (AltaStationWindow *self,
                        GtkPasswordEntry  *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "station.unlock", NULL);
}

static void
station_lock_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AltaStationWindow *self = ALTA_STATION_WINDOW (widget);

  if (self->staff_username == NULL)
    return;

  g_message ("The station was locked by the staff member");
  show_locked (self);
}

static void
station_sign_out_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaStationWindow *self = ALTA_STATION_WINDOW (widget);

  g_message ("Staff signed out of the station");
  show_sign_in (self, _("You have signed out."));
}

static gboolean
done_timeout_cb (gpointer user_data)
{
  AltaStationWindow *self = user_data;

  self->done_id = 0;
  show_locked (self);
  return G_SOURCE_REMOVE;
}

/* The patient is signed up and signed in: their session ends at once (the station shows
 * no record), and "You're all set" shows for a few seconds */
static void
on_patient_signed_in_cb (AltaStationWindow *self,
                         AltaPortalAccount *account,
                         gint64             idle_timeout_s,
                         GtkWidget         *form)
{
  g_message ("The patient's account is ready: their session ends, the station locks");
  alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
  wipe_patient (self);
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  gtk_stack_set_visible_child_name (self->stack, "done");
  g_clear_handle_id (&self->done_id, g_source_remove);
  self->done_id = g_timeout_add_seconds (self->config->done_s, done_timeout_cb, self);
}

/* The staff member hands the screen over: their session ends, the search is forgotten,
 * and the patient gets a fresh sign-up form with the code filled in */
static void
on_hand_off_cb (AltaStationWindow    *self,
                const char           *code,
                AltaStationStaffPage *page)
{
  GtkWidget *form;

  g_message ("The screen goes to the patient; the staff session ends");
  stop_timers (self);
  form = g_object_new (ALTA_TYPE_SIGN_UP_FORM,
                       "client", self->client,
                       "activation-code", code,
                       "code-editable", FALSE,
                       NULL);
  alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
  alta_station_staff_page_clear (page);
  show_staff_controls (self, FALSE);
  adw_window_title_set_subtitle (self->window_title, self->config->name);

  /* Made after the window's tidying: its parts are tidied before they show */
  alta_a11y_tidy (form, NULL);
  g_signal_connect_object (form, "signed-in", G_CALLBACK (on_patient_signed_in_cb), self,
                           G_CONNECT_SWAPPED);
  self->form = form;
  adw_bin_set_child (self->form_bin, form);
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  gtk_stack_set_visible_child_name (self->stack, "patient");
  alta_sign_up_form_focus (ALTA_SIGN_UP_FORM (form));
  start_idle (self, TURN_PATIENT);
}

static void
station_cancel_patient_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  g_message ("The patient gave the screen back before signing up");
  show_locked (ALTA_STATION_WINDOW (widget));
}

static void
station_finish_patient_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  show_locked (ALTA_STATION_WINDOW (widget));
}

static void
info_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (AltaStationWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!alta_portal_client_check_finish (ALTA_PORTAL_CLIENT (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        alta_connect_page_show_error (self->connect_page, error);
      return;
    }

  show_sign_in (self, NULL);
}

static void
connect_to_portal (AltaStationWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack, "connect");
  if (self->client == NULL)
    {
      alta_connect_page_show_error (self->connect_page, self->setup_error);
      return;
    }

  alta_connect_page_show_connecting (self->connect_page);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_check_async (self->client, self->cancellable, info_cb, g_object_ref (self));
}

static void
win_retry_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  connect_to_portal (ALTA_STATION_WINDOW (widget));
}

static void
alta_station_window_dispose (GObject *object)
{
  AltaStationWindow *self = ALTA_STATION_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_handle_id (&self->done_id, g_source_remove);
  g_clear_weak_pointer (&self->idle_dialog);
  if (self->client != NULL)
    alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->client);
  g_clear_error (&self->setup_error);
  g_clear_pointer (&self->config, alta_station_config_free);
  g_clear_pointer (&self->staff_username, g_free);
  self->form = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_STATION_WINDOW);

  G_OBJECT_CLASS (alta_station_window_parent_class)->dispose (object);
}

static void
alta_station_window_class_init (AltaStationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_station_window_dispose;

  g_type_ensure (ALTA_TYPE_CONNECT_PAGE);
  g_type_ensure (ALTA_TYPE_STATION_STAFF_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-station-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, connect_page);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, username_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, password_entry);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, staff_page);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, form_bin);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, locked_label);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, unlock_entry);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, unlock_error);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationWindow, unlock_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_hand_off_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_username_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.retry", NULL, win_retry_action);
  gtk_widget_class_install_action (widget_class, "station.sign-in", NULL, station_sign_in_action);
  gtk_widget_class_install_action (widget_class, "station.unlock", NULL, station_unlock_action);
  gtk_widget_class_install_action (widget_class, "station.lock", NULL, station_lock_action);
  gtk_widget_class_install_action (widget_class, "station.sign-out", NULL, station_sign_out_action);
  gtk_widget_class_install_action (widget_class, "station.cancel-patient", NULL,
                                   station_cancel_patient_action);
  gtk_widget_class_install_action (widget_class, "station.finish-patient", NULL,
                                   station_finish_patient_action);
}

static void
alta_station_window_init (AltaStationWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  show_staff_controls (self, FALSE);
  alta_a11y_tidy (GTK_WIDGET (self), NULL);

  self->idle_monitor = alta_idle_monitor_new (GTK_WIDGET (self));
  g_signal_connect_swapped (self->idle_monitor, "warn", G_CALLBACK (on_idle_warn_cb), self);
  g_signal_connect_swapped (self->idle_monitor, "expired", G_CALLBACK (on_idle_expired_cb), self);
}

/**
 * alta_station_window_new:
 * @client: (nullable): the portal's client, or %NULL while it is made or when it could not be
 * @setup_error: (nullable): why there is no client
 * @config: the station's settings
 *
 * Returns: (transfer full): the station's window, fullscreen and locked down
 */
AltaStationWindow *
alta_station_window_new (GtkApplication          *application,
                         AltaPortalClient        *client,
                         const GError            *setup_error,
                         const AltaStationConfig *config)
{
  AltaStationWindow *self = g_object_new (ALTA_TYPE_STATION_WINDOW, "application", application,
                                          NULL);

  self->config = alta_station_config_new_default ();
  if (config != NULL)
    {
      self->config->name = g_strdup (config->name);
      self->config->staff_idle_s = config->staff_idle_s;
      self->config->patient_idle_s = config->patient_idle_s;
      self->config->done_s = config->done_s;
    }
  adw_window_title_set_subtitle (self->window_title, self->config->name);
  alta_app_mode_lock_down_window (ALTA_APP_MODE_STATION, GTK_WINDOW (self));
  /* GtkApplication gave the window the desktop's "Keyboard Shortcuts" (Ctrl+?): none of
   * them is the station's, and it is another window */
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), NULL);

  if (client == NULL && setup_error == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "connect");
      alta_connect_page_show_connecting (self->connect_page);
      return self;
    }

  alta_station_window_set_client (self, client, setup_error);
  return self;
}

void
alta_station_window_set_client (AltaStationWindow *self,
                                AltaPortalClient  *client,
                                const GError      *setup_error)
{
  g_return_if_fail (ALTA_IS_STATION_WINDOW (self));
  g_return_if_fail (self->client == NULL);

  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "session-expired", G_CALLBACK (on_session_expired_cb), self,
                             G_CONNECT_SWAPPED);
  g_clear_error (&self->setup_error);
  self->setup_error = setup_error != NULL ? g_error_copy (setup_error) : NULL;
  alta_station_staff_page_set_client (self->staff_page, client);
  connect_to_portal (self);
}

/**
 * alta_station_window_get_idle_monitor:
 *
 * Returns: (transfer none): what ends a turn left idle (tests move its clock)
 */
AltaIdleMonitor *
alta_station_window_get_idle_monitor (AltaStationWindow *self)
{
  g_return_val_if_fail (ALTA_IS_STATION_WINDOW (self), NULL);

  return self->idle_monitor;
}
