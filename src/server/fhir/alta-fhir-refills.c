/* alta-fhir-refills.c: refill requests (Task), their rules and their queries
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-refills"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "alta-fhir-refills.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-messages.h"
#include "alta-i18n.h"
#include "alta-json.h"
#include "alta-portal-error.h"
#include "alta-store-private.h"

/* A refill request is a Task with the refill-request code whose `focus` is one of the
 * record's MedicationRequests. "Refills left" is the prescription's
 * dispenseRequest.numberOfRepeatsAllowed (none written: no refills) minus the refill
 * requests of that prescription the clinic completed; a rejected or cancelled request uses
 * none. At most one request per prescription is open at a time.
 */

/* Task statuses that are over: anything else (requested, received, accepted, ready,
 * in-progress, on-hold) is still pending with the clinic. A draft was never sent.
 */
static const char * const finished_statuses[] = {
  "draft", "rejected", "cancelled", "failed", "completed", "entered-in-error",
};

gboolean
alta_fhir_refill_is_pending_status (const char *status)
{
  if (status == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (finished_statuses); i++)
    if (strcmp (status, finished_statuses[i]) == 0)
      return FALSE;

  return TRUE;
}

/* Whether a CodeableConcept has the coding system|code */
static gboolean
concept_has_coding (JsonObject *concept,
                    const char *system,
                    const char *code)
{
  JsonArray *codings = concept != NULL ? alta_json_get_array (concept, "coding") : NULL;

  if (codings == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = alta_json_array_get_object (codings, i);

      if (coding != NULL && g_strcmp0 (alta_json_get_string (coding, "system"), system) == 0 &&
          g_strcmp0 (alta_json_get_string (coding, "code"), code) == 0)
        return TRUE;
    }

  return FALSE;
}

gboolean
alta_fhir_task_is_refill_request (JsonObject *task)
{
  g_return_val_if_fail (task != NULL, FALSE);

  return g_strcmp0 (alta_json_get_string (task, "resourceType"), "Task") == 0 &&
         concept_has_coding (alta_json_get_object (task, "code"), ALTA_FHIR_TASK_TYPE_SYSTEM,
                             ALTA_FHIR_TASK_TYPE_REFILL);
}

/**
 * alta_fhir_refills_left:
 * @medication_request: a MedicationRequest
 * @completed: how many of its refill requests the clinic completed
 *
 * Returns: the refills it still allows (0 when none are left or none were written)
 */
gint64
alta_fhir_refills_left (JsonObject *medication_request,
                        guint       completed)
{
  JsonObject *dispense;
  gint64 allowed = 0;

  g_return_val_if_fail (medication_request != NULL, 0);

  dispense = alta_json_get_object (medication_request, "dispenseRequest");
  if (dispense == NULL || !alta_json_get_int (dispense, "numberOfRepeatsAllowed", &allowed) ||
      allowed < 0)
    return 0;

  return MAX (allowed - (gint64)completed, 0);
}

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
#pragma GCC diagnostic pop

/* The id in a member's {"reference": "<type>/<id>"}: 400 when it is missing or not a
 * reference at all, 422 when it names another type
 */
static gboolean
read_reference (JsonObject   *resource,
                const char   *member,
                const char   *type,
                const char   *language,
                char        **out_id,
                GError      **error)
{
  JsonObject *reference = alta_json_get_object (resource, member);
  const char *text = reference != NULL ? alta_json_get_string (reference, "reference") : NULL;
  g_autofree char *found_type = NULL;
  g_autofree char *id = NULL;

  if (text == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not a reference."), member);

  if (!alta_fhir_split_reference (text, &found_type, &id) || strcmp (found_type, type) != 0 ||
      !alta_fhir_id_is_valid (id))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("The field “%s” must name a resource of this record by its id."), member);

  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return TRUE;
}

