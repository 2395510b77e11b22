/* fuzz-fhir-model.c: libFuzzer target over the app's reading of FHIR resources
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "alta-allergy.h"
#include "alta-fhir-bundle.h"
#include "alta-immunization.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-medication.h"
#include "alta-problem.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* Reads every property, as the list rows will */
static void
read_all (AltaRecordItem *item)
{
  g_autofree GParamSpec **specs = NULL;
  guint n_specs;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (item), &n_specs);
  for (guint i = 0; i < n_specs; i++)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      g_object_get_property (G_OBJECT (item), specs[i]->name, &value);
      if (G_VALUE_HOLDS_STRING (&value) && g_value_get_string (&value) != NULL)
        g_assert (g_utf8_validate (g_value_get_string (&value), -1, NULL));
    }
}

/* A server's answer: as a Bundle of each kind of entry, and as a single resource */
int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GBytes) body = g_bytes_new_static (data, size);
  GType types[] = {
    ALTA_TYPE_ALLERGY, ALTA_TYPE_IMMUNIZATION, ALTA_TYPE_MEDICATION, ALTA_TYPE_PROBLEM,
    ALTA_TYPE_LAB_RESULT, ALTA_TYPE_LAB_REPORT,
  };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr (AltaRecordPage) page = alta_fhir_bundle_parse (body, types[t], NULL);
      g_autoptr (AltaRecordItem) item = alta_fhir_resource_parse ((const char *)data, size,
                                                                  types[t], NULL);

      for (guint i = 0; page != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (page->items)); i++)
        {
          g_autoptr (AltaRecordItem) entry = g_list_model_get_item (G_LIST_MODEL (page->items), i);

          read_all (entry);
        }
      if (item != NULL)
        read_all (item);
    }

  return 0;
}
