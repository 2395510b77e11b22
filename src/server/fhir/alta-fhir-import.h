/* alta-fhir-import.h: FHIR R4 Bundles and NDJSON into the portal's database
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint       created;
  guint       updated;
  guint       unchanged;
  guint       logical_refs;    /* conditional references that matched nothing, kept by identifier */
  GHashTable *skipped;         /* resourceType → count (GUINT_TO_POINTER) of types not kept */
  GPtrArray  *patient_ids;     /* ids of the Patients in the file */
  char       *unresolved;      /* the conditional reference a strict import could not resolve */
} AltaFhirImportStats;

typedef enum
{
  ALTA_FHIR_IMPORT_STRICT,     /* a conditional reference that matches nothing fails */
  ALTA_FHIR_IMPORT_LENIENT,    /* …or becomes a logical reference (Reference.identifier) */
} AltaFhirImportMode;

AltaFhirImportStats *alta_fhir_import_stats_new   (void);
void                 alta_fhir_import_stats_free  (AltaFhirImportStats  *stats);
char                *alta_fhir_import_stats_describe (AltaFhirImportStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaFhirImportStats, alta_fhir_import_stats_free)

gboolean  alta_fhir_import_file   (AltaStore            *store,
                                   const char           *path,
                                   AltaFhirImportMode    mode,
                                   gint64                now,
                                   AltaFhirImportStats  *stats,
                                   GError              **error);
gboolean  alta_fhir_import_data   (AltaStore            *store,
                                   const char           *name,
                                   const char           *data,
                                   gssize                length,
                                   AltaFhirImportMode    mode,
                                   gint64                now,
                                   AltaFhirImportStats  *stats,
                                   GError              **error);
gboolean  alta_fhir_import_patient (AltaStore            *store,
                                   const AltaPatient    *patient,
                                   gint64                now,
                                   GError              **error);
gboolean  alta_fhir_import_files  (AltaStore            *store,
                                   const char * const   *paths,
                                   gint64                now,
                                   gboolean              quiet,
                                   GPtrArray            *patient_ids,
                                   GError              **error);

G_END_DECLS
