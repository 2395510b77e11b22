/* alta-a11y.c: names for the parts GTK and libadwaita leave unnamed
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-a11y"

#include "config.h"

#include "alta-a11y.h"

/* Some widgets are built of inner widgets that a screen reader reaches but that have no
 * name of their own, and GTK 4.8 then announces their type ("GtkToggleButton"): a
 * drop-down's button, a preferences group's list, a password row's eye. Each gets the
 * name of what it is part of. tests/a11y checks that every control on screen has a name.
 */

/**
 * alta_a11y_name_inner:
 * @widget: a widget made of inner widgets
 * @type: the type of the inner widgets to name
 * @label: their accessible name
 */
void
alta_a11y_name_inner (GtkWidget  *widget,
                      GType       type,
                      const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
      alta_a11y_name_inner (child, type, label);
    }
}
