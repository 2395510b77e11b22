/* alta-fhir-messages.c: messages with the care team (Communication), their rules and queries
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-messages"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "alta-fhir-date.h"
#include "alta-fhir-messages.h"
#include "alta-fhir-resource.h"
#include "alta-i18n.h"
#include "alta-json.h"
#include "alta-portal-error.h"
#include "alta-store-private.h"

/* A message is a Communication in one patient's record: from the patient (or a proxy, as
 * a RelatedPerson) to the record's care team or its members, or from a clinician to the
 * patient. A thread is a first message and every message that names it in inResponseTo.
 * Texts are kept exactly as written: no trimming, no normalisation. Messages from the
 * clinic stay unread until the patient's client sets `received`, the one field a patient
 * may change on them.
 */

/* The format comes from our own catalog, whose formats msgfmt --check-format checks. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static gboolean
refuse (GError          **error,
        AltaPortalError   code,
        const char       *language,
        const char       *format,
        const char       *argument)
{
  g_set_error (error, ALTA_PORTAL_ERROR, code, alta_i18n_gettext (language, format), argument);
  return FALSE;
}

static gboolean
refuse_number (GError          **error,
               const char       *language,
               const char       *format,
               const char       *field,
               guint             number)
{
  g_set_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD,
               alta_i18n_gettext (language, format), field, number);
  return FALSE;
}
#pragma GCC diagnostic pop

/**
 * alta_fhir_message_check_text:
 * @text: a text a patient wrote (UTF-8, as JSON gives it)
 * @field: its place in the resource, for the message
 * @language: the language of the error's message
 * @error: return location for a #GError (%ALTA_PORTAL_ERROR_INVALID_FIELD)
 *
 * A text is at most %ALTA_FHIR_MESSAGE_MAX_CHARS Unicode characters, and has at least one
 * that is not white space. It is never cut or trimmed: a text that does not fit is refused.
 *
 * Returns: %TRUE when it may be kept
 */
gboolean
alta_fhir_message_check_text (const char  *text,
                              const char  *field,
                              const char  *language,
                              GError     **error)
{
  gboolean blank = TRUE;
  glong n_chars;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!g_utf8_validate (text, -1, NULL))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("The text in “%s” is not valid UTF-8."), field);

  n_chars = g_utf8_strlen (text, -1);
  if (n_chars > ALTA_FHIR_MESSAGE_MAX_CHARS)
    return refuse_number (error, language,
                          N_("The text in “%s” is too long: at most %u characters."), field,
                          ALTA_FHIR_MESSAGE_MAX_CHARS);

  for (const char *p = text; *p != '\0' && blank; p = g_utf8_next_char (p))
    blank = g_unichar_isspace (g_utf8_get_char (p));

  if (blank)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("The text in “%s” is empty: write something to send."), field);

  return TRUE;
}

/* {"reference": "<type>/<id>"} with a valid id; *out_type and *out_id when asked */
static gboolean
split_reference_object (JsonObject  *reference,
                        char       **out_type,
                        char       **out_id)
{
  const char *text = reference != NULL ? alta_json_get_string (reference, "reference") : NULL;
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;

  if (text == NULL || !alta_fhir_split_reference (text, &type, &id) || !alta_fhir_id_is_valid (id))
    return FALSE;

  if (out_type != NULL)
    *out_type = g_steal_pointer (&type);
  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return TRUE;
}

static JsonObject *
reference_new (const char *reference)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "reference", reference);
  return object;
}

/* A list of references, each an object with a string "reference" (400 otherwise) */
static JsonArray *
get_reference_list (JsonObject  *resource,
                    const char  *member,
                    gboolean     required,
                    const char  *language,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (resource, member);
  JsonArray *list;

  if (node == NULL && !required)
    return NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      (required && json_array_get_length (json_node_get_array (node)) == 0))
    {
      refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
              N_("The field “%s” is missing or is not a list."), member);
      return NULL;
    }

  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *reference = alta_json_array_get_object (list, i);

      if (reference == NULL || alta_json_get_string (reference, "reference") == NULL)
        {
          refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                  N_("The field “%s” is missing or is not a reference."), member);
          return NULL;
        }
    }

  return list;
}

