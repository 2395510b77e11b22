/* alta-demo-records.h: the demo clinic's clinical records
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *key;          /* "adult", "spanish", "parent", "child", "teen", "enroll" */
  const char *patient_id;   /* the server's Patient id, e.g. "demo-adult"; already stored as a FHIR Patient */
  const char *language;     /* "en" or "es": the language of free text in this record */
  int         birth_year, birth_month, birth_day;
} AltaDemoRecordsPatient;

/* Builds the demo clinic's clinical records as one FHIR R4 Bundle of type "transaction",
 * returned as JSON text (g_free). `now` is Unix seconds (UTC); every date is relative to it,
 * so the demo always looks current. Deterministic for a given `now`: lab values vary by a
 * seeded LCG, never by chance. */
char *alta_demo_records_build_bundle (const AltaDemoRecordsPatient *patients,
                                      guint                         n_patients,
                                      gint64                        now);

G_END_DECLS
