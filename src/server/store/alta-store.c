/* alta-store.c: the portal server's storage (SQLite in WAL mode)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "alta-store-private.h"

/* Every statement is prepared once and kept; every value goes through a bind, never
 * through the SQL text. Writes of one request run inside one BEGIN IMMEDIATE transaction
 * (see alta_store_begin()), so that a crash leaves either all of it or none of it.
 */

struct _AltaStore
{
  GObject     parent_instance;

  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  int         depth;        /* nesting of alta_store_begin() */
};

G_DEFINE_FINAL_TYPE (AltaStore, alta_store, G_TYPE_OBJECT)

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
  "CREATE UNIQUE INDEX fhir_identifiers_client_request ON fhir_identifiers (value)"
  "  WHERE system = 'https://myaltamed.net/fhir/sid/client-request';",
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

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
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

static gboolean
exec (AltaStore   *self,
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

static int
get_user_version (AltaStore *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
migrate (AltaStore  *self,
         GError    **error)
{
  int version = get_user_version (self);

  if (version < 0)
    return set_sqlite_error (self, sqlite3_errcode (self->db), error);

  if (version > (int)G_N_ELEMENTS (migrations))
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_SCHEMA,
                   "The database has schema version %d; this server knows up to %d",
                   version, (int)G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (int i = version; i < (int)G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", i + 1);

      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!exec (self, migrations[i], error) || !exec (self, set_version, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }

      if (!exec (self, "COMMIT", error))
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
  g_autoptr (AltaStore) self = g_object_new (ALTA_TYPE_STORE, NULL);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      /* 64 MiB of pages: imports and searches of large records stay in memory */
      !exec (self, "PRAGMA cache_size = -65536", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
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

  g_hash_table_remove_all (self->statements);
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

  if (self->depth++ > 0)
    return TRUE;

  if (!exec (self, "BEGIN IMMEDIATE", error))
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

  if (!exec (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
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
    exec (self, "ROLLBACK", NULL);
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
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  gboolean fk_ok;

  g_return_val_if_fail (ALTA_IS_STORE (self), FALSE);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, sqlite3_errcode (self->db), error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = column_dup_text (stmt, 0);
  sqlite3_finalize (stmt);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                   "Integrity check: %s", result != NULL ? result : "no answer");
      return FALSE;
    }

  if (sqlite3_prepare_v2 (self->db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, sqlite3_errcode (self->db), error);
  fk_ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);

  if (!fk_ok)
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
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, key);
  if (step_row (self, stmt, NULL))
    value = column_dup_text (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

gboolean
alta_store_set_meta (AltaStore   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

/* Patients */

void
alta_patient_free (AltaPatient *patient)
{
  if (patient == NULL)
    return;

  g_free (patient->id);
  g_free (patient->given_name);
  g_free (patient->family_name);
  g_free (patient->birth_date);
  g_free (patient->email);
  g_free (patient->phone);
  g_free (patient->language);
  g_free (patient->address_json);
  g_free (patient);
}

#define PATIENT_COLUMNS \
  "id, given_name, family_name, birth_date, email, phone, language, address_json"

static AltaPatient *
read_patient (sqlite3_stmt *stmt)
{
  AltaPatient *patient = g_new0 (AltaPatient, 1);

  patient->id = column_dup_text (stmt, 0);
  patient->given_name = column_dup_text (stmt, 1);
  patient->family_name = column_dup_text (stmt, 2);
  patient->birth_date = column_dup_text (stmt, 3);
  patient->email = column_dup_text (stmt, 4);
  patient->phone = column_dup_text (stmt, 5);
  patient->language = column_dup_text (stmt, 6);
  patient->address_json = column_dup_text (stmt, 7);

  return patient;
}

gboolean
alta_store_insert_patient (AltaStore          *self,
                           const AltaPatient  *patient,
                           GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO patients (" PATIENT_COLUMNS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, patient->id);
  bind_text (stmt, 2, patient->given_name);
  bind_text (stmt, 3, patient->family_name);
  bind_text (stmt, 4, patient->birth_date);
  bind_text (stmt, 5, patient->email);
  bind_text (stmt, 6, patient->phone);
  bind_text (stmt, 7, patient->language != NULL ? patient->language : "en");
  bind_text (stmt, 8, patient->address_json);
  return step_done (self, stmt, error);
}

/**
 * alta_store_put_patient:
 * @self: an #AltaStore
 * @patient: a patient, as an import read it from a FHIR Patient
 * @error: return location for a #GError
 *
 * Adds the patient, or updates the name, birth date and contact details of one already
 * there (an account's own choices, such as its language, stay).
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_put_patient (AltaStore          *self,
                        const AltaPatient  *patient,
                        GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO patients (" PATIENT_COLUMNS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                                "ON CONFLICT (id) DO UPDATE SET given_name = ?2,"
                                " family_name = ?3, birth_date = ?4,"
                                " email = coalesce (?5, email), phone = coalesce (?6, phone),"
                                " address_json = coalesce (?8, address_json)",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, patient->id);
  bind_text (stmt, 2, patient->given_name);
  bind_text (stmt, 3, patient->family_name);
  bind_text (stmt, 4, patient->birth_date);
  bind_text (stmt, 5, patient->email);
  bind_text (stmt, 6, patient->phone);
  bind_text (stmt, 7, patient->language != NULL ? patient->language : "en");
  bind_text (stmt, 8, patient->address_json);
  return step_done (self, stmt, error);
}

/**
 * alta_store_get_patient:
 * @self: an #AltaStore
 * @patient_id: a patient id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the patient, or %NULL with
 *   %ALTA_STORE_ERROR_NOT_FOUND
 */
AltaPatient *
alta_store_get_patient (AltaStore   *self,
                        const char  *patient_id,
                        GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " PATIENT_COLUMNS " FROM patients WHERE id = ?1",
                                error);
  AltaPatient *patient;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, patient_id);
  if (!step_row (self, stmt, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                             "No such patient");
      return NULL;
    }

  patient = read_patient (stmt);
  sqlite3_reset (stmt);
  return patient;
}

/**
 * alta_store_find_patients:
 * @self: an #AltaStore
 * @family_name: (nullable): family name, compared without case
 * @given_name: (nullable): given name, compared without case
 * @birth_date: (nullable): exact date of birth
 * @limit: the most rows to return
 * @error: return location for a #GError
 *
 * Every criterion given must match; a missing one matches everything.
 *
 * Returns: (transfer full) (element-type AltaPatient): the matching patients
 */
GPtrArray *
alta_store_find_patients (AltaStore   *self,
                          const char  *family_name,
                          const char  *given_name,
                          const char  *birth_date,
                          guint        limit,
                          GError     **error)
{
  g_autoptr (GPtrArray) patients = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_patient_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " PATIENT_COLUMNS " FROM patients "
                                "WHERE (?1 IS NULL OR family_name = ?1 COLLATE NOCASE) "
                                "  AND (?2 IS NULL OR given_name = ?2 COLLATE NOCASE) "
                                "  AND (?3 IS NULL OR birth_date = ?3) "
                                "ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, id "
                                "LIMIT ?4",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, family_name);
  bind_text (stmt, 2, given_name);
  bind_text (stmt, 3, birth_date);
  sqlite3_bind_int64 (stmt, 4, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (patients, read_patient (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&patients);
}

/**
 * alta_store_update_patient_contact:
 * @self: an #AltaStore
 * @patient_id: the patient
 * @email: (nullable): a new e-mail address, or %NULL to keep it
 * @phone: (nullable): a new phone number, or %NULL to keep it
 * @address_json: (nullable): a new address, or %NULL to keep it
 * @language: (nullable): a new language, or %NULL to keep it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_update_patient_contact (AltaStore   *self,
                                   const char  *patient_id,
                                   const char  *email,
                                   const char  *phone,
                                   const char  *address_json,
                                   const char  *language,
                                   GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE patients SET "
                                "  email = coalesce (?2, email), "
                                "  phone = coalesce (?3, phone), "
                                "  address_json = coalesce (?4, address_json), "
                                "  language = coalesce (?5, language) "
                                "WHERE id = ?1",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, patient_id);
  bind_text (stmt, 2, email);
  bind_text (stmt, 3, phone);
  bind_text (stmt, 4, address_json);
  bind_text (stmt, 5, language);
  return step_done (self, stmt, error);
}

/* Accounts */

void
alta_account_free (AltaAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->username);
  g_free (account->role);
  g_free (account->patient_id);
  g_free (account->password_hash);
  g_free (account->email);
  g_free (account->phone);
  g_free (account->language);
  g_free (account);
}

#define ACCOUNT_COLUMNS \
  "id, username, role, patient_id, password_hash, email, phone, language, created_at"

static AltaAccount *
read_account (sqlite3_stmt *stmt)
{
  AltaAccount *account = g_new0 (AltaAccount, 1);

  account->id = sqlite3_column_int64 (stmt, 0);
  account->username = column_dup_text (stmt, 1);
  account->role = column_dup_text (stmt, 2);
  account->patient_id = column_dup_text (stmt, 3);
  account->password_hash = column_dup_text (stmt, 4);
  account->email = column_dup_text (stmt, 5);
  account->phone = column_dup_text (stmt, 6);
  account->language = column_dup_text (stmt, 7);
  account->created_at = sqlite3_column_int64 (stmt, 8);

  return account;
}

static AltaAccount *
get_one_account (AltaStore     *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  AltaAccount *account;

  if (!step_row (self, stmt, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                             "No such account");
      return NULL;
    }

  account = read_account (stmt);
  sqlite3_reset (stmt);
  return account;
}

/**
 * alta_store_insert_account:
 * @self: an #AltaStore
 * @account: the account (its id is ignored)
 * @error: return location for a #GError
 *
 * Returns: the new account's id, or 0 with %ALTA_STORE_ERROR_CONSTRAINT when the username
 *   or the patient already has one
 */
gint64
alta_store_insert_account (AltaStore          *self,
                           const AltaAccount  *account,
                           GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO accounts (username, role, patient_id, password_hash, "
                                "  email, phone, language, created_at) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                error);

  if (stmt == NULL)
    return 0;

  bind_text (stmt, 1, account->username);
  bind_text (stmt, 2, account->role);
  bind_text (stmt, 3, account->patient_id);
  bind_text (stmt, 4, account->password_hash);
  bind_text (stmt, 5, account->email);
  bind_text (stmt, 6, account->phone);
  bind_text (stmt, 7, account->language != NULL ? account->language : "en");
  sqlite3_bind_int64 (stmt, 8, account->created_at);

  if (!step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

/**
 * alta_store_get_account:
 * @self: an #AltaStore
 * @account_id: an account id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account
 */
AltaAccount *
alta_store_get_account (AltaStore  *self,
                        gint64      account_id,
                        GError    **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1",
                                error);

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  return get_one_account (self, stmt, error);
}

/**
 * alta_store_get_account_by_username:
 * @self: an #AltaStore
 * @username: a username, compared without case
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account
 */
AltaAccount *
alta_store_get_account_by_username (AltaStore   *self,
                                    const char  *username,
                                    GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE username = ?1",
                                error);

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, username);
  return get_one_account (self, stmt, error);
}

/**
 * alta_store_get_account_by_patient:
 * @self: an #AltaStore
 * @patient_id: a patient id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the patient's own account
 */
AltaAccount *
alta_store_get_account_by_patient (AltaStore   *self,
                                   const char  *patient_id,
                                   GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE patient_id = ?1",
                                error);

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, patient_id);
  return get_one_account (self, stmt, error);
}

/**
 * alta_store_find_accounts_by_email:
 * @self: an #AltaStore
 * @email: an e-mail address, compared without case
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type AltaAccount): the accounts with that address
 */
GPtrArray *
alta_store_find_accounts_by_email (AltaStore   *self,
                                   const char  *email,
                                   GError     **error)
{
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_account_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " ACCOUNT_COLUMNS " FROM accounts "
                                "WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 20",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, email);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, read_account (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&accounts);
}

/**
 * alta_store_update_account:
 * @self: an #AltaStore
 * @account: the account with its new e-mail, phone and language
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_update_account (AltaStore          *self,
                           const AltaAccount  *account,
                           GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE accounts SET email = ?2, phone = ?3, language = ?4 "
                                "WHERE id = ?1",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account->id);
  bind_text (stmt, 2, account->email);
  bind_text (stmt, 3, account->phone);
  bind_text (stmt, 4, account->language);
  return step_done (self, stmt, error);
}

gboolean
alta_store_set_password_hash (AltaStore   *self,
                              gint64       account_id,
                              const char  *password_hash,
                              GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "UPDATE accounts SET password_hash = ?2 WHERE id = ?1",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, password_hash);
  return step_done (self, stmt, error);
}

/* Lockout */

gboolean
alta_store_add_login_failure (AltaStore   *self,
                              const char  *key,
                              gint64       at,
                              GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, at);
  return step_done (self, stmt, error);
}

/**
 * alta_store_count_login_failures:
 * @self: an #AltaStore
 * @key: the folded username
 * @since: the start of the window
 * @error: return location for a #GError
 *
 * Returns: the failures since @since, or -1 on error
 */
int
alta_store_count_login_failures (AltaStore   *self,
                                 const char  *key,
                                 gint64       since,
                                 GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
                                error);
  int count;

  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, since);
  if (!step_row (self, stmt, error))
    return -1;

  count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

