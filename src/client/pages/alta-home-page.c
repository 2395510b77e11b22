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

/* What is new: results released since the last visit, unread messages from the care team,
 * and the next appointment, all counted by the session; the page follows its properties.
 */

struct _AltaHomePage
{
  AdwBin          parent_instance;

  AltaSession    *session;
  GSignalGroup   *session_signals;

  /* Template widgets */
  AdwActionRow   *appointment_row;
  GtkLabel       *greeting_label;
  AdwActionRow   *messages_row;
  GtkWidget      *news_group;
  GtkLabel       *record_label;
  AdwActionRow   *results_row;
};

G_DEFINE_FINAL_TYPE (AltaHomePage, alta_home_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* An empty label is read by its type name: it shows only with a text */
static void
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text[0] != '\0');
}

static void
update_names (AltaHomePage *self)
{
  g_autofree char *greeting = NULL;
  g_autofree char *record = NULL;
  const char *name = alta_session_get_own_name (self->session);

  if (name != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (name, " ", 2);

      /* Translators: %s is the patient's given name */
      greeting = g_strdup_printf (_("Hello, %s"), parts[0]);
    }
  else
    greeting = g_strdup (_("Hello"));
  set_text (self->greeting_label, greeting);

  if (alta_session_get_record_is_own (self->session))
    record = g_strdup (_("Your health record"));
  else
    /* Translators: under the greeting when a parent sees a child's record; %s is the
     * child's name */
    record = g_strdup_printf (_("Health record of %s"), alta_session_get_record_name (self->session));
  set_text (self->record_label, record);
}

static void
update_results (AltaHomePage *self)
{
  guint n_new = alta_session_get_new_results (self->session);
  g_autofree char *text = NULL;

  if (n_new == 0)
    text = g_strdup (_("No new results since your last visit"));
  else
    text = g_strdup_printf (g_dngettext (NULL, "%u new result since your last visit",
                                         "%u new results since your last visit", n_new),
                            n_new);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->results_row), text);
}

static void
update_messages (AltaHomePage *self)
{
  guint unread = alta_session_get_unread_messages (self->session);
  g_autofree char *text = NULL;

  switch (alta_session_get_messages_state (self->session))
    {
    case ALTA_LOAD_STATE_LOADING:
      text = g_strdup (_("Checking messages…"));
      break;
    case ALTA_LOAD_STATE_FAILED:
      text = g_strdup (_("Messages could not be checked right now"));
      break;
    case ALTA_LOAD_STATE_LOADED:
    default:
      if (unread == 0)
        text = g_strdup (_("No unread messages"));
      else
        text = g_strdup_printf (g_dngettext (NULL, "%u unread message from your care team",
                                             "%u unread messages from your care team", unread),
                                unread);
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->messages_row), text);
}

static void
on_messages_state_cb (AltaHomePage *self)
{
  update_messages (self);
  if (alta_session_get_messages_state (self->session) != ALTA_LOAD_STATE_LOADING)
    alta_bench_mark_next_frame (GTK_WIDGET (self), "home-messages");
}

