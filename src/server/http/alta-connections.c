/* alta-connections.c: the server's connections: accepting, TLS, keep-alive, limits
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-connections"

#include "config.h"

#include <gio/gnetworking.h>
#include <string.h>

#include "alta-connections.h"
#include "alta-client-address.h"
#include "alta-prefix-stream.h"

/* Why the server accepts its connections itself instead of letting SoupServer listen:
 *
 * - libsoup 3.2 (Debian 12) leaks every keep-alive connection that the client closes
 *   between two requests: the message waiting for the next request has no completion
 *   callback yet, so when it reads the end of the stream it finishes without
 *   disconnecting, and the socket stays in CLOSE-WAIT with its SoupServerConnection for
 *   the life of the process (fixed upstream in 3.3). So libsoup is given one stream per
 *   request: the request is marked "Connection: close" for libsoup once its headers are
 *   read, libsoup closes that stream after answering, and this file keeps the connection
 *   and waits for the next request, with a timeout, reading its first bytes itself.
 *
 * - glib-networking runs every TLS handshake in a GTask thread that blocks until the
 *   handshake is done. A client that sends four bytes of a ClientHello would hold one
 *   thread each, and the pool starves. So the whole first TLS record is read here, on
 *   the main loop, before the handshake starts; the handshake then has a deadline.
 *
 * - A client address may hold only so many connections at once.
 */

#define MAX_HELLO_RECORD  (16384 + 256)
#define READ_CHUNK        16384
#define LINGER_S          2
#define LISTEN_BACKLOG    511
#define CONNECTION_KEY    "alta-connection"

typedef enum
{
  CONN_HELLO,           /* reading the first TLS record */
  CONN_HANDSHAKE,       /* in glib-networking's handshake */
  CONN_WAITING,         /* waiting for a request's first bytes */
  CONN_IN_SOUP,         /* libsoup reads the request and answers it */
  CONN_LINGER,          /* refused: reading what the client still sends, then closing */
} ConnState;

typedef struct
{
  AltaConnections   *owner;
  GSocketConnection *socket_connection;
  GIOStream         *stream;            /* HTTP runs on this: the TLS connection or the socket's */
  GSocketAddress    *local_address;
  GSocketAddress    *remote_address;
  char              *address;           /* the client's, for the per-address count */
  ConnState          state;
  gboolean           closed;

  GByteArray        *hello;
  GCancellable      *cancellable;       /* of the handshake */
  gboolean           handshake_expired;
  GSource           *timer;
  GSource           *watch;

  AltaPrefixStream  *soup_stream;       /* while libsoup has it; libsoup holds the reference */
  SoupServerMessage *msg;               /* the request libsoup is on */
  gboolean           client_keep_alive;
  gboolean           keep_alive;        /* wait for another request once libsoup is done */
  gboolean           refused;
  guint              after_soup_id;
} Conn;

struct _AltaConnections
{
  SoupServer          *soup;
  GTlsCertificate     *certificate;
  AltaConnectionLimits limits;
  GSocketService      *service;
  GSocketAddress      *address;         /* where it listens */
  GHashTable          *conns;           /* Conn * (owned by the set through a reference) */
  GHashTable          *per_address;     /* address → open connections */
  Conn                *accepting;       /* inside soup_server_accept_iostream() */
  gboolean             stopping;
};

static void enter_waiting (Conn *conn);

static Conn *
conn_ref (Conn *conn)
{
  return g_rc_box_acquire (conn);
}

static void
conn_clear (Conn *conn)
{
  g_clear_object (&conn->socket_connection);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->local_address);
  g_clear_object (&conn->remote_address);
  g_clear_pointer (&conn->address, g_free);
  g_clear_pointer (&conn->hello, g_byte_array_unref);
  g_clear_object (&conn->cancellable);
}

