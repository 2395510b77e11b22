/* alta-store-mail.c: the queue of outgoing mail, written in the same transaction as what
 * it announces and emptied by the mailer
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include "alta-store-private.h"

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
  return alta_store_exec (self,
                          "INSERT INTO mail_queue (recipient, message, created_at, "
                          "  next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
                          ALTA_BINDS (ALTA_BIND_TEXT (recipient),
                                      ALTA_BIND_TEXT (message),
                                      ALTA_BIND_INT (at)),
                          error);
}

static gpointer
read_queued_mail (sqlite3_stmt *stmt)
{
  AltaQueuedMail *mail = g_new0 (AltaQueuedMail, 1);

  mail->id = sqlite3_column_int64 (stmt, 0);
  mail->recipient = alta_store_column_dup_text (stmt, 1);
  mail->message = alta_store_column_dup_text (stmt, 2);
  mail->attempts = sqlite3_column_int (stmt, 3);

  return mail;
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
  return alta_store_query_all (self,
                               "SELECT id, recipient, message, attempts FROM mail_queue "
                               "WHERE next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
                               ALTA_BINDS (ALTA_BIND_INT (now), ALTA_BIND_INT (limit)),
                               read_queued_mail, (GDestroyNotify)alta_queued_mail_free, error);
}

gboolean
alta_store_mark_mail_sent (AltaStore  *self,
                           gint64      mail_id,
                           GError    **error)
{
  return alta_store_exec (self, "DELETE FROM mail_queue WHERE id = ?1",
                          ALTA_BINDS (ALTA_BIND_INT (mail_id)), error);
}

gboolean
alta_store_mark_mail_failed (AltaStore  *self,
                             gint64      mail_id,
                             gint64      next_attempt_at,
                             GError    **error)
{
  return alta_store_exec (self,
                          "UPDATE mail_queue SET attempts = attempts + 1, "
                          "  next_attempt_at = ?2 WHERE id = ?1",
                          ALTA_BINDS (ALTA_BIND_INT (mail_id), ALTA_BIND_INT (next_attempt_at)),
                          error);
}
