/* alta-password-row.c: a password's row of a boxed list, its title over a GtkPasswordEntry
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-password-row"

#include "config.h"

#include "alta-password-row.h"

/* Every password typed outside the sign-in page (the current one in Preferences, a new one
 * in AltaNewPasswordRow): a row of a boxed list with its title over a GtkPasswordEntry, not
 * an AdwPasswordEntryRow, because GTK 4.8 tells a screen reader "password text" only for a
 * GtkPasswordEntry. The title names the entry. The row is the entry's GtkEditable: text,
 * editable and "changed" are the entry's; "entry-activated" is its Enter.
 */

typedef struct
{
  GtkLabel         *title_label;
  GtkPasswordEntry *entry;
} AltaPasswordRowPrivate;

static void alta_password_row_editable_init (GtkEditableInterface *iface);

G_DEFINE_TYPE_WITH_CODE (AltaPasswordRow, alta_password_row, GTK_TYPE_LIST_BOX_ROW,
                         G_ADD_PRIVATE (AltaPasswordRow)
                           G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE,
                                                  alta_password_row_editable_init))

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ENTRY_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_entry_activate_cb (AltaPasswordRow *self)
{
  g_signal_emit (self, signals[ENTRY_ACTIVATED], 0);
}

static GtkEditable *
alta_password_row_get_delegate (GtkEditable *editable)
{
  AltaPasswordRow        *self = ALTA_PASSWORD_ROW (editable);
  AltaPasswordRowPrivate *priv = alta_password_row_get_instance_private (self);

  return GTK_EDITABLE (priv->entry);
}

static void
alta_password_row_editable_init (GtkEditableInterface *iface)
{
  iface->get_delegate = alta_password_row_get_delegate;
}

static gboolean
alta_password_row_grab_focus (GtkWidget *widget)
{
  AltaPasswordRow        *self = ALTA_PASSWORD_ROW (widget);
  AltaPasswordRowPrivate *priv = alta_password_row_get_instance_private (self);

  return gtk_widget_grab_focus (GTK_WIDGET (priv->entry));
}

static void
alta_password_row_dispose (GObject *object)
{
  AltaPasswordRow        *self = ALTA_PASSWORD_ROW (object);
  AltaPasswordRowPrivate *priv = alta_password_row_get_instance_private (self);

  if (priv->entry != NULL)
    gtk_editable_finish_delegate (GTK_EDITABLE (self));
  priv->entry = NULL;
  priv->title_label = NULL;

  G_OBJECT_CLASS (alta_password_row_parent_class)->dispose (object);
}

static void
alta_password_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AltaPasswordRow        *self = ALTA_PASSWORD_ROW (object);
  AltaPasswordRowPrivate *priv = alta_password_row_get_instance_private (self);

  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (priv->title_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_password_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AltaPasswordRow        *self = ALTA_PASSWORD_ROW (object);
  AltaPasswordRowPrivate *priv = alta_password_row_get_instance_private (self);

  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
    case PROP_TITLE:
      if (g_strcmp0 (g_value_get_string (value), gtk_label_get_label (priv->title_label)) != 0)
        {
          gtk_label_set_label (priv->title_label, g_value_get_string (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_password_row_class_init (AltaPasswordRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_password_row_dispose;
  object_class->get_property = alta_password_row_get_property;
  object_class->set_property = alta_password_row_set_property;
  widget_class->grab_focus = alta_password_row_grab_focus;

  /* What the caption over the entry says, which names the entry for a screen reader */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_editable_install_properties (object_class, N_PROPS);

  /**
   * AltaPasswordRow::entry-activated:
   *
   * Enter was pressed in the password (as AdwEntryRow::entry-activated).
   */
  signals[ENTRY_ACTIVATED] = g_signal_new ("entry-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           0);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
alta_password_row_init (AltaPasswordRow *self)
{
  AltaPasswordRowPrivate *priv = alta_password_row_get_instance_private (self);
  GtkWidget              *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);

  priv->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (priv->title_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (priv->title_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (priv->title_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (priv->title_label));

  priv->entry = GTK_PASSWORD_ENTRY (gtk_password_entry_new ());
  gtk_password_entry_set_show_peek_icon (priv->entry, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (priv->entry), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (priv->entry), "password-entry");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (priv->entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, priv->title_label, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (priv->entry));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);

  gtk_editable_init_delegate (GTK_EDITABLE (self));
  g_signal_connect_swapped (priv->entry, "activate", G_CALLBACK (on_entry_activate_cb), self);
}
