/* test-demo-records.c: the demo clinic's records, as a FHIR transaction Bundle
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "alta-demo-records.h"

/* 2026-03-11 15:30:00 UTC, a Wednesday: visits are booked on Monday the 16th */
#define NOW          G_GINT64_CONSTANT (1773243000)
/* A day earlier: five days on is Sunday the 15th, so visits are booked on Monday the 16th */
#define NOW_TUESDAY  (NOW - 86400)
/* 2026-03-14 06:30 UTC, still Friday evening in Los Angeles */
#define NOW_FRIDAY_NIGHT G_GINT64_CONSTANT (1773469800)

static const AltaDemoRecordsPatient patients[] = {
  { "adult", "demo-adult", "en", 1983, 11, 12 },
  { "spanish", "demo-spanish", "es", 1957, 8, 24 },
  { "parent", "demo-parent", "en", 1988, 1, 10 },
  { "child", "demo-child", "en", 2019, 12, 30 },
  { "teen", "demo-teen", "en", 2010, 12, 10 },
  { "enroll", "demo-enroll", "es", 1996, 2, 28 },
};

typedef struct
{
  gint64      now;
  char       *text;
  JsonParser *parser;
  JsonArray  *entries;
  GHashTable *resources;   /* fullUrl → resource */
} Fixture;

static void
fixture_load (Fixture *fixture,
              gint64   now)
{
  g_autoptr (GError) error = NULL;
  JsonObject *bundle;

  fixture->now = now;
  fixture->text = alta_demo_records_build_bundle (patients, G_N_ELEMENTS (patients), now);
  g_assert_nonnull (fixture->text);

  fixture->parser = json_parser_new ();
  json_parser_load_from_data (fixture->parser, fixture->text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (fixture->parser)));

  bundle = json_node_get_object (json_parser_get_root (fixture->parser));
  g_assert_cmpstr (json_object_get_string_member (bundle, "resourceType"), ==, "Bundle");
  fixture->entries = json_object_get_array_member (bundle, "entry");
  g_assert_nonnull (fixture->entries);

  fixture->resources = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (fixture->entries, i);
      const char *full_url = json_object_get_string_member_with_default (entry, "fullUrl", "");

      g_assert_false (g_hash_table_contains (fixture->resources, full_url));
      g_hash_table_insert (fixture->resources, (gpointer)full_url,
                           json_object_get_object_member (entry, "resource"));
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture_load (fixture, NOW);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->resources, g_hash_table_unref);
  g_clear_object (&fixture->parser);
  g_clear_pointer (&fixture->text, g_free);
}

static JsonObject *
entry_resource (Fixture *fixture,
                guint    i)
{
  return json_object_get_object_member (json_array_get_object_element (fixture->entries, i),
                                        "resource");
}

static const char *
resource_type (JsonObject *resource)
{
  return json_object_get_string_member (resource, "resourceType");
}

static const char *
reference_of (JsonObject *resource,
              const char *member)
{
  JsonObject *reference = json_object_get_object_member (resource, member);

  return json_object_get_string_member (reference, "reference");
}

/* The patient a resource is about, as "Patient/<id>"; NULL for the clinic directory */
static const char *
resource_patient (JsonObject *resource)
{
  static const char *members[] = { "subject", "patient", "for" };
  const char *type = resource_type (resource);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (json_object_has_member (resource, members[i]))
      return reference_of (resource, members[i]);

  if (g_str_equal (type, "Appointment"))
    {
      JsonArray *participants = json_object_get_array_member (resource, "participant");

      for (guint i = 0; i < json_array_get_length (participants); i++)
        {
          JsonObject *participant = json_array_get_object_element (participants, i);
          const char *actor = reference_of (participant, "actor");

          if (g_str_has_prefix (actor, "Patient/"))
            return actor;
        }
    }

  return NULL;
}

static guint
count_resources (Fixture    *fixture,
                 const char *type,
                 const char *patient,
                 const char *status)
{
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *resource = entry_resource (fixture, i);
      const char *its_status = json_object_get_string_member_with_default (resource, "status",
                                                                            NULL);

      if (g_str_equal (resource_type (resource), type) &&
          (patient == NULL || g_strcmp0 (resource_patient (resource), patient) == 0) &&
          (status == NULL || g_strcmp0 (its_status, status) == 0))
        count++;
    }

  return count;
}

