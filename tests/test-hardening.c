/* test-hardening.c: the portal on the open internet: one-time codes, the audit trail of
 * refusals, private files, log lines, proxies, passwords from any keyboard and the front
 * desk's search, over real HTTPS
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alta-portal-error.h"
#include "alta-test-server.h"

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo (user_data);
  fixture->client = alta_test_server_new_client (fixture->server);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, alta_test_server_free);
}

static AltaPortalResponse *
sign_in (AltaPortalClient *client,
         const char       *username,
         const char       *password)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  return alta_test_request (client, "POST", "/api/v1/sessions", body, ALTA_REQUEST_NO_AUTH);
}

static char *
body_text (AltaPortalResponse *response)
{
  GBytes *body = alta_portal_response_get_body (response);

  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* The audit rows (admin audit: at, request, actor, action, target, outcome) */
static guint
count_audit (AltaTestServer *server,
             const char     *action,
             const char     *target,
             const char     *outcome)
{
  g_autofree char *audit = alta_test_server_admin (server, NULL, NULL, "audit", NULL);
  g_auto (GStrv) lines = g_strsplit (audit, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) == 6 && g_str_equal (fields[3], action) &&
          (target == NULL || g_str_equal (fields[4], target)) &&
          (outcome == NULL || g_str_equal (fields[5], outcome)))
        count++;
    }

  return count;
}

/* One-time codes */

static char *
take_reset_token (AltaTestServer *server)
{
  g_autoptr (GPtrArray) mails = NULL;
  char *token = NULL;

  /* Delivery to the outbox follows the answer on the server's main loop. */
  for (int i = 0; i < 250 && token == NULL; i++)
    {
      g_clear_pointer (&mails, g_ptr_array_unref);
      mails = alta_test_server_read_outbox (server);
      for (guint j = 0; j < mails->len && token == NULL; j++)
        token = alta_test_find_reset_token (g_ptr_array_index (mails, j));
      if (token == NULL)
        g_usleep (20000);
    }

  g_assert_nonnull (token);
  alta_test_server_clear_outbox (server);
  return token;
}

static char *
request_reset_token (Fixture *fixture)
{
  g_autoptr (AltaPortalResponse) request = NULL;

  alta_test_server_clear_outbox (fixture->server);
  request = alta_test_request (fixture->client, "POST", "/api/v1/password-reset",
                               "{\"username\":\"grace\"}", ALTA_REQUEST_NO_AUTH);
  alta_assert_status (request, 202);
  return take_reset_token (fixture->server);
}

static AltaPortalResponse *
confirm_reset (Fixture    *fixture,
               const char *token,
               const char *new_password)
{
  g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\",\"new_password\":\"%s\"}",
                                           token, new_password);

  return alta_test_request (fixture->client, "POST", "/api/v1/password-reset/confirm", body,
                            ALTA_REQUEST_NO_AUTH);
}

/* A new token voids the older ones, and the reset with the newest leaves none working */
static void
test_reset_tokens_voided (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *first = request_reset_token (fixture);
  g_autofree char *second = request_reset_token (fixture);
  g_autofree char *third = request_reset_token (fixture);
  g_autoptr (AltaPortalResponse) old = NULL;
  g_autoptr (AltaPortalResponse) reset = NULL;
  g_autoptr (AltaPortalResponse) after_first = NULL;
  g_autoptr (AltaPortalResponse) after_second = NULL;
  g_autoptr (AltaPortalResponse) reused = NULL;

  g_assert_cmpstr (first, !=, second);
  old = confirm_reset (fixture, second, "Maple-Harbor-77");
  alta_assert_error (old, 400, "token_invalid");

  reset = confirm_reset (fixture, third, "Maple-Harbor-77");
  alta_assert_status (reset, 204);

  after_first = confirm_reset (fixture, first, "Attacker-Chosen-99");
  alta_assert_error (after_first, 400, "token_invalid");
  after_second = confirm_reset (fixture, second, "Attacker-Chosen-99");
  alta_assert_error (after_second, 400, "token_invalid");
  reused = confirm_reset (fixture, third, "Attacker-Chosen-99");
  alta_assert_error (reused, 400, "token_invalid");

  alta_test_sign_in (fixture->client, "grace", "Maple-Harbor-77");
}

