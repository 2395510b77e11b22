/* alta-server-fhir.c: the clinical record, a FHIR R4 REST API under /fhir/R4
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-server-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "alta-fhir-capability.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-search.h"
#include "alta-fhir-store.h"
#include "alta-i18n.h"
#include "alta-server-private.h"

#define FHIR_BASE       "/fhir/R4/"
#define FHIR_JSON       "application/fhir+json; charset=utf-8"

/* Who may see what (portal-api.md): a patient their own record and those reachable by proxy
 * today; staff every record. Unreleased results are invisible to patients. Every read of a
 * record is in the audit trail.
 */

static const char *
issue_code_for (AltaPortalError code)
{
  switch (code)
    {
    case ALTA_PORTAL_ERROR_INVALID_REQUEST:
    case ALTA_PORTAL_ERROR_INVALID_FIELD:
      return "invalid";
    case ALTA_PORTAL_ERROR_NOT_FOUND:
      return "not-found";
    case ALTA_PORTAL_ERROR_FORBIDDEN:
    case ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS:
      return "forbidden";
    case ALTA_PORTAL_ERROR_SESSION_EXPIRED:
    case ALTA_PORTAL_ERROR_INVALID_CREDENTIALS:
      return "login";
    case ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED:
      return "not-supported";
    case ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE:
      return "too-long";
    case ALTA_PORTAL_ERROR_RATE_LIMITED:
      return "throttled";
    case ALTA_PORTAL_ERROR_CONFLICT:
      return "conflict";
    case ALTA_PORTAL_ERROR_NETWORK:
    case ALTA_PORTAL_ERROR_INVALID_RESPONSE:
    case ALTA_PORTAL_ERROR_CERTIFICATE:
    case ALTA_PORTAL_ERROR_TIMEOUT:
    case ALTA_PORTAL_ERROR_CODE_INVALID:
    case ALTA_PORTAL_ERROR_CODE_EXPIRED:
    case ALTA_PORTAL_ERROR_CODE_USED:
    case ALTA_PORTAL_ERROR_USERNAME_TAKEN:
    case ALTA_PORTAL_ERROR_WEAK_PASSWORD:
    case ALTA_PORTAL_ERROR_ACCOUNT_LOCKED:
    case ALTA_PORTAL_ERROR_TOKEN_INVALID:
    case ALTA_PORTAL_ERROR_TOKEN_EXPIRED:
    case ALTA_PORTAL_ERROR_HAS_ACCOUNT:
    case ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED:
      return "processing";
    case ALTA_PORTAL_ERROR_INTERNAL:
    case ALTA_PORTAL_ERROR_UNAVAILABLE:
    default:
      return "exception";
    }
}

static void
set_fhir_body (SoupServerMessage *msg,
               guint              status,
               char              *text)
{
  gsize length = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, FHIR_JSON, SOUP_MEMORY_TAKE, text, length);
}

/**
 * alta_server_fhir_reply_outcome:
 * @request: a request under /fhir/
 * @status: the HTTP status
 * @code: what went wrong
 * @message: the translated text for the person
 *
 * Answers with an OperationOutcome, as FHIR servers do.
 */
void
alta_server_fhir_reply_outcome (AltaRequest     *request,
                                guint            status,
                                AltaPortalError  code,
                                const char      *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "OperationOutcome");
  json_builder_set_member_name (builder, "issue");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, status >= 500 ? "fatal" : "error");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, issue_code_for (code));
  json_builder_set_member_name (builder, "details");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, alta_portal_error_to_code (code));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "diagnostics");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  set_fhir_body (request->msg, status, json_to_string (root, FALSE));
}