static void
conn_unref (Conn *conn)
{
  g_rc_box_release_full (conn, (GDestroyNotify)conn_clear);
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
forget_message (Conn *conn)
{
  if (conn->msg != NULL)
    g_object_set_data (G_OBJECT (conn->msg), CONNECTION_KEY, NULL);
  conn->msg = NULL;
}

/* Closes the socket (its descriptor is gone at once), forgets the connection and drops
 * the set's reference. A handshake still in its thread keeps the Conn alive until it
 * returns; libsoup, if it still has a stream on this connection, fails its next read.
 */
static void
conn_close (Conn *conn)
{
  AltaConnections *self = conn->owner;
  guint count;

  if (conn->closed)
    return;
  conn->closed = TRUE;

  clear_source (&conn->timer);
  clear_source (&conn->watch);
  g_clear_handle_id (&conn->after_soup_id, g_source_remove);
  forget_message (conn);
  if (conn->soup_stream != NULL)
    {
      alta_prefix_stream_set_closed_func (conn->soup_stream, NULL, NULL);
      conn->soup_stream = NULL;
    }

  /* Not g_io_stream_close() on the TLS connection: its close_notify could block the main
   * loop on a client that reads nothing.
   */
  g_socket_close (g_socket_connection_get_socket (conn->socket_connection), NULL);

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->address));
  if (count <= 1)
    g_hash_table_remove (self->per_address, conn->address);
  else
    g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (count - 1));

  g_hash_table_remove (self->conns, conn);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  Conn *conn = user_data;

  /* A handshake in its thread is cancelled and closed once the thread returns, so that
   * the thread never polls a descriptor number that was closed and reused.
   */
  if (conn->state == CONN_HANDSHAKE)
    {
      g_debug ("TLS handshake with %s: timed out", conn->address);
      conn->handshake_expired = TRUE;
      g_cancellable_cancel (conn->cancellable);
      g_clear_pointer (&conn->timer, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  if (conn->state == CONN_HELLO)
    g_debug ("TLS handshake with %s: timed out", conn->address);
  else
    g_debug ("Connection from %s: idle, closed", conn->address);

  conn_close (conn);
  return G_SOURCE_REMOVE;
}

static void
start_timer (Conn  *conn,
             guint  seconds)
{
  clear_source (&conn->timer);
  conn->timer = g_timeout_source_new (MAX (seconds, 1) * 1000);
  g_source_set_callback (conn->timer, on_timeout_cb, conn, NULL);
  g_source_set_name (conn->timer, "[alta] connection timeout");
  g_source_attach (conn->timer, NULL);
}

static void
watch_input (Conn               *conn,
             GIOStream          *stream,
             GPollableSourceFunc func)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);

  clear_source (&conn->watch);
  conn->watch = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input), NULL);
  g_source_set_callback (conn->watch, (GSourceFunc)(void (*) (void))func, conn, NULL);
  g_source_set_name (conn->watch, "[alta] connection input");
  g_source_attach (conn->watch, NULL);
}

/* Reading the stream outside libsoup: the first bytes of a request, or what a refused
 * client still sends. Returns the bytes read, 0 for nothing yet, -1 when the connection
 * ended (and is closed).
 */
static gssize
read_available (Conn  *conn,
                void  *buffer,
                gsize  size)
{
  GInputStream *input = g_io_stream_get_input_stream (conn->stream);
  g_autoptr (GError) error = NULL;
  gssize n;

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), buffer, size,
                                                NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return 0;

  if (n <= 0)
    {
      /* The client closed the connection between requests: the usual end of one. */
      if (n < 0)
        g_debug ("Connection from %s: %s", conn->address, error->message);
      conn_close (conn);
      return -1;
    }

  return n;
}

static void
on_soup_stream_closed (AltaPrefixStream *stream,
                       gpointer          user_data);

static void
hand_to_soup (Conn   *conn,
              GBytes *first_bytes)
{
  AltaConnections *self = conn->owner;
  g_autoptr (AltaPrefixStream) soup_stream = NULL;
  g_autoptr (GError) error = NULL;
  gboolean accepted;

  clear_source (&conn->watch);
  clear_source (&conn->timer);
  conn->state = CONN_IN_SOUP;
  conn->keep_alive = FALSE;
  conn->client_keep_alive = FALSE;

  soup_stream = alta_prefix_stream_new (conn->stream, first_bytes, FALSE);
  alta_prefix_stream_set_closed_func (soup_stream, on_soup_stream_closed, conn);
  conn->soup_stream = soup_stream;

  /* libsoup starts the connection's first message synchronously, in here. */
  self->accepting = conn;
  accepted = soup_server_accept_iostream (self->soup, G_IO_STREAM (soup_stream),
                                          conn->local_address, conn->remote_address, &error);
  self->accepting = NULL;

  if (!accepted)
    {
      g_warning ("Connection from %s: libsoup refused it: %s", conn->address, error->message);
      conn_close (conn);
    }
}

