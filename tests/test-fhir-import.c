/* test-fhir-import.c: `myaltamed-portald import`, good files and bad ones
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "alta-test-server.h"

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *staff;
  char             *work_dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo (NULL);
  fixture->staff = alta_test_server_new_client (fixture->server);
  fixture->work_dir = g_dir_make_tmp ("alta-test-import-XXXXXX", NULL);
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");
}

static void
remove_files (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_files (fixture->work_dir);
  g_free (fixture->work_dir);
  g_clear_object (&fixture->staff);
  g_clear_pointer (&fixture->server, alta_test_server_free);
}

static gint64
total_of (Fixture    *fixture,
          const char *type)
{
  g_autofree char *path = g_strdup_printf ("/fhir/R4/%s?_count=0", type);
  g_autoptr (AltaPortalResponse) response = alta_test_request (fixture->staff, "GET", path, NULL,
                                                               ALTA_REQUEST_NONE);

  alta_assert_status (response, 200);
  return json_object_get_int_member (alta_test_response_object (response), "total");
}

/* How many of each type the server holds, as one string to compare */
static char *
fingerprint (Fixture *fixture)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ALTA_TEST_N_SERVED_TYPES; i++)
    g_string_append_printf (text, "%s=%" G_GINT64_FORMAT " ", alta_test_served_types[i],
                            total_of (fixture, alta_test_served_types[i]));
  return g_string_free (text, FALSE);
}

static char *
sample_path (const char *folder,
             const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "fhir", folder, name, NULL);
}

static char *
import (Fixture     *fixture,
        int         *out_status,
        char       **out_errors,
        const char  *path)
{
  return alta_test_server_run (fixture->server, out_status, out_errors, "import", "--data-dir",
                               "@DATA", path, NULL);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (fixture->work_dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

/* Each sample file on its own; then all of them again, which adds nothing */
static void
test_sample_files (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *files[][2] = {
    { "bundles", "hospitalInformation1603148702656.json" },
    { "bundles", "practitionerInformation1603148702656.json" },
    { "bundles", "Philip822_Schultz619.json" },
    { "bundles", "Leta870_Kihn564.json" },
    { "bundles", "Carolyne559_Koelpin146.json" },
    { "bundles", "Francisco472_Guardado953.json" },
    { "ndjson", "Patient.ndjson" },
    { "ndjson", "Organization.ndjson" },
    { "ndjson", "Location.ndjson" },
    { "ndjson", "Practitioner.ndjson" },
    { "ndjson", "PractitionerRole.ndjson" },
    { "ndjson", "AllergyIntolerance.ndjson" },
    { "ndjson", "Condition.ndjson" },
    { "ndjson", "Immunization.ndjson" },
    { "ndjson", "MedicationRequest.ndjson" },
  };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 observations = total_of (fixture, "Observation");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = sample_path (files[i][0], files[i][1]);
      g_autofree char *errors = NULL;
      g_autofree char *output = NULL;
      int status;

      output = import (fixture, &status, &errors, path);
      g_test_message ("%s", output);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (output, " created"));
    }

  g_assert_cmpint (total_of (fixture, "Observation"), ==, observations + 712 + 28 + 16 + 16);

  /* Encounters are not kept here: the file says how many it skipped */
  {
    g_autofree char *path = sample_path ("bundles", "Carolyne559_Koelpin146.json");
    g_autofree char *errors = NULL;
    g_autofree char *output = NULL;
    int status;

    before = fingerprint (fixture);
    output = import (fixture, &status, &errors, path);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (output, "0 created, 0 updated, 858 unchanged"));
    g_assert_nonnull (strstr (output, "Encounter 80"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = sample_path (files[i][0], files[i][1]);
      g_autofree char *errors = NULL;
      g_autofree char *output = NULL;
      int status;

      output = import (fixture, &status, &errors, path);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (output, "0 created, 0 updated"));
    }
  after = fingerprint (fixture);
  g_assert_cmpstr (before, ==, after);

  /* A versioned resource keeps its version through re-imports */
  {
    g_autoptr (AltaPortalResponse) patient = alta_test_request (
      fixture->staff, "GET", "/fhir/R4/Patient/0724714f-947b-6cab-ee85-b0de7a9ad3f7", NULL,
      ALTA_REQUEST_NONE);
    JsonObject *meta;

    alta_assert_status (patient, 200);
    meta = json_object_get_object_member (alta_test_response_object (patient), "meta");
    g_assert_cmpstr (json_object_get_string_member (meta, "versionId"), ==, "1");
  }
}

