/* alta-json.c: reading JSON that may be anything
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-json"

#include "config.h"

#include "alta-json.h"

/* json-glib's typed getters warn (a critical, fatal in tests) when a member has another
 * type than asked. What comes from the network may have any type: these return NULL or
 * FALSE instead.
 */

/**
 * alta_json_check_depth:
 * @data: JSON text
 * @length: its length in bytes
 * @max_depth: the deepest nesting allowed
 *
 * json-glib's parser recurses once per nesting level, so a megabyte of "[[[[" would run it
 * off the stack. This counts the depth first, outside strings.
 *
 * Returns: %FALSE when @data nests deeper than @max_depth
 */
gboolean
alta_json_check_depth (const char *data,
                       gsize       length,
                       int         max_depth)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if (c == '}' || c == ']')
        depth--;
    }

  return TRUE;
}

/**
 * alta_json_get_string:
 *
 * Returns: (nullable): the member's text when it is a string
 */
const char *
alta_json_get_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * alta_json_get_object:
 *
 * Returns: (nullable) (transfer none): the member when it is an object
 */
JsonObject *
alta_json_get_object (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * alta_json_get_array:
 *
 * Returns: (nullable) (transfer none): the member when it is an array
 */
JsonArray *
alta_json_get_array (JsonObject *object,
                     const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * alta_json_array_get_object:
 *
 * Returns: (nullable) (transfer none): the element when it is an object
 */
JsonObject *
alta_json_array_get_object (JsonArray *array,
                            guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;

  node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * alta_json_get_number:
 *
 * Returns: %TRUE when the member is a number (integer or not)
 */
gboolean
alta_json_get_number (JsonObject *object,
                      const char *member,
                      double     *out_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out_value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out_value = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

/**
 * alta_json_get_int:
 *
 * Returns: %TRUE when the member is an integer
 */
gboolean
alta_json_get_int (JsonObject *object,
                   const char *member,
                   gint64     *out_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out_value = json_node_get_int (node);
  return TRUE;
}
