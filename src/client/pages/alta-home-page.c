/* alta-home-page.c: the greeting, whose record, and what is new
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-home-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-a11y.h"
#include "alta-bench.h"
#include "alta-format.h"
#include "alta-home-page.h"
#include "alta-json.h"
#include "alta-record-item.h"

/* What is new: results released since the last visit (from the session's reports), unread
 * messages from the care team, and the next appointment (both asked of the portal here).
 */

struct _AltaHomePage
{
  GtkWidget       parent_instance;

  AltaSession    *session;
  GCancellable   *cancellable;
  gint64          last_visit;

  GtkLabel       *greeting_label;
  GtkLabel       *record_label;
  AdwActionRow   *results_row;
  AdwActionRow   *messages_row;
  AdwActionRow   *appointment_row;
  GtkWidget        *news_group;
};

G_DEFINE_FINAL_TYPE (AltaHomePage, alta_home_page, GTK_TYPE_WIDGET)

static void
update_results (AltaHomePage *self)
{
  GListModel *reports;
  guint n_new = 0;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;

  reports = alta_session_get_reports (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (reports); i++)
    {
      g_autoptr (AltaRecordItem) report = g_list_model_get_item (reports, i);
      GDateTime *updated = alta_record_item_get_updated (report);

      if (updated != NULL && g_date_time_to_unix (updated) > self->last_visit)
        n_new++;
    }

  if (n_new == 0)
    text = g_strdup (_("No new results since your last visit"));
  else
    text = g_strdup_printf (g_dngettext (NULL, "%u new result since your last visit",
                                         "%u new results since your last visit", n_new),
                            n_new);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->results_row), text);
}

static void
on_reports_changed_cb (AltaHomePage *self)
{
  update_results (self);
}

static void
messages_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AltaHomePage) self = user_data;
  g_autoptr (JsonNode) bundle = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  JsonArray *entries;
  guint unread = 0;

  bundle = alta_portal_client_call_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  alta_bench_mark_next_frame (GTK_WIDGET (self), "home-messages");
  if (bundle == NULL || !JSON_NODE_HOLDS_OBJECT (bundle))
    {
      g_message ("Messages could not be counted: %s", error != NULL ? error->message : "no answer");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->messages_row),
                                     _("Messages could not be checked right now"));
      return;
    }

  /* A message from the care team is unread until the app sets its `received` time. */
  entries = alta_json_get_array (json_node_get_object (bundle), "entry");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *message = alta_json_get_object (alta_json_array_get_object (entries, i), "resource");
      const char *sender = alta_json_get_string (alta_json_get_object (message, "sender"), "reference");

      if (message != NULL && alta_json_get_string (message, "received") == NULL &&
          (sender == NULL || !g_str_has_prefix (sender, "Patient/")))
        unread++;
    }

  if (unread == 0)
    text = g_strdup (_("No unread messages"));
  else
    text = g_strdup_printf (g_dngettext (NULL, "%u unread message from your care team",
                                         "%u unread messages from your care team", unread),
                            unread);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->messages_row), text);
}

