/* alta-read-pool.c: read requests answered beside the main loop
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-read-pool"

#include "config.h"

#include "alta-read-pool.h"
#include "alta-store-private.h"
#include "alta-worker-pool.h"

/* The main loop answers every request; with WAL, reads of the database can run on other
 * cores at the same time. A pool of threads, each job taking one of as many read-only
 * connections (each with its own cache of prepared statements), runs the read half of a
 * read request; the main thread keeps every write (the audit trail included) and the
 * answer. A job reads in one transaction started after the request was handed over, so it
 * sees every write answered before, and the search totals it keeps or takes are those of
 * the writer's generation at that moment (alta_store_begin_read()).
 */
struct _AltaReadPool
{
  AltaWorkerPool *workers;
  GAsyncQueue    *readers; /* AltaStore *, one per thread, taken by the job that runs */
  AltaStore      *origin;
};

typedef struct
{
  AltaReadFunc  func;
  gpointer      data;
  guint64       generation;
} Job;

/* In a worker thread */
static void
run_job (GTask   *task,
         gpointer job_data,
         gpointer pool_data)
{
  AltaReadPool *pool = pool_data;
  Job          *job = job_data;
  g_autoptr (GError) error = NULL;
  AltaStore *reader;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;

  reader = g_async_queue_pop (pool->readers);
  ok = alta_store_begin_read (reader, job->generation, &error) &&
       job->func (reader, job->data, &error);
  alta_store_end_read (reader);
  g_async_queue_push (pool->readers, reader);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * alta_read_pool_new:
 * @db_path: the database @origin opened
 * @origin: the writer
 * @n_threads: how many reads run at once, at least 1
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the pool, its threads started and its connections open
 */
AltaReadPool *
alta_read_pool_new (const char  *db_path,
                    AltaStore   *origin,
                    guint        n_threads,
                    GError     **error)
{
  AltaReadPool *pool;

  g_return_val_if_fail (n_threads > 0, NULL);

  pool = g_new0 (AltaReadPool, 1);
  pool->origin = origin;
  pool->readers = g_async_queue_new_full (g_object_unref);

  for (guint i = 0; i < n_threads; i++)
    {
      AltaStore *reader = alta_store_open_reader (db_path, origin, error);

      if (reader == NULL)
        {
          alta_read_pool_free (pool);
          return NULL;
        }
      g_async_queue_push (pool->readers, reader);
    }

  pool->workers = alta_worker_pool_new (n_threads, run_job, pool, error);
  if (pool->workers == NULL)
    {
      alta_read_pool_free (pool);
      return NULL;
    }

  return pool;
}

/**
 * alta_read_pool_free:
 * @pool: (nullable): a pool
 *
 * Waits for the jobs in flight and those queued (cancelled ones end without reading), stops
 * the threads and closes the connections. Every job's callback is then pending on the main
 * context that started it, which must run once more for them.
 */
void
alta_read_pool_free (AltaReadPool *pool)
{
  AltaStore *reader;

  if (pool == NULL)
    return;

  alta_worker_pool_free (pool->workers);

  while ((reader = g_async_queue_try_pop (pool->readers)) != NULL)
    {
      alta_store_close (reader);
      g_object_unref (reader);
    }
  g_async_queue_unref (pool->readers);
  g_free (pool);
}

/**
 * alta_read_pool_get_n_threads:
 * @pool: a pool
 *
 * Returns: how many reads run at once
 */
guint
alta_read_pool_get_n_threads (AltaReadPool *pool)
{
  return alta_worker_pool_get_n_threads (pool->workers);
}

/**
 * alta_read_pool_run_async:
 * @pool: a pool
 * @func: the read, run on a worker with a reader
 * @data: its data, which must live until @callback has run
 * @cancellable: (nullable): cancelled when nobody waits for the answer any more
 * @callback: called on the calling thread's main context once @func has run (or, when
 *   cancelled before it started, without it)
 * @user_data: for @callback
 *
 * Call on the main thread, outside any write transaction: the read sees every write
 * committed until now.
 */
void
alta_read_pool_run_async (AltaReadPool        *pool,
                          AltaReadFunc         func,
                          gpointer             data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->data = data;
  job->generation = alta_store_get_fhir_generation (pool->origin);

  alta_worker_pool_run_async (pool->workers, alta_read_pool_run_async, "[alta] read job",
                              job, g_free, cancellable, callback, user_data);
}

/**
 * alta_read_pool_run_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError: the read's own, or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the read ran and succeeded
 */
gboolean
alta_read_pool_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == alta_read_pool_run_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
