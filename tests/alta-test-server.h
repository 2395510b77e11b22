/* alta-test-server.h: the real myaltamed-portald on loopback, for tests
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

typedef struct
{
  char         *data_dir;
  char         *config_path;
  char         *clock_path;
  char         *url;
  GSubprocess  *process;
  GTlsDatabase *ca;
  gint64        clock_offset;
} AltaTestServer;

/* The FHIR types the portal serves, as docs/api.md lists them */
extern const char * const alta_test_served_types[];
#define ALTA_TEST_N_SERVED_TYPES 18

GSubprocessLauncher *alta_test_portald_launcher_new  (GSubprocessFlags    flags);
AltaTestServer     *alta_test_server_new_demo        (const char         *extra_config);
AltaTestServer     *alta_test_server_new_demo_full   (const char         *extra_config,
                                                      gboolean            import);
char               *alta_test_server_run             (AltaTestServer     *self,
                                                      int                *out_status,
                                                      char              **out_stderr,
                                                      ...) G_GNUC_NULL_TERMINATED;
void                alta_test_server_start           (AltaTestServer     *self);
void                alta_test_server_stop            (AltaTestServer     *self);
void                alta_test_server_kill            (AltaTestServer     *self);
void                alta_test_server_free            (AltaTestServer     *self);
void                alta_test_server_move_clock      (AltaTestServer     *self,
                                                      gint64              seconds);
guint16             alta_test_server_port            (AltaTestServer     *server);
GSocketConnection  *alta_test_connect_tcp            (AltaTestServer     *server);
GIOStream          *alta_test_connect_tls            (AltaTestServer     *server);
void                alta_test_send_text              (GIOStream          *stream,
                                                      const char         *text);
char               *alta_test_read_response          (GIOStream          *stream);
AltaPortalClient   *alta_test_server_new_client      (AltaTestServer     *self);
char               *alta_test_server_admin           (AltaTestServer     *self,
                                                      const char         *standard_input,
                                                      int                *out_status,
                                                      ...) G_GNUC_NULL_TERMINATED;
JsonObject         *alta_test_server_demo_account    (AltaTestServer     *self,
                                                      const char         *username);
GPtrArray          *alta_test_server_read_outbox     (AltaTestServer     *self);
void                alta_test_server_clear_outbox    (AltaTestServer     *self);
char               *alta_test_find_activation_code   (const char         *mail_text);
char               *alta_test_find_reset_token       (const char         *mail_text);

AltaPortalResponse *alta_test_request                (AltaPortalClient   *client,
                                                      const char         *method,
                                                      const char         *path,
                                                      const char         *json_body,
                                                      AltaRequestFlags    flags);
AltaPortalResponse *alta_test_request_bytes          (AltaPortalClient   *client,
                                                      const char         *method,
                                                      const char         *path,
                                                      GBytes             *body,
                                                      const char         *content_type);
AltaPortalResponse *alta_test_request_with_headers   (AltaPortalClient   *client,
                                                      const char         *method,
                                                      const char         *path,
                                                      const char         *json_body,
                                                      const char         *content_type,
                                                      ...) G_GNUC_NULL_TERMINATED;
JsonObject         *alta_test_response_object        (AltaPortalResponse *response);
const char         *alta_test_response_string        (AltaPortalResponse *response,
                                                      const char         *member);
void                alta_test_sign_in                (AltaPortalClient   *client,
                                                      const char         *username,
                                                      const char         *password);
void                alta_test_store_result_cb        (GObject            *object,
                                                      GAsyncResult       *result,
                                                      gpointer            user_data);
char               *alta_test_decode_quoted_printable (const char        *text);

#define alta_assert_status(response, status) \
  G_STMT_START { \
    AltaPortalResponse *r__ = (response); \
    if (alta_portal_response_get_status (r__) != (guint)(status)) \
      { \
        g_autofree char *b__ = g_strndup (g_bytes_get_data (alta_portal_response_get_body (r__), NULL), \
                                          g_bytes_get_size (alta_portal_response_get_body (r__))); \
        g_error ("%s:%d: expected HTTP %d, got %u: %s", __FILE__, __LINE__, (int)(status), \
                 alta_portal_response_get_status (r__), b__); \
      } \
  } G_STMT_END

#define alta_assert_error(response, status, code) \
  G_STMT_START { \
    AltaPortalResponse *re__ = (response); \
    alta_assert_status (re__, status); \
    g_assert_cmpstr (alta_portal_response_get_error_code (re__), ==, (code)); \
  } G_STMT_END

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaTestServer, alta_test_server_free)

G_END_DECLS
