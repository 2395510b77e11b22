/* alta-test-server.c: the real myaltamed-portald on loopback, for tests
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* strcasestr */
#define G_LOG_DOMAIN "alta-test-server"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "alta-test-server.h"

/* Tests talk to the real server binary over HTTPS, through AltaPortalClient, the same code
 * the app uses. Making the demo clinic hashes six passwords, so it is made once per test
 * program and copied for each test.
 */

const char * const alta_test_served_types[ALTA_TEST_N_SERVED_TYPES] = {
  "AllergyIntolerance", "Appointment", "CareTeam", "Communication", "Condition",
  "DiagnosticReport", "Immunization", "Location", "MedicationRequest", "Observation",
  "Organization", "Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Schedule",
  "Slot", "Task",
};


static char *template_dir;
static gboolean template_imported;

static const char *
portald_path (void)
{
  const char *path = g_getenv ("MYALTAMED_PORTALD");

  if (path == NULL)
    g_error ("MYALTAMED_PORTALD is not set: run the tests through meson test");

  return path;
}

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "cp", "-a", from, to, NULL };
  int status;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("Cannot copy the demo clinic: %s", error->message);
}

static void
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
}

static void
remove_template (void)
{
  if (template_dir != NULL)
    remove_tree (template_dir);
}

static void
write_config (AltaTestServer *self,
              const char     *extra_config)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_key_file_set_string (file, "testing", "clock_offset_file", self->clock_path);
  g_key_file_set_integer (file, "rate-limit", "per_address_per_minute", 100000);
  g_key_file_set_integer (file, "rate-limit", "per_account_per_minute", 1000);
  /* Every test's patients connect from one loopback address, as a lobby behind NAT does */
  g_key_file_set_integer (file, "server", "max_connections_per_address", 256);
  /* Under the sanitizers a burst of 40 new connections takes longer than the 5 s a handshake
   * is given (the handshakes share one main loop and two busy cores), and a test that signs
   * in for seconds must not race the close of its idle keep-alive connections.
   * test-connections tests both timeouts with its own short ones.
   */
  g_key_file_set_integer (file, "server", "handshake_timeout_s", 30);
  g_key_file_set_integer (file, "server", "keepalive_timeout_s", 30);
  /* READ_THREADS runs a test against a read pool of that size ([server] read_threads) */
  if (g_getenv ("READ_THREADS") != NULL)
    g_key_file_set_value (file, "server", "read_threads", g_getenv ("READ_THREADS"));

  if (extra_config != NULL)
    {
      g_autoptr (GKeyFile) extra = g_key_file_new ();
      g_auto (GStrv) groups = NULL;

      if (!g_key_file_load_from_data (extra, extra_config, -1, G_KEY_FILE_NONE, &error))
        g_error ("Bad test configuration: %s", error->message);

      groups = g_key_file_get_groups (extra, NULL);
      for (guint i = 0; groups[i] != NULL; i++)
        {
          g_auto (GStrv) keys = g_key_file_get_keys (extra, groups[i], NULL, NULL);

          for (guint j = 0; keys[j] != NULL; j++)
            {
              g_autofree char *value = g_key_file_get_value (extra, groups[i], keys[j], NULL);

              g_key_file_set_value (file, groups[i], keys[j], value);
            }
        }
    }

  if (!g_key_file_save_to_file (file, self->config_path, &error))
    g_error ("Cannot write the test configuration: %s", error->message);
}

/* A test that aborts must not leave its server running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The sample FHIR files of tests/data/fhir, for `demo --import` */
static void
add_sample_files (GPtrArray *argv)
{
  const char *folders[] = { "bundles", "ndjson" };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "fhir", folders[i], NULL);
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".ndjson"))
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);
      for (guint j = 0; j < names->len; j++)
        g_ptr_array_add (argv, g_strdup (g_ptr_array_index (names, j)));
    }
}