/* A changed resource becomes a new version */
static void
test_new_version (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const char *first = "{\"resourceType\":\"Organization\",\"id\":\"org-1\",\"name\":\"Clinic\"}\n"
                      "{\"resourceType\":\"Organization\",\"id\":\"org-2\",\"name\":\"Lab\"}\n";
  const char *second = "{\"resourceType\":\"Organization\",\"id\":\"org-1\",\"name\":\"Clinic East\"}\n"
                       "{\"resourceType\":\"Organization\",\"id\":\"org-2\",\"name\":\"Lab\"}\n";
  g_autofree char *path1 = write_file (fixture, "first.ndjson", first, -1);
  g_autofree char *path2 = write_file (fixture, "second.ndjson", second, -1);
  g_autofree char *output1 = NULL;
  g_autofree char *output2 = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  JsonObject *organization;
  int status;

  output1 = import (fixture, &status, NULL, path1);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (output1, "2 created, 0 updated, 0 unchanged"));
  output2 = import (fixture, &status, NULL, path2);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (output2, "0 created, 1 updated, 1 unchanged"));

  read = alta_test_request (fixture->staff, "GET", "/fhir/R4/Organization/org-1", NULL,
                            ALTA_REQUEST_NONE);
  alta_assert_status (read, 200);
  organization = alta_test_response_object (read);
  g_assert_cmpstr (json_object_get_string_member (organization, "name"), ==, "Clinic East");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (organization, "meta"),
                                                  "versionId"), ==, "2");
}

static char *
body_text (AltaPortalResponse *response)
{
  GBytes *body = alta_portal_response_get_body (response);

  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* Whether @text has @number as a member's whole value */
static gboolean
holds_number (const char *text,
              const char *number)
{
  g_autofree char *needle = g_strconcat (":", number, NULL);

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    if (p[strlen (needle)] == ',' || p[strlen (needle)] == '}')
      return TRUE;

  return FALSE;
}

/* FHIR decimals keep their precision: each number is served as the file wrote it, byte
 * for byte, in a read and in a search, and the same file imported again changes nothing.
 */
static void
test_numbers_as_written (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *numbers[] = {
    "5.6", "5.60", "1.0", "120", "0.1", "1e-7", "1E3", "-0.5", "12345678901234567890",
    "0.010", "0.01", "1.50e+2", "-0", "4.0",
  };
  const char *resource =
    "{\"resourceType\":\"Observation\",\"id\":\"numbers-1\",\"status\":\"final\","
    "\"code\":{\"text\":\"Numbers\"},\"subject\":{\"reference\":\"Patient/demo-adult\"},"
    "\"effectiveDateTime\":\"2025-03-01T08:00:00Z\","
    "\"valueQuantity\":{\"value\":5.6,\"unit\":\"%\"},"
    "\"referenceRange\":[{\"low\":{\"value\":5.60},\"high\":{\"value\":1.0}}],"
    "\"component\":[{\"code\":{\"text\":\"a\"},\"valueInteger\":120},"
    "{\"code\":{\"text\":\"b\"},\"valueQuantity\":{\"value\":0.1}},"
    "{\"code\":{\"text\":\"c\"},\"valueQuantity\":{\"value\":1e-7}},"
    "{\"code\":{\"text\":\"d\"},\"valueQuantity\":{\"value\":1E3}},"
    "{\"code\":{\"text\":\"e\"},\"valueQuantity\":{\"value\":-0.5}},"
    "{\"code\":{\"text\":\"f\"},\"valueQuantity\":{\"value\":12345678901234567890}},"
    "{\"code\":{\"text\":\"g\"},\"valueQuantity\":{\"value\":0.010}},"
    "{\"code\":{\"text\":\"h\"},\"valueQuantity\":{\"value\":0.01}},"
    "{\"code\":{\"text\":\"i\"},\"valueQuantity\":{\"value\":1.50e+2}},"
    "{\"code\":{\"text\":\"j\"},\"valueQuantity\":{\"value\":-0}},"
    "{\"code\":{\"text\":\"k\"},\"valueQuantity\":{\"value\":4.0}}]}";
  g_autofree char *line = g_strconcat (resource, "\n", NULL);
  g_autofree char *path = write_file (fixture, "numbers.ndjson", line, -1);
  g_autofree char *output = NULL;
  g_autofree char *output_again = NULL;
  g_autofree char *read_text = NULL;
  g_autofree char *search_text = NULL;
  g_autofree char *without_brace = g_strndup (resource, strlen (resource) - 1);
  g_autofree char *meta_prefix = g_strconcat (without_brace, ",\"meta\":{\"versionId\":\"1\",", NULL);
  g_autoptr (AltaPortalResponse) read = NULL;
  g_autoptr (AltaPortalResponse) found = NULL;
  int status;

  output = import (fixture, &status, NULL, path);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (output, "1 created, 0 updated, 0 unchanged"));

  read = alta_test_request (fixture->staff, "GET", "/fhir/R4/Observation/numbers-1", NULL,
                            ALTA_REQUEST_NONE);
  alta_assert_status (read, 200);
  read_text = body_text (read);
  /* The resource as the file wrote it, with the server's meta after it */
  g_assert_true (g_str_has_prefix (read_text, meta_prefix));

  found = alta_test_request (fixture->staff, "GET", "/fhir/R4/Observation?_id=numbers-1", NULL,
                             ALTA_REQUEST_NONE);
  alta_assert_status (found, 200);
  search_text = body_text (found);
  g_assert_nonnull (strstr (search_text, meta_prefix));

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_test_message ("%s", numbers[i]);
      g_assert_true (holds_number (read_text, numbers[i]));
      g_assert_true (holds_number (search_text, numbers[i]));
    }

  output_again = import (fixture, &status, NULL, path);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (output_again, "0 created, 0 updated, 1 unchanged"));
}

