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

/* The text of the first label under @widget, if any */
static const char *
find_label_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child))
                                              : find_label_text (child);

      if (text != NULL && text[0] != '\0')
        return text;
    }

  return NULL;
}

/* A menu button is a box around a toggle button, and GTK 4.8 reads both, by one name
 * ("Main menu" in "Main menu"): the box is a generic container, and the toggle button, which
 * takes the focus, is named by the menu button's tooltip (or its label). Its menu, a popover,
 * takes the same name, and so do the pages of the popover's inner stack.
 */
static void
name_menu_button (GtkMenuButton *button,
                  const char    *name)
{
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  set_role (GTK_WIDGET (button), GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  alta_a11y_name_inner (GTK_WIDGET (button), GTK_TYPE_TOGGLE_BUTTON, name);
  /* The tooltip is its name now: read once */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (button)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_reset_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  if (popover != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (popover), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
      alta_a11y_tidy (GTK_WIDGET (popover), name);
    }
}

static const char *
get_menu_button_name (GtkMenuButton *button)
{
  const char *name = gtk_widget_get_tooltip_text (GTK_WIDGET (button));

  if (name == NULL)
    name = gtk_menu_button_get_label (button);
  if (name == NULL)
    name = find_label_text (GTK_WIDGET (button));
  return name;
}

static void
tidy_menu_button (GtkMenuButton *button)
{
  g_autofree char *name = g_strdup (get_menu_button_name (button));

  if (name != NULL)
    name_menu_button (button, name);
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

  if (GTK_IS_MENU_BUTTON (widget))
    tidy_menu_button (GTK_MENU_BUTTON (widget));

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

/* The title a page of a library window shows in its header bar, if it has one */
static const char *
find_page_title (GtkWidget *widget)
{
  if (ADW_IS_WINDOW_TITLE (widget))
    return adw_window_title_get_title (ADW_WINDOW_TITLE (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *title = find_page_title (child);

      if (title != NULL && title[0] != '\0')
        return title;
    }

  return NULL;
}

static gboolean
in_titled_group (GtkWidget *widget)
{
  GtkWidget *group = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_GROUP);
  const char *title = group != NULL ? adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group))
                                    : NULL;

  return title != NULL && title[0] != '\0';
}

/* The title shown nearest above @widget: of the first of its ancestors that shows one */
static const char *
find_nearest_title (GtkWidget  *widget,
                    const char *fallback)
{
  for (GtkWidget *ancestor = gtk_widget_get_parent (widget); ancestor != NULL;
       ancestor = gtk_widget_get_parent (ancestor))
    {
      const char *title = find_page_title (ancestor);

      if (title != NULL)
        return title;
    }

  return fallback;
}

/* Icon buttons the library shows without a tooltip, by their icon */
static const struct
{
  const char *icon_name;
  const char *label;
} icon_buttons[] = {
  { "edit-find-symbolic",     N_("Search") },
  { "go-previous-symbolic",   N_("Back") },
  { "system-search-symbolic", N_("Search") },
};

static const char *
name_of_icon (GtkImage *image)
{
  const char *icon_name = gtk_image_get_icon_name (image);

  for (guint i = 0; icon_name != NULL && i < G_N_ELEMENTS (icon_buttons); i++)
    if (g_str_equal (icon_name, icon_buttons[i].icon_name))
      return _(icon_buttons[i].label);

  return NULL;
}

/* What a window of the library leaves unnamed, found by what it is, as it is built: none of
 * its parts has a name of ours. @page_title is the title of the page holding @widget.
 */
