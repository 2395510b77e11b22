/* alta-fhir-date.h: FHIR's date, dateTime and instant, read once for the server and the app
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean   alta_fhir_parse_date_range (const char *text,
                                       gint64     *out_start,
                                       gint64     *out_end);
GDateTime *alta_fhir_parse_date       (const char *text);

G_END_DECLS
