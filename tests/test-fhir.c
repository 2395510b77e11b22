/* test-fhir.c: the clinical record (FHIR R4) over real HTTPS: searches, paging, access
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "alta-test-server.h"

#define DAY (24 * 60 * 60)

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *patient;
  AltaPortalClient *staff;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo_full (NULL, TRUE);
  fixture->patient = alta_test_server_new_client (fixture->server);
  fixture->staff = alta_test_server_new_client (fixture->server);
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->patient);
  g_clear_object (&fixture->staff);
  g_clear_pointer (&fixture->server, alta_test_server_free);
}

static AltaPortalResponse *
get (AltaPortalClient *client,
     const char       *path)
{
  g_autofree char *full = g_str_has_prefix (path, "/") ? g_strdup (path)
                                                         : g_strconcat ("/fhir/R4/", path, NULL);

  return alta_test_request (client, "GET", full, NULL, ALTA_REQUEST_NONE);
}

/* A search that must succeed: its Bundle (kept alive by @out_response) */
static JsonObject *
search (AltaPortalClient    *client,
        const char          *path,
        AltaPortalResponse **out_response)
{
  AltaPortalResponse *response = get (client, path);
  JsonObject *bundle;

  alta_assert_status (response, 200);
  bundle = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (bundle, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "searchset");
  *out_response = response;
  return bundle;
}

static gint64
search_total (AltaPortalClient *client,
              const char       *path)
{
  g_autoptr (AltaPortalResponse) response = NULL;
  JsonObject *bundle = search (client, path, &response);

  return json_object_get_int_member (bundle, "total");
}

static const char *
next_link (JsonObject *bundle)
{
  JsonArray *links = json_object_get_array_member (bundle, "link");

  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      if (g_str_equal (json_object_get_string_member (link, "relation"), "next"))
        return strstr (json_object_get_string_member (link, "url"), "/fhir/R4/");
    }

  return NULL;
}

/* Every resource of a search, following `next`: a JSON array of copies */
static JsonArray *
search_all (AltaPortalClient *client,
            const char       *path,
            gint64           *out_total)
{
  JsonArray *all = json_array_new ();
  g_autofree char *current = g_strdup (path);
  gint64 total = -1;

  while (current != NULL)
    {
      g_autoptr (AltaPortalResponse) response = NULL;
      JsonObject *bundle = search (client, current, &response);
      const char *next = next_link (bundle);

      if (total < 0)
        total = json_object_get_int_member (bundle, "total");
      else
        g_assert_cmpint (json_object_get_int_member (bundle, "total"), ==, total);

      if (json_object_has_member (bundle, "entry"))
        {
          JsonArray *entries = json_object_get_array_member (bundle, "entry");

          for (guint i = 0; i < json_array_get_length (entries); i++)
            json_array_add_element (all, json_node_copy (
              json_object_get_member (json_array_get_object_element (entries, i), "resource")));
        }

      g_free (current);
      current = next != NULL ? g_strdup (next) : NULL;
    }

  if (out_total != NULL)
    *out_total = total;
  return all;
}

static const char *
resource_id (JsonArray *resources,
             guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (resources, i), "id");
}

static gint64
parse_instant (const char *text)
{
  g_autoptr (GDateTime) datetime = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  if (strlen (text) == 10)
    {
      g_autofree char *full = g_strconcat (text, "T00:00:00Z", NULL);

      datetime = g_date_time_new_from_iso8601 (full, utc);
    }
  else
    datetime = g_date_time_new_from_iso8601 (text, utc);
  g_assert_nonnull (datetime);
  return g_date_time_to_unix (datetime);
}

static const char *
patient_id_of (Fixture    *fixture,
               const char *name)
{
  g_autoptr (JsonObject) account = alta_test_server_demo_account (fixture->server, name);
  static char id[128];

  g_assert_nonnull (account);
  g_strlcpy (id, json_object_get_string_member (account, "patient_id"), sizeof id);
  return id;
}

static void
test_metadata (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) anonymous = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalResponse) response = get (anonymous, "metadata");
  const char * const *served = alta_test_served_types;
  JsonObject *statement;
  JsonArray *resources;

  alta_assert_status (response, 200);
  statement = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (statement, "resourceType"), ==,
                   "CapabilityStatement");
  g_assert_cmpstr (json_object_get_string_member (statement, "fhirVersion"), ==, "4.0.1");
  resources = json_object_get_array_member (
    json_array_get_object_element (json_object_get_array_member (statement, "rest"), 0),
    "resource");
  g_assert_cmpuint (json_array_get_length (resources), ==, ALTA_TEST_N_SERVED_TYPES);
  for (guint i = 0; i < ALTA_TEST_N_SERVED_TYPES; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (resources, i),
                                                    "type"), ==, served[i]);

  /* The read side is what the server answered before the writes were added, member for
   * member (tests/data/capability-statement-read.json, with the parts that change emptied).
   */
  {
    g_autofree char *expected_path = g_test_build_filename (G_TEST_DIST, "data",
                                                            "capability-statement-read.json",
                                                            NULL);
    g_autofree char *base = g_strconcat (fixture->server->url, "/fhir/R4", NULL);
    g_autoptr (JsonParser) expected = json_parser_new ();
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) served_node = json_node_init_object (json_node_alloc (), statement);
    g_autofree char *expected_text = NULL;
    g_autofree char *read_side = NULL;
    JsonObject *implementation = json_object_get_object_member (statement, "implementation");
    JsonObject *software = json_object_get_object_member (statement, "software");

    g_assert_cmpstr (json_object_get_string_member (implementation, "url"), ==, base);
    g_assert_cmpstr (json_object_get_string_member (software, "version"), ==, PACKAGE_VERSION);
    g_assert_cmpint (parse_instant (json_object_get_string_member (statement, "date")), >, 0);
    json_object_set_string_member (statement, "date", "");
    json_object_set_string_member (implementation, "url", "");
    json_object_set_string_member (software, "version", "");

    for (guint i = 0; i < json_array_get_length (resources); i++)
      {
        JsonObject *resource = json_array_get_object_element (resources, i);
        const char *type = json_object_get_string_member (resource, "type");
        JsonArray *interactions = json_object_get_array_member (resource, "interaction");
        gboolean writes = g_str_equal (type, "Appointment") || g_str_equal (type, "Communication") ||
                          g_str_equal (type, "Task");
        g_autoptr (GString) codes = g_string_new (NULL);

        for (guint j = 0; j < json_array_get_length (interactions); j++)
          g_string_append_printf (codes, " %s", json_object_get_string_member (
                                                  json_array_get_object_element (interactions, j),
                                                  "code"));
        if (g_str_equal (type, "Task"))
          g_assert_cmpstr (codes->str, ==, " read search-type create");
        else if (writes)
          g_assert_cmpstr (codes->str, ==, " read search-type create update patch");
        else
          g_assert_cmpstr (codes->str, ==, " read search-type");
        g_assert_cmpint (json_object_has_member (resource, "conditionalCreate"), ==, writes);

        while (json_array_get_length (interactions) > 2)
          json_array_remove_element (interactions, 2);
        json_object_remove_member (resource, "conditionalCreate");
      }

    g_assert_true (json_parser_load_from_file (expected, expected_path, &error));
    g_assert_no_error (error);
    expected_text = json_to_string (json_parser_get_root (expected), FALSE);
    read_side = json_to_string (served_node, FALSE);
    g_assert_cmpstr (read_side, ==, expected_text);
  }
}

