/* test-fhir-messages.c: messages with the care team (Communication), over real HTTPS
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
#define MAX_CHARS 10000

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

static const char *
reference_of (JsonObject *resource,
              const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (resource, member), "reference");
}

static const char *
first_reference (JsonObject *resource,
                 const char *member)
{
  return json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (resource,
                                                                                                     member), 0),
                                        "reference");
}

static const char *
text_of (JsonObject *message)
{
  return json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (message,
                                                                                                     "payload"), 0),
                                        "contentString");
}

/* "CareTeam/<id>" of a record, and the reference of its first clinician */
static char *
care_team_of (AltaPortalClient  *client,
              const char        *patient_id,
              char             **out_member)
{
  g_autofree char *path = g_strdup_printf ("CareTeam?patient=%s", patient_id);
  g_autoptr (JsonArray) teams = search (client, path);
  JsonObject *team;

  g_assert_cmpuint (json_array_get_length (teams), ==, 1);
  team = json_array_get_object_element (teams, 0);
  if (out_member != NULL)
    *out_member = g_strdup (reference_of (json_array_get_object_element (json_object_get_array_member (team,
                                                                                                       "participant"), 0),
                                          "member"));
  return g_strconcat ("CareTeam/", json_object_get_string_member (team, "id"), NULL);
}

/* The id of the newest message of a record sent by @sender_prefix ("Patient/", "Practitioner/") */
static char *
newest_message_from (AltaPortalClient *client,
                     const char       *patient_id,
                     const char       *sender_prefix,
                     gboolean          unread)
{
  g_autofree char *path = g_strdup_printf ("Communication?patient=%s&_sort=-sent", patient_id);
  g_autoptr (JsonArray) messages = search (client, path);

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (g_str_has_prefix (reference_of (message, "sender"), sender_prefix) &&
          (!unread || !json_object_has_member (message, "received")))
        return g_strdup (json_object_get_string_member (message, "id"));
    }

  g_assert_not_reached ();
}

static gint64
count_messages (AltaPortalClient *client,
                const char       *patient_id)
{
  g_autofree char *path = g_strdup_printf ("/fhir/R4/Communication?patient=%s&_count=0", patient_id);
  g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", path, NULL, ALTA_REQUEST_NONE);

  alta_assert_status (response, 200);
  return json_object_get_int_member (alta_test_response_object (response), "total");
}

static char *
json_string (const char *text)
{
  g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), text);

  return json_to_string (node, FALSE);
}

/* A message as the client sends it; @extra is more members, each starting with a comma */
static char *
message_body (const char *patient_id,
              const char *recipient,
              const char *text,
              const char *uuid,
              const char *extra)
{
  g_autofree char *encoded = json_string (text);

  return g_strdup_printf ("{\"resourceType\":\"Communication\",\"status\":\"completed\","
                          "\"subject\":{\"reference\":\"Patient/%s\"},"
                          "\"recipient\":[{\"reference\":\"%s\"}],"
                          "\"payload\":[{\"contentString\":%s}],"
                          "\"identifier\":[{\"system\":\"" CLIENT_REQUEST "\",\"value\":\"%s\"}]%s}",
                          patient_id, recipient, encoded, uuid, extra != NULL ? extra : "");
}

static AltaPortalResponse *
post_body (AltaPortalClient *client,
           const char       *body,
           const char       *uuid)
{
  g_autofree char *condition = g_strdup_printf ("identifier=" CLIENT_REQUEST "|%s", uuid);

  return alta_test_request_with_headers (client, "POST", "/fhir/R4/Communication", body,
                                         "application/fhir+json", "If-None-Exist", condition, NULL);
}

static AltaPortalResponse *
send_message (AltaPortalClient *client,
              const char       *patient_id,
              const char       *recipient,
              const char       *text,
              const char       *extra)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = message_body (patient_id, recipient, text, uuid, extra);

  return post_body (client, body, uuid);
}

