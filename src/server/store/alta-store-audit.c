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
 * Returns: (transfer full) (element-type AltaAuditEntry): the entries, oldest first
 */
GPtrArray *
alta_store_list_audit (AltaStore  *self,
                       gint64      since,
                       GError    **error)
{
  return alta_store_query_all (self,
                               "SELECT id, at, request_id, actor, action, target, outcome "
                               "FROM audit WHERE at >= ?1 ORDER BY at, id",
                               ALTA_BINDS (ALTA_BIND_INT (since)),
                               read_audit_entry, (GDestroyNotify)alta_audit_entry_free, error);
}
