/* alta-vital-sign.c: one measurement of a vital sign (FHIR Observation, vital-signs)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-vital-sign"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-json.h"
#include "alta-vital-sign.h"

/* What a vital sign is comes from its LOINC codes (any of its codings: a temperature is
 * often coded both "body temperature" and "oral temperature"). A blood pressure is one
 * Observation of the panel code whose two components, in either order, hold the systolic
 * and diastolic pressures; it has no value of its own.
 */

#define SYSTEM_LOINC          "http://loinc.org"
#define LOINC_SYSTOLIC        "8480-6"
#define LOINC_DIASTOLIC       "8462-4"
#define MAX_COMPONENTS        20

struct _AltaVitalSign
{
  AltaRecordItem  parent_instance;

  AltaVitalKind   kind;
  char           *code;           /* the first code of the Observation */
  gboolean        has_value;      /* a blood pressure: the systolic pressure */
  double          value;
  gboolean        has_diastolic;  /* a blood pressure only */
  double          diastolic;
  char           *unit;           /* the UCUM code of the unit, else its text */
};

G_DEFINE_FINAL_TYPE (AltaVitalSign, alta_vital_sign, ALTA_TYPE_RECORD_ITEM)

G_DEFINE_ENUM_TYPE (AltaVitalKind, alta_vital_kind,
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_OTHER, "other"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_BLOOD_PRESSURE, "blood-pressure"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_HEART_RATE, "heart-rate"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_RESPIRATORY_RATE, "respiratory-rate"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_TEMPERATURE, "temperature"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_OXYGEN_SATURATION, "oxygen-saturation"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_WEIGHT, "weight"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_HEIGHT, "height"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_BMI, "bmi"),
  G_DEFINE_ENUM_VALUE (ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE, "head-circumference"))

enum {
  PROP_0,
  PROP_KIND,
  PROP_CODE,
  PROP_HAS_VALUE,
  PROP_VALUE,
  PROP_HAS_DIASTOLIC,
  PROP_DIASTOLIC,
  PROP_UNIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct
{
  const char    *code;
  AltaVitalKind  kind;
} loinc_kinds[] = {
  { "85354-9", ALTA_VITAL_KIND_BLOOD_PRESSURE },     /* blood pressure panel */
  { "55284-4", ALTA_VITAL_KIND_BLOOD_PRESSURE },     /* systolic and diastolic */
  { "8867-4", ALTA_VITAL_KIND_HEART_RATE },
  { "9279-1", ALTA_VITAL_KIND_RESPIRATORY_RATE },
  { "8310-5", ALTA_VITAL_KIND_TEMPERATURE },
  { "8331-1", ALTA_VITAL_KIND_TEMPERATURE },         /* oral */
  { "2708-6", ALTA_VITAL_KIND_OXYGEN_SATURATION },
  { "59408-5", ALTA_VITAL_KIND_OXYGEN_SATURATION },  /* by pulse oximetry */
  { "29463-7", ALTA_VITAL_KIND_WEIGHT },
  { "8302-2", ALTA_VITAL_KIND_HEIGHT },
  { "39156-5", ALTA_VITAL_KIND_BMI },
  { "9843-4", ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE },
  { "8287-5", ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE },
};

static AltaVitalKind
kind_of_code (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (loinc_kinds); i++)
    if (g_strcmp0 (loinc_kinds[i].code, code) == 0)
      return loinc_kinds[i].kind;

  return ALTA_VITAL_KIND_OTHER;
}

/* The first LOINC coding of @concept that names a kind we know */
static AltaVitalKind
read_kind (JsonObject *concept)
{
  JsonArray *codings = alta_json_get_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings) && i < 20; i++)
    {
      JsonObject *coding = alta_json_array_get_object (codings, i);
      const char *system = alta_json_get_string (coding, "system");
      AltaVitalKind kind;

      if (system != NULL && strcmp (system, SYSTEM_LOINC) != 0)
        continue;
      if ((kind = kind_of_code (alta_json_get_string (coding, "code"))) != ALTA_VITAL_KIND_OTHER)
        return kind;
    }

  return ALTA_VITAL_KIND_OTHER;
}

/* Whether @concept has the LOINC code @code among its codings */
static gboolean
has_loinc_code (JsonObject *concept,
                const char *code)
{
  JsonArray *codings = alta_json_get_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings) && i < 20; i++)
    {
      JsonObject *coding = alta_json_array_get_object (codings, i);
      const char *system = alta_json_get_string (coding, "system");

      if ((system == NULL || strcmp (system, SYSTEM_LOINC) == 0) &&
          g_strcmp0 (alta_json_get_string (coding, "code"), code) == 0)
        return TRUE;
    }

  return FALSE;
}

/* A Quantity's finite value, and its unit when none is known yet */
static gboolean
read_quantity (JsonObject  *quantity,
               double      *value,
               char       **unit)
{
  const char *text;

  if (!alta_json_get_number (quantity, "value", value) || !isfinite (*value))
    return FALSE;

  if (*unit == NULL)
    {
      text = alta_json_get_string (quantity, "code");
      if (text == NULL || text[0] == '\0')
        text = alta_json_get_string (quantity, "unit");
      *unit = alta_fhir_dup_text (text);
    }
  return TRUE;
}

static void
read_blood_pressure (AltaVitalSign *self,
                     JsonObject    *resource)
{
  JsonArray *components = alta_json_get_array (resource, "component");

  for (guint i = 0; components != NULL && i < json_array_get_length (components) &&
                    i < MAX_COMPONENTS; i++)
    {
      JsonObject *component = alta_json_array_get_object (components, i);
      JsonObject *code = alta_json_get_object (component, "code");
      JsonObject *quantity = alta_json_get_object (component, "valueQuantity");

      if (!self->has_value && has_loinc_code (code, LOINC_SYSTOLIC))
        self->has_value = read_quantity (quantity, &self->value, &self->unit);
      else if (!self->has_diastolic && has_loinc_code (code, LOINC_DIASTOLIC))
        self->has_diastolic = read_quantity (quantity, &self->diastolic, &self->unit);
    }
}

