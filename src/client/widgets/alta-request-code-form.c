/* alta-request-code-form.c: asking for an activation code by mail
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-request-code-form"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-enrollment.h"
#include "alta-portal-client-enrollment.h"
#include "alta-request-code-form.h"
#include "alta-rules.h"

/* The names, date of birth and email address on file (POST /api/v1/enrollment/request-code),
 * then the same answer whatever matched: the portal says nothing of who is a patient. From
 * the answer the patient goes on to enroll ("enroll") once the mail is there.
 */

struct _AltaRequestCodeForm
{
  AdwBin            parent_instance;

  AltaPortalClient *client;
  GCancellable     *cancellable;
  gboolean          busy;

  GtkStack         *steps;
  AdwEntryRow      *given_row;
  AdwEntryRow      *family_row;
  AdwEntryRow      *birth_date_row;
  AdwEntryRow      *email_row;
  GtkLabel         *error_label;
  GtkButton        *submit_button;
  GtkSpinner       *spinner;
  GtkLabel         *support_label;
  GtkLabel         *sent_label;
  GtkLabel         *sent_support_label;
};

G_DEFINE_FINAL_TYPE (AltaRequestCodeForm, alta_request_code_form, ADW_TYPE_BIN)

enum {
  ENROLL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static void
show_error (AltaRequestCodeForm *self,
            const char          *message,
            GtkWidget           *focus)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static void
set_busy (AltaRequestCodeForm *self,
          gboolean             busy)
{
  GtkEditable *fields[] = {
    GTK_EDITABLE (self->given_row), GTK_EDITABLE (self->family_row),
    GTK_EDITABLE (self->birth_date_row), GTK_EDITABLE (self->email_row),
  };

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !busy);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_editable (fields[i], !busy);
}

static void
requested_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaRequestCodeForm) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!alta_portal_client_request_activation_code_finish (ALTA_PORTAL_CLIENT (object), result,
                                                          &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      g_message ("Activation code request failed: %s", error->message);
      message = alta_enrollment_describe_failure (ALTA_ENROLLMENT_REQUEST_CODE, error);
      show_error (self, message, NULL);
      return;
    }

  g_message ("Activation code requested");
  set_busy (self, FALSE);
  show_error (self, NULL, NULL);
  /* Nothing of the request is needed any more */
  gtk_editable_set_text (GTK_EDITABLE (self->given_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->family_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->birth_date_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
  /* The same answer whatever matched: the portal says nothing of who is a patient */
  gtk_label_set_text (self->sent_label, _("If we find your record, we will email you a code."));
  gtk_widget_set_visible (GTK_WIDGET (self->sent_label), TRUE);
  gtk_stack_set_visible_child_name (self->steps, "sent");
  gtk_widget_grab_focus (GTK_WIDGET (self->steps));
}

static void
request_code_submit_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  AltaRequestCodeForm *self = ALTA_REQUEST_CODE_FORM (widget);
  g_autofree char *given = g_strstrip (g_strdup (text_of (self->given_row)));
  g_autofree char *family = g_strstrip (g_strdup (text_of (self->family_row)));
  g_autofree char *email = g_strstrip (g_strdup (text_of (self->email_row)));
  g_autofree char *birth_date = NULL;

  g_return_if_fail (self->client != NULL);

  if (self->busy)
    return;

  birth_date = alta_enrollment_parse_birth_date (text_of (self->birth_date_row), NULL);
  if (given[0] == '\0' || family[0] == '\0')
    {
      g_message ("Activation code request: a name is missing");
      show_error (self, _("Enter your first and last names as the clinic has them."),
                  GTK_WIDGET (given[0] == '\0' ? self->given_row : self->family_row));
      return;
    }
  if (birth_date == NULL)
    {
      g_message ("Activation code request: the date of birth typed is not a date");
      show_error (self, _("Enter your date of birth as year, month and day, for example 1984-07-23."),
                  GTK_WIDGET (self->birth_date_row));
      return;
    }
  if (!alta_rules_is_valid_email (email))
    {
      g_message ("Activation code request: the email typed is not an address");
      show_error (self, _("Enter your email address, like name@example.com."),
                  GTK_WIDGET (self->email_row));
      return;
    }

  show_error (self, NULL, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_request_activation_code_async (self->client, given, family, birth_date,
                                                    email, self->cancellable, requested_cb,
                                                    g_object_ref (self));
}

static void
request_code_enroll_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  g_signal_emit (widget, signals[ENROLL], 0);
}

static void
on_entry_activated_cb (AltaRequestCodeForm *self,
                       GtkWidget           *entry)
{
  if (entry == GTK_WIDGET (self->given_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->family_row));
  else if (entry == GTK_WIDGET (self->family_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->birth_date_row));
  else if (entry == GTK_WIDGET (self->birth_date_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "request-code.submit", NULL);
}

static void
alta_request_code_form_dispose (GObject *object)
{
  AltaRequestCodeForm *self = ALTA_REQUEST_CODE_FORM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_REQUEST_CODE_FORM);

  G_OBJECT_CLASS (alta_request_code_form_parent_class)->dispose (object);
}

static void
alta_request_code_form_class_init (AltaRequestCodeFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_request_code_form_dispose;

  /**
   * AltaRequestCodeForm::enroll:
   *
   * The patient goes on to enroll with the code that was mailed.
   */
  signals[ENROLL] = g_signal_new ("enroll", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-request-code-form.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, email_row);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, family_row);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, given_row);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, sent_label);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, sent_support_label);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, steps);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, submit_button);
  gtk_widget_class_bind_template_child (widget_class, AltaRequestCodeForm, support_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "request-code.submit", NULL,
                                   request_code_submit_action);
  gtk_widget_class_install_action (widget_class, "request-code.enroll", NULL,
                                   request_code_enroll_action);
}

static void
alta_request_code_form_init (AltaRequestCodeForm *self)
{
  g_autofree char *support = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Translators: %s is the Patient Support Line's phone number */
  support = g_strdup_printf (_("You can also call the MyAltaMed Patient Support Line at %s: after we confirm who you are, we email you a code."),
                             ALTA_SUPPORT_NUMBER);
  gtk_label_set_text (self->support_label, support);
  g_free (support);
  /* Translators: %s is the Patient Support Line's phone number */
  support = g_strdup_printf (_("No email after an hour? Check your spam folder, or call the MyAltaMed Patient Support Line at %s."),
                             ALTA_SUPPORT_NUMBER);
  gtk_label_set_text (self->sent_support_label, support);
}

void
alta_request_code_form_set_client (AltaRequestCodeForm *self,
                                   AltaPortalClient    *client)
{
  g_return_if_fail (ALTA_IS_REQUEST_CODE_FORM (self));

  g_set_object (&self->client, client);
}

/**
 * alta_request_code_form_clear:
 *
 * Empties the form and goes back to its first step.
 */
void
alta_request_code_form_clear (AltaRequestCodeForm *self)
{
  g_return_if_fail (ALTA_IS_REQUEST_CODE_FORM (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  show_error (self, NULL, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->given_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->family_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->birth_date_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
  gtk_label_set_text (self->sent_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->sent_label), FALSE);
  gtk_stack_set_visible_child_name (self->steps, "form");
}

/**
 * alta_request_code_form_focus:
 *
 * Puts the focus on the first field. A form whose request was sent starts again, empty: the
 * patient is back for another request.
 */
void
alta_request_code_form_focus (AltaRequestCodeForm *self)
{
  g_return_if_fail (ALTA_IS_REQUEST_CODE_FORM (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->steps), "sent") == 0)
    alta_request_code_form_clear (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->given_row));
}
