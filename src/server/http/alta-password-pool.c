/* alta-password-pool.c: argon2id hashing and verification in a bounded pool of threads
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-password-pool"

#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alta-password-pool.h"
#include "alta-secrets.h"
#include "alta-worker-pool.h"

/* One argon2id run takes tens of milliseconds and 64 MiB. On the server's one thread it
 * would stall every other patient meanwhile, so the routes that need one hand it here and
 * finish on the main thread when it is done. The pool has as many threads as the machine
 * has cores, and only so many jobs may wait: past that the server answers 503 at once
 * rather than letting sign-ins pile up behind each other (and their memory with them).
 *
 * Only libsodium runs in the threads: the jobs hold copies of their strings and touch
 * nothing else of the server.
 *
 * The threads run at a lower priority (nice 10) than the main loop: on a machine with as
 * many hashing threads as cores, the main loop would otherwise get a third of a core, and
 * every patient's page would wait behind the sign-ins all the same.
 */

#define WORKER_NICENESS 10

struct _AltaPasswordPool
{
  AltaWorkerPool *workers;
  guint           max_waiting;

  /* Written by the main thread and the workers */
  int             n_in_flight; /* pushed and not yet finished */
  int             mean_us;     /* a moving mean of a job's duration, for Retry-After */
};

typedef struct
{
  gboolean  verify;
  char     *password_hash;      /* NULL with verify: an unknown account */
  char     *password;
  char     *new_password;
} Job;

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;

  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

static void
job_free (Job *job)
{
  g_free (job->password_hash);
  free_secret (job->password);
  free_secret (job->new_password);
  g_free (job);
}

/**
 * alta_password_result_free:
 * @result: (nullable): a result
 */
void
alta_password_result_free (AltaPasswordResult *result)
{
  if (result == NULL)
    return;

  g_free (result->verified_hash);
  g_free (result->new_hash);
  g_free (result);
}

static void
note_duration (AltaPasswordPool *pool,
               gint64            duration_us)
{
  int mean = g_atomic_int_get (&pool->mean_us);

  /* Two workers may race here; the mean is an estimate and either write is fine. */
  mean = mean == 0 ? (int)duration_us : (int)((mean * 7 + duration_us) / 8);
  g_atomic_int_set (&pool->mean_us, MAX (mean, 1));
}

/* On Linux, niceness belongs to each thread. */
static void
lower_priority_once (void)
{
  static GPrivate lowered = G_PRIVATE_INIT (NULL);

  if (g_private_get (&lowered) != NULL)
    return;

  g_private_set (&lowered, GINT_TO_POINTER (TRUE));
  if (setpriority (PRIO_PROCESS, (id_t)syscall (SYS_gettid), WORKER_NICENESS) != 0)
    g_debug ("A password thread keeps its priority: %s", g_strerror (errno));
}

