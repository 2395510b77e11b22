/* alta-a11y.c: names for the parts GTK and libadwaita leave unnamed
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-a11y"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

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

/* The parts of GTK's and libadwaita's widgets that GTK 4.8 shows a screen reader under their
 * type name ("AdwGizmo", "GtkScrollbar"), because they have no name and no role that goes
 * without one. By what they are:
 */
typedef enum
{
  PART_DECORATIVE,  /* only looks: presentation, with what it holds */
  PART_LAYOUT,      /* holds what is read, is nothing itself: a generic container */
} PartKind;

static const struct
{
  const char *type_name;
  PartKind    kind;
} library_parts[] = {
  { "AdwIndicatorBin",      PART_DECORATIVE },  /* a view switcher's icon and its badge */
  { "GtkBuiltinIcon",       PART_DECORATIVE },  /* a drop-down's arrow */
  { "GtkScrollbar",         PART_DECORATIVE },  /* a screen reader scrolls by moving focus */
  { "AdwGizmo",             PART_LAYOUT },
  { "AdwLeaflet",           PART_LAYOUT },
  { "AdwSqueezer",          PART_LAYOUT },
  { "AdwViewSwitcherBar",   PART_LAYOUT },
  { "AdwViewSwitcherTitle", PART_LAYOUT },
  { "AdwWindowTitle",       PART_LAYOUT },
  { "GtkActionBar",         PART_LAYOUT },
  { "GtkPopover",           PART_LAYOUT },
  { "GtkPopoverContent",    PART_LAYOUT },
};

static void
set_role (GtkWidget         *widget,
          GtkAccessibleRole  role)
{
  GtkAccessibleRole current;

  /* GTK takes a new role only until the widget is on the accessibility bus */
  g_object_get (widget, "accessible-role", &current, NULL);
  if (current != role && !gtk_widget_get_realized (widget))
    g_object_set (widget, "accessible-role", role, NULL);
}

/* A button with a text: GTK 4.8 names it with its text as typed ("_Sign In") followed by
 * its label's ("Sign In"). Its label alone names it. */
static void
tidy_text_button (GtkButton *button)
{
  if (gtk_button_get_label (button) != NULL && GTK_IS_LABEL (gtk_button_get_child (button)))
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* The pages of a widget's inner stack (a view switcher button's two layouts, a drop-down
 * button's "nothing chosen" and "chosen") are named after what shows them */
static void
tidy_inner_stack (GtkStack   *stack,
                  const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStackPage *page = gtk_stack_get_page (stack, child);

      if (page != NULL && gtk_stack_page_get_title (page) == NULL)
        gtk_stack_page_set_title (page, label);
    }
}

/**
 * alta_a11y_tidy:
 * @widget: a widget, with what it holds
 * @label: (nullable): the name of the pages of inner stacks under @widget
 *
 * Takes out of what a screen reader hears the type names of the library's parts under
 * @widget: decorative parts and images without a name are presentation, layout parts are
 * generic containers, text buttons say their text once, inner stacks' pages take the name
 * of what holds them. Call it before @widget is shown (GTK takes roles only until then).
 */
void
alta_a11y_tidy (GtkWidget  *widget,
                const char *label)
{
  const char *type_name = G_OBJECT_TYPE_NAME (widget);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (guint i = 0; i < G_N_ELEMENTS (library_parts); i++)
    if (g_str_equal (type_name, library_parts[i].type_name))
      {
        if (library_parts[i].kind == PART_DECORATIVE)
          {
            set_role (widget, GTK_ACCESSIBLE_ROLE_PRESENTATION);
            return;
          }
        set_role (widget, GTK_ACCESSIBLE_ROLE_GENERIC);
      }

  /* An image that says something is marked so where it is made ("alta-a11y-meaningful") */
  if (GTK_IS_IMAGE (widget) &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_IMG &&
      g_object_get_data (G_OBJECT (widget), "alta-a11y-meaningful") == NULL)
    set_role (widget, GTK_ACCESSIBLE_ROLE_PRESENTATION);

  if (GTK_IS_BUTTON (widget))
    tidy_text_button (GTK_BUTTON (widget));

  /* A drop-down's button shows the chosen item in a list item of no role */
  if (g_str_equal (type_name, "GtkListItemWidget") &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_WIDGET)
    set_role (widget, GTK_ACCESSIBLE_ROLE_GENERIC);

  if (ADW_IS_VIEW_SWITCHER (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Pages"), -1);

  if (g_str_equal (type_name, "AdwViewSwitcherButton"))
    {
      g_autofree char *tab = NULL;

      g_object_get (widget, "label", &tab, NULL);
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_STACK (child))
          tidy_inner_stack (GTK_STACK (child), tab);
    }
  else if (GTK_IS_STACK (widget) && label != NULL)
    tidy_inner_stack (GTK_STACK (widget), label);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    alta_a11y_tidy (child, label);
}

/**
 * alta_a11y_name_drop_down:
 * @dropdown: a drop-down, named by its template or its row
 * @button_label: the name of its button, which opens its list
 * @list_label: the name of its list
 *
 * Names the parts of @dropdown that GTK 4.8 leaves unnamed, each differently from
 * @dropdown itself, so that nothing is said twice.
 */
void
alta_a11y_name_drop_down (GtkDropDown *dropdown,
                          const char  *button_label,
                          const char  *list_label)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  alta_a11y_name_inner (GTK_WIDGET (dropdown), GTK_TYPE_TOGGLE_BUTTON, button_label);
  alta_a11y_name_inner (GTK_WIDGET (dropdown), GTK_TYPE_LIST_VIEW, list_label);
  alta_a11y_tidy (GTK_WIDGET (dropdown), button_label);
}