static gboolean
check_topic (JsonObject  *communication,
             const char  *language,
             GError     **error)
{
  JsonNode *node = json_object_get_member (communication, "topic");
  JsonObject *topic;
  JsonNode *text;
  JsonNode *codings;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not an object."), "topic");

  topic = json_node_get_object (node);
  text = json_object_get_member (topic, "text");
  if (text != NULL && (!JSON_NODE_HOLDS_VALUE (text) ||
                       json_node_get_value_type (text) != G_TYPE_STRING))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not text."), "topic.text");
  if (text != NULL &&
      !alta_fhir_message_check_text (json_node_get_string (text), "topic.text", language, error))
    return FALSE;

  codings = json_object_get_member (topic, "coding");
  if (codings != NULL)
    {
      JsonArray *list = JSON_NODE_HOLDS_ARRAY (codings) ? json_node_get_array (codings) : NULL;

      for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
        {
          JsonObject *coding = alta_json_array_get_object (list, i);

          if (coding == NULL || alta_json_get_string (coding, "code") == NULL)
            list = NULL;
        }
      if (list == NULL)
        return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                       N_("The field “%s” is missing or is not a list."), "topic.coding");
    }

  if (text == NULL && codings == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not text."), "topic.text");

  return TRUE;
}

/**
 * alta_fhir_message_check_new:
 * @communication: a Communication a client sends to be created
 * @language: the language of the error's message
 * @out_replied_ids: (out) (optional) (transfer full): the ids of the Communications it
 *   names in inResponseTo, for the caller to look up in the record
 * @error: return location for a #GError: %ALTA_PORTAL_ERROR_INVALID_REQUEST for a missing or
 *   mistyped field, %ALTA_PORTAL_ERROR_INVALID_FIELD for a value this server refuses
 *
 * Checks the shape of a new message: status completed, a Patient subject, recipients, one
 * text payload of the allowed length, an optional topic, inResponseTo naming messages.
 * Whom it is sent to is checked by alta_fhir_message_check_recipients().
 *
 * Returns: %TRUE when it is one
 */
gboolean
alta_fhir_message_check_new (JsonObject  *communication,
                             const char  *language,
                             GPtrArray  **out_replied_ids,
                             GError     **error)
{
  g_autoptr (GPtrArray) replied = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subject_type = NULL;
  JsonObject *subject;
  JsonArray *payloads;
  JsonArray *replies;
  JsonObject *payload;
  JsonNode *node;
  const char *status;
  const char *text;

  g_return_val_if_fail (communication != NULL, FALSE);

  status = alta_json_get_string (communication, "status");
  if (status == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not text."), "status");
  if (strcmp (status, "completed") != 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("A message is sent with the status “%s”."), "completed");

  subject = alta_json_get_object (communication, "subject");
  if (subject == NULL || alta_json_get_string (subject, "reference") == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not a reference."), "subject");
  if (!split_reference_object (subject, &subject_type, NULL) ||
      strcmp (subject_type, "Patient") != 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("The field “%s” must name a resource of this record by its id."),
                   "subject");

  if (get_reference_list (communication, "recipient", TRUE, language, error) == NULL)
    return FALSE;

  node = json_object_get_member (communication, "payload");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) == 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not a list."), "payload");
  payloads = json_node_get_array (node);
  if (json_array_get_length (payloads) != 1)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("A message has exactly one text, in “%s”."), "payload[0].contentString");
  payload = alta_json_array_get_object (payloads, 0);
  if (payload != NULL && alta_json_get_string (payload, "contentString") == NULL &&
      (json_object_has_member (payload, "contentAttachment") ||
       json_object_has_member (payload, "contentReference")))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("A message has exactly one text, in “%s”."), "payload[0].contentString");
  text = payload != NULL ? alta_json_get_string (payload, "contentString") : NULL;
  if (text == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not text."), "payload[0].contentString");
  if (!alta_fhir_message_check_text (text, "payload[0].contentString", language, error))
    return FALSE;

  if (!check_topic (communication, language, error))
    return FALSE;

  if (json_object_has_member (communication, "inResponseTo"))
    {
      replies = get_reference_list (communication, "inResponseTo", FALSE, language, error);
      if (replies == NULL)
        return FALSE;

      for (guint i = 0; i < json_array_get_length (replies); i++)
        {
          g_autofree char *type = NULL;
          char *id = NULL;

          if (!split_reference_object (json_array_get_object_element (replies, i), &type, &id) ||
              strcmp (type, "Communication") != 0)
            {
              g_free (id);
              return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                             N_("The field “%s” must name a message of this record."),
                             "inResponseTo");
            }
          g_ptr_array_add (replied, id);
        }
    }

  if (out_replied_ids != NULL)
    *out_replied_ids = g_steal_pointer (&replied);
  return TRUE;
}

