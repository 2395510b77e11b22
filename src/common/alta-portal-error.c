/* alta-portal-error.c
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "alta-portal-error.h"

typedef struct
{
  AltaPortalError  error;
  const char      *code;
  guint            status;
  const char      *message;
} ErrorEntry;

/* The one table of the API's error codes. The messages are what the server sends as
 * "message" (translated to the request's language); the client chooses its own sentence
 * from the code and only falls back to the server's message for a code it does not know.
 */
static const ErrorEntry error_table[] = {
  { ALTA_PORTAL_ERROR_NETWORK, "network", 0,
    N_("The portal could not be reached.") },
  { ALTA_PORTAL_ERROR_INVALID_RESPONSE, "invalid_response", 0,
    N_("The portal sent an answer that could not be read.") },
  { ALTA_PORTAL_ERROR_INVALID_REQUEST, "invalid_request", 400,
    N_("The request is not valid.") },
  { ALTA_PORTAL_ERROR_RATE_LIMITED, "rate_limited", 429,
    N_("Too many attempts. Please wait a moment and try again.") },
  { ALTA_PORTAL_ERROR_CODE_INVALID, "code_invalid", 400,
    N_("This activation code is not valid. Check the code and your date of birth, or call the MyAltaMed Patient Support Line at (844) 498-3446.") },
  { ALTA_PORTAL_ERROR_CODE_EXPIRED, "code_expired", 410,
    N_("This activation code has expired. Activation codes are valid for 14 days. Call the MyAltaMed Patient Support Line at (844) 498-3446 for a new one.") },
  { ALTA_PORTAL_ERROR_CODE_USED, "code_used", 409,
    N_("This activation code has already been used. Each code works only once.") },
  { ALTA_PORTAL_ERROR_USERNAME_TAKEN, "username_taken", 409,
    N_("This username is already taken. Please choose another one.") },
  { ALTA_PORTAL_ERROR_WEAK_PASSWORD, "weak_password", 422,
    N_("This password is too easy to guess. Use at least 8 characters, not your username and not a common password.") },
  { ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS, "no_portal_access", 403,
    N_("MyAltaMed is not available for patients between the ages of 12 and 17.") },
  { ALTA_PORTAL_ERROR_INVALID_CREDENTIALS, "invalid_credentials", 401,
    N_("The username or password is not correct.") },
  { ALTA_PORTAL_ERROR_ACCOUNT_LOCKED, "account_locked", 423,
    N_("This account is locked for 15 minutes after too many wrong passwords.") },
  { ALTA_PORTAL_ERROR_TOKEN_INVALID, "token_invalid", 400,
    N_("This password reset code is not valid or was already used.") },
  { ALTA_PORTAL_ERROR_TOKEN_EXPIRED, "token_expired", 410,
    N_("This password reset code has expired. Codes work for one hour; please ask for a new one.") },
  { ALTA_PORTAL_ERROR_SESSION_EXPIRED, "session_expired", 401,
    N_("Your session has ended. Please sign in again.") },
  { ALTA_PORTAL_ERROR_INVALID_FIELD, "invalid_field", 422,
    N_("A field has a value that is not allowed.") },
  { ALTA_PORTAL_ERROR_FORBIDDEN, "forbidden", 403,
    N_("You are not allowed to do this.") },
  { ALTA_PORTAL_ERROR_NOT_FOUND, "not_found", 404,
    N_("Not found.") },
  { ALTA_PORTAL_ERROR_HAS_ACCOUNT, "has_account", 409,
    N_("This patient already has a MyAltaMed account.") },
  { ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED, "proxy_not_allowed", 422,
    N_("Proxy access is not allowed for this patient.") },
  { ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED, "method_not_allowed", 405,
    N_("This method is not allowed here.") },
  { ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE, "payload_too_large", 413,
    N_("The request is too large.") },
  { ALTA_PORTAL_ERROR_CONFLICT, "conflict", 409,
    N_("The request conflicts with the current state.") },
  { ALTA_PORTAL_ERROR_INTERNAL, "internal_error", 500,
    N_("Something went wrong on the portal. Please try again later.") },
  { ALTA_PORTAL_ERROR_UNAVAILABLE, "unavailable", 503,
    N_("The portal is not available right now. Please try again later.") },
  { ALTA_PORTAL_ERROR_CERTIFICATE, "certificate", 0,
    N_("The portal's security certificate could not be verified, so the connection was not made. Your information was not sent.") },
  { ALTA_PORTAL_ERROR_TIMEOUT, "timeout", 0,
    N_("The portal took too long to answer. Check your connection and try again.") },
};

G_DEFINE_QUARK (alta-portal-error-quark, alta_portal_error)

static const ErrorEntry *
lookup_entry (AltaPortalError error)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      if (error_table[i].error == error)
        return &error_table[i];
    }

  return NULL;
}

/**
 * alta_portal_error_to_code:
 * @error: an #AltaPortalError
 *
 * Returns: the API's wire code of @error, such as "code_expired"
 */
const char *
alta_portal_error_to_code (AltaPortalError error)
{
  const ErrorEntry *entry = lookup_entry (error);

  return entry != NULL ? entry->code : "internal_error";
}

/**
 * alta_portal_error_from_code:
 * @code: a wire code such as "account_locked"
 * @out_error: (out): the matching value
 *
 * Returns: %TRUE when @code is one this build knows
 */
gboolean
alta_portal_error_from_code (const char      *code,
                             AltaPortalError *out_error)
{
  g_return_val_if_fail (out_error != NULL, FALSE);

  if (code == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      if (g_strcmp0 (error_table[i].code, code) == 0)
        {
          *out_error = error_table[i].error;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * alta_portal_error_get_status:
 * @error: an #AltaPortalError
 *
 * Returns: the HTTP status the server answers @error with (0 for client-side errors)
 */
guint
alta_portal_error_get_status (AltaPortalError error)
{
  const ErrorEntry *entry = lookup_entry (error);

  return entry != NULL ? entry->status : 500;
}

/**
 * alta_portal_error_get_message:
 * @error: an #AltaPortalError
 *
 * Returns: the untranslated English sentence for @error (pass it through a catalog)
 */
const char *
alta_portal_error_get_message (AltaPortalError error)
{
  const ErrorEntry *entry = lookup_entry (error);

  return entry != NULL ? entry->message : error_table[0].message;
}

/**
 * alta_portal_error_from_status:
 * @status: an HTTP status of an answer without a readable error code
 *
 * Returns: the closest error for a bare status (a proxy's 502, an unknown 4xx)
 */
AltaPortalError
alta_portal_error_from_status (guint status)
{
  switch (status)
    {
    case 400: return ALTA_PORTAL_ERROR_INVALID_REQUEST;
    case 401: return ALTA_PORTAL_ERROR_SESSION_EXPIRED;
    case 403: return ALTA_PORTAL_ERROR_FORBIDDEN;
    case 404: return ALTA_PORTAL_ERROR_NOT_FOUND;
    case 405: return ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED;
    case 409: return ALTA_PORTAL_ERROR_CONFLICT;
    case 413: return ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE;
    case 429: return ALTA_PORTAL_ERROR_RATE_LIMITED;
    case 502:
    case 503:
    case 504: return ALTA_PORTAL_ERROR_UNAVAILABLE;
    default:
      break;
    }

  return status >= 500 ? ALTA_PORTAL_ERROR_INTERNAL : ALTA_PORTAL_ERROR_INVALID_RESPONSE;
}