/* A token mailed before the person changed their password does not undo the change */
static void
test_reset_token_voided_by_password_change (Fixture       *fixture,
                                            gconstpointer  user_data)
{
  g_autofree char *token = request_reset_token (fixture);
  g_autoptr (AltaPortalResponse) changed = NULL;
  g_autoptr (AltaPortalResponse) stale = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  changed = alta_test_request (fixture->client, "POST", "/api/v1/me/password",
                               "{\"current_password\":\"Orchard-Lantern-42\","
                               "\"new_password\":\"Maple-Harbor-77\"}", ALTA_REQUEST_NONE);
  alta_assert_status (changed, 204);

  stale = confirm_reset (fixture, token, "Attacker-Chosen-99");
  alta_assert_error (stale, 400, "token_invalid");
  alta_test_sign_in (fixture->client, "grace", "Maple-Harbor-77");
}

/* Audit trail */

static AltaPortalResponse *
fhir_get (AltaPortalClient *client,
          const char       *path)
{
  g_autofree char *full = g_strconcat ("/fhir/R4/", path, NULL);

  return alta_test_request (client, "GET", full, NULL, ALTA_REQUEST_NONE);
}

/* A patient at another record, and a proxy past the records it holds, leave a row naming
 * the record they tried */
static void
test_audit_refusals (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (AltaPortalClient) parent = alta_test_server_new_client (fixture->server);
  g_autoptr (AltaPortalResponse) read = NULL;
  g_autoptr (AltaPortalResponse) search = NULL;
  g_autoptr (AltaPortalResponse) proxy_read = NULL;
  g_autoptr (AltaPortalResponse) child = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  read = fhir_get (fixture->client, "Patient/demo-spanish");
  alta_assert_status (read, 403);
  search = fhir_get (fixture->client, "Observation?patient=demo-spanish");
  alta_assert_status (search, 403);

  alta_test_sign_in (parent, "daniel", "Harbor-Kite-1988");
  child = fhir_get (parent, "Patient/demo-child");
  alta_assert_status (child, 200);
  proxy_read = fhir_get (parent, "Condition?patient=demo-adult");
  alta_assert_status (proxy_read, 403);

  g_assert_cmpuint (count_audit (fixture->server, "record.read:Patient", "Patient/demo-spanish",
                                 "forbidden"), ==, 1);
  g_assert_cmpuint (count_audit (fixture->server, "record.search:Observation",
                                 "Patient/demo-spanish", "forbidden"), ==, 1);
  g_assert_cmpuint (count_audit (fixture->server, "record.search:Condition", "Patient/demo-adult",
                                 "forbidden"), ==, 1);
  g_assert_cmpuint (count_audit (fixture->server, "record.read:Patient", "Patient/demo-child",
                                 "success"), ==, 1);
}

/* Staff searches across patients name every patient they showed */
static void
test_audit_staff_searches (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) found = NULL;
  g_autoptr (AltaPortalResponse) conditions = NULL;
  g_autoptr (AltaPortalResponse) nobody = NULL;
  JsonArray *entries;
  guint n_named = 0;

  alta_test_sign_in (fixture->client, "frontdesk", "Clinic-Desk-Station-1");
  found = alta_test_request (fixture->client, "GET", "/api/v1/staff/patients?family=reyes", NULL,
                             ALTA_REQUEST_NONE);
  alta_assert_status (found, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (alta_test_response_object (found),
                                                                         "patients")), ==, 2);
  g_assert_cmpuint (count_audit (fixture->server, "staff.patient-search", "patient:demo-parent",
                                 "success"), ==, 1);
  g_assert_cmpuint (count_audit (fixture->server, "staff.patient-search", "patient:demo-child",
                                 "success"), ==, 1);

  nobody = alta_test_request (fixture->client, "GET", "/api/v1/staff/patients?family=nobody",
                              NULL, ALTA_REQUEST_NONE);
  alta_assert_status (nobody, 200);
  g_assert_cmpuint (count_audit (fixture->server, "staff.patient-search", "-", "success"), ==, 1);

  /* A FHIR search of every record names each patient of the page */
  conditions = fhir_get (fixture->client, "Condition?_count=500");
  alta_assert_status (conditions, 200);
  entries = json_object_get_array_member (alta_test_response_object (conditions), "entry");
  g_assert_cmpuint (json_array_get_length (entries), >, 0);
  {
    const char *patients[] = { "demo-adult", "demo-spanish", "demo-parent", "demo-child" };

    for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
      {
        g_autofree char *target = g_strconcat ("Patient/", patients[i], NULL);

        if (count_audit (fixture->server, "record.search:Condition", target, "success") == 1)
          n_named++;
      }
  }
  g_assert_cmpuint (n_named, >=, 2);
  g_assert_cmpuint (count_audit (fixture->server, "record.search:Condition", "-", NULL), ==, 0);
}