static gboolean
on_request_readable_cb (GObject  *stream,
                        gpointer  user_data)
{
  Conn *conn = user_data;
  guint8 buffer[READ_CHUNK];
  gssize n = read_available (conn, buffer, sizeof buffer);

  if (n < 0)
    return G_SOURCE_REMOVE;
  if (n == 0)
    return G_SOURCE_CONTINUE;

  if (conn->state == CONN_LINGER)
    return G_SOURCE_CONTINUE;

  {
    g_autoptr (GBytes) first_bytes = g_bytes_new (buffer, (gsize)n);

    hand_to_soup (conn, first_bytes);
  }
  return G_SOURCE_REMOVE;
}

static void
enter_waiting (Conn *conn)
{
  conn->state = CONN_WAITING;
  start_timer (conn, conn->owner->limits.keepalive_timeout_s);
  watch_input (conn, conn->stream, on_request_readable_cb);
}

static void
enter_linger (Conn *conn)
{
  conn->state = CONN_LINGER;
  start_timer (conn, LINGER_S);
  watch_input (conn, conn->stream, on_request_readable_cb);
}

static gboolean
after_soup_cb (gpointer user_data)
{
  Conn *conn = user_data;

  conn->after_soup_id = 0;
  if (conn->refused)
    enter_linger (conn);
  else if (conn->keep_alive && !conn->owner->stopping)
    enter_waiting (conn);
  else
    conn_close (conn);

  return G_SOURCE_REMOVE;
}

/* libsoup is done with the request (inside its disconnect): carry on from the main loop. */
static void
on_soup_stream_closed (AltaPrefixStream *stream,
                       gpointer          user_data)
{
  Conn *conn = user_data;

  alta_prefix_stream_set_closed_func (stream, NULL, NULL);
  conn->soup_stream = NULL;
  forget_message (conn);
  conn->after_soup_id = g_idle_add_full (G_PRIORITY_DEFAULT, after_soup_cb, conn_ref (conn),
                                         (GDestroyNotify)conn_unref);
}

static gboolean
is_acceptable_tls (GTlsConnection *tls)
{
  GTlsProtocolVersion version = g_tls_connection_get_protocol_version (tls);
  g_autofree char *suite = g_tls_connection_get_ciphersuite_name (tls); /* transfer full */

  /* The priority string already allows nothing else; this holds even if the TLS backend
   * was given another one.
   */
  if (version != G_TLS_PROTOCOL_VERSION_TLS_1_2 && version != G_TLS_PROTOCOL_VERSION_TLS_1_3)
    return FALSE;

  return suite != NULL &&
         (strstr (suite, "GCM") != NULL || strstr (suite, "CHACHA20") != NULL ||
          strstr (suite, "CCM") != NULL);
}

static void
on_handshake_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Conn *conn = user_data;
  GTlsConnection *tls = G_TLS_CONNECTION (object);
  g_autoptr (GError) error = NULL;
  gboolean done = g_tls_connection_handshake_finish (tls, result, &error);

  if (conn->closed)
    goto out;

  if (!done || conn->handshake_expired)
    {
      g_debug ("TLS handshake with %s failed: %s", conn->address,
               error != NULL ? error->message : "timed out");
      conn_close (conn);
      goto out;
    }

  if (!is_acceptable_tls (tls))
    {
      g_message ("TLS handshake with %s: refused %s", conn->address,
                 g_tls_connection_get_ciphersuite_name (tls));
      conn_close (conn);
      goto out;
    }

  /* TLS 1.3 has no renegotiation; on TLS 1.2 a client's renegotiation ends the connection
   * (alta-prefix-stream.c says why glib-networking cannot refuse it for us).
   */
  if (g_tls_connection_get_protocol_version (tls) == G_TLS_PROTOCOL_VERSION_TLS_1_2)
    {
      g_autoptr (GIOStream) base = NULL;

      g_object_get (tls, "base-io-stream", &base, NULL);
      alta_prefix_stream_refuse_renegotiation (ALTA_PREFIX_STREAM (base), conn->address);
    }

  /* From here on, a request whose bytes stop coming fails after the idle timeout. */
  g_socket_set_timeout (g_socket_connection_get_socket (conn->socket_connection),
                        conn->owner->limits.keepalive_timeout_s);
  enter_waiting (conn);

