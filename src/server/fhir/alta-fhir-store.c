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

/* The values of a search's SQL, in order: a zero-terminated GArray of AltaBind (so ended
 * by ALTA_BIND_END) that owns its texts */
static void
bind_clear (gpointer data)
{
  AltaBind *bind = data;

  g_free ((char *)bind->text);
}

static GArray *
binds_new (void)
{
  GArray *binds = g_array_new (TRUE, TRUE, sizeof (AltaBind));

  g_array_set_clear_func (binds, bind_clear);
  return binds;
}

static void
add_text (GArray     *binds,
          const char *text)
{
  AltaBind bind = ALTA_BIND_TEXT (g_strdup (text));

  g_array_append_val (binds, bind);
}

static void
add_number (GArray *binds,
            gint64  number)
{
  AltaBind bind = ALTA_BIND_INT (number);

  g_array_append_val (binds, bind);
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
  for (guint i = 0; i < index->tokens->len; i++)
    {
      AltaFhirToken *token = g_ptr_array_index (index->tokens, i);

      if (!alta_store_exec (store, "INSERT INTO fhir_tokens (rid, param, system, code) "
                                   "VALUES (?1, ?2, ?3, ?4)",
                            ALTA_BINDS (ALTA_BIND_INT (rid), ALTA_BIND_TEXT (token->param),
                                        ALTA_BIND_TEXT (token->system),
                                        ALTA_BIND_TEXT (token->code)),
                            error))
        return FALSE;
    }

  for (guint i = 0; i < index->refs->len; i++)
    {
      AltaFhirRef *ref = g_ptr_array_index (index->refs, i);

      if (!alta_store_exec (store, "INSERT INTO fhir_refs (rid, param, target) "
                                   "VALUES (?1, ?2, ?3)",
                            ALTA_BINDS (ALTA_BIND_INT (rid), ALTA_BIND_TEXT (ref->element),
                                        ALTA_BIND_TEXT (ref->target)),
                            error))
        return FALSE;
    }

  for (guint i = 0; i < index->identifiers->len; i++)
    {
      AltaFhirIdentifier *identifier = g_ptr_array_index (index->identifiers, i);

      if (!alta_store_exec (store, "INSERT INTO fhir_identifiers (rid, system, value) "
                                   "VALUES (?1, ?2, ?3)",
                            ALTA_BINDS (ALTA_BIND_INT (rid), ALTA_BIND_TEXT (identifier->system),
                                        ALTA_BIND_TEXT (identifier->value)),
                            error))
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
      if (!alta_store_exec (store, sql[i], ALTA_BINDS (ALTA_BIND_INT (rid)), error))
        return FALSE;
    }

  return TRUE;
}

/* The row a resource has now, if it has one */
typedef struct
{
  gint64    rid;
  int       version;
  char     *content_hash;
  gboolean  released;
  gint64    released_at;
} CurrentRow;

