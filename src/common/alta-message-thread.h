/* alta-message-thread.h: a first message and every message that answers it
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-message.h"

G_BEGIN_DECLS

#define ALTA_TYPE_MESSAGE_THREAD (alta_message_thread_get_type ())

G_DECLARE_FINAL_TYPE (AltaMessageThread, alta_message_thread, ALTA, MESSAGE_THREAD, GObject)

GPtrArray   *alta_message_thread_collect      (GListModel        *messages);
const char  *alta_message_thread_get_id       (AltaMessageThread *self);
const char  *alta_message_thread_get_topic    (AltaMessageThread *self);
GListModel  *alta_message_thread_get_messages (AltaMessageThread *self);
AltaMessage *alta_message_thread_get_latest   (AltaMessageThread *self);
GDateTime   *alta_message_thread_get_date     (AltaMessageThread *self);
guint        alta_message_thread_get_n_unread (AltaMessageThread *self);

G_END_DECLS