static JsonObject *
expect_created (Fixture            *fixture,
                AltaPortalResponse *response)
{
  JsonObject *message;
  g_autofree char *location_end = NULL;

  alta_assert_status (response, 201);
  message = alta_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (message, "resourceType"), ==, "Communication");
  location_end = g_strdup_printf ("/fhir/R4/Communication/%s/_history/1",
                                  json_object_get_string_member (message, "id"));
  g_assert_true (g_str_has_suffix (alta_portal_response_get_header (response, "Location"), location_end));
  g_assert_true (json_object_has_member (message, "sent"));
  g_assert_false (json_object_has_member (message, "received"));
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (response)));
  return message;
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

static JsonObject *
read_message (AltaPortalClient    *client,
              const char          *id,
              AltaPortalResponse **out_response)
{
  g_autofree char *path = g_strconcat ("Communication/", id, NULL);

  *out_response = get (client, path);
  alta_assert_status (*out_response, 200);
  return alta_test_response_object (*out_response);
}

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
          g_assert_null (strstr (mail, "kidney"));
        }
    }

  g_assert_cmpuint (found, ==, 1);
  alta_test_server_clear_outbox (server);
}

/* admin reply-message; prints the new message's id */
static char *
reply_as_clinician (Fixture    *fixture,
                    int         expected_status,
                    const char *message_id,
                    const char *practitioner_ref,
                    const char *text,
                    const char *standard_input)
{
  const char *practitioner_id = strchr (practitioner_ref, '/') != NULL ? strchr (practitioner_ref, '/') + 1
                                                                       : practitioner_ref;
  int status = -1;
  char *output;

  if (text != NULL)
    output = alta_test_server_admin (fixture->server, NULL, &status, "reply-message",
                                     "--to-message", message_id, "--practitioner", practitioner_id,
                                     "--text", text, NULL);
  else
    output = alta_test_server_admin (fixture->server, standard_input, &status, "reply-message",
                                     "--to-message", message_id, "--practitioner", practitioner_id,
                                     NULL);
  g_assert_cmpint (status, ==, expected_status);
  g_strstrip (output);
  return output;
}

static char *
repeat (const char *piece,
        guint       count)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    g_string_append (text, piece);
  return g_string_free (text, FALSE);
}

