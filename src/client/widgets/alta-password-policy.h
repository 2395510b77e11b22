/* alta-password-policy.h: the password rules, each marked as the person types
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ALTA_TYPE_PASSWORD_POLICY (alta_password_policy_get_type ())

G_DECLARE_FINAL_TYPE (AltaPasswordPolicy, alta_password_policy, ALTA, PASSWORD_POLICY, GtkBox)

gboolean alta_password_policy_update (AltaPasswordPolicy *self,
                                      const char         *password,
                                      const char         *username);

G_END_DECLS