gboolean
alta_store_clear_login_failures (AltaStore   *self,
                                 const char  *key,
                                 GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM login_failures WHERE key = ?1", error);
  sqlite3_stmt *unlock;

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  if (!step_done (self, stmt, error))
    return FALSE;

  unlock = prepare (self, "DELETE FROM lockouts WHERE key = ?1", error);
  if (unlock == NULL)
    return FALSE;

  bind_text (unlock, 1, key);
  return step_done (self, unlock, error);
}

gboolean
alta_store_set_locked_until (AltaStore   *self,
                             const char  *key,
                             gint64       locked_until,
                             GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO lockouts (key, locked_until) VALUES (?1, ?2) "
                                "ON CONFLICT (key) DO UPDATE SET locked_until = excluded.locked_until",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, locked_until);
  return step_done (self, stmt, error);
}

/**
 * alta_store_get_locked_until:
 * @self: an #AltaStore
 * @key: the folded username
 * @error: return location for a #GError
 *
 * Returns: when the lock ends, 0 when there is none, -1 on error
 */
gint64
alta_store_get_locked_until (AltaStore   *self,
                             const char  *key,
                             GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT locked_until FROM lockouts WHERE key = ?1", error);
  gint64 locked_until;

  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, key);
  if (!step_row (self, stmt, error))
    return (error != NULL && *error != NULL) ? -1 : 0;

  locked_until = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return locked_until;
}

