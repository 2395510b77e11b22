/* alta-rate-limiter.c: fixed-window request counters per key
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-rate-limiter"

#include "config.h"

#include "alta-rate-limiter.h"

/* Counters live in memory: a restart forgets them, which is acceptable for throttling
 * guesses (the lockout that must survive restarts is in the database).
 */

typedef struct
{
  gint64 window_start;
  guint  count;
} Counter;

struct _AltaRateLimiter
{
  guint       window_s;
  GHashTable *counters;   /* key → Counter */
};

AltaRateLimiter *
alta_rate_limiter_new (guint window_s)
{
  AltaRateLimiter *self = g_new0 (AltaRateLimiter, 1);

  self->window_s = MAX (window_s, 1);
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

void
alta_rate_limiter_free (AltaRateLimiter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->counters);
  g_free (self);
}

/**
 * alta_rate_limiter_hit:
 * @self: an #AltaRateLimiter
 * @key: what is counted ("address:127.0.0.1", "account:ana")
 * @limit: how many hits a window allows
 * @now_s: now, in seconds
 * @out_retry_after_s: (out) (optional): seconds until the window ends, when refused
 *
 * Counts one hit of @key.
 *
 * Returns: %TRUE when the hit is within @limit
 */
gboolean
alta_rate_limiter_hit (AltaRateLimiter *self,
                       const char      *key,
                       guint            limit,
                       gint64           now_s,
                       gint64          *out_retry_after_s)
{
  Counter *counter = g_hash_table_lookup (self->counters, key);

  if (counter == NULL)
    {
      counter = g_new0 (Counter, 1);
      g_hash_table_insert (self->counters, g_strdup (key), counter);
    }

  if (now_s - counter->window_start >= self->window_s || now_s < counter->window_start)
    {
      counter->window_start = now_s;
      counter->count = 0;
    }

  if (counter->count >= limit)
    {
      if (out_retry_after_s != NULL)
        *out_retry_after_s = MAX (1, counter->window_start + self->window_s - now_s);
      return FALSE;
    }

  counter->count++;
  return TRUE;
}

/**
 * alta_rate_limiter_prune:
 * @self: an #AltaRateLimiter
 * @now_s: now, in seconds
 *
 * Forgets counters whose window has ended, so the table stays small.
 */
void
alta_rate_limiter_prune (AltaRateLimiter *self,
                         gint64           now_s)
{
  GHashTableIter iter;
  Counter *counter;

  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&counter))
    {
      if (now_s - counter->window_start >= self->window_s || now_s < counter->window_start)
        g_hash_table_iter_remove (&iter);
    }
}