/* Writing to the care team, the server's checks, and a clinician's answer */
static void
test_send_and_reply (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *member = NULL;
  g_autofree char *team = care_team_of (fixture->grace, "demo-adult", &member);
  g_autofree char *sofia_team = care_team_of (fixture->staff, "demo-spanish", NULL);
  g_autofree char *child_member = NULL;
  g_autofree char *child_team = care_team_of (fixture->staff, "demo-child", &child_member);
  g_autofree char *sofia_message = newest_message_from (fixture->staff, "demo-spanish", "Patient/", FALSE);
  g_autofree char *clinic_answer = newest_message_from (fixture->grace, "demo-adult", "Practitioner/", FALSE);
  g_autofree char *sofia_reply = g_strdup_printf (",\"inResponseTo\":[{\"reference\":\"Communication/%s\"}]",
                                                  sofia_message);
  g_autofree char *in_thread = g_strdup_printf (",\"inResponseTo\":[{\"reference\":\"Communication/%s\"}]",
                                                clinic_answer);
  g_autofree char *reply_id = NULL;
  g_autofree char *stdin_reply_id = NULL;
  g_autofree char *too_long = repeat ("a", MAX_CHARS + 1);
  g_autofree char *output = NULL;
  g_autoptr (AltaPortalResponse) to_team = NULL;
  g_autoptr (AltaPortalResponse) to_member = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  g_autoptr (AltaPortalResponse) read_stdin = NULL;
  JsonObject *message;
  JsonObject *question;
  gint64 before = count_messages (fixture->grace, "demo-adult");
  int status;

  /* To the team, on a topic; the server says when and who */
  to_team = send_message (fixture->grace, "demo-adult", team, "Can I take metformin with my new vitamins?",
                          ",\"topic\":{\"text\":\"Vitamins\"},\"sent\":\"2001-01-01T00:00:00Z\","
                          "\"sender\":{\"reference\":\"Practitioner/x\"},\"received\":\"2001-01-01T00:00:00Z\"");
  question = expect_created (fixture, to_team);
  g_assert_cmpstr (reference_of (question, "sender"), ==, "Patient/demo-adult");
  g_assert_cmpstr (reference_of (question, "subject"), ==, "Patient/demo-adult");
  g_assert_cmpstr (first_reference (question, "recipient"), ==, team);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (question, "topic"), "text"),
                   ==, "Vitamins");
  g_assert_cmpstr (json_object_get_string_member (question, "sent"), !=, "2001-01-01T00:00:00Z");

  /* To one of its members, in the thread of the clinic's answer */
  to_member = send_message (fixture->grace, "demo-adult", member, "Thank you!", in_thread);
  message = expect_created (fixture, to_member);
  g_assert_true (g_str_has_suffix (first_reference (message, "inResponseTo"), clinic_answer));
  g_assert_cmpint (count_messages (fixture->grace, "demo-adult"), ==, before + 2);

  /* What the server refuses */
  {
    const struct
    {
      const char *recipient;
      const char *text;
      const char *extra;
      guint       status;
      const char *code;
    } bad[] = {
      { "Practitioner/no-such-clinician", "Hello", NULL, 422, "invalid_field" },
      { NULL, "Hello", NULL, 422, "invalid_field" },                     /* Sofía's team */
      { NULL, "Hello", NULL, 422, "invalid_field" },                     /* Mateo's pediatrician */
      { "Patient/demo-adult", "Hello", NULL, 422, "invalid_field" },
      { "", "Hello", NULL, 422, "invalid_field" },                        /* Sofía's message */
      { "", "Hello", ",\"inResponseTo\":[{\"reference\":\"Communication/nothing\"}]", 422, "invalid_field" },
      { "", "", NULL, 422, "invalid_field" },
      { "", " \n\t ", NULL, 422, "invalid_field" },
      { "", too_long, NULL, 422, "invalid_field" },
      { "", "Hello", ",\"status\":\"preparation\"", 422, "invalid_field" },
      { "", "Hello", ",\"payload\":[{\"contentString\":\"a\"},{\"contentString\":\"b\"}]", 422, "invalid_field" },
      { "", "Hello", ",\"payload\":null", 400, "invalid_request" },
      { "", "Hello", ",\"recipient\":[]", 400, "invalid_request" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        const char *recipient = bad[i].recipient != NULL && bad[i].recipient[0] != '\0' ? bad[i].recipient : team;
        const char *extra = bad[i].extra;
        g_autoptr (AltaPortalResponse) refused = NULL;

        if (i == 1)
          recipient = sofia_team;
        else if (i == 2)
          recipient = child_member;
        else if (i == 4)
          extra = sofia_reply;
        g_test_message ("refused %u", i);
        refused = send_message (fixture->grace, "demo-adult", recipient, bad[i].text, extra);
        expect_error (refused, bad[i].status, bad[i].code);
      }
    g_assert_false (g_str_equal (child_team, team));
  }

  /* Into a record she cannot read */
  {
    g_autoptr (AltaPortalResponse) elsewhere = send_message (fixture->grace, "demo-spanish", sofia_team, "Hola", NULL);

    expect_error (elsewhere, 403, "forbidden");
  }
  g_assert_cmpint (count_messages (fixture->grace, "demo-adult"), ==, before + 2);

  /* A clinician answers; the patient sees it unread, and a mail says only that */
  alta_test_server_clear_outbox (fixture->server);
  reply_id = reply_as_clinician (fixture, 0, json_object_get_string_member (question, "id"), member,
                                 "Yes: take them at lunch, away from the metformin.", NULL);
  expect_one_mail (fixture->server, "grace.miller@example.org", "You have a new message in MyAltaMed");
  message = read_message (fixture->grace, reply_id, &read);
  g_assert_cmpstr (reference_of (message, "sender"), ==, member);
  g_assert_cmpstr (first_reference (message, "recipient"), ==, "Patient/demo-adult");
  g_assert_true (g_str_has_suffix (first_reference (message, "inResponseTo"),
                                   json_object_get_string_member (question, "id")));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "topic"), "text"),
                   ==, "Vitamins");
  g_assert_false (json_object_has_member (message, "received"));
  g_assert_cmpstr (text_of (message), ==, "Yes: take them at lunch, away from the metformin.");
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (read)));

  /* From standard input, to the byte */
  stdin_reply_id = reply_as_clinician (fixture, 0, reply_id, member, NULL, "  Line one\n\n\tLine two \r\n");
  expect_one_mail (fixture->server, "grace.miller@example.org", "You have a new message in MyAltaMed");
  message = read_message (fixture->grace, stdin_reply_id, &read_stdin);
  g_assert_cmpstr (text_of (message), ==, "  Line one\n\n\tLine two \r\n");

  /* What the back office cannot do */
  g_free (reply_as_clinician (fixture, 1, reply_id, child_member, "Hello", NULL));
  g_free (reply_as_clinician (fixture, 1, "no-such-message", member, "Hello", NULL));
  g_free (reply_as_clinician (fixture, 2, reply_id, member, "  ", NULL));
  g_free (reply_as_clinician (fixture, 2, reply_id, member, NULL, too_long));
  g_free (alta_test_server_admin (fixture->server, NULL, &status, "reply-message", "--to-message", reply_id, NULL));
  g_assert_cmpint (status, ==, 2);
  {
    g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (fixture->server);

    g_assert_cmpuint (mails->len, ==, 0);
  }

  output = alta_test_server_admin (fixture->server, NULL, &status, "audit", NULL);
  g_assert_nonnull (strstr (output, "Communication.create"));
}

