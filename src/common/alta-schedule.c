/* alta-schedule.c: a clinician's bookable times at one clinic, for one kind of visit
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-schedule"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-schedule.h"

/* The title is the clinician's name, the one thing a patient chooses a schedule by; the
 * specialty and the clinic go beside it.
 */

#define SERVICE_CATEGORY_SYSTEM "https://myaltamed.net/fhir/CodeSystem/service-category"
#define MAX_ACTORS              20

struct _AltaSchedule
{
  AltaRecordItem  parent_instance;

  AltaService     service;
  char           *practitioner;
  char           *location;
  char           *location_id;
  char           *specialty;
};

G_DEFINE_FINAL_TYPE (AltaSchedule, alta_schedule, ALTA_TYPE_RECORD_ITEM)

static AltaService
read_service (JsonArray *categories)
{
  for (guint i = 0; categories != NULL && i < json_array_get_length (categories) && i < 20; i++)
    {
      JsonArray *codings = alta_json_get_array (alta_json_array_get_object (categories, i),
                                                "coding");

      for (guint j = 0; codings != NULL && j < json_array_get_length (codings) && j < 20; j++)
        {
          JsonObject *coding = alta_json_array_get_object (codings, j);

          if (g_strcmp0 (alta_json_get_string (coding, "system"), SERVICE_CATEGORY_SYSTEM) == 0 &&
              g_strcmp0 (alta_json_get_string (coding, "code"), "dental") == 0)
            return ALTA_SERVICE_DENTAL;
        }
    }

  return ALTA_SERVICE_MEDICAL;
}

static void
alta_schedule_load (AltaRecordItem *item,
                    JsonObject     *resource)
{
  AltaSchedule *self = ALTA_SCHEDULE (item);
  JsonArray *actors = alta_json_get_array (resource, "actor");

  self->service = read_service (alta_json_get_array (resource, "serviceCategory"));
  self->specialty = alta_fhir_dup_first_concept_text (alta_json_get_array (resource, "specialty"));

  for (guint i = 0; actors != NULL && i < json_array_get_length (actors) && i < MAX_ACTORS; i++)
    {
      JsonObject *actor = alta_json_array_get_object (actors, i);
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

  alta_record_item_set_title (item, self->practitioner);
}

static void
alta_schedule_finalize (GObject *object)
{
  AltaSchedule *self = (AltaSchedule *)object;

  g_clear_pointer (&self->practitioner, g_free);
  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->location_id, g_free);
  g_clear_pointer (&self->specialty, g_free);

  G_OBJECT_CLASS (alta_schedule_parent_class)->finalize (object);
}

static void
alta_schedule_class_init (AltaScheduleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_schedule_finalize;
  item_class->resource_type = "Schedule";
  item_class->load = alta_schedule_load;
}

static void
alta_schedule_init (AltaSchedule *self)
{
}

AltaService
alta_schedule_get_service (AltaSchedule *self)
{
  g_return_val_if_fail (ALTA_IS_SCHEDULE (self), ALTA_SERVICE_MEDICAL);

  return self->service;
}

/**
 * alta_schedule_get_practitioner:
 *
 * Returns: (nullable): the clinician's name
 */
const char *
alta_schedule_get_practitioner (AltaSchedule *self)
{
  g_return_val_if_fail (ALTA_IS_SCHEDULE (self), NULL);

  return self->practitioner;
}

/**
 * alta_schedule_get_location:
 *
 * Returns: (nullable): the clinic's name
 */
const char *
alta_schedule_get_location (AltaSchedule *self)
{
  g_return_val_if_fail (ALTA_IS_SCHEDULE (self), NULL);

  return self->location;
}

/**
 * alta_schedule_get_location_id:
 *
 * Returns: (nullable): the id of the clinic's Location
 */
const char *
alta_schedule_get_location_id (AltaSchedule *self)
{
  g_return_val_if_fail (ALTA_IS_SCHEDULE (self), NULL);

  return self->location_id;
}

/**
 * alta_schedule_get_specialty:
 *
 * Returns: (nullable): the kind of visit, such as "Family Medicine"
 */
const char *
alta_schedule_get_specialty (AltaSchedule *self)
{
  g_return_val_if_fail (ALTA_IS_SCHEDULE (self), NULL);

  return self->specialty;
}