/* A demo clinic made from nothing in a folder that already exists, with a permissive umask,
 * its standard error in a file */
typedef struct
{
  char        *root;
  char        *data_dir;
  char        *log_path;
  char        *url;
  GSubprocess *process;
} FreshDemo;

static void
set_permissive_umask (gpointer user_data)
{
  umask (022);
}

static FreshDemo *
fresh_demo_start (const char *extra_config)
{
  FreshDemo *demo = g_new0 (FreshDemo, 1);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *config_path = NULL;

  demo->root = g_dir_make_tmp ("alta-hardening-XXXXXX", &error);
  g_assert_no_error (error);
  demo->data_dir = g_build_filename (demo->root, "data", NULL);
  demo->log_path = g_build_filename (demo->root, "portald.log", NULL);
  config_path = g_build_filename (demo->root, "portald.conf", NULL);
  g_assert_cmpint (g_mkdir (demo->data_dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (demo->data_dir, 0755), ==, 0);
  g_file_set_contents (config_path, extra_config != NULL ? extra_config : "", -1, &error);
  g_assert_no_error (error);

  launcher = alta_test_portald_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, demo->log_path);
  g_subprocess_launcher_set_child_setup (launcher, set_permissive_umask, NULL, NULL);
  demo->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MYALTAMED_PORTALD"),
                                               "demo", "--data-dir", demo->data_dir,
                                               "--port", "0", "--config", config_path, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (demo->process));
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "Listening on "))
        break;
      g_clear_pointer (&line, g_free);
    }
  g_assert_nonnull (line);
  demo->url = g_strdup (line + strlen ("Listening on "));

  return demo;
}

static AltaPortalClient *
fresh_demo_new_client (FreshDemo *demo)
{
  g_autofree char *ca_path = g_build_filename (demo->data_dir, "tls", "ca.pem", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsDatabase) ca = g_tls_file_database_new (ca_path, &error);
  AltaPortalClient *client;

  g_assert_no_error (error);
  client = alta_portal_client_new (demo->url, ca, &error);
  g_assert_no_error (error);
  return client;
}

static void
fresh_demo_free (FreshDemo *demo)
{
  const char *argv[] = { "rm", "-rf", demo->root, NULL };

  g_subprocess_send_signal (demo->process, SIGTERM);
  g_subprocess_wait (demo->process, NULL, NULL);
  g_clear_object (&demo->process);
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
  g_free (demo->root);
  g_free (demo->data_dir);
  g_free (demo->log_path);
  g_free (demo->url);
  g_free (demo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FreshDemo, fresh_demo_free)

/* Every file below @path is for the server's user only; returns how many were checked */
static guint
assert_private_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf info;

      g_assert_cmpint (g_lstat (child, &info), ==, 0);
      if (S_ISDIR (info.st_mode))
        {
          g_test_message ("%s: %o", child, info.st_mode & 0777);
          g_assert_cmpint (info.st_mode & 077, ==, 0);
          n_files += assert_private_tree (child);
        }
      else if (S_ISREG (info.st_mode))
        {
          g_test_message ("%s: %o", child, info.st_mode & 0777);
          g_assert_cmpint (info.st_mode & 0777, ==, 0600);
          n_files++;
        }
    }

  return n_files;
}