/* note: at most a few Annotations, each a text of message length */
static gboolean
check_notes (JsonObject  *task,
             const char  *language,
             GError     **error)
{
  JsonNode *node = json_object_get_member (task, "note");
  JsonArray *notes;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not a list."), "note");

  notes = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (notes); i++)
    {
      JsonObject *note = alta_json_array_get_object (notes, i);
      const char *text = note != NULL ? alta_json_get_string (note, "text") : NULL;

      if (text == NULL)
        return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                       N_("The field “%s” is missing or is not text."), "note.text");
      if (!alta_fhir_message_check_text (text, "note.text", language, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * alta_fhir_refill_check_new:
 * @task: a Task a client sends to be created
 * @language: the language of the error's message
 * @out_medication_id: (out) (optional): the id of the MedicationRequest it is for
 * @error: return location for a #GError: %ALTA_PORTAL_ERROR_INVALID_REQUEST for a missing or
 *   mistyped field, %ALTA_PORTAL_ERROR_INVALID_FIELD for a value this server refuses
 *
 * Checks the shape of a new refill request; the medication's own rules are checked by
 * alta_fhir_refill_check_medication().
 *
 * Returns: %TRUE when it is one
 */
gboolean
alta_fhir_refill_check_new (JsonObject  *task,
                            const char  *language,
                            char       **out_medication_id,
                            GError     **error)
{
  const char *status;
  const char *intent;

  g_return_val_if_fail (task != NULL, FALSE);

  status = alta_json_get_string (task, "status");
  if (status == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not text."), "status");
  if (strcmp (status, "requested") != 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("A new refill request must have the status “%s”."), "requested");

  intent = alta_json_get_string (task, "intent");
  if (intent == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not text."), "intent");
  if (strcmp (intent, "order") != 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("A refill request must have the intent “%s”."), "order");

  if (alta_json_get_object (task, "code") == NULL)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, language,
                   N_("The field “%s” is missing or is not an object."), "code");
  if (!alta_fhir_task_is_refill_request (task))
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("Only refill requests can be made here: the code must be %s."),
                   ALTA_FHIR_TASK_TYPE_SYSTEM "|" ALTA_FHIR_TASK_TYPE_REFILL);

  if (!read_reference (task, "for", "Patient", language, NULL, error) ||
      !read_reference (task, "focus", "MedicationRequest", language, out_medication_id, error))
    return FALSE;

  return check_notes (task, language, error);
}

/**
 * alta_fhir_refill_check_medication:
 * @medication_request: the MedicationRequest a new refill request is for (of the same record)
 * @counts: its refill requests so far
 * @language: the language of the error's message
 * @error: return location for a #GError: %ALTA_PORTAL_ERROR_CONFLICT when a request is
 *   already open, %ALTA_PORTAL_ERROR_INVALID_FIELD when the medicine is not active or has no
 *   refills left
 *
 * Returns: %TRUE when a refill may be requested
 */
gboolean
alta_fhir_refill_check_medication (JsonObject                 *medication_request,
                                   const AltaFhirRefillCounts *counts,
                                   const char                 *language,
                                   GError                    **error)
{
  g_return_val_if_fail (medication_request != NULL, FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  if (g_strcmp0 (alta_json_get_string (medication_request, "status"), "active") != 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("This medicine is no longer active: a refill cannot be requested (%s)."),
                   alta_json_get_string (medication_request, "status") != NULL
                     ? alta_json_get_string (medication_request, "status") : "unknown");

  if (counts->pending > 0)
    return refuse (error, ALTA_PORTAL_ERROR_CONFLICT, language,
                   N_("A refill of this medicine was already requested and is waiting for the "
                      "clinic (%s)."), "pending");

  if (alta_fhir_refills_left (medication_request, counts->completed) == 0)
    return refuse (error, ALTA_PORTAL_ERROR_INVALID_FIELD, language,
                   N_("This prescription has no refills left (%s): ask your care team at your "
                      "next visit."), "0");

  return TRUE;
}

static JsonObject *
reference_new (const char *reference)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "reference", reference);
  return object;
}

/**
 * alta_fhir_refill_prepare_new:
 * @task: a Task that passed alta_fhir_refill_check_new()
 * @medication_request: the MedicationRequest it is for
 * @author_ref: who asks: "Patient/<id>", or "RelatedPerson/<id>" for a proxy
 * @now: the time of the request
 *
 * Keeps what the client may say (identifier, status, intent, focus, for, note texts) and
 * adds what the server says: the code as the server writes it, authoredOn, lastModified,
 * the requester, and the owner (the prescriber of the medicine, else the clinic that
 * manages it).
 */
void
alta_fhir_refill_prepare_new (JsonObject *task,
                              JsonObject *medication_request,
                              const char *author_ref,
                              gint64      now)
{
  static const char * const kept[] = {
    "resourceType", "identifier", "status", "intent", "focus", "for", "note", NULL,
  };
  g_autoptr (GList) members = json_object_get_members (task);
  g_autofree char *now_text = alta_fhir_format_instant (now);
  JsonObject *prescriber = alta_json_get_object (medication_request, "requester");
  const char *owner = prescriber != NULL ? alta_json_get_string (prescriber, "reference") : NULL;
  JsonObject *code = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();
  JsonArray *notes;

  g_return_if_fail (task != NULL && medication_request != NULL && author_ref != NULL);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains ((const char * const *)kept, l->data))
      json_object_remove_member (task, l->data);

  /* References and notes as the server keeps them: only what FHIR defines there */
  json_object_set_object_member (task, "focus",
                                 reference_new (json_object_get_string_member (
                                   json_object_get_object_member (task, "focus"), "reference")));
  json_object_set_object_member (task, "for",
                                 reference_new (json_object_get_string_member (
                                   json_object_get_object_member (task, "for"), "reference")));
  notes = alta_json_get_array (task, "note");
  if (notes != NULL)
    {
      JsonArray *clean = json_array_new ();

      for (guint i = 0; i < json_array_get_length (notes); i++)
        {
          JsonObject *note = json_object_new ();

          json_object_set_string_member (note, "text",
                                         json_object_get_string_member (
                                           json_array_get_object_element (notes, i), "text"));
          json_object_set_string_member (note, "time", now_text);
          json_array_add_object_element (clean, note);
        }
      if (json_array_get_length (clean) > 0)
        json_object_set_array_member (task, "note", clean);
      else
        {
          json_array_unref (clean);
          json_object_remove_member (task, "note");
        }
    }

  json_object_set_string_member (coding, "system", ALTA_FHIR_TASK_TYPE_SYSTEM);
  json_object_set_string_member (coding, "code", ALTA_FHIR_TASK_TYPE_REFILL);
  json_object_set_string_member (coding, "display", "Refill request");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (code, "coding", codings);
  json_object_set_string_member (code, "text", "Refill request");
  json_object_set_object_member (task, "code", code);

  json_object_set_string_member (task, "priority", "routine");
  json_object_set_string_member (task, "authoredOn", now_text);
  json_object_set_string_member (task, "lastModified", now_text);
  json_object_set_object_member (task, "requester", reference_new (author_ref));

  if (owner == NULL)
    {
      JsonArray *managers = alta_json_get_array (medication_request, "performer");
      JsonObject *first = managers != NULL ? alta_json_array_get_object (managers, 0) : NULL;

      owner = first != NULL ? alta_json_get_string (first, "reference") : NULL;
    }
  if (owner != NULL)
    json_object_set_object_member (task, "owner", reference_new (owner));
}

