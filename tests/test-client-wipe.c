/* test-client-wipe.c: after sign-out, nothing of the patient is left in the app
 *
 * The real window, in this process, against a real demo portal: sign in as Grace, open
 * every page, a report and a trend, copy text from the app; sign out (by the button, by the
 * portal ending the session, and by the idle limit, on a clock the test moves). Then every
 * widget of every window, every list model reachable from them and the clipboards are
 * searched for her names, identifiers and values, and the session (which held every model)
 * must be freed: g_assert_finalize_object().
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "alta-format.h"
#include "alta-idle-monitor.h"
#include "alta-messages-page.h"
#include "alta-report-row.h"
#include "alta-portal-error.h"
#include "alta-preferences-page.h"
#include "alta-refill-dialog.h"
#include "alta-results-page.h"
#include "alta-session.h"
#include "alta-sign-in-page.h"
#include "alta-test-server.h"
#include "alta-trend-view.h"
#include "alta-vital-sign.h"
#include "alta-vitals-page.h"
#include "alta-window.h"

static AltaTestServer *server;

/* Typed in Preferences and never saved */
#define DRAFT_STREET "1234 Draft Lane"

/* Drafts typed into the Messages page: never sent, and gone at sign-out */
#define DRAFT_SUBJECT "Subject-draft-Maple-3"
#define DRAFT_TEXT "Compose-draft-Harbor-12"
#define DRAFT_REPLY "Reply-draft-Juniper-77"

typedef struct
{
  GString    *text;     /* every string found, one a line */
  GHashTable *seen;     /* objects already searched */
  guint       n_models;
} Walk;

static void walk_object (Walk    *walk,
                         GObject *object,
                         guint    depth);

static void
walk_model (Walk       *walk,
            GListModel *model,
            guint       depth)
{
  walk->n_models++;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      walk_object (walk, item, depth + 1);
    }
}

/* Every readable string property of @object, and every list model among its object
 * properties (a selection's model, a drop-down's model, a list item's item…).
 */
static void
walk_object (Walk    *walk,
             GObject *object,
             guint    depth)
{
  g_autofree GParamSpec **specs = NULL;
  guint n_specs;

  if (object == NULL || depth > 12 || !g_hash_table_add (walk->seen, object))
    return;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_specs);
  for (guint i = 0; i < n_specs; i++)
    {
      GParamSpec *spec = specs[i];

      if (!(spec->flags & G_PARAM_READABLE))
        continue;

      if (spec->value_type == G_TYPE_STRING)
        {
          g_autofree char *value = NULL;

          g_object_get (object, spec->name, &value, NULL);
          if (value != NULL)
            g_string_append_printf (walk->text, "%s.%s: %s\n", G_OBJECT_TYPE_NAME (object),
                                    spec->name, value);
        }
      else if (g_type_is_a (spec->value_type, G_TYPE_OBJECT) ||
               g_type_is_a (spec->value_type, G_TYPE_INTERFACE))
        {
          g_autoptr (GObject) value = NULL;

          /* Only downwards: a widget's parent and root are walked as widgets already */
          if (g_str_equal (spec->name, "parent") || g_str_equal (spec->name, "root") ||
              g_str_equal (spec->name, "application") || g_str_equal (spec->name, "transient-for"))
            continue;

          g_object_get (object, spec->name, &value, NULL);
          if (value != NULL && G_IS_LIST_MODEL (value))
            walk_model (walk, G_LIST_MODEL (value), depth);
          else if (value != NULL && !GTK_IS_WIDGET (value) && G_IS_LIST_MODEL (object))
            walk_object (walk, value, depth + 1);
        }
    }

  if (G_IS_LIST_MODEL (object))
    walk_model (walk, G_LIST_MODEL (object), depth);
}

static void
walk_widget (Walk      *walk,
             GtkWidget *widget)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  walk_object (walk, G_OBJECT (widget), 0);
  if (GTK_IS_EDITABLE (widget))
    g_string_append_printf (walk->text, "%s\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
      g_string_append_printf (walk->text, "%s\n", text);
    }
  if (tooltip != NULL)
    g_string_append_printf (walk->text, "%s\n", tooltip);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk_widget (walk, child);
}

/* Everything the app holds: every window's widgets and the models they reach, and @session's
 * models (which the pages bind to)
 */
