/* alta-results-page.c: test results, a report's values, and a value's trend
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-results-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-bench.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-format.h"
#include "alta-results-page.h"
#include "alta-trend-view.h"

/* Reports newest first in a GtkListView (records may hold thousands); a report's values
 * with their units, ranges and flags (said in words and shown by an icon, not by colour
 * alone); a value's trend over time.
 */

struct _AltaResultsPage
{
  GtkWidget       parent_instance;

  AltaSession    *session;

  AdwLeaflet     *leaflet;
  GtkListView    *reports_view;
  GtkSingleSelection *selection;
  GtkLabel       *report_title;
  GtkLabel       *report_details;
  GtkListBox     *values_list;
  GtkScrolledWindow *detail_scroller;
  GtkLabel       *trend_title;
  AltaTrendView  *trend_view;
  GtkLabel       *trend_summary;
  GtkWidget      *detail_box;
  GtkWidget      *empty_detail;
};

G_DEFINE_FINAL_TYPE (AltaResultsPage, alta_results_page, GTK_TYPE_WIDGET)

static char *
format_date (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("Date not recorded"));

  return alta_format_date (date);
}

static const char *
flag_text (AltaResultFlag flag)
{
  switch (flag)
    {
    case ALTA_RESULT_FLAG_LOW:
      return _("Low");
    case ALTA_RESULT_FLAG_HIGH:
      return _("High");
    case ALTA_RESULT_FLAG_CRITICAL_LOW:
      return _("Critically low");
    case ALTA_RESULT_FLAG_CRITICAL_HIGH:
      return _("Critically high");
    case ALTA_RESULT_FLAG_ABNORMAL:
      return _("Outside the normal range");
    case ALTA_RESULT_FLAG_NORMAL:
      return _("Normal");
    case ALTA_RESULT_FLAG_NONE:
    default:
      return NULL;
    }
}

static const char *
flag_icon (AltaResultFlag flag)
{
  switch (flag)
    {
    case ALTA_RESULT_FLAG_LOW:
    case ALTA_RESULT_FLAG_CRITICAL_LOW:
      return "go-down-symbolic";
    case ALTA_RESULT_FLAG_HIGH:
    case ALTA_RESULT_FLAG_CRITICAL_HIGH:
      return "go-up-symbolic";
    case ALTA_RESULT_FLAG_ABNORMAL:
      return "dialog-warning-symbolic";
    case ALTA_RESULT_FLAG_NORMAL:
      return "object-select-symbolic";
    case ALTA_RESULT_FLAG_NONE:
    default:
      return NULL;
    }
}

static char *
describe_value (AltaLabResult *result)
{
  g_autofree char *value = alta_lab_result_dup_value_with_unit (result);
  g_autoptr (GString) text = g_string_new (value != NULL ? value : _("No value"));

  if (alta_lab_result_get_has_low (result) && alta_lab_result_get_has_high (result))
    /* Translators: a reference range, "Normal range: 4–5.6" */
    g_string_append_printf (text, _(" · Normal range: %g–%g"), alta_lab_result_get_low (result),
                            alta_lab_result_get_high (result));
  else if (alta_lab_result_get_range_text (result) != NULL)
    g_string_append_printf (text, _(" · Normal range: %s"), alta_lab_result_get_range_text (result));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
focus_trend_cb (gpointer user_data)
{
  AltaResultsPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->detail_scroller);
  GtkWidget *content = gtk_scrolled_window_get_child (self->detail_scroller);
  graphene_rect_t bounds;

  if (!gtk_widget_get_visible (GTK_WIDGET (self->trend_view)))
    return G_SOURCE_REMOVE;

  /* Down far enough to show the plot and its summary, no further */
  if (gtk_widget_compute_bounds (GTK_WIDGET (self->trend_summary), content, &bounds))
    {
      double bottom = bounds.origin.y + bounds.size.height + 12;
      double page = gtk_adjustment_get_page_size (adjustment);

      if (bottom > gtk_adjustment_get_value (adjustment) + page)
        gtk_adjustment_set_value (adjustment, bottom - page);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->trend_view));
  return G_SOURCE_REMOVE;
}

/* The next frame lays the plot out: just after it is drawn, it is scrolled to. (An idle
 * source of lower priority can wait long behind animations' frames.) */
