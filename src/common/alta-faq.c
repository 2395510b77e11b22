/* alta-faq.c: the patient FAQ, read from its text, and searched
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-faq"

#include "config.h"

#include <string.h>

#include "alta-faq.h"

/* The FAQ's text (shared/seed/myaltamed-faq.txt, and its Spanish twin) is: a title line; an
 * index of group headings and questions, up to the first blank line; then each entry, its
 * question, a blank line and its answer, up to a "Return to Top" line. A question ends in
 * "?" or "."; a heading does not. The index's questions and the entries' may be worded
 * differently: the k-th entry is in the group of the k-th question of the index.
 */

#define RETURN_TO_TOP "Return to Top"
#define BULLET        "•"

static void
entry_free (gpointer data)
{
  AltaFaqEntry *entry = data;

  g_free (entry->group);
  g_free (entry->question);
  g_free (entry->answer);
  g_free (entry);
}

static gboolean
is_question (const char *line)
{
  return g_str_has_suffix (line, "?") || g_str_has_suffix (line, ".");
}

/* One answer line: list items as "• text", paragraphs apart */
static void
append_answer_line (GString    *answer,
                    const char *line,
                    gboolean    after_blank)
{
  gboolean item = g_str_has_prefix (line, BULLET);

  if (answer->len > 0)
    g_string_append (answer, after_blank ? "\n\n" : "\n");

  if (item)
    {
      line += strlen (BULLET);
      while (*line == ' ' || *line == '\t')
        line++;
      g_string_append (answer, BULLET " ");
    }
  g_string_append (answer, line);
}

/**
 * alta_faq_parse:
 * @text: the FAQ's text, UTF-8
 * @length: its length in bytes, or -1 when nul-terminated
 * @error: set when it is not a FAQ as described above
 *
 * Returns: (transfer full) (element-type AltaFaqEntry): its entries, in order
 */
GPtrArray *
alta_faq_parse (const char  *text,
                gsize        length,
                GError     **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *copy = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) answer = NULL;
  g_autofree char *question = NULL;
  const char *group = NULL;
  gboolean after_blank = FALSE;
  guint i = 1;

  if (length == (gsize) -1)
    length = strlen (text);
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The FAQ is not UTF-8");
      return NULL;
    }

  copy = g_strndup (text, length);
  lines = g_strsplit (copy, "\n", -1);
  for (guint j = 0; lines[j] != NULL; j++)
    g_strstrip (lines[j]);

  /* The index: which group each question is in */
  while (lines[i] != NULL && *lines[i] == '\0')
    i++;
  for (; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      if (is_question (lines[i]))
        {
          if (group == NULL)
            break;
          g_ptr_array_add (groups, g_strdup (group));
        }
      else
        group = lines[i];
    }

  /* The entries */
  for (; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line == '\0')
        {
          after_blank = TRUE;
          continue;
        }

      if (question == NULL)
        {
          question = g_strdup (line);
          answer = g_string_new (NULL);
          after_blank = FALSE;
          continue;
        }

      if (g_str_equal (line, RETURN_TO_TOP))
        {
          AltaFaqEntry *entry;

          if (entries->len >= groups->len || answer->len == 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The FAQ's entry “%s” has no answer or no place in the index",
                           question);
              return NULL;
            }
          entry = g_new0 (AltaFaqEntry, 1);
          entry->group = g_strdup (g_ptr_array_index (groups, entries->len));
          entry->question = g_steal_pointer (&question);
          entry->answer = g_string_free (g_steal_pointer (&answer), FALSE);
          g_ptr_array_add (entries, entry);
          continue;
        }

      append_answer_line (answer, line, after_blank);
      after_blank = FALSE;
    }

  /* The last entry has no "Return to Top" */
  if (question != NULL && answer != NULL && answer->len > 0 && entries->len < groups->len)
    {
      AltaFaqEntry *entry = g_new0 (AltaFaqEntry, 1);

      entry->group = g_strdup (g_ptr_array_index (groups, entries->len));
      entry->question = g_steal_pointer (&question);
      entry->answer = g_string_free (g_steal_pointer (&answer), FALSE);
      g_ptr_array_add (entries, entry);
    }

  if (groups->len == 0 || entries->len != groups->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The FAQ's index lists %u questions and its text answers %u",
                   groups->len, entries->len);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/**
 * alta_faq_entry_matches:
 * @entry: an entry
 * @query: what the person typed
 *
 * Every word of @query begins a word of the entry's question or answer, whatever the case
 * or accents ("contrasena" finds "contraseña"). An empty query matches everything.
 *
 * Returns: whether the entry answers the search
 */
gboolean
alta_faq_entry_matches (const AltaFaqEntry *entry,
                        const char         *query)
{
  g_autofree char *text = NULL;

  if (query == NULL || *query == '\0')
    return TRUE;

  text = g_strconcat (entry->question, " ", entry->answer, NULL);
  return g_str_match_string (query, text, TRUE);
}
