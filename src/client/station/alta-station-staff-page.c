/* alta-station-staff-page.c: the station's staff side: find a patient, issue a code
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-station"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "alta-a11y.h"
#include "alta-enrollment.h"
#include "alta-format.h"
#include "alta-portal-client-staff.h"
#include "alta-portal-error.h"
#include "alta-rules.h"
#include "alta-station-staff-page.h"

/* A staff member searches by name and date of birth; a patient found shows whether they
 * have an account. One without (and not aged 12–17) gets an activation code once the staff
 * member says how they checked who the patient is: shown large, mailed, and then the screen
 * goes to the patient ("hand-off", which the window carries out). A patient with an account
 * can be sent a password reset; any record can be given a proxy once the consent form is
 * signed. Every request's failure is said in words and logged, without the patient's data.
 * alta_station_staff_page_clear() forgets every patient: the window calls it before the
 * patient's turn and at every sign-out.
 */

struct _AltaStationStaffPage
{
  AdwBin            parent_instance;

  AltaPortalClient *client;
  GCancellable     *cancellable;
  GListStore       *results;
  AltaStaffPatient *patient;     /* the one shown */
  char             *code;        /* the code issued to it */

  GtkScrolledWindow *scroller;
  GtkStack         *stack;
  AdwEntryRow      *given_row;
  AdwEntryRow      *family_row;
  AdwEntryRow      *birth_row;
  GtkLabel         *search_error;
  GtkButton        *search_button;
  GtkSpinner       *search_spinner;
  GtkLabel         *results_label;
  GtkListBox       *results_list;
  GtkLabel         *patient_name;
  GtkLabel         *patient_details;
  GtkWidget        *enroll_box;
  GtkCheckButton   *photo_id_check;
  GtkCheckButton   *questions_check;
  GtkCheckButton   *known_check;
  AdwEntryRow      *email_row;
  GtkLabel         *issue_error;
  GtkButton        *issue_button;
  GtkWidget        *reset_box;
  AdwEntryRow      *reset_username_row;
  GtkLabel         *reset_status;
  GtkButton        *reset_button;
  GtkWidget        *proxy_box;
  AdwEntryRow      *proxy_username_row;
  AdwComboRow      *relationship_row;
  AdwEntryRow      *consent_row;
  GtkCheckButton   *consent_check;
  GtkLabel         *proxy_status;
  GtkButton        *proxy_button;
  GtkLabel         *code_title;
  GtkLabel         *code_label;
  GtkLabel         *code_note;
};

G_DEFINE_FINAL_TYPE (AltaStationStaffPage, alta_station_staff_page, ADW_TYPE_BIN)

enum {
  HAND_OFF,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  /* An empty label is read by its type name: hidden instead */
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

/* Scrolls the page so that @widget (an answer under its button) is on screen */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double page, value;

  if (scroller == NULL || !gtk_widget_compute_bounds (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)), &bounds))
    return;

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  page = gtk_adjustment_get_page_size (adjustment);
  value = gtk_adjustment_get_value (adjustment);
  if (bounds.origin.y + bounds.size.height + 60 > value + page)
    gtk_adjustment_set_value (adjustment, bounds.origin.y + bounds.size.height + 60 - page);
  else if (bounds.origin.y < value)
    gtk_adjustment_set_value (adjustment, bounds.origin.y);
}

static gboolean
scroll_later_cb (gpointer user_data)
{
  g_autoptr (GtkWidget) widget = user_data;

  scroll_to (widget);
  return G_SOURCE_REMOVE;
}

static void
show_status (GtkLabel   *label,
             const char *text,
             gboolean    is_error)
{
  show_label (label, text);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (label), "success");
    }
  /* Once laid out with its text */
  if (text != NULL)
    g_timeout_add_full (G_PRIORITY_DEFAULT, 50, scroll_later_cb,
                        g_object_ref (GTK_WIDGET (label)), NULL);
}

