/* test-fhir-write-rules.c: the rules of refill requests and messages, without a server
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-messages.h"
#include "alta-fhir-refills.h"
#include "alta-portal-error.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static char *
to_text (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* @count copies of @piece */
static char *
repeat (const char *piece,
        guint       count)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    g_string_append (text, piece);
  return g_string_free (text, FALSE);
}

static void
test_text (void)
{
  g_autofree char *middle = repeat ("é", ALTA_FHIR_MESSAGE_MAX_CHARS - 8);
  g_autofree char *longest = NULL;
  g_autofree char *too_long = NULL;
  g_autofree char *ascii_longest = NULL;
  g_autoptr (GError) error = NULL;
  const char *blank[] = { "", " ", "\n\n", "\t \r\n", "\u00a0\u2003" };

  /* 10,000 characters of 1 to 4 bytes each, white space kept */
  longest = g_strconcat (" \n\t", middle, "😀\r\n", "a", "字", NULL);
  g_assert_cmpint (g_utf8_strlen (longest, -1), ==, ALTA_FHIR_MESSAGE_MAX_CHARS);
  g_assert_true (alta_fhir_message_check_text (longest, "payload", "en", &error));
  g_assert_no_error (error);

  ascii_longest = repeat ("x", ALTA_FHIR_MESSAGE_MAX_CHARS);
  g_assert_true (alta_fhir_message_check_text (ascii_longest, "payload", "en", &error));

  too_long = g_strconcat (longest, "é", NULL);
  g_assert_false (alta_fhir_message_check_text (too_long, "payload", "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "10000"));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (blank); i++)
    {
      g_assert_false (alta_fhir_message_check_text (blank[i], "payload", "en", &error));
      g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }

  g_assert_false (alta_fhir_message_check_text ("caf\xc3", "payload", "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
}

#define GOOD_TASK \
  "{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\"," \
  "\"code\":{\"coding\":[{\"system\":\"https://myaltamed.net/fhir/CodeSystem/task-type\"," \
  "\"code\":\"refill-request\"}]},\"focus\":{\"reference\":\"MedicationRequest/med-1\"}," \
  "\"for\":{\"reference\":\"Patient/demo-adult\"}"

static void
test_refill_shape (void)
{
  const struct
  {
    const char      *json;
    int              code;
  } bad[] = {
    { "{\"resourceType\":\"Task\"}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"status\":\"draft\"}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_TASK ",\"status\":7}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"intent\":\"plan\"}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_TASK ",\"intent\":null}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"code\":{\"text\":\"Refill\"}}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_TASK ",\"code\":\"refill-request\"}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"focus\":null}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"focus\":{\"reference\":\"Medication/med-1\"}}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_TASK ",\"focus\":{\"reference\":\"MedicationRequest/\"}}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_TASK ",\"for\":{\"display\":\"me\"}}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"for\":{\"reference\":\"Group/1\"}}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_TASK ",\"note\":{\"text\":\"hi\"}}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"note\":[{\"author\":\"me\"}]}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_TASK ",\"note\":[{\"text\":\"  \"}]}", ALTA_PORTAL_ERROR_INVALID_FIELD },
  };
  g_autoptr (JsonObject) good = parse (GOOD_TASK ",\"note\":[{\"text\":\"A week left\"}]}");
  g_autofree char *medication_id = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (alta_fhir_refill_check_new (good, "en", &medication_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (medication_id, ==, "med-1");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (JsonObject) task = parse (bad[i].json);

      g_test_message ("%s", bad[i].json);
      g_assert_false (alta_fhir_refill_check_new (task, "en", NULL, &error));
      g_assert_error (error, ALTA_PORTAL_ERROR, bad[i].code);
      g_assert_cmpstr (error->message, !=, "");
      g_clear_error (&error);
    }

  /* Spanish messages for Spanish requests */
  {
    g_autoptr (JsonObject) task = parse (bad[1].json);

    g_assert_false (alta_fhir_refill_check_new (task, "es", NULL, &error));
    g_assert_nonnull (strstr (error->message, "solicitud"));
  }
}

static void
test_refills_left (void)
{
  const struct
  {
    const char *json;
    guint       completed;
    gint64      left;
  } cases[] = {
    { "{\"status\":\"active\"}", 0, 0 },
    { "{\"dispenseRequest\":{}}", 0, 0 },
    { "{\"dispenseRequest\":{\"numberOfRepeatsAllowed\":3}}", 0, 3 },
    { "{\"dispenseRequest\":{\"numberOfRepeatsAllowed\":3}}", 2, 1 },
    { "{\"dispenseRequest\":{\"numberOfRepeatsAllowed\":3}}", 3, 0 },
    { "{\"dispenseRequest\":{\"numberOfRepeatsAllowed\":3}}", 5, 0 },
    { "{\"dispenseRequest\":{\"numberOfRepeatsAllowed\":-1}}", 0, 0 },
    { "{\"dispenseRequest\":{\"numberOfRepeatsAllowed\":\"3\"}}", 0, 0 },
  };
  const char *pending[] = { "requested", "received", "accepted", "ready", "in-progress", "on-hold" };
  const char *over[] = { "draft", "rejected", "cancelled", "failed", "completed", "entered-in-error" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonObject) medication = parse (cases[i].json);

      g_assert_cmpint (alta_fhir_refills_left (medication, cases[i].completed), ==, cases[i].left);
    }

  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    g_assert_true (alta_fhir_refill_is_pending_status (pending[i]));
  for (guint i = 0; i < G_N_ELEMENTS (over); i++)
    g_assert_false (alta_fhir_refill_is_pending_status (over[i]));
  g_assert_false (alta_fhir_refill_is_pending_status (NULL));
}

static void
test_refill_medication (void)
{
  g_autoptr (JsonObject) active = parse ("{\"status\":\"active\",\"requester\":{\"reference\":\"Practitioner/dr\"},"
                                         "\"dispenseRequest\":{\"numberOfRepeatsAllowed\":2}}");
  g_autoptr (JsonObject) stopped = parse ("{\"status\":\"stopped\","
                                          "\"dispenseRequest\":{\"numberOfRepeatsAllowed\":2}}");
  AltaFhirRefillCounts none = { 0, 0 };
  AltaFhirRefillCounts waiting = { 1, 0 };
  AltaFhirRefillCounts used_up = { 0, 2 };
  AltaFhirRefillCounts one_used = { 0, 1 };
  g_autoptr (GError) error = NULL;

  g_assert_true (alta_fhir_refill_check_medication (active, &none, "en", &error));
  g_assert_true (alta_fhir_refill_check_medication (active, &one_used, "en", &error));
  g_assert_no_error (error);

  g_assert_false (alta_fhir_refill_check_medication (active, &waiting, "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_false (alta_fhir_refill_check_medication (active, &used_up, "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "no refills left"));
  g_clear_error (&error);

  g_assert_false (alta_fhir_refill_check_medication (stopped, &none, "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "no longer active"));
}

static void
test_refill_prepare_and_close (void)
{
  g_autoptr (JsonObject) task = parse (GOOD_TASK ",\"note\":[{\"text\":\"A week left\",\"author\":7}],"
                                       "\"identifier\":[{\"system\":\"s\",\"value\":\"v\"}],"
                                       "\"authoredOn\":\"1999-01-01\",\"owner\":{\"reference\":\"Patient/x\"},"
                                       "\"unknown\":{\"x\":1},\"status\":\"requested\"}");
  g_autoptr (JsonObject) medication = parse ("{\"status\":\"active\",\"requester\":{\"reference\":\"Practitioner/dr\"}}");
  g_autoptr (GError) error = NULL;
  JsonArray *notes;

  alta_fhir_refill_prepare_new (task, medication, "RelatedPerson/rp-1", 1767268800);
  g_assert_false (json_object_has_member (task, "unknown"));
  g_assert_cmpstr (json_object_get_string_member (task, "authoredOn"), ==, "2026-01-01T12:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (task, "lastModified"), ==, "2026-01-01T12:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "requester"),
                                                  "reference"), ==, "RelatedPerson/rp-1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "owner"),
                                                  "reference"), ==, "Practitioner/dr");
  g_assert_true (json_object_has_member (task, "identifier"));
  g_assert_true (alta_fhir_task_is_refill_request (task));
  notes = json_object_get_array_member (task, "note");
  g_assert_cmpuint (json_array_get_length (notes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0), "text"),
                   ==, "A week left");
  g_assert_false (json_object_has_member (json_array_get_object_element (notes, 0), "author"));

  g_assert_true (alta_fhir_refill_set_outcome (task, "rejected", "Needs a visit first", 1767272400,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "statusReason"),
                                                  "text"), ==, "Needs a visit first");
  g_assert_cmpstr (json_object_get_string_member (task, "lastModified"), ==, "2026-01-01T13:00:00Z");

  /* A closed request stays closed */
  g_assert_false (alta_fhir_refill_set_outcome (task, "completed", NULL, 1767272400, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  json_object_set_string_member (task, "status", "in-progress");
  g_assert_true (alta_fhir_refill_set_outcome (task, "completed", NULL, 1767272400, &error));
  g_assert_false (json_object_has_member (task, "statusReason"));
  g_assert_true (json_object_has_member (task, "executionPeriod"));

  /* Not a refill request at all */
  json_object_remove_member (task, "code");
  json_object_set_string_member (task, "status", "requested");
  g_assert_false (alta_fhir_refill_set_outcome (task, "completed", NULL, 1767272400, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

#define GOOD_MESSAGE \
  "{\"resourceType\":\"Communication\",\"status\":\"completed\"," \
  "\"subject\":{\"reference\":\"Patient/demo-adult\"}," \
  "\"recipient\":[{\"reference\":\"CareTeam/team-1\"}]," \
  "\"payload\":[{\"contentString\":\"Hello\"}]"

static void
test_message_shape (void)
{
  const struct
  {
    const char      *json;
    int              code;
  } bad[] = {
    { "{\"resourceType\":\"Communication\"}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"status\":\"in-progress\"}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_MESSAGE ",\"subject\":null}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"subject\":{\"reference\":\"Group/1\"}}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_MESSAGE ",\"recipient\":[]}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"recipient\":{\"reference\":\"CareTeam/team-1\"}}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"recipient\":[{\"display\":\"Dr\"}]}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"payload\":[]}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"payload\":[{\"contentString\":\"a\"},{\"contentString\":\"b\"}]}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_MESSAGE ",\"payload\":[{\"contentAttachment\":{\"url\":\"x\"}}]}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_MESSAGE ",\"payload\":[{\"contentString\":5}]}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"payload\":[{\"contentString\":\"\"}]}", ALTA_PORTAL_ERROR_INVALID_FIELD },
    { GOOD_MESSAGE ",\"topic\":\"Hi\"}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"topic\":{\"text\":3}}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"topic\":{}}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"inResponseTo\":{\"reference\":\"Communication/m1\"}}", ALTA_PORTAL_ERROR_INVALID_REQUEST },
    { GOOD_MESSAGE ",\"inResponseTo\":[{\"reference\":\"Task/t1\"}]}", ALTA_PORTAL_ERROR_INVALID_FIELD },
  };
  g_autoptr (JsonObject) good = parse (GOOD_MESSAGE ",\"topic\":{\"text\":\"Metformin\"},"
                                       "\"inResponseTo\":[{\"reference\":\"Communication/m1\"},"
                                       "{\"reference\":\"Communication/m2\"}]}");
  g_autoptr (GPtrArray) replied = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (alta_fhir_message_check_new (good, "en", &replied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (replied->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (replied, 0), ==, "m1");
  g_assert_cmpstr (g_ptr_array_index (replied, 1), ==, "m2");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (JsonObject) message = parse (bad[i].json);

      g_test_message ("%s", bad[i].json);
      g_assert_false (alta_fhir_message_check_new (message, "en", NULL, &error));
      g_assert_error (error, ALTA_PORTAL_ERROR, bad[i].code);
      g_clear_error (&error);
    }
}

static void
test_message_recipients (void)
{
  g_autoptr (GPtrArray) teams = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autoptr (GHashTable) allowed = NULL;
  g_autoptr (GError) error = NULL;
  const char *good[] = { "CareTeam/team-1", "Practitioner/dr-a", "Practitioner/dr-b" };
  const char *bad[] = { "CareTeam/team-old", "Practitioner/dr-c", "Patient/demo-adult",
                        "Organization/clinic" };

  g_ptr_array_add (teams, parse ("{\"id\":\"team-1\",\"status\":\"active\",\"participant\":["
                                 "{\"member\":{\"reference\":\"Practitioner/dr-a\"}},"
                                 "{\"member\":{\"reference\":\"Practitioner/dr-b\"}},"
                                 "{\"member\":{\"reference\":\"Patient/demo-adult\"}}]}"));
  g_ptr_array_add (teams, parse ("{\"id\":\"team-old\",\"status\":\"inactive\",\"participant\":["
                                 "{\"member\":{\"reference\":\"Practitioner/dr-c\"}}]}"));
  allowed = alta_fhir_care_team_collect (teams);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"recipient\":[{\"reference\":\"CareTeam/team-1\"},"
                                               "{\"reference\":\"%s\"}]}", good[i]);
      g_autoptr (JsonObject) message = parse (json);

      g_assert_true (alta_fhir_message_check_recipients (message, allowed, "en", &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"recipient\":[{\"reference\":\"CareTeam/team-1\"},"
                                               "{\"reference\":\"%s\"}]}", bad[i]);
      g_autoptr (JsonObject) message = parse (json);

      g_assert_false (alta_fhir_message_check_recipients (message, allowed, "en", &error));
      g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
}

static void
test_message_prepare (void)
{
  static const char body[] = "  Line one\r\n\tline two  \n\n\u00e9\u0301 \U0001F600 ";
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Communication\",\"status\":\"completed\","
                                           "\"subject\":{\"reference\":\"Patient/demo-adult\",\"display\":\"G\"},"
                                           "\"recipient\":[{\"reference\":\"CareTeam/team-1\",\"display\":\"T\"}],"
                                           "\"payload\":[{\"contentString\":\"%s\",\"extra\":1}],"
                                           "\"topic\":{\"text\":\"Hi\",\"coding\":[{\"code\":\"x\",\"userSelected\":true}]},"
                                           "\"sent\":\"1999-01-01\",\"received\":\"1999-01-01\","
                                           "\"sender\":{\"reference\":\"Practitioner/dr-a\"},"
                                           "\"priority\":\"stat\",\"note\":[{\"text\":\"x\"}]}",
                                           "  Line one\\r\\n\\tline two  \\n\\n\\u00e9\\u0301 \\ud83d\\ude00 ");
  g_autoptr (JsonObject) message = parse (json);
  g_autofree char *text = NULL;
  JsonObject *payload;

  alta_fhir_message_prepare_new (message, "Patient/demo-adult", 1767268800);
  text = to_text (message);
  g_test_message ("%s", text);

  g_assert_cmpstr (json_object_get_string_member (message, "sent"), ==, "2026-01-01T12:00:00Z");
  g_assert_false (json_object_has_member (message, "received"));
  g_assert_false (json_object_has_member (message, "priority"));
  g_assert_false (json_object_has_member (message, "note"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "sender"),
                                                  "reference"), ==, "Patient/demo-adult");
  payload = json_array_get_object_element (json_object_get_array_member (message, "payload"), 0);
  g_assert_cmpstr (json_object_get_string_member (payload, "contentString"), ==, body);
  g_assert_false (json_object_has_member (payload, "extra"));
  g_assert_null (strstr (text, "userSelected"));
  g_assert_true (alta_fhir_message_is_from_record (message));
}

static void
test_message_update (void)
{
  static const char clinic[] =
    "{\"resourceType\":\"Communication\",\"id\":\"m2\",\"meta\":{\"versionId\":\"1\"},"
    "\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/demo-adult\"},"
    "\"sender\":{\"reference\":\"Practitioner/dr-a\"},"
    "\"recipient\":[{\"reference\":\"Patient/demo-adult\"}],"
    "\"payload\":[{\"contentString\":\"Take it with food.\"}],\"sent\":\"2026-01-01T10:00:00Z\"";
  static const char own[] =
    "{\"resourceType\":\"Communication\",\"id\":\"m1\",\"status\":\"completed\","
    "\"subject\":{\"reference\":\"Patient/demo-adult\"},"
    "\"sender\":{\"reference\":\"Patient/demo-adult\"},"
    "\"recipient\":[{\"reference\":\"CareTeam/team-1\"}],"
    "\"payload\":[{\"contentString\":\"Question\"}],\"sent\":\"2026-01-01T09:00:00Z\"}";
  const char *bad_updates[] = {
    ",\"received\":\"2026-01-02T08:00:00Z\",\"status\":\"entered-in-error\"}",
    ",\"received\":\"2026-01-02T08:00:00Z\",\"payload\":[{\"contentString\":\"Changed\"}]}",
    ",\"received\":\"2026-01-02T08:00:00Z\",\"note\":[{\"text\":\"added\"}]}",
    ",\"received\":\"yesterday\"}",
    ",\"received\":\"2026-01-02\"}",
    ",\"received\":5}",
    "}",
  };
  g_autofree char *stored_json = g_strconcat (clinic, "}", NULL);
  g_autofree char *read_json = g_strconcat (clinic, ",\"received\":\"2026-01-02T08:00:00-08:00\","
                                            "\"meta\":{\"versionId\":\"9\"}}", NULL);
  g_autoptr (JsonObject) stored = parse (stored_json);
  g_autoptr (JsonObject) read = parse (read_json);
  g_autoptr (JsonObject) own_stored = parse (own);
  g_autoptr (JsonObject) own_read = parse (own);
  g_autoptr (GError) error = NULL;

  g_assert_true (alta_fhir_message_check_update (stored, read, "demo-adult", "en", &error));
  g_assert_no_error (error);
  g_assert_false (alta_fhir_message_is_from_record (stored));

  for (guint i = 0; i < G_N_ELEMENTS (bad_updates); i++)
    {
      g_autofree char *json = g_strconcat (clinic, bad_updates[i], NULL);
      g_autoptr (JsonObject) updated = parse (json);

      g_test_message ("%s", bad_updates[i]);
      g_assert_false (alta_fhir_message_check_update (stored, updated, "demo-adult", "en", &error));
      g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }

  /* Their own messages, and messages to someone else, cannot change */
  json_object_set_string_member (own_read, "received", "2026-01-02T08:00:00Z");
  g_assert_false (alta_fhir_message_check_update (own_stored, own_read, "demo-adult", "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (alta_fhir_message_check_update (stored, read, "demo-child", "en", &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
}

static void
test_message_reply (void)
{
  g_autoptr (JsonObject) question = parse ("{\"resourceType\":\"Communication\",\"id\":\"m1\","
                                           "\"topic\":{\"text\":\"Metformin\"}}");
  g_autoptr (JsonObject) reply = alta_fhir_message_new_reply (question, "demo-adult", "dr-a",
                                                              "Yes.\n", 1767268800);
  JsonObject *payload = json_array_get_object_element (json_object_get_array_member (reply, "payload"), 0);

  g_assert_cmpstr (json_object_get_string_member (payload, "contentString"), ==, "Yes.\n");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "topic"), "text"),
                   ==, "Metformin");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "sender"),
                                                  "reference"), ==, "Practitioner/dr-a");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (reply, "inResponseTo"), 0), "reference"),
                   ==, "Communication/m1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (reply, "recipient"), 0), "reference"),
                   ==, "Patient/demo-adult");
  g_assert_false (json_object_has_member (reply, "received"));
  g_assert_false (alta_fhir_message_is_from_record (reply));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir-write-rules/text", test_text);
  g_test_add_func ("/fhir-write-rules/refill/shape", test_refill_shape);
  g_test_add_func ("/fhir-write-rules/refill/left", test_refills_left);
  g_test_add_func ("/fhir-write-rules/refill/medication", test_refill_medication);
  g_test_add_func ("/fhir-write-rules/refill/prepare-and-close", test_refill_prepare_and_close);
  g_test_add_func ("/fhir-write-rules/message/shape", test_message_shape);
  g_test_add_func ("/fhir-write-rules/message/recipients", test_message_recipients);
  g_test_add_func ("/fhir-write-rules/message/prepare", test_message_prepare);
  g_test_add_func ("/fhir-write-rules/message/update", test_message_update);
  g_test_add_func ("/fhir-write-rules/message/reply", test_message_reply);

  return g_test_run ();
}