static void
test_private_files (void)
{
  g_autoptr (FreshDemo) demo = fresh_demo_start (NULL);
  g_autoptr (AltaPortalClient) client = fresh_demo_new_client (demo);
  g_autoptr (AltaPortalResponse) reset = NULL;
  g_autofree char *db = g_build_filename (demo->data_dir, "portal.db", NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };
  g_autoptr (GPtrArray) outbox = NULL;

  /* Something to write, and a mail in the outbox */
  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
  reset = alta_test_request (client, "POST", "/api/v1/password-reset", "{\"username\":\"grace\"}",
                             ALTA_REQUEST_NO_AUTH);
  alta_assert_status (reset, 202);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);
      GStatBuf info;

      g_assert_cmpint (g_stat (path, &info), ==, 0);
      g_assert_cmpint (info.st_mode & 0777, ==, 0600);
    }

  /* The outbox mail is written after the answer: wait for it */
  for (int i = 0; i < 250; i++)
    {
      g_autofree char *new_dir = g_build_filename (demo->data_dir, "outbox", "new", NULL);
      g_autoptr (GDir) dir = g_dir_open (new_dir, 0, NULL);

      if (dir != NULL && g_dir_read_name (dir) != NULL)
        break;
      g_usleep (20000);
    }

  g_assert_cmpuint (assert_private_tree (demo->data_dir), >=, 6);
}

/* Log lines */

static void
test_log_escaped (void)
{
  g_autoptr (FreshDemo) demo = fresh_demo_start (NULL);
  g_autoptr (AltaPortalClient) client = fresh_demo_new_client (demo);
  g_autoptr (AltaPortalResponse) forged = NULL;
  g_autoptr (AltaPortalResponse) marker = NULL;
  g_autofree char *log = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean seen_marker = FALSE;

  forged = alta_test_request (client, "GET",
                              "/api/v1/nothing%0d%0aRequest%20forged:%20GET%20/api/v1/me%20%E2%86%92%20200"
                              "%1b[2J%e2%80%a8",
                              NULL, ALTA_REQUEST_NO_AUTH);
  alta_assert_status (forged, 404);
  marker = alta_test_request (client, "GET", "/api/v1/log-marker", NULL, ALTA_REQUEST_NO_AUTH);
  alta_assert_status (marker, 404);

  /* The server logs each answer before it sends it: the marker's line is written. */
  g_assert_true (g_file_get_contents (demo->log_path, &log, NULL, NULL));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_false (g_str_has_prefix (lines[i], "Request forged"));
      g_assert_null (strchr (lines[i], '\r'));
      g_assert_null (strchr (lines[i], '\x1b'));
      g_assert_null (strstr (lines[i], "\xe2\x80\xa8"));
      if (strstr (lines[i], "/api/v1/log-marker") != NULL)
        seen_marker = TRUE;
    }
  g_assert_true (seen_marker);
  g_assert_nonnull (strstr (log, "/api/v1/nothing\\r\\nRequest forged: GET /api/v1/me"));
  g_assert_nonnull (strstr (log, "\\x1b[2J"));
}

/* Lines of @log that name @request_id */
static guint
count_lines_with (const char *log,
                  const char *request_id,
                  char      **out_line)
{
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], request_id) == NULL)
        continue;
      n++;
      if (out_line != NULL)
        {
          g_free (*out_line);
          *out_line = g_strdup (lines[i]);
        }
    }

  return n;
}

/* One line per request, named by the X-Request-Id the client got: method, path, status,
 * time and address, with no password and no token, whatever the request sent.
 */
