/* alta-fhir-appointments.c: booking, cancelling and requesting appointments
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-appointments"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "alta-fhir-appointments.h"
#include "alta-fhir-date.h"
#include "alta-json.h"
#include "alta-store-private.h"

/* Medical visits are booked by the patient in a free Slot of a medical Schedule: the slot
 * turns busy in the same transaction, and the server fills the time, the service and the
 * clinician and clinic from the slot and its schedule. Dental visits are requested (status
 * proposed, with the periods that suit the patient and a reason) and the clinic books a
 * dental slot for them or declines them (admin confirm-dental, decline-dental). Either
 * kind is cancelled by its patient: the slot is free again.
 */

#define CANCELLATION_SYSTEM "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
#define DESCRIPTION_MAX     200
#define MAX_PERIODS         8

typedef enum
{
  BOOK_OK,
  BOOK_NO_SLOT,
  BOOK_BUSY,
  BOOK_PAST,
  BOOK_WRONG_SERVICE,
  BOOK_FAILED,             /* the store failed: see the error */
} BookResult;

static JsonObject *
parse_object (const char  *json,
              GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                           "A stored resource is not an object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Loads a resource to read or change; %NULL with ALTA_STORE_ERROR_NOT_FOUND when missing */
static JsonObject *
load_resource (AltaStore        *store,
               const char       *type,
               const char       *id,
               AltaFhirRecord  **out_record,
               GError          **error)
{
  g_autoptr (AltaFhirRecord) record = NULL;
  JsonObject *resource;

  if (!alta_fhir_id_is_valid (id))
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND, "No %s/%s", type, id);
      return NULL;
    }

  record = alta_fhir_store_get (store, type, id, error);
  if (record == NULL)
    return NULL;

  resource = parse_object (record->json, error);
  if (resource != NULL && out_record != NULL)
    *out_record = g_steal_pointer (&record);
  return resource;
}

static gboolean
put_resource (AltaStore    *store,
              JsonObject   *resource,
              const char   *id,
              const char   *patient_id,
              gint64        now,
              GError      **error)
{
  g_autoptr (AltaFhirIndex) index = alta_fhir_index_resource (resource, error);

  if (index == NULL)
    return FALSE;

  return alta_fhir_store_put (store, resource, index, id, patient_id, NULL, 0, FALSE, now, NULL,
                              error);
}

/* The code of our service-category system in a CodeableConcept array, if any */
static const char *
get_service (JsonObject *resource)
{
  JsonArray *concepts = alta_json_get_array (resource, "serviceCategory");

  for (guint i = 0; concepts != NULL && i < json_array_get_length (concepts); i++)
    {
      JsonArray *codings = alta_json_get_array (alta_json_array_get_object (concepts, i),
                                                "coding");

      for (guint j = 0; codings != NULL && j < json_array_get_length (codings); j++)
        {
          JsonObject *coding = alta_json_array_get_object (codings, j);

          if (g_strcmp0 (alta_json_get_string (coding, "system"),
                         ALTA_FHIR_SERVICE_CATEGORY_SYSTEM) == 0)
            return alta_json_get_string (coding, "code");
        }
    }

  return NULL;
}

static JsonArray *
service_category_new (const char *service)
{
  JsonArray *concepts = json_array_new ();
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", ALTA_FHIR_SERVICE_CATEGORY_SYSTEM);
  json_object_set_string_member (coding, "code", service);
  json_object_set_string_member (coding, "display",
                                 g_str_equal (service, "dental") ? "Dental" : "Medical");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (concept, "coding", codings);
  json_array_add_object_element (concepts, concept);
  return concepts;
}

static JsonObject *
reference_new (const char *reference,
               const char *display)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "reference", reference);
  if (display != NULL)
    json_object_set_string_member (object, "display", display);
  return object;
}

static JsonObject *
participant_new (JsonObject *actor,
                 const char *required,
                 const char *status)
{
  JsonObject *participant = json_object_new ();

  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "required", required);
  json_object_set_string_member (participant, "status", status);
  return participant;
}

static void
set_instant (JsonObject *object,
             const char *member,
             gint64      when)
{
  g_autofree char *text = alta_fhir_format_instant (when);

  json_object_set_string_member (object, member, text);
}

static gboolean
read_instant (JsonObject *object,
              const char *member,
              gint64     *out_when)
{
  gint64 end;

  return alta_fhir_parse_date_range (alta_json_get_string (object, member), out_when, &end);
}

/* The id of a "Type/id" reference held in object.member.reference */
static char *
dup_reference_id (JsonObject *object,
                  const char *member,
                  const char *type)
{
  const char *reference = alta_json_get_string (alta_json_get_object (object, member),
                                                "reference");
  g_autofree char *found_type = NULL;
  char *id = NULL;

  if (reference == NULL || !alta_fhir_split_reference (reference, &found_type, &id))
    return NULL;

  if (strcmp (found_type, type) != 0)
    g_clear_pointer (&id, g_free);
  return id;
}

