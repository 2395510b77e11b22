/* alta-server-accounts.c: enrollment, sign-in, sessions and the signed-in account
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-server-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "alta-clock.h"
#include "alta-fhir-import.h"
#include "alta-i18n.h"
#include "alta-mailer.h"
#include "alta-portal-error.h"
#include "alta-request-body.h"
#include "alta-rules.h"
#include "alta-secrets.h"
#include "alta-server-private.h"

#define SUPPORT_PHONE        "(844) 498-3446"
#define SERVICE_CENTER_PHONE "(888) 499-9303"

static const char *month_names[] = {
  N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
  N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
};

static char *
format_long_date (const char *language,
                  gint64      unix_time)
{
  GDate date;
  const char *month;

  alta_clock_date_of (unix_time, &date);
  month = alta_i18n_gettext (language, month_names[g_date_get_month (&date) - 1]);

  if (g_strcmp0 (language, "es") == 0)
    return g_strdup_printf ("%u de %s de %u", g_date_get_day (&date),
                            month, g_date_get_year (&date));

  return g_strdup_printf ("%s %u, %u", month, g_date_get_day (&date), g_date_get_year (&date));
}

static gboolean
fail (GError      **error,
      AltaPortalError code,
      const char   *why)
{
  g_set_error_literal (error, ALTA_PORTAL_ERROR, code, why);
  return FALSE;
}

static char *
fold_key (const char *text)
{
  return g_utf8_casefold (text, -1);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_record (JsonBuilder       *builder,
            const AltaPatient *patient,
            const char        *relationship)
{
  g_autofree char *name = g_strdup_printf ("%s %s", patient->given_name, patient->family_name);

  json_builder_begin_object (builder);
  add_string_member (builder, "patient_id", patient->id);
  add_string_member (builder, "name", name);
  add_string_member (builder, "birth_date", patient->birth_date);
  add_string_member (builder, "gender", patient->gender);
  add_string_member (builder, "relationship", relationship);
  json_builder_end_object (builder);
}

/* `previous_sign_in_at`: RFC 3339 in UTC, null on a first sign-in */
static void
add_sign_in_member (JsonBuilder *builder,
                    gint64       previous_sign_in_at)
{
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, "previous_sign_in_at");
  if (previous_sign_in_at <= 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  text = alta_clock_format_iso8601 (previous_sign_in_at);
  json_builder_add_string_value (builder, text);
}

static JsonNode *build_account (AltaStore          *store,
                                const AltaAccount  *account,
                                gint64              previous_sign_in_at,
                                gint64              now,
                                GError            **error);

/**
 * alta_server_build_account:
 * @self: an #AltaServer
 * @account: an account
 * @previous_sign_in_at: the account's sign-in before the current session's (Unix time), or 0
 *   when there was none
 * @now: the time of the request, for the age rules of proxy access
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the API's `account` object, with `records` holding the
 *   patient's own record and every record reachable by proxy today
 */
JsonNode *
alta_server_build_account (AltaServer         *self,
                           const AltaAccount  *account,
                           gint64              previous_sign_in_at,
                           gint64              now,
                           GError            **error)
{
  return build_account (self->store, account, previous_sign_in_at, now, error);
}

