/*
 * caldav: one person's calendar URL read from a CalDAV server and kept in
 * step (see caldav.h).  One read is a job: a small state machine that sends
 * one request at a time and moves on from each answer; every move goes
 * through caldav_job_set_state().  Collections are read one after the
 * other: their tokens, a calendar-query, sync-collection and multiget of
 * what changed.  Finding the collections (the probe's and the listing's
 * answers, ownership, moves) is caldav_find.c's; the href arithmetic is
 * caldav_href.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tandem-int.h"
#include "caldav.h"
#include "caldav-int.h"
#include "caldav_body.h"
#include "dav_xml.h"
#include "http.h"

#define SLACK		(28 * 86400)	/* fetched beyond the window asked for */
#define XML_CT		"application/xml; charset=utf-8"

static int	step(struct job *);

void
caldav_job_set_state(struct job *j, enum jstate s)
{
	j->state = s;
}

static void
obj_clear(struct caldav_obj *o)
{
	free(o->href);
	free(o->etag);
	free(o->data);
}

static void
coll_clear(struct caldav_coll *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		obj_clear(&c->v[i]);
	free(c->v);
	free(c->url);
	free(c->ctag);
	free(c->token);
	memset(c, 0, sizeof(*c));
}

void
caldav_colls_clear(struct caldav_cal *cal)
{
	size_t	i;

	for (i = 0; i < cal->ncolls; i++)
		coll_clear(&cal->colls[i]);
	TANDEM_FREE(cal->colls);
	cal->ncolls = 0;
}

void
caldav_cal_clear(struct caldav_cal *cal)
{
	if (cal == NULL)
		return;
	caldav_colls_clear(cal);
	TANDEM_FREE(cal->url);
	cal->kind = CALDAV_UNKNOWN;
}

void
caldav_fail(struct job *j, int err, const char *where, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err != TANDEM_ENOMEM)
		diag_add(j->diag, where, 0, "%s", msg);
	snprintf(j->cal->why, sizeof(j->cal->why), "%.150s%s%.240s",
	    where != NULL ? where : "", where != NULL ? ": " : "", msg);
	j->cal->error = err;
	caldav_job_set_state(j, J_DONE);
}

static void	on_answer(struct http_request *, struct http_result *, void *);

/* Why an answer is not what was asked for, in words. */
static const char *
why(struct http_result *res)
{
	if (res->message[0] == '\0')
		snprintf(res->message, sizeof(res->message),
		    "HTTP %d where 207 Multi-Status was expected%s%s", res->status,
		    res->content_type != NULL ? ", " : "",
		    res->content_type != NULL ? res->content_type : "");
	return res->message;
}

static int
send_req(struct job *j, const char *method, const char *url, const char *depth,
    const char *body)
{
	struct http_request	r;
	size_t			said = tandem_diag_count(j->diag);
	int			rc;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.url = url;
	r.server = j->cal->server;
	r.depth = depth;
	r.body = body;
	r.body_len = body != NULL ? strlen(body) : 0;
	r.content_type = body != NULL ? XML_CT : NULL;
	r.keep_error_body = 1;
	r.cb = on_answer;
	r.ud = j;
	j->cal->st.requests++;
	rc = http_submit(j->h, &r, j->diag);
	if (rc < 0)
		j->cal->error = rc;
	/* Why, as http_submit() said it (a secret refused, say). */
	if (rc < 0 && tandem_diag_count(j->diag) > said)
		snprintf(j->cal->why, sizeof(j->cal->why), "%s",
		    tandem_diag_get(j->diag, tandem_diag_count(j->diag) - 1));
	return rc;
}

static struct caldav_obj *
obj_find(struct caldav_coll *c, const char *href)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (caldav_same_href(c->v[i].href, href))
			return &c->v[i];
	return NULL;
}

/* Keep (or replace) the object at href; takes etag and data. */
static int
obj_put(struct caldav_coll *c, const char *href, char **etag, char **data)
{
	struct caldav_obj	*o = obj_find(c, href);
	int			 rc;

	if (o == NULL) {
		rc = util_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
		if (rc < 0)
			return rc;
		o = &c->v[c->n];
		memset(o, 0, sizeof(*o));
		o->href = util_strdup(href);
		if (o->href == NULL)
			return TANDEM_ENOMEM;
		c->n++;
	}
	free(o->etag);
	free(o->data);
	o->etag = *etag;
	o->data = *data;
	*etag = *data = NULL;
	return 0;
}

static void
obj_drop(struct caldav_coll *c, const char *href)
{
	struct caldav_obj	*o = obj_find(c, href);

	if (o == NULL)
		return;
	obj_clear(o);
	*o = c->v[--c->n];
}