/**
 * alta_fhir_care_team_collect:
 * @care_teams: (element-type JsonObject): the CareTeams of one record
 *
 * Returns: (transfer full): the references a message may be sent to: "CareTeam/<id>" of
 *   each active team, and the reference of each of its members
 */
GHashTable *
alta_fhir_care_team_collect (GPtrArray *care_teams)
{
  GHashTable *allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (care_teams != NULL, allowed);

  for (guint i = 0; i < care_teams->len; i++)
    {
      JsonObject *team = g_ptr_array_index (care_teams, i);
      const char *status = alta_json_get_string (team, "status");
      const char *id = alta_json_get_string (team, "id");
      JsonArray *participants = alta_json_get_array (team, "participant");

      if (id == NULL || (status != NULL && strcmp (status, "active") != 0))
        continue;

      g_hash_table_add (allowed, g_strconcat ("CareTeam/", id, NULL));
      for (guint j = 0; participants != NULL && j < json_array_get_length (participants); j++)
        {
          JsonObject *participant = alta_json_array_get_object (participants, j);
          JsonObject *member = participant != NULL ? alta_json_get_object (participant, "member")
                                                   : NULL;
          const char *reference = member != NULL ? alta_json_get_string (member, "reference")
                                                 : NULL;

          if (reference != NULL && !g_str_has_prefix (reference, "Patient/") &&
              !g_str_has_prefix (reference, "RelatedPerson/"))
            g_hash_table_add (allowed, g_strdup (reference));
        }
    }

  return allowed;
}

/**
 * alta_fhir_message_check_recipients:
 * @communication: a message that passed alta_fhir_message_check_new()
 * @care_team: what alta_fhir_care_team_collect() found for its record
 * @language: the language of the error's message
 * @error: return location for a #GError (%ALTA_PORTAL_ERROR_INVALID_FIELD)
 *
 * Returns: %TRUE when every recipient is the record's care team or one of its members
 */
gboolean
alta_fhir_message_check_recipients (JsonObject  *communication,
                                    GHashTable  *care_team,
                                    const char  *language,
                                    GError     **error)
{
  JsonArray *recipients = alta_json_get_array (communication, "recipient");

  g_return_val_if_fail (recipients != NULL, FALSE);

  for (guint i = 0; i < json_array_get_length (recipients); i++)
    {
      JsonObject *recipient = json_array_get_object_element (recipients, i);
      const char *reference = json_object_get_string_member (recipient, "reference");

      if (!g_hash_table_contains (care_team, reference))
        return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                       N_("Messages go to your care team: %s is not on it."), reference);
    }

  return TRUE;
}

/* Keeps a list of references as {"reference"} objects only */
static void
clean_reference_list (JsonObject *resource,
                      const char *member)
{
  JsonArray *list = alta_json_get_array (resource, member);
  JsonArray *clean;

  if (list == NULL)
    return;

  clean = json_array_new ();
  for (guint i = 0; i < json_array_get_length (list); i++)
    json_array_add_object_element (clean,
                                   reference_new (json_object_get_string_member (
                                     json_array_get_object_element (list, i), "reference")));
  json_object_set_array_member (resource, member, clean);
}

