/* alta-prefix-stream.c: a stream over another that first gives back bytes already read
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-prefix-stream"

#include "config.h"

#include <string.h>

#include "alta-prefix-stream.h"

/* The connection code reads the first bytes of a TLS handshake, or of a request, itself
 * (so that a client that sends half of one holds no thread and no libsoup connection),
 * then hands the stream on with those bytes in front. Both halves are pollable, as
 * GTlsConnection and SoupServer need. With close_base FALSE, closing this stream leaves
 * the one below open: SoupServer closes the stream it was given after each request, and
 * the connection goes back to waiting for the next one.
 */

#define ALTA_TYPE_PREFIX_INPUT (alta_prefix_input_get_type ())
G_DECLARE_FINAL_TYPE (AltaPrefixInput, alta_prefix_input, ALTA, PREFIX_INPUT, GInputStream)

#define ALTA_TYPE_PREFIX_OUTPUT (alta_prefix_output_get_type ())
G_DECLARE_FINAL_TYPE (AltaPrefixOutput, alta_prefix_output, ALTA, PREFIX_OUTPUT, GOutputStream)

struct _AltaPrefixInput
{
  GInputStream  parent_instance;

  GInputStream *base;
  GBytes       *prefix;
  gsize         offset;
  gboolean      close_base;
  gboolean      failed;

  /* Under a TLS 1.2 connection: the client's records, as they arrive */
  char         *refuse_renegotiation_from;   /* the client's address, for the log */
  guint8        header[5];
  guint         header_length;
  gsize         body_left;
};

struct _AltaPrefixOutput
{
  GOutputStream  parent_instance;

  GOutputStream *base;
  gboolean       close_base;
};

struct _AltaPrefixStream
{
  GIOStream                   parent_instance;

  GIOStream                  *base;
  AltaPrefixInput            *input;
  AltaPrefixOutput           *output;
  gboolean                    close_base;
  AltaPrefixStreamClosedFunc  closed_func;
  gpointer                    closed_data;
};

static void alta_prefix_input_pollable_init  (GPollableInputStreamInterface  *iface);
static void alta_prefix_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AltaPrefixInput, alta_prefix_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      alta_prefix_input_pollable_init))
G_DEFINE_FINAL_TYPE_WITH_CODE (AltaPrefixOutput, alta_prefix_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      alta_prefix_output_pollable_init))
G_DEFINE_FINAL_TYPE (AltaPrefixStream, alta_prefix_stream, G_TYPE_IO_STREAM)

/* As g_pollable_source_new_full(), which in GLib 2.74 fails an assertion on a child that
 * another stream's create_source() made.
 */
static GSource *
new_pollable_source (gpointer      stream,
                     GSource      *child,
                     GCancellable *cancellable)
{
  GSource *source = g_pollable_source_new (G_OBJECT (stream));

  g_source_set_dummy_callback (child);
  g_source_add_child_source (source, child);
  if (cancellable != NULL)
    {
      g_autoptr (GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }

  return source;
}

/* Input */

static gsize
prefix_left (AltaPrefixInput *self)
{
  return self->prefix != NULL ? g_bytes_get_size (self->prefix) - self->offset : 0;
}

static gssize
take_prefix (AltaPrefixInput *self,
             void            *buffer,
             gsize            count)
{
  gsize n = MIN (count, prefix_left (self));

  memcpy (buffer, (const guint8 *)g_bytes_get_data (self->prefix, NULL) + self->offset, n);
  self->offset += n;
  if (prefix_left (self) == 0)
    g_clear_pointer (&self->prefix, g_bytes_unref);

  return (gssize)n;
}

static gboolean
check_failed (AltaPrefixInput  *self,
              GError          **error)
{
  if (!self->failed)
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "The connection was refused");
  return TRUE;
}

/* TLS 1.2 leaves each record's header in the clear: a content type, a version and a
 * length. Once the handshake is done, a client has no handshake record (22) to send but
 * the ClientHello of a renegotiation, which glib-networking would answer (it ignores
 * G_TLS_REHANDSHAKE_NEVER since GLib 2.60). The reader gets the bytes before that
 * record, then fails.
 *
 * Returns: how many of @data's @length bytes the reader may have
 */
static gsize
scan_records (AltaPrefixInput *self,
              const guint8    *data,
              gsize            length)
{
  gsize i = 0;

  while (i < length)
    {
      if (self->body_left > 0)
        {
          gsize skipped = MIN (self->body_left, length - i);

          self->body_left -= skipped;
          i += skipped;
          continue;
        }

      if (self->header_length == 0 && data[i] == 22)
        {
          g_message ("TLS with %s: refused a renegotiation", self->refuse_renegotiation_from);
          self->failed = TRUE;
          return i;
        }

      self->header[self->header_length++] = data[i++];
      if (self->header_length == G_N_ELEMENTS (self->header))
        {
          self->body_left = ((gsize)self->header[3] << 8) | self->header[4];
          self->header_length = 0;
        }
    }

  return length;
}

