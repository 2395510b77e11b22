/* alta-server-fhir-write.c: writes to the clinical record (FHIR create, update, patch)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-server-fhir-write"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "alta-fhir-appointments.h"
#include "alta-fhir-messages.h"
#include "alta-fhir-refills.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-store.h"
#include "alta-i18n.h"
#include "alta-json.h"
#include "alta-request-body.h"
#include "alta-server-fhir-write.h"
#include "alta-store-private.h"

/* Every write goes the same way (portal-api.md, "Clinical record"): a signed-in patient or
 * proxy, a body of the path's type, the record it is for among those the account may read
 * today, one BEGIN IMMEDIATE transaction for the resource, what its type's handler changes
 * besides (a slot, a notice mail) and the audit row; a refused write is audited too. The
 * type's handler checks what is particular to it.
 */

#define FHIR_BASE       "/fhir/R4/"
#define FHIR_JSON       "application/fhir+json; charset=utf-8"
#define JSON_PATCH      "application/json-patch+json"

/* The types that can be written; the last entry is empty. */
static const AltaFhirWriteType write_types[] = {
  { "Appointment", alta_fhir_appointment_create, alta_fhir_appointment_update },
  { "Communication", alta_fhir_message_create, alta_fhir_message_update },
  { "Task", alta_fhir_refill_create, NULL },
  { NULL, NULL, NULL }
};

typedef enum
{
  WRITE_CREATE,
  WRITE_UPDATE,
  WRITE_PATCH,
} WriteKind;

/* What a write handler keeps while it runs, for its answer and its audit row */
typedef struct
{
  WriteKind                kind;
  const AltaFhirWriteType *type;
  char                    *id;          /* the resource's id, once known */
  char                    *patient_id;  /* the record, once known */
  char                    *grant;       /* "proxy:<account>:<patient>" for a proxy */
  guint                    status;      /* an answer other than the error table's (412) */
} WriteContext;

