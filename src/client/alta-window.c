/* alta-window.c: the main window
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-window"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-a11y.h"
#include "alta-appointments-page.h"
#include "alta-application-private.h"
#include "alta-bench.h"
#include "alta-clipboard.h"
#include "alta-connect-page.h"
#include "alta-format.h"
#include "alta-home-page.h"
#include "alta-idle-monitor.h"
#include "alta-portal-error.h"
#include "alta-preferences-page.h"
#include "alta-messages-page.h"
#include "alta-results-page.h"
#include "alta-rules.h"
#include "alta-notifier.h"
#include "alta-session.h"
#include "alta-sign-in-page.h"
#include "alta-summary-page.h"
#include "alta-vitals-page.h"
#include "alta-window.h"

/* Reaching the portal, signing in, then the record. The window holds the session while a
 * person is signed in; signing out drops it, and every page shows nothing.
 */

struct _AltaWindow
{
  AdwApplicationWindow  parent_instance;

  AltaPortalClient     *client;
  GSettings            *settings;
  AltaSession          *session;
  GSignalGroup         *session_signals;
  GCancellable         *cancellable;
  GError               *setup_error;
  int                   notice;        /* why the sign-in page shows: NOTICE_* or minutes */

  GtkStack             *stack;
  AdwViewStack         *view_stack;
  AltaConnectPage      *connect_page;
  AltaSignInPage       *sign_in_page;
  AltaAppointmentsPage *appointments_page;
  AltaHomePage         *home_page;
  AltaPreferencesPage  *preferences_page;
  AltaMessagesPage     *messages_page;
  AltaResultsPage      *results_page;
  AltaSummaryPage      *summary_page;
  AltaVitalsPage       *vitals_page;
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay      *toast_overlay;
  GtkButton            *back_button;
  GtkDropDown          *record_dropdown;
  GtkRevealer          *proxy_banner;
  GtkLabel             *proxy_label;
  GtkWidget            *sign_out_button;

  AltaIdleMonitor      *idle_monitor;
  AltaNotifier         *notifier;     /* desktop notifications, while signed in */
  AdwMessageDialog     *idle_dialog;
  guint                 countdown_id;
  int                   countdown_s;
  guint                 keepalive_id;

  /* In a lobby kiosk (alta_window_set_kiosk) */
  gint64                kiosk_idle_s;  /* the site's idle limit; 0 elsewhere */
  GtkWidget            *welcome;       /* the welcome page, in the stack */
  guint                 kiosk_retry_id;
  guint                 kiosk_retry_s;  /* the wait before the next try: 2 s, doubled to 60 */
  GtkWidget            *welcome_button; /* back to the welcome page, in the header bar */
};

G_DEFINE_FINAL_TYPE (AltaWindow, alta_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Why the person is on the sign-in page: nobody signed in yet, signed out, or the number of
 * minutes of the idle limit. Kept as a reason, not as words, so that a window built again in
 * another language says it in that language. */
enum {
  NOTICE_NONE = -1,
  NOTICE_SIGNED_OUT = 0,
};

static void connect_to_portal     (AltaWindow  *self);
static void on_record_selected_cb (AltaWindow  *self,
                                   GParamSpec  *pspec,
                                   GtkDropDown *dropdown);

static void
close_idle_dialog (AltaWindow *self)
{
  /* A kiosk hides the record behind the warning (on_idle_warn_cb) */
  gtk_widget_set_visible (GTK_WIDGET (self->stack), TRUE);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->idle_dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self->idle_dialog));
      g_clear_weak_pointer (&self->idle_dialog);
    }
}

/* The header bar of Preferences (a way back, its title) or of the record (the view
 * switcher, the record chooser when there is a choice) */
static void
show_header_for (AltaWindow *self,
                 gboolean    preferences)
{
  gboolean signed_in = self->session != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), preferences);
  adw_view_switcher_title_set_title (self->switcher_title,
                                     preferences ? _("Preferences") : _("MyAltaMed"));
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title,
                                                     signed_in && !preferences);
  gtk_widget_set_visible (GTK_WIDGET (self->record_dropdown),
                          signed_in && !preferences &&
                          g_list_model_get_n_items (alta_session_get_records (self->session)) > 1);
}

