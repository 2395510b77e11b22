/* alta-appointments-page.c: visits to come and past, booking, cancelling, dental requests
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-appointments-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-app-mode.h"
#include "alta-a11y.h"
#include "alta-appointment-row.h"
#include "alta-appointments-page.h"
#include "alta-booking-dialog.h"
#include "alta-calendar.h"
#include "alta-format.h"
#include "alta-portal-client-appointments.h"
#include "alta-portal-error.h"

/* Three lists bound to the session's models: the visits to come (each with "Add to
 * Calendar" and "Cancel"), the dental requests with where each stands, and the past
 * visits. "Book a Visit" opens the booking dialog for the record shown; a booking, a
 * cancellation or a request refreshes the session's appointments, and the lists follow.
 * The dental request form is a draft of the page: what was typed stays through a failed
 * send (with one request id per draft, so that a retry never asks twice), and goes at
 * sign-out. Errors say what happened in a line over the lists, and go to the log.
 */

#define DAYS_AHEAD  21
#define MAX_REASON  1000

typedef enum
{
  TIME_MORNING,
  TIME_AFTERNOON,
  TIME_ANY,
} TimeOfDay;

struct _AltaAppointmentsPage
{
  AdwBin                parent_instance;

  AltaSession          *session;
  GSignalGroup         *session_signals;
  GCancellable         *cancellable;
  GPtrArray            *days;               /* GDateTime, the days a request may name */
  char                 *dental_request_id;  /* of the draft being sent */
  GTimeZone            *dental_zone;        /* the dental clinic's, once looked up */
  AltaAppointment      *calendar_appointment;

  /* Template widgets */
  GtkLabel             *dental_error_label;
  GtkButton            *dental_cancel_button;
  GtkListBox           *dental_list;
  GtkButton            *dental_send_button;
  GtkSpinner           *dental_spinner;
  GtkLabel             *error_label;
  GtkRevealer          *error_revealer;
  AdwComboRow          *first_day_row;
  GtkListBox           *past_list;
  AdwEntryRow          *reason_row;
  AdwComboRow          *second_day_row;
  GtkLabel             *status_label;
  AdwComboRow          *time_row;
  GtkListBox           *upcoming_list;
};

G_DEFINE_FINAL_TYPE (AltaAppointmentsPage, alta_appointments_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
restart_cancellable (AltaAppointmentsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
show_error (AltaAppointmentsPage *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  /* An empty label is read by its type name: it shows only with a text */
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* Lists */

static GtkWidget *
create_row (gpointer               item,
            AltaAppointmentsPage  *self,
            AltaAppointmentRowKind kind)
{
  AltaClinic *clinic = self->session != NULL
                         ? alta_session_find_clinic (self->session,
                                                     alta_appointment_get_location_id (item))
                         : NULL;

  /* Desktop mode: the file chooser portal saves the calendar file */
  return alta_appointment_row_new (item, clinic, kind, alta_app_mode_allows_files ());
}

static GtkWidget *
create_upcoming_row (gpointer item,
                     gpointer user_data)
{
  return create_row (item, user_data, ALTA_APPOINTMENT_ROW_UPCOMING);
}

static GtkWidget *
create_past_row (gpointer item,
                 gpointer user_data)
{
  return create_row (item, user_data, ALTA_APPOINTMENT_ROW_PAST);
}

static GtkWidget *
create_request_row (gpointer item,
                    gpointer user_data)
{
  return create_row (item, user_data, ALTA_APPOINTMENT_ROW_REQUEST);
}

static void
bind_models (AltaAppointmentsPage *self,
             AltaSession          *session)
{
  gtk_list_box_bind_model (self->upcoming_list,
                           session != NULL ? alta_session_get_upcoming (session) : NULL,
                           create_upcoming_row, self, NULL);
  gtk_list_box_bind_model (self->dental_list,
                           session != NULL ? alta_session_get_dental_requests (session) : NULL,
                           create_request_row, self, NULL);
  gtk_list_box_bind_model (self->past_list,
                           session != NULL ? alta_session_get_past (session) : NULL,
                           create_past_row, self, NULL);
}

static AltaAppointment *
find_appointment (AltaAppointmentsPage *self,
                  const char           *id)
{
  GListModel *models[2];

  if (self->session == NULL || id == NULL)
    return NULL;

  models[0] = alta_session_get_upcoming (self->session);
  models[1] = alta_session_get_dental_requests (self->session);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint i = 0; i < g_list_model_get_n_items (models[m]); i++)
      {
        g_autoptr (AltaAppointment) appointment = g_list_model_get_item (models[m], i);

        if (g_strcmp0 (alta_record_item_get_id (ALTA_RECORD_ITEM (appointment)), id) == 0)
          return appointment;
      }

  return NULL;
}

static void
update_status (AltaAppointmentsPage *self)
{
  const char *text = NULL;

  if (self->session == NULL)
    text = "";
  else
    switch (alta_session_get_appointment_state (self->session))
      {
      case ALTA_LOAD_STATE_LOADING:
        text = _("Checking appointments…");
        break;
      case ALTA_LOAD_STATE_FAILED:
        text = _("Appointments could not be checked right now. What is shown may be out of date.");
        break;
      case ALTA_LOAD_STATE_LOADED:
      default:
        text = "";
        break;
      }

  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text[0] != '\0');
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaAppointmentsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  /* The session logs a failure and says it in its state */
  alta_session_refresh_appointments_finish (ALTA_SESSION (object), result, &error);
}

static void
refresh (AltaAppointmentsPage *self)
{
  if (self->session != NULL)
    alta_session_refresh_appointments_async (self->session, self->cancellable, refreshed_cb,
                                             g_object_ref (self));
}

static void
appointments_refresh_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (widget);

  show_error (self, NULL);
  refresh (self);
}

