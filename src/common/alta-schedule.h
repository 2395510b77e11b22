/* alta-schedule.h: a clinician's bookable times at one clinic, for one kind of visit
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-appointment.h"

G_BEGIN_DECLS

#define ALTA_TYPE_SCHEDULE (alta_schedule_get_type ())

G_DECLARE_FINAL_TYPE (AltaSchedule, alta_schedule, ALTA, SCHEDULE, AltaRecordItem)

AltaService  alta_schedule_get_service      (AltaSchedule *self);
const char  *alta_schedule_get_practitioner (AltaSchedule *self);
const char  *alta_schedule_get_location     (AltaSchedule *self);
const char  *alta_schedule_get_location_id  (AltaSchedule *self);
const char  *alta_schedule_get_specialty    (AltaSchedule *self);

G_END_DECLS