/* What a failure of the staff routes means to the person at the desk */
static char *
describe_error (const GError *error)
{
  if (error->domain != ALTA_PORTAL_ERROR)
    return g_strdup (_("Something went wrong. Please try again."));

  switch ((AltaPortalError)error->code)
    {
    case ALTA_PORTAL_ERROR_NETWORK:
    case ALTA_PORTAL_ERROR_TIMEOUT:
      return g_strdup (_("The portal cannot be reached. Check the station’s network connection and try again."));
    case ALTA_PORTAL_ERROR_SESSION_EXPIRED:
      return g_strdup (_("Your staff session has ended. Sign in again."));
    case ALTA_PORTAL_ERROR_FORBIDDEN:
      return g_strdup (_("This account may not use the enrollment station."));
    case ALTA_PORTAL_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many requests. Please wait a minute and try again."));
    case ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS:
      return g_strdup (_("This patient is aged 12 to 17 and cannot have portal access, on their own or through a parent. Their care team can help by phone."));
    case ALTA_PORTAL_ERROR_HAS_ACCOUNT:
      return g_strdup (_("This patient already has an account. If they forgot their password, send them a password reset."));
    case ALTA_PORTAL_ERROR_NOT_FOUND:
      return g_strdup (_("The portal does not know this patient or username. Check the spelling and try again."));
    case ALTA_PORTAL_ERROR_INVALID_REQUEST:
      return g_strdup (_("Something that was typed is not in the expected form. Check it and try again."));
    case ALTA_PORTAL_ERROR_CERTIFICATE:
      return g_strdup (_("The portal’s security certificate could not be verified, so nothing was sent. Call the clinic’s IT support."));
    case ALTA_PORTAL_ERROR_INVALID_RESPONSE:
    case ALTA_PORTAL_ERROR_CODE_INVALID:
    case ALTA_PORTAL_ERROR_CODE_EXPIRED:
    case ALTA_PORTAL_ERROR_CODE_USED:
    case ALTA_PORTAL_ERROR_USERNAME_TAKEN:
    case ALTA_PORTAL_ERROR_WEAK_PASSWORD:
    case ALTA_PORTAL_ERROR_INVALID_CREDENTIALS:
    case ALTA_PORTAL_ERROR_ACCOUNT_LOCKED:
    case ALTA_PORTAL_ERROR_TOKEN_INVALID:
    case ALTA_PORTAL_ERROR_TOKEN_EXPIRED:
    case ALTA_PORTAL_ERROR_INVALID_FIELD:
    case ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE:
    case ALTA_PORTAL_ERROR_CONFLICT:
    case ALTA_PORTAL_ERROR_INTERNAL:
    case ALTA_PORTAL_ERROR_UNAVAILABLE:
    default:
      return g_strdup (_("The portal could not do this right now. Please try again later."));
    }
}

static void
set_searching (AltaStationStaffPage *self,
               gboolean              busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->search_spinner), busy);
  if (busy)
    gtk_spinner_start (self->search_spinner);
  else
    gtk_spinner_stop (self->search_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), !busy);
}

static void
clear_results (AltaStationStaffPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), FALSE);
  show_label (self->results_label, NULL);
  g_clear_object (&self->results);
}

/* "1989-09-26" as the app writes a date ("September 26, 1989") */
static char *
format_birth_date (const char *iso)
{
  g_autoptr (GDateTime) date = NULL;
  GDate parsed;

  if (iso == NULL || !alta_rules_parse_date (iso, &parsed))
    return g_strdup (iso != NULL ? iso : _("unknown"));

  /* Noon of that day where the station is: no time zone moves it to another day */
  date = g_date_time_new_local (g_date_get_year (&parsed), g_date_get_month (&parsed),
                                g_date_get_day (&parsed), 12, 0, 0);
  return alta_format_date (date);
}

static const char *
describe_account (AltaStaffPatient *patient)
{
  if (!alta_staff_patient_get_portal_access (patient))
    return _("Aged 12 to 17: no portal access");
  if (alta_staff_patient_get_has_account (patient))
    return _("Has an account");
  return _("No account yet");
}

static char *
describe_patient (AltaStaffPatient *patient)
{
  g_autofree char *born = format_birth_date (alta_staff_patient_get_birth_date (patient));

  /* Translators: under a patient's name: their date of birth, and whether they have an
   * account (“Born September 26, 1989 · No account yet”) */
  return g_strdup_printf (_("Born %s · %s"), born, describe_account (patient));
}

static void on_result_clicked_cb (AltaStationStaffPage *self,
                                  GtkButton            *button);

