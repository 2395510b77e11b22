/* alta-appointment-row.c: a visit or a dental request on the appointments page
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-appointment-row"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-appointment-row.h"
#include "alta-format.h"

/* What the visit is, then when (in the clinic's time zone, which it names), with whom and
 * where (the clinic's name and address). A visit to come has "Add to Calendar" (desktop
 * mode only) and "Cancel"; a dental request says where it stands: requested, confirmed with
 * its time, or declined with the clinic's reason. The buttons name the page's
 * "appointments.add-to-calendar" and "appointments.cancel" actions with the appointment's
 * id; the row holds the appointment the session's model holds, and nothing else.
 */

struct _AltaAppointmentRow
{
  AdwActionRow     parent_instance;

  AltaAppointment *appointment;

  /* Template widgets */
  GtkButton       *calendar_button;
  GtkButton       *cancel_button;
  GtkLabel        *state_label;
};

G_DEFINE_FINAL_TYPE (AltaAppointmentRow, alta_appointment_row, ADW_TYPE_ACTION_ROW)

/* The visit's time in the clinic's zone, with the zone's abbreviation */
static char *
format_when (GDateTime  *start,
             AltaClinic *clinic)
{
  GTimeZone *zone = clinic != NULL ? alta_clinic_get_time_zone (clinic) : NULL;
  g_autoptr (GDateTime) there = zone != NULL ? g_date_time_to_timezone (start, zone)
                                             : g_date_time_to_local (start);
  /* Translators: when a visit is, see strftime(3) */
  g_autofree char *when = alta_format_date_time_in_zone (start, zone,
                                                         _("%A, %B %-d, %Y at %-I:%M %p"));

  /* Translators: a visit's date and time, then its time zone's abbreviation ("PST") */
  return g_strdup_printf (_("%s (%s)"), when, g_date_time_get_timezone_abbreviation (there));
}

static char *
format_where (AltaAppointment *appointment,
              AltaClinic      *clinic)
{
  const char *name = clinic != NULL ? alta_record_item_get_title (ALTA_RECORD_ITEM (clinic))
                                    : alta_appointment_get_location (appointment);
  const char *address = clinic != NULL ? alta_clinic_get_address (clinic) : NULL;

  if (name != NULL && address != NULL)
    /* Translators: a clinic's name, then its address */
    return g_strdup_printf (_("%s, %s"), name, address);
  return g_strdup (name != NULL ? name : address);
}

static const char *
service_title (AltaAppointment *appointment)
{
  return alta_appointment_get_service (appointment) == ALTA_SERVICE_DENTAL ? _("Dental visit")
                                                                          : _("Medical visit");
}

static gboolean
same_local_day (GDateTime *start,
                GDateTime *end)
{
  g_autoptr (GDateTime) first = g_date_time_to_local (start);
  g_autoptr (GDateTime) last = g_date_time_to_local (end);

  return g_date_time_get_year (first) == g_date_time_get_year (last) &&
         g_date_time_get_day_of_year (first) == g_date_time_get_day_of_year (last);
}

/* The days and times asked for, one a line */
static void
append_requested (GString         *text,
                  AltaAppointment *appointment)
{
  for (guint i = 0; i < alta_appointment_get_n_requested_periods (appointment); i++)
    {
      GDateTime *start = NULL;
      GDateTime *end = NULL;
      g_autofree char *day = NULL;
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;

      if (!alta_appointment_get_requested_period (appointment, i, &start, &end) || start == NULL)
        continue;

      /* Translators: a day asked for, see strftime(3) */
      day = alta_format_date_time (start, _("%A, %B %-d"));
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (end != NULL && !same_local_day (start, end))
        {
          g_autofree char *last = alta_format_date_time (end, _("%A, %B %-d"));

          /* Translators: the days a dental visit would suit: the first and the last */
          g_string_append_printf (text, _("Asked for any day from %s to %s"), day, last);
        }
      else if (end != NULL)
        {
          /* Translators: a time of day, see strftime(3) */
          from = alta_format_date_time (start, _("%-I:%M %p"));
          to = alta_format_date_time (end, _("%-I:%M %p"));
          /* Translators: a day asked for a dental visit, and the hours that suit */
          g_string_append_printf (text, _("Asked for %s, %s to %s"), day, from, to);
        }
      else
        /* Translators: a day asked for a dental visit */
        g_string_append_printf (text, _("Asked for %s"), day);
    }
}