static AltaPortalResponse *
patch (AltaPortalClient *client,
       const char       *id,
       const char       *operations)
{
  g_autofree char *path = g_strconcat ("/fhir/R4/Communication/", id, NULL);

  return alta_test_request_with_headers (client, "PATCH", path, operations, "application/json-patch+json",
                                         NULL);
}

static AltaPortalResponse *
put (AltaPortalClient *client,
     const char       *id,
     JsonObject       *resource)
{
  g_autofree char *path = g_strconcat ("/fhir/R4/Communication/", id, NULL);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), resource);
  g_autofree char *body = json_to_string (node, FALSE);

  return alta_test_request_with_headers (client, "PUT", path, body, "application/fhir+json", NULL);
}

/* Messages from the clinic are unread until the client sets `received` */
static void
test_received (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *unread = newest_message_from (fixture->grace, "demo-adult", "Practitioner/", TRUE);
  g_autofree char *own = newest_message_from (fixture->grace, "demo-adult", "Patient/", FALSE);
  g_autoptr (AltaPortalResponse) marked = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  g_autoptr (AltaPortalResponse) put_read = NULL;
  g_autoptr (AltaPortalResponse) reread = NULL;
  JsonObject *message;

  marked = patch (fixture->grace, unread,
                  "[{\"op\":\"add\",\"path\":\"/received\",\"value\":\"2026-03-01T09:30:00-08:00\"}]");
  alta_assert_status (marked, 200);
  g_assert_cmpstr (alta_portal_response_get_header (marked, "ETag"), ==, "W/\"2\"");
  message = read_message (fixture->grace, unread, &read);
  g_assert_cmpstr (json_object_get_string_member (message, "received"), ==, "2026-03-01T09:30:00-08:00");
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (read)));

  /* Only `received`, only on the clinic's messages to her */
  {
    const char *bad[] = {
      "[{\"op\":\"replace\",\"path\":\"/payload/0/contentString\",\"value\":\"Changed\"}]",
      "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"entered-in-error\"}]",
      "[{\"op\":\"replace\",\"path\":\"/received\",\"value\":\"tomorrow\"}]",
      "[{\"op\":\"add\",\"path\":\"/note\",\"value\":[{\"text\":\"mine\"}]}]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (AltaPortalResponse) refused = patch (fixture->grace, unread, bad[i]);

        g_test_message ("%s", bad[i]);
        expect_error (refused, 422, "invalid_field");
      }
  }
  {
    g_autoptr (AltaPortalResponse) own_refused =
      patch (fixture->grace, own, "[{\"op\":\"add\",\"path\":\"/received\",\"value\":\"2026-03-01T09:30:00Z\"}]");
    g_autoptr (AltaPortalResponse) elsewhere =
      patch (fixture->daniel, unread, "[{\"op\":\"add\",\"path\":\"/received\",\"value\":\"2026-03-01T09:30:00Z\"}]");

    expect_error (own_refused, 422, "invalid_field");
    expect_error (elsewhere, 404, "not_found");
  }

  /* PUT of the whole resource: the same rule */
  json_object_set_string_member (message, "received", "2026-03-02T10:00:00Z");
  put_read = put (fixture->grace, unread, message);
  alta_assert_status (put_read, 200);
  g_assert_cmpstr (alta_test_response_string (put_read, "received"), ==, "2026-03-02T10:00:00Z");
  json_object_set_string_member (message, "status", "stopped");
  {
    g_autoptr (AltaPortalResponse) refused = put (fixture->grace, unread, message);

    expect_error (refused, 422, "invalid_field");
  }
  message = read_message (fixture->grace, unread, &reread);
  g_assert_cmpstr (json_object_get_string_member (message, "status"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (message, "received"), ==, "2026-03-02T10:00:00Z");
}

