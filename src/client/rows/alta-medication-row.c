/* alta-medication-row.c: a prescription, its refills and how to ask for one
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-medication-row"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-app-mode.h"
#include "alta-format.h"
#include "alta-medication-row.h"
#include "alta-medlineplus.h"
#include "alta-refill-dialog.h"

/* How to take the medicine, who prescribed it, its refills, and where its last refill
 * request stands, all in the subtitle, which a screen reader reads with the name. When the
 * record says a refill cannot be asked for (no longer taken, none left, one already
 * waiting), the row says so instead of offering "Request Refill". The row follows the
 * session's refill requests, which the clinic answers while the app runs.
 */

struct _AltaMedicationRow
{
  AdwActionRow     parent_instance;

  AltaSession     *session;
  AltaMedication  *medication;

  /* Template widgets */
  GtkLinkButton   *learn_more_button;
  GtkButton       *refill_button;
};

G_DEFINE_FINAL_TYPE (AltaMedicationRow, alta_medication_row, ADW_TYPE_ACTION_ROW)

static char *
describe_request (AltaRefillRequest *request)
{
  g_autofree char *date = alta_format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (request)));
  const char *reason = alta_refill_request_get_reason (request);

  switch (alta_refill_request_get_state (request))
    {
    case ALTA_REFILL_PENDING:
      if (date != NULL)
        /* Translators: %s is a date */
        return g_strdup_printf (_("Refill requested on %s: waiting for the clinic"), date);
      return g_strdup (_("Refill requested: waiting for the clinic"));
    case ALTA_REFILL_COMPLETED:
      return g_strdup (_("Refill approved and sent to the pharmacy"));
    case ALTA_REFILL_REJECTED:
      if (reason != NULL)
        /* Translators: %s is the clinic's reason, in its own words */
        return g_strdup_printf (_("Refill not approved: %s"), reason);
      return g_strdup (_("Refill not approved"));
    default:
      g_assert_not_reached ();
    }
}

static void
update (AltaMedicationRow *self)
{
  AltaMedication *medication = self->medication;
  AltaRecordItem *item = ALTA_RECORD_ITEM (medication);
  g_autoptr (GString) subtitle = g_string_new (NULL);
  AltaRefillRequest *last;
  AltaRefillCheck check;
  int left = 0;

  if (alta_medication_get_instructions (medication) != NULL)
    g_string_append (subtitle, alta_medication_get_instructions (medication));
  if (alta_medication_get_prescriber (medication) != NULL)
    {
      if (subtitle->len > 0)
        g_string_append_c (subtitle, '\n');
      /* Translators: %s is a clinician's name */
      g_string_append_printf (subtitle, _("Prescribed by %s"), alta_medication_get_prescriber (medication));
    }
  if (subtitle->len > 0)
    g_string_append_c (subtitle, '\n');

  check = alta_session_check_refill (self->session, medication, &left);
  last = alta_session_find_refill_request (self->session, alta_record_item_get_id (item));
  switch (check)
    {
    case ALTA_REFILL_CHECK_NOT_ACTIVE:
      g_string_append (subtitle, _("No longer taken: refills cannot be requested"));
      break;
    case ALTA_REFILL_CHECK_NONE_LEFT:
      g_string_append (subtitle, _("No refills left: ask your care team at your next visit"));
      break;
    case ALTA_REFILL_CHECK_PENDING:
    case ALTA_REFILL_CHECK_ALLOWED:
      g_string_append_printf (subtitle, g_dngettext (NULL, "%d refill left", "%d refills left", left),
                              left);
      break;
    default:
      g_assert_not_reached ();
    }
  if (last != NULL && check != ALTA_REFILL_CHECK_NOT_ACTIVE)
    {
      g_autofree char *state = describe_request (last);

      g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, state);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 alta_record_item_get_title (item) != NULL
                                   ? alta_record_item_get_title (item) : _("Unnamed entry"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);
  gtk_widget_set_visible (GTK_WIDGET (self->refill_button), check == ALTA_REFILL_CHECK_ALLOWED);
}

static void
update_links (AltaMedicationRow *self)
{
  const char *title = alta_record_item_get_title (ALTA_RECORD_ITEM (self->medication));
  const char *system = NULL;
  const char *code = alta_medication_get_code (self->medication, &system);
  g_autofree char *url = alta_medlineplus_dup_url (system, code, alta_format_language ());
  /* Translators: %s is a medicine's name; the button asks the clinic for a refill of it */
  g_autofree char *refill = g_strdup_printf (_("Request a refill of %s"),
                                             title != NULL ? title : _("this medicine"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refill_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, refill, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->learn_more_button), url != NULL && title != NULL);
  if (url != NULL && title != NULL)
    {
      /* Translators: %s is a medicine's name; the link opens MedlinePlus about it */
      g_autofree char *label = g_strdup_printf (_("Learn more about %s"), title);

      gtk_link_button_set_uri (self->learn_more_button, url);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->learn_more_button),
                                   alta_app_mode_link_tooltip ());
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->learn_more_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
}

static void
on_refill_requests_changed_cb (AltaMedicationRow *self,
                               guint              position,
                               guint              removed,
                               guint              added,
                               GListModel        *requests)
{
  update (self);
}

static void
medication_row_request_refill_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  AltaMedicationRow *self = ALTA_MEDICATION_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AltaRefillDialog *dialog;

  if (alta_session_check_refill (self->session, self->medication, NULL) != ALTA_REFILL_CHECK_ALLOWED)
    return;

  dialog = alta_refill_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->session, self->medication);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
alta_medication_row_dispose (GObject *object)
{
  AltaMedicationRow *self = ALTA_MEDICATION_ROW (object);

  g_clear_object (&self->medication);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_MEDICATION_ROW);

  G_OBJECT_CLASS (alta_medication_row_parent_class)->dispose (object);
}

static void
alta_medication_row_class_init (AltaMedicationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_medication_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-medication-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaMedicationRow, learn_more_button);
  gtk_widget_class_bind_template_child (widget_class, AltaMedicationRow, refill_button);

  gtk_widget_class_install_action (widget_class, "medication-row.request-refill", NULL,
                                   medication_row_request_refill_action);
}

static void
alta_medication_row_init (AltaMedicationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  alta_app_mode_adopt_link (GTK_WIDGET (self->learn_more_button));
}

/**
 * alta_medication_row_new:
 * @session: the session whose record holds @medication
 * @medication: the prescription to show
 *
 * Returns: (transfer floating): a row showing @medication and its refills
 */
GtkWidget *
alta_medication_row_new (AltaSession    *session,
                         AltaMedication *medication)
{
  AltaMedicationRow *self;

  g_return_val_if_fail (ALTA_IS_SESSION (session), NULL);
  g_return_val_if_fail (ALTA_IS_MEDICATION (medication), NULL);

  self = g_object_new (ALTA_TYPE_MEDICATION_ROW, NULL);
  self->session = g_object_ref (session);
  self->medication = g_object_ref (medication);
  g_signal_connect_object (alta_session_get_refill_requests (session), "items-changed",
                           G_CALLBACK (on_refill_requests_changed_cb), self, G_CONNECT_SWAPPED);
  update_links (self);
  update (self);

  return GTK_WIDGET (self);
}

/**
 * alta_medication_row_get_medication:
 *
 * Returns: (transfer none): the prescription shown
 */
AltaMedication *
alta_medication_row_get_medication (AltaMedicationRow *self)
{
  g_return_val_if_fail (ALTA_IS_MEDICATION_ROW (self), NULL);

  return self->medication;
}