static void
assert_dates_ordered (JsonArray  *resources,
                      const char *member,
                      gboolean    descending)
{
  for (guint i = 1; i < json_array_get_length (resources); i++)
    {
      const char *a = json_object_get_string_member (json_array_get_object_element (resources, i - 1), member);
      const char *b = json_object_get_string_member (json_array_get_object_element (resources, i), member);
      gint64 ta = parse_instant (a), tb = parse_instant (b);

      if (descending)
        g_assert_cmpint (ta, >=, tb);
      else
        g_assert_cmpint (ta, <=, tb);
    }
}

/* Every search of the contract, as the patient's app makes it */
static void
test_contract_searches (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr (JsonArray) allergies = NULL;
  g_autoptr (JsonArray) immunizations = NULL;
  g_autoptr (JsonArray) medications = NULL;
  g_autoptr (JsonArray) problems = NULL;
  g_autoptr (JsonArray) reports = NULL;
  g_autoptr (JsonArray) trend = NULL;
  g_autoptr (JsonArray) care_teams = NULL;
  g_autoptr (JsonArray) messages = NULL;
  g_autoptr (JsonArray) schedules = NULL;
  g_autoptr (JsonArray) slots = NULL;
  g_autoptr (JsonArray) appointments = NULL;
  g_autoptr (JsonArray) tasks = NULL;
  g_autoptr (AltaPortalResponse) practitioner = NULL;
  g_autoptr (AltaPortalResponse) patient = NULL;
  g_autofree char *slot_path = NULL;
  g_autofree char *appointment_path = NULL;
  g_autofree char *role_path = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 14);
  g_autofree char *in_two_weeks = g_date_time_format (later, "%Y-%m-%d");
  const char *practitioner_reference = NULL;
  JsonArray *participants;

  alta_test_sign_in (fixture->patient, "grace", "Orchard-Lantern-42");

  patient = get (fixture->patient, "Patient/demo-adult");
  alta_assert_status (patient, 200);
  g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (patient), "id"), ==,
                   "demo-adult");

  allergies = search_all (fixture->patient, "AllergyIntolerance?patient=demo-adult", NULL);
  g_assert_cmpuint (json_array_get_length (allergies), ==, 2);

  immunizations = search_all (fixture->patient, "Immunization?patient=demo-adult&_sort=-date", NULL);
  g_assert_cmpuint (json_array_get_length (immunizations), >=, 4);
  assert_dates_ordered (immunizations, "occurrenceDateTime", TRUE);

  medications = search_all (fixture->patient, "MedicationRequest?patient=demo-adult&status=active",
                            NULL);
  g_assert_cmpuint (json_array_get_length (medications), ==, 2);
  for (guint i = 0; i < json_array_get_length (medications); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (medications, i),
                                                    "status"), ==, "active");
  g_assert_cmpint (search_total (fixture->patient, "MedicationRequest?patient=demo-adult"), ==, 3);
  g_assert_cmpint (search_total (fixture->patient,
                                 "MedicationRequest?patient=demo-adult&status=active,stopped"), ==, 3);

  problems = search_all (fixture->patient, "Condition?patient=Patient/demo-adult&clinical-status=active",
                         NULL);
  g_assert_cmpuint (json_array_get_length (problems), ==, 2);
  g_assert_cmpint (search_total (fixture->patient,
                                 "Condition?patient=demo-adult&clinical-status=resolved"), ==, 1);

  reports = search_all (fixture->patient, "DiagnosticReport?patient=demo-adult&_sort=-date", NULL);
  g_assert_cmpuint (json_array_get_length (reports), >=, 16);
  assert_dates_ordered (reports, "effectiveDateTime", TRUE);
  for (guint i = 0; i < json_array_get_length (reports); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (reports, i),
                                                    "status"), ==, "final");

  trend = search_all (fixture->patient,
                      "Observation?patient=demo-adult&category=laboratory"
                      "&code=http://loinc.org|4548-4&date=ge2000-01-01&_sort=date", NULL);
  g_assert_cmpuint (json_array_get_length (trend), >=, 8);
  assert_dates_ordered (trend, "effectiveDateTime", FALSE);
  for (guint i = 0; i < json_array_get_length (trend); i++)
    {
      JsonObject *observation = json_array_get_object_element (trend, i);
      JsonObject *coding = json_array_get_object_element (
        json_object_get_array_member (json_object_get_object_member (observation, "code"), "coding"), 0);

      g_assert_cmpstr (json_object_get_string_member (coding, "code"), ==, "4548-4");
      g_assert_true (json_object_has_member (observation, "valueQuantity"));
    }
  /* A code without its system, and a system that does not match */
  g_assert_cmpint (search_total (fixture->patient, "Observation?patient=demo-adult&code=4548-4"),
                   ==, json_array_get_length (trend));
  g_assert_cmpint (search_total (fixture->patient,
                                 "Observation?patient=demo-adult&code=http://snomed.info/sct|4548-4"),
                   ==, 0);

  care_teams = search_all (fixture->patient, "CareTeam?patient=demo-adult", NULL);
  g_assert_cmpuint (json_array_get_length (care_teams), ==, 1);
  participants = json_object_get_array_member (json_array_get_object_element (care_teams, 0),
                                               "participant");
  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *member = json_object_get_object_member (json_array_get_object_element (participants, i),
                                                          "member");
      const char *reference = json_object_get_string_member (member, "reference");

      if (g_str_has_prefix (reference, "Practitioner/"))
        practitioner_reference = reference;
    }
  g_assert_nonnull (practitioner_reference);

  /* The clinicians a record names are readable, with their roles. */
  practitioner = get (fixture->patient, practitioner_reference);
  alta_assert_status (practitioner, 200);
  role_path = g_strdup_printf ("PractitionerRole?practitioner=%s", practitioner_reference);
  g_assert_cmpint (search_total (fixture->patient, role_path), >=, 1);

  messages = search_all (fixture->patient, "Communication?patient=demo-adult&_sort=-sent", NULL);
  g_assert_cmpuint (json_array_get_length (messages), >=, 2);
  assert_dates_ordered (messages, "sent", TRUE);

  tasks = search_all (fixture->patient, "Task?patient=demo-adult&code=refill-request", NULL);
  g_assert_cmpuint (json_array_get_length (tasks), ==, 1);

  appointment_path = g_strdup_printf ("Appointment?patient=demo-adult&date=ge%s", today);
  appointments = search_all (fixture->patient, appointment_path, NULL);
  g_assert_cmpuint (json_array_get_length (appointments), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (appointments, 0),
                                                  "status"), ==, "booked");

  schedules = search_all (fixture->patient, "Schedule?service-category=medical", NULL);
  g_assert_cmpuint (json_array_get_length (schedules), >=, 1);
  slot_path = g_strdup_printf ("Slot?schedule=Schedule/%s&status=free&start=ge%s&start=lt%s",
                               resource_id (schedules, 0), today, in_two_weeks);
  slots = search_all (fixture->patient, slot_path, NULL);
  g_assert_cmpuint (json_array_get_length (slots), >=, 1);
  assert_dates_ordered (slots, "start", FALSE);
  for (guint i = 0; i < json_array_get_length (slots); i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);

      g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "free");
      g_assert_cmpint (parse_instant (json_object_get_string_member (slot, "start")), <,
                       parse_instant (in_two_weeks));
    }
}

