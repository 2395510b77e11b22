/* fuzz-fhir-resource.c: libFuzzer target over the FHIR JSON reading of the importer
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-import.h"
#include "alta-fhir-resource.h"
#include "alta-json.h"
#include "alta-store.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static AltaStore *store;

/* A resource or Bundle as a file or an NDJSON line would bring it: read, checked, indexed,
 * its references rewritten, and imported into a database in memory (rolled back each time
 * the input is refused).
 */
int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (AltaFhirImportStats) stats = alta_fhir_import_stats_new ();
  g_autoptr (GHashTable) map = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (AltaFhirIndex) index = NULL;
  g_autofree char *text = g_strndup ((const char *)data, size);
  gint64 start, end;
  JsonNode *root;

  if (store == NULL)
    {
      store = alta_store_open (":memory:", NULL);
      g_assert (store != NULL);
    }

  (void)alta_fhir_parse_date_range (text, &start, &end);
  (void)alta_fhir_id_is_valid (text);
  (void)alta_fhir_split_reference (text, NULL, NULL);

  (void)alta_fhir_import_data (store, "fuzz", (const char *)data, size, ALTA_FHIR_IMPORT_LENIENT,
                               1700000000, stats, NULL);

  if (!alta_json_check_depth ((const char *)data, size, 64) ||
      !json_parser_load_from_data (parser, (const char *)data, size, NULL))
    return 0;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  index = alta_fhir_index_resource (json_node_get_object (root), NULL);
  g_hash_table_insert (map, (gpointer)"urn:uuid:1", (gpointer)"Patient/1");
  alta_fhir_rewrite_references (root, map);
  return 0;
}
