/* test-fhir-refills.c: refill requests (POST Task) and the clinic's answers, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "alta-portal-error.h"
#include "alta-test-server.h"

#define DAY (24 * 60 * 60)
#define CLIENT_REQUEST "https://myaltamed.net/fhir/sid/client-request"

/* RxNorm codes of the demo's prescriptions */
#define METFORMIN "861007"     /* Grace: active, 3 refills, one request pending */
#define LISINOPRIL "314076"    /* Grace: active, no refills */
#define ATORVASTATIN "617310"  /* Grace: stopped */
#define AMLODIPINE "197361"    /* Sofía */
#define CETIRIZINE "1014678"   /* Daniel: active, 2 refills */
#define ALBUTEROL "745679"     /* Mateo, Daniel's son: active, 2 refills */

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *grace;
  AltaPortalClient *daniel;
  AltaPortalClient *staff;
  GPtrArray        *created;   /* JsonNode: every resource a write answered with */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo (NULL);
  fixture->grace = alta_test_server_new_client (fixture->server);
  fixture->daniel = alta_test_server_new_client (fixture->server);
  fixture->staff = alta_test_server_new_client (fixture->server);
  fixture->created = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  alta_test_sign_in (fixture->grace, "grace", "Orchard-Lantern-42");
  alta_test_sign_in (fixture->daniel, "daniel", "Harbor-Kite-1988");
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->grace);
  g_clear_object (&fixture->daniel);
  g_clear_object (&fixture->staff);
  g_clear_pointer (&fixture->created, g_ptr_array_unref);
  g_clear_pointer (&fixture->server, alta_test_server_free);
}

static AltaPortalResponse *
get (AltaPortalClient *client,
     const char       *path)
{
  g_autofree char *full = g_strconcat ("/fhir/R4/", path, NULL);

  return alta_test_request (client, "GET", full, NULL, ALTA_REQUEST_NONE);
}

/* The resources of a search (one page is enough here), as a new array */
static JsonArray *
search (AltaPortalClient *client,
        const char       *path)
{
  g_autoptr (AltaPortalResponse) response = get (client, path);
  JsonObject *bundle;
  JsonArray *entries;
  JsonArray *resources = json_array_new ();

  alta_assert_status (response, 200);
  bundle = alta_test_response_object (response);
  entries = json_object_has_member (bundle, "entry") ? json_object_get_array_member (bundle, "entry")
                                                     : NULL;
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    json_array_add_element (resources,
                            json_node_copy (json_object_get_member (json_array_get_object_element (entries, i),
                                                                    "resource")));
  return resources;
}

static char *
medication_id (AltaPortalClient *client,
               const char       *patient_id,
               const char       *rxnorm)
{
  g_autofree char *path = g_strdup_printf ("MedicationRequest?patient=%s&code=%s", patient_id, rxnorm);
  g_autoptr (JsonArray) found = search (client, path);

  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (found, 0), "id"));
}

/* A refill request as the client sends it */
static char *
task_body (const char *patient_id,
           const char *medication,
           const char *uuid,
           const char *note)
{
  g_autofree char *note_member = note != NULL ? g_strdup_printf (",\"note\":[{\"text\":\"%s\"}]", note)
                                              : g_strdup ("");

  return g_strdup_printf ("{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\","
                          "\"code\":{\"coding\":[{\"system\":\"https://myaltamed.net/fhir/CodeSystem/task-type\","
                          "\"code\":\"refill-request\"}]},"
                          "\"focus\":{\"reference\":\"MedicationRequest/%s\"},"
                          "\"for\":{\"reference\":\"Patient/%s\"},"
                          "\"identifier\":[{\"system\":\"" CLIENT_REQUEST "\",\"value\":\"%s\"}]%s}",
                          medication, patient_id, uuid, note_member);
}

static AltaPortalResponse *
post_body (AltaPortalClient *client,
           const char       *body,
           const char       *uuid)
{
  g_autofree char *condition = g_strdup_printf ("identifier=" CLIENT_REQUEST "|%s", uuid);

  return alta_test_request_with_headers (client, "POST", "/fhir/R4/Task", body,
                                         "application/fhir+json", "If-None-Exist", condition, NULL);
}

