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
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (activation_code != NULL && birth_date != NULL);
  g_return_if_fail (username != NULL && password != NULL);

  json_object_set_string_member (object, "activation_code", activation_code);
  json_object_set_string_member (object, "birth_date", birth_date);
  json_object_set_string_member (object, "username", username);
  json_object_set_string_member (object, "password", password);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/enrollment/activate", object,
                                       ALTA_REQUEST_NO_AUTH | ALTA_REQUEST_SECRET_BODY,
                                       alta_portal_client_activate_async, cancellable,
                                       callback, user_data);
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
  g_autoptr (JsonObject) answer = NULL;
  const char *username;

  if (!alta_portal_client_write_json_finish (self, result, &answer, error))
    return NULL;

  username = alta_json_get_string (answer, "username");
  if (username == NULL)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The answer has no username");
      return NULL;
    }

  return g_strdup (username);
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
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (given_name != NULL && family_name != NULL);
  g_return_if_fail (birth_date != NULL && email != NULL);

  json_object_set_string_member (object, "given_name", given_name);
  json_object_set_string_member (object, "family_name", family_name);
  json_object_set_string_member (object, "birth_date", birth_date);
  json_object_set_string_member (object, "email", email);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/enrollment/request-code", object,
                                       ALTA_REQUEST_NO_AUTH,
                                       alta_portal_client_request_activation_code_async,
                                       cancellable, callback, user_data);
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
  return alta_portal_client_write_json_finish (self, result, NULL, error);
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
  g_autoptr (JsonObject) object = json_object_new ();
  gboolean is_email;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (username_or_email != NULL);

  /* A username may hold an `@` too (docs/api.md: letters, digits and `. _ - @`), but one
   * with a dot after it reads as an address: the way people type theirs */
  is_email = strchr (username_or_email, '@') != NULL &&
             strchr (strchr (username_or_email, '@'), '.') != NULL;
  json_object_set_string_member (object, is_email ? "email" : "username", username_or_email);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/password-reset", object,
                                       ALTA_REQUEST_NO_AUTH,
                                       alta_portal_client_request_password_reset_async, cancellable,
                                       callback, user_data);
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
  return alta_portal_client_write_json_finish (self, result, NULL, error);
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
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (token != NULL && new_password != NULL);

  json_object_set_string_member (object, "token", token);
  json_object_set_string_member (object, "new_password", new_password);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/password-reset/confirm", object,
                                       ALTA_REQUEST_NO_AUTH | ALTA_REQUEST_SECRET_BODY,
                                       alta_portal_client_confirm_password_reset_async, cancellable,
                                       callback, user_data);
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
  return alta_portal_client_write_json_finish (self, result, NULL, error);
}
