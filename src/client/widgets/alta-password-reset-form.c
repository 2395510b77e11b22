/* alta-password-reset-form.c: a forgotten password, reset with a mailed code
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-password-reset-form"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "alta-enrollment.h"
#include "alta-new-password-row.h"
#include "alta-password-policy.h"
#include "alta-password-reset-form.h"
#include "alta-portal-client-enrollment.h"
#include "alta-portal-error.h"
#include "alta-rules.h"

/* Two steps: the username or email address (POST /api/v1/password-reset, the same answer
 * whatever matched), then "check your email": the mailed code and a new password, its rules
 * marked as typed (POST /api/v1/password-reset/confirm). Then it signs in with the username
 * and the new password, and says so as the sign-in page does ("signed-in"). The mail does
 * not say the username: it is the one typed first, or typed here. Someone who has a code
 * already goes straight to the second step; the Patient Support Line is the other way.
 */

struct _AltaPasswordResetForm
{
  AdwBin              parent_instance;

  AltaPortalClient   *client;
  GCancellable       *cancellable;
  gboolean            busy;
  /* The password is changed: what is left is signing in (the code works only once) */
  gboolean            changed;

  GtkStack           *steps;
  AdwEntryRow        *who_row;
  GtkLabel           *ask_error_label;
  GtkButton          *ask_button;
  GtkSpinner         *ask_spinner;
  GtkLabel           *ask_support_label;
  AdwEntryRow        *username_row;
  AdwEntryRow        *token_row;
  AltaNewPasswordRow *password_row;
  GtkLabel           *confirm_error_label;
  GtkButton          *confirm_button;
  GtkSpinner         *confirm_spinner;
  GtkLabel           *confirm_support_label;
};

G_DEFINE_FINAL_TYPE (AltaPasswordResetForm, alta_password_reset_form, ADW_TYPE_BIN)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static gboolean
looks_like_email (const char *text)
{
  const char *at = strchr (text, '@');

  return at != NULL && strchr (at, '.') != NULL;
}

static void
show_error (GtkLabel   *label,
            const char *message,
            GtkWidget  *focus)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static void
set_busy (AltaPasswordResetForm *self,
          gboolean               busy)
{
  GtkEditable *fields[] = {
    GTK_EDITABLE (self->who_row), GTK_EDITABLE (self->username_row),
    GTK_EDITABLE (self->token_row), GTK_EDITABLE (self->password_row),
  };
  GtkSpinner *spinners[] = { self->ask_spinner, self->confirm_spinner };

  self->busy = busy;
  for (guint i = 0; i < G_N_ELEMENTS (spinners); i++)
    {
      gtk_widget_set_visible (GTK_WIDGET (spinners[i]), busy);
      if (busy)
        gtk_spinner_start (spinners[i]);
      else
        gtk_spinner_stop (spinners[i]);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->ask_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), !busy);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_editable (fields[i], !busy);
}

static void
on_username_changed_cb (AltaPasswordResetForm *self)
{
  alta_new_password_row_set_username (self->password_row, text_of (self->username_row));
}

static void
show_confirm (AltaPasswordResetForm *self)
{
  show_error (self->ask_error_label, NULL, NULL);
  gtk_stack_set_visible_child_name (self->steps, "confirm");
  if (text_of (self->username_row)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

static void
asked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (AltaPasswordResetForm) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  const char *who = text_of (self->who_row);

  if (!alta_portal_client_request_password_reset_finish (ALTA_PORTAL_CLIENT (object), result,
                                                         &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      g_message ("Password reset request failed: %s", error->message);
      message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_REQUEST_RESET, error);
      show_error (self->ask_error_label, message, NULL);
      return;
    }

  g_message ("Password reset requested");
  set_busy (self, FALSE);
  /* The username, to sign in once reset; an address says nothing of it */
  if (!looks_like_email (who))
    {
      g_autofree char *username = g_strstrip (g_strdup (who));

      gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
    }
  show_confirm (self);
}

static void
password_reset_ask_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AltaPasswordResetForm *self = ALTA_PASSWORD_RESET_FORM (widget);
  g_autofree char *who = g_strstrip (g_strdup (text_of (self->who_row)));

  g_return_if_fail (self->client != NULL);

  if (self->busy)
    return;

  if (who[0] == '\0')
    {
      show_error (self->ask_error_label, _("Enter your username or the email address of your account."),
                  GTK_WIDGET (self->who_row));
      return;
    }

  show_error (self->ask_error_label, NULL, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_request_password_reset_async (self->client, who, self->cancellable,
                                                   asked_cb, g_object_ref (self));
}

static void
password_reset_have_code_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  AltaPasswordResetForm *self = ALTA_PASSWORD_RESET_FORM (widget);
  const char *who = text_of (self->who_row);

  if (who[0] != '\0' && !looks_like_email (who) && text_of (self->username_row)[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), who);
  show_confirm (self);
}

