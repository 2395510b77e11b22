/* alta-appointment.c: a visit, booked, requested or cancelled
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-appointment"

#include "config.h"

#include <string.h>

#include "alta-appointment.h"
#include "alta-json.h"

/* An Appointment as docs/api.md describes it: a medical visit booked in a slot, or a dental
 * request (`proposed`, with requested periods) that the clinic books or declines. FHIR R4 has
 * no "declined": a request the clinic will not book is `cancelled` with the reason code
 * `prov` (provider).
 */

#define SERVICE_CATEGORY_SYSTEM  "https://myaltamed.net/fhir/CodeSystem/service-category"
#define CANCEL_REASON_SYSTEM     "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
#define MAX_PARTICIPANTS         50

typedef struct
{
  GDateTime *start;
  GDateTime *end;
} Period;

struct _AltaAppointment
{
  AltaRecordItem        parent_instance;

  char                 *practitioner;
  char                 *location;
  char                 *location_id;
  AltaService           service;
  AltaAppointmentState  state;
  GDateTime            *end;
  char                 *comment;
  char                 *cancel_reason;
  Period                periods[ALTA_APPOINTMENT_MAX_PERIODS];
  guint                 n_periods;
};

G_DEFINE_FINAL_TYPE (AltaAppointment, alta_appointment, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_PRACTITIONER,
  PROP_LOCATION,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
concept_has_code (JsonObject *concept,
                  const char *system,
                  const char *code)
{
  JsonArray *codings = alta_json_get_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings) && i < 20; i++)
    {
      JsonObject *coding = alta_json_array_get_object (codings, i);

      if (g_strcmp0 (alta_json_get_string (coding, "system"), system) == 0 &&
          g_strcmp0 (alta_json_get_string (coding, "code"), code) == 0)
        return TRUE;
    }

  return FALSE;
}

static AltaService
read_service (JsonObject *resource)
{
  JsonArray *categories = alta_json_get_array (resource, "serviceCategory");

  for (guint i = 0; categories != NULL && i < json_array_get_length (categories) && i < 20; i++)
    if (concept_has_code (alta_json_array_get_object (categories, i), SERVICE_CATEGORY_SYSTEM,
                          "dental"))
      return ALTA_SERVICE_DENTAL;

  return ALTA_SERVICE_MEDICAL;
}

static AltaAppointmentState
read_state (const char *status,
            JsonObject *cancel_reason)
{
  if (g_strcmp0 (status, "booked") == 0)
    return ALTA_APPOINTMENT_BOOKED;
  if (g_strcmp0 (status, "proposed") == 0 || g_strcmp0 (status, "pending") == 0 ||
      g_strcmp0 (status, "waitlist") == 0)
    return ALTA_APPOINTMENT_REQUESTED;
  if (g_strcmp0 (status, "cancelled") == 0)
    return concept_has_code (cancel_reason, CANCEL_REASON_SYSTEM, "prov")
             ? ALTA_APPOINTMENT_DECLINED : ALTA_APPOINTMENT_CANCELLED;
  if (g_strcmp0 (status, "arrived") == 0 || g_strcmp0 (status, "checked-in") == 0 ||
      g_strcmp0 (status, "fulfilled") == 0)
    return ALTA_APPOINTMENT_ATTENDED;
  if (g_strcmp0 (status, "noshow") == 0)
    return ALTA_APPOINTMENT_MISSED;

  return ALTA_APPOINTMENT_UNKNOWN;
}

static void
read_participants (AltaAppointment *self,
                   JsonArray       *participants)
{
  for (guint i = 0; participants != NULL && i < json_array_get_length (participants) &&
                    i < MAX_PARTICIPANTS; i++)
    {
      JsonObject *actor = alta_json_get_object (alta_json_array_get_object (participants, i),
                                                "actor");
      const char *reference = alta_json_get_string (actor, "reference");

      if (reference == NULL)
        continue;

      if (self->practitioner == NULL && g_str_has_prefix (reference, "Practitioner/"))
        self->practitioner = alta_fhir_dup_reference_display (actor);
      else if (self->location_id == NULL && g_str_has_prefix (reference, "Location/") &&
               reference[strlen ("Location/")] != '\0')
        {
          self->location_id = alta_fhir_dup_text (reference + strlen ("Location/"));
          self->location = alta_fhir_dup_reference_display (actor);
        }
    }
}

static void
read_periods (AltaAppointment *self,
              JsonArray       *periods)
{
  for (guint i = 0; periods != NULL && i < json_array_get_length (periods) &&
                    self->n_periods < ALTA_APPOINTMENT_MAX_PERIODS; i++)
    {
      JsonObject *period = alta_json_array_get_object (periods, i);
      GDateTime *start = alta_fhir_parse_date (alta_json_get_string (period, "start"));
      GDateTime *end = alta_fhir_parse_date (alta_json_get_string (period, "end"));

      if (start == NULL || end == NULL || g_date_time_compare (start, end) >= 0)
        {
          g_clear_pointer (&start, g_date_time_unref);
          g_clear_pointer (&end, g_date_time_unref);
          continue;
        }

      self->periods[self->n_periods].start = start;
      self->periods[self->n_periods].end = end;
      self->n_periods++;
    }
}

