/* alta-booking-dialog.c: booking a medical visit: the kind, a free time, confirm
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-booking-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-appointment.h"
#include "alta-booking-dialog.h"
#include "alta-calendar.h"
#include "alta-clinic.h"
#include "alta-format.h"
#include "alta-portal-error.h"
#include "alta-schedule.h"
#include "alta-slot.h"

/* Four steps in a stack: the kind of visit (with, optionally, a clinician or a clinic), the
 * free times of the next two weeks by day in the clinic's time zone, a confirmation with an
 * optional reason, and the booked visit with "Add to calendar". A booking keeps one request
 * id per chosen slot, so sending it again after a lost answer cannot book twice; a slot
 * taken meanwhile brings back the times, reloaded, with a notice. Every request can be
 * cancelled, and closing the dialog cancels what is in flight.
 */

#define DAYS_AHEAD     14
#define MAX_REASON     1000
#define MAX_SCHEDULES  20

struct _AltaBookingDialog
{
  AdwWindow          parent_instance;

  AltaPortalClient  *client;
  char              *patient_id;
  gboolean           allow_files;
  GCancellable      *cancellable;

  GPtrArray         *schedules;      /* AltaSchedule, medical */
  GHashTable        *clinics;        /* Location id → AltaClinic */
  GPtrArray         *chosen;         /* AltaSchedule, the ones searched */
  GPtrArray         *slots;          /* AltaSlot, free, soonest first */
  guint              pending;        /* searches in flight */
  GError            *search_error;
  AltaSlot          *slot;           /* the time chosen */
  char              *request_id;     /* of booking that slot */
  AltaAppointment   *booked;
  gboolean           taken;          /* the last choice was taken meanwhile */

  /* Template widgets */
  GtkButton         *back_button;
  GtkStack          *steps;
  GtkSpinner        *spinner;
  GtkLabel          *loading_label;
  AdwStatusPage     *failed_page;
  AdwComboRow       *kind_row;
  AdwComboRow       *clinician_row;
  AdwComboRow       *clinic_row;
  GtkLabel          *times_notice;
  GtkLabel          *times_zone;
  GtkBox            *days_box;
  AdwStatusPage     *no_times;
  AdwActionRow      *when_row;
  AdwActionRow      *with_row;
  AdwActionRow      *where_row;
  AdwEntryRow       *reason_row;
  GtkRevealer       *error_revealer;
  GtkLabel          *error_label;
  GtkSpinner        *book_spinner;
  GtkButton         *book_button;
  AdwStatusPage     *booked_page;
  GtkButton         *calendar_button;
};

G_DEFINE_FINAL_TYPE (AltaBookingDialog, alta_booking_dialog, ADW_TYPE_WINDOW)

enum {
  BOOKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_schedules (AltaBookingDialog *self);
static void load_times     (AltaBookingDialog *self);

/* Steps */

static void
show_step (AltaBookingDialog *self,
           const char        *name)
{
  gboolean loading = g_str_equal (name, "loading");

  gtk_stack_set_visible_child_name (self->steps, name);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          g_str_equal (name, "times") || g_str_equal (name, "confirm"));
}

static void
show_loading (AltaBookingDialog *self,
              const char        *text)
{
  gtk_label_set_label (self->loading_label, text);
  show_step (self, "loading");
}

static void
show_failed (AltaBookingDialog *self,
             const GError      *error)
{
  g_autofree char *message = alta_format_error (error);

  adw_status_page_set_description (self->failed_page, message);
  show_step (self, "failed");
}

