/* alta-server-staff.c: the staff routes of the enrollment station
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-server-staff"

#include "config.h"

#include <string.h>

#include "alta-clock.h"
#include "alta-mailer.h"
#include "alta-portal-error.h"
#include "alta-request-body.h"
#include "alta-rules.h"
#include "alta-server-private.h"

#define MAX_SEARCH_RESULTS 50
#define MAX_NAME_QUERY_BYTES 200

static gboolean
fail (GError          **error,
      AltaPortalError   code,
      const char       *why)
{
  g_set_error_literal (error, ALTA_PORTAL_ERROR, code, why);
  return FALSE;
}

/* GET /api/v1/staff/patients?family=&given=&birth_date= */
static gboolean
handle_find_patients (AltaRequest  *request,
                      GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *family = NULL;
  g_autofree char *given = NULL;
  g_autofree char *birth_date = NULL;
  GUri *uri = soup_server_message_get_uri (request->msg);
  g_autoptr (GHashTable) params = NULL;
  GDate date;

  if (g_uri_get_query (uri) != NULL)
    params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params != NULL)
    {
      family = g_strdup (g_hash_table_lookup (params, "family"));
      given = g_strdup (g_hash_table_lookup (params, "given"));
      birth_date = g_strdup (g_hash_table_lookup (params, "birth_date"));
    }

  if (family != NULL && family[0] == '\0')
    g_clear_pointer (&family, g_free);
  if (given != NULL && given[0] == '\0')
    g_clear_pointer (&given, g_free);
  if (birth_date != NULL && birth_date[0] == '\0')
    g_clear_pointer (&birth_date, g_free);

  if (family != NULL && strlen (family) > MAX_NAME_QUERY_BYTES)
    return fail (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, ALTA_FIELD_ERROR_PREFIX "family");
  if (given != NULL && strlen (given) > MAX_NAME_QUERY_BYTES)
    return fail (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, ALTA_FIELD_ERROR_PREFIX "given");

  if (family == NULL && given == NULL && birth_date == NULL)
    return fail (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, ALTA_FIELD_ERROR_PREFIX "family");
  if (birth_date != NULL && !alta_rules_parse_date (birth_date, &date))
    return fail (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, ALTA_FIELD_ERROR_PREFIX "birth_date");

  patients = alta_store_search_patients (self->store, family, given, birth_date,
                                         MAX_SEARCH_RESULTS, &store_error);
  if (patients == NULL)
    return alta_request_store_failed (request, store_error, error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "patients");
  json_builder_begin_array (builder);
  for (guint i = 0; i < patients->len; i++)
    {
      AltaPatient *patient = g_ptr_array_index (patients, i);
      g_autoptr (AltaAccount) account = alta_store_get_account_by_patient (self->store,
                                                                           patient->id, NULL);
      g_autofree char *name = g_strdup_printf ("%s %s", patient->given_name, patient->family_name);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "patient_id");
      json_builder_add_string_value (builder, patient->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "birth_date");
      json_builder_add_string_value (builder, patient->birth_date);
      json_builder_set_member_name (builder, "has_account");
      json_builder_add_boolean_value (builder, account != NULL);
      json_builder_set_member_name (builder, "portal_access");
      json_builder_add_boolean_value (builder,
                                      alta_server_patient_has_access (self, patient, request->now));
      json_builder_set_member_name (builder, "email");
      if (patient->email != NULL)
        json_builder_add_string_value (builder, patient->email);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  /* Who searched is not enough for a review: each patient the search showed is named. */
  if (!alta_store_begin (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);
  if (patients->len == 0)
    alta_request_audit (request, "staff.patient-search", NULL, "success");
  for (guint i = 0; i < patients->len; i++)
    {
      AltaPatient *patient = g_ptr_array_index (patients, i);
      g_autofree char *target = g_strconcat ("patient:", patient->id, NULL);

      alta_request_audit (request, "staff.patient-search", target, "success");
    }
  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  reply = json_builder_get_root (builder);
  alta_request_reply_json (request, SOUP_STATUS_OK, reply);
  return TRUE;
}

