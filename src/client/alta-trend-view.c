/* alta-trend-view.c: one test's or vital sign's values over time
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-trend-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "alta-format.h"
#include "alta-lab-result.h"
#include "alta-trend-view.h"
#include "alta-vital-sign.h"

/* A line through the values of one test or vital sign, oldest on the left, over the normal
 * range shaded (or, when the range has one side, a line at its limit); a blood pressure
 * has two lines, systolic and diastolic, told apart by their marks as well as by colour.
 * The value axis always spans the normal range, so that a small change inside it does not
 * look like a plunge, and names its unit, which the caller gives ready to read. One point,
 * the one the person opened, can be ringed. What the plot shows is also said in one
 * sentence, its accessible description, for people who cannot see it.
 */

#define MARGIN 12.0
#define TICK_GAP 8.0
#define MAX_SERIES 2
#define MIN_SPAN_FRACTION 0.2

typedef struct
{
  GDateTime *date;
  double     values[MAX_SERIES];
  gboolean   has[MAX_SERIES];
  gboolean   flagged;
} Point;

struct _AltaTrendView
{
  GtkWidget  parent_instance;

  GArray    *points;         /* Point, oldest first */
  guint      n_series;
  int        decimals;       /* -1: values as given */
  gboolean   has_low;
  double     low;
  gboolean   has_high;
  double     high;
  char      *unit;
  GDateTime *highlighted_date;
  char      *summary;
};

G_DEFINE_FINAL_TYPE (AltaTrendView, alta_trend_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_UNIT,
  PROP_HIGHLIGHTED_DATE,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_point (gpointer data)
{
  Point *point = data;

  g_clear_pointer (&point->date, g_date_time_unref);
}

/* Two to five round values (1, 2 or 5 times a power of ten apart) across [low, high] */
static double
tick_step (double low,
           double high)
{
  double raw = (high - low) / 4;
  double magnitude = pow (10, floor (log10 (raw)));
  double fraction = raw / magnitude;

  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

static char *
format_number (double value,
               int    decimals)
{
  if (decimals < 0)
    return g_strdup_printf ("%g", value);

  /* "-0" is not a value a person reads */
  if (fabs (value) < 0.5 * pow (10, -decimals))
    value = 0;
  return g_strdup_printf ("%.*f", decimals, value);
}

static char *
format_with_unit (const char *number,
                  const char *unit)
{
  if (unit == NULL || unit[0] == '\0')
    return g_strdup (number);
  if (g_str_equal (unit, "%"))
    return g_strconcat (number, unit, NULL);
  return g_strconcat (number, " ", unit, NULL);
}

/* A point's value with its unit: "124 mg/dL", or a blood pressure, "120/80 mmHg" */
static char *
format_point (AltaTrendView *self,
              const Point   *point)
{
  g_autofree char *first = point->has[0] ? format_number (point->values[0], self->decimals)
                                         : g_strdup ("–");
  g_autofree char *number = NULL;

  if (self->n_series < 2)
    return format_with_unit (first, self->unit);

  {
    g_autofree char *second = point->has[1] ? format_number (point->values[1], self->decimals)
                                            : g_strdup ("–");

    number = g_strconcat (first, "/", second, NULL);
  }
  return format_with_unit (number, self->unit);
}

static void
update_summary (AltaTrendView *self)
{
  g_clear_pointer (&self->summary, g_free);

  if (self->points->len > 0)
    {
      const Point *first = &g_array_index (self->points, Point, 0);
      const Point *last = &g_array_index (self->points, Point, self->points->len - 1);
      g_autofree char *first_value = self->points->len > 1 ? format_point (self, first) : NULL;
      g_autofree char *last_value = format_point (self, last);

      self->summary = alta_format_trend_summary (first_value, first->date, last_value, last->date);
    }
  else
    self->summary = g_strdup (_("No numeric values to plot."));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trend"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static void
append_text (GtkWidget     *widget,
             GtkSnapshot   *snapshot,
             const char    *text,
             double         x,
             double         y,
             double         align_x,
             double         align_y,
             const GdkRGBA *color)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int text_width, text_height;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x - align_x * text_width),
                                                          round (y - align_y * text_height)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static int
text_width (GtkWidget  *widget,
            const char *text,
            int        *height)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, height);
  return width;
}