static void
show_results (AltaStationStaffPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  g_autofree char *count = NULL;

  if (n == 0)
    {
      show_label (self->results_label, _("No patient matches. Check the spelling, or search by the date of birth alone."));
      return;
    }

  count = g_strdup_printf (g_dngettext (NULL, "%u patient found", "%u patients found", n), n);
  show_label (self->results_label, count);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AltaStaffPatient) patient = g_list_model_get_item (G_LIST_MODEL (self->results), i);
      g_autofree char *subtitle = describe_patient (patient);
      g_autofree char *spoken = NULL;
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (alta_staff_patient_get_name (patient));
      GtkWidget *details = gtk_label_new (subtitle);

      /* A button, so that a finger, a key and a screen reader open it alike; read as the
       * patient's name, then what is known of them */
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_wrap (GTK_LABEL (name), TRUE);
      gtk_widget_add_css_class (name, "heading");
      gtk_label_set_xalign (GTK_LABEL (details), 0);
      gtk_label_set_wrap (GTK_LABEL (details), TRUE);
      gtk_widget_add_css_class (details, "dim-label");
      gtk_box_append (GTK_BOX (texts), name);
      gtk_box_append (GTK_BOX (texts), details);
      gtk_widget_set_hexpand (texts, TRUE);
      gtk_box_append (GTK_BOX (box), texts);
      gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_IMAGE,
                                                   "icon-name", "go-next-symbolic",
                                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                                   NULL));
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "report-row");
      /* Translators: how a screen reader reads a patient found: name, then the details */
      spoken = g_strdup_printf (_("%s, %s"), alta_staff_patient_get_name (patient), subtitle);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      spoken, -1);
      g_object_set_data_full (G_OBJECT (button), "patient", g_object_ref (patient),
                              g_object_unref);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_result_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
      gtk_list_box_append (self->results_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), TRUE);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (AltaStationStaffPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListStore) patients = NULL;

  patients = alta_portal_client_staff_search_patients_finish (ALTA_PORTAL_CLIENT (object), result,
                                                              &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_searching (self, FALSE);
  if (patients == NULL)
    {
      g_autofree char *message = describe_error (error);

      g_message ("The patient search failed: %s", error->message);
      show_label (self->search_error, message);
      return;
    }

  g_message ("Patient search: %u found", g_list_model_get_n_items (G_LIST_MODEL (patients)));
  self->results = g_steal_pointer (&patients);
  show_results (self);
}

/* The date of birth as the sign-up form reads it: 1984-07-23 or 19840723 */
static char *
parse_birth_date (const char *typed)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  return alta_enrollment_parse_birth_date (typed, &today);
}

static void
staff_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);
  g_autofree char *given = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->given_row))));
  g_autofree char *family = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->family_row))));
  g_autofree char *birth_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->birth_row))));
  g_autofree char *birth_date = NULL;

  if (self->client == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self->search_button)))
    return;

  show_label (self->search_error, NULL);
  if (birth_text[0] != '\0' && (birth_date = parse_birth_date (birth_text)) == NULL)
    {
      g_message ("Patient search: the date of birth is not a date");
      show_label (self->search_error, _("Date of birth: year, month and day, for example 1984-07-23 or 19840723."));
      gtk_widget_grab_focus (GTK_WIDGET (self->birth_row));
      return;
    }
  if (given[0] == '\0' && family[0] == '\0' && birth_date == NULL)
    {
      show_label (self->search_error, _("Type a name, a date of birth, or both."));
      gtk_widget_grab_focus (GTK_WIDGET (self->given_row));
      return;
    }

  clear_results (self);
  set_searching (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_staff_search_patients_async (self->client, family, given, birth_date,
                                                  self->cancellable, search_cb,
                                                  g_object_ref (self));
}

static void
on_search_activated_cb (AltaStationStaffPage *self,
                        AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "staff.search", NULL);
}

static const char *
chosen_identity (AltaStationStaffPage *self)
{
  if (gtk_check_button_get_active (self->photo_id_check))
    return ALTA_IDENTITY_PHOTO_ID;
  if (gtk_check_button_get_active (self->questions_check))
    return ALTA_IDENTITY_PHONE_QUESTIONS;
  if (gtk_check_button_get_active (self->known_check))
    return ALTA_IDENTITY_KNOWN_PATIENT;
  return NULL;
}

static void
update_issue_button (AltaStationStaffPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.issue-code",
                                 chosen_identity (self) != NULL);
}

static void
on_identity_toggled_cb (AltaStationStaffPage *self,
                        GtkCheckButton       *check)
{
  update_issue_button (self);
}