static void
restart_cancellable (AltaBookingDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static AltaClinic *
clinic_of (AltaBookingDialog *self,
           AltaSchedule      *schedule)
{
  const char *id = alta_schedule_get_location_id (schedule);

  return id != NULL ? g_hash_table_lookup (self->clinics, id) : NULL;
}

static AltaSchedule *
schedule_of_slot (AltaBookingDialog *self,
                  AltaSlot          *slot)
{
  for (guint i = 0; i < self->chosen->len; i++)
    {
      AltaSchedule *schedule = g_ptr_array_index (self->chosen, i);

      if (g_strcmp0 (alta_record_item_get_id (ALTA_RECORD_ITEM (schedule)),
                     alta_slot_get_schedule_id (slot)) == 0)
        return schedule;
    }

  return NULL;
}

static GTimeZone *
zone_of_slot (AltaBookingDialog *self,
              AltaSlot          *slot)
{
  AltaSchedule *schedule = schedule_of_slot (self, slot);
  AltaClinic *clinic = schedule != NULL ? clinic_of (self, schedule) : NULL;

  return clinic != NULL ? alta_clinic_get_time_zone (clinic) : NULL;
}

/* The choice: kinds of visit, and who and where for the kind chosen */

static const char *
specialty_of (AltaSchedule *schedule)
{
  const char *specialty = alta_schedule_get_specialty (schedule);

  return specialty != NULL ? specialty : _("General visit");
}

static const char *
selected_string (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
fill_clinicians_and_clinics (AltaBookingDialog *self)
{
  const char *kind = selected_string (self->kind_row);
  g_autoptr (GtkStringList) clinicians = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) clinics = gtk_string_list_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_string_list_append (clinicians, _("Any clinician"));
  gtk_string_list_append (clinics, _("Any clinic"));
  for (guint i = 0; i < self->schedules->len; i++)
    {
      AltaSchedule *schedule = g_ptr_array_index (self->schedules, i);
      const char *who = alta_schedule_get_practitioner (schedule);
      const char *where = alta_schedule_get_location (schedule);

      if (g_strcmp0 (specialty_of (schedule), kind) != 0)
        continue;
      if (who != NULL && g_hash_table_add (seen, (gpointer) who))
        gtk_string_list_append (clinicians, who);
      if (where != NULL && g_hash_table_add (seen, (gpointer) where))
        gtk_string_list_append (clinics, where);
    }

  adw_combo_row_set_model (self->clinician_row, G_LIST_MODEL (clinicians));
  adw_combo_row_set_model (self->clinic_row, G_LIST_MODEL (clinics));
}

static void
on_kind_selected_cb (AltaBookingDialog *self)
{
  fill_clinicians_and_clinics (self);
}

static void
fill_kinds (AltaBookingDialog *self)
{
  g_autoptr (GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->schedules->len; i++)
    {
      const char *kind = specialty_of (g_ptr_array_index (self->schedules, i));

      if (g_hash_table_add (seen, (gpointer) kind))
        gtk_string_list_append (kinds, kind);
    }

  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  fill_clinicians_and_clinics (self);
}

/* The schedules that match the choice */
static void
choose_schedules (AltaBookingDialog *self)
{
  const char *kind = selected_string (self->kind_row);
  const char *who = adw_combo_row_get_selected (self->clinician_row) > 0
                      ? selected_string (self->clinician_row) : NULL;
  const char *where = adw_combo_row_get_selected (self->clinic_row) > 0
                        ? selected_string (self->clinic_row) : NULL;

  g_ptr_array_set_size (self->chosen, 0);
  for (guint i = 0; i < self->schedules->len && self->chosen->len < MAX_SCHEDULES; i++)
    {
      AltaSchedule *schedule = g_ptr_array_index (self->schedules, i);

      if (g_strcmp0 (specialty_of (schedule), kind) == 0 &&
          (who == NULL || g_strcmp0 (alta_schedule_get_practitioner (schedule), who) == 0) &&
          (where == NULL || g_strcmp0 (alta_schedule_get_location (schedule), where) == 0))
        g_ptr_array_add (self->chosen, g_object_ref (schedule));
    }
}

/* Loading the schedules and their clinics */

static void
clinic_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AltaBookingDialog) self = user_data;
  g_autoptr (AltaRecordItem) clinic = NULL;
  g_autoptr (GError) error = NULL;

  clinic = alta_portal_client_read_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A clinic that cannot be read leaves its visits in the computer's time, with no address */
  if (clinic != NULL)
    g_hash_table_replace (self->clinics,
                          g_strdup (alta_record_item_get_id (clinic)), g_object_ref (clinic));
  else
    g_message ("A clinic could not be read: %s", error->message);

  if (--self->pending == 0)
    {
      fill_kinds (self);
      show_step (self, "choose");
    }
}

