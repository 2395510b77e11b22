/* test-appointments.c: booking, cancelling and requesting appointments over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "alta-portal-client-appointments.h"
#include "alta-portal-error.h"
#include "alta-test-server.h"

#define DAY (24 * 60 * 60)
#define CLIENT_REQUEST "https://myaltamed.net/fhir/sid/client-request"
#define SERVICE_SYSTEM "https://myaltamed.net/fhir/CodeSystem/service-category"
#define JSON_PATCH "application/json-patch+json"

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *grace;     /* an adult, her own record */
  AltaPortalClient *sofia;     /* another adult */
  AltaPortalClient *daniel;    /* a parent: his record and his son Mateo's */
  AltaPortalClient *staff;
} Fixture;

static void
sign_in_all (Fixture *fixture)
{
  g_clear_object (&fixture->grace);
  g_clear_object (&fixture->sofia);
  g_clear_object (&fixture->daniel);
  g_clear_object (&fixture->staff);
  fixture->grace = alta_test_server_new_client (fixture->server);
  fixture->sofia = alta_test_server_new_client (fixture->server);
  fixture->daniel = alta_test_server_new_client (fixture->server);
  fixture->staff = alta_test_server_new_client (fixture->server);
  alta_test_sign_in (fixture->grace, "grace", "Orchard-Lantern-42");
  alta_test_sign_in (fixture->sofia, "sofia", "Girasol-Montana-7");
  alta_test_sign_in (fixture->daniel, "daniel", "Harbor-Kite-1988");
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo (NULL);
  sign_in_all (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->grace);
  g_clear_object (&fixture->sofia);
  g_clear_object (&fixture->daniel);
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

/* A copy of a resource read with GET */
static JsonObject *
read_resource (AltaPortalClient *client,
               const char       *path)
{
  g_autoptr (AltaPortalResponse) response = get (client, path);

  alta_assert_status (response, 200);
  return json_object_ref (alta_test_response_object (response));
}

/* The resources of a search (one page of up to 500), as a new array */
static JsonArray *
search (AltaPortalClient *client,
        const char       *path)
{
  g_autoptr (AltaPortalResponse) response = get (client, path);
  JsonObject *bundle;
  JsonArray *resources = json_array_new ();

  alta_assert_status (response, 200);
  bundle = alta_test_response_object (response);
  if (json_object_has_member (bundle, "entry"))
    {
      JsonArray *entries = json_object_get_array_member (bundle, "entry");

      for (guint i = 0; i < json_array_get_length (entries); i++)
        json_array_add_element (resources,
                                json_node_copy (json_object_get_member (json_array_get_object_element (entries, i),
                                                                        "resource")));
    }
  return resources;
}

/* The ids of the free slots of the first schedule of a service, soonest first */
static GPtrArray *
list_free_slots (AltaPortalClient *client,
                 const char       *service)
{
  g_autofree char *schedules_path = g_strdup_printf ("Schedule?service-category=%s", service);
  g_autoptr (JsonArray) schedules = search (client, schedules_path);
  g_autoptr (JsonArray) slots = NULL;
  g_autofree char *slots_path = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (json_array_get_length (schedules), >, 0);
  slots_path = g_strdup_printf ("Slot?schedule=Schedule/%s&status=free&_sort=date&_count=500",
                                json_object_get_string_member (json_array_get_object_element (schedules, 0),
                                                               "id"));
  slots = search (client, slots_path);
  for (guint i = 0; i < json_array_get_length (slots); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (slots, i),
                                                                   "id")));
  return ids;
}

static char *
booking_body (const char *patient_id,
              const char *slot_id,
              const char *request_id)
{
  return g_strdup_printf ("{\"resourceType\":\"Appointment\",\"status\":\"booked\","
                          "\"identifier\":[{\"system\":\"" CLIENT_REQUEST "\",\"value\":\"%s\"}],"
                          "\"slot\":[{\"reference\":\"Slot/%s\"}],"
                          "\"participant\":[{\"actor\":{\"reference\":\"Patient/%s\"},"
                          "\"status\":\"accepted\"}],"
                          "\"comment\":\"Cough for two weeks\"}",
                          request_id, slot_id, patient_id);
}

static AltaPortalResponse *
book (AltaPortalClient *client,
      const char       *patient_id,
      const char       *slot_id,
      const char       *request_id)
{
  g_autofree char *body = booking_body (patient_id, slot_id, request_id);
  g_autofree char *condition = g_strdup_printf ("identifier=" CLIENT_REQUEST "|%s", request_id);

  return alta_test_request_with_headers (client, "POST", "/fhir/R4/Appointment", body,
                                         "application/fhir+json", "If-None-Exist", condition,
                                         NULL);
}

static AltaPortalResponse *
patch_status (AltaPortalClient *client,
              const char       *appointment_id,
              const char       *status)
{
  g_autofree char *path = g_strdup_printf ("/fhir/R4/Appointment/%s", appointment_id);
  g_autofree char *body = g_strdup_printf ("[{\"op\":\"replace\",\"path\":\"/status\","
                                           "\"value\":\"%s\"}]", status);

  return alta_test_request_with_headers (client, "PATCH", path, body, JSON_PATCH, NULL);
}

static char *
dup_slot_status (AltaPortalClient *client,
                 const char       *slot_id)
{
  g_autofree char *path = g_strdup_printf ("Slot/%s", slot_id);
  g_autoptr (JsonObject) slot = read_resource (client, path);

  return g_strdup (json_object_get_string_member (slot, "status"));
}

static gboolean
has_participant (JsonObject *appointment,
                 const char *prefix)
{
  JsonArray *participants = json_object_get_array_member (appointment, "participant");

  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = json_object_get_object_member (json_array_get_object_element (participants, i),
                                                         "actor");

      if (g_str_has_prefix (json_object_get_string_member (actor, "reference"), prefix))
        return TRUE;
    }

  return FALSE;
}

static guint
count_with_status (JsonArray  *appointments,
                   const char *status)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (appointments); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (appointments, i),
                                                    "status"), status))
      n++;
  return n;
}

/* The interactions the CapabilityStatement lists for a type, as "read,search-type,..." */
static char *
dup_interactions (AltaPortalClient *client,
                  const char       *type)
{
  g_autoptr (AltaPortalResponse) response = get (client, "metadata");
  JsonArray *resources;
  GString *codes = g_string_new (NULL);

  alta_assert_status (response, 200);
  resources = json_object_get_array_member (json_array_get_object_element (
    json_object_get_array_member (alta_test_response_object (response), "rest"), 0), "resource");
  for (guint i = 0; i < json_array_get_length (resources); i++)
    {
      JsonObject *resource = json_array_get_object_element (resources, i);
      JsonArray *interactions = json_object_get_array_member (resource, "interaction");

      if (!g_str_equal (json_object_get_string_member (resource, "type"), type))
        continue;
      for (guint j = 0; j < json_array_get_length (interactions); j++)
        g_string_append_printf (codes, "%s%s", j > 0 ? "," : "",
                                json_object_get_string_member (json_array_get_object_element (interactions, j),
                                                               "code"));
      if (json_object_get_boolean_member_with_default (resource, "conditionalCreate", FALSE))
        g_string_append (codes, ",conditional");
    }
  return g_string_free (codes, FALSE);
}

static void
test_capabilities (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *appointment = dup_interactions (fixture->grace, "Appointment");
  g_autofree char *observation = dup_interactions (fixture->grace, "Observation");

  g_auto (GStrv) codes = g_strsplit (appointment, ",", -1);
  const char *expected[] = { "read", "search-type", "create", "update", "patch", "conditional" };

  g_assert_cmpuint (g_strv_length (codes), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_strv_contains ((const char * const *)codes, expected[i]));
  g_assert_cmpstr (observation, ==, "read,search-type");
}