static void
password_reset_again_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  AltaPasswordResetForm *self = ALTA_PASSWORD_RESET_FORM (widget);

  if (self->busy)
    return;
  show_error (self->confirm_error_label, NULL, NULL);
  self->changed = FALSE;
  gtk_stack_set_visible_child_name (self->steps, "ask");
  gtk_widget_grab_focus (GTK_WIDGET (self->who_row));
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaPasswordResetForm) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  gint64 idle_timeout_s = 900;

  account = alta_portal_client_sign_in_finish (ALTA_PORTAL_CLIENT (object), result,
                                               &idle_timeout_s, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (account == NULL)
    {
      g_autofree char *message = NULL;

      g_message ("Password reset: the password is changed, but signing in failed: %s",
                 error->message);
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS))
        /* Translators: %s is the Patient Support Line's phone number */
        message = g_strdup_printf (_("Your password is changed, but this username does not go with it. Correct the username, or go back and sign in. If you need help, call the MyAltaMed Patient Support Line at %s."),
                                   ALTA_SUPPORT_NUMBER);
      else
        /* Translators: %s is the Patient Support Line's phone number */
        message = g_strdup_printf (_("Your password is changed, but MyAltaMed could not sign you in right now. Go back and sign in with your new password. If you need help, call the MyAltaMed Patient Support Line at %s."),
                                   ALTA_SUPPORT_NUMBER);
      show_error (self->confirm_error_label, message, GTK_WIDGET (self->username_row));
      return;
    }

  /* A staff account's password can be reset too, but the app is for patients: the window
   * and the sign-in page say so, as for any sign-in */
  g_message ("Password reset: signed in with the new password");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  show_error (self->confirm_error_label, NULL, NULL);
  g_signal_emit (self, signals[SIGNED_IN], 0, account, idle_timeout_s);
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaPasswordResetForm) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *username = NULL;

  if (!alta_portal_client_confirm_password_reset_finish (ALTA_PORTAL_CLIENT (object), result,
                                                         &error))
    {
      g_autofree char *message = NULL;
      GtkWidget *focus = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      g_message ("Password reset refused: %s", error->message);
      message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_CONFIRM_RESET, error);
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_WEAK_PASSWORD))
        focus = GTK_WIDGET (self->password_row);
      else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_TOKEN_INVALID) ||
               g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_TOKEN_EXPIRED))
        focus = GTK_WIDGET (self->token_row);
      show_error (self->confirm_error_label, message, focus);
      return;
    }

  g_message ("Password reset: the password is changed; signing in");
  self->changed = TRUE;
  username = g_strstrip (g_strdup (text_of (self->username_row)));
  alta_portal_client_sign_in_async (self->client, username, text_of (self->password_row),
                                    self->cancellable, signed_in_cb, g_object_ref (self));
}

static void
password_reset_confirm_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  AltaPasswordResetForm *self = ALTA_PASSWORD_RESET_FORM (widget);
  g_autofree char *username = g_strstrip (g_strdup (text_of (self->username_row)));
  g_autofree char *token = NULL;
  const char *password = text_of (self->password_row);
  const char *problem;

  g_return_if_fail (self->client != NULL);

  if (self->busy)
    return;

  token = alta_enrollment_normalize_token (text_of (self->token_row));
  if (username[0] == '\0')
    {
      show_error (self->confirm_error_label, _("Enter your username, to sign in with your new password."),
                  GTK_WIDGET (self->username_row));
      return;
    }
  if (token == NULL && !self->changed)
    {
      show_error (self->confirm_error_label, _("Paste the reset code of the email."),
                  GTK_WIDGET (self->token_row));
      return;
    }
  if ((problem = alta_new_password_row_check (self->password_row, username)) != NULL)
    {
      g_message ("Password reset: the password typed does not meet the rules");
      show_error (self->confirm_error_label, problem, GTK_WIDGET (self->password_row));
      return;
    }

  show_error (self->confirm_error_label, NULL, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->changed)
    {
      alta_portal_client_sign_in_async (self->client, username, password, self->cancellable,
                                        signed_in_cb, g_object_ref (self));
      return;
    }
  alta_portal_client_confirm_password_reset_async (self->client, token, password,
                                                   self->cancellable, confirmed_cb,
                                                   g_object_ref (self));
}