static void
schedules_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaBookingDialog) self = user_data;
  g_autoptr (GListStore) schedules = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) locations = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer id;

  schedules = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (schedules == NULL)
    {
      g_message ("Schedules could not be read: %s", error->message);
      show_failed (self, error);
      return;
    }

  g_ptr_array_set_size (self->schedules, 0);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (schedules)); i++)
    {
      g_autoptr (AltaSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (schedules), i);

      if (alta_schedule_get_service (schedule) != ALTA_SERVICE_MEDICAL ||
          alta_schedule_get_practitioner (schedule) == NULL)
        continue;
      g_ptr_array_add (self->schedules, g_object_ref (schedule));
      if (alta_schedule_get_location_id (schedule) != NULL)
        g_hash_table_add (locations, (gpointer) alta_schedule_get_location_id (schedule));
    }

  if (self->schedules->len == 0)
    {
      g_autoptr (GError) none = g_error_new_literal (ALTA_PORTAL_ERROR,
                                                     ALTA_PORTAL_ERROR_NOT_FOUND,
                                                     "No medical schedule");

      g_message ("The portal has no medical schedule to book in");
      show_failed (self, none);
      return;
    }

  self->pending = 1;
  g_hash_table_iter_init (&iter, locations);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      self->pending++;
      alta_portal_client_read_async (self->client, ALTA_TYPE_CLINIC, id, ALTA_REQUEST_NONE,
                                     self->cancellable, clinic_read_cb, g_object_ref (self));
    }
  if (--self->pending == 0)
    {
      fill_kinds (self);
      show_step (self, "choose");
    }
}

static void
load_schedules (AltaBookingDialog *self)
{
  restart_cancellable (self);
  show_loading (self, _("Finding the kinds of visit…"));
  alta_portal_client_search_async (self->client, ALTA_TYPE_SCHEDULE,
                                   (const char *[]) { "service-category", "medical", NULL },
                                   ALTA_REQUEST_NONE, self->cancellable, schedules_cb,
                                   g_object_ref (self));
}

/* The free times, by day */

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  AltaSlot *first = *(AltaSlot **) a;
  AltaSlot *second = *(AltaSlot **) b;

  return g_date_time_compare (alta_slot_get_start (first), alta_slot_get_start (second));
}

static void
on_time_clicked_cb (GtkButton         *button,
                    AltaBookingDialog *self);

static GtkWidget *
time_button_new (AltaBookingDialog *self,
                 AltaSlot          *slot,
                 gboolean           with_clinician)
{
  AltaSchedule *schedule = schedule_of_slot (self, slot);
  /* Translators: a free time to book, see strftime(3) */
  g_autofree char *time = alta_format_date_time_in_zone (alta_slot_get_start (slot),
                                                         zone_of_slot (self, slot),
                                                         _("%-I:%M %p"));
  g_autofree char *label = NULL;
  GtkWidget *button;

  if (with_clinician && schedule != NULL)
    /* Translators: a free time and who it is with: "9:30 AM, Ana Flores, MD" */
    label = g_strdup_printf (_("%s, %s"), time, alta_schedule_get_practitioner (schedule));
  else
    label = g_strdup (time);

  button = gtk_button_new_with_label (label);
  g_object_set_data_full (G_OBJECT (button), "alta-slot", g_object_ref (slot), g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_time_clicked_cb), self);
  return button;
}

static void
clear_days (AltaBookingDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->days_box))) != NULL)
    gtk_box_remove (self->days_box, child);
}

