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
 * an AltaPasswordRow (its title over a GtkPasswordEntry) which marks the AltaPasswordPolicy
 * given as `policy` (it stands where the layout puts it, under the list) each time the
 * password or the `username` it goes with changes.
 */

struct _AltaNewPasswordRow
{
  AltaPasswordRow     parent_instance;

  AltaPasswordPolicy *policy;
  char               *username;
};

G_DEFINE_FINAL_TYPE (AltaNewPasswordRow, alta_new_password_row, ALTA_TYPE_PASSWORD_ROW)

enum {
  PROP_0,
  PROP_POLICY,
  PROP_USERNAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_new_password_row_dispose (GObject *object)
{
  AltaNewPasswordRow *self = ALTA_NEW_PASSWORD_ROW (object);

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

  switch (prop_id)
    {
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

  switch (prop_id)
    {
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

  object_class->dispose = alta_new_password_row_dispose;
  object_class->finalize = alta_new_password_row_finalize;
  object_class->get_property = alta_new_password_row_get_property;
  object_class->set_property = alta_new_password_row_set_property;

  properties[PROP_POLICY] =
    g_param_spec_object ("policy", NULL, NULL, ALTA_TYPE_PASSWORD_POLICY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_new_password_row_init (AltaNewPasswordRow *self)
{
  g_signal_connect (self, "changed", G_CALLBACK (alta_new_password_row_update), NULL);
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
  if (gtk_editable_get_delegate (GTK_EDITABLE (self)) == NULL)
    return FALSE;

  password = gtk_editable_get_text (GTK_EDITABLE (self));
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
  if (alta_rules_check_password (gtk_editable_get_text (GTK_EDITABLE (self)), username) ==
      ALTA_PASSWORD_OK)
    return NULL;

  return _("Choose a password that meets every rule listed under it.");
}
