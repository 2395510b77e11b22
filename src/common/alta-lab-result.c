/* alta-lab-result.c: one value of a test result (FHIR Observation)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-lab-result"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "alta-json.h"
#include "alta-lab-result.h"
#include "alta-units.h"

struct _AltaLabResult
{
  AltaRecordItem parent_instance;

  char      *code;   /* the test's code (LOINC for laboratory tests) */
  char      *code_system;   /* the system of the code */
  char      *category;   /* its category code, such as "laboratory" */
  double     value;
  gboolean   has_value;
  char      *value_text;   /* a value that is not a number, as text */
  char      *unit;   /* the unit of the value */
  double     low;
  gboolean   has_low;
  double     high;
  gboolean   has_high;
  char      *range_unit;   /* the unit of the range's limits */
  char      *range_text;   /* a reference range given only as text */
  AltaResultFlag flag;
};

G_DEFINE_FINAL_TYPE (AltaLabResult, alta_lab_result, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_CODE,
  PROP_CODE_SYSTEM,
  PROP_CATEGORY,
  PROP_VALUE,
  PROP_HAS_VALUE,
  PROP_VALUE_TEXT,
  PROP_UNIT,
  PROP_LOW,
  PROP_HAS_LOW,
  PROP_HIGH,
  PROP_HAS_HIGH,
  PROP_RANGE_TEXT,
  PROP_FLAG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (AltaResultFlag, alta_result_flag,
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_NONE, "none"),
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_NORMAL, "normal"),
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_LOW, "low"),
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_HIGH, "high"),
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_CRITICAL_LOW, "critical-low"),
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_CRITICAL_HIGH, "critical-high"),
  G_DEFINE_ENUM_VALUE (ALTA_RESULT_FLAG_ABNORMAL, "abnormal"))

static AltaResultFlag
flag_from_code (const char *code)
{
  static const struct
  {
    const char     *code;
    AltaResultFlag  flag;
  } codes[] = {
    { "N", ALTA_RESULT_FLAG_NORMAL }, { "L", ALTA_RESULT_FLAG_LOW },
    { "H", ALTA_RESULT_FLAG_HIGH }, { "LL", ALTA_RESULT_FLAG_CRITICAL_LOW },
    { "HH", ALTA_RESULT_FLAG_CRITICAL_HIGH }, { "LU", ALTA_RESULT_FLAG_LOW },
    { "HU", ALTA_RESULT_FLAG_HIGH }, { "<", ALTA_RESULT_FLAG_LOW }, { ">", ALTA_RESULT_FLAG_HIGH },
    { "A", ALTA_RESULT_FLAG_ABNORMAL }, { "AA", ALTA_RESULT_FLAG_ABNORMAL },
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].code, code) == 0)
      return codes[i].flag;

  return ALTA_RESULT_FLAG_NONE;
}

/* A Quantity's unit: its text, else its code */
static char *
dup_unit (JsonObject *quantity)
{
  char *unit = alta_fhir_dup_text (alta_json_get_string (quantity, "unit"));

  return unit != NULL ? unit : alta_fhir_dup_text (alta_json_get_string (quantity, "code"));
}

static char *
format_quantity (JsonObject *quantity)
{
  g_autofree char *unit = dup_unit (quantity);
  double value;

  if (!alta_json_get_number (quantity, "value", &value) || !isfinite (value))
    return NULL;

  return alta_units_format_value (value, unit);
}

/* A value that is not a quantity, as text: a string, a code, a yes/no, or the components
 * of a panel such as a blood pressure ("Systolic 120 mm[Hg], Diastolic 80 mm[Hg]") */