/* Nobody signed in: the sign-in page, and nothing of anyone anywhere else */
static void
show_nobody (AltaWindow *self)
{
  const char * const no_names[] = { "", NULL };
  g_autoptr (GtkStringList) nobody = gtk_string_list_new (no_names);

  alta_idle_monitor_stop (self->idle_monitor);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  close_idle_dialog (self);

  /* GtkDropDown keeps showing its last name when the model goes: a model of one empty
   * name replaces it */
  g_signal_handlers_block_by_func (self->record_dropdown, on_record_selected_cb, self);
  gtk_drop_down_set_model (self->record_dropdown, G_LIST_MODEL (nobody));
  gtk_drop_down_set_selected (self->record_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->record_dropdown, on_record_selected_cb, self);
  gtk_widget_set_visible (GTK_WIDGET (self->record_dropdown), FALSE);
  gtk_revealer_set_reveal_child (self->proxy_banner, FALSE);
  gtk_label_set_text (self->proxy_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->proxy_label), FALSE);
  alta_clipboard_wipe_own (GTK_WIDGET (self));
  show_header_for (self, FALSE);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-preferences", FALSE);
  gtk_widget_set_visible (self->sign_out_button, FALSE);
  /* The next sign-in opens on Home, whatever page this person left open. Set while the
   * record is still shown: set at sign-in, on the hidden record, the view switcher's tabs
   * stopped switching pages (libadwaita 1.2). */
  adw_view_stack_set_visible_child_name (self->view_stack, "home");
  gtk_stack_set_visible_child_name (self->stack, self->welcome != NULL ? "welcome" : "sign-in");
  alta_bench_mark_next_frame (GTK_WIDGET (self), "sign-in-page");
}

static char *
dup_notice (int notice)
{
  if (notice == NOTICE_NONE)
    return NULL;
  if (notice == NOTICE_SIGNED_OUT)
    return g_strdup (_("You have signed out."));

  return g_strdup_printf (g_dngettext (NULL,
                                       "You were signed out after %d minute without activity.",
                                       "You were signed out after %d minutes without activity.",
                                       notice),
                          notice);
}

static void
show_signed_out (AltaWindow *self,
                 int         notice)
{
  g_autofree char *text = dup_notice (notice);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (self->session != NULL)
    alta_window_set_session (self, NULL);
  else
    show_nobody (self);

  self->notice = notice;
  alta_sign_in_page_reset (self->sign_in_page, text);
  alta_sign_in_page_focus (self->sign_in_page);

  /* The signed-in account's language gives way to the sign-in page's */
  if (ALTA_IS_APPLICATION (application))
    {
      alta_application_close_help (ALTA_APPLICATION (application));
      alta_application_restore_language (ALTA_APPLICATION (application), self);
    }
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (AltaWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (alta_session_load_finish (ALTA_SESSION (object), result, &error))
    {
      alta_bench_mark_next_frame (GTK_WIDGET (self), "record-loaded");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_message ("The record could not be loaded: %s", error->message);
  /* The client's session-expired signal has signed out already */
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED))
    return;

  alta_a11y_add_toast (self->toast_overlay,
                       adw_toast_new (_("Part of your record could not be loaded. Try again later.")));
}