/* Activation codes */

void
alta_activation_code_free (AltaActivationCode *code)
{
  if (code == NULL)
    return;

  g_free (code->patient_id);
  g_free (code->code_hash);
  g_free (code);
}

/**
 * alta_store_insert_activation_code:
 * @self: an #AltaStore
 * @patient_id: the patient
 * @code_hash: the code's keyed hash
 * @created_at: now
 * @expires_at: when it stops working
 * @error: return location for a #GError
 *
 * Voids every earlier unused code of the patient, then stores the new one. Call inside a
 * transaction.
 *
 * Returns: the code's id, or 0 on error
 */
gint64
alta_store_insert_activation_code (AltaStore   *self,
                                   const char  *patient_id,
                                   const char  *code_hash,
                                   gint64       created_at,
                                   gint64       expires_at,
                                   GError     **error)
{
  sqlite3_stmt *void_stmt = prepare (self,
                                     "UPDATE activation_codes SET voided_at = ?2 "
                                     "WHERE patient_id = ?1 AND used_at IS NULL AND voided_at IS NULL",
                                     error);
  sqlite3_stmt *stmt;

  if (void_stmt == NULL)
    return 0;

  bind_text (void_stmt, 1, patient_id);
  sqlite3_bind_int64 (void_stmt, 2, created_at);
  if (!step_done (self, void_stmt, error))
    return 0;

  stmt = prepare (self,
                  "INSERT INTO activation_codes (patient_id, code_hash, created_at, expires_at) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return 0;

  bind_text (stmt, 1, patient_id);
  bind_text (stmt, 2, code_hash);
  sqlite3_bind_int64 (stmt, 3, created_at);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  if (!step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

/**
 * alta_store_find_activation_code:
 * @self: an #AltaStore
 * @code_hash: the keyed hash of a code someone typed
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the code, used, voided or not
 */
AltaActivationCode *
alta_store_find_activation_code (AltaStore   *self,
                                 const char  *code_hash,
                                 GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, patient_id, code_hash, created_at, expires_at, "
                                "  coalesce (used_at, 0), coalesce (voided_at, 0) "
                                "FROM activation_codes WHERE code_hash = ?1",
                                error);
  AltaActivationCode *code;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, code_hash);
  if (!step_row (self, stmt, error))
    return NULL;

  code = g_new0 (AltaActivationCode, 1);
  code->id = sqlite3_column_int64 (stmt, 0);
  code->patient_id = column_dup_text (stmt, 1);
  code->code_hash = column_dup_text (stmt, 2);
  code->created_at = sqlite3_column_int64 (stmt, 3);
  code->expires_at = sqlite3_column_int64 (stmt, 4);
  code->used_at = sqlite3_column_int64 (stmt, 5);
  code->voided_at = sqlite3_column_int64 (stmt, 6);
  sqlite3_reset (stmt);

  return code;
}

/**
 * alta_store_mark_activation_code_used:
 * @self: an #AltaStore
 * @code_id: the code
 * @at: now
 * @error: return location for a #GError
 *
 * Marks the code used only if it was not already: two activations racing for one code
 * cannot both get here, and this refuses the second one anyway.
 *
 * Returns: %TRUE when this call used the code
 */
gboolean
alta_store_mark_activation_code_used (AltaStore  *self,
                                      gint64      code_id,
                                      gint64      at,
                                      GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE activation_codes SET used_at = ?2 "
                                "WHERE id = ?1 AND used_at IS NULL AND voided_at IS NULL",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, code_id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT,
                           "The activation code was already used");
      return FALSE;
    }

  return TRUE;
}