/* What the reader gets of @n bytes read from the base into @buffer */
static gssize
pass_read (AltaPrefixInput  *self,
           const void       *buffer,
           gssize            n,
           GError          **error)
{
  gsize allowed;

  if (n <= 0 || self->refuse_renegotiation_from == NULL || self->failed)
    return n;

  allowed = scan_records (self, buffer, (gsize)n);
  if (allowed == 0 && check_failed (self, error))
    return -1;

  return (gssize)allowed;
}

static gssize
alta_prefix_input_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  AltaPrefixInput *self = ALTA_PREFIX_INPUT (stream);

  if (check_failed (self, error))
    return -1;
  if (prefix_left (self) > 0)
    return take_prefix (self, buffer, count);

  return pass_read (self, buffer,
                    g_input_stream_read (self->base, buffer, count, cancellable, error), error);
}

static gboolean
alta_prefix_input_close (GInputStream  *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  AltaPrefixInput *self = ALTA_PREFIX_INPUT (stream);

  return !self->close_base || g_input_stream_close (self->base, cancellable, error);
}

static gboolean
alta_prefix_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
alta_prefix_input_is_readable (GPollableInputStream *stream)
{
  AltaPrefixInput *self = ALTA_PREFIX_INPUT (stream);

  return self->failed || prefix_left (self) > 0 ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
alta_prefix_input_create_source (GPollableInputStream *stream,
                                 GCancellable         *cancellable)
{
  AltaPrefixInput *self = ALTA_PREFIX_INPUT (stream);
  g_autoptr (GSource) child = NULL;

  if (self->failed || prefix_left (self) > 0)
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);

  return new_pollable_source (stream, child, cancellable);
}

static gssize
alta_prefix_input_read_nonblocking (GPollableInputStream  *stream,
                                    void                  *buffer,
                                    gsize                  count,
                                    GError               **error)
{
  AltaPrefixInput *self = ALTA_PREFIX_INPUT (stream);

  if (check_failed (self, error))
    return -1;
  if (prefix_left (self) > 0)
    return take_prefix (self, buffer, count);

  return pass_read (self, buffer,
                    g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                              buffer, count, NULL, error),
                    error);
}

static void
alta_prefix_input_finalize (GObject *object)
{
  AltaPrefixInput *self = ALTA_PREFIX_INPUT (object);

  g_clear_object (&self->base);
  g_clear_pointer (&self->prefix, g_bytes_unref);
  g_clear_pointer (&self->refuse_renegotiation_from, g_free);

  G_OBJECT_CLASS (alta_prefix_input_parent_class)->finalize (object);
}

static void
alta_prefix_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = alta_prefix_input_can_poll;
  iface->is_readable = alta_prefix_input_is_readable;
  iface->create_source = alta_prefix_input_create_source;
  iface->read_nonblocking = alta_prefix_input_read_nonblocking;
}

static void
alta_prefix_input_class_init (AltaPrefixInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = alta_prefix_input_finalize;
  input_class->read_fn = alta_prefix_input_read;
  input_class->close_fn = alta_prefix_input_close;
}

static void
alta_prefix_input_init (AltaPrefixInput *self)
{
}

/* Output */

static gssize
alta_prefix_output_write (GOutputStream  *stream,
                          const void     *buffer,
                          gsize           count,
                          GCancellable   *cancellable,
                          GError        **error)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (stream);

  return g_output_stream_write (self->base, buffer, count, cancellable, error);
}

static gboolean
alta_prefix_output_flush (GOutputStream  *stream,
                          GCancellable   *cancellable,
                          GError        **error)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (stream);

  return g_output_stream_flush (self->base, cancellable, error);
}

static gboolean
alta_prefix_output_close (GOutputStream  *stream,
                          GCancellable   *cancellable,
                          GError        **error)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (stream);

  return !self->close_base || g_output_stream_close (self->base, cancellable, error);
}

static gboolean
alta_prefix_output_can_poll (GPollableOutputStream *stream)
{
  return TRUE;
}

static gboolean
alta_prefix_output_is_writable (GPollableOutputStream *stream)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (stream);

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static GSource *
alta_prefix_output_create_source (GPollableOutputStream *stream,
                                  GCancellable          *cancellable)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (stream);
  g_autoptr (GSource) child = g_pollable_output_stream_create_source (
    G_POLLABLE_OUTPUT_STREAM (self->base), NULL);

  return new_pollable_source (stream, child, cancellable);
}

static gssize
alta_prefix_output_write_nonblocking (GPollableOutputStream  *stream,
                                      const void             *buffer,
                                      gsize                   count,
                                      GError                **error)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (stream);

  return g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                     buffer, count, NULL, error);
}

static void
alta_prefix_output_finalize (GObject *object)
{
  AltaPrefixOutput *self = ALTA_PREFIX_OUTPUT (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (alta_prefix_output_parent_class)->finalize (object);
}

static void
alta_prefix_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = alta_prefix_output_can_poll;
  iface->is_writable = alta_prefix_output_is_writable;
  iface->create_source = alta_prefix_output_create_source;
  iface->write_nonblocking = alta_prefix_output_write_nonblocking;
}

