/* test-client-station.c: the enrollment station's idle limits, on a clock the test moves
 *
 * The real station window, in this process, against a real demo portal. The staff member
 * signs in and starts typing a search; with no input the warning comes a minute before the
 * station's staff limit, and at the limit the staff member is signed out: the portal session
 * ends (the client holds no token) and the search typed is gone. Locked, the station forgets
 * the staff member after the same limit. The idle monitor's clocks are the test's
 * (alta_idle_monitor_set_clocks(), a call inside this process): nothing waits for real
 * minutes, and nothing outside the program can change the time of an installed station.
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "alta-idle-monitor.h"
#include "alta-sign-up-form.h"
#include "alta-station-staff-page.h"
#include "alta-station-window.h"
#include "alta-test-server.h"

#define STAFF_IDLE_S 120

static AltaTestServer *server;

static gint64 test_now = G_GINT64_CONSTANT (1000000000000);
static gint64 test_steady = G_GINT64_CONSTANT (5000000);

static gint64
test_clock (gpointer user_data)
{
  return test_now;
}

static gint64
test_steady_clock (gpointer user_data)
{
  return test_steady;
}

static void
move_clock (GtkWidget *window,
            int        seconds)
{
  test_now += seconds * G_USEC_PER_SEC;
  test_steady += seconds * G_USEC_PER_SEC;
  alta_idle_monitor_check (alta_station_window_get_idle_monitor (ALTA_STATION_WINDOW (window)));
}

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (title == NULL ||
       (ADW_IS_PREFERENCES_ROW (root) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A label on screen that holds @text */
static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;

  return FALSE;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_until (Condition   condition,
               gpointer    data,
               const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (10, wake_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake_id);
}

static gboolean
is_on_sign_in (gpointer data)
{
  GtkWidget *row = find_widget (data, ADW_TYPE_ENTRY_ROW, "Staff username");

  return row != NULL && gtk_widget_get_mapped (row);
}

static gboolean
is_on_staff_page (gpointer data)
{
  GtkWidget *page = find_widget (data, ALTA_TYPE_STATION_STAFF_PAGE, NULL);

  return page != NULL && gtk_widget_get_mapped (page);
}

static gboolean
is_locked (gpointer data)
{
  return shows_label (data, "Station Locked");
}

static AdwMessageDialog *
find_idle_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
}

static gboolean
has_idle_dialog (gpointer data)
{
  return find_idle_dialog () != NULL;
}

static gboolean
has_no_idle_dialog (gpointer data)
{
  return find_idle_dialog () == NULL;
}

static gboolean
holds_last_reference (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

static GtkWidget *
new_station (AltaPortalClient *client)
{
  AltaStationConfig config = {
    .name = NULL, .staff_idle_s = STAFF_IDLE_S, .patient_idle_s = 120, .done_s = 2,
  };
  GtkWidget *window = GTK_WIDGET (alta_station_window_new (NULL, client, NULL, &config));

  g_object_ref (window);
  alta_idle_monitor_set_clocks (alta_station_window_get_idle_monitor (ALTA_STATION_WINDOW (window)),
                                test_clock, test_steady_clock, NULL);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
destroy_station (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (holds_last_reference, window, "the station's requests to end");
  g_assert_finalize_object (window);
}

static void
staff_sign_in (GtkWidget *window)
{
  iterate_until (is_on_sign_in, window, "the staff sign-in");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (window, ADW_TYPE_ENTRY_ROW, "Staff username")),
                         "frontdesk");
  /* The sign-in's password field is the first of the window's */
  gtk_editable_set_text (GTK_EDITABLE (find_widget (window, GTK_TYPE_PASSWORD_ENTRY, NULL)),
                         "Clinic-Desk-Station-1");
  g_assert_true (gtk_widget_activate_action (window, "station.sign-in", NULL));
  iterate_until (is_on_staff_page, window, "the staff search");
}

/* The staff member walks away mid-search: warned a minute before the limit, signed out at
 * it; the portal session is over and the search typed is gone */
static void
test_staff_idle_sign_out (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  GtkWidget *window = new_station (client);
  GtkWidget *given;

  staff_sign_in (window);
  g_assert_nonnull (alta_portal_client_get_access_token (client));
  given = find_widget (window, ADW_TYPE_ENTRY_ROW, "Given name");
  gtk_editable_set_text (GTK_EDITABLE (given), "Elena");

  move_clock (window, STAFF_IDLE_S - 61);
  g_assert_null (find_idle_dialog ());
  move_clock (window, 1);
  iterate_until (has_idle_dialog, NULL, "the idle warning");
  g_assert_true (is_on_staff_page (window));

  move_clock (window, 59);
  g_assert_true (is_on_staff_page (window));
  move_clock (window, 1);
  iterate_until (is_on_sign_in, window, "the sign-out at the limit");
  iterate_until (has_no_idle_dialog, NULL, "the warning to close");
  g_assert_true (shows_label (window, "signed out after 2 minutes without activity"));
  g_assert_null (alta_portal_client_get_access_token (client));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (given)), ==, "");

  destroy_station (window);
}