/* Asks for a refill with a new identifier */
static AltaPortalResponse *
request_refill (AltaPortalClient *client,
                const char       *patient_id,
                const char       *medication,
                const char       *note)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = task_body (patient_id, medication, uuid, note);

  return post_body (client, body, uuid);
}

/* A created Task: checks the answer, keeps the resource for the schema test */
static JsonObject *
expect_created (Fixture            *fixture,
                AltaPortalResponse *response)
{
  JsonObject *task;
  g_autofree char *location_end = NULL;

  alta_assert_status (response, 201);
  task = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (task, "resourceType"), ==, "Task");
  location_end = g_strdup_printf ("/fhir/R4/Task/%s/_history/1", json_object_get_string_member (task, "id"));
  g_assert_true (g_str_has_suffix (alta_portal_response_get_header (response, "Location"), location_end));
  g_assert_cmpstr (alta_portal_response_get_header (response, "ETag"), ==, "W/\"1\"");
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (response)));
  return task;
}

static const char *
reference_of (JsonObject *resource,
              const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (resource, member), "reference");
}

/* The record's refill requests for one prescription, with @status */
static guint
count_tasks (AltaPortalClient *client,
             const char       *patient_id,
             const char       *medication,
             const char       *status,
             char            **out_id)
{
  g_autofree char *path = g_strdup_printf ("Task?patient=%s&code=refill-request", patient_id);
  g_autofree char *focus = g_strconcat ("MedicationRequest/", medication, NULL);
  g_autoptr (JsonArray) tasks = search (client, path);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);

      if (g_str_equal (reference_of (task, "focus"), focus) &&
          g_str_equal (json_object_get_string_member (task, "status"), status))
        {
          count++;
          if (out_id != NULL)
            {
              g_free (*out_id);
              *out_id = g_strdup (json_object_get_string_member (task, "id"));
            }
        }
    }

  return count;
}

static JsonObject *
read_task (AltaPortalClient    *client,
           const char          *id,
           AltaPortalResponse **out_response)
{
  g_autofree char *path = g_strconcat ("Task/", id, NULL);

  *out_response = get (client, path);
  alta_assert_status (*out_response, 200);
  return alta_test_response_object (*out_response);
}

/* One notice mail to @to whose subject is @subject, among the mail since the last look */
static void
expect_one_mail (AltaTestServer *server,
                 const char     *to,
                 const char     *subject)
{
  g_autofree char *to_line = g_strconcat ("To: ", to, NULL);
  g_autofree char *subject_line = g_strconcat ("Subject: ", subject, NULL);
  g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (server);
  guint found = 0;

  for (guint i = 0; i < mails->len; i++)
    {
      const char *mail = g_ptr_array_index (mails, i);

      if (strstr (mail, to_line) != NULL && strstr (mail, subject_line) != NULL)
        {
          found++;
          /* Nothing medical in it */
          g_assert_null (strstr (mail, "etformin"));
          g_assert_null (strstr (mail, "lbuterol"));
        }
    }

  g_assert_cmpuint (found, ==, 1);
  alta_test_server_clear_outbox (server);
}

static char *
admin (Fixture    *fixture,
       int         expected_status,
       const char *first,
       ...) G_GNUC_NULL_TERMINATED;

static char *
admin (Fixture    *fixture,
       int         expected_status,
       const char *first,
       ...)
{
  const char *argv[8] = { first };
  const char *arg;
  va_list args;
  guint n = 1;
  int status = -1;
  char *output;

  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (argv) - 1);
      argv[n++] = arg;
    }
  va_end (args);

  output = alta_test_server_admin (fixture->server, NULL, &status, argv[0], argv[1], argv[2],
                                   argv[3], argv[4], argv[5], argv[6], NULL);
  g_assert_cmpint (status, ==, expected_status);
  return output;
}

