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

/* Its title and date in a flat button, so that a pointer, a keyboard and a screen reader
 * all open it the same way: the button names the "results.open-report" action with the
 * report's id (and no action while it shows no report). The list's factory binds the row's report to its list item; a row given
 * back to the list (its report %NULL) keeps nothing of the report it showed.
 */

struct _AltaReportRow
{
  AdwBin         parent_instance;

  AltaLabReport *report;

  /* Template widgets */
  GtkButton     *button;
  GtkLabel      *date_label;
  GtkLabel      *title_label;
};

G_DEFINE_FINAL_TYPE (AltaReportRow, alta_report_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_REPORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_report (AltaReportRow *self)
{
  AltaRecordItem *report = ALTA_RECORD_ITEM (self->report);
  GDateTime *date = alta_record_item_get_date (report);
  g_autofree char *when = date != NULL ? alta_format_date (date) : g_strdup (_("Date not recorded"));
  g_autofree char *name = NULL;
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

  /* Translators: how a screen reader names a report in the list: its title, its date */
  name = g_strdup_printf (_("%s, %s"), gtk_label_get_text (self->title_label),
                          gtk_label_get_text (self->date_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  /* The target first: an action named without its target would not match the action */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->button), "s", id != NULL ? id : "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), "results.open-report");
}

static void
clear (AltaReportRow *self)
{
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->date_label, "");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->button), NULL);
}

static void
alta_report_row_dispose (GObject *object)
{
  AltaReportRow *self = ALTA_REPORT_ROW (object);

  g_clear_object (&self->report);
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_report_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AltaReportRow *self = ALTA_REPORT_ROW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      alta_report_row_set_report (self, g_value_get_object (value));
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
  object_class->set_property = alta_report_row_set_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, ALTA_TYPE_LAB_REPORT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-report-row.ui");
  /* A row is read by its button */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, button);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, AltaReportRow, title_label);
}

static void
alta_report_row_init (AltaReportRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
 * alta_report_row_set_report:
 * @report: (nullable): the report to show, or %NULL to show nothing
 */
void
alta_report_row_set_report (AltaReportRow *self,
                            AltaLabReport *report)
{
  g_return_if_fail (ALTA_IS_REPORT_ROW (self));
  g_return_if_fail (report == NULL || ALTA_IS_LAB_REPORT (report));

  if (!g_set_object (&self->report, report))
    return;

  if (report != NULL)
    show_report (self);
  else
    clear (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}
