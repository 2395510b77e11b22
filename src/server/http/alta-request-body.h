/* alta-request-body.h: reading and validating the account API's request bodies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Validation errors are ALTA_PORTAL_ERROR_INVALID_REQUEST (a field missing, of the wrong
 * type or malformed) or ALTA_PORTAL_ERROR_INVALID_FIELD (a well-formed value that is not
 * allowed), and their message is "field:<name>" so the reply can name the field.
 */
#define ALTA_FIELD_ERROR_PREFIX "field:"

#define ALTA_MAX_BODY_DEPTH 16

typedef struct
{
  const char *given_name;
  const char *family_name;
  const char *birth_date;
  const char *email;
} AltaCodeRequest;

typedef struct
{
  const char *activation_code;
  const char *birth_date;
  const char *username;
  const char *password;
  const char *email;            /* nullable */
} AltaActivateRequest;

typedef struct
{
  const char *username;
  const char *password;
} AltaSignInRequest;

typedef struct
{
  const char *username;         /* one of these two */
  const char *email;
} AltaResetRequest;

typedef struct
{
  const char *token;
  const char *new_password;
} AltaResetConfirmRequest;

typedef struct
{
  const char *current_password;
  const char *new_password;
} AltaPasswordChangeRequest;

typedef struct
{
  const char *email;            /* each nullable: not changed */
  const char *current_password; /* nullable: what a new email needs */
  const char *phone;
  const char *language;
  char       *address_json;     /* owned: the address, normalized */
} AltaProfileUpdate;

typedef struct
{
  const char *patient_id;
  const char *email;
  const char *identity_verified;
} AltaIssueCodeRequest;

typedef struct
{
  const char *proxy_username;
  const char *patient_id;
  const char *relationship;
  const char *consent_form_id;
} AltaProxyGrantRequest;

JsonObject *alta_request_body_parse              (const char                *data,
                                                  gsize                      length,
                                                  GError                   **error);
gboolean    alta_request_body_read_code_request  (JsonObject                *body,
                                                  AltaCodeRequest           *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_activate      (JsonObject                *body,
                                                  AltaActivateRequest       *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_sign_in       (JsonObject                *body,
                                                  AltaSignInRequest         *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_reset         (JsonObject                *body,
                                                  AltaResetRequest          *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_reset_confirm (JsonObject                *body,
                                                  AltaResetConfirmRequest   *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_password_change (JsonObject              *body,
                                                  AltaPasswordChangeRequest *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_profile_update (JsonObject               *body,
                                                  AltaProfileUpdate         *out,
                                                  GError                   **error);
void        alta_profile_update_clear            (AltaProfileUpdate         *update);
gboolean    alta_request_body_read_issue_code    (JsonObject                *body,
                                                  AltaIssueCodeRequest      *out,
                                                  GError                   **error);
gboolean    alta_request_body_read_proxy_grant   (JsonObject                *body,
                                                  AltaProxyGrantRequest     *out,
                                                  GError                   **error);
const char *alta_request_body_error_field        (const GError              *error);

G_END_DECLS