static char *
everything (AltaSession *session,
            guint       *n_models)
{
  Walk walk = { g_string_new (NULL), g_hash_table_new (NULL, NULL), 0 };
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      walk_widget (&walk, window);
    }

  if (session != NULL)
    {
      walk_model (&walk, alta_session_get_allergies (session), 0);
      walk_model (&walk, alta_session_get_immunizations (session), 0);
      walk_model (&walk, alta_session_get_medications (session), 0);
      walk_model (&walk, alta_session_get_problems (session), 0);
      walk_model (&walk, alta_session_get_reports (session), 0);
      walk_model (&walk, alta_session_get_results (session), 0);
      walk_model (&walk, alta_session_get_refill_requests (session), 0);
      walk_model (&walk, alta_session_get_upcoming (session), 0);
      walk_model (&walk, alta_session_get_past (session), 0);
      walk_model (&walk, alta_session_get_dental_requests (session), 0);
      walk_model (&walk, alta_session_get_messages (session), 0);
      walk_model (&walk, alta_session_get_threads (session), 0);
      walk_model (&walk, alta_session_get_drafts (session), 0);
    }

  if (n_models != NULL)
    *n_models = walk.n_models;
  g_hash_table_unref (walk.seen);
  return g_string_free (walk.text, FALSE);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (title == NULL)
        return root;
      if (ADW_IS_PREFERENCES_ROW (root) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
        return root;
      if (GTK_IS_BUTTON (root) &&
          g_strcmp0 (gtk_widget_get_tooltip_text (root), title) == 0)
        return root;
      /* The sign-in page's fields: an entry under its title label */
      if (GTK_IS_EDITABLE (root) && GTK_IS_LABEL (gtk_widget_get_prev_sibling (root)) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (gtk_widget_get_prev_sibling (root))),
                     title) == 0)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @condition holds. The loop blocks until something happens; a
 * timer wakes it every 10 ms, for conditions that no event announces. */
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
  GtkWidget *window = data;
  GtkWidget *page = find_widget (window, ALTA_TYPE_SIGN_IN_PAGE, NULL);
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (page, GTK_TYPE_STACK));

  return gtk_stack_get_visible_child (stack) == page;
}

/* The window's page has finished fading in */
static gboolean
transition_done (gpointer data)
{
  GtkWidget *page = find_widget (data, ALTA_TYPE_SIGN_IN_PAGE, NULL);
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (page, GTK_TYPE_STACK));

  return !gtk_stack_get_transition_running (stack);
}

static gboolean
has_text (gpointer data)
{
  const char * const *needle_and_session = data;
  g_autofree char *text = everything (NULL, NULL);

  return strstr (text, needle_and_session[0]) != NULL;
}

static gboolean
has_session (gpointer data)
{
  return alta_window_get_session (data) != NULL;
}