static void
write_context_clear (WriteContext *context)
{
  g_clear_pointer (&context->id, g_free);
  g_clear_pointer (&context->patient_id, g_free);
  g_clear_pointer (&context->grant, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WriteContext, write_context_clear)

static void
write_clear (AltaFhirWrite *write)
{
  g_clear_pointer (&write->resource, json_object_unref);
  g_clear_pointer (&write->author_ref, g_free);
  g_clear_pointer (&write->existing, alta_fhir_record_free);
  g_clear_pointer (&write->existing_resource, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AltaFhirWrite, write_clear)

/* The format comes from our own catalog, whose formats msgfmt --check-format checks. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static gboolean
fail_request (AltaRequest      *request,
              AltaPortalError   code,
              const char       *format,
              const char       *argument,
              GError          **error)
{
  g_free (request->diagnostics);
  request->diagnostics = g_strdup_printf (alta_i18n_gettext (request->language, format),
                                          argument);
  g_set_error_literal (error, ALTA_PORTAL_ERROR, code, request->diagnostics);
  return FALSE;
}
#pragma GCC diagnostic pop

static gboolean
fail_plain (AltaRequest      *request,
            AltaPortalError   code,
            const char       *message,
            GError          **error)
{
  g_free (request->diagnostics);
  request->diagnostics = g_strdup (alta_i18n_gettext (request->language, message));
  g_set_error_literal (error, ALTA_PORTAL_ERROR, code, request->diagnostics);
  return FALSE;
}

/**
 * alta_fhir_write_fail:
 * @write: the write
 * @code: what went wrong: %ALTA_PORTAL_ERROR_INVALID_FIELD (422), %ALTA_PORTAL_ERROR_CONFLICT
 *   (409), %ALTA_PORTAL_ERROR_INVALID_REQUEST (400), %ALTA_PORTAL_ERROR_FORBIDDEN (403) ...
 * @format: an untranslated text, marked with N_(), with at most one `%s`
 * @argument: (nullable): what `%s` stands for
 * @error: return location for a #GError
 *
 * Refuses the write with a translated diagnostics text in the request's language.
 *
 * Returns: %FALSE, always
 */
gboolean
alta_fhir_write_fail (AltaFhirWrite    *write,
                      AltaPortalError   code,
                      const char       *format,
                      const char       *argument,
                      GError          **error)
{
  return fail_request (write->request, code, format, argument != NULL ? argument : "", error);
}

/**
 * alta_fhir_write_only_changed:
 * @write: an update or patch
 * @allowed: (array zero-terminated=1): the top-level elements that may change
 * @error: return location for a #GError
 *
 * Compares the new resource with the stored one; `meta` is the server's and never counts.
 *
 * Returns: %FALSE with a 422 naming the first element that changed and may not
 */
gboolean
alta_fhir_write_only_changed (AltaFhirWrite       *write,
                              const char * const  *allowed,
                              GError             **error)
{
  JsonObject *objects[2] = { write->existing_resource, write->resource };

  g_return_val_if_fail (write->existing_resource != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, objects[i]);
      while (json_object_iter_next (&iter, &name, &member))
        {
          JsonNode *other = json_object_get_member (objects[1 - i], name);

          if (strcmp (name, "meta") == 0 || g_strv_contains (allowed, name))
            continue;

          if (other == NULL || !json_node_equal (member, other))
            return alta_fhir_write_fail (write, ALTA_PORTAL_ERROR_INVALID_FIELD,
                                         /* Translators: %s is the name of a FHIR element, such as "start" */
                                         N_("“%s” cannot be changed."), name, error);
        }
    }

  return TRUE;
}

static JsonObject *
parse_object (const char  *json,
              GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                           "The stored resource is not an object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * alta_fhir_write_load:
 * @write: the write
 * @reference: "Type/id", as a resource names another
 * @expected_type: the type @reference must name
 * @out_record: (out) (optional) (transfer full): the stored record
 * @error: return location for a #GError
 *
 * Loads a resource the write depends on (the Slot an Appointment books), to read or change
 * it in the write's transaction.
 *
 * Returns: (transfer full) (nullable): a copy of the resource that may be changed, or
 *   %NULL with %ALTA_STORE_ERROR_NOT_FOUND when @reference names no @expected_type
 */
JsonObject *
alta_fhir_write_load (AltaFhirWrite    *write,
                      const char       *reference,
                      const char       *expected_type,
                      AltaFhirRecord  **out_record,
                      GError          **error)
{
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  g_autoptr (AltaFhirRecord) record = NULL;
  JsonObject *resource;

  if (!alta_fhir_split_reference (reference, &type, &id) || strcmp (type, expected_type) != 0)
    {
      g_set_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                   "Not a reference to a %s", expected_type);
      return NULL;
    }

  record = alta_fhir_store_get (write->request->server->store, type, id, error);
  if (record == NULL)
    return NULL;

  resource = parse_object (record->json, error);
  if (resource != NULL && out_record != NULL)
    *out_record = g_steal_pointer (&record);
  return resource;
}

/**
 * alta_fhir_write_put:
 * @write: the write
 * @resource: a resource to create or change besides the one written (a Slot)
 * @id: its id
 * @patient_id: (nullable): its record, or %NULL for a calendar or directory resource
 * @error: return location for a #GError
 *
 * Stores @resource, in the write's transaction, with a new version when it changed.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_fhir_write_put (AltaFhirWrite  *write,
                     JsonObject     *resource,
                     const char     *id,
                     const char     *patient_id,
                     GError        **error)
{
  g_autoptr (AltaFhirIndex) index = alta_fhir_index_resource (resource, error);

  if (index == NULL)
    return FALSE;

  return alta_fhir_store_put (write->request->server->store, resource, index, id, patient_id,
                              NULL, 0, FALSE, write->request->now, NULL, error);
}

/* A new resource's id: 128 random bits, not guessable */
static char *
new_resource_id (void)
{
  guint8 bytes[16];
  char hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strdup (hex);
}

static const AltaFhirWriteType *
lookup_write_type (const char *type)
{
  for (guint i = 0; write_types[i].type != NULL; i++)
    if (strcmp (write_types[i].type, type) == 0)
      return &write_types[i];

  return NULL;
}

/* The body, parsed into a tree the handlers may change (the account API's parser gives
 * sealed objects)
 */
static JsonNode *
read_body (AltaRequest  *request,
           GError      **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  const char *data;
  gsize length;

  if (body->length > ALTA_MAX_BODY_BYTES)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE,
                           "The body is over 1 MiB");
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);

  if (data == NULL || length == 0)
    {
      fail_plain (request, ALTA_PORTAL_ERROR_INVALID_REQUEST, N_("The request has no body."),
                  error);
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL) ||
      !alta_json_check_depth (data, length, ALTA_MAX_BODY_DEPTH) ||
      !json_parser_load_from_data (parser, data, length, &parse_error))
    {
      fail_plain (request, ALTA_PORTAL_ERROR_INVALID_REQUEST, N_("The body is not valid JSON."),
                  error);
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}

/* If-None-Exist: identifier=<system>|<value> (the only form the portal's clients send) */
static gboolean
read_if_none_exist (AltaRequest  *request,
                    char        **out_value,
                    GError      **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *header = soup_message_headers_get_one (headers, "If-None-Exist");
  g_autofree char *query = NULL;
  const char *bar;

  *out_value = NULL;
  if (header == NULL)
    return TRUE;

  query = g_uri_unescape_string (header, NULL);
  if (query == NULL || !g_str_has_prefix (query, "identifier=") ||
      (bar = strchr (query, '|')) == NULL ||
      strncmp (query + strlen ("identifier="), ALTA_FHIR_CLIENT_REQUEST_SYSTEM,
               bar - (query + strlen ("identifier="))) != 0 ||
      (gsize)(bar - (query + strlen ("identifier="))) != strlen (ALTA_FHIR_CLIENT_REQUEST_SYSTEM) ||
      bar[1] == '\0' || strlen (bar + 1) > 128)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("If-None-Exist must be identifier=%s|<uuid>."),
                         ALTA_FHIR_CLIENT_REQUEST_SYSTEM, error);

  *out_value = g_strdup (bar + 1);
  return TRUE;
}