static void
show_times (AltaBookingDialog *self)
{
  GtkWidget *flow = NULL;
  g_autofree char *day = NULL;
  gboolean several = self->chosen->len > 1;
  GTimeZone *zone = NULL;

  clear_days (self);
  g_ptr_array_sort (self->slots, compare_slots);

  for (guint i = 0; i < self->slots->len; i++)
    {
      AltaSlot *slot = g_ptr_array_index (self->slots, i);
      /* Translators: a day of free times, see strftime(3) */
      g_autofree char *this_day = alta_format_date_time_in_zone (alta_slot_get_start (slot),
                                                                 zone_of_slot (self, slot),
                                                                 _("%A, %B %-d"));

      zone = zone_of_slot (self, slot);
      if (g_strcmp0 (day, this_day) != 0)
        {
          GtkWidget *group = adw_preferences_group_new ();

          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), this_day);
          flow = gtk_flow_box_new ();
          gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
          gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
          gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), several ? 1 : 2);
          gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), several ? 2 : 4);
          gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
          gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
          gtk_accessible_update_property (GTK_ACCESSIBLE (flow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          this_day, -1);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), flow);
          gtk_box_append (self->days_box, group);
          g_free (day);
          day = g_steal_pointer (&this_day);
        }

      gtk_flow_box_append (GTK_FLOW_BOX (flow), time_button_new (self, slot, several));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->no_times), self->slots->len == 0);
  if (zone != NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now (zone);
      g_autofree char *text = g_strdup_printf (_("Times are in the clinic’s time zone (%s)."),
                                               g_date_time_get_timezone_abbreviation (now));

      gtk_label_set_label (self->times_zone, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->times_zone), zone != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->times_notice), self->taken);
  if (self->taken)
    gtk_label_set_label (self->times_notice,
                         _("Someone booked that time just before you. Here are the free times now."));

  show_step (self, "times");
}

static void
slots_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (AltaBookingDialog) self = user_data;
  g_autoptr (GListStore) slots = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  slots = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (slots == NULL)
    {
      if (self->search_error == NULL)
        self->search_error = g_steal_pointer (&error);
    }
  else
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (slots)); i++)
      {
        g_autoptr (AltaSlot) slot = g_list_model_get_item (G_LIST_MODEL (slots), i);

        if (alta_slot_get_is_free (slot) &&
            g_date_time_compare (alta_slot_get_start (slot), now) > 0)
          g_ptr_array_add (self->slots, g_object_ref (slot));
      }

  if (--self->pending > 0)
    return;

  if (self->search_error != NULL)
    {
      g_message ("Free times could not be read: %s", self->search_error->message);
      show_failed (self, self->search_error);
      return;
    }

  show_times (self);
}

static void
load_times (AltaBookingDialog *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) until = g_date_time_add_days (now, DAYS_AHEAD);
  g_autofree char *from = g_date_time_format (now, "ge%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *to = g_date_time_format (until, "lt%Y-%m-%dT%H:%M:%SZ");

  restart_cancellable (self);
  g_ptr_array_set_size (self->slots, 0);
  g_clear_error (&self->search_error);
  show_loading (self, _("Finding free times…"));

  self->pending = self->chosen->len;
  for (guint i = 0; i < self->chosen->len; i++)
    {
      AltaSchedule *schedule = g_ptr_array_index (self->chosen, i);
      g_autofree char *reference = g_strconcat ("Schedule/",
                                                alta_record_item_get_id (ALTA_RECORD_ITEM (schedule)),
                                                NULL);

      alta_portal_client_search_async (self->client, ALTA_TYPE_SLOT,
                                       (const char *[]) { "schedule", reference, "status", "free",
                                                          "start", from, "start", to,
                                                          "_sort", "date", "_count", "200",
                                                          NULL },
                                       ALTA_REQUEST_NONE, self->cancellable, slots_cb,
                                       g_object_ref (self));
    }
}

static void
on_find_clicked_cb (AltaBookingDialog *self)
{
  choose_schedules (self);
  self->taken = FALSE;
  load_times (self);
}

/* Confirming */