/* The second series' mark is a square, so the two differ by more than their colour */
static void
mark_point (cairo_t *cr,
            guint    series,
            double   x,
            double   y)
{
  if (series == 0)
    cairo_arc (cr, x, y, 4.5, 0, 2 * G_PI);
  else
    cairo_rectangle (cr, x - 4, y - 4, 8, 8);
  cairo_fill (cr);
}

static void
alta_trend_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  AltaTrendView *self = ALTA_TREND_VIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double low = G_MAXDOUBLE, high = -G_MAXDOUBLE;
  double step, left, right, top, bottom, first_time, last_time;
  GdkRGBA colors[MAX_SERIES], band, limit, flagged, grid, dim, ring;
  g_autofree char *first_label = NULL;
  g_autofree char *last_label = NULL;
  int label_height = 0, gutter = 0;
  guint n = self->points->len;
  cairo_t *cr;

  if (n == 0 || width < 8 * MARGIN)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &colors[0]);
  gdk_rgba_parse (&colors[1], "#1c71d8");
  gdk_rgba_parse (&band, "rgba(46, 194, 126, 0.18)");
  gdk_rgba_parse (&limit, "rgba(38, 162, 105, 0.9)");
  gdk_rgba_parse (&flagged, "#e01b24");
  gdk_rgba_parse (&ring, "#e5a50a");
  grid = colors[0];
  grid.alpha *= 0.12;
  dim = colors[0];
  dim.alpha *= 0.7;

  for (guint i = 0; i < n; i++)
    {
      const Point *point = &g_array_index (self->points, Point, i);

      for (guint s = 0; s < self->n_series; s++)
        if (point->has[s])
          {
            low = MIN (low, point->values[s]);
            high = MAX (high, point->values[s]);
          }
    }
  /* The normal range is always in sight, so a change inside it looks as small as it is */
  if (self->has_low)
    {
      low = MIN (low, self->low);
      high = MAX (high, self->low);
    }
  if (self->has_high)
    {
      low = MIN (low, self->high);
      high = MAX (high, self->high);
    }
  /* Nor does a small change without a range look large: the axis spans a fifth of the
   * values' size at least (a weight of 75 to 76 kg is drawn on about 68 to 83) */
  {
    double span = MAX (MIN_SPAN_FRACTION * MAX (fabs (low), fabs (high)), 1e-9);

    if (high - low < span)
      {
        double middle = (low + high) / 2;

        low = middle - span / 2;
        high = middle + span / 2;
      }
    if (high - low < 1e-6)
      {
        low -= 1;
        high += 1;
      }
  }

  /* The value axis runs between round values */
  step = tick_step (low, high);
  low = floor (low / step) * step;
  high = ceil (high / step) * step;
  for (double tick = low; tick <= high + step / 2; tick += step)
    {
      g_autofree char *text = g_strdup_printf ("%g", tick);

      gutter = MAX (gutter, text_width (widget, text, &label_height));
    }

  /* The time axis: the first and last dates, by month */
  first_time = g_date_time_to_unix (g_array_index (self->points, Point, 0).date);
  last_time = g_date_time_to_unix (g_array_index (self->points, Point, n - 1).date);
  /* Translators: a month on the time axis of a plot, see strftime(3) */
  first_label = alta_format_date_time (g_array_index (self->points, Point, 0).date, _("%b %Y"));
  last_label = alta_format_date_time (g_array_index (self->points, Point, n - 1).date, _("%b %Y"));

  left = gutter + TICK_GAP;
  right = width - MARGIN;
  /* Above the plot, a line for the unit and the legend */
  top = label_height * 1.5 + 6;
  bottom = height - label_height - TICK_GAP;
  if (right - left < 4 * MARGIN || bottom - top < 2 * MARGIN)
    return;

#define X(t) (last_time <= first_time ? (left + right) / 2 \
                                      : left + MARGIN + (right - left - 2 * MARGIN) * ((t) - first_time) / (last_time - first_time))
