/* alta-store.c: the portal server's storage (SQLite in WAL mode)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alta-store-private.h"

/* Every statement is prepared once and kept; every value goes through a bind, never
 * through the SQL text. Writes of one request run inside one BEGIN IMMEDIATE transaction
 * (see alta_store_begin()), so that a crash leaves either all of it or none of it.
 *
 * This file holds the store itself: opening, the schema's migrations, transactions, meta
 * settings and the statement helpers every other part uses (alta_store_exec(),
 * alta_store_query_one() and their kin). The tables of each idea have their own file:
 * see alta-store-private.h.
 */

G_DEFINE_FINAL_TYPE (AltaStore, alta_store, G_TYPE_OBJECT)

/* Statements of built text kept per connection (alta_store_query_dynamic()) */
#define MAX_DYNAMIC_STATEMENTS 64

G_DEFINE_QUARK (alta-store-error-quark, alta_store_error)

/* Each entry brings the schema from version i to version i + 1. Never edit an entry that
 * has shipped: add the next one.
 */
static const char *migrations[] = {
  /* 1: accounts, enrollment, sessions, audit, mail */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE patients ("
  "  id TEXT PRIMARY KEY,"
  "  given_name TEXT NOT NULL,"
  "  family_name TEXT NOT NULL,"
  "  birth_date TEXT NOT NULL CHECK (length (birth_date) = 10),"
  "  email TEXT,"
  "  phone TEXT,"
  "  language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es')),"
  "  address_json TEXT);"
  "CREATE INDEX patients_lookup ON patients (family_name COLLATE NOCASE, birth_date);"
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  role TEXT NOT NULL CHECK (role IN ('patient', 'staff')),"
  "  patient_id TEXT UNIQUE REFERENCES patients (id),"
  "  password_hash TEXT NOT NULL,"
  "  email TEXT,"
  "  phone TEXT,"
  "  language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es')),"
  "  created_at INTEGER NOT NULL,"
  "  CHECK ((role = 'patient') = (patient_id IS NOT NULL)));"
  "CREATE INDEX accounts_email ON accounts (email COLLATE NOCASE);"
  "CREATE TABLE login_failures ("
  "  key TEXT NOT NULL,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX login_failures_key ON login_failures (key, at);"
  "CREATE TABLE lockouts ("
  "  key TEXT PRIMARY KEY,"
  "  locked_until INTEGER NOT NULL);"
  "CREATE TABLE activation_codes ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id),"
  "  code_hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER,"
  "  voided_at INTEGER);"
  "CREATE INDEX activation_codes_patient ON activation_codes (patient_id);"
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  last_activity_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  ended_at INTEGER,"
  "  end_reason TEXT);"
  "CREATE INDEX sessions_open ON sessions (account_id) WHERE ended_at IS NULL;"
  "CREATE TABLE reset_tokens ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER);"
  "CREATE TABLE proxy_grants ("
  "  id INTEGER PRIMARY KEY,"
  "  proxy_account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  patient_id TEXT NOT NULL REFERENCES patients (id),"
  "  relationship TEXT NOT NULL CHECK (relationship IN ('child', 'dependent-adult')),"
  "  consent_form_id TEXT NOT NULL,"
  "  granted_at INTEGER NOT NULL,"
  "  UNIQUE (proxy_account_id, patient_id));"
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  request_id TEXT,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  target TEXT,"
  "  outcome TEXT NOT NULL);"
  "CREATE INDEX audit_at ON audit (at);"
  "CREATE TABLE mail_queue ("
  "  id INTEGER PRIMARY KEY,"
  "  recipient TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0);",

  /* 2: the clinical record, FHIR R4 resources with the columns their searches need */
  "CREATE TABLE fhir_resources ("
  "  rid INTEGER PRIMARY KEY,"
  "  type TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  last_updated INTEGER NOT NULL,"
  "  patient_id TEXT,"
  "  date_start INTEGER,"
  "  date_end INTEGER,"
  "  status TEXT,"
  "  clinical_status TEXT,"
  "  released_at INTEGER,"
  "  source TEXT,"
  "  content_hash TEXT NOT NULL,"
  "  json TEXT NOT NULL,"
  "  UNIQUE (type, id));"
  "CREATE INDEX fhir_resources_patient ON fhir_resources (type, patient_id, date_start, rid);"
  "CREATE UNIQUE INDEX fhir_resources_source ON fhir_resources (source) WHERE source IS NOT NULL;"
  "CREATE TABLE fhir_tokens ("
  "  rid INTEGER NOT NULL REFERENCES fhir_resources (rid) ON DELETE CASCADE,"
  "  param TEXT NOT NULL,"
  "  system TEXT,"
  "  code TEXT NOT NULL);"
  "CREATE INDEX fhir_tokens_lookup ON fhir_tokens (param, code, rid);"
  "CREATE INDEX fhir_tokens_rid ON fhir_tokens (rid);"
  "CREATE TABLE fhir_refs ("
  "  rid INTEGER NOT NULL REFERENCES fhir_resources (rid) ON DELETE CASCADE,"
  "  param TEXT NOT NULL,"
  "  target TEXT NOT NULL);"
  "CREATE INDEX fhir_refs_target ON fhir_refs (target, param);"
  "CREATE INDEX fhir_refs_rid ON fhir_refs (rid);"
  "CREATE TABLE fhir_identifiers ("
  "  rid INTEGER NOT NULL REFERENCES fhir_resources (rid) ON DELETE CASCADE,"
  "  system TEXT,"
  "  value TEXT NOT NULL);"
  "CREATE INDEX fhir_identifiers_lookup ON fhir_identifiers (value, system);"
  "CREATE INDEX fhir_identifiers_rid ON fhir_identifiers (rid);"
  "CREATE TABLE fhir_import_seen ("
  "  type TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  content_hash TEXT NOT NULL,"
  "  PRIMARY KEY (type, id, content_hash)) WITHOUT ROWID;",

  /* 3: writes from the portal: a client's request id names one resource only, so a retried
   * create finds the first one and two concurrent tries cannot both create */
  ("CREATE UNIQUE INDEX fhir_identifiers_client_request ON fhir_identifiers (value)"
   "  WHERE system = 'https://myaltamed.net/fhir/sid/client-request';"),

  /* 4: "new since your last visit" comes from the portal, not from the computer: each
   * account keeps the time of its latest sign-in, and each session the sign-in before it
   * (so that a session opened elsewhere meanwhile does not move it); existing accounts start
   * from their latest session */
  "ALTER TABLE accounts ADD COLUMN last_sign_in_at INTEGER;"
  "ALTER TABLE sessions ADD COLUMN previous_sign_in_at INTEGER;"
  "UPDATE accounts SET last_sign_in_at ="
  "  (SELECT max (created_at) FROM sessions WHERE sessions.account_id = accounts.id);",

  /* 5: a patient's administrative gender (FHIR Patient.gender), so that a proxy reads "your
   * son" or "your daughter"; NULL when the record does not say. Existing patients take it
   * from their stored FHIR Patient when it holds one of FHIR's four codes. */
  "ALTER TABLE patients ADD COLUMN gender TEXT"
  "  CHECK (gender IN ('male', 'female', 'other', 'unknown'));"
  "UPDATE patients SET gender ="
  "  (SELECT json_extract (json, '$.gender') FROM fhir_resources"
  "   WHERE fhir_resources.type = 'Patient' AND fhir_resources.id = patients.id"
  "     AND json_valid (json)"
  "     AND json_extract (json, '$.gender') IN ('male', 'female', 'other', 'unknown'));",

  /* 6: a search's page in the order it asks for, read from an index instead of sorted in a
   * temporary B-tree of every match, JSON included (the expression is the one the search
   * sorts by: a resource without a date first, ascending); and the next release of a held
   * result, which ends the life of a cached search total */
  "CREATE INDEX fhir_resources_sort ON fhir_resources"
  "  (type, patient_id, coalesce (date_start, -99999999999));"
  "CREATE INDEX fhir_resources_released ON fhir_resources (released_at)"
  "  WHERE released_at IS NOT NULL;",

  /* 7: a search without _sort pages in rid order, which neither index of a record gives
   * (the date comes before the rid in both): every page read every match of the record,
   * its JSON included, into a temporary B-tree to sort it. In this index the rid is the
   * order within a record, and a cursor's "rid > ?" is a seek. */
  "CREATE INDEX fhir_resources_record ON fhir_resources (type, patient_id);",
};

/**
 * alta_store_get_schema_version:
 *
 * Returns: the schema version this build writes
 */
int
alta_store_get_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

static gboolean
set_sqlite_error (AltaStore  *self,
                  int         rc,
                  GError    **error)
{
  int code = (rc & 0xff) == SQLITE_CONSTRAINT ? ALTA_STORE_ERROR_CONSTRAINT
                                              : ALTA_STORE_ERROR_FAILED;

  g_set_error (error, ALTA_STORE_ERROR, code, "SQLite: %s (%d)",
               self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc), rc);
  return FALSE;
}

