/* alta-care-team.c: the clinicians who look after a record (FHIR CareTeam)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-care-team"

#include "config.h"

#include "alta-care-team.h"
#include "alta-json.h"

/* A message to the care team is addressed to the record's active CareTeam: only its id and
 * name are read. */

struct _AltaCareTeam
{
  AltaRecordItem parent_instance;
};

G_DEFINE_FINAL_TYPE (AltaCareTeam, alta_care_team, ALTA_TYPE_RECORD_ITEM)

static void
alta_care_team_load (AltaRecordItem *item,
                     JsonObject     *resource)
{
  g_autofree char *name = alta_fhir_dup_text (alta_json_get_string (resource, "name"));

  alta_record_item_set_title (item, name);
}

static void
alta_care_team_class_init (AltaCareTeamClass *klass)
{
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  item_class->resource_type = "CareTeam";
  item_class->load = alta_care_team_load;
}

static void
alta_care_team_init (AltaCareTeam *self)
{
}

/**
 * alta_care_team_get_is_active:
 *
 * Returns: whether the team looks after the record now (status active, or none given)
 */
gboolean
alta_care_team_get_is_active (AltaCareTeam *self)
{
  const char *status;

  g_return_val_if_fail (ALTA_IS_CARE_TEAM (self), FALSE);

  status = alta_record_item_get_status (ALTA_RECORD_ITEM (self));
  return status == NULL || g_str_equal (status, "active");
}