/* The value of the resource's client-request identifier, if it has one */
static const char *
get_client_request_id (JsonObject *resource)
{
  JsonArray *identifiers = alta_json_get_array (resource, "identifier");

  if (identifiers == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonObject *identifier = alta_json_array_get_object (identifiers, i);

      if (g_strcmp0 (alta_json_get_string (identifier, "system"),
                     ALTA_FHIR_CLIENT_REQUEST_SYSTEM) == 0)
        return alta_json_get_string (identifier, "value");
    }

  return NULL;
}

/* Where find_client_request() puts the row it finds */
typedef struct
{
  char **type;
  char **id;
  char **patient_id;
} ClientRequestRow;

static void
read_client_request (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  ClientRequestRow *row = user_data;

  *row->type = alta_store_column_dup_text (stmt, 0);
  *row->id = alta_store_column_dup_text (stmt, 1);
  *row->patient_id = alta_store_column_dup_text (stmt, 2);
}

/* Finds the resource an earlier try of the same create made: Type/id and its record. A
 * client request id names one resource only (a unique index), so there is one row at most.
 */
static gboolean
find_client_request (AltaStore   *store,
                     const char  *value,
                     char       **out_type,
                     char       **out_id,
                     char       **out_patient_id,
                     GError     **error)
{
  ClientRequestRow row = { out_type, out_id, out_patient_id };

  *out_type = *out_id = *out_patient_id = NULL;
  return alta_store_query_each (store,
                                "SELECT r.type, r.id, r.patient_id"
                                " FROM fhir_identifiers i"
                                " JOIN fhir_resources r ON r.rid = i.rid"
                                " WHERE i.system = ?1 AND i.value = ?2",
                                ALTA_BINDS (ALTA_BIND_TEXT (ALTA_FHIR_CLIENT_REQUEST_SYSTEM),
                                            ALTA_BIND_TEXT (value)),
                                read_client_request, &row, error);
}

static void
reply_resource (AltaRequest    *request,
                guint           status,
                AltaFhirRecord *record,
                gboolean        location)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (request->msg);
  g_autofree char *etag = g_strdup_printf ("W/\"%d\"", record->version);
  char *json = g_steal_pointer (&record->json);

  if (location)
    {
      g_autofree char *base = alta_server_fhir_dup_base_url (request);
      g_autofree char *url = g_strdup_printf ("%s/%s/%s/_history/%d", base, record->type,
                                              record->id, record->version);

      soup_message_headers_replace (headers, "Location", url);
    }
  soup_message_headers_replace (headers, "ETag", etag);
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, FHIR_JSON, SOUP_MEMORY_TAKE, json,
                                    strlen (json));
}

/* Patient/<id> of the resource's record; a 400 names the element when it has none */
static gboolean
find_record (AltaRequest    *request,
             JsonObject     *resource,
             char          **out_patient_id,
             GError        **error)
{
  g_autoptr (GError) index_error = NULL;
  g_autoptr (AltaFhirIndex) index = alta_fhir_index_resource (resource, &index_error);
  g_autofree char *type = NULL;
  const AltaFhirTypeInfo *info = alta_fhir_type_lookup (alta_json_get_string (resource,
                                                                              "resourceType"));

  if (index == NULL)
    {
      g_message ("Request %s: an unusable resource: %s", request->request_id,
                 index_error->message);
      /* Translators: %s says what is wrong, in English, as FHIR tools report it */
      return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                           N_("The resource is not valid: %s."), index_error->message, error);
    }

  if (info->scope != ALTA_FHIR_SCOPE_PATIENT || index->patient_ref == NULL ||
      !alta_fhir_split_reference (index->patient_ref, &type, out_patient_id) ||
      strcmp (type, "Patient") != 0)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("The field “%s” must name the patient as Patient/<id>."),
                         info->patient_element != NULL ? info->patient_element : "subject",
                         error);

  return TRUE;
}

static gboolean
account_may_write (AltaRequest  *request,
                   const char   *patient_id,
                   gboolean     *out_is_proxy,
                   GError      **error)
{
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GError) store_error = NULL;

  if (request->account->patient_id == NULL)
    return fail_plain (request, ALTA_PORTAL_ERROR_FORBIDDEN,
                       N_("Staff accounts change records with the clinic's tools, not "
                          "through the portal."), error);

  ids = alta_server_list_record_ids (request->server, request->account, request->now,
                                     &store_error);
  if (ids == NULL)
    return alta_request_store_failed (request, store_error, error);

  if (!g_ptr_array_find_with_equal_func (ids, patient_id, g_str_equal, NULL))
    return fail_request (request, ALTA_PORTAL_ERROR_FORBIDDEN,
                         N_("This account cannot see the record of patient %s."), patient_id,
                         error);

  *out_is_proxy = g_strcmp0 (patient_id, request->account->patient_id) != 0;
  return TRUE;
}