static void
test_book_and_cancel (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr (GPtrArray) slots = list_free_slots (fixture->grace, "medical");
  const char *slot_id = g_ptr_array_index (slots, 0);
  g_autofree char *request_id = g_uuid_string_random ();
  g_autoptr (AltaPortalResponse) created = NULL;
  g_autoptr (AltaPortalResponse) retried = NULL;
  g_autoptr (AltaPortalResponse) taken = NULL;
  g_autoptr (AltaPortalResponse) cancelled = NULL;
  g_autoptr (AltaPortalResponse) again = NULL;
  g_autoptr (JsonObject) slot = NULL;
  g_autoptr (JsonArray) booked = NULL;
  g_autofree char *slot_path = g_strdup_printf ("Slot/%s", slot_id);
  g_autofree char *status = NULL;
  g_autofree char *other_request = g_uuid_string_random ();
  g_autofree char *location = NULL;
  JsonObject *appointment;
  const char *id;

  slot = read_resource (fixture->grace, slot_path);
  g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "free");

  created = book (fixture->grace, "demo-adult", slot_id, request_id);
  alta_assert_status (created, 201);
  appointment = alta_test_response_object (created);
  id = json_object_get_string_member (appointment, "id");
  g_assert_cmpuint (strlen (id), >=, 32);
  g_assert_cmpstr (json_object_get_string_member (appointment, "status"), ==, "booked");
  g_assert_cmpstr (json_object_get_string_member (appointment, "start"), ==,
                   json_object_get_string_member (slot, "start"));
  g_assert_cmpstr (json_object_get_string_member (appointment, "end"), ==,
                   json_object_get_string_member (slot, "end"));
  g_assert_true (has_participant (appointment, "Patient/demo-adult"));
  g_assert_true (has_participant (appointment, "Practitioner/"));
  g_assert_true (has_participant (appointment, "Location/"));
  g_assert_cmpstr (json_object_get_string_member (appointment, "comment"), ==,
                   "Cough for two weeks");
  g_assert_cmpstr (alta_portal_response_get_header (created, "ETag"), ==, "W/\"1\"");
  location = g_strdup_printf ("/fhir/R4/Appointment/%s/_history/1", id);
  g_assert_true (g_str_has_suffix (alta_portal_response_get_header (created, "Location"),
                                   location));

  /* The slot turned busy, as a new version */
  g_clear_pointer (&slot, json_object_unref);
  slot = read_resource (fixture->grace, slot_path);
  g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "busy");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (slot, "meta"),
                                                  "versionId"), ==, "2");

  /* A retry answers with the first one */
  retried = book (fixture->grace, "demo-adult", slot_id, request_id);
  alta_assert_status (retried, 200);
  g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (retried), "id"), ==,
                   id);

  /* The patient sees it */
  booked = search (fixture->grace, "Appointment?patient=demo-adult&status=booked");
  g_assert_cmpuint (count_with_status (booked, "booked"), ==, 2);

  /* Nobody else gets the slot */
  taken = book (fixture->sofia, "demo-spanish", slot_id, other_request);
  alta_assert_status (taken, 409);

  /* Cancelled: the slot is free again, and the appointment cannot be booked again */
  cancelled = patch_status (fixture->grace, id, "cancelled");
  alta_assert_status (cancelled, 200);
  g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (cancelled),
                                                  "status"), ==, "cancelled");
  g_assert_cmpstr (alta_portal_response_get_header (cancelled, "ETag"), ==, "W/\"2\"");
  status = dup_slot_status (fixture->grace, slot_id);
  g_assert_cmpstr (status, ==, "free");

  again = patch_status (fixture->grace, id, "booked");
  alta_assert_error (again, 422, "invalid_field");
}


static gint64
server_now (Fixture *fixture)
{
  return g_get_real_time () / G_USEC_PER_SEC + fixture->server->clock_offset;
}

static char *
format_instant (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (when);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* A dental request's body; NULL members are left out */
static char *
dental_body (const char *patient_id,
             const char *period_start,
             const char *comment,
             const char *service)
{
  g_autoptr (GString) text = g_string_new ("{\"resourceType\":\"Appointment\",\"status\":\"proposed\"");
  g_autofree char *request_id = g_uuid_string_random ();

  g_string_append_printf (text, ",\"identifier\":[{\"system\":\"" CLIENT_REQUEST "\","
                                "\"value\":\"%s\"}]", request_id);
  g_string_append_printf (text, ",\"serviceCategory\":[{\"coding\":[{\"system\":\""
                                SERVICE_SYSTEM "\",\"code\":\"%s\"}]}]", service);
  if (period_start != NULL)
    g_string_append_printf (text, ",\"requestedPeriod\":[{\"start\":\"%s\"}]", period_start);
  if (comment != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), comment);
      g_autofree char *encoded = json_to_string (node, FALSE);

      g_string_append_printf (text, ",\"comment\":%s", encoded);
    }
  g_string_append_printf (text, ",\"participant\":[{\"actor\":{\"reference\":\"Patient/%s\"},"
                                "\"status\":\"accepted\"}]}", patient_id);
  return g_strdup (text->str);
}

static AltaPortalResponse *
request_dental (Fixture          *fixture,
                AltaPortalClient *client,
                const char       *patient_id,
                const char       *comment)
{
  g_autofree char *start = format_instant (server_now (fixture) + 10 * DAY);
  g_autofree char *body = dental_body (patient_id, start, comment, "dental");

  return alta_test_request (client, "POST", "/fhir/R4/Appointment", body, ALTA_REQUEST_NONE);
}

static AltaPortalResponse *
post_appointment (AltaPortalClient *client,
                  const char       *body)
{
  return alta_test_request_with_headers (client, "POST", "/fhir/R4/Appointment", body,
                                         "application/fhir+json", NULL);
}

static char *
admin (Fixture *fixture,
       int      expected_status,
       ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer)g_getenv ("MYALTAMED_PORTALD"));
  g_ptr_array_add (args, (gpointer)"admin");
  g_ptr_array_add (args, (gpointer)"--data-dir");
  g_ptr_array_add (args, fixture->server->data_dir);
  g_ptr_array_add (args, (gpointer)"--config");
  g_ptr_array_add (args, fixture->server->config_path);
  va_start (ap, expected_status);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = alta_test_portald_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, &errors, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != expected_status)
    g_error ("admin %s: exit %d, expected %d: %s%s", (const char *)args->pdata[6],
             g_subprocess_get_exit_status (process), expected_status, output, errors);
  return g_steal_pointer (&output);
}

static guint
count_outbox_containing (Fixture    *fixture,
                         const char *text)
{
  g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (fixture->server);
  guint n = 0;

  for (guint i = 0; i < mails->len; i++)
    {
      g_autofree char *decoded = alta_test_decode_quoted_printable (g_ptr_array_index (mails, i));
      g_autofree char *flat = g_strdelimit (g_strdup (decoded), "\r\n", ' ');

      if (strstr (flat, text) != NULL)
        n++;
    }
  return n;
}

/* The rows of the audit trail (admin audit's output) with an action and an outcome */
static guint
count_in_audit (const char *audit,
                const char *action,
                const char *outcome)
{
  g_auto (GStrv) lines = g_strsplit (audit, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) == 6 && g_str_equal (fields[3], action) &&
          g_str_has_prefix (fields[5], outcome))
        n++;
    }
  return n;
}

static guint
count_audit (Fixture    *fixture,
             const char *action,
             const char *outcome)
{
  g_autofree char *output = admin (fixture, 0, "audit", NULL);

  return count_in_audit (output, action, outcome);
}