static void
assert_pages (Fixture    *fixture,
              const char *path,
              const char *date_member,
              gboolean    descending,
              gint64      expected_total)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonArray) all = NULL;
  gint64 total;

  all = search_all (fixture->staff, path, &total);
  g_assert_cmpint (total, ==, expected_total);
  g_assert_cmpuint (json_array_get_length (all), ==, total);
  for (guint i = 0; i < json_array_get_length (all); i++)
    g_assert_true (g_hash_table_add (seen, (gpointer)resource_id (all, i)));

  if (date_member != NULL)
    assert_dates_ordered (all, date_member, descending);
}

/* 1,234 more glucose values for a patient, many sharing one time (ties must page well) */
static void
import_many_observations (Fixture    *fixture,
                          const char *patient_id)
{
  g_autofree char *dir = g_dir_make_tmp ("alta-test-many-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Observation.ndjson", NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  GString *text = g_string_new (NULL);
  int status;

  for (guint i = 0; i < 1234; i++)
    g_string_append_printf (text,
                            "{\"resourceType\":\"Observation\",\"id\":\"many-%u\",\"status\":\"final\","
                            "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],"
                            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2345-7\",\"display\":\"Glucose\"}]},"
                            "\"subject\":{\"reference\":\"Patient/%s\"},"
                            "\"effectiveDateTime\":\"2020-%02u-%02uT08:00:00Z\","
                            "\"valueQuantity\":{\"value\":%u,\"unit\":\"mg/dL\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mg/dL\"}}\n",
                            i, patient_id, 1 + i % 12, 1 + (i / 12) % 5, 80 + i % 40);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  g_string_free (text, TRUE);

  output = alta_test_server_run (fixture->server, &status, &errors, "import", "--data-dir", "@DATA",
                                 path, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (output, "1234 created"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Over a thousand results, in pages of an odd size: none twice, none missed */
static void
test_paging (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *carolyne = g_strdup (patient_id_of (fixture, "carolyne"));
  g_autofree char *by_date = g_strdup_printf ("Observation?patient=%s&_sort=date&_count=37", carolyne);
  g_autofree char *by_date_down = g_strdup_printf ("Observation?patient=%s&_sort=-date&_count=41",
                                                   carolyne);
  g_autofree char *by_code = g_strdup_printf ("Observation?patient=%s&code=http://loinc.org|2345-7"
                                              "&category=laboratory&_sort=-date&_count=50", carolyne);
  gint64 all, glucose;

  glucose = search_total (fixture->staff, by_code);
  import_many_observations (fixture, carolyne);
  all = search_total (fixture->staff, "Observation?_count=0");
  g_assert_cmpint (all, >, 2000);

  assert_pages (fixture, "Observation?_count=97", NULL, FALSE, all);
  assert_pages (fixture, "Observation?_count=500&_sort=-date", NULL, FALSE, all);
  assert_pages (fixture, by_date, "effectiveDateTime", FALSE, 712 + 1234);
  assert_pages (fixture, by_date_down, "effectiveDateTime", TRUE, 712 + 1234);
  assert_pages (fixture, by_code, "effectiveDateTime", TRUE, glucose + 1234);

  /* _count over the most is served in pages of the most */
  {
    g_autoptr (AltaPortalResponse) response = NULL;
    JsonObject *bundle = search (fixture->staff, "Observation?_count=100000", &response);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bundle, "entry")), ==, 500);
    g_assert_nonnull (next_link (bundle));
  }
}

/* Each date prefix against what the client counts itself */
static void
test_date_prefixes (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *carolyne = g_strdup (patient_id_of (fixture, "carolyne"));
  g_autofree char *base = g_strdup_printf ("Observation?patient=%s&_count=0", carolyne);
  g_autoptr (JsonArray) all = NULL;
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *pivot_day = NULL;
  gint64 day_start, day_end;
  struct
  {
    const char *prefix;
    guint       expected;
  } cases[] = { { "", 0 }, { "eq", 0 }, { "ge", 0 }, { "gt", 0 }, { "le", 0 }, { "lt", 0 } };

  {
    g_autofree char *path = g_strdup_printf ("Observation?patient=%s&_count=500", carolyne);

    all = search_all (fixture->staff, path, NULL);
  }
  g_assert_cmpuint (json_array_get_length (all), ==, 712);

  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      gint64 start = parse_instant (json_object_get_string_member (json_array_get_object_element (all, i),
                                                                   "effectiveDateTime"));

      g_array_append_val (starts, start);
    }

  /* The day of the middle observation */
  pivot_day = g_strndup (json_object_get_string_member (json_array_get_object_element (all, 356),
                                                        "effectiveDateTime"), 10);
  day_start = parse_instant (pivot_day);
  day_end = day_start + DAY;

  for (guint i = 0; i < starts->len; i++)
    {
      gint64 t = g_array_index (starts, gint64, i);

      cases[0].expected += t >= day_start && t < day_end;
      cases[1].expected += t >= day_start && t < day_end;
      cases[2].expected += t >= day_start;
      cases[3].expected += t >= day_end;
      cases[4].expected += t < day_end;
      cases[5].expected += t < day_start;
    }
  g_assert_cmpuint (cases[1].expected, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s&date=%s%s", base, cases[i].prefix, pivot_day);

      g_test_message ("date=%s%s: %u", cases[i].prefix, pivot_day, cases[i].expected);
      g_assert_cmpint (search_total (fixture->staff, path), ==, cases[i].expected);
    }

  /* A range: both ends apply */
  {
    g_autofree char *path = g_strdup_printf ("%s&date=ge%s&date=lt%s", base, pivot_day, pivot_day);

    g_assert_cmpint (search_total (fixture->staff, path), ==, 0);
  }
}

