/* alta-fhir-json.c: FHIR JSON text in and out, its numbers as they were written
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-json"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alta-fhir-json.h"
#include "alta-fhir-resource.h"

/* FHIR's decimals keep their precision: "5.60" is not "5.6", and "0.010" is not "0.01".
 * json-glib reads every number into a gint64 or a double and writes doubles with 17
 * digits (5.6 as 5.5999999999999996, 1e-7 as 9.9999999999999995e-08); an integer past
 * gint64 comes back as another number. It cannot keep a number's text, so this file does.
 *
 * json-glib still parses: alta_fhir_json_scan_numbers() only splits the text into JSON's
 * tokens (RFC 8259) to find each number literal, in document order, and refuses what is not
 * JSON (comments, single quotes, hex or ".5" numbers, all of which json-glib would accept).
 * json-glib keeps the members of an object in their order, so the n-th number node of the
 * tree, in order, is the n-th literal. The one exception is a member named twice: json-glib
 * keeps the last value in the first one's place. The scan counts members, and when the tree
 * holds fewer, the text is parsed again with json-glib's object-member and array-element
 * signals, which hand over each value as it is completed, in document order (they cost
 * more than the parse itself, so only then). The literal is kept beside the node, in a
 * table the AltaFhirJson owns entries of, for as long as the AltaFhirJson lives; the
 * writer, alta_fhir_json_to_text(), writes a number node found there as its literal.
 *
 * The table is keyed by node: a tree may mix nodes from several parsed texts (a JSON Patch
 * of a stored resource), and callers such as alta_fhir_store_put() take a plain JsonObject.
 * Each AltaFhirJson holds a reference on its number nodes, so an address in the table is
 * never reused by another node while it is listed.
 *
 * A number made in code (json_object_set_double_member) has no literal: it is written in
 * the shortest form that reads back to the same double, as Python writes one (7.8, 4.0,
 * 120.0, 1e-07), as a person would write it.
 */

struct _AltaFhirJson
{
  JsonNode  *root;
  GPtrArray *numbers; /* JsonNode, each listed in `literals` */
};

G_LOCK_DEFINE_STATIC (literals);
static GHashTable *literals; /* JsonNode → char *, the literal of each number */

static gboolean
scan_error (GError    **error,
            const char *data,
            const char *p,
            const char *what)
{
  g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "%s at byte %" G_GSIZE_FORMAT,
               what, (gsize)(p - data));
  return FALSE;
}

static gboolean
is_delimiter (const char *p,
              const char *end)
{
  return p == end || (*p != '\0' && strchr (" \t\n\r,]}", *p) != NULL);
}

/* The length of the number at @p as JSON writes one:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, or 0 when there is none
 */
static gsize
match_number (const char *p,
              const char *end)
{
  const char *start = p;

  if (p < end && *p == '-')
    p++;
  if (p == end || !g_ascii_isdigit (*p))
    return 0;
  if (*p == '0')
    p++;
  else
    while (p < end && g_ascii_isdigit (*p))
      p++;

  if (p < end && *p == '.')
    {
      p++;
      if (p == end || !g_ascii_isdigit (*p))
        return 0;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !g_ascii_isdigit (*p))
        return 0;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  return p - start;
}

static gboolean
match_word (const char *p,
            const char *end,
            const char *word)
{
  gsize length = strlen (word);

  return (gsize)(end - p) >= length && memcmp (p, word, length) == 0 &&
         is_delimiter (p + length, end);
}

static gboolean scan_tokens (const char *data,
                             gsize       length,
                             GPtrArray **out_numbers,
                             guint      *out_n_members,
                             GError    **error);

/**
 * alta_fhir_json_scan_numbers:
 * @data: JSON text, not necessarily nul-terminated
 * @length: its length in bytes
 * @out_numbers: (out) (optional) (element-type utf8): the text of each number, in order
 * @error: return location for a #GError
 *
 * Splits @data into JSON's tokens, without checking how they nest (json-glib does that),
 * and lists the text of each number literal.
 *
 * Returns: %FALSE with %ALTA_FHIR_ERROR_INVALID when @data holds something JSON has not:
 *   a comment, a string in single quotes, a number JSON does not write so (0x1F, .5, 01,
 *   1.), a bare word, a NUL byte or a string without its end
 */
gboolean
alta_fhir_json_scan_numbers (const char *data,
                             gsize       length,
                             GPtrArray **out_numbers,
                             GError    **error)
{
  return scan_tokens (data, length, out_numbers, NULL, error);
}

