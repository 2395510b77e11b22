/* alta-config.c: the portal server's configuration (a GKeyFile)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-config"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "alta-client-address.h"
#include "alta-config.h"

/**
 * alta_config_new_default:
 *
 * Returns: (transfer full): the FAQ's defaults: 15 minutes idle, 12 hours at most, codes
 *   valid 14 days, five wrong passwords in 15 minutes lock for 15 minutes
 */
AltaConfig *
alta_config_new_default (void)
{
  AltaConfig *config = g_new0 (AltaConfig, 1);

  config->listen = g_strdup ("127.0.0.1:8443");
  config->clinic_name = g_strdup ("MyAltaMed");
  config->password_threads = 0;
  config->password_queue = 64;
  config->read_threads = (int)CLAMP (g_get_num_processors (), 1, 64);
  config->handshake_timeout_s = 5;
  config->keepalive_timeout_s = 5;
  config->max_connections_per_address = 32;
  config->listen_backlog = 511;
  config->audit_flush_ms = 100;
  config->tls_priority = g_strdup (ALTA_CONFIG_TLS_PRIORITY);
  config->idle_timeout_s = 15 * 60;
  config->session_max_s = 12 * 60 * 60;
  config->activation_code_ttl_days = 14;
  config->reset_token_ttl_s = 60 * 60;
  config->lockout_threshold = 5;
  config->lockout_window_s = 15 * 60;
  config->lockout_duration_s = 15 * 60;
  config->rate_limit_per_address = 60;
  config->rate_limit_per_account = 20;
  config->smtp_port = 25;
  config->mail_from = g_strdup ("MyAltaMed <no-reply@myaltamed.net>");
  config->mail_retry_s = 60;

  return config;
}

static gboolean
read_int (GKeyFile    *file,
          const char  *group,
          const char  *key,
          int          min,
          int          max,
          int         *value,
          GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  int read;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;

  read = g_key_file_get_integer (file, group, key, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] %s: %s", group, key, local_error->message);
      return FALSE;
    }

  if (read < min || read > max)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] %s: %d is outside %d…%d", group, key, read, min, max);
      return FALSE;
    }

  *value = read;
  return TRUE;
}

static void
read_string (GKeyFile   *file,
             const char *group,
             const char *key,
             char      **value)
{
  g_autofree char *read = g_key_file_get_string (file, group, key, NULL);

  if (read == NULL)
    return;

  g_strstrip (read);
  g_free (*value);
  *value = read[0] != '\0' ? g_steal_pointer (&read) : NULL;
}

/* The address patients reach the portal at, behind a proxy: links are built from it,
 * never from a Host header a client chose. */
static gboolean
read_public_url (GKeyFile    *file,
                 AltaConfig  *config,
                 GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  gsize length;

  read_string (file, "server", "public_url", &config->public_url);
  if (config->public_url == NULL)
    return TRUE;

  uri = g_uri_parse (config->public_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "http") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL || strpbrk (config->public_url, "\"\\ <>") != NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[server] public_url: “%s” is not an http:// or https:// URL without a "
                   "query", config->public_url);
      return FALSE;
    }

  length = strlen (config->public_url);
  while (length > 0 && config->public_url[length - 1] == '/')
    config->public_url[--length] = '\0';
  return TRUE;
}

/* trusted_proxies=127.0.0.1;10.0.0.0/8 (commas and spaces separate too) */
static gboolean
read_trusted_proxies (GKeyFile    *file,
                      AltaConfig  *config,
                      GError     **error)
{
  g_autofree char *text = g_key_file_get_value (file, "server", "trusted_proxies", NULL);
  g_auto (GStrv) items = NULL;
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) masks = NULL;

  if (text == NULL)
    return TRUE;

  items = g_strsplit_set (text, ";, \t", -1);
  for (guint i = 0; items[i] != NULL; i++)
    if (items[i][0] != '\0')
      g_ptr_array_add (kept, g_strdup (items[i]));
  g_ptr_array_add (kept, NULL);

  masks = alta_client_address_parse_proxies ((const char * const *)kept->pdata, error);
  if (masks == NULL)
    return FALSE;

  g_strfreev (config->trusted_proxies);
  config->trusted_proxies = (char **)g_ptr_array_steal (kept, NULL);
  return TRUE;
}

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;

  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

/* The relay: a URL curl takes, with no user or password in it (those would be logged
 * wherever URLs are), and nothing after the host and port.
 */