static void
keepalive_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (alta_portal_client_keepalive_finish (ALTA_PORTAL_CLIENT (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_message ("Keepalive failed: %s", error->message);
}

static void
send_keepalive (AltaWindow *self)
{
  if (self->session == NULL)
    return;

  /* A person's choice or input: it counts as activity */
  alta_portal_client_keepalive_async (alta_session_get_client (self->session), NULL,
                                      keepalive_cb, g_object_ref (self));
}

/* Reading without a request is activity too: tell the portal at most once a minute. */
static gboolean
keepalive_tick_cb (gpointer user_data)
{
  AltaWindow *self = user_data;

  if (alta_idle_monitor_take_activity (self->idle_monitor))
    send_keepalive (self);
  return G_SOURCE_CONTINUE;
}

static void
update_countdown (AltaWindow *self)
{
  g_autofree char *body = NULL;

  body = g_strdup_printf (g_dngettext (NULL,
                                       "For your privacy, MyAltaMed will sign you out in %d second.",
                                       "For your privacy, MyAltaMed will sign you out in %d seconds.",
                                       self->countdown_s),
                          self->countdown_s);
  adw_message_dialog_set_body (self->idle_dialog, body);
}

static gboolean
countdown_cb (gpointer user_data)
{
  AltaWindow *self = user_data;

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
on_idle_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     AltaWindow       *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_weak_pointer (&self->idle_dialog);

  if (g_strcmp0 (response, "sign-out") == 0)
    {
      show_signed_out (self, NOTICE_SIGNED_OUT);
      return;
    }

  /* The record a kiosk hid behind the warning comes back */
  gtk_widget_set_visible (GTK_WIDGET (self->stack), TRUE);
  /* "Stay" pressed after a sleep past the limit: the monitor signed out */
  if (!alta_idle_monitor_reset (self->idle_monitor))
    return;
  alta_idle_monitor_take_activity (self->idle_monitor);
  send_keepalive (self);
}

static void
on_idle_warn_cb (AltaWindow      *self,
                 int              seconds,
                 AltaIdleMonitor *monitor)
{
  AdwMessageDialog *dialog;

  close_idle_dialog (self);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Are You Still There?"),
                                                       NULL));
  adw_message_dialog_add_responses (dialog, "sign-out", _("_Sign Out"),
                                    "stay", _("_Stay Signed In"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "stay", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "stay");
  adw_message_dialog_set_close_response (dialog, "stay");
  g_signal_connect (dialog, "response", G_CALLBACK (on_idle_response_cb), self);
  g_set_weak_pointer (&self->idle_dialog, dialog);

  /* A kiosk's screen is seen by the whole lobby: the record goes behind the warning */
  if (self->kiosk_idle_s > 0)
    gtk_widget_set_visible (GTK_WIDGET (self->stack), FALSE);
  self->countdown_s = seconds;
  update_countdown (self);
  self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_out_idle (AltaWindow *self)
{
  int minutes = MAX (1, (int)((alta_window_get_idle_limit (self) + 30) / 60));

  show_signed_out (self, minutes);
}

static void
on_idle_expired_cb (AltaWindow      *self,
                    AltaIdleMonitor *monitor)
{
  /* The limit the monitor ran on: the account's, or a kiosk's shorter site limit */
  g_message ("Signing out after %d s without activity",
             (int)alta_window_get_idle_limit (self));
  sign_out_idle (self);
}

/* Any request of the session that the portal refused as expired: the portal's idle limit
 * passed (the computer slept, say) before ours did.
 */
static void
on_session_expired_cb (AltaWindow       *self,
                       AltaPortalClient *client)
{
  if (self->session == NULL)
    return;

  g_message ("Signing out: the portal ended the session");
  sign_out_idle (self);
}

/* The banner says whose record it is, when it is not one's own */
static void
update_proxy_banner (AltaWindow *self)
{
  g_autofree char *text = NULL;

  if (self->session == NULL || alta_session_get_record_is_own (self->session))
    {
      gtk_revealer_set_reveal_child (self->proxy_banner, FALSE);
      gtk_label_set_text (self->proxy_label, "");
      /* An empty label is read by its type name */
      gtk_widget_set_visible (GTK_WIDGET (self->proxy_label), FALSE);
      return;
    }

  /* Translators: %s is the name of a patient whose record is seen by proxy */
  text = g_strdup_printf (_("You are viewing the record of %s"),
                          alta_session_get_record_name (self->session));
  gtk_label_set_text (self->proxy_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->proxy_label), TRUE);
  gtk_revealer_set_reveal_child (self->proxy_banner, TRUE);
}

/* How the record chooser reads a record: whose it is, to the person signed in, and how old
 * they are ("Mateo Reyes, your son, 6") */
static char *
describe_record (AltaSession *session,
                 guint        index)
{
  AltaPortalAccount *account = alta_session_get_account (session);
  const char *name = alta_portal_account_get_record_name (account, index);
  const char *relationship = alta_portal_account_get_record_relationship (account, index);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = NULL;
  GDate birth_date;
  GDate today;
  int age;

  if (g_strcmp0 (relationship, "self") == 0)
    /* Translators: in the record chooser, the person's own record; %s is their name */
    return g_strdup_printf (_("%s, your own record"), name);

  if (!alta_rules_parse_date (alta_portal_account_get_record_birth_date (account, index),
                              &birth_date))
    return g_strdup (name);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  age = alta_rules_age_on (&birth_date, &today);

  text = alta_format_proxy_record (name, relationship,
                                   alta_portal_account_get_record_gender (account, index), age);
  if (text != NULL)
    return g_steal_pointer (&text);
  return g_strdup (name);
}

static void
on_record_item_setup_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *item,
                         gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
on_record_item_bind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        AltaWindow               *self)
{
  GtkStringObject *record = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  g_autofree char *text = NULL;

  if (self->session != NULL &&
      position < alta_portal_account_get_n_records (alta_session_get_account (self->session)))
    text = describe_record (self->session, position);
  else
    text = g_strdup (gtk_string_object_get_string (record));
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

/* The session's record shown, loaded afresh: the pages follow its models */
static void
load_record (AltaWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_session_load_async (self->session, self->cancellable, load_cb, g_object_ref (self));
}

static void
on_record_selected_cb (AltaWindow  *self,
                       GParamSpec  *pspec,
                       GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->session == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected >= g_list_model_get_n_items (alta_session_get_records (self->session)))
    return;

  alta_session_show_record (self->session, selected);
  load_record (self);
}

