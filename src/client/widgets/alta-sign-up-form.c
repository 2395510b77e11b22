/* alta-sign-up-form.c: a new account with an activation code, then signed in
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-sign-up-form"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-enrollment.h"
#include "alta-new-password-row.h"
#include "alta-password-policy.h"
#include "alta-portal-client-enrollment.h"
#include "alta-portal-error.h"
#include "alta-rules.h"
#include "alta-sign-up-form.h"

/* The activation code, the date of birth it was issued for, a username and a password
 * (its rules marked as typed): the portal makes the account (POST
 * /api/v1/enrollment/activate), then the form signs in with them and says so as the sign-in
 * page does ("signed-in"), so that whoever holds it treats both alike. The app's sign-in
 * page holds one, and so does the enrollment station, which sets the code itself and makes
 * it read-only, and wipes the form with alta_sign_up_form_clear() when the patient is done.
 * A refusal keeps what was typed, and says why with the Patient Support Line.
 */

struct _AltaSignUpForm
{
  AdwBin              parent_instance;

  AltaPortalClient   *client;
  GCancellable       *cancellable;
  gboolean            code_editable;
  gboolean            busy;

  AdwEntryRow        *code_row;
  AdwEntryRow        *birth_date_row;
  AdwEntryRow        *username_row;
  AltaNewPasswordRow *password_row;
  GtkLabel           *error_label;
  GtkButton          *submit_button;
  GtkSpinner         *spinner;
  GtkLabel           *support_label;
};

G_DEFINE_FINAL_TYPE (AltaSignUpForm, alta_sign_up_form, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_ACTIVATION_CODE,
  PROP_CODE_EDITABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static void
show_error (AltaSignUpForm *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (AltaSignUpForm *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !busy);
  /* Read-only, not insensitive: an insensitive field loses the focus while its cursor
   * blinks (see the sign-in page) */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), !busy && self->code_editable);
  gtk_editable_set_editable (GTK_EDITABLE (self->birth_date_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
}

static void
on_changed_cb (AltaSignUpForm *self,
               GtkEditable    *editable)
{
  if (GTK_WIDGET (editable) == GTK_WIDGET (self->username_row))
    alta_new_password_row_set_username (self->password_row, text_of (self->username_row));
  if (GTK_WIDGET (editable) == GTK_WIDGET (self->code_row))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVATION_CODE]);
}

static void
fail (AltaSignUpForm *self,
      const char     *message,
      GtkWidget      *focus)
{
  show_error (self, message);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaSignUpForm) self = user_data;
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

      g_message ("Enrollment: the account is made, but signing in failed: %s", error->message);
      /* Translators: %s is the Patient Support Line's phone number */
      message = g_strdup_printf (_("Your account is ready, but MyAltaMed could not sign you in right now. Go back and sign in with your new username and password. If you need help, call the MyAltaMed Patient Support Line at %s."),
                                 ALTA_SUPPORT_NUMBER);
      fail (self, message, NULL);
      return;
    }

  g_message ("Enrollment: signed in with the new account");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNED_IN], 0, account, idle_timeout_s);
}

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaSignUpForm) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *username = NULL;
  g_autofree char *message = NULL;
  GtkWidget *focus = NULL;

  username = alta_portal_client_activate_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (username == NULL)
    {
      set_busy (self, FALSE);
      g_message ("Enrollment refused: %s", error->message);
      message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_ACTIVATE, error);

      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_USERNAME_TAKEN))
        focus = GTK_WIDGET (self->username_row);
      else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_WEAK_PASSWORD))
        focus = GTK_WIDGET (self->password_row);
      else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CODE_INVALID) ||
               g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CODE_USED) ||
               g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CODE_EXPIRED))
        focus = GTK_WIDGET (self->code_editable ? self->code_row : self->birth_date_row);
      fail (self, message, focus);
      return;
    }

  g_message ("Enrollment: account made; signing in");
  alta_portal_client_sign_in_async (self->client, username, text_of (self->password_row),
                                    self->cancellable, signed_in_cb, g_object_ref (self));
}