/* Booking: the booking dialog, for the record shown */

static void
on_booked_cb (AltaBookingDialog    *dialog,
              AltaAppointment      *appointment,
              AltaAppointmentsPage *self)
{
  show_error (self, NULL);
  refresh (self);
}

static void
appointments_book_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AltaBookingDialog *dialog;

  if (self->session == NULL || alta_session_get_record_id (self->session) == NULL)
    return;

  dialog = alta_booking_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                    alta_session_get_client (self->session),
                                    alta_session_get_record_id (self->session),
                                    alta_app_mode_allows_files ());
  g_signal_connect_object (dialog, "booked", G_CALLBACK (on_booked_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Cancelling, once confirmed */

static char *
describe (AltaAppointmentsPage *self,
          AltaAppointment      *appointment)
{
  AltaClinic *clinic = alta_session_find_clinic (self->session,
                                                 alta_appointment_get_location_id (appointment));
  GTimeZone *zone = clinic != NULL ? alta_clinic_get_time_zone (clinic) : NULL;
  GDateTime *start = alta_appointment_get_start (appointment);
  const char *with = alta_appointment_get_practitioner (appointment);
  g_autofree char *when = NULL;

  if (start == NULL)
    return g_strdup (_("The clinic will not book this request."));

  /* Translators: when a visit is, see strftime(3) */
  when = alta_format_date_time_in_zone (start, zone, _("%A, %B %-d, %Y at %-I:%M %p"));
  if (with != NULL)
    /* Translators: the visit to cancel: when, and with whom */
    return g_strdup_printf (_("%s, with %s. The time becomes free for other patients."), when, with);
  /* Translators: the visit to cancel: when */
  return g_strdup_printf (_("%s. The time becomes free for other patients."), when);
}

static void
cancelled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaAppointmentsPage) self = user_data;
  g_autoptr (AltaAppointment) appointment = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  appointment = alta_portal_client_cancel_appointment_finish (ALTA_PORTAL_CLIENT (object), result,
                                                              &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (appointment != NULL)
    {
      alta_a11y_add_toast (self, adw_toast_new (_("Appointment cancelled")));
      refresh (self);
      return;
    }

  g_message ("The cancellation failed: %s", error->message);
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT))
    {
      message = g_strdup (_("This appointment changed meanwhile. The list now shows it as it is; please try again if you still want to cancel it."));
      refresh (self);
    }
  else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD))
    {
      message = g_strdup (_("This appointment can no longer be cancelled here. Please call the clinic."));
      refresh (self);
    }
  else
    message = alta_format_error (error);
  show_error (self, message);
}