/* A person signed in: their session, and their record */
static void
show_session (AltaWindow *self)
{
  GListModel *records = alta_session_get_records (self->session);

  /* The records this account may see today: its own first, then by proxy */
  g_signal_handlers_block_by_func (self->record_dropdown, on_record_selected_cb, self);
  gtk_drop_down_set_model (self->record_dropdown, records);
  gtk_drop_down_set_selected (self->record_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->record_dropdown, on_record_selected_cb, self);
  update_proxy_banner (self);

  show_header_for (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-preferences", TRUE);
  gtk_widget_set_visible (self->sign_out_button, TRUE);
  /* The password field lets go of the focus before its page hides: a hidden text that keeps
   * the focus gets no focus-out, and its cursor keeps blinking (GTK warns) */
  gtk_root_set_focus (GTK_ROOT (self), NULL);
  /* Home (set back at sign-out), with the focus on its first row */
  gtk_stack_set_visible_child_name (self->stack, "record");
  gtk_widget_child_focus (GTK_WIDGET (self->home_page), GTK_DIR_TAB_FORWARD);
  load_record (self);

  alta_idle_monitor_start (self->idle_monitor, alta_window_get_idle_limit (self));
  alta_idle_monitor_take_activity (self->idle_monitor);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  self->keepalive_id = g_timeout_add_seconds (60, keepalive_tick_cb, self);
}

static void
on_signed_in_cb (AltaWindow     *self,
                 AltaPortalAccount    *account,
                 gint64          idle_timeout_s,
                 AltaSignInPage *page)
{
  g_autoptr (AltaSession) session = NULL;
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  /* What is new since the last visit comes from the portal's previous sign-in: the computer
   * keeps nothing per patient.
   */
  session = alta_session_new (self->client, account, idle_timeout_s);

  /* The account's language, when it is not the sign-in page's: a window in that language
   * takes this one's place, and the session */
  if (ALTA_IS_APPLICATION (application) &&
      alta_application_open_in_language (ALTA_APPLICATION (application), self,
                                         alta_portal_account_get_language (account), session))
    return;

  alta_window_set_session (self, session);
}

static gboolean
kiosk_retry_cb (gpointer user_data)
{
  AltaWindow *self = user_data;

  self->kiosk_retry_id = 0;
  connect_to_portal (self);
  return G_SOURCE_REMOVE;
}

/* A kiosk has nobody to press "Try Again": it tries by itself, less often the longer the
 * portal is down, never less than every minute */
static void
kiosk_retry_later (AltaWindow   *self,
                   const GError *error)
{
  alta_connect_page_show_kiosk_down (self->connect_page, error);
  self->kiosk_retry_s = CLAMP (self->kiosk_retry_s * 2, 2, 60);
  g_clear_handle_id (&self->kiosk_retry_id, g_source_remove);
  self->kiosk_retry_id = g_timeout_add_seconds (self->kiosk_retry_s, kiosk_retry_cb, self);
}

static void
info_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (AltaWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!alta_portal_client_check_finish (ALTA_PORTAL_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->welcome != NULL)
        kiosk_retry_later (self, error);
      else
        alta_connect_page_show_error (self->connect_page, error);
      return;
    }

  self->kiosk_retry_s = 0;
  show_signed_out (self, NOTICE_NONE);
}

