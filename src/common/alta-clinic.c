/* alta-clinic.c: a clinic (a FHIR Location): where it is, its phone, its time zone
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-clinic"

#include "config.h"

#include <string.h>

#include "alta-clinic.h"
#include "alta-json.h"

/* Visits are told in the clinic's time, whatever the computer's zone: the zone is the
 * Location's `timezone` extension (an IANA name), or Los Angeles, where every MyAltaMed
 * clinic is, when a Location has none or names a zone this computer does not know.
 */

#define TIMEZONE_EXTENSION "http://hl7.org/fhir/StructureDefinition/timezone"
#define DEFAULT_ZONE       "America/Los_Angeles"
#define MAX_LINES          4

struct _AltaClinic
{
  AltaRecordItem  parent_instance;

  char           *address;
  char           *phone;
  GTimeZone      *time_zone;
};

G_DEFINE_FINAL_TYPE (AltaClinic, alta_clinic, ALTA_TYPE_RECORD_ITEM)

/* "3945 Whittier Boulevard, Los Angeles, CA 90023" */
static char *
read_address (JsonObject *address)
{
  JsonArray *lines = alta_json_get_array (address, "line");
  const char *city = alta_json_get_string (address, "city");
  const char *state = alta_json_get_string (address, "state");
  const char *postal_code = alta_json_get_string (address, "postalCode");
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines) && i < MAX_LINES; i++)
    {
      JsonNode *line = json_array_get_element (lines, i);

      if (JSON_NODE_HOLDS_VALUE (line) && json_node_get_value_type (line) == G_TYPE_STRING &&
          *json_node_get_string (line) != '\0')
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "",
                                json_node_get_string (line));
    }
  if (city != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", city);
  if (state != NULL || postal_code != NULL)
    g_string_append_printf (text, "%s%s%s%s", text->len > 0 ? ", " : "",
                            state != NULL ? state : "",
                            state != NULL && postal_code != NULL ? " " : "",
                            postal_code != NULL ? postal_code : "");

  return alta_fhir_dup_text (text->str);
}

static char *
read_phone (JsonArray *telecom)
{
  for (guint i = 0; telecom != NULL && i < json_array_get_length (telecom) && i < 20; i++)
    {
      JsonObject *point = alta_json_array_get_object (telecom, i);

      if (g_strcmp0 (alta_json_get_string (point, "system"), "phone") == 0)
        return alta_fhir_dup_text (alta_json_get_string (point, "value"));
    }

  return NULL;
}

static GTimeZone *
read_time_zone (JsonArray *extensions)
{
  for (guint i = 0; extensions != NULL && i < json_array_get_length (extensions) && i < 50; i++)
    {
      JsonObject *extension = alta_json_array_get_object (extensions, i);
      const char *name = alta_json_get_string (extension, "valueCode");

      if (g_strcmp0 (alta_json_get_string (extension, "url"), TIMEZONE_EXTENSION) == 0 &&
          name != NULL && g_utf8_validate (name, -1, NULL) && strlen (name) < 64)
        {
          GTimeZone *zone = g_time_zone_new_identifier (name);

          if (zone != NULL)
            return zone;
          g_debug ("Unknown time zone %s: using %s", name, DEFAULT_ZONE);
        }
    }

  return NULL;
}

static void
alta_clinic_load (AltaRecordItem *item,
                  JsonObject     *resource)
{
  AltaClinic *self = ALTA_CLINIC (item);

  alta_record_item_set_title (item, alta_json_get_string (resource, "name"));
  self->address = read_address (alta_json_get_object (resource, "address"));
  self->phone = read_phone (alta_json_get_array (resource, "telecom"));
  self->time_zone = read_time_zone (alta_json_get_array (resource, "extension"));
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_identifier (DEFAULT_ZONE);
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_local ();
}

static void
alta_clinic_finalize (GObject *object)
{
  AltaClinic *self = (AltaClinic *)object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->phone, g_free);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);

  G_OBJECT_CLASS (alta_clinic_parent_class)->finalize (object);
}

static void
alta_clinic_class_init (AltaClinicClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_clinic_finalize;
  item_class->resource_type = "Location";
  item_class->load = alta_clinic_load;
}

static void
alta_clinic_init (AltaClinic *self)
{
}

/**
 * alta_clinic_get_address:
 *
 * Returns: (nullable): the address on one line
 */
const char *
alta_clinic_get_address (AltaClinic *self)
{
  g_return_val_if_fail (ALTA_IS_CLINIC (self), NULL);

  return self->address;
}

/**
 * alta_clinic_get_phone:
 *
 * Returns: (nullable): the clinic's phone number
 */
const char *
alta_clinic_get_phone (AltaClinic *self)
{
  g_return_val_if_fail (ALTA_IS_CLINIC (self), NULL);

  return self->phone;
}

/**
 * alta_clinic_get_time_zone:
 *
 * Returns: (transfer none): the zone its visits are told in
 */
GTimeZone *
alta_clinic_get_time_zone (AltaClinic *self)
{
  g_return_val_if_fail (ALTA_IS_CLINIC (self), NULL);

  return self->time_zone;
}