static gboolean
trend_shown_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, focus_trend_cb, g_object_ref (user_data), g_object_unref);
  return G_SOURCE_REMOVE;
}

static void
show_trend (AltaResultsPage *self,
            AltaLabResult   *result)
{
  g_autoptr (GPtrArray) series = alta_session_get_results_with_code (self->session,
                                                                      alta_lab_result_get_code (result));
  g_autofree char *title = NULL;

  /* Translators: %s is a test's name */
  title = g_strdup_printf (_("%s over time"), alta_record_item_get_title (ALTA_RECORD_ITEM (result)));
  gtk_label_set_text (self->trend_title, title);
  alta_trend_view_set_results (self->trend_view, series);
  gtk_label_set_text (self->trend_summary, alta_trend_view_get_summary (self->trend_view));
  gtk_widget_set_visible (GTK_WIDGET (self->trend_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_view), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_summary), TRUE);
  /* Once laid out, the plot takes the focus: the page scrolls it into view, and a screen
   * reader reads its summary */
  gtk_widget_add_tick_callback (GTK_WIDGET (self->trend_view), trend_shown_cb,
                                g_object_ref (self), g_object_unref);
}

static void
on_value_activated_cb (GtkListBox      *list,
                       GtkListBoxRow   *row,
                       AltaResultsPage *self)
{
  AltaLabResult *result = g_object_get_data (G_OBJECT (row), "result");

  if (result != NULL)
    show_trend (self, result);
}

static void
on_trend_clicked_cb (GtkButton       *button,
                     AltaResultsPage *self)
{
  show_trend (self, g_object_get_data (G_OBJECT (button), "result"));
}

static GtkWidget *
make_value_row (AltaResultsPage *page,
                AltaLabResult   *result)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = describe_value (result);
  AltaResultFlag flag = alta_lab_result_get_flag (result);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 alta_record_item_get_title (ALTA_RECORD_ITEM (result)) != NULL
                                   ? alta_record_item_get_title (ALTA_RECORD_ITEM (result))
                                   : _("Unnamed test"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "result", g_object_ref (result), g_object_unref);

  if (alta_lab_result_get_has_value (result))
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("document-open-recent-symbolic");
      g_autofree char *label = g_strdup_printf (_("Show the trend of %s"),
                                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      g_object_set_data_full (G_OBJECT (button), "result", g_object_ref (result), g_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (on_trend_clicked_cb), page);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  if (flag_text (flag) != NULL)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *icon = gtk_image_new_from_icon_name (flag_icon (flag));
      GtkWidget *label = gtk_label_new (flag_text (flag));

      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      flag_text (flag), -1);
      if (flag != ALTA_RESULT_FLAG_NORMAL)
        {
          gtk_widget_add_css_class (box, "error");
          gtk_widget_add_css_class (label, "heading");
        }
      gtk_box_append (GTK_BOX (box), icon);
      gtk_box_append (GTK_BOX (box), label);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
    }

  return row;
}

static void
show_report (AltaResultsPage *self,
             AltaLabReport   *report)
{
  const char * const *ids = alta_lab_report_get_result_ids (report);
  g_autofree char *date = format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (report)));
  g_autofree char *details = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->values_list))) != NULL)
    gtk_list_box_remove (self->values_list, child);

  gtk_label_set_text (self->report_title, alta_record_item_get_title (ALTA_RECORD_ITEM (report)));
  if (alta_lab_report_get_performer (report) != NULL)
    /* Translators: a report's date, and who reported it */
    details = g_strdup_printf (_("%s · %s"), date, alta_lab_report_get_performer (report));
  gtk_label_set_text (self->report_details, details != NULL ? details : date);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      AltaLabResult *result = alta_session_find_result (self->session, ids[i]);

      if (result != NULL)
        gtk_list_box_append (self->values_list, make_value_row (self, result));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->trend_title), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_view), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_summary), FALSE);
  gtk_widget_set_visible (self->detail_box, TRUE);
  gtk_widget_set_visible (self->empty_detail, FALSE);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* The report opened is the list's selection, so the list shows which one it is */
