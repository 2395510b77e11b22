/* alta-problem.c: a problem or diagnosis (FHIR Condition)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-problem"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-problem.h"
#include "alta-json.h"
#include "alta-medlineplus.h"
struct _AltaProblem
{
  AltaRecordItem parent_instance;

  GDateTime *resolved_date;   /* when it ended */
  char      *code;            /* a code MedlinePlus Connect knows (ICD-10-CM, SNOMED CT) */
  char      *code_system;
};

G_DEFINE_FINAL_TYPE (AltaProblem, alta_problem, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_RESOLVED_DATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_problem_load (AltaRecordItem *item,
                   JsonObject     *resource)
{
  AltaProblem *self = ALTA_PROBLEM (item);
  static const char *onset[] = { "onsetDateTime", "onsetPeriod", "recordedDate", NULL };
  static const char *abatement[] = { "abatementDateTime", "abatementPeriod", NULL };
  g_autofree char *title = alta_fhir_dup_concept_text (alta_json_get_object (resource, "code"));
  g_autofree char *status = alta_fhir_dup_concept_code (alta_json_get_object (resource,
                                                                              "clinicalStatus"),
                                                        NULL);
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, onset);

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  alta_record_item_set_status (item, status);
  self->resolved_date = alta_fhir_read_date (resource, abatement);
  self->code = alta_medlineplus_dup_code (alta_json_get_object (resource, "code"),
                                          &self->code_system);
}

static void
alta_problem_finalize (GObject *object)
{
  AltaProblem *self = (AltaProblem *)object;

  g_clear_pointer (&self->resolved_date, g_date_time_unref);
  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->code_system, g_free);

  G_OBJECT_CLASS (alta_problem_parent_class)->finalize (object);
}

static void
alta_problem_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AltaProblem *self = ALTA_PROBLEM (object);

  switch (prop_id)
    {
    case PROP_RESOLVED_DATE:
      g_value_set_boxed (value, self->resolved_date);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_problem_class_init (AltaProblemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_problem_finalize;
  object_class->get_property = alta_problem_get_property;
  item_class->resource_type = "Condition";
  item_class->load = alta_problem_load;

  properties[PROP_RESOLVED_DATE] =
    g_param_spec_boxed ("resolved-date", NULL, NULL, G_TYPE_DATE_TIME, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_problem_init (AltaProblem *self)
{
}

/**
 * alta_problem_get_resolved_date:
 *
 * Returns: (nullable) when it ended
 */
GDateTime *
alta_problem_get_resolved_date (AltaProblem *self)
{
  g_return_val_if_fail (ALTA_IS_PROBLEM (self), NULL);

  return self->resolved_date;
}

/**
 * alta_problem_get_code:
 * @out_system: (out) (optional): the code's system
 *
 * Returns: (nullable): the problem's code in a system MedlinePlus Connect knows
 */
const char *
alta_problem_get_code (AltaProblem  *self,
                       const char  **out_system)
{
  g_return_val_if_fail (ALTA_IS_PROBLEM (self), NULL);

  if (out_system != NULL)
    *out_system = self->code_system;
  return self->code;
}
