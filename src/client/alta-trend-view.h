/* alta-trend-view.h: one test's or vital sign's values over time
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ALTA_TYPE_TREND_VIEW (alta_trend_view_get_type ())

G_DECLARE_FINAL_TYPE (AltaTrendView, alta_trend_view, ALTA, TREND_VIEW, GtkWidget)

GtkWidget  *alta_trend_view_new                  (void);
void        alta_trend_view_set_results          (AltaTrendView *self,
                                                  GPtrArray     *results);
void        alta_trend_view_set_vital_signs      (AltaTrendView *self,
                                                  GPtrArray     *vital_signs);
const char *alta_trend_view_get_unit             (AltaTrendView *self);
void        alta_trend_view_set_unit             (AltaTrendView *self,
                                                  const char    *unit);
GDateTime  *alta_trend_view_get_highlighted_date (AltaTrendView *self);
void        alta_trend_view_set_highlighted_date (AltaTrendView *self,
                                                  GDateTime     *date);
const char *alta_trend_view_get_summary          (AltaTrendView *self);

G_END_DECLS
