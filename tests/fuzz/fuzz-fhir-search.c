/* fuzz-fhir-search.c: libFuzzer target over the FHIR search-parameter parser
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-search.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* The first byte picks the resource type searched; the rest is the query string as a
 * request line brings it.
 */
int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (AltaFhirSearch) search = NULL;
  g_autofree char *query = NULL;
  g_autofree char *bad_param = NULL;
  const AltaFhirTypeInfo *types;
  guint n_types;

  if (size < 1)
    return 0;

  types = alta_fhir_type_get_all (&n_types);
  query = g_strndup ((const char *)data + 1, size - 1);
  search = alta_fhir_search_parse (types[data[0] % n_types].type, query, &bad_param, NULL);

  if (search != NULL)
    {
      g_assert (search->count <= ALTA_FHIR_SEARCH_MAX_COUNT);
      g_assert (search->query_without_page != NULL);
      g_assert (strstr (search->query_without_page, "_page=") == NULL ||
                strstr (query, "_page=") != NULL);
      for (guint i = 0; i < search->dates->len; i++)
        {
          AltaFhirDateFilter *filter = &g_array_index (search->dates, AltaFhirDateFilter, i);

          g_assert (filter->start < filter->end);
        }
    }
  else
    g_assert (bad_param != NULL);

  return 0;
}
