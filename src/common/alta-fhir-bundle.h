/* alta-fhir-bundle.h: FHIR Bundles into the record's list models
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

typedef struct
{
  GListStore *items;       /* of the type asked for, in the Bundle's order */
  gint64      total;       /* Bundle.total, or -1 when absent */
  char       *next_url;    /* the link with relation "next", when there is one */
  guint       n_skipped;   /* entries of other types (included resources, outcomes) */
} AltaRecordPage;

void            alta_record_page_free        (AltaRecordPage  *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaRecordPage, alta_record_page_free)

AltaRecordPage   *alta_fhir_bundle_parse     (GBytes        *body,
                                            GType          type,
                                            GError       **error);
AltaRecordItem *alta_fhir_resource_parse   (const char    *data,
                                            gssize         length,
                                            GType          type,
                                            GError       **error);

G_END_DECLS
