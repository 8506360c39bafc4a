/*
 * jobs: carry out what a pass queued in the store.  Each job is marked done
 * only after its effect: an outbox file (written so that a second attempt
 * finds it there and does not write it twice) or a hook that exited 0.  A
 * failure waits for a retry with exponential backoff; a hook that keeps
 * failing is given up after JOBS_MAX_ATTEMPTS, and says so in the log.
 *
 * Payloads: "outbox" jobs are "DIR\nMESSAGE"; "hook" jobs "PATH\nJSON",
 * the JSON being the event the hook reads on stdin.  "caldav" jobs are run
 * by jobs_caldav.c, "imip" jobs (e-mails) by jobs_mail.c.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "engine-int.h"
#include "hooks.h"
#include "outbox.h"

#define JOBS_BATCH		64
#define JOBS_MAX_ATTEMPTS	10
#define JOBS_BACKOFF		60		/* seconds, doubled per attempt */
#define JOBS_BACKOFF_MAX	(6 * 3600)

static void next_hook(struct tandem_engine *e);
static void jobs_next_due(struct tandem_engine *e);

/* When attempt number n (0 = the first) failed: the retry's delay. */
static int64_t
backoff(int attempts)
{
	int64_t	d = JOBS_BACKOFF;

	while (attempts-- > 0 && d < JOBS_BACKOFF_MAX)
		d *= 2;
	return d < JOBS_BACKOFF_MAX ? d : JOBS_BACKOFF_MAX;
}

/* A failed attempt: retry later, or give up after the last of max. */
int64_t
jobs_failed_max(struct tandem_engine *e, const struct store_job *j,
    const char *why, int max)
{
	int	rc;

	if (j->attempts + 1 >= max) {
		engine_log(e, TANDEM_LOG_ERR, "JOBS", "%s %s: %s; giving up after "
		    "%d attempts", j->kind, j->key, why, j->attempts + 1);
		rc = store_job_give_up(e->store, j->id, e->now);
	} else {
		engine_log(e, TANDEM_LOG_WARNING, "JOBS", "%s %s: %s; retry in %lld s",
		    j->kind, j->key, why, (long long)backoff(j->attempts));
		rc = store_job_retry(e->store, j->id, e->now + backoff(j->attempts));
	}
	if (rc < 0)
		engine_log(e, TANDEM_LOG_ERR, "STORE", "%s", tandem_strerror(rc));
	return j->attempts + 1 >= max ? 0 : e->now + backoff(j->attempts);
}

void
jobs_failed(struct tandem_engine *e, const struct store_job *j, const char *why)
{
	(void)jobs_failed_max(e, j, why, JOBS_MAX_ATTEMPTS);
}

static void
outbox_one(struct tandem_engine *e, const struct store_job *j)
{
	const char	*nl = strchr(j->payload, '\n');
	char		*dir;
	int		 rc;

	if (nl == NULL) {
		jobs_failed(e, j, "damaged payload");
		return;
	}
	dir = util_strndup(j->payload, (size_t)(nl - j->payload));
	if (dir == NULL)
		return;
	tandem_diag_clear(e->diag);
	(void)mkdir(dir, 0750);		/* the folder is made when missing */
	rc = outbox_write(dir, j->key, nl + 1, strlen(nl + 1), e->diag);
	if (rc >= 0) {
		engine_log(e, TANDEM_LOG_INFO, "SEND", "%s: %s/%s.eml", rc == 1 ?
		    "already in the outbox" : "written", dir, j->key);
		rc = store_job_finish(e->store, j->id, e->now);
		if (rc < 0)
			engine_log(e, TANDEM_LOG_ERR, "STORE", "%s", tandem_strerror(rc));
	} else
		jobs_failed(e, j, tandem_diag_count(e->diag) > 0 ?
		    tandem_diag_get(e->diag, 0) : tandem_strerror(rc));
	free(dir);
}

/* The outbox jobs due: written one after the other, each one committed. */
static void
run_outbox(struct tandem_engine *e)
{
	struct store_job	*jobs = NULL;
	size_t			 n = 0, i;
	int			 rc;

	do {
		rc = store_jobs_due(e->store, "outbox", e->now, JOBS_BATCH, &jobs, &n);
		for (i = 0; rc == 0 && i < n && !e->closing; i++)
			outbox_one(e, &jobs[i]);
		store_jobs_free(jobs, n);
	} while (rc == 0 && n == JOBS_BATCH && !e->closing);
	if (rc < 0)
		engine_log(e, TANDEM_LOG_ERR, "STORE", "%s", tandem_strerror(rc));
}

/* The hook job in flight and what hook_run borrows from it. */
struct hookrun {
	struct tandem_engine	*e;
	struct store_job	*job;		/* one, owned */
	struct json_object	*obj;
	struct hook_event	 ev;
	char			*path;
};