static void
clean_topic (JsonObject *communication)
{
  JsonObject *topic = alta_json_get_object (communication, "topic");
  JsonObject *clean;
  JsonArray *codings;

  if (topic == NULL)
    return;

  clean = json_object_new ();
  codings = alta_json_get_array (topic, "coding");
  if (codings != NULL && json_array_get_length (codings) > 0)
    {
      static const char * const fields[] = { "system", "version", "code", "display" };
      JsonArray *clean_codings = json_array_new ();

      for (guint i = 0; i < json_array_get_length (codings); i++)
        {
          JsonObject *coding = json_array_get_object_element (codings, i);
          JsonObject *clean_coding = json_object_new ();

          for (guint j = 0; j < G_N_ELEMENTS (fields); j++)
            if (alta_json_get_string (coding, fields[j]) != NULL)
              json_object_set_string_member (clean_coding, fields[j],
                                             alta_json_get_string (coding, fields[j]));
          json_array_add_object_element (clean_codings, clean_coding);
        }
      json_object_set_array_member (clean, "coding", clean_codings);
    }
  if (alta_json_get_string (topic, "text") != NULL)
    json_object_set_string_member (clean, "text", alta_json_get_string (topic, "text"));

  json_object_set_object_member (communication, "topic", clean);
}

/**
 * alta_fhir_message_prepare_new:
 * @communication: a message that passed the checks
 * @author_ref: who sends it: "Patient/<id>", or "RelatedPerson/<id>" for a proxy
 * @now: the time it is sent
 *
 * Keeps what the client may say (identifier, status, subject, recipients, topic, the text,
 * inResponseTo) and adds what the server says: `sent` and the sender. A new message has no
 * `received`: the clinic's side sets it.
 */
void
alta_fhir_message_prepare_new (JsonObject *communication,
                               const char *author_ref,
                               gint64      now)
{
  static const char * const kept[] = {
    "resourceType", "identifier", "status", "subject", "recipient", "topic", "payload",
    "inResponseTo", NULL,
  };
  g_autoptr (GList) members = json_object_get_members (communication);
  g_autofree char *now_text = alta_fhir_format_instant (now);
  JsonObject *payload = json_object_new ();
  JsonObject *subject;

  g_return_if_fail (communication != NULL && author_ref != NULL);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains ((const char * const *)kept, l->data))
      json_object_remove_member (communication, l->data);

  subject = json_object_get_object_member (communication, "subject");
  json_object_set_object_member (communication, "subject",
                                 reference_new (json_object_get_string_member (subject,
                                                                               "reference")));
  clean_reference_list (communication, "recipient");
  clean_reference_list (communication, "inResponseTo");
  clean_topic (communication);

  /* The text as it came, to the byte */
  json_object_set_member (payload, "contentString",
                          json_node_copy (json_object_get_member (
                            json_array_get_object_element (
                              json_object_get_array_member (communication, "payload"), 0),
                            "contentString")));
  json_object_set_array_member (communication, "payload", json_array_new ());
  json_array_add_object_element (json_object_get_array_member (communication, "payload"),
                                 payload);

  json_object_set_string_member (communication, "sent", now_text);
  json_object_set_object_member (communication, "sender", reference_new (author_ref));
}

/**
 * alta_fhir_message_is_from_record:
 * @communication: a stored message
 *
 * Returns: %TRUE when the patient or a proxy sent it (not the clinic)
 */
gboolean
alta_fhir_message_is_from_record (JsonObject *communication)
{
  JsonObject *sender = alta_json_get_object (communication, "sender");
  const char *reference = sender != NULL ? alta_json_get_string (sender, "reference") : NULL;

  return reference != NULL && (g_str_has_prefix (reference, "Patient/") ||
                               g_str_has_prefix (reference, "RelatedPerson/"));
}

static gboolean
is_addressed_to (JsonObject *communication,
                 const char *reference)
{
  JsonArray *recipients = alta_json_get_array (communication, "recipient");

  for (guint i = 0; recipients != NULL && i < json_array_get_length (recipients); i++)
    {
      JsonObject *recipient = alta_json_array_get_object (recipients, i);

      if (recipient != NULL &&
          g_strcmp0 (alta_json_get_string (recipient, "reference"), reference) == 0)
        return TRUE;
    }

  return FALSE;
}

