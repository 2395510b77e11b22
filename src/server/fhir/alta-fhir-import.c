/* alta-fhir-import.c: FHIR R4 Bundles and NDJSON into the portal's database
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-import"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alta-fhir-import.h"
#include "alta-fhir-json.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-store.h"
#include "alta-store-private.h"
#include "alta-json.h"

/* FHIR resources nest a dozen levels; a Bundle adds three */
#define MAX_DEPTH 64

/* A file is one transaction: it is imported whole or not at all. Within a Bundle, every
 * `urn:uuid:` (or other fullUrl) reference becomes the server's "Type/id"; a conditional
 * reference ("Organization?identifier=system|value") becomes the one resource with that
 * identifier. Resources keep their own id when it is a valid FHIR id, so importing a file
 * again finds the same resources: unchanged ones are left alone, changed ones get a new
 * version.
 */

typedef struct
{
  AltaStore           *store;
  const char          *name;
  AltaFhirImportMode   mode;
  gint64               now;
  AltaFhirImportStats *stats;
  GHashTable          *map;          /* reference as written → "Type/id" */
  GHashTable          *identifiers;  /* "Type|system|value" (system "*": any) → every
                                      * "Type/id" of the file's own entries with it */
  GPtrArray           *held_reports; /* ids of the file's reports that wait for release */
} Import;

AltaFhirImportStats *
alta_fhir_import_stats_new (void)
{
  AltaFhirImportStats *stats = g_new0 (AltaFhirImportStats, 1);

  stats->skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats->patient_ids = g_ptr_array_new_with_free_func (g_free);
  return stats;
}

void
alta_fhir_import_stats_free (AltaFhirImportStats *stats)
{
  if (stats == NULL)
    return;

  g_hash_table_unref (stats->skipped);
  g_ptr_array_unref (stats->patient_ids);
  g_free (stats->unresolved);
  g_free (stats);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **)a, *(const char **)b);
}

/**
 * alta_fhir_import_stats_describe:
 *
 * Returns: "12 created, 0 updated, 3 unchanged; skipped: Claim 4, Encounter 11"
 */
char *
alta_fhir_import_stats_describe (AltaFhirImportStats *stats)
{
  GString *text = g_string_new (NULL);
  g_autoptr (GPtrArray) types = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, stats->skipped);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (types, key);

  g_string_append_printf (text, "%u created, %u updated, %u unchanged", stats->created,
                          stats->updated, stats->unchanged);
  if (stats->logical_refs > 0)
    g_string_append_printf (text, ", %u references kept by identifier (no match)",
                            stats->logical_refs);

  g_ptr_array_sort (types, compare_strings);
  for (guint i = 0; i < types->len; i++)
    {
      const char *type = g_ptr_array_index (types, i);

      g_string_append_printf (text, "%s%s %u", i == 0 ? "; skipped (not kept here): " : ", ",
                              type, GPOINTER_TO_UINT (g_hash_table_lookup (stats->skipped, type)));
    }

  return g_string_free (text, FALSE);
}

static void
count_skipped (Import     *import,
               const char *type)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (import->stats->skipped, type));

  g_hash_table_replace (import->stats->skipped, g_strdup (type), GUINT_TO_POINTER (count + 1));
}

/* "Organization?identifier=system|value" → the id of the one Organization with it */
/* "Organization?identifier=system|value" → its parts (system %NULL when not given) */
static gboolean
split_conditional (const char  *reference,
                   char       **out_type,
                   char       **out_system,
                   char       **out_value,
                   GError     **error)
{
  const char *question = strchr (reference, '?');
  g_autofree char *type = g_strndup (reference, question - reference);
  g_autofree char *query = NULL;
  const char *bar;

  if (!g_str_has_prefix (question + 1, "identifier=") || !alta_fhir_type_is_r4 (type))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "the conditional reference “%.200s” is not of the form "
                   "Type?identifier=system|value", reference);
      return FALSE;
    }

  query = g_uri_unescape_string (question + 1 + strlen ("identifier="), NULL);
  if (query == NULL || *query == '\0')
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "the conditional reference “%.200s” has no identifier", reference);
      return FALSE;
    }

  bar = strchr (query, '|');
  *out_system = bar != NULL && bar != query ? g_strndup (query, bar - query) : NULL;
  *out_value = g_strdup (bar != NULL ? bar + 1 : query);
  *out_type = g_steal_pointer (&type);
  return TRUE;
}

#define MAX_LISTED_MATCHES 5

static void
add_match (GPtrArray  *matches,
           const char *target)
{
  if (!g_ptr_array_find_with_equal_func (matches, target, g_str_equal, NULL))
    g_ptr_array_add (matches, g_strdup (target));
}

/* Whether an entry of this file is @target ("Type/id") again */
static gboolean
entry_replaces (Import     *import,
                const char *target)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, import->map);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (value, target) == 0)
      return TRUE;

  return FALSE;
}