/* The single Slot an appointment names, "Slot/<id>" */
static char *
dup_slot_id (JsonObject *appointment)
{
  JsonArray *slots = alta_json_get_array (appointment, "slot");

  if (slots == NULL || json_array_get_length (slots) != 1 ||
      alta_json_array_get_object (slots, 0) == NULL)
    return NULL;

  {
    g_autoptr (JsonObject) holder = json_object_new ();

    json_object_set_object_member (holder, "slot",
                                   json_object_ref (alta_json_array_get_object (slots, 0)));
    return dup_reference_id (holder, "slot", "Slot");
  }
}

/* Books @slot_id for @appointment: fills its time, service, clinician and clinic from the
 * slot and its schedule, and makes the slot busy. The appointment's other participants
 * (the patient, a proxy) stay.
 */
static BookResult
book_slot (AltaStore    *store,
           JsonObject   *appointment,
           const char   *slot_id,
           const char   *service,
           gint64        now,
           GError      **error)
{
  g_autoptr (JsonObject) slot = NULL;
  g_autoptr (JsonObject) schedule = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *schedule_id = NULL;
  g_autofree char *slot_ref = g_strconcat ("Slot/", slot_id, NULL);
  JsonArray *participants = alta_json_get_array (appointment, "participant");
  JsonArray *actors;
  JsonArray *slots;
  const char *slot_service;
  gint64 start, end;

  slot = load_resource (store, "Slot", slot_id, NULL, &local_error);
  if (slot == NULL)
    {
      if (g_error_matches (local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return BOOK_NO_SLOT;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return BOOK_FAILED;
    }

  schedule_id = dup_reference_id (slot, "schedule", "Schedule");
  if (schedule_id == NULL ||
      !(schedule = load_resource (store, "Schedule", schedule_id, NULL, &local_error)))
    {
      if (local_error != NULL &&
          !g_error_matches (local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return BOOK_FAILED;
        }
      return BOOK_NO_SLOT;
    }

  if (g_strcmp0 (alta_json_get_string (slot, "status"), "free") != 0)
    return BOOK_BUSY;

  if (!read_instant (slot, "start", &start) || !read_instant (slot, "end", &end) ||
      start <= now)
    return BOOK_PAST;

  slot_service = get_service (slot);
  if (slot_service == NULL)
    slot_service = get_service (schedule);
  if (g_strcmp0 (slot_service, service) != 0)
    return BOOK_WRONG_SERVICE;

  set_instant (appointment, "start", start);
  set_instant (appointment, "end", end);
  json_object_set_int_member (appointment, "minutesDuration", (end - start) / 60);
  json_object_set_array_member (appointment, "serviceCategory", service_category_new (service));
  if (json_object_has_member (schedule, "serviceType"))
    json_object_set_member (appointment, "serviceType",
                            json_node_copy (json_object_get_member (schedule, "serviceType")));
  if (json_object_has_member (schedule, "specialty"))
    json_object_set_member (appointment, "specialty",
                            json_node_copy (json_object_get_member (schedule, "specialty")));

  slots = json_array_new ();
  json_array_add_object_element (slots, reference_new (slot_ref, NULL));
  json_object_set_array_member (appointment, "slot", slots);

  /* The clinician and the clinic of the schedule take part (a clinic the request named
   * already accepts). */
  actors = alta_json_get_array (schedule, "actor");
  for (guint i = 0; actors != NULL && i < json_array_get_length (actors); i++)
    {
      JsonObject *actor = alta_json_array_get_object (actors, i);
      const char *reference = alta_json_get_string (actor, "reference");
      gboolean present = FALSE;

      if (reference == NULL)
        continue;

      for (guint j = 0; j < json_array_get_length (participants); j++)
        {
          JsonObject *participant = alta_json_array_get_object (participants, j);

          if (g_strcmp0 (alta_json_get_string (alta_json_get_object (participant, "actor"),
                                               "reference"), reference) == 0)
            {
              json_object_set_string_member (participant, "status", "accepted");
              present = TRUE;
            }
        }

      if (!present)
        json_array_add_object_element (participants,
                                       participant_new (json_object_ref (actor), "required",
                                                        "accepted"));
    }

  json_object_set_string_member (slot, "status", "busy");
  if (!put_resource (store, slot, slot_id, NULL, now, error))
    return BOOK_FAILED;

  return BOOK_OK;
}

/* Frees the slots of a booked appointment that is cancelled */
static gboolean
free_slots (AltaStore   *store,
            JsonObject  *appointment,
            gint64       now,
            GError     **error)
{
  JsonArray *slots = alta_json_get_array (appointment, "slot");

  for (guint i = 0; slots != NULL && i < json_array_get_length (slots); i++)
    {
      g_autoptr (JsonObject) holder = json_object_new ();
      g_autoptr (JsonObject) slot = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *slot_id = NULL;

      if (alta_json_array_get_object (slots, i) == NULL)
        continue;
      json_object_set_object_member (holder, "slot",
                                     json_object_ref (alta_json_array_get_object (slots, i)));
      slot_id = dup_reference_id (holder, "slot", "Slot");
      if (slot_id == NULL)
        continue;

      slot = load_resource (store, "Slot", slot_id, NULL, &local_error);
      if (slot == NULL)
        {
          if (g_error_matches (local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (g_strcmp0 (alta_json_get_string (slot, "status"), "busy") != 0)
        continue;

      json_object_set_string_member (slot, "status", "free");
      if (!put_resource (store, slot, slot_id, NULL, now, error))
        return FALSE;
    }

  return TRUE;
}

/* Copies what the patient may say about a visit: their identifiers, a description and
 * a comment (the reason). Each is checked for its type and length.
 */
static gboolean
copy_patient_fields (AltaFhirWrite  *write,
                     JsonObject     *appointment,
                     GError        **error)
{
  JsonObject *body = write->resource;
  JsonNode *identifier = json_object_get_member (body, "identifier");
  static const struct
  {
    const char *member;
    guint       max;
  } texts[] = {
    { "description", DESCRIPTION_MAX },
    { "comment", ALTA_FHIR_DENTAL_REASON_MAX },
  };

  /* Identifiers are kept as system and value only, each a string */
  if (identifier != NULL)
    {
      JsonArray *given = JSON_NODE_HOLDS_ARRAY (identifier) ? json_node_get_array (identifier)
                                                            : NULL;
      JsonArray *kept = json_array_new ();

      json_object_set_array_member (appointment, "identifier", kept);
      if (given == NULL || json_array_get_length (given) > 8)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                     N_("The field “%s” is missing or not valid."),
                                     "identifier", error);

      for (guint i = 0; i < json_array_get_length (given); i++)
        {
          JsonObject *object = alta_json_array_get_object (given, i);
          const char *system = alta_json_get_string (object, "system");
          const char *value = alta_json_get_string (object, "value");
          JsonObject *copy;

          if (object == NULL || value == NULL || value[0] == '\0' || strlen (value) > 256 ||
              (json_object_has_member (object, "system") &&
               (system == NULL || strlen (system) > 1024)))
            return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                         N_("The field “%s” is missing or not valid."),
                                         "identifier", error);

          copy = json_object_new ();
          if (system != NULL)
            json_object_set_string_member (copy, "system", system);
          json_object_set_string_member (copy, "value", value);
          json_array_add_object_element (kept, copy);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      JsonNode *node = json_object_get_member (body, texts[i].member);
      const char *text;

      if (node == NULL)
        continue;

      text = alta_json_get_string (body, texts[i].member);
      if (text == NULL)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                     N_("The field “%s” is missing or not valid."),
                                     texts[i].member, error);
      if (g_utf8_strlen (text, -1) > texts[i].max)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                     /* Translators: %s is a FHIR element, such as "comment" */
                                     N_("The text of “%s” is too long."), texts[i].member,
                                     error);
      /* FHIR strings are never blank: a blank text is no text */
      {
        g_autofree char *stripped = g_strstrip (g_strdup (text));

        if (stripped[0] != '\0')
          json_object_set_string_member (appointment, texts[i].member, text);
      }
    }

  return TRUE;
}

/* The patient (and the proxy who writes for them) as participants */
static JsonArray *
writer_participants_new (AltaFhirWrite *write,
                         const char    *patient_status)
{
  JsonArray *participants = json_array_new ();
  g_autofree char *patient_ref = g_strconcat ("Patient/", write->patient_id, NULL);

  json_array_add_object_element (participants,
                                 participant_new (reference_new (patient_ref, NULL), "required",
                                                  patient_status));
  if (write->is_proxy)
    json_array_add_object_element (participants,
                                   participant_new (reference_new (write->author_ref, NULL),
                                                    "information-only", "accepted"));
  return participants;
}

static gboolean
create_booked (AltaFhirWrite  *write,
               JsonObject     *appointment,
               GError        **error)
{
  AltaStore *store = write->request->server->store;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *slot_id = dup_slot_id (write->resource);
  const char *service = get_service (write->resource);

  if (service != NULL && !g_str_equal (service, "medical"))
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("Only medical visits are booked in a free slot; a %s visit "
                                    "is requested (status proposed)."), service, error);

  if (slot_id == NULL)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                 N_("The field “%s” must name one slot as Slot/<id>."), "slot",
                                 error);

  json_object_set_string_member (appointment, "status", "booked");
  json_object_set_array_member (appointment, "participant",
                                writer_participants_new (write, "accepted"));

  switch (book_slot (store, appointment, slot_id, "medical", write->request->now, &store_error))
    {
    case BOOK_OK:
      return TRUE;
    case BOOK_NO_SLOT:
      return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                   N_("There is no slot %s to book."), slot_id, error);
    case BOOK_BUSY:
      return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_CONFLICT,
                                   N_("This time was just taken (slot %s). Please choose "
                                      "another one."), slot_id, error);
    case BOOK_PAST:
      return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                   N_("The slot %s is in the past."), slot_id, error);
    case BOOK_WRONG_SERVICE:
      return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                   N_("The slot %s is not for medical visits."), slot_id, error);
    case BOOK_FAILED:
      return alta_request_store_failed (write->request, store_error, error);
    default:
      g_assert_not_reached ();
    }
}