out:
  conn_unref (conn);
}

static void
start_handshake (Conn *conn)
{
  AltaConnections *self = conn->owner;
  g_autoptr (GBytes) hello = g_byte_array_free_to_bytes (g_steal_pointer (&conn->hello));
  g_autoptr (AltaPrefixStream) base = NULL;
  g_autoptr (GError) error = NULL;
  const char * const protocols[] = { "http/1.1", "http/1.0", NULL };
  GIOStream *tls;

  clear_source (&conn->watch);

  base = alta_prefix_stream_new (G_IO_STREAM (conn->socket_connection), hello, TRUE);
  /* "database" set to NULL at construction, as libsoup's own listener does: the server asks
   * no client for a certificate, so it trusts no authority. Left unset, every connection
   * loads and deduplicates the system's whole CA bundle on this thread (about 140
   * certificates, tens of milliseconds): under a burst of new connections the main loop did
   * little else and answered a few dozen requests a second */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, &error,
                        "base-io-stream", base,
                        "certificate", self->certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    {
      g_warning ("TLS with %s: %s", conn->address, error->message);
      conn_close (conn);
      return;
    }

  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);
  conn->stream = tls;
  conn->state = CONN_HANDSHAKE;
  conn->cancellable = g_cancellable_new ();
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    conn->cancellable, on_handshake_cb, conn_ref (conn));
}

/* The first TLS record, a ClientHello: 22, a version, a length of at most 2^14, and that
 * many bytes.
 */
static gboolean
on_hello_readable_cb (GObject  *stream,
                      gpointer  user_data)
{
  Conn *conn = user_data;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (conn->socket_connection));
  g_autoptr (GError) error = NULL;
  guint8 buffer[512];
  gsize wanted, record_length = 0;
  gssize n;

  if (conn->hello->len >= 5)
    record_length = ((gsize)conn->hello->data[3] << 8) | conn->hello->data[4];
  wanted = conn->hello->len < 5 ? 5 - conn->hello->len : 5 + record_length - conn->hello->len;

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), buffer,
                                                MIN (wanted, sizeof buffer), NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }

  g_byte_array_append (conn->hello, buffer, (guint)n);
  if (conn->hello->data[0] != 22)
    {
      g_debug ("Connection from %s: not a TLS handshake", conn->address);
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }

  if (conn->hello->len < 5)
    return G_SOURCE_CONTINUE;

  record_length = ((gsize)conn->hello->data[3] << 8) | conn->hello->data[4];
  if (record_length == 0 || record_length > MAX_HELLO_RECORD)
    {
      g_debug ("Connection from %s: not a TLS handshake", conn->address);
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }

  if (conn->hello->len < 5 + record_length)
    return G_SOURCE_CONTINUE;

  start_handshake (conn);
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                gpointer           user_data)
{
  AltaConnections *self = user_data;
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autofree char *address = NULL;
  guint count;
  Conn *conn;

  if (self->stopping || !G_IS_INET_SOCKET_ADDRESS (remote) || local == NULL)
    {
      g_socket_close (socket, NULL);
      return TRUE;
    }

  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  /* A reverse proxy of the clinic's carries every patient's connections */
  if (count >= self->limits.max_per_address &&
      !alta_client_address_is_trusted_proxy (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)),
        self->limits.uncapped))
    {
      g_message ("Connection from %s refused: %u open from there already", address, count);
      g_socket_close (socket, NULL);
      return TRUE;
    }
  g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (count + 1));

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  conn = g_rc_box_new0 (Conn);
  conn->owner = self;
  conn->socket_connection = g_object_ref (connection);
  conn->local_address = g_steal_pointer (&local);
  conn->remote_address = g_steal_pointer (&remote);
  conn->address = g_steal_pointer (&address);
  g_hash_table_add (self->conns, conn);

  if (self->certificate == NULL)
    {
      conn->stream = g_object_ref (G_IO_STREAM (connection));
      g_socket_set_timeout (socket, self->limits.keepalive_timeout_s);
      enter_waiting (conn);
      return TRUE;
    }

  conn->state = CONN_HELLO;
  conn->hello = g_byte_array_new ();
  start_timer (conn, self->limits.handshake_timeout_s);
  watch_input (conn, G_IO_STREAM (connection), on_hello_readable_cb);
  return TRUE;
}