/* Sessions */

void
alta_session_record_free (AltaSessionRecord *session)
{
  g_free (session);
}

gint64
alta_store_insert_session (AltaStore   *self,
                           gint64       account_id,
                           const char  *token_hash,
                           gint64       created_at,
                           gint64       expires_at,
                           GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO sessions (account_id, token_hash, created_at, "
                                "  last_activity_at, expires_at) VALUES (?1, ?2, ?3, ?3, ?4)",
                                error);

  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, token_hash);
  sqlite3_bind_int64 (stmt, 3, created_at);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  if (!step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

/**
 * alta_store_find_session:
 * @self: an #AltaStore
 * @token_hash: the keyed hash of a bearer token
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the session, ended or not
 */
AltaSessionRecord *
alta_store_find_session (AltaStore   *self,
                         const char  *token_hash,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, account_id, created_at, last_activity_at, expires_at, "
                                "  coalesce (ended_at, 0) FROM sessions WHERE token_hash = ?1",
                                error);
  AltaSessionRecord *session;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, token_hash);
  if (!step_row (self, stmt, error))
    return NULL;

  session = g_new0 (AltaSessionRecord, 1);
  session->id = sqlite3_column_int64 (stmt, 0);
  session->account_id = sqlite3_column_int64 (stmt, 1);
  session->created_at = sqlite3_column_int64 (stmt, 2);
  session->last_activity_at = sqlite3_column_int64 (stmt, 3);
  session->expires_at = sqlite3_column_int64 (stmt, 4);
  session->ended_at = sqlite3_column_int64 (stmt, 5);
  sqlite3_reset (stmt);

  return session;
}