/* "Organization?identifier=system|value" → the id of the one Organization with it */
static gboolean
resolve_conditional (Import      *import,
                     JsonObject  *reference_object,
                     const char  *reference,
                     GError     **error)
{
  g_autofree char *type = NULL;
  g_autofree char *system = NULL;
  g_autofree char *value = NULL;
  g_autoptr (GPtrArray) matches = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GError) store_error = NULL;

  if (!split_conditional (reference, &type, &system, &value, error))
    return FALSE;

  /* The entries of the same file, and what is stored: binding a reference that matches
   * several to one of them could put a result in the wrong patient's record, so that
   * fails the file, naming the matches, for the sender to make the identifier unique. */
  matches = g_ptr_array_new_with_free_func (g_free);
  if (import->identifiers != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s|%s|%s", type, system != NULL ? system : "*",
                                              value);
      GPtrArray *targets = g_hash_table_lookup (import->identifiers, key);

      for (guint i = 0; targets != NULL && i < targets->len; i++)
        add_match (matches, g_ptr_array_index (targets, i));
    }

  stored = alta_fhir_store_find_identifiers (import->store, type, system, value,
                                             MAX_LISTED_MATCHES + 1, &store_error);
  if (stored == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }
  for (guint i = 0; i < stored->len; i++)
    {
      g_autofree char *target = g_strconcat (type, "/", (char *)g_ptr_array_index (stored, i),
                                             NULL);

      /* The stored version of an entry this file brings again is the same resource. */
      if (matches->len == 0 || !entry_replaces (import, target))
        add_match (matches, target);
    }

  if (matches->len > 1)
    {
      g_autoptr (GString) listed = g_string_new (NULL);

      for (guint i = 0; i < matches->len && i < MAX_LISTED_MATCHES; i++)
        g_string_append_printf (listed, "%s%s", i > 0 ? ", " : "",
                                (char *)g_ptr_array_index (matches, i));
      if (matches->len > MAX_LISTED_MATCHES)
        g_string_append (listed, ", …");

      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "the conditional reference “%.200s” matches %s%u resources (%s), not one",
                   reference, matches->len > MAX_LISTED_MATCHES ? "more than " : "",
                   MIN (matches->len, MAX_LISTED_MATCHES), listed->str);
      return FALSE;
    }

  if (matches->len == 1)
    {
      json_object_set_string_member (reference_object, "reference",
                                     g_ptr_array_index (matches, 0));
      return TRUE;
    }

  if (import->mode == ALTA_FHIR_IMPORT_STRICT)
    {
      g_free (import->stats->unresolved);
      import->stats->unresolved = g_strdup (reference);
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_UNRESOLVED,
                   "no %s has the identifier of “%.200s”", type, reference);
      return FALSE;
    }

  /* Nothing matches, in this file or any other: keep what the reference knows. */
  {
    JsonObject *identifier = json_object_new ();

    if (system != NULL)
      json_object_set_string_member (identifier, "system", system);
    json_object_set_string_member (identifier, "value", value);
    json_object_remove_member (reference_object, "reference");
    json_object_set_string_member (reference_object, "type", type);
    json_object_set_object_member (reference_object, "identifier", identifier);
    import->stats->logical_refs++;
  }
  return TRUE;
}

/* Rewrites the references of a resource; fails on one that names nothing */
static gboolean
rewrite_references (Import      *import,
                    JsonNode    *node,
                    int          depth,
                    GError     **error)
{
  if (depth > 64)
    {
      g_set_error_literal (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                           "it is nested too deeply");
      return FALSE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!rewrite_references (import, json_array_get_element (array, i), depth + 1, error))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      const char *reference = alta_json_get_string (object, "reference");
      g_autoptr (GList) members = NULL;

      if (reference != NULL)
        {
          const char *target = g_hash_table_lookup (import->map, reference);

          if (target != NULL)
            json_object_set_string_member (object, "reference", target);
          else if (g_str_has_prefix (reference, "urn:uuid:") ||
                   g_str_has_prefix (reference, "urn:oid:"))
            {
              g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                           "the reference “%.200s” names no entry of the file", reference);
              return FALSE;
            }
          else if (strchr (reference, '?') != NULL)
            {
              if (!resolve_conditional (import, object, reference, error))
                return FALSE;
            }
        }

      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (strcmp (l->data, "contained") == 0 || strcmp (l->data, "reference") == 0)
            continue;
          if (!rewrite_references (import, json_object_get_member (object, l->data), depth + 1,
                                   error))
            return FALSE;
        }
    }

  return TRUE;
}

static char *
join_given (JsonObject *name)
{
  JsonArray *given = json_object_has_member (name, "given") &&
                     JSON_NODE_HOLDS_ARRAY (json_object_get_member (name, "given"))
                       ? json_object_get_array_member (name, "given") : NULL;
  GString *text = g_string_new (NULL);

  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    {
      JsonNode *part = json_array_get_element (given, i);

      if (!JSON_NODE_HOLDS_VALUE (part) || json_node_get_value_type (part) != G_TYPE_STRING)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, json_node_get_string (part));
    }

  return g_string_free (text, FALSE);
}