static char *
read_value_text (JsonObject *resource)
{
  JsonArray *components = alta_json_get_array (resource, "component");
  JsonNode *boolean = json_object_get_member (resource, "valueBoolean");
  g_autoptr (GString) text = NULL;
  char *concept;
  gint64 integer;

  if (alta_json_get_string (resource, "valueString") != NULL)
    return alta_fhir_dup_text (alta_json_get_string (resource, "valueString"));
  if ((concept = alta_fhir_dup_concept_text (alta_json_get_object (resource,
                                                                   "valueCodeableConcept"))) != NULL)
    return concept;
  if (alta_json_get_int (resource, "valueInteger", &integer))
    return g_strdup_printf ("%" G_GINT64_FORMAT, integer);
  if (boolean != NULL && JSON_NODE_HOLDS_VALUE (boolean) &&
      json_node_get_value_type (boolean) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (boolean) ? "true" : "false");

  text = g_string_new (NULL);
  for (guint i = 0; components != NULL && i < json_array_get_length (components) && i < 20; i++)
    {
      JsonObject *component = alta_json_array_get_object (components, i);
      g_autofree char *name = alta_fhir_dup_concept_text (alta_json_get_object (component, "code"));
      g_autofree char *value = format_quantity (alta_json_get_object (component, "valueQuantity"));

      if (value == NULL)
        value = alta_fhir_dup_text (alta_json_get_string (component, "valueString"));
      if (value == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s %s", name != NULL ? name : "", value);
    }

  return alta_fhir_dup_text (text->str);
}

static void
alta_lab_result_load (AltaRecordItem *item,
                      JsonObject     *resource)
{
  AltaLabResult *self = ALTA_LAB_RESULT (item);
  static const char *dates[] = { "effectiveDateTime", "effectivePeriod", "effectiveInstant",
                                 "issued", NULL };
  JsonObject *code = alta_json_get_object (resource, "code");
  JsonObject *quantity = alta_json_get_object (resource, "valueQuantity");
  JsonObject *range = alta_json_array_get_object (alta_json_get_array (resource,
                                                                       "referenceRange"), 0);
  JsonArray *interpretations = alta_json_get_array (resource, "interpretation");
  g_autofree char *title = alta_fhir_dup_concept_text (code);
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);
  g_autofree char *interpretation = NULL;

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  self->code = alta_fhir_dup_concept_code (code, &self->code_system);
  self->category = alta_fhir_dup_concept_code (
    alta_json_array_get_object (alta_json_get_array (resource, "category"), 0), NULL);

  self->has_value = alta_json_get_number (quantity, "value", &self->value) &&
                    isfinite (self->value);
  if (self->has_value)
    self->unit = dup_unit (quantity);
  else
    self->value_text = read_value_text (resource);

  self->has_low = alta_json_get_number (alta_json_get_object (range, "low"), "value", &self->low) &&
                  isfinite (self->low);
  self->has_high = alta_json_get_number (alta_json_get_object (range, "high"), "value", &self->high) &&
                   isfinite (self->high);
  self->range_text = alta_fhir_dup_text (alta_json_get_string (range, "text"));
  /* The limits say their unit, as the value does; a range without one has the value's */
  self->range_unit = dup_unit (alta_json_get_object (range, self->has_low ? "low" : "high"));
  if (self->range_unit == NULL)
    self->range_unit = g_strdup (self->unit);

  interpretation = alta_fhir_dup_concept_code (alta_json_array_get_object (interpretations, 0),
                                               NULL);
  self->flag = flag_from_code (interpretation);
  if (self->flag == ALTA_RESULT_FLAG_NONE && self->has_value && (self->has_low || self->has_high))
    {
      if (self->has_low && self->value < self->low)
        self->flag = ALTA_RESULT_FLAG_LOW;
      else if (self->has_high && self->value > self->high)
        self->flag = ALTA_RESULT_FLAG_HIGH;
      else
        self->flag = ALTA_RESULT_FLAG_NORMAL;
    }
}

static void
alta_lab_result_finalize (GObject *object)
{
  AltaLabResult *self = (AltaLabResult *)object;

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->code_system, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->value_text, g_free);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->range_unit, g_free);
  g_clear_pointer (&self->range_text, g_free);

  G_OBJECT_CLASS (alta_lab_result_parent_class)->finalize (object);
}

