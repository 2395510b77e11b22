/* alta-fhir-search.h: the FHIR search parameters this server understands
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "alta-fhir-resource.h"

G_BEGIN_DECLS

#define ALTA_FHIR_SEARCH_DEFAULT_COUNT 50
#define ALTA_FHIR_SEARCH_MAX_COUNT     500

typedef enum
{
  ALTA_FHIR_PREFIX_EQ,
  ALTA_FHIR_PREFIX_NE,
  ALTA_FHIR_PREFIX_GT,
  ALTA_FHIR_PREFIX_LT,
  ALTA_FHIR_PREFIX_GE,
  ALTA_FHIR_PREFIX_LE,
} AltaFhirPrefix;

typedef struct
{
  AltaFhirPrefix prefix;
  gint64         start;    /* [start, end): the value's precision */
  gint64         end;
} AltaFhirDateFilter;

typedef struct
{
  char     *system;        /* nullable */
  gboolean  has_system;    /* "system|code" or "|code" (no system) rather than "code" */
  char     *code;          /* nullable: "system|" matches any code of the system */
} AltaFhirTokenValue;

/* One parameter: its values are alternatives (a comma list) */
typedef struct
{
  const char *param;       /* the token parameter or the reference element */
  GPtrArray  *values;      /* AltaFhirTokenValue, or char * references for reference filters */
} AltaFhirFilter;

typedef struct
{
  const AltaFhirTypeInfo *info;
  char       *patient_id;         /* nullable */
  char       *id;                 /* _id, nullable */
  GArray     *dates;              /* AltaFhirDateFilter, all must hold */
  GPtrArray  *tokens;             /* AltaFhirFilter of AltaFhirTokenValue */
  GPtrArray  *refs;               /* AltaFhirFilter of "Type/id" */
  GStrv       statuses;           /* nullable: any of these */
  GStrv       clinical_statuses;  /* nullable */
  guint       count;
  gboolean    sort_by_date;
  gboolean    descending;
  gboolean    has_cursor;
  gint64      cursor_key;
  gint64      cursor_rid;
  char       *query_without_page; /* the query as given, less _page, for the Bundle's links */
} AltaFhirSearch;

typedef struct
{
  const char *name;
  const char *kind;               /* "token", "date", "reference", "string" … for metadata */
} AltaFhirSearchParamInfo;

AltaFhirSearch *alta_fhir_search_parse       (const char      *type,
                                              const char      *query,
                                              char           **out_bad_param,
                                              GError         **error);
void            alta_fhir_search_free        (AltaFhirSearch  *search);
GPtrArray      *alta_fhir_search_list_params (const char      *type);
char           *alta_fhir_search_encode_cursor (gint64         key,
                                              gint64           rid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaFhirSearch, alta_fhir_search_free)

G_END_DECLS