typedef void (*NodeFunc) (Fixture    *fixture,
                          const char *member,
                          JsonNode   *node);

static void
walk (Fixture    *fixture,
      const char *member,
      JsonNode   *node,
      NodeFunc    func)
{
  func (fixture, member, node);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *child;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &child))
        walk (fixture, name, child, func);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        walk (fixture, member, json_array_get_element (array, i), func);
    }
}

static void
test_transaction (Fixture       *fixture,
                  gconstpointer  user_data)
{
  JsonObject *bundle = json_node_get_object (json_parser_get_root (fixture->parser));

  g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "transaction");
  g_assert_cmpuint (json_array_get_length (fixture->entries), >, 0);

  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (fixture->entries, i);
      JsonObject *resource = json_object_get_object_member (entry, "resource");
      JsonObject *request = json_object_get_object_member (entry, "request");
      const char *full_url = json_object_get_string_member (entry, "fullUrl");

      g_assert_true (g_str_has_prefix (full_url, "urn:uuid:"));
      g_assert_cmpuint (strlen (full_url), ==, strlen ("urn:uuid:") + 36);
      g_assert_nonnull (resource);
      g_assert_nonnull (resource_type (resource));
      g_assert_false (json_object_has_member (resource, "id"));
      g_assert_nonnull (request);
      g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "POST");
      g_assert_cmpstr (json_object_get_string_member (request, "url"), ==,
                       resource_type (resource));
    }
}

static void
check_reference (Fixture    *fixture,
                 const char *member,
                 JsonNode   *node)
{
  const char *reference;
  gboolean known = FALSE;

  if (g_strcmp0 (member, "reference") != 0)
    return;

  reference = json_node_get_string (node);
  g_assert_nonnull (reference);

  if (g_str_has_prefix (reference, "urn:uuid:"))
    {
      if (!g_hash_table_contains (fixture->resources, reference))
        g_error ("Unresolved reference %s", reference);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    {
      g_autofree char *patient = g_strdup_printf ("Patient/%s", patients[i].patient_id);

      known = known || g_str_equal (reference, patient);
    }
  if (!known)
    g_error ("Reference %s is neither a new resource nor a patient", reference);
}

static void
test_references (Fixture       *fixture,
                 gconstpointer  user_data)
{
  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    walk (fixture, NULL, json_array_get_element (fixture->entries, i), check_reference);
}

static void
check_not_empty (Fixture    *fixture,
                 const char *member,
                 JsonNode   *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), >, 0);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), >, 0);
  else if (JSON_NODE_HOLDS_NULL (node))
    g_error ("%s is null", member);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    g_assert_cmpstr (json_node_get_string (node), !=, "");
}

static void
test_no_empty_values (Fixture       *fixture,
                      gconstpointer  user_data)
{
  walk (fixture, NULL, json_parser_get_root (fixture->parser), check_not_empty);
}

static void
check_in_past (Fixture    *fixture,
               const char *member,
               JsonNode   *node)
{
  static const char *members[] = {
    "authoredOn", "effectiveDateTime", "issued", "occurrenceDateTime", "onsetDateTime",
    "abatementDateTime", "recordedDate", "sent", "received", "created", NULL
  };
  g_autoptr (GDateTime) now = g_date_time_new_from_unix_utc (fixture->now);
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  const char *value;

  if (member == NULL || !g_strv_contains (members, member))
    return;

  value = json_node_get_string (node);
  g_assert_nonnull (value);
  if (strlen (value) == strlen ("YYYY-MM-DD"))
    g_assert_cmpint (strncmp (value, now_text, strlen (value)), <=, 0);
  else
    g_assert_cmpstr (value, <, now_text);
}

static void
test_dates_in_past (Fixture       *fixture,
                    gconstpointer  user_data)
{
  walk (fixture, NULL, json_parser_get_root (fixture->parser), check_in_past);
}