/* Checks the requested periods and copies each as start and end only */
static gboolean
check_requested_periods (AltaFhirWrite  *write,
                         JsonArray      *periods,
                         JsonArray      *kept,
                         GError        **error)
{
  if (periods == NULL || json_array_get_length (periods) == 0)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("A dental request needs “%s”: when the visit would suit "
                                    "you."), "requestedPeriod", error);

  if (json_array_get_length (periods) > MAX_PERIODS)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("The field “%s” has too many periods."), "requestedPeriod",
                                 error);

  for (guint i = 0; i < json_array_get_length (periods); i++)
    {
      JsonObject *period = alta_json_array_get_object (periods, i);
      gint64 start, start_end, end, end_end;
      const char *end_text;

      if (period == NULL ||
          !alta_fhir_parse_date_range (alta_json_get_string (period, "start"), &start,
                                       &start_end))
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                     N_("The field “%s” is missing or not valid."),
                                     "requestedPeriod", error);

      end_text = alta_json_get_string (period, "end");
      if (json_object_has_member (period, "end") &&
          (!alta_fhir_parse_date_range (end_text, &end, &end_end) || end_end < start))
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                     N_("The field “%s” is missing or not valid."),
                                     "requestedPeriod", error);

      if (start_end <= write->request->now)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                     N_("The requested period starting %s is in the past."),
                                     alta_json_get_string (period, "start"), error);

      {
        JsonObject *copy = json_object_new ();

        json_object_set_string_member (copy, "start", alta_json_get_string (period, "start"));
        if (end_text != NULL)
          json_object_set_string_member (copy, "end", end_text);
        json_array_add_object_element (kept, copy);
      }
    }

  return TRUE;
}