/* The first row of the list that shows a report: rows are made, then given their report */
static GtkWidget *
find_report_row (GtkWidget *widget)
{
  if (ALTA_IS_REPORT_ROW (widget) && alta_report_row_get_report (ALTA_REPORT_ROW (widget)) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_report_row (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_report_row (gpointer data)
{
  return find_report_row (data) != NULL;
}

static gboolean
has_trend_button (gpointer data)
{
  GtkWidget *results_page = data;
  GtkWidget *values = find_widget (results_page, GTK_TYPE_LIST_BOX, NULL);

  return values != NULL && find_widget (values, GTK_TYPE_BUTTON, NULL) != NULL;
}

static gboolean
shows_trend (gpointer data)
{
  GtkWidget *results_page = data;

  return gtk_widget_get_visible (find_widget (results_page, ALTA_TYPE_TREND_VIEW, NULL));
}

/* Nothing holds the window but the test: its requests have come back */
static gboolean
holds_last_reference (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

#define DENTAL_DRAFT "A loose filling, upper left"

/* What she types for the pharmacy, not sent yet when she signs out */
#define REFILL_DRAFT "Leave it with my neighbour Harriet Oduya"

/* What must not outlive her session: read from the portal, not from the app */
static GPtrArray *
grace_secrets (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  g_autoptr (AltaPortalResponse) me = NULL;
  GPtrArray *secrets = g_ptr_array_new_with_free_func (g_free);
  const char *searches[] = {
    "/fhir/R4/AllergyIntolerance?patient=demo-adult",
    "/fhir/R4/MedicationRequest?patient=demo-adult",
    "/fhir/R4/Condition?patient=demo-adult",
    "/fhir/R4/DiagnosticReport?patient=demo-adult&_sort=-date&_count=1",
  };

  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
  g_ptr_array_add (secrets, g_strdup ("Grace"));
  /* Her account's details, which Preferences shows, and what she typed there unsaved */
  me = alta_test_request (client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
  g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (alta_test_response_object (me),
                                                                     "email")));
  g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (alta_test_response_object (me),
                                                                     "phone")));
  g_ptr_array_add (secrets, g_strdup (DRAFT_STREET));
  /* What sign_in_and_look_around() types into the Messages page: drafts */
  g_ptr_array_add (secrets, g_strdup (DRAFT_SUBJECT));
  g_ptr_array_add (secrets, g_strdup (DRAFT_TEXT));
  g_ptr_array_add (secrets, g_strdup (DRAFT_REPLY));
  {
    g_autoptr (AltaPortalResponse) response =
      alta_test_request (client, "GET", "/fhir/R4/Communication?patient=demo-adult", NULL,
                         ALTA_REQUEST_NONE);
    JsonArray *entries = json_object_get_array_member (alta_test_response_object (response),
                                                       "entry");

    g_assert_nonnull (entries);
    g_assert_cmpuint (json_array_get_length (entries), >, 0);
    for (guint j = 0; j < json_array_get_length (entries); j++)
      {
        JsonObject *message = json_object_get_object_member (json_array_get_object_element (entries, j),
                                                             "resource");
        JsonObject *payload = json_array_get_object_element (json_object_get_array_member (message, "payload"), 0);

        /* Its topic and its text: the threads list and the thread show them */
        g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (
                                    json_object_get_object_member (message, "topic"), "text")));
        g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (payload, "contentString")));
      }
  }

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", searches[i],
                                                                   NULL, ALTA_REQUEST_NONE);
      JsonArray *entries = json_object_get_array_member (alta_test_response_object (response),
                                                         "entry");

      g_assert_nonnull (entries);
      for (guint j = 0; j < json_array_get_length (entries); j++)
        {
          JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, j),
                                                                "resource");
          JsonObject *concept = json_object_has_member (resource, "code")
                                  ? json_object_get_object_member (resource, "code")
                                  : json_object_get_object_member (resource, "medicationCodeableConcept");
          const char *text = json_object_get_string_member_with_default (concept, "text", NULL);

          if (text == NULL)
            text = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (concept, "coding"), 0),
                                                  "display");
          g_ptr_array_add (secrets, g_strdup (text));
          /* Each resource's id too: the models hold them */
          g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (resource, "id")));
        }
    }

  /* Her visits: what each is for, and its id */
  {
    g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET",
                                                                 "/fhir/R4/Appointment?patient=demo-adult",
                                                                 NULL, ALTA_REQUEST_NONE);
    JsonArray *entries = json_object_get_array_member (alta_test_response_object (response),
                                                       "entry");

    g_assert_nonnull (entries);
    g_assert_cmpuint (json_array_get_length (entries), >=, 2);
    for (guint j = 0; j < json_array_get_length (entries); j++)
      {
        JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, j),
                                                              "resource");

        g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (resource, "description")));
        g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (resource, "id")));
      }
  }

  /* The dental request she was typing */
  g_ptr_array_add (secrets, g_strdup (DENTAL_DRAFT));

  /* Her refill request's note for the pharmacy (the demo's), and the one she is typing */
  {
    g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET",
                                                                 "/fhir/R4/Task?patient=demo-adult&code=refill-request",
                                                                 NULL, ALTA_REQUEST_NONE);
    JsonArray *entries = json_object_get_array_member (alta_test_response_object (response),
                                                       "entry");

    g_assert_nonnull (entries);
    g_assert_cmpuint (json_array_get_length (entries), >, 0);
    for (guint j = 0; j < json_array_get_length (entries); j++)
      {
        JsonObject *task = json_object_get_object_member (json_array_get_object_element (entries, j),
                                                          "resource");
        JsonArray *notes = json_object_has_member (task, "note")
                             ? json_object_get_array_member (task, "note") : NULL;

        g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (task, "id")));
        if (notes != NULL)
          g_ptr_array_add (secrets, g_strdup (json_object_get_string_member (json_array_get_object_element (notes, 0),
                                                                             "text")));
      }
  }
  g_ptr_array_add (secrets, g_strdup (REFILL_DRAFT));

  return secrets;
}

static void
type_into (GtkWidget  *window,
           GType       type,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_widget (window, type, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* The results come last (hundreds, in pages), all at once */
static gboolean
has_results (gpointer data)
{
  AltaSession *session = alta_window_get_session (data);

  return session != NULL && g_list_model_get_n_items (alta_session_get_results (session)) > 0;
}

static void
sign_in (GtkWidget *window)
{
  GtkWidget *sign_in_page = NULL;
  const char *loaded[] = { "Penicillin", NULL };

  iterate_until (is_on_sign_in, window, "the sign-in page");
  sign_in_page = find_widget (window, ALTA_TYPE_SIGN_IN_PAGE, NULL);
  type_into (window, GTK_TYPE_ENTRY, "Username", "grace");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (window, GTK_TYPE_PASSWORD_ENTRY, NULL)),
                         "Orchard-Lantern-42");
  g_assert_true (gtk_widget_activate_action (sign_in_page, "sign-in.submit", NULL));
  iterate_until (has_session, window, "her session");
  iterate_until (has_text, loaded, "her record");
  iterate_until (has_results, window, "her results");
}