static void
set_member_name (JsonBuilder *builder,
                 const char  *name,
                 const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The RelatedPerson a proxy writes as: one per grant, made on its first write */
static char *
dup_record_author (AltaRequest  *request,
                   const char   *patient_id,
                   gboolean      is_proxy,
                   char        **out_grant,
                   GError      **error)
{
  AltaServer *server = request->server;
  g_autoptr (GPtrArray) grants = NULL;
  g_autoptr (AltaPatient) proxy = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonObject) resource = NULL;
  g_autoptr (AltaFhirIndex) index = NULL;
  g_autofree char *source = NULL;
  g_autofree char *found = NULL;
  g_autofree char *id = NULL;
  g_autofree char *patient_ref = NULL;
  const char *relationship = NULL;

  if (!is_proxy)
    return g_strconcat ("Patient/", patient_id, NULL);

  source = g_strdup_printf ("proxy:%" G_GINT64_FORMAT ":%s", request->account->id, patient_id);
  *out_grant = g_strdup (source);

  {
    g_autoptr (GError) find_error = NULL;

    found = alta_fhir_store_find_source (server->store, source, &find_error);
    if (found != NULL)
      return g_steal_pointer (&found);
    if (find_error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&find_error));
        return NULL;
      }
  }

  grants = alta_store_list_proxy_grants (server->store, request->account->id, error);
  if (grants == NULL)
    return NULL;
  for (guint i = 0; i < grants->len; i++)
    {
      AltaProxyGrant *grant = g_ptr_array_index (grants, i);

      if (g_strcmp0 (grant->patient_id, patient_id) == 0)
        relationship = g_str_equal (grant->relationship, "child") ? "PRN" : "GUARD";
    }
  if (relationship == NULL)
    {
      g_set_error_literal (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND,
                           "No proxy grant for this record");
      return NULL;
    }

  proxy = alta_store_get_patient (server->store, request->account->patient_id, error);
  if (proxy == NULL)
    return NULL;

  patient_ref = g_strconcat ("Patient/", patient_id, NULL);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  set_member_name (builder, "resourceType", "RelatedPerson");
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "patient");
  json_builder_begin_object (builder);
  set_member_name (builder, "reference", patient_ref);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "relationship");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "coding");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  set_member_name (builder, "system", "http://terminology.hl7.org/CodeSystem/v3-RoleCode");
  set_member_name (builder, "code", relationship);
  set_member_name (builder, "display", g_str_equal (relationship, "PRN") ? "parent" : "guardian");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  set_member_name (builder, "family", proxy->family_name);
  json_builder_set_member_name (builder, "given");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, proxy->given_name);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  resource = json_object_ref (json_node_get_object (root));

  index = alta_fhir_index_resource (resource, error);
  id = new_resource_id ();
  if (index == NULL ||
      !alta_fhir_store_put (server->store, resource, index, id, patient_id, source, 0, FALSE,
                            request->now, NULL, error))
    return NULL;

  return g_strconcat ("RelatedPerson/", id, NULL);
}

static const char *
action_name (WriteKind kind)
{
  switch (kind)
    {
    case WRITE_CREATE:
      return "create";
    case WRITE_UPDATE:
      return "update";
    case WRITE_PATCH:
      return "patch";
    default:
      g_assert_not_reached ();
    }
}

/* The audit row of a write, in the write's transaction or (refused) one of its own */
static gboolean
audit_write (AltaRequest   *request,
             WriteContext  *context,
             const char    *type,
             const char    *outcome,
             GError       **error)
{
  g_autofree char *action = g_strconcat (type, ".", action_name (context->kind), NULL);
  g_autofree char *actor = context->grant != NULL
                             ? g_strdup_printf ("%s %s", request->actor, context->grant)
                             : g_strdup (request->actor);
  g_autofree char *target = context->id != NULL
                              ? g_strconcat (type, "/", context->id, NULL)
                              : context->patient_id != NULL
                                  ? g_strconcat ("Patient/", context->patient_id, NULL)
                                  : NULL;

  return alta_store_audit (request->server->store, request->now, request->request_id, actor,
                           action, target, outcome, error);
}

