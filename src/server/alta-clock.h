/* alta-clock.h: the server's idea of "now", which tests can move
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     alta_clock_set_offset_file (const char *path);
gint64   alta_clock_now             (void);
void     alta_clock_get_today       (GDate      *out_date);
void     alta_clock_date_of         (gint64      unix_time,
                                     GDate      *out_date);
char    *alta_clock_format_iso8601  (gint64      unix_time);

G_END_DECLS