/* Any change to a row of the clinical record on this connection, even one rolled back */
static void
on_row_changed (void          *data,
                int            operation,
                const char    *database,
                const char    *table,
                sqlite3_int64  rowid)
{
  AltaStore *self = data;

  if (strncmp (table, "fhir_", 5) == 0)
    {
      self->fhir_generation++;
      self->fhir_dirty = TRUE;
    }
}

/* A commit that wrote the clinical record moves the generation once more: a reader given
 * the generation of a write not yet committed, which counts what was there before, must
 * not have its total taken for what the commit left. Audit rows alone do not move it.
 */
static int
on_commit (void *data)
{
  AltaStore *self = data;

  if (self->fhir_dirty)
    self->fhir_generation++;
  self->fhir_dirty = FALSE;
  return 0;
}

static void
on_rollback (void *data)
{
  AltaStore *self = data;

  self->fhir_generation++;
  self->fhir_dirty = FALSE;
}

static sqlite3_stmt *
prepare (AltaStore   *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer)sql, stmt);
  return stmt;
}

static char *
column_dup_text (sqlite3_stmt *stmt,
                 int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *)text) : NULL;
}

static gboolean
step_done (AltaStore     *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (self, rc, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

/* Steps a query that returns at most one row: TRUE with a row, FALSE with none (and no
 * error) or on failure (with an error).
 */
static gboolean
step_row (AltaStore     *self,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;

  if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);

  sqlite3_reset (stmt);
  return FALSE;
}

/* Steps a query through all its rows, handing each to @row_func; the caller resets or
 * finalizes the statement.
 */
static gboolean
step_each (AltaStore         *self,
           sqlite3_stmt      *stmt,
           AltaStoreRowFunc   row_func,
           gpointer           user_data,
           GError           **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    row_func (stmt, user_data);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, error);

  return TRUE;
}