static void
clear_patient (AltaStationStaffPage *self)
{
  g_clear_object (&self->patient);
  show_label (self->patient_name, NULL);
  show_label (self->patient_details, NULL);
  gtk_check_button_set_active (self->photo_id_check, FALSE);
  gtk_check_button_set_active (self->questions_check, FALSE);
  gtk_check_button_set_active (self->known_check, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
  show_label (self->issue_error, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->reset_username_row), "");
  show_label (self->reset_status, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->proxy_username_row), "");
  adw_combo_row_set_selected (self->relationship_row, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->consent_row), "");
  gtk_check_button_set_active (self->consent_check, FALSE);
  show_label (self->proxy_status, NULL);
  update_issue_button (self);
}

static void
clear_code (AltaStationStaffPage *self)
{
  if (self->code != NULL)
    {
      memset (self->code, 0, strlen (self->code));
      g_clear_pointer (&self->code, g_free);
    }
  show_label (self->code_title, NULL);
  show_label (self->code_label, NULL);
  show_label (self->code_note, NULL);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->code_label), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
show_patient (AltaStationStaffPage *self,
              AltaStaffPatient     *patient)
{
  g_autofree char *details = describe_patient (patient);
  gboolean may_enroll = alta_staff_patient_get_portal_access (patient) &&
                        !alta_staff_patient_get_has_account (patient);

  clear_patient (self);
  self->patient = g_object_ref (patient);
  show_label (self->patient_name, alta_staff_patient_get_name (patient));
  show_label (self->patient_details, details);
  gtk_widget_set_visible (self->enroll_box, may_enroll);
  gtk_widget_set_visible (self->reset_box, alta_staff_patient_get_has_account (patient));
  if (alta_staff_patient_get_email (patient) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), alta_staff_patient_get_email (patient));

  gtk_stack_set_visible_child_name (self->stack, "patient");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_widget_grab_focus (may_enroll ? GTK_WIDGET (self->photo_id_check)
                                    : GTK_WIDGET (self->patient_details));
}

static void
on_result_clicked_cb (AltaStationStaffPage *self,
                      GtkButton            *button)
{
  AltaStaffPatient *patient = g_object_get_data (G_OBJECT (button), "patient");

  if (patient != NULL)
    show_patient (self, patient);
}

static void
staff_back_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  set_searching (self, FALSE);
  clear_patient (self);
  gtk_stack_set_visible_child_name (self->stack, "search");
  gtk_widget_grab_focus (GTK_WIDGET (self->given_row));
}

/* "ACDEF-GHJK3" read one character at a time: "A C D E F, G H J K 3" */
static char *
spell_code (const char *code)
{
  g_autoptr (GString) spoken = g_string_new (NULL);

  for (const char *p = code; *p != '\0'; p++)
    {
      if (*p == '-')
        {
          g_string_append (spoken, ",");
          continue;
        }
      if (spoken->len > 0)
        g_string_append_c (spoken, ' ');
      g_string_append_c (spoken, *p);
    }
  return g_string_free (g_steal_pointer (&spoken), FALSE);
}

static void
set_issuing (AltaStationStaffPage *self,
             gboolean              busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->issue_button), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), !busy);
}

static void
issue_code_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (AltaStationStaffPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) expires_at = NULL;
  g_autofree char *code = NULL;
  g_autofree char *title = NULL;
  g_autofree char *note = NULL;
  g_autofree char *spoken = NULL;

  code = alta_portal_client_staff_issue_code_finish (ALTA_PORTAL_CLIENT (object), result,
                                                     &expires_at, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_issuing (self, FALSE);
  if (code == NULL)
    {
      g_autofree char *message = describe_error (error);

      g_message ("No activation code was issued: %s", error->message);
      show_label (self->issue_error, message);
      return;
    }

  g_message ("An activation code was issued");
  clear_code (self);
  self->code = g_steal_pointer (&code);
  /* Translators: %s is the patient's name */
  title = g_strdup_printf (_("Activation Code for %s"), alta_staff_patient_get_name (self->patient));
  show_label (self->code_title, title);
  show_label (self->code_label, self->code);
  spoken = spell_code (self->code);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
  /* Translators: %s is an email address */
  note = g_strdup_printf (_("It was also emailed to %s. It works for 14 days."),
                          gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
  show_label (self->code_note, note);
  gtk_stack_set_visible_child_name (self->stack, "code");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_title));
}