/**
 * alta_connections_new:
 * @soup: the server that answers the requests
 * @certificate: (nullable): the TLS certificate, or %NULL for plain HTTP
 * @limits: the timeouts and limits
 *
 * Returns: (transfer full): the connections, not yet listening
 */
AltaConnections *
alta_connections_new (SoupServer                 *soup,
                      GTlsCertificate            *certificate,
                      const AltaConnectionLimits *limits)
{
  AltaConnections *self = g_new0 (AltaConnections, 1);

  self->soup = g_object_ref (soup);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->limits = *limits;
  if (limits->uncapped != NULL)
    self->limits.uncapped = g_ptr_array_ref (limits->uncapped);
  self->conns = g_hash_table_new_full (NULL, NULL, (GDestroyNotify)conn_unref, NULL);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return self;
}

/**
 * alta_connections_listen:
 * @self: the connections
 * @address: where to listen; port 0 picks a free one
 * @error: return location for a #GError
 *
 * Returns: %TRUE when listening
 */
gboolean
alta_connections_listen (AltaConnections  *self,
                         GSocketAddress   *address,
                         GError          **error)
{
  g_autoptr (GSocketAddress) effective = NULL;

  g_return_val_if_fail (self->service == NULL, FALSE);

  self->service = g_socket_service_new ();
  /* GLib's default of 10 drops the connections of a burst, which retry a second later
   * (the kernel caps it at net.core.somaxconn). */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service),
                                 self->limits.listen_backlog > 0 ? (int)self->limits.listen_backlog
                                                                 : LISTEN_BACKLOG);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    {
      g_clear_object (&self->service);
      return FALSE;
    }

  self->address = g_steal_pointer (&effective);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming_cb), self);
  g_socket_service_start (self->service);
  return TRUE;
}

/**
 * alta_connections_dup_url:
 * @self: the connections
 *
 * Returns: (transfer full) (nullable): `https://ADDR:PORT` (or `http://`) where they
 *   listen, without a final slash
 */
char *
alta_connections_dup_url (AltaConnections *self)
{
  GInetSocketAddress *inet;
  g_autofree char *host = NULL;

  if (self->address == NULL)
    return NULL;

  inet = G_INET_SOCKET_ADDRESS (self->address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  if (g_inet_address_get_family (g_inet_socket_address_get_address (inet)) == G_SOCKET_FAMILY_IPV6)
    {
      g_autofree char *bracketed = g_strdup_printf ("[%s]", host);

      g_free (host);
      host = g_steal_pointer (&bracketed);
    }

  return g_strdup_printf ("%s://%s:%u", self->certificate != NULL ? "https" : "http", host,
                          g_inet_socket_address_get_port (inet));
}

/**
 * alta_connections_stop:
 * @self: the connections
 *
 * Stops accepting and closes every connection that is not in a request; those in one
 * close once it is answered.
 */
void
alta_connections_stop (AltaConnections *self)
{
  g_autoptr (GPtrArray) idle = g_ptr_array_new ();
  GHashTableIter iter;
  Conn *conn;

  self->stopping = TRUE;
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *)&conn, NULL))
    if (conn->state != CONN_IN_SOUP)
      g_ptr_array_add (idle, conn);

  for (guint i = 0; i < idle->len; i++)
    conn_close (g_ptr_array_index (idle, i));
}

/**
 * alta_connections_free:
 * @self: (nullable): the connections
 */
void
alta_connections_free (AltaConnections *self)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  GHashTableIter iter;
  Conn *conn;

  if (self == NULL)
    return;

  alta_connections_stop (self);
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *)&conn, NULL))
    g_ptr_array_add (all, conn);
  for (guint i = 0; i < all->len; i++)
    conn_close (g_ptr_array_index (all, i));

  g_clear_object (&self->service);
  g_clear_object (&self->address);
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);
  g_clear_pointer (&self->limits.uncapped, g_ptr_array_unref);
  g_clear_object (&self->certificate);
  g_clear_object (&self->soup);
  g_free (self);
}

