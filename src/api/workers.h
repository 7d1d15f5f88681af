/* Internal to api: a few threads for requests that are slow by design (a login's
 * Argon2id hash), so that they never hold one of libmicrohttpd's threads. The
 * connection is suspended while its job waits and runs, and resumed by the job. */
#ifndef HAVEN_API_WORKERS_H
#define HAVEN_API_WORKERS_H

#include <stdbool.h>

#include "core/err.h"

typedef struct api_workers api_workers;
typedef void (*api_job)(void *arg);

/* Starts threads workers with room for queue_max waiting jobs. ERR_INTERNAL when a
 * thread cannot start. */
herr *api_workers_start(int threads, int queue_max, api_workers **out);

/* Queues job(arg); false when the queue is full or the workers are stopping (the
 * caller answers 503 itself). */
bool api_workers_submit(api_workers *w, api_job job, void *arg);

/* Jobs waiting and running now (for /healthz and tests). */
int api_workers_backlog(api_workers *w);

/* Refuses new jobs, runs those queued, joins the threads and frees. NULL is fine. */
void api_workers_stop(api_workers *w);

#endif