static void
on_cancel_response_cb (AdwMessageDialog     *dialog,
                       const char           *response,
                       AltaAppointmentsPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "alta-appointment-id");
  AltaAppointment *appointment = find_appointment (self, id);

  if (g_strcmp0 (response, "cancel") != 0 || appointment == NULL || self->session == NULL)
    return;

  show_error (self, NULL);
  alta_portal_client_cancel_appointment_async (alta_session_get_client (self->session),
                                               appointment, self->cancellable, cancelled_cb,
                                               g_object_ref (self));
}

static void
appointments_cancel_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  AltaAppointment *appointment = find_appointment (self, id);
  GtkRoot *root = gtk_widget_get_root (widget);
  gboolean is_request;
  g_autofree char *body = NULL;
  const char *heading;
  GtkWidget *dialog;

  if (appointment == NULL)
    return;

  is_request = alta_appointment_get_state (appointment) == ALTA_APPOINTMENT_REQUESTED;
  body = is_request ? g_strdup (_("The clinic will not book this dental visit."))
                    : describe (self, appointment);
  heading = is_request ? _("Cancel this dental request?") : _("Cancel this appointment?");
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", is_request ? _("Keep Request") : _("Keep Appointment"),
                                    "cancel", is_request ? _("Cancel Request") : _("Cancel Appointment"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "alta-appointment-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response_cb), self, 0);
  alta_a11y_tidy_window (GTK_WINDOW (dialog), heading);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Add to calendar: an .ics file, saved where the person chooses */

static void
on_calendar_response_cb (GtkNativeDialog      *chooser,
                         int                   response,
                         AltaAppointmentsPage *self)
{
  g_autoptr (AltaAppointment) appointment = g_steal_pointer (&self->calendar_appointment);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *uid = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *location = NULL;
  g_autofree char *text = NULL;
  AltaClinic *clinic;
  AltaCalendarEvent event = { 0 };
  const char *with;

  if (response != GTK_RESPONSE_ACCEPT || appointment == NULL || self->session == NULL)
    {
      g_object_unref (chooser);
      return;
    }

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);

  clinic = alta_session_find_clinic (self->session, alta_appointment_get_location_id (appointment));
  with = alta_appointment_get_practitioner (appointment);
  uid = g_strdup_printf ("Appointment-%s@myaltamed.net",
                         alta_record_item_get_id (ALTA_RECORD_ITEM (appointment)));
  /* Translators: the title of a visit in the patient's calendar */
  summary = with != NULL ? g_strdup_printf (_("Appointment with %s"), with)
                         : g_strdup (_("Appointment"));
  if (clinic != NULL)
    location = alta_clinic_get_address (clinic) != NULL
                 ? g_strdup_printf ("%s, %s", alta_record_item_get_title (ALTA_RECORD_ITEM (clinic)),
                                    alta_clinic_get_address (clinic))
                 : g_strdup (alta_record_item_get_title (ALTA_RECORD_ITEM (clinic)));
  else
    location = g_strdup (alta_appointment_get_location (appointment));

  event.uid = uid;
  event.summary = summary;
  event.location = location;
  event.start = alta_appointment_get_start (appointment);
  event.end = alta_appointment_get_end (appointment);
  text = alta_calendar_event_to_ics (&event, now, &error);
  if (text == NULL ||
      !g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                NULL, &error))
    {
      g_message ("The calendar file could not be saved: %s", error->message);
      show_error (self, _("The calendar file could not be saved."));
      return;
    }

  alta_a11y_add_toast (self, adw_toast_new (_("Saved to the calendar file")));
}