static gboolean
create_proposed (AltaFhirWrite  *write,
                 JsonObject     *appointment,
                 GError        **error)
{
  JsonArray *periods = alta_json_get_array (write->resource, "requestedPeriod");
  const char *service = get_service (write->resource);
  const char *comment = alta_json_get_string (appointment, "comment");
  g_autofree char *stripped = g_strstrip (g_strdup (comment != NULL ? comment : ""));
  JsonArray *kept_periods;

  if (g_strcmp0 (service, "dental") != 0)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("Only dental visits are requested; a medical visit is "
                                    "booked in a free slot (status %s)."), "booked", error);

  if (json_object_has_member (write->resource, "slot"))
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("A dental request names no slot (“%s”): the clinic "
                                    "chooses one."), "slot", error);

  kept_periods = json_array_new ();
  json_object_set_array_member (appointment, "requestedPeriod", kept_periods);
  if (!check_requested_periods (write, periods, kept_periods, error))
    return FALSE;

  if (stripped[0] == '\0')
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("A dental request needs a reason (“%s”)."), "comment",
                                 error);

  json_object_set_string_member (appointment, "status", "proposed");
  json_object_set_array_member (appointment, "serviceCategory", service_category_new ("dental"));
  json_object_set_array_member (appointment, "participant",
                                writer_participants_new (write, "accepted"));
  return TRUE;
}

/**
 * alta_fhir_appointment_create:
 *
 * POST Appointment: a medical visit booked in a free slot (status booked), or a dental
 * visit requested (status proposed). The stored resource is built by the server from
 * what the patient may choose; the rest comes from the slot and its schedule.
 */