/* Each bad file gives a clear message and changes nothing */
static void
test_bad_files (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *carolyne_path = sample_path ("bundles", "Carolyne559_Koelpin146.json");
  g_autofree char *carolyne = NULL;
  g_autofree char *before = NULL;
  gsize length;
  struct
  {
    const char *name;
    char       *contents;
    const char *message;
  } cases[] = {
    { "truncated.json", NULL, "not valid JSON" },
    { "empty.json", g_strdup (""), "the file is empty" },
    { "blank.ndjson", g_strdup ("\n\n  \n"), "the file is empty" },
    { "wrong-type.json",
      g_strdup ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e001\",\"resource\":"
                "{\"resourceType\":\"Organization\",\"name\":\"Fine\"}},"
                "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e002\",\"resource\":"
                "{\"resourceType\":\"Observaton\",\"status\":\"final\"}}]}"),
      "entry 1: “Observaton” is not a FHIR R4 resourceType" },
    { "broken-reference.json",
      g_strdup ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e003\",\"resource\":"
                "{\"resourceType\":\"Organization\",\"name\":\"Fine\"},"
                "\"request\":{\"method\":\"POST\",\"url\":\"Organization\"}},"
                "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e004\",\"resource\":"
                "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":"
                "\"urn:uuid:00000000-0000-0000-0000-00000000dead\"}},"
                "\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}}]}"),
      "entry 1 (Condition): the reference “urn:uuid:00000000-0000-0000-0000-00000000dead” names no entry" },
    { "bad-line.ndjson",
      g_strdup ("{\"resourceType\":\"Organization\",\"id\":\"good-1\",\"name\":\"Fine\"}\n"
                "{\"resourceType\":\"Condition\",\"id\":\"c-1\",\"subject\":{\"reference\":\"Patient/x\"},"
                "\"onsetDateTime\":\"yesterday\"}\n"),
      "line 2 (Condition): “onsetDateTime” is not a FHIR date" },
    { "not-fhir.json", g_strdup ("[1, 2, 3]"), "not a FHIR resource" },
    { "hex-number.json",
      g_strdup ("{\"resourceType\":\"Organization\",\"name\":\"X\",\"extension\":"
                "[{\"url\":\"http://example.org/n\",\"valueInteger\":0x10}]}"),
      "not valid JSON (is it cut short?): a number JSON does not allow" },
    { "bad-id.ndjson",
      g_strdup ("{\"resourceType\":\"Organization\",\"id\":\"no spaces allowed\",\"name\":\"X\"}\n"
                "{\"resourceType\":\"Organization\",\"id\":\"fine\",\"name\":\"Y\"}\n"),
      "line 1 (Organization): Its id is not a FHIR id" },
    { "no-subject.json",
      g_strdup ("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}"),
      "Observation needs “subject”" },
  };

  g_assert_true (g_file_get_contents (carolyne_path, &carolyne, &length, NULL));
  cases[0].contents = g_strndup (carolyne, length / 2);

  before = fingerprint (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (fixture, cases[i].name, cases[i].contents, -1);
      g_autofree char *output = NULL;
      g_autofree char *errors = NULL;
      g_autofree char *after = NULL;
      int status;

      output = import (fixture, &status, &errors, path);
      g_test_message ("%s: %s", cases[i].name, errors);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (errors, path));
      g_assert_nonnull (strstr (errors, cases[i].message));
      after = fingerprint (fixture);
      g_assert_cmpstr (before, ==, after);
      g_free (cases[i].contents);
    }

  /* A missing file */
  {
    g_autofree char *errors = NULL;
    g_autofree char *output = NULL;
    int status;

    output = import (fixture, &status, &errors, "/nonexistent/file.json");
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (errors, "/nonexistent/file.json"));
  }
}

