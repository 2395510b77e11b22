/* alta-refill-dialog.c: asking the clinic for a refill, with a note for the pharmacy
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-refill-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-format.h"
#include "alta-portal-error.h"
#include "alta-refill-dialog.h"

/* One request, one id: the id is made when the dialog opens and every retry sends it
 * again, so a send whose answer was lost never makes a second request (docs/api.md,
 * "Writes"). A failed send keeps the dialog open with the note as typed and says why; a
 * refusal the record did not foresee (one already pending, none left) refreshes the
 * session's refill requests so the medication's row says it too. The dialog holds the
 * session's patient data, so it closes when its window signs out or shows another record.
 */

#define MAX_NOTE 10000

struct _AltaRefillDialog
{
  AdwWindow       parent_instance;

  AltaSession    *session;
  AltaMedication *medication;
  GCancellable   *cancellable;
  char           *request_id;
  char           *record_id;

  /* Template widgets */
  GtkLabel       *error_label;
  GtkLabel       *medication_label;
  AdwEntryRow    *note_row;
  GtkButton      *send_button;
  GtkSpinner     *spinner;
};

G_DEFINE_FINAL_TYPE (AltaRefillDialog, alta_refill_dialog, ADW_TYPE_WINDOW)

static void
set_sending (AltaRefillDialog *self,
             gboolean          sending)
{
  gtk_spinner_set_spinning (self->spinner, sending);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->note_row), !sending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "refill.send", !sending);
}

static void
show_error (AltaRefillDialog *self,
            const char       *text)
{
  gtk_label_set_text (self->error_label, text);
  /* An alert (alta-refill-dialog.ui): a screen reader reads it out as it appears */
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!alta_session_refresh_refill_requests_finish (ALTA_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Refill requests could not be read again: %s", error->message);
}

/* Why the portal refused it, in the app's words */
static char *
dup_refusal (AltaRefillDialog *self,
             const GError     *error)
{
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT))
    return g_strdup (_("A refill of this medicine was already requested and is waiting for the clinic."));

  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD))
    {
      /* The portal refuses a medicine no longer taken and one with no refills left; the
       * record says which */
      if (g_strcmp0 (alta_record_item_get_status (ALTA_RECORD_ITEM (self->medication)), "active") != 0)
        return g_strdup (_("This medicine is no longer taken, so a refill cannot be requested."));
      return g_strdup (_("This prescription has no refills left. Ask your care team at your next visit."));
    }

  return alta_format_error (error);
}

static void
request_refill_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (AltaRefillDialog) self = user_data;
  g_autoptr (AltaRefillRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  request = alta_portal_client_request_refill_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    return;

  set_sending (self, FALSE);
  if (request != NULL)
    {
      g_debug ("Refill requested");
      alta_session_add_refill_request (self->session, request);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  g_message ("The refill request was not sent: %s", error->message);
  text = dup_refusal (self, error);
  show_error (self, text);
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT) ||
      g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD))
    alta_session_refresh_refill_requests_async (self->session, self->cancellable, refresh_cb,
                                                NULL);
}

static void
refill_send_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AltaRefillDialog *self = ALTA_REFILL_DIALOG (widget);

  if (self->session == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_sending (self, TRUE);
  alta_portal_client_request_refill_async (alta_session_get_client (self->session),
                                           self->record_id,
                                           alta_record_item_get_id (ALTA_RECORD_ITEM (self->medication)),
                                           gtk_editable_get_text (GTK_EDITABLE (self->note_row)),
                                           self->request_id, self->cancellable,
                                           request_refill_cb, g_object_ref (self));
}

static void
refill_cancel_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* Its window signed out, or shows another record */
static void
on_parent_session_changed_cb (AltaRefillDialog *self,
                              GParamSpec       *pspec,
                              GObject          *parent)
{
  g_autoptr (AltaSession) session = NULL;

  g_object_get (parent, "session", &session, NULL);
  if (session != self->session)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_record_id_changed_cb (AltaRefillDialog *self,
                         GParamSpec       *pspec,
                         AltaSession      *session)
{
  if (g_strcmp0 (alta_session_get_record_id (session), self->record_id) != 0)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
alta_refill_dialog_dispose (GObject *object)
{
  AltaRefillDialog *self = ALTA_REFILL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->medication);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_REFILL_DIALOG);

  G_OBJECT_CLASS (alta_refill_dialog_parent_class)->dispose (object);
}

static void
alta_refill_dialog_finalize (GObject *object)
{
  AltaRefillDialog *self = ALTA_REFILL_DIALOG (object);

  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->record_id, g_free);

  G_OBJECT_CLASS (alta_refill_dialog_parent_class)->finalize (object);
}

static void
alta_refill_dialog_class_init (AltaRefillDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_refill_dialog_dispose;
  object_class->finalize = alta_refill_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-refill-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaRefillDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaRefillDialog, medication_label);
  gtk_widget_class_bind_template_child (widget_class, AltaRefillDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, AltaRefillDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, AltaRefillDialog, spinner);

  gtk_widget_class_install_action (widget_class, "refill.cancel", NULL, refill_cancel_action);
  gtk_widget_class_install_action (widget_class, "refill.send", NULL, refill_send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "refill.cancel", NULL);
}

static void
alta_refill_dialog_init (AltaRefillDialog *self)
{
  GtkEditable *delegate;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->request_id = g_uuid_string_random ();

  /* The portal takes a note of up to 10,000 characters (docs/api.md): the entry stops there,
   * so its refusal never means a note too long */
  delegate = gtk_editable_get_delegate (GTK_EDITABLE (self->note_row));
  if (GTK_IS_TEXT (delegate))
    gtk_text_set_max_length (GTK_TEXT (delegate), MAX_NOTE);
}

/**
 * alta_refill_dialog_new:
 * @parent: (nullable): the window it is over
 * @session: the signed-in session
 * @medication: the prescription to refill, of the record shown
 *
 * Returns: (transfer none): a new dialog, not shown yet
 */
AltaRefillDialog *
alta_refill_dialog_new (GtkWindow      *parent,
                        AltaSession    *session,
                        AltaMedication *medication)
{
  AltaRefillDialog *self;
  const char *title;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ALTA_IS_SESSION (session), NULL);
  g_return_val_if_fail (ALTA_IS_MEDICATION (medication), NULL);

  self = g_object_new (ALTA_TYPE_REFILL_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->medication = g_object_ref (medication);
  self->record_id = g_strdup (alta_session_get_record_id (session));
  title = alta_record_item_get_title (ALTA_RECORD_ITEM (medication));
  gtk_label_set_text (self->medication_label, title != NULL ? title : _("Unnamed entry"));

  if (parent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (parent), "session"))
    {
      g_signal_connect_object (parent, "notify::session",
                               G_CALLBACK (on_parent_session_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (session, "notify::record-id", G_CALLBACK (on_record_id_changed_cb),
                           self, G_CONNECT_SWAPPED);

  return self;
}
