/* alta-log.h: the server's log lines, one line each whatever a request carried
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char           *alta_log_escape        (const char      *text,
                                        gssize           length);
void            alta_log_request       (const char      *request_id,
                                        const char      *method,
                                        const char      *path,
                                        guint            status,
                                        const char      *outcome,
                                        gint64           duration_us,
                                        const char      *client_address);
GLogWriterOutput alta_log_writer       (GLogLevelFlags   log_level,
                                        const GLogField *fields,
                                        gsize            n_fields,
                                        gpointer         user_data);

G_END_DECLS