static void
open_report_at (AltaResultsPage *self,
                guint            position)
{
  g_autoptr (AltaLabReport) report = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                            position);

  if (report == NULL)
    return;

  gtk_single_selection_set_selected (self->selection, position);
  show_report (self, report);
}

static void
on_report_activated_cb (GtkListView     *view,
                        guint            position,
                        AltaResultsPage *self)
{
  open_report_at (self, position);
}

static void
on_report_clicked_cb (GtkButton       *button,
                      AltaResultsPage *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (button), "list-item");

  if (item != NULL && gtk_list_item_get_position (item) != GTK_INVALID_LIST_POSITION)
    open_report_at (self, gtk_list_item_get_position (item));
}

/* Each row is a flat button: a pointer, a keyboard and a screen reader all open it the
 * same way. */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              AltaResultsPage          *self)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *date = gtk_label_new (NULL);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "report-row");
  gtk_button_set_child (GTK_BUTTON (button), box);
  g_signal_connect (button, "clicked", G_CALLBACK (on_report_clicked_cb), self);
  /* The item owns the button: no reference, or neither would go */
  g_object_set_data (G_OBJECT (button), "list-item", item);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (date), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 30);
  gtk_widget_add_css_class (date, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), date);
  gtk_list_item_set_child (item, button);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             AltaResultsPage          *self)
{
  AltaRecordItem *report = gtk_list_item_get_item (item);
  GtkWidget *button = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *date = gtk_widget_get_next_sibling (title);
  g_autofree char *when = format_date (alta_record_item_get_date (report));
  g_autofree char *name = NULL;
  const char *status = alta_record_item_get_status (report);

  gtk_label_set_text (GTK_LABEL (title), alta_record_item_get_title (report) != NULL
                                           ? alta_record_item_get_title (report)
                                           : _("Unnamed report"));
  if (g_strcmp0 (status, "final") != 0 && g_strcmp0 (status, "amended") != 0 &&
      g_strcmp0 (status, "corrected") != 0 && status != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s · Not final"), when);

      gtk_label_set_text (GTK_LABEL (date), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (date), when);

  /* Translators: how a screen reader names a report in the list: its title, its date */
  name = g_strdup_printf (_("%s, %s"), gtk_label_get_text (GTK_LABEL (title)),
                          gtk_label_get_text (GTK_LABEL (date)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
}

/* A row given back to the list keeps nothing of the report it showed */
static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               AltaResultsPage          *self)
{
  GtkWidget *button = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));
  GtkWidget *title = gtk_widget_get_first_child (box);

  gtk_label_set_text (GTK_LABEL (title), "");
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (title)), "");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
on_back_clicked_cb (AltaResultsPage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/**
 * alta_results_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_results_page_set_session (AltaResultsPage *self,
                               AltaSession     *session)
{
  GtkWidget *child;

  g_return_if_fail (ALTA_IS_RESULTS_PAGE (self));

  g_set_object (&self->session, session);
  gtk_single_selection_set_model (self->selection,
                              session != NULL ? alta_session_get_reports (session) : NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->values_list))) != NULL)
    gtk_list_box_remove (self->values_list, child);
  gtk_label_set_text (self->report_title, "");
  gtk_label_set_text (self->report_details, "");
  gtk_label_set_text (self->trend_title, "");
  gtk_label_set_text (self->trend_summary, "");
  alta_trend_view_set_results (self->trend_view, NULL);
  gtk_widget_set_visible (self->detail_box, FALSE);
  gtk_widget_set_visible (self->empty_detail, TRUE);
}

static void
alta_results_page_dispose (GObject *object)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (object);
  GtkWidget *child;

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_RESULTS_PAGE);
  /* A template root without an id is not unparented by dispose_template() */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (alta_results_page_parent_class)->dispose (object);
}

static void
alta_results_page_class_init (AltaResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_results_page_dispose;

  g_type_ensure (ALTA_TYPE_TREND_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-results-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, detail_box);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, detail_scroller);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, empty_detail);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, report_details);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, report_title);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, reports_view);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, selection);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, trend_summary);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, trend_title);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, trend_view);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, values_list);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_report_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_value_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
alta_results_page_init (AltaResultsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  alta_bench_watch_scrollable (GTK_WIDGET (self->reports_view));
}