gboolean
alta_fhir_appointment_create (AltaFhirWrite  *write,
                              GError        **error)
{
  g_autoptr (JsonObject) appointment = json_object_new ();
  const char *status = alta_json_get_string (write->resource, "status");
  gboolean ok;

  json_object_set_string_member (appointment, "resourceType", "Appointment");

  if (status == NULL)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                 N_("The field “%s” is missing or not valid."), "status", error);

  if (!copy_patient_fields (write, appointment, error))
    return FALSE;

  if (g_str_equal (status, "booked"))
    ok = create_booked (write, appointment, error);
  else if (g_str_equal (status, "proposed"))
    ok = create_proposed (write, appointment, error);
  else
    /* Translators: %s is an appointment status, such as "arrived" */
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("A new appointment is booked or proposed, not %s."), status,
                                 error);
  if (!ok)
    return FALSE;

  set_instant (appointment, "created", write->request->now);
  json_object_unref (write->resource);
  write->resource = g_steal_pointer (&appointment);
  return TRUE;
}

static JsonObject *
cancelation_reason_new (const char *code,
                        const char *display,
                        const char *text)
{
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", CANCELLATION_SYSTEM);
  json_object_set_string_member (coding, "code", code);
  json_object_set_string_member (coding, "display", display);
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (concept, "coding", codings);
  if (text != NULL)
    json_object_set_string_member (concept, "text", text);
  return concept;
}

/**
 * alta_fhir_appointment_update:
 *
 * PUT or PATCH Appointment: the patient cancels a visit or a request. Only `status` (to
 * cancelled) and `cancelationReason` may change; a booked visit's slot is free again.
 */
gboolean
alta_fhir_appointment_update (AltaFhirWrite  *write,
                              GError        **error)
{
  static const char * const allowed[] = { "status", "cancelationReason", NULL };
  const char *old_status = alta_json_get_string (write->existing_resource, "status");
  const char *new_status = alta_json_get_string (write->resource, "status");
  JsonNode *reason = json_object_get_member (write->resource, "cancelationReason");
  gint64 start;

  if (!alta_fhir_write_only_changed (write, allowed, error))
    return FALSE;

  if (new_status == NULL)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                 N_("The field “%s” is missing or not valid."), "status", error);

  if (g_strcmp0 (old_status, "cancelled") == 0)
    {
      JsonNode *old_reason = json_object_get_member (write->existing_resource,
                                                     "cancelationReason");

      /* Sending the cancellation again (with or without its reason) changes nothing. */
      if (g_str_equal (new_status, "cancelled") && reason == NULL)
        {
          if (old_reason != NULL)
            json_object_set_member (write->resource, "cancelationReason",
                                    json_node_copy (old_reason));
          return TRUE;
        }
      if (g_str_equal (new_status, "cancelled") && old_reason != NULL &&
          json_node_equal (reason, old_reason))
        return TRUE;
      return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                   N_("A cancelled appointment cannot be changed or booked "
                                      "again (%s)."), new_status, error);
    }

  if (g_strcmp0 (old_status, new_status) == 0)
    {
      if (reason != NULL)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                     N_("“%s” is only given when cancelling."),
                                     "cancelationReason", error);
      return TRUE;
    }

  if (!g_str_equal (new_status, "cancelled"))
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("An appointment can only be cancelled here, not made %s."),
                                 new_status, error);

  if (g_strcmp0 (old_status, "booked") != 0 && g_strcmp0 (old_status, "proposed") != 0 &&
      g_strcmp0 (old_status, "pending") != 0)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("An appointment that is %s can no longer be cancelled."),
                                 old_status, error);

  if (g_strcmp0 (old_status, "booked") == 0 &&
      read_instant (write->existing_resource, "start", &start) && start <= write->request->now)
    return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                 N_("This visit has begun (%s); call the clinic instead."),
                                 alta_json_get_string (write->existing_resource, "start"),
                                 error);

  if (reason != NULL)
    {
      JsonObject *concept = JSON_NODE_HOLDS_OBJECT (reason) ? json_node_get_object (reason) : NULL;
      const char *text = concept != NULL ? alta_json_get_string (concept, "text") : NULL;

      if (concept == NULL || (json_object_has_member (concept, "text") && text == NULL))
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                                     N_("The field “%s” is missing or not valid."),
                                     "cancelationReason", error);
      if (text != NULL && g_utf8_strlen (text, -1) > ALTA_FHIR_DENTAL_REASON_MAX)
        return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                     N_("The text of “%s” is too long."), "cancelationReason",
                                     error);
    }

  /* The patient cancels: the reason's code says so, with their words if they gave some. */
  {
    JsonObject *concept = reason != NULL ? json_node_get_object (reason) : NULL;
    g_autofree char *text = g_strdup (concept != NULL ? alta_json_get_string (concept, "text")
                                                      : NULL);

    if (text != NULL && g_strstrip (text)[0] == '\0')
      g_clear_pointer (&text, g_free);
    json_object_set_object_member (write->resource, "cancelationReason",
                                   cancelation_reason_new ("pat", "Patient", text));
  }

  if (g_strcmp0 (old_status, "booked") == 0)
    {
      g_autoptr (GError) store_error = NULL;

      if (!free_slots (write->request->server->store, write->existing_resource,
                       write->request->now, &store_error))
        return alta_request_store_failed (write->request, store_error, error);
    }

  return TRUE;
}