static void
read_current_row (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  CurrentRow *current = user_data;

  current->rid = sqlite3_column_int64 (stmt, 0);
  current->version = sqlite3_column_int (stmt, 1);
  current->content_hash = alta_store_column_dup_text (stmt, 2);
  current->released = sqlite3_column_type (stmt, 3) != SQLITE_NULL;
  current->released_at = sqlite3_column_int64 (stmt, 3);
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
  static const char *insert_sql =
    "INSERT INTO fhir_resources (type, id, version, last_updated,"
    "  patient_id, date_start, date_end, status, clinical_status,"
    "  released_at, source, content_hash, json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
  static const char *update_sql =
    "UPDATE fhir_resources SET version = ?3, last_updated = ?4,"
    "  patient_id = ?5, date_start = ?6, date_end = ?7, status = ?8,"
    "  clinical_status = ?9, released_at = ?10,"
    "  source = coalesce (source, ?11), content_hash = ?12, json = ?13"
    " WHERE type = ?1 AND id = ?2";
  const char *type = index->info->type;
  g_autofree char *content = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *json = NULL;
  g_autofree char *version_text = NULL;
  g_autofree char *last_updated = NULL;
  CurrentRow current = { 0 };
  JsonObject *meta;
  AltaBind released;
  gsize meta_at;
  gboolean in_meta;
  gboolean same;
  gint64 rid;
  int version;

  json_object_set_string_member (resource, "id", id);
  clear_server_meta (resource);
  /* The text without the server's own meta, hashed to tell a changed resource from the
   * same one imported again; what is stored is that text with the new meta spliced in,
   * not written a second time. */
  content = alta_fhir_resource_to_content_text (resource, &meta_at, &in_meta);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, content, -1);

  if (from_import)
    {
      /* Seen before when the row is there already (its primary key): one statement, not
       * a lookup and then an insert */
      if (!alta_store_exec (store, "INSERT OR IGNORE INTO fhir_import_seen (type, id, content_hash)"
                                   " VALUES (?1, ?2, ?3)",
                            ALTA_BINDS (ALTA_BIND_TEXT (type), ALTA_BIND_TEXT (id),
                                        ALTA_BIND_TEXT (hash)),
                            error))
        return FALSE;
      if (sqlite3_changes (alta_store_get_db (store)) == 0)
        {
          if (out_result != NULL)
            *out_result = ALTA_FHIR_PUT_UNCHANGED;
          return TRUE;
        }
    }

  if (!alta_store_query_each (store, "SELECT rid, version, content_hash, released_at "
                                     "FROM fhir_resources WHERE type = ?1 AND id = ?2",
                              ALTA_BINDS (ALTA_BIND_TEXT (type), ALTA_BIND_TEXT (id)),
                              read_current_row, &current, error))
    return FALSE;

  same = current.rid != 0 && g_strcmp0 (current.content_hash, hash) == 0;
  g_free (current.content_hash);
  if (same)
    {
      if (out_result != NULL)
        *out_result = ALTA_FHIR_PUT_UNCHANGED;
      return TRUE;
    }

  version = current.version + 1;
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

  json = alta_fhir_resource_add_version (content, meta_at, in_meta, version_text, last_updated);

  /* A result a clinician released stays released. */
  if (current.released)
    released = ALTA_BIND_INT (current.released_at);
  else if (released_at > 0)
    released = ALTA_BIND_INT (released_at);
  else
    released = ALTA_BIND_NULL;

  if (!alta_store_exec (store, current.rid == 0 ? insert_sql : update_sql,
                        ALTA_BINDS (ALTA_BIND_TEXT (type), ALTA_BIND_TEXT (id),
                                    ALTA_BIND_INT (version), ALTA_BIND_INT (now),
                                    ALTA_BIND_TEXT (patient_id),
                                    index->has_date ? ALTA_BIND_INT (index->date_start)
                                                    : ALTA_BIND_NULL,
                                    index->has_date ? ALTA_BIND_INT (index->date_end)
                                                    : ALTA_BIND_NULL,
                                    ALTA_BIND_TEXT (index->status),
                                    ALTA_BIND_TEXT (index->clinical_status),
                                    released, ALTA_BIND_TEXT (source), ALTA_BIND_TEXT (hash),
                                    ALTA_BIND_TEXT (json)),
                        error))
    return FALSE;

  rid = current.rid;
  if (rid == 0)
    rid = sqlite3_last_insert_rowid (alta_store_get_db (store));
  else if (!delete_side_rows (store, rid, error))
    return FALSE;

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
  return alta_store_query_optional (store, "SELECT type || '/' || id FROM fhir_resources"
                                           " WHERE source = ?1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (source)),
                                    alta_store_read_text, error);
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
  return alta_store_query_optional (store,
                                    "SELECT r.id FROM fhir_identifiers i"
                                    " JOIN fhir_resources r ON r.rid = i.rid"
                                    " WHERE i.value = ?2 AND r.type = ?1"
                                    "  AND (?3 IS NULL OR i.system = ?3)"
                                    " ORDER BY r.rid LIMIT 1",
                                    ALTA_BINDS (ALTA_BIND_TEXT (type), ALTA_BIND_TEXT (value),
                                                ALTA_BIND_TEXT (system)),
                                    alta_store_read_text, error);
}