gboolean
alta_store_touch_session (AltaStore  *self,
                          gint64      session_id,
                          gint64      at,
                          GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE sessions SET last_activity_at = max (last_activity_at, ?2) "
                                "WHERE id = ?1 AND ended_at IS NULL",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, at);
  return step_done (self, stmt, error);
}

gboolean
alta_store_end_session (AltaStore   *self,
                        gint64       session_id,
                        gint64       at,
                        const char  *reason,
                        GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE sessions SET ended_at = ?2, end_reason = ?3 "
                                "WHERE id = ?1 AND ended_at IS NULL",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, at);
  bind_text (stmt, 3, reason);
  return step_done (self, stmt, error);
}

/**
 * alta_store_end_account_sessions:
 * @self: an #AltaStore
 * @account_id: the account
 * @except_session_id: a session to keep open, or 0
 * @at: now
 * @reason: why they end ("password-changed", "password-reset")
 * @error: return location for a #GError
 *
 * Returns: how many sessions ended, or -1 on error
 */
int
alta_store_end_account_sessions (AltaStore   *self,
                                 gint64       account_id,
                                 gint64       except_session_id,
                                 gint64       at,
                                 const char  *reason,
                                 GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE sessions SET ended_at = ?3, end_reason = ?4 "
                                "WHERE account_id = ?1 AND id != ?2 AND ended_at IS NULL",
                                error);

  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int64 (stmt, 2, except_session_id);
  sqlite3_bind_int64 (stmt, 3, at);
  bind_text (stmt, 4, reason);
  if (!step_done (self, stmt, error))
    return -1;

  return sqlite3_changes (self->db);
}