#define Y(v) (top + (bottom - top) * (1 - ((v) - low) / (high - low)))
#define POINT(i) (&g_array_index (self->points, Point, (i)))
#define TIME_OF(i) ((double)g_date_time_to_unix (POINT (i)->date))

  /* The unit heads the value axis, on the line above the plot */
  if (self->unit != NULL)
    append_text (widget, snapshot, self->unit, 0, 0, 0.0, 0.0, &dim);

  for (double tick = low; tick <= high + step / 2; tick += step)
    {
      g_autofree char *text = g_strdup_printf ("%g", fabs (tick) < step / 1e6 ? 0.0 : tick);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (left, round (Y (tick)), right - left, 1));
      append_text (widget, snapshot, text, gutter, Y (tick), 1.0, 0.5, &dim);
    }
  append_text (widget, snapshot, first_label, X (first_time), height, n == 1 ? 0.5 : 0.0, 1.0, &dim);
  if (n > 1 && g_strcmp0 (first_label, last_label) != 0)
    append_text (widget, snapshot, last_label, X (last_time), height, 1.0, 1.0, &dim);

  /* A one-sided range is its limit, named on the line */
  if (self->has_low != self->has_high)
    {
      double value = self->has_high ? self->high : self->low;
      g_autofree char *number = format_number (value, self->decimals);
      g_autofree char *text = self->has_high
                                /* Translators: the label of a limit line on a plot: normal values are under it */
                                ? g_strdup_printf (C_("trend plot", "Normal: under %s"), number)
                                /* Translators: the label of a limit line on a plot: normal values are over it */
                                : g_strdup_printf (C_("trend plot", "Normal: over %s"), number);

      append_text (widget, snapshot, text, right, Y (value) - 2, 1.0, 1.0, &limit);
    }

  if (self->n_series > 1)
    {
      /* Translators: the legend of a blood pressure plot; the marks are drawn beside it */
      const char *names[MAX_SERIES] = { _("Systolic"), _("Diastolic") };
      double x = right;

      for (int s = MAX_SERIES - 1; s >= 0; s--)
        {
          int name_height;
          int name_width = text_width (widget, names[s], &name_height);

          append_text (widget, snapshot, names[s], x, 0, 1.0, 0.0, &dim);
          x -= name_width + 6;
          cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 10, 0, 10, name_height));
          gdk_cairo_set_source_rgba (cr, &colors[s]);
          mark_point (cr, s, x - 5, name_height / 2.0);
          cairo_destroy (cr);
          x -= 10 + 16;
        }
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->has_low && self->has_high)
    {
      gdk_cairo_set_source_rgba (cr, &band);
      cairo_rectangle (cr, left, Y (self->high), right - left, Y (self->low) - Y (self->high));
      cairo_fill (cr);
    }
  else if (self->has_low || self->has_high)
    {
      double y = round (Y (self->has_high ? self->high : self->low)) + 0.5;
      double dashes[] = { 6, 4 };

      gdk_cairo_set_source_rgba (cr, &limit);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, right, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  for (guint s = 0; s < self->n_series; s++)
    {
      gboolean started = FALSE;

      gdk_cairo_set_source_rgba (cr, &colors[s]);
      cairo_set_line_width (cr, 2);
      for (guint i = 0; i < n; i++)
        {
          if (!POINT (i)->has[s])
            continue;
          if (!started)
            cairo_move_to (cr, X (TIME_OF (i)), Y (POINT (i)->values[s]));
          else
            cairo_line_to (cr, X (TIME_OF (i)), Y (POINT (i)->values[s]));
          started = TRUE;
        }
      cairo_stroke (cr);

      for (guint i = 0; i < n; i++)
        {
          if (!POINT (i)->has[s])
            continue;
          gdk_cairo_set_source_rgba (cr, POINT (i)->flagged ? &flagged : &colors[s]);
          mark_point (cr, s, X (TIME_OF (i)), Y (POINT (i)->values[s]));
        }
    }

  /* The point opened: a ring around each of its values */
  for (guint i = 0; self->highlighted_date != NULL && i < n; i++)
    {
      if (g_date_time_to_unix (POINT (i)->date) != g_date_time_to_unix (self->highlighted_date))
        continue;

      gdk_cairo_set_source_rgba (cr, &ring);
      cairo_set_line_width (cr, 2.5);
      for (guint s = 0; s < self->n_series; s++)
        if (POINT (i)->has[s])
          {
            cairo_new_sub_path (cr);
            cairo_arc (cr, X (TIME_OF (i)), Y (POINT (i)->values[s]), 9, 0, 2 * G_PI);
          }
      cairo_stroke (cr);
      break;
    }

  cairo_destroy (cr);
#undef X
#undef Y
#undef POINT
#undef TIME_OF
}