/* The format comes from our own catalog, whose formats msgfmt --check-format checks. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static gboolean
fail (AltaRequest      *request,
      AltaPortalError   code,
      const char       *format,
      const char       *argument,
      GError          **error)
{
  request->diagnostics = g_strdup_printf (alta_i18n_gettext (request->language, format), argument);
  g_set_error_literal (error, ALTA_PORTAL_ERROR, code, request->diagnostics);
  return FALSE;
}
#pragma GCC diagnostic pop

/**
 * alta_server_fhir_dup_base_url:
 * @request: a request under /fhir/
 *
 * Links never come from the Host header, which the client chooses ("Host: evil.example"
 * would send the next page's request, token and all, elsewhere): from `[server]
 * public_url` behind a proxy, else from the address the server listens on.
 *
 * Returns: (transfer full): the base of the FHIR API, without a final slash, for links and
 *   Location headers
 */
char *
alta_server_fhir_dup_base_url (AltaRequest *request)
{
  AltaServer *self = request->server;
  g_autofree char *url = NULL;

  if (self->config->public_url != NULL)
    return g_strconcat (self->config->public_url, "/fhir/R4", NULL);

  url = alta_server_dup_url (self);
  return g_strconcat (url != NULL ? url : "", "/fhir/R4", NULL);
}

static void
append_json_string (GString    *text,
                    const char *value)
{
  g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), value);
  g_autofree char *encoded = json_to_string (node, FALSE);

  g_string_append (text, encoded);
}

/* The viewer of a request: staff, or the records the account may see today */
typedef struct
{
  AltaFhirViewer  viewer;
  GPtrArray      *patient_ids;
  char           *patient_ids_json;
} Viewer;

static void
viewer_clear (Viewer *viewer)
{
  g_clear_pointer (&viewer->patient_ids, g_ptr_array_unref);
  g_clear_pointer (&viewer->patient_ids_json, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Viewer, viewer_clear)

static gboolean
load_viewer (AltaRequest  *request,
             Viewer       *viewer,
             GError      **error)
{
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;

  viewer->viewer.now = request->now;
  viewer->viewer.staff = g_strcmp0 (request->account->role, "staff") == 0;

  viewer->patient_ids = alta_server_list_record_ids (request->server, request->account,
                                                     request->now, &store_error);
  if (viewer->patient_ids == NULL)
    return alta_request_store_failed (request, store_error, error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < viewer->patient_ids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (viewer->patient_ids, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  viewer->patient_ids_json = json_to_string (root, FALSE);
  viewer->viewer.patient_ids_json = viewer->patient_ids_json;
  return TRUE;
}

static gboolean
viewer_has_record (Viewer     *viewer,
                   const char *patient_id)
{
  if (viewer->viewer.staff)
    return TRUE;

  for (guint i = 0; i < viewer->patient_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (viewer->patient_ids, i), patient_id) == 0)
      return TRUE;

  return FALSE;
}

/* Every read of a record is in the audit trail: who, whose records, which type, and how
 * it went. A search across records (staff) names each patient it returned, one row each;
 * @patient_ids is then every distinct patient of the page, and may be empty.
 */
static gboolean
audit_reads (AltaRequest  *request,
             const char   *action,
             const char   *type,
             GPtrArray    *patient_ids,
             const char   *outcome,
             GError      **error)
{
  g_autoptr (GError) store_error = NULL;
  g_autofree char *full_action = g_strconcat (action, ":", type, NULL);
  g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < patient_ids->len; i++)
    g_ptr_array_add (targets, g_strconcat ("Patient/", (char *)g_ptr_array_index (patient_ids, i),
                                           NULL));

  /* Reads are many: their rows are written together, without an fsync (a power cut can
   * lose them, and a crash of the server those not yet written, see
   * alta_request_audit_reads()). When too many wait for a failing database, refused. */
  if (!alta_request_audit_reads (request, full_action, targets, outcome, &store_error))
    return alta_request_store_failed (request, store_error, error);

  return TRUE;
}

static gboolean
audit_read (AltaRequest  *request,
            const char   *action,
            const char   *type,
            const char   *patient_id,
            GError      **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  if (patient_id != NULL)
    g_ptr_array_add (ids, (gpointer)patient_id);
  return audit_reads (request, action, type, ids, "success", error);
}

/* An attempt at a record the account may not see is audited before it is refused: the
 * attempts are what a review of the trail looks for. Returns %FALSE with @error set to the
 * refusal.
 */
static gboolean
refuse_record (AltaRequest  *request,
               const char   *action,
               const char   *type,
               const char   *patient_id,
               GError      **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GError) store_error = NULL;

  g_ptr_array_add (ids, (gpointer)patient_id);
  if (!audit_reads (request, action, type, ids, alta_portal_error_to_code (ALTA_PORTAL_ERROR_FORBIDDEN),
                    &store_error))
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }

  return fail (request, ALTA_PORTAL_ERROR_FORBIDDEN,
               N_("This account cannot see the record of patient %s."), patient_id, error);
}

