/* test-worker-pool.c: the threads the password and read pools share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "alta-worker-pool.h"

/* What the jobs of one case share with the main thread */
typedef struct
{
  GMutex        lock;
  GCond         cond;
  gboolean      open;        /* the gate the first job waits at */
  int           n_ran;       /* jobs whose func ran to the end, on a worker */
  int           n_freed;     /* jobs freed with their task */
  int           n_answered;  /* callbacks run */
  int           n_cancelled; /* callbacks that got G_IO_ERROR_CANCELLED */
  GThread      *main_thread;
  GMainContext *context; /* the thread-default context the jobs were started on */
} Shared;

typedef struct
{
  Shared  *shared;
  gboolean wait_at_gate;
  int      value;
} Job;

static void
shared_init (Shared *shared)
{
  g_mutex_init (&shared->lock);
  g_cond_init (&shared->cond);
  shared->main_thread = g_thread_self ();
  shared->context = g_main_context_new ();
  g_main_context_push_thread_default (shared->context);
}

static void
shared_clear (Shared *shared)
{
  g_main_context_pop_thread_default (shared->context);
  g_main_context_unref (shared->context);
  g_cond_clear (&shared->cond);
  g_mutex_clear (&shared->lock);
}

static void
open_gate (Shared *shared)
{
  g_mutex_lock (&shared->lock);
  shared->open = TRUE;
  g_cond_broadcast (&shared->cond);
  g_mutex_unlock (&shared->lock);
}

static void
job_free (Job *job)
{
  g_atomic_int_inc (&job->shared->n_freed);
  g_free (job);
}

/* In a worker thread */
static void
run_job (GTask   *task,
         gpointer job_data,
         gpointer pool_data)
{
  Job    *job = job_data;
  Shared *shared = job->shared;

  g_assert_true (pool_data == shared);
  g_assert_true (g_thread_self () != shared->main_thread);

  if (job->wait_at_gate)
    {
      g_mutex_lock (&shared->lock);
      while (!shared->open)
        g_cond_wait (&shared->cond, &shared->lock);
      g_mutex_unlock (&shared->lock);
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  g_atomic_int_inc (&shared->n_ran);
  g_task_return_int (task, job->value * 2);
}

static void
on_job_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Shared *shared = user_data;
  g_autoptr (GError) error = NULL;
  gssize value;

  g_assert_true (g_thread_self () == shared->main_thread);
  g_assert_true (g_main_context_get_thread_default () == shared->context);
  g_assert_true (g_task_get_source_tag (G_TASK (result)) == on_job_done_cb);

  value = g_task_propagate_int (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    shared->n_cancelled++;
  else
    {
      g_assert_no_error (error);
      g_assert_cmpint (value % 2, ==, 0);
    }
  shared->n_answered++;
}

static void
push_job (AltaWorkerPool *pool,
          Shared         *shared,
          gboolean        wait_at_gate,
          int             value,
          GCancellable   *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->shared = shared;
  job->wait_at_gate = wait_at_gate;
  job->value = value;
  alta_worker_pool_run_async (pool, on_job_done_cb, "[test] job", job, (GDestroyNotify)job_free,
                              cancellable, on_job_done_cb, shared);
}

static void
wait_for_answers (Shared *shared,
                  int     n)
{
  while (shared->n_answered < n)
    g_main_context_iteration (shared->context, TRUE);
}

/* Every job runs on a worker and is answered on the context it was started on, with what
 * its func returned; the pool keeps the number of threads it was given. */
static void
test_answers (void)
{
  Shared          shared = { 0 };
  AltaWorkerPool *pool;
  g_autoptr (GError) error = NULL;

  shared_init (&shared);
  pool = alta_worker_pool_new (3, run_job, &shared, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pool);
  g_assert_cmpuint (alta_worker_pool_get_n_threads (pool), ==, 3);

  for (int i = 0; i < 20; i++)
    push_job (pool, &shared, FALSE, i, NULL);
  wait_for_answers (&shared, 20);

  g_assert_cmpint (g_atomic_int_get (&shared.n_ran), ==, 20);
  g_assert_cmpint (shared.n_cancelled, ==, 0);

  alta_worker_pool_free (pool);
  g_assert_cmpint (g_atomic_int_get (&shared.n_freed), ==, 20);
  shared_clear (&shared);
}

/* Freeing the pool runs the jobs still queued behind a busy thread, and returns once every
 * thread has stopped; their answers then wait on the caller's context. */
static void
test_free_runs_queued (void)
{
  Shared          shared = { 0 };
  AltaWorkerPool *pool;

  shared_init (&shared);
  pool = alta_worker_pool_new (1, run_job, &shared, NULL);
  push_job (pool, &shared, TRUE, 0, NULL);
  for (int i = 1; i < 10; i++)
    push_job (pool, &shared, FALSE, i, NULL);

  g_assert_cmpint (shared.n_answered, ==, 0);
  open_gate (&shared);
  alta_worker_pool_free (pool);

  g_assert_cmpint (g_atomic_int_get (&shared.n_ran), ==, 10);
  g_assert_cmpint (shared.n_answered, ==, 0);
  wait_for_answers (&shared, 10);
  g_assert_cmpint (g_atomic_int_get (&shared.n_freed), ==, 10);
  shared_clear (&shared);
}

/* A job cancelled while it waited for a thread is still answered, with the cancellation. */
static void
test_cancelled_while_waiting (void)
{
  Shared shared = { 0 };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AltaWorkerPool *pool;

  shared_init (&shared);
  pool = alta_worker_pool_new (1, run_job, &shared, NULL);
  push_job (pool, &shared, TRUE, 0, NULL);
  push_job (pool, &shared, FALSE, 1, cancellable);
  push_job (pool, &shared, FALSE, 2, NULL);

  g_cancellable_cancel (cancellable);
  open_gate (&shared);
  wait_for_answers (&shared, 3);

  g_assert_cmpint (shared.n_cancelled, ==, 1);
  g_assert_cmpint (g_atomic_int_get (&shared.n_ran), ==, 2);

  alta_worker_pool_free (pool);
  g_assert_cmpint (g_atomic_int_get (&shared.n_freed), ==, 3);
  shared_clear (&shared);
}

static void
test_free_null (void)
{
  alta_worker_pool_free (NULL);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/worker-pool/answers", test_answers);
  g_test_add_func ("/worker-pool/free-runs-queued", test_free_runs_queued);
  g_test_add_func ("/worker-pool/cancelled-while-waiting", test_cancelled_while_waiting);
  g_test_add_func ("/worker-pool/free-null", test_free_null);

  return g_test_run ();
}
