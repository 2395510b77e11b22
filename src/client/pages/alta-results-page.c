/* alta-results-page.c: test results, a report's values, and a value's trend
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-results-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "alta-bench.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-format.h"
#include "alta-results-page.h"
#include "alta-report-row.h"
#include "alta-trend-view.h"
#include "alta-value-row.h"

/* Reports newest first in a GtkListView (records may hold thousands), filtered by name,
 * each with its marks (new, values out of range); a report's values with their units,
 * ranges and flags (said in words and shown by an icon, not by colour alone), or its text
 * when it is a note; a value's trend over time. A record without reports says so instead.
 * The list is one keyboard stop, arrows move in it, Enter opens a report and takes the
 * focus to its first value; Ctrl+F searches while the page is shown.
 */

struct _AltaResultsPage
{
  AdwBin          parent_instance;

  AltaSession    *session;
  GSignalGroup   *session_signals;
  GSignalGroup   *reports_signals;

  /* Template widgets */
  GtkStack       *content_stack;
  GtkFilterListModel *filter_model;
  GtkStack       *list_stack;
  GtkStringFilter *name_filter;
  GtkLabel       *note_label;
  GtkSearchEntry *search_entry;
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

G_DEFINE_FINAL_TYPE (AltaResultsPage, alta_results_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_date (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("Date not recorded"));

  return alta_format_date (date);
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
  /* The unit as the result gives it; the point of the report opened, ringed */
  alta_trend_view_set_unit (self->trend_view, alta_lab_result_get_unit (result));
  alta_trend_view_set_highlighted_date (self->trend_view,
                                        alta_record_item_get_date (ALTA_RECORD_ITEM (result)));
  gtk_label_set_text (self->trend_summary, alta_trend_view_get_summary (self->trend_view));
  gtk_widget_set_visible (GTK_WIDGET (self->trend_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_view), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_summary), TRUE);
  /* Once laid out, the plot takes the focus: the page scrolls it into view, and a screen
   * reader reads its summary */
  gtk_widget_add_tick_callback (GTK_WIDGET (self->trend_view), trend_shown_cb,
                                g_object_ref (self), g_object_unref);
}

/* A note's text: its presented form, else its conclusion; a report with values shows its
 * conclusion too */
static char *
dup_note (AltaLabReport *report)
{
  const char *text = alta_lab_report_get_text (report);
  const char *conclusion = alta_lab_report_get_conclusion (report);

  if (text != NULL && conclusion != NULL && strstr (text, conclusion) == NULL)
    return g_strdup_printf ("%s\n\n%s", conclusion, text);

  return g_strdup (text != NULL ? text : conclusion);
}

static void
show_report (AltaResultsPage *self,
             AltaLabReport   *report)
{
  const char * const *ids = alta_lab_report_get_result_ids (report);
  g_autofree char *date = format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (report)));
  g_autofree char *details = NULL;
  g_autofree char *note = dup_note (report);
  GtkWidget *child;
  GtkWidget *first_value;

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
        gtk_list_box_append (self->values_list, alta_value_row_new (result));
    }
  first_value = gtk_widget_get_first_child (GTK_WIDGET (self->values_list));
  gtk_widget_set_visible (GTK_WIDGET (self->values_list), first_value != NULL);
  gtk_label_set_text (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->trend_title), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_view), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_summary), FALSE);
  gtk_widget_set_visible (self->detail_box, TRUE);
  gtk_widget_set_visible (self->empty_detail, FALSE);
  /* A report can be scrolled from the keyboard; the pane without one is no Tab stop */
  gtk_widget_set_focusable (GTK_WIDGET (self->detail_scroller), TRUE);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);

  /* The keyboard follows what was opened: its first value, or a note's text */
  if (first_value != NULL)
    gtk_widget_grab_focus (first_value);
  else if (note != NULL && gtk_widget_grab_focus (GTK_WIDGET (self->note_label)))
    /* Focused, a selectable label selects all of itself: a note is read, not copied */
    gtk_label_select_region (self->note_label, 0, 0);
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