static void
sign_up_submit_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AltaSignUpForm *self = ALTA_SIGN_UP_FORM (widget);
  g_autofree char *code = NULL;
  g_autofree char *birth_date = NULL;
  g_autofree char *username = NULL;
  const char *password = text_of (self->password_row);
  const char *problem;

  g_return_if_fail (self->client != NULL);

  /* Enter pressed again while the portal is asked */
  if (self->busy)
    return;

  code = alta_enrollment_normalize_code (text_of (self->code_row));
  birth_date = alta_enrollment_parse_birth_date (text_of (self->birth_date_row), NULL);
  username = g_strstrip (g_strdup (text_of (self->username_row)));

  if (code == NULL)
    {
      g_message ("Enrollment: the code typed is not an activation code");
      fail (self, _("Enter the activation code of your email or letter: 10 letters and numbers, like ACDEF-GHJKM."),
            GTK_WIDGET (self->code_row));
      return;
    }
  if (birth_date == NULL)
    {
      g_message ("Enrollment: the date of birth typed is not a date");
      fail (self, _("Enter your date of birth as year, month and day, for example 1984-07-23."),
            GTK_WIDGET (self->birth_date_row));
      return;
    }
  if (!alta_rules_is_valid_username (username))
    {
      g_message ("Enrollment: the username typed is not allowed");
      fail (self, _("Choose a username of 3 to 64 letters, numbers and . _ - @ that starts with a letter or number."),
            GTK_WIDGET (self->username_row));
      return;
    }
  if ((problem = alta_new_password_row_check (self->password_row, username)) != NULL)
    {
      g_message ("Enrollment: the password typed does not meet the rules");
      fail (self, problem, GTK_WIDGET (self->password_row));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_activate_async (self->client, code, birth_date, username, password,
                                     self->cancellable, activated_cb, g_object_ref (self));
}

