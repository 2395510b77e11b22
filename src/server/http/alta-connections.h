/* alta-connections.h: the server's connections: accepting, TLS, keep-alive, limits
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint handshake_timeout_s;    /* from accepting to the end of the TLS handshake */
  guint keepalive_timeout_s;    /* waiting for a request; also a request's bytes stalling */
  guint max_per_address;        /* connections open at once from one client address */
  guint listen_backlog;         /* the listening socket's queue; 0: 511 */
  GPtrArray *uncapped;          /* GInetAddressMask *: the clinic's proxies, not capped */
} AltaConnectionLimits;

typedef struct _AltaConnections AltaConnections;

AltaConnections *alta_connections_new              (SoupServer                 *soup,
                                                    GTlsCertificate            *certificate,
                                                    const AltaConnectionLimits *limits);
void             alta_connections_free             (AltaConnections            *self);
gboolean         alta_connections_listen           (AltaConnections            *self,
                                                    GSocketAddress             *address,
                                                    GError                    **error);
char            *alta_connections_dup_url          (AltaConnections            *self);
void             alta_connections_stop             (AltaConnections            *self);
guint            alta_connections_get_n_open       (AltaConnections            *self);

void             alta_connections_request_started  (AltaConnections            *self,
                                                    SoupServerMessage          *msg);
void             alta_connections_got_headers      (AltaConnections            *self,
                                                    SoupServerMessage          *msg);
void             alta_connections_request_ended    (AltaConnections            *self,
                                                    SoupServerMessage          *msg,
                                                    gboolean                    completed);
gboolean         alta_connections_refuse           (AltaConnections            *self,
                                                    SoupServerMessage          *msg,
                                                    guint                       status,
                                                    const char                 *content_type,
                                                    const char                 *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaConnections, alta_connections_free)

G_END_DECLS