static void
connect_to_portal (AltaWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack, "connect");

  if (self->client == NULL)
    {
      alta_connect_page_show_error (self->connect_page, self->setup_error);
      return;
    }

  /* A kiosk trying again keeps saying it kindly */
  if (self->kiosk_retry_s == 0)
    alta_connect_page_show_connecting (self->connect_page);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_check_async (self->client, self->cancellable, info_cb,
                                  g_object_ref (self));
}

static void
win_retry_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  connect_to_portal (ALTA_WINDOW (widget));
}

/* win.show-page('NAME'): one of the record's pages, by its name in the view stack (Home's
 * rows open what they count) */
static void
win_show_page_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AltaWindow *self = ALTA_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (self->session == NULL || adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    {
      g_warning ("win.show-page: no page named %s", name);
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/* win.show-preferences (Ctrl+comma): the signed-in account's own, whichever record is shown */
static void
win_show_preferences_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  AltaWindow *self = ALTA_WINDOW (widget);

  if (self->session == NULL)
    return;

  show_header_for (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "preferences");
}

/* win.show-record: back from Preferences */
static void
win_show_record_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AltaWindow *self = ALTA_WINDOW (widget);

  if (self->session == NULL)
    return;

  show_header_for (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "record");
}

/* Escape in Preferences: back to the page it was opened from (Escape elsewhere is the
 * widgets' own) */
static gboolean
leave_preferences_cb (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  AltaWindow *self = ALTA_WINDOW (widget);

  if (self->session == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "preferences") != 0)
    return FALSE;

  gtk_widget_activate_action (widget, "win.show-record", NULL);
  return TRUE;
}

static void
win_sign_out_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AltaWindow *self = ALTA_WINDOW (widget);

  g_cancellable_cancel (self->cancellable);
  show_signed_out (self, NOTICE_SIGNED_OUT);
}

static void
alta_window_dispose (GObject *object)
{
  AltaWindow *self = ALTA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_weak_pointer (&self->idle_dialog);
  g_clear_handle_id (&self->kiosk_retry_id, g_source_remove);
  g_clear_object (&self->notifier);
  if (self->session != NULL)
    {
      /* The portal hears of the end of the session; the session itself sends nothing */
      alta_portal_client_sign_out_async (alta_session_get_client (self->session), NULL, NULL,
                                         NULL);
      g_signal_group_set_target (self->session_signals, NULL);
      g_clear_object (&self->session);
    }
  g_clear_object (&self->session_signals);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_error (&self->setup_error);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_WINDOW);

  G_OBJECT_CLASS (alta_window_parent_class)->dispose (object);
}