static void
test_write_errors (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (GPtrArray) slots = list_free_slots (fixture->grace, "medical");
  g_autoptr (GPtrArray) dental_slots = list_free_slots (fixture->grace, "dental");
  const char *slot_id = g_ptr_array_index (slots, 0);
  g_autofree char *request_id = g_uuid_string_random ();
  g_autoptr (AltaPortalResponse) created = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *put_body = NULL;
  g_autofree char *last_slot = g_strdup (g_ptr_array_index (slots, slots->len - 1));
  g_autofree char *audit = NULL;
  JsonObject *appointment;
  guint forbidden_before;

  /* Malformed or mistyped: 400 */
  {
    static const char *bodies[] = {
      "{\"resourceType\":\"Appointment\",\"status\":\"booked\","
      "\"participant\":[{\"actor\":{\"reference\":\"Patient/demo-adult\"},\"status\":\"accepted\"}]}",
      "{\"resourceType\":\"Patient\",\"id\":\"demo-adult\"}",
      "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"slot\":[{\"reference\":\"Slot/x\"}],"
      "\"participant\":[{\"actor\":{\"reference\":\"Practitioner/x\"},\"status\":\"accepted\"}]}",
      "{\"resourceType\":\"Appointment\",\"status\":\"booked\"",
      "[1, 2]",
      "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"identifier\":[1],"
      "\"slot\":[{\"reference\":\"Slot/x\"}],"
      "\"participant\":[{\"actor\":{\"reference\":\"Patient/demo-adult\"},\"status\":\"accepted\"}]}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr (AltaPortalResponse) response = post_appointment (fixture->grace, bodies[i]);

        alta_assert_error (response, 400, "invalid_request");
      }
  }

  /* Not bookable: 422 */
  {
    g_autofree char *dental = booking_body ("demo-adult", g_ptr_array_index (dental_slots, 0),
                                            request_id);
    g_autofree char *missing = booking_body ("demo-adult", "no-such-slot", request_id);
    g_autofree char *arrived = NULL;
    g_autoptr (AltaPortalResponse) dental_response = post_appointment (fixture->grace, dental);
    g_autoptr (AltaPortalResponse) missing_response = post_appointment (fixture->grace, missing);
    g_autoptr (AltaPortalResponse) arrived_response = NULL;
    char *status;

    alta_assert_error (dental_response, 422, "invalid_field");
    alta_assert_error (missing_response, 422, "invalid_field");

    arrived = booking_body ("demo-adult", slot_id, request_id);
    status = strstr (arrived, "\"booked\"");
    memcpy (status, "\"arrive\"", 8);
    arrived_response = post_appointment (fixture->grace, arrived);
    alta_assert_error (arrived_response, 422, "invalid_field");
  }

  /* Another patient's record, staff, a type that cannot be written */
  {
    g_autoptr (AltaPortalResponse) other = book (fixture->grace, "demo-spanish", slot_id,
                                                 request_id);
    g_autoptr (AltaPortalResponse) staff = book (fixture->staff, "demo-adult", slot_id,
                                                 request_id);
    g_autoptr (AltaPortalResponse) observation =
      alta_test_request (fixture->grace, "POST", "/fhir/R4/Observation", "{}", ALTA_REQUEST_NONE);
    g_autoptr (AltaPortalResponse) unknown =
      alta_test_request (fixture->grace, "POST", "/fhir/R4/Encounter", "{}", ALTA_REQUEST_NONE);
    g_autoptr (AltaPortalResponse) anonymous = NULL;
    g_autoptr (AltaPortalClient) nobody = alta_test_server_new_client (fixture->server);

    alta_assert_error (other, 403, "forbidden");
    alta_assert_error (staff, 403, "forbidden");
    alta_assert_error (observation, 405, "method_not_allowed");
    alta_assert_error (unknown, 404, "not_found");
    anonymous = book (nobody, "demo-adult", slot_id, request_id);
    alta_assert_error (anonymous, 401, "session_expired");
  }

  /* If-None-Exist must match the body's identifier */
  {
    g_autofree char *body = booking_body ("demo-adult", slot_id, request_id);
    g_autoptr (AltaPortalResponse) response =
      alta_test_request_with_headers (fixture->grace, "POST", "/fhir/R4/Appointment", body, NULL,
                                      "If-None-Exist",
                                      "identifier=" CLIENT_REQUEST "|something-else", NULL);
    g_autoptr (AltaPortalResponse) bad_system =
      alta_test_request_with_headers (fixture->grace, "POST", "/fhir/R4/Appointment", body, NULL,
                                      "If-None-Exist", "identifier=urn:other|x", NULL);

    alta_assert_error (response, 400, "invalid_request");
    alta_assert_error (bad_system, 400, "invalid_request");
  }

  created = book (fixture->grace, "demo-adult", slot_id, request_id);
  alta_assert_status (created, 201);
  appointment = alta_test_response_object (created);
  id = g_strdup (json_object_get_string_member (appointment, "id"));
  path = g_strdup_printf ("/fhir/R4/Appointment/%s", id);

  /* The same request id in another record is a conflict, not the other's appointment */
  {
    g_autoptr (AltaPortalResponse) response = book (fixture->sofia, "demo-spanish", last_slot,
                                                    request_id);

    alta_assert_error (response, 409, "conflict");
  }

  /* Updates: only status and cancelationReason; only to cancelled; a JSON Patch */
  {
    g_autoptr (AltaPortalResponse) start =
      alta_test_request_with_headers (fixture->grace, "PATCH", path,
                                      "[{\"op\":\"replace\",\"path\":\"/start\","
                                      "\"value\":\"2030-01-01T10:00:00Z\"}]", JSON_PATCH, NULL);
    g_autoptr (AltaPortalResponse) remove =
      alta_test_request_with_headers (fixture->grace, "PATCH", path,
                                      "[{\"op\":\"remove\",\"path\":\"/comment\"}]", JSON_PATCH,
                                      NULL);
    g_autoptr (AltaPortalResponse) failed_test =
      alta_test_request_with_headers (fixture->grace, "PATCH", path,
                                      "[{\"op\":\"test\",\"path\":\"/status\",\"value\":\"proposed\"},"
                                      "{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]",
                                      JSON_PATCH, NULL);
    g_autoptr (AltaPortalResponse) id_patch =
      alta_test_request_with_headers (fixture->grace, "PATCH", path,
                                      "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"x\"}]",
                                      JSON_PATCH, NULL);
    g_autoptr (AltaPortalResponse) not_patch =
      alta_test_request_with_headers (fixture->grace, "PATCH", path,
                                      "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]",
                                      "application/json", NULL);
    g_autoptr (AltaPortalResponse) arrived = patch_status (fixture->grace, id, "arrived");
    g_autoptr (AltaPortalResponse) stale =
      alta_test_request_with_headers (fixture->grace, "PATCH", path,
                                      "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]",
                                      JSON_PATCH, "If-Match", "W/\"7\"", NULL);
    g_autoptr (AltaPortalResponse) someone_else = patch_status (fixture->sofia, id, "cancelled");
    g_autoptr (AltaPortalResponse) missing = patch_status (fixture->grace, "no-such-id",
                                                           "cancelled");

    alta_assert_error (start, 422, "invalid_field");
    alta_assert_error (remove, 422, "invalid_field");
    alta_assert_error (failed_test, 422, "invalid_field");
    alta_assert_error (id_patch, 422, "invalid_field");
    alta_assert_error (not_patch, 400, "invalid_request");
    alta_assert_error (arrived, 422, "invalid_field");
    alta_assert_error (stale, 412, "conflict");
    alta_assert_error (someone_else, 404, "not_found");
    alta_assert_error (missing, 404, "not_found");
  }

  /* PUT of the whole resource with the id of another: 400; cancelled with If-Match: 200 */
  {
    JsonNode *root = alta_portal_response_get_json (created);
    g_autoptr (JsonNode) copy = json_node_copy (root);
    JsonObject *object = json_node_get_object (copy);
    g_autoptr (AltaPortalResponse) wrong_id = NULL;
    g_autoptr (AltaPortalResponse) cancelled = NULL;
    g_autoptr (AltaPortalResponse) cancelled_again = NULL;
    g_autofree char *wrong_body = NULL;
    g_autofree char *status = NULL;

    json_object_set_string_member (object, "id", "another");
    wrong_body = json_to_string (copy, FALSE);
    wrong_id = alta_test_request_with_headers (fixture->grace, "PUT", path, wrong_body,
                                               "application/fhir+json", NULL);
    alta_assert_error (wrong_id, 400, "invalid_request");

    json_object_set_string_member (object, "id", id);
    json_object_set_string_member (object, "status", "cancelled");
    put_body = json_to_string (copy, FALSE);
    cancelled = alta_test_request_with_headers (fixture->grace, "PUT", path, put_body,
                                                "application/fhir+json", "If-Match", "W/\"1\"",
                                                NULL);
    alta_assert_status (cancelled, 200);
    g_assert_cmpstr (json_object_get_string_member (alta_test_response_object (cancelled),
                                                    "status"), ==, "cancelled");
    status = dup_slot_status (fixture->grace, slot_id);
    g_assert_cmpstr (status, ==, "free");

    /* Sending the cancellation again changes nothing */
    cancelled_again = alta_test_request_with_headers (fixture->grace, "PUT", path, put_body,
                                                      "application/fhir+json", NULL);
    alta_assert_status (cancelled_again, 200);
    g_assert_cmpstr (alta_portal_response_get_header (cancelled_again, "ETag"), ==, "W/\"2\"");
  }

  /* A slot in the past */
  alta_test_server_move_clock (fixture->server, 40 * DAY);
  sign_in_all (fixture);
  {
    g_autofree char *other_request = g_uuid_string_random ();
    g_autoptr (AltaPortalResponse) past = book (fixture->grace, "demo-adult", last_slot,
                                                other_request);

    alta_assert_error (past, 422, "invalid_field");
  }

  /* Every write is audited, the refused ones with their error */
  audit = admin (fixture, 0, "audit", NULL);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.create", "success"), ==, 1);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.update", "success"), ==, 2);
  forbidden_before = count_in_audit (audit, "Appointment.create", "forbidden");
  g_assert_cmpuint (forbidden_before, ==, 2);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.create", "conflict"), ==, 1);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.create", "invalid_field"), >=, 4);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.patch", "invalid_field"), >=, 5);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.patch", "precondition_failed"), ==, 1);
  g_assert_cmpuint (count_in_audit (audit, "Appointment.patch", "not_found"), ==, 2);
}