static void
show (AltaAppointmentRow     *self,
      AltaClinic             *clinic,
      AltaAppointmentRowKind  kind,
      gboolean                allow_files)
{
  AltaAppointment *appointment = self->appointment;
  GDateTime *start = alta_appointment_get_start (appointment);
  const char *title = alta_record_item_get_title (ALTA_RECORD_ITEM (appointment));
  const char *with = alta_appointment_get_practitioner (appointment);
  const char *id = alta_record_item_get_id (ALTA_RECORD_ITEM (appointment));
  g_autoptr (GString) subtitle = g_string_new (NULL);
  g_autofree char *where = format_where (appointment, clinic);
  g_autofree char *state = NULL;
  AltaAppointmentState appointment_state = alta_appointment_get_state (appointment);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 title != NULL ? title : service_title (appointment));

  if (kind == ALTA_APPOINTMENT_ROW_REQUEST)
    {
      switch (appointment_state)
        {
        case ALTA_APPOINTMENT_REQUESTED:
          state = g_strdup (_("Requested: the clinic will confirm a time"));
          append_requested (subtitle, appointment);
          break;
        case ALTA_APPOINTMENT_BOOKED:
          {
            g_autofree char *when = start != NULL ? format_when (start, clinic) : NULL;

            /* Translators: %s is when the confirmed dental visit is */
            state = when != NULL ? g_strdup_printf (_("Confirmed for %s"), when)
                                 : g_strdup (_("Confirmed"));
          }
          break;
        case ALTA_APPOINTMENT_DECLINED:
          if (alta_appointment_get_cancel_reason (appointment) != NULL)
            /* Translators: %s is the clinic's reason for not booking a dental request */
            state = g_strdup_printf (_("Declined: %s"), alta_appointment_get_cancel_reason (appointment));
          else
            state = g_strdup (_("Declined"));
          break;
        case ALTA_APPOINTMENT_CANCELLED:
        case ALTA_APPOINTMENT_ATTENDED:
        case ALTA_APPOINTMENT_MISSED:
        case ALTA_APPOINTMENT_UNKNOWN:
        default:
          state = g_strdup (_("Cancelled"));
          break;
        }
    }
  else if (start != NULL)
    {
      g_autofree char *when = format_when (start, clinic);

      g_string_append (subtitle, when);
      if (kind == ALTA_APPOINTMENT_ROW_PAST && appointment_state == ALTA_APPOINTMENT_MISSED)
        state = g_strdup (_("Missed"));
    }

  if (with != NULL && (kind != ALTA_APPOINTMENT_ROW_REQUEST || appointment_state == ALTA_APPOINTMENT_BOOKED))
    {
      if (subtitle->len > 0)
        g_string_append_c (subtitle, '\n');
      /* Translators: %s is a clinician's name */
      g_string_append_printf (subtitle, _("With %s"), with);
    }
  if (where != NULL && (kind != ALTA_APPOINTMENT_ROW_REQUEST || appointment_state == ALTA_APPOINTMENT_BOOKED))
    {
      if (subtitle->len > 0)
        g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, where);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);

  gtk_label_set_label (self->state_label, state != NULL ? state : "");
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), state != NULL);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->calendar_button), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->cancel_button), "s", id);
  gtk_widget_set_visible (GTK_WIDGET (self->calendar_button),
                          kind == ALTA_APPOINTMENT_ROW_UPCOMING && allow_files && id != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button),
                          id != NULL && (kind == ALTA_APPOINTMENT_ROW_UPCOMING ||
                                         (kind == ALTA_APPOINTMENT_ROW_REQUEST &&
                                          appointment_state == ALTA_APPOINTMENT_REQUESTED)));
  gtk_button_set_label (self->cancel_button, kind == ALTA_APPOINTMENT_ROW_REQUEST
                                               ? _("Cancel Request")
                                               : _("Cancel Appointment"));
}

static void
alta_appointment_row_dispose (GObject *object)
{
  AltaAppointmentRow *self = ALTA_APPOINTMENT_ROW (object);

  g_clear_object (&self->appointment);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_APPOINTMENT_ROW);

  G_OBJECT_CLASS (alta_appointment_row_parent_class)->dispose (object);
}

static void
alta_appointment_row_class_init (AltaAppointmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_appointment_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-appointment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentRow, calendar_button);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AltaAppointmentRow, state_label);
}

static void
alta_appointment_row_init (AltaAppointmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * alta_appointment_row_new:
 * @appointment: the visit or request to show
 * @clinic: (nullable): its clinic, for the address and time zone, once read
 * @kind: which list it is in
 * @allow_files: whether "Add to Calendar" may save a file (not in a kiosk)
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
alta_appointment_row_new (AltaAppointment        *appointment,
                          AltaClinic             *clinic,
                          AltaAppointmentRowKind  kind,
                          gboolean                allow_files)
{
  AltaAppointmentRow *self;

  g_return_val_if_fail (ALTA_IS_APPOINTMENT (appointment), NULL);
  g_return_val_if_fail (clinic == NULL || ALTA_IS_CLINIC (clinic), NULL);

  self = g_object_new (ALTA_TYPE_APPOINTMENT_ROW, NULL);
  self->appointment = g_object_ref (appointment);
  show (self, clinic, kind, allow_files);

  return GTK_WIDGET (self);
}

/**
 * alta_appointment_row_get_appointment:
 *
 * Returns: (transfer none): the appointment shown
 */
AltaAppointment *
alta_appointment_row_get_appointment (AltaAppointmentRow *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT_ROW (self), NULL);

  return self->appointment;
}
