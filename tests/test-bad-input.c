/* test-bad-input.c: malformed requests get their contract errors and write nothing
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-test-server.h"

typedef struct
{
  AltaTestServer   *server;
  AltaPortalClient *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = alta_test_server_new_demo (user_data);
  fixture->client = alta_test_server_new_client (fixture->server);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, alta_test_server_free);
}

static gsize
count_audit_lines (AltaTestServer *server)
{
  g_autofree char *audit = alta_test_server_admin (server, NULL, NULL, "audit", NULL);
  gsize lines = 0;

  for (const char *p = audit; *p != '\0'; p++)
    lines += *p == '\n';

  return lines;
}

static AltaPortalResponse *
post_bytes (Fixture    *fixture,
            const char *path,
            const char *data,
            gsize       length)
{
  g_autoptr (GBytes) body = g_bytes_new (data, length);

  return alta_test_request_bytes (fixture->client, "POST", path, body, NULL);
}

/* The demo's unused code still activates: nothing before used it up or changed it. */
static void
assert_demo_code_still_works (Fixture *fixture)
{
  g_autoptr (JsonObject) elena = alta_test_server_demo_account (fixture->server, "Elena");
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"activation_code\":\"%s\",\"birth_date\":\"%s\","
                          "\"username\":\"elena.cruz\",\"password\":\"Lavanda-Sendero-31\"}",
                          json_object_get_string_member (elena, "activation_code"),
                          json_object_get_string_member (elena, "birth_date"));
  response = alta_test_request (fixture->client, "POST", "/api/v1/enrollment/activate", body,
                                ALTA_REQUEST_NONE);
  alta_assert_status (response, 201);
}

static void
test_malformed_bodies (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const struct { const char *data; gssize length; const char *field; } bodies[] = {
    { "{\"activation_code\":", -1, NULL },
    { "[\"activation_code\"]", -1, NULL },
    { "\"just a string\"", -1, NULL },
    { "", 0, NULL },
    { "{\"activation_code\":\"\xff\xfe\",\"birth_date\":\"1990-01-01\"}", -1, NULL },
    { "{\"activation_code\":5,\"birth_date\":\"1990-01-01\",\"username\":\"a.b\",\"password\":\"x\"}", -1, "activation_code" },
    { "{\"activation_code\":\"ABCDE-FGHJK\",\"birth_date\":\"31/01/1990\",\"username\":\"a.b\",\"password\":\"x\"}", -1, "birth_date" },
    { "{\"activation_code\":\"ABCDE-FGHJK\",\"birth_date\":\"1990-01-31\",\"password\":\"x\"}", -1, "username" },
    { "{\"activation_code\":\"ABCDE-FGHJK\",\"birth_date\":\"1990-01-31\",\"username\":[],\"password\":\"x\"}", -1, "username" },
  };
  gsize audit_before = count_audit_lines (fixture->server);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      gsize length = bodies[i].length < 0 ? strlen (bodies[i].data) : (gsize)bodies[i].length;
      g_autoptr (AltaPortalResponse) response = post_bytes (fixture, "/api/v1/enrollment/activate",
                                                            bodies[i].data, length);

      alta_assert_error (response, 400, "invalid_request");
      g_assert_nonnull (alta_portal_response_get_request_id (response));
      g_assert_cmpstr (alta_test_response_string (response, "field"), ==, bodies[i].field);
      g_assert_nonnull (alta_test_response_string (response, "message"));
    }

  /* Nothing was written: no audit line, the code unused. */
  g_assert_cmpuint (count_audit_lines (fixture->server), ==, audit_before);
  assert_demo_code_still_works (fixture);
}

static void
test_deep_nesting (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (GString) body = g_string_new ("{\"username\":");
  g_autoptr (AltaPortalResponse) response = NULL;

  for (int i = 0; i < 200000; i++)
    g_string_append_c (body, '[');

  response = post_bytes (fixture, "/api/v1/sessions", body->str, body->len);
  alta_assert_error (response, 400, "invalid_request");
}