static void
test_spanish_errors (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (GPtrArray) dental_slots = list_free_slots (fixture->sofia, "dental");
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *body = booking_body ("demo-spanish", g_ptr_array_index (dental_slots, 0),
                                        request_id);
  g_autoptr (AltaPortalResponse) response = NULL;
  JsonObject *outcome;

  alta_portal_client_set_language (fixture->sofia, "es");
  response = post_appointment (fixture->sofia, body);
  alta_assert_error (response, 422, "invalid_field");
  outcome = json_array_get_object_element (json_object_get_array_member (alta_test_response_object (response),
                                                                         "issue"), 0);
  g_assert_nonnull (strstr (json_object_get_string_member (outcome, "diagnostics"),
                            "no es para consultas médicas"));
}

static JsonObject *
find_by_id (JsonArray  *resources,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (resources); i++)
    {
      JsonObject *resource = json_array_get_object_element (resources, i);

      if (g_str_equal (json_object_get_string_member (resource, "id"), id))
        return resource;
    }
  return NULL;
}

static void
test_dental (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr (GPtrArray) dental_slots = list_free_slots (fixture->daniel, "dental");
  const char *slot_id = g_ptr_array_index (dental_slots, 0);
  g_autoptr (AltaPortalResponse) first = NULL;
  g_autoptr (AltaPortalResponse) second = NULL;
  g_autoptr (JsonArray) proposed = NULL;
  g_autoptr (JsonArray) booked = NULL;
  g_autoptr (JsonArray) cancelled = NULL;
  g_autoptr (JsonObject) slot = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *slot_path = g_strdup_printf ("Slot/%s", slot_id);
  g_autofree char *output = NULL;
  g_autofree char *too_long = g_strnfill (1001, 'a');
  JsonObject *request;
  JsonObject *found;

  /* What a request must have: 422 */
  {
    g_autofree char *future = format_instant (server_now (fixture) + 10 * DAY);
    g_autofree char *past = format_instant (server_now (fixture) - DAY);
    g_autofree char *no_period = dental_body ("demo-parent", NULL, "Cleaning", "dental");
    g_autofree char *in_past = dental_body ("demo-parent", past, "Cleaning", "dental");
    g_autofree char *no_reason = dental_body ("demo-parent", future, NULL, "dental");
    g_autofree char *blank = dental_body ("demo-parent", future, "   ", "dental");
    g_autofree char *long_reason = dental_body ("demo-parent", future, too_long, "dental");
    g_autofree char *medical = dental_body ("demo-parent", future, "Cleaning", "medical");
    const char *bodies[] = { no_period, in_past, no_reason, blank, long_reason, medical };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr (AltaPortalResponse) response = post_appointment (fixture->daniel, bodies[i]);

        alta_assert_error (response, 422, "invalid_field");
      }
  }

  first = request_dental (fixture, fixture->daniel, "demo-parent", "A tooth hurts when I drink cold water.");
  alta_assert_status (first, 201);
  request = alta_test_response_object (first);
  first_id = g_strdup (json_object_get_string_member (request, "id"));
  g_assert_cmpstr (json_object_get_string_member (request, "status"), ==, "proposed");
  g_assert_false (json_object_has_member (request, "start"));
  g_assert_cmpstr (json_object_get_string_member (request, "comment"), ==,
                   "A tooth hurts when I drink cold water.");

  second = request_dental (fixture, fixture->daniel, "demo-parent", "Cleaning, please.");
  alta_assert_status (second, 201);
  second_id = g_strdup (json_object_get_string_member (alta_test_response_object (second), "id"));

  /* The demo's own request and these two wait for the clinic */
  proposed = search (fixture->daniel, "Appointment?patient=demo-parent&status=proposed");
  g_assert_cmpuint (json_array_get_length (proposed), ==, 3);
  g_assert_nonnull (find_by_id (proposed, first_id));

  /* The clinic books a dental slot for the first: booked at that time, the slot busy, a mail */
  alta_test_server_clear_outbox (fixture->server);
  g_free (admin (fixture, 0, "confirm-dental", "--appointment", first_id, "--slot", slot_id, NULL));
  slot = read_resource (fixture->daniel, slot_path);
  g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "busy");
  booked = search (fixture->daniel, "Appointment?patient=demo-parent&status=booked");
  found = find_by_id (booked, first_id);
  g_assert_nonnull (found);
  g_assert_cmpstr (json_object_get_string_member (found, "start"), ==,
                   json_object_get_string_member (slot, "start"));
  g_assert_true (has_participant (found, "Practitioner/"));
  g_assert_true (has_participant (found, "Location/"));
  g_assert_cmpuint (count_outbox_containing (fixture, "confirmed your dental appointment request"),
                    ==, 1);

  /* A slot already taken, a request already answered, a medical slot: refused */
  g_free (admin (fixture, 1, "confirm-dental", "--appointment", second_id, "--slot", slot_id,
                 NULL));
  g_free (admin (fixture, 1, "confirm-dental", "--appointment", first_id, "--slot",
                 (const char *)g_ptr_array_index (dental_slots, 1), NULL));
  {
    g_autoptr (GPtrArray) medical = list_free_slots (fixture->daniel, "medical");

    g_free (admin (fixture, 1, "confirm-dental", "--appointment", second_id, "--slot",
                   (const char *)g_ptr_array_index (medical, 0), NULL));
  }
  g_free (admin (fixture, 2, "decline-dental", "--appointment", second_id, NULL));

  /* The clinic declines the second, with a reason the patient reads */
  alta_test_server_clear_outbox (fixture->server);
  g_free (admin (fixture, 0, "decline-dental", "--appointment", second_id, "--reason",
                 "Please call us: we need an X-ray first.", NULL));
  cancelled = search (fixture->daniel, "Appointment?patient=demo-parent&status=cancelled");
  found = find_by_id (cancelled, second_id);
  g_assert_nonnull (found);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (found,
                                                                                 "cancelationReason"),
                                                  "text"), ==,
                   "Please call us: we need an X-ray first.");
  g_assert_cmpuint (count_outbox_containing (fixture, "could not book your dental appointment"),
                    ==, 1);
  g_free (admin (fixture, 1, "decline-dental", "--appointment", second_id, "--reason", "Again",
                 NULL));

  /* The patient cancels the confirmed visit: the dental slot is free again */
  {
    g_autoptr (AltaPortalResponse) response = patch_status (fixture->daniel, first_id,
                                                            "cancelled");
    g_autofree char *status = NULL;

    alta_assert_status (response, 200);
    status = dup_slot_status (fixture->daniel, slot_id);
    g_assert_cmpstr (status, ==, "free");
  }

  output = admin (fixture, 0, "audit", NULL);
  g_assert_nonnull (strstr (output, "Appointment.confirm-dental"));
  g_assert_nonnull (strstr (output, "Appointment.decline-dental"));
}

static char *
dup_child_birth_date (AltaPortalClient *client)
{
  g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", "/api/v1/me", NULL,
                                                               ALTA_REQUEST_NONE);
  JsonArray *records;

  alta_assert_status (response, 200);
  records = json_object_get_array_member (alta_test_response_object (response), "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_str_equal (json_object_get_string_member (record, "patient_id"), "demo-child"))
        return g_strdup (json_object_get_string_member (record, "birth_date"));
    }

  g_assert_not_reached ();
}

/* Whether each account can write an appointment request into each record, beside whether
 * it can read that record: nobody writes where they cannot read. */
static void
check_access_matrix (Fixture     *fixture,
                     const char  *expected)
{
  AltaPortalClient *clients[] = { fixture->grace, fixture->daniel };
  const char *records[] = { "demo-adult", "demo-parent", "demo-child" };
  GString *seen = g_string_new (NULL);
  g_autofree char *result = NULL;

  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    for (guint r = 0; r < G_N_ELEMENTS (records); r++)
      {
        g_autofree char *search_path = g_strdup_printf ("/fhir/R4/Appointment?patient=%s",
                                                        records[r]);
        g_autoptr (AltaPortalResponse) read = get (clients[c], search_path);
        g_autoptr (AltaPortalResponse) write = request_dental (fixture, clients[c], records[r],
                                                               "Check-up");
        gboolean can_read = alta_portal_response_get_status (read) == 200;
        gboolean can_write = alta_portal_response_get_status (write) == 201;

        if (!can_read)
          alta_assert_error (read, 403, "forbidden");
        if (!can_write)
          alta_assert_error (write, 403, "forbidden");
        g_assert_cmpint (can_read, ==, can_write);
        g_string_append_c (seen, can_write ? 'w' : '-');
      }

  result = g_string_free (seen, FALSE);
  g_assert_cmpstr (result, ==, expected);
}