/* A read of one resource: found and checked on a read connection, audited and answered on
 * the main thread */
typedef struct
{
  Viewer                  viewer;
  const AltaFhirTypeInfo *info;
  char                   *id;
  AltaFhirRecord         *record;   /* NULL: there is none */
  gboolean                visible;
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  viewer_clear (&job->viewer);
  g_free (job->id);
  g_clear_pointer (&job->record, alta_fhir_record_free);
  g_free (job);
}

static gboolean
read_resource (AltaStore  *store,
               gpointer    data,
               GError    **error)
{
  ReadJob *job = data;
  g_autoptr (GError) store_error = NULL;

  job->record = alta_fhir_store_get (store, job->info->type, job->id, &store_error);
  if (job->record == NULL)
    {
      if (g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }

  job->visible = alta_fhir_store_can_see (store, &job->viewer.viewer, job->record, &store_error);
  if (store_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
answer_read (AltaRequest  *request,
             gpointer      data,
             GError      **error)
{
  ReadJob *job = data;
  const AltaFhirTypeInfo *info = job->info;
  AltaFhirRecord *record = job->record;
  g_autofree char *etag = NULL;

  if (record == NULL)
    return fail (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                 N_("There is no %s with that id."), info->type, error);

  if (!job->visible)
    {
      /* Another record's resource (or an unreleased result): not found, and the attempt on
       * the record it belongs to is in the trail. */
      if (record->patient_id != NULL)
        {
          g_autoptr (GPtrArray) ids = g_ptr_array_new ();

          g_ptr_array_add (ids, record->patient_id);
          if (!audit_reads (request, "record.read", info->type, ids,
                            alta_portal_error_to_code (ALTA_PORTAL_ERROR_NOT_FOUND), error))
            return FALSE;
        }
      return fail (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                   N_("There is no %s with that id."), info->type, error);
    }

  if (record->patient_id != NULL && !audit_read (request, "record.read", info->type,
                                                 record->patient_id, error))
    return FALSE;

  etag = g_strdup_printf ("W/\"%d\"", record->version);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "ETag", etag);
  set_fhir_body (request->msg, SOUP_STATUS_OK, g_steal_pointer (&record->json));
  return TRUE;
}

static gboolean
handle_read (AltaRequest             *request,
             Viewer                  *viewer,
             const AltaFhirTypeInfo  *info,
             const char              *id,
             GError                 **error)
{
  ReadJob *job;

  if (!alta_fhir_id_is_valid (id))
    return fail (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                 N_("There is no %s with that id."), info->type, error);

  /* Another patient's record is refused outright; its resources are simply not found. */
  if (strcmp (info->type, "Patient") == 0 && !viewer_has_record (viewer, id))
    return refuse_record (request, "record.read", info->type, id, error);

  job = g_new0 (ReadJob, 1);
  job->viewer = *viewer;
  *viewer = (Viewer) { 0 };
  job->info = info;
  job->id = g_strdup (id);
  return alta_request_read (request, read_resource, answer_read, job,
                            (GDestroyNotify)read_job_free, error);
}

/* A search: the page read and its Bundle written on a read connection, audited and
 * answered on the main thread */
typedef struct
{
  Viewer                  viewer;
  const AltaFhirTypeInfo *info;
  AltaFhirSearch         *search;
  char                   *query;      /* as asked, for the self link; NULL when none */
  char                   *base;
  char                   *now_text;
  AltaFhirPage           *page;
  char                   *text;       /* the Bundle */
} SearchJob;

static void
search_job_free (SearchJob *job)
{
  viewer_clear (&job->viewer);
  g_clear_pointer (&job->search, alta_fhir_search_free);
  g_free (job->query);
  g_free (job->base);
  g_free (job->now_text);
  g_clear_pointer (&job->page, alta_fhir_page_free);
  g_free (job->text);
  g_free (job);
}

static gboolean
run_search (AltaStore  *store,
            gpointer    data,
            GError    **error)
{
  SearchJob *job = data;
  const AltaFhirTypeInfo *info = job->info;
  AltaFhirSearch *search = job->search;
  const char *base = job->base;
  const char *query = job->query;
  g_autofree char *self_url = NULL;
  g_autofree char *bundle_id = g_uuid_string_random ();
  AltaFhirPage *page;
  GString *text;

  job->page = alta_fhir_store_search (store, &job->viewer.viewer, search, error);
  if (job->page == NULL)
    return FALSE;
  page = job->page;

  self_url = query != NULL && query[0] != '\0'
               ? g_strdup_printf ("%s/%s?%s", base, info->type, query)
               : g_strdup_printf ("%s/%s", base, info->type);

  text = g_string_sized_new (4096);
  g_string_append (text, "{\"resourceType\":\"Bundle\",\"id\":");
  append_json_string (text, bundle_id);
  g_string_append (text, ",\"meta\":{\"lastUpdated\":");
  append_json_string (text, job->now_text);
  g_string_append_printf (text, "},\"type\":\"searchset\",\"total\":%u,\"link\":[", page->total);
  g_string_append (text, "{\"relation\":\"self\",\"url\":");
  append_json_string (text, self_url);
  g_string_append (text, "}");
  if (page->has_more)
    {
      g_autofree char *cursor = alta_fhir_search_encode_cursor (page->next_key, page->next_rid);
      g_autofree char *next_url =
        g_strdup_printf ("%s/%s?%s%s_page=%s", base, info->type, search->query_without_page,
                         search->query_without_page[0] != '\0' ? "&" : "", cursor);

      g_string_append (text, ",{\"relation\":\"next\",\"url\":");
      append_json_string (text, next_url);
      g_string_append (text, "}");
    }
  g_string_append (text, "]");

  if (page->records->len > 0)
    {
      g_string_append (text, ",\"entry\":[");
      for (guint i = 0; i < page->records->len; i++)
        {
          AltaFhirRecord *record = g_ptr_array_index (page->records, i);
          g_autofree char *full_url = g_strdup_printf ("%s/%s/%s", base, record->type, record->id);

          if (i > 0)
            g_string_append_c (text, ',');
          g_string_append (text, "{\"fullUrl\":");
          append_json_string (text, full_url);
          g_string_append (text, ",\"resource\":");
          g_string_append (text, record->json);
          g_string_append (text, ",\"search\":{\"mode\":\"match\"}}");
        }
      g_string_append (text, "]");
    }
  g_string_append (text, "}");

  job->text = g_string_free (text, FALSE);
  return TRUE;
}

static gboolean
answer_search (AltaRequest  *request,
               gpointer      data,
               GError      **error)
{
  SearchJob *job = data;
  const AltaFhirTypeInfo *info = job->info;
  AltaFhirSearch *search = job->search;
  AltaFhirPage *page = job->page;

  if (info->scope == ALTA_FHIR_SCOPE_PATIENT && search->patient_id != NULL &&
      !audit_read (request, "record.search", info->type, search->patient_id, error))
    return FALSE;

  /* A search across records (staff only) names every patient whose resources it returned. */
  if (info->scope == ALTA_FHIR_SCOPE_PATIENT && search->patient_id == NULL)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GPtrArray) ids = g_ptr_array_new ();

      for (guint i = 0; i < page->records->len; i++)
        {
          AltaFhirRecord *record = g_ptr_array_index (page->records, i);

          if (record->patient_id != NULL && g_hash_table_add (seen, record->patient_id))
            g_ptr_array_add (ids, record->patient_id);
        }

      if (!audit_reads (request, "record.search", info->type, ids, "success", error))
        return FALSE;
    }

  set_fhir_body (request->msg, SOUP_STATUS_OK, g_steal_pointer (&job->text));
  return TRUE;
}

