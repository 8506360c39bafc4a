/*
 * Calendars: the sources layer's front.  For the people a plan negotiates,
 * read each calendar URL through its source (file: here, CalDAV through
 * caldav.c, feeds through source_http.c) into busy intervals, merged and
 * kept per person.
 *
 * Entries are kept between reads, sorted by (owner, URL): a CalDAV calendar
 * keeps its events and sync token, a feed its ETag, Last-Modified and body,
 * so that an unchanged calendar is one small request and a failing one
 * keeps its last good data.  An http(s) URL is asked once whether it is
 * CalDAV; what is not is a feed.
 *
 * A read runs on the caller's loop: every network source is started at
 * once (http.c limits connections per host), and the busy sets are built
 * when the last one has answered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tandem-int.h"
#include "busy.h"
#include "calendars-int.h"
#include "calendars-read.h"
#include "plan-int.h"
#include "source_file.h"
#include "source_http.h"
#include "http.h"

void
calendars_set_progress(struct tandem_calendars *c, calendars_progress_fn fn,
    void *ud)
{
	c->progress = fn;
	c->progress_ud = ud;
}

/*
 * A first read of many calendars (a new daemon, a big new program) takes a
 * while: say how far it is, at each tenth, with a guess of the time left.
 */
void
calendars_first_progress(struct tandem_calendars *c, int failed)
{
	struct reading	*rd = c->rd;
	double		 spent, left;
	char		 msg[200];

	rd->first_done++;
	rd->first_failed += failed != 0;
	if (c->progress == NULL || rd->first_total < CALENDARS_PROGRESS_MIN ||
	    rd->first_done * 10 / rd->first_total <= rd->first_logged)
		return;
	rd->first_logged = rd->first_done * 10 / rd->first_total;
	spent = (double)(util_clock_ns() - rd->t0) / 1e9;
	left = spent / (double)rd->first_done *
	    (double)(rd->first_total - rd->first_done);
	snprintf(msg, sizeof(msg), "first read of %zu calendars: %zu done "
	    "(%zu failed) in %.1f s, about %.0f s left", rd->first_total,
	    rd->first_done, rd->first_failed, spent, left);
	c->progress(c->progress_ud, msg);
}

int
tandem_calendars_new(struct tandem_calendars **out)
{
	if (tandem_fails_assert(out != NULL))
		return TANDEM_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? TANDEM_ENOMEM : 0;
}

static void
cal_clear(struct cal *c)
{
	free(c->url);
	free(c->owner);
	free(c->name);
	free(c->feed_url);
	busy_set_free(&c->busy);
	watch_set_free(&c->watch);
	source_http_feed_clear(&c->feed);
	caldav_cal_clear(&c->dav);
	busy_set_free(&c->fb);
	free(c->cut);
	caldav_inbox_clear(&c->inbox);
}

void
tandem_calendars_free(struct tandem_calendars *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		cal_clear(&c->v[i]);
	free(c->v);
	for (i = 0; i < c->nsrv; i++) {
		caldav_srv_clear(c->srv[i]);
		free(c->srv[i]);
	}
	free(c->srv);
	free(c);
}

static int
cmp_key(const char *owner, const char *url, const struct cal *c)
{
	int	d = strcmp(owner, c->owner);

	return d != 0 ? d : strcmp(url, c->url);
}