static void
test_log_one_line_per_request (void)
{
  g_autoptr (FreshDemo) demo = fresh_demo_start (NULL);
  g_autoptr (AltaPortalClient) client = fresh_demo_new_client (demo);
  g_autoptr (AltaPortalResponse) wrong = NULL;
  g_autoptr (AltaPortalResponse) me = NULL;
  g_autoptr (AltaPortalResponse) marker = NULL;
  g_autofree char *log = NULL;
  g_autofree char *line = NULL;
  g_autofree char *token = NULL;

  wrong = alta_test_request (client, "POST", "/api/v1/sessions",
                             "{\"username\":\"grace\",\"password\":\"Wrong-Secret-77\"}",
                             ALTA_REQUEST_NO_AUTH);
  alta_assert_status (wrong, 401);
  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
  token = g_strdup (alta_portal_client_get_access_token (client));
  me = alta_test_request (client, "GET", "/api/v1/me?secret=query-words", NULL, 0);
  alta_assert_status (me, 200);
  /* Answered after the others: once its line is in the log, theirs are too. */
  marker = alta_test_request (client, "GET", "/api/v1/log-marker", NULL, ALTA_REQUEST_NO_AUTH);
  alta_assert_status (marker, 404);

  g_assert_true (g_file_get_contents (demo->log_path, &log, NULL, NULL));

  g_assert_cmpuint (count_lines_with (log, alta_portal_response_get_request_id (me), &line), ==, 1);
  g_assert_nonnull (strstr (line, "alta-server-INFO"));
  g_assert_nonnull (strstr (line, "GET /api/v1/me → 200 in "));
  g_assert_nonnull (strstr (line, " ms from 127.0.0.1"));

  g_assert_cmpuint (count_lines_with (log, alta_portal_response_get_request_id (wrong), &line), ==, 1);
  g_assert_nonnull (strstr (line, "alta-server-Message"));
  g_assert_nonnull (strstr (line, "POST /api/v1/sessions → 401 invalid_credentials in "));

  g_assert_cmpuint (count_lines_with (log, alta_portal_response_get_request_id (marker), &line), ==, 1);
  g_assert_nonnull (strstr (line, "GET /api/v1/log-marker → 404 not_found in "));

  g_assert_null (strstr (log, "Wrong-Secret-77"));
  g_assert_null (strstr (log, "Orchard-Lantern-42"));
  g_assert_null (strstr (log, "query-words"));
  g_assert_null (strstr (log, token));
}

/* Behind a proxy */

static AltaPortalResponse *
search_with_host (AltaPortalClient *client,
                  const char       *host)
{
  return alta_test_request_with_headers (client, "GET",
                                         "/fhir/R4/Condition?patient=demo-adult&_count=1",
                                         NULL, NULL, "Host", host, NULL);
}

static void
assert_links_start_with (AltaPortalResponse *response,
                         const char         *base)
{
  JsonObject *bundle = alta_test_response_object (response);
  JsonArray *links = json_object_get_array_member (bundle, "link");
  JsonArray *entries = json_object_get_array_member (bundle, "entry");
  g_autofree char *fhir_base = g_strconcat (base, "/fhir/R4/", NULL);
  gboolean has_next = FALSE;

  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      g_assert_true (g_str_has_prefix (json_object_get_string_member (link, "url"), fhir_base));
      has_next |= g_str_equal (json_object_get_string_member (link, "relation"), "next");
    }
  g_assert_true (has_next);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (
                                     json_array_get_object_element (entries, 0), "fullUrl"),
                                   fhir_base));
}

static void
test_host_header_ignored (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *text = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  response = search_with_host (fixture->client, "evil.example");
  alta_assert_status (response, 200);

  text = body_text (response);
  g_assert_null (strstr (text, "evil.example"));
  assert_links_start_with (response, fixture->server->url);
}

static void
test_public_url (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *text = NULL;

  alta_test_sign_in (fixture->client, "grace", "Orchard-Lantern-42");
  response = search_with_host (fixture->client, "evil.example");
  alta_assert_status (response, 200);

  text = body_text (response);
  g_assert_null (strstr (text, "evil.example"));
  assert_links_start_with (response, "https://portal.clinic.example/myaltamed");
}

static AltaPortalResponse *
limited_request_from (AltaPortalClient *client,
                      const char       *forwarded_for)
{
  return alta_test_request_with_headers (client, "POST", "/api/v1/password-reset/confirm",
                                         "{\"token\":\"not-a-token\",\"new_password\":\"Maple-Harbor-77\"}",
                                         NULL, "X-Forwarded-For", forwarded_for, NULL);
}

/* Through a trusted proxy, two patients' addresses are limited each on their own; the
 * audit trail names the patient's address, not the proxy's */