/**
 * alta_fhir_refill_set_outcome:
 * @task: a stored refill request
 * @status: "completed" or "rejected"
 * @reason: (nullable): why it was rejected, for the patient to read
 * @now: the time of the decision
 * @error: return location for a #GError
 *
 * Completes or rejects a pending refill request (the clinic's answer).
 *
 * Returns: %FALSE, with %G_IO_ERROR_INVALID_ARGUMENT, when @task is not a pending refill
 *   request
 */
gboolean
alta_fhir_refill_set_outcome (JsonObject  *task,
                              const char  *status,
                              const char  *reason,
                              gint64       now,
                              GError     **error)
{
  g_autofree char *now_text = alta_fhir_format_instant (now);
  const char *current;

  g_return_val_if_fail (task != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (status, "completed") == 0 ||
                        g_strcmp0 (status, "rejected") == 0, FALSE);

  if (!alta_fhir_task_is_refill_request (task))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "this Task is not a refill request");
      return FALSE;
    }

  current = alta_json_get_string (task, "status");
  if (!alta_fhir_refill_is_pending_status (current))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "this refill request is already %s", current != NULL ? current : "closed");
      return FALSE;
    }

  json_object_set_string_member (task, "status", status);
  json_object_set_string_member (task, "lastModified", now_text);
  if (reason != NULL)
    {
      JsonObject *concept = json_object_new ();

      json_object_set_string_member (concept, "text", reason);
      json_object_set_object_member (task, "statusReason", concept);
    }
  else
    json_object_remove_member (task, "statusReason");

  if (strcmp (status, "completed") == 0)
    {
      JsonObject *period = json_object_new ();

      json_object_set_string_member (period, "end", now_text);
      json_object_set_object_member (task, "executionPeriod", period);
    }

  return TRUE;
}