/* A dateTime with a time and a zone, as FHIR writes an instant */
static gboolean
is_instant (const char *text)
{
  gint64 start, end;
  gsize length;

  if (text == NULL || !alta_fhir_parse_date_range (text, &start, &end))
    return FALSE;

  length = strlen (text);
  return strchr (text, 'T') != NULL && length >= 20 &&
         (text[length - 1] == 'Z' || text[length - 6] == '+' || text[length - 6] == '-');
}

/**
 * alta_fhir_message_check_update:
 * @stored: the message as stored
 * @updated: the message as the client wants it (after a JSON Patch, or a PUT's body)
 * @patient_id: the record
 * @language: the language of the error's message
 * @error: return location for a #GError (%ALTA_PORTAL_ERROR_INVALID_FIELD)
 *
 * A patient (or proxy) may set when they read a message the clinic sent to the patient:
 * `received`, a dateTime with a time and zone. Nothing else may change, and their own
 * messages not at all.
 *
 * Returns: %TRUE when the change is allowed
 */
gboolean
alta_fhir_message_check_update (JsonObject  *stored,
                                JsonObject  *updated,
                                const char  *patient_id,
                                const char  *language,
                                GError     **error)
{
  g_autofree char *patient_ref = g_strconcat ("Patient/", patient_id, NULL);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GList) stored_members = json_object_get_members (stored);
  g_autoptr (GList) updated_members = json_object_get_members (updated);
  GHashTableIter iter;
  gpointer name;

  g_return_val_if_fail (stored != NULL && updated != NULL && patient_id != NULL, FALSE);

  if (alta_fhir_message_is_from_record (stored) || !is_addressed_to (stored, patient_ref))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("Only a message your care team sent you can be marked as read (%s)."),
                   "received");

  for (GList *l = stored_members; l != NULL; l = l->next)
    g_hash_table_add (names, l->data);
  for (GList *l = updated_members; l != NULL; l = l->next)
    g_hash_table_add (names, l->data);

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      JsonNode *before = json_object_get_member (stored, name);
      JsonNode *after = json_object_get_member (updated, name);

      if (strcmp (name, "received") == 0 || strcmp (name, "meta") == 0)
        continue;

      if (before == NULL || after == NULL || !json_node_equal (before, after))
        return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                       N_("Only the time a message was read (received) may change: “%s” "
                          "cannot."), name);
    }

  if (!is_instant (alta_json_get_string (updated, "received")))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("The field “%s” must be a date and time with its time zone."),
                   "received");

  return TRUE;
}

/**
 * alta_fhir_message_new_reply:
 * @message: the message answered, as stored
 * @patient_id: its record
 * @practitioner_id: the clinician who answers
 * @text: the answer, kept as it is
 * @now: the time it is sent
 *
 * Returns: (transfer full): a new Communication from the clinician to the patient, in the
 *   thread of @message, on its topic, not yet read
 */
JsonObject *
alta_fhir_message_new_reply (JsonObject *message,
                             const char *patient_id,
                             const char *practitioner_id,
                             const char *text,
                             gint64      now)
{
  JsonObject *reply = json_object_new ();
  JsonObject *payload = json_object_new ();
  JsonArray *payloads = json_array_new ();
  JsonArray *recipients = json_array_new ();
  JsonArray *replies = json_array_new ();
  JsonObject *topic = alta_json_get_object (message, "topic");
  g_autofree char *patient_ref = g_strconcat ("Patient/", patient_id, NULL);
  g_autofree char *practitioner_ref = g_strconcat ("Practitioner/", practitioner_id, NULL);
  g_autofree char *message_ref = g_strconcat ("Communication/",
                                              alta_json_get_string (message, "id"), NULL);
  g_autofree char *now_text = alta_fhir_format_instant (now);

  json_object_set_string_member (reply, "resourceType", "Communication");
  json_object_set_string_member (reply, "status", "completed");
  json_object_set_object_member (reply, "subject", reference_new (patient_ref));
  if (topic != NULL)
    json_object_set_member (reply, "topic",
                            json_node_copy (json_object_get_member (message, "topic")));
  json_array_add_object_element (replies, reference_new (message_ref));
  json_object_set_array_member (reply, "inResponseTo", replies);
  json_object_set_string_member (reply, "sent", now_text);
  json_object_set_object_member (reply, "sender", reference_new (practitioner_ref));
  json_array_add_object_element (recipients, reference_new (patient_ref));
  json_object_set_array_member (reply, "recipient", recipients);
  json_object_set_string_member (payload, "contentString", text);
  json_array_add_object_element (payloads, payload);
  json_object_set_array_member (reply, "payload", payloads);
  return reply;
}