/* POST /api/v1/staff/activation-codes */
static gboolean
handle_issue_code (AltaRequest  *request,
                   GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *code = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *target = NULL;
  AltaIssueCodeRequest body;
  gint64 expires_at;

  if (!alta_request_body_read_issue_code (request->body, &body, error))
    return FALSE;

  patient = alta_store_get_patient (self->store, body.patient_id, &store_error);
  if (patient == NULL)
    {
      if (!g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return alta_request_store_failed (request, store_error, error);
      return fail (error, ALTA_PORTAL_ERROR_NOT_FOUND, "no such patient");
    }

  target = g_strconcat ("patient:", patient->id, NULL);

  /* Before any other check: a patient aged 12–17 has no portal access, even with an
   * account from before their twelfth birthday (a parent's, say, never used). */
  if (!alta_server_patient_has_access (self, patient, request->now))
    return fail (error, ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS, "patient aged 12 to 17");

  account = alta_store_get_account_by_patient (self->store, patient->id, NULL);
  if (account != NULL)
    return fail (error, ALTA_PORTAL_ERROR_HAS_ACCOUNT, "the patient has an account");

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_server_issue_activation_code (self, request, patient, body.email, &code, &expires_at,
                                          &store_error))
    return alta_request_store_failed (request, store_error, error);

  /* How identity was verified is part of the record of who issued the code. */
  alta_request_audit (request, "identity.verify", target, body.identity_verified);

  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_mailer_kick (self->mailer);

  expires = alta_clock_format_iso8601 (expires_at);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "activation_code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires);
  json_builder_end_object (builder);

  reply = json_builder_get_root (builder);
  alta_request_reply_json (request, SOUP_STATUS_CREATED, reply);
  return TRUE;
}

/* POST /api/v1/staff/proxy-grants */
static gboolean
handle_grant_proxy (AltaRequest  *request,
                    GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaAccount) proxy = NULL;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *target = NULL;
  AltaProxyGrantRequest body;
  AltaRelationship relationship;
  GDate birth_date, today;

  if (!alta_request_body_read_proxy_grant (request->body, &body, error))
    return FALSE;

  proxy = alta_store_get_account_by_username (self->store, body.proxy_username, &store_error);
  if (proxy == NULL || proxy->patient_id == NULL)
    {
      if (store_error != NULL &&
          !g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return alta_request_store_failed (request, store_error, error);
      return fail (error, ALTA_PORTAL_ERROR_NOT_FOUND, "no such patient account");
    }
  g_clear_error (&store_error);

  patient = alta_store_get_patient (self->store, body.patient_id, &store_error);
  if (patient == NULL)
    {
      if (!g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return alta_request_store_failed (request, store_error, error);
      return fail (error, ALTA_PORTAL_ERROR_NOT_FOUND, "no such patient");
    }

  target = g_strconcat ("patient:", patient->id, NULL);

  alta_rules_parse_relationship (body.relationship, &relationship);
  alta_clock_date_of (request->now, &today);
  if (g_strcmp0 (proxy->patient_id, patient->id) == 0 ||
      !alta_rules_parse_date (patient->birth_date, &birth_date) ||
      !alta_rules_proxy_allowed (relationship, &birth_date, &today))
    {
      alta_request_audit (request, "proxy.grant", target, "proxy_not_allowed");
      return fail (error, ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED, "age rules");
    }

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_store_insert_proxy_grant (self->store, proxy->id, patient->id, body.relationship,
                                      body.consent_form_id, request->now, &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_request_audit (request, "proxy.grant", target, "success");
  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "proxy_username");
  json_builder_add_string_value (builder, proxy->username);
  json_builder_set_member_name (builder, "patient_id");
  json_builder_add_string_value (builder, patient->id);
  json_builder_set_member_name (builder, "relationship");
  json_builder_add_string_value (builder, body.relationship);
  json_builder_end_object (builder);

  reply = json_builder_get_root (builder);
  alta_request_reply_json (request, SOUP_STATUS_CREATED, reply);
  return TRUE;
}

/* POST /api/v1/staff/password-reset */
static gboolean
handle_staff_password_reset (AltaRequest  *request,
                             GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonNode) reply = NULL;
  AltaResetRequest body;

  if (!alta_request_body_read_reset (request->body, &body, error))
    return FALSE;
  if (body.username == NULL)
    return fail (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, ALTA_FIELD_ERROR_PREFIX "username");

  account = alta_store_get_account_by_username (self->store, body.username, &store_error);
  if (account == NULL)
    {
      if (!g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
        return alta_request_store_failed (request, store_error, error);
      return fail (error, ALTA_PORTAL_ERROR_NOT_FOUND, "no such account");
    }

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_server_send_reset_token (self, request, account, &store_error) ||
      !alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_mailer_kick (self->mailer);

  reply = json_from_string ("{\"status\":\"accepted\"}", NULL);
  alta_request_reply_json (request, SOUP_STATUS_ACCEPTED, reply);
  return TRUE;
}

static const AltaRoute staff_routes[] = {
  { "GET", "/api/v1/staff/patients", ALTA_ROUTE_STAFF, FALSE, handle_find_patients },
  { "POST", "/api/v1/staff/activation-codes", ALTA_ROUTE_STAFF, TRUE, handle_issue_code },
  { "POST", "/api/v1/staff/proxy-grants", ALTA_ROUTE_STAFF, TRUE, handle_grant_proxy },
  { "POST", "/api/v1/staff/password-reset", ALTA_ROUTE_STAFF, TRUE, handle_staff_password_reset },
};

void
alta_server_staff_register (AltaServer *self)
{
  alta_server_add_routes (self, staff_routes, G_N_ELEMENTS (staff_routes));
}
