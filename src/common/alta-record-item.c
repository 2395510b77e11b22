/* alta-record-item.c: one entry of a patient's record, read from FHIR R4
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-record-item"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-record-item.h"

/* Every entry the record's pages list (an allergy, a vaccine, a result…) has an id, a
 * title, a date and a status; subclasses add what their page shows. They are read from
 * whatever a FHIR server sends: missing elements, unknown codes and wrong types leave a
 * property empty and never fail.
 */

typedef struct
{
  char      *id;
  char      *title;
  GDateTime *date;
  GDateTime *updated;
  char      *status;
  char      *version;
} AltaRecordItemPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AltaRecordItem, alta_record_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DATE,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_record_item_finalize (GObject *object)
{
  AltaRecordItem *self = (AltaRecordItem *)object;
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->date, g_date_time_unref);
  g_clear_pointer (&priv->updated, g_date_time_unref);
  g_clear_pointer (&priv->status, g_free);
  g_clear_pointer (&priv->version, g_free);

  G_OBJECT_CLASS (alta_record_item_parent_class)->finalize (object);
}

static void
alta_record_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AltaRecordItem *self = ALTA_RECORD_ITEM (object);
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_DATE:
      g_value_set_boxed (value, priv->date);
      break;
    case PROP_STATUS:
      g_value_set_string (value, priv->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_record_item_class_init (AltaRecordItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = alta_record_item_finalize;
  object_class->get_property = alta_record_item_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATE] =
    g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_record_item_init (AltaRecordItem *self)
{
}

/**
 * alta_record_item_new_from_json:
 * @type: a subclass of #AltaRecordItem
 * @resource: a FHIR resource
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL when @resource is not of
 *   @type's resource type
 */
AltaRecordItem *
alta_record_item_new_from_json (GType       type,
                                JsonObject *resource)
{
  g_autoptr (GTypeClass) type_class = NULL;
  AltaRecordItemClass *klass;
  AltaRecordItemPrivate *priv;
  AltaRecordItem *self;

  g_return_val_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM), NULL);
  g_return_val_if_fail (resource != NULL, NULL);

  type_class = g_type_class_ref (type);
  klass = ALTA_RECORD_ITEM_CLASS (type_class);
  if (g_strcmp0 (alta_json_get_string (resource, "resourceType"), klass->resource_type) != 0)
    return NULL;

  self = g_object_new (type, NULL);
  priv = alta_record_item_get_instance_private (self);
  priv->id = alta_fhir_dup_text (alta_json_get_string (resource, "id"));
  priv->status = alta_fhir_dup_text (alta_json_get_string (resource, "status"));
  priv->updated = alta_fhir_parse_date (alta_json_get_string (alta_json_get_object (resource, "meta"),
                                                              "lastUpdated"));
  priv->version = alta_fhir_dup_text (alta_json_get_string (alta_json_get_object (resource, "meta"),
                                                            "versionId"));
  klass->load (self, resource);

  return self;
}

const char *
alta_record_item_get_id (AltaRecordItem *self)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_return_val_if_fail (ALTA_IS_RECORD_ITEM (self), NULL);
  return priv->id;
}

/**
 * alta_record_item_get_title:
 *
 * Returns: (nullable): what the entry is called (a substance, a vaccine, a test…)
 */
const char *
alta_record_item_get_title (AltaRecordItem *self)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_return_val_if_fail (ALTA_IS_RECORD_ITEM (self), NULL);
  return priv->title;
}

/**
 * alta_record_item_get_date:
 *
 * Returns: (nullable) (transfer none): when it happened, or was recorded
 */
GDateTime *
alta_record_item_get_date (AltaRecordItem *self)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_return_val_if_fail (ALTA_IS_RECORD_ITEM (self), NULL);
  return priv->date;
}

/**
 * alta_record_item_get_updated:
 *
 * Returns: (nullable) (transfer none): when the server last changed it (meta.lastUpdated):
 *   for a result, about when it was released
 */
GDateTime *
alta_record_item_get_updated (AltaRecordItem *self)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_return_val_if_fail (ALTA_IS_RECORD_ITEM (self), NULL);
  return priv->updated;
}

/**
 * alta_record_item_get_status:
 *
 * Returns: (nullable): the resource's status code, or its clinical status
 */
const char *
alta_record_item_get_status (AltaRecordItem *self)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_return_val_if_fail (ALTA_IS_RECORD_ITEM (self), NULL);
  return priv->status;
}

/**
 * alta_record_item_get_version:
 *
 * Returns: (nullable): the version the portal had when it was read (`meta.versionId`), for
 *   a change that must not overwrite a newer one
 */
const char *
alta_record_item_get_version (AltaRecordItem *self)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_return_val_if_fail (ALTA_IS_RECORD_ITEM (self), NULL);
  return priv->version;
}