/* The clinic's side */

static char *
dup_display_name (AltaStore  *store,
                  const char *type,
                  const char *id)
{
  g_autoptr (JsonObject) resource = load_resource (store, type, id, NULL, NULL);
  JsonArray *names;
  JsonObject *name;
  JsonArray *given;
  g_autoptr (GString) text = NULL;

  if (resource == NULL)
    return NULL;

  if (g_str_equal (type, "Location"))
    return g_strdup (alta_json_get_string (resource, "name"));

  names = alta_json_get_array (resource, "name");
  name = names != NULL ? alta_json_array_get_object (names, 0) : NULL;
  if (name == NULL)
    return NULL;
  if (alta_json_get_string (name, "text") != NULL)
    return g_strdup (alta_json_get_string (name, "text"));

  text = g_string_new (NULL);
  given = alta_json_get_array (name, "given");
  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    g_string_append_printf (text, "%s ", json_array_get_string_element (given, i));
  if (alta_json_get_string (name, "family") != NULL)
    g_string_append (text, alta_json_get_string (name, "family"));
  return text->len > 0 ? g_strdup (g_strstrip (text->str)) : NULL;
}

/* The Schedule of a clinician at a clinic for a service, if there is one */
static char *
find_schedule (AltaStore   *store,
               const char  *practitioner_ref,
               const char  *location_ref,
               const char  *service,
               GError     **error)
{
  return alta_store_query_optional (store,
                                    "SELECT r.id FROM fhir_resources r"
                                    " WHERE r.type = 'Schedule'"
                                    "  AND EXISTS (SELECT 1 FROM fhir_refs f WHERE f.rid = r.rid"
                                    "   AND f.param = 'actor' AND f.target = ?1)"
                                    "  AND EXISTS (SELECT 1 FROM fhir_refs f WHERE f.rid = r.rid"
                                    "   AND f.param = 'actor' AND f.target = ?2)"
                                    "  AND EXISTS (SELECT 1 FROM fhir_tokens t WHERE t.rid = r.rid"
                                    "   AND t.param = 'service-category' AND t.code = ?3)"
                                    " ORDER BY r.rid LIMIT 1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (practitioner_ref),
                                                ALTA_BIND_TEXT (location_ref),
                                                ALTA_BIND_TEXT (service)),
                                    alta_store_read_text, error);
}

static gboolean
has_slot_at (AltaStore   *store,
             const char  *schedule_ref,
             gint64       start,
             gboolean    *out_found,
             GError     **error)
{
  gint64 found = 0;

  *out_found = FALSE;
  if (!alta_store_query_each (store,
                              "SELECT 1 FROM fhir_resources r"
                              " WHERE r.type = 'Slot' AND r.patient_id IS NULL"
                              "  AND r.date_start = ?2"
                              "  AND EXISTS (SELECT 1 FROM fhir_refs f WHERE f.rid = r.rid"
                              "   AND f.param = 'schedule' AND f.target = ?1)",
                              ALTA_BINDS (ALTA_BIND_TEXT (schedule_ref), ALTA_BIND_INT (start)),
                              alta_store_copy_int64, &found, error))
    return FALSE;

  *out_found = found != 0;
  return TRUE;
}

static JsonObject *
period_new (gint64 start,
            gint64 end)
{
  JsonObject *period = json_object_new ();

  set_instant (period, "start", start);
  set_instant (period, "end", end);
  return period;
}