/* 10,000 characters of every width and odd white space come back byte for byte */
static void
test_exact_text (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const char * const pieces[] = {
    "a", " ", "\t", "\r\n", "\n", "é", "e\xcc\x81", "\xc2\xa0", "\xe2\x80\xa8", "\xe2\x80\x8b", "字",
    "😀", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", "\"", "\\", "<", "\x7f", "\x01",
  };
  g_autofree char *team = care_team_of (fixture->grace, "demo-adult", NULL);
  GString *text = g_string_new ("  ");
  g_autofree char *longer = NULL;
  g_autoptr (AltaPortalResponse) created = NULL;
  g_autoptr (AltaPortalResponse) read = NULL;
  g_autoptr (AltaPortalResponse) refused = NULL;
  JsonObject *message;

  for (glong n_chars = 2, i = 0; n_chars < MAX_CHARS - 2; i++)
    {
      g_string_append (text, pieces[i % G_N_ELEMENTS (pieces)]);
      n_chars += g_utf8_strlen (pieces[i % G_N_ELEMENTS (pieces)], -1);
    }
  g_string_truncate (text, g_utf8_offset_to_pointer (text->str, MAX_CHARS - 2) - text->str);
  g_string_append (text, " \n");
  g_assert_cmpint (g_utf8_strlen (text->str, -1), ==, MAX_CHARS);
  g_assert_cmpuint (text->len, >, MAX_CHARS + 2000);

  created = send_message (fixture->grace, "demo-adult", team, text->str, NULL);
  message = expect_created (fixture, created);
  g_assert_cmpuint (strlen (text_of (message)), ==, text->len);
  g_assert_cmpint (memcmp (text_of (message), text->str, text->len), ==, 0);

  message = read_message (fixture->grace, json_object_get_string_member (message, "id"), &read);
  g_assert_cmpuint (strlen (text_of (message)), ==, text->len);
  g_assert_cmpint (memcmp (text_of (message), text->str, text->len), ==, 0);

  /* One more character is refused, never cut */
  longer = g_strconcat (text->str, "é", NULL);
  refused = send_message (fixture->grace, "demo-adult", team, longer, NULL);
  expect_error (refused, 422, "invalid_field");

  g_string_free (text, TRUE);
}

typedef struct
{
  guint   pending;
  GArray *statuses;
  GPtrArray *ids;
} Retries;