static gboolean
has_threads (gpointer data)
{
  AltaSession *session = alta_window_get_session (data);

  return session != NULL && g_list_model_get_n_items (alta_session_get_threads (session)) > 0;
}

static void
set_text_view (GtkWidget  *root,
               const char *text)
{
  GtkWidget *view = find_widget (root, GTK_TYPE_TEXT_VIEW, NULL);

  g_assert_nonnull (view);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

/* The Messages page: her newest thread open with a reply being written, then a new message
 * being written; the drafts stay in the session, and the page shows the last one */
static void
look_at_messages (GtkWidget *window)
{
  AltaSession *session = alta_window_get_session (ALTA_WINDOW (window));
  GtkWidget *page = find_widget (window, ALTA_TYPE_MESSAGES_PAGE, NULL);
  g_autoptr (AltaMessageThread) thread = NULL;
  GtkStack *stack;

  g_assert_true (gtk_widget_activate_action (window, "win.show-page", "s", "messages"));
  iterate_until (has_threads, window, "her messages");
  thread = g_list_model_get_item (alta_session_get_threads (session), 0);
  g_assert_true (gtk_widget_activate_action (page, "messages.open-thread", "s",
                                             alta_message_thread_get_id (thread)));
  stack = GTK_STACK (find_widget (page, GTK_TYPE_STACK, NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "thread");
  set_text_view (gtk_stack_get_visible_child (stack), DRAFT_REPLY);
  g_assert_cmpstr (alta_message_draft_get_text (alta_session_get_draft (session,
                                                                        alta_message_thread_get_id (thread))),
                   ==, DRAFT_REPLY);

  g_assert_true (gtk_widget_activate_action (page, "messages.compose", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "compose");
  type_into (page, ADW_TYPE_ENTRY_ROW, "Subject", DRAFT_SUBJECT);
  set_text_view (gtk_stack_get_visible_child (stack), DRAFT_TEXT);
  g_assert_cmpstr (alta_message_draft_get_text (alta_session_get_draft (session, NULL)), ==,
                   DRAFT_TEXT);
}

/* Signs in as Grace and opens her newest report and a trend; returns her session */
static gboolean
has_appointments (gpointer data)
{
  AltaSession *session = alta_window_get_session (data);

  return session != NULL &&
         alta_session_get_appointment_state (session) == ALTA_LOAD_STATE_LOADED &&
         g_list_model_get_n_items (alta_session_get_upcoming (session)) > 0 &&
         g_list_model_get_n_items (alta_session_get_past (session)) > 0;
}

static AltaSession *
sign_in_and_look_around (GtkWidget *window)
{
  GtkWidget *results_page;
  GtkWidget *report_button;
  GtkWidget *trend_button;

  sign_in (window);

  /* The newest report's values, then the first value's trend */
  results_page = find_widget (window, ALTA_TYPE_RESULTS_PAGE, NULL);
  iterate_until (has_report_row, results_page, "the reports");
  report_button = find_widget (find_report_row (results_page), GTK_TYPE_BUTTON, NULL);
  g_signal_emit_by_name (report_button, "clicked");
  iterate_until (has_trend_button, results_page, "the report's values");
  trend_button = find_widget (find_widget (results_page, GTK_TYPE_LIST_BOX, NULL),
                              GTK_TYPE_BUTTON, NULL);
  g_signal_emit_by_name (trend_button, "clicked");
  iterate_until (shows_trend, results_page, "the trend");

  /* Preferences, with a new street typed and not saved */
  g_assert_true (gtk_widget_activate_action (window, "win.show-preferences", NULL));
  type_into (find_widget (window, ALTA_TYPE_PREFERENCES_PAGE, NULL), ADW_TYPE_ENTRY_ROW,
             "Street Address", DRAFT_STREET);
  /* Her appointments, past and to come, and a dental request half typed */
  iterate_until (has_appointments, window, "the appointments");
  type_into (window, ADW_TYPE_ENTRY_ROW, "Reason for the visit", DENTAL_DRAFT);

  /* A refill request she starts typing, for her first medication */
  {
    AltaSession *session = alta_window_get_session (ALTA_WINDOW (window));
    g_autoptr (AltaMedication) medication = g_list_model_get_item (alta_session_get_medications (session), 0);
    AltaRefillDialog *dialog = alta_refill_dialog_new (GTK_WINDOW (window), session, medication);

    type_into (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Note for the pharmacy (optional)",
               REFILL_DRAFT);
    gtk_window_present (GTK_WINDOW (dialog));
  }

  look_at_messages (window);

  return g_object_ref (alta_window_get_session (ALTA_WINDOW (window)));
}

/* Signed out: nothing of hers in any window, and her session (the caller's reference the
 * last) is freed with every model it held */
static void
assert_nothing_left (AltaSession *session,
                     GPtrArray   *secrets,
                     const char  *before)
{
  g_autofree char *after = NULL;
  guint n_models = 0;

  after = everything (NULL, &n_models);
  g_test_message ("After sign-out: %u list models searched, %zu bytes of text",
                  n_models, strlen (after));
  /* The password is never kept, signed in or not */
  g_assert_null (strstr (before, "Orchard-Lantern-42"));
  g_assert_null (strstr (after, "Orchard-Lantern-42"));

  for (guint i = 0; i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);

      /* The search must be able to fail: each is found while she is signed in */
      if (strstr (before, secret) == NULL)
        g_error ("'%s' was not found while signed in: the search sees too little", secret);
      if (strstr (after, secret) != NULL)
        {
          g_auto (GStrv) lines = g_strsplit (after, "\n", -1);

          for (guint j = 0; lines[j] != NULL; j++)
            if (strstr (lines[j], secret) != NULL)
              g_printerr ("Found: %s\n", lines[j]);
          g_error ("'%s' is still in the app after sign-out", secret);
        }
    }

  /* Searches still under way at sign-out (the record loads nine at once) end cancelled in
   * the next iterations, and let go of the session then */
  iterate_until (holds_last_reference, session, "the session's requests to end");
  g_assert_finalize_object (session);
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (*out == NULL)
    *out = g_strdup ("");
}

static gboolean
is_set (gpointer data)
{
  return *(char **)data != NULL;
}

static char *
read_clipboard (GdkClipboard *clipboard)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  iterate_until (is_set, &text, "the clipboard");
  return text;
}

/* A window of its own, on @portal: the test holds a reference, for destroy_window() */
static GtkWidget *
new_window (AltaTestServer *portal)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (portal);
  GtkWidget *window = GTK_WIDGET (alta_window_new (NULL, client, NULL, NULL));

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The window goes, and with it everything it made */
static void
destroy_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (holds_last_reference, window, "the window's requests to end");
  g_assert_finalize_object (window);
}