static void
alta_lab_result_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AltaLabResult *self = ALTA_LAB_RESULT (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_CODE_SYSTEM:
      g_value_set_string (value, self->code_system);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_HAS_VALUE:
      g_value_set_boolean (value, self->has_value);
      break;
    case PROP_VALUE_TEXT:
      g_value_set_string (value, self->value_text);
      break;
    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;
    case PROP_LOW:
      g_value_set_double (value, self->low);
      break;
    case PROP_HAS_LOW:
      g_value_set_boolean (value, self->has_low);
      break;
    case PROP_HIGH:
      g_value_set_double (value, self->high);
      break;
    case PROP_HAS_HIGH:
      g_value_set_boolean (value, self->has_high);
      break;
    case PROP_RANGE_TEXT:
      g_value_set_string (value, self->range_text);
      break;
    case PROP_FLAG:
      g_value_set_enum (value, self->flag);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_lab_result_class_init (AltaLabResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_lab_result_finalize;
  object_class->get_property = alta_lab_result_get_property;
  item_class->resource_type = "Observation";
  item_class->load = alta_lab_result_load;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CODE_SYSTEM] =
    g_param_spec_string ("code-system", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_VALUE] =
    g_param_spec_boolean ("has-value", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE_TEXT] =
    g_param_spec_string ("value-text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOW] =
    g_param_spec_double ("low", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_LOW] =
    g_param_spec_boolean ("has-low", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGH] =
    g_param_spec_double ("high", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_HIGH] =
    g_param_spec_boolean ("has-high", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANGE_TEXT] =
    g_param_spec_string ("range-text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAG] =
    g_param_spec_enum ("flag", NULL, NULL, ALTA_TYPE_RESULT_FLAG, ALTA_RESULT_FLAG_NONE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_lab_result_init (AltaLabResult *self)
{
}

/**
 * alta_lab_result_get_code:
 *
 * Returns: (nullable) the test's code (LOINC for laboratory tests)
 */
const char *
alta_lab_result_get_code (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->code;
}

/**
 * alta_lab_result_get_code_system:
 *
 * Returns: (nullable) the system of the code
 */
const char *
alta_lab_result_get_code_system (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->code_system;
}

/**
 * alta_lab_result_get_category:
 *
 * Returns: (nullable) its category code, such as "laboratory"
 */
const char *
alta_lab_result_get_category (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->category;
}

double
alta_lab_result_get_value (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), 0);

  return self->value;
}

gboolean
alta_lab_result_get_has_value (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), FALSE);

  return self->has_value;
}

/**
 * alta_lab_result_get_value_text:
 *
 * Returns: (nullable) a value that is not a number, as text
 */
const char *
alta_lab_result_get_value_text (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->value_text;
}

/**
 * alta_lab_result_dup_value_with_unit:
 *
 * Returns: (transfer full) (nullable): the number and its unit as a patient reads them
 *   ("124 mg/dL", "6.8 ×10³/µL"), or the value that is not a number, or %NULL without a
 *   value
 */
char *
alta_lab_result_dup_value_with_unit (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  if (!self->has_value)
    return g_strdup (self->value_text);

  return alta_units_format_value (self->value, self->unit);
}

/**
 * alta_lab_result_get_unit:
 *
 * Returns: (nullable) the unit of the value
 */
const char *
alta_lab_result_get_unit (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->unit;
}

double
alta_lab_result_get_low (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), 0);

  return self->low;
}

gboolean
alta_lab_result_get_has_low (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), FALSE);

  return self->has_low;
}

double
alta_lab_result_get_high (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), 0);

  return self->high;
}

gboolean
alta_lab_result_get_has_high (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), FALSE);

  return self->has_high;
}

/**
 * alta_lab_result_get_range_text:
 *
 * Returns: (nullable) a reference range given only as text
 */
const char *
alta_lab_result_get_range_text (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->range_text;
}

AltaResultFlag
alta_lab_result_get_flag (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), ALTA_RESULT_FLAG_NONE);

  return self->flag;
}

/**
 * alta_lab_result_get_range_unit:
 *
 * Returns: (nullable) the unit of the range's limits, as FHIR gives it
 */
const char *
alta_lab_result_get_range_unit (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  return self->range_unit;
}

/**
 * alta_lab_result_dup_range:
 *
 * Returns: (transfer full) (nullable): the normal range as the report shows it, with its
 *   unit ("Normal: 70 to 99 mg/dL", "Normal: over 40 mg/dL"), or %NULL without one
 */
char *
alta_lab_result_dup_range (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  if (self->has_low || self->has_high)
    return alta_units_format_range (self->has_low, self->low, self->has_high, self->high,
                                    self->range_unit);
  if (self->range_text != NULL)
    /* Translators: a normal range the laboratory gave as text, "Normal: negative" */
    return g_strdup_printf (_("Normal: %s"), self->range_text);

  return NULL;
}

/**
 * alta_lab_result_dup_range_description:
 *
 * Returns: (transfer full) (nullable): the normal range as a screen reader says it after
 *   the value ("normal range 70 to 99"), or %NULL without one
 */
char *
alta_lab_result_dup_range_description (AltaLabResult *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (self), NULL);

  if (self->has_low || self->has_high)
    return alta_units_describe_range (self->has_low, self->low, self->has_high, self->high);
  if (self->range_text != NULL)
    /* Translators: spoken after a value, a normal range given as text, "normal range negative" */
    return g_strdup_printf (_("normal range %s"), self->range_text);

  return NULL;
}
