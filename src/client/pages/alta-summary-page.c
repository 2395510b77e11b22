/* alta-summary-page.c: allergies, immunizations, medications and problems
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-summary-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-app-mode.h"
#include "alta-a11y.h"
#include "alta-allergy.h"
#include "alta-immunization.h"
#include "alta-medication.h"
#include "alta-medication-row.h"
#include "alta-medlineplus.h"
#include "alta-problem.h"
#include "alta-format.h"
#include "alta-summary-page.h"

/* Four lists bound to the session's models. Each says what its emptiness means. Records
 * are short here (tens of rows): a GtkListBox per list; the results page, which can hold
 * thousands, uses a GtkListView. Each list is one Tab stop, with the arrows inside.
 */

struct _AltaSummaryPage
{
  AdwBin          parent_instance;

  AltaSession    *session;
  GSignalGroup   *session_signals;
  GCancellable   *cancellable;

  /* Template widgets */
  GtkListBox  *allergies_list;
  GtkListBox  *immunizations_list;
  GtkListBox  *medications_list;
  GtkListBox  *problems_list;
};

G_DEFINE_FINAL_TYPE (AltaSummaryPage, alta_summary_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
make_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 title != NULL ? title : _("Unnamed entry"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  return row;
}

static const char *
severity_text (const char *severity)
{
  if (g_strcmp0 (severity, "severe") == 0)
    return _("Severe");
  if (g_strcmp0 (severity, "moderate") == 0)
    return _("Moderate");
  if (g_strcmp0 (severity, "mild") == 0)
    return _("Mild");
  return NULL;
}

static GtkWidget *
create_allergy_row (gpointer item,
                    gpointer user_data)
{
  AltaAllergy *allergy = item;
  const char *reaction = alta_allergy_get_reaction (allergy);
  const char *severity = severity_text (alta_allergy_get_severity (allergy));
  g_autofree char *subtitle = NULL;

  if (reaction != NULL && severity != NULL)
    /* Translators: an allergy's reaction and its severity, "Hives — Moderate" */
    subtitle = g_strdup_printf (_("%s — %s"), reaction, severity);
  else if (reaction != NULL)
    subtitle = g_strdup (reaction);
  else if (severity != NULL)
    subtitle = g_strdup (severity);
  else
    subtitle = g_strdup (_("No reaction recorded"));

  return make_row (alta_record_item_get_title (item), subtitle);
}

static GtkWidget *
create_immunization_row (gpointer item,
                         gpointer user_data)
{
  g_autofree char *date = alta_format_date (alta_record_item_get_date (item));

  return make_row (alta_record_item_get_title (item), date != NULL ? date : _("Date not recorded"));
}

static GtkWidget *
create_medication_row (gpointer item,
                       gpointer user_data)
{
  return alta_medication_row_new (ALTA_SESSION (user_data), ALTA_MEDICATION (item));
}

/* "Learn more about Type 2 diabetes": MedlinePlus Connect's page for the problem's code, in
 * the app's language; none for a code MedlinePlus does not know */
static void
add_learn_more (GtkWidget  *row,
                const char *title,
                const char *system,
                const char *code)
{
  g_autofree char *url = alta_medlineplus_dup_url (system, code, alta_format_language ());
  g_autofree char *label = NULL;
  GtkWidget *link;

  if (url == NULL || title == NULL)
    return;

  link = gtk_link_button_new_with_label (url, _("Learn More"));
  gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (link, alta_app_mode_link_tooltip ());
  /* Translators: %s is a health problem's name; the link opens MedlinePlus about it */
  label = g_strdup_printf (_("Learn more about %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (link), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  alta_app_mode_adopt_link (link);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), link);
}

static GtkWidget *
create_problem_row (gpointer item,
                    gpointer user_data)
{
  g_autofree char *since = alta_format_date (alta_record_item_get_date (item));
  g_autofree char *resolved = alta_format_date (alta_problem_get_resolved_date (item));
  g_autofree char *subtitle = NULL;
  const char *system = NULL;
  const char *code;
  GtkWidget *row;

  if (resolved != NULL)
    /* Translators: %s is a date */
    subtitle = g_strdup_printf (_("Resolved %s"), resolved);
  else if (g_strcmp0 (alta_record_item_get_status (item), "resolved") == 0 ||
           g_strcmp0 (alta_record_item_get_status (item), "inactive") == 0)
    subtitle = g_strdup (_("Resolved"));
  else if (since != NULL)
    /* Translators: %s is a date */
    subtitle = g_strdup_printf (_("Since %s"), since);
  else
    subtitle = g_strdup (_("Onset not recorded"));

  row = make_row (alta_record_item_get_title (item), subtitle);
  code = alta_problem_get_code (item, &system);
  add_learn_more (row, alta_record_item_get_title (item), system, code);
  return row;
}

/* Each list shows the session's model of its kind; %NULL empties them */
static void
bind_models (AltaSummaryPage *self,
             AltaSession     *session)
{
  gtk_list_box_bind_model (self->allergies_list,
                           session != NULL ? alta_session_get_allergies (session) : NULL,
                           create_allergy_row, NULL, NULL);
  gtk_list_box_bind_model (self->immunizations_list,
                           session != NULL ? alta_session_get_immunizations (session) : NULL,
                           create_immunization_row, NULL, NULL);
  gtk_list_box_bind_model (self->medications_list,
                           session != NULL ? alta_session_get_medications (session) : NULL,
                           create_medication_row, session, NULL);
  gtk_list_box_bind_model (self->problems_list,
                           session != NULL ? alta_session_get_problems (session) : NULL,
                           create_problem_row, NULL, NULL);
}

static void
on_session_bind_cb (AltaSummaryPage *self,
                    AltaSession     *session,
                    GSignalGroup    *group)
{
  bind_models (self, session);
}

static void
on_session_unbind_cb (AltaSummaryPage *self,
                      GSignalGroup    *group)
{
  bind_models (self, NULL);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!alta_session_refresh_refill_requests_finish (ALTA_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Refill requests could not be read again: %s", error->message);
}

/* The clinic answers refill requests while the app runs: each visit to the page asks again */
static void
alta_summary_page_map (GtkWidget *widget)
{
  AltaSummaryPage *self = ALTA_SUMMARY_PAGE (widget);

  GTK_WIDGET_CLASS (alta_summary_page_parent_class)->map (widget);

  if (self->session == NULL ||
      g_list_model_get_n_items (alta_session_get_medications (self->session)) == 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_session_refresh_refill_requests_async (self->session, self->cancellable, refresh_cb, NULL);
}

static void
alta_summary_page_dispose (GObject *object)
{
  AltaSummaryPage *self = ALTA_SUMMARY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_SUMMARY_PAGE);

  G_OBJECT_CLASS (alta_summary_page_parent_class)->dispose (object);
}

static void
alta_summary_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AltaSummaryPage *self = ALTA_SUMMARY_PAGE (object);

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
alta_summary_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AltaSummaryPage *self = ALTA_SUMMARY_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_summary_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_summary_page_class_init (AltaSummaryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_summary_page_dispose;
  object_class->get_property = alta_summary_page_get_property;
  object_class->set_property = alta_summary_page_set_property;
  widget_class->map = alta_summary_page_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-summary-page.ui");
  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaSummaryPage, allergies_list);
  gtk_widget_class_bind_template_child (widget_class, AltaSummaryPage, immunizations_list);
  gtk_widget_class_bind_template_child (widget_class, AltaSummaryPage, medications_list);
  gtk_widget_class_bind_template_child (widget_class, AltaSummaryPage, problems_list);
}

static void
alta_summary_page_init (AltaSummaryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  alta_a11y_set_list_placeholder (self->allergies_list, _("No known allergies on file"));
  alta_a11y_set_list_placeholder (self->immunizations_list, _("No immunizations on file"));
  alta_a11y_set_list_placeholder (self->medications_list, _("No medications on file"));
  alta_a11y_set_list_placeholder (self->problems_list, _("No health problems on file"));
  /* Each list is one Tab stop, arrows move in it */
  alta_a11y_one_tab_stop_per_list (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_connect_object (self->session_signals, "bind", G_CALLBACK (on_session_bind_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_signals, "unbind", G_CALLBACK (on_session_unbind_cb),
                           self, G_CONNECT_SWAPPED);
}

/**
 * alta_summary_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_summary_page_get_session (AltaSummaryPage *self)
{
  g_return_val_if_fail (ALTA_IS_SUMMARY_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_summary_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_summary_page_set_session (AltaSummaryPage *self,
                               AltaSession     *session)
{
  g_return_if_fail (ALTA_IS_SUMMARY_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_cancellable_cancel (self->cancellable);

  g_signal_group_set_target (self->session_signals, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