/* alta_server_build_account(), read through @store: the server's, or a read connection */
static JsonNode *
build_account (AltaStore          *store,
               const AltaAccount  *account,
               gint64              previous_sign_in_at,
               gint64              now,
               GError            **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (AltaPatient) own = NULL;
  g_autoptr (GPtrArray) grants = NULL;
  GDate today;

  alta_clock_date_of (now, &today);

  if (account->patient_id != NULL)
    {
      own = alta_store_get_patient (store, account->patient_id, error);
      if (own == NULL)
        return NULL;

      grants = alta_store_list_proxy_grants (store, account->id, error);
      if (grants == NULL)
        return NULL;
    }

  json_builder_begin_object (builder);
  add_string_member (builder, "username", account->username);
  add_string_member (builder, "role", account->role);
  add_string_member (builder, "email", account->email);
  add_string_member (builder, "phone", own != NULL && own->phone != NULL ? own->phone : account->phone);
  add_string_member (builder, "language", account->language);

  json_builder_set_member_name (builder, "address");
  if (own != NULL && own->address_json != NULL)
    {
      g_autoptr (JsonNode) address = json_from_string (own->address_json, NULL);

      if (address != NULL)
        json_builder_add_value (builder, g_steal_pointer (&address));
      else
        json_builder_add_null_value (builder);
    }
  else
    json_builder_add_null_value (builder);

  add_string_member (builder, "patient_id", account->patient_id);
  add_sign_in_member (builder, previous_sign_in_at);

  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  if (own != NULL)
    {
      add_record (builder, own, "self");

      for (guint i = 0; i < grants->len; i++)
        {
          AltaProxyGrant *grant = g_ptr_array_index (grants, i);
          g_autoptr (AltaPatient) patient = NULL;
          AltaRelationship relationship;
          GDate birth_date;

          patient = alta_store_get_patient (store, grant->patient_id, error);
          if (patient == NULL)
            return NULL;

          if (alta_rules_parse_relationship (grant->relationship, &relationship) &&
              alta_rules_parse_date (patient->birth_date, &birth_date) &&
              alta_rules_proxy_allowed (relationship, &birth_date, &today))
            add_record (builder, patient, grant->relationship);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * alta_server_list_record_ids:
 * @self: an #AltaServer
 * @account: a patient's account
 * @now: the time of the request, for the age rules of proxy access
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8): the patient ids of the records @account may
 *   see today, the same as the `records` of alta_server_build_account()
 */
GPtrArray *
alta_server_list_record_ids (AltaServer         *self,
                             const AltaAccount  *account,
                             gint64              now,
                             GError            **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) grants = NULL;
  GDate today;

  if (account->patient_id == NULL)
    return g_steal_pointer (&ids);

  alta_clock_date_of (now, &today);
  g_ptr_array_add (ids, g_strdup (account->patient_id));

  grants = alta_store_list_proxy_grants (self->store, account->id, error);
  if (grants == NULL)
    return NULL;

  for (guint i = 0; i < grants->len; i++)
    {
      AltaProxyGrant *grant = g_ptr_array_index (grants, i);
      g_autoptr (AltaPatient) patient = NULL;
      AltaRelationship relationship;
      GDate birth_date;

      patient = alta_store_get_patient (self->store, grant->patient_id, error);
      if (patient == NULL)
        return NULL;

      if (alta_rules_parse_relationship (grant->relationship, &relationship) &&
          alta_rules_parse_date (patient->birth_date, &birth_date) &&
          alta_rules_proxy_allowed (relationship, &birth_date, &today))
        g_ptr_array_add (ids, g_strdup (patient->id));
    }

  return g_steal_pointer (&ids);
}

/**
 * alta_server_issue_activation_code:
 * @self: an #AltaServer
 * @request: (nullable): the request that asked, or %NULL for the admin command
 * @patient: the patient
 * @email: where to send the code
 * @out_code: (out) (optional): the code as people read it
 * @out_expires_at: (out) (optional): when it stops working
 * @error: return location for a #GError
 *
 * Makes a new code (voiding the patient's earlier unused ones), queues its mail in the
 * patient's language and writes the audit trail, all in the caller's transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_server_issue_activation_code (AltaServer         *self,
                                   AltaRequest        *request,
                                   const AltaPatient  *patient,
                                   const char         *email,
                                   char              **out_code,
                                   gint64             *out_expires_at,
                                   GError            **error)
{
  g_autofree char *code = alta_secrets_new_activation_code ();
  g_autofree char *code_hash = alta_secrets_hash ("code", code);
  g_autofree char *formatted = alta_rules_format_activation_code (code);
  g_autofree char *target = g_strconcat ("patient:", patient->id, NULL);
  g_autofree char *expires_on = NULL;
  g_autofree char *message = NULL;
  gint64 now = request != NULL ? request->now : alta_clock_now ();
  gint64 expires_at = now + (gint64)self->config->activation_code_ttl_days * 24 * 3600;

  expires_on = format_long_date (patient->language, expires_at);
  message = alta_mail_compose_activation_code (patient->language, self->config->mail_from, email,
                                               formatted, expires_on, now);

  if (!alta_store_insert_activation_code (self->store, patient->id, code_hash, now, expires_at,
                                          error) ||
      !alta_store_enqueue_mail (self->store, email, message, now, error) ||
      !alta_store_audit (self->store, now, request != NULL ? request->request_id : NULL,
                         request != NULL ? request->actor : "admin-cli", "code.issue", target,
                         "success", error))
    return FALSE;

  if (out_code != NULL)
    *out_code = g_steal_pointer (&formatted);
  if (out_expires_at != NULL)
    *out_expires_at = expires_at;

  return TRUE;
}

/**
 * alta_server_send_reset_token:
 * @self: an #AltaServer
 * @request: (nullable): the request that asked, or %NULL for the admin command
 * @account: the account whose password is to be reset
 * @error: return location for a #GError
 *
 * Makes a single-use reset token and queues its mail, in the caller's transaction. An
 * account without an e-mail address gets nothing (the support line can help).
 *
 * Returns: %TRUE on success
 */
gboolean
alta_server_send_reset_token (AltaServer         *self,
                              AltaRequest        *request,
                              const AltaAccount  *account,
                              GError            **error)
{
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *message = NULL;
  g_autofree char *target = g_strdup_printf ("account:%" G_GINT64_FORMAT, account->id);
  gint64 now = request != NULL ? request->now : alta_clock_now ();

  if (account->email == NULL)
    return alta_store_audit (self->store, now, request != NULL ? request->request_id : NULL,
                             request != NULL ? request->actor : "admin-cli",
                             "password.reset-request", target, "no-email", error);

  token = alta_secrets_new_token ();
  token_hash = alta_secrets_hash ("reset", token);
  message = alta_mail_compose_password_reset (account->language, self->config->mail_from,
                                              account->email, token, now);

  return alta_store_insert_reset_token (self->store, account->id, token_hash, now,
                                        now + self->config->reset_token_ttl_s, error) &&
         alta_store_enqueue_mail (self->store, account->email, message, now, error) &&
         alta_store_audit (self->store, now, request != NULL ? request->request_id : NULL,
                           request != NULL ? request->actor : "admin-cli",
                           "password.reset-request", target, "success", error);
}

static gboolean
queue_notice (AltaServer         *self,
              const AltaAccount  *account,
              AltaMailNotice      notice,
              gint64              now,
              GError            **error)
{
  g_autofree char *message = NULL;

  if (account->email == NULL)
    return TRUE;

  message = alta_mail_compose_notice (account->language, self->config->mail_from,
                                      account->email, notice, now);
  return alta_store_enqueue_mail (self->store, account->email, message, now, error);
}

/**
 * alta_server_notify_patient:
 * @self: an #AltaServer
 * @patient_id: the record something happened in
 * @notice: what happened
 * @now: the time, in seconds since the epoch
 * @error: return location for a #GError
 *
 * Queues a notice mail, in the caller's transaction, to everyone who may see the record
 * today: the patient's own account, and each proxy the age rules allow. A record nobody
 * can see (no account, or a patient aged 12–17) gets no mail. The caller kicks the mailer
 * after its commit.
 *
 * Returns: %TRUE on success
 */
gboolean
alta_server_notify_patient (AltaServer      *self,
                            const char      *patient_id,
                            AltaMailNotice   notice,
                            gint64           now,
                            GError         **error)
{
  g_autoptr (AltaAccount) own = NULL;
  g_autoptr (GArray) proxies = NULL;
  g_autoptr (GError) local_error = NULL;

  own = alta_store_get_account_by_patient (self->store, patient_id, &local_error);
  if (own == NULL && !g_error_matches (local_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (own != NULL)
    {
      g_autoptr (AltaPatient) patient = alta_store_get_patient (self->store, patient_id, error);

      if (patient == NULL)
        return FALSE;
      if (alta_server_patient_has_access (self, patient, now) &&
          !queue_notice (self, own, notice, now, error))
        return FALSE;
    }

  if (!(proxies = alta_store_list_proxies_of (self->store, patient_id, error)))
    return FALSE;

  for (guint i = 0; i < proxies->len; i++)
    {
      g_autoptr (AltaAccount) proxy = NULL;
      g_autoptr (GPtrArray) ids = NULL;

      if (!(proxy = alta_store_get_account (self->store, g_array_index (proxies, gint64, i),
                                            error)) ||
          !(ids = alta_server_list_record_ids (self, proxy, now, error)))
        return FALSE;

      if (g_ptr_array_find_with_equal_func (ids, patient_id, g_str_equal, NULL) &&
          !queue_notice (self, proxy, notice, now, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_password_policy (const char  *password,
                       const char  *username,
                       GError     **error)
{
  switch (alta_rules_check_password (password, username))
    {
    case ALTA_PASSWORD_OK:
      return TRUE;
    case ALTA_PASSWORD_TOO_SHORT:
      return fail (error, ALTA_PORTAL_ERROR_WEAK_PASSWORD, "too short");
    case ALTA_PASSWORD_TOO_LONG:
      return fail (error, ALTA_PORTAL_ERROR_WEAK_PASSWORD, "too long");
    case ALTA_PASSWORD_MATCHES_USERNAME:
      return fail (error, ALTA_PORTAL_ERROR_WEAK_PASSWORD, "contains the username");
    case ALTA_PASSWORD_COMMON:
      return fail (error, ALTA_PORTAL_ERROR_WEAK_PASSWORD, "a common password");
    default:
      break;
    }

  g_return_val_if_reached (FALSE);
}

/* GET /api/v1/info */
static gboolean
handle_info (AltaRequest  *request,
             GError      **error)
{
  AltaConfig *config = request->server->config;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) body = NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "name", config->clinic_name);
  json_builder_set_member_name (builder, "languages");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "en");
  json_builder_add_string_value (builder, "es");
  json_builder_end_array (builder);
  add_string_member (builder, "support_phone", SUPPORT_PHONE);
  add_string_member (builder, "service_center_phone", SERVICE_CENTER_PHONE);
  json_builder_set_member_name (builder, "idle_timeout_s");
  json_builder_add_int_value (builder, config->idle_timeout_s);
  json_builder_set_member_name (builder, "session_max_s");
  json_builder_add_int_value (builder, config->session_max_s);
  json_builder_set_member_name (builder, "activation_code_ttl_days");
  json_builder_add_int_value (builder, config->activation_code_ttl_days);
  add_string_member (builder, "fhir_base", "/fhir/R4");
  add_string_member (builder, "version", PACKAGE_VERSION);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  alta_request_reply_json (request, SOUP_STATUS_OK, body);
  return TRUE;
}

static void
reply_accepted (AltaRequest *request)
{
  g_autoptr (JsonNode) body = json_from_string ("{\"status\":\"accepted\"}", NULL);

  alta_request_reply_json (request, SOUP_STATUS_ACCEPTED, body);
}

/* POST /api/v1/enrollment/request-code: always 202, whether or not anyone matched */
static gboolean
handle_request_code (AltaRequest  *request,
                     GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *email_key = NULL;
  AltaCodeRequest body;
  gboolean issued = FALSE;

  if (!alta_request_body_read_code_request (request->body, &body, error))
    return FALSE;

  email_key = fold_key (body.email);
  if (!alta_request_limit_account (request, email_key, error))
    return FALSE;

  patients = alta_store_find_patients (self->store, body.family_name, body.given_name,
                                       body.birth_date, 10, &store_error);
  if (patients == NULL || !alta_store_begin (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  for (guint i = 0; i < patients->len; i++)
    {
      AltaPatient *patient = g_ptr_array_index (patients, i);
      g_autoptr (AltaAccount) account = NULL;
      g_autofree char *patient_email = NULL;

      /* The code goes only to the address already on file, so knowing someone's name and
       * birthday is not enough to take over their record.
       */
      if (patient->email == NULL)
        continue;
      patient_email = fold_key (patient->email);
      if (!alta_secrets_equal (patient_email, email_key))
        continue;

      account = alta_store_get_account_by_patient (self->store, patient->id, NULL);
      if (account != NULL || !alta_server_patient_has_access (self, patient, request->now))
        continue;

      if (!alta_server_issue_activation_code (self, request, patient, patient->email, NULL, NULL,
                                              &store_error))
        return alta_request_store_failed (request, store_error, error);
      issued = TRUE;
    }

  if (!issued)
    alta_request_audit (request, "enrollment.request-code", NULL, "no-match");

  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  if (issued)
    alta_mailer_kick (self->mailer);

  reply_accepted (request);
  return TRUE;
}

static void
audit_failure (AltaRequest  *request,
               const char   *action,
               const char   *target,
               const GError *error)
{
  g_autoptr (GError) store_error = NULL;
  const char *outcome = error->domain == ALTA_PORTAL_ERROR
                          ? alta_portal_error_to_code (error->code)
                          : "internal_error";

  alta_store_rollback (request->server->store);
  if (!alta_store_audit (request->server->store, request->now, request->request_id,
                         request->actor, action, target, outcome, &store_error))
    g_warning ("Request %s: the audit trail could not be written: %s", request->request_id,
               store_error->message);
}

/* What activation checks before the password is hashed, and again after: other requests
 * ran meanwhile, and one of them may have used the code or taken the username.
 */
static gboolean
check_activation (AltaRequest                *request,
                  const AltaActivateRequest  *body,
                  AltaActivationCode        **out_code,
                  AltaPatient               **out_patient,
                  char                      **out_target,
                  GError                    **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaActivationCode) code = NULL;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (AltaAccount) existing = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *code_hash = NULL;

  canonical = alta_rules_normalize_activation_code (body->activation_code);
  if (canonical == NULL)
    return fail (error, ALTA_PORTAL_ERROR_CODE_INVALID, "malformed code");

  code_hash = alta_secrets_hash ("code", canonical);
  code = alta_store_find_activation_code (self->store, code_hash, &store_error);
  if (code == NULL)
    {
      if (store_error != NULL)
        return alta_request_store_failed (request, store_error, error);
      return fail (error, ALTA_PORTAL_ERROR_CODE_INVALID, "unknown code");
    }

  g_free (*out_target);
  *out_target = g_strconcat ("patient:", code->patient_id, NULL);

  if (!alta_secrets_equal (code->code_hash, code_hash) || code->voided_at != 0)
    return fail (error, ALTA_PORTAL_ERROR_CODE_INVALID, "voided code");
  if (code->used_at != 0)
    return fail (error, ALTA_PORTAL_ERROR_CODE_USED, "used code");
  if (request->now >= code->expires_at)
    return fail (error, ALTA_PORTAL_ERROR_CODE_EXPIRED, "expired code");

  patient = alta_store_get_patient (self->store, code->patient_id, &store_error);
  if (patient == NULL)
    return alta_request_store_failed (request, store_error, error);

  /* The birthday is the second factor: a stolen code alone does not open an account. */
  if (!alta_secrets_equal (patient->birth_date, body->birth_date))
    return fail (error, ALTA_PORTAL_ERROR_CODE_INVALID, "birth date does not match");

  if (!alta_server_patient_has_access (self, patient, request->now))
    return fail (error, ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS, "patient aged 12 to 17");

  existing = alta_store_get_account_by_patient (self->store, patient->id, NULL);
  if (existing != NULL)
    return fail (error, ALTA_PORTAL_ERROR_CODE_USED, "the patient already has an account");

  g_clear_pointer (&existing, alta_account_free);
  existing = alta_store_get_account_by_username (self->store, body->username, NULL);
  if (existing != NULL)
    return fail (error, ALTA_PORTAL_ERROR_USERNAME_TAKEN, "username taken");

  if (!check_password_policy (body->password, body->username, error))
    return FALSE;

  if (out_code != NULL)
    *out_code = g_steal_pointer (&code);
  if (out_patient != NULL)
    *out_patient = g_steal_pointer (&patient);
  return TRUE;
}

/* POST /api/v1/enrollment/activate, once the password is hashed */
static gboolean
store_activation (AltaRequest  *request,
                  const char   *password_hash,
                  char        **out_target,
                  GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaActivationCode) code = NULL;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) reply = NULL;
  AltaAccount account = { 0 };
  AltaActivateRequest body;

  if (!alta_request_body_read_activate (request->body, &body, error) ||
      !check_activation (request, &body, &code, &patient, out_target, error))
    return FALSE;

  account.username = (char *)body.username;
  account.role = (char *)"patient";
  account.patient_id = patient->id;
  account.password_hash = (char *)password_hash;
  account.email = (char *)(body.email != NULL ? body.email : patient->email);
  account.language = patient->language;
  account.created_at = request->now;

  if (!alta_store_begin (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  if (!alta_store_mark_activation_code_used (self->store, code->id, request->now, &store_error))
    {
      if (g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT))
        return fail (error, ALTA_PORTAL_ERROR_CODE_USED, "used code");
      return alta_request_store_failed (request, store_error, error);
    }

  if (alta_store_insert_account (self->store, &account, &store_error) == 0)
    {
      if (g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT))
        return fail (error, ALTA_PORTAL_ERROR_USERNAME_TAKEN, "username taken");
      return alta_request_store_failed (request, store_error, error);
    }

  alta_request_audit (request, "enrollment.activate", *out_target, "success");
  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  g_message ("Request %s: an account was activated", request->request_id);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  add_string_member (builder, "username", body.username);
  add_string_member (builder, "patient_id", patient->id);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  alta_request_reply_json (request, SOUP_STATUS_CREATED, reply);
  return TRUE;
}

static gboolean
finish_activation (AltaRequest               *request,
                   const AltaPasswordResult  *result,
                   GError                   **error)
{
  g_autofree char *target = NULL;

  if (store_activation (request, result->new_hash, &target, error))
    return TRUE;

  if (!g_error_matches (*error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST))
    audit_failure (request, "enrollment.activate", target, *error);
  return FALSE;
}

/* POST /api/v1/enrollment/activate: checks, then hashes the password in the pool */
static gboolean
start_activation (AltaRequest  *request,
                  char        **out_target,
                  GError      **error)
{
  g_autofree char *username_key = NULL;
  AltaActivateRequest body;

  if (!alta_request_body_read_activate (request->body, &body, error))
    return FALSE;

  username_key = fold_key (body.username);
  if (!alta_request_limit_account (request, username_key, error) ||
      !check_activation (request, &body, NULL, NULL, out_target, error))
    return FALSE;

  return alta_request_hash_password (request, body.password, finish_activation, error);
}

static gboolean
handle_activate (AltaRequest  *request,
                 GError      **error)
{
  g_autofree char *target = NULL;

  if (start_activation (request, &target, error))
    return TRUE;

  if (!g_error_matches (*error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST))
    audit_failure (request, "enrollment.activate", target, *error);
  return FALSE;
}

/* Counts a wrong password against @key and locks it at the threshold. */
static gboolean
record_login_failure (AltaRequest  *request,
                      const char   *key,
                      const char   *target,
                      GError      **error)
{
  AltaServer *self = request->server;
  AltaConfig *config = self->config;
  g_autoptr (GError) store_error = NULL;
  int failures;

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_store_add_login_failure (self->store, key, request->now, &store_error))
    return alta_request_store_failed (request, store_error, error);

  failures = alta_store_count_login_failures (self->store, key,
                                              request->now - config->lockout_window_s + 1,
                                              &store_error);
  if (failures < 0)
    return alta_request_store_failed (request, store_error, error);

  alta_request_audit (request, "sign-in", target, "invalid_credentials");

  if (failures >= config->lockout_threshold)
    {
      if (!alta_store_set_locked_until (self->store, key,
                                        request->now + config->lockout_duration_s, &store_error))
        return alta_request_store_failed (request, store_error, error);
      alta_request_audit (request, "account.lock", target, "success");
      g_message ("Request %s: an account was locked after %d wrong passwords",
                 request->request_id, failures);
    }

  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  return TRUE;
}

static gboolean
check_not_locked (AltaRequest  *request,
                  const char   *key,
                  const char   *target,
                  GError      **error)
{
  g_autoptr (GError) store_error = NULL;
  gint64 locked_until = alta_store_get_locked_until (request->server->store, key, &store_error);

  if (locked_until < 0)
    return alta_request_store_failed (request, store_error, error);

  if (locked_until > request->now)
    {
      request->retry_after = locked_until - request->now;
      alta_request_audit (request, "sign-in", target, "account_locked");
      return fail (error, ALTA_PORTAL_ERROR_ACCOUNT_LOCKED, "locked");
    }

  return TRUE;
}

/* POST /api/v1/sessions, once the password is verified */
static gboolean
finish_sign_in (AltaRequest               *request,
                const AltaPasswordResult  *result,
                GError                   **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonNode) account_json = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *key = NULL;
  g_autofree char *target = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires = NULL;
  gint64 expires_at, session_id, previous_sign_in_at = 0;
  AltaSignInRequest body;

  if (!alta_request_body_read_sign_in (request->body, &body, error))
    return FALSE;

  /* The account as it is now: other requests ran while the password was checked. */
  key = fold_key (body.username);
  account = alta_store_get_account_by_username (self->store, body.username, &store_error);
  if (account == NULL && !g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
    return alta_request_store_failed (request, store_error, error);
  g_clear_error (&store_error);

  if (account != NULL)
    target = g_strdup_printf ("account:%" G_GINT64_FORMAT, account->id);

  /* Wrong passwords tried at the same time may have locked the account meanwhile; then
   * this attempt is refused too, as it would have been had they come one by one, so that
   * guesses in parallel get no more tries than guesses in a row.
   */
  if (!check_not_locked (request, key, target, error))
    return FALSE;

  /* A password changed while this one was checked is no longer the right one. */
  if (account == NULL || !result->verified ||
      !alta_secrets_equal (account->password_hash, result->verified_hash))
    {
      if (!record_login_failure (request, key, target, error))
        return FALSE;
      return fail (error, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS, "wrong username or password");
    }

  if (account->patient_id != NULL)
    {
      g_autoptr (AltaPatient) patient = alta_store_get_patient (self->store, account->patient_id,
                                                                &store_error);

      if (patient == NULL)
        return alta_request_store_failed (request, store_error, error);

      if (!alta_server_patient_has_access (self, patient, request->now))
        {
          alta_request_audit (request, "sign-in", target, "no_portal_access");
          return fail (error, ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS, "patient aged 12 to 17");
        }
    }

  token = alta_secrets_new_token ();
  token_hash = alta_secrets_hash ("session", token);
  expires_at = request->now + self->config->session_max_s;

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_store_clear_login_failures (self->store, key, &store_error) ||
      (session_id = alta_store_insert_session (self->store, account->id, token_hash, request->now,
                                               expires_at, &previous_sign_in_at,
                                               &store_error)) == 0)
    return alta_request_store_failed (request, store_error, error);

  g_free (request->actor);
  request->actor = g_strdup (target);
  alta_request_audit (request, "sign-in", target, "success");

  account_json = alta_server_build_account (self, account, previous_sign_in_at,
                                            request->now, &store_error);
  if (account_json == NULL || !alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  expires = alta_clock_format_iso8601 (expires_at);
  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  add_string_member (builder, "access_token", token);
  add_string_member (builder, "token_type", "Bearer");
  json_builder_set_member_name (builder, "idle_timeout_s");
  json_builder_add_int_value (builder, self->config->idle_timeout_s);
  add_string_member (builder, "expires_at", expires);
  json_builder_set_member_name (builder, "account");
  json_builder_add_value (builder, g_steal_pointer (&account_json));
  add_sign_in_member (builder, previous_sign_in_at);
  json_builder_end_object (builder);

  reply = json_builder_get_root (builder);
  alta_request_reply_json (request, SOUP_STATUS_CREATED, reply);
  return TRUE;
}

/* POST /api/v1/sessions: the limits and the lock, then the password in the pool */
static gboolean
handle_create_session (AltaRequest  *request,
                       GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *target = NULL;
  AltaSignInRequest body;

  if (!alta_request_body_read_sign_in (request->body, &body, error))
    return FALSE;

  key = fold_key (body.username);
  if (!alta_request_limit_account (request, key, error))
    return FALSE;

  account = alta_store_get_account_by_username (self->store, body.username, &store_error);
  if (account == NULL && !g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND))
    return alta_request_store_failed (request, store_error, error);
  g_clear_error (&store_error);

  if (account != NULL)
    target = g_strdup_printf ("account:%" G_GINT64_FORMAT, account->id);

  if (!check_not_locked (request, key, target, error))
    return FALSE;

  /* Unknown usernames cost the same time (a dummy hash is verified) and count toward the
   * same lockout as wrong passwords, so that no answer tells whether an account exists.
   */
  return alta_request_verify_password (request, account != NULL ? account->password_hash : NULL,
                                       body.password, NULL, finish_sign_in, error);
}

/* POST /api/v1/password-reset: always 202 */
static gboolean
handle_password_reset (AltaRequest  *request,
                       GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *key = NULL;
  AltaResetRequest body;

  if (!alta_request_body_read_reset (request->body, &body, error))
    return FALSE;

  key = fold_key (body.username != NULL ? body.username : body.email);
  if (!alta_request_limit_account (request, key, error))
    return FALSE;

  if (body.username != NULL)
    {
      AltaAccount *account = alta_store_get_account_by_username (self->store, body.username, NULL);

      accounts = g_ptr_array_new_with_free_func ((GDestroyNotify)alta_account_free);
      if (account != NULL)
        g_ptr_array_add (accounts, account);
    }
  else
    {
      accounts = alta_store_find_accounts_by_email (self->store, body.email, &store_error);
      if (accounts == NULL)
        return alta_request_store_failed (request, store_error, error);
    }

  if (!alta_store_begin (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  for (guint i = 0; i < accounts->len; i++)
    {
      if (!alta_server_send_reset_token (self, request, g_ptr_array_index (accounts, i),
                                         &store_error))
        return alta_request_store_failed (request, store_error, error);
    }

  if (accounts->len == 0)
    alta_request_audit (request, "password.reset-request", NULL, "no-match");

  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  if (accounts->len > 0)
    alta_mailer_kick (self->mailer);

  reply_accepted (request);
  return TRUE;
}

/* What a reset checks before the new password is hashed, and again after: the token may
 * have been used meanwhile.
 */
static gboolean
check_reset_token (AltaRequest                    *request,
                   const AltaResetConfirmRequest  *body,
                   AltaResetToken                **out_token,
                   AltaAccount                   **out_account,
                   char                          **out_target,
                   GError                        **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaResetToken) token = NULL;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *token_hash = NULL;

  token_hash = alta_secrets_hash ("reset", body->token);
  token = alta_store_find_reset_token (self->store, token_hash, &store_error);
  if (token == NULL)
    {
      if (store_error != NULL)
        return alta_request_store_failed (request, store_error, error);
      return fail (error, ALTA_PORTAL_ERROR_TOKEN_INVALID, "unknown token");
    }

  g_free (*out_target);
  *out_target = g_strdup_printf ("account:%" G_GINT64_FORMAT, token->account_id);

  if (!alta_secrets_equal (token->token_hash, token_hash) || token->used_at != 0)
    return fail (error, ALTA_PORTAL_ERROR_TOKEN_INVALID, "used token");
  if (request->now >= token->expires_at)
    return fail (error, ALTA_PORTAL_ERROR_TOKEN_EXPIRED, "expired token");

  account = alta_store_get_account (self->store, token->account_id, &store_error);
  if (account == NULL)
    return alta_request_store_failed (request, store_error, error);

  if (!check_password_policy (body->new_password, account->username, error))
    return FALSE;

  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  if (out_account != NULL)
    *out_account = g_steal_pointer (&account);
  return TRUE;
}

/* POST /api/v1/password-reset/confirm, once the new password is hashed */
static gboolean
store_password_reset (AltaRequest  *request,
                      const char   *password_hash,
                      char        **out_target,
                      GError      **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaResetToken) token = NULL;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *key = NULL;
  AltaResetConfirmRequest body;

  if (!alta_request_body_read_reset_confirm (request->body, &body, error) ||
      !check_reset_token (request, &body, &token, &account, out_target, error))
    return FALSE;

  key = fold_key (account->username);
  if (!alta_store_begin (self->store, &store_error) ||
      !alta_store_mark_reset_token_used (self->store, token->id, request->now, &store_error) ||
      !alta_store_set_password_hash (self->store, account->id, password_hash, &store_error) ||
      alta_store_end_account_sessions (self->store, account->id, 0, request->now,
                                       "password-reset", &store_error) < 0 ||
      !alta_store_clear_login_failures (self->store, key, &store_error))
    {
      if (g_error_matches (store_error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT))
        {
          alta_store_rollback (self->store);
          return fail (error, ALTA_PORTAL_ERROR_TOKEN_INVALID, "used token");
        }
      return alta_request_store_failed (request, store_error, error);
    }

  alta_request_audit (request, "password.reset", *out_target, "success");
  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_request_reply_empty (request, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

static gboolean
finish_password_reset (AltaRequest               *request,
                       const AltaPasswordResult  *result,
                       GError                   **error)
{
  g_autofree char *target = NULL;

  if (store_password_reset (request, result->new_hash, &target, error))
    return TRUE;

  if (target != NULL)
    audit_failure (request, "password.reset", target, *error);
  return FALSE;
}

/* POST /api/v1/password-reset/confirm: checks, then hashes the new password in the pool */
static gboolean
handle_password_reset_confirm (AltaRequest  *request,
                               GError      **error)
{
  g_autofree char *target = NULL;
  AltaResetConfirmRequest body;

  if (!alta_request_body_read_reset_confirm (request->body, &body, error))
    return FALSE;

  if (check_reset_token (request, &body, NULL, NULL, &target, error) &&
      alta_request_hash_password (request, body.new_password, finish_password_reset, error))
    return TRUE;

  if (target != NULL)
    audit_failure (request, "password.reset", target, *error);
  return FALSE;
}

static gboolean
reply_account (AltaRequest  *request,
               GError      **error)
{
  g_autoptr (GError) store_error = NULL;
  g_autoptr (JsonNode) account = NULL;

  account = alta_server_build_account (request->server, request->account,
                                       request->session->previous_sign_in_at, request->now,
                                       &store_error);
  if (account == NULL)
    return alta_request_store_failed (request, store_error, error);

  alta_request_reply_json (request, SOUP_STATUS_OK, account);
  return TRUE;
}

/* GET /api/v1/me: the session is checked (and touched) on the main loop, the account read
 * on a read connection (alta_request_read()) */
typedef struct
{
  const AltaAccount *account;     /* the request's, which lives until the answer */
  gint64             previous_sign_in_at;
  gint64             now;
  JsonNode          *result;
} MeJob;

static void
me_job_free (MeJob *job)
{
  g_clear_pointer (&job->result, json_node_unref);
  g_free (job);
}

static gboolean
read_me (AltaStore  *store,
         gpointer    data,
         GError    **error)
{
  MeJob *job = data;

  job->result = build_account (store, job->account, job->previous_sign_in_at, job->now, error);
  return job->result != NULL;
}

static gboolean
answer_me (AltaRequest  *request,
           gpointer      data,
           GError      **error)
{
  MeJob *job = data;

  alta_request_reply_json (request, SOUP_STATUS_OK, job->result);
  return TRUE;
}

static gboolean
handle_get_me (AltaRequest  *request,
               GError      **error)
{
  MeJob *job = g_new0 (MeJob, 1);

  job->account = request->account;
  job->previous_sign_in_at = request->session->previous_sign_in_at;
  job->now = request->now;
  return alta_request_read (request, read_me, answer_me, job, (GDestroyNotify)me_job_free,
                            error);
}

/* The address, phone, e-mail and language of the account side also go to the FHIR Patient. */
static gboolean
sync_fhir_patient (AltaRequest  *request,
                   const char   *patient_id,
                   GError      **error)
{
  g_autoptr (AltaPatient) patient = alta_store_get_patient (request->server->store, patient_id,
                                                            error);

  return patient != NULL &&
         alta_fhir_import_patient (request->server->store, patient, request->now, error);
}

/* The session of a request may have ended while its password was checked: a password
 * changed in another session, or reset, ends this one.
 */
static gboolean
check_session_open (AltaRequest  *request,
                    GError      **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr (AltaSessionRecord) session = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *token_hash = NULL;

  /* authenticate() checked the header before the route ran. */
  g_assert (authorization != NULL && strlen (authorization) > 7);

  token_hash = alta_secrets_hash ("session", authorization + 7);
  session = alta_store_find_session (request->server->store, token_hash, &store_error);
  if (session == NULL && store_error != NULL)
    return alta_request_store_failed (request, store_error, error);

  if (session == NULL || session->ended_at != 0)
    return fail (error, ALTA_PORTAL_ERROR_SESSION_EXPIRED, "the session ended meanwhile");

  return TRUE;
}

/* PATCH /api/v1/me, once allowed: the changes, and a notice to the old address when the
 * email changes, in one transaction
 */
static gboolean
apply_profile_update (AltaRequest        *request,
                      AltaAccount        *account,
                      AltaProfileUpdate  *update,
                      GError            **error)
{
  AltaServer *self = request->server;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *old_email = NULL;
  g_autofree char *notice = NULL;

  if (update->email != NULL && account->email != NULL &&
      g_ascii_strcasecmp (update->email, account->email) != 0)
    {
      old_email = g_strdup (account->email);
      notice = alta_mail_compose_notice (account->language, self->config->mail_from, old_email,
                                         ALTA_MAIL_NOTICE_EMAIL_CHANGED, request->now);
    }

  if (update->email != NULL)
    {
      g_free (account->email);
      account->email = g_strdup (update->email);
    }
  if (update->phone != NULL)
    {
      g_free (account->phone);
      account->phone = g_strdup (update->phone);
    }
  if (update->language != NULL)
    {
      g_free (account->language);
      account->language = g_strdup (update->language);
    }

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_store_update_account (self->store, account, &store_error) ||
      (account->patient_id != NULL &&
       !alta_store_update_patient_contact (self->store, account->patient_id, update->email,
                                           update->phone, update->address_json, update->language,
                                           &store_error)) ||
      (account->patient_id != NULL && !sync_fhir_patient (request, account->patient_id,
                                                          &store_error)) ||
      (notice != NULL && !alta_store_enqueue_mail (self->store, old_email, notice, request->now,
                                                   &store_error)))
    return alta_request_store_failed (request, store_error, error);

  alta_request_audit (request, old_email != NULL ? "account.email-change" : "account.update",
                      request->actor, "success");
  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  if (notice != NULL)
    alta_mailer_kick (self->mailer);

  return reply_account (request, error);
}

/* Whether the update changes the account's email address */
static gboolean
changes_email (const AltaAccount       *account,
               const AltaProfileUpdate *update)
{
  return update->email != NULL &&
         (account->email == NULL || g_ascii_strcasecmp (update->email, account->email) != 0);
}

/* PATCH /api/v1/me with a new email, once the current password is verified: a stolen
 * session alone cannot redirect the account's reset mail
 */
static gboolean
finish_patch_me (AltaRequest               *request,
                 const AltaPasswordResult  *result,
                 GError                   **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *key = NULL;
  AltaProfileUpdate update;
  gboolean done;

  if (!check_session_open (request, error))
    return FALSE;

  account = alta_store_get_account (self->store, request->account->id, &store_error);
  if (account == NULL)
    return alta_request_store_failed (request, store_error, error);

  key = fold_key (account->username);
  if (!check_not_locked (request, key, request->actor, error))
    return FALSE;

  if (!result->verified || !alta_secrets_equal (account->password_hash, result->verified_hash))
    {
      alta_request_audit (request, "account.email-change", request->actor, "wrong-password");
      if (!record_login_failure (request, key, request->actor, error))
        return FALSE;
      return fail (error, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS, "wrong current password");
    }

  if (!alta_request_body_read_profile_update (request->body, &update, error))
    return FALSE;

  done = apply_profile_update (request, account, &update, error);
  alta_profile_update_clear (&update);
  return done;
}

/* PATCH /api/v1/me */
static gboolean
handle_patch_me (AltaRequest  *request,
                 GError      **error)
{
  AltaAccount *account = request->account;
  g_autofree char *key = NULL;
  AltaProfileUpdate update;
  gboolean done;

  if (!alta_request_body_read_profile_update (request->body, &update, error))
    return FALSE;

  if (account->patient_id == NULL && update.address_json != NULL)
    {
      alta_profile_update_clear (&update);
      return fail (error, ALTA_PORTAL_ERROR_INVALID_FIELD, ALTA_FIELD_ERROR_PREFIX "address");
    }

  if (!changes_email (account, &update))
    {
      done = apply_profile_update (request, account, &update, error);
      alta_profile_update_clear (&update);
      return done;
    }

  alta_profile_update_clear (&update);
  key = fold_key (account->username);
  if (!check_not_locked (request, key, request->actor, error))
    return FALSE;

  if (update.current_password == NULL)
    {
      alta_request_audit (request, "account.email-change", request->actor, "no-password");
      return fail (error, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS,
                   "a new email needs the current password");
    }

  return alta_request_verify_password (request, account->password_hash, update.current_password,
                                       NULL, finish_patch_me, error);
}

/* POST /api/v1/me/password, once the current password is verified and the new one hashed */
static gboolean
finish_change_password (AltaRequest               *request,
                        const AltaPasswordResult  *result,
                        GError                   **error)
{
  AltaServer *self = request->server;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autofree char *key = NULL;
  AltaPasswordChangeRequest body;
  int ended;

  if (!alta_request_body_read_password_change (request->body, &body, error) ||
      !check_session_open (request, error))
    return FALSE;

  account = alta_store_get_account (self->store, request->account->id, &store_error);
  if (account == NULL)
    return alta_request_store_failed (request, store_error, error);

  key = fold_key (account->username);
  if (!check_not_locked (request, key, request->actor, error))
    return FALSE;

  if (!result->verified || !alta_secrets_equal (account->password_hash, result->verified_hash))
    {
      if (!record_login_failure (request, key, request->actor, error))
        return FALSE;
      return fail (error, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS, "wrong current password");
    }

  if (!check_password_policy (body.new_password, account->username, error))
    return FALSE;

  g_assert (result->new_hash != NULL);

  if (!alta_store_begin (self->store, &store_error) ||
      !alta_store_set_password_hash (self->store, account->id, result->new_hash, &store_error) ||
      (ended = alta_store_end_account_sessions (self->store, account->id, request->session->id,
                                                request->now, "password-changed",
                                                &store_error)) < 0)
    return alta_request_store_failed (request, store_error, error);

  alta_request_audit (request, "password.change", request->actor, "success");
  if (!alta_store_commit (self->store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  g_debug ("Request %s: password changed, %d other sessions ended", request->request_id, ended);
  alta_request_reply_empty (request, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

/* POST /api/v1/me/password: the lock, then both passwords in the pool */
static gboolean
handle_change_password (AltaRequest  *request,
                        GError      **error)
{
  g_autofree char *key = NULL;
  AltaPasswordChangeRequest body;
  gboolean acceptable;

  if (!alta_request_body_read_password_change (request->body, &body, error))
    return FALSE;

  key = fold_key (request->account->username);
  if (!check_not_locked (request, key, request->actor, error))
    return FALSE;

  /* A wrong current password answers 401 before a weak new one answers 422, so the policy
   * is told after verifying; the new password is hashed only if it is going to be used.
   */
  acceptable = check_password_policy (body.new_password, request->account->username, NULL);
  return alta_request_verify_password (request, request->account->password_hash,
                                       body.current_password,
                                       acceptable ? body.new_password : NULL,
                                       finish_change_password, error);
}

/* POST /api/v1/sessions/current/keepalive: "Stay signed in" */
static gboolean
handle_keepalive (AltaRequest  *request,
                  GError      **error)
{
  g_autoptr (GError) store_error = NULL;

  /* The button is a person's answer even if a client marked it background. */
  if (!alta_store_touch_session (request->server->store, request->session->id, request->now,
                                 &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_request_reply_empty (request, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

/* DELETE /api/v1/sessions/current: sign out */
static gboolean
handle_delete_session (AltaRequest  *request,
                       GError      **error)
{
  AltaStore *store = request->server->store;
  g_autoptr (GError) store_error = NULL;

  if (!alta_store_begin (store, &store_error) ||
      !alta_store_end_session (store, request->session->id, request->now, "sign-out",
                               &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_request_audit (request, "sign-out", request->actor, "success");
  if (!alta_store_commit (store, &store_error))
    return alta_request_store_failed (request, store_error, error);

  alta_request_reply_empty (request, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

static const AltaRoute account_routes[] = {
  { "GET", "/api/v1/info", ALTA_ROUTE_PUBLIC, FALSE, handle_info },
  { "POST", "/api/v1/enrollment/request-code", ALTA_ROUTE_PUBLIC_LIMITED, TRUE, handle_request_code },
  { "POST", "/api/v1/enrollment/activate", ALTA_ROUTE_PUBLIC_LIMITED, TRUE, handle_activate },
  { "POST", "/api/v1/sessions", ALTA_ROUTE_PUBLIC_LIMITED, TRUE, handle_create_session },
  { "POST", "/api/v1/password-reset", ALTA_ROUTE_PUBLIC_LIMITED, TRUE, handle_password_reset },
  { "POST", "/api/v1/password-reset/confirm", ALTA_ROUTE_PUBLIC_LIMITED, TRUE, handle_password_reset_confirm },
  { "GET", "/api/v1/me", ALTA_ROUTE_SIGNED_IN, FALSE, handle_get_me },
  { "PATCH", "/api/v1/me", ALTA_ROUTE_SIGNED_IN, TRUE, handle_patch_me },
  { "POST", "/api/v1/me/password", ALTA_ROUTE_SIGNED_IN, TRUE, handle_change_password },
  { "POST", "/api/v1/sessions/current/keepalive", ALTA_ROUTE_SIGNED_IN, FALSE, handle_keepalive },
  { "DELETE", "/api/v1/sessions/current", ALTA_ROUTE_SIGNED_IN, FALSE, handle_delete_session },
};

void
alta_server_accounts_register (AltaServer *self)
{
  alta_server_add_routes (self, account_routes, G_N_ELEMENTS (account_routes));
}
