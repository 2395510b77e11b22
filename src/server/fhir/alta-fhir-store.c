/* alta-fhir-store.c: FHIR R4 resources in the portal's database
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-store"

#include "config.h"

#include <string.h>

#include "alta-fhir-json.h"
#include "alta-fhir-store.h"
#include "alta-store-private.h"

/* Each resource is one row: its JSON as served (with id and meta), and beside it the
 * columns and side tables (tokens, references, identifiers) its searches read. Searches
 * are built from fixed SQL fragments with every value bound; the statement text depends
 * only on which parameters a search uses.
 */

/* Sorts resources without a date before all others, in a stable order */
#define NO_DATE_KEY G_GINT64_CONSTANT (-99999999999)

void
alta_fhir_record_free (AltaFhirRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->type);
  g_free (record->id);
  g_free (record->patient_id);
  g_free (record->json);
  g_free (record);
}

void
alta_fhir_page_free (AltaFhirPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_free (page);
}

/* Values to bind, in order */
typedef struct
{
  gboolean  is_text;
  gint64    number;
  char     *text;
} Bind;

static void
bind_clear (gpointer data)
{
  Bind *bind = data;

  g_free (bind->text);
}

static void
add_text (GArray     *binds,
          const char *text)
{
  Bind bind = { TRUE, 0, g_strdup (text) };

  g_array_append_val (binds, bind);
}

static void
add_number (GArray *binds,
            gint64  number)
{
  Bind bind = { FALSE, number, NULL };

  g_array_append_val (binds, bind);
}

static sqlite3_stmt *
prepare_dynamic (AltaStore   *store,
                 const char  *sql,
                 GArray      *binds,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (alta_store_get_db (store), sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      alta_store_set_sqlite_error (store, rc, error);
      return NULL;
    }

  for (guint i = 0; i < binds->len; i++)
    {
      Bind *bind = &g_array_index (binds, Bind, i);

      if (bind->is_text)
        alta_store_bind_text (stmt, i + 1, bind->text);
      else
        sqlite3_bind_int64 (stmt, i + 1, bind->number);
    }

  return stmt;
}

/* Stores @resource's JSON without the server's own meta, to tell a changed resource from
 * the same one imported again.
 */
