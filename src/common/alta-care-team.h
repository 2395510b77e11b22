/* alta-care-team.h: the clinicians who look after a record (FHIR CareTeam)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_CARE_TEAM (alta_care_team_get_type ())

G_DECLARE_FINAL_TYPE (AltaCareTeam, alta_care_team, ALTA, CARE_TEAM, AltaRecordItem)

gboolean alta_care_team_get_is_active (AltaCareTeam *self);

G_END_DECLS
