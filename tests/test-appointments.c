/* test-appointments.c: booking, cancelling and requesting appointments over real HTTPS
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

  process = g_subprocess_newv ((const char * const *)args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
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

static guint
count_audit (Fixture    *fixture,
             const char *action,
             const char *outcome)
{
  g_autofree char *output = admin (fixture, 0, "audit", NULL);
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);
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
  g_assert_cmpuint (count_audit (fixture, "Appointment.create", "success"), ==, 1);
  g_assert_cmpuint (count_audit (fixture, "Appointment.update", "success"), ==, 2);
  forbidden_before = count_audit (fixture, "Appointment.create", "forbidden");
  g_assert_cmpuint (forbidden_before, ==, 2);
  g_assert_cmpuint (count_audit (fixture, "Appointment.create", "conflict"), ==, 1);
  g_assert_cmpuint (count_audit (fixture, "Appointment.create", "invalid_field"), >=, 4);
  g_assert_cmpuint (count_audit (fixture, "Appointment.patch", "invalid_field"), >=, 5);
  g_assert_cmpuint (count_audit (fixture, "Appointment.patch", "precondition_failed"), ==, 1);
  g_assert_cmpuint (count_audit (fixture, "Appointment.patch", "not_found"), ==, 2);
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
int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/appointments/book-and-cancel", Fixture, NULL, fixture_set_up,
              test_book_and_cancel, fixture_tear_down);
  g_test_add ("/appointments/write-errors", Fixture, NULL, fixture_set_up, test_write_errors,
              fixture_tear_down);
  g_test_add ("/appointments/spanish-errors", Fixture, NULL, fixture_set_up,
              test_spanish_errors, fixture_tear_down);
  g_test_add ("/appointments/dental", Fixture, NULL, fixture_set_up, test_dental,
              fixture_tear_down);
  g_test_add ("/appointments/proxy", Fixture, NULL, fixture_set_up, test_proxy,
              fixture_tear_down);

  return g_test_run ();
}