/**
 * alta_test_portald_launcher_new:
 * @flags: the subprocess's flags
 *
 * The tests run with G_DEBUG=fatal-warnings, but the server's warnings are log lines for
 * its operator (a full hashing queue, a relay that will not take mail), which the tests
 * provoke on purpose: myaltamed-portald runs with criticals fatal, warnings not.
 *
 * Returns: (transfer full): a launcher for myaltamed-portald
 */
GSubprocessLauncher *
alta_test_portald_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "gc-friendly,fatal-criticals", TRUE);
  return launcher;
}

/* "12345" of "https://127.0.0.1:12345" */
static char *
port_of (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return g_strdup_printf ("%d", g_uri_get_port (uri));
}

static void
launch_full (AltaTestServer *self,
             gboolean        import)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  g_ptr_array_add (argv, g_strdup (portald_path ()));
  g_ptr_array_add (argv, g_strdup ("demo"));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (self->data_dir));
  /* A restart listens where the server was, so clients made before it reach it again, as
   * an app reaches a portal that came back */
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, self->url != NULL ? port_of (self->url) : g_strdup ("0"));
  g_ptr_array_add (argv, g_strdup ("--config"));
  g_ptr_array_add (argv, g_strdup (self->config_path));
  if (import)
    {
      g_ptr_array_add (argv, g_strdup ("--import"));
      add_sample_files (argv);
    }
  g_ptr_array_add (argv, NULL);

  launcher = alta_test_portald_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                                &error);
  if (self->process == NULL)
    g_error ("Cannot start myaltamed-portald: %s", error->message);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "Listening on "))
        break;
      g_clear_pointer (&line, g_free);
    }

  if (line == NULL)
    g_error ("myaltamed-portald stopped before listening: %s",
             error != NULL ? error->message : "end of output");

  g_free (self->url);
  self->url = g_strdup (line + strlen ("Listening on "));
}

static void
launch (AltaTestServer *self)
{
  launch_full (self, FALSE);
}

static void
ensure_template (gboolean import)
{
  AltaTestServer maker = { 0 };

  if (template_dir != NULL && template_imported == import)
    return;

  if (template_dir != NULL)
    remove_tree (template_dir);
  else
    atexit (remove_template);

  template_dir = g_dir_make_tmp ("alta-demo-template-XXXXXX", NULL);
  g_assert_nonnull (template_dir);
  template_imported = import;

  maker.data_dir = g_build_filename (template_dir, "data", NULL);
  maker.config_path = g_build_filename (template_dir, "template.conf", NULL);
  maker.clock_path = g_build_filename (template_dir, "clock", NULL);
  write_config (&maker, NULL);
  launch_full (&maker, import);
  alta_test_server_stop (&maker);

  g_free (maker.data_dir);
  g_free (maker.config_path);
  g_free (maker.clock_path);
  g_free (maker.url);
}

/**
 * alta_test_server_new_demo:
 * @extra_config: (nullable): configuration lines to add ("[policy]\nidle_timeout_s=60\n")
 *
 * Starts a fresh copy of the demo clinic on a free loopback port, over HTTPS, with rate
 * limits high enough for tests and a clock the test can move.
 *
 * Returns: (transfer full): the running server
 */
AltaTestServer *
alta_test_server_new_demo (const char *extra_config)
{
  return alta_test_server_new_demo_full (extra_config, FALSE);
}

/**
 * alta_test_server_new_demo_full:
 * @extra_config: (nullable): configuration lines to add
 * @import: also import tests/data/fhir (`demo --import`), with accounts for its patients
 *
 * Returns: (transfer full): the running server
 */