static void
expect_error (AltaPortalResponse *response,
              guint               status,
              const char         *code)
{
  JsonObject *outcome = alta_test_response_object (response);
  JsonObject *issue = json_array_get_object_element (json_object_get_array_member (outcome, "issue"), 0);

  alta_assert_status (response, status);
  g_assert_cmpstr (json_object_get_string_member (outcome, "resourceType"), ==, "OperationOutcome");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (issue, "details"), "text"),
                   ==, code);
  g_assert_cmpstr (json_object_get_string_member (issue, "diagnostics"), !=, "");
}

/* A patient's refill requests, from first to last refill: 409 while one is pending, the
 * clinic's answers as the patient sees them, 422 when none are left
 */
static void
test_refill_lifecycle (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *metformin = medication_id (fixture->grace, "demo-adult", METFORMIN);
  g_autofree char *lisinopril = medication_id (fixture->grace, "demo-adult", LISINOPRIL);
  g_autofree char *atorvastatin = medication_id (fixture->grace, "demo-adult", ATORVASTATIN);
  g_autofree char *demo_task = NULL;
  g_autofree char *first_uuid = g_uuid_string_random ();
  g_autofree char *first_body = task_body ("demo-adult", metformin, first_uuid, "About a week left");
  g_autofree char *rejected_id = NULL;
  g_autofree char *output = NULL;
  g_autoptr (AltaPortalResponse) created = NULL;
  g_autoptr (AltaPortalResponse) retried = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  JsonObject *task;

  /* The demo's request is still pending */
  g_assert_cmpuint (count_tasks (fixture->grace, "demo-adult", metformin, "requested", &demo_task), ==, 1);
  {
    g_autoptr (AltaPortalResponse) pending = request_refill (fixture->grace, "demo-adult", metformin, NULL);
    g_autoptr (AltaPortalResponse) none_left = request_refill (fixture->grace, "demo-adult", lisinopril, NULL);
    g_autoptr (AltaPortalResponse) stopped = request_refill (fixture->grace, "demo-adult", atorvastatin, NULL);
    g_autoptr (AltaPortalResponse) unknown = request_refill (fixture->grace, "demo-adult", "no-such-medicine", NULL);

    expect_error (pending, 409, "conflict");
    expect_error (none_left, 422, "invalid_field");
    g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (
      json_object_get_array_member (alta_test_response_object (none_left), "issue"), 0), "diagnostics"),
      "no refills left"));
    expect_error (stopped, 422, "invalid_field");
    expect_error (unknown, 422, "invalid_field");
  }

  /* The clinic completes it: one refill used, and a mail that says only that */
  alta_test_server_clear_outbox (fixture->server);
  g_free (admin (fixture, 0, "complete-refill", "--task", demo_task, NULL));
  expect_one_mail (fixture->server, "grace.miller@example.org", "Your refill request was approved");
  task = read_task (fixture->grace, demo_task, &read);
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "completed");
  g_clear_object (&read);

  /* A new request: the server sets the dates, the requester and the owner */
  created = post_body (fixture->grace, first_body, first_uuid);
  task = expect_created (fixture, created);
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "requested");
  g_assert_cmpstr (reference_of (task, "requester"), ==, "Patient/demo-adult");
  g_assert_cmpstr (reference_of (task, "for"), ==, "Patient/demo-adult");
  g_assert_true (g_str_has_prefix (reference_of (task, "owner"), "Practitioner/"));
  g_assert_true (json_object_has_member (task, "authoredOn"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
    json_object_get_array_member (task, "note"), 0), "text"), ==, "About a week left");

  /* The same request again (a retry) is the same Task; another one is refused */
  retried = post_body (fixture->grace, first_body, first_uuid);
  alta_assert_status (retried, 200);
  g_assert_cmpstr (alta_test_response_string (retried, "id"), ==, json_object_get_string_member (task, "id"));
  {
    g_autoptr (AltaPortalResponse) again = request_refill (fixture->grace, "demo-adult", metformin, NULL);

    expect_error (again, 409, "conflict");
  }
  g_assert_cmpuint (count_tasks (fixture->grace, "demo-adult", metformin, "requested", NULL), ==, 1);

  /* Rejected, with the reason for the patient: it uses no refill */
  rejected_id = g_strdup (json_object_get_string_member (task, "id"));
  g_free (admin (fixture, 0, "reject-refill", "--task", rejected_id,
                 "--reason", "Please book a visit: we need to check your kidneys first.", NULL));
  expect_one_mail (fixture->server, "grace.miller@example.org", "News about your refill request");
  task = read_task (fixture->grace, rejected_id, &read);
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "statusReason"), "text"),
                   ==, "Please book a visit: we need to check your kidneys first.");
  g_clear_object (&read);
  g_assert_cmpuint (count_tasks (fixture->grace, "demo-adult", metformin, "rejected", NULL), ==, 1);

  /* Two more completed refills use up the three */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (AltaPortalResponse) another = request_refill (fixture->grace, "demo-adult", metformin, NULL);
      JsonObject *new_task = expect_created (fixture, another);

      g_free (admin (fixture, 0, "complete-refill", "--task",
                     json_object_get_string_member (new_task, "id"), NULL));
      expect_one_mail (fixture->server, "grace.miller@example.org", "Your refill request was approved");
    }
  g_assert_cmpuint (count_tasks (fixture->grace, "demo-adult", metformin, "completed", NULL), ==, 3);
  {
    g_autoptr (AltaPortalResponse) used_up = request_refill (fixture->grace, "demo-adult", metformin, NULL);

    expect_error (used_up, 422, "invalid_field");
  }

  /* The back office says what it cannot do */
  output = admin (fixture, 1, "complete-refill", "--task", rejected_id, NULL);
  g_free (admin (fixture, 1, "reject-refill", "--task", demo_task, "--reason", "Too late", NULL));
  g_free (admin (fixture, 1, "complete-refill", "--task", "no-such-task", NULL));
  g_free (admin (fixture, 2, "complete-refill", NULL));
  g_free (admin (fixture, 2, "reject-refill", "--task", rejected_id, NULL));
  g_free (admin (fixture, 2, "reject-refill", "--task", rejected_id, "--reason", "   ", NULL));
  {
    g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (fixture->server);

    g_assert_cmpuint (mails->len, ==, 0);
  }

  /* Every answer is in the audit trail */
  g_free (output);
  output = admin (fixture, 0, "audit", NULL);
  g_assert_nonnull (strstr (output, "Task.complete"));
  g_assert_nonnull (strstr (output, "Task.reject"));
  g_assert_nonnull (strstr (output, "Task.create"));
}

