/* test-client-wipe.c: after sign-out, nothing of the patient is left in the app
 *
 * The real window, in this process, against a real demo portal: sign in as Grace, open
 * every page, a report and a trend, copy text from the app; sign out (by the button, and by
 * the portal ending the session). Then every widget of every window, every list model
 * reachable from them, the session's own models and the clipboards are searched for her
 * names, identifiers and values.
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "alta-results-page.h"
#include "alta-session.h"
#include "alta-sign-in-page.h"
#include "alta-test-server.h"
#include "alta-window.h"

static AltaTestServer *server;

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

static void
iterate_until (Condition   condition,
               gpointer    data,
               const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
iterate_for (guint milliseconds)
{
  gint64 deadline = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_on_sign_in (gpointer data)
{
  GtkWidget *window = data;
  GtkWidget *page = find_widget (window, ALTA_TYPE_SIGN_IN_PAGE, NULL);
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (page, GTK_TYPE_STACK));

  return gtk_stack_get_visible_child (stack) == page;
}

static gboolean
has_text (gpointer data)
{
  const char * const *needle_and_session = data;
  g_autofree char *text = everything (NULL, NULL);

  return strstr (text, needle_and_session[0]) != NULL;
}

static void
on_signed_in_cb (AltaSignInPage *page,
                 AltaSession    *session,
                 AltaSession   **out)
{
  g_set_object (out, session);
}

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

/* Signs in as Grace and opens her newest report and a trend; returns her session */
static AltaSession *
sign_in_and_look_around (GtkWidget *window)
{
  GtkWidget *sign_in_page = NULL;
  GtkWidget *results_page;
  GtkWidget *report_button;
  GtkWidget *trend_button;
  AltaSession *session = NULL;
  const char *loaded[] = { "Penicillin", NULL };
  gulong handler;

  iterate_until (is_on_sign_in, window, "the sign-in page");
  sign_in_page = find_widget (window, ALTA_TYPE_SIGN_IN_PAGE, NULL);
  handler = g_signal_connect (sign_in_page, "signed-in", G_CALLBACK (on_signed_in_cb), &session);
  type_into (window, ADW_TYPE_ENTRY_ROW, "Username", "grace");
  type_into (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password", "Orchard-Lantern-42");
  g_assert_true (gtk_widget_activate_action (sign_in_page, "sign-in.submit", NULL));
  iterate_until (has_text, loaded, "her record");
  g_signal_handler_disconnect (sign_in_page, handler);
  g_assert_nonnull (session);

  /* The newest report's values, then the first value's trend */
  results_page = find_widget (window, ALTA_TYPE_RESULTS_PAGE, NULL);
  iterate_for (500);
  report_button = find_widget (find_widget (results_page, GTK_TYPE_LIST_VIEW, NULL),
                               GTK_TYPE_BUTTON, NULL);
  g_assert_nonnull (report_button);
  g_signal_emit_by_name (report_button, "clicked");
  iterate_for (200);
  trend_button = find_widget (find_widget (results_page, GTK_TYPE_LIST_BOX, NULL),
                              GTK_TYPE_BUTTON, NULL);
  g_assert_nonnull (trend_button);
  g_signal_emit_by_name (trend_button, "clicked");
  iterate_for (200);

  return session;
}

static void
assert_nothing_left (AltaSession *session,
                     GPtrArray   *secrets,
                     const char  *before)
{
  g_autofree char *after = NULL;
  guint n_models = 0;

  after = everything (session, &n_models);
  g_test_message ("After sign-out: %u list models searched, %zu bytes of text",
                  n_models, strlen (after));
  g_assert_cmpuint (n_models, >=, 6);
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

  for (guint i = 0; i < 6; i++)
    {
      GListModel *models[] = {
        alta_session_get_allergies (session), alta_session_get_immunizations (session),
        alta_session_get_medications (session), alta_session_get_problems (session),
        alta_session_get_reports (session), alta_session_get_results (session),
      };

      g_assert_cmpuint (g_list_model_get_n_items (models[i]), ==, 0);
    }
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

static GtkWidget *
new_window (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  GtkWidget *window = GTK_WIDGET (alta_window_new (NULL, client, NULL, NULL));

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
test_sign_out_wipes_everything (void)
{
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  g_autoptr (AltaSession) session = NULL;
  g_autofree char *before = NULL;
  g_autofree char *clipboard_text = NULL;
  g_autofree char *primary_text = NULL;
  GtkWidget *window = new_window ();
  GdkClipboard *clipboard = gtk_widget_get_clipboard (window);
  GdkClipboard *primary = gtk_widget_get_primary_clipboard (window);

  session = sign_in_and_look_around (window);
  before = everything (session, NULL);
  g_test_message ("Signed in: %zu bytes of text", strlen (before));

  /* As if she had copied her allergy and selected a value */
  gdk_clipboard_set_text (clipboard, "Penicillin");
  gdk_clipboard_set_text (primary, "Orchard-Lantern-42");

  g_assert_true (gtk_widget_activate_action (window, "win.sign-out", NULL));
  iterate_for (300);
  g_assert_true (is_on_sign_in (window));

  assert_nothing_left (session, secrets, before);
  clipboard_text = read_clipboard (clipboard);
  primary_text = read_clipboard (primary);
  g_assert_cmpstr (clipboard_text, ==, "");
  g_assert_cmpstr (primary_text, ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The portal ends the session (her password changed elsewhere); the app's next request is
 * refused, and the app signs out at once, wiping the same way.
 */
static void
test_session_ended_by_the_portal (void)
{
  g_autoptr (GPtrArray) secrets = grace_secrets ();
  g_autoptr (AltaSession) session = NULL;
  g_autoptr (AltaPortalClient) elsewhere = alta_test_server_new_client (server);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *before = NULL;
  GtkWidget *window = new_window ();
  const char *notice[] = { "You were signed out after 15 minutes without activity", NULL };
  GtkWidget *results_page;

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
  results_page = find_widget (window, ALTA_TYPE_RESULTS_PAGE, NULL);
  g_assert_nonnull (results_page);
  alta_session_load_async (session, NULL, NULL, NULL);
  iterate_until (has_text, notice, "the signed-out notice");
  g_assert_true (is_on_sign_in (window));
  assert_nothing_left (session, secrets, before);

  /* Put her password back for the other tests */
  response = alta_test_request (elsewhere, "POST", "/api/v1/me/password",
                                "{\"current_password\":\"Orchard-Lantern-43-Blue\","
                                "\"new_password\":\"Orchard-Lantern-42\"}",
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 204);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run (tools/test does)\n");
      return 0;
    }
  adw_init ();

  server = alta_test_server_new_demo (NULL);
  g_test_add_func ("/client/sign-out-wipes-everything", test_sign_out_wipes_everything);
  g_test_add_func ("/client/session-ended-by-the-portal", test_session_ended_by_the_portal);
  status = g_test_run ();
  alta_test_server_free (server);

  return status;
}