static JsonObject *
first_object (JsonObject *resource,
              const char *member,
              const char *key,
              const char *wanted)
{
  JsonNode *node = json_object_get_member (resource, member);
  JsonArray *array;
  JsonObject *first = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      if (first == NULL && key == NULL)
        first = json_node_get_object (element);
      if (key != NULL && g_strcmp0 (alta_json_get_string (json_node_get_object (element), key), wanted) == 0)
        return json_node_get_object (element);
    }

  return first;
}

static const char *
patient_language (JsonObject *resource)
{
  JsonNode *node = json_object_get_member (resource, "communication");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return "en";

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *language;
      JsonObject *coding;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !json_object_has_member (json_node_get_object (element), "language") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (element),
                                                           "language")))
        continue;
      language = json_object_get_object_member (json_node_get_object (element), "language");
      coding = first_object (language, "coding", NULL, NULL);
      if (coding != NULL && g_str_has_prefix (alta_json_get_string (coding, "code") ?: "", "es"))
        return "es";
    }

  return "en";
}

/* Patient.gender, when it is one of FHIR's four codes */
static const char *
patient_gender (JsonObject *resource)
{
  const char *gender = alta_json_get_string (resource, "gender");
  static const char *codes[] = { "male", "female", "other", "unknown" };

  for (guint i = 0; gender != NULL && i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (gender, codes[i]))
      return codes[i];

  return NULL;
}

/* A Patient is also a row of the account side (for enrollment, staff search, and the
 * wording of a proxy's list: "your son"). */
static gboolean
put_patient_row (Import      *import,
                 JsonObject  *resource,
                 const char  *id,
                 GError     **error)
{
  JsonObject *name = first_object (resource, "name", "use", "official");
  JsonObject *address = first_object (resource, "address", NULL, NULL);
  JsonObject *email = first_object (resource, "telecom", "system", "email");
  JsonObject *phone = first_object (resource, "telecom", "system", "phone");
  const char *birth_date = alta_json_get_string (resource, "birthDate");
  g_autofree char *given = NULL;
  g_autofree char *address_json = NULL;
  AltaPatient patient = { 0 };

  if (name == NULL)
    name = first_object (resource, "name", NULL, NULL);

  /* Without a full birth date and a name, no one can enroll: the record is kept all the same. */
  if (name == NULL || birth_date == NULL || strlen (birth_date) != 10 ||
      alta_json_get_string (name, "family") == NULL)
    return TRUE;

  given = join_given (name);
  if (address != NULL)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) root = NULL;
      JsonNode *lines = json_object_get_member (address, "line");

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      json_builder_begin_array (builder);
      for (guint i = 0; lines != NULL && JSON_NODE_HOLDS_ARRAY (lines) &&
                        i < json_array_get_length (json_node_get_array (lines)); i++)
        {
          JsonNode *line = json_array_get_element (json_node_get_array (lines), i);

          if (JSON_NODE_HOLDS_VALUE (line) && json_node_get_value_type (line) == G_TYPE_STRING)
            json_builder_add_string_value (builder, json_node_get_string (line));
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "city");
      json_builder_add_string_value (builder, alta_json_get_string (address, "city"));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, alta_json_get_string (address, "state"));
      json_builder_set_member_name (builder, "postal_code");
      json_builder_add_string_value (builder, alta_json_get_string (address, "postalCode"));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      address_json = json_to_string (root, FALSE);
    }

  patient.id = (char *)id;
  patient.given_name = given[0] != '\0' ? given : (char *)"-";
  patient.family_name = (char *)alta_json_get_string (name, "family");
  patient.birth_date = (char *)birth_date;
  patient.email = email != NULL ? (char *)alta_json_get_string (email, "value") : NULL;
  patient.phone = phone != NULL ? (char *)alta_json_get_string (phone, "value") : NULL;
  patient.language = (char *)patient_language (resource);
  patient.address_json = address_json;
  patient.gender = (char *)patient_gender (resource);

  return alta_store_put_patient (import->store, &patient, error);
}

static gboolean
is_held_status (const char *status)
{
  return g_strcmp0 (status, "registered") == 0 || g_strcmp0 (status, "partial") == 0 ||
         g_strcmp0 (status, "preliminary") == 0;
}

