/* alta-fhir-capability.h: the CapabilityStatement of GET /fhir/R4/metadata
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *alta_fhir_capability_statement_new (const char *base_url,
                                              gint64      now);

G_END_DECLS
