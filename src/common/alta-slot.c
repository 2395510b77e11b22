/* alta-slot.c: a free or busy time in a clinician's schedule
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-slot"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-slot.h"

/* A slot without a start, an end after it and a `Schedule/<id>` cannot be offered: it reads
 * as not free.
 */

struct _AltaSlot
{
  AltaRecordItem  parent_instance;

  GDateTime      *end;
  char           *schedule_id;
};

G_DEFINE_FINAL_TYPE (AltaSlot, alta_slot, ALTA_TYPE_RECORD_ITEM)

static void
alta_slot_load (AltaRecordItem *item,
                JsonObject     *resource)
{
  AltaSlot *self = ALTA_SLOT (item);
  static const char *dates[] = { "start", NULL };
  g_autoptr (GDateTime) start = alta_fhir_read_date (resource, dates);
  const char *schedule = alta_json_get_string (alta_json_get_object (resource, "schedule"),
                                               "reference");

  alta_record_item_set_date (item, start);
  self->end = alta_fhir_parse_date (alta_json_get_string (resource, "end"));
  if (self->end != NULL && (start == NULL || g_date_time_compare (self->end, start) <= 0))
    g_clear_pointer (&self->end, g_date_time_unref);
  if (schedule != NULL && g_str_has_prefix (schedule, "Schedule/"))
    self->schedule_id = alta_fhir_dup_text (schedule + strlen ("Schedule/"));
}

static void
alta_slot_finalize (GObject *object)
{
  AltaSlot *self = (AltaSlot *)object;

  g_clear_pointer (&self->end, g_date_time_unref);
  g_clear_pointer (&self->schedule_id, g_free);

  G_OBJECT_CLASS (alta_slot_parent_class)->finalize (object);
}

static void
alta_slot_class_init (AltaSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_slot_finalize;
  item_class->resource_type = "Slot";
  item_class->load = alta_slot_load;
}

static void
alta_slot_init (AltaSlot *self)
{
}

/**
 * alta_slot_get_start:
 *
 * Returns: (nullable): when it starts
 */
GDateTime *
alta_slot_get_start (AltaSlot *self)
{
  g_return_val_if_fail (ALTA_IS_SLOT (self), NULL);

  return alta_record_item_get_date (ALTA_RECORD_ITEM (self));
}

/**
 * alta_slot_get_end:
 *
 * Returns: (nullable): when it ends, after its start
 */
GDateTime *
alta_slot_get_end (AltaSlot *self)
{
  g_return_val_if_fail (ALTA_IS_SLOT (self), NULL);

  return self->end;
}

/**
 * alta_slot_get_schedule_id:
 *
 * Returns: (nullable): the id of the schedule it belongs to
 */
const char *
alta_slot_get_schedule_id (AltaSlot *self)
{
  g_return_val_if_fail (ALTA_IS_SLOT (self), NULL);

  return self->schedule_id;
}

/* Whether it can be booked: free, with a start, an end and a schedule */
gboolean
alta_slot_get_is_free (AltaSlot *self)
{
  g_return_val_if_fail (ALTA_IS_SLOT (self), FALSE);

  return g_strcmp0 (alta_record_item_get_status (ALTA_RECORD_ITEM (self)), "free") == 0 &&
         alta_slot_get_start (self) != NULL && self->end != NULL && self->schedule_id != NULL;
}
