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

gboolean alta_store_register_functions (AltaStore  *self,
                                        GError    **error);

/* The store is one class over several files, one per idea: alta-store.c (opening,
 * migrations, transactions, meta and the statement helpers below), alta-store-accounts.c
 * (patients, accounts, lockout), alta-store-proxies.c, alta-store-sessions.c,
 * alta-store-codes.c (activation codes, reset tokens), alta-store-audit.c and
 * alta-store-mail.c. The FHIR store (alta-fhir-store.c) uses the same helpers.
 */
struct _AltaStore
{
  GObject     parent_instance;

  sqlite3    *db;
  GHashTable *statements;   /* address of the SQL text → sqlite3_stmt */
  int         depth;        /* nesting of alta_store_begin() */
  guint64     fhir_generation; /* see alta_store_get_fhir_generation() */
  gint64      data_version; /* PRAGMA data_version when last asked */
  gboolean    fhir_dirty;   /* a fhir_ row changed in the transaction under way */
  GPtrArray  *pending_audit; /* AltaAuditEntry *: rows not yet written (alta_store_audit_later()) */
  gboolean    flushing;     /* alta_store_flush_audit() under way */
  gboolean    relaxed;      /* alta_store_set_relaxed() */
  GHashTable *dynamic;      /* SQL text (owned) → sqlite3_stmt, see alta_store_query_dynamic() */

  /* A reader (alta_store_open_reader()): the writer it reads beside, not a reference; its
   * generation is the writer's as the request was handed to it */
  AltaStore  *origin;
};

/**
 * AltaBindKind:
 * @ALTA_BIND_KIND_END: the end of a list of binds
 * @ALTA_BIND_KIND_TEXT: text, or SQL NULL for a %NULL string
 * @ALTA_BIND_KIND_INT: a 64-bit integer
 * @ALTA_BIND_KIND_NULL: SQL NULL
 *
 * What an #AltaBind holds. Build binds with ALTA_BIND_TEXT(), ALTA_BIND_INT() and
 * %ALTA_BIND_NULL, and lists of them with ALTA_BINDS().
 */
typedef enum
{
  ALTA_BIND_KIND_END = 0,   /* so a zero-terminated GArray of AltaBind is a list of binds */
  ALTA_BIND_KIND_TEXT,
  ALTA_BIND_KIND_INT,
  ALTA_BIND_KIND_NULL,
} AltaBindKind;

/**
 * AltaBind:
 * @kind: which of the values below is bound
 * @text: (nullable): the text, borrowed for the length of the call
 * @number: the integer
 *
 * One value for one parameter of a statement: the first of a list goes to `?1`, the
 * second to `?2`, and so on.
 */
typedef struct
{
  AltaBindKind  kind;
  const char   *text;
  gint64        number;
} AltaBind;

/* The compiler checks the type of each value: a number given to ALTA_BIND_TEXT() or a
 * string given to ALTA_BIND_INT() does not build. */
#define ALTA_BIND_TEXT(s) ((AltaBind) { .kind = ALTA_BIND_KIND_TEXT, .text = (s) })
#define ALTA_BIND_INT(n)  ((AltaBind) { .kind = ALTA_BIND_KIND_INT, .number = (n) })
#define ALTA_BIND_NULL    ((AltaBind) { .kind = ALTA_BIND_KIND_NULL })
#define ALTA_BIND_END     ((AltaBind) { .kind = ALTA_BIND_KIND_END })

/* A list of binds, ended for you: ALTA_BINDS (ALTA_BIND_INT (id), ALTA_BIND_TEXT (name)) */
#define ALTA_BINDS(...)   ((const AltaBind[]) { __VA_ARGS__, ALTA_BIND_END })

/**
 * AltaStoreReadFunc:
 * @stmt: a statement on a row
 *
 * Reads the row the statement is on into a new value (a struct, a string).
 *
 * Returns: (transfer full) (not nullable): the value
 */
typedef gpointer (*AltaStoreReadFunc) (sqlite3_stmt *stmt);

/**
 * AltaStoreRowFunc:
 * @stmt: a statement on a row
 * @user_data: where the row goes
 *
 * Takes one row of a query run by alta_store_query_each().
 */
typedef void (*AltaStoreRowFunc) (sqlite3_stmt *stmt,
                                  gpointer      user_data);

/* Statements: @static_sql must live as long as the store (a literal), as each statement is
 * prepared once and cached under the address of its text; SQL built at run time (the FHIR
 * store's searches) goes through alta_store_query_dynamic(), which does not cache. */
gboolean      alta_store_exec              (AltaStore          *self,
                                            const char         *static_sql,
                                            const AltaBind     *binds,
                                            GError            **error);
gpointer      alta_store_query_one         (AltaStore          *self,
                                            const char         *static_sql,
                                            const AltaBind     *binds,
                                            AltaStoreReadFunc   read_func,
                                            GError            **error);
gpointer      alta_store_query_optional    (AltaStore          *self,
                                            const char         *static_sql,
                                            const AltaBind     *binds,
                                            AltaStoreReadFunc   read_func,
                                            GError            **error);
GPtrArray    *alta_store_query_all         (AltaStore          *self,
                                            const char         *static_sql,
                                            const AltaBind     *binds,
                                            AltaStoreReadFunc   read_func,
                                            GDestroyNotify      free_func,
                                            GError            **error);
gboolean      alta_store_query_each        (AltaStore          *self,
                                            const char         *static_sql,
                                            const AltaBind     *binds,
                                            AltaStoreRowFunc    row_func,
                                            gpointer            user_data,
                                            GError            **error);
gboolean      alta_store_query_dynamic     (AltaStore          *self,
                                            const char         *sql,
                                            const AltaBind     *binds,
                                            AltaStoreRowFunc    row_func,
                                            gpointer            user_data,
                                            GError            **error);
void          alta_store_copy_int64        (sqlite3_stmt       *stmt,
                                            gpointer            user_data);
gpointer      alta_store_read_text         (sqlite3_stmt       *stmt);
gboolean      alta_store_bind              (AltaStore          *self,
                                            sqlite3_stmt       *stmt,
                                            const AltaBind     *binds,
                                            GError            **error);

/* For tests of the migrations: a database as an earlier build left it */
AltaStore    *alta_store_open_at_schema    (const char         *path,
                                            int                 version,
                                            GError            **error);

/* For row readers, and for what a write did: sqlite3_changes (), sqlite3_last_insert_rowid () */
sqlite3      *alta_store_get_db            (AltaStore          *self);
guint64       alta_store_get_fhir_generation (AltaStore        *self);
AltaStore    *alta_store_get_origin        (AltaStore          *self);
char         *alta_store_column_dup_text   (sqlite3_stmt       *stmt,
                                            int                 column);

G_END_DECLS