static void
alta_appointment_load (AltaRecordItem *item,
                       JsonObject     *resource)
{
  AltaAppointment *self = ALTA_APPOINTMENT (item);
  static const char *dates[] = { "start", NULL };
  JsonObject *cancel_reason = alta_json_get_object (resource, "cancelationReason");
  g_autoptr (GDateTime) start = alta_fhir_read_date (resource, dates);
  g_autofree char *title = alta_fhir_dup_first_concept_text (alta_json_get_array (resource,
                                                                                  "serviceType"));

  alta_record_item_set_title (item, title != NULL ? title
                                                  : alta_json_get_string (resource, "description"));
  alta_record_item_set_date (item, start);
  self->end = alta_fhir_parse_date (alta_json_get_string (resource, "end"));
  if (self->end != NULL && (start == NULL || g_date_time_compare (self->end, start) <= 0))
    g_clear_pointer (&self->end, g_date_time_unref);

  self->service = read_service (resource);
  self->state = read_state (alta_json_get_string (resource, "status"), cancel_reason);
  self->comment = alta_fhir_dup_text (alta_json_get_string (resource, "comment"));
  self->cancel_reason = alta_fhir_dup_text (alta_json_get_string (cancel_reason, "text"));
  read_participants (self, alta_json_get_array (resource, "participant"));
  read_periods (self, alta_json_get_array (resource, "requestedPeriod"));
}

static void
alta_appointment_finalize (GObject *object)
{
  AltaAppointment *self = (AltaAppointment *)object;

  g_clear_pointer (&self->practitioner, g_free);
  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->location_id, g_free);
  g_clear_pointer (&self->end, g_date_time_unref);
  g_clear_pointer (&self->comment, g_free);
  g_clear_pointer (&self->cancel_reason, g_free);
  for (guint i = 0; i < self->n_periods; i++)
    {
      g_date_time_unref (self->periods[i].start);
      g_date_time_unref (self->periods[i].end);
    }

  G_OBJECT_CLASS (alta_appointment_parent_class)->finalize (object);
}

static void
alta_appointment_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AltaAppointment *self = ALTA_APPOINTMENT (object);

  switch (prop_id)
    {
    case PROP_PRACTITIONER:
      g_value_set_string (value, self->practitioner);
      break;
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_appointment_class_init (AltaAppointmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_appointment_finalize;
  object_class->get_property = alta_appointment_get_property;
  item_class->resource_type = "Appointment";
  item_class->load = alta_appointment_load;

  properties[PROP_PRACTITIONER] =
    g_param_spec_string ("practitioner", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCATION] =
    g_param_spec_string ("location", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, ALTA_APPOINTMENT_BOOKED, ALTA_APPOINTMENT_UNKNOWN,
                      ALTA_APPOINTMENT_UNKNOWN, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_appointment_init (AltaAppointment *self)
{
  self->state = ALTA_APPOINTMENT_UNKNOWN;
}

/**
 * alta_appointment_get_practitioner:
 *
 * Returns: (nullable): the name of the clinician it is with
 */
const char *
alta_appointment_get_practitioner (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return self->practitioner;
}

/**
 * alta_appointment_get_location:
 *
 * Returns: (nullable): the clinic's name, as the appointment names it
 */
const char *
alta_appointment_get_location (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return self->location;
}

/**
 * alta_appointment_get_location_id:
 *
 * Returns: (nullable): the id of the clinic's Location, to read its address
 */
const char *
alta_appointment_get_location_id (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return self->location_id;
}

AltaService
alta_appointment_get_service (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), ALTA_SERVICE_MEDICAL);

  return self->service;
}

AltaAppointmentState
alta_appointment_get_state (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), ALTA_APPOINTMENT_UNKNOWN);

  return self->state;
}

/**
 * alta_appointment_get_start:
 *
 * Returns: (nullable): when it starts; a request has none until the clinic books it
 */
GDateTime *
alta_appointment_get_start (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return alta_record_item_get_date (ALTA_RECORD_ITEM (self));
}

/**
 * alta_appointment_get_end:
 *
 * Returns: (nullable): when it ends, after its start
 */
GDateTime *
alta_appointment_get_end (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return self->end;
}

/**
 * alta_appointment_get_comment:
 *
 * Returns: (nullable): the reason the patient gave
 */
const char *
alta_appointment_get_comment (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return self->comment;
}

/**
 * alta_appointment_get_cancel_reason:
 *
 * Returns: (nullable): why it was cancelled or declined, in the clinic's words
 */
const char *
alta_appointment_get_cancel_reason (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), NULL);

  return self->cancel_reason;
}

guint
alta_appointment_get_n_requested_periods (AltaAppointment *self)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), 0);

  return self->n_periods;
}

/**
 * alta_appointment_get_requested_period:
 * @out_start: (out) (transfer none)
 * @out_end: (out) (transfer none)
 *
 * Returns: %TRUE when @index names one of the periods a request asked for
 */
gboolean
alta_appointment_get_requested_period (AltaAppointment  *self,
                                       guint             index,
                                       GDateTime       **out_start,
                                       GDateTime       **out_end)
{
  g_return_val_if_fail (ALTA_IS_APPOINTMENT (self), FALSE);

  if (index >= self->n_periods)
    return FALSE;

  *out_start = self->periods[index].start;
  *out_end = self->periods[index].end;
  return TRUE;
}