static gboolean
check_smtp_url (const char  *url,
                GError     **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;

  if (uri == NULL ||
      (g_ascii_strcasecmp (scheme, "smtp") != 0 && g_ascii_strcasecmp (scheme, "smtps") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (path[0] != '\0' && g_strcmp0 (path, "/") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[mail] smtp_url: not smtp://HOST[:PORT] or smtps://HOST[:PORT]");
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[mail] smtp_url: give the username as smtp_user and the password "
                           "as smtp_password_file, not in the URL");
      return FALSE;
    }

  return TRUE;
}

/* [mail] starttls, and the AUTH password: from a file only root and the server read, or
 * from the configuration itself. The password is never logged, not even its length.
 */
static gboolean
read_mail_security (GKeyFile    *file,
                    AltaConfig  *config,
                    GError     **error)
{
  g_autofree char *starttls = NULL;
  g_autofree char *password_file = NULL;
  g_autoptr (GError) local_error = NULL;
  char            *password = NULL;
  gsize            length;

  if (config->smtp_url != NULL && !check_smtp_url (config->smtp_url, error))
    return FALSE;

  read_string (file, "mail", "starttls", &starttls);
  if (starttls == NULL || g_str_equal (starttls, "auto"))
    config->smtp_starttls_always = FALSE;
  else if (g_str_equal (starttls, "always"))
    config->smtp_starttls_always = TRUE;
  else
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[mail] starttls: auto or always");
      return FALSE;
    }

  read_string (file, "mail", "smtp_password_file", &password_file);
  if (password_file != NULL && g_key_file_has_key (file, "mail", "smtp_password", NULL))
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[mail] smtp_password_file and smtp_password: give one of them");
      return FALSE;
    }

  /* Neither: under systemd, the credential smtp-password (LoadCredential=) */
  if (password_file == NULL && config->smtp_user != NULL &&
      !g_key_file_has_key (file, "mail", "smtp_password", NULL))
    password_file = alta_config_dup_credential ("smtp-password");

  if (password_file != NULL)
    {
      if (!g_file_get_contents (password_file, &password, &length, &local_error))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[mail] smtp_password_file: %s", local_error->message);
          return FALSE;
        }

      /* One line; its line break is not part of the password. */
      while (length > 0 && (password[length - 1] == '\n' || password[length - 1] == '\r'))
        password[--length] = '\0';
      if (strlen (password) != length || !g_utf8_validate (password, length, NULL))
        {
          free_secret (password);
          g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                               "[mail] smtp_password_file: not one line of UTF-8 text");
          return FALSE;
        }
    }
  else
    {
      password = g_key_file_get_string (file, "mail", "smtp_password", NULL);
    }

  free_secret (config->smtp_password);
  config->smtp_password = password;

  if (config->smtp_password != NULL && config->smtp_user == NULL)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[mail] a password needs smtp_user");
      return FALSE;
    }

  return TRUE;
}

/**
 * alta_config_load:
 * @path: (nullable): a configuration file, or %NULL for the defaults
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL when the file cannot be
 *   read or a value is out of range
 */
AltaConfig *
alta_config_load (const char  *path,
                  GError     **error)
{
  g_autoptr (AltaConfig) config = alta_config_new_default ();
  g_autoptr (GKeyFile) file = NULL;

  if (path == NULL)
    return g_steal_pointer (&config);

  file = g_key_file_new ();
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return NULL;

  read_string (file, "server", "listen", &config->listen);
  read_string (file, "server", "tls_cert", &config->tls_cert);
  read_string (file, "server", "tls_key", &config->tls_key);
  read_string (file, "server", "clinic_name", &config->clinic_name);
  read_string (file, "server", "tls_priority", &config->tls_priority);
  read_string (file, "mail", "smtp_url", &config->smtp_url);
  read_string (file, "mail", "smtp_host", &config->smtp_host);
  read_string (file, "mail", "smtp_user", &config->smtp_user);
  read_string (file, "mail", "ca_file", &config->smtp_ca_file);
  read_string (file, "mail", "from", &config->mail_from);
  read_string (file, "testing", "clock_offset_file", &config->clock_offset_file);

  if (config->tls_priority == NULL)
    config->tls_priority = g_strdup (ALTA_CONFIG_TLS_PRIORITY);
  if (config->clinic_name == NULL)
    config->clinic_name = g_strdup ("MyAltaMed");
  if (config->mail_from == NULL)
    config->mail_from = g_strdup ("MyAltaMed <no-reply@myaltamed.net>");

  if (!read_int (file, "server", "password_threads", 0, 256, &config->password_threads, error) ||
      !read_int (file, "server", "read_threads", 0, 64, &config->read_threads, error) ||
      !read_int (file, "server", "password_queue", 0, 100000, &config->password_queue, error) ||
      !read_int (file, "server", "handshake_timeout_s", 1, 300, &config->handshake_timeout_s, error) ||
      !read_int (file, "server", "keepalive_timeout_s", 1, 3600, &config->keepalive_timeout_s, error) ||
      !read_int (file, "server", "max_connections_per_address", 1, 100000,
                 &config->max_connections_per_address, error) ||
      !read_int (file, "server", "listen_backlog", 1, 65535, &config->listen_backlog, error) ||
      !read_int (file, "server", "audit_flush_ms", 0, 3600 * 1000, &config->audit_flush_ms, error) ||
      !read_int (file, "policy", "idle_timeout_s", 10, 24 * 3600, &config->idle_timeout_s, error) ||
      !read_int (file, "policy", "session_max_s", 60, 7 * 24 * 3600, &config->session_max_s, error) ||
      !read_int (file, "policy", "activation_code_ttl_days", 1, 365,
                 &config->activation_code_ttl_days, error) ||
      !read_int (file, "policy", "reset_token_ttl_s", 60, 7 * 24 * 3600,
                 &config->reset_token_ttl_s, error) ||
      !read_int (file, "policy", "lockout_threshold", 1, 100, &config->lockout_threshold, error) ||
      !read_int (file, "policy", "lockout_window_s", 1, 24 * 3600, &config->lockout_window_s, error) ||
      !read_int (file, "policy", "lockout_duration_s", 1, 24 * 3600,
                 &config->lockout_duration_s, error) ||
      !read_int (file, "rate-limit", "per_address_per_minute", 1, 1000000,
                 &config->rate_limit_per_address, error) ||
      !read_int (file, "rate-limit", "per_account_per_minute", 1, 1000000,
                 &config->rate_limit_per_account, error) ||
      !read_int (file, "mail", "smtp_port", 1, 65535, &config->smtp_port, error) ||
      !read_int (file, "mail", "retry_s", 1, 3600, &config->mail_retry_s, error) ||
      !read_mail_security (file, config, error) ||
      !read_public_url (file, config, error) ||
      !read_trusted_proxies (file, config, error))
    return NULL;

  return g_steal_pointer (&config);
}

