/* alta-worker-pool.c: jobs run on a fixed set of threads, answered on the main loop
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-worker-pool"

#include "config.h"

#include "alta-worker-pool.h"

/* What the password pool (argon2id) and the read pool (FHIR reads) share: a GThreadPool
 * of threads started at once, each job a GTask carrying its data, run by the pool's func
 * on a worker and answered through the task on the main context that asked. What a job
 * does, and what it keeps beside the threads (readers, counts), stays with each pool.
 */
struct _AltaWorkerPool
{
  GThreadPool   *threads;
  guint          n_threads;
  AltaWorkerFunc func;
  gpointer       user_data;
};

/* In a worker thread */
static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr (GTask) task = data;
  AltaWorkerPool *pool = user_data;

  pool->func (task, g_task_get_task_data (task), pool->user_data);
}

/**
 * alta_worker_pool_new:
 * @n_threads: how many jobs run at once, at least 1
 * @func: what runs each job, on a worker
 * @user_data: for @func; it must outlive the pool
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the pool, with its threads started
 */
AltaWorkerPool *
alta_worker_pool_new (guint          n_threads,
                      AltaWorkerFunc func,
                      gpointer       user_data,
                      GError       **error)
{
  AltaWorkerPool *pool;

  g_return_val_if_fail (n_threads > 0, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  pool = g_new0 (AltaWorkerPool, 1);
  pool->n_threads = n_threads;
  pool->func = func;
  pool->user_data = user_data;
  pool->threads = g_thread_pool_new (run_job, pool, (int)n_threads, TRUE, error);
  if (pool->threads == NULL)
    {
      g_free (pool);
      return NULL;
    }

  return pool;
}

/**
 * alta_worker_pool_free:
 * @pool: (nullable): a pool
 *
 * Waits for the jobs in flight and those queued (each func decides what a cancelled one
 * does), then stops the threads. Every job's callback is then pending on the main context
 * that started it, which must run once more for them.
 */
void
alta_worker_pool_free (AltaWorkerPool *pool)
{
  if (pool == NULL)
    return;

  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_free (pool);
}

/**
 * alta_worker_pool_get_n_threads:
 * @pool: a pool
 *
 * Returns: how many jobs run at once
 */
guint
alta_worker_pool_get_n_threads (AltaWorkerPool *pool)
{
  return pool->n_threads;
}

/**
 * alta_worker_pool_run_async:
 * @pool: a pool
 * @source_tag: the calling pool's own run_async, which its finish checks
 * @name: the task's name, for debugging
 * @job: (transfer full): the job, the task's data
 * @job_free: frees @job with the task
 * @cancellable: (nullable): cancelled when nobody wants the answer any more
 * @callback: called on the thread-default main context of this call
 * @user_data: for @callback
 */
void
alta_worker_pool_run_async (AltaWorkerPool     *pool,
                            gpointer            source_tag,
                            const char         *name,
                            gpointer            job,
                            GDestroyNotify      job_free,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (pool != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  g_task_set_task_data (task, job, job_free);

  /* The threads are exclusive and all started, so this does not fail; if a thread could
   * not start, the job is still queued, for the threads already running. */
  if (!g_thread_pool_push (pool->threads, g_steal_pointer (&task), &error))
    g_warning ("A worker thread could not start; the job waits for another: %s",
               error->message);
}