static void
alta_vital_sign_load (AltaRecordItem *item,
                      JsonObject     *resource)
{
  AltaVitalSign *self = ALTA_VITAL_SIGN (item);
  static const char *dates[] = { "effectiveDateTime", "effectivePeriod", "effectiveInstant",
                                 "issued", NULL };
  JsonObject *code = alta_json_get_object (resource, "code");
  g_autofree char *title = alta_fhir_dup_concept_text (code);
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  self->code = alta_fhir_dup_concept_code (code, NULL);
  self->kind = read_kind (code);

  if (self->kind == ALTA_VITAL_KIND_BLOOD_PRESSURE)
    read_blood_pressure (self, resource);
  else
    self->has_value = read_quantity (alta_json_get_object (resource, "valueQuantity"),
                                     &self->value, &self->unit);
}

static void
alta_vital_sign_finalize (GObject *object)
{
  AltaVitalSign *self = (AltaVitalSign *)object;

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->unit, g_free);

  G_OBJECT_CLASS (alta_vital_sign_parent_class)->finalize (object);
}

static void
alta_vital_sign_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AltaVitalSign *self = ALTA_VITAL_SIGN (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_HAS_VALUE:
      g_value_set_boolean (value, self->has_value);
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_HAS_DIASTOLIC:
      g_value_set_boolean (value, self->has_diastolic);
      break;
    case PROP_DIASTOLIC:
      g_value_set_double (value, self->diastolic);
      break;
    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_vital_sign_class_init (AltaVitalSignClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = alta_vital_sign_finalize;
  object_class->get_property = alta_vital_sign_get_property;
  item_class->resource_type = "Observation";
  item_class->load = alta_vital_sign_load;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, ALTA_TYPE_VITAL_KIND, ALTA_VITAL_KIND_OTHER, flags);
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_HAS_VALUE] = g_param_spec_boolean ("has-value", NULL, NULL, FALSE, flags);
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_HAS_DIASTOLIC] =
    g_param_spec_boolean ("has-diastolic", NULL, NULL, FALSE, flags);
  properties[PROP_DIASTOLIC] =
    g_param_spec_double ("diastolic", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_vital_sign_init (AltaVitalSign *self)
{
}

AltaVitalKind
alta_vital_sign_get_kind (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), ALTA_VITAL_KIND_OTHER);

  return self->kind;
}

/**
 * alta_vital_sign_get_code:
 *
 * Returns: (nullable): the Observation's first code
 */
const char *
alta_vital_sign_get_code (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), NULL);

  return self->code;
}

/**
 * alta_vital_sign_dup_key:
 *
 * What measurements of the same thing share, to list them together: the kind, else the
 * code, else the name.
 *
 * Returns: (transfer full): the key
 */
char *
alta_vital_sign_dup_key (AltaVitalSign *self)
{
  const char *title;

  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), NULL);

  if (self->kind != ALTA_VITAL_KIND_OTHER)
    {
      g_autoptr (GEnumClass) kinds = g_type_class_ref (ALTA_TYPE_VITAL_KIND);

      return g_strdup (g_enum_get_value (kinds, self->kind)->value_nick);
    }
  if (self->code != NULL)
    return g_strconcat ("code:", self->code, NULL);

  title = alta_record_item_get_title (ALTA_RECORD_ITEM (self));
  return g_strconcat ("name:", title != NULL ? title : "", NULL);
}

/**
 * alta_vital_sign_get_has_value:
 *
 * Returns: whether there is a value; for a blood pressure, a systolic pressure
 */
gboolean
alta_vital_sign_get_has_value (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), FALSE);

  return self->has_value;
}

/**
 * alta_vital_sign_get_value:
 *
 * Returns: the value; for a blood pressure, the systolic pressure
 */
double
alta_vital_sign_get_value (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), 0);

  return self->value;
}

gboolean
alta_vital_sign_get_has_diastolic (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), FALSE);

  return self->has_diastolic;
}

double
alta_vital_sign_get_diastolic (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), 0);

  return self->diastolic;
}

/**
 * alta_vital_sign_get_unit:
 *
 * Returns: (nullable): the unit: its UCUM code ("mm[Hg]", "Cel") when given, else its text
 */
const char *
alta_vital_sign_get_unit (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), NULL);

  return self->unit;
}

/**
 * alta_vital_sign_get_decimals:
 *
 * Returns: how many decimals a person reads of this kind of measurement (devices give
 *   "73.472" beats a minute), or -1 to show the value as given
 */
int
alta_vital_sign_get_decimals (AltaVitalSign *self)
{
  g_return_val_if_fail (ALTA_IS_VITAL_SIGN (self), -1);

  switch (self->kind)
    {
    case ALTA_VITAL_KIND_BLOOD_PRESSURE:
    case ALTA_VITAL_KIND_HEART_RATE:
    case ALTA_VITAL_KIND_RESPIRATORY_RATE:
    case ALTA_VITAL_KIND_OXYGEN_SATURATION:
      return 0;
    case ALTA_VITAL_KIND_TEMPERATURE:
    case ALTA_VITAL_KIND_WEIGHT:
    case ALTA_VITAL_KIND_HEIGHT:
    case ALTA_VITAL_KIND_BMI:
    case ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE:
      return 1;
    case ALTA_VITAL_KIND_OTHER:
    default:
      return -1;
    }
}