static void
staff_issue_code_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
  const char *identity = chosen_identity (self);

  if (self->client == NULL || self->patient == NULL ||
      !gtk_widget_get_sensitive (GTK_WIDGET (self->issue_button)))
    return;

  show_label (self->issue_error, NULL);
  if (identity == NULL)
    {
      show_label (self->issue_error, _("Choose how you verified the patient’s identity first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->photo_id_check));
      return;
    }
  if (!alta_rules_is_valid_email (email))
    {
      g_message ("No activation code: the email address is not one");
      show_label (self->issue_error, _("Type the patient’s email address, such as name@example.com. The code is emailed there."));
      gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
      return;
    }

  set_issuing (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_staff_issue_code_async (self->client,
                                             alta_staff_patient_get_id (self->patient), email,
                                             identity, self->cancellable, issue_code_cb,
                                             g_object_ref (self));
}

static void
on_issue_activated_cb (AltaStationStaffPage *self,
                       AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "staff.issue-code", NULL);
}

static void
send_reset_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (AltaStationStaffPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!alta_portal_client_staff_send_reset_finish (ALTA_PORTAL_CLIENT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), TRUE);
  if (error != NULL)
    {
      g_autofree char *message = NULL;

      g_message ("No password reset was sent: %s", error->message);
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND))
        message = g_strdup (_("No patient account has this username. Check the spelling with the patient."));
      else
        message = describe_error (error);
      show_status (self->reset_status, message, TRUE);
      return;
    }

  g_message ("A password reset was sent");
  show_status (self->reset_status, _("The password reset was emailed. The patient opens MyAltaMed and chooses “Forgot password” to use its code."), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->reset_username_row), "");
}

static void
staff_send_reset_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);
  g_autofree char *username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reset_username_row))));

  if (self->client == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self->reset_button)))
    return;

  if (username[0] == '\0')
    {
      show_status (self->reset_status, _("Type the patient’s username first."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reset_username_row));
      return;
    }

  show_label (self->reset_status, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), FALSE);
  alta_portal_client_staff_send_reset_async (self->client, username, self->cancellable,
                                             send_reset_cb, g_object_ref (self));
}

static void
on_reset_activated_cb (AltaStationStaffPage *self,
                       AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "staff.send-reset", NULL);
}

static const char * const relationships[] = { "child", "dependent-adult" };

static void
grant_proxy_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AltaStationStaffPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!alta_portal_client_staff_grant_proxy_finish (ALTA_PORTAL_CLIENT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->proxy_button), TRUE);
  if (error != NULL)
    {
      g_autofree char *message = NULL;

      g_message ("No proxy access was granted: %s", error->message);
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED))
        {
          /* The portal's age rules (docs/api.md): which one applies, from what is shown */
          if (self->patient != NULL && !alta_staff_patient_get_portal_access (self->patient))
            message = g_strdup (_("Proxy access is not allowed: this patient is aged 12 to 17, and nobody can see their record through the portal, not even a parent."));
          else if (adw_combo_row_get_selected (self->relationship_row) == 0)
            message = g_strdup (_("Proxy access is not allowed: a parent can see a child’s record only while the child is aged 0 to 11. For a patient who is 18 or older, choose “An adult in their care”."));
          else
            message = g_strdup (_("Proxy access is not allowed: a caregiver can see only the record of an adult aged 18 or older, and nobody can be their own proxy."));
        }
      else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND))
        message = g_strdup (_("No patient account has this username. The parent or caregiver needs their own MyAltaMed account first."));
      else
        message = describe_error (error);
      show_status (self->proxy_status, message, TRUE);
      return;
    }

  g_message ("Proxy access was granted");
  show_status (self->proxy_status, _("Proxy access was granted. The record appears in their MyAltaMed the next time they sign in."), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->proxy_username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->consent_row), "");
  gtk_check_button_set_active (self->consent_check, FALSE);
}

static void
staff_grant_proxy_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);
  g_autofree char *username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->proxy_username_row))));
  g_autofree char *consent = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->consent_row))));
  guint relationship = adw_combo_row_get_selected (self->relationship_row);

  if (self->client == NULL || self->patient == NULL ||
      !gtk_widget_get_sensitive (GTK_WIDGET (self->proxy_button)))
    return;

  if (username[0] == '\0')
    {
      show_status (self->proxy_status, _("Type the username of the parent or caregiver."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->proxy_username_row));
      return;
    }
  if (consent[0] == '\0' || !gtk_check_button_get_active (self->consent_check))
    {
      show_status (self->proxy_status, _("Proxy access needs the signed consent form: type its number and check that it is signed."), TRUE);
      gtk_widget_grab_focus (consent[0] == '\0' ? GTK_WIDGET (self->consent_row)
                                                : GTK_WIDGET (self->consent_check));
      return;
    }
  if (relationship >= G_N_ELEMENTS (relationships))
    return;

  show_label (self->proxy_status, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->proxy_button), FALSE);
  alta_portal_client_staff_grant_proxy_async (self->client, username,
                                              alta_staff_patient_get_id (self->patient),
                                              relationships[relationship], consent,
                                              self->cancellable, grant_proxy_cb,
                                              g_object_ref (self));
}