static void
appointments_add_to_calendar_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (widget);
  AltaAppointment *appointment = find_appointment (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = NULL;

  if (appointment == NULL || alta_appointment_get_start (appointment) == NULL)
    return;

  g_set_object (&self->calendar_appointment, appointment);
  chooser = gtk_file_chooser_native_new (_("Save to Calendar"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Calendar files"));
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("appointment.ics"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_calendar_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Dental requests */

static void
fill_days (AltaAppointmentsPage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                       g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now),
                                                       0, 0, 0);
  g_autoptr (GtkStringList) first = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) second = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->days, 0);
  gtk_string_list_append (second, _("No second choice"));
  for (int day = 1; day <= DAYS_AHEAD; day++)
    {
      g_autoptr (GDateTime) date = g_date_time_add_days (today, day);
      g_autofree char *name = NULL;

      /* The clinic sees dental patients on weekdays */
      if (g_date_time_get_day_of_week (date) > 5)
        continue;
      /* Translators: a day a dental visit would suit, see strftime(3) */
      name = alta_format_date_time (date, _("%A, %B %-d"));
      gtk_string_list_append (first, name);
      gtk_string_list_append (second, name);
      g_ptr_array_add (self->days, g_date_time_ref (date));
    }

  adw_combo_row_set_model (self->first_day_row, G_LIST_MODEL (first));
  adw_combo_row_set_model (self->second_day_row, G_LIST_MODEL (second));
}

/* A day and time of day, in the dental clinic's time zone: the clinic's 8 in the morning,
 * wherever the computer is */
static AltaRequestedPeriod
period_of (GDateTime *day,
           TimeOfDay  time,
           GTimeZone *zone)
{
  int from = time == TIME_AFTERNOON ? 12 : 8;
  int to = time == TIME_MORNING ? 12 : 17;
  int year, month, day_of_month;

  g_date_time_get_ymd (day, &year, &month, &day_of_month);
  return (AltaRequestedPeriod) { g_date_time_new (zone, year, month, day_of_month, from, 0, 0),
                                 g_date_time_new (zone, year, month, day_of_month, to, 0, 0) };
}

static void
set_sending (AltaAppointmentsPage *self,
             gboolean              sending)
{
  gtk_widget_set_visible (GTK_WIDGET (self->dental_spinner), sending);
  gtk_widget_set_visible (GTK_WIDGET (self->dental_cancel_button), sending);
  gtk_spinner_set_spinning (self->dental_spinner, sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dental_send_button), !sending);
  /* Not insensitive: a focused text that turns insensitive loses the focus */
  gtk_editable_set_editable (GTK_EDITABLE (self->reason_row), !sending);
}

static void
show_dental_error (AltaAppointmentsPage *self,
                   const char           *message)
{
  gtk_label_set_label (self->dental_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->dental_error_label), message != NULL);
}

/* The draft goes: after a request is sent, and at sign-out */
static void
clear_dental_draft (AltaAppointmentsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
  adw_combo_row_set_selected (self->first_day_row, 0);
  adw_combo_row_set_selected (self->second_day_row, 0);
  adw_combo_row_set_selected (self->time_row, TIME_ANY);
  g_clear_pointer (&self->dental_request_id, g_free);
  show_dental_error (self, NULL);
}

static void
dental_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AltaAppointmentsPage) self = user_data;
  g_autoptr (AltaAppointment) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  request = alta_portal_client_request_dental_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_sending (self, FALSE);
  if (request != NULL)
    {
      clear_dental_draft (self);
      alta_a11y_add_toast (self, adw_toast_new (_("Dental request sent")));
      refresh (self);
      return;
    }

  /* What was typed stays, and so does the request's id: sending again cannot ask twice */
  g_message ("The dental request failed: %s", error->message);
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD))
    message = g_strdup (_("The clinic could not take this request. Please check the days and the reason, then send it again."));
  else
    message = alta_format_error (error);
  show_dental_error (self, message);
}

static void
dental_clinic_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AltaAppointmentsPage) self = user_data;
  g_autoptr (AltaClinic) clinic = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  clinic = alta_portal_client_find_dental_clinic_finish (ALTA_PORTAL_CLIENT (object), result,
                                                         &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (clinic != NULL && alta_clinic_get_time_zone (clinic) != NULL)
    {
      self->dental_zone = g_time_zone_ref (alta_clinic_get_time_zone (clinic));
      /* Now in the clinic's time: the request goes as typed */
      set_sending (self, FALSE);
      gtk_widget_activate_action (GTK_WIDGET (self), "appointments.send-dental", NULL);
      return;
    }

  set_sending (self, FALSE);
  if (clinic != NULL)
    {
      g_message ("The dental clinic says no time zone");
      g_set_error_literal (&error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND,
                           "The dental clinic has no time zone");
    }
  else
    g_message ("The dental clinic could not be found: %s", error->message);
  message = alta_format_error (error);
  show_dental_error (self, message);
}

