/* alta-report-row.c: a report in the results list
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-report-row"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-format.h"
#include "alta-report-row.h"

/* Its title and date, a "New" badge for a report released since the previous sign-in,
 * and how many of its values are out of range (a word and an icon, not a colour alone), in
 * a flat button: a pointer and a screen reader press it, and the list's item, the one
 * keyboard stop, opens it with Enter. The button names the "results.open-report" action
 * with the report's id (and no action while it shows no report). The results page's
 * factory shows a report in the row and gives it back with none: the row then keeps
 * nothing of the report it showed. Results that arrive after their report update its
 * count.
 */

struct _AltaReportRow
{
  AdwBin         parent_instance;

  AltaLabReport *report;
  AltaSession   *session;
  GSignalGroup  *results_signals;

  /* Template widgets */
  GtkButton     *button;
  GtkLabel      *date_label;
  GtkWidget     *flag_box;
  GtkLabel      *flag_label;
  GtkWidget     *new_label;
  GtkLabel      *title_label;
};

G_DEFINE_FINAL_TYPE (AltaReportRow, alta_report_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_REPORT,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The list's item holding the row is what the keyboard focuses: it says what the button
 * says. (GTK 4.8 has no gtk_list_item_set_accessible_label(); the item's widget is the
 * row's parent.) */
static void
name_list_item (AltaReportRow *self,
                const char    *name)
{
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));

  if (item == NULL)
    return;
  if (name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* What a screen reader says of the row, and the marks it shows */
static void
update_marks (AltaReportRow *self)
{
  gboolean is_new = alta_session_report_is_new (self->session, self->report);
  guint n_out = alta_session_count_out_of_range (self->session, self->report);
  g_autoptr (GString) name = NULL;

  gtk_widget_set_visible (self->new_label, is_new);
  gtk_widget_set_visible (self->flag_box, n_out > 0);
  if (n_out > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u value out of range",
                                                            "%u values out of range", n_out),
                                               n_out);

      gtk_label_set_text (self->flag_label, text);
    }

  /* Translators: how a screen reader names a report in the list: its title, its date */
  name = g_string_new (NULL);
  g_string_printf (name, _("%s, %s"), gtk_label_get_text (self->title_label),
                   gtk_label_get_text (self->date_label));
  if (is_new)
    /* Translators: said after a report's title and date when it is new */
    g_string_append (name, _(", new"));
  if (n_out > 0)
    /* Translators: said after a report's title and date; the label shown, "2 values out
     * of range" */
    g_string_append_printf (name, _(", %s"), gtk_label_get_text (self->flag_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name->str, -1);
  name_list_item (self, name->str);
}

static void
on_results_items_changed_cb (AltaReportRow *self)
{
  if (self->report != NULL && self->session != NULL)
    update_marks (self);
}

static void
show_report (AltaReportRow *self)
{
  AltaRecordItem *report = ALTA_RECORD_ITEM (self->report);
  GDateTime *date = alta_record_item_get_date (report);
  g_autofree char *when = date != NULL ? alta_format_date (date) : g_strdup (_("Date not recorded"));
  const char *status = alta_record_item_get_status (report);
  const char *id = alta_record_item_get_id (report);

  gtk_label_set_text (self->title_label, alta_record_item_get_title (report) != NULL
                                           ? alta_record_item_get_title (report)
                                           : _("Unnamed report"));
  if (g_strcmp0 (status, "final") != 0 && g_strcmp0 (status, "amended") != 0 &&
      g_strcmp0 (status, "corrected") != 0 && status != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s · Not final"), when);

      gtk_label_set_text (self->date_label, text);
    }
  else
    gtk_label_set_text (self->date_label, when);

  update_marks (self);
  /* The target first: an action named without its target would not match the action */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->button), "s", id != NULL ? id : "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), "results.open-report");
}

static void
clear (AltaReportRow *self)
{
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->date_label, "");
  gtk_label_set_text (self->flag_label, "");
  gtk_widget_set_visible (self->flag_box, FALSE);
  gtk_widget_set_visible (self->new_label, FALSE);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  name_list_item (self, NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->button), NULL);
}

static void
alta_report_row_dispose (GObject *object)
{
  AltaReportRow *self = ALTA_REPORT_ROW (object);

  if (self->results_signals != NULL)
    g_signal_group_set_target (self->results_signals, NULL);
  g_clear_object (&self->results_signals);
  g_clear_object (&self->report);
  g_clear_object (&self->session);
  /* The button is the bin's child: the bin lets it go first, or disposing the template
   * would unparent it behind the bin's back */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_REPORT_ROW);

  G_OBJECT_CLASS (alta_report_row_parent_class)->dispose (object);
}

static void
alta_report_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AltaReportRow *self = ALTA_REPORT_ROW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_report_row_class_init (AltaReportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_report_row_dispose;
  object_class->get_property = alta_report_row_get_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, ALTA_TYPE_LAB_REPORT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A bin of no role of its own would be announced by its type name */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-report-row.ui");
  /* A row is read by its button */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, button);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, flag_box);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, flag_label);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, new_label);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, title_label);
}

static void
alta_report_row_init (AltaReportRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->results_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->results_signals, "items-changed",
                                  G_CALLBACK (on_results_items_changed_cb), self);
}

/**
 * alta_report_row_new:
 *
 * Returns: (transfer floating): a row showing no report
 */
GtkWidget *
alta_report_row_new (void)
{
  return g_object_new (ALTA_TYPE_REPORT_ROW, NULL);
}

/**
 * alta_report_row_get_session:
 *
 * Returns: (transfer none) (nullable): the session of the report shown
 */
AltaSession *
alta_report_row_get_session (AltaReportRow *self)
{
  g_return_val_if_fail (ALTA_IS_REPORT_ROW (self), NULL);

  return self->session;
}

/**
 * alta_report_row_get_report:
 *
 * Returns: (transfer none) (nullable): the report shown
 */
AltaLabReport *
alta_report_row_get_report (AltaReportRow *self)
{
  g_return_val_if_fail (ALTA_IS_REPORT_ROW (self), NULL);

  return self->report;
}

/**
 * alta_report_row_show:
 * @session: (nullable): the session @report is part of
 * @report: (nullable): the report to show, or %NULL (with @session %NULL) to show nothing
 */
void
alta_report_row_show (AltaReportRow *self,
                      AltaSession   *session,
                      AltaLabReport *report)
{
  g_return_if_fail (ALTA_IS_REPORT_ROW (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));
  g_return_if_fail (report == NULL || ALTA_IS_LAB_REPORT (report));
  g_return_if_fail ((session == NULL) == (report == NULL));

  if (self->session == session && self->report == report)
    return;

  g_set_object (&self->session, session);
  g_set_object (&self->report, report);
  g_signal_group_set_target (self->results_signals,
                             session != NULL ? alta_session_get_results (session) : NULL);

  if (report != NULL)
    show_report (self);
  else
    clear (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}
