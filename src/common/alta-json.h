/* alta-json.h: reading JSON that may be anything
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean     alta_json_check_depth  (const char  *data,
                                     gsize        length,
                                     int          max_depth);
const char  *alta_json_get_string   (JsonObject  *object,
                                     const char  *member);
JsonObject  *alta_json_get_object   (JsonObject  *object,
                                     const char  *member);
JsonArray   *alta_json_get_array    (JsonObject  *object,
                                     const char  *member);
JsonObject  *alta_json_array_get_object (JsonArray *array,
                                     guint        index);
gboolean     alta_json_get_number   (JsonObject  *object,
                                     const char  *member,
                                     double      *out_value);
gboolean     alta_json_get_int      (JsonObject  *object,
                                     const char  *member,
                                     gint64      *out_value);

G_END_DECLS