/* A conditional reference that matches several resources fails its file, naming the
 * entry and the matches: bound to one of them, a result could land in the wrong record */
static void
test_ambiguous_reference (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const char *two_stored =
    "{\"resourceType\":\"Organization\",\"id\":\"clinic-a\",\"name\":\"North\","
    "\"identifier\":[{\"system\":\"https://example.org/npi\",\"value\":\"1234\"}]}\n"
    "{\"resourceType\":\"Organization\",\"id\":\"clinic-b\",\"name\":\"South\","
    "\"identifier\":[{\"system\":\"https://example.org/npi\",\"value\":\"1234\"}]}\n"
    "{\"resourceType\":\"Organization\",\"id\":\"clinic-c\",\"name\":\"East\","
    "\"identifier\":[{\"system\":\"https://example.org/npi\",\"value\":\"5678\"}]}\n";
  const char *refers_to_stored =
    "{\"resourceType\":\"PractitionerRole\",\"id\":\"role-unique\",\"organization\":"
    "{\"reference\":\"Organization?identifier=https://example.org/npi|5678\"}}\n"
    "{\"resourceType\":\"PractitionerRole\",\"id\":\"role-1\",\"organization\":"
    "{\"reference\":\"Organization?identifier=https://example.org/npi|1234\"}}\n";
  const char *in_file =
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e101\",\"resource\":"
    "{\"resourceType\":\"Organization\",\"id\":\"twin-1\",\"name\":\"West\",\"identifier\":"
    "[{\"system\":\"https://example.org/npi\",\"value\":\"9999\"}]}},"
    "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e102\",\"resource\":"
    "{\"resourceType\":\"Organization\",\"id\":\"twin-2\",\"name\":\"West Annex\",\"identifier\":"
    "[{\"system\":\"https://example.org/npi\",\"value\":\"9999\"}]}},"
    "{\"fullUrl\":\"urn:uuid:6b1ad5c2-8f8e-4bd0-a4a6-0e7f3bd1e103\",\"resource\":"
    "{\"resourceType\":\"PractitionerRole\",\"id\":\"role-2\",\"organization\":"
    "{\"reference\":\"Organization?identifier=9999\"}}}]}";
  g_autofree char *stored_path = write_file (fixture, "two-stored.ndjson", two_stored, -1);
  g_autofree char *refers_path = write_file (fixture, "refers.ndjson", refers_to_stored, -1);
  g_autofree char *in_file_path = write_file (fixture, "in-file.json", in_file, -1);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  int status;

  output = import (fixture, &status, NULL, stored_path);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&output, g_free);

  before = fingerprint (fixture);
  output = import (fixture, &status, &errors, refers_path);
  g_test_message ("%s", errors);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (errors, refers_path));
  g_assert_nonnull (strstr (errors, "line 2 (PractitionerRole)"));
  g_assert_nonnull (strstr (errors, "Organization?identifier=https://example.org/npi|1234"));
  g_assert_nonnull (strstr (errors, "matches 2 resources (Organization/clinic-a, Organization/clinic-b)"));
  after = fingerprint (fixture);
  g_assert_cmpstr (before, ==, after);

  g_clear_pointer (&output, g_free);
  g_clear_pointer (&errors, g_free);
  output = import (fixture, &status, &errors, in_file_path);
  g_test_message ("%s", errors);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (errors, "entry 2 (PractitionerRole)"));
  g_assert_nonnull (strstr (errors, "matches 2 resources"));
  g_assert_nonnull (strstr (errors, "Organization/twin-1"));
  g_assert_nonnull (strstr (errors, "Organization/twin-2"));
  g_clear_pointer (&after, g_free);
  after = fingerprint (fixture);
  g_assert_cmpstr (before, ==, after);
}