/* Stores the written resource and answers with it */
static gboolean
finish_write (AltaRequest    *request,
              WriteContext   *context,
              AltaFhirWrite  *write,
              GError        **error)
{
  AltaStore *store = request->server->store;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (GError) index_error = NULL;
  g_autoptr (AltaFhirIndex) index = NULL;
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autofree char *patient_id = NULL;
  const char *type = context->type->type;

  /* The handler may have changed the resource: it must still be valid, and in the same
   * record. */
  if (!find_record (request, write->resource, &patient_id, error))
    return FALSE;
  if (strcmp (patient_id, context->patient_id) != 0)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_FIELD,
                         N_("A resource cannot move to another record (%s)."), patient_id,
                         error);

  index = alta_fhir_index_resource (write->resource, &index_error);
  if (index == NULL)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("The resource is not valid: %s."), index_error->message, error);

  if (!alta_fhir_store_put (store, write->resource, index, context->id, context->patient_id,
                            NULL, 0, FALSE, request->now, NULL, &store_error) ||
      !audit_write (request, context, type, "success", &store_error) ||
      !alta_store_commit (store, &store_error))
    {
      /* The unique index on client-request identifiers: a concurrent twin got there first */
      if (g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT))
        return fail_request (request, ALTA_PORTAL_ERROR_CONFLICT,
                             N_("Another request with the identifier %s was made already."),
                             get_client_request_id (write->resource), error);
      return alta_request_store_failed (request, store_error, error);
    }

  alta_mailer_kick (request->server->mailer);

  record = alta_fhir_store_get (store, type, context->id, &store_error);
  if (record == NULL)
    return alta_request_store_failed (request, store_error, error);

  g_message ("Request %s: %s.%s %s/%s", request->request_id, type, action_name (context->kind),
             type, context->id);
  reply_resource (request, context->kind == WRITE_CREATE ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                  record, context->kind == WRITE_CREATE);
  return TRUE;
}

static gboolean
begin (AltaRequest  *request,
       GError      **error)
{
  g_autoptr (GError) store_error = NULL;

  if (!alta_store_begin (request->server->store, &store_error))
    return alta_request_store_failed (request, store_error, error);
  return TRUE;
}

static gboolean
run_create (AltaRequest   *request,
            WriteContext  *context,
            JsonNode      *body,
            GError       **error)
{
  AltaStore *store = request->server->store;
  g_auto (AltaFhirWrite) write = { 0 };
  g_autoptr (GError) store_error = NULL;
  g_autofree char *retry_value = NULL;
  g_autofree char *found_type = NULL;
  g_autofree char *found_id = NULL;
  g_autofree char *found_patient = NULL;
  const char *client_request;

  if (!JSON_NODE_HOLDS_OBJECT (body))
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("The body must be a %s resource."), context->type->type, error);

  write.request = request;
  write.resource = json_object_ref (json_node_get_object (body));
  if (g_strcmp0 (alta_json_get_string (write.resource, "resourceType"), context->type->type) != 0)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("The field “%s” is missing or not valid."), "resourceType", error);

  /* The server names what it creates. */
  json_object_remove_member (write.resource, "id");
  json_object_remove_member (write.resource, "meta");

  if (!read_if_none_exist (request, &retry_value, error))
    return FALSE;
  client_request = get_client_request_id (write.resource);
  if (retry_value != NULL && g_strcmp0 (client_request, retry_value) != 0)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("The field “%s” must carry the identifier of If-None-Exist."),
                         "identifier", error);

  if (!find_record (request, write.resource, &context->patient_id, error) ||
      !account_may_write (request, context->patient_id, &write.is_proxy, error))
    return FALSE;
  write.patient_id = context->patient_id;

  if (!begin (request, error))
    return FALSE;

  if (client_request != NULL)
    {
      if (!find_client_request (store, client_request, &found_type, &found_id, &found_patient,
                                &store_error))
        return alta_request_store_failed (request, store_error, error);

      if (found_id != NULL && retry_value != NULL &&
          g_strcmp0 (found_type, context->type->type) == 0 &&
          g_strcmp0 (found_patient, context->patient_id) == 0)
        {
          g_autoptr (AltaFhirRecord) record = NULL;

          alta_store_rollback (store);
          record = alta_fhir_store_get (store, found_type, found_id, &store_error);
          if (record == NULL)
            return alta_request_store_failed (request, store_error, error);
          g_message ("Request %s: a retried create of %s/%s", request->request_id, found_type,
                     found_id);
          reply_resource (request, SOUP_STATUS_OK, record, TRUE);
          return TRUE;
        }

      if (found_id != NULL)
        return fail_request (request, ALTA_PORTAL_ERROR_CONFLICT,
                             N_("Another request with the identifier %s was made already."),
                             client_request, error);
    }

  write.author_ref = dup_record_author (request, context->patient_id, write.is_proxy,
                                        &context->grant, &store_error);
  if (write.author_ref == NULL)
    return alta_request_store_failed (request, store_error, error);

  context->id = new_resource_id ();
  if (!context->type->create (&write, error))
    return FALSE;

  return finish_write (request, context, &write, error);
}

/* JSON Patch (RFC 6902): add, replace and test on plain paths */