/* Where the report of that id is in the list, as filtered */
static guint
find_report (AltaResultsPage *self,
             const char      *id)
{
  GListModel *reports = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (reports); i++)
    {
      g_autoptr (AltaRecordItem) report = g_list_model_get_item (reports, i);

      if (g_strcmp0 (alta_record_item_get_id (report), id) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* "results.open-report": the report of that id, chosen in the list */
static void
results_open_report_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  guint position = find_report (self, id);

  /* A report the search hides is shown with all the others */
  if (position == GTK_INVALID_LIST_POSITION &&
      gtk_string_filter_get_search (self->name_filter) != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_string_filter_set_search (self->name_filter, NULL);
      position = find_report (self, id);
    }

  if (position != GTK_INVALID_LIST_POSITION)
    open_report_at (self, position);
}

/* "results.find": Ctrl+F, to the search entry, beside the list */
static void
results_find_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "results") != 0)
    return;

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* No reports at all: the record says so, instead of an empty list beside "Choose a
 * Result"; reports the search hides: the list says so */
static void
update_empty (AltaResultsPage *self)
{
  GListModel *reports = gtk_filter_list_model_get_model (self->filter_model);
  guint n_reports = reports != NULL ? g_list_model_get_n_items (reports) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  gtk_stack_set_visible_child_name (self->content_stack, n_reports > 0 ? "results" : "empty");
  gtk_stack_set_visible_child_name (self->list_stack,
                                    n_shown > 0 || n_reports == 0 ? "list" : "no-matches");
}

static void
on_filter_model_items_changed_cb (AltaResultsPage *self)
{
  update_empty (self);
}

static void
on_search_entry_search_changed_cb (AltaResultsPage *self,
                                   GtkSearchEntry  *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  gtk_string_filter_set_search (self->name_filter, text[0] != '\0' ? text : NULL);
  update_empty (self);
}

static void
on_search_entry_stop_search_cb (AltaResultsPage *self,
                                GtkSearchEntry  *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* The list is one Tab stop, arrows move in it: GTK 4.8's list view would take Tab to its
 * next item (4.12's tab-behavior is not ours). Tab leaves for the report shown, else for
 * what follows the page; Shift+Tab for the search entry before the list. */
static gboolean
on_reports_view_key_pressed_cb (AltaResultsPage       *self,
                                guint                  keyval,
                                guint                  keycode,
                                GdkModifierType        state,
                                GtkEventControllerKey *controller)
{
  gboolean backward = keyval == GDK_KEY_ISO_Left_Tab ||
                      (keyval == GDK_KEY_Tab && (state & GDK_SHIFT_MASK) != 0);
  GtkRoot *root;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  if (backward)
    return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));

  if (gtk_widget_get_mapped (self->detail_box) &&
      gtk_widget_child_focus (self->detail_box, GTK_DIR_TAB_FORWARD))
    return GDK_EVENT_STOP;

  /* Nothing to focus in the report: on to the window's next stop after the page, which is
   * the last part of the window, so its first */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  gtk_root_set_focus (root, NULL);
  gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD);
  return GDK_EVENT_STOP;
}

static void
on_factory_setup_cb (AltaResultsPage *self,
                     GtkListItem     *item,
                     GtkListItemFactory *factory)
{
  gtk_list_item_set_child (item, alta_report_row_new ());
}

static void
on_factory_bind_cb (AltaResultsPage *self,
                    GtkListItem     *item,
                    GtkListItemFactory *factory)
{
  AltaReportRow *row = ALTA_REPORT_ROW (gtk_list_item_get_child (item));

  if (self->session != NULL)
    alta_report_row_show (row, self->session, gtk_list_item_get_item (item));
}

static void
on_factory_unbind_cb (AltaResultsPage *self,
                      GtkListItem     *item,
                      GtkListItemFactory *factory)
{
  alta_report_row_show (ALTA_REPORT_ROW (gtk_list_item_get_child (item)), NULL, NULL);
}

/* "results.show-trend": the trend of the value of that id */
static void
results_show_trend_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (widget);
  AltaLabResult *result;

  if (self->session == NULL)
    return;

  result = alta_session_find_result (self->session, g_variant_get_string (parameter, NULL));
  if (result != NULL)
    show_trend (self, result);
}

static void
results_back_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  adw_leaflet_navigate (ALTA_RESULTS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* No report open, nothing of one shown */
static void
clear_detail (AltaResultsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->values_list))) != NULL)
    gtk_list_box_remove (self->values_list, child);
  gtk_label_set_text (self->report_title, "");
  gtk_label_set_text (self->report_details, "");
  gtk_label_set_text (self->note_label, "");
  gtk_label_set_text (self->trend_title, "");
  gtk_label_set_text (self->trend_summary, "");
  alta_trend_view_set_results (self->trend_view, NULL);
  gtk_widget_set_visible (self->detail_box, FALSE);
  gtk_widget_set_visible (self->empty_detail, TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self->detail_scroller), FALSE);
}