static void
test_sign_out_wipes_everything (void)
{
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  AltaSession *session;
  g_autofree char *before = NULL;
  g_autofree char *clipboard_text = NULL;
  g_autofree char *primary_text = NULL;
  GtkWidget *window = new_window (server);
  guint n_models = 0;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (window);
  GdkClipboard *primary = gtk_widget_get_primary_clipboard (window);
  GtkWidget *sign_out_button;
  GtkWidget *focus;

  session = sign_in_and_look_around (window);
  before = everything (session, &n_models);
  g_test_message ("Signed in: %u list models searched, %zu bytes of text", n_models,
                  strlen (before));
  g_assert_cmpuint (n_models, >=, 6);

  /* As if she had copied her allergy and selected a value */
  gdk_clipboard_set_text (clipboard, "Penicillin");
  gdk_clipboard_set_text (primary, "Orchard-Lantern-42");

  /* Signing out by the button, which goes with the session: the focus it had moves on */
  sign_out_button = find_widget (window, GTK_TYPE_BUTTON, "Sign out of MyAltaMed");
  g_assert_true (gtk_widget_get_visible (sign_out_button));
  g_assert_true (gtk_widget_grab_focus (sign_out_button));
  g_signal_emit_by_name (sign_out_button, "clicked");
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  g_assert_true (is_on_sign_in (window));
  g_assert_false (gtk_widget_get_visible (sign_out_button));
  iterate_until (transition_done, window, "the sign-in page to show");
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_test_message ("Focus after sign-out: %s", focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, find_widget (window, GTK_TYPE_ENTRY, "Username")));

  assert_nothing_left (session, secrets, before);
  clipboard_text = read_clipboard (clipboard);
  primary_text = read_clipboard (primary);
  g_assert_cmpstr (clipboard_text, ==, "");
  g_assert_cmpstr (primary_text, ==, "");

  destroy_window (window);
}

/* The portal ends the session (her password changed elsewhere); the app's next request is
 * refused, and the app signs out at once, wiping the same way.
 */