static char *
unescape_token (const char *token)
{
  GString *text = g_string_new (NULL);

  for (const char *p = token; *p != '\0'; p++)
    {
      if (p[0] == '~' && p[1] == '0')
        g_string_append_c (text, '~'), p++;
      else if (p[0] == '~' && p[1] == '1')
        g_string_append_c (text, '/'), p++;
      else
        g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

static gboolean
parse_index (const char *token,
             guint       length,
             gboolean    may_append,
             guint      *out_index)
{
  guint64 value;

  if (may_append && strcmp (token, "-") == 0)
    {
      *out_index = length;
      return TRUE;
    }

  if (token[0] == '\0' || (token[0] == '0' && token[1] != '\0') ||
      !g_ascii_string_to_unsigned (token, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;

  *out_index = value;
  return may_append ? value <= length : value < length;
}

/* Inserts @value into @array at @position (json-glib has no insert) */
static JsonArray *
array_with_inserted (JsonArray *array,
                     guint      position,
                     JsonNode  *value)
{
  JsonArray *result = json_array_new ();

  for (guint i = 0; i <= json_array_get_length (array); i++)
    {
      if (i == position)
        json_array_add_element (result, json_node_copy (value));
      if (i < json_array_get_length (array))
        json_array_add_element (result, json_node_copy (json_array_get_element (array, i)));
    }

  return result;
}

typedef enum
{
  PATCH_ADD,
  PATCH_REPLACE,
  PATCH_TEST,
} PatchOp;

static gboolean
apply_operation (JsonNode    *root,
                 PatchOp      op,
                 const char  *path,
                 JsonNode    *value)
{
  g_auto (GStrv) tokens = NULL;
  JsonNode *parent = root;
  g_autofree char *last = NULL;
  guint n;

  if (path == NULL || path[0] != '/')
    return FALSE;

  tokens = g_strsplit (path + 1, "/", 16);
  n = g_strv_length (tokens);
  if (n == 0 || n > 8)
    return FALSE;

  for (guint i = 0; i + 1 < n; i++)
    {
      g_autofree char *token = unescape_token (tokens[i]);
      guint index;

      if (JSON_NODE_HOLDS_OBJECT (parent))
        parent = json_object_get_member (json_node_get_object (parent), token);
      else if (JSON_NODE_HOLDS_ARRAY (parent) &&
               parse_index (token, json_array_get_length (json_node_get_array (parent)), FALSE,
                            &index))
        parent = json_array_get_element (json_node_get_array (parent), index);
      else
        return FALSE;

      if (parent == NULL)
        return FALSE;
    }

  last = unescape_token (tokens[n - 1]);

  /* The server's own elements are not the client's to patch. */
  if (parent == root && (g_str_equal (last, "id") || g_str_equal (last, "resourceType") ||
                         g_str_equal (last, "meta")))
    return FALSE;

  if (JSON_NODE_HOLDS_OBJECT (parent))
    {
      JsonObject *object = json_node_get_object (parent);
      JsonNode *current = json_object_get_member (object, last);

      switch (op)
        {
        case PATCH_TEST:
          return current != NULL && json_node_equal (current, value);
        case PATCH_REPLACE:
          if (current == NULL)
            return FALSE;
          json_object_set_member (object, last, json_node_copy (value));
          return TRUE;
        case PATCH_ADD:
          json_object_set_member (object, last, json_node_copy (value));
          return TRUE;
        default:
          g_assert_not_reached ();
        }
    }

  if (JSON_NODE_HOLDS_ARRAY (parent))
    {
      JsonArray *array = json_node_get_array (parent);
      guint length = json_array_get_length (array);
      guint index;

      if (!parse_index (last, length, op == PATCH_ADD, &index))
        return FALSE;

      switch (op)
        {
        case PATCH_TEST:
          return json_node_equal (json_array_get_element (array, index), value);
        case PATCH_REPLACE:
          {
            JsonNode *element = json_array_get_element (array, index);
            g_autoptr (JsonNode) copy = json_node_copy (value);

            /* Replace in place: the node keeps its slot in the array. */
            json_node_init (element, JSON_NODE_TYPE (copy));
            if (JSON_NODE_HOLDS_OBJECT (copy))
              json_node_set_object (element, json_node_get_object (copy));
            else if (JSON_NODE_HOLDS_ARRAY (copy))
              json_node_set_array (element, json_node_get_array (copy));
            else if (JSON_NODE_HOLDS_VALUE (copy))
              {
                GValue gvalue = G_VALUE_INIT;

                json_node_get_value (copy, &gvalue);
                json_node_set_value (element, &gvalue);
                g_value_unset (&gvalue);
              }
            return TRUE;
          }
        case PATCH_ADD:
          json_node_take_array (parent, array_with_inserted (array, index, value));
          return TRUE;
        default:
          g_assert_not_reached ();
        }
    }

  return FALSE;
}

static gboolean
apply_patch (AltaRequest  *request,
             JsonNode     *patch,
             JsonObject   *resource,
             GError      **error)
{
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), resource);
  JsonArray *operations;

  if (!JSON_NODE_HOLDS_ARRAY (patch))
    return fail_plain (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                       N_("A JSON Patch is an array of operations."), error);

  operations = json_node_get_array (patch);
  for (guint i = 0; i < json_array_get_length (operations); i++)
    {
      JsonObject *operation = alta_json_array_get_object (operations, i);
      const char *op = alta_json_get_string (operation, "op");
      const char *path = alta_json_get_string (operation, "path");
      JsonNode *value = operation != NULL ? json_object_get_member (operation, "value") : NULL;
      PatchOp kind;

      if (op == NULL || path == NULL)
        return fail_plain (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                           N_("Each JSON Patch operation needs “op” and “path”."), error);

      if (g_str_equal (op, "add"))
        kind = PATCH_ADD;
      else if (g_str_equal (op, "replace"))
        kind = PATCH_REPLACE;
      else if (g_str_equal (op, "test"))
        kind = PATCH_TEST;
      else
        /* Translators: %s is a JSON Patch operation, such as "remove" */
        return fail_request (request, ALTA_PORTAL_ERROR_INVALID_FIELD,
                             N_("The JSON Patch operation “%s” is not supported here."), op,
                             error);

      if (value == NULL)
        return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                             N_("The JSON Patch operation on “%s” needs a “value”."), path,
                             error);

      if (!apply_operation (root, kind, path, value))
        return fail_request (request, ALTA_PORTAL_ERROR_INVALID_FIELD,
                             kind == PATCH_TEST
                               ? N_("The JSON Patch test of “%s” failed.")
                               : N_("The JSON Patch cannot change “%s”."),
                             path, error);
    }

  return TRUE;
}

static gboolean
check_if_match (AltaRequest     *request,
                WriteContext    *context,
                AltaFhirRecord  *record,
                GError         **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *if_match = soup_message_headers_get_one (headers, "If-Match");
  g_autofree char *etag = NULL;
  g_autofree char *given = NULL;

  if (if_match == NULL)
    return TRUE;

  etag = g_strdup_printf ("W/\"%d\"", record->version);
  given = g_strstrip (g_strdup (if_match));
  if (strcmp (given, etag) == 0)
    return TRUE;

  context->status = SOUP_STATUS_PRECONDITION_FAILED;
  return fail_request (request, ALTA_PORTAL_ERROR_CONFLICT,
                       N_("The resource changed since it was read (it is now version %s)."),
                       etag, error);
}

static gboolean
run_update (AltaRequest   *request,
            WriteContext  *context,
            const char    *id,
            JsonNode      *body,
            GError       **error)
{
  AltaStore *store = request->server->store;
  g_auto (AltaFhirWrite) write = { 0 };
  g_autoptr (GError) store_error = NULL;
  g_autofree char *new_patient_id = NULL;
  const char *type = context->type->type;

  write.request = request;
  context->id = g_strdup (id);

  if (!alta_fhir_id_is_valid (id))
    return fail_request (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                         N_("There is no %s with that id."), type, error);

  if (context->kind == WRITE_UPDATE)
    {
      if (!JSON_NODE_HOLDS_OBJECT (body))
        return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                             N_("The body must be a %s resource."), type, error);
      write.resource = json_object_ref (json_node_get_object (body));
      if (g_strcmp0 (alta_json_get_string (write.resource, "resourceType"), type) != 0)
        return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                             N_("The field “%s” is missing or not valid."), "resourceType",
                             error);
      if (g_strcmp0 (alta_json_get_string (write.resource, "id"), id) != 0)
        return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                             N_("The field “%s” must be the id in the address."), "id", error);
      json_object_remove_member (write.resource, "meta");
    }

  if (!begin (request, error))
    return FALSE;

  write.existing = alta_fhir_store_get (store, type, id, &store_error);
  if (write.existing == NULL)
    {
      if (!g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return alta_request_store_failed (request, store_error, error);
      return fail_request (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                           N_("There is no %s with that id."), type, error);
    }
  context->patient_id = g_strdup (write.existing->patient_id);

  /* As for reads, a resource in a record the account cannot see is not found; staff and
   * a proxy whose child has aged out cannot change it either. */
  if (write.existing->patient_id == NULL || request->account->patient_id == NULL)
    return fail_request (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                         N_("There is no %s with that id."), type, error);
  {
    g_autoptr (GError) access_error = NULL;

    if (!account_may_write (request, write.existing->patient_id, &write.is_proxy,
                            &access_error))
      {
        if (!g_error_matches (access_error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_FORBIDDEN))
          {
            g_propagate_error (error, g_steal_pointer (&access_error));
            return FALSE;
          }
        return fail_request (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                             N_("There is no %s with that id."), type, error);
      }
  }
  write.patient_id = context->patient_id;

  if (!check_if_match (request, context, write.existing, error))
    return FALSE;

  write.existing_resource = parse_object (write.existing->json, &store_error);
  if (write.existing_resource == NULL)
    return alta_request_store_failed (request, store_error, error);

  if (context->kind == WRITE_PATCH)
    {
      write.resource = parse_object (write.existing->json, &store_error);
      if (write.resource == NULL)
        return alta_request_store_failed (request, store_error, error);
      if (!apply_patch (request, body, write.resource, error))
        return FALSE;
    }

  if (!find_record (request, write.resource, &new_patient_id, error))
    return FALSE;
  if (strcmp (new_patient_id, context->patient_id) != 0)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_FIELD,
                         N_("A resource cannot move to another record (%s)."), new_patient_id,
                         error);

  write.author_ref = dup_record_author (request, context->patient_id, write.is_proxy,
                                        &context->grant, &store_error);
  if (write.author_ref == NULL)
    return alta_request_store_failed (request, store_error, error);

  if (!context->type->update (&write, error))
    return FALSE;

  return finish_write (request, context, &write, error);
}