/* Runs SQL text of one or more statements that take no values (pragmas, BEGIN, a
 * migration), without caching it.
 */
static gboolean
run_sql (AltaStore   *self,
         const char  *sql,
         GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED, "SQLite: %s",
                   message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

/* The cached statement for @static_sql, with @binds bound, ready to step */
static sqlite3_stmt *
prepare_bound (AltaStore       *self,
               const char      *static_sql,
               const AltaBind  *binds,
               GError         **error)
{
  sqlite3_stmt *stmt = prepare (self, static_sql, error);

  if (stmt == NULL)
    return NULL;

  if (!alta_store_bind (self, stmt, binds, error))
    {
      sqlite3_clear_bindings (stmt);
      return NULL;
    }

  return stmt;
}

typedef struct
{
  AltaStoreReadFunc  read_func;
  GPtrArray         *rows;
} ReadRows;

static void
read_row (sqlite3_stmt *stmt,
          gpointer      user_data)
{
  ReadRows *read_rows = user_data;

  g_ptr_array_add (read_rows->rows, read_rows->read_func (stmt));
}

static gboolean
migrate (AltaStore  *self,
         int         target_version,
         GError    **error)
{
  gint64 version = -1;

  if (!alta_store_query_each (self, "PRAGMA user_version", NULL, alta_store_copy_int64,
                              &version, error))
    return FALSE;

  if (version > (int)G_N_ELEMENTS (migrations))
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_SCHEMA,
                   "The database has schema version %d; this server knows up to %d",
                   (int)version, (int)G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (int i = (int)version; i < target_version; i++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", i + 1);

      if (!run_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!run_sql (self, migrations[i], error) || !run_sql (self, set_version, error))
        {
          run_sql (self, "ROLLBACK", NULL);
          return FALSE;
        }

      if (!run_sql (self, "COMMIT", error))
        return FALSE;

      g_message ("Database schema migrated to version %d", i + 1);
    }

  return TRUE;
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
alta_store_finalize (GObject *object)
{
  AltaStore *self = (AltaStore *)object;

  alta_store_close (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->dynamic, g_hash_table_unref);
  g_clear_pointer (&self->pending_audit, g_ptr_array_unref);

  G_OBJECT_CLASS (alta_store_parent_class)->finalize (object);
}

static void
alta_store_class_init (AltaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = alta_store_finalize;
}

static void
alta_store_init (AltaStore *self)
{
  /* Keyed by the address of the SQL text: every statement is a literal, and hashing the
   * text on each use cost more than running many of them. */
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            finalize_statement);
  /* Statements whose text is built per call (searches): keyed by the text, which repeats */
  self->dynamic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->pending_audit = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_audit_entry_free);
}

/* Makes @path readable by the server's user only, creating it if missing. SQLite creates
 * the database 0644 less the umask, and its -wal and -shm files with the database's mode:
 * the database made here first, 0600, keeps all three from other users on the machine,
 * whatever the umask and whether or not the folder was there before.
 */
static gboolean
make_private_file (const char  *path,
                   gboolean     create,
                   GError     **error)
{
  int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
  int fd = g_open (path, flags, 0600);
  struct stat info;
  int saved_errno;

  if (fd < 0)
    {
      saved_errno = errno;
      if (!create && saved_errno == ENOENT)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &info) != 0 || ((info.st_mode & 077) != 0 && fchmod (fd, 0600) != 0))
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot make %s private: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
make_database_private (const char  *path,
                       GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  /* A database from before this check may have left a -wal or -shm that others can read. */
  return make_private_file (path, TRUE, error) &&
         make_private_file (wal, FALSE, error) &&
         make_private_file (shm, FALSE, error);
}