/* Counts of the imported sample data, resource by resource (tests/data/fhir/README.md) */
static void
test_import_counts (Fixture       *fixture,
                    gconstpointer  user_data)
{
  static const struct
  {
    const char *name;
    int         counts[6];  /* AllergyIntolerance, Immunization, MedicationRequest, Condition,
                             * Observation, DiagnosticReport */
  } patients[] = {
    { "carolyne", { 0, 59, 3, 3, 712, 80 } },
    { "francisco", { 0, 44, 0, 0, 28, 36 } },
    { "leta", { 0, 25, 0, 3, 16, 2 } },
    { "Philip822", { 0, 25, 0, 6, 16, 2 } },
    { "sumiko", { 0, 10, 447, 49, 0, 0 } },
    { "denis", { 0, 17, 2, 3, 0, 0 } },
    { "yvone", { 0, 14, 93, 62, 0, 0 } },
    { "anpatient", { 0, 9, 9, 23, 0, 0 } },
    { "augustus", { 8, 11, 4, 21, 0, 0 } },
    { "karena", { 0, 19, 52, 17, 0, 0 } },
  };
  const char *types[] = {
    "AllergyIntolerance", "Immunization", "MedicationRequest", "Condition", "Observation",
    "DiagnosticReport",
  };

  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    {
      g_autofree char *id = g_strdup (patient_id_of (fixture, patients[i].name));

      for (guint j = 0; j < G_N_ELEMENTS (types); j++)
        {
          g_autofree char *path = g_strdup_printf ("%s?patient=%s&_count=0", types[j], id);

          g_test_message ("%s %s", patients[i].name, types[j]);
          g_assert_cmpint (search_total (fixture->staff, path), ==, patients[i].counts[j]);
        }
    }

  g_assert_cmpint (search_total (fixture->staff, "Patient?_count=0"), ==, 6 + 10);
}

/* Every type, and every resource by id, of someone else's record */
static void
test_access_matrix (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char *types[] = {
    "AllergyIntolerance", "Appointment", "CareTeam", "Communication", "Condition",
    "DiagnosticReport", "Immunization", "MedicationRequest", "Observation", "RelatedPerson",
    "Task",
  };
  g_autofree char *carolyne = g_strdup (patient_id_of (fixture, "carolyne"));
  const char *others[] = { "demo-spanish", "demo-parent", "demo-child", carolyne };
  g_autoptr (AltaPortalResponse) own = NULL;
  g_autoptr (AltaPortalResponse) no_patient = NULL;
  guint n_read = 0;

  alta_test_sign_in (fixture->patient, "grace", "Orchard-Lantern-42");

  for (guint o = 0; o < G_N_ELEMENTS (others); o++)
    {
      g_autofree char *patient_path = g_strdup_printf ("Patient/%s", others[o]);
      g_autoptr (AltaPortalResponse) patient = get (fixture->patient, patient_path);

      alta_assert_status (patient, 403);
      g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (patient),
                                                      "resourceType"), ==, "OperationOutcome");

      for (guint t = 0; t < G_N_ELEMENTS (types); t++)
        {
          g_autofree char *path = g_strdup_printf ("%s?patient=%s", types[t], others[o]);
          g_autoptr (AltaPortalResponse) refused = get (fixture->patient, path);
          g_autoptr (JsonArray) resources = search_all (fixture->staff, path, NULL);

          alta_assert_status (refused, 403);

          /* By id, another record's resources do not exist. */
          for (guint i = 0; i < json_array_get_length (resources) && i < 5; i++)
            {
              g_autofree char *read_path = g_strdup_printf ("%s/%s", types[t],
                                                            resource_id (resources, i));
              g_autoptr (AltaPortalResponse) hidden = get (fixture->patient, read_path);
              g_autoptr (AltaPortalResponse) seen = get (fixture->staff, read_path);

              alta_assert_status (hidden, 404);
              alta_assert_status (seen, 200);
              n_read++;
            }
        }
    }
  g_assert_cmpuint (n_read, >, 40);

  /* A search must name the record */
  no_patient = get (fixture->patient, "Observation?category=laboratory");
  alta_assert_status (no_patient, 400);

  /* Clinicians only the other records name stay hidden */
  {
    g_autoptr (JsonArray) practitioners = search_all (fixture->staff, "Practitioner?_count=500", NULL);
    guint hidden = 0;

    for (guint i = 0; i < json_array_get_length (practitioners); i++)
      {
        g_autofree char *path = g_strdup_printf ("Practitioner/%s", resource_id (practitioners, i));
        g_autoptr (AltaPortalResponse) response = get (fixture->patient, path);

        g_assert_true (alta_portal_response_get_status (response) == 200 ||
                       alta_portal_response_get_status (response) == 404);
        hidden += alta_portal_response_get_status (response) == 404;
      }
    g_assert_cmpuint (hidden, >, 40);
    g_assert_cmpint (search_total (fixture->patient, "Practitioner?_count=0"), ==,
                     json_array_get_length (practitioners) - hidden);
  }

  own = get (fixture->patient, "Observation?patient=demo-adult&_count=1");
  alta_assert_status (own, 200);
}

