/* alta-i18n.c: per-request translations for programs that serve two languages at once
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-i18n"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "alta-i18n.h"

/* The server answers each request in that request's language, so it cannot use the
 * process-wide locale of gettext(3). It reads our own compiled catalog (the .mo file that
 * the build makes from po/es.po) once and looks messages up in it. The catalog is found
 * under LOCALEDIR, or under $MYALTAMED_LOCALEDIR when running from the build tree.
 */

#define MO_MAGIC         0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U

static guint32
read_u32 (const guint8 *data,
          gsize         offset,
          gboolean      swapped)
{
  guint32 value;

  memcpy (&value, data + offset, sizeof value);
  return swapped ? GUINT32_SWAP_LE_BE (value) : value;
}

/**
 * alta_i18n_parse_mo:
 * @data: the bytes of a GNU .mo catalog
 * @size: their length
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): msgid → msgstr, both owned by the table
 */
GHashTable *
alta_i18n_parse_mo (const guint8  *data,
                    gsize          size,
                    GError       **error)
{
  g_autoptr (GHashTable) table = NULL;
  gboolean swapped;
  guint32 magic, count, originals, translations;

  if (size < 28)
    goto invalid;

  memcpy (&magic, data, sizeof magic);
  if (magic == MO_MAGIC)
    swapped = FALSE;
  else if (magic == MO_MAGIC_SWAPPED)
    swapped = TRUE;
  else
    goto invalid;

  count = read_u32 (data, 8, swapped);
  originals = read_u32 (data, 12, swapped);
  translations = read_u32 (data, 16, swapped);

  if (count > size / 16 ||
      originals > size || size - originals < (gsize)count * 8 ||
      translations > size || size - translations < (gsize)count * 8)
    goto invalid;

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint32 i = 0; i < count; i++)
    {
      guint32 id_length = read_u32 (data, originals + i * 8, swapped);
      guint32 id_offset = read_u32 (data, originals + i * 8 + 4, swapped);
      guint32 str_length = read_u32 (data, translations + i * 8, swapped);
      guint32 str_offset = read_u32 (data, translations + i * 8 + 4, swapped);

      if (id_offset > size || size - id_offset <= id_length ||
          str_offset > size || size - str_offset <= str_length)
        goto invalid;

      /* The header entry has an empty msgid; plural entries keep their forms after a NUL,
       * and strndup keeps only the first (singular) one of each.
       */
      if (id_length == 0 || str_length == 0)
        continue;

      g_hash_table_insert (table,
                           g_strndup ((const char *)data + id_offset, id_length),
                           g_strndup ((const char *)data + str_offset, str_length));
    }

  return g_steal_pointer (&table);

invalid:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Not a valid message catalog");
  return NULL;
}

static GHashTable *
load_spanish_catalog (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = NULL;
  g_autofree char *path = NULL;
  const char *localedir = g_getenv ("MYALTAMED_LOCALEDIR");
  GHashTable *table;

  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  path = g_build_filename (localedir, "es", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  file = g_mapped_file_new (path, FALSE, &error);
  if (file == NULL)
    {
      g_warning ("No Spanish catalog, answering in English: %s", error->message);
      return g_hash_table_new (g_str_hash, g_str_equal);
    }

  table = alta_i18n_parse_mo ((const guint8 *)g_mapped_file_get_contents (file),
                              g_mapped_file_get_length (file), &error);
  if (table == NULL)
    {
      g_warning ("The Spanish catalog %s cannot be read: %s", path, error->message);
      return g_hash_table_new (g_str_hash, g_str_equal);
    }

  return table;
}

/**
 * alta_i18n_gettext:
 * @language: "en" or "es" (anything else means English)
 * @msgid: an English message marked for translation
 *
 * Returns: (transfer none): @msgid in @language, or @msgid itself when it has no
 *   translation
 */
const char *
alta_i18n_gettext (const char *language,
                   const char *msgid)
{
  static GHashTable *spanish;
  const char *translated;

  g_return_val_if_fail (msgid != NULL, NULL);

  if (g_strcmp0 (language, "es") != 0)
    return msgid;

  if (g_once_init_enter (&spanish))
    g_once_init_leave (&spanish, load_spanish_catalog ());

  translated = g_hash_table_lookup (spanish, msgid);
  return translated != NULL ? translated : msgid;
}

/**
 * alta_i18n_language_from_header:
 * @accept_language: (nullable): an Accept-Language header
 *
 * Picks the first of the portal's languages in the header's order of preference.
 *
 * Returns: "es" or "en"
 */
const char *
alta_i18n_language_from_header (const char *accept_language)
{
  g_auto (GStrv) ranges = NULL;
  double best_q = -1.0;
  const char *best = "en";

  if (accept_language == NULL)
    return "en";

  ranges = g_strsplit (accept_language, ",", 16);
  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (ranges[i], ";", 4);
      const char *tag;
      double q = 1.0;

      /* An empty range ("en,", ",,") splits into no parts at all. */
      if (parts[0] == NULL)
        continue;
      tag = g_strstrip (parts[0]);

      for (guint j = 1; parts[j] != NULL; j++)
        {
          const char *param = g_strstrip (parts[j]);

          if (g_str_has_prefix (param, "q="))
            q = g_ascii_strtod (param + 2, NULL);
        }

      if (q <= best_q || q <= 0.0)
        continue;

      if (g_ascii_strncasecmp (tag, "es", 2) == 0 && (tag[2] == '\0' || tag[2] == '-'))
        {
          best = "es";
          best_q = q;
        }
      else if (g_ascii_strncasecmp (tag, "en", 2) == 0 && (tag[2] == '\0' || tag[2] == '-'))
        {
          best = "en";
          best_q = q;
        }
    }

  return best;
}
