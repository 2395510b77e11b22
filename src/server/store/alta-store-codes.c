/* alta-store-codes.c: one-time codes, the activation codes of enrollment and the tokens
 * of a password reset, kept as keyed hashes
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include "alta-store-private.h"

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
  if (!alta_store_exec (self,
                        "UPDATE activation_codes SET voided_at = ?2 "
                        "WHERE patient_id = ?1 AND used_at IS NULL AND voided_at IS NULL",
                        ALTA_BINDS (ALTA_BIND_TEXT (patient_id), ALTA_BIND_INT (created_at)),
                        error))
    return 0;

  if (!alta_store_exec (self,
                        "INSERT INTO activation_codes (patient_id, code_hash, created_at, expires_at) "
                        "VALUES (?1, ?2, ?3, ?4)",
                        ALTA_BINDS (ALTA_BIND_TEXT (patient_id),
                                    ALTA_BIND_TEXT (code_hash),
                                    ALTA_BIND_INT (created_at),
                                    ALTA_BIND_INT (expires_at)),
                        error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

static gpointer
read_activation_code (sqlite3_stmt *stmt)
{
  AltaActivationCode *code = g_new0 (AltaActivationCode, 1);

  code->id = sqlite3_column_int64 (stmt, 0);
  code->patient_id = alta_store_column_dup_text (stmt, 1);
  code->code_hash = alta_store_column_dup_text (stmt, 2);
  code->created_at = sqlite3_column_int64 (stmt, 3);
  code->expires_at = sqlite3_column_int64 (stmt, 4);
  code->used_at = sqlite3_column_int64 (stmt, 5);
  code->voided_at = sqlite3_column_int64 (stmt, 6);

  return code;
}

/**
 * alta_store_find_activation_code:
 * @self: an #AltaStore
 * @code_hash: the keyed hash of a code someone typed
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the code, used, voided or not; %NULL without an
 *   error when there is none
 */
AltaActivationCode *
alta_store_find_activation_code (AltaStore   *self,
                                 const char  *code_hash,
                                 GError     **error)
{
  return alta_store_query_optional (self,
                                    "SELECT id, patient_id, code_hash, created_at, expires_at, "
                                    "  coalesce (used_at, 0), coalesce (voided_at, 0) "
                                    "FROM activation_codes WHERE code_hash = ?1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (code_hash)),
                                    read_activation_code, error);
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
  if (!alta_store_exec (self,
                        "UPDATE activation_codes SET used_at = ?2 "
                        "WHERE id = ?1 AND used_at IS NULL AND voided_at IS NULL",
                        ALTA_BINDS (ALTA_BIND_INT (code_id), ALTA_BIND_INT (at)),
                        error))
    return FALSE;

  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT,
                           "The activation code was already used");
      return FALSE;
    }

  return TRUE;
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

/**
 * alta_store_void_reset_tokens:
 * @self: an #AltaStore
 * @account_id: the account
 * @error: return location for a #GError
 *
 * Forgets every unused reset token of the account, so that none of them works any more:
 * a token is a password, and one the account no longer needs is only a risk. Used tokens
 * stay, for the record of which one reset the password.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_void_reset_tokens (AltaStore   *self,
                              gint64       account_id,
                              GError     **error)
{
  return alta_store_exec (self,
                          "DELETE FROM reset_tokens WHERE account_id = ?1 AND used_at IS NULL",
                          ALTA_BINDS (ALTA_BIND_INT (account_id)),
                          error);
}

/**
 * alta_store_insert_reset_token:
 * @self: an #AltaStore
 * @account_id: the account
 * @token_hash: the token's keyed hash
 * @created_at: now
 * @expires_at: when it stops working
 * @error: return location for a #GError
 *
 * Voids every earlier unused token of the account, then stores the new one: only the
 * newest mail's link works. Call inside a transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_store_insert_reset_token (AltaStore   *self,
                               gint64       account_id,
                               const char  *token_hash,
                               gint64       created_at,
                               gint64       expires_at,
                               GError     **error)
{
  if (!alta_store_void_reset_tokens (self, account_id, error))
    return FALSE;

  return alta_store_exec (self,
                          "INSERT INTO reset_tokens (account_id, token_hash, created_at, "
                          "  expires_at) VALUES (?1, ?2, ?3, ?4)",
                          ALTA_BINDS (ALTA_BIND_INT (account_id),
                                      ALTA_BIND_TEXT (token_hash),
                                      ALTA_BIND_INT (created_at),
                                      ALTA_BIND_INT (expires_at)),
                          error);
}

static gpointer
read_reset_token (sqlite3_stmt *stmt)
{
  AltaResetToken *token = g_new0 (AltaResetToken, 1);

  token->id = sqlite3_column_int64 (stmt, 0);
  token->account_id = sqlite3_column_int64 (stmt, 1);
  token->token_hash = alta_store_column_dup_text (stmt, 2);
  token->created_at = sqlite3_column_int64 (stmt, 3);
  token->expires_at = sqlite3_column_int64 (stmt, 4);
  token->used_at = sqlite3_column_int64 (stmt, 5);

  return token;
}

/**
 * alta_store_find_reset_token:
 * @self: an #AltaStore
 * @token_hash: the keyed hash of a reset token
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the token, used or not; %NULL without an error
 *   when there is none
 */
AltaResetToken *
alta_store_find_reset_token (AltaStore   *self,
                             const char  *token_hash,
                             GError     **error)
{
  return alta_store_query_optional (self,
                                    "SELECT id, account_id, token_hash, created_at, expires_at, "
                                    "  coalesce (used_at, 0) FROM reset_tokens WHERE token_hash = ?1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (token_hash)),
                                    read_reset_token, error);
}

gboolean
alta_store_mark_reset_token_used (AltaStore  *self,
                                  gint64      token_id,
                                  gint64      at,
                                  GError    **error)
{
  if (!alta_store_exec (self,
                        "UPDATE reset_tokens SET used_at = ?2 "
                        "WHERE id = ?1 AND used_at IS NULL",
                        ALTA_BINDS (ALTA_BIND_INT (token_id), ALTA_BIND_INT (at)),
                        error))
    return FALSE;

  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT,
                           "The reset token was already used");
      return FALSE;
    }

  return TRUE;
}