/**
 * alta_store_open:
 * @path: the database file; made when missing
 * @error: return location for a #GError
 *
 * Opens the database in WAL mode with foreign keys on and migrates its schema to this
 * build's version.
 *
 * Returns: (transfer full) (nullable): the store
 */
AltaStore *
alta_store_open (const char  *path,
                 GError     **error)
{
  return alta_store_open_at_schema (path, G_N_ELEMENTS (migrations), error);
}

/**
 * alta_store_open_at_schema:
 * @path: the database file; made when missing
 * @version: the schema version to migrate up to, at most alta_store_get_schema_version()
 * @error: return location for a #GError
 *
 * alta_store_open(), stopping the migrations at @version: for tests that make a database
 * as an earlier build left it and see this build migrate it.
 *
 * Returns: (transfer full) (nullable): the store
 */
AltaStore *
alta_store_open_at_schema (const char  *path,
                           int          version,
                           GError     **error)
{
  g_autoptr (AltaStore) self = g_object_new (ALTA_TYPE_STORE, NULL);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= (int)G_N_ELEMENTS (migrations), NULL);

  if (!g_str_equal (path, ":memory:") && !make_database_private (path, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  /* Generations of two stores never meet, even at one address one after the other */
  {
    static gint next_store = 0;

    self->fhir_generation = (guint64)g_atomic_int_add (&next_store, 1) << 40;
  }
  sqlite3_update_hook (self->db, on_row_changed, self);
  sqlite3_rollback_hook (self->db, on_rollback, self);
  sqlite3_commit_hook (self->db, on_commit, self);
  sqlite3_extended_result_codes (self->db, 1);

  if (!run_sql (self, "PRAGMA journal_mode = WAL", error) ||
      !run_sql (self, "PRAGMA synchronous = FULL", error) ||
      /* 64 MiB of pages: imports and searches of large records stay in memory */
      !run_sql (self, "PRAGMA cache_size = -65536", error) ||
      !run_sql (self, "PRAGMA foreign_keys = ON", error) ||
      !alta_store_register_functions (self, error) ||
      !migrate (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * alta_store_open_reader:
 * @path: the database file the writer @origin opened
 * @origin: the server's store, which every write goes through
 * @error: return location for a #GError
 *
 * A read-only connection to the database, for one thread at a time (the read pool's):
 * WAL lets it read while @origin writes. Every read on it runs between
 * alta_store_begin_read() and alta_store_end_read(), so that it sees one committed state
 * (never a half-written import: an import commits a file at a time). The search totals it
 * counts are shared with @origin's (alta_store_get_origin()).
 *
 * Returns: (transfer full) (nullable): the reader
 */
AltaStore *
alta_store_open_reader (const char  *path,
                        AltaStore   *origin,
                        GError     **error)
{
  g_autoptr (AltaStore) self = g_object_new (ALTA_TYPE_STORE, NULL);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (ALTA_IS_STORE (origin) && origin->origin == NULL, NULL);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  self->origin = origin;
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  if (!run_sql (self, "PRAGMA query_only = ON", error) ||
      /* As the writer's: the pages of a large record stay in memory */
      !run_sql (self, "PRAGMA cache_size = -65536", error) ||
      !alta_store_register_functions (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * alta_store_begin_read:
 * @self: a reader from alta_store_open_reader()
 * @generation: alta_store_get_fhir_generation() of the origin when the read was asked for
 * @error: return location for a #GError
 *
 * Starts a read transaction: what the reader reads until alta_store_end_read() is one
 * committed state, taken no earlier than this call, so it holds every write committed
 * before the request was handed over. Totals it counts are kept under @generation.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_begin_read (AltaStore  *self,
                       guint64     generation,
                       GError    **error)
{
  g_return_val_if_fail (ALTA_IS_STORE (self) && self->origin != NULL, FALSE);

  self->fhir_generation = generation;
  return run_sql (self, "BEGIN", error);
}

/**
 * alta_store_end_read:
 * @self: a reader in a read transaction
 */
void
alta_store_end_read (AltaStore *self)
{
  g_return_if_fail (ALTA_IS_STORE (self) && self->origin != NULL);

  if (sqlite3_get_autocommit (self->db) == 0)
    run_sql (self, "COMMIT", NULL);
}

/**
 * alta_store_in_transaction:
 * @self: an #AltaStore
 *
 * Returns: %TRUE while a transaction is open on the connection
 */
gboolean
alta_store_in_transaction (AltaStore *self)
{
  g_return_val_if_fail (ALTA_IS_STORE (self), FALSE);

  return self->depth > 0 || (self->db != NULL && sqlite3_get_autocommit (self->db) == 0);
}

/**
 * alta_store_get_origin:
 * @self: an #AltaStore
 *
 * Returns: (transfer none): the writer a reader reads beside, or @self for the writer
 */
AltaStore *
alta_store_get_origin (AltaStore *self)
{
  return self->origin != NULL ? self->origin : self;
}

/**
 * alta_store_close:
 * @self: an #AltaStore
 *
 * Finalizes every statement and closes the database, which checkpoints the WAL. Safe to
 * call twice.
 */
void
alta_store_close (AltaStore *self)
{
  g_return_if_fail (ALTA_IS_STORE (self));

  if (self->db == NULL)
    return;

  /* Audit rows kept back are written before the database closes: a clean stop loses none */
  if (self->pending_audit->len > 0)
    {
      g_autoptr (GError) error = NULL;

      alta_store_rollback (self);
      if (!alta_store_flush_audit (self, &error))
        g_warning ("%u audit rows could not be written as the database closed: %s",
                   self->pending_audit->len, error->message);
    }

  g_hash_table_remove_all (self->statements);
  g_hash_table_remove_all (self->dynamic);
  if (sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("The database did not close cleanly: %s", sqlite3_errmsg (self->db));
  self->db = NULL;
}

/**
 * alta_store_begin:
 * @self: an #AltaStore
 * @error: return location for a #GError
 *
 * Starts a write transaction, or joins the one already open.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_begin (AltaStore  *self,
                  GError    **error)
{
  g_return_val_if_fail (ALTA_IS_STORE (self), FALSE);

  if (self->depth > 0)
    {
      self->depth++;
      return TRUE;
    }

  /* The audit rows kept back go first, in a commit of their own (a write rolled back must
   * not take them with it), so that the trail stays in the order things happened */
  if (self->pending_audit->len > 0 && !self->flushing)
    {
      g_autoptr (GError) flush_error = NULL;

      if (!alta_store_flush_audit (self, &flush_error))
        g_warning ("%u audit rows are kept back for now: %s", self->pending_audit->len,
                   flush_error->message);
    }

  self->depth++;
  if (!run_sql (self, "BEGIN IMMEDIATE", error))
    {
      self->depth = 0;
      return FALSE;
    }

  return TRUE;
}

/**
 * alta_store_commit:
 * @self: an #AltaStore
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the outermost transaction committed (or an inner one ended)
 */
gboolean
alta_store_commit (AltaStore  *self,
                   GError    **error)
{
  g_return_val_if_fail (ALTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (--self->depth > 0)
    return TRUE;

  if (!run_sql (self, "COMMIT", error))
    {
      run_sql (self, "ROLLBACK", NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * alta_store_rollback:
 * @self: an #AltaStore
 *
 * Abandons the whole transaction, however deeply nested.
 */
void
alta_store_rollback (AltaStore *self)
{
  g_return_if_fail (ALTA_IS_STORE (self));

  if (self->depth == 0)
    return;

  self->depth = 0;
  if (sqlite3_get_autocommit (self->db) == 0)
    run_sql (self, "ROLLBACK", NULL);
}

/**
 * alta_store_check_integrity:
 * @self: an #AltaStore
 * @error: return location for a #GError
 *
 * Runs SQLite's integrity and foreign-key checks.
 *
 * Returns: %TRUE when the database is consistent
 */
gboolean
alta_store_check_integrity (AltaStore  *self,
                            GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *result = NULL;
  g_autofree char *dangling = NULL;

  g_return_val_if_fail (ALTA_IS_STORE (self), FALSE);

  /* The first row says "ok", or names the first problem */
  result = alta_store_query_optional (self, "PRAGMA integrity_check", NULL,
                                      alta_store_read_text, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                   "Integrity check: %s", result != NULL ? result : "no answer");
      return FALSE;
    }

  /* A row for each dangling reference, naming its table */
  dangling = alta_store_query_optional (self, "PRAGMA foreign_key_check", NULL,
                                        alta_store_read_text, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (dangling != NULL)
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                           "Foreign key check found dangling references");
      return FALSE;
    }

  return TRUE;
}

/* Meta */

/**
 * alta_store_get_meta:
 * @self: an #AltaStore
 * @key: a setting's name
 *
 * Returns: (transfer full) (nullable): its value
 */
char *
alta_store_get_meta (AltaStore  *self,
                     const char *key)
{
  return alta_store_query_optional (self, "SELECT value FROM meta WHERE key = ?1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (key)),
                                    alta_store_read_text, NULL);
}

gboolean
alta_store_set_meta (AltaStore   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  return alta_store_exec (self,
                          "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          ALTA_BINDS (ALTA_BIND_TEXT (key), ALTA_BIND_TEXT (value)),
                          error);
}

/**
 * alta_store_set_relaxed:
 * @self: an #AltaStore, outside any transaction
 * @relaxed: %TRUE for the commits that follow to skip the fsync
 *
 * Commits are durable (synchronous = FULL) unless relaxed: a relaxed commit survives the
 * server's crash but not the machine losing power, and costs no fsync. For writes that
 * are many and small (the audit trail of record reads); set it back right after.
 */
void
alta_store_set_relaxed (AltaStore *self,
                        gboolean   relaxed)
{
  g_return_if_fail (self->depth == 0);

  self->relaxed = relaxed;
  run_sql (self, relaxed ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL", NULL);
}

/**
 * alta_store_sync:
 * @self: an #AltaStore, outside any transaction
 * @error: return location for a #GError
 *
 * Makes every commit so far durable, relaxed ones included: the write-ahead log is synced
 * and copied into the database, which is synced too (a full checkpoint: it waits, within
 * the busy timeout, for the readers that hold older pages; a checkpoint never copies a frame
 * it has not synced first).
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_sync (AltaStore  *self,
                 GError    **error)
{
  int rc;

  g_return_val_if_fail (self->depth == 0, FALSE);

  if (!alta_store_flush_audit (self, error))
    return FALSE;

  rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_FULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, error);

  return TRUE;
}

/**
 * alta_store_get_fhir_generation:
 * @self: an #AltaStore
 *
 * A number that changes whenever a row of the clinical record (the `fhir_` tables) may have
 * changed: written on this connection (rolled back too) or committed by another one (an
 * import run beside the server). What was read from those tables at one generation holds
 * as long as the generation is the same.
 *
 * Returns: the generation
 */
guint64
alta_store_get_fhir_generation (AltaStore *self)
{
  gint64 data_version = 0;

  /* A reader's is the writer's, given to alta_store_begin_read() */
  if (self->origin != NULL)
    return self->fhir_generation;

  /* PRAGMA data_version changes when another connection commits */
  if (alta_store_query_each (self, "PRAGMA data_version", NULL, alta_store_copy_int64,
                             &data_version, NULL) &&
      data_version != self->data_version)
    {
      self->data_version = data_version;
      self->fhir_generation++;
    }

  return self->fhir_generation;
}

/* Statements: the helpers every part of the store runs its SQL with */

/**
 * alta_store_bind:
 * @self: an #AltaStore
 * @stmt: a statement, freshly prepared or reset
 * @binds: (nullable) (array): the values of its parameters, in order, ended by
 *   %ALTA_BIND_END (ALTA_BINDS() ends them for you); %NULL when it takes none
 * @error: return location for a #GError
 *
 * Binds @binds[0] to `?1`, @binds[1] to `?2`, and so on. The list must give every
 * parameter the statement has, no more and no fewer: a statement that reuses `?3` counts
 * it once.
 *
 * Returns: %TRUE on success, or %FALSE with %ALTA_STORE_ERROR_FAILED when SQLite refused
 *   a value (out of memory, too long); a list of the wrong length is a programmer's
 *   error, logged as critical and reported as %ALTA_STORE_ERROR_FAILED
 */
gboolean
alta_store_bind (AltaStore       *self,
                 sqlite3_stmt    *stmt,
                 const AltaBind  *binds,
                 GError         **error)
{
  int parameters = sqlite3_bind_parameter_count (stmt);
  int count = 0;

  while (binds != NULL && binds[count].kind != ALTA_BIND_KIND_END)
    count++;

  if (count != parameters)
    {
      g_critical ("%d values for the %d parameters of “%s”", count, parameters,
                  sqlite3_sql (stmt));
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                   "%d values for %d parameters", count, parameters);
      return FALSE;
    }

  for (int i = 0; i < count; i++)
    {
      int rc = SQLITE_OK;

      switch (binds[i].kind)
        {
        case ALTA_BIND_KIND_TEXT:
          if (binds[i].text != NULL)
            rc = sqlite3_bind_text (stmt, i + 1, binds[i].text, -1, SQLITE_TRANSIENT);
          else
            rc = sqlite3_bind_null (stmt, i + 1);
          break;

        case ALTA_BIND_KIND_INT:
          rc = sqlite3_bind_int64 (stmt, i + 1, binds[i].number);
          break;

        case ALTA_BIND_KIND_NULL:
          rc = sqlite3_bind_null (stmt, i + 1);
          break;

        case ALTA_BIND_KIND_END:
        default:
          g_assert_not_reached ();
        }

      /* Out of memory, or a text longer than SQLite takes */
      if (rc != SQLITE_OK)
        return set_sqlite_error (self, rc, error);
    }

  return TRUE;
}

/**
 * alta_store_exec:
 * @self: an #AltaStore
 * @static_sql: one statement, a literal: it is prepared once and cached under its address
 * @binds: (nullable) (array): its values, see alta_store_bind()
 * @error: return location for a #GError
 *
 * Runs a statement that writes (INSERT, UPDATE, DELETE); a row it may return is ignored.
 * Right after it, `sqlite3_changes (self->db)` says how many rows it changed and
 * `sqlite3_last_insert_rowid (self->db)` the id of the row it inserted.
 *
 * |[<!-- language="C" -->
 * return alta_store_exec (self,
 *                         "UPDATE sessions SET ended_at = ?2 WHERE id = ?1",
 *                         ALTA_BINDS (ALTA_BIND_INT (session_id),
 *                                     ALTA_BIND_INT (at)),
 *                         error);
 * ]|
 *
 * The statement is reset afterwards, whatever happened.
 *
 * Returns: %TRUE on success, or %FALSE with %ALTA_STORE_ERROR_CONSTRAINT when a UNIQUE,
 *   CHECK or foreign key constraint refused the write, or %ALTA_STORE_ERROR_FAILED
 */
gboolean
alta_store_exec (AltaStore       *self,
                 const char      *static_sql,
                 const AltaBind  *binds,
                 GError         **error)
{
  sqlite3_stmt *stmt = prepare_bound (self, static_sql, binds, error);

  return stmt != NULL && step_done (self, stmt, error);
}

/**
 * alta_store_query_each:
 * @self: an #AltaStore
 * @static_sql: one query, a literal: it is prepared once and cached under its address
 * @binds: (nullable) (array): its values, see alta_store_bind()
 * @row_func: (scope call): called on each row, in order
 * @user_data: for @row_func
 * @error: return location for a #GError
 *
 * Runs a query and hands each row to @row_func, which reads its columns with
 * `sqlite3_column_*()` and alta_store_column_dup_text(). The other query helpers are made
 * of this one; use it for results that are not a #GPtrArray of structs. With
 * alta_store_copy_int64() it reads a number:
 *
 * |[<!-- language="C" -->
 * gint64 count = 0;
 *
 * if (!alta_store_query_each (self, "SELECT count(*) FROM audit WHERE at >= ?1",
 *                             ALTA_BINDS (ALTA_BIND_INT (since)),
 *                             alta_store_copy_int64, &count, error))
 *   return -1;
 * ]|
 *
 * The statement is reset afterwards, whatever happened.
 *
 * Returns: %TRUE when every row was read, %FALSE with %ALTA_STORE_ERROR_FAILED
 */
gboolean
alta_store_query_each (AltaStore         *self,
                       const char        *static_sql,
                       const AltaBind    *binds,
                       AltaStoreRowFunc   row_func,
                       gpointer           user_data,
                       GError           **error)
{
  sqlite3_stmt *stmt = prepare_bound (self, static_sql, binds, error);
  gboolean done;

  if (stmt == NULL)
    return FALSE;

  done = step_each (self, stmt, row_func, user_data, error);
  sqlite3_reset (stmt);

  return done;
}

/**
 * alta_store_query_dynamic:
 * @self: an #AltaStore
 * @sql: one query whose text is built for this call (a search's conditions)
 * @binds: (array): its values, see alta_store_bind()
 * @row_func: (scope call): called on each row, in order
 * @user_data: for @row_func
 * @error: return location for a #GError
 *
 * Like alta_store_query_each(), for SQL that is not a literal: the statement is kept under
 * a copy of its text (not its address, which is freed after the call), so that the next
 * call with the same text, another page of the same search, binds and runs it without
 * preparing it again. Build the text from fixed fragments and bind every value; @binds can be the data of a zero-terminated
 * #GArray of #AltaBind, as %ALTA_BIND_KIND_END is 0.
 *
 * Returns: %TRUE when every row was read, %FALSE with %ALTA_STORE_ERROR_FAILED
 */
gboolean
alta_store_query_dynamic (AltaStore         *self,
                          const char        *sql,
                          const AltaBind    *binds,
                          AltaStoreRowFunc   row_func,
                          gpointer           user_data,
                          GError           **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->dynamic, sql);
  gboolean done;

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

      if (rc != SQLITE_OK)
        return set_sqlite_error (self, rc, error);

      /* A search's text depends on its parameters, not on their values: few texts recur.
       * Past the cap (a client trying every combination) the cache starts again. */
      if (g_hash_table_size (self->dynamic) >= MAX_DYNAMIC_STATEMENTS)
        g_hash_table_remove_all (self->dynamic);
      g_hash_table_insert (self->dynamic, g_strdup (sql), stmt);
    }

  done = alta_store_bind (self, stmt, binds, error) &&
         step_each (self, stmt, row_func, user_data, error);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return done;
}

/**
 * alta_store_copy_int64:
 * @stmt: a statement on a row
 * @user_data: (type gint64*): where to store the row's first column
 *
 * An #AltaStoreRowFunc for alta_store_query_each() that reads one number. With no row,
 * the number keeps the value it had.
 */
void
alta_store_copy_int64 (sqlite3_stmt *stmt,
                       gpointer      user_data)
{
  gint64 *value = user_data;

  *value = sqlite3_column_int64 (stmt, 0);
}

/**
 * alta_store_read_text:
 * @stmt: a statement on a row
 *
 * An #AltaStoreReadFunc for alta_store_query_optional() and its kin that reads the
 * row's first column as text. The column must not be NULL (a NULL would read as no row).
 *
 * Returns: (transfer full): the text
 */
gpointer
alta_store_read_text (sqlite3_stmt *stmt)
{
  return column_dup_text (stmt, 0);
}

/**
 * alta_store_query_optional:
 * @self: an #AltaStore
 * @static_sql: one query, a literal: it is prepared once and cached under its address
 * @binds: (nullable) (array): its values, see alta_store_bind()
 * @read_func: reads the row into a new value
 * @error: return location for a #GError
 *
 * Like alta_store_query_one(), for a row that may well not be there (a token someone
 * sent): no row is no error. Only the first row is read.
 *
 * Returns: (transfer full) (nullable): the row as @read_func read it, or %NULL: with an
 *   error when the query failed, without one when no row matched
 */
gpointer
alta_store_query_optional (AltaStore          *self,
                           const char         *static_sql,
                           const AltaBind     *binds,
                           AltaStoreReadFunc   read_func,
                           GError            **error)
{
  sqlite3_stmt *stmt = prepare_bound (self, static_sql, binds, error);
  gpointer row;

  if (stmt == NULL || !step_row (self, stmt, error))
    return NULL;

  row = read_func (stmt);
  sqlite3_reset (stmt);

  return row;
}

/**
 * alta_store_query_one:
 * @self: an #AltaStore
 * @static_sql: one query, a literal: it is prepared once and cached under its address
 * @binds: (nullable) (array): its values, see alta_store_bind()
 * @read_func: reads the row into a new value
 * @error: return location for a #GError
 *
 * Runs a query for one row and reads it with @read_func; only the first row is read.
 *
 * |[<!-- language="C" -->
 * static gpointer
 * read_token (sqlite3_stmt *stmt)
 * {
 *   AltaResetToken *token = g_new0 (AltaResetToken, 1);
 *
 *   token->id = sqlite3_column_int64 (stmt, 0);
 *   token->token_hash = alta_store_column_dup_text (stmt, 1);
 *   return token;
 * }
 *
 *   token = alta_store_query_one (self,
 *                                 "SELECT id, token_hash FROM reset_tokens WHERE id = ?1",
 *                                 ALTA_BINDS (ALTA_BIND_INT (token_id)),
 *                                 read_token, error);
 * ]|
 *
 * The statement is reset afterwards, whatever happened.
 *
 * Returns: (transfer full) (nullable): the row as @read_func read it, or %NULL with
 *   %ALTA_STORE_ERROR_NOT_FOUND when no row matched, or %ALTA_STORE_ERROR_FAILED
 */
gpointer
alta_store_query_one (AltaStore          *self,
                      const char         *static_sql,
                      const AltaBind     *binds,
                      AltaStoreReadFunc   read_func,
                      GError            **error)
{
  g_autoptr (GError) local_error = NULL;
  gpointer row = alta_store_query_optional (self, static_sql, binds, read_func, &local_error);

  if (row != NULL)
    return row;

  if (local_error == NULL)
    g_set_error_literal (&local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                         "No such row");
  g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

/**
 * alta_store_query_all:
 * @self: an #AltaStore
 * @static_sql: one query, a literal: it is prepared once and cached under its address
 * @binds: (nullable) (array): its values, see alta_store_bind()
 * @read_func: reads a row into a new value
 * @free_func: frees what @read_func returns
 * @error: return location for a #GError
 *
 * Runs a query and reads every row with @read_func.
 *
 * |[<!-- language="C" -->
 * return alta_store_query_all (self,
 *                              "SELECT id, recipient, message, attempts FROM mail_queue "
 *                              "WHERE next_attempt_at <= ?1 ORDER BY id LIMIT ?2",
 *                              ALTA_BINDS (ALTA_BIND_INT (now), ALTA_BIND_INT (limit)),
 *                              read_queued_mail,
 *                              (GDestroyNotify)alta_queued_mail_free,
 *                              error);
 * ]|
 *
 * The statement is reset afterwards, whatever happened.
 *
 * Returns: (transfer full) (nullable): the rows, perhaps none, or %NULL with
 *   %ALTA_STORE_ERROR_FAILED
 */
GPtrArray *
alta_store_query_all (AltaStore          *self,
                      const char         *static_sql,
                      const AltaBind     *binds,
                      AltaStoreReadFunc   read_func,
                      GDestroyNotify      free_func,
                      GError            **error)
{
  ReadRows read_rows = { read_func, g_ptr_array_new_with_free_func (free_func) };

  if (!alta_store_query_each (self, static_sql, binds, read_row, &read_rows, error))
    {
      g_ptr_array_unref (read_rows.rows);
      return NULL;
    }

  return read_rows.rows;
}

/* For the row readers of the other parts, and what they need of the database (the rows
 * a write changed, the id it inserted) */

sqlite3 *
alta_store_get_db (AltaStore *self)
{
  return self->db;
}

char *
alta_store_column_dup_text (sqlite3_stmt *stmt,
                            int           column)
{
  return column_dup_text (stmt, column);
}