/* The clinic that takes dental requests, for its time zone: the record's own dental clinic
 * if a dental visit names one */
static void
find_dental_zone (AltaAppointmentsPage *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) preferred = NULL;
  GListModel *models[] = {
    alta_session_get_dental_requests (self->session),
    alta_session_get_upcoming (self->session),
    alta_session_get_past (self->session),
  };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint i = 0; i < g_list_model_get_n_items (models[m]); i++)
      {
        g_autoptr (AltaAppointment) appointment = g_list_model_get_item (models[m], i);

        if (alta_appointment_get_service (appointment) == ALTA_SERVICE_DENTAL &&
            alta_appointment_get_location_id (appointment) != NULL)
          g_strv_builder_add (builder, alta_appointment_get_location_id (appointment));
      }
  preferred = g_strv_builder_end (builder);
  alta_portal_client_find_dental_clinic_async (alta_session_get_client (self->session),
                                               (const char * const *)preferred,
                                               self->cancellable, dental_clinic_cb,
                                               g_object_ref (self));
}

/* Cancel, while a request is on its way: what was typed stays, and so does the request's id
 * (the portal may have it already: sending again cannot ask twice) */
static void
appointments_cancel_dental_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (widget);

  restart_cancellable (self);
  set_sending (self, FALSE);
  show_dental_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->dental_send_button));
}

static void
appointments_send_dental_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (widget);
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (reason));
  guint first = adw_combo_row_get_selected (self->first_day_row);
  guint second = adw_combo_row_get_selected (self->second_day_row);
  TimeOfDay time = adw_combo_row_get_selected (self->time_row);
  AltaRequestedPeriod periods[2];
  guint n_periods = 0;

  if (self->session == NULL || alta_session_get_record_id (self->session) == NULL)
    return;

  if (trimmed[0] == '\0')
    {
      show_dental_error (self, _("Please say what the visit is for."));
      gtk_widget_grab_focus (GTK_WIDGET (self->reason_row));
      return;
    }
  if (g_utf8_strlen (reason, -1) > MAX_REASON)
    {
      g_autofree char *message = g_strdup_printf (_("Please shorten the reason to %d characters or fewer."),
                                                  MAX_REASON);

      show_dental_error (self, message);
      return;
    }
  if (first >= self->days->len)
    return;
  if (time > TIME_ANY)
    time = TIME_ANY;

  show_dental_error (self, NULL);
  set_sending (self, TRUE);
  if (self->dental_zone == NULL)
    {
      find_dental_zone (self);
      return;
    }

  periods[n_periods++] = period_of (g_ptr_array_index (self->days, first), time,
                                    self->dental_zone);
  /* The second list starts with "No second choice" */
  if (second > 0 && second - 1 < self->days->len && second - 1 != first)
    periods[n_periods++] = period_of (g_ptr_array_index (self->days, second - 1), time,
                                      self->dental_zone);

  if (self->dental_request_id == NULL)
    self->dental_request_id = g_uuid_string_random ();
  alta_portal_client_request_dental_async (alta_session_get_client (self->session),
                                           alta_session_get_record_id (self->session), periods,
                                           n_periods, trimmed, self->dental_request_id,
                                           self->cancellable, dental_sent_cb,
                                           g_object_ref (self));
  for (guint i = 0; i < n_periods; i++)
    {
      g_date_time_unref (periods[i].start);
      g_date_time_unref (periods[i].end);
    }
}

static void
on_reason_row_entry_activated_cb (AltaAppointmentsPage *self,
                                  AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "appointments.send-dental", NULL);
}

/* The session */

static void
on_session_bind_cb (AltaAppointmentsPage *self,
                    AltaSession          *session,
                    GSignalGroup         *group)
{
  fill_days (self);
  bind_models (self, session);
  update_status (self);
}

/* Nothing of the last session stays on the page: its lists, messages and draft */
static void
on_session_unbind_cb (AltaAppointmentsPage *self,
                      GSignalGroup         *group)
{
  restart_cancellable (self);
  set_sending (self, FALSE);
  bind_models (self, NULL);
  clear_dental_draft (self);
  show_error (self, NULL);
  g_clear_object (&self->calendar_appointment);
  g_clear_pointer (&self->dental_zone, g_time_zone_unref);
  update_status (self);
}

