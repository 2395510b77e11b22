/* alta-prefix-stream.h: a stream over another that first gives back bytes already read
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ALTA_TYPE_PREFIX_STREAM (alta_prefix_stream_get_type ())

G_DECLARE_FINAL_TYPE (AltaPrefixStream, alta_prefix_stream, ALTA, PREFIX_STREAM, GIOStream)

typedef void (*AltaPrefixStreamClosedFunc) (AltaPrefixStream *stream,
                                            gpointer          user_data);

AltaPrefixStream *alta_prefix_stream_new        (GIOStream                  *base,
                                                 GBytes                     *prefix,
                                                 gboolean                    close_base);
void              alta_prefix_stream_set_closed_func (AltaPrefixStream      *self,
                                                 AltaPrefixStreamClosedFunc  func,
                                                 gpointer                    user_data);
void              alta_prefix_stream_fail_input (AltaPrefixStream           *self);
void              alta_prefix_stream_refuse_renegotiation (AltaPrefixStream *self,
                                                 const char                 *peer);

G_END_DECLS