/* The index of (owner, url), or where it would go; *found says which. */
static size_t
find(const struct tandem_calendars *c, const char *owner, const char *url,
    int *found)
{
	size_t	lo = 0, hi = c->n, mid;
	int	d;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = cmp_key(owner, url, &c->v[mid]);
		if (d == 0) {
			*found = 1;
			return mid;
		}
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const struct cal *
calendars_find(const struct tandem_calendars *c, const struct person *p)
{
	size_t	i;
	int	found;

	if (c == NULL || p->calendar == NULL)
		return NULL;
	i = find(c, p->email, p->calendar, &found);
	return found ? &c->v[i] : NULL;
}

/* people.csv stores webcal: as https:, so a feed is http: or https:. */
static int
is_feed(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

static int
add(struct tandem_calendars *c, const struct person *p, size_t at)
{
	struct cal	*e;
	int		 rc;

	rc = util_grow((void **)&c->v, &c->cap, c->n, sizeof(*c->v));
	if (rc < 0)
		return rc;
	memmove(&c->v[at + 1], &c->v[at], (c->n - at) * sizeof(*c->v));
	e = &c->v[at];
	memset(e, 0, sizeof(*e));
	c->n++;
	e->url = util_strdup(p->calendar);
	e->owner = util_strdup(p->email);
	e->name = util_strdup(p->name != NULL ? p->name : "");
	e->feed_url = is_feed(p->calendar) ? util_strdup(p->calendar) : NULL;
	e->is_feed = is_feed(p->calendar);
	e->dav.url = e->is_feed ? util_strdup(p->calendar) : NULL;
	if (e->url == NULL || e->owner == NULL || e->name == NULL ||
	    (e->is_feed && (e->feed_url == NULL || e->dav.url == NULL)))
		return TANDEM_ENOMEM;	/* freed with the handle */
	return 0;
}

/* Mark the calendar of p needed, adding an entry the first time. */
static int
need(struct tandem_calendars *c, const struct person *p,
    const struct tandem_config *cfg)
{
	size_t	i;
	int	found, rc;

	if (p->calendar == NULL || p->calendar[0] == '\0')
		return 0;
	i = find(c, p->email, p->calendar, &found);
	if (!found) {
		rc = add(c, p, i);
		if (rc < 0)
			return rc;
	}
	c->v[i].needed = 1;
	c->v[i].tz = icaltimezone_get_builtin_timezone(p->tz);
	if (c->v[i].is_feed) {
		c->v[i].feed.url = c->v[i].feed_url;
		c->v[i].feed.server = http_server_for(cfg, c->v[i].feed_url);
		c->v[i].dav.server = c->v[i].feed.server;
	}
	return 0;
}

static int
organizer_wanted(const struct program *pg)
{
	return (pg->invite == INVITE_CALDAV || pg->invite == INVITE_BOTH) &&
	    pg->calendar != NULL;
}

/* The organizer's calendar of pg as an entry keyed ("", URL). */
static void
organizer_of(const struct program *pg, struct person *org)
{
	memset(org, 0, sizeof(*org));
	org->email = (char *)"";
	org->tz = pg->timezone;
	org->calendar = pg->calendar;
}

const struct cal *
calendars_organizer(const struct tandem_calendars *c, const struct program *pg)
{
	struct person	org;

	if (!organizer_wanted(pg))
		return NULL;
	organizer_of(pg, &org);
	return calendars_find(c, &org);
}

static int
need_all(struct tandem_calendars *c, const struct tandem_plan *plan)
{
	struct person	org;
	size_t		i;
	int		rc = 0;

	for (i = 0; i < c->n; i++)
		c->v[i].needed = 0;
	for (i = 0; i < plan->n && rc == 0; i++) {
		if (!plan_upcoming(plan, i) && !plan->it[i].pinned)
			continue;
		rc = need(c, plan->it[i].pr->mentor, plan->cfg);
		if (rc == 0)
			rc = need(c, plan->it[i].pr->mentee, plan->cfg);
	}
	/* Where invitations are written: the replies are read there. */
	for (i = 0; i < plan->cfg->nprograms && rc == 0; i++) {
		if (organizer_wanted(&plan->cfg->programs[i])) {
			organizer_of(&plan->cfg->programs[i], &org);
			rc = need(c, &org, plan->cfg);
		}
	}
	return rc;
}

/* The longest interval of a merged set: lets slots.c binary-search it. */
static int64_t
longest(const struct busy_set *s)
{
	int64_t	m = 0;
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].end - s->v[i].start > m)
			m = s->v[i].end - s->v[i].start;
	return m;
}

static void
busy_req_for(struct tandem_calendars *c, struct cal *e, int64_t from,
    int64_t to, struct busy_req *r)
{
	memset(r, 0, sizeof(*r));
	r->source = e->is_feed ? e->feed_url : e->url;
	r->owner = e->owner;
	r->floating = e->tz;
	r->from = from;
	r->to = to;
	r->stats = &c->bs;
}

/*
 * Every event CalDAV gave; an object that is not iCalendar is reported and
 * skipped, like a damaged component in a file.
 */
static int
from_dav(const struct busy_req *r, const struct caldav_cal *d,
    struct busy_set *set, struct tandem_diag *diag)
{
	const struct caldav_obj	*o;
	size_t			 i, k;
	int			 rc;

	for (i = 0; i < d->ncolls; i++) {
		for (k = 0; k < d->colls[i].n; k++) {
			o = &d->colls[i].v[k];
			rc = busy_from_ical(r, o->data, set, diag);
			if (rc == TANDEM_ENOMEM || rc == TANDEM_EINVAL)
				return rc;
		}
	}
	return 0;
}

static int
busy_copy(const struct busy_set *from, struct busy_set *to)
{
	int	rc;

	rc = util_grow((void **)&to->v, &to->cap, from->n, sizeof(*to->v));
	if (rc == 0 && from->n > 0)
		memcpy(to->v, from->v, from->n * sizeof(*to->v));
	to->n = rc == 0 ? from->n : 0;
	return rc;
}