static void
update_appointment (AltaHomePage *self)
{
  AltaAppointment *appointment = alta_session_get_next_appointment (self->session);
  GDateTime *start = appointment != NULL ? alta_record_item_get_date (ALTA_RECORD_ITEM (appointment))
                                         : NULL;
  const char *with = appointment != NULL ? alta_appointment_get_practitioner (appointment) : NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  AltaClinic *clinic;
  GTimeZone *zone;

  switch (alta_session_get_appointment_state (self->session))
    {
    case ALTA_LOAD_STATE_LOADING:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                     _("Checking appointments…"));
      return;
    case ALTA_LOAD_STATE_FAILED:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                     _("Appointments could not be checked right now"));
      return;
    case ALTA_LOAD_STATE_LOADED:
    default:
      break;
    }

  if (start == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                     _("No upcoming appointments"));
      adw_action_row_set_subtitle (self->appointment_row, "");
      return;
    }

  /* In the clinic's time zone, as the Appointments page says it */
  clinic = alta_session_find_clinic (self->session, alta_appointment_get_location_id (appointment));
  zone = clinic != NULL ? alta_clinic_get_time_zone (clinic) : NULL;
  if (zone != NULL)
    {
      g_autoptr (GDateTime) there = g_date_time_to_timezone (start, zone);
      /* Translators: the date and time of an appointment, see strftime(3) */
      g_autofree char *day_time = alta_format_date_time_in_zone (start, zone,
                                                                 _("%A, %B %-d at %-I:%M %p"));

      /* Translators: a visit's date and time, then its time zone's abbreviation ("PST") */
      when = g_strdup_printf (_("%s (%s)"), day_time,
                              g_date_time_get_timezone_abbreviation (there));
    }
  else
    when = alta_format_date_time (start, _("%A, %B %-d at %-I:%M %p"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row),
                                 _("Next appointment"));
  if (with != NULL)
    subtitle = g_strdup_printf (_("%s, with %s"), when, with);
  adw_action_row_set_subtitle (self->appointment_row, subtitle != NULL ? subtitle : when);
}

static void
on_appointment_state_cb (AltaHomePage *self)
{
  update_appointment (self);
  if (alta_session_get_appointment_state (self->session) != ALTA_LOAD_STATE_LOADING)
    alta_bench_mark_next_frame (GTK_WIDGET (self), "home-appointment");
}

static void
on_session_bind_cb (AltaHomePage *self,
                    AltaSession  *session,
                    GSignalGroup *group)
{
  update_names (self);
  update_results (self);
  update_messages (self);
  update_appointment (self);
}

/* Nothing of the last session stays on the page */
static void
on_session_unbind_cb (AltaHomePage *self,
                      GSignalGroup *group)
{
  set_text (self->greeting_label, "");
  set_text (self->record_label, "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->results_row), "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->messages_row), "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->appointment_row), "");
  adw_action_row_set_subtitle (self->appointment_row, "");
}

static void
alta_home_page_dispose (GObject *object)
{
  AltaHomePage *self = ALTA_HOME_PAGE (object);

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_HOME_PAGE);

  G_OBJECT_CLASS (alta_home_page_parent_class)->dispose (object);
}

static void
alta_home_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AltaHomePage *self = ALTA_HOME_PAGE (object);

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
alta_home_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AltaHomePage *self = ALTA_HOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_home_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_home_page_class_init (AltaHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_home_page_dispose;
  object_class->get_property = alta_home_page_get_property;
  object_class->set_property = alta_home_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-home-page.ui");
  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, appointment_row);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, messages_row);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, news_group);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, record_label);
  gtk_widget_class_bind_template_child (widget_class, AltaHomePage, results_row);
}

static void
alta_home_page_init (AltaHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Each list is one Tab stop, arrows move in it */
  alta_a11y_one_tab_stop_per_list (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_connect_object (self->session_signals, "bind", G_CALLBACK (on_session_bind_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_signals, "unbind", G_CALLBACK (on_session_unbind_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->session_signals, "notify::own-name",
                                  G_CALLBACK (update_names), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-name",
                                  G_CALLBACK (update_names), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-is-own",
                                  G_CALLBACK (update_names), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::new-results",
                                  G_CALLBACK (update_results), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::unread-messages",
                                  G_CALLBACK (update_messages), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::messages-state",
                                  G_CALLBACK (on_messages_state_cb), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::next-appointment",
                                  G_CALLBACK (update_appointment), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::appointment-state",
                                  G_CALLBACK (on_appointment_state_cb), self);
}

/**
 * alta_home_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_home_page_get_session (AltaHomePage *self)
{
  g_return_val_if_fail (ALTA_IS_HOME_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_home_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_home_page_set_session (AltaHomePage *self,
                            AltaSession  *session)
{
  g_return_if_fail (ALTA_IS_HOME_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