static const char *
str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int64_t
num(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static void
hookrun_free(struct hookrun *h)
{
	store_jobs_free(h->job, 1);
	json_object_put(h->obj);
	free(h->path);
	free(h);
}

static void
log_output(struct tandem_engine *e, const struct hookrun *h,
    const struct hook_result *r)
{
	const char	*p = r->output, *nl;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		engine_log(e, TANDEM_LOG_INFO, "HOOK", "%s %s: %.*s", h->ev.event,
		    h->job->key, nl != NULL ? (int)(nl - p) : (int)strlen(p), p);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

static void
hook_done(void *ud, const struct hook_result *r)
{
	struct hookrun		*h = ud;
	struct tandem_engine	*e = h->e;
	char			 why[160];
	int			 rc;

	e->hooks_running--;
	log_output(e, h, r);
	if (r->spawned && !r->timed_out && r->term_signal == 0 &&
	    r->exit_status == 0) {
		engine_log(e, TANDEM_LOG_INFO, "HOOK", "%s %s: delivered",
		    h->ev.event, h->job->key);
		rc = store_job_finish(e->store, h->job->id, e->now);
		if (rc < 0)
			engine_log(e, TANDEM_LOG_ERR, "STORE", "%s", tandem_strerror(rc));
	} else {
		if (!r->spawned)
			snprintf(why, sizeof(why), "cannot run %s: %s", h->path,
			    uv_strerror(r->error));
		else if (r->timed_out)
			snprintf(why, sizeof(why), "timed out; its process group "
			    "was killed");
		else if (r->term_signal != 0)
			snprintf(why, sizeof(why), "killed by signal %d",
			    r->term_signal);
		else
			snprintf(why, sizeof(why), "exit status %lld",
			    (long long)r->exit_status);
		jobs_failed(e, h->job, why);
	}
	hookrun_free(h);
	next_hook(e);
}

/* Start the hook of job j; on 0 hook_done will be called. */
static int
start_hook(struct tandem_engine *e, struct store_job *j)
{
	struct hookrun	*h;
	const char	*nl = strchr(j->payload, '\n');
	int		 rc;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return TANDEM_ENOMEM;
	h->e = e;
	h->job = j;
	h->obj = nl != NULL ? json_tokener_parse(nl + 1) : NULL;
	if (nl == NULL || h->obj == NULL || str(h->obj, "event") == NULL) {
		jobs_failed(e, j, "damaged payload");
		hookrun_free(h);
		return 1;
	}
	h->path = util_strndup(j->payload, (size_t)(nl - j->payload));
	h->ev.event = str(h->obj, "event");
	h->ev.program = str(h->obj, "program");
	h->ev.mentor = str(h->obj, "mentor");
	h->ev.mentee = str(h->obj, "mentee");
	h->ev.session = (unsigned)num(h->obj, "session");
	h->ev.start = num(h->obj, "start_utc");
	h->ev.json = nl + 1;
	h->ev.id = j->key;
	rc = h->path == NULL ? TANDEM_ENOMEM : hook_run(e->loop, h->path, &h->ev,
	    (uint64_t)num(h->obj, "timeout") * 1000, hook_done, h);
	if (rc < 0) {
		hookrun_free(h);
		return rc;
	}
	e->hooks_running++;
	engine_log(e, TANDEM_LOG_INFO, "HOOK", "%s %s: running %s (attempt %d)",
	    h->ev.event, j->key, h->path, j->attempts + 1);
	return 0;
}

/*
 * Hooks run one at a time, in the order they were queued: a champion's
 * script sees "missed" before the "lapse" it leads to.
 */
static void
next_hook(struct tandem_engine *e)
{
	struct store_job	*jobs = NULL;
	size_t			 n = 0;
	int			 rc;

	for (;;) {
		if (e->closing) {
			engine_pass_over(e, e->pass_rc);
			return;
		}
		rc = store_jobs_due(e->store, "hook", e->now, 1, &jobs, &n);
		if (rc < 0 || n == 0) {
			if (rc < 0)
				engine_log(e, TANDEM_LOG_ERR, "STORE", "%s",
				    tandem_strerror(rc));
			jobs_next_due(e);
			engine_pass_over(e, e->pass_rc);
			return;
		}
		rc = start_hook(e, jobs);
		if (rc == 0)
			return;		/* hook_done goes on */
		if (rc < 0) {		/* the job was freed */
			engine_pass_over(e, rc);
			return;
		}
		/* 1: a damaged job, put aside; the next one */
	}
}

static void
mail_then_hooks(struct tandem_engine *e)
{
	jobs_mail(e, next_hook);
}

static void
on_work(uv_timer_t *t)
{
	struct tandem_engine	*e = t->data;

	if (!e->closing)
		run_outbox(e);
	/* The caldav jobs may queue e-mails for attendees a server misses. */
	jobs_caldav(e, mail_then_hooks);
}

/* The retry time of the earliest job waiting counts as a due moment. */
static void
jobs_next_due(struct tandem_engine *e)
{
	int64_t	t;

	if (store_jobs_next(e->store, &t) == 1 &&
	    (e->next_due < 0 || t < e->next_due))
		e->next_due = t;
}

void
jobs_run(struct tandem_engine *e, int64_t now, int rc)
{
	e->now = now;
	e->pass_rc = rc;
	uv_timer_start(&e->work, on_work, 0, 0);
}
