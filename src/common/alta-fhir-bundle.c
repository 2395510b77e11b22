/* alta-fhir-bundle.c: FHIR Bundles into the record's list models
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-bundle"

#include "config.h"

#include <string.h>

#include "alta-fhir-bundle.h"
#include "alta-json.h"
#include "alta-portal-error.h"

/* Resources nest a dozen levels, a Bundle three more */
#define MAX_DEPTH 64

void
alta_record_page_free (AltaRecordPage *page)
{
  if (page == NULL)
    return;

  g_clear_object (&page->items);
  g_free (page->next_url);
  g_free (page);
}

static JsonNode *
parse_json (const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) parse_error = NULL;
  JsonNode *root;

  if (length == 0 || !alta_json_check_depth (data, length, MAX_DEPTH) ||
      !json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                   "The server's answer is not JSON we can read%s%s",
                   parse_error != NULL ? ": " : "",
                   parse_error != NULL ? parse_error->message : "");
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The server's answer is not a FHIR resource");
      return NULL;
    }

  return json_node_ref (root);
}

/**
 * alta_fhir_bundle_parse:
 * @body: a FHIR Bundle (a searchset, or any other kind)
 * @type: the #AltaRecordItem subclass wanted
 * @error: return location for a #GError
 *
 * Reads the entries whose resource is of @type's resource type, skipping the others; an
 * entry that is incomplete or odd still gives an item, showing what it can.
 *
 * Returns: (transfer full): the page, or %NULL with %ALTA_PORTAL_ERROR_INVALID_RESPONSE
 *   when @body is not a Bundle
 */
AltaRecordPage *
alta_fhir_bundle_parse (GBytes  *body,
                        GType    type,
                        GError **error)
{
  g_autoptr (AltaRecordPage) page = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *bundle;
  JsonArray *entries;
  JsonArray *links;
  gsize length;
  const char *data;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM), NULL);

  data = g_bytes_get_data (body, &length);
  root = parse_json (data, length, error);
  if (root == NULL)
    return NULL;

  bundle = json_node_get_object (root);
  if (g_strcmp0 (alta_json_get_string (bundle, "resourceType"), "Bundle") != 0)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The server's answer is not a FHIR Bundle");
      return NULL;
    }

  page = g_new0 (AltaRecordPage, 1);
  page->items = g_list_store_new (type);
  if (!alta_json_get_int (bundle, "total", &page->total) || page->total < 0)
    page->total = -1;

  links = alta_json_get_array (bundle, "link");
  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonObject *link = alta_json_array_get_object (links, i);

      if (g_strcmp0 (alta_json_get_string (link, "relation"), "next") == 0 &&
          alta_json_get_string (link, "url") != NULL && page->next_url == NULL)
        page->next_url = g_strdup (alta_json_get_string (link, "url"));
    }

  entries = alta_json_get_array (bundle, "entry");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = alta_json_get_object (alta_json_array_get_object (entries, i),
                                                   "resource");
      g_autoptr (AltaRecordItem) item = NULL;

      if (resource != NULL)
        item = alta_record_item_new_from_json (type, resource);

      if (item != NULL)
        g_list_store_append (page->items, item);
      else
        page->n_skipped++;
    }

  return g_steal_pointer (&page);
}

/**
 * alta_fhir_resource_parse:
 * @data: one FHIR resource as JSON (a read's answer, a line of bulk-data NDJSON)
 * @length: its length in bytes, or -1 when nul-terminated
 * @type: the #AltaRecordItem subclass wanted
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the item, or %NULL with
 *   %ALTA_PORTAL_ERROR_INVALID_RESPONSE when @data is not a resource of that type
 */
AltaRecordItem *
alta_fhir_resource_parse (const char  *data,
                          gssize       length,
                          GType        type,
                          GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  AltaRecordItem *item;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM), NULL);

  root = parse_json (data, length >= 0 ? (gsize)length : strlen (data), error);
  if (root == NULL)
    return NULL;

  item = alta_record_item_new_from_json (type, json_node_get_object (root));
  if (item == NULL)
    g_set_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                 "The resource is not a %s", g_type_name (type));

  return item;
}