static void
alta_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AltaWindow *self = ALTA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AltaWindow *self = ALTA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_window_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_window_class_init (AltaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_window_dispose;
  object_class->get_property = alta_window_get_property;
  object_class->set_property = alta_window_set_property;

  /**
   * AltaWindow:session:
   *
   * The signed-in person's session, which every page follows; %NULL while nobody is signed
   * in. Setting it to %NULL signs out.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ALTA_TYPE_APPOINTMENTS_PAGE);
  g_type_ensure (ALTA_TYPE_CONNECT_PAGE);
  g_type_ensure (ALTA_TYPE_HOME_PAGE);
  g_type_ensure (ALTA_TYPE_PREFERENCES_PAGE);
  g_type_ensure (ALTA_TYPE_MESSAGES_PAGE);
  g_type_ensure (ALTA_TYPE_RESULTS_PAGE);
  g_type_ensure (ALTA_TYPE_SIGN_IN_PAGE);
  g_type_ensure (ALTA_TYPE_SUMMARY_PAGE);
  g_type_ensure (ALTA_TYPE_VITALS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, appointments_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, connect_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, proxy_banner);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, proxy_label);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, record_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, messages_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, results_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, summary_page);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AltaWindow, vitals_page);
  gtk_widget_class_bind_template_callback (widget_class, on_record_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in_cb);

  gtk_widget_class_install_action (widget_class, "win.retry", NULL, win_retry_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", win_show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-preferences", NULL,
                                   win_show_preferences_action);
  gtk_widget_class_install_action (widget_class, "win.show-record", NULL, win_show_record_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, win_sign_out_action);
}

static void
alta_window_init (AltaWindow *self)
{
  g_autoptr (GtkListItemFactory) list_factory = NULL;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->notice = NOTICE_NONE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-preferences", FALSE);
  /* The chooser's list says whose each record is; its button, the name only */
  list_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (list_factory, "setup", G_CALLBACK (on_record_item_setup_cb), NULL);
  g_signal_connect_object (list_factory, "bind", G_CALLBACK (on_record_item_bind_cb), self, 0);
  gtk_drop_down_set_list_factory (self->record_dropdown, list_factory);
  alta_a11y_name_drop_down (self->record_dropdown, _("Choose whose record"),
                            _("Records you can see"));
  alta_a11y_tidy (GTK_WIDGET (self), NULL);
  alta_bench_watch_window (GTK_WINDOW (self));

  /* Every page shows the window's session */
  g_object_bind_property (self, "session", self->home_page, "session", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->preferences_page, "session",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->appointments_page, "session",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->messages_page, "session", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->results_page, "session", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->summary_page, "session", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->vitals_page, "session", G_BINDING_SYNC_CREATE);
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_callback_action_new (leave_preferences_cb,
                                                                                   NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  self->notifier = alta_notifier_new (GTK_WINDOW (self));
  g_object_bind_property (self, "session", self->notifier, "session", G_BINDING_SYNC_CREATE);

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-is-own",
                                  G_CALLBACK (update_proxy_banner), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-name",
                                  G_CALLBACK (update_proxy_banner), self);

  self->idle_monitor = alta_idle_monitor_new (GTK_WIDGET (self));
  g_signal_connect_swapped (self->idle_monitor, "warn", G_CALLBACK (on_idle_warn_cb), self);
  g_signal_connect_swapped (self->idle_monitor, "expired", G_CALLBACK (on_idle_expired_cb), self);
}

/**
 * alta_window_new:
 * @client: (nullable): the portal's client, or %NULL when it could not be set up
 * @setup_error: (nullable): why there is no client
 * @settings: (nullable): the app's settings
 *
 * Returns: (transfer full): a window that starts by reaching the portal
 */
AltaWindow *
alta_window_new (GtkApplication   *application,
                 AltaPortalClient *client,
                 const GError     *setup_error,
                 GSettings        *settings)
{
  /* A window's role, said at construction: GTK 4.8 gave a second window of the app (one
   * built for a new language) the role of a plain widget, read by a screen reader as a
   * "filler" that is neither shown nor active */
  AltaWindow *self = g_object_new (ALTA_TYPE_WINDOW, "application", application,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_WINDOW, NULL);

  g_set_object (&self->settings, settings);
  alta_sign_in_page_set_settings (self->sign_in_page, settings, settings != NULL);
  if (client == NULL && setup_error == NULL)
    {
      /* alta_window_set_client() comes after the first frame */
      gtk_stack_set_visible_child_name (self->stack, "connect");
      alta_connect_page_show_connecting (self->connect_page);
      return self;
    }

  alta_window_set_client (self, client, setup_error);
  return self;
}

/**
 * alta_window_set_client:
 * @client: (nullable): the portal's client, or %NULL when it could not be set up
 * @setup_error: (nullable): why there is no client
 *
 * Gives a window made without a client its client, and reaches the portal.
 */
void
alta_window_set_client (AltaWindow       *self,
                        AltaPortalClient *client,
                        const GError     *setup_error)
{
  g_return_if_fail (ALTA_IS_WINDOW (self));
  g_return_if_fail (self->client == NULL);

  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "session-expired", G_CALLBACK (on_session_expired_cb), self,
                             G_CONNECT_SWAPPED);
  g_clear_error (&self->setup_error);
  self->setup_error = setup_error != NULL ? g_error_copy (setup_error) : NULL;

  alta_sign_in_page_set_client (self->sign_in_page, client);
  connect_to_portal (self);
}

/**
 * alta_window_get_session:
 *
 * Returns: (transfer none) (nullable): the signed-in person's session
 */
AltaSession *
alta_window_get_session (AltaWindow *self)
{
  g_return_val_if_fail (ALTA_IS_WINDOW (self), NULL);

  return self->session;
}