/* Requests the server cannot take */
static void
test_refill_bad_requests (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *metformin = medication_id (fixture->grace, "demo-adult", METFORMIN);
  g_autofree char *amlodipine = medication_id (fixture->staff, "demo-spanish", AMLODIPINE);
  const struct
  {
    const char *from;
    const char *to;
    guint       status;
    const char *code;
  } changes[] = {
    { "\"status\":\"requested\"", "\"status\":\"completed\"", 422, "invalid_field" },
    { "\"intent\":\"order\"", "\"intent\":\"proposal\"", 422, "invalid_field" },
    { "\"code\":\"refill-request\"", "\"code\":\"appointment\"", 422, "invalid_field" },
    { "\"focus\":", "\"focus_\":", 400, "invalid_request" },
    { "\"MedicationRequest/", "\"Medication/", 422, "invalid_field" },
    { "\"status\":\"requested\",", "", 400, "invalid_request" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *body = task_body ("demo-adult", metformin, uuid, NULL);
      g_auto (GStrv) parts = g_strsplit (body, changes[i].from, 2);
      g_autofree char *changed = NULL;
      g_autoptr (AltaPortalResponse) response = NULL;

      g_assert_nonnull (parts[1]);
      changed = g_strjoin (changes[i].to, parts[0], parts[1], NULL);
      response = post_body (fixture->grace, changed, uuid);
      g_test_message ("%s", changed);
      expect_error (response, changes[i].status, changes[i].code);
    }

  /* Another record's medicine in her own record */
  {
    g_autoptr (AltaPortalResponse) elsewhere = request_refill (fixture->grace, "demo-adult", amlodipine, NULL);

    expect_error (elsewhere, 422, "invalid_field");
  }

  /* In Spanish for a Spanish client */
  {
    g_autoptr (AltaPortalClient) sofia = alta_test_server_new_client (fixture->server);
    g_autofree char *ibuprofen = medication_id (fixture->staff, "demo-spanish", "310965");
    g_autoptr (AltaPortalResponse) stopped = NULL;
    JsonObject *issue;

    alta_portal_client_set_language (sofia, "es");
    alta_test_sign_in (sofia, "sofia", "Girasol-Montana-7");
    stopped = request_refill (sofia, "demo-spanish", ibuprofen, NULL);
    expect_error (stopped, 422, "invalid_field");
    issue = json_array_get_object_element (json_object_get_array_member (alta_test_response_object (stopped),
                                                                         "issue"), 0);
    g_assert_nonnull (strstr (json_object_get_string_member (issue, "diagnostics"), "ya no está activo"));
  }

  /* Nothing was made */
  g_assert_cmpuint (count_tasks (fixture->grace, "demo-adult", metformin, "requested", NULL), ==, 1);
}

static void
test_refill_proxy (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *albuterol = medication_id (fixture->daniel, "demo-child", ALBUTEROL);
  g_autofree char *cetirizine = medication_id (fixture->daniel, "demo-parent", CETIRIZINE);
  g_autofree char *amlodipine = medication_id (fixture->staff, "demo-spanish", AMLODIPINE);
  g_autofree char *related_path = NULL;
  g_autoptr (AltaPortalResponse) for_child = NULL;
  g_autoptr (AltaPortalResponse) own = NULL;
  g_autoptr (AltaPortalResponse) related = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  JsonObject *task;
  JsonObject *person;

  /* A parent asks for his son, as the son's RelatedPerson */
  for_child = request_refill (fixture->daniel, "demo-child", albuterol, "The school needs a second one");
  task = expect_created (fixture, for_child);
  g_assert_cmpstr (reference_of (task, "for"), ==, "Patient/demo-child");
  g_assert_true (g_str_has_prefix (reference_of (task, "requester"), "RelatedPerson/"));
  related_path = g_strdup (reference_of (task, "requester"));
  related = get (fixture->daniel, related_path);
  alta_assert_status (related, 200);
  person = alta_test_response_object (related);
  g_assert_cmpstr (reference_of (person, "patient"), ==, "Patient/demo-child");
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (related)));

  /* The clinic's answer is mailed to him, and he sees it */
  alta_test_server_clear_outbox (fixture->server);
  g_free (admin (fixture, 0, "reject-refill", "--task", json_object_get_string_member (task, "id"),
                 "--reason", "Ask the school nurse to send us the form.", NULL));
  expect_one_mail (fixture->server, "daniel.reyes@example.org", "News about your refill request");
  task = read_task (fixture->daniel, json_object_get_string_member (task, "id"), &read);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "statusReason"), "text"),
                   ==, "Ask the school nurse to send us the form.");

  /* His own record, as himself */
  own = request_refill (fixture->daniel, "demo-parent", cetirizine, NULL);
  task = expect_created (fixture, own);
  g_assert_cmpstr (reference_of (task, "requester"), ==, "Patient/demo-parent");

  /* Records they cannot read */
  {
    g_autoptr (AltaPortalResponse) grace_child = request_refill (fixture->grace, "demo-child", albuterol, NULL);
    g_autoptr (AltaPortalResponse) grace_sofia = request_refill (fixture->grace, "demo-spanish", amlodipine, NULL);
    g_autoptr (AltaPortalResponse) daniel_sofia = request_refill (fixture->daniel, "demo-spanish", amlodipine, NULL);

    expect_error (grace_child, 403, "forbidden");
    expect_error (grace_sofia, 403, "forbidden");
    expect_error (daniel_sofia, 403, "forbidden");
  }
  g_assert_cmpuint (count_tasks (fixture->staff, "demo-spanish", amlodipine, "requested", NULL), ==, 0);
}