static void
test_preliminary_report (Fixture       *fixture,
                         gconstpointer  user_data)
{
  JsonObject *preliminary = NULL;
  JsonArray *results;
  const char *newest = NULL;

  g_assert_cmpuint (count_resources (fixture, "DiagnosticReport", "Patient/demo-adult",
                                     "preliminary"), ==, 1);
  g_assert_cmpuint (count_resources (fixture, "DiagnosticReport", NULL, "preliminary"), ==, 1);
  g_assert_cmpuint (count_resources (fixture, "DiagnosticReport", "Patient/demo-adult", "final"),
                    >, 10);

  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *resource = entry_resource (fixture, i);
      const char *effective;

      if (!g_str_equal (resource_type (resource), "DiagnosticReport") ||
          g_strcmp0 (resource_patient (resource), "Patient/demo-adult") != 0)
        continue;

      effective = json_object_get_string_member (resource, "effectiveDateTime");
      if (newest == NULL || strcmp (effective, newest) > 0)
        newest = effective;
      if (g_str_equal (json_object_get_string_member (resource, "status"), "preliminary"))
        preliminary = resource;
    }

  /* The newest panel, drawn a day ago, with its results not released either */
  g_assert_nonnull (preliminary);
  g_assert_cmpstr (json_object_get_string_member (preliminary, "effectiveDateTime"), ==, newest);
  g_assert_true (g_str_has_prefix (newest, "2026-03-10T"));

  results = json_object_get_array_member (preliminary, "result");
  g_assert_cmpuint (json_array_get_length (results), >, 0);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *reference = json_array_get_object_element (results, i);
      JsonObject *observation = g_hash_table_lookup (fixture->resources,
                                                     json_object_get_string_member (reference,
                                                                                    "reference"));

      g_assert_cmpstr (json_object_get_string_member (observation, "status"), ==, "preliminary");
    }
}

static void
test_counts (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_assert_cmpuint (count_resources (fixture, "AllergyIntolerance", "Patient/demo-parent", NULL),
                    ==, 0);
  g_assert_cmpuint (count_resources (fixture, "AllergyIntolerance", "Patient/demo-adult", NULL),
                    ==, 2);
  g_assert_cmpuint (count_resources (fixture, "Immunization", "Patient/demo-child", NULL), >=, 20);
  g_assert_cmpuint (count_resources (fixture, "Observation", "Patient/demo-adult", NULL), >=, 60);
  g_assert_cmpuint (count_resources (fixture, "Immunization", "Patient/demo-teen", NULL), ==, 2);
  g_assert_cmpuint (count_resources (fixture, "Condition", "Patient/demo-teen", NULL), ==, 1);
  g_assert_cmpuint (count_resources (fixture, "CareTeam", NULL, NULL), ==, 4);
  g_assert_cmpuint (count_resources (fixture, "Organization", NULL, NULL), ==, 1);
  g_assert_cmpuint (count_resources (fixture, "Location", NULL, NULL), ==, 2);
  g_assert_cmpuint (count_resources (fixture, "Practitioner", NULL, NULL), ==, 4);
  g_assert_cmpuint (count_resources (fixture, "PractitionerRole", NULL, NULL), ==, 4);
  g_assert_cmpuint (count_resources (fixture, "Schedule", NULL, NULL), ==, 4);
  g_assert_cmpuint (count_resources (fixture, "Task", "Patient/demo-adult", "requested"), ==, 1);
  g_assert_cmpuint (count_resources (fixture, "Appointment", "Patient/demo-parent", "proposed"),
                    ==, 1);
}

/* Each booked visit holds a slot, busy, at the visit's time */
static void
check_booked_slots (Fixture *fixture)
{
  guint booked = 0;

  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *appointment = entry_resource (fixture, i);
      JsonArray *slots;
      JsonObject *slot;
      const char *slot_url;

      if (!g_str_equal (resource_type (appointment), "Appointment") ||
          !g_str_equal (json_object_get_string_member (appointment, "status"), "booked"))
        continue;

      slots = json_object_get_array_member (appointment, "slot");
      g_assert_nonnull (slots);
      g_assert_cmpuint (json_array_get_length (slots), ==, 1);
      slot_url = json_object_get_string_member (json_array_get_object_element (slots, 0),
                                                "reference");
      slot = g_hash_table_lookup (fixture->resources, slot_url);
      g_assert_nonnull (slot);
      g_assert_cmpstr (resource_type (slot), ==, "Slot");
      g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "busy");
      g_assert_cmpstr (json_object_get_string_member (slot, "start"), ==,
                       json_object_get_string_member (appointment, "start"));
      booked++;
    }

  g_assert_cmpuint (booked, ==, 3);
  g_assert_cmpuint (count_resources (fixture, "Slot", NULL, "busy"), ==, 3);
  g_assert_cmpuint (count_resources (fixture, "Slot", NULL, "free"), >, 100);
}

