/* test-fhir-schema.c: everything the server answers under /fhir/R4 is valid FHIR R4
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "alta-test-server.h"

/* Collects every resource of every served type (as staff, and a patient's view of their own
 * record), searchset Bundles, the CapabilityStatement and OperationOutcomes into a folder,
 * then has tests/fhir-schema/validate.mjs (node, ajv, the official FHIR R4 JSON Schema)
 * check each file.
 */

typedef struct
{
  char  *dir;
  guint  n_files;
} Collector;

static void
save (Collector          *collector,
      AltaPortalResponse *response)
{
  g_autofree char *name = g_strdup_printf ("%06u.json", collector->n_files++);
  g_autofree char *path = g_build_filename (collector->dir, name, NULL);
  GBytes *body = alta_portal_response_get_body (response);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
}

static void
save_node (Collector *collector,
           JsonNode  *node)
{
  g_autofree char *name = g_strdup_printf ("%06u.json", collector->n_files++);
  g_autofree char *path = g_build_filename (collector->dir, name, NULL);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* Saves each page's Bundle and each resource in it */
static guint
collect_search (Collector        *collector,
                AltaPortalClient *client,
                const char       *first_path)
{
  g_autofree char *path = g_strdup (first_path);
  guint n_resources = 0;

  while (path != NULL)
    {
      g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", path, NULL,
                                                                   ALTA_REQUEST_NONE);
      JsonObject *bundle;
      JsonArray *links;
      const char *next = NULL;

      alta_assert_status (response, 200);
      save (collector, response);
      bundle = alta_test_response_object (response);

      if (json_object_has_member (bundle, "entry"))
        {
          JsonArray *entries = json_object_get_array_member (bundle, "entry");

          for (guint i = 0; i < json_array_get_length (entries); i++)
            {
              save_node (collector, json_object_get_member (json_array_get_object_element (entries, i),
                                                            "resource"));
              n_resources++;
            }
        }

      links = json_object_get_array_member (bundle, "link");
      for (guint i = 0; i < json_array_get_length (links); i++)
        {
          JsonObject *link = json_array_get_object_element (links, i);

          if (g_str_equal (json_object_get_string_member (link, "relation"), "next"))
            next = strstr (json_object_get_string_member (link, "url"), "/fhir/R4/");
        }

      g_free (path);
      path = g_strdup (next);
    }

  return n_resources;
}

static void
save_request (Collector        *collector,
              AltaPortalClient *client,
              const char       *path,
              guint             status)
{
  g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", path, NULL,
                                                               ALTA_REQUEST_NONE);

  alta_assert_status (response, status);
  save (collector, response);
}

static void
remove_dir (const char *dir)
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
test_everything_validates (void)
{
  g_autoptr (AltaTestServer) server = alta_test_server_new_demo_full (NULL, TRUE);
  g_autoptr (AltaPortalClient) staff = alta_test_server_new_client (server);
  g_autoptr (AltaPortalClient) patient = alta_test_server_new_client (server);
  g_autoptr (AltaPortalClient) anonymous = alta_test_server_new_client (server);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fhir-schema", "validate.mjs", NULL);
  g_autofree char *modules = g_test_build_filename (G_TEST_DIST, "fhir-schema", "node_modules",
                                                    "ajv", NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr (GSubprocess) node = NULL;
  g_autoptr (GError) error = NULL;
  Collector collector = { g_dir_make_tmp ("alta-fhir-schema-XXXXXX", NULL), 0 };
  guint n_resources = 0;

  if (!g_file_test (modules, G_FILE_TEST_IS_DIR))
    g_error ("%s is missing: run `npm ci` in tests/fhir-schema (tools/test does)", modules);

  alta_test_sign_in (staff, "frontdesk", "Clinic-Desk-Station-1");
  alta_test_sign_in (patient, "grace", "Orchard-Lantern-42");

  save_request (&collector, anonymous, "/fhir/R4/metadata", 200);

  for (guint i = 0; i < ALTA_TEST_N_SERVED_TYPES; i++)
    {
      g_autofree char *path = g_strdup_printf ("/fhir/R4/%s?_count=500", alta_test_served_types[i]);

      n_resources += collect_search (&collector, staff, path);
    }
  g_test_message ("%u resources", n_resources);
  g_assert_cmpuint (n_resources, >, 2500);

  /* The patient's app's own searches */
  collect_search (&collector, patient, "/fhir/R4/Observation?patient=demo-adult&category=laboratory&_count=20");
  collect_search (&collector, patient, "/fhir/R4/DiagnosticReport?patient=demo-adult&_sort=-date&_count=0");
  save_request (&collector, patient, "/fhir/R4/Patient/demo-adult", 200);

  /* Errors are OperationOutcomes */
  save_request (&collector, patient, "/fhir/R4/Patient/demo-spanish", 403);
  save_request (&collector, patient, "/fhir/R4/Observation/nothing-here", 404);
  save_request (&collector, patient, "/fhir/R4/Observation?patient=demo-adult&bogus=1", 400);
  save_request (&collector, anonymous, "/fhir/R4/Observation?patient=demo-adult", 401);
  save_request (&collector, patient, "/fhir/R4/Encounter", 404);

  node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           "node", script, collector.dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (node, NULL, NULL, &output, &errors, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", output, errors);
  if (!g_subprocess_get_successful (node))
    g_error ("Not valid FHIR R4:\n%s%s", output, errors);

  remove_dir (collector.dir);
  g_free (collector.dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/fhir-schema/everything-validates", test_everything_validates);

  return g_test_run ();
}