/**
 * alta_store_list_stale_sessions:
 * @self: an #AltaStore
 * @idle_before: sessions idle since before this time are stale
 * @now: sessions whose absolute end is before this are stale
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type AltaSessionRecord): open sessions past their idle or
 *   absolute limit
 */
GArray *
alta_store_list_stale_sessions (AltaStore  *self,
                                gint64      idle_before,
                                gint64      now,
                                GError    **error)
{
  g_autoptr (GArray) sessions = g_array_new (FALSE, TRUE, sizeof (AltaSessionRecord));
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, account_id, created_at, last_activity_at, expires_at "
                                "FROM sessions WHERE ended_at IS NULL "
                                "  AND (last_activity_at < ?1 OR expires_at <= ?2) LIMIT 1000",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, idle_before);
  sqlite3_bind_int64 (stmt, 2, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AltaSessionRecord session = {
        .id = sqlite3_column_int64 (stmt, 0),
        .account_id = sqlite3_column_int64 (stmt, 1),
        .created_at = sqlite3_column_int64 (stmt, 2),
        .last_activity_at = sqlite3_column_int64 (stmt, 3),
        .expires_at = sqlite3_column_int64 (stmt, 4),
      };

      g_array_append_val (sessions, session);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&sessions);
}

/* Password reset tokens */

void
alta_reset_token_free (AltaResetToken *token)
{
  if (token == NULL)
    return;

  g_free (token->token_hash);
  g_free (token);
}

gboolean
alta_store_insert_reset_token (AltaStore   *self,
                               gint64       account_id,
                               const char  *token_hash,
                               gint64       created_at,
                               gint64       expires_at,
                               GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO reset_tokens (account_id, token_hash, created_at, "
                                "  expires_at) VALUES (?1, ?2, ?3, ?4)",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, token_hash);
  sqlite3_bind_int64 (stmt, 3, created_at);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  return step_done (self, stmt, error);
}

/**
 * alta_store_find_reset_token:
 * @self: an #AltaStore
 * @token_hash: the keyed hash of a reset token
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the token, used or not
 */
AltaResetToken *
alta_store_find_reset_token (AltaStore   *self,
                             const char  *token_hash,
                             GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, account_id, token_hash, created_at, expires_at, "
                                "  coalesce (used_at, 0) FROM reset_tokens WHERE token_hash = ?1",
                                error);
  AltaResetToken *token;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, token_hash);
  if (!step_row (self, stmt, error))
    return NULL;

  token = g_new0 (AltaResetToken, 1);
  token->id = sqlite3_column_int64 (stmt, 0);
  token->account_id = sqlite3_column_int64 (stmt, 1);
  token->token_hash = column_dup_text (stmt, 2);
  token->created_at = sqlite3_column_int64 (stmt, 3);
  token->expires_at = sqlite3_column_int64 (stmt, 4);
  token->used_at = sqlite3_column_int64 (stmt, 5);
  sqlite3_reset (stmt);

  return token;
}