static char *
format_when (AltaBookingDialog *self,
             AltaSlot          *slot)
{
  /* Translators: when a visit is, see strftime(3) */
  return alta_format_date_time_in_zone (alta_slot_get_start (slot), zone_of_slot (self, slot),
                                        _("%A, %B %-d, %Y at %-I:%M %p"));
}

static char *
format_where (AltaBookingDialog *self,
              AltaSchedule      *schedule)
{
  AltaClinic *clinic = clinic_of (self, schedule);
  const char *name = alta_schedule_get_location (schedule);

  if (clinic != NULL && alta_clinic_get_address (clinic) != NULL)
    return g_strdup_printf ("%s\n%s", alta_record_item_get_title (ALTA_RECORD_ITEM (clinic)),
                            alta_clinic_get_address (clinic));

  return g_strdup (name != NULL ? name : _("The clinic will tell you"));
}

static void
on_time_clicked_cb (GtkButton         *button,
                    AltaBookingDialog *self)
{
  AltaSlot *slot = g_object_get_data (G_OBJECT (button), "alta-slot");
  AltaSchedule *schedule = schedule_of_slot (self, slot);
  g_autofree char *when = format_when (self, slot);
  g_autofree char *where = schedule != NULL ? format_where (self, schedule) : NULL;

  /* A new time is a new request; the same time again keeps its id */
  if (self->slot == NULL ||
      g_strcmp0 (alta_record_item_get_id (ALTA_RECORD_ITEM (self->slot)),
                 alta_record_item_get_id (ALTA_RECORD_ITEM (slot))) != 0)
    {
      g_set_object (&self->slot, slot);
      g_free (self->request_id);
      self->request_id = g_uuid_string_random ();
    }

  adw_action_row_set_subtitle (self->when_row, when);
  adw_action_row_set_subtitle (self->with_row,
                               schedule != NULL ? alta_schedule_get_practitioner (schedule) : "");
  adw_action_row_set_subtitle (self->where_row, where != NULL ? where : "");
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  show_step (self, "confirm");
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_row));
}

static void
set_booking (AltaBookingDialog *self,
             gboolean           booking)
{
  gtk_widget_set_visible (GTK_WIDGET (self->book_spinner), booking);
  gtk_spinner_set_spinning (self->book_spinner, booking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->book_button), !booking);
  /* Not insensitive: a focused text that turns insensitive loses the focus without a
   * focus-out, and GTK 4.8's cursor blink then warns */
  gtk_editable_set_editable (GTK_EDITABLE (self->reason_row), !booking);
}

static void
show_booked (AltaBookingDialog *self)
{
  AltaSchedule *schedule = schedule_of_slot (self, self->slot);
  g_autofree char *when = format_when (self, self->slot);
  g_autofree char *where = schedule != NULL ? format_where (self, schedule) : g_strdup ("");
  g_autofree char *description = NULL;

  /* Translators: the booked visit: when, with whom, and where (a name and an address) */
  description = g_strdup_printf (_("%s with %s.\n%s"), when,
                                 alta_appointment_get_practitioner (self->booked) != NULL
                                   ? alta_appointment_get_practitioner (self->booked)
                                   : alta_schedule_get_practitioner (schedule),
                                 where);
  adw_status_page_set_description (self->booked_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->calendar_button), self->allow_files);
  show_step (self, "booked");
}