static void
test_session_ended_by_the_portal (void)
{
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  AltaSession *session;
  g_autoptr (AltaPortalClient) elsewhere = alta_test_server_new_client (server);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GAsyncResult) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  GtkWidget *window = new_window (server);
  const char *notice[] = { "You were signed out after 15 minutes without activity", NULL };

  session = sign_in_and_look_around (window);
  before = everything (session, NULL);

  /* Another sign-in ends hers: a password change ends every other session */
  alta_test_sign_in (elsewhere, "grace", "Orchard-Lantern-42");
  response = alta_test_request (elsewhere, "POST", "/api/v1/me/password",
                                "{\"current_password\":\"Orchard-Lantern-42\","
                                "\"new_password\":\"Orchard-Lantern-43-Blue\"}",
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 204);
  g_clear_object (&response);

  /* Any request of hers now: reloading the record */
  alta_session_load_async (session, NULL, alta_test_store_result_cb, &loaded);
  iterate_until (has_text, notice, "the signed-out notice");
  g_assert_true (is_on_sign_in (window));
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  iterate_until (is_set, &loaded, "the reload to fail");
  g_assert_false (alta_session_load_finish (session, loaded, &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_SESSION_EXPIRED);
  g_clear_object (&loaded);
  assert_nothing_left (session, secrets, before);

  /* Put her password back for the other tests */
  response = alta_test_request (elsewhere, "POST", "/api/v1/me/password",
                                "{\"current_password\":\"Orchard-Lantern-43-Blue\","
                                "\"new_password\":\"Orchard-Lantern-42\"}",
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 204);

  destroy_window (window);
}

static gboolean
has_vital_signs (gpointer data)
{
  return g_list_model_get_n_items (alta_session_get_vital_signs (data)) > 0;
}

static gboolean
has_no_vital_signs (gpointer data)
{
  return g_list_model_get_n_items (alta_session_get_vital_signs (data)) == 0;
}

/* The text of Philip's newest blood pressure as the page shows it ("118/81 mmHg") */
static char *
dup_pressure_text (AltaSession *session)
{
  GListModel *vitals = alta_session_get_vital_signs (session);

  for (guint i = 0; i < g_list_model_get_n_items (vitals); i++)
    {
      g_autoptr (AltaVitalSign) vital = g_list_model_get_item (vitals, i);

      if (alta_vital_sign_get_kind (vital) == ALTA_VITAL_KIND_BLOOD_PRESSURE)
        return alta_format_vital_value (vital);
    }

  g_error ("Philip's record has no blood pressure");
}

/* Vital signs go with the record shown: another record empties them, and signing out
 * frees them. Daniel sees Philip's imported record (a child's, by proxy), which has them.
 */
static void
test_vital_signs_follow_the_record (void)
{
  g_autoptr (AltaTestServer) portal = alta_test_server_new_demo_full (NULL, TRUE);
  g_autoptr (GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *window = new_window (portal);
  const char *home[] = { "Hello, Daniel", NULL };
  g_autofree char *before = NULL;
  g_autofree char *shown = NULL;
  GtkDropDown *records;
  AltaSession *session;
  const char *pressure[] = { NULL, NULL };
  guint philip = GTK_INVALID_LIST_POSITION;

  iterate_until (is_on_sign_in, window, "the sign-in page");
  type_into (window, GTK_TYPE_ENTRY, "Username", "daniel");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (window, GTK_TYPE_PASSWORD_ENTRY, NULL)),
                         "Harbor-Kite-1988");
  g_assert_true (gtk_widget_activate_action (find_widget (window, ALTA_TYPE_SIGN_IN_PAGE, NULL),
                                             "sign-in.submit", NULL));
  iterate_until (has_session, window, "his session");
  iterate_until (has_text, home, "his home page");
  session = g_object_ref (alta_window_get_session (ALTA_WINDOW (window)));

  /* Philip's record, chosen as a person would */
  for (guint i = 0; i < g_list_model_get_n_items (alta_session_get_records (session)); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (alta_session_get_records (session)), i),
                          "Philip822"))
      philip = i;
  g_assert_cmpuint (philip, !=, GTK_INVALID_LIST_POSITION);
  records = GTK_DROP_DOWN (find_widget (window, GTK_TYPE_DROP_DOWN, NULL));
  gtk_drop_down_set_selected (records, philip);
  iterate_until (has_vital_signs, session, "Philip's vital signs");

  /* Each kind is listed with its latest value, on the page only */
  g_assert_nonnull (find_widget (window, ALTA_TYPE_VITALS_PAGE, NULL));
  g_ptr_array_add (secrets, dup_pressure_text (session));
  g_ptr_array_add (secrets, g_strdup ("Philip822"));
  pressure[0] = g_ptr_array_index (secrets, 0);
  iterate_until (has_text, pressure, "his blood pressure on the page");
  before = everything (session, NULL);

  /* Daniel's own record has none: nothing of Philip's stays on the page */
  gtk_drop_down_set_selected (records, 0);
  iterate_until (has_no_vital_signs, session, "Philip's vital signs to go");
  shown = everything (NULL, NULL);
  g_assert_null (strstr (shown, g_ptr_array_index (secrets, 0)));

  g_assert_true (gtk_widget_activate_action (window, "win.sign-out", NULL));
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  assert_nothing_left (session, secrets, before);

  destroy_window (window);
}

