/* alta-trend-view.c: one test's values over time
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-trend-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "alta-lab-result.h"
#include "alta-format.h"
#include "alta-trend-view.h"

/* A line through the numeric values of one test, oldest on the left, over the reference
 * range shaded. What it shows is also said in words, as the widget's accessible
 * description and in a label beside it, for people who cannot see the plot.
 */

struct _AltaTrendView
{
  GtkWidget  parent_instance;

  GPtrArray *results;   /* AltaLabResult with a value, oldest first */
  char      *summary;
};

G_DEFINE_FINAL_TYPE (AltaTrendView, alta_trend_view, GTK_TYPE_WIDGET)

#define MARGIN 12.0
#define TICK_GAP 8.0

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

static void
alta_trend_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  AltaTrendView *self = ALTA_TREND_VIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double low = G_MAXDOUBLE, high = -G_MAXDOUBLE, range_low = 0, range_high = 0;
  double step, left, right, top, bottom, first_time, last_time;
  gboolean has_range = FALSE;
  GdkRGBA line, band, flagged, grid, dim;
  g_autofree char *first_label = NULL;
  g_autofree char *last_label = NULL;
  int label_height = 0, gutter = 0;
  cairo_t *cr;
  guint n;

  if (self->results == NULL || (n = self->results->len) == 0 || width < 8 * MARGIN)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &line);
  gdk_rgba_parse (&band, "rgba(46, 194, 126, 0.18)");
  gdk_rgba_parse (&flagged, "#e01b24");
  grid = line;
  grid.alpha *= 0.12;
  dim = line;
  dim.alpha *= 0.7;

  for (guint i = 0; i < n; i++)
    {
      AltaLabResult *result = g_ptr_array_index (self->results, i);

      low = MIN (low, alta_lab_result_get_value (result));
      high = MAX (high, alta_lab_result_get_value (result));
      if (alta_lab_result_get_has_low (result) && alta_lab_result_get_has_high (result))
        {
          has_range = TRUE;
          range_low = alta_lab_result_get_low (result);
          range_high = alta_lab_result_get_high (result);
        }
    }
  if (has_range)
    {
      low = MIN (low, range_low);
      high = MAX (high, range_high);
    }
  if (high - low < 1e-9)
    {
      low -= MAX (1, fabs (low) * 0.1);
      high += MAX (1, fabs (high) * 0.1);
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
  first_time = g_date_time_to_unix (alta_record_item_get_date (g_ptr_array_index (self->results, 0)));
  last_time = g_date_time_to_unix (alta_record_item_get_date (g_ptr_array_index (self->results, n - 1)));
  /* Translators: a month on the time axis of a plot, see strftime(3) */
  first_label = alta_format_date_time (alta_record_item_get_date (g_ptr_array_index (self->results, 0)),
                                       _("%b %Y"));
  last_label = alta_format_date_time (alta_record_item_get_date (g_ptr_array_index (self->results, n - 1)),
                                      _("%b %Y"));

  left = gutter + TICK_GAP;
  right = width - MARGIN;
  top = label_height / 2.0 + 2;
  bottom = height - label_height - TICK_GAP;
  if (right - left < 4 * MARGIN || bottom - top < 2 * MARGIN)
    return;

#define X(t) (last_time <= first_time ? (left + right) / 2 \
                                      : left + MARGIN + (right - left - 2 * MARGIN) * ((t) - first_time) / (last_time - first_time))
