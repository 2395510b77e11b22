/* alta-units.h: units, values and normal ranges in the words patients read
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest unit read: UCUM codes are short, and a longer one is shown as it came */
#define ALTA_UNITS_MAX_LENGTH 64

char *alta_units_dup_for_patient (const char *unit);
char *alta_units_format_number   (double      value);
char *alta_units_format_value    (double      value,
                                  const char *unit);
char *alta_units_format_range    (gboolean    has_low,
                                  double      low,
                                  gboolean    has_high,
                                  double      high,
                                  const char *unit);
char *alta_units_describe_range  (gboolean    has_low,
                                  double      low,
                                  gboolean    has_high,
                                  double      high);

G_END_DECLS
