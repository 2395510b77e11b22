/* alta-format.h: dates, trends and vital signs as the person's language writes them
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "alta-vital-sign.h"

G_BEGIN_DECLS

char *alta_format_date_time         (GDateTime     *date,
                                     const char    *format);
char *alta_format_date_time_in_zone (GDateTime     *date,
                                     GTimeZone     *zone,
                                     const char    *format);
char *alta_format_date              (GDateTime     *date);
char *alta_format_error             (const GError  *error);
char *alta_format_trend_summary     (const char    *first_value,
                                     GDateTime     *first_date,
                                     const char    *last_value,
                                     GDateTime     *last_date);
char *alta_format_vital_kind        (AltaVitalSign *vital);
char *alta_format_vital_unit        (AltaVitalSign *vital);
char *alta_format_vital_value       (AltaVitalSign *vital);
const char *alta_format_language    (void);
char *alta_format_proxy_record      (const char    *name,
                                     const char    *relationship,
                                     const char    *gender,
                                     int            age);

G_END_DECLS