static void
test_huge_body (Fixture       *fixture,
                gconstpointer  user_data)
{
  gsize length = 2 * 1024 * 1024;
  g_autofree char *data = g_malloc (length);
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaPortalResponse) after = NULL;
  gsize audit_before = count_audit_lines (fixture->server);

  memset (data, ' ', length);
  data[0] = '{';
  data[length - 1] = '}';

  response = post_bytes (fixture, "/api/v1/enrollment/activate", data, length);
  alta_assert_error (response, 413, "payload_too_large");
  g_assert_cmpuint (count_audit_lines (fixture->server), ==, audit_before);

  /* The server goes on answering. */
  after = alta_test_request (fixture->client, "GET", "/api/v1/info", NULL, ALTA_REQUEST_NONE);
  alta_assert_status (after, 200);
}

static void
test_wrong_methods (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const struct { const char *method, *path, *allow; } cases[] = {
    { "GET", "/api/v1/sessions", "POST" },
    { "PUT", "/api/v1/me", "GET, PATCH" },
    { "DELETE", "/api/v1/info", "GET" },
    { "GET", "/api/v1/sessions/current", "DELETE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AltaPortalResponse) response = alta_test_request (fixture->client, cases[i].method,
                                                                   cases[i].path, NULL,
                                                                   ALTA_REQUEST_NONE);

      alta_assert_error (response, 405, "method_not_allowed");
      g_assert_cmpstr (alta_portal_response_get_header (response, "Allow"), ==, cases[i].allow);
    }
}

static void
test_unknown_routes (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *paths[] = { "/", "/api/v1/no-such-thing", "/api/v2/info", "/api/v1/info/extra",
                          "/etc/passwd", "/api/v1/me/" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (AltaPortalResponse) response = alta_test_request (fixture->client, "GET", paths[i],
                                                                   NULL, ALTA_REQUEST_NONE);

      alta_assert_error (response, 404, "not_found");
      g_assert_nonnull (alta_portal_response_get_request_id (response));
      g_assert_cmpstr (alta_portal_response_get_header (response, "Content-Type"), ==,
                       "application/json; charset=utf-8");
    }
}

static void
test_bad_tokens (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const char *tokens[] = { "", "x", "not-a-real-token-but-long-enough-to-look-like-one-1234567",
                           "\xc3\xa9\xc3\xa9" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr (AltaPortalResponse) response = NULL;

      alta_portal_client_set_access_token (fixture->client, tokens[i]);
      response = alta_test_request (fixture->client, "GET", "/api/v1/me", NULL, ALTA_REQUEST_NONE);
      alta_assert_error (response, 401, "session_expired");
    }
}

static void
test_failed_sign_in_keeps_form_free (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr (AltaPortalResponse) bad = NULL;
  g_autoptr (AltaPortalResponse) good = NULL;

  /* A malformed sign-in is not a wrong password: it counts toward no lockout. */
  for (int i = 0; i < 6; i++)
    {
      g_clear_object (&bad);
      bad = alta_test_request (fixture->client, "POST", "/api/v1/sessions",
                               "{\"username\":\"grace\",\"password\":7}", ALTA_REQUEST_NONE);
      alta_assert_error (bad, 400, "invalid_request");
    }

  good = alta_test_request (fixture->client, "POST", "/api/v1/sessions",
                            "{\"username\":\"grace\",\"password\":\"Orchard-Lantern-42\"}",
                            ALTA_REQUEST_NONE);
  alta_assert_status (good, 201);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/bad-input/malformed-bodies", Fixture, NULL, fixture_set_up,
              test_malformed_bodies, fixture_tear_down);
  g_test_add ("/bad-input/deep-nesting", Fixture, NULL, fixture_set_up, test_deep_nesting,
              fixture_tear_down);
  g_test_add ("/bad-input/huge-body", Fixture, NULL, fixture_set_up, test_huge_body,
              fixture_tear_down);
  g_test_add ("/bad-input/wrong-methods", Fixture, NULL, fixture_set_up, test_wrong_methods,
              fixture_tear_down);
  g_test_add ("/bad-input/unknown-routes", Fixture, NULL, fixture_set_up, test_unknown_routes,
              fixture_tear_down);
  g_test_add ("/bad-input/bad-tokens", Fixture, NULL, fixture_set_up, test_bad_tokens,
              fixture_tear_down);
  g_test_add ("/bad-input/malformed-sign-in-is-not-a-failure", Fixture, NULL, fixture_set_up,
              test_failed_sign_in_keeps_form_free, fixture_tear_down);

  return g_test_run ();
}