static gint64
days_to_twelfth_birthday (Fixture *fixture)
{
  g_autoptr (JsonObject) mateo = alta_test_server_demo_account (fixture->server, "Mateo");
  GDate birth, twelfth, today;

  g_date_set_parse (&birth, json_object_get_string_member (mateo, "birth_date"));
  g_assert_true (g_date_valid (&birth));
  twelfth = birth;
  g_date_add_years (&twelfth, 12);
  g_date_set_time_t (&today, time (NULL));
  return g_date_days_between (&today, &twelfth);
}

/* On the day the child turns 12 the parent can neither read nor write his record */
static void
test_refill_twelfth_birthday (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *albuterol = medication_id (fixture->daniel, "demo-child", ALBUTEROL);
  g_autofree char *cetirizine = medication_id (fixture->daniel, "demo-parent", CETIRIZINE);
  g_autoptr (AltaPortalResponse) refused = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  g_autoptr (AltaPortalResponse) own = NULL;

  alta_test_server_move_clock (fixture->server, days_to_twelfth_birthday (fixture) * DAY);
  alta_test_sign_in (fixture->daniel, "daniel", "Harbor-Kite-1988");
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");

  refused = request_refill (fixture->daniel, "demo-child", albuterol, NULL);
  expect_error (refused, 403, "forbidden");
  read = get (fixture->daniel, "Task?patient=demo-child&code=refill-request");
  alta_assert_status (read, 403);
  g_assert_cmpuint (count_tasks (fixture->staff, "demo-child", albuterol, "requested", NULL), ==, 0);

  /* His own record is still his */
  own = request_refill (fixture->daniel, "demo-parent", cetirizine, NULL);
  alta_assert_status (own, 201);
}