static void
appointment_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AltaHomePage) self = user_data;
  g_autoptr (JsonNode) bundle = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = NULL;
  g_autofree char *when = NULL;
  g_autofree char *with = NULL;
  JsonObject *appointment;
  JsonArray *participants;

  bundle = alta_portal_client_call_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  alta_bench_mark_next_frame (GTK_WIDGET (self), "home-appointment");
  if (bundle == NULL || !JSON_NODE_HOLDS_OBJECT (bundle))
    {
      g_message ("Appointments could not be read: %s", error != NULL ? error->message : "no answer");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                     _("Appointments could not be checked right now"));
      return;
    }

  appointment = alta_json_get_object (alta_json_array_get_object (
    alta_json_get_array (json_node_get_object (bundle), "entry"), 0), "resource");
  start = appointment != NULL ? alta_fhir_parse_date (alta_json_get_string (appointment, "start")) : NULL;
  if (start == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                     _("No upcoming appointments"));
      adw_action_row_set_subtitle (self->appointment_row, "");
      return;
    }

  participants = alta_json_get_array (appointment, "participant");
  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = alta_json_get_object (alta_json_array_get_object (participants, i), "actor");
      const char *reference = alta_json_get_string (actor, "reference");

      if (with == NULL && reference != NULL && g_str_has_prefix (reference, "Practitioner/"))
        with = alta_fhir_dup_reference_display (actor);
    }

  /* Translators: the date and time of an appointment, see strftime(3) */
  when = alta_format_date_time (start, _("%A, %B %-d at %-I:%M %p"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                 _("Next appointment"));
  if (with != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf (_("%s, with %s"), when, with);

      adw_action_row_set_subtitle (self->appointment_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->appointment_row, when);
}

static void
clear (AltaHomePage *self)
{
  gtk_label_set_text (self->greeting_label, "");
  gtk_label_set_text (self->record_label, "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->results_row), "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->messages_row), "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row), "");
  adw_action_row_set_subtitle (self->appointment_row, "");
}

/**
 * alta_home_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 * @last_visit: when the record was last opened (Unix time), for what is new
 */
void
alta_home_page_set_session (AltaHomePage *self,
                            AltaSession  *session,
                            gint64        last_visit)
{
  g_autofree char *greeting = NULL;
  g_autofree char *record = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *messages = NULL;
  g_autofree char *appointments = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  const char *name;

  g_return_if_fail (ALTA_IS_HOME_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (alta_session_get_reports (self->session), self);
  g_clear_object (&self->session);
  clear (self);

  if (session == NULL)
    return;

  self->session = g_object_ref (session);
  self->cancellable = g_cancellable_new ();
  self->last_visit = last_visit;

  name = alta_session_get_own_name (session);
  if (name != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (name, " ", 2);

      /* Translators: %s is the patient's given name */
      greeting = g_strdup_printf (_("Hello, %s"), parts[0]);
    }
  else
    greeting = g_strdup (_("Hello"));
  gtk_label_set_text (self->greeting_label, greeting);

  if (alta_session_get_record_is_own (session))
    record = g_strdup (_("Your health record"));
  else
    /* Translators: under the greeting when a parent sees a child's record; %s is the
     * child's name */
    record = g_strdup_printf (_("Health record of %s"), alta_session_get_record_name (session));
  gtk_label_set_text (self->record_label, record);

  g_signal_connect_swapped (alta_session_get_reports (session), "items-changed",
                            G_CALLBACK (on_reports_changed_cb), self);
  update_results (self);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->messages_row), _("Checking messages…"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                 _("Checking appointments…"));

  escaped = g_uri_escape_string (alta_session_get_record_id (session), NULL, FALSE);
  messages = g_strdup_printf ("/fhir/R4/Communication?patient=%s&_sort=-sent&_count=200", escaped);
  appointments = g_strdup_printf ("/fhir/R4/Appointment?patient=%s&status=booked&date=ge%s"
                                  "&_sort=date&_count=1", escaped, today);
  alta_portal_client_call_async (alta_session_get_client (session), "GET", messages, NULL,
                                 ALTA_REQUEST_NONE, self->cancellable, messages_cb,
                                 g_object_ref (self));
  alta_portal_client_call_async (alta_session_get_client (session), "GET", appointments, NULL,
                                 ALTA_REQUEST_NONE, self->cancellable, appointment_cb,
                                 g_object_ref (self));
}

static void
alta_home_page_dispose (GObject *object)
{
  AltaHomePage *self = ALTA_HOME_PAGE (object);
  GtkWidget *child;

  alta_home_page_set_session (self, NULL, 0);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_HOME_PAGE);
  /* A template root without an id is not unparented by dispose_template() */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (alta_home_page_parent_class)->dispose (object);
}

static void
alta_home_page_class_init (AltaHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_home_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, appointment_row);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, messages_row);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, news_group);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, record_label);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, results_row);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
alta_home_page_init (AltaHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  alta_a11y_name_inner (self->news_group, GTK_TYPE_LIST_BOX, _("What’s New"));
}