static gboolean
scan_tokens (const char *data,
             gsize       length,
             GPtrArray **out_numbers,
             guint      *out_n_members,
             GError    **error)
{
  g_autoptr (GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  const char *end = data + length;
  const char *p = data;
  guint       n_members = 0;

  /* A byte order mark, as some exports start with: json-glib skips it too */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *next;
      gsize       size;

      if (*p != '\0' && strchr (" \t\n\r{}[]:,", *p) != NULL)
        p++;
      else if (*p == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            {
              if (*p == '\0')
                return scan_error (error, data, p, "a NUL byte");
              if (*p != '\\')
                continue;
              /* Only JSON's escapes: json-glib also takes others (such as an octal "\7")
               * and turns them into text that would not read back the same */
              if (p + 1 == end || strchr ("\"\\/bfnrtu", p[1]) == NULL || p[1] == '\0')
                return scan_error (error, data, p, "an escape JSON does not allow");
              if (p[1] == 'u')
                {
                  if (end - p < 6 || !g_ascii_isxdigit (p[2]) || !g_ascii_isxdigit (p[3]) ||
                      !g_ascii_isxdigit (p[4]) || !g_ascii_isxdigit (p[5]))
                    return scan_error (error, data, p, "an escape JSON does not allow");
                  p += 4;
                }
              p++;
            }
          if (p == end)
            return scan_error (error, data, p, "a string without its end");
          p++;

          /* A string before a colon names a member */
          next = p;
          while (next < end && *next != '\0' && strchr (" \t\n\r", *next) != NULL)
            next++;
          if (next < end && *next == ':')
            n_members++;
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          size = match_number (p, end);
          if (size == 0 || !is_delimiter (p + size, end))
            return scan_error (error, data, p, "a number JSON does not allow");
          g_ptr_array_add (numbers, g_strndup (p, size));
          p += size;
        }
      else if (match_word (p, end, "true") || match_word (p, end, "null"))
        p += 4;
      else if (match_word (p, end, "false"))
        p += 5;
      else if (*p == 't' || *p == 'f' || *p == 'n')
        return scan_error (error, data, p, "a word that is not true, false or null");
      else
        return scan_error (error, data, p, *p == '\0' ? "a NUL byte" : "an unexpected character");
    }

  if (out_numbers != NULL)
    *out_numbers = g_steal_pointer (&numbers);
  if (out_n_members != NULL)
    *out_n_members = n_members;
  return TRUE;
}

static gboolean
holds_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static void
collect_number (GPtrArray *nodes,
                JsonNode  *node)
{
  if (node != NULL && holds_number (node))
    g_ptr_array_add (nodes, json_node_ref (node));
}

/* The number nodes of @node in document order, and how many members its objects have */
static void
collect_in_order (JsonNode  *node,
                  GPtrArray *nodes,
                  guint     *n_members)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *member;
  JsonArray     *array;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          (*n_members)++;
          collect_in_order (member, nodes, n_members);
        }
      break;

    case JSON_NODE_ARRAY:
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_in_order (json_array_get_element (array, i), nodes, n_members);
      break;

    case JSON_NODE_VALUE:
      collect_number (nodes, node);
      break;

    case JSON_NODE_NULL:
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_parser_object_member_cb (JsonParser *parser,
                            JsonObject *object,
                            const char *name,
                            gpointer    user_data)
{
  collect_number (user_data, json_object_get_member (object, name));
}

static void
on_parser_array_element_cb (JsonParser *parser,
                            JsonArray  *array,
                            int         index,
                            gpointer    user_data)
{
  collect_number (user_data, json_array_get_element (array, index));
}

/**
 * alta_fhir_json_parse:
 * @data: JSON text from a file, a request or the store (check its depth first)
 * @length: its length in bytes, or -1 when nul-terminated
 * @error: return location for a #GError
 *
 * Parses @data with json-glib, keeping the text of each number: while the result lives,
 * alta_fhir_json_to_text() writes every number of its tree as @data wrote it, also in
 * another tree the nodes were moved to.
 *
 * Returns: (transfer full) (nullable): the parsed text, or %NULL with
 *   %ALTA_FHIR_ERROR_INVALID or a #JsonParserError when @data is not JSON
 */
