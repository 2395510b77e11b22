/* alta-secrets.c: random secrets, their keyed hashes and password hashes (libsodium)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-secrets"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "alta-rules.h"
#include "alta-secrets.h"

/* Session tokens, activation codes and reset tokens are stored only as keyed BLAKE2b hashes.
 * The key lives in the data directory (mode 0600), so a copy of the database alone does not
 * let anyone test guesses of the short activation codes offline.
 */

#define TOKEN_BYTES 32   /* 256 random bits */

static guint8 hash_key[crypto_generichash_KEYBYTES];
static gboolean initialized;

/**
 * alta_secrets_init:
 * @key_path: the file that holds the server's hashing key; made on first use
 * @error: return location for a #GError
 *
 * Returns: %TRUE when libsodium is ready and the key is loaded
 */
gboolean
alta_secrets_init (const char  *key_path,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsodium cannot start");
      return FALSE;
    }

  if (!g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      randombytes_buf (hash_key, sizeof hash_key);
      if (!g_file_set_contents_full (key_path, (const char *)hash_key, sizeof hash_key,
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                     0600, error))
        return FALSE;
    }

  if (!g_file_get_contents (key_path, &contents, &length, error))
    return FALSE;

  if (length != sizeof hash_key)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a hashing key of %zu bytes", key_path, sizeof hash_key);
      return FALSE;
    }

  memcpy (hash_key, contents, sizeof hash_key);
  sodium_memzero (contents, length);
  initialized = TRUE;
  return TRUE;
}

/**
 * alta_secrets_new_token:
 *
 * Returns: (transfer full): 256 random bits, base64url without padding
 */
char *
alta_secrets_new_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  char text[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);

  return g_strdup (text);
}

/**
 * alta_secrets_new_activation_code:
 *
 * Returns: (transfer full): a canonical activation code (uniformly random letters of
 *   %ALTA_ACTIVATION_CODE_ALPHABET)
 */
char *
alta_secrets_new_activation_code (void)
{
  static const char alphabet[] = ALTA_ACTIVATION_CODE_ALPHABET;
  char code[ALTA_ACTIVATION_CODE_LENGTH + 1];

  for (guint i = 0; i < ALTA_ACTIVATION_CODE_LENGTH; i++)
    code[i] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
  code[ALTA_ACTIVATION_CODE_LENGTH] = '\0';

  return g_strdup (code);
}

/**
 * alta_secrets_new_request_id:
 *
 * Returns: (transfer full): 64 random bits as 16 hex digits
 */
char *
alta_secrets_new_request_id (void)
{
  guint8 bytes[8];
  char hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);

  return g_strdup (hex);
}

/**
 * alta_secrets_hash:
 * @purpose: what the secret is ("session", "code", "reset"), so that equal strings of two
 *   kinds never share a hash
 * @secret: the secret
 *
 * Returns: (transfer full): the keyed BLAKE2b-256 hash of @secret, in hex
 */
char *
alta_secrets_hash (const char *purpose,
                   const char *secret)
{
  crypto_generichash_state state;
  guint8 digest[32];
  char hex[sizeof digest * 2 + 1];

  g_return_val_if_fail (initialized, NULL);
  g_return_val_if_fail (purpose != NULL && secret != NULL, NULL);

  crypto_generichash_init (&state, hash_key, sizeof hash_key, sizeof digest);
  crypto_generichash_update (&state, (const guint8 *)purpose, strlen (purpose) + 1);
  crypto_generichash_update (&state, (const guint8 *)secret, strlen (secret));
  crypto_generichash_final (&state, digest, sizeof digest);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);

  return g_strdup (hex);
}

/**
 * alta_secrets_equal:
 * @a: a secret or a hash of one
 * @b: another
 *
 * Returns: whether @a and @b are equal, in time that depends only on their lengths
 */
gboolean
alta_secrets_equal (const char *a,
                    const char *b)
{
  gsize length;

  if (a == NULL || b == NULL)
    return FALSE;

  length = strlen (a);
  if (length != strlen (b))
    return FALSE;

  return sodium_memcmp (a, b, length) == 0;
}

/* A password is text, not bytes: "é" typed as one precomposed character on one keyboard
 * and as "e" plus a combining accent by an input method on another, or "１２" from a
 * full-width layout, must be the same password. Both are hashed and compared in NFKC, as
 * RFC 8265's OpaqueString profile asks; ASCII is its own NFKC, so hashes of ASCII
 * passwords made before this stay valid. Text that is not UTF-8 is taken as it is.
 */
typedef char AltaPasswordText;

static char *
normalize_password (const char *password)
{
  char *normalized = g_utf8_normalize (password, -1, G_NORMALIZE_NFKC);

  return normalized != NULL ? normalized : g_strdup (password);
}

static void
free_password (char *password)
{
  sodium_memzero (password, strlen (password));
  g_free (password);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaPasswordText, free_password)

/**
 * alta_secrets_hash_password:
 * @password: a password that passed the policy
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): an argon2id hash string with its salt and costs
 */
char *
alta_secrets_hash_password (const char  *password,
                            GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  g_autoptr (AltaPasswordText) normalized = normalize_password (password);

  if (crypto_pwhash_str_alg (hash, normalized, strlen (normalized),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "Not enough memory to hash a password");
      return NULL;
    }

  return g_strdup (hash);
}

/**
 * alta_secrets_verify_password:
 * @password_hash: a hash from alta_secrets_hash_password()
 * @password: the password to check
 *
 * Returns: whether @password matches
 */
gboolean
alta_secrets_verify_password (const char *password_hash,
                              const char *password)
{
  g_autoptr (AltaPasswordText) normalized = NULL;

  if (password_hash == NULL || password == NULL)
    return FALSE;

  normalized = normalize_password (password);
  return crypto_pwhash_str_verify (password_hash, normalized, strlen (normalized)) == 0;
}

/**
 * alta_secrets_burn_password_time:
 * @password: the password someone tried
 *
 * Spends the time a real verification takes, so that an unknown username answers as slowly
 * as a wrong password and the timing tells nothing about which accounts exist.
 */
void
alta_secrets_burn_password_time (const char *password)
{
  static char *dummy_hash;

  /* Called from the password threads: the first callers wait for one dummy hash. */
  if (g_once_init_enter (&dummy_hash))
    {
      char *hash = alta_secrets_hash_password ("not a password of anyone's", NULL);

      /* Out of memory: no dummy this time, and no crash either. */
      g_once_init_leave (&dummy_hash, hash != NULL ? hash : g_strdup ("-"));
    }

  (void)alta_secrets_verify_password (dummy_hash, password);
}
