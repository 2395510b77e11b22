/* alta-medlineplus.h: "Learn more" links to MedlinePlus Connect for a coded concept
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *alta_medlineplus_dup_url (const char *system,
                                const char *code,
                                const char *language);
char *alta_medlineplus_dup_code (JsonObject  *concept,
                                 char       **out_system);

G_END_DECLS