/* Only the test and GTK hold the window: its first request (reaching the portal) ended */
static gboolean
holds_two_references (gpointer data)
{
  return G_OBJECT (data)->ref_count <= 2;
}

/* A language chosen on the sign-in page, or an account's own, builds the window again: the
 * new one keeps the old one's size and what was typed, and does not reach the portal again
 * (which would empty the form).
 */
static void
test_take_over_keeps_size_and_input (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  GtkWidget *old = new_window (server);
  GtkWidget *window;
  GtkWidget *password;
  int width, height;

  iterate_until (is_on_sign_in, old, "the sign-in page");
  gtk_window_set_default_size (GTK_WINDOW (old), 900, 640);
  type_into (old, GTK_TYPE_ENTRY, "Username", "grace");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (old, GTK_TYPE_PASSWORD_ENTRY, NULL)),
                         "Orchard-Lantern-42");

  window = GTK_WIDGET (alta_window_new (NULL, client, NULL, NULL));
  g_object_ref (window);
  alta_window_take_over (ALTA_WINDOW (window), ALTA_WINDOW (old), NULL);
  gtk_window_present (GTK_WINDOW (window));
  destroy_window (old);

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  iterate_until (holds_two_references, window, "the window's first request to end");
  g_assert_true (is_on_sign_in (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_widget (window, GTK_TYPE_ENTRY,
                                                                     "Username"))), ==, "grace");
  password = find_widget (window, GTK_TYPE_PASSWORD_ENTRY, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "Orchard-Lantern-42");
  /* The person goes on where they were: the username is there, so the password */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), password));

  destroy_window (window);
}

/* The idle monitor's clocks, moved by the test: time awake moves both, a sleep (suspend)
 * the wall clock only */
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
use_test_clocks (GtkWidget *window)
{
  alta_idle_monitor_set_clocks (alta_window_get_idle_monitor (ALTA_WINDOW (window)), test_clock,
                                test_steady_clock, NULL);
}

static void
check_idle (GtkWidget *window)
{
  alta_idle_monitor_check (alta_window_get_idle_monitor (ALTA_WINDOW (window)));
}

static void
move_clock (GtkWidget *window,
            int        seconds)
{
  test_now += seconds * G_USEC_PER_SEC;
  test_steady += seconds * G_USEC_PER_SEC;
  check_idle (window);
}

/* The computer sleeps: the monotonic clock stops, the wall clock goes on */
static void
sleep_for (gint64 seconds)
{
  test_now += seconds * G_USEC_PER_SEC;
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
has_no_idle_dialog (gpointer data)
{
  return find_idle_dialog () == NULL;
}

/* A portal whose idle limit is 70 seconds: the warning comes 10 seconds without input; "Stay
 * signed in" starts the wait again; then, with no input, the sign-out at the limit wipes
 * her record. The clock moves; nothing waits for real seconds.
 */
static void
test_idle_warning_then_sign_out (void)
{
  g_autoptr (AltaTestServer) portal = alta_test_server_new_demo ("[policy]\nidle_timeout_s=70\n");
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  AdwMessageDialog *dialog;
  AltaSession *session;
  g_autofree char *before = NULL;
  GtkWidget *window = new_window (portal);
  const char *notice[] = { "You were signed out after 1 minute without activity", NULL };

  use_test_clocks (window);
  session = sign_in_and_look_around (window);
  before = everything (session, NULL);

  /* Nine seconds: nothing; ten: the warning, a minute before the limit */
  move_clock (window, 9);
  g_assert_null (find_idle_dialog ());
  move_clock (window, 1);
  dialog = find_idle_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "will sign you out in 60 seconds"));

  /* What pressing "Stay Signed In" does: the response, then the dialog closes */
  adw_message_dialog_response (dialog, "stay");
  gtk_window_close (GTK_WINDOW (dialog));
  iterate_until (has_no_idle_dialog, NULL, "the warning to close");
  g_assert_true (alta_window_get_session (ALTA_WINDOW (window)) == session);

  /* The wait started again at "stay": 69 seconds later she is still signed in (warned) */
  move_clock (window, 69);
  g_assert_true (alta_window_get_session (ALTA_WINDOW (window)) == session);
  g_assert_nonnull (find_idle_dialog ());
  move_clock (window, 1);
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  iterate_until (has_text, notice, "the idle notice");
  g_assert_true (is_on_sign_in (window));
  iterate_until (has_no_idle_dialog, NULL, "the warning to close");
  assert_nothing_left (session, secrets, before);

  destroy_window (window);
}

