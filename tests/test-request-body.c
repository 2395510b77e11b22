/* test-request-body.c: reading and validating request bodies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-portal-error.h"
#include "alta-request-body.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = alta_request_body_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return body;
}

static void
assert_parse_fails (const char *data,
                    gsize       length)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = alta_request_body_parse (data, length, &error);

  g_assert_null (body);
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST);
}

static void
test_parse_bad (void)
{
  g_autofree char *deep = NULL;
  GString *nested = g_string_new (NULL);

  assert_parse_fails ("", 0);
  assert_parse_fails ("{", 1);
  assert_parse_fails ("[1,2]", 5);
  assert_parse_fails ("\"text\"", 6);
  assert_parse_fails ("{\"a\":\"\xff\xfe\"}", 10);
  assert_parse_fails ("{\"a\":1}\0{}", 10);

  /* Deep nesting must be refused before json-glib recurses into it. */
  g_string_append (nested, "{\"a\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  deep = g_string_free (nested, FALSE);
  assert_parse_fails (deep, strlen (deep));

  /* Brackets inside strings do not count. */
  g_assert_nonnull (parse ("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[[[[\"}"));
}

static void
test_sign_in (void)
{
  g_autoptr (JsonObject) good = parse ("{\"username\":\"ana\",\"password\":\"x\",\"extra\":[1]}");
  g_autoptr (JsonObject) missing = parse ("{\"username\":\"ana\"}");
  g_autoptr (JsonObject) wrong_type = parse ("{\"username\":5,\"password\":\"x\"}");
  g_autoptr (JsonObject) control = parse ("{\"username\":\"a\\u0001b\",\"password\":\"x\"}");
  g_autoptr (GError) error = NULL;
  AltaSignInRequest request;

  g_assert_true (alta_request_body_read_sign_in (good, &request, &error));
  g_assert_cmpstr (request.username, ==, "ana");

  g_assert_false (alta_request_body_read_sign_in (missing, &request, &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "password");
  g_clear_error (&error);

  g_assert_false (alta_request_body_read_sign_in (wrong_type, &request, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "username");
  g_clear_error (&error);

  g_assert_false (alta_request_body_read_sign_in (control, &request, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "username");
}

static void
test_activate (void)
{
  g_autoptr (JsonObject) good = parse ("{\"activation_code\":\"ACDEF-GHJK3\",\"birth_date\":\"1990-01-31\","
                                       "\"username\":\"ana.g\",\"password\":\"Orchard-Lantern-42\"}");
  g_autoptr (JsonObject) bad_date = parse ("{\"activation_code\":\"ACDEF-GHJK3\",\"birth_date\":\"1990-02-31\","
                                           "\"username\":\"ana.g\",\"password\":\"Orchard-Lantern-42\"}");
  g_autoptr (JsonObject) bad_username = parse ("{\"activation_code\":\"ACDEF-GHJK3\",\"birth_date\":\"1990-01-31\","
                                               "\"username\":\"a b\",\"password\":\"Orchard-Lantern-42\"}");
  g_autoptr (GError) error = NULL;
  AltaActivateRequest request;

  g_assert_true (alta_request_body_read_activate (good, &request, &error));
  g_assert_null (request.email);

  g_assert_false (alta_request_body_read_activate (bad_date, &request, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "birth_date");
  g_clear_error (&error);

  g_assert_false (alta_request_body_read_activate (bad_username, &request, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "username");
}

static void
test_profile_update (void)
{
  g_autoptr (JsonObject) good = parse ("{\"phone\":\"(323) 555-0100\",\"language\":\"es\","
                                       "\"address\":{\"line\":[\"1 Main St\"],\"city\":\"Los Angeles\","
                                       "\"state\":\"CA\",\"postal_code\":\"90001\"}}");
  g_autoptr (JsonObject) bad_language = parse ("{\"language\":\"fr\"}");
  g_autoptr (JsonObject) bad_address = parse ("{\"address\":{\"line\":[],\"city\":\"LA\"}}");
  g_autoptr (JsonObject) bad_phone = parse ("{\"phone\":\"call me\"}");
  g_autoptr (GError) error = NULL;
  AltaProfileUpdate update;

  g_assert_true (alta_request_body_read_profile_update (good, &update, &error));
  g_assert_cmpstr (update.language, ==, "es");
  g_assert_nonnull (strstr (update.address_json, "Los Angeles"));
  alta_profile_update_clear (&update);

  g_assert_false (alta_request_body_read_profile_update (bad_language, &update, &error));
  g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD);
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "language");
  g_clear_error (&error);

  g_assert_false (alta_request_body_read_profile_update (bad_address, &update, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "address.line");
  alta_profile_update_clear (&update);
  g_clear_error (&error);

  g_assert_false (alta_request_body_read_profile_update (bad_phone, &update, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "phone");
  alta_profile_update_clear (&update);
}

static void
test_proxy_grant (void)
{
  g_autoptr (JsonObject) self_grant = parse ("{\"proxy_username\":\"daniel\",\"patient_id\":\"p-1\","
                                             "\"relationship\":\"self\",\"consent_form_id\":\"C-1\"}");
  g_autoptr (GError) error = NULL;
  AltaProxyGrantRequest request;

  g_assert_false (alta_request_body_read_proxy_grant (self_grant, &request, &error));
  g_assert_cmpstr (alta_request_body_error_field (error), ==, "relationship");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/request-body/parse/bad", test_parse_bad);
  g_test_add_func ("/request-body/sign-in", test_sign_in);
  g_test_add_func ("/request-body/activate", test_activate);
  g_test_add_func ("/request-body/profile-update", test_profile_update);
  g_test_add_func ("/request-body/proxy-grant", test_proxy_grant);

  return g_test_run ();
}