/* A file or folder read; its first error is kept as e's reason. */
static int
file_read(struct cal *e, const struct busy_req *r, struct busy_set *set,
    struct tandem_diag *diag)
{
	struct tandem_diag	*mine = tandem_diag_new();
	size_t			 i;
	int			 rc;

	if (mine == NULL)
		return TANDEM_ENOMEM;
	rc = source_file_read(e->url, r, set, mine);
	for (i = 0; i < tandem_diag_count(mine); i++)
		diag_add(diag, NULL, 0, "%s", tandem_diag_get(mine, i));
	if (rc < 0 && rc != TANDEM_ENOMEM)
		snprintf(e->why, sizeof(e->why), "%s", tandem_diag_count(mine) > 0 ?
		    tandem_diag_get(mine, 0) : tandem_strerror(rc));
	tandem_diag_free(mine);
	return rc;
}

/*
 * Replace e's busy time with what its free/busy answer, its events, its
 * feed or its file gives; 0 or ENOMEM.
 */
static int
expand(struct tandem_calendars *c, struct cal *e, int64_t from, int64_t to,
    struct tandem_diag *diag)
{
	struct busy_set	 set = { NULL, 0, 0 };
	struct watch_set watch = { NULL, 0, 0 };
	struct busy_req	 r;
	size_t		 damaged, cut;
	int		 rc;

	busy_req_for(c, e, from, to, &r);
	r.watch = &watch;
	damaged = c->bs.damaged;
	cut = c->bs.cut;
	if (e->fb_ok)
		rc = busy_copy(&e->fb, &set);
	else if (e->dav.kind == CALDAV_DAV)
		rc = from_dav(&r, &e->dav, &set, diag);
	else if (e->is_feed)
		rc = busy_from_ical(&r, e->feed.body, &set, diag);
	else
		rc = file_read(e, &r, &set, diag);
	if (rc == 0)
		rc = busy_merge(&set);
	if (rc < 0) {
		busy_set_free(&set);
		watch_set_free(&watch);
		if (rc == TANDEM_ENOMEM)
			return rc;
		e->ok = 0;	/* reported by the source */
		return 0;
	}
	busy_set_free(&e->busy);
	e->busy = set;
	watch_set_free(&e->watch);
	e->watch = watch;
	e->longest = longest(&set);
	e->damaged = c->bs.damaged - damaged;
	e->series_cut = c->bs.cut - cut;
	e->ok = 1;
	e->from = from;
	e->to = to;
	return 0;
}

static int
read_all(struct tandem_calendars *c, int64_t from, int64_t to,
    struct tandem_diag *diag)
{
	struct cal	*e;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < c->n && rc == 0; i++) {
		e = &c->v[i];
		if (!e->needed)
			continue;
		c->st.calendars++;
		e->why[0] = '\0';
		if (e->fb_ok)
			rc = expand(c, e, from, to, diag);
		else if (e->dav.kind == CALDAV_DAV && !calendars_dav_has_data(&e->dav))
			e->ok = 0;	/* never read whole: reported */
		else if (e->dav.kind != CALDAV_DAV && e->is_feed &&
		    e->feed.body == NULL)
			e->ok = 0;	/* never fetched: reported */
		else if (!e->is_feed || e->fresh || e->from != from || e->to != to)
			rc = expand(c, e, from, to, diag);
		calendars_note_failure(e);
	}
	if (rc == 0)
		rc = calendars_shared_homes(c, diag);
	for (i = 0; i < c->n && rc == 0; i++) {
		e = &c->v[i];
		if (!e->needed)
			continue;
		calendars_source_text(e);
		c->st.failed += e->failed;
		c->st.stale += e->stale;
		c->st.intervals += e->ok ? e->busy.n : 0;
		c->st.damaged += e->ok ? e->damaged : 0;
		c->st.cut += e->ok ? e->series_cut : 0;
	}
	return rc;
}

/* Everything has answered: build the busy sets, then tell the caller. */
static int
read_end(struct tandem_calendars *c)
{
	struct reading	*rd = c->rd;
	int64_t		 t1 = util_clock_ns();
	int		 rc = rd->rc;

	if (rc == 0)
		rc = read_all(c, rd->from, rd->to, rd->diag);
	c->st.parse = (double)c->bs.parse_ns / 1e9;
	c->st.expand = (double)c->bs.expand_ns / 1e9;
	c->st.bytes = c->bs.bytes;
	/* File reads happen inside read_all; what is not parse or expand is I/O. */
	c->st.fetch = (double)(t1 - rd->t0 + util_clock_ns() - t1 -
	    c->bs.parse_ns - c->bs.expand_ns) / 1e9;
	return rc;
}