static int
want_add(struct job *j, const char *href)
{
	int	rc;

	rc = util_grow((void **)&j->want, &j->wantcap, j->nwant + 1,
	    sizeof(*j->want));
	if (rc < 0)
		return rc;
	j->want[j->nwant] = util_strdup(href);
	if (j->want[j->nwant] == NULL)
		return TANDEM_ENOMEM;
	j->nwant++;
	return 0;
}

static void
want_clear(struct job *j)
{
	size_t	i;

	for (i = 0; i < j->nwant; i++)
		free(j->want[i]);
	free(j->want);
	j->want = NULL;
	j->nwant = j->wantcap = j->sent = 0;
}

static int
is_207(const struct http_result *res)
{
	return res->error == 0 && res->status == 207;
}

/* A 207 body parsed, or the job failed naming why. */
static int
parse(struct job *j, struct http_result *res, struct dav_multistatus *ms)
{
	char	err[256];
	int	rc;

	rc = dav_parse_multistatus(res->body != NULL ? res->body : "", res->len,
	    ms, err, sizeof(err));
	if (rc == TANDEM_EPARSE)
		caldav_fail(j, TANDEM_EIO, res->where, "not a WebDAV answer (%s)",
		    err);
	else if (rc < 0)
		caldav_fail(j, rc, res->where, "out of memory");
	return rc;
}

int
caldav_take_207(struct job *j, struct http_result *res, const char *what,
    struct dav_multistatus *ms)
{
	if (!is_207(res)) {
		caldav_fail(j, res->error != 0 ? res->error :
		    res->status == 403 ? TANDEM_EACCES : TANDEM_EIO, res->where,
		    "%s%s%s", what, what[0] != '\0' ? ": " : "", why(res));
		return TANDEM_EIO;
	}
	return parse(j, res, ms);
}

struct dav_response *
caldav_first_207(const struct http_result *res, struct dav_multistatus *ms)
{
	char	err[128];

	if (res->error != 0 || res->status != 207 ||
	    dav_parse_multistatus(res->body, res->len, ms, err, sizeof(err)) < 0)
		return NULL;
	return ms->n > 0 ? &ms->v[0] : NULL;
}

