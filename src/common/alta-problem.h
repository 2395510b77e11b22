/* alta-problem.h: a problem or diagnosis (FHIR Condition)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_PROBLEM (alta_problem_get_type ())

G_DECLARE_FINAL_TYPE (AltaProblem, alta_problem, ALTA, PROBLEM, AltaRecordItem)

GDateTime            *alta_problem_get_resolved_date (AltaProblem *self);
const char           *alta_problem_get_code          (AltaProblem *self,
                                                      const char **out_system);

G_END_DECLS
