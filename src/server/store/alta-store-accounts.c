/* alta-store-accounts.c: patients, their accounts and the lockout after wrong passwords
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include "alta-rules.h"
#include "alta-store-private.h"

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
  g_free (patient->gender);
  g_free (patient);
}

#define PATIENT_COLUMNS \
  "id, given_name, family_name, birth_date, email, phone, language, address_json, gender"

static gpointer
read_patient (sqlite3_stmt *stmt)
{
  AltaPatient *patient = g_new0 (AltaPatient, 1);

  patient->id = alta_store_column_dup_text (stmt, 0);
  patient->given_name = alta_store_column_dup_text (stmt, 1);
  patient->family_name = alta_store_column_dup_text (stmt, 2);
  patient->birth_date = alta_store_column_dup_text (stmt, 3);
  patient->email = alta_store_column_dup_text (stmt, 4);
  patient->phone = alta_store_column_dup_text (stmt, 5);
  patient->language = alta_store_column_dup_text (stmt, 6);
  patient->address_json = alta_store_column_dup_text (stmt, 7);
  patient->gender = alta_store_column_dup_text (stmt, 8);

  return patient;
}

gboolean
alta_store_insert_patient (AltaStore          *self,
                           const AltaPatient  *patient,
                           GError            **error)
{
  return alta_store_exec (self,
                          "INSERT INTO patients (" PATIENT_COLUMNS ") "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                          ALTA_BINDS (ALTA_BIND_TEXT (patient->id),
                                      ALTA_BIND_TEXT (patient->given_name),
                                      ALTA_BIND_TEXT (patient->family_name),
                                      ALTA_BIND_TEXT (patient->birth_date),
                                      ALTA_BIND_TEXT (patient->email),
                                      ALTA_BIND_TEXT (patient->phone),
                                      ALTA_BIND_TEXT (patient->language != NULL ? patient->language : "en"),
                                      ALTA_BIND_TEXT (patient->address_json),
                                      ALTA_BIND_TEXT (patient->gender)),
                          error);
}

/**
 * alta_store_put_patient:
 * @self: an #AltaStore
 * @patient: a patient, as an import read it from a FHIR Patient
 * @error: return location for a #GError
 *
 * Adds the patient, or updates the name, birth date, gender and contact details of one
 * already there (an account's own choices, such as its language, stay).
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_put_patient (AltaStore          *self,
                        const AltaPatient  *patient,
                        GError            **error)
{
  return alta_store_exec (self,
                          "INSERT INTO patients (" PATIENT_COLUMNS ") "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                          "ON CONFLICT (id) DO UPDATE SET given_name = ?2,"
                          " family_name = ?3, birth_date = ?4,"
                          " email = coalesce (?5, email), phone = coalesce (?6, phone),"
                          " address_json = coalesce (?8, address_json),"
                          " gender = coalesce (?9, gender)",
                          ALTA_BINDS (ALTA_BIND_TEXT (patient->id),
                                      ALTA_BIND_TEXT (patient->given_name),
                                      ALTA_BIND_TEXT (patient->family_name),
                                      ALTA_BIND_TEXT (patient->birth_date),
                                      ALTA_BIND_TEXT (patient->email),
                                      ALTA_BIND_TEXT (patient->phone),
                                      ALTA_BIND_TEXT (patient->language != NULL ? patient->language : "en"),
                                      ALTA_BIND_TEXT (patient->address_json),
                                      ALTA_BIND_TEXT (patient->gender)),
                          error);
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
  return alta_store_query_one (self, "SELECT " PATIENT_COLUMNS " FROM patients WHERE id = ?1",
                               ALTA_BINDS (ALTA_BIND_TEXT (patient_id)),
                               read_patient, error);
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
  return alta_store_query_all (self,
                               "SELECT " PATIENT_COLUMNS " FROM patients "
                               "WHERE (?1 IS NULL OR family_name = ?1 COLLATE NOCASE) "
                               "  AND (?2 IS NULL OR given_name = ?2 COLLATE NOCASE) "
                               "  AND (?3 IS NULL OR birth_date = ?3) "
                               "ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, id "
                               "LIMIT ?4",
                               ALTA_BINDS (ALTA_BIND_TEXT (family_name),
                                           ALTA_BIND_TEXT (given_name),
                                           ALTA_BIND_TEXT (birth_date),
                                           ALTA_BIND_INT (limit)),
                               read_patient, (GDestroyNotify)alta_patient_free, error);
}

/* alta_name_matches(name, query): alta_rules_name_matches() for SQL */
static void
name_matches_sql (sqlite3_context  *context,
                  int               argc,
                  sqlite3_value   **argv)
{
  const char *name = (const char *)sqlite3_value_text (argv[0]);
  const char *query = (const char *)sqlite3_value_text (argv[1]);

  sqlite3_result_int (context, alta_rules_name_matches (name, query));
}