static gboolean
handle_search (AltaRequest             *request,
               Viewer                  *viewer,
               const AltaFhirTypeInfo  *info,
               GError                 **error)
{
  GUri *uri = soup_server_message_get_uri (request->msg);
  const char *query = g_uri_get_query (uri);
  g_autoptr (AltaFhirSearch) search = NULL;
  g_autoptr (GError) search_error = NULL;
  g_autofree char *bad_param = NULL;
  SearchJob *job;

  search = alta_fhir_search_parse (info->type, query, &bad_param, &search_error);
  if (search == NULL)
    return fail (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                 N_("The search parameter “%s” is not supported here, or its value is not valid."),
                 bad_param != NULL ? bad_param : "?", error);

  if (info->scope == ALTA_FHIR_SCOPE_PATIENT && strcmp (info->type, "Patient") != 0 &&
      search->patient_id == NULL && !viewer->viewer.staff)
    return fail (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                 N_("A search of %s must name the record with patient=."), info->type, error);

  if (search->patient_id != NULL && !viewer_has_record (viewer, search->patient_id))
    return refuse_record (request, "record.search", info->type, search->patient_id, error);

  job = g_new0 (SearchJob, 1);
  job->viewer = *viewer;
  *viewer = (Viewer) { 0 };
  job->info = info;
  job->search = g_steal_pointer (&search);
  job->query = g_strdup (query);
  job->base = alta_server_fhir_dup_base_url (request);
  job->now_text = alta_fhir_format_instant (request->now);
  return alta_request_read (request, run_search, answer_search, job,
                            (GDestroyNotify)search_job_free, error);
}

