/* alta-store-sessions.c: signed-in sessions, found by the keyed hash of their token
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include "alta-store-private.h"

void
alta_session_record_free (AltaSessionRecord *session)
{
  g_free (session);
}

/**
 * alta_store_insert_session:
 * @self: an #AltaStore
 * @account_id: the account signing in
 * @token_hash: the keyed hash of the new bearer token
 * @created_at: now, the time of this sign-in
 * @expires_at: the session's absolute end
 * @out_previous_sign_in_at: (out) (optional): the account's sign-in before this one, or 0
 * @error: return location for a #GError
 *
 * Opens a session and makes @created_at the account's latest sign-in; the session keeps the
 * sign-in before it, for what is new since. Run it inside the request's transaction, so
 * that two sign-ins at once each get the other's, or none, never the same.
 *
 * Returns: the session's id, or 0 on error
 */
gint64
alta_store_insert_session (AltaStore   *self,
                           gint64       account_id,
                           const char  *token_hash,
                           gint64       created_at,
                           gint64       expires_at,
                           gint64      *out_previous_sign_in_at,
                           GError     **error)
{
  gint64 previous = 0;
  gint64 session_id;

  if (!alta_store_query_each (self,
                              "SELECT coalesce (last_sign_in_at, 0) FROM accounts WHERE id = ?1",
                              ALTA_BINDS (ALTA_BIND_INT (account_id)),
                              alta_store_copy_int64, &previous, error) ||
      !alta_store_exec (self,
                        "INSERT INTO sessions (account_id, token_hash, created_at, "
                        "  last_activity_at, expires_at, previous_sign_in_at) "
                        "VALUES (?1, ?2, ?3, ?3, ?4, nullif (?5, 0))",
                        ALTA_BINDS (ALTA_BIND_INT (account_id),
                                    ALTA_BIND_TEXT (token_hash),
                                    ALTA_BIND_INT (created_at),
                                    ALTA_BIND_INT (expires_at),
                                    ALTA_BIND_INT (previous)),
                        error))
    return 0;

  session_id = sqlite3_last_insert_rowid (self->db);

  if (!alta_store_exec (self,
                        "UPDATE accounts SET last_sign_in_at = ?2 WHERE id = ?1",
                        ALTA_BINDS (ALTA_BIND_INT (account_id), ALTA_BIND_INT (created_at)),
                        error))
    return 0;

  if (out_previous_sign_in_at != NULL)
    *out_previous_sign_in_at = previous;
  return session_id;
}

static gpointer
read_session (sqlite3_stmt *stmt)
{
  AltaSessionRecord *session = g_new0 (AltaSessionRecord, 1);

  session->id = sqlite3_column_int64 (stmt, 0);
  session->account_id = sqlite3_column_int64 (stmt, 1);
  session->created_at = sqlite3_column_int64 (stmt, 2);
  session->last_activity_at = sqlite3_column_int64 (stmt, 3);
  session->expires_at = sqlite3_column_int64 (stmt, 4);
  session->ended_at = sqlite3_column_int64 (stmt, 5);
  session->previous_sign_in_at = sqlite3_column_int64 (stmt, 6);

  return session;
}

/**
 * alta_store_find_session:
 * @self: an #AltaStore
 * @token_hash: the keyed hash of a bearer token
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the session, ended or not; %NULL without an error
 *   when there is none
 */
AltaSessionRecord *
alta_store_find_session (AltaStore   *self,
                         const char  *token_hash,
                         GError     **error)
{
  return alta_store_query_optional (self,
                                    "SELECT id, account_id, created_at, last_activity_at, "
                                    "  expires_at, coalesce (ended_at, 0), "
                                    "  coalesce (previous_sign_in_at, 0) "
                                    "FROM sessions WHERE token_hash = ?1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (token_hash)),
                                    read_session, error);
}

gboolean
alta_store_touch_session (AltaStore  *self,
                          gint64      session_id,
                          gint64      at,
                          GError    **error)
{
  return alta_store_exec (self,
                          "UPDATE sessions SET last_activity_at = max (last_activity_at, ?2) "
                          "WHERE id = ?1 AND ended_at IS NULL",
                          ALTA_BINDS (ALTA_BIND_INT (session_id), ALTA_BIND_INT (at)),
                          error);
}

gboolean
alta_store_end_session (AltaStore   *self,
                        gint64       session_id,
                        gint64       at,
                        const char  *reason,
                        GError     **error)
{
  return alta_store_exec (self,
                          "UPDATE sessions SET ended_at = ?2, end_reason = ?3 "
                          "WHERE id = ?1 AND ended_at IS NULL",
                          ALTA_BINDS (ALTA_BIND_INT (session_id),
                                      ALTA_BIND_INT (at),
                                      ALTA_BIND_TEXT (reason)),
                          error);
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
  if (!alta_store_exec (self,
                        "UPDATE sessions SET ended_at = ?3, end_reason = ?4 "
                        "WHERE account_id = ?1 AND id != ?2 AND ended_at IS NULL",
                        ALTA_BINDS (ALTA_BIND_INT (account_id),
                                    ALTA_BIND_INT (except_session_id),
                                    ALTA_BIND_INT (at),
                                    ALTA_BIND_TEXT (reason)),
                        error))
    return -1;

  return sqlite3_changes (self->db);
}

static void
append_stale_session (sqlite3_stmt *stmt,
                      gpointer      user_data)
{
  GArray *sessions = user_data;
  AltaSessionRecord session = {
    .id = sqlite3_column_int64 (stmt, 0),
    .account_id = sqlite3_column_int64 (stmt, 1),
    .created_at = sqlite3_column_int64 (stmt, 2),
    .last_activity_at = sqlite3_column_int64 (stmt, 3),
    .expires_at = sqlite3_column_int64 (stmt, 4),
  };

  g_array_append_val (sessions, session);
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

  if (!alta_store_query_each (self,
                              "SELECT id, account_id, created_at, last_activity_at, expires_at "
                              "FROM sessions WHERE ended_at IS NULL "
                              "  AND (last_activity_at < ?1 OR expires_at <= ?2) LIMIT 1000",
                              ALTA_BINDS (ALTA_BIND_INT (idle_before), ALTA_BIND_INT (now)),
                              append_stale_session, sessions, error))
    return NULL;

  return g_steal_pointer (&sessions);
}