static char *
hash_content (JsonObject *resource)
{
  g_autofree char *text = alta_fhir_resource_to_text (resource);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static void
clear_server_meta (JsonObject *resource)
{
  JsonNode *meta_node = json_object_get_member (resource, "meta");
  JsonObject *meta;

  if (meta_node == NULL)
    return;

  if (!JSON_NODE_HOLDS_OBJECT (meta_node))
    {
      json_object_remove_member (resource, "meta");
      return;
    }

  meta = json_node_get_object (meta_node);
  json_object_remove_member (meta, "versionId");
  json_object_remove_member (meta, "lastUpdated");
  if (json_object_get_size (meta) == 0)
    json_object_remove_member (resource, "meta");
}

static gboolean
insert_side_rows (AltaStore            *store,
                  gint64                rid,
                  const AltaFhirIndex  *index,
                  GError              **error)
{
  sqlite3_stmt *stmt;

  for (guint i = 0; i < index->tokens->len; i++)
    {
      AltaFhirToken *token = g_ptr_array_index (index->tokens, i);

      stmt = alta_store_prepare (store, "INSERT INTO fhir_tokens (rid, param, system, code) "
                                        "VALUES (?1, ?2, ?3, ?4)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rid);
      alta_store_bind_text (stmt, 2, token->param);
      alta_store_bind_text (stmt, 3, token->system);
      alta_store_bind_text (stmt, 4, token->code);
      if (!alta_store_step_done (store, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < index->refs->len; i++)
    {
      AltaFhirRef *ref = g_ptr_array_index (index->refs, i);

      stmt = alta_store_prepare (store, "INSERT INTO fhir_refs (rid, param, target) "
                                        "VALUES (?1, ?2, ?3)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rid);
      alta_store_bind_text (stmt, 2, ref->element);
      alta_store_bind_text (stmt, 3, ref->target);
      if (!alta_store_step_done (store, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < index->identifiers->len; i++)
    {
      AltaFhirIdentifier *identifier = g_ptr_array_index (index->identifiers, i);

      stmt = alta_store_prepare (store, "INSERT INTO fhir_identifiers (rid, system, value) "
                                        "VALUES (?1, ?2, ?3)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rid);
      alta_store_bind_text (stmt, 2, identifier->system);
      alta_store_bind_text (stmt, 3, identifier->value);
      if (!alta_store_step_done (store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
delete_side_rows (AltaStore  *store,
                  gint64      rid,
                  GError    **error)
{
  static const char *sql[] = {
    "DELETE FROM fhir_tokens WHERE rid = ?1",
    "DELETE FROM fhir_refs WHERE rid = ?1",
    "DELETE FROM fhir_identifiers WHERE rid = ?1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      sqlite3_stmt *stmt = alta_store_prepare (store, sql[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rid);
      if (!alta_store_step_done (store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static void
bind_index_columns (sqlite3_stmt        *stmt,
                    const AltaFhirIndex *index,
                    const char          *patient_id)
{
  alta_store_bind_text (stmt, 5, patient_id);
  if (index->has_date)
    {
      sqlite3_bind_int64 (stmt, 6, index->date_start);
      sqlite3_bind_int64 (stmt, 7, index->date_end);
    }
  else
    {
      sqlite3_bind_null (stmt, 6);
      sqlite3_bind_null (stmt, 7);
    }
  alta_store_bind_text (stmt, 8, index->status);
  alta_store_bind_text (stmt, 9, index->clinical_status);
}

/**
 * alta_fhir_store_put:
 * @store: the store, inside a transaction
 * @resource: the resource; its id and meta are set here. Its numbers are kept as written
 *   when it was read with alta_fhir_json_parse() and that parse is still alive.
 * @index: what alta_fhir_index_resource() read from @resource (references rewritten)
 * @id: the server's id for it
 * @patient_id: (nullable): whose record it is in
 * @source: (nullable): where an import found it, so that a second import finds it again
 * @released_at: for results, when a clinician released it (0: not yet)
 * @from_import: an import: content imported once before is not imported again, even when
 *   another file changed the resource since (two files that disagree stay idempotent)
 * @now: the time of the write
 * @out_result: (out) (optional): created, updated or unchanged
 * @error: return location for a #GError
 *
 * Creates the resource, or makes a new version of it when its content changed. What is
 * stored and served is alta_fhir_resource_to_text() of @resource.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_fhir_store_put (AltaStore            *store,
                     JsonObject           *resource,
                     const AltaFhirIndex  *index,
                     const char           *id,
                     const char           *patient_id,
                     const char           *source,
                     gint64                released_at,
                     gboolean              from_import,
                     gint64                now,
                     AltaFhirPutResult    *out_result,
                     GError              **error)
{
  const char *type = index->info->type;
  g_autofree char *hash = NULL;
  g_autofree char *json = NULL;
  g_autofree char *version_text = NULL;
  g_autofree char *last_updated = NULL;
  JsonObject *meta;
  sqlite3_stmt *stmt;
  gint64 rid = 0, old_released_at = 0;
  gboolean old_released_null = TRUE;
  int version = 1;

  json_object_set_string_member (resource, "id", id);
  clear_server_meta (resource);
  hash = hash_content (resource);

  if (from_import)
    {
      stmt = alta_store_prepare (store, "SELECT 1 FROM fhir_import_seen"
                                        " WHERE type = ?1 AND id = ?2 AND content_hash = ?3",
                                 error);
      if (stmt == NULL)
        return FALSE;
      alta_store_bind_text (stmt, 1, type);
      alta_store_bind_text (stmt, 2, id);
      alta_store_bind_text (stmt, 3, hash);
      if (alta_store_step_row (store, stmt, error))
        {
          sqlite3_reset (stmt);
          if (out_result != NULL)
            *out_result = ALTA_FHIR_PUT_UNCHANGED;
          return TRUE;
        }
      if (error != NULL && *error != NULL)
        return FALSE;

      stmt = alta_store_prepare (store, "INSERT INTO fhir_import_seen (type, id, content_hash)"
                                        " VALUES (?1, ?2, ?3)", error);
      if (stmt == NULL)
        return FALSE;
      alta_store_bind_text (stmt, 1, type);
      alta_store_bind_text (stmt, 2, id);
      alta_store_bind_text (stmt, 3, hash);
      if (!alta_store_step_done (store, stmt, error))
        return FALSE;
    }

  stmt = alta_store_prepare (store, "SELECT rid, version, content_hash, released_at "
                                    "FROM fhir_resources WHERE type = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  alta_store_bind_text (stmt, 1, type);
  alta_store_bind_text (stmt, 2, id);
  if (alta_store_step_row (store, stmt, error))
    {
      gboolean same = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 2), hash) == 0;

      rid = sqlite3_column_int64 (stmt, 0);
      version = sqlite3_column_int (stmt, 1) + 1;
      old_released_null = sqlite3_column_type (stmt, 3) == SQLITE_NULL;
      old_released_at = sqlite3_column_int64 (stmt, 3);
      sqlite3_reset (stmt);

      if (same)
        {
          if (out_result != NULL)
            *out_result = ALTA_FHIR_PUT_UNCHANGED;
          return TRUE;
        }
    }
  else if (error != NULL && *error != NULL)
    return FALSE;

  meta = json_object_has_member (resource, "meta")
           ? json_object_get_object_member (resource, "meta") : NULL;
  if (meta == NULL)
    {
      meta = json_object_new ();
      json_object_set_object_member (resource, "meta", meta);
    }
  version_text = g_strdup_printf ("%d", version);
  last_updated = alta_fhir_format_instant (now);
  json_object_set_string_member (meta, "versionId", version_text);
  json_object_set_string_member (meta, "lastUpdated", last_updated);

  json = alta_fhir_resource_to_text (resource);

  if (rid == 0)
    {
      stmt = alta_store_prepare (store,
                                 "INSERT INTO fhir_resources (type, id, version, last_updated,"
                                 "  patient_id, date_start, date_end, status, clinical_status,"
                                 "  released_at, source, content_hash, json)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                                 error);
      if (stmt == NULL)
        return FALSE;
      alta_store_bind_text (stmt, 1, type);
      alta_store_bind_text (stmt, 2, id);
      sqlite3_bind_int (stmt, 3, version);
      sqlite3_bind_int64 (stmt, 4, now);
      bind_index_columns (stmt, index, patient_id);
      if (released_at > 0)
        sqlite3_bind_int64 (stmt, 10, released_at);
      else
        sqlite3_bind_null (stmt, 10);
      alta_store_bind_text (stmt, 11, source);
      alta_store_bind_text (stmt, 12, hash);
      alta_store_bind_text (stmt, 13, json);
      if (!alta_store_step_done (store, stmt, error))
        return FALSE;
      rid = sqlite3_last_insert_rowid (alta_store_get_db (store));
    }
  else
    {
      stmt = alta_store_prepare (store,
                                 "UPDATE fhir_resources SET version = ?3, last_updated = ?4,"
                                 "  patient_id = ?5, date_start = ?6, date_end = ?7, status = ?8,"
                                 "  clinical_status = ?9, released_at = ?10,"
                                 "  source = coalesce (source, ?11), content_hash = ?12, json = ?13"
                                 " WHERE type = ?1 AND id = ?2",
                                 error);
      if (stmt == NULL)
        return FALSE;
      alta_store_bind_text (stmt, 1, type);
      alta_store_bind_text (stmt, 2, id);
      sqlite3_bind_int (stmt, 3, version);
      sqlite3_bind_int64 (stmt, 4, now);
      bind_index_columns (stmt, index, patient_id);
      /* A result a clinician released stays released. */
      if (!old_released_null)
        sqlite3_bind_int64 (stmt, 10, old_released_at);
      else if (released_at > 0)
        sqlite3_bind_int64 (stmt, 10, released_at);
      else
        sqlite3_bind_null (stmt, 10);
      alta_store_bind_text (stmt, 11, source);
      alta_store_bind_text (stmt, 12, hash);
      alta_store_bind_text (stmt, 13, json);
      if (!alta_store_step_done (store, stmt, error) || !delete_side_rows (store, rid, error))
        return FALSE;
    }

  if (!insert_side_rows (store, rid, index, error))
    return FALSE;

  if (out_result != NULL)
    *out_result = version == 1 ? ALTA_FHIR_PUT_CREATED : ALTA_FHIR_PUT_UPDATED;
  return TRUE;
}

/**
 * alta_fhir_store_find_source:
 *
 * Returns: (nullable): "Type/id" of the resource an earlier import took from @source
 */
char *
alta_fhir_store_find_source (AltaStore   *store,
                             const char  *source,
                             GError     **error)
{
  sqlite3_stmt *stmt = alta_store_prepare (store, "SELECT type || '/' || id FROM fhir_resources"
                                                  " WHERE source = ?1", error);
  char *found;

  if (stmt == NULL)
    return NULL;
  alta_store_bind_text (stmt, 1, source);
  if (!alta_store_step_row (store, stmt, error))
    return NULL;

  found = alta_store_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return found;
}

/**
 * alta_fhir_store_find_identifier:
 * @system: (nullable): the identifier's system, or %NULL for any
 *
 * Returns: (nullable): the id of the one @type resource with that identifier
 */
char *
alta_fhir_store_find_identifier (AltaStore   *store,
                                 const char  *type,
                                 const char  *system,
                                 const char  *value,
                                 GError     **error)
{
  sqlite3_stmt *stmt = alta_store_prepare (store,
                                           "SELECT r.id FROM fhir_identifiers i"
                                           " JOIN fhir_resources r ON r.rid = i.rid"
                                           " WHERE i.value = ?2 AND r.type = ?1"
                                           "  AND (?3 IS NULL OR i.system = ?3)"
                                           " ORDER BY r.rid LIMIT 1", error);
  char *found;

  if (stmt == NULL)
    return NULL;
  alta_store_bind_text (stmt, 1, type);
  alta_store_bind_text (stmt, 2, value);
  alta_store_bind_text (stmt, 3, system);
  if (!alta_store_step_row (store, stmt, error))
    return NULL;

  found = alta_store_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return found;
}

/**
 * alta_fhir_store_hold_report_results:
 * @report_id: a DiagnosticReport not released
 *
 * The Observations an unreleased report lists are not released either.
 */
gboolean
alta_fhir_store_hold_report_results (AltaStore   *store,
                                     const char  *report_id,
                                     GError     **error)
{
  sqlite3_stmt *stmt = alta_store_prepare (store,
                                           "UPDATE fhir_resources SET released_at = NULL"
                                           " WHERE type = 'Observation' AND id IN ("
                                           "  SELECT substr (f.target, 13) FROM fhir_refs f"
                                           "  JOIN fhir_resources d ON d.rid = f.rid"
                                           "  WHERE d.type = 'DiagnosticReport' AND d.id = ?1"
                                           "   AND d.released_at IS NULL AND f.param = 'result'"
                                           "   AND f.target LIKE 'Observation/%')", error);

  if (stmt == NULL)
    return FALSE;
  alta_store_bind_text (stmt, 1, report_id);
  return alta_store_step_done (store, stmt, error);
}

/**
 * alta_fhir_store_release_report:
 *
 * Releases a DiagnosticReport and the Observations it lists.
 *
 * Returns: %FALSE with %ALTA_STORE_ERROR_NOT_FOUND when there is no such report
 */
gboolean
alta_fhir_store_release_report (AltaStore   *store,
                                const char  *report_id,
                                gint64       now,
                                GError     **error)
{
  sqlite3_stmt *stmt = alta_store_prepare (store,
                                           "UPDATE fhir_resources SET released_at = ?2"
                                           " WHERE type = 'DiagnosticReport' AND id = ?1"
                                           "  AND released_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  alta_store_bind_text (stmt, 1, report_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!alta_store_step_done (store, stmt, error))
    return FALSE;

  if (sqlite3_changes (alta_store_get_db (store)) == 0)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                   "No unreleased DiagnosticReport/%s", report_id);
      return FALSE;
    }

  stmt = alta_store_prepare (store,
                             "UPDATE fhir_resources SET released_at = ?2"
                             " WHERE type = 'Observation' AND released_at IS NULL AND id IN ("
                             "  SELECT substr (f.target, 13) FROM fhir_refs f"
                             "  JOIN fhir_resources d ON d.rid = f.rid"
                             "  WHERE d.type = 'DiagnosticReport' AND d.id = ?1"
                             "   AND f.param = 'result' AND f.target LIKE 'Observation/%')", error);
  if (stmt == NULL)
    return FALSE;
  alta_store_bind_text (stmt, 1, report_id);
  sqlite3_bind_int64 (stmt, 2, now);
  return alta_store_step_done (store, stmt, error);
}

static AltaFhirRecord *
read_record (sqlite3_stmt *stmt)
{
  AltaFhirRecord *record = g_new0 (AltaFhirRecord, 1);

  record->rid = sqlite3_column_int64 (stmt, 0);
  record->type = alta_store_column_dup_text (stmt, 1);
  record->id = alta_store_column_dup_text (stmt, 2);
  record->version = sqlite3_column_int (stmt, 3);
  record->patient_id = alta_store_column_dup_text (stmt, 4);
  record->released_at = sqlite3_column_int64 (stmt, 5);
  record->json = alta_store_column_dup_text (stmt, 6);
  return record;
}

AltaFhirRecord *
alta_fhir_store_get (AltaStore   *store,
                     const char  *type,
                     const char  *id,
                     GError     **error)
{
  sqlite3_stmt *stmt = alta_store_prepare (store,
                                           "SELECT rid, type, id, version, patient_id,"
                                           "  released_at, json FROM fhir_resources"
                                           " WHERE type = ?1 AND id = ?2", error);
  AltaFhirRecord *record;

  if (stmt == NULL)
    return NULL;
  alta_store_bind_text (stmt, 1, type);
  alta_store_bind_text (stmt, 2, id);
  if (!alta_store_step_row (store, stmt, error))
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND, "No %s/%s", type, id);
      return NULL;
    }

  record = read_record (stmt);
  sqlite3_reset (stmt);
  return record;
}

/* What a viewer may see of rows `r` of @type, as SQL with binds */
static void
append_visibility (GString              *sql,
                   GArray               *binds,
                   const AltaFhirViewer *viewer,
                   const AltaFhirTypeInfo *info)
{
  if (viewer->staff || info->scope == ALTA_FHIR_SCOPE_CALENDAR)
    return;

  if (info->scope == ALTA_FHIR_SCOPE_PATIENT)
    {
      g_string_append (sql, " AND r.patient_id IN (SELECT value FROM json_each (?))");
      add_text (binds, viewer->patient_ids_json);
      if (info->is_result)
        {
          g_string_append (sql, " AND r.released_at IS NOT NULL AND r.released_at <= ?");
          add_number (binds, viewer->now);
        }
      return;
    }

  /* Directory resources: readable where a visible record names them (a practitioner role
   * also where its practitioner is named).
   */
  g_string_append (sql,
                   " AND EXISTS (SELECT 1 FROM fhir_refs f JOIN fhir_resources s ON s.rid = f.rid"
                   "  WHERE (f.target = r.type || '/' || r.id");
  if (strcmp (info->type, "PractitionerRole") == 0)
    g_string_append (sql, "   OR f.target IN (SELECT p.target FROM fhir_refs p"
                          "    WHERE p.rid = r.rid AND p.param = 'practitioner')");
  g_string_append (sql, ")"
                        "  AND s.patient_id IN (SELECT value FROM json_each (?))"
                        "  AND (s.type NOT IN ('DiagnosticReport', 'Observation')"
                        "   OR (s.released_at IS NOT NULL AND s.released_at <= ?)))");
  add_text (binds, viewer->patient_ids_json);
  add_number (binds, viewer->now);
}

/**
 * alta_fhir_store_can_see:
 *
 * Returns: %TRUE when @viewer may read @record (with no error)
 */
gboolean
alta_fhir_store_can_see (AltaStore             *store,
                         const AltaFhirViewer  *viewer,
                         const AltaFhirRecord  *record,
                         GError               **error)
{
  const AltaFhirTypeInfo *info = alta_fhir_type_lookup (record->type);
  g_autoptr (GString) sql = g_string_new ("SELECT 1 FROM fhir_resources r WHERE r.rid = ?");
  g_autoptr (GArray) binds = g_array_new (FALSE, FALSE, sizeof (Bind));
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (binds, bind_clear);
  if (info == NULL)
    return FALSE;

  add_number (binds, record->rid);
  append_visibility (sql, binds, viewer, info);

  stmt = prepare_dynamic (store, sql->str, binds, error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    alta_store_set_sqlite_error (store, rc, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

static void
append_date_filter (GString                  *sql,
                    GArray                   *binds,
                    const AltaFhirDateFilter *filter)
{
  switch (filter->prefix)
    {
    case ALTA_FHIR_PREFIX_EQ:
      g_string_append (sql, " AND r.date_start >= ? AND r.date_start < ?");
      add_number (binds, filter->start);
      add_number (binds, filter->end);
      break;
    case ALTA_FHIR_PREFIX_NE:
      g_string_append (sql, " AND (r.date_start < ? OR r.date_start >= ?)");
      add_number (binds, filter->start);
      add_number (binds, filter->end);
      break;
    case ALTA_FHIR_PREFIX_GT:
      g_string_append (sql, " AND r.date_start >= ?");
      add_number (binds, filter->end);
      break;
    case ALTA_FHIR_PREFIX_LT:
      g_string_append (sql, " AND r.date_start < ?");
      add_number (binds, filter->start);
      break;
    case ALTA_FHIR_PREFIX_GE:
      g_string_append (sql, " AND r.date_start >= ?");
      add_number (binds, filter->start);
      break;
    case ALTA_FHIR_PREFIX_LE:
      g_string_append (sql, " AND r.date_start < ?");
      add_number (binds, filter->end);
      break;
    default:
      g_assert_not_reached ();
    }
}

static char *
strv_to_json (GStrv strv)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
ptr_array_to_json (GPtrArray *array)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < array->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (array, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The WHERE clause of a search, without paging */
static void
append_conditions (GString              *sql,
                   GArray               *binds,
                   const AltaFhirViewer *viewer,
                   const AltaFhirSearch *search)
{
  g_string_append (sql, " WHERE r.type = ?");
  add_text (binds, search->info->type);

  if (search->patient_id != NULL)
    {
      g_string_append (sql, " AND r.patient_id = ?");
      add_text (binds, search->patient_id);
    }

  if (search->id != NULL)
    {
      g_string_append (sql, " AND r.id = ?");
      add_text (binds, search->id);
    }

  for (guint i = 0; i < search->dates->len; i++)
    append_date_filter (sql, binds, &g_array_index (search->dates, AltaFhirDateFilter, i));

  if (search->statuses != NULL)
    {
      g_autofree char *json = strv_to_json (search->statuses);

      g_string_append (sql, " AND r.status IN (SELECT value FROM json_each (?))");
      add_text (binds, json);
    }

  if (search->clinical_statuses != NULL)
    {
      g_autofree char *json = strv_to_json (search->clinical_statuses);

      g_string_append (sql, " AND r.clinical_status IN (SELECT value FROM json_each (?))");
      add_text (binds, json);
    }

  for (guint i = 0; i < search->tokens->len; i++)
    {
      AltaFhirFilter *filter = g_ptr_array_index (search->tokens, i);

      g_string_append (sql, " AND EXISTS (SELECT 1 FROM fhir_tokens t WHERE t.rid = r.rid"
                            " AND t.param = ? AND (");
      add_text (binds, filter->param);
      for (guint j = 0; j < filter->values->len; j++)
        {
          AltaFhirTokenValue *value = g_ptr_array_index (filter->values, j);

          if (j > 0)
            g_string_append (sql, " OR ");
          g_string_append (sql, "(1");
          if (value->code != NULL)
            {
              g_string_append (sql, " AND t.code = ?");
              add_text (binds, value->code);
            }
          if (value->has_system && value->system != NULL)
            {
              g_string_append (sql, " AND t.system = ?");
              add_text (binds, value->system);
            }
          else if (value->has_system)
            g_string_append (sql, " AND t.system IS NULL");
          g_string_append (sql, ")");
        }
      g_string_append (sql, "))");
    }

  for (guint i = 0; i < search->refs->len; i++)
    {
      AltaFhirFilter *filter = g_ptr_array_index (search->refs, i);
      g_autofree char *json = ptr_array_to_json (filter->values);

      g_string_append (sql, " AND EXISTS (SELECT 1 FROM fhir_refs f WHERE f.rid = r.rid"
                            " AND f.param = ? AND f.target IN (SELECT value FROM json_each (?)))");
      add_text (binds, filter->param);
      add_text (binds, json);
    }

  append_visibility (sql, binds, viewer, search->info);
}

/**
 * alta_fhir_store_search:
 *
 * Runs @search as @viewer sees the data: the page after the search's cursor, and the
 * total of every match.
 *
 * Returns: (transfer full): the page, or %NULL on failure
 */
AltaFhirPage *
alta_fhir_store_search (AltaStore             *store,
                        const AltaFhirViewer  *viewer,
                        const AltaFhirSearch  *search,
                        GError               **error)
{
  g_autoptr (AltaFhirPage) page = g_new0 (AltaFhirPage, 1);
  g_autoptr (GString) count_sql = g_string_new ("SELECT count (*) FROM fhir_resources r");
  g_autoptr (GString) sql = NULL;
  g_autoptr (GArray) count_binds = g_array_new (FALSE, FALSE, sizeof (Bind));
  g_autoptr (GArray) binds = g_array_new (FALSE, FALSE, sizeof (Bind));
  g_autofree char *key_expression = NULL;
  const char *order = search->descending ? "DESC" : "ASC";
  const char *compare = search->descending ? "<" : ">";
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (count_binds, bind_clear);
  g_array_set_clear_func (binds, bind_clear);
  page->records = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_fhir_record_free);

  append_conditions (count_sql, count_binds, viewer, search);
  stmt = prepare_dynamic (store, count_sql->str, count_binds, error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      alta_store_set_sqlite_error (store, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  page->total = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (search->count == 0)
    return g_steal_pointer (&page);

  key_expression = search->sort_by_date
                     ? g_strdup_printf ("coalesce (r.date_start, %" G_GINT64_FORMAT ")", NO_DATE_KEY)
                     : g_strdup ("0");
  sql = g_string_new (NULL);
  g_string_append_printf (sql, "SELECT r.rid, r.type, r.id, r.version, r.patient_id,"
                               " r.released_at, r.json, %s FROM fhir_resources r",
                          key_expression);
  append_conditions (sql, binds, viewer, search);
  if (search->has_cursor)
    {
      if (search->sort_by_date)
        {
          g_string_append_printf (sql, " AND (%s %s ? OR (%s = ? AND r.rid %s ?))",
                                  key_expression, compare, key_expression, compare);
          add_number (binds, search->cursor_key);
          add_number (binds, search->cursor_key);
          add_number (binds, search->cursor_rid);
        }
      else
        {
          g_string_append_printf (sql, " AND r.rid %s ?", compare);
          add_number (binds, search->cursor_rid);
        }
    }
  if (search->sort_by_date)
    g_string_append_printf (sql, " ORDER BY %s %s, r.rid %s", key_expression, order, order);
  else
    g_string_append_printf (sql, " ORDER BY r.rid %s", order);
  g_string_append (sql, " LIMIT ?");
  add_number (binds, search->count + 1);

  stmt = prepare_dynamic (store, sql->str, binds, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (page->records->len == search->count)
        {
          page->has_more = TRUE;
          break;
        }
      g_ptr_array_add (page->records, read_record (stmt));
      page->next_key = sqlite3_column_int64 (stmt, 7);
      page->next_rid = sqlite3_column_int64 (stmt, 0);
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      alta_store_set_sqlite_error (store, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  sqlite3_finalize (stmt);
  return g_steal_pointer (&page);
}