static void
alta_prefix_output_class_init (AltaPrefixOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *output_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = alta_prefix_output_finalize;
  output_class->write_fn = alta_prefix_output_write;
  output_class->flush = alta_prefix_output_flush;
  output_class->close_fn = alta_prefix_output_close;
}

static void
alta_prefix_output_init (AltaPrefixOutput *self)
{
}

/* The pair */

static GInputStream *
alta_prefix_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (ALTA_PREFIX_STREAM (stream)->input);
}

static GOutputStream *
alta_prefix_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (ALTA_PREFIX_STREAM (stream)->output);
}

static gboolean
alta_prefix_stream_close (GIOStream     *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  AltaPrefixStream *self = ALTA_PREFIX_STREAM (stream);
  g_autoptr (GError) local_error = NULL;
  gboolean closed;

  /* The default closes both halves, which here close the base only with close_base. */
  closed = G_IO_STREAM_CLASS (alta_prefix_stream_parent_class)->close_fn (stream, cancellable,
                                                                         &local_error);
  if (self->close_base && !g_io_stream_is_closed (self->base))
    closed = g_io_stream_close (self->base, cancellable, closed ? &local_error : NULL) && closed;

  if (self->closed_func != NULL)
    self->closed_func (self, self->closed_data);

  if (!closed)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return closed;
}

static void
alta_prefix_stream_finalize (GObject *object)
{
  AltaPrefixStream *self = ALTA_PREFIX_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (alta_prefix_stream_parent_class)->finalize (object);
}

static void
alta_prefix_stream_class_init (AltaPrefixStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = alta_prefix_stream_finalize;
  stream_class->get_input_stream = alta_prefix_stream_get_input_stream;
  stream_class->get_output_stream = alta_prefix_stream_get_output_stream;
  stream_class->close_fn = alta_prefix_stream_close;
}

static void
alta_prefix_stream_init (AltaPrefixStream *self)
{
}

/**
 * alta_prefix_stream_new:
 * @base: a stream whose halves are pollable
 * @prefix: (nullable): bytes already read from @base, given back first
 * @close_base: whether closing this stream closes @base
 *
 * Returns: (transfer full): the stream
 */
AltaPrefixStream *
alta_prefix_stream_new (GIOStream *base,
                        GBytes    *prefix,
                        gboolean   close_base)
{
  AltaPrefixStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (ALTA_TYPE_PREFIX_STREAM, NULL);
  self->base = g_object_ref (base);
  self->close_base = close_base;

  self->input = g_object_new (ALTA_TYPE_PREFIX_INPUT, NULL);
  self->input->base = g_object_ref (g_io_stream_get_input_stream (base));
  self->input->prefix = prefix != NULL && g_bytes_get_size (prefix) > 0 ? g_bytes_ref (prefix)
                                                                         : NULL;
  self->input->close_base = close_base;

  self->output = g_object_new (ALTA_TYPE_PREFIX_OUTPUT, NULL);
  self->output->base = g_object_ref (g_io_stream_get_output_stream (base));
  self->output->close_base = close_base;

  return self;
}

/**
 * alta_prefix_stream_set_closed_func:
 * @self: a stream
 * @func: (nullable): called once the stream is closed, from inside g_io_stream_close()
 * @user_data: for @func
 */
void
alta_prefix_stream_set_closed_func (AltaPrefixStream           *self,
                                    AltaPrefixStreamClosedFunc  func,
                                    gpointer                    user_data)
{
  g_return_if_fail (ALTA_IS_PREFIX_STREAM (self));

  self->closed_func = func;
  self->closed_data = user_data;
}

/**
 * alta_prefix_stream_fail_input:
 * @self: a stream
 *
 * Every later read fails with %G_IO_ERROR_CONNECTION_CLOSED, whatever the base holds: the
 * reader stops reading a request that was already refused.
 */
void
alta_prefix_stream_fail_input (AltaPrefixStream *self)
{
  g_return_if_fail (ALTA_IS_PREFIX_STREAM (self));

  self->input->failed = TRUE;
}

/**
 * alta_prefix_stream_refuse_renegotiation:
 * @self: the stream under a server's TLS 1.2 connection, once its handshake is done
 * @peer: the client's address, for the log line
 *
 * Reads fail from the first handshake record the client sends (a renegotiation's
 * ClientHello); what came before it is read as usual.
 */
void
alta_prefix_stream_refuse_renegotiation (AltaPrefixStream *self,
                                         const char       *peer)
{
  g_return_if_fail (ALTA_IS_PREFIX_STREAM (self));
  g_return_if_fail (prefix_left (self->input) == 0);

  g_free (self->input->refuse_renegotiation_from);
  self->input->refuse_renegotiation_from = g_strdup (peer != NULL ? peer : "unknown");
  self->input->header_length = 0;
  self->input->body_left = 0;
}
