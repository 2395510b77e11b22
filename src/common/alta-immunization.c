/* alta-immunization.c: a vaccine given (FHIR Immunization)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-immunization"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-immunization.h"
#include "alta-json.h"
struct _AltaImmunization
{
  AltaRecordItem parent_instance;

  char      *location;   /* where it was given */
  char      *lot_number;   /* the vaccine lot */
};

G_DEFINE_FINAL_TYPE (AltaImmunization, alta_immunization, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_LOT_NUMBER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_immunization_load (AltaRecordItem *item,
                        JsonObject     *resource)
{
  AltaImmunization *self = ALTA_IMMUNIZATION (item);
  static const char *dates[] = { "occurrenceDateTime", "recorded", NULL };
  g_autofree char *title = alta_fhir_dup_concept_text (alta_json_get_object (resource,
                                                                             "vaccineCode"));
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);

  /* Some records carry the date only as text */
  if (title == NULL)
    title = alta_fhir_dup_text (alta_json_get_string (resource, "occurrenceString"));

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  self->location = alta_fhir_dup_reference_display (alta_json_get_object (resource, "location"));
  self->lot_number = alta_fhir_dup_text (alta_json_get_string (resource, "lotNumber"));
}

static void
alta_immunization_finalize (GObject *object)
{
  AltaImmunization *self = (AltaImmunization *)object;

  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->lot_number, g_free);

  G_OBJECT_CLASS (alta_immunization_parent_class)->finalize (object);
}

static void
alta_immunization_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AltaImmunization *self = ALTA_IMMUNIZATION (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_LOT_NUMBER:
      g_value_set_string (value, self->lot_number);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_immunization_class_init (AltaImmunizationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_immunization_finalize;
  object_class->get_property = alta_immunization_get_property;
  item_class->resource_type = "Immunization";
  item_class->load = alta_immunization_load;

  properties[PROP_LOCATION] =
    g_param_spec_string ("location", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOT_NUMBER] =
    g_param_spec_string ("lot-number", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_immunization_init (AltaImmunization *self)
{
}

/**
 * alta_immunization_get_location:
 *
 * Returns: (nullable) where it was given
 */
const char *
alta_immunization_get_location (AltaImmunization *self)
{
  g_return_val_if_fail (ALTA_IS_IMMUNIZATION (self), NULL);

  return self->location;
}

/**
 * alta_immunization_get_lot_number:
 *
 * Returns: (nullable) the vaccine lot
 */
const char *
alta_immunization_get_lot_number (AltaImmunization *self)
{
  g_return_val_if_fail (ALTA_IS_IMMUNIZATION (self), NULL);

  return self->lot_number;
}
