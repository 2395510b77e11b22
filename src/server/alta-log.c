/* alta-log.c: the server's log lines, one line each whatever a request carried
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-log"

#include "config.h"

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
 * alta_log_writer:
 * @log_level: the message's level
 * @fields: (array length=n_fields): its fields
 * @n_fields: their number
 * @user_data: unused
 *
 * A #GLogWriterFunc: escapes the MESSAGE field with alta_log_escape(), then writes as
 * g_log_writer_default() does (the journal, or standard error).
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

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}
