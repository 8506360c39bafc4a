/*
 * jobs_caldav: the "caldav" jobs, each a session written into (or deleted
 * from) the organizer's calendar by caldav_put.c, all of a batch at once on
 * the loop (the network layer keeps to its per-host connection limit).
 *
 * Payload: "CALENDAR-URL\nJSON" with uid, organizer, sequence, cancel, client (every
 * attendee is mailed anyway: invite = both), ics (the iTIP text) and mail
 * (invite = caldav: one e-mail per attendee, for those the server does not
 * reach).  Such an e-mail is queued as an "imip" job keyed
 * "<UID>.<SEQUENCE>.<attendee>" before the copy is marked, so that a crash
 * between the two neither loses nor repeats it.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "engine-int.h"
#include "caldav_put.h"
#include "http.h"
#include "queue.h"

#define BATCH	64

struct cjob {
	struct tandem_engine	*e;
	struct store_job	*job;		/* borrowed from the batch */
	struct json_object	*obj;
	char			*calendar;
};

struct batch {
	struct tandem_engine	*e;
	struct store_job	*jobs;
	size_t			 n;
	size_t			 running;
	jobs_then_fn		 then;
};

static void	next_batch(struct tandem_engine *e, jobs_then_fn then);

static const char *
str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int
num(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

/* The envelope sender of the e-mails: the organizer's address. */
static const char *
organizer(const struct cjob *c)
{
	const char	*o = str(c->obj, "organizer");

	return o != NULL ? o : "";
}

/* Queue the e-mail of each attendee the server does not reach. */
static int
unreachable(void *ud, const char *const *who, size_t n)
{
	struct cjob		*c = ud;
	struct json_object	*mail, *eml;
	struct queue_envelope	 env;
	char			 key[400], *payload;
	size_t			 i;
	int			 rc;

	if (!json_object_object_get_ex(c->obj, "mail", &mail))
		return 0;	/* invite = both: every attendee is mailed */
	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(mail, who[i], &eml)) {
			engine_log(c->e, TANDEM_LOG_WARNING, "SEND", "%s: %s is "
			    "not an attendee tandem invited", c->job->key, who[i]);
			continue;
		}
		snprintf(key, sizeof(key), "%s.%s", c->job->key +
		    strlen("caldav:"), who[i]);
		env.from = organizer(c);
		env.to[0] = who[i];
		env.to[1] = NULL;
		env.uid = str(c->obj, "uid");
		env.sequence = num(c->obj, "sequence");
		rc = queue_mail_payload(&env, json_object_get_string(eml), &payload);
		if (rc < 0)
			return rc;
		rc = store_job_add(c->e->store, "imip", key, payload, c->e->now);
		free(payload);
		if (rc < 0)
			return rc;
		if (rc == 1)
			engine_log(c->e, TANDEM_LOG_INFO, "SCHED", "%s queued (imip): "
			    "the calendar server does not reach %s", key, who[i]);
	}
	return 0;
}

static void
cjob_free(struct cjob *c)
{
	json_object_put(c->obj);
	free(c->calendar);
	free(c);
}

static void
batch_end(struct batch *b)
{
	struct tandem_engine	*e = b->e;
	jobs_then_fn		 then = b->then;
	int			 more = b->n == BATCH && !e->closing;

	store_jobs_free(b->jobs, b->n);
	free(b);
	if (more)
		next_batch(e, then);
	else
		then(e);
}

static void
put_done(void *ud, int rc, const char *message)
{
	struct cjob		*c = ud;
	struct tandem_engine	*e = c->e;
	struct batch		*b = e->caldav_batch;
	int			 src;

	if (rc == 0) {
		engine_log(c->e, TANDEM_LOG_INFO, "SEND", "%s: %s", c->job->key,
		    message);
		src = store_job_finish(c->e->store, c->job->id, c->e->now);
		if (src < 0)
			engine_log(c->e, TANDEM_LOG_ERR, "STORE", "%s",
			    tandem_strerror(src));
	} else if (rc != TANDEM_ECANCELED)
		jobs_failed(c->e, c->job, message);
	cjob_free(c);
	if (--b->running == 0) {
		e->caldav_batch = NULL;
		batch_end(b);
	}
}

/* Start one job; 0 started (put_done will run), <0 not (handled here). */
static int
start_one(struct batch *b, struct store_job *j)
{
	struct caldav_put	 p;
	struct cjob		*c;
	const char		*nl = strchr(j->payload, '\n');
	int			 rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return TANDEM_ENOMEM;
	c->e = b->e;
	c->job = j;
	c->obj = nl != NULL ? json_tokener_parse(nl + 1) : NULL;
	c->calendar = nl != NULL ? util_strndup(j->payload,
	    (size_t)(nl - j->payload)) : NULL;
	if (c->obj == NULL || c->calendar == NULL || str(c->obj, "uid") == NULL) {
		jobs_failed(b->e, j, "damaged payload");
		cjob_free(c);
		return TANDEM_EINVAL;
	}
	memset(&p, 0, sizeof(p));
	p.calendar = c->calendar;
	p.server = http_server_for(b->e->cfg, c->calendar);
	p.uid = str(c->obj, "uid");
	p.sequence = num(c->obj, "sequence");
	p.cancel = num(c->obj, "cancel");
	p.all_client = num(c->obj, "client");
	p.ics = str(c->obj, "ics");
	p.unreachable = unreachable;
	p.done = put_done;
	p.ud = c;
	rc = caldav_put_start(b->e->http, &p);
	if (rc < 0) {
		jobs_failed(b->e, j, tandem_strerror(rc));
		cjob_free(c);
	}
	return rc;
}

static void
next_batch(struct tandem_engine *e, jobs_then_fn then)
{
	struct batch	*b;
	size_t		 i;
	int		 rc;

	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		then(e);
		return;
	}
	b->e = e;
	b->then = then;
	rc = store_jobs_due(e->store, "caldav", e->now, BATCH, &b->jobs, &b->n);
	if (rc < 0)
		engine_log(e, TANDEM_LOG_ERR, "STORE", "%s", tandem_strerror(rc));
	e->caldav_batch = b;
	b->running = 1;		/* held until every job has started */
	for (i = 0; rc == 0 && i < b->n && !e->closing; i++)
		if (start_one(b, &b->jobs[i]) == 0)
			b->running++;
	if (--b->running == 0) {
		e->caldav_batch = NULL;
		if (rc < 0)
			b->n = 0;
		batch_end(b);
	}
}

void
jobs_caldav(struct tandem_engine *e, jobs_then_fn then)
{
	if (e->closing) {
		then(e);
		return;
	}
	next_batch(e, then);
}