static void
on_retry_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Retries *retries = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  guint status;

  response = alta_portal_client_send_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  g_assert_no_error (error);
  status = alta_portal_response_get_status (response);
  g_array_append_val (retries->statuses, status);
  if (status == 200 || status == 201)
    g_ptr_array_add (retries->ids, g_strdup (alta_test_response_string (response, "id")));
  retries->pending--;
}

/* Twenty retries of one message at once: one Communication, one 201 and nineteen 200 */
static void
test_concurrent_retries (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *team = care_team_of (fixture->grace, "demo-adult", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = message_body ("demo-adult", team, "Is the clinic open on Saturday?", uuid, NULL);
  g_autofree char *condition = g_strdup_printf ("identifier=" CLIENT_REQUEST "|%s", uuid);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  const char *headers[] = { "If-None-Exist", condition, NULL };
  Retries retries = { 0, g_array_new (FALSE, FALSE, sizeof (guint)), g_ptr_array_new_with_free_func (g_free) };
  gint64 before = count_messages (fixture->grace, "demo-adult");
  guint created = 0, found = 0;

  /* Twenty connections, as twenty retries of a client on a bad network would open */
  for (guint i = 0; i < 20; i++)
    {
      AltaPortalClient *client = alta_test_server_new_client (fixture->server);

      alta_portal_client_set_access_token (client, alta_portal_client_get_access_token (fixture->grace));
      g_ptr_array_add (clients, client);
    }
  for (guint i = 0; i < clients->len; i++)
    {
      retries.pending++;
      alta_portal_client_send_with_headers_async (g_ptr_array_index (clients, i), "POST",
                                                  "/fhir/R4/Communication", bytes,
                                                  "application/fhir+json", headers, ALTA_REQUEST_NONE,
                                                  NULL, on_retry_done_cb, &retries);
    }
  while (retries.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < retries.statuses->len; i++)
    {
      guint status = g_array_index (retries.statuses, guint, i);

      if (status == 201)
        created++;
      else if (status == 200)
        found++;
      else
        g_error ("a retry got HTTP %u", status);
    }
  g_assert_cmpuint (created, ==, 1);
  g_assert_cmpuint (found, ==, 19);
  for (guint i = 1; i < retries.ids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (retries.ids, i), ==, g_ptr_array_index (retries.ids, 0));
  g_assert_cmpint (count_messages (fixture->grace, "demo-adult"), ==, before + 1);

  g_array_unref (retries.statuses);
  g_ptr_array_unref (retries.ids);
}

/* Read your writes: a message whose sending was answered is in the next search, counted
 * and listed, whichever connection (and so whichever read connection of the server's pool,
 * [server] read_threads) asks. The total of a search is kept while the record is unchanged:
 * a read connection must never answer the total counted before the write.
 */
static void
test_read_your_writes (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *team = care_team_of (fixture->grace, "demo-adult", NULL);
  g_autoptr (GPtrArray) readers = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 expected = count_messages (fixture->grace, "demo-adult");

  /* Other connections, each a new one to the server, with grace's session */
  for (guint i = 0; i < 4; i++)
    {
      AltaPortalClient *client = alta_test_server_new_client (fixture->server);

      alta_portal_client_set_access_token (client, alta_portal_client_get_access_token (fixture->grace));
      g_ptr_array_add (readers, client);
    }

  for (guint round = 0; round < 24; round++)
    {
      AltaPortalClient *reader = g_ptr_array_index (readers, round % readers->len);
      g_autofree char *text = g_strdup_printf ("Question number %u about my lab results", round);
      g_autoptr (AltaPortalResponse) sent = NULL;
      g_autofree char *id = NULL;
      g_autofree char *newest = NULL;

      /* The total is counted, and kept, before the write: on the same connection and on
       * another one */
      g_assert_cmpint (count_messages (fixture->grace, "demo-adult"), ==, expected);
      g_assert_cmpint (count_messages (reader, "demo-adult"), ==, expected);

      sent = send_message (fixture->grace, "demo-adult", team, text, NULL);
      id = g_strdup (json_object_get_string_member (expect_created (fixture, sent), "id"));
      expected++;

      /* Asked at once after the answer, from the other connection first */
      g_assert_cmpint (count_messages (reader, "demo-adult"), ==, expected);
      newest = newest_message_from (reader, "demo-adult", "Patient/", FALSE);
      g_assert_cmpstr (newest, ==, id);
      g_assert_cmpint (count_messages (fixture->grace, "demo-adult"), ==, expected);
    }
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

/* Own record, proxy record, another patient's record, a child who turned 12 today */
static void
test_access_matrix (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *child_member = NULL;
  g_autofree char *child_team = care_team_of (fixture->daniel, "demo-child", &child_member);
  g_autofree char *own_team = care_team_of (fixture->daniel, "demo-parent", NULL);
  g_autofree char *sofia_team = care_team_of (fixture->staff, "demo-spanish", NULL);
  g_autofree char *clinic_reply = NULL;
  g_autofree char *second_reply = NULL;
  g_autoptr (AltaPortalResponse) for_child = NULL;
  g_autoptr (AltaPortalResponse) own = NULL;
  g_autoptr (AltaPortalResponse) related = NULL;
  g_autoptr (AltaPortalResponse) marked = NULL;
  JsonObject *message;
  const char *read_now = "[{\"op\":\"add\",\"path\":\"/received\",\"value\":\"2026-03-01T09:30:00Z\"}]";

  /* The parent writes for his son, as the son's RelatedPerson */
  for_child = send_message (fixture->daniel, "demo-child", child_team, "Mateo has had a cough for a week.", NULL);
  message = expect_created (fixture, for_child);
  g_assert_cmpstr (reference_of (message, "subject"), ==, "Patient/demo-child");
  g_assert_true (g_str_has_prefix (reference_of (message, "sender"), "RelatedPerson/"));
  related = get (fixture->daniel, reference_of (message, "sender"));
  alta_assert_status (related, 200);
  g_assert_cmpstr (reference_of (alta_test_response_object (related), "patient"), ==, "Patient/demo-child");

  own = send_message (fixture->daniel, "demo-parent", own_team, "And my allergies are back.", NULL);
  g_assert_cmpstr (reference_of (expect_created (fixture, own), "sender"), ==, "Patient/demo-parent");

  /* The pediatrician answers; the parent is told, and marks it read */
  alta_test_server_clear_outbox (fixture->server);
  clinic_reply = reply_as_clinician (fixture, 0, json_object_get_string_member (message, "id"), child_member,
                                     "Please bring him in this week.", NULL);
  second_reply = reply_as_clinician (fixture, 0, clinic_reply, child_member, "Any fever?", NULL);
  {
    g_autoptr (GPtrArray) mails = alta_test_server_read_outbox (fixture->server);

    g_assert_cmpuint (mails->len, ==, 2);
    for (guint i = 0; i < mails->len; i++)
      g_assert_nonnull (strstr (g_ptr_array_index (mails, i), "To: daniel.reyes@example.org"));
    alta_test_server_clear_outbox (fixture->server);
  }
  marked = patch (fixture->daniel, clinic_reply, read_now);
  alta_assert_status (marked, 200);

  /* Records they cannot read */
  {
    g_autoptr (AltaPortalResponse) grace_child = send_message (fixture->grace, "demo-child", child_team, "Hi", NULL);
    g_autoptr (AltaPortalResponse) daniel_sofia = send_message (fixture->daniel, "demo-spanish", sofia_team, "Hola", NULL);
    g_autoptr (AltaPortalResponse) grace_patch = patch (fixture->grace, second_reply, read_now);
    g_autoptr (AltaPortalResponse) staff_send = send_message (fixture->staff, "demo-child", child_team, "Hi", NULL);

    expect_error (grace_child, 403, "forbidden");
    expect_error (daniel_sofia, 403, "forbidden");
    expect_error (grace_patch, 404, "not_found");
    expect_error (staff_send, 403, "forbidden");
  }

  /* On his twelfth birthday the parent can neither read nor write Mateo's record */
  alta_test_server_move_clock (fixture->server, days_to_twelfth_birthday (fixture) * DAY);
  alta_test_sign_in (fixture->daniel, "daniel", "Harbor-Kite-1988");
  {
    g_autoptr (AltaPortalResponse) refused = send_message (fixture->daniel, "demo-child", child_team, "Hi", NULL);
    g_autoptr (AltaPortalResponse) patch_refused = patch (fixture->daniel, second_reply, read_now);
    g_autoptr (AltaPortalResponse) read_refused = get (fixture->daniel, "Communication?patient=demo-child");
    g_autoptr (AltaPortalResponse) still_own = send_message (fixture->daniel, "demo-parent", own_team, "Hello", NULL);

    expect_error (refused, 403, "forbidden");
    expect_error (patch_refused, 404, "not_found");
    alta_assert_status (read_refused, 403);
    alta_assert_status (still_own, 201);
  }
  alta_test_sign_in (fixture->staff, "frontdesk", "Clinic-Desk-Station-1");
  {
    g_autoptr (AltaPortalResponse) unread = NULL;
    g_autofree char *path = g_strconcat ("Communication/", second_reply, NULL);

    unread = get (fixture->staff, path);
    alta_assert_status (unread, 200);
    g_assert_false (json_object_has_member (alta_test_response_object (unread), "received"));
  }
}

static void
validate_all (GPtrArray *resources)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fhir-schema", "validate.mjs", NULL);
  g_autofree char *dir = g_dir_make_tmp ("alta-messages-schema-XXXXXX", NULL);
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

/* Every message the writes and the back office made, and a RelatedPerson, is valid FHIR R4 */
static void
test_schema (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *member = NULL;
  g_autofree char *team = care_team_of (fixture->grace, "demo-adult", &member);
  g_autofree char *child_team = care_team_of (fixture->daniel, "demo-child", NULL);
  g_autofree char *reply_id = NULL;
  g_autoptr (AltaPortalResponse) first = send_message (fixture->grace, "demo-adult", team, "Line 1\nLine 2",
                                                       ",\"topic\":{\"text\":\"Question\",\"coding\":[{\"code\":\"q\"}]}");
  g_autoptr (AltaPortalResponse) proxy = send_message (fixture->daniel, "demo-child", child_team, "Cough", NULL);
  g_autoptr (AltaPortalResponse) reply = NULL;
  g_autoptr (AltaPortalResponse) related = NULL;
  g_autoptr (AltaPortalResponse) marked = NULL;
  JsonObject *message = expect_created (fixture, first);
  JsonObject *proxy_message = expect_created (fixture, proxy);

  reply_id = reply_as_clinician (fixture, 0, json_object_get_string_member (message, "id"), member, "Answer", NULL);
  read_message (fixture->grace, reply_id, &reply);
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (reply)));
  marked = patch (fixture->grace, reply_id, "[{\"op\":\"add\",\"path\":\"/received\",\"value\":\"2026-03-01T09:30:00Z\"}]");
  alta_assert_status (marked, 200);
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (marked)));
  related = get (fixture->daniel, reference_of (proxy_message, "sender"));
  alta_assert_status (related, 200);
  g_ptr_array_add (fixture->created, json_node_copy (alta_portal_response_get_json (related)));

  validate_all (fixture->created);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/fhir-messages/send-and-reply", test_send_and_reply);
  ADD ("/fhir-messages/received", test_received);
  ADD ("/fhir-messages/exact-text", test_exact_text);
  ADD ("/fhir-messages/concurrent-retries", test_concurrent_retries);
  ADD ("/fhir-messages/read-your-writes", test_read_your_writes);
  ADD ("/fhir-messages/access-matrix", test_access_matrix);
  ADD ("/fhir-messages/schema", test_schema);

  return g_test_run ();
}
