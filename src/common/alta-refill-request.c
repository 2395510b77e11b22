/* alta-refill-request.c: a request to refill a prescription (a FHIR Task) and its answer
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-refill-request"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-refill-request.h"

/* docs/api.md, "Refill requests": the clinic completes or rejects a request, with its reason
 * in statusReason; any other status is still pending. Only Tasks with the refill-request
 * code are refill requests; the date is when it was asked for.
 */

#define TASK_TYPE_SYSTEM "https://myaltamed.net/fhir/CodeSystem/task-type"

struct _AltaRefillRequest
{
  AltaRecordItem   parent_instance;

  AltaRefillState  state;
  char            *medication_id;
  char            *reason;
  char            *note;
};

G_DEFINE_FINAL_TYPE (AltaRefillRequest, alta_refill_request, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_MEDICATION_ID,
  PROP_REASON,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static AltaRefillState
read_state (const char *status)
{
  if (g_strcmp0 (status, "completed") == 0)
    return ALTA_REFILL_COMPLETED;
  if (g_strcmp0 (status, "rejected") == 0 || g_strcmp0 (status, "cancelled") == 0 ||
      g_strcmp0 (status, "failed") == 0 || g_strcmp0 (status, "entered-in-error") == 0)
    return ALTA_REFILL_REJECTED;

  return ALTA_REFILL_PENDING;
}

static void
alta_refill_request_load (AltaRecordItem *item,
                          JsonObject     *resource)
{
  AltaRefillRequest *self = ALTA_REFILL_REQUEST (item);
  static const char *dates[] = { "authoredOn", "lastModified", NULL };
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);
  const char *focus = alta_json_get_string (alta_json_get_object (resource, "focus"),
                                            "reference");
  JsonArray *notes = alta_json_get_array (resource, "note");

  alta_record_item_set_date (item, date);
  alta_record_item_set_title (item, alta_json_get_string (resource, "description"));
  self->state = read_state (alta_json_get_string (resource, "status"));
  if (focus != NULL && g_str_has_prefix (focus, "MedicationRequest/"))
    self->medication_id = alta_fhir_dup_text (focus + strlen ("MedicationRequest/"));
  self->reason = alta_fhir_dup_concept_text (alta_json_get_object (resource, "statusReason"));
  self->note = alta_fhir_dup_text (alta_json_get_string (alta_json_array_get_object (notes, 0),
                                                         "text"));
}

static void
alta_refill_request_finalize (GObject *object)
{
  AltaRefillRequest *self = (AltaRefillRequest *)object;

  g_clear_pointer (&self->medication_id, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->note, g_free);

  G_OBJECT_CLASS (alta_refill_request_parent_class)->finalize (object);
}

static void
alta_refill_request_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AltaRefillRequest *self = ALTA_REFILL_REQUEST (object);

  switch (prop_id)
    {
    case PROP_MEDICATION_ID:
      g_value_set_string (value, self->medication_id);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_refill_request_class_init (AltaRefillRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_refill_request_finalize;
  object_class->get_property = alta_refill_request_get_property;

  properties[PROP_MEDICATION_ID] =
    g_param_spec_string ("medication-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  item_class->resource_type = "Task";
  item_class->load = alta_refill_request_load;
}

static void
alta_refill_request_init (AltaRefillRequest *self)
{
}

AltaRefillState
alta_refill_request_get_state (AltaRefillRequest *self)
{
  g_return_val_if_fail (ALTA_IS_REFILL_REQUEST (self), ALTA_REFILL_PENDING);

  return self->state;
}

/**
 * alta_refill_request_get_medication_id:
 *
 * Returns: (nullable): the id of the prescription (MedicationRequest) it asks to refill
 */
const char *
alta_refill_request_get_medication_id (AltaRefillRequest *self)
{
  g_return_val_if_fail (ALTA_IS_REFILL_REQUEST (self), NULL);

  return self->medication_id;
}

/**
 * alta_refill_request_get_reason:
 *
 * Returns: (nullable): why the clinic did not approve it, in the clinic's words
 */
const char *
alta_refill_request_get_reason (AltaRefillRequest *self)
{
  g_return_val_if_fail (ALTA_IS_REFILL_REQUEST (self), NULL);

  return self->reason;
}

/**
 * alta_refill_request_get_note:
 *
 * Returns: (nullable): the note the patient left for the pharmacy
 */
const char *
alta_refill_request_get_note (AltaRefillRequest *self)
{
  g_return_val_if_fail (ALTA_IS_REFILL_REQUEST (self), NULL);

  return self->note;
}

/**
 * alta_refill_request_new_json:
 * @patient_id: the record
 * @medication_id: the prescription to refill
 * @note: (nullable): a note for the pharmacy; blank is none
 *
 * Returns: (transfer full): the Task to create, without its request id
 *   (alta_portal_client_create_async() adds it)
 */
JsonObject *
alta_refill_request_new_json (const char *patient_id,
                              const char *medication_id,
                              const char *note)
{
  g_autofree char *focus = g_strconcat ("MedicationRequest/", medication_id, NULL);
  g_autofree char *subject = g_strconcat ("Patient/", patient_id, NULL);
  g_autofree char *trimmed = note != NULL ? g_strstrip (g_strdup (note)) : NULL;
  JsonObject *task = json_object_new ();
  JsonObject *code = json_object_new ();
  JsonObject *coding = json_object_new ();
  JsonObject *focus_reference = json_object_new ();
  JsonObject *for_reference = json_object_new ();
  JsonArray *codings = json_array_new ();

  json_object_set_string_member (task, "resourceType", "Task");
  json_object_set_string_member (task, "status", "requested");
  json_object_set_string_member (task, "intent", "order");
  json_object_set_string_member (coding, "system", TASK_TYPE_SYSTEM);
  json_object_set_string_member (coding, "code", "refill-request");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (code, "coding", codings);
  json_object_set_object_member (task, "code", code);
  json_object_set_string_member (focus_reference, "reference", focus);
  json_object_set_object_member (task, "focus", focus_reference);
  json_object_set_string_member (for_reference, "reference", subject);
  json_object_set_object_member (task, "for", for_reference);

  if (trimmed != NULL && *trimmed != '\0')
    {
      JsonArray *notes = json_array_new ();
      JsonObject *annotation = json_object_new ();

      /* The note as typed: only the blank one is dropped */
      json_object_set_string_member (annotation, "text", note);
      json_array_add_object_element (notes, annotation);
      json_object_set_array_member (task, "note", notes);
    }

  return task;
}