int
caldav_replace(char **slot, const char *v)
{
	char	*copy = NULL;

	if (v != NULL) {
		copy = util_strdup(v);
		if (copy == NULL)
			return TANDEM_ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

/* The collection's ctag, token and reports, before its events are read. */
static void
on_token(struct job *j, struct http_result *res, int ctag_only)
{
	struct caldav_coll	*c = &j->cal->colls[j->coll];
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r;
	int			 same;

	if (caldav_take_207(j, res, "", &ms) < 0)
		return;
	r = ms.n > 0 ? &ms.v[0] : NULL;
	if (ctag_only) {
		same = r != NULL && r->prop[DAV_P_GETCTAG] != NULL &&
		    c->ctag != NULL && strcmp(c->ctag, r->prop[DAV_P_GETCTAG]) == 0;
		if (same) {
			j->cal->st.unchanged++;
			j->coll++;
			caldav_job_set_state(j, J_NEXT);
		} else
			caldav_job_set_state(j, J_QUERY);
	} else
		caldav_job_set_state(j, J_QUERY);
	if (r != NULL &&
	    (caldav_replace(&c->ctag, r->prop[DAV_P_GETCTAG]) < 0 ||
	    caldav_replace(&c->token, r->prop[DAV_P_SYNC_TOKEN]) < 0))
		caldav_fail(j, TANDEM_ENOMEM, res->where, "out of memory");
	if (r != NULL && !ctag_only)
		c->reports = r->reports;
	dav_multistatus_free(&ms);
}

/* Keep what a calendar-query or a multiget returned. */
static int
keep_objects(struct job *j, struct caldav_coll *c, struct dav_multistatus *ms)
{
	struct dav_response	*r;
	size_t			 i;
	int			 rc;

	for (i = 0; i < ms->n; i++) {
		r = &ms->v[i];
		if (r->status == 404) {
			obj_drop(c, r->href);
			continue;
		}
		if (r->status == 403 || r->prop_status[DAV_P_CALENDAR_DATA] == 403)
			return TANDEM_EACCES;	/* an event that may not be read */
		if (r->prop[DAV_P_CALENDAR_DATA] == NULL)
			continue;
		rc = obj_put(c, r->href, &r->prop[DAV_P_GETETAG],
		    &r->prop[DAV_P_CALENDAR_DATA]);
		if (rc < 0)
			return rc;
		j->cal->st.fetched++;
		j->cal->changed = 1;
	}
	return 0;
}

/* keep_objects() failed: out of memory, or an event tandem may not read. */
static void
kept_fail(struct job *j, int rc, const struct http_result *res)
{
	if (rc == TANDEM_EACCES)
		caldav_fail(j, rc, res->where, "the server refuses tandem some "
		    "of its events (HTTP 403 inside the 207)");
	else
		caldav_fail(j, rc, res->where, "out of memory");
}

static void
on_query(struct job *j, struct http_result *res)
{
	struct caldav_coll	*c = &j->cal->colls[j->coll];
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	size_t			 i;
	int			 rc;

	if (caldav_take_207(j, res, "calendar-query", &ms) < 0)
		return;
	for (i = 0; i < c->n; i++)
		obj_clear(&c->v[i]);
	c->n = 0;
	j->cal->changed = 1;
	rc = keep_objects(j, c, &ms);
	if (rc < 0)
		kept_fail(j, rc, res);
	else {
		c->from = j->from;
		c->to = j->to + SLACK;
		j->coll++;
		caldav_job_set_state(j, J_NEXT);
	}
	dav_multistatus_free(&ms);
}

/*
 * What changed since the token: deletions go now, changed ETags are fetched
 * with multiget.  A refused token (403/409 valid-sync-token, 400, 412) means
 * one full read: the query again, with a fresh token.
 */
static void
on_sync(struct job *j, struct http_result *res)
{
	struct caldav_coll	*c = &j->cal->colls[j->coll];
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct caldav_obj	*o;
	struct dav_response	*r;
	size_t			 i, same = 0;
	int			 rc = 0;

	if (res->error == 0 && res->status >= 400 && res->status < 500 &&
	    res->status != 401 && res->status != 404) {
		j->cal->st.resyncs++;
		diag_add(j->diag, res->where, 0, "sync token refused (%s): "
		    "reading the calendar again", res->message);
		TANDEM_FREE(c->token);
		c->to = 0;
		caldav_job_set_state(j, J_TOKEN);
		return;
	}
	if (caldav_take_207(j, res, "sync-collection", &ms) < 0)
		return;
	for (i = 0; i < ms.n && rc == 0; i++) {
		r = &ms.v[i];
		if (caldav_same_href(r->href, c->url))
			continue;
		if (r->status == 404) {
			if (obj_find(c, r->href) != NULL) {
				obj_drop(c, r->href);
				j->cal->st.deleted++;
				j->cal->changed = 1;
			}
			continue;
		}
		o = obj_find(c, r->href);
		if (o == NULL || o->etag == NULL || r->prop[DAV_P_GETETAG] == NULL ||
		    strcmp(o->etag, r->prop[DAV_P_GETETAG]) != 0)
			rc = want_add(j, r->href);
		else
			same++;
	}
	if (rc == 0 && same > 0) {
		/*
		 * A delta lists what changed; an answer that lists objects
		 * unchanged is a full listing (DAViCal's answer to a token it
		 * does not know), which names no deletion: read it all again.
		 */
		j->cal->st.resyncs++;
		diag_add(j->diag, res->where, 0, "sync answer lists %zu unchanged "
		    "object%s: reading the calendar again", same, same == 1 ?
		    "" : "s");
		want_clear(j);
		TANDEM_FREE(c->token);
		c->to = 0;
		caldav_job_set_state(j, J_TOKEN);
		dav_multistatus_free(&ms);
		return;
	}
	if (rc == 0 && ms.sync_token != NULL)
		rc = caldav_replace(&c->token, ms.sync_token);
	if (rc < 0)
		caldav_fail(j, rc, res->where, "out of memory");
	else if (j->nwant > 0)
		caldav_job_set_state(j, J_MULTIGET);
	else {
		j->cal->st.unchanged += ms.n == 0;
		j->coll++;
		caldav_job_set_state(j, J_NEXT);
	}
	dav_multistatus_free(&ms);
}

static void
on_multiget(struct job *j, struct http_result *res)
{
	struct caldav_coll	*c = &j->cal->colls[j->coll];
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	int			 rc;

	if (caldav_take_207(j, res, "calendar-multiget", &ms) < 0)
		return;
	rc = keep_objects(j, c, &ms);
	if (rc < 0)
		kept_fail(j, rc, res);
	else if (j->sent >= j->nwant) {
		want_clear(j);
		j->coll++;
		caldav_job_set_state(j, J_NEXT);
	}
	dav_multistatus_free(&ms);
}

static void
job_end(struct job *j)
{
	caldav_done_fn		 cb = j->cb;
	void			*ud = j->ud;
	struct caldav_cal	*cal = j->cal;

	cal->job = NULL;
	want_clear(j);
	free(j->home);
	free(j->principal);
	free(j);
	cb(ud, cal);
}

static void
on_answer(struct http_request *req, struct http_result *res, void *ud)
{
	struct job	*j = ud;

	caldav_find_move(j, req, res);
	if (res->error == TANDEM_ECANCELED) {
		caldav_fail(j, res->error, res->where, "cancelled");
		job_end(j);
		return;
	}
	switch (j->state) {
	case J_PROBE:
		caldav_find_probe(j, res);
		break;
	case J_LIST:
		caldav_find_list(j, res);
		break;
	case J_TOKEN:
		on_token(j, res, 0);
		break;
	case J_CTAG:
		on_token(j, res, 1);
		break;
	case J_QUERY:
		on_query(j, res);
		break;
	case J_SYNC:
		on_sync(j, res);
		break;
	case J_MULTIGET:
		on_multiget(j, res);
		break;
	default:
		TANDEM_REQUIRE(0);
	}
	if (step(j) < 0) {
		caldav_job_set_state(j, J_DONE);
		job_end(j);
	}
}

/* What the next collection needs: a full read, a sync, or a ctag check. */
static enum jstate
next_for(struct job *j)
{
	struct caldav_coll	*c = &j->cal->colls[j->coll];

	if (c->to == 0 && c->fresh) {
		c->fresh = 0;
		return J_QUERY;	/* the tokens came with the probe or listing */
	}
	if (c->to == 0 || j->from < c->from || j->to > c->to)
		return J_TOKEN;
	if (c->token != NULL && (c->reports & DAV_R_SYNC_COLLECTION))
		return J_SYNC;
	return J_CTAG;
}

/*
 * Send the request of the current state; the answer moves the job on.  At
 * J_DONE the job ends (its callback runs).  Returns 0, or the error of a
 * request that could not be sent (the job has not ended).
 */
static int
step(struct job *j)
{
	struct caldav_coll	*c;
	char			*body = NULL;
	size_t			 n = 0;
	int			 rc = 0;

	if (j->state == J_NEXT) {
		if (j->coll >= j->cal->ncolls) {
			caldav_job_set_state(j, J_DONE);
		} else
			caldav_job_set_state(j, next_for(j));
	}
	if (j->state == J_DONE) {
		job_end(j);
		return 0;
	}
	c = j->coll < j->cal->ncolls ? &j->cal->colls[j->coll] : NULL;
	switch (j->state) {
	case J_PROBE:
		rc = send_req(j, "PROPFIND", j->cal->url, "0", CALDAV_PROP_PROBE);
		break;
	case J_LIST:
		rc = send_req(j, "PROPFIND", j->home, "1", CALDAV_PROP_PROBE);
		break;
	case J_TOKEN:
	case J_CTAG:
		rc = send_req(j, "PROPFIND", c->url, "0", CALDAV_PROP_PROBE);
		break;
	case J_QUERY:
		body = caldav_body_query(j->from, j->to + SLACK);
		rc = body == NULL ? TANDEM_ENOMEM :
		    send_req(j, "REPORT", c->url, "1", body);
		break;
	case J_SYNC:
		/* RFC 6578 3.2: defined for Depth 0 only (SabreDAV refuses 1). */
		body = caldav_body_sync(c->token);
		rc = body == NULL ? TANDEM_ENOMEM :
		    send_req(j, "REPORT", c->url, "0", body);
		break;
	case J_MULTIGET:
		body = caldav_body_multiget(j->want + j->sent,
		    j->nwant - j->sent, &n);
		j->sent += n;
		rc = body == NULL ? TANDEM_ENOMEM :
		    send_req(j, "REPORT", c->url, "1", body);
		break;
	default:
		TANDEM_REQUIRE(0);
	}
	free(body);
	return rc;
}

int
caldav_read(struct caldav_cal *cal, struct http *h, int64_t from, int64_t to,
    struct tandem_diag *diag, caldav_done_fn cb, void *ud)
{
	struct job	*j;
	int		 rc;

	if (tandem_fails_assert(cal != NULL && cal->url != NULL && h != NULL &&
	    cb != NULL && cal->job == NULL))
		return TANDEM_EINVAL;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return TANDEM_ENOMEM;
	j->cal = cal;
	j->h = h;
	j->diag = diag;
	j->from = from;
	j->to = to;
	j->cb = cb;
	j->ud = ud;
	cal->job = j;
	cal->error = 0;
	cal->why[0] = '\0';
	cal->changed = 0;
	memset(&cal->st, 0, sizeof(cal->st));
	caldav_job_set_state(j, cal->kind == CALDAV_DAV ? J_NEXT : J_PROBE);
	if (j->state == J_NEXT && cal->ncolls == 0)
		caldav_job_set_state(j, J_PROBE);
	/* The first request is sent now; its answer comes from the loop. */
	rc = step(j);
	if (rc < 0) {
		cal->job = NULL;
		free(j);
	}
	return rc;
}
