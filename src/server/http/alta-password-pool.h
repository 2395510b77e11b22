/* alta-password-pool.h: argon2id hashing and verification in a bounded pool of threads
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AltaPasswordPool AltaPasswordPool;

/* What a job found, on the main thread */
typedef struct
{
  gboolean  verified;           /* the password matched (FALSE when nothing was verified) */
  char     *verified_hash;      /* the stored hash it was checked against, if any */
  char     *new_hash;           /* the argon2id hash of the new password, if one was asked */
} AltaPasswordResult;

AltaPasswordPool   *alta_password_pool_new             (guint                n_threads,
                                                        guint                max_waiting,
                                                        GError             **error);
void                alta_password_pool_free            (AltaPasswordPool    *pool);
guint               alta_password_pool_get_n_threads   (AltaPasswordPool    *pool);
gboolean            alta_password_pool_is_full         (AltaPasswordPool    *pool);
gint64              alta_password_pool_estimate_wait   (AltaPasswordPool    *pool);
void                alta_password_pool_run_async       (AltaPasswordPool    *pool,
                                                        gboolean             verify,
                                                        const char          *password_hash,
                                                        const char          *password,
                                                        const char          *new_password,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
AltaPasswordResult *alta_password_pool_run_finish      (GAsyncResult        *result,
                                                        GError             **error);
void                alta_password_result_free          (AltaPasswordResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaPasswordResult, alta_password_result_free)

G_END_DECLS
