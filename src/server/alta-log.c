/* alta-log.c: the server's log lines, one line each whatever a request carried
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-log"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alta-log.h"

/* Log lines quote what clients sent: a path, a user agent, a username. A CR or LF in one of
 * them would end the line and start a forged one ("… → 401\n… sign-in success"); other
 * control characters can rewrite a terminal. The writer escapes them in every message, so
 * no call site has to remember.
 */

/**
 * alta_log_escape:
 * @text: (nullable): text to log, perhaps not UTF-8
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Returns: (transfer full): @text as one line: C0 and C1 control characters, DEL and the
 *   Unicode line and paragraph separators as `\r`, `\n`, `\t` or `\xNN` / `\u{NNNN}`,
 *   invalid UTF-8 as U+FFFD
 */
char *
alta_log_escape (const char *text,
                 gssize      length)
{
  g_autofree char *valid = NULL;
  GString *escaped;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, length);
  escaped = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        g_string_append (escaped, "\\r");
      else if (c == '\n')
        g_string_append (escaped, "\\n");
      else if (c == '\t')
        g_string_append (escaped, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (escaped, "\\x%02x", c);
      else if ((c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029)
        g_string_append_printf (escaped, "\\u{%04x}", c);
      else
        g_string_append_len (escaped, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (escaped, FALSE);
}

/**
 * alta_log_request:
 * @request_id: the request's id, as in its X-Request-Id header
 * @method: (nullable): its method, as the client sent it
 * @path: (nullable): its path, as the client sent it (decoded)
 * @status: the status answered, or 0 when nothing was answered
 * @outcome: (nullable): the portal error code answered, such as "unauthorized"
 * @duration_us: from the request's headers to its answer, in microseconds
 * @client_address: (nullable): the client's address (the one a trusted proxy saw)
 *
 * Logs one structured line for one request: in the journal, fields REQUEST_ID,
 * HTTP_METHOD, HTTP_PATH, HTTP_STATUS, DURATION_MS, CLIENT_ADDRESS and, for an error,
 * PORTAL_ERROR. Answers of 500 and over are warnings, other errors and unanswered
 * requests messages (journal priority "notice"), the rest info. Method and path are
 * escaped with alta_log_escape(). Callers pass no query string, header or body: nothing
 * a token, a password or a record could be in.
 */
void
alta_log_request (const char *request_id,
                  const char *method,
                  const char *path,
                  guint       status,
                  const char *outcome,
                  gint64      duration_us,
                  const char *client_address)
{
  g_autofree char *safe_method = alta_log_escape (method, -1);
  g_autofree char *safe_path = alta_log_escape (path, -1);
  g_autofree char *safe_address = alta_log_escape (client_address, -1);
  g_autofree char *message = NULL;
  char status_text[16];
  char duration_text[32];
  GLogLevelFlags level = G_LOG_LEVEL_INFO;
  const char *priority = "6";
  GLogField fields[11];
  gsize n_fields = 0;

  if (status >= 500)
    {
      level = G_LOG_LEVEL_WARNING;
      priority = "4";
    }
  else if (status >= 400 || status == 0)
    {
      level = G_LOG_LEVEL_MESSAGE;
      priority = "5";
    }

  g_snprintf (status_text, sizeof status_text, "%u", status);
  g_snprintf (duration_text, sizeof duration_text, "%.3f", (double)MAX (duration_us, 0) / 1000);

  if (status == 0)
    message = g_strdup_printf ("Request %s: %s %s → not answered: the client left or the server "
                               "stopped, after %s ms, from %s", request_id, safe_method, safe_path,
                               duration_text, safe_address);
  else
    message = g_strdup_printf ("Request %s: %s %s → %u%s%s in %s ms from %s", request_id,
                               safe_method, safe_path, status, outcome != NULL ? " " : "",
                               outcome != NULL ? outcome : "", duration_text, safe_address);

#define ADD_FIELD(k, v) \
  G_STMT_START { \
    fields[n_fields].key = (k); \
    fields[n_fields].value = (v); \
    fields[n_fields].length = -1; \
    n_fields++; \
  } G_STMT_END

  ADD_FIELD ("MESSAGE", message);
  ADD_FIELD ("PRIORITY", priority);
  ADD_FIELD ("GLIB_DOMAIN", "alta-server");
  ADD_FIELD ("REQUEST_ID", request_id);
  ADD_FIELD ("HTTP_METHOD", safe_method);
  ADD_FIELD ("HTTP_PATH", safe_path);
  ADD_FIELD ("HTTP_STATUS", status_text);
  ADD_FIELD ("DURATION_MS", duration_text);
  ADD_FIELD ("CLIENT_ADDRESS", safe_address);
  if (outcome != NULL)
    ADD_FIELD ("PORTAL_ERROR", outcome);
#undef ADD_FIELD

  /* As g_log_structured() logs, with the fields this request has */
  g_log_structured_array (level, fields, n_fields);
}

static gboolean
has_field (const GLogField *fields,
           gsize            n_fields,
           const char      *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, key) == 0)
      return TRUE;

  return FALSE;
}

/**
 * alta_log_writer:
 * @log_level: the message's level
 * @fields: (array length=n_fields): its fields
 * @n_fields: their number
 * @user_data: unused
 *
 * A #GLogWriterFunc: escapes the MESSAGE field with alta_log_escape(), then writes as
 * g_log_writer_default() does (the journal, or standard error). A request's line
 * (alta_log_request()) is written at every level, info included, without
 * G_MESSAGES_DEBUG: one line per request is what an operator reads the journal for.
 *
 * Returns: what g_log_writer_default() returns
 */
GLogWriterOutput
alta_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof (GLogField));
  g_autofree char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (copy[i].key, "MESSAGE") != 0)
        continue;

      g_free (message);
      message = alta_log_escape (copy[i].value, copy[i].length);
      copy[i].value = message;
      copy[i].length = -1;
      break;
    }

  if ((log_level & G_LOG_LEVEL_INFO) != 0 && has_field (copy, n_fields, "REQUEST_ID"))
    {
      /* Asked once: standard error stays what it was at start, and the question costs a
       * system call, once per request otherwise */
      static gsize to_journal;

      if (g_once_init_enter (&to_journal))
        g_once_init_leave (&to_journal, g_log_writer_is_journald (fileno (stderr)) ? 2 : 1);

      if (to_journal == 2 &&
          g_log_writer_journald (log_level, copy, n_fields, user_data) == G_LOG_WRITER_HANDLED)
        return G_LOG_WRITER_HANDLED;

      return g_log_writer_standard_streams (log_level, copy, n_fields, user_data);
    }

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}
