/* alta-vitals-page.c: vital signs, each kind's latest value, its trend and its history
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-vitals-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-format.h"
#include "alta-trend-view.h"
#include "alta-vital-sign.h"
#include "alta-vitals-page.h"

/* The session's vital signs, gathered by kind: a list of the kinds, each with its latest
 * value and when it was measured (blood pressure first, then what a visit measures most);
 * opening a kind shows its trend and every measurement of it, newest first. A record of
 * hundreds of measurements has a handful of kinds, so the lists are GtkListBoxes; a kind's
 * history holds a few hundred rows at most.
 */

typedef struct
{
  char      *key;
  GPtrArray *series;   /* AltaVitalSign, newest first */
} Kind;

struct _AltaVitalsPage
{
  AdwBin          parent_instance;

  AltaSession    *session;
  GSignalGroup   *session_signals;
  GSignalGroup   *vitals_signals;
  GPtrArray      *kinds;          /* Kind, in the order listed */
  char           *open_key;       /* the kind shown, or NULL */

  /* Template widgets */
  GtkLabel       *kind_title;
  GtkWidget      *detail_box;
  GtkWidget      *empty_detail;
  GtkListBox     *history_list;
  GtkListBox     *kinds_list;
  GtkLabel       *latest_label;
  AdwLeaflet     *leaflet;
  GtkStack       *stack;
  GtkLabel       *trend_summary;
  AltaTrendView  *trend_view;
};

G_DEFINE_FINAL_TYPE (AltaVitalsPage, alta_vitals_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kind_free (gpointer data)
{
  Kind *kind = data;

  g_free (kind->key);
  g_ptr_array_unref (kind->series);
  g_free (kind);
}

/* Where a kind is listed: what a visit measures first, first; the rest by name */
static int
kind_rank (AltaVitalKind kind)
{
  static const AltaVitalKind order[] = {
    ALTA_VITAL_KIND_BLOOD_PRESSURE, ALTA_VITAL_KIND_HEART_RATE, ALTA_VITAL_KIND_TEMPERATURE,
    ALTA_VITAL_KIND_RESPIRATORY_RATE, ALTA_VITAL_KIND_OXYGEN_SATURATION,
    ALTA_VITAL_KIND_WEIGHT, ALTA_VITAL_KIND_HEIGHT, ALTA_VITAL_KIND_BMI,
    ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i] == kind)
      return i;
  return G_N_ELEMENTS (order);
}

static int
compare_kinds (gconstpointer a,
               gconstpointer b)
{
  AltaVitalSign *first = g_ptr_array_index ((*(Kind **)a)->series, 0);
  AltaVitalSign *second = g_ptr_array_index ((*(Kind **)b)->series, 0);
  int rank = kind_rank (alta_vital_sign_get_kind (first)) -
             kind_rank (alta_vital_sign_get_kind (second));
  g_autofree char *first_name = NULL;
  g_autofree char *second_name = NULL;

  if (rank != 0)
    return rank;

  first_name = alta_format_vital_kind (first);
  second_name = alta_format_vital_kind (second);
  return g_utf8_collate (first_name, second_name);
}

/* Newest first; a measurement without a date last */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  GDateTime *first = alta_record_item_get_date (*(AltaRecordItem **)a);
  GDateTime *second = alta_record_item_get_date (*(AltaRecordItem **)b);

  if (first == NULL || second == NULL)
    return (first == NULL) - (second == NULL);
  return g_date_time_compare (second, first);
}

static gboolean
has_any_value (AltaVitalSign *vital)
{
  return alta_vital_sign_get_has_value (vital) || alta_vital_sign_get_has_diastolic (vital);
}

/* The newest measurement with a value, else the newest */
static AltaVitalSign *
latest_of (Kind *kind)
{
  for (guint i = 0; i < kind->series->len; i++)
    if (has_any_value (g_ptr_array_index (kind->series, i)))
      return g_ptr_array_index (kind->series, i);

  return g_ptr_array_index (kind->series, 0);
}

static Kind *
find_kind (AltaVitalsPage *self,
           const char     *key,
           guint          *index)
{
  for (guint i = 0; key != NULL && i < self->kinds->len; i++)
    {
      Kind *kind = g_ptr_array_index (self->kinds, i);

      if (g_str_equal (kind->key, key))
        {
          if (index != NULL)
            *index = i;
          return kind;
        }
    }

  return NULL;
}

static char *
format_date (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("Date not recorded"));

  return alta_format_date (date);
}

/* A kind is a button in its row, as a report is in the results list, so that everyone
 * opens it the same way: a click, Enter, or a screen reader's "click" */