static void
add_care_team (sqlite3_stmt *stmt,
               gpointer      user_data)
{
  GPtrArray *teams = user_data;
  g_autoptr (JsonNode) node = json_from_string ((const char *)sqlite3_column_text (stmt, 0),
                                                NULL);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    g_ptr_array_add (teams, json_object_ref (json_node_get_object (node)));
}

/**
 * alta_fhir_store_list_care_teams:
 * @store: the store
 * @patient_id: a record
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type JsonObject): the record's CareTeams, or %NULL on
 *   failure
 */
GPtrArray *
alta_fhir_store_list_care_teams (AltaStore   *store,
                                 const char  *patient_id,
                                 GError     **error)
{
  g_autoptr (GPtrArray) teams = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  if (!alta_store_query_each (store, "SELECT json FROM fhir_resources"
                                     " WHERE type = 'CareTeam' AND patient_id = ?1",
                              ALTA_BINDS (ALTA_BIND_TEXT (patient_id)),
                              add_care_team, teams, error))
    return NULL;

  return g_steal_pointer (&teams);
}

/* The write handlers (alta-server-fhir-write.c calls them in the write's transaction) */

static gboolean
refuse_write (AltaFhirWrite  *write,
              GError         *refusal,
              GError        **error)
{
  g_free (write->request->diagnostics);
  write->request->diagnostics = g_strdup (refusal->message);
  g_propagate_error (error, refusal);
  return FALSE;
}

/**
 * alta_fhir_message_create:
 *
 * POST Communication: a message from the patient (or a proxy) to the record's care team,
 * perhaps in answer to a message of the same record.
 */
gboolean
alta_fhir_message_create (AltaFhirWrite  *write,
                          GError        **error)
{
  AltaRequest *request = write->request;
  AltaStore *store = request->server->store;
  g_autoptr (GPtrArray) replied = NULL;
  g_autoptr (GPtrArray) teams = NULL;
  g_autoptr (GHashTable) care_team = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!alta_fhir_message_check_new (write->resource, request->language, &replied, &local_error))
    return refuse_write (write, g_steal_pointer (&local_error), error);

  teams = alta_fhir_store_list_care_teams (store, write->patient_id, &local_error);
  if (teams == NULL)
    return alta_request_store_failed (request, local_error, error);
  care_team = alta_fhir_care_team_collect (teams);
  if (!alta_fhir_message_check_recipients (write->resource, care_team, request->language,
                                           &local_error))
    return refuse_write (write, g_steal_pointer (&local_error), error);

  for (guint i = 0; i < replied->len; i++)
    {
      g_autoptr (AltaFhirRecord) record = alta_fhir_store_get (store, "Communication",
                                                               g_ptr_array_index (replied, i),
                                                               &local_error);

      if (record == NULL &&
          !g_error_matches (local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return alta_request_store_failed (request, local_error, error);
      if (record == NULL || g_strcmp0 (record->patient_id, write->patient_id) != 0)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                     N_("The field “%s” must name a message of this record."),
                                     "inResponseTo", error);
    }

  alta_fhir_message_prepare_new (write->resource, write->author_ref, request->now);
  return TRUE;
}

/**
 * alta_fhir_message_update:
 *
 * PUT or PATCH Communication: the patient's client says when a message from the clinic was
 * read (`received`); nothing else may change.
 */
gboolean
alta_fhir_message_update (AltaFhirWrite  *write,
                          GError        **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!alta_fhir_message_check_update (write->existing_resource, write->resource,
                                       write->patient_id, write->request->language,
                                       &local_error))
    return refuse_write (write, g_steal_pointer (&local_error), error);

  return TRUE;
}
