/* alta-rate-limiter.h: fixed-window request counters per key
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AltaRateLimiter AltaRateLimiter;

AltaRateLimiter *alta_rate_limiter_new   (guint            window_s);
void             alta_rate_limiter_free  (AltaRateLimiter *self);
gboolean         alta_rate_limiter_hit   (AltaRateLimiter *self,
                                          const char      *key,
                                          guint            limit,
                                          gint64           now_s,
                                          gint64          *out_retry_after_s);
void             alta_rate_limiter_prune (AltaRateLimiter *self,
                                          gint64           now_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaRateLimiter, alta_rate_limiter_free)

G_END_DECLS