/* Stores one resource whose references are already rewritten */
static gboolean
put_resource (Import      *import,
              JsonObject  *resource,
              const char  *id,
              const char  *source,
              GError     **error)
{
  g_autoptr (AltaFhirIndex) index = NULL;
  g_autofree char *patient_id = NULL;
  AltaFhirPutResult result;
  gint64 released_at = 0;

  index = alta_fhir_index_resource (resource, error);
  if (index == NULL)
    return FALSE;

  if (strcmp (index->info->type, "Patient") == 0)
    patient_id = g_strdup (id);
  else if (index->patient_ref != NULL)
    {
      g_autofree char *type = NULL;

      if (!alta_fhir_split_reference (index->patient_ref, &type, &patient_id) ||
          strcmp (type, "Patient") != 0)
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "its patient reference “%.200s” is not Patient/<id>", index->patient_ref);
          return FALSE;
        }
    }

  /* Past results arrive reviewed; ones still preliminary wait for a clinician. */
  if (index->info->is_result && !is_held_status (index->status))
    released_at = import->now;
  else if (strcmp (index->info->type, "DiagnosticReport") == 0)
    {
      if (import->held_reports == NULL)
        import->held_reports = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (import->held_reports, g_strdup (id));
    }

  if (!alta_fhir_store_put (import->store, resource, index, id, patient_id, source, released_at,
                            TRUE, import->now, &result, error))
    return FALSE;

  switch (result)
    {
    case ALTA_FHIR_PUT_CREATED:
      import->stats->created++;
      break;
    case ALTA_FHIR_PUT_UPDATED:
      import->stats->updated++;
      break;
    case ALTA_FHIR_PUT_UNCHANGED:
      import->stats->unchanged++;
      break;
    default:
      g_assert_not_reached ();
    }

  if (strcmp (index->info->type, "Patient") == 0)
    {
      g_ptr_array_add (import->stats->patient_ids, g_strdup (id));
      return put_patient_row (import, resource, id, error);
    }

  return TRUE;
}

static void
prefix_error (GError     **error,
              const char  *name,
              const char  *where,
              guint        number,
              const char  *type)
{
  if (type != NULL)
    g_prefix_error (error, "%s: %s %u (%s): ", name, where, number, type);
  else
    g_prefix_error (error, "%s: %s %u: ", name, where, number);
}

/* The id a resource gets here: its own when valid, else the UUID of its urn:uuid fullUrl,
 * else the id an earlier import gave it, else a new one.
 */
static char *
choose_id (Import      *import,
           JsonObject  *resource,
           const char  *full_url,
           GError     **error)
{
  const char *id = alta_json_get_string (resource, "id");
  g_autoptr (GError) store_error = NULL;
  g_autofree char *found = NULL;

  if (id != NULL && alta_fhir_id_is_valid (id))
    return g_strdup (id);

  if (full_url != NULL && g_str_has_prefix (full_url, "urn:uuid:") &&
      alta_fhir_id_is_valid (full_url + strlen ("urn:uuid:")))
    return g_strdup (full_url + strlen ("urn:uuid:"));

  if (full_url != NULL)
    {
      found = alta_fhir_store_find_source (import->store, full_url, &store_error);
      if (store_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&store_error));
          return NULL;
        }
      if (found != NULL)
        return g_strdup (strchr (found, '/') + 1);
    }

  return g_uuid_string_random ();
}

/* Every entry with an identifier is kept: two entries with one identifier make a
 * conditional reference to it ambiguous. */
static void
add_identifier (Import     *import,
                char       *key,
                const char *type,
                const char *id)
{
  GPtrArray *targets = g_hash_table_lookup (import->identifiers, key);
  g_autofree char *target = g_strconcat (type, "/", id, NULL);

  if (targets == NULL)
    {
      targets = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (import->identifiers, key, targets);
    }
  else
    g_free (key);

  add_match (targets, target);
}

/* The identifiers of a file's entry, for conditional references within the file */
static void
add_identifiers (Import      *import,
                 JsonObject  *resource,
                 const char  *type,
                 const char  *id)
{
  JsonNode *node = json_object_get_member (resource, "identifier");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  if (import->identifiers == NULL)
    import->identifiers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify)g_ptr_array_unref);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array) && i < 64; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *system;
      const char *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      system = alta_json_get_string (json_node_get_object (element), "system");
      value = alta_json_get_string (json_node_get_object (element), "value");
      if (value == NULL)
        continue;

      if (system != NULL)
        add_identifier (import, g_strdup_printf ("%s|%s|%s", type, system, value), type, id);
      add_identifier (import, g_strdup_printf ("%s|*|%s", type, value), type, id);
    }
}