void
calendars_one_done(struct tandem_calendars *c)
{
	struct reading	*rd = c->rd;
	calendars_done_fn cb;
	void		*ud;
	int		 rc;

	if (--rd->left > 0)
		return;
	rc = read_end(c);
	cb = rd->cb;
	ud = rd->ud;
	c->rd = NULL;
	free(rd);
	cb(ud, rc);
}

struct feed_ctx {
	struct tandem_calendars	*c;
	struct cal		*e;
};

static void
feed_done(void *ud, int rc)
{
	struct feed_ctx		*fc = ud;
	struct tandem_calendars	*c = fc->c;
	struct cal		*e = fc->e;

	free(fc);
	e->fresh = e->feed.changed;
	c->st.unchanged += e->feed.error == 0 && !e->feed.changed;
	if (rc == TANDEM_ENOMEM)
		c->rd->rc = rc;
	calendars_one_done(c);
}

/* Fetch e as a feed; 0 when a callback will come. */
int
calendars_feed_start(struct tandem_calendars *c, struct cal *e)
{
	struct source_http_feed	*f = &e->feed;
	struct feed_ctx		*fc;
	int			 rc;

	fc = calloc(1, sizeof(*fc));
	if (fc == NULL)
		return TANDEM_ENOMEM;
	fc->c = c;
	fc->e = e;
	rc = source_http_fetch_start(c->rd->h, &f, 1, c->rd->diag, feed_done, fc);
	if (rc != 0)
		free(fc);
	if (rc == 0)
		c->rd->left++;
	return rc < 0 ? rc : 0;
}

static int
start_one(struct tandem_calendars *c, struct cal *e)
{
	e->fresh = 0;
	e->fb_ok = 0;
	if (e->dav.kind == CALDAV_FEED)
		return calendars_feed_start(c, e);
	return calendars_events_start(c, e);
}

int
calendars_read_start(struct tandem_calendars *c, struct http *h,
    const struct tandem_plan *plan, struct tandem_diag *diag,
    calendars_done_fn cb, void *ud)
{
	struct reading	*rd;
	size_t		 i;
	int		 rc;

	if (tandem_fails_assert(c != NULL && plan != NULL && h != NULL &&
	    cb != NULL && c->rd == NULL))
		return TANDEM_EINVAL;
	rd = calloc(1, sizeof(*rd));
	if (rd == NULL)
		return TANDEM_ENOMEM;
	memset(&c->st, 0, sizeof(c->st));
	memset(&c->bs, 0, sizeof(c->bs));
	plan_window(plan, &rd->from, &rd->to);
	rd->t0 = util_clock_ns();
	rd->h = h;
	rd->plan = plan;
	rd->diag = diag;
	rd->cb = cb;
	rd->ud = ud;
	rd->left = 1;		/* held until everything is started */
	c->rd = rd;
	rc = need_all(c, plan);
	for (i = 0; i < c->n && rc == 0; i++)
		if (c->v[i].needed && c->v[i].is_feed)
			rc = start_one(c, &c->v[i]);
	if (rc < 0)
		rd->rc = rc;
	if (--rd->left > 0)
		return 0;
	rc = read_end(c);
	c->rd = NULL;
	free(rd);
	return rc < 0 ? rc : 1;
}

struct sync_read {
	uv_loop_t	*loop;
	int		 rc;
};

static void
sync_done(void *ud, int rc)
{
	struct sync_read	*s = ud;

	s->rc = rc;
	uv_stop(s->loop);	/* curl may keep idle connections watched */
}

/* The blocking read: a private loop, run until the read ends. */
int
tandem_calendars_read(struct tandem_calendars *c, const struct tandem_plan *plan,
    struct tandem_diag *diag)
{
	struct sync_read	 s = { NULL, 0 };
	struct http		*h = NULL;
	uv_loop_t		 loop;
	int			 rc;

	if (tandem_fails_assert(c != NULL && plan != NULL))
		return TANDEM_EINVAL;
	if (uv_loop_init(&loop) < 0)
		return TANDEM_EIO;
	s.loop = &loop;
	rc = http_new(&loop, NULL, &h);
	if (rc == 0)
		rc = calendars_read_start(c, h, plan, diag, sync_done, &s);
	if (rc == 0) {
		uv_run(&loop, UV_RUN_DEFAULT);
		rc = s.rc;
	} else if (rc == 1)
		rc = 0;
	http_close(h, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return rc;
}

void
tandem_calendars_stats(const struct tandem_calendars *c,
    struct tandem_calendars_stats *st)
{
	if (c == NULL || st == NULL)
		return;
	*st = c->st;
}