static void
tidy_library_part (GtkWidget  *widget,
                   const char *page_title)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  g_autofree char *placeholder = NULL;

  /* No role at all: GTK 4.8 reads the type ("AdwClampScrollable", "GtkShortcutLabel") */
  if (gtk_accessible_get_accessible_role (accessible) == GTK_ACCESSIBLE_ROLE_WIDGET)
    set_role (widget, GTK_ACCESSIBLE_ROLE_GENERIC);

  /* The window's own buttons (Close) are named by GTK */
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;

  /* An icon button ("Back") says its tooltip as its name, not as its description; one
   * without a tooltip, what its icon means. A button holding a label (the version) says it. */
  if (GTK_IS_BUTTON (widget) && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget))))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (widget);
      const char *name = tooltip != NULL ? tooltip
                                         : name_of_icon (GTK_IMAGE (gtk_button_get_child (GTK_BUTTON (widget))));

      if (name != NULL)
        gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      if (tooltip != NULL)
        gtk_accessible_reset_property (accessible, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  else if (GTK_IS_BUTTON (widget) && GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (widget))))
    gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (widget)))),
                                    -1);

  /* A menu button with no words at all: a shortcuts window's chooser of sections */
  if (GTK_IS_MENU_BUTTON (widget) && get_menu_button_name (GTK_MENU_BUTTON (widget)) == NULL)
    name_menu_button (GTK_MENU_BUTTON (widget), _("Sections"));

  /* A list of a group without a title holds rows that open more: links. A text (the
   * release notes, the debugging information) is named by the title above it. */
  if (GTK_IS_LIST_BOX (widget) && !in_titled_group (widget))
    gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, _("Links"), -1);
  if (GTK_IS_TEXT_VIEW (widget))
    gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    find_nearest_title (widget, page_title), -1);

  /* A search entry, by what it says it searches ("Search Shortcuts") */
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      if (placeholder != NULL)
        gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, placeholder, -1);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStackPage *page = GTK_IS_STACK (widget) ? gtk_stack_get_page (GTK_STACK (widget), child)
                                                 : NULL;
      const char *title = page != NULL ? gtk_stack_page_get_title (page) : NULL;

      /* A stack's page (a tab panel, read by its title or else its type) is named by the
       * title its header shows, else by what holds it; a shortcuts window's pages are
       * numbered, with a mnemonic ("_1") */
      if (page != NULL && title == NULL)
        {
          const char *shown = find_page_title (child);
          /* Translators: a part of a window, by the title it shows ("What’s New page") */
          g_autofree char *named = g_strdup_printf (_("%s page"),
                                                    shown != NULL ? shown : page_title);

          gtk_stack_page_set_title (page, named);
        }
      else if (page != NULL && title[0] == '_')
        {
          /* Translators: a page of the Keyboard Shortcuts window, by its number */
          g_autofree char *numbered = g_strdup_printf (_("Page %s"), title + 1);

          gtk_stack_page_set_title (page, numbered);
        }

      tidy_library_part (child, page != NULL ? gtk_stack_page_get_title (page) : page_title);
    }
}

/**
 * alta_a11y_tidy_window:
 * @window: a window the library builds (an about window, a shortcuts window), not yet shown
 * @title: (nullable): its title, when the library gives it none
 *
 * Tidies @window as alta_a11y_tidy() does, and names what such a window of GTK 4.8 or
 * libadwaita 1.2 leaves unnamed: the window, its pages, its untitled lists and texts, its
 * search entry and icon buttons; parts without a role become generic containers.
 */
void
alta_a11y_tidy_window (GtkWindow  *window,
                       const char *title)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (title != NULL)
    gtk_window_set_title (window, title);

  tidy_library_part (GTK_WIDGET (window), gtk_window_get_title (window));
  alta_a11y_tidy (GTK_WIDGET (window), NULL);
}

/* Tab in a list leaves it, for the window's next stop after the list (Shift+Tab, before
 * it): the list is made unfocusable while the window moves the focus, so that the move
 * passes over it. The row left stays the list's focus child, where Tab comes back. */
static gboolean
on_list_key_pressed_cb (GtkEventControllerKey *controller,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *row = gtk_widget_get_focus_child (list);
  GtkRoot *root = gtk_widget_get_root (list);
  GtkDirectionType direction;
  GtkWidget *now;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return GDK_EVENT_PROPAGATE;

  direction = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0
              ? GTK_DIR_TAB_BACKWARD
              : GTK_DIR_TAB_FORWARD;

  gtk_widget_set_can_focus (list, FALSE);
  gtk_widget_child_focus (GTK_WIDGET (root), direction);
  gtk_widget_set_can_focus (list, TRUE);

  /* Shift+Tab into another such list lands on the last button of a row (GTK gives a row's
   * children the focus before the row when going backwards): its row is the stop */
  now = gtk_root_get_focus (root);
  if (now != NULL && !GTK_IS_LIST_BOX_ROW (now))
    {
      GtkWidget *other_row = gtk_widget_get_ancestor (now, GTK_TYPE_LIST_BOX_ROW);
      GtkWidget *other_list = other_row != NULL ? gtk_widget_get_parent (other_row) : NULL;

      if (other_list != NULL && other_list != list &&
          g_object_get_data (G_OBJECT (other_list), "alta-a11y-one-tab-stop") != NULL &&
          gtk_widget_get_focusable (other_row))
        gtk_widget_grab_focus (other_row);
    }

  /* Nothing else in the window takes the focus: it stays where it was */
  now = gtk_root_get_focus (root);
  if (now == NULL && row != NULL)
    gtk_widget_grab_focus (row);
  else if (row != NULL && (now == NULL || !gtk_widget_is_ancestor (now, list)))
    gtk_widget_set_focus_child (list, row);

  return GDK_EVENT_STOP;
}