/* In a worker thread */
static void
run_job (GTask   *task,
         gpointer job_data,
         gpointer pool_data)
{
  AltaPasswordPool *pool = pool_data;
  Job              *job = job_data;
  g_autoptr (AltaPasswordResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 started;

  lower_priority_once ();
  started = g_get_monotonic_time ();

  /* The client left, or the server is stopping, while the job waited. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_atomic_int_dec_and_test (&pool->n_in_flight);
      g_task_return_error_if_cancelled (task);
      return;
    }

  result = g_new0 (AltaPasswordResult, 1);

  if (job->verify && job->password_hash == NULL)
    alta_secrets_burn_password_time (job->password);
  else if (job->verify)
    {
      result->verified = alta_secrets_verify_password (job->password_hash, job->password);
      result->verified_hash = g_strdup (job->password_hash);
    }

  if (job->new_password != NULL && (!job->verify || result->verified))
    result->new_hash = alta_secrets_hash_password (job->new_password, &error);

  note_duration (pool, g_get_monotonic_time () - started);
  g_atomic_int_dec_and_test (&pool->n_in_flight);

  if (job->new_password != NULL && (!job->verify || result->verified) && result->new_hash == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&result),
                           (GDestroyNotify)alta_password_result_free);
}

/**
 * alta_password_pool_new:
 * @n_threads: how many hashes run at once; 0 for one per core
 * @max_waiting: how many more jobs may wait for a thread
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the pool, with its threads started
 */
AltaPasswordPool *
alta_password_pool_new (guint    n_threads,
                        guint    max_waiting,
                        GError **error)
{
  AltaPasswordPool *pool = g_new0 (AltaPasswordPool, 1);

  if (n_threads == 0)
    n_threads = MAX (g_get_num_processors (), 1);
  pool->max_waiting = max_waiting;
  pool->workers = alta_worker_pool_new (n_threads, run_job, pool, error);
  if (pool->workers == NULL)
    {
      g_free (pool);
      return NULL;
    }

  return pool;
}

/**
 * alta_password_pool_free:
 * @pool: (nullable): a pool
 *
 * Waits for the jobs in flight and stops the threads. Cancelled jobs that still wait end
 * without hashing; every job's callback is then pending on the main context that started
 * it, which must run once more for them.
 */
void
alta_password_pool_free (AltaPasswordPool *pool)
{
  if (pool == NULL)
    return;

  alta_worker_pool_free (pool->workers);
  g_free (pool);
}

/**
 * alta_password_pool_get_n_threads:
 * @pool: a pool
 *
 * Returns: how many jobs run at once
 */
guint
alta_password_pool_get_n_threads (AltaPasswordPool *pool)
{
  return alta_worker_pool_get_n_threads (pool->workers);
}

/**
 * alta_password_pool_is_full:
 * @pool: a pool
 *
 * Returns: %TRUE when every thread is busy and as many jobs wait as may
 */
gboolean
alta_password_pool_is_full (AltaPasswordPool *pool)
{
  guint n_threads = alta_worker_pool_get_n_threads (pool->workers);

  return (guint)g_atomic_int_get (&pool->n_in_flight) >= n_threads + pool->max_waiting;
}

/**
 * alta_password_pool_estimate_wait:
 * @pool: a pool
 *
 * Returns: about how many seconds the jobs now in flight take to finish; 1 at least, for
 *   a Retry-After
 */
gint64
alta_password_pool_estimate_wait (AltaPasswordPool *pool)
{
  gint64 in_flight = g_atomic_int_get (&pool->n_in_flight);
  gint64 mean_us = g_atomic_int_get (&pool->mean_us);
  gint64 total_us = in_flight * mean_us / alta_worker_pool_get_n_threads (pool->workers);

  return MAX ((total_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1);
}

/**
 * alta_password_pool_run_async:
 * @pool: a pool that is not full
 * @verify: whether to check @password against @password_hash
 * @password_hash: (nullable): the stored hash; %NULL with @verify for an account that does
 *   not exist, which spends the same time on a dummy hash and never matches
 * @password: (nullable): the password to check
 * @new_password: (nullable): a password to hash; only once @password matched, if @verify
 * @cancellable: (nullable): cancelled when nobody wants the answer any more
 * @callback: called on the thread-default main context of this call
 * @user_data: for @callback
 */
void
alta_password_pool_run_async (AltaPasswordPool    *pool,
                              gboolean             verify,
                              const char          *password_hash,
                              const char          *password,
                              const char          *new_password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Job *job;

  g_return_if_fail (pool != NULL);
  g_return_if_fail (!verify || password != NULL);
  g_return_if_fail (verify || new_password != NULL);

  job = g_new0 (Job, 1);
  job->verify = verify;
  job->password_hash = g_strdup (password_hash);
  job->password = g_strdup (password);
  job->new_password = g_strdup (new_password);

  g_atomic_int_inc (&pool->n_in_flight);
  alta_worker_pool_run_async (pool->workers, alta_password_pool_run_async,
                              "[alta] password job", job, (GDestroyNotify)job_free,
                              cancellable, callback, user_data);
}

/**
 * alta_password_pool_run_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): what the job found; %NULL with %G_IO_ERROR_CANCELLED
 *   when its cancellable was cancelled, or with the error of a hash that could not be made
 */
AltaPasswordResult *
alta_password_pool_run_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == alta_password_pool_run_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
