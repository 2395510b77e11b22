/* alta-store-private.h: what the parts of the store share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "alta-store.h"

G_BEGIN_DECLS

sqlite3      *alta_store_get_db            (AltaStore     *self);
/* @static_sql must live as long as the store: the statement is cached under its address. */
sqlite3_stmt *alta_store_prepare           (AltaStore     *self,
                                            const char    *static_sql,
                                            GError       **error);
gboolean      alta_store_step_done         (AltaStore     *self,
                                            sqlite3_stmt  *stmt,
                                            GError       **error);
gboolean      alta_store_step_row          (AltaStore     *self,
                                            sqlite3_stmt  *stmt,
                                            GError       **error);
gboolean      alta_store_set_sqlite_error  (AltaStore     *self,
                                            int            rc,
                                            GError       **error);
void          alta_store_bind_text         (sqlite3_stmt  *stmt,
                                            int            index,
                                            const char    *text);
char         *alta_store_column_dup_text   (sqlite3_stmt  *stmt,
                                            int            column);

G_END_DECLS