/* A laptop closed past the limit, the record on screen: the wall clock jumps over the sleep,
 * the monotonic clock (which GLib's timeouts follow) does not. On waking, the first check
 * signs out, with no warning first, and her record is gone. The clock jumps; nothing sleeps.
 */
static void
test_idle_sign_out_across_suspend (void)
{
  g_autoptr (AltaTestServer) portal = alta_test_server_new_demo ("[policy]\nidle_timeout_s=70\n");
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  AltaSession *session;
  g_autofree char *before = NULL;
  GtkWidget *window = new_window (portal);
  const char *notice[] = { "You were signed out after 1 minute without activity", NULL };

  use_test_clocks (window);
  session = sign_in_and_look_around (window);
  before = everything (session, NULL);

  /* Two hours asleep: no tick ran, no warning was shown; the first tick after waking */
  move_clock (window, 5);
  sleep_for (2 * 3600);
  g_assert_true (alta_window_get_session (ALTA_WINDOW (window)) == session);
  check_idle (window);
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  g_assert_null (find_idle_dialog ());
  iterate_until (has_text, notice, "the idle notice");
  g_assert_true (is_on_sign_in (window));
  assert_nothing_left (session, secrets, before);

  destroy_window (window);
}

/* The warning was on screen when the laptop slept, and "Stay Signed In" is the first thing
 * pressed on waking, before any tick: the limit passed in the sleep, so it signs out.
 */
static void
test_idle_stay_after_suspend_signs_out (void)
{
  g_autoptr (AltaTestServer) portal = alta_test_server_new_demo ("[policy]\nidle_timeout_s=70\n");
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  AdwMessageDialog *dialog;
  AltaSession *session;
  g_autofree char *before = NULL;
  GtkWidget *window = new_window (portal);
  const char *notice[] = { "You were signed out after 1 minute without activity", NULL };

  use_test_clocks (window);
  session = sign_in_and_look_around (window);
  before = everything (session, NULL);

  move_clock (window, 10);
  dialog = find_idle_dialog ();
  g_assert_nonnull (dialog);

  /* Asleep for an hour; then "Stay Signed In" */
  sleep_for (3600);
  adw_message_dialog_response (dialog, "stay");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  iterate_until (has_text, notice, "the idle notice");
  iterate_until (has_no_idle_dialog, NULL, "the warning to close");
  g_assert_true (is_on_sign_in (window));
  assert_nothing_left (session, secrets, before);

  destroy_window (window);
}

/* The wall clock set back two hours (by hand, or by the network's time) while she reads:
 * the monotonic clock still counts, and the limit is where it was.
 */
static void
test_idle_clock_set_back_does_not_extend (void)
{
  g_autoptr (AltaTestServer) portal = alta_test_server_new_demo ("[policy]\nidle_timeout_s=70\n");
  GtkWidget *window = new_window (portal);

  use_test_clocks (window);
  sign_in (window);
  g_assert_nonnull (alta_window_get_session (ALTA_WINDOW (window)));

  test_now -= G_GINT64_CONSTANT (2 * 3600) * G_USEC_PER_SEC;
  move_clock (window, 69);
  g_assert_nonnull (alta_window_get_session (ALTA_WINDOW (window)));
  g_assert_nonnull (find_idle_dialog ());
  move_clock (window, 1);
  g_assert_null (alta_window_get_session (ALTA_WINDOW (window)));
  iterate_until (has_no_idle_dialog, NULL, "the warning to close");

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* Warnings are fatal too: the sign-in page makes its fields read-only while it waits,
   * not insensitive, so GTK no longer warns that a focused text got no focus-out */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run (tools/test does)\n");
      return 0;
    }
  adw_init ();

  server = alta_test_server_new_demo (NULL);
  g_test_add_func ("/client/sign-out-wipes-everything", test_sign_out_wipes_everything);
  g_test_add_func ("/client/session-ended-by-the-portal", test_session_ended_by_the_portal);
  g_test_add_func ("/client/idle-warning-then-sign-out", test_idle_warning_then_sign_out);
  g_test_add_func ("/client/idle-sign-out-across-suspend", test_idle_sign_out_across_suspend);
  g_test_add_func ("/client/idle-stay-after-suspend-signs-out",
                   test_idle_stay_after_suspend_signs_out);
  g_test_add_func ("/client/idle-clock-set-back-does-not-extend",
                   test_idle_clock_set_back_does_not_extend);
  g_test_add_func ("/client/vital-signs-follow-the-record", test_vital_signs_follow_the_record);
  g_test_add_func ("/client/take-over-keeps-size-and-input", test_take_over_keeps_size_and_input);
  status = g_test_run ();
  alta_test_server_free (server);

  return status;
}