static GtkWidget *
make_kind_row (Kind *kind)
{
  AltaVitalSign *latest = latest_of (kind);
  g_autofree char *name = alta_format_vital_kind (latest);
  g_autofree char *value = alta_format_vital_value (latest);
  g_autofree char *date = format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (latest)));
  g_autofree char *spoken = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *date_label = gtk_label_new (date);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (date_label), 0);
  gtk_widget_add_css_class (date_label, "dim-label");
  gtk_widget_add_css_class (date_label, "caption");
  gtk_box_append (GTK_BOX (names), name_label);
  gtk_box_append (GTK_BOX (names), date_label);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);

  gtk_label_set_xalign (GTK_LABEL (value_label), 1);
  gtk_widget_set_valign (value_label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (value_label, "heading");

  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_box_append (GTK_BOX (box), names);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "report-row");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "vitals.show-kind");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", kind->key);

  /* Translators: a vital sign as a screen reader reads it: "Blood pressure, 120/80 mmHg,
   * on March 4, 2026" */
  spoken = g_strdup_printf (_("%1$s, %2$s, on %3$s"), name, value, date);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

static GtkWidget *
make_history_row (AltaVitalSign *vital)
{
  GDateTime *date = alta_record_item_get_date (ALTA_RECORD_ITEM (vital));
  g_autofree char *value = alta_format_vital_value (vital);
  g_autofree char *day = format_date (date);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), day);
  /* A measurement with a value and a date is on the plot: choosing it rings its point */
  if (date != NULL && has_any_value (vital))
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "vitals.show-measurement");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", g_date_time_to_unix (date));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }
  return row;
}

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* No kind open, nothing of one shown */
static void
clear_detail (AltaVitalsPage *self)
{
  g_clear_pointer (&self->open_key, g_free);
  remove_rows (self->history_list);
  gtk_label_set_text (self->kind_title, "");
  gtk_label_set_text (self->latest_label, "");
  gtk_label_set_text (self->trend_summary, "");
  alta_trend_view_set_vital_signs (self->trend_view, NULL);
  alta_trend_view_set_unit (self->trend_view, NULL);
  alta_trend_view_set_highlighted_date (self->trend_view, NULL);
  gtk_list_box_unselect_all (self->kinds_list);
  gtk_widget_set_visible (self->detail_box, FALSE);
  gtk_widget_set_visible (self->empty_detail, TRUE);
}

static void
show_kind (AltaVitalsPage *self,
           Kind           *kind,
           guint           index)
{
  AltaVitalSign *latest = latest_of (kind);
  GDateTime *latest_date = alta_record_item_get_date (ALTA_RECORD_ITEM (latest));
  g_autofree char *name = alta_format_vital_kind (latest);
  g_autofree char *unit = alta_format_vital_unit (latest);
  g_autofree char *value = alta_format_vital_value (latest);
  g_autofree char *date = format_date (latest_date);
  g_autofree char *latest_text = NULL;
  g_autofree char *history_name = NULL;

  g_free (self->open_key);
  self->open_key = g_strdup (kind->key);

  gtk_label_set_text (self->kind_title, name);
  /* Translators: the latest value of a vital sign and its date: "Latest: 120/80 mmHg, on
   * March 4, 2026" */
  latest_text = g_strdup_printf (_("Latest: %1$s, on %2$s"), value, date);
  gtk_label_set_text (self->latest_label, latest_text);

  alta_trend_view_set_unit (self->trend_view, unit);
  alta_trend_view_set_vital_signs (self->trend_view, kind->series);
  alta_trend_view_set_highlighted_date (self->trend_view, latest_date);
  gtk_label_set_text (self->trend_summary, alta_trend_view_get_summary (self->trend_view));

  remove_rows (self->history_list);
  for (guint i = 0; i < kind->series->len; i++)
    gtk_list_box_append (self->history_list, make_history_row (g_ptr_array_index (kind->series, i)));
  /* Translators: the name of the list of every measurement of a vital sign */
  history_name = g_strdup_printf (_("%s history"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->history_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, history_name, -1);

  gtk_list_box_select_row (self->kinds_list, gtk_list_box_get_row_at_index (self->kinds_list, index));
  gtk_widget_set_visible (self->detail_box, TRUE);
  gtk_widget_set_visible (self->empty_detail, FALSE);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* The session's vital signs, gathered by kind again */
static void
rebuild (AltaVitalsPage *self)
{
  GListModel *vitals = self->session != NULL ? alta_session_get_vital_signs (self->session) : NULL;
  g_autoptr (GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *open_key = g_steal_pointer (&self->open_key);
  guint n = vitals != NULL ? g_list_model_get_n_items (vitals) : 0;
  guint index = 0;
  Kind *open;

  clear_detail (self);
  remove_rows (self->kinds_list);
  g_ptr_array_set_size (self->kinds, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AltaVitalSign) vital = g_list_model_get_item (vitals, i);
      g_autofree char *key = alta_vital_sign_dup_key (vital);
      Kind *kind = g_hash_table_lookup (by_key, key);

      if (kind == NULL)
        {
          kind = g_new0 (Kind, 1);
          kind->key = g_steal_pointer (&key);
          kind->series = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->kinds, kind);
          g_hash_table_insert (by_key, kind->key, kind);
        }
      g_ptr_array_add (kind->series, g_object_ref (vital));
    }

  for (guint i = 0; i < self->kinds->len; i++)
    g_ptr_array_sort (((Kind *)g_ptr_array_index (self->kinds, i))->series, compare_newest_first);
  g_ptr_array_sort (self->kinds, compare_kinds);
  for (guint i = 0; i < self->kinds->len; i++)
    gtk_list_box_append (self->kinds_list, make_kind_row (g_ptr_array_index (self->kinds, i)));

  gtk_stack_set_visible_child_name (self->stack, self->kinds->len > 0 ? "vitals" : "empty");

  /* The same record loaded again keeps its kind open */
  if ((open = find_kind (self, open_key, &index)) != NULL)
    show_kind (self, open, index);
}

/* "vitals.show-kind": the trend and history of the kind of that key */
static void
vitals_show_kind_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaVitalsPage *self = ALTA_VITALS_PAGE (widget);
  guint index = 0;
  Kind *kind = find_kind (self, g_variant_get_string (parameter, NULL), &index);

  if (kind != NULL)
    show_kind (self, kind, index);
}

