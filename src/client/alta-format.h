/* alta-format.h: dates as the person's language writes them
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *alta_format_date_time (GDateTime  *date,
                             const char *format);
char *alta_format_date_time_in_zone (GDateTime  *date,
                                     GTimeZone  *zone,
                                     const char *format);
char *alta_format_date      (GDateTime  *date);
char *alta_format_error     (const GError *error);

G_END_DECLS
