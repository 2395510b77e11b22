/* alta-portal-client-enrollment.c: enrollment and password reset, as typed calls
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-client"

#include "config.h"

#include <string.h>

#include "alta-json.h"
#include "alta-portal-client-enrollment.h"
#include "alta-portal-client-private.h"
#include "alta-portal-error.h"

/* The public routes of docs/api.md ("Public routes"): none sends the session's token. The
 * bodies that carry a password are wiped once sent (ALTA_REQUEST_SECRET_BODY).
 */

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) json = NULL;
  GError *error = NULL;
  const char *username = NULL;

  json = alta_portal_client_call_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (json != NULL && JSON_NODE_HOLDS_OBJECT (json))
    username = alta_json_get_string (json_node_get_object (json), "username");
  if (username == NULL)
    {
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                               "The answer has no username");
      return;
    }

  g_task_return_pointer (task, g_strdup (username), g_free);
}

/**
 * alta_portal_client_activate_async:
 * @self: an #AltaPortalClient
 * @activation_code: the code as typed (the portal ignores case, spaces and dashes)
 * @birth_date: the patient's date of birth, `YYYY-MM-DD`
 * @username: the username chosen
 * @password: the password chosen
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the account is made, or not
 * @user_data: data for @callback
 *
 * Makes the patient's account with an activation code (`POST /api/v1/enrollment/activate`).
 * The account can sign in at once; this call does not sign in.
 */
