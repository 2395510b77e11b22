/* alta-portal-error.h
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AltaPortalError:
 *
 * One value per error code of the portal API (shared/design/portal-api.md), plus the two
 * that only the client side can see. The table in alta-portal-error.c maps each one to its
 * wire code and HTTP status; the server answers from it and the client reads it.
 */
typedef enum
{
  ALTA_PORTAL_ERROR_NETWORK,            /* client side: no answer (unreachable, refused) */
  ALTA_PORTAL_ERROR_INVALID_RESPONSE,   /* client side: an answer we cannot read */
  ALTA_PORTAL_ERROR_INVALID_REQUEST,
  ALTA_PORTAL_ERROR_RATE_LIMITED,
  ALTA_PORTAL_ERROR_CODE_INVALID,
  ALTA_PORTAL_ERROR_CODE_EXPIRED,
  ALTA_PORTAL_ERROR_CODE_USED,
  ALTA_PORTAL_ERROR_USERNAME_TAKEN,
  ALTA_PORTAL_ERROR_WEAK_PASSWORD,
  ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS,
  ALTA_PORTAL_ERROR_INVALID_CREDENTIALS,
  ALTA_PORTAL_ERROR_ACCOUNT_LOCKED,
  ALTA_PORTAL_ERROR_TOKEN_INVALID,
  ALTA_PORTAL_ERROR_TOKEN_EXPIRED,
  ALTA_PORTAL_ERROR_SESSION_EXPIRED,
  ALTA_PORTAL_ERROR_INVALID_FIELD,
  ALTA_PORTAL_ERROR_FORBIDDEN,
  ALTA_PORTAL_ERROR_NOT_FOUND,
  ALTA_PORTAL_ERROR_HAS_ACCOUNT,
  ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED,
  ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED,
  ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE,
  ALTA_PORTAL_ERROR_CONFLICT,
  ALTA_PORTAL_ERROR_INTERNAL,
  ALTA_PORTAL_ERROR_UNAVAILABLE,
  ALTA_PORTAL_ERROR_CERTIFICATE,        /* client side: the server's certificate is not trusted */
  ALTA_PORTAL_ERROR_TIMEOUT,            /* client side: no answer in time */
} AltaPortalError;

#define ALTA_PORTAL_ERROR (alta_portal_error_quark ())

GQuark           alta_portal_error_quark        (void);
const char      *alta_portal_error_to_code      (AltaPortalError  error);
gboolean         alta_portal_error_from_code    (const char      *code,
                                                 AltaPortalError *out_error);
guint            alta_portal_error_get_status   (AltaPortalError  error);
const char      *alta_portal_error_get_message  (AltaPortalError  error);
AltaPortalError  alta_portal_error_from_status  (guint            status);

G_END_DECLS
