/* alta-fhir-store.h: FHIR R4 resources in the portal's database
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-fhir-resource.h"
#include "alta-fhir-search.h"
#include "alta-store.h"

G_BEGIN_DECLS

typedef enum
{
  ALTA_FHIR_PUT_CREATED,
  ALTA_FHIR_PUT_UPDATED,
  ALTA_FHIR_PUT_UNCHANGED,
} AltaFhirPutResult;

typedef struct
{
  gint64  rid;
  char   *type;
  char   *id;
  int     version;
  char   *patient_id;    /* nullable */
  gint64  released_at;   /* 0: not released (results only) */
  char   *json;
} AltaFhirRecord;

/* Who is asking: staff see every record; anyone else the records of @patient_ids */
typedef struct
{
  gboolean     staff;
  const char  *patient_ids_json;   /* a JSON array of the ids the account may see today */
  gint64       now;
} AltaFhirViewer;

typedef struct
{
  guint      total;
  GPtrArray *records;              /* AltaFhirRecord */
  gboolean   has_more;
  gint64     next_key;
  gint64     next_rid;
} AltaFhirPage;

void                alta_fhir_record_free            (AltaFhirRecord       *record);
void                alta_fhir_page_free              (AltaFhirPage         *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaFhirRecord, alta_fhir_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaFhirPage, alta_fhir_page_free)

gboolean            alta_fhir_store_put              (AltaStore            *store,
                                                      JsonObject           *resource,
                                                      const AltaFhirIndex  *index,
                                                      const char           *id,
                                                      const char           *patient_id,
                                                      const char           *source,
                                                      gint64                released_at,
                                                      gboolean              from_import,
                                                      gint64                now,
                                                      AltaFhirPutResult    *out_result,
                                                      GError              **error);
char               *alta_fhir_store_find_source      (AltaStore            *store,
                                                      const char           *source,
                                                      GError              **error);
GPtrArray          *alta_fhir_store_find_identifiers (AltaStore            *store,
                                                      const char           *type,
                                                      const char           *system,
                                                      const char           *value,
                                                      guint                 limit,
                                                      GError              **error);
char               *alta_fhir_store_find_identifier  (AltaStore            *store,
                                                      const char           *type,
                                                      const char           *system,
                                                      const char           *value,
                                                      GError              **error);
gboolean            alta_fhir_store_hold_report_results (AltaStore         *store,
                                                      const char           *report_id,
                                                      GError              **error);
gboolean            alta_fhir_store_release_report   (AltaStore            *store,
                                                      const char           *report_id,
                                                      gint64                now,
                                                      GError              **error);
AltaFhirRecord     *alta_fhir_store_get              (AltaStore            *store,
                                                      const char           *type,
                                                      const char           *id,
                                                      GError              **error);
gboolean            alta_fhir_store_can_see          (AltaStore            *store,
                                                      const AltaFhirViewer *viewer,
                                                      const AltaFhirRecord *record,
                                                      GError              **error);
AltaFhirPage       *alta_fhir_store_search           (AltaStore            *store,
                                                      const AltaFhirViewer *viewer,
                                                      const AltaFhirSearch *search,
                                                      GError              **error);

G_END_DECLS
