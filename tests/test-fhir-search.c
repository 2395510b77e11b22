/* test-fhir-search.c: FHIR dates, search parameters, resource indexing, and the work a
 * search's pages cost the store
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-import.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-search.h"
#include "alta-fhir-store.h"
#include "alta-store-private.h"

static void
test_date_ranges (void)
{
  const struct
  {
    const char *text;
    gint64      start;
    gint64      end;
  } good[] = {
    { "2024", 1704067200, 1735689600 },
    { "2024-02", 1706745600, 1709251200 },
    { "2024-12", 1733011200, 1735689600 },
    { "2024-02-29", 1709164800, 1709251200 },
    { "2024-02-29T10:20:30Z", 1709202030, 1709202031 },
    { "2024-02-29T10:20:30.123+02:00", 1709194830, 1709194831 },
    { "2024-02-29T10:20:30-07:00", 1709227230, 1709227231 },
    { "2024-02-29T10:20", 1709202000, 1709202001 },
    { "0001", -62135596800, -62104060800 },
  };
  const char *bad[] = {
    "", "0000", "20", "2024-", "2024-13", "2023-02-29", "2024-02-30", "2024-1-01",
    "2024-01-01T", "2024-01-01T25:00:00Z", "2024-01-01T10:00:00+15:00", "2024-01-01Z",
    "2024-01-01T10:00:00.Z", "2024-01-01T10:00:00Zjunk", "yesterday", "+2024",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 start, end;

      g_test_message ("%s", good[i].text);
      g_assert_true (alta_fhir_parse_date_range (good[i].text, &start, &end));
      g_assert_cmpint (start, ==, good[i].start);
      g_assert_cmpint (end, ==, good[i].end);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 start, end;

      g_test_message ("%s", bad[i]);
      g_assert_false (alta_fhir_parse_date_range (bad[i], &start, &end));
    }
}

static void
test_search_parse (void)
{
  g_autoptr (AltaFhirSearch) search = NULL;
  g_autoptr (GError) error = NULL;
  AltaFhirFilter *filter;
  AltaFhirTokenValue *value;

  search = alta_fhir_search_parse ("Observation",
                                   "patient=Patient%2Fp1&category=laboratory"
                                   "&code=http://loinc.org|4548-4,|local,http://x|"
                                   "&date=ge2020&date=lt2021-06&_sort=-date&_count=900"
                                   "&_page=1600000000_42", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (search->patient_id, ==, "p1");
  g_assert_cmpuint (search->count, ==, ALTA_FHIR_SEARCH_MAX_COUNT);
  g_assert_true (search->sort_by_date && search->descending);
  g_assert_true (search->has_cursor);
  g_assert_cmpint (search->cursor_key, ==, 1600000000);
  g_assert_cmpint (search->cursor_rid, ==, 42);
  g_assert_cmpuint (search->dates->len, ==, 2);
  g_assert_cmpint (g_array_index (search->dates, AltaFhirDateFilter, 0).prefix, ==, ALTA_FHIR_PREFIX_GE);
  g_assert_cmpint (g_array_index (search->dates, AltaFhirDateFilter, 1).prefix, ==, ALTA_FHIR_PREFIX_LT);
  g_assert_cmpuint (search->tokens->len, ==, 2);
  filter = g_ptr_array_index (search->tokens, 1);
  g_assert_cmpstr (filter->param, ==, "code");
  g_assert_cmpuint (filter->values->len, ==, 3);
  value = g_ptr_array_index (filter->values, 0);
  g_assert_cmpstr (value->system, ==, "http://loinc.org");
  g_assert_cmpstr (value->code, ==, "4548-4");
  value = g_ptr_array_index (filter->values, 1);
  g_assert_true (value->has_system && value->system == NULL);
  g_assert_cmpstr (value->code, ==, "local");
  value = g_ptr_array_index (filter->values, 2);
  g_assert_cmpstr (value->system, ==, "http://x");
  g_assert_null (value->code);
  g_assert_null (strstr (search->query_without_page, "_page"));
}

static void
test_search_refused (void)
{
  const char *bad[][2] = {
    { "Observation", "bogus=1" },
    { "Observation", "date=around2020" },
    { "Observation", "_count=-5" },
    { "Observation", "_sort=status" },
    { "Observation", "patient=a&patient=b" },
    { "Observation", "patient=Practitioner/x" },
    { "Observation", "code=|" },
    { "Observation", "code=" },
    { "Observation", "status=a|b" },
    { "Observation", "_page=12" },
    { "Observation", "_format=xml" },
    { "AllergyIntolerance", "status=active" },
    { "Organization", "patient=p1" },
    { "Slot", "schedule=Practitioner/x" },
    { "Observation", "code:text=glucose" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (AltaFhirSearch) search = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *param = NULL;

      g_test_message ("%s?%s", bad[i][0], bad[i][1]);
      search = alta_fhir_search_parse (bad[i][0], bad[i][1], &param, &error);
      g_assert_null (search);
      g_assert_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID);
      g_assert_nonnull (param);
    }
}

static void
test_index (void)
{
  g_autoptr (JsonNode) node = json_from_string (
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"subject\":{\"reference\":\"Patient/p1\"},"
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},"
    "\"category\":[{\"coding\":[{\"system\":\"s\",\"code\":\"problem-list-item\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\"}]},"
    "\"onsetDateTime\":\"2019-05\",\"encounter\":{\"reference\":\"Encounter/e1\"}}", NULL);
  g_autoptr (JsonNode) unserved = json_from_string ("{\"resourceType\":\"Encounter\"}", NULL);
  g_autoptr (JsonNode) unknown = json_from_string ("{\"resourceType\":\"Banana\"}", NULL);
  g_autoptr (AltaFhirIndex) index = NULL;
  g_autoptr (AltaFhirIndex) none = NULL;
  g_autoptr (GError) error = NULL;

  index = alta_fhir_index_resource (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (index->id, ==, "c1");
  g_assert_cmpstr (index->patient_ref, ==, "Patient/p1");
  g_assert_cmpstr (index->clinical_status, ==, "active");
  g_assert_true (index->has_date);
  g_assert_cmpint (index->date_start, ==, 1556668800);
  g_assert_cmpuint (index->tokens->len, ==, 2);
  g_assert_cmpuint (index->refs->len, ==, 2);

  none = alta_fhir_index_resource (json_node_get_object (unserved), &error);
  g_assert_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_UNSERVED);
  g_clear_error (&error);
  g_clear_pointer (&none, alta_fhir_index_free);
  none = alta_fhir_index_resource (json_node_get_object (unknown), &error);
  g_assert_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID);
}

/* alta_fhir_type_is_r4() searches the list of R4 types by halves: it must be sorted */
static void
test_r4_types (void)
{
  guint n_names;
  const char * const *names = alta_fhir_type_get_r4_names (&n_names);

  g_assert_cmpuint (n_names, ==, 146);
  for (guint i = 1; i < n_names; i++)
    g_assert_cmpint (strcmp (names[i - 1], names[i]), <, 0);
  for (guint i = 0; i < n_names; i++)
    g_assert_true (alta_fhir_type_is_r4 (names[i]));
  g_assert_false (alta_fhir_type_is_r4 ("Patients"));
  g_assert_false (alta_fhir_type_is_r4 ("patient"));
  g_assert_false (alta_fhir_type_is_r4 (""));
  g_assert_false (alta_fhir_type_is_r4 ("AAA"));
  g_assert_false (alta_fhir_type_is_r4 ("Zzz"));
}

