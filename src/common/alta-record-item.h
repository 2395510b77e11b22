/* alta-record-item.h: one entry of a patient's record, read from FHIR R4
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "alta-fhir-date.h"

G_BEGIN_DECLS

/* Longest text kept from any element: a record never needs more, and a hostile server
 * cannot make the app lay out megabytes. */
#define ALTA_RECORD_MAX_TEXT 2000

#define ALTA_TYPE_RECORD_ITEM (alta_record_item_get_type ())

G_DECLARE_DERIVABLE_TYPE (AltaRecordItem, alta_record_item, ALTA, RECORD_ITEM, GObject)

struct _AltaRecordItemClass
{
  GObjectClass parent_class;

  const char *resource_type;

  /* Reads what the subclass shows from @resource; never fails: what cannot be read stays
   * empty. */
  void (*load) (AltaRecordItem *self,
                JsonObject     *resource);
};

AltaRecordItem *alta_record_item_new_from_json      (GType            type,
                                                     JsonObject      *resource);
const char     *alta_record_item_get_id             (AltaRecordItem  *self);
const char     *alta_record_item_get_title          (AltaRecordItem  *self);
GDateTime      *alta_record_item_get_date           (AltaRecordItem  *self);
GDateTime      *alta_record_item_get_updated        (AltaRecordItem  *self);
const char     *alta_record_item_get_status         (AltaRecordItem  *self);
const char     *alta_record_item_get_version        (AltaRecordItem  *self);
void            alta_record_item_set_title          (AltaRecordItem  *self,
                                                     const char      *title);
void            alta_record_item_set_date           (AltaRecordItem  *self,
                                                     GDateTime       *date);
void            alta_record_item_set_status         (AltaRecordItem  *self,
                                                     const char      *status);

/* Reading FHIR elements that may be missing, of another type, or huge */
char           *alta_fhir_dup_text                  (const char      *text);
char           *alta_fhir_dup_concept_text          (JsonObject      *concept);
char           *alta_fhir_dup_concept_code          (JsonObject      *concept,
                                                     char           **out_system);
char           *alta_fhir_dup_first_concept_text    (JsonArray       *concepts);
char           *alta_fhir_dup_reference_display     (JsonObject      *reference);
GDateTime      *alta_fhir_read_date                 (JsonObject      *resource,
                                                     const char * const *members);

G_END_DECLS