AltaTestServer *
alta_test_server_new_demo_full (const char *extra_config,
                                gboolean    import)
{
  AltaTestServer *self = g_new0 (AltaTestServer, 1);
  g_autofree char *root = NULL;
  g_autofree char *template_data = NULL;
  g_autofree char *ca_path = NULL;
  g_autoptr (GError) error = NULL;

  ensure_template (import);

  root = g_dir_make_tmp ("alta-test-server-XXXXXX", NULL);
  self->data_dir = g_build_filename (root, "data", NULL);
  self->config_path = g_build_filename (root, "portald.conf", NULL);
  self->clock_path = g_build_filename (root, "clock", NULL);

  template_data = g_build_filename (template_dir, "data", NULL);
  copy_tree (template_data, self->data_dir);
  write_config (self, extra_config);

  ca_path = g_build_filename (self->data_dir, "tls", "ca.pem", NULL);
  self->ca = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);

  launch (self);
  return self;
}

/**
 * alta_test_server_start:
 * @self: a stopped server
 *
 * Starts the server again on the same data folder (on a new port).
 */
void
alta_test_server_start (AltaTestServer *self)
{
  g_assert_null (self->process);
  launch (self);
}

static void
wait_for_exit (AltaTestServer *self)
{
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait (self->process, NULL, &error))
    g_error ("Waiting for myaltamed-portald: %s", error->message);
  g_clear_object (&self->process);
}

/**
 * alta_test_server_stop:
 * @self: a running server
 *
 * Sends SIGTERM and waits: the server finishes what it does and closes its database.
 */
void
alta_test_server_stop (AltaTestServer *self)
{
  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  wait_for_exit (self);
}

/**
 * alta_test_server_kill:
 * @self: a running server
 *
 * Sends SIGKILL: the server gets no chance to tidy anything.
 */
void
alta_test_server_kill (AltaTestServer *self)
{
  if (self->process == NULL)
    return;

  g_subprocess_force_exit (self->process);
  wait_for_exit (self);
}

void
alta_test_server_free (AltaTestServer *self)
{
  g_autofree char *root = NULL;

  if (self == NULL)
    return;

  alta_test_server_stop (self);

  root = g_path_get_dirname (self->data_dir);
  remove_tree (root);

  g_clear_object (&self->ca);
  g_free (self->data_dir);
  g_free (self->config_path);
  g_free (self->clock_path);
  g_free (self->url);
  g_free (self);
}

/**
 * alta_test_server_move_clock:
 * @self: a server
 * @seconds: how far to move its clock forward (or back, if negative)
 *
 * The server re-reads its clock file whenever it changes.
 */
void
alta_test_server_move_clock (AltaTestServer *self,
                             gint64          seconds)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tmp_path = g_strconcat (self->clock_path, ".new", NULL);

  self->clock_offset += seconds;
  text = g_strdup_printf ("%" G_GINT64_FORMAT "\n", self->clock_offset);

  /* A fresh file each time, so its modification time always changes. */
  if (!g_file_set_contents (tmp_path, text, -1, &error) ||
      g_rename (tmp_path, self->clock_path) != 0)
    g_error ("Cannot move the server's clock: %s", error != NULL ? error->message : g_strerror (errno));
}

/**
 * alta_test_server_new_client:
 * @self: a running server
 *
 * Returns: (transfer full): a client that trusts the demo clinic's CA
 */
AltaPortalClient *
alta_test_server_new_client (AltaTestServer *self)
{
  g_autoptr (GError) error = NULL;
  AltaPortalClient *client = alta_portal_client_new (self->url, self->ca, &error);

  g_assert_no_error (error);
  return client;
}

/**
 * alta_test_server_admin:
 * @self: a server
 * @standard_input: (nullable): what to write to the command's standard input
 * @out_status: (out) (optional): the exit status
 * @...: the arguments after `admin --data-dir DIR`, %NULL-terminated
 *
 * Runs `myaltamed-portald admin` on the server's data folder, beside the running server.
 *
 * Returns: (transfer full): what the command printed
 */
