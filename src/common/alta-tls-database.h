/* alta-tls-database.h: the system's certificate authorities, and a clinic's own
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ALTA_TYPE_TLS_DATABASE (alta_tls_database_get_type ())

G_DECLARE_FINAL_TYPE (AltaTlsDatabase, alta_tls_database, ALTA, TLS_DATABASE, GTlsDatabase)

GTlsDatabase *alta_tls_database_new (const char  *ca_file,
                                     GError     **error);

G_END_DECLS