/**
 * alta_fhir_store_find_identifiers:
 * @system: (nullable): the identifier's system, or %NULL for any
 * @limit: the most ids to return
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the ids of every @type
 *   resource with that identifier, oldest first; %NULL on error
 */
GPtrArray *
alta_fhir_store_find_identifiers (AltaStore   *store,
                                  const char  *type,
                                  const char  *system,
                                  const char  *value,
                                  guint        limit,
                                  GError     **error)
{
  return alta_store_query_all (store,
                               "SELECT r.id FROM fhir_identifiers i"
                               " JOIN fhir_resources r ON r.rid = i.rid"
                               " WHERE i.value = ?2 AND r.type = ?1"
                               "  AND (?3 IS NULL OR i.system = ?3)"
                               " GROUP BY r.rid ORDER BY r.rid LIMIT ?4",
                               ALTA_BINDS (ALTA_BIND_TEXT (type), ALTA_BIND_TEXT (value),
                                           ALTA_BIND_TEXT (system), ALTA_BIND_INT (limit)),
                               alta_store_read_text, g_free, error);
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
  return alta_store_exec (store,
                          "UPDATE fhir_resources SET released_at = NULL"
                          " WHERE type = 'Observation' AND id IN ("
                          "  SELECT substr (f.target, 13) FROM fhir_refs f"
                          "  JOIN fhir_resources d ON d.rid = f.rid"
                          "  WHERE d.type = 'DiagnosticReport' AND d.id = ?1"
                          "   AND d.released_at IS NULL AND f.param = 'result'"
                          "   AND f.target LIKE 'Observation/%')",
                          ALTA_BINDS (ALTA_BIND_TEXT (report_id)), error);
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
  if (!alta_store_exec (store,
                        "UPDATE fhir_resources SET released_at = ?2"
                        " WHERE type = 'DiagnosticReport' AND id = ?1"
                        "  AND released_at IS NULL",
                        ALTA_BINDS (ALTA_BIND_TEXT (report_id), ALTA_BIND_INT (now)), error))
    return FALSE;

  if (sqlite3_changes (alta_store_get_db (store)) == 0)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                   "No unreleased DiagnosticReport/%s", report_id);
      return FALSE;
    }

  return alta_store_exec (store,
                          "UPDATE fhir_resources SET released_at = ?2"
                          " WHERE type = 'Observation' AND released_at IS NULL AND id IN ("
                          "  SELECT substr (f.target, 13) FROM fhir_refs f"
                          "  JOIN fhir_resources d ON d.rid = f.rid"
                          "  WHERE d.type = 'DiagnosticReport' AND d.id = ?1"
                          "   AND f.param = 'result' AND f.target LIKE 'Observation/%')",
                          ALTA_BINDS (ALTA_BIND_TEXT (report_id), ALTA_BIND_INT (now)), error);
}

