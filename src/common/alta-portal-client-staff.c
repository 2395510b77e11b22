/* alta-portal-client-staff.c: the enrollment station's staff calls, as typed calls
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-client"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-portal-client-private.h"
#include "alta-portal-client-staff.h"
#include "alta-portal-error.h"

/* The staff routes of docs/api.md ("Staff"): a patient search, an activation code issued
 * after the staff member checked the patient's identity, a proxy grant after the consent
 * form is signed, and a password reset sent to a patient. They need a staff account's
 * token; a patient's gets ALTA_PORTAL_ERROR_FORBIDDEN. The station's pages call these and
 * never build a path or a body themselves.
 */

struct _AltaStaffPatient
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *birth_date;
  char     *email;
  gboolean  has_account;
  gboolean  portal_access;
};

G_DEFINE_FINAL_TYPE (AltaStaffPatient, alta_staff_patient, G_TYPE_OBJECT)

static void
alta_staff_patient_finalize (GObject *object)
{
  AltaStaffPatient *self = ALTA_STAFF_PATIENT (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->birth_date);
  g_free (self->email);

  G_OBJECT_CLASS (alta_staff_patient_parent_class)->finalize (object);
}

static void
alta_staff_patient_class_init (AltaStaffPatientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = alta_staff_patient_finalize;
}

static void
alta_staff_patient_init (AltaStaffPatient *self)
{
}

/* One patient of a search's answer; %NULL when it lacks an id or a name */
static AltaStaffPatient *
staff_patient_new_from_json (JsonObject *object)
{
  AltaStaffPatient *self;
  const char *id = alta_json_get_string (object, "patient_id");
  const char *name = alta_json_get_string (object, "name");

  if (id == NULL || name == NULL)
    return NULL;

  self = g_object_new (ALTA_TYPE_STAFF_PATIENT, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->birth_date = g_strdup (alta_json_get_string (object, "birth_date"));
  self->email = g_strdup (alta_json_get_string (object, "email"));
  self->has_account = json_object_get_boolean_member_with_default (object, "has_account", FALSE);
  self->portal_access = json_object_get_boolean_member_with_default (object, "portal_access",
                                                                     TRUE);
  return self;
}

const char *
alta_staff_patient_get_id (AltaStaffPatient *self)
{
  g_return_val_if_fail (ALTA_IS_STAFF_PATIENT (self), NULL);
  return self->id;
}

const char *
alta_staff_patient_get_name (AltaStaffPatient *self)
{
  g_return_val_if_fail (ALTA_IS_STAFF_PATIENT (self), NULL);
  return self->name;
}

/**
 * alta_staff_patient_get_birth_date:
 *
 * Returns: (nullable): "YYYY-MM-DD"
 */
const char *
alta_staff_patient_get_birth_date (AltaStaffPatient *self)
{
  g_return_val_if_fail (ALTA_IS_STAFF_PATIENT (self), NULL);
  return self->birth_date;
}

/**
 * alta_staff_patient_get_email:
 *
 * Returns: (nullable): the address on file
 */
const char *
alta_staff_patient_get_email (AltaStaffPatient *self)
{
  g_return_val_if_fail (ALTA_IS_STAFF_PATIENT (self), NULL);
  return self->email;
}

gboolean
alta_staff_patient_get_has_account (AltaStaffPatient *self)
{
  g_return_val_if_fail (ALTA_IS_STAFF_PATIENT (self), FALSE);
  return self->has_account;
}

/**
 * alta_staff_patient_get_portal_access:
 *
 * Returns: %FALSE for a patient aged 12–17 today, who cannot have portal access
 */
gboolean
alta_staff_patient_get_portal_access (AltaStaffPatient *self)
{
  g_return_val_if_fail (ALTA_IS_STAFF_PATIENT (self), FALSE);
  return self->portal_access;
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (GListStore) patients = NULL;
  JsonArray *array;
  GError *error = NULL;

  answer = alta_portal_client_call_object_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  array = alta_json_get_array (answer, "patients");
  if (array == NULL)
    {
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                               "The answer has no patients");
      return;
    }

  patients = g_list_store_new (ALTA_TYPE_STAFF_PATIENT);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = alta_json_array_get_object (array, i);
      g_autoptr (AltaStaffPatient) patient = entry != NULL ? staff_patient_new_from_json (entry)
                                                           : NULL;

      if (patient == NULL)
        {
          g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                                   "A patient of the answer has no id or name");
          return;
        }
      g_list_store_append (patients, patient);
    }

  g_task_return_pointer (task, g_steal_pointer (&patients), g_object_unref);
}

static void
add_query (GString    *path,
           const char *name,
           const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL || value[0] == '\0')
    return;

  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (path, "%s%s=%s", strchr (path->str, '?') != NULL ? "&" : "?", name,
                          escaped);
}

/**
 * alta_portal_client_staff_search_patients_async:
 * @family: (nullable): a surname, or part of a compound one, as the front desk types it
 * @given: (nullable): one of the given names
 * @birth_date: (nullable): "YYYY-MM-DD"
 *
 * Finds patients (`GET /api/v1/staff/patients`): names without regard to case or accents,
 * each word a prefix; at least one of the three is needed.
 */