/* Up at the first row, Down at the last: the focus stays in the list */
static gboolean
on_list_keynav_failed_cb (GtkWidget        *list,
                          GtkDirectionType  direction,
                          gpointer          user_data)
{
  if (direction != GTK_DIR_UP && direction != GTK_DIR_DOWN)
    return FALSE;

  gtk_widget_error_bell (list);
  return TRUE;
}

/**
 * alta_a11y_one_tab_stop_per_list:
 * @widget: a widget holding lists (GtkListBox), a page
 *
 * Makes each list under @widget one Tab stop: Tab and Shift+Tab leave the list, the arrows
 * move in it and stop at its ends, and Tab comes back to the row it left; Right moves to the
 * buttons of a row, Left back to the row (GTK's own). GTK 4.8's list box
 * would take Tab to its next row (4.12's tab-behavior is not ours).
 */
void
alta_a11y_one_tab_stop_per_list (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (GTK_IS_LIST_BOX (widget))
    {
      GtkEventController *keys = gtk_event_controller_key_new ();

      gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
      g_signal_connect (keys, "key-pressed", G_CALLBACK (on_list_key_pressed_cb), NULL);
      gtk_widget_add_controller (widget, keys);
      g_signal_connect (widget, "keynav-failed", G_CALLBACK (on_list_keynav_failed_cb), NULL);
      g_object_set_data (G_OBJECT (widget), "alta-a11y-one-tab-stop", GINT_TO_POINTER (TRUE));
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    alta_a11y_one_tab_stop_per_list (child);
}

/* The first label under @widget, depth first: a toast's title */
static const char *
first_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = first_label (child);

      if (text != NULL && text[0] != '\0')
        return text;
    }

  return NULL;
}

/* Names a toast, and the bin around its title, by that title: unnamed, GTK 4.8 says their
 * type names ("AdwToastWidget", "AdwBin"). They are realized as they are added, too late
 * for a role. */
static void
name_toast_parts (GtkWidget  *widget,
                  const char *title)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget") ||
      g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwBin"))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    title, -1);
  /* Its close button shows only an icon */
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    /* Translators: the button that closes a notice at the
                                     * bottom of the window */
                                    _("Dismiss"), -1);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_toast_parts (child, title);
}

/* The toasts an overlay shows: its children besides the one it overlays */
static void
name_toasts (GtkWidget *overlay)
{
  for (GtkWidget *child = gtk_widget_get_first_child (overlay); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *title;

      if (!g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        continue;
      title = first_label (child);
      if (title != NULL)
        name_toast_parts (child, title);
    }
}

static gboolean
name_toasts_cb (gpointer data)
{
  name_toasts (GTK_WIDGET (data));
  return G_SOURCE_REMOVE;
}

static void
on_toast_dismissed_cb (AdwToastOverlay *overlay)
{
  /* The next toast in the queue is shown once this one goes */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, name_toasts_cb, g_object_ref (overlay),
                   g_object_unref);
}

/**
 * alta_a11y_add_toast:
 * @widget: (type GtkWidget): where the toast shows: an #AdwToastOverlay, or a widget inside
 *   one (a page)
 * @toast: (transfer full): the toast
 *
 * adw_toast_overlay_add_toast() on @widget's overlay, then names the toast's parts for a
 * screen reader, and the next toast's when this one goes. Outside any overlay (a page not
 * in a window), the toast is dropped.
 */
void
alta_a11y_add_toast (gpointer  widget,
                     AdwToast *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_object_unref (toast);
      return;
    }

  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), overlay,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  name_toasts (overlay);
}

/**
 * alta_a11y_set_list_placeholder:
 * @list: a list
 * @text: what the list says when it is empty ("No upcoming appointments")
 *
 * Gives @list a placeholder: @text, dimmed, wrapped, with the margins of a row. A screen
 * reader reads it as the list's text.
 */
void
alta_a11y_set_list_placeholder (GtkListBox *list,
                                const char *text)
{
  GtkWidget *label;

  g_return_if_fail (GTK_IS_LIST_BOX (list));
  g_return_if_fail (text != NULL);

  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_box_set_placeholder (list, label);
}