/**
 * alta_window_set_session:
 * @session: (nullable): a new session, or %NULL to sign out
 *
 * Shows @session's record on every page. %NULL signs out: the portal hears of it, the
 * window drops the session, and every page shows nothing of it.
 */
void
alta_window_set_session (AltaWindow  *self,
                         AltaSession *session)
{
  g_autoptr (AltaSession) old = NULL;

  g_return_if_fail (ALTA_IS_WINDOW (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (self->session == session)
    return;

  old = g_steal_pointer (&self->session);
  if (old != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      alta_portal_client_sign_out_async (alta_session_get_client (old), NULL, NULL, NULL);
    }

  self->session = session != NULL ? g_object_ref (session) : NULL;
  g_signal_group_set_target (self->session_signals, session);
  /* The pages let go of the old session's models here */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);

  if (session != NULL)
    show_session (self);
  else
    show_nobody (self);
}

/**
 * alta_window_get_notifier:
 *
 * Returns: (transfer none): what polls and sends desktop notifications; a shared
 *   computer's modes turn it off (AltaNotifier:enabled)
 */
AltaNotifier *
alta_window_get_notifier (AltaWindow *self)
{
  g_return_val_if_fail (ALTA_IS_WINDOW (self), NULL);

  return self->notifier;
}

/**
 * alta_window_get_idle_monitor:
 *
 * Returns: (transfer none): what signs out a person who walked away (tests move its clock)
 */
AltaIdleMonitor *
alta_window_get_idle_monitor (AltaWindow *self)
{
  g_return_val_if_fail (ALTA_IS_WINDOW (self), NULL);

  return self->idle_monitor;
}

/**
 * alta_window_take_over:
 * @from: the window this one replaces, built in another language
 * @session: (nullable): a session to show at once (one just signed in, in the account's
 *   language)
 *
 * Takes @from's place: its size, whether it is maximized or fullscreen, and then what it
 * showed. Signed in there (a change of language in Preferences): @from's session (not
 * signed out), the page it showed and what was typed in Preferences; @from is left showing
 * nobody, to be destroyed. On the sign-in page: what was typed there and why it shows. Call
 * it before presenting.
 */
void
alta_window_take_over (AltaWindow  *self,
                       AltaWindow  *from,
                       AltaSession *session)
{
  g_autoptr (AltaSession) carried = NULL;
  int width, height;

  g_return_if_fail (ALTA_IS_WINDOW (self));
  g_return_if_fail (ALTA_IS_WINDOW (from));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  /* GTK keeps a window's default size as its size, as a person left it */
  gtk_window_get_default_size (GTK_WINDOW (from), &width, &height);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (gtk_window_is_maximized (GTK_WINDOW (from)))
    gtk_window_maximize (GTK_WINDOW (self));
  if (gtk_window_is_fullscreen (GTK_WINDOW (from)))
    gtk_window_fullscreen (GTK_WINDOW (self));

  /* The portal was reached already: no second "Connecting" */
  if (session != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      alta_window_set_session (self, session);
      return;
    }

  if (from->session != NULL)
    {
      gboolean on_preferences =
        g_strcmp0 (gtk_stack_get_visible_child_name (from->stack), "preferences") == 0;
      const char *page = adw_view_stack_get_visible_child_name (from->view_stack);

      /* The old window lets go of the session without signing out at the portal */
      g_cancellable_cancel (from->cancellable);
      carried = g_steal_pointer (&from->session);
      g_signal_group_set_target (from->session_signals, NULL);

      g_cancellable_cancel (self->cancellable);
      alta_window_set_session (self, carried);
      if (page != NULL)
        adw_view_stack_set_visible_child_name (self->view_stack, page);
      alta_preferences_page_take_typed (self->preferences_page, from->preferences_page);
      g_object_notify_by_pspec (G_OBJECT (from), properties[PROP_SESSION]);
      show_nobody (from);

      if (on_preferences)
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-preferences", NULL);
      alta_preferences_page_save_language (self->preferences_page);
      return;
    }

  if (self->client == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (from->stack), "sign-in") != 0)
    return;

  g_cancellable_cancel (self->cancellable);
  show_signed_out (self, from->notice);
  alta_sign_in_page_take_input (self->sign_in_page, from->sign_in_page);
  alta_sign_in_page_focus (self->sign_in_page);
}