static gboolean
import_bundle (Import      *import,
               JsonObject  *bundle,
               GError     **error)
{
  JsonNode *entries_node = json_object_get_member (bundle, "entry");
  const char *bundle_type = alta_json_get_string (bundle, "type");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *entries;
  guint n_entries;

  if (bundle_type == NULL ||
      (strcmp (bundle_type, "transaction") != 0 && strcmp (bundle_type, "batch") != 0 &&
       strcmp (bundle_type, "collection") != 0 && strcmp (bundle_type, "searchset") != 0))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "%s: a Bundle of type “%.40s” is not imported (transaction, batch, "
                   "collection or searchset)", import->name, bundle_type ? bundle_type : "");
      return FALSE;
    }

  if (entries_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (entries_node))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "%s: Bundle.entry is not an array", import->name);
      return FALSE;
    }

  entries = json_node_get_array (entries_node);
  n_entries = json_array_get_length (entries);

  /* First the id of every entry, so that references can point forward. */
  for (guint i = 0; i < n_entries; i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      JsonObject *resource;
      const char *type;
      const char *full_url;
      char *id;

      if (!JSON_NODE_HOLDS_OBJECT (entry) ||
          json_object_get_member (json_node_get_object (entry), "resource") == NULL ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (entry), "resource")))
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s: entry %u: it holds no resource", import->name, i);
          return FALSE;
        }

      resource = json_object_get_object_member (json_node_get_object (entry), "resource");
      full_url = alta_json_get_string (json_node_get_object (entry), "fullUrl");
      type = alta_json_get_string (resource, "resourceType");
      if (type == NULL || !alta_fhir_type_is_r4 (type) || strcmp (type, "Bundle") == 0)
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s: entry %u: “%.64s” is not a FHIR R4 resourceType", import->name, i,
                       type != NULL ? type : "(none)");
          return FALSE;
        }

      id = choose_id (import, resource, full_url, error);
      if (id == NULL)
        {
          prefix_error (error, import->name, "entry", i, type);
          return FALSE;
        }
      g_ptr_array_add (ids, id);

      if (full_url != NULL)
        g_hash_table_replace (import->map, g_strdup (full_url), g_strconcat (type, "/", id, NULL));
      add_identifiers (import, resource, type, id);
    }

  /* Then every reference, before anything is written: a file that must wait for another
   * one fails here, cheaply. */
  for (guint i = 0; i < n_entries; i++)
    {
      JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                            "resource");
      const char *type = alta_json_get_string (resource, "resourceType");
      g_autoptr (JsonNode) root = NULL;

      if (alta_fhir_type_lookup (type) == NULL)
        continue;

      root = json_node_init_object (json_node_alloc (), resource);
      if (!rewrite_references (import, root, 0, error))
        {
          prefix_error (error, import->name, "entry", i, type);
          return FALSE;
        }
    }

  for (guint i = 0; i < n_entries; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *resource = json_object_get_object_member (entry, "resource");
      const char *type = alta_json_get_string (resource, "resourceType");
      const char *full_url = alta_json_get_string (entry, "fullUrl");
      const char *own_id = alta_json_get_string (resource, "id");
      g_autofree char *type_copy = g_strdup (type);
      g_autofree char *source = NULL;

      if (alta_fhir_type_lookup (type) == NULL)
        {
          count_skipped (import, type);
          continue;
        }

      source = own_id != NULL && alta_fhir_id_is_valid (own_id) ? NULL : g_strdup (full_url);
      if (!put_resource (import, resource, g_ptr_array_index (ids, i), source, error))
        {
          prefix_error (error, import->name, "entry", i, type_copy);
          return FALSE;
        }
    }

  return TRUE;
}

/* One resource on its own (an NDJSON line, or a file holding one resource) */
static gboolean
import_resource (Import      *import,
                 JsonObject  *resource,
                 const char  *where,
                 guint        number,
                 GError     **error)
{
  const char *type = alta_json_get_string (resource, "resourceType");
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *id = NULL;
  g_autofree char *type_copy = g_strdup (type);

  if (type == NULL || !alta_fhir_type_is_r4 (type))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "%s: %s %u: “%.64s” is not a FHIR R4 resourceType", import->name, where,
                   number, type != NULL ? type : "(none)");
      return FALSE;
    }

  if (alta_fhir_type_lookup (type) == NULL)
    {
      count_skipped (import, type);
      return TRUE;
    }

  id = choose_id (import, resource, NULL, error);
  root = json_node_init_object (json_node_alloc (), resource);
  if (id == NULL || !rewrite_references (import, root, 0, error) ||
      !put_resource (import, resource, id, NULL, error))
    {
      prefix_error (error, import->name, where, number, type_copy);
      return FALSE;
    }

  return TRUE;
}

static gboolean
import_json_text (Import      *import,
                  const char  *data,
                  gssize       length,
                  GError     **error)
{
  g_autoptr (AltaFhirJson) json = NULL;
  g_autoptr (GError) parse_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type;

  if (!alta_json_check_depth (data, length >= 0 ? (gsize)length : strlen (data),
                                      MAX_DEPTH))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "%s: it nests deeper than %d levels", import->name, MAX_DEPTH);
      return FALSE;
    }

  json = alta_fhir_json_parse (data, length, &parse_error);
  if (json == NULL)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "%s: not valid JSON (is it cut short?): %s", import->name,
                   parse_error->message);
      return FALSE;
    }

  root = alta_fhir_json_get_root (json);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "%s: not a FHIR resource (a JSON object)", import->name);
      return FALSE;
    }

  object = json_node_get_object (root);
  type = alta_json_get_string (object, "resourceType");
  if (g_strcmp0 (type, "Bundle") == 0)
    return import_bundle (import, object, error);

  return import_resource (import, object, "resource", 0, error);
}