static gpointer
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
  g_autoptr (GError) local_error = NULL;
  AltaFhirRecord *record = alta_store_query_optional (store,
                                                      "SELECT rid, type, id, version, patient_id,"
                                                      "  released_at, json FROM fhir_resources"
                                                      " WHERE type = ?1 AND id = ?2",
                                                      ALTA_BINDS (ALTA_BIND_TEXT (type),
                                                                  ALTA_BIND_TEXT (id)),
                                                      read_record, &local_error);

  if (record == NULL && local_error == NULL)
    g_set_error (&local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND, "No %s/%s",
                 type, id);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

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
   * also where its practitioner is named), and where a Schedule does: the clinics and
   * clinicians a patient can book with or ask for, before any visit there (the dental
   * clinic's time zone for a first dental request).
   */
  g_string_append (sql,
                   " AND EXISTS (SELECT 1 FROM fhir_refs f JOIN fhir_resources s ON s.rid = f.rid"
                   "  WHERE (f.target = r.type || '/' || r.id");
  if (strcmp (info->type, "PractitionerRole") == 0)
    g_string_append (sql, "   OR f.target IN (SELECT p.target FROM fhir_refs p"
                          "    WHERE p.rid = r.rid AND p.param = 'practitioner')");
  g_string_append (sql, ")"
                        "  AND (s.type = 'Schedule'"
                        "   OR (s.patient_id IN (SELECT value FROM json_each (?))"
                        "    AND (s.type NOT IN ('DiagnosticReport', 'Observation')"
                        "     OR (s.released_at IS NOT NULL AND s.released_at <= ?)))))");
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
  g_autoptr (GArray) binds = binds_new ();
  gint64 seen = 0;

  if (info == NULL)
    return FALSE;

  add_number (binds, record->rid);
  append_visibility (sql, binds, viewer, info);

  return alta_store_query_dynamic (store, sql->str, (const AltaBind *)binds->data,
                                   alta_store_copy_int64, &seen, error) &&
         seen != 0;
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

/* A page of search results, read from a query for one row more than the page holds */
typedef struct
{
  AltaFhirPage *page;
  guint         count;
} ReadPage;

static void
read_page_row (sqlite3_stmt *stmt,
               gpointer      user_data)
{
  ReadPage *read_page = user_data;
  AltaFhirPage *page = read_page->page;

  if (page->records->len == read_page->count)
    {
      page->has_more = TRUE;
      return;
    }

  g_ptr_array_add (page->records, read_record (stmt));
  page->next_key = sqlite3_column_int64 (stmt, 7);
  page->next_rid = sqlite3_column_int64 (stmt, 0);
}

/* Search totals, kept while the record is unchanged: a patient paging through 10,000
 * results had every match counted again for each of 76 pages. A total is keyed by its SQL
 * and values with the viewer's time left out; it holds while the store's generation is the
 * same and the time stays before the next release of a held result (what the time decides
 * in a search is only whether a result is released yet).
 */
typedef struct
{
  gint64  total;
  guint64 generation;
  gint64  counted_at;    /* the viewer's time when counted */
  gint64  valid_before;  /* the next release after that, or G_MAXINT64 */
} CachedTotal;

#define MAX_CACHED_TOTALS 4096

static GMutex      totals_lock;
static GHashTable *totals;      /* key text → CachedTotal */
static AltaStore  *totals_store; /* the store they were counted in (not a reference) */

static char *
total_key (const char   *sql,
           const GArray *binds)
{
  GString *key = g_string_new (sql);

  for (guint i = 0; i < binds->len; i++)
    {
      const AltaBind *bind = &g_array_index (binds, AltaBind, i);

      switch (bind->kind)
        {
        case ALTA_BIND_KIND_TEXT:
          if (bind->text != NULL)
            {
              g_string_append_printf (key, "\037t%" G_GSIZE_FORMAT ":", strlen (bind->text));
              g_string_append (key, bind->text);
            }
          else
            g_string_append (key, "\037n");
          break;
        case ALTA_BIND_KIND_INT:
          g_string_append_printf (key, "\037i%" G_GINT64_FORMAT, bind->number);
          break;
        case ALTA_BIND_KIND_NULL:
          g_string_append (key, "\037n");
          break;
        case ALTA_BIND_KIND_END:
        default:
          break;
        }
    }

  return g_string_free (key, FALSE);
}

/* The total of @search for @viewer: counted, or as counted before while that holds */
static gboolean
count_matches (AltaStore             *store,
               const AltaFhirViewer  *viewer,
               const AltaFhirSearch  *search,
               gint64                *out_total,
               GError               **error)
{
  g_autoptr (GString) count_sql = g_string_new ("SELECT count (*) FROM fhir_resources r");
  g_autoptr (GString) key_sql = g_string_new (NULL);
  g_autoptr (GArray) count_binds = binds_new ();
  g_autoptr (GArray) key_binds = binds_new ();
  g_autofree char *key = NULL;
  AltaFhirViewer timeless = *viewer;
  guint64 generation = alta_store_get_fhir_generation (store);
  AltaStore *origin = alta_store_get_origin (store);   /* the readers share the writer's */
  CachedTotal *cached;
  gint64 total = 0, next_release = 0;

  /* The same conditions with the time left out, as the key */
  timeless.now = G_MININT64;
  append_conditions (key_sql, key_binds, &timeless, search);
  key = total_key (key_sql->str, key_binds);

  g_mutex_lock (&totals_lock);
  if (totals == NULL || totals_store != origin)
    {
      g_clear_pointer (&totals, g_hash_table_unref);
      totals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      totals_store = origin;
    }
  cached = g_hash_table_lookup (totals, key);
  if (cached != NULL && cached->generation == generation && cached->counted_at <= viewer->now &&
      viewer->now < cached->valid_before)
    {
      *out_total = cached->total;
      g_mutex_unlock (&totals_lock);
      return TRUE;
    }
  g_mutex_unlock (&totals_lock);

  append_conditions (count_sql, count_binds, viewer, search);
  if (!alta_store_query_dynamic (store, count_sql->str, (const AltaBind *)count_binds->data,
                                 alta_store_copy_int64, &total, error) ||
      !alta_store_query_each (store, "SELECT coalesce (min (released_at), 0) FROM fhir_resources"
                                     " WHERE released_at IS NOT NULL AND released_at > ?1",
                              ALTA_BINDS (ALTA_BIND_INT (viewer->now)), alta_store_copy_int64,
                              &next_release, error))
    return FALSE;

  g_mutex_lock (&totals_lock);
  if (totals_store == origin)
    {
      if (g_hash_table_size (totals) >= MAX_CACHED_TOTALS)
        g_hash_table_remove_all (totals);
      cached = g_new0 (CachedTotal, 1);
      cached->total = total;
      cached->generation = generation;
      cached->counted_at = viewer->now;
      cached->valid_before = next_release != 0 ? next_release : G_MAXINT64;
      g_hash_table_replace (totals, g_steal_pointer (&key), cached);
    }
  g_mutex_unlock (&totals_lock);

  *out_total = total;
  return TRUE;
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
  g_autoptr (GString) sql = NULL;
  g_autoptr (GArray) binds = binds_new ();
  g_autofree char *key_expression = NULL;
  const char *order = search->descending ? "DESC" : "ASC";
  const char *compare = search->descending ? "<" : ">";
  gint64 total = 0;
  ReadPage read_page = { page, search->count };

  page->records = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_fhir_record_free);

  if (!count_matches (store, viewer, search, &total, error))
    return NULL;
  page->total = total;

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
          /* The key is one parameter named twice (?N), not two with the same value: SQLite
           * reads "key < ?N OR (key = ?N AND …)" as a bound "key <= ?N" on the sort index
           * only when both sides compare with the same expression. With two parameters the
           * page walked the index from the top of the record and stepped over every row
           * before the cursor (page 101: 5,000 rows, 25 times the steps of page 1). A plain
           * ? after ?N is N + 1, so the rid and the limit follow in order. */
          guint key_param = binds->len + 1;

          g_string_append_printf (sql, " AND (%s %s ?%u OR (%s = ?%u AND r.rid %s ?))",
                                  key_expression, compare, key_param,
                                  key_expression, key_param, compare);
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

  if (!alta_store_query_dynamic (store, sql->str, (const AltaBind *)binds->data, read_page_row,
                                 &read_page, error))
    return NULL;

  return g_steal_pointer (&page);
}
