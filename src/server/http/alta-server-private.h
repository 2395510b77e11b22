/* alta-server-private.h: what the API areas of the server share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "alta-config.h"
#include "alta-connections.h"
#include "alta-portal-error.h"
#include "alta-mailer.h"
#include "alta-password-pool.h"
#include "alta-rate-limiter.h"
#include "alta-read-pool.h"
#include "alta-server.h"
#include "alta-store.h"

G_BEGIN_DECLS

struct _AltaServer
{
  GObject          parent_instance;

  char            *data_dir;
  AltaConfig      *config;
  AltaStore       *store;
  AltaMailer      *mailer;
  SoupServer      *soup;
  AltaConnections *connections; /* accepting, TLS, keep-alive: libsoup answers one request each */
  gboolean         tls;
  AltaRateLimiter *limiter;
  GPtrArray       *trusted_proxies;   /* GInetAddressMask *: whose X-Forwarded-For counts */
  GPtrArray       *routes;      /* const AltaRoute * */
  guint            sweep_id;

  /* Password hashing off the main loop, and the requests waiting for it */
  AltaPasswordPool *passwords;
  GPtrArray       *hashing;     /* AltaRequest *, paused */

  /* Read requests on read-only connections beside the main loop, and those waiting for it */
  char            *db_path;
  AltaReadPool    *reads;       /* NULL with [server] read_threads = 0 */
  GPtrArray       *reading;     /* AltaRequest *, paused */

  /* Requests between "request-started" and "request-finished", for a graceful stop */
  guint            n_active_requests;
  gint64           last_request_change;

  /* The audit rows of reads kept back in the store are written when this fires */
  guint            audit_flush_id;
};

typedef struct _AltaRequest AltaRequest;

/* A read route's second half, on the main thread once its read (AltaReadFunc) has run on a
 * read connection: writes the audit trail and answers from what the read left in @data */
typedef gboolean (*AltaReadThenFunc) (AltaRequest  *request,
                                      gpointer      data,
                                      GError      **error);

/* A route's second half, on the main thread once its password job is done */
typedef gboolean (*AltaPasswordFunc) (AltaRequest               *request,
                                      const AltaPasswordResult  *result,
                                      GError                   **error);

/* One request being handled. The dispatcher frees it once the route has answered; a route
 * that hands it to the password pool pauses the message, and the request lives on until
 * the route's AltaPasswordFunc has answered, or the client has left.
 */
struct _AltaRequest
{
  AltaServer        *server;
  SoupServerMessage *msg;
  char              *path;
  char              *request_id;
  const char        *language;          /* of the answer: "en" or "es" */
  char              *client_address;
  gint64             now;
  gint64             started;           /* monotonic, when its headers had arrived */
  gboolean           background;        /* X-Portal-Activity: background */
  JsonObject        *body;              /* the parsed body, for routes that take one */

  /* Set once the bearer token is checked */
  AltaSessionRecord *session;
  AltaAccount       *account;
  char              *actor;             /* "account:12", or "address:…" before sign-in */

  /* Extras for an error answer */
  gint64             retry_after;       /* seconds, for 423, 429 and 503 */
  char              *diagnostics;       /* translated text that says more than the code */
  const char        *outcome;           /* the portal error code answered, for the log */

  /* Set while the request waits for the read pool */
  AltaReadThenFunc   read_then;
  gpointer           read_data;
  GDestroyNotify     read_data_free;

  /* Set while the request waits for the password pool */
  AltaPasswordFunc   then;
  GCancellable      *cancellable;       /* cancelled when the client leaves or the server stops */
  gulong             disconnected_id;
  gulong             finished_id;
};

typedef gboolean (*AltaRouteFunc) (AltaRequest  *request,
                                   GError      **error);

typedef enum
{
  ALTA_ROUTE_PUBLIC,
  ALTA_ROUTE_PUBLIC_LIMITED,   /* public, and counted per address against guessing */
  ALTA_ROUTE_SIGNED_IN,
  ALTA_ROUTE_STAFF,
} AltaRouteAccess;

typedef struct
{
  const char      *method;
  const char      *path;
  AltaRouteAccess  access;
  gboolean         has_body;
  AltaRouteFunc    func;
} AltaRoute;

void      alta_server_add_routes         (AltaServer        *self,
                                          const AltaRoute   *routes,
                                          guint              n_routes);
void      alta_server_accounts_register  (AltaServer        *self);
void      alta_server_staff_register     (AltaServer        *self);
void      alta_server_fhir_register      (AltaServer        *self);
void      alta_server_fhir_write_register (AltaServer       *self);
char     *alta_server_fhir_dup_base_url  (AltaRequest       *request);
void      alta_server_fhir_reply_outcome (AltaRequest       *request,
                                          guint              status,
                                          AltaPortalError    code,
                                          const char        *message);
GPtrArray *alta_server_list_record_ids   (AltaServer        *self,
                                          const AltaAccount *account,
                                          gint64             now,
                                          GError           **error);

void      alta_request_reply_json        (AltaRequest       *request,
                                          guint              status,
                                          JsonNode          *body);
void      alta_request_reply_empty       (AltaRequest       *request,
                                          guint              status);
void      alta_request_audit             (AltaRequest       *request,
                                          const char        *action,
                                          const char        *target,
                                          const char        *outcome);
gboolean  alta_request_audit_reads       (AltaRequest       *request,
                                          const char        *action,
                                          GPtrArray         *targets,
                                          const char        *outcome,
                                          GError           **error);
gboolean  alta_request_limit_account     (AltaRequest       *request,
                                          const char        *account_key,
                                          GError           **error);
gboolean  alta_request_store_failed      (AltaRequest       *request,
                                          GError            *store_error,
                                          GError           **error);
gboolean  alta_request_read              (AltaRequest       *request,
                                          AltaReadFunc       read,
                                          AltaReadThenFunc   then,
                                          gpointer           data,
                                          GDestroyNotify     free_data,
                                          GError           **error);
gboolean  alta_request_hash_password     (AltaRequest       *request,
                                          const char        *password,
                                          AltaPasswordFunc   then,
                                          GError           **error);
gboolean  alta_request_verify_password   (AltaRequest       *request,
                                          const char        *password_hash,
                                          const char        *password,
                                          const char        *new_password,
                                          AltaPasswordFunc   then,
                                          GError           **error);

gboolean  alta_server_patient_has_access (AltaServer        *self,
                                          const AltaPatient *patient,
                                          gint64             now);
JsonNode *alta_server_build_account      (AltaServer        *self,
                                          const AltaAccount *account,
                                          gint64             previous_sign_in_at,
                                          gint64             now,
                                          GError           **error);
gboolean  alta_server_issue_activation_code (AltaServer     *self,
                                          AltaRequest       *request,
                                          const AltaPatient *patient,
                                          const char        *email,
                                          char             **out_code,
                                          gint64            *out_expires_at,
                                          GError           **error);
gboolean  alta_server_notify_patient     (AltaServer        *self,
                                          const char        *patient_id,
                                          AltaMailNotice     notice,
                                          gint64             now,
                                          GError           **error);
gboolean  alta_server_send_reset_token   (AltaServer        *self,
                                          AltaRequest       *request,
                                          const AltaAccount *account,
                                          GError           **error);

G_END_DECLS