/**
 * alta_fhir_appointments_open_slots:
 * @store: the store, in a transaction
 * @practitioner_id: the clinician
 * @location_id: the clinic
 * @service: "medical" or "dental"
 * @zone: the clinic's time zone: slots are in its clinic hours
 * @days: how many days from today
 * @first_minute: the first slot's start, in minutes after midnight
 * @last_minute: when the last slot ends
 * @slot_minutes: each slot's length
 * @weekdays_only: no slots on Saturdays and Sundays
 * @now: the time
 * @out_schedule_id: (out) (transfer full): the schedule, found or made
 * @out_n_created: (out): how many slots were made (a slot already there is kept)
 * @error: return location for a #GError
 *
 * Makes the clinician's schedule at the clinic when there is none, and free slots in it.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_fhir_appointments_open_slots (AltaStore   *store,
                                   const char  *practitioner_id,
                                   const char  *location_id,
                                   const char  *service,
                                   GTimeZone   *zone,
                                   int          days,
                                   int          first_minute,
                                   int          last_minute,
                                   int          slot_minutes,
                                   gboolean     weekdays_only,
                                   gint64       now,
                                   char       **out_schedule_id,
                                   guint       *out_n_created,
                                   GError     **error)
{
  g_autofree char *practitioner_ref = g_strconcat ("Practitioner/", practitioner_id, NULL);
  g_autofree char *location_ref = g_strconcat ("Location/", location_id, NULL);
  g_autofree char *schedule_id = NULL;
  g_autofree char *schedule_ref = NULL;
  g_autoptr (JsonObject) schedule = NULL;
  g_autoptr (GDateTime) now_local = NULL;
  gint64 horizon_end = now;
  guint n_created = 0;

  g_return_val_if_fail (days > 0 && slot_minutes > 0 && first_minute < last_minute, FALSE);

  for (guint i = 0; i < 2; i++)
    {
      const char *type = i == 0 ? "Practitioner" : "Location";
      g_autoptr (AltaFhirRecord) record = alta_fhir_store_get (store, type,
                                                               i == 0 ? practitioner_id
                                                                      : location_id,
                                                               error);
      if (record == NULL)
        return FALSE;
    }

  schedule_id = find_schedule (store, practitioner_ref, location_ref, service, error);
  if (schedule_id == NULL && error != NULL && *error != NULL)
    return FALSE;

  if (schedule_id != NULL)
    {
      schedule = load_resource (store, "Schedule", schedule_id, NULL, error);
      if (schedule == NULL)
        return FALSE;
    }
  else
    {
      JsonArray *actors = json_array_new ();
      g_autofree char *practitioner_name = dup_display_name (store, "Practitioner",
                                                             practitioner_id);
      g_autofree char *location_name = dup_display_name (store, "Location", location_id);

      schedule_id = g_uuid_string_random ();
      schedule = json_object_new ();
      json_object_set_string_member (schedule, "resourceType", "Schedule");
      json_object_set_boolean_member (schedule, "active", TRUE);
      json_object_set_array_member (schedule, "serviceCategory", service_category_new (service));
      json_array_add_object_element (actors, reference_new (practitioner_ref, practitioner_name));
      json_array_add_object_element (actors, reference_new (location_ref, location_name));
      json_object_set_array_member (schedule, "actor", actors);
    }
  schedule_ref = g_strconcat ("Schedule/", schedule_id, NULL);

  now_local = g_date_time_new_from_unix_utc (now);
  {
    g_autoptr (GDateTime) in_zone = g_date_time_to_timezone (now_local, zone);

    g_clear_pointer (&now_local, g_date_time_unref);
    now_local = g_date_time_new (zone, g_date_time_get_year (in_zone),
                                 g_date_time_get_month (in_zone),
                                 g_date_time_get_day_of_month (in_zone), 0, 0, 0);
  }

  for (int day = 0; day < days; day++)
    {
      g_autoptr (GDateTime) date = g_date_time_add_days (now_local, day);
      int weekday = g_date_time_get_day_of_week (date);   /* 1 Monday … 7 Sunday */

      if (weekdays_only && weekday >= 6)
        continue;

      for (int minute = first_minute; minute + slot_minutes <= last_minute;
           minute += slot_minutes)
        {
          g_autoptr (GDateTime) start_time = g_date_time_new (zone,
                                                              g_date_time_get_year (date),
                                                              g_date_time_get_month (date),
                                                              g_date_time_get_day_of_month (date),
                                                              minute / 60, minute % 60, 0);
          g_autoptr (JsonObject) slot = NULL;
          g_autofree char *slot_id = NULL;
          gint64 start = g_date_time_to_unix (start_time);
          gint64 end = start + slot_minutes * 60;
          gboolean found;

          if (start <= now)
            continue;
          horizon_end = MAX (horizon_end, end);

          if (!has_slot_at (store, schedule_ref, start, &found, error))
            return FALSE;
          if (found)
            continue;

          slot = json_object_new ();
          json_object_set_string_member (slot, "resourceType", "Slot");
          json_object_set_array_member (slot, "serviceCategory", service_category_new (service));
          json_object_set_object_member (slot, "schedule", reference_new (schedule_ref, NULL));
          json_object_set_string_member (slot, "status", "free");
          set_instant (slot, "start", start);
          set_instant (slot, "end", end);
          slot_id = g_uuid_string_random ();
          if (!put_resource (store, slot, slot_id, NULL, now, error))
            return FALSE;
          n_created++;
        }
    }

  /* The schedule's horizon reaches its last slot. */
  {
    JsonObject *horizon = alta_json_get_object (schedule, "planningHorizon");
    gint64 old_start = now, old_end = now;

    if (horizon != NULL)
      {
        read_instant (horizon, "start", &old_start);
        read_instant (horizon, "end", &old_end);
      }
    json_object_set_object_member (schedule, "planningHorizon",
                                   period_new (MIN (old_start, now), MAX (old_end, horizon_end)));
    if (!put_resource (store, schedule, schedule_id, NULL, now, error))
      return FALSE;
  }

  *out_schedule_id = g_steal_pointer (&schedule_id);
  *out_n_created = n_created;
  return TRUE;
}

