/* test-logs.c: the server's log lines, as fields for the journal and as text
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "alta-log.h"

/* The fields of the last structured line logged, captured in place of the journal */
static GHashTable *captured;
static GLogLevelFlags captured_level;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_hash_table_remove_all (captured);
  captured_level = log_level;
  for (gsize i = 0; i < n_fields; i++)
    {
      gssize length = fields[i].length;

      g_hash_table_insert (captured, g_strdup (fields[i].key),
                           length < 0 ? g_strdup (fields[i].value)
                                      : g_strndup (fields[i].value, length));
    }

  return G_LOG_WRITER_HANDLED;
}

static const char *
field (const char *key)
{
  return g_hash_table_lookup (captured, key);
}

static void
assert_one_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_null (strchr (text, '\n'));
  g_assert_null (strchr (text, '\r'));
  g_assert_null (strchr (text, '\x1b'));
  g_assert_null (strstr (text, "\xe2\x80\xa8"));
}

static void
test_request_fields (void)
{
  alta_log_request ("0123456789abcdef", "GET", "/api/v1/me", 200, NULL, 1234, "192.0.2.7");

  g_assert_cmpint (captured_level, ==, G_LOG_LEVEL_INFO);
  g_assert_cmpstr (field ("PRIORITY"), ==, "6");
  g_assert_cmpstr (field ("GLIB_DOMAIN"), ==, "alta-server");
  g_assert_cmpstr (field ("REQUEST_ID"), ==, "0123456789abcdef");
  g_assert_cmpstr (field ("HTTP_METHOD"), ==, "GET");
  g_assert_cmpstr (field ("HTTP_PATH"), ==, "/api/v1/me");
  g_assert_cmpstr (field ("HTTP_STATUS"), ==, "200");
  g_assert_cmpstr (field ("DURATION_MS"), ==, "1.234");
  g_assert_cmpstr (field ("CLIENT_ADDRESS"), ==, "192.0.2.7");
  g_assert_null (field ("PORTAL_ERROR"));
  g_assert_cmpstr (field ("MESSAGE"), ==,
                   "Request 0123456789abcdef: GET /api/v1/me → 200 in 1.234 ms from 192.0.2.7");
}

/* Errors are "notice" in the journal, failures of the server "warning", so that
 * journalctl -p notice shows what went wrong and nothing else.
 */
static void
test_request_priorities (void)
{
  alta_log_request ("1", "POST", "/api/v1/sessions", 401, "invalid_credentials", 0, "::1");
  g_assert_cmpint (captured_level, ==, G_LOG_LEVEL_MESSAGE);
  g_assert_cmpstr (field ("PRIORITY"), ==, "5");
  g_assert_cmpstr (field ("PORTAL_ERROR"), ==, "invalid_credentials");
  g_assert_nonnull (strstr (field ("MESSAGE"), "→ 401 invalid_credentials in 0.000 ms"));

  alta_log_request ("2", "GET", "/fhir/R4/Patient", 500, "internal", 0, "::1");
  g_assert_cmpint (captured_level, ==, G_LOG_LEVEL_WARNING);
  g_assert_cmpstr (field ("PRIORITY"), ==, "4");

  alta_log_request ("3", "POST", "/api/v1/sessions", 0, NULL, 5000000, "::1");
  g_assert_cmpint (captured_level, ==, G_LOG_LEVEL_MESSAGE);
  g_assert_cmpstr (field ("HTTP_STATUS"), ==, "0");
  g_assert_nonnull (strstr (field ("MESSAGE"), "not answered"));
}

/* A path with CR/LF in it is one line in every field: no forged line in the journal
 * (whose export format and `journalctl -o cat` print fields as they are) nor on stderr.
 */
static void
test_request_escaped (void)
{
  const char *path = "/api/v1/x\r\nRequest 1: GET /api/v1/me → 200\x1b[2J\xe2\x80\xa8\xff";

  alta_log_request ("4", "GET\n", path, 404, "not_found", 0, "10.0.0.1\r\nforged");

  assert_one_line (field ("MESSAGE"));
  assert_one_line (field ("HTTP_PATH"));
  assert_one_line (field ("HTTP_METHOD"));
  assert_one_line (field ("CLIENT_ADDRESS"));
  g_assert_true (g_utf8_validate (field ("HTTP_PATH"), -1, NULL));
  g_assert_cmpstr (field ("HTTP_PATH"), ==,
                   "/api/v1/x\\r\\nRequest 1: GET /api/v1/me → 200\\x1b[2J\\u{2028}\xef\xbf\xbd");
  g_assert_cmpstr (field ("HTTP_METHOD"), ==, "GET\\n");
}

/* Through the server's own writer, on standard error: info lines of requests are written
 * without G_MESSAGES_DEBUG, other info lines are not, and every line is one line.
 */
static void
test_writer_stderr (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_writer_func (alta_log_writer, NULL, NULL);
      g_log_writer_default_set_use_stderr (TRUE);
      g_info ("An info line without a request");
      alta_log_request ("abcdef0123456789", "GET", "/a\r\nalta-server-INFO: forged", 200, NULL,
                        2500, "127.0.0.1");
      g_message ("A message with a\nnewline");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout_unmatched ("*Request*");
  g_test_trap_assert_stderr ("*alta-server-INFO: *: Request abcdef0123456789: "
                             "GET /a\\r\\nalta-server-INFO: forged → 200 in 2.500 ms from 127.0.0.1\n*");
  g_test_trap_assert_stderr_unmatched ("*\nalta-server-INFO: forged*");
  g_test_trap_assert_stderr_unmatched ("*An info line without a request*");
  g_test_trap_assert_stderr ("*A message with a\\nnewline\n*");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("G_MESSAGES_DEBUG");

  captured = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_test_subprocess ())
    g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/logs/request/fields", test_request_fields);
  g_test_add_func ("/logs/request/priorities", test_request_priorities);
  g_test_add_func ("/logs/request/escaped", test_request_escaped);
  g_test_add_func ("/logs/writer/stderr", test_writer_stderr);

  return g_test_run ();
}