static void
test_proxy (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr (GPtrArray) slots = list_free_slots (fixture->daniel, "medical");
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *second_request = g_uuid_string_random ();
  g_autoptr (AltaPortalResponse) booked = NULL;
  g_autoptr (AltaPortalResponse) again = NULL;
  g_autoptr (JsonObject) related = NULL;
  g_autofree char *birth_text = dup_child_birth_date (fixture->daniel);
  g_autofree char *related_ref = NULL;
  g_autofree char *request_path = NULL;
  g_autofree char *proposed_id = NULL;
  JsonArray *participants;
  GDate birth, birthday, today;
  gint64 days_to_birthday;

  /* A parent books for his son, as the RelatedPerson of his proxy grant */
  booked = book (fixture->daniel, "demo-child", g_ptr_array_index (slots, 0), request_id);
  alta_assert_status (booked, 201);
  participants = json_object_get_array_member (alta_test_response_object (booked), "participant");
  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      const char *reference = json_object_get_string_member (
        json_object_get_object_member (json_array_get_object_element (participants, i), "actor"),
        "reference");

      if (g_str_has_prefix (reference, "RelatedPerson/"))
        related_ref = g_strdup (reference);
    }
  g_assert_nonnull (related_ref);
  related = read_resource (fixture->daniel, related_ref);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (related,
                                                                                 "patient"),
                                                  "reference"), ==, "Patient/demo-child");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (related, "name"), 0), "family"), ==, "Reyes");

  /* One RelatedPerson per grant */
  again = book (fixture->daniel, "demo-child", g_ptr_array_index (slots, 1), second_request);
  alta_assert_status (again, 201);
  g_assert_true (has_participant (alta_test_response_object (again), related_ref));

  check_access_matrix (fixture, "w--" "-ww");

  /* The day before Mateo turns 12 his father still writes for him... */
  g_date_clear (&birth, 1);
  g_date_set_parse (&birth, birth_text);
  g_assert_true (g_date_valid (&birth));
  birthday = birth;
  g_date_add_years (&birthday, 12);
  g_date_clear (&today, 1);
  g_date_set_time_t (&today, server_now (fixture));
  days_to_birthday = g_date_days_between (&today, &birthday);
  g_assert_cmpint (days_to_birthday, >, 365);

  alta_test_server_move_clock (fixture->server, (days_to_birthday - 1) * DAY);
  sign_in_all (fixture);
  {
    g_autoptr (AltaPortalResponse) response = request_dental (fixture, fixture->daniel,
                                                              "demo-child", "Check-up");

    alta_assert_status (response, 201);
    proposed_id = g_strdup (json_object_get_string_member (alta_test_response_object (response),
                                                           "id"));
  }

  /* ...and from his birthday on neither writes nor reads his record */
  alta_test_server_move_clock (fixture->server, DAY);
  sign_in_all (fixture);
  check_access_matrix (fixture, "w--" "-w-");
  {
    g_autoptr (AltaPortalResponse) cancel = patch_status (fixture->daniel, proposed_id,
                                                          "cancelled");

    alta_assert_error (cancel, 404, "not_found");
  }
  g_assert_cmpuint (count_audit (fixture, "Appointment.create", "forbidden"), >=, 5);
}

/* Many requests at once; each answer (or NULL when there was none) in order of sending */
typedef struct
{
  AltaPortalClient *client;
  guint             index;
  GPtrArray        *responses;   /* AltaPortalResponse, or NULL */
  guint            *n_done;
  void            (*on_answer) (gpointer data, guint n_done);
  gpointer          data;
} Pending;

static void
on_burst_answer_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr (GError) error = NULL;
  AltaPortalResponse *response = alta_portal_client_send_finish (ALTA_PORTAL_CLIENT (object),
                                                                 result, &error);

  /* No answer: the server died (a reset connection, or one reset during its TLS
   * handshake); test_parallel checks that every request got one. */
  if (response == NULL)
    {
      g_assert_true (error != NULL && error->domain == ALTA_PORTAL_ERROR);
      g_test_message ("request %u got no answer: %s", pending->index, error->message);
    }
  g_ptr_array_index (pending->responses, pending->index) = response;
  (*pending->n_done)++;
  if (pending->on_answer != NULL)
    pending->on_answer (pending->data, *pending->n_done);
  g_free (pending);
}

static void
unref_response (gpointer response)
{
  if (response != NULL)
    g_object_unref (response);
}

/* Sends every body at once (client i % n_clients), and waits for every answer. Each goes
 * to POST /fhir/R4/<its resourceType>.
 */
static GPtrArray *
send_burst (AltaPortalClient **clients,
            guint              n_clients,
            GPtrArray         *bodies,
            GPtrArray         *conditions,
            void             (*on_answer) (gpointer data, guint n_done),
            gpointer           data)
{
  GPtrArray *responses = g_ptr_array_new_full (bodies->len, unref_response);
  guint n_done = 0;

  g_ptr_array_set_size (responses, bodies->len);
  for (guint i = 0; i < bodies->len; i++)
    {
      Pending *pending = g_new0 (Pending, 1);
      const char *body = g_ptr_array_index (bodies, i);
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      const char *headers[] = { "If-None-Exist", g_ptr_array_index (conditions, i), NULL };
      const char *path = strstr (body, "\"resourceType\":\"Communication\"") != NULL
                           ? "/fhir/R4/Communication"
                           : "/fhir/R4/Appointment";

      pending->client = clients[i % n_clients];
      pending->index = i;
      pending->responses = responses;
      pending->n_done = &n_done;
      pending->on_answer = on_answer;
      pending->data = data;
      alta_portal_client_send_with_headers_async (pending->client, "POST", path, bytes,
                                                  "application/fhir+json", headers,
                                                  ALTA_REQUEST_NONE, NULL, on_burst_answer_cb,
                                                  pending);
    }

  while (n_done < bodies->len)
    g_main_context_iteration (NULL, TRUE);
  return responses;
}

static void
add_booking (GPtrArray  *bodies,
             GPtrArray  *conditions,
             const char *patient_id,
             const char *slot_id)
{
  g_autofree char *request_id = g_uuid_string_random ();

  g_ptr_array_add (bodies, booking_body (patient_id, slot_id, request_id));
  g_ptr_array_add (conditions, g_strdup_printf ("identifier=" CLIENT_REQUEST "|%s", request_id));
}

/* "CareTeam/<id>" of a record */
static char *
dup_care_team (AltaPortalClient *client,
               const char       *patient_id)
{
  g_autofree char *path = g_strdup_printf ("CareTeam?patient=%s", patient_id);
  g_autoptr (JsonArray) teams = search (client, path);

  g_assert_cmpuint (json_array_get_length (teams), >=, 1);
  return g_strconcat ("CareTeam/",
                      json_object_get_string_member (json_array_get_object_element (teams, 0),
                                                     "id"),
                      NULL);
}

static void
add_message (GPtrArray  *bodies,
             GPtrArray  *conditions,
             const char *patient_id,
             const char *care_team,
             guint       number)
{
  g_autofree char *request_id = g_uuid_string_random ();

  g_ptr_array_add (bodies,
                   g_strdup_printf ("{\"resourceType\":\"Communication\",\"status\":\"completed\","
                                    "\"subject\":{\"reference\":\"Patient/%s\"},"
                                    "\"recipient\":[{\"reference\":\"%s\"}],"
                                    "\"payload\":[{\"contentString\":\"Burst message %u\"}],"
                                    "\"identifier\":[{\"system\":\"" CLIENT_REQUEST "\","
                                    "\"value\":\"%s\"}]}",
                                    patient_id, care_team, number, request_id));
  g_ptr_array_add (conditions, g_strdup_printf ("identifier=" CLIENT_REQUEST "|%s", request_id));
}