static gint64
days_between (const GDate *from,
              const GDate *to)
{
  return g_date_days_between (from, to);
}

/* Proxy access ends on the child's 12th birthday, on the server's clock */
static void
test_proxy_birthday (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (JsonObject) mateo = alta_test_server_demo_account (fixture->server, "Mateo");
  const char *birth = json_object_get_string_member (mateo, "birth_date");
  GDate birth_date, twelfth, today;
  gint64 days;

  g_date_set_parse (&birth_date, birth);
  g_assert_true (g_date_valid (&birth_date));
  twelfth = birth_date;
  g_date_add_years (&twelfth, 12);
  g_date_set_time_t (&today, time (NULL));

  alta_test_sign_in (fixture->patient, "daniel", "Harbor-Kite-1988");
  g_assert_cmpint (search_total (fixture->patient, "Immunization?patient=demo-child&_count=0"), >=, 20);

  /* 11 years and 364 days */
  days = days_between (&today, &twelfth) - 1;
  alta_test_server_move_clock (fixture->server, days * DAY);
  alta_test_sign_in (fixture->patient, "daniel", "Harbor-Kite-1988");
  g_assert_cmpint (search_total (fixture->patient, "Immunization?patient=demo-child&_count=0"), >=, 20);
  {
    g_autoptr (AltaPortalResponse) patient = get (fixture->patient, "Patient/demo-child");

    alta_assert_status (patient, 200);
  }

  /* 12 years and 0 days */
  alta_test_server_move_clock (fixture->server, DAY);
  alta_test_sign_in (fixture->patient, "daniel", "Harbor-Kite-1988");
  {
    g_autoptr (AltaPortalResponse) refused = get (fixture->patient, "Immunization?patient=demo-child");
    g_autoptr (AltaPortalResponse) patient = get (fixture->patient, "Patient/demo-child");
    g_autoptr (AltaPortalResponse) me = alta_test_request (fixture->patient, "GET", "/api/v1/me",
                                                           NULL, ALTA_REQUEST_NONE);
    JsonArray *records = json_object_get_array_member (alta_test_response_object (me), "records");

    alta_assert_status (refused, 403);
    alta_assert_status (patient, 403);
    for (guint i = 0; i < json_array_get_length (records); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, i),
                                                      "patient_id"), !=, "demo-child");
  }

  /* His own record is still his */
  g_assert_cmpint (search_total (fixture->patient, "Condition?patient=demo-parent&_count=0"), >=, 1);
}

static void
test_teens_see_nothing (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const char *teens[][2] = {
    { "lucas", "Skate-Comet-2011" },
    { "leta", "Imported-leta-Record-1" },
    { "denis", "Imported-denis-Record-1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (teens); i++)
    {
      g_autoptr (AltaPortalClient) client = alta_test_server_new_client (fixture->server);
      g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                               teens[i][0], teens[i][1]);
      g_autoptr (AltaPortalResponse) refused = alta_test_request (client, "POST", "/api/v1/sessions",
                                                                  body, ALTA_REQUEST_NONE);
      g_autoptr (AltaPortalResponse) nothing = get (client, "Patient/demo-teen");

      alta_assert_error (refused, 403, "no_portal_access");
      alta_assert_status (nothing, 401);
      g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (nothing),
                                                      "resourceType"), ==, "OperationOutcome");
    }
}

static JsonObject *
find_preliminary_report (Fixture *fixture)
{
  g_autoptr (JsonArray) reports = search_all (fixture->staff,
                                              "DiagnosticReport?patient=demo-adult&status=preliminary",
                                              NULL);

  g_assert_cmpuint (json_array_get_length (reports), ==, 1);
  return json_object_ref (json_array_get_object_element (reports, 0));
}