AltaFhirJson *
alta_fhir_json_parse (const char *data,
                      gssize      length,
                      GError    **error)
{
  gsize size = length >= 0 ? (gsize)length : strlen (data);
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  AltaFhirJson *self;
  JsonNode     *root;
  guint         n_members = 0, n_tree_members = 0;

  if (!scan_tokens (data, size, &texts, &n_members, error))
    return NULL;

  nodes = g_ptr_array_new_full (texts->len, (GDestroyNotify)json_node_unref);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                           "there is nothing in it");
      return NULL;
    }

  collect_in_order (root, nodes, &n_tree_members);
  if (n_tree_members != n_members)
    {
      /* A member named twice */
      g_ptr_array_set_size (nodes, 0);
      g_clear_object (&parser);
      parser = json_parser_new_immutable ();
      g_signal_connect (parser, "object-member", G_CALLBACK (on_parser_object_member_cb), nodes);
      g_signal_connect (parser, "array-element", G_CALLBACK (on_parser_array_element_cb), nodes);
      if (!json_parser_load_from_data (parser, data, size, error))
        return NULL;
      root = json_parser_get_root (parser);
    }

  /* Both read the same tokens; only a bug in either could part them. */
  if (nodes->len != texts->len)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "json-glib read %u numbers of %u", nodes->len, texts->len);
      return NULL;
    }

  self = g_new0 (AltaFhirJson, 1);
  self->root = json_node_ref (root);
  self->numbers = g_steal_pointer (&nodes);

  G_LOCK (literals);
  if (literals == NULL)
    literals = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  for (guint i = 0; i < self->numbers->len; i++)
    g_hash_table_insert (literals, g_ptr_array_index (self->numbers, i),
                         g_steal_pointer (&texts->pdata[i]));
  G_UNLOCK (literals);

  return self;
}

/**
 * alta_fhir_json_get_root:
 *
 * Returns: (transfer none): the parsed tree
 */
JsonNode *
alta_fhir_json_get_root (AltaFhirJson *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->root;
}

void
alta_fhir_json_free (AltaFhirJson *self)
{
  if (self == NULL)
    return;

  G_LOCK (literals);
  for (guint i = 0; i < self->numbers->len; i++)
    g_hash_table_remove (literals, g_ptr_array_index (self->numbers, i));
  G_UNLOCK (literals);

  g_ptr_array_unref (self->numbers);
  json_node_unref (self->root);
  g_free (self);
}

/* Writing: as json-glib's generator writes, but numbers as written */