static void
alta_trend_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 240;
}

static void
alta_trend_view_finalize (GObject *object)
{
  AltaTrendView *self = ALTA_TREND_VIEW (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->highlighted_date, g_date_time_unref);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (alta_trend_view_parent_class)->finalize (object);
}

static void
alta_trend_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AltaTrendView *self = ALTA_TREND_VIEW (object);

  switch (prop_id)
    {
    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;
    case PROP_HIGHLIGHTED_DATE:
      g_value_set_boxed (value, self->highlighted_date);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_trend_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AltaTrendView *self = ALTA_TREND_VIEW (object);

  switch (prop_id)
    {
    case PROP_UNIT:
      alta_trend_view_set_unit (self, g_value_get_string (value));
      break;
    case PROP_HIGHLIGHTED_DATE:
      alta_trend_view_set_highlighted_date (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_trend_view_class_init (AltaTrendViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = alta_trend_view_finalize;
  object_class->get_property = alta_trend_view_get_property;
  object_class->set_property = alta_trend_view_set_property;
  widget_class->snapshot = alta_trend_view_snapshot;
  widget_class->measure = alta_trend_view_measure;

  /**
   * AltaTrendView:unit:
   *
   * The unit of the values, as a person reads it ("mg/dL", "mmHg"): the caller turns
   * codes into words.
   */
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * AltaTrendView:highlighted-date:
   *
   * When the value the person opened was measured: its point is ringed.
   */
  properties[PROP_HIGHLIGHTED_DATE] =
    g_param_spec_boxed ("highlighted-date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "trendview");
}

static void
alta_trend_view_init (AltaTrendView *self)
{
  self->points = g_array_new (FALSE, TRUE, sizeof (Point));
  g_array_set_clear_func (self->points, clear_point);
  self->n_series = 1;
  self->decimals = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

GtkWidget *
alta_trend_view_new (void)
{
  return g_object_new (ALTA_TYPE_TREND_VIEW, NULL);
}

/* Oldest first */
static int
compare_dates (gconstpointer a,
               gconstpointer b)
{
  return g_date_time_compare (((const Point *)a)->date, ((const Point *)b)->date);
}

static void
reset (AltaTrendView *self,
       guint          n_series,
       int            decimals)
{
  g_array_set_size (self->points, 0);
  self->n_series = n_series;
  self->decimals = decimals;
  self->has_low = self->has_high = FALSE;
}

/* Oldest first; values of the same time keep their order (the sort is stable). A record's
 * thousands of values of one test are newest first: no insertion sort. */
static void
finish_points (AltaTrendView *self)
{
  g_array_sort (self->points, compare_dates);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * alta_trend_view_set_results:
 * @results: (nullable) (element-type AltaLabResult): one test's results, in any order; those
 *   without a number are left out
 *
 * Plots @results over the normal range of the newest one that has a range.
 */
void
alta_trend_view_set_results (AltaTrendView *self,
                             GPtrArray     *results)
{
  GDateTime *range_date = NULL;

  g_return_if_fail (ALTA_IS_TREND_VIEW (self));

  reset (self, 1, -1);
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      AltaLabResult *result = g_ptr_array_index (results, i);
      GDateTime *date = alta_record_item_get_date (ALTA_RECORD_ITEM (result));
      AltaResultFlag flag = alta_lab_result_get_flag (result);
      Point point = { 0 };

      if (!alta_lab_result_get_has_value (result) || date == NULL)
        continue;

      point.date = g_date_time_ref (date);
      point.values[0] = alta_lab_result_get_value (result);
      point.has[0] = TRUE;
      point.flagged = flag != ALTA_RESULT_FLAG_NORMAL && flag != ALTA_RESULT_FLAG_NONE;
      g_array_append_val (self->points, point);

      if ((alta_lab_result_get_has_low (result) || alta_lab_result_get_has_high (result)) &&
          (range_date == NULL || g_date_time_compare (date, range_date) > 0))
        {
          range_date = date;
          self->has_low = alta_lab_result_get_has_low (result);
          self->low = alta_lab_result_get_low (result);
          self->has_high = alta_lab_result_get_has_high (result);
          self->high = alta_lab_result_get_high (result);
        }
    }

  finish_points (self);
}

/**
 * alta_trend_view_set_vital_signs:
 * @vital_signs: (nullable) (element-type AltaVitalSign): measurements of one kind, in any
 *   order; those without a value are left out
 *
 * Plots @vital_signs: blood pressures as two lines, systolic and diastolic.
 */
void
alta_trend_view_set_vital_signs (AltaTrendView *self,
                                 GPtrArray     *vital_signs)
{
  AltaVitalSign *first = vital_signs != NULL && vital_signs->len > 0
                           ? g_ptr_array_index (vital_signs, 0) : NULL;
  gboolean pressure = first != NULL &&
                      alta_vital_sign_get_kind (first) == ALTA_VITAL_KIND_BLOOD_PRESSURE;

  g_return_if_fail (ALTA_IS_TREND_VIEW (self));

  reset (self, pressure ? 2 : 1, first != NULL ? alta_vital_sign_get_decimals (first) : -1);
  for (guint i = 0; vital_signs != NULL && i < vital_signs->len; i++)
    {
      AltaVitalSign *vital = g_ptr_array_index (vital_signs, i);
      GDateTime *date = alta_record_item_get_date (ALTA_RECORD_ITEM (vital));
      Point point = { 0 };

      point.has[0] = alta_vital_sign_get_has_value (vital);
      point.values[0] = alta_vital_sign_get_value (vital);
      point.has[1] = pressure && alta_vital_sign_get_has_diastolic (vital);
      point.values[1] = alta_vital_sign_get_diastolic (vital);
      if (date == NULL || !(point.has[0] || point.has[1]))
        continue;

      point.date = g_date_time_ref (date);
      g_array_append_val (self->points, point);
    }

  finish_points (self);
}

/**
 * alta_trend_view_get_unit:
 *
 * Returns: (nullable): the unit of the values, as a person reads it
 */
const char *
alta_trend_view_get_unit (AltaTrendView *self)
{
  g_return_val_if_fail (ALTA_IS_TREND_VIEW (self), NULL);

  return self->unit;
}

/**
 * alta_trend_view_set_unit:
 * @unit: (nullable): the unit of the values, ready to read ("mg/dL", not a UCUM code)
 */
void
alta_trend_view_set_unit (AltaTrendView *self,
                          const char    *unit)
{
  g_return_if_fail (ALTA_IS_TREND_VIEW (self));

  if (g_strcmp0 (self->unit, unit) == 0)
    return;

  g_free (self->unit);
  self->unit = g_strdup (unit);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT]);
}

/**
 * alta_trend_view_get_highlighted_date:
 *
 * Returns: (transfer none) (nullable): when the ringed point was measured
 */
GDateTime *
alta_trend_view_get_highlighted_date (AltaTrendView *self)
{
  g_return_val_if_fail (ALTA_IS_TREND_VIEW (self), NULL);

  return self->highlighted_date;
}

/**
 * alta_trend_view_set_highlighted_date:
 * @date: (nullable): when the value to ring was measured, or %NULL to ring none
 */
void
alta_trend_view_set_highlighted_date (AltaTrendView *self,
                                      GDateTime     *date)
{
  g_return_if_fail (ALTA_IS_TREND_VIEW (self));

  if (date == self->highlighted_date ||
      (date != NULL && self->highlighted_date != NULL &&
       g_date_time_equal (date, self->highlighted_date)))
    return;

  g_clear_pointer (&self->highlighted_date, g_date_time_unref);
  self->highlighted_date = date != NULL ? g_date_time_ref (date) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHTED_DATE]);
}

/**
 * alta_trend_view_get_summary:
 *
 * Returns: (nullable): the plot in one sentence
 */
const char *
alta_trend_view_get_summary (AltaTrendView *self)
{
  g_return_val_if_fail (ALTA_IS_TREND_VIEW (self), NULL);

  return self->summary;
}