/* Results stay hidden until a clinician releases them */
static void
test_unreleased_results (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr (JsonObject) report = find_preliminary_report (fixture);
  const char *report_id = json_object_get_string_member (report, "id");
  JsonArray *results = json_object_get_array_member (report, "result");
  g_autofree char *read_path = g_strdup_printf ("DiagnosticReport/%s", report_id);
  g_autofree char *observation_path = g_strdup (json_object_get_string_member (
    json_array_get_object_element (results, 0), "reference"));
  g_autofree char *output = NULL;
  g_autofree char *new_report = NULL;
  g_autofree char *new_read = NULL;
  gint64 staff_reports = search_total (fixture->staff, "DiagnosticReport?patient=demo-adult&_count=0");
  gint64 staff_observations = search_total (fixture->staff, "Observation?patient=demo-adult&_count=0");
  int status;

  alta_test_sign_in (fixture->patient, "grace", "Orchard-Lantern-42");

  g_assert_cmpint (search_total (fixture->patient, "DiagnosticReport?patient=demo-adult&_count=0"), ==,
                   staff_reports - 1);
  g_assert_cmpint (search_total (fixture->patient, "Observation?patient=demo-adult&_count=0"), ==,
                   staff_observations - json_array_get_length (results));
  g_assert_cmpint (search_total (fixture->patient,
                                 "DiagnosticReport?patient=demo-adult&status=preliminary"), ==, 0);
  {
    g_autoptr (AltaPortalResponse) hidden = get (fixture->patient, read_path);
    g_autoptr (AltaPortalResponse) hidden_value = get (fixture->patient, observation_path);

    alta_assert_status (hidden, 404);
    alta_assert_status (hidden_value, 404);
  }

  output = alta_test_server_admin (fixture->server, NULL, &status, "release-result",
                                   "--report-id", report_id, NULL);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr (AltaPortalResponse) shown = get (fixture->patient, read_path);
    g_autoptr (AltaPortalResponse) shown_value = get (fixture->patient, observation_path);

    alta_assert_status (shown, 200);
    alta_assert_status (shown_value, 200);
  }
  g_assert_cmpint (search_total (fixture->patient, "DiagnosticReport?patient=demo-adult&_count=0"), ==,
                   staff_reports);
  g_assert_cmpint (search_total (fixture->patient, "Observation?patient=demo-adult&_count=0"), ==,
                   staff_observations);

  /* A result from the back office waits for release too */
  new_report = alta_test_server_admin (fixture->server, NULL, &status, "add-result",
                                       "--patient-id", "demo-adult",
                                       "--panel", "2345-7|Glucose panel",
                                       "--observation", "2345-7|Glucose|182|mg/dL|70|99", NULL);
  g_assert_cmpint (status, ==, 0);
  g_strstrip (new_report);
  new_read = g_strdup_printf ("DiagnosticReport/%s", new_report);
  {
    g_autoptr (AltaPortalResponse) hidden = get (fixture->patient, new_read);
    g_autoptr (AltaPortalResponse) staff_view = get (fixture->staff, new_read);

    alta_assert_status (hidden, 404);
    alta_assert_status (staff_view, 200);
  }
  g_free (output);
  output = alta_test_server_admin (fixture->server, NULL, &status, "release-result",
                                   "--report-id", new_report, NULL);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr (AltaPortalResponse) shown = get (fixture->patient, new_read);
    g_autoptr (AltaPortalResponse) newest = NULL;
    JsonObject *bundle = search (fixture->patient,
                                 "Observation?patient=demo-adult&code=2345-7&_sort=-date&_count=1",
                                 &newest);
    JsonObject *observation = json_object_get_object_member (
      json_array_get_object_element (json_object_get_array_member (bundle, "entry"), 0), "resource");

    alta_assert_status (shown, 200);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (observation,
                                                                                "valueQuantity"),
                                                 "value"), ==, 182);
  }

  /* Releasing twice, or nothing, says so */
  g_free (output);
  output = alta_test_server_admin (fixture->server, NULL, &status, "release-result",
                                   "--report-id", new_report, NULL);
  g_assert_cmpint (status, ==, 1);
}

/* Every read of a record is in the audit trail: who, whose record, which type */
static void
test_audit (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *audit = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  int status;

  alta_test_sign_in (fixture->patient, "daniel", "Harbor-Kite-1988");
  g_assert_cmpint (search_total (fixture->patient, "Immunization?patient=demo-child"), >=, 20);
  read = get (fixture->patient, "Patient/demo-child");
  alta_assert_status (read, 200);

  audit = alta_test_server_admin (fixture->server, NULL, &status, "audit", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (audit, "record.search:Immunization"));
  g_assert_nonnull (strstr (audit, "record.read:Patient"));
  g_assert_nonnull (strstr (audit, "Patient/demo-child"));
}

static void
assert_outcome (AltaPortalResponse *response,
                guint               status,
                const char         *code)
{
  JsonObject *outcome;
  JsonObject *issue;

  alta_assert_status (response, status);
  outcome = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (outcome, "resourceType"), ==, "OperationOutcome");
  issue = json_array_get_object_element (json_object_get_array_member (outcome, "issue"), 0);
  g_assert_cmpstr (json_object_get_string_member (issue, "code"), ==, code);
  g_assert_true (strlen (json_object_get_string_member (issue, "diagnostics")) > 10);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  user_data)
{
  const char *invalid[] = {
    "Observation?patient=demo-adult&bogus=1",
    "Observation?patient=demo-adult&date=xx2020",
    "Observation?patient=demo-adult&date=2020-13-01",
    "Observation?patient=demo-adult&_count=-1",
    "Observation?patient=demo-adult&_count=many",
    "Observation?patient=demo-adult&_sort=code",
    "Observation?patient=demo-adult&_page=garbage",
    "Observation?patient=demo-adult&code=",
    "Observation?patient=demo-adult&patient=demo-adult",
    "AllergyIntolerance?patient=demo-adult&status=active",
    "Observation?patient=%ff%fe",
  };
  g_autoptr (AltaPortalClient) anonymous = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalResponse) no_token = get (anonymous, "Observation?patient=demo-adult");
  g_autoptr (AltaPortalResponse) unknown_type = NULL;
  g_autoptr (AltaPortalResponse) unknown_id = NULL;
  g_autoptr (AltaPortalResponse) post = NULL;
  g_autoptr (AltaPortalResponse) deep = NULL;

  assert_outcome (no_token, 401, "login");

  alta_test_sign_in (fixture->patient, "grace", "Orchard-Lantern-42");
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (AltaPortalResponse) response = get (fixture->patient, invalid[i]);

      g_test_message ("%s", invalid[i]);
      assert_outcome (response, 400, "invalid");
    }

  unknown_type = get (fixture->patient, "Encounter?patient=demo-adult");
  assert_outcome (unknown_type, 404, "not-found");
  unknown_id = get (fixture->patient, "Observation/no-such-thing");
  assert_outcome (unknown_id, 404, "not-found");
  deep = get (fixture->patient, "Observation/a/b");
  assert_outcome (deep, 404, "not-found");
  post = alta_test_request (fixture->patient, "DELETE", "/fhir/R4/Patient/demo-adult", NULL,
                            ALTA_REQUEST_NONE);
  assert_outcome (post, 405, "not-supported");

  /* Errors in the person's language */
  {
    g_autoptr (AltaPortalClient) spanish = alta_test_server_new_client (fixture->server);
    g_autoptr (AltaPortalResponse) response = NULL;
    JsonObject *issue;

    alta_portal_client_set_language (spanish, "es");
    alta_test_sign_in (spanish, "sofia", "Girasol-Montana-7");
    response = get (spanish, "Observation?patient=demo-spanish&bogus=1");
    alta_assert_status (response, 400);
    issue = json_array_get_object_element (
      json_object_get_array_member (alta_test_response_object (response), "issue"), 0);
    g_assert_nonnull (strstr (json_object_get_string_member (issue, "diagnostics"), "búsqueda"));
  }
}