static void
booked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (AltaBookingDialog) self = user_data;
  g_autoptr (AltaRecordItem) appointment = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  appointment = alta_portal_client_create_finish (ALTA_PORTAL_CLIENT (object), result, NULL,
                                                  &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_booking (self, FALSE);
  if (appointment != NULL)
    {
      g_set_object (&self->booked, ALTA_APPOINTMENT (appointment));
      show_booked (self);
      g_signal_emit (self, signals[BOOKED], 0, self->booked);
      return;
    }

  g_message ("The booking failed: %s", error->message);
  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT))
    {
      /* Taken meanwhile: the next free times, and what was typed stays */
      self->taken = TRUE;
      g_clear_object (&self->slot);
      load_times (self);
      return;
    }

  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD))
    message = g_strdup (_("This time can no longer be booked. Go back and choose another one."));
  else
    message = alta_format_error (error);
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
on_book_clicked_cb (AltaBookingDialog *self)
{
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
  g_autoptr (JsonObject) appointment = json_object_new ();
  g_autofree char *slot_reference = NULL;
  g_autofree char *patient_reference = NULL;
  JsonArray *slots = json_array_new ();
  JsonArray *participants = json_array_new ();
  JsonObject *slot = json_object_new ();
  JsonObject *participant = json_object_new ();
  JsonObject *actor = json_object_new ();
  g_autofree char *trimmed = g_strstrip (g_strdup (reason));

  g_return_if_fail (self->slot != NULL && self->request_id != NULL);

  if (g_utf8_strlen (reason, -1) > MAX_REASON)
    {
      g_autofree char *message = g_strdup_printf (_("Please shorten the reason to %d characters or fewer."),
                                                  MAX_REASON);

      gtk_label_set_label (self->error_label, message);
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
      json_array_unref (slots);
      json_array_unref (participants);
      json_object_unref (slot);
      json_object_unref (participant);
      json_object_unref (actor);
      return;
    }

  slot_reference = g_strconcat ("Slot/", alta_record_item_get_id (ALTA_RECORD_ITEM (self->slot)),
                                NULL);
  patient_reference = g_strconcat ("Patient/", self->patient_id, NULL);
  json_object_set_string_member (appointment, "status", "booked");
  json_object_set_string_member (slot, "reference", slot_reference);
  json_array_add_object_element (slots, slot);
  json_object_set_array_member (appointment, "slot", slots);
  json_object_set_string_member (actor, "reference", patient_reference);
  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "status", "accepted");
  json_array_add_object_element (participants, participant);
  json_object_set_array_member (appointment, "participant", participants);
  if (*trimmed != '\0')
    json_object_set_string_member (appointment, "comment", reason);

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  set_booking (self, TRUE);
  restart_cancellable (self);
  alta_portal_client_create_async (self->client, ALTA_TYPE_APPOINTMENT, appointment,
                                   self->request_id, self->cancellable, booked_cb,
                                   g_object_ref (self));
}

/* Add to calendar */

static void
calendar_saved_cb (GtkNativeDialog   *chooser,
                   int                response,
                   AltaBookingDialog *self)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *uid = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *location = NULL;
  g_autofree char *text = NULL;
  AltaSchedule *schedule = schedule_of_slot (self, self->slot);
  AltaClinic *clinic = schedule != NULL ? clinic_of (self, schedule) : NULL;
  AltaCalendarEvent event = { 0 };

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_object_unref (chooser);
      return;
    }

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);

  uid = g_strdup_printf ("Appointment-%s@myaltamed.net",
                         alta_record_item_get_id (ALTA_RECORD_ITEM (self->booked)));
  /* Translators: the title of a visit in the patient's calendar */
  summary = g_strdup_printf (_("Appointment with %s"),
                             alta_appointment_get_practitioner (self->booked) != NULL
                               ? alta_appointment_get_practitioner (self->booked)
                               : alta_schedule_get_practitioner (schedule));
  if (clinic != NULL)
    location = alta_clinic_get_address (clinic) != NULL
                 ? g_strdup_printf ("%s, %s", alta_record_item_get_title (ALTA_RECORD_ITEM (clinic)),
                                    alta_clinic_get_address (clinic))
                 : g_strdup (alta_record_item_get_title (ALTA_RECORD_ITEM (clinic)));

  event.uid = uid;
  event.summary = summary;
  event.location = location;
  event.start = alta_appointment_get_start (self->booked);
  event.end = alta_appointment_get_end (self->booked);
  text = alta_calendar_event_to_ics (&event, now, &error);
  if (text == NULL ||
      !g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                NULL, &error))
    {
      g_autofree char *message = g_strdup (_("The calendar file could not be saved."));

      g_message ("The calendar file could not be saved: %s", error->message);
      adw_status_page_set_description (self->booked_page, message);
    }
}