char *
alta_test_server_admin (AltaTestServer *self,
                        const char     *standard_input,
                        int            *out_status,
                        ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  char *standard_output = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer)portald_path ());
  g_ptr_array_add (argv, (gpointer)"admin");
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, (gpointer)"--config");
  g_ptr_array_add (argv, self->config_path);

  va_start (args, out_status);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = alta_test_portald_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                             G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                           &error);
  g_assert_no_error (error);

  if (!g_subprocess_communicate_utf8 (process, standard_input, NULL, &standard_output, NULL,
                                      &error))
    g_error ("admin: %s", error->message);

  if (out_status != NULL)
    *out_status = g_subprocess_get_exit_status (process);

  return standard_output;
}

/**
 * alta_test_server_run:
 * @self: a server
 * @out_status: (out) (optional): the exit status
 * @out_stderr: (out) (optional): what it printed on standard error
 * @...: the command and its arguments after `myaltamed-portald`, then %NULL; the string
 *   "@DATA" stands for the server's data folder
 *
 * Returns: (transfer full): what it printed on standard output
 */
char *
alta_test_server_run (AltaTestServer  *self,
                      int             *out_status,
                      char           **out_stderr,
                      ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *standard_output = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer)portald_path ());
  va_start (args, out_stderr);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_str_equal (arg, "@DATA") ? self->data_dir : (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = alta_test_portald_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                           &error);
  g_assert_no_error (error);

  /* The main context keeps running meanwhile, as in an app: an HTTP client's idle timers
   * must fire on time, not all at once on its next request. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL, alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!g_subprocess_communicate_utf8_finish (process, result, &standard_output, out_stderr, &error))
    g_error ("myaltamed-portald: %s", error->message);

  if (out_status != NULL)
    *out_status = g_subprocess_get_exit_status (process);

  return standard_output;
}

/**
 * alta_test_server_demo_account:
 * @self: a server
 * @username: a demo username, or the given name of a demo patient without an account
 *
 * Returns: (transfer full): the entry of `demo-accounts.json`
 */
JsonObject *
alta_test_server_demo_account (AltaTestServer *self,
                               const char     *username)
{
  g_autofree char *path = g_build_filename (self->data_dir, "demo-accounts.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *accounts;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  accounts = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *entry = json_array_get_object_element (accounts, i);
      const char *entry_username = json_object_get_string_member_with_default (entry, "username", NULL);
      const char *name = json_object_get_string_member (entry, "name");

      if (g_strcmp0 (entry_username, username) == 0 || g_str_has_prefix (name, username))
        return json_object_ref (entry);
    }

  g_error ("No demo account %s", username);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **)a, *(const char **)b);
}

/**
 * alta_test_server_read_outbox:
 * @self: a server
 *
 * Returns: (transfer full) (element-type utf8): every message in `outbox/new`, oldest first
 */
GPtrArray *
alta_test_server_read_outbox (AltaTestServer *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "outbox", "new", NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return messages;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      char *text = NULL;

      if (g_file_get_contents (g_ptr_array_index (names, i), &text, NULL, NULL))
        g_ptr_array_add (messages, text);
    }

  return messages;
}

/**
 * alta_test_server_clear_outbox:
 * @self: a server
 */
void
alta_test_server_clear_outbox (AltaTestServer *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "outbox", "new", NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
}

/**
 * alta_test_decode_quoted_printable:
 * @text: a quoted-printable body
 *
 * Returns: (transfer full): the decoded text
 */
