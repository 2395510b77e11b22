/* alta-store-audit.c: the audit trail, who did what to which record and how it went
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include "alta-store-private.h"

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
 * Never pass a password, token or code here. Outside a transaction, the rows kept back by
 * alta_store_audit_later() are written first, so that the trail keeps the order of events.
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
  if (self->depth == 0 && !self->flushing && self->pending_audit->len > 0)
    {
      g_autoptr (GError) flush_error = NULL;

      if (!alta_store_flush_audit (self, &flush_error))
        g_warning ("%u audit rows are kept back for now: %s", self->pending_audit->len,
                   flush_error->message);
    }

  return alta_store_exec (self,
                          "INSERT INTO audit (at, request_id, actor, action, target, outcome) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          ALTA_BINDS (ALTA_BIND_INT (at),
                                      ALTA_BIND_TEXT (request_id),
                                      ALTA_BIND_TEXT (actor),
                                      ALTA_BIND_TEXT (action),
                                      ALTA_BIND_TEXT (target),
                                      ALTA_BIND_TEXT (outcome)),
                          error);
}

/**
 * alta_store_audit_later:
 * @self: the writer (not a reader)
 * @at: when
 * @request_id: (nullable): the request's X-Request-Id
 * @actor: who
 * @action: what
 * @target: (nullable): on what
 * @outcome: "success" or the error code
 * @error: return location for a #GError
 *
 * As alta_store_audit(), for rows that are many and small (the reads of records): the row
 * is kept in memory and written with the others kept back by alta_store_flush_audit(), in
 * one commit without an fsync. A commit per read row would cost the writer a commit a
 * request and empty the read connections' page caches each time (SQLite drops a
 * connection's cache when another connection has committed since its last read). They are
 * written before the next write starts (alta_store_begin(), alta_store_audit()), before the
 * trail is listed, before alta_store_sync() and when the store closes; the server flushes
 * them on a timer and once enough are kept. A crash of the server loses the rows kept back.
 *
 * At most %ALTA_STORE_MAX_PENDING_AUDIT rows are kept back: when that many wait (the
 * database refused the last flushes), they are written at once, and when that fails too
 * the row is refused, so that the caller refuses the read it is about.
 *
 * Returns: %TRUE when the row is kept, or %FALSE with %ALTA_STORE_ERROR_FAILED
 */
gboolean
alta_store_audit_later (AltaStore   *self,
                        gint64       at,
                        const char  *request_id,
                        const char  *actor,
                        const char  *action,
                        const char  *target,
                        const char  *outcome,
                        GError     **error)
{
  AltaAuditEntry *entry;

  g_return_val_if_fail (ALTA_IS_STORE (self) && self->origin == NULL, FALSE);

  if (self->pending_audit->len >= ALTA_STORE_MAX_PENDING_AUDIT)
    {
      g_autoptr (GError) flush_error = NULL;

      if (self->depth > 0 || self->flushing)
        {
          g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                       "%u audit rows wait to be written, and a transaction is under way",
                       self->pending_audit->len);
          return FALSE;
        }
      if (!alta_store_flush_audit (self, &flush_error))
        {
          g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED,
                       "%u audit rows wait to be written: %s", self->pending_audit->len,
                       flush_error->message);
          return FALSE;
        }
    }

  entry = g_new0 (AltaAuditEntry, 1);
  entry->at = at;
  entry->request_id = g_strdup (request_id);
  entry->actor = g_strdup (actor);
  entry->action = g_strdup (action);
  entry->target = g_strdup (target);
  entry->outcome = g_strdup (outcome);
  g_ptr_array_add (self->pending_audit, entry);

  return TRUE;
}

/**
 * alta_store_get_n_pending_audit:
 * @self: an #AltaStore
 *
 * Returns: how many audit rows alta_store_audit_later() keeps back
 */
guint
alta_store_get_n_pending_audit (AltaStore *self)
{
  g_return_val_if_fail (ALTA_IS_STORE (self), 0);

  return self->pending_audit->len;
}

/**
 * alta_store_flush_audit:
 * @self: an #AltaStore, outside any transaction
 * @error: return location for a #GError
 *
 * Writes the audit rows kept back, in the order they were kept, in one transaction that
 * skips the fsync (it survives a crash of the server, not a power cut). When it fails they
 * stay kept back, for the next flush.
 *
 * Returns: %TRUE when none is kept back any more
 */
gboolean
alta_store_flush_audit (AltaStore  *self,
                        GError    **error)
{
  gboolean relaxed;
  gboolean ok;

  g_return_val_if_fail (ALTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  if (self->pending_audit->len == 0 || self->db == NULL)
    return self->pending_audit->len == 0;

  self->flushing = TRUE;
  relaxed = self->relaxed;
  if (!relaxed)
    alta_store_set_relaxed (self, TRUE);
  ok = alta_store_begin (self, error);
  for (guint i = 0; ok && i < self->pending_audit->len; i++)
    {
      AltaAuditEntry *entry = g_ptr_array_index (self->pending_audit, i);

      ok = alta_store_audit (self, entry->at, entry->request_id, entry->actor, entry->action,
                             entry->target, entry->outcome, error);
    }
  ok = ok && alta_store_commit (self, error);
  if (!ok)
    alta_store_rollback (self);
  if (!relaxed)
    alta_store_set_relaxed (self, FALSE);
  self->flushing = FALSE;

  if (ok)
    {
      g_debug ("Wrote %u audit rows in one commit", self->pending_audit->len);
      g_ptr_array_set_size (self->pending_audit, 0);
    }

  return ok;
}

static gpointer
read_audit_entry (sqlite3_stmt *stmt)
{
  AltaAuditEntry *entry = g_new0 (AltaAuditEntry, 1);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->at = sqlite3_column_int64 (stmt, 1);
  entry->request_id = alta_store_column_dup_text (stmt, 2);
  entry->actor = alta_store_column_dup_text (stmt, 3);
  entry->action = alta_store_column_dup_text (stmt, 4);
  entry->target = alta_store_column_dup_text (stmt, 5);
  entry->outcome = alta_store_column_dup_text (stmt, 6);

  return entry;
}

/**
 * alta_store_list_audit:
 * @self: an #AltaStore
 * @since: the earliest time to list
 * @error: return location for a #GError
 *
 * The rows kept back are written first.
 *
 * Returns: (transfer full) (element-type AltaAuditEntry): the entries, oldest first
 */
GPtrArray *
alta_store_list_audit (AltaStore  *self,
                       gint64      since,
                       GError    **error)
{
  if (self->depth == 0 && !alta_store_flush_audit (self, error))
    return NULL;

  return alta_store_query_all (self,
                               "SELECT id, at, request_id, actor, action, target, outcome "
                               "FROM audit WHERE at >= ?1 ORDER BY at, id",
                               ALTA_BINDS (ALTA_BIND_INT (since)),
                               read_audit_entry, (GDestroyNotify)alta_audit_entry_free, error);
}