/* Input before the limit starts the wait again: a staff member at work is not signed out */
static void
test_staff_input_keeps_the_session (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  GtkWidget *window = new_station (client);

  staff_sign_in (window);
  move_clock (window, STAFF_IDLE_S - 60);
  iterate_until (has_idle_dialog, NULL, "the idle warning");
  /* Closed, as by Escape: its close response is "I'm still here" */
  gtk_window_close (GTK_WINDOW (find_idle_dialog ()));
  iterate_until (has_no_idle_dialog, NULL, "the warning to close");
  /* A second short of the limit counted from "still here" (past it, counted from before) */
  move_clock (window, STAFF_IDLE_S - 1);
  g_assert_true (is_on_staff_page (window));
  g_assert_nonnull (alta_portal_client_get_access_token (client));

  destroy_station (window);
}

/* Locked and left: the station forgets the staff member after the staff limit */
static void
test_locked_station_forgets_the_staff (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  GtkWidget *window = new_station (client);

  staff_sign_in (window);
  g_assert_true (gtk_widget_activate_action (window, "station.lock", NULL));
  iterate_until (is_locked, window, "the lock screen");
  g_assert_true (shows_label (window, "Signed in as frontdesk"));
  /* Locked, the staff session is over already: unlocking signs in again */
  g_assert_null (alta_portal_client_get_access_token (client));

  /* Nobody to warn on the lock screen */
  move_clock (window, STAFF_IDLE_S - 1);
  g_assert_null (find_idle_dialog ());
  g_assert_true (is_locked (window));
  move_clock (window, 1);
  iterate_until (is_on_sign_in, window, "the staff sign-in after the limit");
  g_assert_false (shows_label (window, "frontdesk"));

  destroy_station (window);
}

/* A button on screen that holds @text (a patient found) */
static GtkWidget *
find_button_with (GtkWidget  *root,
                  const char *text)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) && shows_label (root, text))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_elena (gpointer data)
{
  return find_button_with (data, "Elena Cruz") != NULL;
}

static gboolean
shows_code (gpointer data)
{
  return shows_label (data, "Activation Code for Elena Cruz");
}

static gboolean
has_form (gpointer data)
{
  GtkWidget *form = find_widget (data, ALTA_TYPE_SIGN_UP_FORM, NULL);

  return form != NULL && gtk_widget_get_mapped (form);
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **out = user_data;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*out == NULL)
    *out = g_strdup ("");
}

static gboolean
is_set (gpointer data)
{
  return *(char **)data != NULL;
}

/* The patient walks away from the sign-up form: at the patient's limit her part is wiped
 * (the form destroyed, the clipboard emptied) and the station locks; the staff search holds
 * nothing of her */
static void
test_patient_step_left_idle (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  GtkWidget *window = new_station (client);
  GtkWidget *staff_page;
  GtkWidget *form;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (window);
  g_autofree char *pasted = NULL;

  staff_sign_in (window);
  staff_page = find_widget (window, ALTA_TYPE_STATION_STAFF_PAGE, NULL);
  gtk_editable_set_text (GTK_EDITABLE (find_widget (window, ADW_TYPE_ENTRY_ROW, "Given name")),
                         "elena");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (window, ADW_TYPE_ENTRY_ROW, "Surname")),
                         "cruz");
  g_assert_true (gtk_widget_activate_action (staff_page, "staff.search", NULL));
  iterate_until (has_elena, window, "Elena in the results");
  g_signal_emit_by_name (find_button_with (window, "Elena Cruz"), "clicked");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_widget (window, GTK_TYPE_CHECK_BUTTON, NULL)),
                               TRUE);
  g_assert_true (gtk_widget_activate_action (staff_page, "staff.issue-code", NULL));
  iterate_until (shows_code, window, "the activation code");
  g_assert_true (gtk_widget_activate_action (staff_page, "staff.hand-off", NULL));
  iterate_until (has_form, window, "the sign-up form");
  /* The staff session ended at the hand-off */
  g_assert_null (alta_portal_client_get_access_token (client));

  /* She copies her username in the form, and walks away */
  form = find_widget (window, ALTA_TYPE_SIGN_UP_FORM, NULL);
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *)&form);
  gdk_clipboard_set_text (clipboard, "elena.cruz.copied");
  move_clock (window, 119);
  g_assert_true (has_form (window));
  move_clock (window, 1);
  iterate_until (is_locked, window, "the station locked");
  g_assert_null (form);
  g_assert_null (find_widget (window, ALTA_TYPE_SIGN_UP_FORM, NULL));
  g_assert_false (shows_label (window, "Elena"));
  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &pasted);
  iterate_until (is_set, &pasted, "the clipboard");
  g_assert_cmpstr (pasted, ==, "");

  destroy_station (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run (tools/test does)\n");
      return 0;
    }
  adw_init ();

  server = alta_test_server_new_demo (NULL);
  g_test_add_func ("/station/staff-idle-sign-out", test_staff_idle_sign_out);
  g_test_add_func ("/station/staff-input-keeps-the-session", test_staff_input_keeps_the_session);
  g_test_add_func ("/station/patient-step-left-idle", test_patient_step_left_idle);
  g_test_add_func ("/station/locked-station-forgets-the-staff",
                   test_locked_station_forgets_the_staff);
  status = g_test_run ();
  alta_test_server_free (server);

  return status;
}
