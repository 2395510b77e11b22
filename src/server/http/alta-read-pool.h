/* alta-read-pool.h: read requests answered beside the main loop
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "alta-store.h"

G_BEGIN_DECLS

typedef struct _AltaReadPool AltaReadPool;

/**
 * AltaReadFunc:
 * @store: a read-only connection, in a read transaction, for this call only
 * @data: the job's data
 * @error: return location for a #GError
 *
 * The read half of a request, on a worker thread: reads through @store and leaves what
 * it found in @data. It touches nothing the main thread uses.
 *
 * Returns: %FALSE when storage failed
 */
typedef gboolean (*AltaReadFunc) (AltaStore  *store,
                                  gpointer    data,
                                  GError    **error);

AltaReadPool *alta_read_pool_new           (const char           *db_path,
                                            AltaStore            *origin,
                                            guint                 n_threads,
                                            GError              **error);
void          alta_read_pool_free          (AltaReadPool         *pool);
guint         alta_read_pool_get_n_threads (AltaReadPool         *pool);
void          alta_read_pool_run_async     (AltaReadPool         *pool,
                                            AltaReadFunc          func,
                                            gpointer              data,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      alta_read_pool_run_finish    (GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