static void
test_trusted_proxy (Fixture       *fixture,
                    gconstpointer  user_data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (AltaPortalResponse) first = limited_request_from (fixture->client,
                                                                   "198.51.100.7, 127.0.0.1");
      g_autoptr (AltaPortalResponse) second = limited_request_from (fixture->client,
                                                                    "203.0.113.9");

      alta_assert_error (first, 400, "token_invalid");
      alta_assert_error (second, 400, "token_invalid");
    }

  {
    g_autoptr (AltaPortalResponse) first = limited_request_from (fixture->client, "198.51.100.7");
    /* What the client wrote left of the proxy's own hop does not count */
    g_autoptr (AltaPortalResponse) spoofed = limited_request_from (fixture->client,
                                                                   "192.0.2.1, 203.0.113.9");
    g_autoptr (AltaPortalResponse) third = limited_request_from (fixture->client,
                                                                 "[2001:db8::5]:4431");

    alta_assert_error (first, 429, "rate_limited");
    alta_assert_error (spoofed, 429, "rate_limited");
    alta_assert_error (third, 400, "token_invalid");
  }

  {
    g_autoptr (AltaPortalResponse) failed = NULL;
    g_autofree char *audit = NULL;

    failed = alta_test_request_with_headers (fixture->client, "POST", "/api/v1/sessions",
                                             "{\"username\":\"grace\",\"password\":\"Not-Her-Password\"}",
                                             NULL, "X-Forwarded-For", "192.0.2.44", NULL);
    alta_assert_error (failed, 401, "invalid_credentials");
    audit = alta_test_server_admin (fixture->server, NULL, NULL, "audit", NULL);
    g_assert_nonnull (strstr (audit, "address:192.0.2.44"));
  }
}

/* From a peer that is not a trusted proxy, X-Forwarded-For is the client's own say-so */
static void
test_untrusted_forwarded_for (Fixture       *fixture,
                              gconstpointer  user_data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *address = g_strdup_printf ("198.51.100.%u", i + 1);
      g_autoptr (AltaPortalResponse) response = limited_request_from (fixture->client, address);

      alta_assert_error (response, 400, "token_invalid");
    }

  {
    g_autoptr (AltaPortalResponse) limited = limited_request_from (fixture->client,
                                                                   "198.51.100.200");

    alta_assert_error (limited, 429, "rate_limited");
  }
}

/* Passwords from any keyboard */

static void
test_password_nfkc (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) changed = NULL;
  g_autoptr (AltaPortalResponse) wrong = NULL;

  /* An ASCII password hashed before: its full-width digits sign in too */
  {
    g_autoptr (AltaPortalResponse) full_width = sign_in (fixture->client, "grace",
                                                         "Orchard-Lantern-\xef\xbc\x94\xef\xbc\x92");

    alta_assert_status (full_width, 201);
    alta_portal_client_set_access_token (fixture->client,
                                         alta_test_response_string (full_width, "access_token"));
  }

  /* Set with a precomposed é, typed as e + combining acute */
  changed = alta_test_request (fixture->client, "POST", "/api/v1/me/password",
                               "{\"current_password\":\"Orchard-Lantern-42\","
                               "\"new_password\":\"Caf\xc3\xa9-Lantern-42\"}", ALTA_REQUEST_NONE);
  alta_assert_status (changed, 204);
  {
    g_autoptr (AltaPortalResponse) decomposed = sign_in (fixture->client, "grace",
                                                         "Cafe\xcc\x81-Lantern-42");
    g_autoptr (AltaPortalResponse) precomposed = sign_in (fixture->client, "grace",
                                                          "Caf\xc3\xa9-Lantern-42");

    alta_assert_status (decomposed, 201);
    alta_assert_status (precomposed, 201);
  }

  /* Normalising is not ignoring accents */
  wrong = sign_in (fixture->client, "grace", "Cafe-Lantern-42");
  alta_assert_error (wrong, 401, "invalid_credentials");
}

/* A password set by a reset, in decomposed form, signs in precomposed */
static void
test_password_nfkc_reset (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *token = request_reset_token (fixture);
  g_autoptr (AltaPortalResponse) reset = confirm_reset (fixture, token, "Nin\\u0303o-Harbor-77");
  g_autoptr (AltaPortalResponse) signed_in = NULL;

  alta_assert_status (reset, 204);
  signed_in = sign_in (fixture->client, "grace", "Ni\xc3\xb1o-Harbor-77");
  alta_assert_status (signed_in, 201);
}

/* The front desk */