/**
 * alta_connections_get_n_open:
 * @self: the connections
 *
 * Returns: how many connections are open
 */
guint
alta_connections_get_n_open (AltaConnections *self)
{
  return g_hash_table_size (self->conns);
}

/**
 * alta_connections_request_started:
 * @self: the connections
 * @msg: a message SoupServer just started
 *
 * Call from SoupServer::request-started: ties @msg to its connection.
 */
void
alta_connections_request_started (AltaConnections   *self,
                                  SoupServerMessage *msg)
{
  if (self->accepting == NULL)
    return;

  self->accepting->msg = msg;
  g_object_set_data (G_OBJECT (msg), CONNECTION_KEY, self->accepting);
}

static gboolean
header_has_token (SoupMessageHeaders *headers,
                  const char         *name,
                  const char         *token)
{
  return soup_message_headers_header_contains (headers, name, token);
}

/**
 * alta_connections_got_headers:
 * @self: the connections
 * @msg: a message whose request headers were read
 *
 * Call from an early handler: notes whether the client wants the connection kept, and
 * makes libsoup close its stream after answering (this file keeps the connection).
 */
void
alta_connections_got_headers (AltaConnections   *self,
                              SoupServerMessage *msg)
{
  Conn *conn = g_object_get_data (G_OBJECT (msg), CONNECTION_KEY);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (conn == NULL)
    return;

  if (soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0)
    conn->client_keep_alive = header_has_token (headers, "Connection", "keep-alive");
  else
    conn->client_keep_alive = !header_has_token (headers, "Connection", "close");

  soup_message_headers_replace (headers, "Connection", "close");
}

/**
 * alta_connections_request_ended:
 * @self: the connections
 * @msg: a message SoupServer finished or aborted
 * @completed: %TRUE for SoupServer::request-finished
 *
 * Call from SoupServer::request-finished and ::request-aborted.
 */
void
alta_connections_request_ended (AltaConnections   *self,
                                SoupServerMessage *msg,
                                gboolean           completed)
{
  Conn *conn = g_object_get_data (G_OBJECT (msg), CONNECTION_KEY);

  if (conn == NULL)
    return;

  conn->keep_alive = completed && conn->client_keep_alive && !conn->refused &&
                     !header_has_token (soup_server_message_get_response_headers (msg),
                                        "Connection", "close");
  forget_message (conn);
}

/**
 * alta_connections_refuse:
 * @self: the connections
 * @msg: a message whose request is being read
 * @status: the HTTP status, such as 413
 * @content_type: the body's type
 * @body: the body
 *
 * Answers @msg at once, with the response headers already set on it, and stops reading
 * its request: libsoup's next read of it fails. The connection then reads (and drops)
 * what the client still sends for a moment, so the answer reaches it, and closes.
 *
 * Returns: %FALSE when @msg is not on a connection of @self (nothing was sent)
 */
gboolean
alta_connections_refuse (AltaConnections   *self,
                         SoupServerMessage *msg,
                         guint              status,
                         const char        *content_type,
                         const char        *body)
{
  Conn *conn = g_object_get_data (G_OBJECT (msg), CONNECTION_KEY);
  g_autoptr (GString) response = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (conn == NULL || conn->soup_stream == NULL)
    return FALSE;

  g_string_append_printf (response, "HTTP/1.1 %u %s\r\n", status,
                          soup_status_get_phrase (status) != NULL ? soup_status_get_phrase (status)
                                                                  : "Error");
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Content-Type") != 0 &&
          g_ascii_strcasecmp (name, "Content-Length") != 0 &&
          g_ascii_strcasecmp (name, "Connection") != 0)
        g_string_append_printf (response, "%s: %s\r\n", name, value);
    }
  g_string_append_printf (response, "Content-Type: %s\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s", content_type, strlen (body), body);

  conn->refused = TRUE;
  conn->keep_alive = FALSE;
  alta_prefix_stream_fail_input (conn->soup_stream);

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (conn->stream), response->str,
                                  response->len, NULL, NULL, &error))
    g_debug ("Connection from %s: the refusal was not sent: %s", conn->address, error->message);

  return TRUE;
}