static void
test_parallel (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (GPtrArray) slots = list_free_slots (fixture->grace, "medical");
  const char *slot_id = g_ptr_array_index (slots, 3);
  g_autoptr (GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) conditions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) responses = NULL;
  g_autoptr (AltaPortalClient) grace2 = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalClient) sofia2 = alta_test_server_new_client (fixture->server);
  g_autoptr (JsonArray) booked = NULL;
  g_autofree char *status = NULL;
  g_autofree char *slot_search = g_strdup_printf ("Appointment?slot=Slot/%s&status=booked",
                                                  slot_id);
  AltaPortalClient *clients[5];
  const char *patients[5] = { "demo-adult", "demo-spanish", "demo-parent", "demo-adult",
                              "demo-spanish" };
  guint n_created = 0, n_conflicts = 0;

  alta_test_sign_in (grace2, "grace", "Orchard-Lantern-42");
  alta_test_sign_in (sofia2, "sofia", "Girasol-Montana-7");
  clients[0] = fixture->grace;
  clients[1] = fixture->sofia;
  clients[2] = fixture->daniel;
  clients[3] = grace2;
  clients[4] = sofia2;

  for (guint i = 0; i < 50; i++)
    add_booking (bodies, conditions, patients[i % 5], slot_id);
  responses = send_burst (clients, G_N_ELEMENTS (clients), bodies, conditions, NULL, NULL);

  for (guint i = 0; i < responses->len; i++)
    {
      AltaPortalResponse *response = g_ptr_array_index (responses, i);

      g_assert_nonnull (response);
      if (alta_portal_response_get_status (response) == 201)
        n_created++;
      else
        {
          alta_assert_error (response, 409, "conflict");
          n_conflicts++;
        }
    }
  g_assert_cmpuint (n_created, ==, 1);
  g_assert_cmpuint (n_conflicts, ==, 49);

  status = dup_slot_status (fixture->staff, slot_id);
  g_assert_cmpstr (status, ==, "busy");
  booked = search (fixture->staff, slot_search);
  g_assert_cmpuint (json_array_get_length (booked), ==, 1);
  g_assert_cmpuint (count_audit (fixture, "Appointment.create", "conflict"), ==, 49);
}

typedef struct
{
  AltaTestServer *server;
  guint           kill_after;
} Killer;

static void
kill_after_cb (gpointer data,
               guint    n_done)
{
  Killer *killer = data;

  if (n_done == killer->kill_after)
    alta_test_server_kill (killer->server);
}

static void
test_crash (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr (GPtrArray) slots = list_free_slots (fixture->grace, "medical");
  g_autoptr (GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) conditions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) responses = NULL;
  g_autoptr (GPtrArray) answered = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) pool = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonArray) all_slots = NULL;
  g_autoptr (JsonArray) appointments = NULL;
  AltaPortalClient *clients[] = { fixture->grace, fixture->sofia, fixture->daniel };
  const char *patients[] = { "demo-adult", "demo-spanish", "demo-parent" };
  g_autoptr (GPtrArray) answered_messages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *care_teams[3] = { NULL, };
  Killer killer = { fixture->server, 25 };
  guint n_answered = 0, n_created = 0;

  /* 60 bookings of 30 slots, two tries at each one after the other, and 30 messages among
   * them: the server is killed after 25 answers, with writes still to come and others on
   * the way */
  g_assert_cmpuint (slots->len, >=, 30);
  care_teams[0] = dup_care_team (fixture->grace, patients[0]);
  care_teams[1] = dup_care_team (fixture->sofia, patients[1]);
  care_teams[2] = dup_care_team (fixture->daniel, patients[2]);
  /* Body k goes through clients[k % 3], so it is written as patients[k % 3] */
  for (guint i = 0; i < 60; i++)
    {
      const char *slot_id = g_ptr_array_index (slots, i / 2);

      add_booking (bodies, conditions, patients[bodies->len % 3], slot_id);
      g_hash_table_add (pool, (gpointer)slot_id);
      if (i % 2 == 0)
        add_message (bodies, conditions, patients[bodies->len % 3],
                     care_teams[bodies->len % 3], i / 2);
    }
  responses = send_burst (clients, G_N_ELEMENTS (clients), bodies, conditions, kill_after_cb,
                          &killer);

  for (guint i = 0; i < responses->len; i++)
    {
      AltaPortalResponse *response = g_ptr_array_index (responses, i);

      if (response == NULL)
        continue;
      n_answered++;
      if (strstr (g_ptr_array_index (bodies, i), "\"Communication\"") != NULL)
        {
          alta_assert_status (response, 201);
          g_ptr_array_add (answered_messages,
                           g_strdup (json_object_get_string_member (alta_test_response_object (response),
                                                                    "id")));
        }
      else if (alta_portal_response_get_status (response) == 201)
        {
          n_created++;
          g_ptr_array_add (answered,
                           g_strdup (json_object_get_string_member (alta_test_response_object (response),
                                                                    "id")));
        }
      else
        alta_assert_error (response, 409, "conflict");
    }
  g_test_message ("%u answers before the kill, %u bookings, %u messages", n_answered, n_created,
                  answered_messages->len);
  g_assert_cmpuint (n_answered, >=, killer.kill_after);
  g_assert_cmpuint (n_answered, <, bodies->len);
  g_assert_cmpuint (n_created, >, 0);
  g_assert_cmpuint (n_created, <, 30);

  alta_test_server_start (fixture->server);
  sign_in_all (fixture);

  /* Every booking answered 201 is there, booked */
  for (guint i = 0; i < answered->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("Appointment/%s", (char *)g_ptr_array_index (answered, i));
      g_autoptr (JsonObject) appointment = read_resource (fixture->staff, path);

      g_assert_cmpstr (json_object_get_string_member (appointment, "status"), ==, "booked");
    }

  /* Every message answered 201 is there, to the letter */
  for (guint i = 0; i < answered_messages->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("Communication/%s",
                                               (char *)g_ptr_array_index (answered_messages, i));
      g_autoptr (JsonObject) message = read_resource (fixture->staff, path);
      JsonArray *payload = json_object_get_array_member (message, "payload");

      g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (payload, 0),
                                                                      "contentString"),
                                       "Burst message "));
    }

  /* No slot booked twice, no booking without its busy slot, no busy slot without its booking */
  appointments = search (fixture->staff, "Appointment?status=booked&_count=500");
  all_slots = search (fixture->staff, "Slot?status=busy&_count=500");
  {
    g_autoptr (GHashTable) bookings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
    guint n_busy_in_pool = 0;

    for (guint i = 0; i < json_array_get_length (appointments); i++)
      {
        JsonObject *appointment = json_array_get_object_element (appointments, i);
        const char *reference = json_object_get_string_member (
          json_array_get_object_element (json_object_get_array_member (appointment, "slot"), 0),
          "reference");
        g_autofree char *slot_path = g_strdup (reference);
        g_autofree char *status = dup_slot_status (fixture->staff, reference + strlen ("Slot/"));

        g_assert_false (g_hash_table_contains (bookings, slot_path));
        g_hash_table_add (bookings, g_steal_pointer (&slot_path));
        g_assert_cmpstr (status, ==, "busy");
      }

    for (guint i = 0; i < json_array_get_length (all_slots); i++)
      {
        const char *id = json_object_get_string_member (json_array_get_object_element (all_slots, i),
                                                        "id");
        g_autofree char *reference = g_strconcat ("Slot/", id, NULL);

        g_assert_true (g_hash_table_contains (bookings, reference));
        if (g_hash_table_contains (pool, id))
          n_busy_in_pool++;
      }
    g_assert_cmpuint (n_busy_in_pool, >=, n_created);
  }
}