/**
 * alta_store_register_functions:
 * @self: an #AltaStore, open
 * @error: return location for a #GError
 *
 * Adds the SQL functions the store's statements use.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_register_functions (AltaStore  *self,
                               GError    **error)
{
  int rc = sqlite3_create_function_v2 (self->db, "alta_name_matches", 2,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                       NULL, name_matches_sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                   "SQLite: cannot add alta_name_matches: %s", sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

/**
 * alta_store_search_patients:
 * @self: an #AltaStore
 * @family_name: (nullable): words that each begin a part of the surname
 * @given_name: (nullable): words that each begin one of the given names
 * @birth_date: (nullable): exact date of birth
 * @limit: the most rows to return
 * @error: return location for a #GError
 *
 * The front desk's search: names without regard to case or accents, by prefix, any given
 * name and any part of a compound surname (alta_rules_name_matches()). Every criterion
 * given must match; a missing one matches everything. Unlike alta_store_find_patients(),
 * which enrollment uses to match a person to one record exactly, this finds candidates
 * for a person to choose among.
 *
 * Returns: (transfer full) (element-type AltaPatient): the matching patients
 */
GPtrArray *
alta_store_search_patients (AltaStore   *self,
                            const char  *family_name,
                            const char  *given_name,
                            const char  *birth_date,
                            guint        limit,
                            GError     **error)
{
  /* A scan: the folding is in C. A clinic's patients are thousands, and this runs when a
   * person at the desk asks. */
  return alta_store_query_all (self,
                               "SELECT " PATIENT_COLUMNS " FROM patients "
                               "WHERE (?3 IS NULL OR birth_date = ?3) "
                               "  AND (?1 IS NULL OR alta_name_matches (family_name, ?1)) "
                               "  AND (?2 IS NULL OR alta_name_matches (given_name, ?2)) "
                               "ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, id "
                               "LIMIT ?4",
                               ALTA_BINDS (ALTA_BIND_TEXT (family_name),
                                           ALTA_BIND_TEXT (given_name),
                                           ALTA_BIND_TEXT (birth_date),
                                           ALTA_BIND_INT (limit)),
                               read_patient, (GDestroyNotify)alta_patient_free, error);
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
  return alta_store_exec (self,
                          "UPDATE patients SET "
                          "  email = coalesce (?2, email), "
                          "  phone = coalesce (?3, phone), "
                          "  address_json = coalesce (?4, address_json), "
                          "  language = coalesce (?5, language) "
                          "WHERE id = ?1",
                          ALTA_BINDS (ALTA_BIND_TEXT (patient_id),
                                      ALTA_BIND_TEXT (email),
                                      ALTA_BIND_TEXT (phone),
                                      ALTA_BIND_TEXT (address_json),
                                      ALTA_BIND_TEXT (language)),
                          error);
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

static gpointer
read_account (sqlite3_stmt *stmt)
{
  AltaAccount *account = g_new0 (AltaAccount, 1);

  account->id = sqlite3_column_int64 (stmt, 0);
  account->username = alta_store_column_dup_text (stmt, 1);
  account->role = alta_store_column_dup_text (stmt, 2);
  account->patient_id = alta_store_column_dup_text (stmt, 3);
  account->password_hash = alta_store_column_dup_text (stmt, 4);
  account->email = alta_store_column_dup_text (stmt, 5);
  account->phone = alta_store_column_dup_text (stmt, 6);
  account->language = alta_store_column_dup_text (stmt, 7);
  account->created_at = sqlite3_column_int64 (stmt, 8);

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
  if (!alta_store_exec (self,
                        "INSERT INTO accounts (username, role, patient_id, password_hash, "
                        "  email, phone, language, created_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        ALTA_BINDS (ALTA_BIND_TEXT (account->username),
                                    ALTA_BIND_TEXT (account->role),
                                    ALTA_BIND_TEXT (account->patient_id),
                                    ALTA_BIND_TEXT (account->password_hash),
                                    ALTA_BIND_TEXT (account->email),
                                    ALTA_BIND_TEXT (account->phone),
                                    ALTA_BIND_TEXT (account->language != NULL ? account->language : "en"),
                                    ALTA_BIND_INT (account->created_at)),
                        error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

/**
 * alta_store_get_account:
 * @self: an #AltaStore
 * @account_id: an account id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with
 *   %ALTA_STORE_ERROR_NOT_FOUND
 */
AltaAccount *
alta_store_get_account (AltaStore  *self,
                        gint64      account_id,
                        GError    **error)
{
  return alta_store_query_one (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1",
                               ALTA_BINDS (ALTA_BIND_INT (account_id)),
                               read_account, error);
}

/**
 * alta_store_get_account_by_username:
 * @self: an #AltaStore
 * @username: a username, compared without case
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with
 *   %ALTA_STORE_ERROR_NOT_FOUND
 */
AltaAccount *
alta_store_get_account_by_username (AltaStore   *self,
                                    const char  *username,
                                    GError     **error)
{
  return alta_store_query_one (self,
                               "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE username = ?1",
                               ALTA_BINDS (ALTA_BIND_TEXT (username)),
                               read_account, error);
}

/**
 * alta_store_get_account_by_patient:
 * @self: an #AltaStore
 * @patient_id: a patient id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the patient's own account, or %NULL with
 *   %ALTA_STORE_ERROR_NOT_FOUND
 */
AltaAccount *
alta_store_get_account_by_patient (AltaStore   *self,
                                   const char  *patient_id,
                                   GError     **error)
{
  return alta_store_query_one (self,
                               "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE patient_id = ?1",
                               ALTA_BINDS (ALTA_BIND_TEXT (patient_id)),
                               read_account, error);
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
  return alta_store_query_all (self,
                               "SELECT " ACCOUNT_COLUMNS " FROM accounts "
                               "WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 20",
                               ALTA_BINDS (ALTA_BIND_TEXT (email)),
                               read_account, (GDestroyNotify)alta_account_free, error);
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
  return alta_store_exec (self,
                          "UPDATE accounts SET email = ?2, phone = ?3, language = ?4 "
                          "WHERE id = ?1",
                          ALTA_BINDS (ALTA_BIND_INT (account->id),
                                      ALTA_BIND_TEXT (account->email),
                                      ALTA_BIND_TEXT (account->phone),
                                      ALTA_BIND_TEXT (account->language)),
                          error);
}

gboolean
alta_store_set_password_hash (AltaStore   *self,
                              gint64       account_id,
                              const char  *password_hash,
                              GError     **error)
{
  /* A reset token mailed before the password changed (by a reset, by the person or by the
   * clinic) must not undo the change. */
  return alta_store_exec (self, "UPDATE accounts SET password_hash = ?2 WHERE id = ?1",
                          ALTA_BINDS (ALTA_BIND_INT (account_id),
                                      ALTA_BIND_TEXT (password_hash)),
                          error) &&
         alta_store_void_reset_tokens (self, account_id, error);
}

/* Lockout */

gboolean
alta_store_add_login_failure (AltaStore   *self,
                              const char  *key,
                              gint64       at,
                              GError     **error)
{
  return alta_store_exec (self, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                          ALTA_BINDS (ALTA_BIND_TEXT (key), ALTA_BIND_INT (at)),
                          error);
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
  gint64 count = 0;

  if (!alta_store_query_each (self,
                              "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
                              ALTA_BINDS (ALTA_BIND_TEXT (key), ALTA_BIND_INT (since)),
                              alta_store_copy_int64, &count, error))
    return -1;

  return (int)count;
}

gboolean
alta_store_clear_login_failures (AltaStore   *self,
                                 const char  *key,
                                 GError     **error)
{
  return alta_store_exec (self, "DELETE FROM login_failures WHERE key = ?1",
                          ALTA_BINDS (ALTA_BIND_TEXT (key)), error) &&
         alta_store_exec (self, "DELETE FROM lockouts WHERE key = ?1",
                          ALTA_BINDS (ALTA_BIND_TEXT (key)), error);
}

gboolean
alta_store_set_locked_until (AltaStore   *self,
                             const char  *key,
                             gint64       locked_until,
                             GError     **error)
{
  return alta_store_exec (self,
                          "INSERT INTO lockouts (key, locked_until) VALUES (?1, ?2) "
                          "ON CONFLICT (key) DO UPDATE SET locked_until = excluded.locked_until",
                          ALTA_BINDS (ALTA_BIND_TEXT (key), ALTA_BIND_INT (locked_until)),
                          error);
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
  gint64 locked_until = 0;

  if (!alta_store_query_each (self, "SELECT locked_until FROM lockouts WHERE key = ?1",
                              ALTA_BINDS (ALTA_BIND_TEXT (key)),
                              alta_store_copy_int64, &locked_until, error))
    return -1;

  return locked_until;
}