char *
alta_test_decode_quoted_printable (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p[0] == '=' && p[1] == '\r' && p[2] == '\n')
        p += 2;
      else if (p[0] == '=' && p[1] == '\n')
        p += 1;
      else if (p[0] == '=' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (out, (char)(g_ascii_xdigit_value (p[1]) * 16 +
                                         g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* Finds the first run of @length characters of @alphabet (plus @separator) after a blank
 * line, i.e. in the body.
 */
static char *
find_word (const char *mail_text,
           gboolean    (*accept) (const char *word))
{
  g_autofree char *decoded = alta_test_decode_quoted_printable (mail_text);
  g_autoptr (GRegex) regex = g_regex_new ("[A-Za-z0-9_-]+", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  const char *body = strstr (decoded, "\r\n\r\n");

  if (body == NULL)
    body = decoded;

  g_regex_match (regex, body, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *word = g_match_info_fetch (match, 0);

      if (accept (word))
        return g_steal_pointer (&word);
      g_match_info_next (match, NULL);
    }

  return NULL;
}

static gboolean
is_activation_code (const char *word)
{
  const char *alphabet = "ACDEFGHJKMNPQRTWXY34679";

  if (strlen (word) != 11 || word[5] != '-')
    return FALSE;

  for (guint i = 0; i < 11; i++)
    {
      if (i != 5 && strchr (alphabet, word[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_reset_token (const char *word)
{
  return strlen (word) == 43;
}

/**
 * alta_test_find_activation_code:
 * @mail_text: a whole message
 *
 * Returns: (transfer full) (nullable): the activation code the message carries
 */
char *
alta_test_find_activation_code (const char *mail_text)
{
  return find_word (mail_text, is_activation_code);
}

/**
 * alta_test_find_reset_token:
 * @mail_text: a whole message
 *
 * Returns: (transfer full) (nullable): the password reset token the message carries
 */
char *
alta_test_find_reset_token (const char *mail_text)
{
  return find_word (mail_text, is_reset_token);
}

/**
 * alta_test_store_result_cb:
 * @user_data: a `GAsyncResult **`, %NULL until the call ends
 *
 * A #GAsyncReadyCallback that keeps the result, for tests that iterate until it is there.
 */
void
alta_test_store_result_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * alta_test_request_bytes:
 * @client: a client
 * @method: an HTTP method
 * @path: a path with its query
 * @body: (nullable): a raw body
 * @content_type: (nullable): its type
 *
 * Returns: (transfer full): the answer; fails the test when there is none
 */
AltaPortalResponse *
alta_test_request_bytes (AltaPortalClient *client,
                         const char       *method,
                         const char       *path,
                         GBytes           *body,
                         const char       *content_type)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  AltaPortalResponse *response;

  alta_portal_client_send_async (client, method, path, body, content_type, ALTA_REQUEST_NONE,
                                 NULL, alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  response = alta_portal_client_send_finish (client, result, &error);
  g_assert_no_error (error);
  return response;
}

/**
 * alta_test_request:
 * @client: a client
 * @method: an HTTP method
 * @path: a path with its query
 * @json_body: (nullable): a JSON body as text
 * @flags: #AltaRequestFlags
 *
 * Returns: (transfer full): the answer; fails the test when there is none
 */
AltaPortalResponse *
alta_test_request (AltaPortalClient *client,
                   const char       *method,
                   const char       *path,
                   const char       *json_body,
                   AltaRequestFlags  flags)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  AltaPortalResponse *response;

  if (json_body != NULL)
    body = g_bytes_new (json_body, strlen (json_body));

  alta_portal_client_send_async (client, method, path, body, NULL, flags, NULL,
                                 alta_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  response = alta_portal_client_send_finish (client, result, &error);
  g_assert_no_error (error);
  return response;
}

/**
 * alta_test_request_with_headers:
 * @client: a client
 * @method: an HTTP method
 * @path: a path with its query
 * @json_body: (nullable): the body as text
 * @content_type: (nullable): its type; JSON when %NULL
 * @...: more request headers, name and value, ending with %NULL
 *
 * Returns: (transfer full): the answer; fails the test when there is none
 */
AltaPortalResponse *
alta_test_request_with_headers (AltaPortalClient *client,
                                const char       *method,
                                const char       *path,
                                const char       *json_body,
                                const char       *content_type,
                                ...)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) headers = g_ptr_array_new ();
  AltaPortalResponse *response;
  const char *name;
  va_list args;

  va_start (args, content_type);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      g_ptr_array_add (headers, (gpointer)name);
      g_ptr_array_add (headers, va_arg (args, char *));
    }
  va_end (args);
  g_ptr_array_add (headers, NULL);

  if (json_body != NULL)
    body = g_bytes_new (json_body, strlen (json_body));

  alta_portal_client_send_with_headers_async (client, method, path, body, content_type,
                                              (const char * const *)headers->pdata,
                                              ALTA_REQUEST_NONE, NULL, alta_test_store_result_cb,
                                              &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  response = alta_portal_client_send_finish (client, result, &error);
  g_assert_no_error (error);
  return response;
}

/**
 * alta_test_response_object:
 * @response: an answer
 *
 * Returns: (transfer none): its body as a JSON object; fails the test otherwise
 */
JsonObject *
alta_test_response_object (AltaPortalResponse *response)
{
  JsonNode *json = alta_portal_response_get_json (response);

  g_assert_nonnull (json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json));
  return json_node_get_object (json);
}

/**
 * alta_test_response_string:
 * @response: an answer
 * @member: a member of its JSON object
 *
 * Returns: (transfer none) (nullable): the member's string value
 */
const char *
alta_test_response_string (AltaPortalResponse *response,
                           const char         *member)
{
  return json_object_get_string_member_with_default (alta_test_response_object (response),
                                                     member, NULL);
}

/**
 * alta_test_sign_in:
 * @client: a client
 * @username: a username
 * @password: its password
 *
 * Signs in and keeps the token in @client; fails the test if sign-in fails.
 */
void
alta_test_sign_in (AltaPortalClient *client,
                   const char       *username,
                   const char       *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autoptr (AltaPortalResponse) response = NULL;

  response = alta_test_request (client, "POST", "/api/v1/sessions", body, ALTA_REQUEST_NO_AUTH);
  alta_assert_status (response, 201);
  alta_portal_client_set_access_token (client, alta_test_response_string (response, "access_token"));
}

/* The port the server listens on */
guint16
alta_test_server_port (AltaTestServer *server)
{
  g_autoptr (GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);

  return (guint16)g_uri_get_port (uri);
}

/* A plain TCP connection to the server, for what a client library would not send */
GSocketConnection *
alta_test_connect_tcp (AltaTestServer *server)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", alta_test_server_port (server), NULL,
                                                &error);
  g_assert_no_error (error);
  return connection;
}

/* A TLS connection to the server, its handshake done */
GIOStream *
alta_test_connect_tls (AltaTestServer *server)
{
  g_autoptr (GSocketConnection) tcp = alta_test_connect_tcp (server);
  g_autoptr (GSocketConnectable) identity = g_network_address_new ("127.0.0.1", alta_test_server_port (server));
  g_autoptr (GError) error = NULL;
  GIOStream *tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, &error);

  /* A server that waits where it should answer fails the test instead of hanging it. */
  g_socket_set_timeout (g_socket_connection_get_socket (tcp), 10);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), server->ca);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  return tls;
}

/* Writes @text whole to @stream */
void
alta_test_send_text (GIOStream  *stream,
           const char *text)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text), NULL,
                             NULL, &error);
  g_assert_no_error (error);
}

/* Reads one response with a Content-Length body; returns its head and body */
char *
alta_test_read_response (GIOStream *stream)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *end = NULL;
  gsize wanted = 0;

  while (end == NULL || text->len < wanted)
    {
      char buffer[4096];
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (text, buffer, n);

      end = strstr (text->str, "\r\n\r\n");
      if (end != NULL)
        {
          const char *length = strcasestr (text->str, "\r\nContent-Length:");

          g_assert_true (length != NULL && length < end);
          wanted = (gsize)(end + 4 - text->str) +
                   (gsize)g_ascii_strtoull (length + strlen ("\r\nContent-Length:"), NULL, 10);
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