gboolean
alta_store_mark_reset_token_used (AltaStore  *self,
                                  gint64      token_id,
                                  gint64      at,
                                  GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE reset_tokens SET used_at = ?2 "
                                "WHERE id = ?1 AND used_at IS NULL",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, token_id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT,
                           "The reset token was already used");
      return FALSE;
    }

  return TRUE;
}

/* Proxy access */

void
alta_proxy_grant_free (AltaProxyGrant *grant)
{
  if (grant == NULL)
    return;

  g_free (grant->patient_id);
  g_free (grant->relationship);
  g_free (grant->consent_form_id);
  g_free (grant);
}

gboolean
alta_store_insert_proxy_grant (AltaStore   *self,
                               gint64       proxy_account_id,
                               const char  *patient_id,
                               const char  *relationship,
                               const char  *consent_form_id,
                               gint64       granted_at,
                               GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO proxy_grants (proxy_account_id, patient_id, "
                                "  relationship, consent_form_id, granted_at) "
                                "VALUES (?1, ?2, ?3, ?4, ?5) "
                                "ON CONFLICT (proxy_account_id, patient_id) DO UPDATE SET "
                                "  relationship = excluded.relationship, "
                                "  consent_form_id = excluded.consent_form_id, "
                                "  granted_at = excluded.granted_at",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, proxy_account_id);
  bind_text (stmt, 2, patient_id);
  bind_text (stmt, 3, relationship);
  bind_text (stmt, 4, consent_form_id);
  sqlite3_bind_int64 (stmt, 5, granted_at);
  return step_done (self, stmt, error);
}

/**
 * alta_store_list_proxy_grants:
 * @self: an #AltaStore
 * @proxy_account_id: the proxy's account
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type AltaProxyGrant): every grant, whatever the age
 *   rules say today (the caller applies them)
 */
GPtrArray *
alta_store_list_proxy_grants (AltaStore  *self,
                              gint64      proxy_account_id,
                              GError    **error)
{
  g_autoptr (GPtrArray) grants = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_proxy_grant_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT patient_id, relationship, consent_form_id FROM proxy_grants "
                                "WHERE proxy_account_id = ?1 ORDER BY granted_at, id",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, proxy_account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AltaProxyGrant *grant = g_new0 (AltaProxyGrant, 1);

      grant->patient_id = column_dup_text (stmt, 0);
      grant->relationship = column_dup_text (stmt, 1);
      grant->consent_form_id = column_dup_text (stmt, 2);
      g_ptr_array_add (grants, grant);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&grants);
}

/**
 * alta_store_list_proxies_of:
 * @self: an #AltaStore
 * @patient_id: the patient
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the accounts holding a proxy grant to
 *   the patient, whatever the age rules say today (the caller applies them)
 */
GArray *
alta_store_list_proxies_of (AltaStore   *self,
                            const char  *patient_id,
                            GError     **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT proxy_account_id FROM proxy_grants "
                                "WHERE patient_id = ?1 ORDER BY granted_at, id",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* Audit trail */

void
alta_audit_entry_free (AltaAuditEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->request_id);
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->target);
  g_free (entry->outcome);
  g_free (entry);
}

/**
 * alta_store_audit:
 * @self: an #AltaStore
 * @at: when
 * @request_id: (nullable): the request's X-Request-Id
 * @actor: who ("account:12", "admin-cli", "address:127.0.0.1")
 * @action: what ("session.create", "enrollment.activate", ...)
 * @target: (nullable): on what ("account:12", "patient:…")
 * @outcome: "success" or the error code
 * @error: return location for a #GError
 *
 * Never pass a password, token or code here.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_audit (AltaStore   *self,
                  gint64       at,
                  const char  *request_id,
                  const char  *actor,
                  const char  *action,
                  const char  *target,
                  const char  *outcome,
                  GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO audit (at, request_id, actor, action, target, outcome) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, at);
  bind_text (stmt, 2, request_id);
  bind_text (stmt, 3, actor);
  bind_text (stmt, 4, action);
  bind_text (stmt, 5, target);
  bind_text (stmt, 6, outcome);
  return step_done (self, stmt, error);
}

/**
 * alta_store_list_audit:
 * @self: an #AltaStore
 * @since: the earliest time to list
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type AltaAuditEntry): the entries, oldest first
 */