/* "vitals.show-measurement": rings the point of the measurement of that time */
static void
vitals_show_measurement_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  AltaVitalsPage *self = ALTA_VITALS_PAGE (widget);
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (g_variant_get_int64 (parameter));

  alta_trend_view_set_highlighted_date (self->trend_view, date);
}

static void
vitals_back_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  adw_leaflet_navigate (ALTA_VITALS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_session_bind_cb (AltaVitalsPage *self,
                    AltaSession    *session,
                    GSignalGroup   *group)
{
  g_signal_group_set_target (self->vitals_signals, alta_session_get_vital_signs (session));
  rebuild (self);
}

static void
on_session_unbind_cb (AltaVitalsPage *self,
                      GSignalGroup   *group)
{
  g_signal_group_set_target (self->vitals_signals, NULL);
  rebuild (self);
}

/* Another record shown: nothing of the last one stays open */
static void
on_record_changed_cb (AltaVitalsPage *self)
{
  g_clear_pointer (&self->open_key, g_free);
  rebuild (self);
}

static void
on_vitals_changed_cb (AltaVitalsPage *self)
{
  rebuild (self);
}

static void
alta_vitals_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AltaVitalsPage *self = ALTA_VITALS_PAGE (object);

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
alta_vitals_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AltaVitalsPage *self = ALTA_VITALS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_vitals_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_vitals_page_dispose (GObject *object)
{
  AltaVitalsPage *self = ALTA_VITALS_PAGE (object);

  g_clear_object (&self->session);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  if (self->vitals_signals != NULL)
    g_signal_group_set_target (self->vitals_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->vitals_signals);
  if (self->kinds != NULL)
    g_ptr_array_set_size (self->kinds, 0);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_VITALS_PAGE);

  G_OBJECT_CLASS (alta_vitals_page_parent_class)->dispose (object);
}

static void
alta_vitals_page_finalize (GObject *object)
{
  AltaVitalsPage *self = ALTA_VITALS_PAGE (object);

  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_clear_pointer (&self->open_key, g_free);

  G_OBJECT_CLASS (alta_vitals_page_parent_class)->finalize (object);
}

static void
alta_vitals_page_class_init (AltaVitalsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_vitals_page_dispose;
  object_class->finalize = alta_vitals_page_finalize;
  object_class->get_property = alta_vitals_page_get_property;
  object_class->set_property = alta_vitals_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ALTA_TYPE_TREND_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-vitals-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, detail_box);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, empty_detail);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, kind_title);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, kinds_list);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, latest_label);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, trend_summary);
  gtk_widget_class_bind_template_child (widget_class, AltaVitalsPage, trend_view);

  gtk_widget_class_install_action (widget_class, "vitals.back", NULL, vitals_back_action);
  gtk_widget_class_install_action (widget_class, "vitals.show-kind", "s",
                                   vitals_show_kind_action);
  gtk_widget_class_install_action (widget_class, "vitals.show-measurement", "x",
                                   vitals_show_measurement_action);
}

static void
alta_vitals_page_init (AltaVitalsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->kinds = g_ptr_array_new_with_free_func (kind_free);

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_connect_object (self->session_signals, "bind", G_CALLBACK (on_session_bind_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_signals, "unbind", G_CALLBACK (on_session_unbind_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-id",
                                  G_CALLBACK (on_record_changed_cb), self);

  self->vitals_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->vitals_signals, "items-changed",
                                  G_CALLBACK (on_vitals_changed_cb), self);
  rebuild (self);
}

/**
 * alta_vitals_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_vitals_page_get_session (AltaVitalsPage *self)
{
  g_return_val_if_fail (ALTA_IS_VITALS_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_vitals_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_vitals_page_set_session (AltaVitalsPage *self,
                              AltaSession    *session)
{
  g_return_if_fail (ALTA_IS_VITALS_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  /* Unbinding and binding rebuild from the session: the new one is in place first */
  g_signal_group_set_target (self->session_signals, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
