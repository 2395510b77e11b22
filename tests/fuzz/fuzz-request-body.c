/* fuzz-request-body.c: libFuzzer target over the parsing and validation of request bodies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-i18n.h"
#include "alta-request-body.h"
#include "alta-rules.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* Everything a request body or header goes through before a handler acts on it. */
int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autofree char *code = NULL;
  AltaCodeRequest code_request;
  AltaActivateRequest activate;
  AltaSignInRequest sign_in;
  AltaResetRequest reset;
  AltaResetConfirmRequest reset_confirm;
  AltaPasswordChangeRequest password_change;
  AltaProfileUpdate profile;
  AltaIssueCodeRequest issue_code;
  AltaProxyGrantRequest proxy_grant;
  GDate date;

  (void)alta_i18n_language_from_header (text);
  (void)alta_rules_parse_date (text, &date);
  code = alta_rules_normalize_activation_code (text);
  (void)alta_rules_is_valid_email (text);
  (void)alta_rules_is_valid_username (text);
  if (g_utf8_validate (text, -1, NULL))
    (void)alta_rules_check_password (text, "someone");

  body = alta_request_body_parse ((const char *)data, size, NULL);
  if (body == NULL)
    return 0;

  (void)alta_request_body_read_code_request (body, &code_request, NULL);
  (void)alta_request_body_read_activate (body, &activate, NULL);
  (void)alta_request_body_read_sign_in (body, &sign_in, NULL);
  (void)alta_request_body_read_reset (body, &reset, NULL);
  (void)alta_request_body_read_reset_confirm (body, &reset_confirm, NULL);
  (void)alta_request_body_read_password_change (body, &password_change, NULL);
  (void)alta_request_body_read_profile_update (body, &profile, NULL);
  alta_profile_update_clear (&profile);
  (void)alta_request_body_read_issue_code (body, &issue_code, NULL);
  (void)alta_request_body_read_proxy_grant (body, &proxy_grant, NULL);

  return 0;
}