static gboolean
import_ndjson (Import        *import,
               GInputStream  *input,
               GError       **error)
{
  g_autoptr (GDataInputStream) lines = g_data_input_stream_new (input);
  guint number = 0;

  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (lines), 1 << 20);

  for (;;)
    {
      g_autoptr (GError) read_error = NULL;
      g_autoptr (GError) parse_error = NULL;
      g_autoptr (AltaFhirJson) json = NULL;
      g_autofree char *line = NULL;
      gsize length;
      JsonNode *root;

      line = g_data_input_stream_read_line (lines, &length, NULL, &read_error);
      number++;
      if (line == NULL)
        {
          if (read_error != NULL)
            {
              g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "%s: line %u: %s",
                           import->name, number, read_error->message);
              return FALSE;
            }
          return TRUE;
        }

      g_strstrip (line);
      if (line[0] == '\0')
        continue;

      if (!alta_json_check_depth (line, strlen (line), MAX_DEPTH))
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s: line %u: it nests deeper than %d levels", import->name, number,
                       MAX_DEPTH);
          return FALSE;
        }

      json = alta_fhir_json_parse (line, -1, &parse_error);
      if (json == NULL)
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s: line %u: not valid JSON (is it cut short?): %s", import->name,
                       number, parse_error->message);
          return FALSE;
        }

      root = alta_fhir_json_get_root (json);
      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s: line %u: not a FHIR resource (a JSON object)", import->name, number);
          return FALSE;
        }

      if (!import_resource (import, json_node_get_object (root), "line", number, error))
        return FALSE;
    }
}

static gboolean
finish (Import    *import,
        gboolean   ok,
        GError   **error)
{
  for (guint i = 0; ok && import->held_reports != NULL && i < import->held_reports->len; i++)
    ok = alta_fhir_store_hold_report_results (import->store,
                                              g_ptr_array_index (import->held_reports, i), error);

  if (ok && !alta_store_commit (import->store, error))
    ok = FALSE;

  if (!ok)
    alta_store_rollback (import->store);

  g_hash_table_unref (import->map);
  g_clear_pointer (&import->identifiers, g_hash_table_unref);
  g_clear_pointer (&import->held_reports, g_ptr_array_unref);
  return ok;
}

/**
 * alta_fhir_import_data:
 * @name: what to call the data in messages
 *
 * Imports a Bundle or a single resource held in memory, in one transaction.
 */
gboolean
alta_fhir_import_data (AltaStore            *store,
                       const char           *name,
                       const char           *data,
                       gssize                length,
                       AltaFhirImportMode    mode,
                       gint64                now,
                       AltaFhirImportStats  *stats,
                       GError              **error)
{
  Import import = { store, name, mode, now, stats,
                    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free), NULL, NULL };

  if (!alta_store_begin (store, error))
    {
      g_hash_table_unref (import.map);
      return FALSE;
    }

  return finish (&import, import_json_text (&import, data, length, error), error);
}

static gboolean
looks_like_ndjson (const char *path,
                   GBytes     *head)
{
  gsize size;
  const char *data = g_bytes_get_data (head, &size);
  const char *newline;

  if (g_str_has_suffix (path, ".ndjson") || g_str_has_suffix (path, ".jsonl"))
    return TRUE;

  /* A first line that is a whole resource, followed by more */
  newline = memchr (data, '\n', size);
  if (newline == NULL || newline == data)
    return FALSE;

  {
    g_autoptr (JsonParser) parser = json_parser_new_immutable ();
    g_autofree char *first = g_strndup (data, newline - data);
    const char *rest = newline + 1;

    while (rest < data + size && g_ascii_isspace (*rest))
      rest++;
    return json_parser_load_from_data (parser, first, -1, NULL) && rest < data + size &&
           *rest == '{';
  }
}

/**
 * alta_fhir_import_file:
 * @path: a Bundle (.json) or bulk-data NDJSON (.ndjson) file
 *
 * Imports the file in one transaction: all of it, or (on any error) none of it.
 */
gboolean
alta_fhir_import_file (AltaStore            *store,
                       const char           *path,
                       AltaFhirImportMode    mode,
                       gint64                now,
                       AltaFhirImportStats  *stats,
                       GError              **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GBytes) head = NULL;
  g_autoptr (GError) io_error = NULL;
  Import import = { store, path, mode, now, stats, NULL, NULL, NULL };
  gboolean ok;

  input = g_file_read (file, NULL, &io_error);
  if (input == NULL)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "%s: %s", path,
                   io_error->message);
      return FALSE;
    }

  head = g_input_stream_read_bytes (G_INPUT_STREAM (input), 1 << 16, NULL, &io_error);
  if (head == NULL)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "%s: %s", path,
                   io_error->message);
      return FALSE;
    }

  {
    gsize size;
    const char *data = g_bytes_get_data (head, &size);
    gsize i = 0;

    while (i < size && g_ascii_isspace (data[i]))
      i++;
    if (i == size)
      {
        g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                     "%s: the file is empty", path);
        return FALSE;
      }
  }

  if (!g_seekable_seek (G_SEEKABLE (input), 0, G_SEEK_SET, NULL, &io_error))
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "%s: %s", path,
                   io_error->message);
      return FALSE;
    }

  import.map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!alta_store_begin (store, error))
    {
      g_hash_table_unref (import.map);
      return FALSE;
    }

  if (looks_like_ndjson (path, head))
    ok = import_ndjson (&import, G_INPUT_STREAM (input), error);
  else
    {
      g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, &io_error);

      if (mapped == NULL)
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID, "%s: %s", path,
                       io_error->message);
          ok = FALSE;
        }
      else
        ok = import_json_text (&import, g_mapped_file_get_contents (mapped),
                               g_mapped_file_get_length (mapped), error);
    }

  return finish (&import, ok, error);
}