static void
on_entry_activated_cb (AltaSignUpForm *self,
                       GtkWidget      *entry)
{
  if (entry == GTK_WIDGET (self->code_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->birth_date_row));
  else if (entry == GTK_WIDGET (self->birth_date_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  else if (entry == GTK_WIDGET (self->username_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "sign-up.submit", NULL);
}

static void
alta_sign_up_form_dispose (GObject *object)
{
  AltaSignUpForm *self = ALTA_SIGN_UP_FORM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_SIGN_UP_FORM);

  G_OBJECT_CLASS (alta_sign_up_form_parent_class)->dispose (object);
}

static void
alta_sign_up_form_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AltaSignUpForm *self = ALTA_SIGN_UP_FORM (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_ACTIVATION_CODE:
      g_value_set_string (value, alta_sign_up_form_get_activation_code (self));
      break;
    case PROP_CODE_EDITABLE:
      g_value_set_boolean (value, self->code_editable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_sign_up_form_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AltaSignUpForm *self = ALTA_SIGN_UP_FORM (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      alta_sign_up_form_set_client (self, g_value_get_object (value));
      break;
    case PROP_ACTIVATION_CODE:
      alta_sign_up_form_set_activation_code (self, g_value_get_string (value));
      break;
    case PROP_CODE_EDITABLE:
      alta_sign_up_form_set_code_editable (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_sign_up_form_class_init (AltaSignUpFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_sign_up_form_dispose;
  object_class->get_property = alta_sign_up_form_get_property;
  object_class->set_property = alta_sign_up_form_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, ALTA_TYPE_PORTAL_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What the code field holds, as typed */
  properties[PROP_ACTIVATION_CODE] =
    g_param_spec_string ("activation-code", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CODE_EDITABLE] =
    g_param_spec_boolean ("code-editable", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AltaSignUpForm::signed-in:
   * @account: the new account, signed in; the form's client holds its token
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
                                               "/net/myaltamed/MyAltaMed/ui/alta-sign-up-form.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, code_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, password_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, submit_button);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, support_label);
  gtk_widget_class_bind_template_child (widget_class, AltaSignUpForm, username_row);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "sign-up.submit", NULL, sign_up_submit_action);
}

static void
alta_sign_up_form_init (AltaSignUpForm *self)
{
  g_autofree char *support = NULL;

  self->code_editable = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Translators: %s is the Patient Support Line's phone number */
  support = g_strdup_printf (_("No code, or need help? Call the MyAltaMed Patient Support Line at %s."),
                             ALTA_SUPPORT_NUMBER);
  gtk_label_set_text (self->support_label, support);
  alta_new_password_row_set_username (self->password_row, text_of (self->username_row));
}

AltaSignUpForm *
alta_sign_up_form_new (void)
{
  return g_object_new (ALTA_TYPE_SIGN_UP_FORM, NULL);
}

AltaPortalClient *
alta_sign_up_form_get_client (AltaSignUpForm *self)
{
  g_return_val_if_fail (ALTA_IS_SIGN_UP_FORM (self), NULL);

  return self->client;
}

void
alta_sign_up_form_set_client (AltaSignUpForm   *self,
                              AltaPortalClient *client)
{
  g_return_if_fail (ALTA_IS_SIGN_UP_FORM (self));
  g_return_if_fail (client == NULL || ALTA_IS_PORTAL_CLIENT (client));

  if (g_set_object (&self->client, client))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

/**
 * alta_sign_up_form_get_activation_code:
 *
 * Returns: the code field's text, as typed
 */
const char *
alta_sign_up_form_get_activation_code (AltaSignUpForm *self)
{
  g_return_val_if_fail (ALTA_IS_SIGN_UP_FORM (self), NULL);

  return text_of (self->code_row);
}

/**
 * alta_sign_up_form_set_activation_code:
 * @activation_code: (nullable): the code to fill in
 */
void
alta_sign_up_form_set_activation_code (AltaSignUpForm *self,
                                       const char     *activation_code)
{
  g_return_if_fail (ALTA_IS_SIGN_UP_FORM (self));

  if (g_strcmp0 (activation_code != NULL ? activation_code : "", text_of (self->code_row)) == 0)
    return;
  /* The field's "changed" notifies the property */
  gtk_editable_set_text (GTK_EDITABLE (self->code_row),
                         activation_code != NULL ? activation_code : "");
}

gboolean
alta_sign_up_form_get_code_editable (AltaSignUpForm *self)
{
  g_return_val_if_fail (ALTA_IS_SIGN_UP_FORM (self), FALSE);

  return self->code_editable;
}

/**
 * alta_sign_up_form_set_code_editable:
 * @code_editable: %FALSE to show the code read-only (the station sets it)
 */
void
alta_sign_up_form_set_code_editable (AltaSignUpForm *self,
                                     gboolean        code_editable)
{
  g_return_if_fail (ALTA_IS_SIGN_UP_FORM (self));

  code_editable = !!code_editable;
  if (self->code_editable == code_editable)
    return;

  self->code_editable = code_editable;
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), code_editable && !self->busy);
  gtk_widget_set_can_focus (GTK_WIDGET (self->code_row), code_editable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE_EDITABLE]);
}

/**
 * alta_sign_up_form_clear:
 *
 * Wipes every field (the code too), the problem shown, and any request under way.
 */
void
alta_sign_up_form_clear (AltaSignUpForm *self)
{
  g_return_if_fail (ALTA_IS_SIGN_UP_FORM (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->birth_date_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
}

/**
 * alta_sign_up_form_focus:
 *
 * Puts the focus on the first field to fill: the code, or the date of birth when the code
 * is set and read-only.
 */
void
alta_sign_up_form_focus (AltaSignUpForm *self)
{
  g_return_if_fail (ALTA_IS_SIGN_UP_FORM (self));

  if (self->code_editable)
    gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->birth_date_row));
}
