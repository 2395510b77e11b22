/* alta-message.c: a message between a patient and the care team (FHIR Communication)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-message"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-message.h"

/* A message from the care team is unread until the app sets its `received` time; what the
 * patient sent (a sender that is a Patient) is never unread.
 */

struct _AltaMessage
{
  AltaRecordItem parent_instance;

  gboolean       from_patient;
  gboolean       is_read;
  char          *text;
  char          *in_response_to;  /* the id of the message it answers */
};

G_DEFINE_FINAL_TYPE (AltaMessage, alta_message, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_FROM_PATIENT,
  PROP_IS_READ,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A message is read whole: the portal keeps up to 10 000 characters, four bytes each at most */
#define MAX_TEXT_BYTES (4 * 10000)

static char *
dup_message_text (const char *text)
{
  if (text == NULL || text[0] == '\0' || strlen (text) > MAX_TEXT_BYTES ||
      !g_utf8_validate (text, -1, NULL))
    return alta_fhir_dup_text (text);

  return g_strdup (text);
}

static void
alta_message_load (AltaRecordItem *item,
                   JsonObject     *resource)
{
  AltaMessage *self = ALTA_MESSAGE (item);
  static const char *dates[] = { "sent", "received", NULL };
  const char *sender = alta_json_get_string (alta_json_get_object (resource, "sender"),
                                             "reference");
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);
  g_autofree char *topic = alta_fhir_dup_concept_text (alta_json_get_object (resource, "topic"));
  JsonArray *payloads = alta_json_get_array (resource, "payload");
  JsonArray *answered = alta_json_get_array (resource, "inResponseTo");
  JsonObject *payload = payloads != NULL ? alta_json_array_get_object (payloads, 0) : NULL;
  JsonObject *first = answered != NULL ? alta_json_array_get_object (answered, 0) : NULL;
  const char *reference = first != NULL ? alta_json_get_string (first, "reference") : NULL;

  alta_record_item_set_title (item, topic);
  alta_record_item_set_date (item, date);
  /* A proxy writes as a RelatedPerson: theirs is from the record's side too */
  self->from_patient = sender != NULL && (g_str_has_prefix (sender, "Patient/") ||
                                          g_str_has_prefix (sender, "RelatedPerson/"));
  self->is_read = alta_json_get_string (resource, "received") != NULL;
  g_free (self->text);
  self->text = dup_message_text (payload != NULL ? alta_json_get_string (payload, "contentString")
                                                   : NULL);
  g_free (self->in_response_to);
  self->in_response_to = reference != NULL && g_str_has_prefix (reference, "Communication/")
                           ? alta_fhir_dup_text (reference + strlen ("Communication/"))
                           : NULL;
}

static void
alta_message_finalize (GObject *object)
{
  AltaMessage *self = ALTA_MESSAGE (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->in_response_to, g_free);

  G_OBJECT_CLASS (alta_message_parent_class)->finalize (object);
}

static void
alta_message_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AltaMessage *self = ALTA_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_FROM_PATIENT:
      g_value_set_boolean (value, self->from_patient);
      break;
    case PROP_IS_READ:
      g_value_set_boolean (value, self->is_read);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_message_class_init (AltaMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_message_finalize;
  object_class->get_property = alta_message_get_property;
  item_class->resource_type = "Communication";
  item_class->load = alta_message_load;

  properties[PROP_FROM_PATIENT] =
    g_param_spec_boolean ("from-patient", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_READ] =
    g_param_spec_boolean ("is-read", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_message_init (AltaMessage *self)
{
}

/**
 * alta_message_get_from_patient:
 *
 * Returns: whether the patient (or a proxy) sent it
 */
gboolean
alta_message_get_from_patient (AltaMessage *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE (self), FALSE);

  return self->from_patient;
}

/**
 * alta_message_get_is_read:
 *
 * Returns: whether it has a `received` time
 */
gboolean
alta_message_get_is_read (AltaMessage *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE (self), FALSE);

  return self->is_read;
}

/**
 * alta_message_get_is_unread:
 *
 * Returns: whether it is from the care team and not read yet
 */
gboolean
alta_message_get_is_unread (AltaMessage *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE (self), FALSE);

  return !self->is_read && !self->from_patient;
}

/**
 * alta_message_get_text:
 *
 * Returns: (nullable): what it says, as written
 */
const char *
alta_message_get_text (AltaMessage *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE (self), NULL);

  return self->text;
}

/**
 * alta_message_get_in_response_to:
 *
 * Returns: (nullable): the id of the message it answers (its `inResponseTo`), or %NULL for
 *   the first message of a thread
 */
const char *
alta_message_get_in_response_to (AltaMessage *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE (self), NULL);

  return self->in_response_to;
}