static gboolean
conditional_resolves (AltaStore  *store,
                      const char *reference)
{
  g_autofree char *type = NULL;
  g_autofree char *system = NULL;
  g_autofree char *value = NULL;
  g_autofree char *id = NULL;

  if (reference == NULL || !split_conditional (reference, &type, &system, &value, NULL))
    return FALSE;

  id = alta_fhir_store_find_identifier (store, type, system, value, NULL);
  return id != NULL;
}

/**
 * alta_fhir_import_files:
 * @paths: the files, in any order
 * @quiet: print nothing but errors
 * @patient_ids: (nullable): where to add the ids of the imported Patients
 *
 * Imports each file in its own transaction, printing what each added. A file whose
 * conditional references name resources of another file waits until that file is in;
 * references that match nothing in any file are kept by identifier.
 *
 * Returns: %FALSE when any file could not be imported (the others are in)
 */
gboolean
alta_fhir_import_files (AltaStore           *store,
                        const char * const  *paths,
                        gint64               now,
                        gboolean             quiet,
                        GPtrArray           *patient_ids,
                        GError             **error)
{
  g_autoptr (GPtrArray) waiting = g_ptr_array_new ();
  g_autoptr (GString) failures = g_string_new (NULL);
  AltaFhirImportMode mode = ALTA_FHIR_IMPORT_STRICT;

  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (waiting, (gpointer)paths[i]);

  /* Each file's commit skips its fsync: it survives a crash of this process, and a power
   * cut takes at most the files of this import, which imports them again when run again.
   * One sync at the end makes all of them durable before the import says they are in. */
  alta_store_set_relaxed (store, TRUE);
  /* And the log is copied into the database every 64 MiB rather than every 4 MiB: the
   * index pages that every file touches are then written once for many files. */
  sqlite3_wal_autocheckpoint (alta_store_get_db (store), 16384);

  while (waiting->len > 0)
    {
      g_autoptr (GPtrArray) unresolved = g_ptr_array_new ();
      g_autoptr (GPtrArray) references = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < waiting->len; i++)
        {
          const char *path = g_ptr_array_index (waiting, i);
          g_autoptr (AltaFhirImportStats) stats = alta_fhir_import_stats_new ();
          g_autoptr (GError) file_error = NULL;
          gint64 started = g_get_monotonic_time ();

          if (alta_fhir_import_file (store, path, mode, now, stats, &file_error))
            {
              if (!quiet)
                {
                  g_autofree char *summary = alta_fhir_import_stats_describe (stats);
                  guint n = stats->created + stats->updated + stats->unchanged;
                  double seconds = (g_get_monotonic_time () - started) / 1e6;

                  printf ("%s: %s (%u resources in %.2f s)\n", path, summary, n, seconds);
                }
              if (patient_ids != NULL)
                for (guint j = 0; j < stats->patient_ids->len; j++)
                  g_ptr_array_add (patient_ids, g_strdup (g_ptr_array_index (stats->patient_ids, j)));
            }
          else if (g_error_matches (file_error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_UNRESOLVED))
            {
              g_ptr_array_add (unresolved, (gpointer)path);
              g_ptr_array_add (references, g_steal_pointer (&stats->unresolved));
            }
          else
            {
              g_printerr ("%s\n", file_error->message);
              g_string_append_printf (failures, "%s%s", failures->len > 0 ? ", " : "", path);
            }
        }

      /* When no reference that held a file back resolves now, none ever will: what is
       * still unresolved matches nothing anywhere. */
      mode = ALTA_FHIR_IMPORT_LENIENT;
      for (guint i = 0; i < references->len; i++)
        if (conditional_resolves (store, g_ptr_array_index (references, i)))
          mode = ALTA_FHIR_IMPORT_STRICT;

      g_ptr_array_set_size (waiting, 0);
      g_ptr_array_extend (waiting, unresolved, NULL, NULL);
    }

  alta_store_set_relaxed (store, FALSE);
  sqlite3_wal_autocheckpoint (alta_store_get_db (store), 1000 /* SQLite's default */);
  {
    g_autoptr (GError) sync_error = NULL;

    if (!alta_store_sync (store, &sync_error))
      {
        g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                     "The imported files could not be made durable: %s", sync_error->message);
        return FALSE;
      }
  }

  if (failures->len > 0)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                   "Not imported (each left the database as it was): %s", failures->str);
      return FALSE;
    }

  return TRUE;
}

