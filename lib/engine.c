/*
 * engine: the reconcile loop (see include/tandem/engine.h).  This file holds
 * the lifecycle and the one timer; a pass's decisions are in lib/reconcile.c
 * and the queued work is carried out by lib/jobs.c.
 *
 * The timer runs on the loop's monotonic clock, but what is due is decided
 * on the wall clock: each sleep is capped at ENGINE_MAX_SLEEP and the due
 * moment recomputed, so that a clock step or a suspend cannot make the
 * engine miss one.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-int.h"
#include "http.h"
#include "tandem/calendars.h"

#define ENGINE_MAX_SLEEP	(15 * 60)	/* seconds */

static void on_timer(uv_timer_t *t);

static const char *const state_names[] = {
	"none", "invited", "unschedulable", "held", "missed", "skipped",
	"cancelled"
};

const char *
tandem_engine_state_name(int state)
{
	if (state < 0 || state >= (int)TANDEM_NELEM(state_names))
		return "?";
	return state_names[state];
}

void
engine_log(const struct tandem_engine *e, int level, const char *subsys,
    const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	if (e->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->log(e->log_ud, level, subsys, msg);
}

/*
 * The folder of the state file is made when missing (one level, 0750), as
 * systemd's StateDirectory= would: the example's state/ comes to exist.
 */
static int
state_dir(const char *path, struct tandem_diag *diag)
{
	char	*dir = util_dirname(path);
	int	 rc = 0;

	if (dir == NULL)
		return TANDEM_ENOMEM;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		rc = diag_add(diag, dir, 0, "cannot create the state folder: %s",
		    strerror(errno)) < 0 ? TANDEM_ENOMEM : TANDEM_EIO;
	free(dir);
	return rc;
}

int
tandem_engine_new(uv_loop_t *loop, const struct tandem_config *cfg,
    tandem_log_fn log, void *log_ud, struct tandem_engine **out,
    struct tandem_diag *diag)
{
	struct tandem_engine	*e;
	size_t			 i;
	int			 rc;

	if (tandem_fails_assert(loop != NULL && cfg != NULL && out != NULL))
		return TANDEM_EINVAL;
	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return TANDEM_ENOMEM;
	e->loop = loop;
	e->cfg = cfg;
	e->log = log;
	e->log_ud = log_ud;
	e->next_wake = -1;
	/* The store keeps its diag for later errors: the engine's own. */
	e->diag = tandem_diag_new();
	rc = e->diag == NULL ? TANDEM_ENOMEM : state_dir(cfg->state, diag);
	if (rc == 0)
		rc = store_open(cfg->state, &e->store, e->diag);
	if (rc == 0) {
		rc = http_new(loop, NULL, &e->http);
		if (rc < 0)
			store_close(e->store);
	}
	if (rc < 0) {
		for (i = 0; e->diag != NULL && i < tandem_diag_count(e->diag); i++)
			diag_add(diag, NULL, 0, "%s", tandem_diag_get(e->diag, i));
		tandem_diag_free(e->diag);
		free(e);
		return rc;
	}
	uv_timer_init(loop, &e->timer);
	uv_timer_init(loop, &e->work);
	e->timer.data = e->work.data = e;
	e->open_handles = 3;		/* two timers and http */
	*out = e;
	return 0;
}

void
tandem_engine_set_config(struct tandem_engine *e, const struct tandem_config *cfg)
{
	e->cfg = cfg;
	tandem_engine_kick(e);
}

int64_t
tandem_engine_next_wake(const struct tandem_engine *e)
{
	return e->next_wake;
}

/* Seconds until the next due moment, capped: the timer's delay. */
static uint64_t
delay_ms(const struct tandem_engine *e, int64_t now)
{
	int64_t	d = e->next_due < 0 ? ENGINE_MAX_SLEEP : e->next_due - now;

	if (d > ENGINE_MAX_SLEEP)
		d = ENGINE_MAX_SLEEP;
	if (d < 0)
		d = 0;
	return (uint64_t)d * 1000;
}

static void
arm(struct tandem_engine *e, uint64_t ms)
{
	uv_timer_start(&e->timer, on_timer, ms, 0);
	e->next_wake = (int64_t)time(NULL) + (int64_t)(ms / 1000);
}

/* A wall-clock pass is over: sleep until the next due moment. */
static void
wall_done(void *ud, int rc)
{
	struct tandem_engine	*e = ud;
	int64_t			 now = (int64_t)time(NULL);

	if (rc < 0)
		engine_log(e, TANDEM_LOG_ERR, "SCHED", "pass failed: %s",
		    tandem_strerror(rc));
	if (e->closing)
		return;
	if (e->again) {
		e->again = 0;
		arm(e, 0);
		return;
	}
	arm(e, delay_ms(e, now));
	engine_log(e, TANDEM_LOG_DEBUG, "SCHED", "next pass in %llu s",
	    (unsigned long long)(delay_ms(e, now) / 1000));
}

static void
on_timer(uv_timer_t *t)
{
	struct tandem_engine	*e = t->data;

	e->next_wake = -1;
	if (e->closing)
		return;
	if (tandem_engine_pass(e, (int64_t)time(NULL), wall_done, e) < 0)
		e->again = 1;
}

int
tandem_engine_start(struct tandem_engine *e)
{
	if (tandem_fails_assert(e != NULL && !e->wall))
		return TANDEM_EINVAL;
	e->wall = 1;
	/* A second tandemd on this state is told where this one answers. */
	store_holder(e->store, "serving", e->cfg->socket);
	arm(e, 0);
	return 0;
}

void
tandem_engine_kick(struct tandem_engine *e)
{
	if (e == NULL || !e->wall || e->closing)
		return;
	if (e->busy)
		e->again = 1;
	else
		arm(e, 0);
}

/* The pass and its jobs are over (called by jobs.c, from the loop). */
void
engine_pass_over(struct tandem_engine *e, int rc)
{
	tandem_engine_done_fn	 done = e->done;
	void			*ud = e->done_ud;

	e->busy = 0;
	e->done = NULL;
	if (done != NULL)
		done(ud, rc);
	if (e->closing)
		engine_finish_close(e);
}

/* The decisions are committed (or the pass failed): run the jobs. */
static void
pass_decided(struct tandem_engine *e, int rc)
{
	if (rc < 0 && rc != TANDEM_ECANCELED)
		engine_log(e, TANDEM_LOG_ERR, "SCHED", "pass at %lld: %s",
		    (long long)e->now, tandem_strerror(rc));
	/* Queued work runs even after a failed pass: it was committed. */
	jobs_run(e, e->now, rc);
}

int
tandem_engine_uses(const struct tandem_engine *e, const struct tandem_config *cfg)
{
	return e != NULL && cfg != NULL && (e->cfg == cfg || e->pass_cfg == cfg);
}

int
tandem_engine_pass(struct tandem_engine *e, int64_t now,
    tandem_engine_done_fn done, void *ud)
{
	int	rc;

	if (tandem_fails_assert(e != NULL && !e->busy && !e->closing))
		return TANDEM_EINVAL;
	if (!e->wall)
		store_holder(e->store, "pass", NULL);
	e->busy = 1;
	e->now = now;
	e->done = done;
	e->done_ud = ud;
	rc = reconcile_pass(e, now, pass_decided);
	if (rc < 0)
		pass_decided(e, rc);
	return 0;
}

/* Memory goes in the last handle's close callback (libuv's rule). */
static void
one_closed(struct tandem_engine *e)
{
	tandem_engine_closed_fn	 closed = e->closed;
	void			*ud = e->closed_ud;

	if (--e->open_handles > 0)
		return;
	store_close(e->store);
	tandem_calendars_free(e->cals);
	tandem_diag_free(e->diag);
	free(e);
	if (closed != NULL)
		closed(ud);
}

static void
handle_closed(uv_handle_t *h)
{
	one_closed(h->data);
}

static void
http_closed(void *ud)
{
	one_closed(ud);
}

void
engine_finish_close(struct tandem_engine *e)
{
	http_close(e->http, http_closed, e);
	uv_timer_stop(&e->timer);
	uv_timer_stop(&e->work);
	uv_close((uv_handle_t *)&e->timer, handle_closed);
	uv_close((uv_handle_t *)&e->work, handle_closed);
}

void
tandem_engine_close(struct tandem_engine *e, tandem_engine_closed_fn done,
    void *ud)
{
	if (e == NULL)
		return;
	e->closing = 1;
	e->closed = done;
	e->closed_ud = ud;
	uv_timer_stop(&e->timer);
	if (!e->busy)
		engine_finish_close(e);
	else if (e->http != NULL && http_pending(e->http) > 0)
		/* A read in flight ends now; the pass then decides nothing. */
		http_cancel_all(e->http);
}

size_t
tandem_engine_unreadable(const struct tandem_engine *e)
{
	return e != NULL ? e->unreadable : 0;
}
