/* alta-worker-pool.h: jobs run on a fixed set of threads, answered on the main loop
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AltaWorkerPool AltaWorkerPool;

/**
 * AltaWorkerFunc:
 * @task: the job's task, with the job as its task data; the func returns its result
 *   (g_task_return_*()), also when it was cancelled while it waited
 * @job: the task data of @task
 * @user_data: the pool's user data
 *
 * One job, on a worker thread. The pool drops its reference to @task afterwards.
 */
typedef void (*AltaWorkerFunc) (GTask    *task,
                                gpointer  job,
                                gpointer  user_data);

AltaWorkerPool *alta_worker_pool_new           (guint                 n_threads,
                                                AltaWorkerFunc        func,
                                                gpointer              user_data,
                                                GError              **error);
void            alta_worker_pool_free          (AltaWorkerPool       *pool);
guint           alta_worker_pool_get_n_threads (AltaWorkerPool       *pool);
void            alta_worker_pool_run_async     (AltaWorkerPool       *pool,
                                                gpointer              source_tag,
                                                const char           *name,
                                                gpointer              job,
                                                GDestroyNotify        job_free,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);

G_END_DECLS