/**
 * alta_window_get_idle_limit:
 *
 * Returns: the seconds without input after which the person is signed out: the account's
 *   limit, or a kiosk's site limit when it is shorter
 */
gint64
alta_window_get_idle_limit (AltaWindow *self)
{
  gint64 limit;

  g_return_val_if_fail (ALTA_IS_WINDOW (self), 0);

  limit = self->session != NULL ? alta_session_get_idle_timeout (self->session) : 0;
  if (self->kiosk_idle_s > 0 && (limit <= 0 || self->kiosk_idle_s < limit))
    limit = self->kiosk_idle_s;
  return limit;
}

/* In a kiosk, the way back to the welcome page shows on the sign-in and sign-up forms only */
static void
update_welcome_button (AltaWindow *self)
{
  gtk_widget_set_visible (self->welcome_button,
                          self->session == NULL &&
                          g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                     "sign-in") == 0);
}

static void
on_welcome_clicked_cb (AltaWindow *self)
{
  alta_window_show_sign_in_way (self, NULL);
}

static gboolean
on_escape_cb (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  AltaWindow *self = ALTA_WINDOW (widget);

  if (!gtk_widget_get_visible (self->welcome_button))
    return FALSE;
  alta_window_show_sign_in_way (self, NULL);
  return TRUE;
}

/**
 * alta_window_set_kiosk:
 * @idle_s: the site's idle limit, in seconds: the account's own applies when shorter
 * @welcome: the kiosk's welcome page, shown whenever nobody is signed in
 *
 * Makes the window a lobby kiosk's (src/client/kiosk/alta-kiosk.c): the username is not
 * remembered, the record hides behind the idle warning, and signing out goes back to
 * @welcome. Call it before presenting.
 */
void
alta_window_set_kiosk (AltaWindow *self,
                       gint64      idle_s,
                       GtkWidget  *welcome)
{
  g_return_if_fail (ALTA_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (welcome));
  g_return_if_fail (self->welcome == NULL);

  self->kiosk_idle_s = idle_s;
  self->welcome = welcome;
  /* No minimize, maximize or close buttons: the window's own header bar, not the
   * display's GtkSettings (setting gtk-decoration-layout there read freed memory in
   * GTK 4.8 under Wayland: cage, AddressSanitizer) */
  adw_header_bar_set_show_start_title_buttons (self->header_bar, FALSE);
  adw_header_bar_set_show_end_title_buttons (self->header_bar, FALSE);
  /* From the sign-in and sign-up forms back to the welcome page: a button, and Escape */
  self->welcome_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (self->welcome_button, _("Back to the Welcome Screen"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->welcome_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to the Welcome Screen"),
                                  -1);
  adw_header_bar_pack_start (self->header_bar, self->welcome_button);
  g_signal_connect_object (self->welcome_button, "clicked", G_CALLBACK (on_welcome_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (update_welcome_button), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::session", G_CALLBACK (update_welcome_button), NULL);
  {
    GtkEventController *escape = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (escape),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                        gtk_callback_action_new (on_escape_cb, NULL, NULL)));
    gtk_widget_add_controller (GTK_WIDGET (self), escape);
  }
  gtk_stack_add_named (self->stack, welcome, "welcome");
  alta_sign_in_page_set_settings (self->sign_in_page, self->settings, FALSE);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "sign-in") == 0)
    gtk_stack_set_visible_child_name (self->stack, "welcome");
  update_welcome_button (self);
}

/**
 * alta_window_show_sign_in_way:
 * @way: (nullable): "sign-in" or "sign-up"; %NULL goes back to the welcome page
 *
 * In a kiosk, from the welcome page to one of the two ways on, or back.
 */
void
alta_window_show_sign_in_way (AltaWindow *self,
                              const char *way)
{
  g_return_if_fail (ALTA_IS_WINDOW (self));

  if (self->session != NULL)
    return;
  if (way == NULL)
    {
      if (self->welcome != NULL)
        gtk_stack_set_visible_child_name (self->stack, "welcome");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  gtk_widget_activate_action (GTK_WIDGET (self->sign_in_page), "sign-in.show-way", "s", way);
  alta_sign_in_page_focus (self->sign_in_page);
}
