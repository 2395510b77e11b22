/* alta-password-policy.c: the password rules, each marked as the person types
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-password-policy"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-password-policy.h"
#include "alta-rules.h"

/* The rules of alta-rules.c, in the words and marks of the Preferences page's "Change
 * Password": a check when met, a warning when typed but not met, a dash before anything is
 * typed. A screen reader hears each rule with "Met" or "Not met yet".
 */

enum {
  RULE_LENGTH,
  RULE_USERNAME,
  RULE_COMMON,
  N_RULES
};

struct _AltaPasswordPolicy
{
  GtkBox    parent_instance;

  GtkImage *icons[N_RULES];
  GtkLabel *labels[N_RULES];
};

G_DEFINE_FINAL_TYPE (AltaPasswordPolicy, alta_password_policy, GTK_TYPE_BOX)

static void
show_rule (AltaPasswordPolicy *self,
           guint               rule,
           gboolean            typed,
           gboolean            met)
{
  GtkWidget *label = GTK_WIDGET (self->labels[rule]);

  gtk_image_set_from_icon_name (self->icons[rule],
                                met ? "object-select-symbolic"
                                    : typed ? "dialog-warning-symbolic"
                                            : "list-remove-symbolic");
  if (met)
    {
      gtk_widget_add_css_class (label, "success");
      gtk_widget_remove_css_class (label, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (label, "success");
      gtk_widget_add_css_class (label, "dim-label");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  met ? _("Met") : _("Not met yet"), -1);
}

/**
 * alta_password_policy_update:
 * @password: the password as typed so far
 * @username: (nullable): the username it goes with, when known
 *
 * Marks each rule.
 *
 * Returns: whether @password meets every rule
 */
gboolean
alta_password_policy_update (AltaPasswordPolicy *self,
                             const char         *password,
                             const char         *username)
{
  glong length;
  gboolean typed;

  g_return_val_if_fail (ALTA_IS_PASSWORD_POLICY (self), FALSE);

  if (password == NULL)
    password = "";
  length = g_utf8_strlen (password, -1);
  typed = password[0] != '\0';

  show_rule (self, RULE_LENGTH, typed,
             length >= ALTA_PASSWORD_MIN_LENGTH && length <= ALTA_PASSWORD_MAX_LENGTH);
  show_rule (self, RULE_USERNAME, typed,
             typed && !alta_rules_password_contains_username (password, username));
  show_rule (self, RULE_COMMON, typed, typed && !alta_rules_is_common_password (password));

  return alta_rules_check_password (password, username) == ALTA_PASSWORD_OK;
}

static void
alta_password_policy_class_init (AltaPasswordPolicyClass *klass)
{
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
alta_password_policy_init (AltaPasswordPolicy *self)
{
  const char *rules[N_RULES] = {
    [RULE_LENGTH] = _("At least 8 characters"),
    [RULE_USERNAME] = _("Does not contain your username"),
    [RULE_COMMON] = _("Not a commonly used password"),
  };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Password rules"), -1);

  for (guint i = 0; i < N_RULES; i++)
    {
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      self->icons[i] = GTK_IMAGE (g_object_new (GTK_TYPE_IMAGE,
                                                "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                                NULL));
      self->labels[i] = GTK_LABEL (gtk_label_new (rules[i]));
      gtk_label_set_xalign (self->labels[i], 0);
      gtk_label_set_wrap (self->labels[i], TRUE);
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->icons[i]));
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->labels[i]));
      gtk_box_append (GTK_BOX (self), line);
    }

  alta_password_policy_update (self, "", NULL);
}