/* What the statements of a connection did since the last call: SQLite's own counters,
 * summed over every statement it keeps, and reset */
typedef struct
{
  int vm_steps;
  int fullscan_steps;
  int sorts;
  int autoindexes;
} Work;

static Work
take_work (AltaStore *store)
{
  sqlite3 *db = alta_store_get_db (store);
  Work work = { 0 };

  for (sqlite3_stmt *stmt = sqlite3_next_stmt (db, NULL); stmt != NULL;
       stmt = sqlite3_next_stmt (db, stmt))
    {
      work.vm_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, TRUE);
      work.fullscan_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, TRUE);
      work.sorts += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_SORT, TRUE);
      work.autoindexes += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_AUTOINDEX, TRUE);
    }

  return work;
}

#define N_RESULTS 1200

/* One record of N_RESULTS laboratory results, one every eight hours */
static AltaStore *
open_lab_record (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaFhirImportStats) stats = alta_fhir_import_stats_new ();
  g_autoptr (GString) bundle = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                                             "\"entry\":[{\"resource\":{\"resourceType\":"
                                             "\"Patient\",\"id\":\"lab\"}}");
  AltaStore *store = alta_store_open (":memory:", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < N_RESULTS; i++)
    {
      g_autofree char *when = alta_fhir_format_instant (1700000000 - (gint64)i * 8 * 3600);

      g_string_append_printf (bundle,
                              ",{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"r%u\","
                              "\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                              "\"http://terminology.hl7.org/CodeSystem/observation-category\","
                              "\"code\":\"laboratory\"}]}],\"code\":{\"text\":\"Glucose\"},"
                              "\"subject\":{\"reference\":\"Patient/lab\"},"
                              "\"effectiveDateTime\":\"%s\",\"valueQuantity\":{\"value\":%u}}}",
                              i, when, 80 + i % 40);
    }
  g_string_append (bundle, "]}");

  g_assert_true (alta_fhir_import_data (store, "lab record", bundle->str, bundle->len,
                                        ALTA_FHIR_IMPORT_STRICT, 1700000000, stats, &error));
  g_assert_no_error (error);
  return store;
}