static gboolean
handle_fhir_get (AltaRequest  *request,
                 GError      **error)
{
  const char *rest = request->path + strlen (FHIR_BASE);
  g_auto (GStrv) parts = g_strsplit (rest, "/", 3);
  g_auto (Viewer) viewer = { 0 };
  const AltaFhirTypeInfo *info;

  if (parts[0] == NULL || parts[0][0] == '\0' || (parts[1] != NULL && parts[2] != NULL))
    return fail (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                 N_("There is nothing at %s."), request->path, error);

  info = alta_fhir_type_lookup (parts[0]);
  if (info == NULL)
    return fail (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                 N_("The resource type %s is not served here."), parts[0], error);

  if (!load_viewer (request, &viewer, error))
    return FALSE;

  if (parts[1] != NULL && parts[1][0] != '\0')
    return handle_read (request, &viewer, info, parts[1], error);

  return handle_search (request, &viewer, info, error);
}

static gboolean
handle_metadata (AltaRequest  *request,
                 GError      **error)
{
  g_autofree char *base = alta_server_fhir_dup_base_url (request);
  g_autoptr (JsonNode) root = alta_fhir_capability_statement_new (base, request->now);

  set_fhir_body (request->msg, SOUP_STATUS_OK, json_to_string (root, FALSE));
  return TRUE;
}

static const AltaRoute fhir_routes[] = {
  { "GET", "/fhir/R4/metadata", ALTA_ROUTE_PUBLIC, FALSE, handle_metadata },
  { "GET", "/fhir/R4/*", ALTA_ROUTE_SIGNED_IN, FALSE, handle_fhir_get },
};

void
alta_server_fhir_register (AltaServer *self)
{
  alta_server_add_routes (self, fhir_routes, G_N_ELEMENTS (fhir_routes));
}