static char *
find_patients (AltaPortalClient *client,
               const char       *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/staff/patients?", query, NULL);
  g_autoptr (AltaPortalResponse) response = alta_test_request (client, "GET", path, NULL,
                                                               ALTA_REQUEST_NONE);
  JsonArray *patients;
  GString *ids = g_string_new (NULL);

  alta_assert_status (response, 200);
  patients = json_object_get_array_member (alta_test_response_object (response), "patients");
  for (guint i = 0; i < json_array_get_length (patients); i++)
    g_string_append_printf (ids, "%s%s", ids->len > 0 ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (patients, i),
                                                           "patient_id"));

  return g_string_free (ids, FALSE);
}

static void
test_staff_search (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const struct { const char *query, *ids; } searches[] = {
    { "given=sofia&family=hernandez", "demo-spanish" },
    { "given=SOF%C3%8DA&family=hern%C3%A1ndez%20ruiz", "demo-spanish" },
    { "family=ruiz", "demo-spanish" },
    { "family=hern", "demo-spanish" },
    { "given=mat", "demo-child" },
    { "family=reyes&given=dan", "demo-parent" },
    { "family=uiz", "" },
  };

  alta_test_sign_in (fixture->client, "frontdesk", "Clinic-Desk-Station-1");
  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autofree char *ids = find_patients (fixture->client, searches[i].query);

      g_test_message ("%s", searches[i].query);
      g_assert_cmpstr (ids, ==, searches[i].ids);
    }
}

/* 12–17: no activation code, even with an account from before */
static void
test_teen_activation_code (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) refused = NULL;

  alta_test_sign_in (fixture->client, "frontdesk", "Clinic-Desk-Station-1");
  refused = alta_test_request (fixture->client, "POST", "/api/v1/staff/activation-codes",
                               "{\"patient_id\":\"demo-teen\",\"email\":\"lucas.nguyen@example.org\","
                               "\"identity_verified\":\"photo-id\"}", ALTA_REQUEST_NONE);
  alta_assert_error (refused, 403, "no_portal_access");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hardening/reset/new-token-voids-older", Fixture, NULL, fixture_set_up,
              test_reset_tokens_voided, fixture_tear_down);
  g_test_add ("/hardening/reset/password-change-voids", Fixture, NULL, fixture_set_up,
              test_reset_token_voided_by_password_change, fixture_tear_down);
  g_test_add ("/hardening/audit/refusals", Fixture, NULL, fixture_set_up, test_audit_refusals,
              fixture_tear_down);
  g_test_add ("/hardening/audit/staff-searches", Fixture, NULL, fixture_set_up,
              test_audit_staff_searches, fixture_tear_down);
  g_test_add_func ("/hardening/files/private", test_private_files);
  g_test_add_func ("/hardening/log/escaped", test_log_escaped);
  g_test_add_func ("/hardening/log/one-line-per-request", test_log_one_line_per_request);
  g_test_add ("/hardening/proxy/host-header-ignored", Fixture, NULL, fixture_set_up,
              test_host_header_ignored, fixture_tear_down);
  g_test_add ("/hardening/proxy/public-url", Fixture,
              "[server]\npublic_url=https://portal.clinic.example/myaltamed/\n", fixture_set_up,
              test_public_url, fixture_tear_down);
  g_test_add ("/hardening/proxy/trusted", Fixture,
              "[server]\ntrusted_proxies=10.0.0.0/8;127.0.0.1\n"
              "[rate-limit]\nper_address_per_minute=3\n", fixture_set_up,
              test_trusted_proxy, fixture_tear_down);
  g_test_add ("/hardening/proxy/untrusted", Fixture,
              "[server]\ntrusted_proxies=10.0.0.0/8\n"
              "[rate-limit]\nper_address_per_minute=3\n", fixture_set_up,
              test_untrusted_forwarded_for, fixture_tear_down);
  g_test_add ("/hardening/password/nfkc", Fixture, NULL, fixture_set_up, test_password_nfkc,
              fixture_tear_down);
  g_test_add ("/hardening/password/nfkc-reset", Fixture, NULL, fixture_set_up,
              test_password_nfkc_reset, fixture_tear_down);
  g_test_add ("/hardening/staff/search", Fixture, NULL, fixture_set_up, test_staff_search,
              fixture_tear_down);
  g_test_add ("/hardening/staff/12-17-activation-code", Fixture, NULL, fixture_set_up,
              test_teen_activation_code, fixture_tear_down);

  return g_test_run ();
}