static void
on_entry_activated_cb (AltaPasswordResetForm *self,
                       GtkWidget             *entry)
{
  if (entry == GTK_WIDGET (self->who_row))
    gtk_widget_activate_action (GTK_WIDGET (self), "password-reset.ask", NULL);
  else if (entry == GTK_WIDGET (self->username_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
  else if (entry == GTK_WIDGET (self->token_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "password-reset.confirm", NULL);
}

static void
alta_password_reset_form_dispose (GObject *object)
{
  AltaPasswordResetForm *self = ALTA_PASSWORD_RESET_FORM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_PASSWORD_RESET_FORM);

  G_OBJECT_CLASS (alta_password_reset_form_parent_class)->dispose (object);
}

static void
alta_password_reset_form_class_init (AltaPasswordResetFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_password_reset_form_dispose;

  /**
   * AltaPasswordResetForm::signed-in:
   * @account: the account, signed in with its new password
   * @idle_timeout_s: the portal's idle limit for the session
   *
   * As AltaSignInPage::signed-in.
   */
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2, ALTA_TYPE_PORTAL_ACCOUNT,
                                     G_TYPE_INT64);

  g_type_ensure (ALTA_TYPE_NEW_PASSWORD_ROW);
  g_type_ensure (ALTA_TYPE_PASSWORD_POLICY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-password-reset-form.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, ask_button);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, ask_error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, ask_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, ask_support_label);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, confirm_error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, confirm_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, confirm_support_label);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, password_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, steps);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, token_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, username_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPasswordResetForm, who_row);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "password-reset.ask", NULL,
                                   password_reset_ask_action);
  gtk_widget_class_install_action (widget_class, "password-reset.have-code", NULL,
                                   password_reset_have_code_action);
  gtk_widget_class_install_action (widget_class, "password-reset.again", NULL,
                                   password_reset_again_action);
  gtk_widget_class_install_action (widget_class, "password-reset.confirm", NULL,
                                   password_reset_confirm_action);
}

static void
alta_password_reset_form_init (AltaPasswordResetForm *self)
{
  g_autofree char *support = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->username_row, "changed", G_CALLBACK (on_username_changed_cb),
                            self);

  /* Translators: %s is the Patient Support Line's phone number */
  support = g_strdup_printf (_("You can also call the MyAltaMed Patient Support Line at %s to reset your password."),
                             ALTA_SUPPORT_NUMBER);
  gtk_label_set_text (self->ask_support_label, support);
  gtk_label_set_text (self->confirm_support_label, support);
  on_username_changed_cb (self);
}

void
alta_password_reset_form_set_client (AltaPasswordResetForm *self,
                                     AltaPortalClient      *client)
{
  g_return_if_fail (ALTA_IS_PASSWORD_RESET_FORM (self));

  g_set_object (&self->client, client);
}

/**
 * alta_password_reset_form_clear:
 *
 * Empties the form and goes back to its first step.
 */
void
alta_password_reset_form_clear (AltaPasswordResetForm *self)
{
  GtkEditable *fields[] = {
    GTK_EDITABLE (self->who_row), GTK_EDITABLE (self->username_row),
    GTK_EDITABLE (self->token_row), GTK_EDITABLE (self->password_row),
  };

  g_return_if_fail (ALTA_IS_PASSWORD_RESET_FORM (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  self->changed = FALSE;
  show_error (self->ask_error_label, NULL, NULL);
  show_error (self->confirm_error_label, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_text (fields[i], "");
  gtk_stack_set_visible_child_name (self->steps, "ask");
}

void
alta_password_reset_form_focus (AltaPasswordResetForm *self)
{
  g_return_if_fail (ALTA_IS_PASSWORD_RESET_FORM (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->steps), "ask") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->who_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}