/* Adds one row of (status, count) to an AltaFhirRefillCounts */
static void
add_refill_count (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  AltaFhirRefillCounts *counts = user_data;
  const char *status = (const char *)sqlite3_column_text (stmt, 0);
  guint count = sqlite3_column_int (stmt, 1);

  if (g_strcmp0 (status, "completed") == 0)
    counts->completed += count;
  else if (alta_fhir_refill_is_pending_status (status))
    counts->pending += count;
}

/**
 * alta_fhir_store_count_refills:
 * @store: the store
 * @patient_id: the record
 * @medication_id: one of its MedicationRequests
 * @out_counts: (out): its pending and completed refill requests
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
alta_fhir_store_count_refills (AltaStore             *store,
                               const char            *patient_id,
                               const char            *medication_id,
                               AltaFhirRefillCounts  *out_counts,
                               GError               **error)
{
  g_autofree char *target = g_strconcat ("MedicationRequest/", medication_id, NULL);

  g_return_val_if_fail (patient_id != NULL && medication_id != NULL, FALSE);
  g_return_val_if_fail (out_counts != NULL, FALSE);

  out_counts->pending = 0;
  out_counts->completed = 0;

  return alta_store_query_each (store,
                                "SELECT r.status, count (*) FROM fhir_refs f"
                                " JOIN fhir_resources r ON r.rid = f.rid"
                                " WHERE f.target = ?1 AND f.param = 'focus' AND r.type = 'Task'"
                                "  AND r.patient_id = ?2"
                                "  AND EXISTS (SELECT 1 FROM fhir_tokens t WHERE t.rid = r.rid"
                                "   AND t.param = 'code' AND t.code = ?3 AND t.system = ?4)"
                                " GROUP BY r.status",
                                ALTA_BINDS (ALTA_BIND_TEXT (target), ALTA_BIND_TEXT (patient_id),
                                            ALTA_BIND_TEXT (ALTA_FHIR_TASK_TYPE_REFILL),
                                            ALTA_BIND_TEXT (ALTA_FHIR_TASK_TYPE_SYSTEM)),
                                add_refill_count, out_counts, error);
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
 * alta_fhir_refill_create:
 *
 * POST Task: a refill request for one of the record's active prescriptions that has
 * refills left, when none is pending for it already.
 */
gboolean
alta_fhir_refill_create (AltaFhirWrite  *write,
                         GError        **error)
{
  AltaRequest *request = write->request;
  g_autofree char *medication_id = NULL;
  g_autofree char *medication_ref = NULL;
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autoptr (JsonObject) medication = NULL;
  g_autoptr (GError) local_error = NULL;
  AltaFhirRefillCounts counts;

  if (!alta_fhir_refill_check_new (write->resource, request->language, &medication_id,
                                   &local_error))
    return refuse_write (write, g_steal_pointer (&local_error), error);

  medication_ref = g_strconcat ("MedicationRequest/", medication_id, NULL);
  medication = alta_fhir_write_load (write, medication_ref, "MedicationRequest", &record,
                                     &local_error);
  if (medication == NULL &&
      !g_error_matches (local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
    return alta_request_store_failed (request, local_error, error);
  if (medication == NULL || g_strcmp0 (record->patient_id, write->patient_id) != 0)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("There is no medicine %s in this record."), medication_ref,
                                 error);

  if (!alta_fhir_store_count_refills (request->server->store, write->patient_id, medication_id,
                                      &counts, &local_error))
    return alta_request_store_failed (request, local_error, error);

  if (!alta_fhir_refill_check_medication (medication, &counts, request->language, &local_error))
    {
      g_message ("Request %s: a refill of %s refused (%u pending, %u completed)",
                 request->request_id, medication_ref, counts.pending, counts.completed);
      return refuse_write (write, g_steal_pointer (&local_error), error);
    }

  alta_fhir_refill_prepare_new (write->resource, medication, write->author_ref, request->now);
  return TRUE;
}
