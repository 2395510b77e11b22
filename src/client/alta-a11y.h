/* alta-a11y.h: names for the parts GTK and libadwaita leave unnamed
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void alta_a11y_name_inner     (GtkWidget   *widget,
                               GType        type,
                               const char  *label);
void alta_a11y_name_drop_down (GtkDropDown *dropdown,
                               const char  *button_label,
                               const char  *list_label);
void alta_a11y_tidy           (GtkWidget   *widget,
                               const char  *label);
void alta_a11y_tidy_window    (GtkWindow   *window,
                               const char  *title);
void alta_a11y_one_tab_stop_per_list (GtkWidget *widget);
void alta_a11y_add_toast      (gpointer     widget,
                               AdwToast    *toast);
void alta_a11y_set_list_placeholder (GtkListBox *list,
                                     const char *text);

G_END_DECLS