static void
append_string (GString    *out,
               const char *text)
{
  const char *run = text;

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;

      /* What needs no escape is copied a run at a time */
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          /* json-glib 1.6 leaves 0x1f bare, which JSON does not allow */
          g_string_append_printf (out, "\\u%04x", c);
          break;
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

/* The fewest significant digits that read back as @value, written as Python's repr()
 * writes a float: positional from 1e-4 to 1e16, with an exponent outside
 */
static void
append_double (GString *out,
               double   value)
{
  char        buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char        format[16];
  const char *e;
  int         digits, exponent;

  if (!isfinite (value))
    {
      g_critical ("%s: %g is not a JSON number", G_STRFUNC, value);
      g_string_append (out, "null");
      return;
    }

  for (digits = 1; digits < 17; digits++)
    {
      g_snprintf (format, sizeof format, "%%.%de", digits - 1);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_snprintf (format, sizeof format, "%%.%de", digits - 1);
  g_ascii_formatd (buffer, sizeof buffer, format, value);

  e = strchr (buffer, 'e');
  exponent = e != NULL ? atoi (e + 1) : 0;
  if (exponent >= -4 && exponent < 16)
    {
      g_snprintf (format, sizeof format, "%%.%df", MAX (digits - 1 - exponent, 0));
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      g_string_append (out, buffer);
      if (strchr (buffer, '.') == NULL)
        g_string_append (out, ".0");
      return;
    }

  g_snprintf (format, sizeof format, "%%.%dg", digits);
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  g_string_append (out, buffer);
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  GType       type = json_node_get_value_type (node);
  const char *literal;

  if (type == G_TYPE_STRING)
    append_string (out, json_node_get_string (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (literals != NULL && (literal = g_hash_table_lookup (literals, node)) != NULL)
    g_string_append (out, literal);
  else if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    append_double (out, json_node_get_double (node));
  else
    g_assert_not_reached ();
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *member;
  JsonArray     *array;
  gboolean       first = TRUE;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          append_string (out, name);
          g_string_append_c (out, ':');
          append_node (out, member);
        }
      g_string_append_c (out, '}');
      break;

    case JSON_NODE_ARRAY:
      array = json_node_get_array (node);
      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_node (out, json_array_get_element (array, i));
        }
      g_string_append_c (out, ']');
      break;

    case JSON_NODE_VALUE:
      append_value (out, node);
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * alta_fhir_json_to_text:
 * @node: a tree, from alta_fhir_json_parse(), built in code, or both
 *
 * Writes @node as compact JSON, as json-glib's generator would, except for numbers: each
 * one alta_fhir_json_parse() read is written as it was written there, while that parse
 * lives; one made in code, in the shortest form that reads back the same.
 *
 * Returns: (transfer full): the JSON text
 */
char *
alta_fhir_json_to_text (JsonNode *node)
{
  GString *out = g_string_sized_new (1024);

  g_return_val_if_fail (node != NULL, NULL);

  G_LOCK (literals);
  append_node (out, node);
  G_UNLOCK (literals);

  return g_string_free (out, FALSE);
}

/**
 * alta_fhir_resource_to_content_text:
 * @resource: a FHIR resource
 * @out_meta_at: (out): where alta_fhir_resource_add_version() adds the server's meta: the
 *   offset of the `}` closing @resource's `meta` object, or when there is none, of the
 *   `}` closing @resource
 * @out_in_meta: (out): whether @out_meta_at is inside `meta`
 *
 * Writes @resource as alta_fhir_resource_to_text() does, marking where its `meta` ends, so
 * that the text of the same resource with `meta.versionId` and `meta.lastUpdated` added
 * (at the end of `meta`, or in a `meta` added at the end, as json-glib adds a member) is
 * made without writing it all again.
 *
 * Returns: (transfer full): the JSON text
 */
char *
alta_fhir_resource_to_content_text (JsonObject *resource,
                                    gsize      *out_meta_at,
                                    gboolean   *out_in_meta)
{
  GString       *out = g_string_sized_new (1024);
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *member;
  gboolean       first = TRUE;

  g_return_val_if_fail (resource != NULL, NULL);

  *out_meta_at = 0;
  *out_in_meta = FALSE;
  G_LOCK (literals);
  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, resource);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_string (out, name);
      g_string_append_c (out, ':');
      append_node (out, member);
      if (strcmp (name, "meta") == 0 && JSON_NODE_HOLDS_OBJECT (member))
        {
          *out_meta_at = out->len - 1;
          *out_in_meta = TRUE;
        }
    }
  if (!*out_in_meta)
    *out_meta_at = out->len;
  g_string_append_c (out, '}');
  G_UNLOCK (literals);

  return g_string_free (out, FALSE);
}

/**
 * alta_fhir_resource_add_version:
 * @content: from alta_fhir_resource_to_content_text()
 * @meta_at: its @out_meta_at
 * @in_meta: its @out_in_meta
 * @version_id: `meta.versionId`
 * @last_updated: `meta.lastUpdated`
 *
 * Returns: (transfer full): the text alta_fhir_resource_to_text() writes for the resource
 *   once json_object_set_string_member() has set `versionId` and then `lastUpdated` in
 *   its `meta` (made at the end when it had none), neither of which it had before
 */
char *
alta_fhir_resource_add_version (const char *content,
                                gsize       meta_at,
                                gboolean    in_meta,
                                const char *version_id,
                                const char *last_updated)
{
  gsize    length = strlen (content);
  GString *out;

  g_return_val_if_fail (meta_at > 0 && meta_at < length && content[meta_at] == '}', NULL);

  out = g_string_sized_new (length + 80);
  g_string_append_len (out, content, meta_at);
  if (!in_meta)
    g_string_append (out, ",\"meta\":{");
  else if (content[meta_at - 1] != '{')
    g_string_append_c (out, ',');
  g_string_append (out, "\"versionId\":");
  append_string (out, version_id);
  g_string_append (out, ",\"lastUpdated\":");
  append_string (out, last_updated);
  if (!in_meta)
    g_string_append_c (out, '}');
  g_string_append_len (out, content + meta_at, length - meta_at);

  return g_string_free (out, FALSE);
}

/**
 * alta_fhir_resource_to_text:
 * @resource: a FHIR resource
 *
 * The text the store keeps and serves for @resource: see alta_fhir_json_to_text().
 *
 * Returns: (transfer full): the JSON text
 */
char *
alta_fhir_resource_to_text (JsonObject *resource)
{
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (resource != NULL, NULL);

  root = json_node_init_object (json_node_alloc (), resource);
  return alta_fhir_json_to_text (root);
}