void
alta_portal_client_activate_async (AltaPortalClient    *self,
                                   const char          *activation_code,
                                   const char          *birth_date,
                                   const char          *username,
                                   const char          *password,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (JsonNode) node = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (activation_code != NULL && birth_date != NULL);
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_activate_async);

  json_object_set_string_member (object, "activation_code", activation_code);
  json_object_set_string_member (object, "birth_date", birth_date);
  json_object_set_string_member (object, "username", username);
  json_object_set_string_member (object, "password", password);
  node = json_node_init_object (json_node_alloc (), object);

  alta_portal_client_call_async (self, "POST", "/api/v1/enrollment/activate", node,
                                 ALTA_REQUEST_NO_AUTH | ALTA_REQUEST_SECRET_BODY, cancellable,
                                 activated_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_activate_finish:
 * @error: %ALTA_PORTAL_ERROR_CODE_INVALID (unknown code, or the birth date does not match),
 *   %ALTA_PORTAL_ERROR_CODE_USED, %ALTA_PORTAL_ERROR_CODE_EXPIRED,
 *   %ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS, %ALTA_PORTAL_ERROR_USERNAME_TAKEN,
 *   %ALTA_PORTAL_ERROR_WEAK_PASSWORD, %ALTA_PORTAL_ERROR_INVALID_REQUEST (`field` in its
 *   message), %ALTA_PORTAL_ERROR_RATE_LIMITED
 *
 * Returns: (transfer full) (nullable): the username of the new account, as the portal keeps it
 */
char *
alta_portal_client_activate_finish (AltaPortalClient  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * alta_portal_client_request_activation_code_async:
 * @self: an #AltaPortalClient
 * @given_name: the patient's given name
 * @family_name: the patient's family name (or names)
 * @birth_date: the date of birth, `YYYY-MM-DD`
 * @email: the address on file with the clinic
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the portal has the request
 * @user_data: data for @callback
 *
 * Asks for an activation code by mail (`POST /api/v1/enrollment/request-code`). The portal
 * answers the same whether or not a record matched.
 */
void
alta_portal_client_request_activation_code_async (AltaPortalClient    *self,
                                                  const char          *given_name,
                                                  const char          *family_name,
                                                  const char          *birth_date,
                                                  const char          *email,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (JsonNode) node = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (given_name != NULL && family_name != NULL);
  g_return_if_fail (birth_date != NULL && email != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_request_activation_code_async);

  json_object_set_string_member (object, "given_name", given_name);
  json_object_set_string_member (object, "family_name", family_name);
  json_object_set_string_member (object, "birth_date", birth_date);
  json_object_set_string_member (object, "email", email);
  node = json_node_init_object (json_node_alloc (), object);

  alta_portal_client_call_async (self, "POST", "/api/v1/enrollment/request-code", node,
                                 ALTA_REQUEST_NO_AUTH, cancellable, alta_portal_client_empty_cb,
                                 g_steal_pointer (&task));
}

/**
 * alta_portal_client_request_activation_code_finish:
 * @error: %ALTA_PORTAL_ERROR_INVALID_REQUEST, %ALTA_PORTAL_ERROR_RATE_LIMITED
 *
 * Returns: %TRUE once the portal has the request (whether or not a record matched)
 */
gboolean
alta_portal_client_request_activation_code_finish (AltaPortalClient  *self,
                                                   GAsyncResult      *result,
                                                   GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * alta_portal_client_request_password_reset_async:
 * @self: an #AltaPortalClient
 * @username_or_email: a username, or an e-mail address (anything with an `@` after its
 *   first character is sent as one)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the portal has the request
 * @user_data: data for @callback
 *
 * Asks for a password-reset code by mail (`POST /api/v1/password-reset`). The portal answers
 * the same whether or not an account matched.
 */
void
alta_portal_client_request_password_reset_async (AltaPortalClient    *self,
                                                 const char          *username_or_email,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  gboolean is_email;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (username_or_email != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_request_password_reset_async);

  /* A username may hold an `@` too (docs/api.md: letters, digits and `. _ - @`), but one
   * with a dot after it reads as an address: the way people type theirs */
  is_email = strchr (username_or_email, '@') != NULL &&
             strchr (strchr (username_or_email, '@'), '.') != NULL;
  json_object_set_string_member (object, is_email ? "email" : "username", username_or_email);
  node = json_node_init_object (json_node_alloc (), object);

  alta_portal_client_call_async (self, "POST", "/api/v1/password-reset", node,
                                 ALTA_REQUEST_NO_AUTH, cancellable, alta_portal_client_empty_cb,
                                 g_steal_pointer (&task));
}

/**
 * alta_portal_client_request_password_reset_finish:
 * @error: %ALTA_PORTAL_ERROR_INVALID_REQUEST, %ALTA_PORTAL_ERROR_RATE_LIMITED
 *
 * Returns: %TRUE once the portal has the request (whether or not an account matched)
 */
gboolean
alta_portal_client_request_password_reset_finish (AltaPortalClient  *self,
                                                  GAsyncResult      *result,
                                                  GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * alta_portal_client_confirm_password_reset_async:
 * @self: an #AltaPortalClient
 * @token: the code of the reset mail
 * @new_password: the new password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the password is changed, or not
 * @user_data: data for @callback
 *
 * Sets a new password with the mailed code (`POST /api/v1/password-reset/confirm`). Every
 * session of the account ends; this call does not sign in.
 */
void
alta_portal_client_confirm_password_reset_async (AltaPortalClient    *self,
                                                 const char          *token,
                                                 const char          *new_password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (JsonNode) node = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (token != NULL && new_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_confirm_password_reset_async);

  json_object_set_string_member (object, "token", token);
  json_object_set_string_member (object, "new_password", new_password);
  node = json_node_init_object (json_node_alloc (), object);

  alta_portal_client_call_async (self, "POST", "/api/v1/password-reset/confirm", node,
                                 ALTA_REQUEST_NO_AUTH | ALTA_REQUEST_SECRET_BODY, cancellable,
                                 alta_portal_client_empty_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_confirm_password_reset_finish:
 * @error: %ALTA_PORTAL_ERROR_TOKEN_INVALID, %ALTA_PORTAL_ERROR_TOKEN_EXPIRED,
 *   %ALTA_PORTAL_ERROR_WEAK_PASSWORD, %ALTA_PORTAL_ERROR_INVALID_REQUEST,
 *   %ALTA_PORTAL_ERROR_RATE_LIMITED
 *
 * Returns: %TRUE once the password is changed
 */
gboolean
alta_portal_client_confirm_password_reset_finish (AltaPortalClient  *self,
                                                  GAsyncResult      *result,
                                                  GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