static void
test_booked_slots (Fixture       *fixture,
                   gconstpointer  user_data)
{
  check_booked_slots (fixture);

  fixture_tear_down (fixture, NULL);
  fixture_load (fixture, NOW_TUESDAY);
  check_booked_slots (fixture);
}

/* Slots and booked visits fall on weekdays, in clinic hours, in the clinic's time zone
 * (America/Los_Angeles), over the next 30 days */
static void
check_clinic_hours (Fixture *fixture)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("America/Los_Angeles");
  gint64 last_start = 0;
  guint n_slots = 0, n_dental = 0;

  g_assert_nonnull (zone);
  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *resource = entry_resource (fixture, i);
      const char *type = resource_type (resource);
      g_autoptr (GDateTime) start = NULL;
      g_autoptr (GDateTime) end = NULL;
      g_autoptr (GDateTime) local_start = NULL;
      g_autoptr (GDateTime) local_end = NULL;
      gboolean dental;
      int first_hour, last_hour;

      if (!g_str_equal (type, "Slot") &&
          !(g_str_equal (type, "Appointment") &&
            g_str_equal (json_object_get_string_member (resource, "status"), "booked")))
        continue;

      dental = strstr (json_object_get_string_member (
                         json_array_get_object_element (
                           json_object_get_array_member (
                             json_array_get_object_element (
                               json_object_get_array_member (resource, "serviceCategory"), 0),
                             "coding"), 0), "code"), "dental") != NULL;
      first_hour = dental ? 13 : 9;
      last_hour = dental ? 16 : 12;

      start = g_date_time_new_from_iso8601 (json_object_get_string_member (resource, "start"),
                                            NULL);
      end = g_date_time_new_from_iso8601 (json_object_get_string_member (resource, "end"), NULL);
      g_assert_nonnull (start);
      g_assert_nonnull (end);
      local_start = g_date_time_to_timezone (start, zone);
      local_end = g_date_time_to_timezone (end, zone);

      g_assert_cmpint (g_date_time_get_day_of_week (local_start), <=, 5);
      g_assert_cmpint (g_date_time_get_hour (local_start), >=, first_hour);
      g_assert_cmpint (g_date_time_get_hour (local_end) * 60 + g_date_time_get_minute (local_end),
                       <=, last_hour * 60);
      g_assert_cmpint (g_date_time_to_unix (start), >, fixture->now);
      g_assert_cmpint (g_date_time_to_unix (start), <, fixture->now + 31 * 86400);

      if (g_str_equal (type, "Slot"))
        {
          n_slots++;
          n_dental += dental;
          last_start = MAX (last_start, g_date_time_to_unix (start));
        }
    }

  /* 30 days hold at least 20 weekdays; the last ones are four weeks away */
  g_assert_cmpuint (n_dental, >=, 20 * 3);
  g_assert_cmpuint (n_slots - n_dental, >=, 20 * 6 * 3);
  g_assert_cmpint (last_start, >, fixture->now + 27 * 86400);
}

static void
test_clinic_hours (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const gint64 moments[] = { NOW, NOW_TUESDAY, NOW_FRIDAY_NIGHT };

  for (guint i = 0; i < G_N_ELEMENTS (moments); i++)
    {
      fixture_tear_down (fixture, NULL);
      fixture_load (fixture, moments[i]);
      check_clinic_hours (fixture);
      check_booked_slots (fixture);
    }
}

