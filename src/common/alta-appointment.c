/* alta-appointment.c: a visit booked with the care team (FHIR Appointment)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-appointment"

#include "config.h"

#include "alta-appointment.h"
#include "alta-json.h"

/* Its date is its start; whom it is with is the first participant that is a Practitioner */

struct _AltaAppointment
{
  AltaRecordItem parent_instance;

  char          *practitioner;
};

G_DEFINE_FINAL_TYPE (AltaAppointment, alta_appointment, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_PRACTITIONER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_appointment_load (AltaRecordItem *item,
                       JsonObject     *resource)
{
  AltaAppointment *self = ALTA_APPOINTMENT (item);
  static const char *dates[] = { "start", NULL };
  JsonArray *participants = alta_json_get_array (resource, "participant");
  g_autoptr (GDateTime) start = alta_fhir_read_date (resource, dates);
  g_autofree char *title = alta_fhir_dup_first_concept_text (alta_json_get_array (resource,
                                                                                  "serviceType"));

  alta_record_item_set_title (item, title != NULL ? title
                                                  : alta_json_get_string (resource, "description"));
  alta_record_item_set_date (item, start);

  for (guint i = 0; participants != NULL && i < json_array_get_length (participants) && i < 50; i++)
    {
      JsonObject *actor = alta_json_get_object (alta_json_array_get_object (participants, i),
                                                "actor");
      const char *reference = alta_json_get_string (actor, "reference");

      if (reference != NULL && g_str_has_prefix (reference, "Practitioner/"))
        {
          self->practitioner = alta_fhir_dup_reference_display (actor);
          if (self->practitioner != NULL)
            break;
        }
    }
}

static void
alta_appointment_finalize (GObject *object)
{
  AltaAppointment *self = (AltaAppointment *)object;

  g_clear_pointer (&self->practitioner, g_free);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_appointment_init (AltaAppointment *self)
{
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