/* PATCH /api/v1/me also updates the FHIR Patient, keeping what an import put there */
static void
test_profile_updates_patient (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) carolyne = alta_test_server_new_client (fixture->server);
  g_autofree char *id = g_strdup (patient_id_of (fixture, "carolyne"));
  g_autofree char *path = g_strdup_printf ("Patient/%s", id);
  g_autoptr (AltaPortalResponse) patched = NULL;
  g_autoptr (AltaPortalResponse) before = NULL;
  g_autoptr (AltaPortalResponse) after = NULL;
  JsonObject *patient;
  JsonObject *address;

  alta_test_sign_in (carolyne, "carolyne", "Imported-carolyne-Record-1");
  before = get (carolyne, path);
  alta_assert_status (before, 200);

  patched = alta_test_request (carolyne, "PATCH", "/api/v1/me",
                               "{\"phone\":\"(626) 555-0199\",\"address\":{\"line\":[\"12 Orange Grove Ave\"],"
                               "\"city\":\"Pasadena\",\"state\":\"CA\",\"postal_code\":\"91105\"}}",
                               ALTA_REQUEST_NONE);
  alta_assert_status (patched, 200);

  after = get (carolyne, path);
  alta_assert_status (after, 200);
  patient = alta_test_response_object (after);
  address = json_array_get_object_element (json_object_get_array_member (patient, "address"), 0);
  g_assert_cmpstr (json_object_get_string_member (address, "city"), ==, "Pasadena");
  g_assert_cmpstr (json_object_get_string_member (address, "postalCode"), ==, "91105");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (patient, "meta"),
                                                  "versionId"), ==, "2");
  /* What Synthea put there stays: its identifiers, gender, extensions */
  g_assert_true (json_object_has_member (patient, "identifier"));
  g_assert_true (json_object_has_member (patient, "gender"));
  g_assert_true (json_object_has_member (patient, "extension"));
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), patient);
    g_autofree char *text = json_to_string (node, FALSE);

    g_assert_nonnull (strstr (text, "(626) 555-0199"));
  }
  /* Synthea's decimals, stored again, are as the file wrote them (json-glib alone would
   * write 57.56380081260669 as 57.563800812606686)
   */
  {
    GBytes *body = alta_portal_response_get_body (after);
    g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

    g_assert_nonnull (strstr (text, "\"valueDecimal\":7.4361991873933135}"));
    g_assert_nonnull (strstr (text, "\"valueDecimal\":57.56380081260669}"));
  }
}

/* An imported Patient's gender reaches the account's records (for "your son") */
static void
test_import_gender (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const struct { const char *name, *gender; } patients[] = {
    { "carolyne", "female" },
    { "francisco", "male" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    {
      g_autoptr (JsonObject) account = alta_test_server_demo_account (fixture->server,
                                                                      patients[i].name);
      g_autoptr (AltaPortalClient) client = alta_test_server_new_client (fixture->server);
      g_autoptr (AltaPortalResponse) me = NULL;
      JsonArray *records;

      alta_test_sign_in (client, json_object_get_string_member (account, "username"),
                         json_object_get_string_member (account, "password"));
      me = alta_test_request (client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
      alta_assert_status (me, 200);
      records = json_object_get_array_member (alta_test_response_object (me), "records");
      g_assert_cmpuint (json_array_get_length (records), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0),
                                                      "gender"), ==, patients[i].gender);
    }
}

/* What of a search Bundle must not depend on what else the server does meanwhile: the total,
 * the links and every entry (the Bundle's own id and timestamp may) */
static char *
bundle_answer (AltaPortalResponse *response)
{
  JsonObject *bundle;
  g_autoptr (GString) answer = g_string_new (NULL);
  const char *members[] = { "total", "link", "entry" };

  alta_assert_status (response, 200);
  bundle = alta_test_response_object (response);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (bundle, members[i]);
      g_autofree char *text = node != NULL ? json_to_string (node, FALSE) : g_strdup ("-");

      g_string_append_printf (answer, "%s=%s\n", members[i], text);
    }

  return g_string_free (g_steal_pointer (&answer), FALSE);
}

typedef struct
{
  AltaPortalClient *client;
  const char       *path;
  char             *expected;
  GAsyncResult     *result;
} ConcurrentSearch;

/* Many searches at once, from several signed-in clients over several connections each:
 * each answer is the one the same search gives alone (no total, page or sort order taken
 * from another search running beside it) */