static void
test_open_slots (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (JsonArray) practitioners = search (fixture->staff, "Practitioner");
  g_autoptr (JsonArray) locations = search (fixture->staff, "Location");
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("America/Los_Angeles");
  g_autoptr (JsonArray) slots = NULL;
  g_autofree char *output = NULL;
  g_autofree char *again = NULL;
  g_autofree char *slot_path = NULL;
  g_autofree char *request_id = g_uuid_string_random ();
  g_autoptr (AltaPortalResponse) booked = NULL;
  g_auto (GStrv) fields = NULL;
  const char *practitioner = json_object_get_string_member (json_array_get_object_element (practitioners, 0), "id");
  const char *location = NULL;
  guint n_weekdays = 0;

  /* The first clinician at a clinic where they have no schedule yet */
  for (guint i = 0; i < json_array_get_length (locations); i++)
    {
      JsonObject *object = json_array_get_object_element (locations, i);

      if (strstr (json_object_get_string_member (object, "name"), "Dental") != NULL)
        location = json_object_get_string_member (object, "id");
    }
  g_assert_nonnull (location);

  /* Options a person can get wrong: 2 */
  g_free (admin (fixture, 2, "open-slots", "--practitioner", practitioner, NULL));
  g_free (admin (fixture, 2, "open-slots", "--practitioner", practitioner, "--location", location,
                 "--hours", "12:00-09:00", NULL));
  g_free (admin (fixture, 2, "open-slots", "--practitioner", practitioner, "--location", location,
                 "--time-zone", "Mars/Olympus_Mons", NULL));
  g_free (admin (fixture, 1, "open-slots", "--practitioner", "nobody", "--location", location,
                 NULL));

  output = admin (fixture, 0, "open-slots", "--practitioner", practitioner, "--location",
                  location, "--days", "10", "--hours", "14:00-17:00", "--slot-minutes", "20",
                  "--weekdays-only", NULL);
  fields = g_strsplit (g_strstrip (output), "\t", 2);
  g_assert_cmpuint (g_strv_length (fields), ==, 2);
  g_assert_true (g_str_has_prefix (fields[0], "Schedule/"));

  slot_path = g_strdup_printf ("Slot?schedule=%s&_count=500", fields[0]);
  slots = search (fixture->grace, slot_path);
  g_assert_cmpuint (json_array_get_length (slots), ==, g_ascii_strtoull (fields[1], NULL, 10));
  for (guint i = 0; i < json_array_get_length (slots); i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);
      g_autoptr (GDateTime) start = g_date_time_new_from_iso8601 (json_object_get_string_member (slot, "start"), NULL);
      g_autoptr (GDateTime) end = g_date_time_new_from_iso8601 (json_object_get_string_member (slot, "end"), NULL);
      g_autoptr (GDateTime) local = g_date_time_to_timezone (start, zone);

      g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "free");
      g_assert_cmpint (g_date_time_get_day_of_week (local), <=, 5);
      g_assert_cmpint (g_date_time_get_hour (local), >=, 14);
      g_assert_cmpint (g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local), <=,
                       16 * 60 + 40);
      g_assert_cmpint (g_date_time_difference (end, start), ==, 20 * G_TIME_SPAN_MINUTE);
      g_assert_cmpint (g_date_time_to_unix (start), >, server_now (fixture));
      g_assert_cmpint (g_date_time_to_unix (start), <, server_now (fixture) + 10 * DAY);
    }

  /* Ten days hold at least six weekdays of nine slots (today's may have passed) */
  for (int day = 1; day < 10; day++)
    {
      g_autoptr (GDateTime) now = g_date_time_new_from_unix_utc (server_now (fixture) + day * DAY);
      g_autoptr (GDateTime) local = g_date_time_to_timezone (now, zone);

      n_weekdays += g_date_time_get_day_of_week (local) <= 5;
    }
  g_assert_cmpuint (json_array_get_length (slots), >=, n_weekdays * 9);

  /* Again: the slots are there already */
  again = admin (fixture, 0, "open-slots", "--practitioner", practitioner, "--location", location,
                 "--days", "10", "--hours", "14:00-17:00", "--slot-minutes", "20",
                 "--weekdays-only", NULL);
  g_assert_true (g_str_has_suffix (g_strstrip (again), "\t0"));

  /* A patient books one */
  booked = book (fixture->grace, "demo-adult",
                 json_object_get_string_member (json_array_get_object_element (slots, 0), "id"),
                 request_id);
  alta_assert_status (booked, 201);
  g_assert_true (has_participant (alta_test_response_object (booked), "Location/"));
}

/* Everything the writes answer, and the resources they made or changed, is valid FHIR R4:
 * tests/fhir-schema/validate.mjs (node, ajv, the official JSON Schema) checks each file. */
typedef struct
{
  char  *dir;
  guint  n_files;
} Collector;