/* A folder systemd names in @variable (a colon-separated list when the unit names several:
 * ours names one), else @fallback.
 */
static char *
dup_service_dir (const char *variable,
                 const char *fallback)
{
  const char *value = g_getenv (variable);
  const char *colon;

  if (value == NULL || !g_path_is_absolute (value))
    return g_strdup (fallback);

  colon = strchr (value, ':');
  return colon != NULL ? g_strndup (value, colon - value) : g_strdup (value);
}

/**
 * alta_config_dup_credential:
 * @name: a credential's name, such as `tls-key`
 *
 * A unit hands secrets to the server as credentials (LoadCredential=), copies readable by
 * the service's user only, so that the files they come from stay root's: DynamicUser= gives
 * the server no stable user that could own them.
 *
 * Returns: (transfer full) (nullable): the credential's file, when systemd passed it
 */
char *
alta_config_dup_credential (const char *name)
{
  const char *dir = g_getenv ("CREDENTIALS_DIRECTORY");
  g_autofree char *path = NULL;

  if (dir == NULL || !g_path_is_absolute (dir))
    return NULL;

  path = g_build_filename (dir, name, NULL);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

/**
 * alta_config_dup_installed_path:
 *
 * Returns: (transfer full): the installed configuration file:
 *   `$CONFIGURATION_DIRECTORY/portald.conf` under systemd, else
 *   `/etc/myaltamed/portald.conf`
 */
char *
alta_config_dup_installed_path (void)
{
  g_autofree char *dir = dup_service_dir ("CONFIGURATION_DIRECTORY", ALTA_CONFIG_DIR);

  return g_build_filename (dir, ALTA_CONFIG_FILE, NULL);
}

/**
 * alta_config_load_or_installed:
 * @path: (nullable): the configuration file the command line named
 * @error: return location for a #GError
 *
 * Loads @path, or without one the installed configuration file, if there is one: an
 * installation that has not written it yet runs on the defaults. The error names the file.
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL when the file cannot be
 *   read or a value is out of range
 */
AltaConfig *
alta_config_load_or_installed (const char  *path,
                               GError     **error)
{
  g_autofree char *installed = NULL;
  AltaConfig *config;

  if (path == NULL)
    {
      installed = alta_config_dup_installed_path ();
      if (!g_file_test (installed, G_FILE_TEST_EXISTS))
        {
          g_message ("No configuration file at %s: the defaults apply", installed);
          return alta_config_new_default ();
        }
      path = installed;
    }

  config = alta_config_load (path, error);
  if (config == NULL)
    g_prefix_error (error, "%s: ", path);

  return config;
}

/**
 * alta_config_dup_data_dir:
 *
 * Returns: (transfer full): the installed data folder: `$STATE_DIRECTORY` under systemd,
 *   else `/var/lib/myaltamed`
 */
char *
alta_config_dup_data_dir (void)
{
  return dup_service_dir ("STATE_DIRECTORY", ALTA_STATE_DIR);
}

void
alta_config_free (AltaConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->listen);
  g_free (config->tls_cert);
  g_free (config->tls_key);
  g_free (config->clinic_name);
  g_free (config->tls_priority);
  g_free (config->public_url);
  g_strfreev (config->trusted_proxies);
  g_free (config->smtp_url);
  g_free (config->smtp_host);
  g_free (config->smtp_user);
  free_secret (config->smtp_password);
  g_free (config->smtp_ca_file);
  g_free (config->mail_from);
  g_free (config->clock_offset_file);
  g_free (config);
}