/* A refused write is audited too, with the error code as its outcome. */
static void
audit_refusal (AltaRequest   *request,
               WriteContext  *context,
               const GError  *refusal)
{
  AltaStore *store = request->server->store;
  g_autoptr (GError) store_error = NULL;
  const char *outcome;

  if (refusal->domain != ALTA_PORTAL_ERROR || refusal->code == ALTA_PORTAL_ERROR_INTERNAL)
    return;

  outcome = context->status == SOUP_STATUS_PRECONDITION_FAILED
              ? "precondition_failed"
              : alta_portal_error_to_code (refusal->code);

  /* A refusal changed nothing: like the audit rows of reads, its row skips the fsync (it
   * survives a crash of the server, not a power cut), so that a burst of conflicts does
   * not queue behind the disk. */
  alta_store_rollback (store);
  alta_store_set_relaxed (store, TRUE);
  if (!alta_store_begin (store, &store_error) ||
      !audit_write (request, context, context->type->type, outcome, &store_error) ||
      !alta_store_commit (store, &store_error))
    {
      g_warning ("Request %s: the audit trail could not be written: %s", request->request_id,
                 store_error->message);
      alta_store_rollback (store);
    }
  alta_store_set_relaxed (store, FALSE);
}

static gboolean
handle_fhir_write (AltaRequest  *request,
                   GError      **error)
{
  const char *method = soup_server_message_get_method (request->msg);
  const char *rest = request->path + strlen (FHIR_BASE);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_auto (GStrv) parts = g_strsplit (rest, "/", 3);
  g_auto (WriteContext) context = { 0 };
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *content_type;
  gboolean ok;

  if (parts[0] == NULL || parts[0][0] == '\0' || (parts[1] != NULL && parts[2] != NULL))
    return fail_request (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                         N_("There is nothing at %s."), request->path, error);

  if (alta_fhir_type_lookup (parts[0]) == NULL)
    return fail_request (request, ALTA_PORTAL_ERROR_NOT_FOUND,
                         N_("The resource type %s is not served here."), parts[0], error);

  context.kind = g_str_equal (method, "POST") ? WRITE_CREATE
                 : g_str_equal (method, "PUT") ? WRITE_UPDATE : WRITE_PATCH;
  context.type = lookup_write_type (parts[0]);

  if (context.type == NULL ||
      (context.kind == WRITE_CREATE ? context.type->create == NULL
                                    : context.type->update == NULL) ||
      (context.kind == WRITE_CREATE) != (parts[1] == NULL || parts[1][0] == '\0'))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "Allow", "GET");
      return fail_request (request, ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED,
                           N_("This change is not possible on %s through the portal."),
                           parts[0], error);
    }

  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (context.kind == WRITE_PATCH && g_strcmp0 (content_type, JSON_PATCH) != 0)
    return fail_request (request, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                         N_("A PATCH must be a JSON Patch (Content-Type %s)."), JSON_PATCH,
                         error);

  body = read_body (request, error);
  if (body == NULL)
    return FALSE;

  if (context.kind == WRITE_CREATE)
    ok = run_create (request, &context, body, &local_error);
  else
    ok = run_update (request, &context, parts[1], body, &local_error);

  if (ok)
    return TRUE;

  alta_store_rollback (request->server->store);
  audit_refusal (request, &context, local_error);

  if (context.status != 0)
    {
      alta_server_fhir_reply_outcome (request, context.status, local_error->code,
                                      request->diagnostics);
      g_message ("Request %s: %s %s → %u", request->request_id, method, request->path,
                 context.status);
      return TRUE;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static const AltaRoute write_routes[] = {
  { "POST", "/fhir/R4/*", ALTA_ROUTE_SIGNED_IN, FALSE, handle_fhir_write },
  { "PUT", "/fhir/R4/*", ALTA_ROUTE_SIGNED_IN, FALSE, handle_fhir_write },
  { "PATCH", "/fhir/R4/*", ALTA_ROUTE_SIGNED_IN, FALSE, handle_fhir_write },
};

void
alta_server_fhir_write_register (AltaServer *self)
{
  alta_server_add_routes (self, write_routes, G_N_ELEMENTS (write_routes));
}