/* Another record: what was typed stays, but it is a new request for that record */
static void
on_record_changed_cb (AltaAppointmentsPage *self)
{
  restart_cancellable (self);
  set_sending (self, FALSE);
  g_clear_pointer (&self->dental_request_id, g_free);
  show_error (self, NULL);
  show_dental_error (self, NULL);
}

static void
alta_appointments_page_dispose (GObject *object)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_object (&self->calendar_appointment);
  g_clear_pointer (&self->days, g_ptr_array_unref);
  g_clear_pointer (&self->dental_zone, g_time_zone_unref);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_APPOINTMENTS_PAGE);

  G_OBJECT_CLASS (alta_appointments_page_parent_class)->dispose (object);
}

static void
alta_appointments_page_finalize (GObject *object)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (object);

  g_clear_pointer (&self->dental_request_id, g_free);

  G_OBJECT_CLASS (alta_appointments_page_parent_class)->finalize (object);
}

static void
alta_appointments_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_appointments_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  AltaAppointmentsPage *self = ALTA_APPOINTMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_appointments_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_appointments_page_class_init (AltaAppointmentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_appointments_page_dispose;
  object_class->finalize = alta_appointments_page_finalize;
  object_class->get_property = alta_appointments_page_get_property;
  object_class->set_property = alta_appointments_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ALTA_TYPE_APPOINTMENT_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-appointments-page.ui");
  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, dental_error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, dental_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, dental_list);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, dental_send_button);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, dental_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, first_day_row);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, past_list);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, reason_row);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, second_day_row);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, time_row);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentsPage, upcoming_list);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_row_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "appointments.add-to-calendar", "s",
                                   appointments_add_to_calendar_action);
  gtk_widget_class_install_action (widget_class, "appointments.book", NULL,
                                   appointments_book_action);
  gtk_widget_class_install_action (widget_class, "appointments.cancel", "s",
                                   appointments_cancel_action);
  gtk_widget_class_install_action (widget_class, "appointments.refresh", NULL,
                                   appointments_refresh_action);
  gtk_widget_class_install_action (widget_class, "appointments.cancel-dental", NULL,
                                   appointments_cancel_dental_action);
  gtk_widget_class_install_action (widget_class, "appointments.send-dental", NULL,
                                   appointments_send_dental_action);
}

static void
alta_appointments_page_init (AltaAppointmentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->days = g_ptr_array_new_with_free_func ((GDestroyNotify)g_date_time_unref);
  alta_a11y_set_list_placeholder (self->upcoming_list, _("No upcoming appointments"));
  alta_a11y_set_list_placeholder (self->dental_list, _("No dental requests"));
  alta_a11y_set_list_placeholder (self->past_list, _("No past appointments on file"));
  adw_combo_row_set_selected (self->time_row, TIME_ANY);
  fill_days (self);
  /* The combo rows' lists of choices are named for what they offer */
  alta_a11y_name_inner (GTK_WIDGET (self->first_day_row), GTK_TYPE_LIST_VIEW,
                        _("Days to choose from"));
  alta_a11y_name_inner (GTK_WIDGET (self->second_day_row), GTK_TYPE_LIST_VIEW,
                        _("Other days to choose from"));
  alta_a11y_name_inner (GTK_WIDGET (self->time_row), GTK_TYPE_LIST_VIEW,
                        _("Times of day to choose from"));
  /* Each list is one Tab stop, arrows move in it */
  alta_a11y_one_tab_stop_per_list (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_connect_object (self->session_signals, "bind", G_CALLBACK (on_session_bind_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_signals, "unbind", G_CALLBACK (on_session_unbind_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->session_signals, "notify::appointment-state",
                                  G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-id",
                                  G_CALLBACK (on_record_changed_cb), self);
}

/**
 * alta_appointments_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_appointments_page_get_session (AltaAppointmentsPage *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENTS_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_appointments_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_appointments_page_set_session (AltaAppointmentsPage *self,
                                    AltaSession          *session)
{
  g_return_if_fail (ALTA_IS_APPOINTMENTS_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