void
alta_record_item_set_title (AltaRecordItem *self,
                            const char     *title)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_free (priv->title);
  priv->title = alta_fhir_dup_text (title);
}

void
alta_record_item_set_date (AltaRecordItem *self,
                           GDateTime      *date)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_clear_pointer (&priv->date, g_date_time_unref);
  priv->date = date != NULL ? g_date_time_ref (date) : NULL;
}

void
alta_record_item_set_status (AltaRecordItem *self,
                             const char     *status)
{
  AltaRecordItemPrivate *priv = alta_record_item_get_instance_private (self);

  g_free (priv->status);
  priv->status = alta_fhir_dup_text (status);
}

/**
 * alta_fhir_dup_text:
 * @text: (nullable): text from a resource
 *
 * Returns: (nullable): @text, cut at %ALTA_RECORD_MAX_TEXT bytes on a character
 *   boundary; %NULL for a missing or empty text or one that is not UTF-8
 */
char *
alta_fhir_dup_text (const char *text)
{
  g_autofree char *cut = NULL;
  const char *end;

  if (text == NULL || text[0] == '\0' || !g_utf8_validate (text, -1, NULL))
    return NULL;

  if (strlen (text) <= ALTA_RECORD_MAX_TEXT)
    return g_strdup (text);

  end = g_utf8_find_prev_char (text, text + ALTA_RECORD_MAX_TEXT);
  cut = g_strndup (text, end - text);
  return g_strconcat (cut, "…", NULL);
}

/**
 * alta_fhir_dup_concept_text:
 * @concept: (nullable): a CodeableConcept
 *
 * Returns: (nullable): its text, else the display of its first coding that has one, else
 *   its first code
 */
char *
alta_fhir_dup_concept_text (JsonObject *concept)
{
  JsonArray *codings = alta_json_get_array (concept, "coding");
  const char *text = alta_json_get_string (concept, "text");

  if (text != NULL && text[0] != '\0')
    return alta_fhir_dup_text (text);

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      const char *display = alta_json_get_string (alta_json_array_get_object (codings, i),
                                                  "display");

      if (display != NULL && display[0] != '\0')
        return alta_fhir_dup_text (display);
    }

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      const char *code = alta_json_get_string (alta_json_array_get_object (codings, i), "code");

      if (code != NULL && code[0] != '\0')
        return alta_fhir_dup_text (code);
    }

  return NULL;
}

/**
 * alta_fhir_dup_concept_code:
 * @concept: (nullable): a CodeableConcept
 * @out_system: (out) (optional) (nullable): the coding's system
 *
 * Returns: (nullable): the code of its first coding that has one
 */
char *
alta_fhir_dup_concept_code (JsonObject  *concept,
                            char       **out_system)
{
  JsonArray *codings = alta_json_get_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = alta_json_array_get_object (codings, i);
      const char *code = alta_json_get_string (coding, "code");

      if (code != NULL && code[0] != '\0')
        {
          if (out_system != NULL)
            *out_system = alta_fhir_dup_text (alta_json_get_string (coding, "system"));
          return alta_fhir_dup_text (code);
        }
    }

  if (out_system != NULL)
    *out_system = NULL;
  return NULL;
}

/**
 * alta_fhir_dup_first_concept_text:
 * @concepts: (nullable): an array of CodeableConcepts
 *
 * Returns: (nullable): the text of the first one that has any
 */
char *
alta_fhir_dup_first_concept_text (JsonArray *concepts)
{
  for (guint i = 0; concepts != NULL && i < json_array_get_length (concepts); i++)
    {
      char *text = alta_fhir_dup_concept_text (alta_json_array_get_object (concepts, i));

      if (text != NULL)
        return text;
    }

  return NULL;
}

/**
 * alta_fhir_dup_reference_display:
 * @reference: (nullable): a Reference
 *
 * Returns: (nullable): its display text (a record names its clinicians and places there)
 */
char *
alta_fhir_dup_reference_display (JsonObject *reference)
{
  return alta_fhir_dup_text (alta_json_get_string (reference, "display"));
}

/**
 * alta_fhir_read_date:
 * @resource: a resource
 * @members: (array zero-terminated=1): the elements that may hold its date, in order: a
 *   date or dateTime, or a Period (its start)
 *
 * Returns: (transfer full) (nullable): the first date that can be read
 */
GDateTime *
alta_fhir_read_date (JsonObject         *resource,
                     const char * const *members)
{
  for (guint i = 0; members[i] != NULL; i++)
    {
      JsonObject *period = alta_json_get_object (resource, members[i]);
      GDateTime *date = period != NULL ? alta_fhir_parse_date (alta_json_get_string (period, "start"))
                                       : alta_fhir_parse_date (alta_json_get_string (resource,
                                                                                     members[i]));

      if (date != NULL)
        return date;
    }

  return NULL;
}
