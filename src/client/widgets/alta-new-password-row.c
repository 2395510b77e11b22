/* alta-new-password-row.c: a new password's row, marking the password rules as typed
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-new-password-row"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-new-password-row.h"
#include "alta-rules.h"

/* What the sign-up form, the password-reset form and Preferences share for a new password:
 * a row of a boxed list with its title over a GtkPasswordEntry (GTK 4.8 tells a screen reader
 * "password text" only for one; an AdwPasswordEntryRow is not), which marks the
 * AltaPasswordPolicy given as `policy` (it stands where the layout puts it, under the list)
 * each time the password or the `username` it goes with changes. The row is the entry's
 * GtkEditable: text, editable and "changed" are the entry's; "entry-activated" is its
 * Enter.
 */

struct _AltaNewPasswordRow
{
  GtkListBoxRow       parent_instance;

  GtkLabel           *title_label;
  GtkPasswordEntry   *entry;
  AltaPasswordPolicy *policy;
  char               *username;
};

static void alta_new_password_row_editable_init (GtkEditableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AltaNewPasswordRow, alta_new_password_row, GTK_TYPE_LIST_BOX_ROW,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE,
                                                      alta_new_password_row_editable_init))

enum {
  PROP_0,
  PROP_TITLE,
  PROP_POLICY,
  PROP_USERNAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ENTRY_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_entry_activate_cb (AltaNewPasswordRow *self)
{
  g_signal_emit (self, signals[ENTRY_ACTIVATED], 0);
}

static GtkEditable *
alta_new_password_row_get_delegate (GtkEditable *editable)
{
  return GTK_EDITABLE (ALTA_NEW_PASSWORD_ROW (editable)->entry);
}

static void
alta_new_password_row_editable_init (GtkEditableInterface *iface)
{
  iface->get_delegate = alta_new_password_row_get_delegate;
}

static gboolean
alta_new_password_row_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (ALTA_NEW_PASSWORD_ROW (widget)->entry));
}

static void
alta_new_password_row_dispose (GObject *object)
{
  AltaNewPasswordRow *self = ALTA_NEW_PASSWORD_ROW (object);

  if (self->entry != NULL)
    gtk_editable_finish_delegate (GTK_EDITABLE (self));
  self->entry = NULL;
  self->title_label = NULL;
  g_clear_object (&self->policy);

  G_OBJECT_CLASS (alta_new_password_row_parent_class)->dispose (object);
}

static void
alta_new_password_row_finalize (GObject *object)
{
  AltaNewPasswordRow *self = ALTA_NEW_PASSWORD_ROW (object);

  g_clear_pointer (&self->username, g_free);

  G_OBJECT_CLASS (alta_new_password_row_parent_class)->finalize (object);
}

static void
alta_new_password_row_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AltaNewPasswordRow *self = ALTA_NEW_PASSWORD_ROW (object);

  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (self->title_label));
      break;
    case PROP_POLICY:
      g_value_set_object (value, self->policy);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_new_password_row_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AltaNewPasswordRow *self = ALTA_NEW_PASSWORD_ROW (object);

  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
    case PROP_TITLE:
      gtk_label_set_label (self->title_label, g_value_get_string (value));
      break;
    case PROP_POLICY:
      if (g_set_object (&self->policy, g_value_get_object (value)))
        alta_new_password_row_update (self);
      break;
    case PROP_USERNAME:
      alta_new_password_row_set_username (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_new_password_row_class_init (AltaNewPasswordRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_new_password_row_dispose;
  object_class->finalize = alta_new_password_row_finalize;
  object_class->get_property = alta_new_password_row_get_property;
  object_class->set_property = alta_new_password_row_set_property;
  widget_class->grab_focus = alta_new_password_row_grab_focus;

  /* What the caption over the entry says, which names the entry for a screen reader */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLICY] =
    g_param_spec_object ("policy", NULL, NULL, ALTA_TYPE_PASSWORD_POLICY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_editable_install_properties (object_class, N_PROPS);

  /**
   * AltaNewPasswordRow::entry-activated:
   *
   * Enter was pressed in the password (as AdwEntryRow::entry-activated).
   */
  signals[ENTRY_ACTIVATED] = g_signal_new ("entry-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           0);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
alta_new_password_row_init (AltaNewPasswordRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_label));

  self->entry = GTK_PASSWORD_ENTRY (gtk_password_entry_new ());
  gtk_password_entry_set_show_peek_icon (self->entry, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->entry), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->entry), "password-entry");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title_label, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);

  gtk_editable_init_delegate (GTK_EDITABLE (self));
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_entry_activate_cb), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (alta_new_password_row_update),
                            self);
}

/**
 * alta_new_password_row_set_username:
 * @username: (nullable): the username the password goes with, as typed
 */
void
alta_new_password_row_set_username (AltaNewPasswordRow *self,
                                    const char         *username)
{
  g_return_if_fail (ALTA_IS_NEW_PASSWORD_ROW (self));

  if (g_strcmp0 (username, self->username) == 0)
    return;

  g_free (self->username);
  self->username = g_strdup (username);
  alta_new_password_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
}

/**
 * alta_new_password_row_update:
 *
 * Marks the policy's rules for the password and the username now.
 *
 * Returns: whether the password meets every rule
 */
gboolean
alta_new_password_row_update (AltaNewPasswordRow *self)
{
  const char *password;

  g_return_val_if_fail (ALTA_IS_NEW_PASSWORD_ROW (self), FALSE);

  /* Disposed */
  if (self->entry == NULL)
    return FALSE;

  password = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  if (self->policy != NULL)
    return alta_password_policy_update (self->policy, password, self->username);
  return alta_rules_check_password (password, self->username) == ALTA_PASSWORD_OK;
}

/**
 * alta_new_password_row_check:
 * @username: the username the account has or will have, as it is sent
 *
 * The check before the password is sent, the rules marked again.
 *
 * Returns: (nullable): %NULL when the password meets every rule, or what to tell the patient
 */
const char *
alta_new_password_row_check (AltaNewPasswordRow *self,
                             const char         *username)
{
  g_return_val_if_fail (ALTA_IS_NEW_PASSWORD_ROW (self), NULL);

  alta_new_password_row_update (self);
  if (alta_rules_check_password (gtk_editable_get_text (GTK_EDITABLE (self->entry)), username) ==
      ALTA_PASSWORD_OK)
    return NULL;

  return _("Choose a password that meets every rule listed under it.");
}