/* A bulk export of about 200 MB (ALTA_TEST_LARGE_MB), imported whole */
static void
test_large_file (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const char *size_text = g_getenv ("ALTA_TEST_LARGE_MB");
  guint64 target = (size_text != NULL ? g_ascii_strtoull (size_text, NULL, 10) : 200) * 1000 * 1000;
  g_autofree char *path = g_build_filename (fixture->work_dir, "large.ndjson", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileOutputStream) stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE,
                                                         NULL, NULL);
  g_autoptr (GString) line = g_string_new (NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *expected = NULL;
  guint64 written = 0;
  guint count = 0;
  gint64 before = total_of (fixture, "Observation");
  gint64 started;
  int status;

  g_assert_nonnull (stream);
  while (written < target)
    {
      g_string_printf (line,
                       "{\"resourceType\":\"Observation\",\"id\":\"large-%u\",\"meta\":{\"profile\":"
                       "[\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab\"]},"
                       "\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                       "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":"
                       "\"laboratory\",\"display\":\"Laboratory\"}]}],\"code\":{\"coding\":[{\"system\":"
                       "\"http://loinc.org\",\"code\":\"2339-0\",\"display\":\"Glucose [Mass/volume] in "
                       "Blood\"}],\"text\":\"Glucose\"},\"subject\":{\"reference\":\"Patient/demo-adult\"},"
                       "\"encounter\":{\"reference\":\"Encounter/e-%u\"},\"effectiveDateTime\":"
                       "\"20%02u-%02u-%02uT%02u:%02u:00Z\",\"issued\":\"2020-01-01T00:00:00.000Z\","
                       "\"valueQuantity\":{\"value\":%u.%u,\"unit\":\"mg/dL\",\"system\":"
                       "\"http://unitsofmeasure.org\",\"code\":\"mg/dL\"},\"referenceRange\":[{\"low\":"
                       "{\"value\":70,\"unit\":\"mg/dL\"},\"high\":{\"value\":99,\"unit\":\"mg/dL\"}}]}\n",
                       count, count / 4, 10 + count % 15, 1 + count % 12, 1 + count % 28, count % 24,
                       count % 60, 60 + count % 90, count % 10);
      g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (stream), line->str, line->len,
                                                NULL, NULL, NULL));
      written += line->len;
      count++;
    }
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL));

  started = g_get_monotonic_time ();
  output = import (fixture, &status, &errors, path);
  g_test_message ("%s (%" G_GUINT64_FORMAT " bytes, %.1f s)", output, written,
                  (g_get_monotonic_time () - started) / 1e6);
  g_assert_cmpint (status, ==, 0);
  expected = g_strdup_printf ("%u created", count);
  g_assert_nonnull (strstr (output, expected));
  g_assert_cmpint (total_of (fixture, "Observation"), ==, before + count);
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/fhir-import/sample-files", test_sample_files);
  ADD ("/fhir-import/new-version", test_new_version);
  ADD ("/fhir-import/bad-files", test_bad_files);
  ADD ("/fhir-import/numbers-as-written", test_numbers_as_written);
  ADD ("/fhir-import/ambiguous-reference", test_ambiguous_reference);
  ADD ("/fhir-import/large-file", test_large_file);

  return g_test_run ();
}
