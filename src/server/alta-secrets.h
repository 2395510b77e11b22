/* alta-secrets.h: random secrets, their keyed hashes and password hashes (libsodium)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  alta_secrets_init                  (const char  *key_path,
                                              GError     **error);
char     *alta_secrets_new_token             (void);
char     *alta_secrets_new_activation_code   (void);
char     *alta_secrets_new_request_id        (void);
char     *alta_secrets_hash                  (const char  *purpose,
                                              const char  *secret);
gboolean  alta_secrets_equal                 (const char  *a,
                                              const char  *b);
char     *alta_secrets_hash_password         (const char  *password,
                                              GError     **error);
gboolean  alta_secrets_verify_password       (const char  *password_hash,
                                              const char  *password);
void      alta_secrets_burn_password_time    (const char  *password);

G_END_DECLS