static void
staff_hand_off_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);

  if (self->code == NULL)
    return;

  g_signal_emit (self, signals[HAND_OFF], 0, self->code);
}

static void
staff_finish_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (widget);

  alta_station_staff_page_clear (self);
  alta_station_staff_page_focus (self);
}

static void
alta_station_staff_page_dispose (GObject *object)
{
  AltaStationStaffPage *self = ALTA_STATION_STAFF_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->results);
  g_clear_object (&self->patient);
  clear_code (self);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_STATION_STAFF_PAGE);

  G_OBJECT_CLASS (alta_station_staff_page_parent_class)->dispose (object);
}

static void
alta_station_staff_page_class_init (AltaStationStaffPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_station_staff_page_dispose;

  /**
   * AltaStationStaffPage::hand-off:
   * @code: the activation code just issued
   *
   * The staff member hands the screen to the patient, to sign up with @code.
   */
  signals[HAND_OFF] = g_signal_new ("hand-off", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-station-staff-page.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, given_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, family_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, birth_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, search_error);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, search_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, search_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, results_label);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, results_list);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, patient_name);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, patient_details);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, enroll_box);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, photo_id_check);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, questions_check);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, known_check);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, issue_error);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, issue_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, reset_box);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, reset_username_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, reset_status);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, reset_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, proxy_box);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, proxy_username_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, relationship_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, consent_row);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, consent_check);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, proxy_status);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, proxy_button);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, code_title);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, AltaStationStaffPage, code_note);
  gtk_widget_class_bind_template_callback (widget_class, on_identity_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_issue_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activated_cb);

  gtk_widget_class_install_action (widget_class, "staff.search", NULL, staff_search_action);
  gtk_widget_class_install_action (widget_class, "staff.back", NULL, staff_back_action);
  gtk_widget_class_install_action (widget_class, "staff.issue-code", NULL, staff_issue_code_action);
  gtk_widget_class_install_action (widget_class, "staff.send-reset", NULL, staff_send_reset_action);
  gtk_widget_class_install_action (widget_class, "staff.grant-proxy", NULL, staff_grant_proxy_action);
  gtk_widget_class_install_action (widget_class, "staff.hand-off", NULL, staff_hand_off_action);
  gtk_widget_class_install_action (widget_class, "staff.finish", NULL, staff_finish_action);
}

static void
alta_station_staff_page_init (AltaStationStaffPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The check buttons have their own names and name their rows; the label libadwaita adds
   * would make them say it twice */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->photo_id_check),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->questions_check),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->known_check),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->consent_check),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  alta_a11y_name_inner (GTK_WIDGET (self->relationship_row), GTK_TYPE_LIST_VIEW,
                        _("Relationships"));
  update_issue_button (self);
}

void
alta_station_staff_page_set_client (AltaStationStaffPage *self,
                                    AltaPortalClient     *client)
{
  g_return_if_fail (ALTA_IS_STATION_STAFF_PAGE (self));

  g_set_object (&self->client, client);
}

/**
 * alta_station_staff_page_clear:
 *
 * Forgets every patient: the search typed, its results, the patient shown and the code
 * issued; back to an empty search.
 */
void
alta_station_staff_page_clear (AltaStationStaffPage *self)
{
  g_return_if_fail (ALTA_IS_STATION_STAFF_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  set_searching (self, FALSE);
  set_issuing (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->proxy_button), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->given_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->family_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->birth_row), "");
  show_label (self->search_error, NULL);
  clear_results (self);
  clear_patient (self);
  clear_code (self);
  gtk_stack_set_visible_child_name (self->stack, "search");
}

void
alta_station_staff_page_focus (AltaStationStaffPage *self)
{
  g_return_if_fail (ALTA_IS_STATION_STAFF_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->given_row));
}

/**
 * alta_station_staff_page_get_code:
 *
 * Returns: (nullable): the activation code issued and shown
 */
const char *
alta_station_staff_page_get_code (AltaStationStaffPage *self)
{
  g_return_val_if_fail (ALTA_IS_STATION_STAFF_PAGE (self), NULL);

  return self->code;
}