static JsonObject *
load_dental_request (AltaStore        *store,
                     const char       *appointment_id,
                     AltaFhirRecord  **out_record,
                     GError          **error)
{
  g_autoptr (JsonObject) appointment = load_resource (store, "Appointment", appointment_id,
                                                      out_record, error);

  if (appointment == NULL)
    return NULL;

  if (g_strcmp0 (alta_json_get_string (appointment, "status"), "proposed") != 0 ||
      g_strcmp0 (get_service (appointment), "dental") != 0)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "Appointment/%s is not a dental request waiting for an answer (it is %s)",
                   appointment_id, alta_json_get_string (appointment, "status"));
      return NULL;
    }

  return g_steal_pointer (&appointment);
}

/**
 * alta_fhir_appointments_confirm_dental:
 * @store: the store, in a transaction
 * @appointment_id: a dental request (status proposed)
 * @slot_id: a free dental slot
 * @now: the time
 * @out_patient_id: (out) (transfer full): whose request it was, for the notice mail
 * @error: return location for a #GError
 *
 * Books the slot for the request: it becomes booked, at the slot's time, and the slot busy.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_fhir_appointments_confirm_dental (AltaStore   *store,
                                       const char  *appointment_id,
                                       const char  *slot_id,
                                       gint64       now,
                                       char       **out_patient_id,
                                       GError     **error)
{
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autoptr (JsonObject) appointment = load_dental_request (store, appointment_id, &record,
                                                            error);
  const char *problem = NULL;

  if (appointment == NULL)
    return FALSE;

  switch (book_slot (store, appointment, slot_id, "dental", now, error))
    {
    case BOOK_OK:
      break;
    case BOOK_NO_SLOT:
      problem = "there is no such slot";
      break;
    case BOOK_BUSY:
      problem = "the slot is not free";
      break;
    case BOOK_PAST:
      problem = "the slot is in the past";
      break;
    case BOOK_WRONG_SERVICE:
      problem = "the slot is not for dental visits";
      break;
    case BOOK_FAILED:
      return FALSE;
    default:
      g_assert_not_reached ();
    }

  if (problem != NULL)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "Slot/%s: %s", slot_id,
                   problem);
      return FALSE;
    }

  json_object_set_string_member (appointment, "status", "booked");
  if (!put_resource (store, appointment, appointment_id, record->patient_id, now, error))
    return FALSE;

  *out_patient_id = g_strdup (record->patient_id);
  return TRUE;
}

/**
 * alta_fhir_appointments_decline_dental:
 * @store: the store, in a transaction
 * @appointment_id: a dental request (status proposed)
 * @reason: why, for the patient to read
 * @now: the time
 * @out_patient_id: (out) (transfer full): whose request it was, for the notice mail
 * @error: return location for a #GError
 *
 * The request becomes cancelled, with the clinic ("prov") as the cancellation reason's code
 * and @reason as its text; the clinic's participation is declined.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_fhir_appointments_decline_dental (AltaStore   *store,
                                       const char  *appointment_id,
                                       const char  *reason,
                                       gint64       now,
                                       char       **out_patient_id,
                                       GError     **error)
{
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autoptr (JsonObject) appointment = NULL;
  g_autofree char *text = g_strstrip (g_strdup (reason));
  JsonArray *participants;

  if (text[0] == '\0' || g_utf8_strlen (text, -1) > ALTA_FHIR_DENTAL_REASON_MAX)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "The reason must be 1 to %d characters", ALTA_FHIR_DENTAL_REASON_MAX);
      return FALSE;
    }

  appointment = load_dental_request (store, appointment_id, &record, error);
  if (appointment == NULL)
    return FALSE;

  json_object_set_string_member (appointment, "status", "cancelled");
  json_object_set_object_member (appointment, "cancelationReason",
                                 cancelation_reason_new ("prov", "Provider", text));

  participants = alta_json_get_array (appointment, "participant");
  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = alta_json_array_get_object (participants, i);
      const char *reference = alta_json_get_string (alta_json_get_object (participant, "actor"),
                                                    "reference");

      if (reference != NULL && !g_str_has_prefix (reference, "Patient/") &&
          !g_str_has_prefix (reference, "RelatedPerson/"))
        json_object_set_string_member (participant, "status", "declined");
    }

  if (!put_resource (store, appointment, appointment_id, record->patient_id, now, error))
    return FALSE;

  *out_patient_id = g_strdup (record->patient_id);
  return TRUE;
}