static void
test_concurrent_searches (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *carolyne = g_strdup (patient_id_of (fixture, "carolyne"));
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const guint n_clients = 6, rounds = 4;
  g_autofree ConcurrentSearch *searches = NULL;
  guint n_searches, left;

  import_many_observations (fixture, carolyne);

  /* Staff searches across the clinic and through one record, each sorted its own way,
   * with later pages followed from the first one run alone */
  {
    const char *staff_paths[] = {
      "Observation?patient=@&_sort=date&_count=37",
      "Observation?patient=@&_sort=-date&_count=41",
      "Observation?patient=@&code=http://loinc.org|2345-7&category=laboratory&_sort=-date&_count=50",
      "Observation?patient=@&category=laboratory&_count=13",
      "DiagnosticReport?patient=@&_sort=-date&_count=20",
      "Immunization?patient=@&_count=7",
      "Condition?patient=@",
    };

    for (guint i = 0; i < G_N_ELEMENTS (staff_paths); i++)
      {
        g_autoptr (GString) built = g_string_new (staff_paths[i]);
        g_autofree char *path = NULL;
        g_autoptr (AltaPortalResponse) response = NULL;
        g_autofree char *next = NULL;

        g_string_replace (built, "@", carolyne, 1);
        path = g_string_free (g_steal_pointer (&built), FALSE);
        response = get (fixture->staff, path);

        alta_assert_status (response, 200);
        next = g_strdup (next_link (alta_test_response_object (response)));
        g_ptr_array_add (paths, g_strdup (path));
        for (guint page = 0; next != NULL && page < 3; page++)
          {
            g_autoptr (AltaPortalResponse) following = get (fixture->staff, next);

            alta_assert_status (following, 200);
            g_ptr_array_add (paths, g_steal_pointer (&next));
            next = g_strdup (next_link (alta_test_response_object (following)));
          }
      }
    g_ptr_array_add (paths, g_strdup ("Observation?_count=97"));
    g_ptr_array_add (paths, g_strdup ("Observation?_count=500&_sort=-date"));
  }

  /* Each alone, from the staff client, one after another */
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr (AltaPortalResponse) response = get (fixture->staff, path);

      g_hash_table_insert (expected, (gpointer)path, bundle_answer (response));
    }

  for (guint i = 0; i < n_clients; i++)
    {
      AltaPortalClient *client = alta_test_server_new_client (fixture->server);

      alta_test_sign_in (client, "frontdesk", "Clinic-Desk-Station-1");
      g_ptr_array_add (clients, client);
    }

  /* All at once: every path from every client, several times over */
  n_searches = paths->len * n_clients * rounds;
  searches = g_new0 (ConcurrentSearch, n_searches);
  for (guint i = 0; i < n_searches; i++)
    {
      ConcurrentSearch *one = &searches[i];
      g_autofree char *full = NULL;

      one->client = g_ptr_array_index (clients, i % n_clients);
      one->path = g_ptr_array_index (paths, (i / n_clients + i) % paths->len);
      full = g_str_has_prefix (one->path, "/") ? g_strdup (one->path)
                                              : g_strconcat ("/fhir/R4/", one->path, NULL);
      alta_portal_client_send_async (one->client, "GET", full, NULL, NULL, ALTA_REQUEST_NONE,
                                     NULL, alta_test_store_result_cb, &one->result);
    }

  left = n_searches;
  while (left > 0)
    {
      g_main_context_iteration (NULL, TRUE);
      left = 0;
      for (guint i = 0; i < n_searches; i++)
        if (searches[i].result == NULL)
          left++;
    }

  for (guint i = 0; i < n_searches; i++)
    {
      ConcurrentSearch *one = &searches[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaPortalResponse) response = alta_portal_client_send_finish (one->client,
                                                                                one->result,
                                                                                &error);
      g_autofree char *answer = NULL;

      g_assert_no_error (error);
      answer = bundle_answer (response);
      if (g_strcmp0 (answer, g_hash_table_lookup (expected, one->path)) != 0)
        g_error ("%s, run beside %u other searches, answered differently from alone", one->path,
                 n_searches - 1);
      g_clear_object (&one->result);
    }
  g_test_message ("%u searches (%u distinct) from %u clients at once, each as alone", n_searches,
                  paths->len, n_clients);
}

/* The audit rows of reads many at once are written together, later (alta_request_audit_reads()):
 * none is lost when the server stops. Kept back here for an hour, they can only be written by
 * a lone request's flush or at the stop. */
static void
fixture_set_up_kept_back (Fixture       *fixture,
                          gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo_full ("[server]\naudit_flush_ms=3600000\n", TRUE);
  fixture->patient = alta_test_server_new_client (fixture->server);
  fixture->staff = alta_test_server_new_client (fixture->server);
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");
}

static void
test_audit_at_stop (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  const guint n_clients = 4, n_searches = 160;
  g_autofree GAsyncResult **results = g_new0 (GAsyncResult *, n_searches);
  g_autofree char *audit = NULL;
  g_auto (GStrv) lines = NULL;
  guint left = n_searches, rows = 0;
  int status;

  for (guint i = 0; i < n_clients; i++)
    {
      AltaPortalClient *client = alta_test_server_new_client (fixture->server);

      alta_test_sign_in (client, "daniel", "Harbor-Kite-1988");
      g_ptr_array_add (clients, client);
    }

  for (guint i = 0; i < n_searches; i++)
    alta_portal_client_send_async (g_ptr_array_index (clients, i % n_clients), "GET",
                                   "/fhir/R4/Immunization?patient=demo-child&_count=5", NULL,
                                   NULL, ALTA_REQUEST_NONE, NULL, alta_test_store_result_cb,
                                   &results[i]);
  while (left > 0)
    {
      g_main_context_iteration (NULL, TRUE);
      left = 0;
      for (guint i = 0; i < n_searches; i++)
        if (results[i] == NULL)
          left++;
    }
  for (guint i = 0; i < n_searches; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaPortalResponse) response =
        alta_portal_client_send_finish (g_ptr_array_index (clients, i % n_clients), results[i],
                                        &error);

      g_assert_no_error (error);
      alta_assert_status (response, 200);
      g_clear_object (&results[i]);
    }

  alta_test_server_stop (fixture->server);
  audit = alta_test_server_admin (fixture->server, NULL, &status, "audit", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (audit, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\trecord.search:Immunization\tPatient/demo-child\tsuccess") != NULL)
      rows++;
  g_assert_cmpuint (rows, ==, n_searches);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/fhir/metadata", test_metadata);
  ADD ("/fhir/contract-searches", test_contract_searches);
  ADD ("/fhir/paging", test_paging);
  ADD ("/fhir/concurrent-searches", test_concurrent_searches);
  ADD ("/fhir/date-prefixes", test_date_prefixes);
  ADD ("/fhir/import-counts", test_import_counts);
  ADD ("/fhir/import-gender", test_import_gender);
  ADD ("/fhir/access-matrix", test_access_matrix);
  ADD ("/fhir/proxy-birthday", test_proxy_birthday);
  ADD ("/fhir/teens-see-nothing", test_teens_see_nothing);
  ADD ("/fhir/unreleased-results", test_unreleased_results);
  ADD ("/fhir/audit", test_audit);
  g_test_add ("/fhir/audit-at-stop", Fixture, NULL, fixture_set_up_kept_back, test_audit_at_stop,
              fixture_tear_down);
  ADD ("/fhir/errors", test_errors);
  ADD ("/fhir/profile-updates-patient", test_profile_updates_patient);

  return g_test_run ();
}