/* Every page of a search costs about what the second one does, wherever its cursor is: the
 * cursor is a seek in an index that gives the search's order (no sort of every match, no
 * walk over the rows before it), and the total is counted once, for the first page. Page 101
 * of a 10,000-result record took 25 times the steps of its first page while the cursor's
 * key was two parameters; a search without _sort sorted the whole record for each page. */
static void
test_pages_seek (gconstpointer data)
{
  const char *query = data;
  g_autoptr (AltaStore) store = open_lab_record ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *page_query = g_strdup (query);
  AltaFhirViewer viewer = { TRUE, NULL, 1700000000 };
  int second_page_steps = 0;
  guint pages = 0;

  take_work (store);
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaFhirSearch) search = alta_fhir_search_parse ("Observation", page_query,
                                                                  NULL, &error);
      g_autoptr (AltaFhirPage) page = NULL;
      g_autofree char *cursor = NULL;
      Work work;

      g_assert_no_error (error);
      page = alta_fhir_store_search (store, &viewer, search, &error);
      g_assert_no_error (error);
      work = take_work (store);
      pages++;

      g_assert_cmpuint (page->total, ==, N_RESULTS);
      for (guint i = 0; i < page->records->len; i++)
        {
          AltaFhirRecord *record = g_ptr_array_index (page->records, i);

          g_assert_true (g_hash_table_add (seen, g_strdup (record->id)));
        }

      g_test_message ("page %u: %d steps, %d full-scan steps, %d sorts, %d automatic indexes",
                      pages, work.vm_steps, work.fullscan_steps, work.sorts, work.autoindexes);
      g_assert_cmpint (work.fullscan_steps, ==, 0);
      g_assert_cmpint (work.sorts, ==, 0);
      g_assert_cmpint (work.autoindexes, ==, 0);
      if (pages == 2)
        second_page_steps = work.vm_steps;
      else if (pages > 2)
        g_assert_cmpint (work.vm_steps, <=, second_page_steps * 3 / 2);

      if (!page->has_more)
        break;
      cursor = alta_fhir_search_encode_cursor (page->next_key, page->next_rid);
      g_free (page_query);
      page_query = g_strdup_printf ("%s&_page=%s", query, cursor);
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, N_RESULTS);
  g_assert_cmpuint (pages, ==, N_RESULTS / 50);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir-search/date-ranges", test_date_ranges);
  g_test_add_func ("/fhir-search/parse", test_search_parse);
  g_test_add_func ("/fhir-search/refused", test_search_refused);
  g_test_add_func ("/fhir-search/index", test_index);
  g_test_add_func ("/fhir-search/r4-types", test_r4_types);
  g_test_add_data_func ("/fhir-search/pages-seek/by-date",
                        "patient=lab&category=laboratory&_sort=-date&_count=50",
                        test_pages_seek);
  g_test_add_data_func ("/fhir-search/pages-seek/by-date-ascending",
                        "patient=lab&category=laboratory&_sort=date&_count=50",
                        test_pages_seek);
  g_test_add_data_func ("/fhir-search/pages-seek/unsorted",
                        "patient=lab&category=laboratory&_count=50", test_pages_seek);

  return g_test_run ();
}