static void
on_session_bind_cb (AltaResultsPage *self,
                    AltaSession     *session,
                    GSignalGroup    *group)
{
  gtk_filter_list_model_set_model (self->filter_model, alta_session_get_reports (session));
  g_signal_group_set_target (self->reports_signals, alta_session_get_reports (session));
  clear_detail (self);
  update_empty (self);
}

static void
on_session_unbind_cb (AltaResultsPage *self,
                      GSignalGroup    *group)
{
  /* What was searched for goes with the record */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_string_filter_set_search (self->name_filter, NULL);
  g_signal_group_set_target (self->reports_signals, NULL);
  gtk_filter_list_model_set_model (self->filter_model, NULL);
  clear_detail (self);
  update_empty (self);
}

/* Another record shown: its reports replace the last one's, and no report is open */
static void
on_record_changed_cb (AltaResultsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_string_filter_set_search (self->name_filter, NULL);
  clear_detail (self);
  update_empty (self);
}

static void
alta_results_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (object);

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
alta_results_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_results_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Ctrl+F is the page's only while it is shown: hidden, the shortcut lets the key go */
static void
alta_results_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (alta_results_page_parent_class)->map (widget);
  gtk_widget_action_set_enabled (widget, "results.find", TRUE);
}

static void
alta_results_page_unmap (GtkWidget *widget)
{
  gtk_widget_action_set_enabled (widget, "results.find", FALSE);
  GTK_WIDGET_CLASS (alta_results_page_parent_class)->unmap (widget);
}

static void
alta_results_page_dispose (GObject *object)
{
  AltaResultsPage *self = ALTA_RESULTS_PAGE (object);

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  if (self->reports_signals != NULL)
    g_signal_group_set_target (self->reports_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->reports_signals);
  g_clear_object (&self->session);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_RESULTS_PAGE);

  G_OBJECT_CLASS (alta_results_page_parent_class)->dispose (object);
}

static void
alta_results_page_class_init (AltaResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_results_page_dispose;
  object_class->get_property = alta_results_page_get_property;
  object_class->set_property = alta_results_page_set_property;
  widget_class->map = alta_results_page_map;
  widget_class->unmap = alta_results_page_unmap;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ALTA_TYPE_RECORD_ITEM);
  g_type_ensure (ALTA_TYPE_REPORT_ROW);
  g_type_ensure (ALTA_TYPE_TREND_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-results-page.ui");
  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, detail_box);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, detail_scroller);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, empty_detail);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, filter_model);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, name_filter);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, report_details);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, report_title);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, reports_view);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, selection);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, trend_summary);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, trend_title);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, trend_view);
  gtk_widget_class_bind_template_child (widget_class, AltaResultsPage, values_list);
  gtk_widget_class_bind_template_callback (widget_class, on_factory_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_factory_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_factory_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_model_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_report_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "results.back", NULL, results_back_action);
  gtk_widget_class_install_action (widget_class, "results.find", NULL, results_find_action);
  gtk_widget_class_install_action (widget_class, "results.open-report", "s",
                                   results_open_report_action);
  gtk_widget_class_install_action (widget_class, "results.show-trend", "s",
                                   results_show_trend_action);
}

static void
alta_results_page_init (AltaResultsPage *self)
{
  GtkEventController *shortcuts;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  alta_bench_watch_scrollable (GTK_WIDGET (self->reports_view));

  /* Ctrl+F wherever the focus is in the window, while this page is shown: a managed
   * shortcut, which the window runs; its action is disabled while the page is hidden */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f,
                                                                                  GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("results.find")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_reports_view_key_pressed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->reports_view), keys);

  self->reports_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->reports_signals, "items-changed",
                                  G_CALLBACK (update_empty), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.find", FALSE);

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_connect_object (self->session_signals, "bind", G_CALLBACK (on_session_bind_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_signals, "unbind", G_CALLBACK (on_session_unbind_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-id",
                                  G_CALLBACK (on_record_changed_cb), self);
}

/**
 * alta_results_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_results_page_get_session (AltaResultsPage *self)
{
  g_return_val_if_fail (ALTA_IS_RESULTS_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_results_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_results_page_set_session (AltaResultsPage *self,
                               AltaSession     *session)
{
  g_return_if_fail (ALTA_IS_RESULTS_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