static void
set_telecom (JsonObject *resource,
             const char *system,
             const char *value)
{
  JsonNode *node = json_object_get_member (resource, "telecom");
  JsonArray *telecom;
  JsonObject *entry;

  if (value == NULL)
    return;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      telecom = json_array_new ();
      json_object_set_array_member (resource, "telecom", telecom);
    }
  else
    telecom = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (telecom); i++)
    {
      JsonNode *element = json_array_get_element (telecom, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          g_strcmp0 (alta_json_get_string (json_node_get_object (element), "system"), system) == 0)
        {
          json_object_set_string_member (json_node_get_object (element), "value", value);
          return;
        }
    }

  entry = json_object_new ();
  json_object_set_string_member (entry, "system", system);
  json_object_set_string_member (entry, "value", value);
  if (strcmp (system, "phone") == 0)
    json_object_set_string_member (entry, "use", "home");
  json_array_add_object_element (telecom, entry);
}

/**
 * alta_fhir_import_patient:
 * @store: the store, inside a transaction
 * @patient: a patient of the account side
 * @now: the time of the write
 *
 * Makes the FHIR Patient match @patient's name, birth date, gender (when known), language and
 * contact details, keeping whatever else an import put there.
 */
gboolean
alta_fhir_import_patient (AltaStore          *store,
                          const AltaPatient  *patient,
                          gint64              now,
                          GError            **error)
{
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (AltaFhirJson) stored = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (AltaFhirIndex) index = NULL;
  g_auto (GStrv) given = g_strsplit (patient->given_name, " ", -1);
  JsonObject *resource;
  JsonObject *name;
  JsonObject *communication;
  JsonObject *language;
  JsonObject *coding;
  JsonArray *array;

  record = alta_fhir_store_get (store, "Patient", patient->id, &store_error);
  if (record != NULL && (stored = alta_fhir_json_parse (record->json, -1, NULL)) != NULL)
    root = json_node_ref (alta_fhir_json_get_root (stored));
  else if (!g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      root = json_node_init_object (json_node_alloc (), json_object_new ());
      json_object_set_string_member (json_node_get_object (root), "resourceType", "Patient");
      json_object_set_boolean_member (json_node_get_object (root), "active", TRUE);
    }
  resource = json_node_get_object (root);

  name = first_object (resource, "name", "use", "official");
  if (name == NULL)
    {
      name = json_object_new ();
      json_object_set_string_member (name, "use", "official");
      array = json_array_new ();
      json_array_add_object_element (array, name);
      json_object_set_array_member (resource, "name", array);
    }
  json_object_set_string_member (name, "family", patient->family_name);
  array = json_array_new ();
  for (guint i = 0; given[i] != NULL; i++)
    if (given[i][0] != '\0')
      json_array_add_string_element (array, given[i]);
  json_object_set_array_member (name, "given", array);
  json_object_remove_member (name, "text");

  json_object_set_string_member (resource, "birthDate", patient->birth_date);
  if (patient->gender != NULL)
    json_object_set_string_member (resource, "gender", patient->gender);
  set_telecom (resource, "phone", patient->phone);
  set_telecom (resource, "email", patient->email);

  if (patient->address_json != NULL)
    {
      g_autoptr (JsonNode) address_node = json_from_string (patient->address_json, NULL);

      if (address_node != NULL && JSON_NODE_HOLDS_OBJECT (address_node))
        {
          JsonObject *address = json_node_get_object (address_node);
          JsonObject *fhir_address = json_object_new ();
          JsonNode *lines = json_object_get_member (address, "line");

          json_object_set_string_member (fhir_address, "use", "home");
          if (lines != NULL && JSON_NODE_HOLDS_ARRAY (lines) &&
              json_array_get_length (json_node_get_array (lines)) > 0)
            json_object_set_member (fhir_address, "line", json_node_copy (lines));
          if (alta_json_get_string (address, "city") != NULL)
            json_object_set_string_member (fhir_address, "city", alta_json_get_string (address, "city"));
          if (alta_json_get_string (address, "state") != NULL)
            json_object_set_string_member (fhir_address, "state", alta_json_get_string (address, "state"));
          if (alta_json_get_string (address, "postal_code") != NULL)
            json_object_set_string_member (fhir_address, "postalCode",
                                           alta_json_get_string (address, "postal_code"));
          array = json_array_new ();
          json_array_add_object_element (array, fhir_address);
          json_object_set_array_member (resource, "address", array);
        }
    }

  coding = json_object_new ();
  json_object_set_string_member (coding, "system", "urn:ietf:bcp:47");
  json_object_set_string_member (coding, "code", patient->language);
  json_object_set_string_member (coding, "display",
                                 g_strcmp0 (patient->language, "es") == 0 ? "Spanish" : "English");
  language = json_object_new ();
  array = json_array_new ();
  json_array_add_object_element (array, coding);
  json_object_set_array_member (language, "coding", array);
  communication = json_object_new ();
  json_object_set_object_member (communication, "language", language);
  json_object_set_boolean_member (communication, "preferred", TRUE);
  array = json_array_new ();
  json_array_add_object_element (array, communication);
  json_object_set_array_member (resource, "communication", array);

  index = alta_fhir_index_resource (resource, error);
  if (index == NULL)
    return FALSE;

  return alta_fhir_store_put (store, resource, index, patient->id, patient->id, NULL, 0, FALSE,
                              now, NULL, error);
}