void
alta_portal_client_staff_search_patients_async (AltaPortalClient    *self,
                                                const char          *family,
                                                const char          *given,
                                                const char          *birth_date,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GString) path = g_string_new ("/api/v1/staff/patients");

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_staff_search_patients_async);

  add_query (path, "family", family);
  add_query (path, "given", given);
  add_query (path, "birth_date", birth_date);

  alta_portal_client_call_async (self, "GET", path->str, NULL, ALTA_REQUEST_NONE, cancellable,
                                 search_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_staff_search_patients_finish:
 *
 * Returns: (transfer full) (nullable): the #AltaStaffPatient found, by surname (at most 50)
 */
GListStore *
alta_portal_client_staff_search_patients_finish (AltaPortalClient  *self,
                                                 GAsyncResult      *result,
                                                 GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * alta_portal_client_staff_issue_code_async:
 * @patient_id: the patient found by the search
 * @email: where the code is mailed
 * @identity_verified: how the staff member checked who the patient is: one of
 *   %ALTA_IDENTITY_PHOTO_ID, %ALTA_IDENTITY_PHONE_QUESTIONS, %ALTA_IDENTITY_KNOWN_PATIENT
 *
 * Issues an activation code (`POST /api/v1/staff/activation-codes`); the portal mails it to
 * @email, and earlier unused codes of the patient stop working.
 */
void
alta_portal_client_staff_issue_code_async (AltaPortalClient    *self,
                                           const char          *patient_id,
                                           const char          *email,
                                           const char          *identity_verified,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (patient_id != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (identity_verified != NULL);

  json_object_set_string_member (object, "patient_id", patient_id);
  json_object_set_string_member (object, "email", email);
  json_object_set_string_member (object, "identity_verified", identity_verified);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/staff/activation-codes", object,
                                       ALTA_REQUEST_NONE,
                                       alta_portal_client_staff_issue_code_async, cancellable,
                                       callback, user_data);
}

/**
 * alta_portal_client_staff_issue_code_finish:
 * @out_expires_at: (out) (optional) (transfer full): when the code stops working
 * @error: %ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS for a patient aged 12–17,
 *   %ALTA_PORTAL_ERROR_HAS_ACCOUNT when the patient has an account,
 *   %ALTA_PORTAL_ERROR_NOT_FOUND for an unknown patient
 *
 * Returns: (transfer full) (nullable): the activation code ("ACDEF-GHJK3")
 */
char *
alta_portal_client_staff_issue_code_finish (AltaPortalClient  *self,
                                            GAsyncResult      *result,
                                            GDateTime        **out_expires_at,
                                            GError           **error)
{
  g_autoptr (JsonObject) answer = NULL;
  const char *code;
  const char *expires_at;

  if (!alta_portal_client_write_json_finish (self, result, &answer, error))
    return NULL;

  code = alta_json_get_string (answer, "activation_code");
  if (code == NULL)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The answer has no activation code");
      return NULL;
    }

  expires_at = alta_json_get_string (answer, "expires_at");
  if (out_expires_at != NULL)
    *out_expires_at = expires_at != NULL ? g_date_time_new_from_iso8601 (expires_at, NULL)
                                         : NULL;
  return g_strdup (code);
}

/**
 * alta_portal_client_staff_grant_proxy_async:
 * @proxy_username: the account that will see the record (a parent, a caregiver)
 * @patient_id: the record seen by proxy
 * @relationship: "child" or "dependent-adult"
 * @consent_form_id: the signed consent form's number
 *
 * Grants proxy access (`POST /api/v1/staff/proxy-grants`) once the consent form is signed.
 */
void
alta_portal_client_staff_grant_proxy_async (AltaPortalClient    *self,
                                            const char          *proxy_username,
                                            const char          *patient_id,
                                            const char          *relationship,
                                            const char          *consent_form_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (proxy_username != NULL);
  g_return_if_fail (patient_id != NULL);
  g_return_if_fail (g_strcmp0 (relationship, "child") == 0 ||
                    g_strcmp0 (relationship, "dependent-adult") == 0);
  g_return_if_fail (consent_form_id != NULL);

  json_object_set_string_member (object, "proxy_username", proxy_username);
  json_object_set_string_member (object, "patient_id", patient_id);
  json_object_set_string_member (object, "relationship", relationship);
  json_object_set_string_member (object, "consent_form_id", consent_form_id);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/staff/proxy-grants", object,
                                       ALTA_REQUEST_NONE,
                                       alta_portal_client_staff_grant_proxy_async, cancellable,
                                       callback, user_data);
}

/**
 * alta_portal_client_staff_grant_proxy_finish:
 * @error: %ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED against the age rules (a patient aged 12–17,
 *   a "child" who is not 0–11, a "dependent-adult" under 18, the proxy's own record);
 *   %ALTA_PORTAL_ERROR_NOT_FOUND for an unknown patient or a username that is not a
 *   patient's account
 */
gboolean
alta_portal_client_staff_grant_proxy_finish (AltaPortalClient  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  return alta_portal_client_write_json_finish (self, result, NULL, error);
}

/**
 * alta_portal_client_staff_send_reset_async:
 * @username: the patient's username
 *
 * Mails the patient a password-reset code (`POST /api/v1/staff/password-reset`).
 */
void
alta_portal_client_staff_send_reset_async (AltaPortalClient    *self,
                                           const char          *username,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (username != NULL);

  json_object_set_string_member (object, "username", username);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/staff/password-reset", object,
                                       ALTA_REQUEST_NONE,
                                       alta_portal_client_staff_send_reset_async, cancellable,
                                       callback, user_data);
}

/**
 * alta_portal_client_staff_send_reset_finish:
 * @error: %ALTA_PORTAL_ERROR_NOT_FOUND for an unknown username
 */
gboolean
alta_portal_client_staff_send_reset_finish (AltaPortalClient  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  return alta_portal_client_write_json_finish (self, result, NULL, error);
}
