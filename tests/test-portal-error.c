/* test-portal-error.c: the one table of the API's error codes
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "alta-portal-error.h"

/* Every code and status of the contract's tables (shared/design/portal-api.md). */
static const struct
{
  const char *code;
  guint       status;
} contract[] = {
  { "invalid_request", 400 }, { "rate_limited", 429 }, { "code_invalid", 400 },
  { "code_expired", 410 }, { "code_used", 409 }, { "username_taken", 409 },
  { "weak_password", 422 }, { "no_portal_access", 403 }, { "invalid_credentials", 401 },
  { "account_locked", 423 }, { "token_invalid", 400 }, { "token_expired", 410 },
  { "session_expired", 401 }, { "invalid_field", 422 }, { "forbidden", 403 },
  { "has_account", 409 }, { "proxy_not_allowed", 422 }, { "not_found", 404 },
};

static void
test_contract_codes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (contract); i++)
    {
      AltaPortalError error;

      g_assert_true (alta_portal_error_from_code (contract[i].code, &error));
      g_assert_cmpstr (alta_portal_error_to_code (error), ==, contract[i].code);
      g_assert_cmpuint (alta_portal_error_get_status (error), ==, contract[i].status);
      g_assert_nonnull (alta_portal_error_get_message (error));
    }
}

static void
test_unknown_code (void)
{
  AltaPortalError error;

  g_assert_false (alta_portal_error_from_code ("no_such_code", &error));
  g_assert_false (alta_portal_error_from_code (NULL, &error));
  g_assert_cmpint (alta_portal_error_from_status (502), ==, ALTA_PORTAL_ERROR_UNAVAILABLE);
  g_assert_cmpint (alta_portal_error_from_status (500), ==, ALTA_PORTAL_ERROR_INTERNAL);
  g_assert_cmpint (alta_portal_error_from_status (418), ==, ALTA_PORTAL_ERROR_INVALID_RESPONSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/portal-error/contract-codes", test_contract_codes);
  g_test_add_func ("/portal-error/unknown-code", test_unknown_code);

  return g_test_run ();
}