static void
test_unread_messages (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char *with_messages[] = { "Patient/demo-adult", "Patient/demo-spanish",
                                         "Patient/demo-parent" };

  for (guint p = 0; p < G_N_ELEMENTS (with_messages); p++)
    {
      guint unread = 0;

      g_assert_cmpuint (count_resources (fixture, "Communication", with_messages[p], NULL), ==, 3);
      for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
        {
          JsonObject *message = entry_resource (fixture, i);

          if (!g_str_equal (resource_type (message), "Communication") ||
              g_strcmp0 (resource_patient (message), with_messages[p]) != 0 ||
              json_object_has_member (message, "received"))
            continue;

          g_assert_true (json_object_has_member (message, "sent"));
          g_assert_true (json_object_has_member (message, "inResponseTo"));
          g_assert_true (g_str_has_prefix (reference_of (message, "sender"), "urn:uuid:"));
          unread++;
        }
      g_assert_cmpuint (unread, ==, 1);
    }

  g_assert_cmpuint (count_resources (fixture, "Communication", "Patient/demo-child", NULL), ==, 0);
}

/* The Spanish-speaking patient's free text is in Spanish; codings keep English displays */
static void
test_spanish_text (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gboolean dosage_seen = FALSE;

  for (guint i = 0; i < json_array_get_length (fixture->entries); i++)
    {
      JsonObject *resource = entry_resource (fixture, i);
      JsonArray *dosages;
      const char *text;

      if (!g_str_equal (resource_type (resource), "MedicationRequest") ||
          g_strcmp0 (resource_patient (resource), "Patient/demo-spanish") != 0)
        continue;

      dosages = json_object_get_array_member (resource, "dosageInstruction");
      text = json_object_get_string_member (json_array_get_object_element (dosages, 0), "text");
      g_assert_true (g_str_has_prefix (text, "Tome "));
      dosage_seen = TRUE;
    }

  g_assert_true (dosage_seen);
}

static void
test_deterministic (void)
{
  g_autofree char *first = alta_demo_records_build_bundle (patients, G_N_ELEMENTS (patients), NOW);
  g_autofree char *second = alta_demo_records_build_bundle (patients, G_N_ELEMENTS (patients),
                                                            NOW);
  g_autofree char *later = alta_demo_records_build_bundle (patients, G_N_ELEMENTS (patients),
                                                           NOW + 86400);

  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, !=, later);
}

static void
test_unknown_keys (void)
{
  static const AltaDemoRecordsPatient stranger[] = {
    { "staff", "demo-staff", "en", 1990, 1, 1 },
  };
  g_autofree char *text = alta_demo_records_build_bundle (stranger, G_N_ELEMENTS (stranger), NOW);

  g_assert_nonnull (text);
  g_assert_null (strstr (text, "Patient/demo-staff"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/demo-records/bundle/transaction", Fixture, NULL, fixture_set_up,
              test_transaction, fixture_tear_down);
  g_test_add ("/demo-records/bundle/references", Fixture, NULL, fixture_set_up, test_references,
              fixture_tear_down);
  g_test_add ("/demo-records/bundle/no-empty-values", Fixture, NULL, fixture_set_up,
              test_no_empty_values, fixture_tear_down);
  g_test_add ("/demo-records/bundle/dates-in-past", Fixture, NULL, fixture_set_up,
              test_dates_in_past, fixture_tear_down);
  g_test_add ("/demo-records/labs/preliminary", Fixture, NULL, fixture_set_up,
              test_preliminary_report, fixture_tear_down);
  g_test_add ("/demo-records/counts", Fixture, NULL, fixture_set_up, test_counts,
              fixture_tear_down);
  g_test_add ("/demo-records/appointments/booked-slots", Fixture, NULL, fixture_set_up,
              test_booked_slots, fixture_tear_down);
  g_test_add ("/demo-records/appointments/clinic-hours", Fixture, NULL, fixture_set_up,
              test_clinic_hours, fixture_tear_down);
  g_test_add ("/demo-records/messages/unread", Fixture, NULL, fixture_set_up,
              test_unread_messages, fixture_tear_down);
  g_test_add ("/demo-records/spanish", Fixture, NULL, fixture_set_up, test_spanish_text,
              fixture_tear_down);
  g_test_add_func ("/demo-records/deterministic", test_deterministic);
  g_test_add_func ("/demo-records/unknown-keys", test_unknown_keys);

  return g_test_run ();
}
