/* fuzz-fhir-json.c: libFuzzer target over FHIR JSON read and written with its numbers
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-json.h"
#include "alta-json.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static int
compare_texts (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* Every import, request and stored resource is read by alta_fhir_json_parse(). What it
 * accepts must be written as JSON that reads back to the same text, with the numbers of the
 * input (fewer only where a member was named twice).
 */
int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (AltaFhirJson) json = NULL;
  g_autoptr (AltaFhirJson) again = NULL;
  g_autoptr (GPtrArray) numbers_in = NULL;
  g_autoptr (GPtrArray) numbers_out = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (!alta_fhir_json_scan_numbers ((const char *)data, size, &numbers_in, NULL))
    return 0;

  /* The callers check the depth before parsing; json-glib recurses. */
  if (!alta_json_check_depth ((const char *)data, size, 64))
    return 0;

  json = alta_fhir_json_parse ((const char *)data, size, NULL);
  if (json == NULL)
    return 0;

  text = alta_fhir_json_to_text (alta_fhir_json_get_root (json));
  again = alta_fhir_json_parse (text, -1, NULL);
  g_assert (again != NULL);
  text_again = alta_fhir_json_to_text (alta_fhir_json_get_root (again));
  g_assert (strcmp (text, text_again) == 0);

  g_assert (alta_fhir_json_scan_numbers (text, strlen (text), &numbers_out, NULL));
  g_assert (numbers_out->len <= numbers_in->len);
  if (numbers_out->len == numbers_in->len)
    {
      g_ptr_array_sort (numbers_in, compare_texts);
      g_ptr_array_sort (numbers_out, compare_texts);
      for (guint i = 0; i < numbers_in->len; i++)
        g_assert (strcmp (g_ptr_array_index (numbers_in, i),
                          g_ptr_array_index (numbers_out, i)) == 0);
    }
  return 0;
}