#define Y(v) (top + (bottom - top) * (1 - ((v) - low) / (high - low)))
#define TIME_OF(i) ((double)g_date_time_to_unix (alta_record_item_get_date (g_ptr_array_index (self->results, (i)))))

  for (double tick = low; tick <= high + step / 2; tick += step)
    {
      g_autofree char *text = g_strdup_printf ("%g", fabs (tick) < step / 1e6 ? 0.0 : tick);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (left, round (Y (tick)), right - left, 1));
      append_text (widget, snapshot, text, gutter, Y (tick), 1.0, 0.5, &dim);
    }
  append_text (widget, snapshot, first_label, X (first_time), height, n == 1 ? 0.5 : 0.0, 1.0, &dim);
  if (n > 1 && g_strcmp0 (first_label, last_label) != 0)
    append_text (widget, snapshot, last_label, X (last_time), height, 1.0, 1.0, &dim);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (has_range)
    {
      gdk_cairo_set_source_rgba (cr, &band);
      cairo_rectangle (cr, left, Y (range_high), right - left, Y (range_low) - Y (range_high));
      cairo_fill (cr);
    }

  gdk_cairo_set_source_rgba (cr, &line);
  cairo_set_line_width (cr, 2);
  for (guint i = 0; i < n; i++)
    {
      double value = alta_lab_result_get_value (g_ptr_array_index (self->results, i));

      if (i == 0)
        cairo_move_to (cr, X (TIME_OF (i)), Y (value));
      else
        cairo_line_to (cr, X (TIME_OF (i)), Y (value));
    }
  cairo_stroke (cr);

  for (guint i = 0; i < n; i++)
    {
      AltaLabResult *result = g_ptr_array_index (self->results, i);
      AltaResultFlag flag = alta_lab_result_get_flag (result);

      gdk_cairo_set_source_rgba (cr, flag == ALTA_RESULT_FLAG_NORMAL || flag == ALTA_RESULT_FLAG_NONE
                                       ? &line : &flagged);
      cairo_arc (cr, X (TIME_OF (i)), Y (alta_lab_result_get_value (result)), 4.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  cairo_destroy (cr);
#undef X
#undef Y
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
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 220;
}

static void
alta_trend_view_finalize (GObject *object)
{
  AltaTrendView *self = ALTA_TREND_VIEW (object);

  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (alta_trend_view_parent_class)->finalize (object);
}

static void
alta_trend_view_class_init (AltaTrendViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = alta_trend_view_finalize;
  widget_class->snapshot = alta_trend_view_snapshot;
  widget_class->measure = alta_trend_view_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "trendview");
}

static void
alta_trend_view_init (AltaTrendView *self)
{
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
  return g_date_time_compare (alta_record_item_get_date (*(AltaRecordItem **)a),
                              alta_record_item_get_date (*(AltaRecordItem **)b));
}

/**
 * alta_trend_view_set_results:
 * @results: (nullable) (element-type AltaLabResult): one test's results, in any order; those
 *   without a number are left out
 */
void
alta_trend_view_set_results (AltaTrendView *self,
                             GPtrArray     *results)
{
  g_return_if_fail (ALTA_IS_TREND_VIEW (self));

  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->summary, g_free);
  self->results = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      AltaLabResult *result = g_ptr_array_index (results, i);

      if (alta_lab_result_get_has_value (result) &&
          alta_record_item_get_date (ALTA_RECORD_ITEM (result)) != NULL)
        g_ptr_array_add (self->results, g_object_ref (result));
    }

  /* Oldest first; results of the same time keep their order (the sort is stable). A
   * record's thousands of results of one test are newest first: no insertion sort. */
  g_ptr_array_sort (self->results, compare_dates);

  if (self->results->len > 0)
    {
      AltaLabResult *first = g_ptr_array_index (self->results, 0);
      AltaLabResult *last = g_ptr_array_index (self->results, self->results->len - 1);
      g_autofree char *from = alta_format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (first)));
      g_autofree char *to = alta_format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (last)));
      g_autofree char *first_value = alta_lab_result_dup_value_with_unit (first);
      g_autofree char *last_value = alta_lab_result_dup_value_with_unit (last);

      /* Translators: a spoken summary of a trend plot: a count of values, two dates, two values */
      self->summary = g_strdup_printf (g_dngettext (NULL,
                                                    "%u value from %s to %s: %s first, %s last.",
                                                    "%u values from %s to %s: %s first, %s last.",
                                                    self->results->len),
                                       self->results->len, from, to, first_value, last_value);
    }
  else
    self->summary = g_strdup (_("No numeric values to plot."));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trend"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * alta_trend_view_get_summary:
 *
 * Returns: (nullable): the plot in words
 */
const char *
alta_trend_view_get_summary (AltaTrendView *self)
{
  g_return_val_if_fail (ALTA_IS_TREND_VIEW (self), NULL);
  return self->summary;
}