/* Every resource the writes made is valid FHIR R4 */
static void
validate_all (GPtrArray *resources)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fhir-schema", "validate.mjs", NULL);
  g_autofree char *dir = g_dir_make_tmp ("alta-refills-schema-XXXXXX", NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr (GSubprocess) node = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (resources->len, >, 0);
  for (guint i = 0; i < resources->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("%04u.json", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = json_to_string (g_ptr_array_index (resources, i), FALSE);

      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
    }

  node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           "node", script, dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (node, NULL, NULL, &output, &errors, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", output, errors);
  if (!g_subprocess_get_successful (node))
    g_error ("Not valid FHIR R4:\n%s%s", output, errors);

  for (guint i = 0; i < resources->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("%04u.json", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_refill_schema (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *albuterol = medication_id (fixture->daniel, "demo-child", ALBUTEROL);
  g_autofree char *cetirizine = medication_id (fixture->daniel, "demo-parent", CETIRIZINE);
  g_autoptr (AltaPortalResponse) for_child = request_refill (fixture->daniel, "demo-child", albuterol, "Two, please");
  g_autoptr (AltaPortalResponse) own = request_refill (fixture->daniel, "demo-parent", cetirizine, NULL);
  JsonObject *child_task = expect_created (fixture, for_child);
  JsonObject *own_task = expect_created (fixture, own);
  g_autoptr (JsonArray) child_tasks = NULL;
  g_autoptr (JsonArray) own_tasks = NULL;

  /* And as they are after the clinic's answers */
  g_free (admin (fixture, 0, "complete-refill", "--task", json_object_get_string_member (child_task, "id"), NULL));
  g_free (admin (fixture, 0, "reject-refill", "--task", json_object_get_string_member (own_task, "id"),
                 "--reason", "Over the counter now: ask at the pharmacy.", NULL));
  child_tasks = search (fixture->daniel, "Task?patient=demo-child&code=refill-request");
  own_tasks = search (fixture->daniel, "Task?patient=demo-parent&code=refill-request");
  for (guint i = 0; i < json_array_get_length (child_tasks); i++)
    g_ptr_array_add (fixture->created, json_node_copy (json_array_get_element (child_tasks, i)));
  for (guint i = 0; i < json_array_get_length (own_tasks); i++)
    g_ptr_array_add (fixture->created, json_node_copy (json_array_get_element (own_tasks, i)));
  g_assert_cmpuint (fixture->created->len, ==, 4);

  validate_all (fixture->created);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* The client's typed call, as the refill dialog makes it */
static AltaRefillRequest *
request_refill_typed (AltaPortalClient  *client,
                      const char        *patient_id,
                      const char        *medication,
                      const char        *note,
                      const char        *request_id,
                      GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  alta_portal_client_request_refill_async (client, patient_id, medication, note, request_id,
                                           NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return alta_portal_client_request_refill_finish (client, result, error);
}

/* alta_portal_client_request_refill_async(): the portal's refusals as typed errors, the
 * created request as the client's model, and a retry that finds the first request */
static void
test_refill_typed_call (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *metformin = medication_id (fixture->grace, "demo-adult", METFORMIN);
  g_autofree char *lisinopril = medication_id (fixture->grace, "demo-adult", LISINOPRIL);
  g_autofree char *atorvastatin = medication_id (fixture->grace, "demo-adult", ATORVASTATIN);
  g_autofree char *cetirizine = medication_id (fixture->daniel, "demo-parent", CETIRIZINE);
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *other_id = g_uuid_string_random ();
  g_autoptr (AltaRefillRequest) request = NULL;
  g_autoptr (AltaRefillRequest) retried = NULL;
  g_autoptr (AltaRefillRequest) refused = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *one = g_uuid_string_random ();
  g_autofree char *two = g_uuid_string_random ();
  g_autofree char *three = g_uuid_string_random ();

  /* One already pending (the demo's), none left, no longer taken */
  refused = request_refill_typed (fixture->grace, "demo-adult", metformin, NULL, one, &error);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT);
  g_assert_null (refused);
  g_clear_error (&error);
  refused = request_refill_typed (fixture->grace, "demo-adult", lisinopril, NULL, two, &error);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  refused = request_refill_typed (fixture->grace, "demo-adult", atorvastatin, "", three, &error);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_clear_error (&error);

  request = request_refill_typed (fixture->daniel, "demo-parent", cetirizine,
                                  "I will pick it up on Friday.", request_id, &error);
  g_assert_no_error (error);
  g_assert_true (ALTA_IS_REFILL_REQUEST (request));
  g_assert_cmpint (alta_refill_request_get_state (request), ==, ALTA_REFILL_PENDING);
  g_assert_cmpstr (alta_refill_request_get_medication_id (request), ==, cetirizine);
  g_assert_cmpstr (alta_refill_request_get_note (request), ==, "I will pick it up on Friday.");
  g_assert_nonnull (alta_record_item_get_date (ALTA_RECORD_ITEM (request)));

  /* The same request sent again (its answer lost): the first one, not a second */
  retried = request_refill_typed (fixture->daniel, "demo-parent", cetirizine,
                                  "I will pick it up on Friday.", request_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alta_record_item_get_id (ALTA_RECORD_ITEM (retried)), ==,
                   alta_record_item_get_id (ALTA_RECORD_ITEM (request)));
  g_assert_cmpuint (count_tasks (fixture->daniel, "demo-parent", cetirizine, "requested", NULL), ==, 1);

  /* A new request while it waits */
  refused = request_refill_typed (fixture->daniel, "demo-parent", cetirizine, NULL, other_id,
                                  &error);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/fhir-refills/lifecycle", test_refill_lifecycle);
  ADD ("/fhir-refills/bad-requests", test_refill_bad_requests);
  ADD ("/fhir-refills/proxy", test_refill_proxy);
  ADD ("/fhir-refills/twelfth-birthday", test_refill_twelfth_birthday);
  ADD ("/fhir-refills/schema", test_refill_schema);
  ADD ("/fhir-refills/typed-call", test_refill_typed_call);

  return g_test_run ();
}