static void
on_calendar_clicked_cb (AltaBookingDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (self->booked != NULL && self->allow_files);

  chooser = gtk_file_chooser_native_new (_("Save to Calendar"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Calendar files"));
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("appointment.ics"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (calendar_saved_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Navigation */

static void
on_back_clicked_cb (AltaBookingDialog *self)
{
  const char *step = gtk_stack_get_visible_child_name (self->steps);

  restart_cancellable (self);
  set_booking (self, FALSE);
  if (g_strcmp0 (step, "confirm") == 0)
    show_step (self, "times");
  else
    show_step (self, "choose");
}

static void
on_cancel_loading_clicked_cb (AltaBookingDialog *self)
{
  restart_cancellable (self);
  if (self->schedules->len > 0)
    show_step (self, "choose");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
on_retry_clicked_cb (AltaBookingDialog *self)
{
  if (self->schedules->len == 0)
    load_schedules (self);
  else
    load_times (self);
}

static gboolean
alta_booking_dialog_close_request (GtkWindow *window)
{
  AltaBookingDialog *self = ALTA_BOOKING_DIALOG (window);

  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (alta_booking_dialog_parent_class)->close_request (window);
}

static void
alta_booking_dialog_dispose (GObject *object)
{
  AltaBookingDialog *self = (AltaBookingDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  g_clear_pointer (&self->chosen, g_ptr_array_unref);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->clinics, g_hash_table_unref);
  g_clear_object (&self->slot);
  g_clear_object (&self->booked);
  g_clear_error (&self->search_error);

  gtk_widget_dispose_template (GTK_WIDGET (self), ALTA_TYPE_BOOKING_DIALOG);

  G_OBJECT_CLASS (alta_booking_dialog_parent_class)->dispose (object);
}

static void
alta_booking_dialog_finalize (GObject *object)
{
  AltaBookingDialog *self = (AltaBookingDialog *)object;

  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->request_id, g_free);

  G_OBJECT_CLASS (alta_booking_dialog_parent_class)->finalize (object);
}

static void
alta_booking_dialog_class_init (AltaBookingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = alta_booking_dialog_dispose;
  object_class->finalize = alta_booking_dialog_finalize;
  window_class->close_request = alta_booking_dialog_close_request;

  /**
   * AltaBookingDialog::booked:
   * @appointment: the visit as the portal booked it
   *
   * The visit is booked: the appointments' lists can show it.
   */
  signals[BOOKED] = g_signal_new ("booked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, ALTA_TYPE_APPOINTMENT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-booking-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, steps);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, loading_label);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, failed_page);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, clinician_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, clinic_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, times_notice);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, times_zone);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, days_box);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, no_times);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, when_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, with_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, where_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, book_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, book_button);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, booked_page);
  gtk_widget_class_bind_template_child (widget_class, AltaBookingDialog, calendar_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_loading_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_find_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_book_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_clicked_cb);
}

static void
alta_booking_dialog_init (AltaBookingDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->schedules = g_ptr_array_new_with_free_func (g_object_unref);
  self->chosen = g_ptr_array_new_with_free_func (g_object_unref);
  self->slots = g_ptr_array_new_with_free_func (g_object_unref);
  self->clinics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * alta_booking_dialog_new:
 * @parent: the window it belongs to
 * @client: the signed-in portal client
 * @patient_id: the record the visit is for (the person's own, or a proxy record)
 * @allow_files: whether "Add to calendar" may save a file (not in a kiosk)
 *
 * Returns: (transfer floating): the dialog, loading the kinds of visit
 */
AltaBookingDialog *
alta_booking_dialog_new (GtkWindow        *parent,
                         AltaPortalClient *client,
                         const char       *patient_id,
                         gboolean          allow_files)
{
  AltaBookingDialog *self;

  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (client), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (ALTA_TYPE_BOOKING_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->patient_id = g_strdup (patient_id);
  self->allow_files = allow_files;
  load_schedules (self);

  return self;
}