static void
save_text (Collector  *collector,
           const char *text,
           gsize       length)
{
  g_autofree char *name = g_strdup_printf ("%06u.json", collector->n_files++);
  g_autofree char *path = g_build_filename (collector->dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
}

static void
save_response (Collector          *collector,
               AltaPortalResponse *response,
               guint               status)
{
  GBytes *body = alta_portal_response_get_body (response);

  alta_assert_status (response, status);
  save_text (collector, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
save_read (Collector        *collector,
           AltaPortalClient *client,
           const char       *path)
{
  g_autoptr (AltaPortalResponse) response = get (client, path);

  save_response (collector, response, 200);
}

static const char *
response_id (AltaPortalResponse *response)
{
  return json_object_get_string_member (alta_test_response_object (response), "id");
}

static void
validate_folder (const char *dir)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fhir-schema", "validate.mjs", NULL);
  g_autofree char *modules = g_test_build_filename (G_TEST_DIST, "fhir-schema", "node_modules",
                                                    "ajv", NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr (GSubprocess) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) folder = NULL;
  const char *name;

  if (!g_file_test (modules, G_FILE_TEST_IS_DIR))
    g_error ("%s is missing: run `npm ci` in tests/fhir-schema (tools/test does)", modules);

  node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           "node", script, dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (node, NULL, NULL, &output, &errors, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", output, errors);
  if (!g_subprocess_get_successful (node))
    g_error ("Not valid FHIR R4:\n%s%s", output, errors);

  folder = g_dir_open (dir, 0, NULL);
  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_schema (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr (GPtrArray) slots = list_free_slots (fixture->grace, "medical");
  g_autoptr (GPtrArray) dental_slots = list_free_slots (fixture->grace, "dental");
  g_autoptr (JsonArray) practitioners = search (fixture->staff, "Practitioner");
  g_autoptr (JsonArray) locations = search (fixture->staff, "Location");
  g_autofree char *first_request = g_uuid_string_random ();
  g_autofree char *proxy_request = g_uuid_string_random ();
  g_autofree char *other_request = g_uuid_string_random ();
  g_autofree char *output = NULL;
  g_auto (GStrv) fields = NULL;
  g_autoptr (AltaPortalResponse) booked = book (fixture->grace, "demo-adult",
                                                g_ptr_array_index (slots, 0), first_request);
  g_autoptr (AltaPortalResponse) retried = book (fixture->grace, "demo-adult",
                                                 g_ptr_array_index (slots, 0), first_request);
  g_autoptr (AltaPortalResponse) taken = book (fixture->sofia, "demo-spanish",
                                               g_ptr_array_index (slots, 0), other_request);
  g_autoptr (AltaPortalResponse) proxy = book (fixture->daniel, "demo-child",
                                               g_ptr_array_index (slots, 1), proxy_request);
  g_autoptr (AltaPortalResponse) dental = request_dental (fixture, fixture->daniel, "demo-parent",
                                                          "A filling came loose.");
  g_autoptr (AltaPortalResponse) declined = request_dental (fixture, fixture->daniel,
                                                            "demo-parent", "Whitening");
  g_autoptr (AltaPortalResponse) cancelled = NULL;
  g_autoptr (AltaPortalResponse) stale = NULL;
  g_autoptr (AltaPortalResponse) wrong_record = book (fixture->grace, "demo-spanish",
                                                      g_ptr_array_index (slots, 2), other_request);
  g_autoptr (AltaPortalResponse) bad_body = post_appointment (fixture->grace, "{\"resourceType\":\"Appointment\"}");
  g_autoptr (AltaPortalResponse) dental_as_medical = NULL;
  g_autoptr (AltaPortalResponse) not_writable =
    alta_test_request (fixture->grace, "POST", "/fhir/R4/Observation", "{}", ALTA_REQUEST_NONE);
  g_autoptr (AltaPortalResponse) missing = patch_status (fixture->grace, "no-such-id", "cancelled");
  g_autofree char *related = NULL;
  g_autofree char *path = NULL;
  Collector collector = { g_dir_make_tmp ("alta-appointments-schema-XXXXXX", NULL), 0 };

  {
    g_autofree char *body = booking_body ("demo-adult", g_ptr_array_index (dental_slots, 0),
                                          other_request);

    dental_as_medical = post_appointment (fixture->grace, body);
  }

  save_response (&collector, booked, 201);
  save_response (&collector, retried, 200);
  save_response (&collector, taken, 409);
  save_response (&collector, proxy, 201);
  save_response (&collector, dental, 201);
  save_response (&collector, declined, 201);
  save_response (&collector, wrong_record, 403);
  save_response (&collector, bad_body, 400);
  save_response (&collector, dental_as_medical, 422);
  save_response (&collector, not_writable, 405);
  save_response (&collector, missing, 404);

  path = g_strdup_printf ("Slot/%s", (char *)g_ptr_array_index (slots, 0));
  save_read (&collector, fixture->grace, path);

  {
    g_autofree char *appointment_path = g_strdup_printf ("/fhir/R4/Appointment/%s",
                                                         response_id (booked));

    stale = alta_test_request_with_headers (fixture->grace, "PATCH", appointment_path, "[]",
                                            JSON_PATCH, "If-Match", "W/\"9\"", NULL);
  }
  save_response (&collector, stale, 412);
  cancelled = patch_status (fixture->grace, response_id (booked), "cancelled");
  save_response (&collector, cancelled, 200);
  save_read (&collector, fixture->grace, path);

  /* The proxy's RelatedPerson */
  {
    JsonArray *participants = json_object_get_array_member (alta_test_response_object (proxy),
                                                            "participant");

    for (guint i = 0; i < json_array_get_length (participants); i++)
      {
        const char *reference = json_object_get_string_member (
          json_object_get_object_member (json_array_get_object_element (participants, i), "actor"),
          "reference");

        if (g_str_has_prefix (reference, "RelatedPerson/"))
          related = g_strdup (reference);
      }
    g_assert_nonnull (related);
    save_read (&collector, fixture->daniel, related);
  }

  /* The clinic's answers */
  g_free (admin (fixture, 0, "confirm-dental", "--appointment", response_id (dental), "--slot",
                 (const char *)g_ptr_array_index (dental_slots, 0), NULL));
  g_free (admin (fixture, 0, "decline-dental", "--appointment", response_id (declined),
                 "--reason", "We do not offer whitening.", NULL));
  {
    g_autofree char *confirmed_path = g_strdup_printf ("Appointment/%s", response_id (dental));
    g_autofree char *declined_path = g_strdup_printf ("Appointment/%s", response_id (declined));

    save_read (&collector, fixture->daniel, confirmed_path);
    save_read (&collector, fixture->daniel, declined_path);
  }

  /* A schedule and slots of open-slots */
  output = admin (fixture, 0, "open-slots", "--practitioner",
                  json_object_get_string_member (json_array_get_object_element (practitioners, 0), "id"),
                  "--location",
                  json_object_get_string_member (json_array_get_object_element (locations,
                                                                                json_array_get_length (locations) - 1),
                                                 "id"),
                  "--days", "3", NULL);
  fields = g_strsplit (g_strstrip (output), "\t", 2);
  save_read (&collector, fixture->grace, fields[0]);
  {
    g_autofree char *slot_search = g_strdup_printf ("/fhir/R4/Slot?schedule=%s", fields[0]);
    g_autoptr (AltaPortalResponse) response = get (fixture->grace, slot_search);

    save_response (&collector, response, 200);
  }

  /* What the server keeps of odd but readable input is still valid FHIR */
  {
    g_autofree char *start = format_instant (server_now (fixture) + 5 * DAY);
    g_autofree char *body = g_strdup_printf (
      "{\"resourceType\":\"Appointment\",\"status\":\"proposed\","
      "\"identifier\":[{\"system\":\"" CLIENT_REQUEST "\",\"value\":\"odd-1\",\"bogus\":1}],"
      "\"serviceCategory\":[{\"coding\":[{\"system\":\"" SERVICE_SYSTEM "\",\"code\":\"dental\"}]}],"
      "\"requestedPeriod\":[{\"start\":\"%s\",\"color\":\"blue\"}],"
      "\"comment\":\"Sensitive teeth\",\"description\":\"   \","
      "\"participant\":[{\"actor\":{\"reference\":\"Patient/demo-adult\"},\"status\":\"accepted\"}]}",
      start);
    g_autoptr (AltaPortalResponse) odd = post_appointment (fixture->grace, body);
    g_autoptr (AltaPortalResponse) withdrawn = NULL;
    g_autofree char *odd_path = NULL;
    JsonObject *reason;

    save_response (&collector, odd, 201);
    g_assert_false (json_object_has_member (alta_test_response_object (odd), "description"));
    odd_path = g_strdup_printf ("/fhir/R4/Appointment/%s", response_id (odd));
    withdrawn = alta_test_request_with_headers (fixture->grace, "PATCH", odd_path,
                                                "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"},"
                                                "{\"op\":\"add\",\"path\":\"/cancelationReason\","
                                                "\"value\":{\"text\":\"Feeling better\",\"coding\":[{\"bogus\":1}]}}]",
                                                JSON_PATCH, NULL);
    save_response (&collector, withdrawn, 200);
    reason = json_object_get_object_member (alta_test_response_object (withdrawn),
                                            "cancelationReason");
    g_assert_cmpstr (json_object_get_string_member (reason, "text"), ==, "Feeling better");
  }

  g_assert_cmpuint (collector.n_files, >=, 20);
  validate_folder (collector.dir);
  g_free (collector.dir);
}
/* The dental clinic, for a first dental request: a patient with no visit there reads it,
 * since a Schedule names it (clinics and clinicians one can ask for are the clinic's
 * directory), with its time zone */
static void
test_dental_clinic (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (JsonArray) schedules = search (fixture->grace, "/fhir/R4/Schedule?service-category=dental");
  g_autoptr (JsonArray) visits = search (fixture->grace, "/fhir/R4/Appointment?patient=demo-adult");
  g_autoptr (AltaClinic) clinic = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *location = NULL;
  JsonArray *actors;

  g_assert_cmpuint (json_array_get_length (schedules), >, 0);
  actors = json_object_get_array_member (json_array_get_object_element (schedules, 0), "actor");
  for (guint i = 0; i < json_array_get_length (actors); i++)
    {
      const char *reference = json_object_get_string_member (json_array_get_object_element (actors, i),
                                                             "reference");

      if (g_str_has_prefix (reference, "Location/"))
        location = g_strdup (reference);
    }
  g_assert_nonnull (location);
  /* Not named by Grace's record */
  for (guint i = 0; i < json_array_get_length (visits); i++)
    {
      JsonArray *participants = json_object_get_array_member (json_array_get_object_element (visits, i),
                                                              "participant");

      for (guint j = 0; j < json_array_get_length (participants); j++)
        {
          JsonObject *actor = json_object_get_object_member (json_array_get_object_element (participants, j),
                                                             "actor");

          g_assert_cmpstr (json_object_get_string_member (actor, "reference"), !=, location);
        }
    }

  {
    g_autofree char *path = g_strconcat ("/fhir/R4/", location, NULL);
    g_autoptr (AltaPortalResponse) read = get (fixture->grace, path);

    alta_assert_status (read, 200);
  }

  alta_portal_client_find_dental_clinic_async (fixture->grace, NULL, NULL,
                                               alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  clinic = alta_portal_client_find_dental_clinic_finish (fixture->grace, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alta_record_item_get_id (ALTA_RECORD_ITEM (clinic)), ==,
                   location + strlen ("Location/"));
  g_assert_nonnull (alta_clinic_get_time_zone (clinic));
  g_assert_cmpstr (g_time_zone_get_identifier (alta_clinic_get_time_zone (clinic)), ==,
                   "America/Los_Angeles");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/appointments/capabilities", Fixture, NULL, fixture_set_up, test_capabilities,
              fixture_tear_down);
  g_test_add ("/appointments/book-and-cancel", Fixture, NULL, fixture_set_up,
              test_book_and_cancel, fixture_tear_down);
  g_test_add ("/appointments/write-errors", Fixture, NULL, fixture_set_up, test_write_errors,
              fixture_tear_down);
  g_test_add ("/appointments/spanish-errors", Fixture, NULL, fixture_set_up,
              test_spanish_errors, fixture_tear_down);
  g_test_add ("/appointments/dental-clinic", Fixture, NULL, fixture_set_up, test_dental_clinic,
              fixture_tear_down);
  g_test_add ("/appointments/dental", Fixture, NULL, fixture_set_up, test_dental,
              fixture_tear_down);
  g_test_add ("/appointments/proxy", Fixture, NULL, fixture_set_up, test_proxy,
              fixture_tear_down);
  g_test_add ("/appointments/parallel", Fixture, NULL, fixture_set_up, test_parallel,
              fixture_tear_down);
  g_test_add ("/appointments/crash", Fixture, NULL, fixture_set_up, test_crash,
              fixture_tear_down);
  g_test_add ("/appointments/open-slots", Fixture, NULL, fixture_set_up, test_open_slots,
              fixture_tear_down);
  g_test_add ("/appointments/schema", Fixture, NULL, fixture_set_up, test_schema,
              fixture_tear_down);

  return g_test_run ();
}