GPtrArray *
alta_store_list_audit (AltaStore  *self,
                       gint64      since,
                       GError    **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_audit_entry_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, at, request_id, actor, action, target, outcome "
                                "FROM audit WHERE at >= ?1 ORDER BY at, id",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AltaAuditEntry *entry = g_new0 (AltaAuditEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at = sqlite3_column_int64 (stmt, 1);
      entry->request_id = column_dup_text (stmt, 2);
      entry->actor = column_dup_text (stmt, 3);
      entry->action = column_dup_text (stmt, 4);
      entry->target = column_dup_text (stmt, 5);
      entry->outcome = column_dup_text (stmt, 6);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* Outgoing mail */

void
alta_queued_mail_free (AltaQueuedMail *mail)
{
  if (mail == NULL)
    return;

  g_free (mail->recipient);
  g_free (mail->message);
  g_free (mail);
}

gboolean
alta_store_enqueue_mail (AltaStore   *self,
                         const char  *recipient,
                         const char  *message,
                         gint64       at,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO mail_queue (recipient, message, created_at, "
                                "  next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
                                error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, recipient);
  bind_text (stmt, 2, message);
  sqlite3_bind_int64 (stmt, 3, at);
  return step_done (self, stmt, error);
}

/**
 * alta_store_list_due_mail:
 * @self: an #AltaStore
 * @now: now
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type AltaQueuedMail): queued mail due for an attempt
 */
GPtrArray *
alta_store_list_due_mail (AltaStore  *self,
                          gint64      now,
                          guint       limit,
                          GError    **error)
{
  g_autoptr (GPtrArray) mails = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_queued_mail_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, recipient, message, attempts FROM mail_queue "
                                "WHERE next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
                                error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AltaQueuedMail *mail = g_new0 (AltaQueuedMail, 1);

      mail->id = sqlite3_column_int64 (stmt, 0);
      mail->recipient = column_dup_text (stmt, 1);
      mail->message = column_dup_text (stmt, 2);
      mail->attempts = sqlite3_column_int (stmt, 3);
      g_ptr_array_add (mails, mail);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&mails);
}

gboolean
alta_store_mark_mail_sent (AltaStore  *self,
                           gint64      mail_id,
                           GError    **error)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM mail_queue WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, mail_id);
  return step_done (self, stmt, error);
}

gboolean
alta_store_mark_mail_failed (AltaStore  *self,
                             gint64      mail_id,
                             gint64      next_attempt_at,
                             GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE mail_queue SET attempts = attempts + 1, "
                                "  next_attempt_at = ?2 WHERE id = ?1",
                                error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, mail_id);
  sqlite3_bind_int64 (stmt, 2, next_attempt_at);
  return step_done (self, stmt, error);
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

  exec (self, relaxed ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL", NULL);
}

/* For the other parts of the store (alta-fhir-store.c): see alta-store-private.h. */

sqlite3 *
alta_store_get_db (AltaStore *self)
{
  return self->db;
}

sqlite3_stmt *
alta_store_prepare (AltaStore   *self,
                    const char  *static_sql,
                    GError     **error)
{
  return prepare (self, static_sql, error);
}

gboolean
alta_store_step_done (AltaStore     *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  return step_done (self, stmt, error);
}

gboolean
alta_store_step_row (AltaStore     *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  return step_row (self, stmt, error);
}

gboolean
alta_store_set_sqlite_error (AltaStore  *self,
                             int         rc,
                             GError    **error)
{
  return set_sqlite_error (self, rc, error);
}

void
alta_store_bind_text (sqlite3_stmt *stmt,
                      int           index,
                      const char   *text)
{
  bind_text (stmt, index, text);
}

char *
alta_store_column_dup_text (sqlite3_stmt *stmt,
                            int           column)
{
  return column_dup_text (stmt, column);
}
