/*
 * Calendars: the sources layer's front.  For the people a plan negotiates,
 * read each calendar URL through its source (file: here, feeds through
 * source_http.c) into busy intervals, merged and kept per person.
 *
 * Entries are kept between reads, sorted by (owner, URL): a feed remembers
 * its ETag, Last-Modified and body, so that an unchanged feed is one 304 and
 * a failing one keeps its last good data.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "busy.h"
#include "calendars-int.h"
#include "plan-int.h"
#include "source_file.h"
#include "source_http.h"

#define FEEDS_PARALLEL	4	/* feeds fetched at once */

struct tandem_calendars {
	struct cal		*v;
	size_t			 n;
	size_t			 cap;
	struct tandem_calendars_stats st;
	struct busy_stats	 bs;
};

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
	free(c->feed_url);
	busy_set_free(&c->busy);
	watch_set_free(&c->watch);
	source_http_feed_clear(&c->feed);
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
	e->feed_url = is_feed(p->calendar) ? util_strdup(p->calendar) : NULL;
	e->is_feed = is_feed(p->calendar);
	if (e->url == NULL || e->owner == NULL || (e->is_feed && e->feed_url == NULL))
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
		c->v[i].feed.server = source_http_server_for(cfg, c->v[i].feed_url);
	}
	return 0;
}

static int
need_all(struct tandem_calendars *c, const struct tandem_plan *plan)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < c->n; i++)
		c->v[i].needed = 0;
	for (i = 0; i < plan->n && rc == 0; i++) {
		if (!plan_upcoming(plan, i) && !plan->it[i].pinned)
			continue;
		rc = need(c, plan->it[i].pr->mentor, plan->cfg);
		if (rc == 0)
			rc = need(c, plan->it[i].pr->mentee, plan->cfg);
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

/* Replace e's busy time with what text (or the file) gives; 0 or ENOMEM. */
static int
expand(struct tandem_calendars *c, struct cal *e, int64_t from, int64_t to,
    struct tandem_diag *diag)
{
	struct busy_set	 set = { NULL, 0, 0 };
	struct watch_set watch = { NULL, 0, 0 };
	struct busy_req	 r;
	int		 rc;

	busy_req_for(c, e, from, to, &r);
	r.watch = &watch;
	if (e->is_feed)
		rc = busy_from_ical(&r, e->feed.body, &set, diag);
	else
		rc = source_file_read(e->url, &r, &set, diag);
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
	e->ok = 1;
	e->from = from;
	e->to = to;
	return 0;
}

/* Fetch every needed feed at once; the feeds move out and back in. */
static int
fetch_feeds(struct tandem_calendars *c, struct tandem_diag *diag)
{
	struct source_http_feed	*f;
	size_t			 i, k, n = 0;
	int			 rc;

	for (i = 0; i < c->n; i++)
		n += c->v[i].needed && c->v[i].is_feed;
	if (n == 0)
		return 0;
	f = calloc(n, sizeof(*f));
	if (f == NULL)
		return TANDEM_ENOMEM;
	for (i = 0, k = 0; i < c->n; i++)
		if (c->v[i].needed && c->v[i].is_feed)
			f[k++] = c->v[i].feed;
	rc = source_http_fetch_all(f, n, FEEDS_PARALLEL, diag);
	for (i = 0, k = 0; i < c->n; i++)
		if (c->v[i].needed && c->v[i].is_feed) {
			c->v[i].feed = f[k++];
			c->v[i].fresh = c->v[i].feed.changed;
			c->st.unchanged += c->v[i].feed.error == 0 &&
			    !c->v[i].feed.changed;
		}
	free(f);
	return rc;
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
		if (e->is_feed && e->feed.body == NULL)
			e->ok = 0;	/* never fetched: reported */
		else if (!e->is_feed || e->fresh || e->from != from || e->to != to)
			rc = expand(c, e, from, to, diag);
		c->st.failed += !e->ok;
		c->st.intervals += e->ok ? e->busy.n : 0;
	}
	return rc;
}

int
tandem_calendars_read(struct tandem_calendars *c, const struct tandem_plan *plan,
    struct tandem_diag *diag)
{
	int64_t	from, to, t0, t1;
	int	rc;

	if (tandem_fails_assert(c != NULL && plan != NULL))
		return TANDEM_EINVAL;
	memset(&c->st, 0, sizeof(c->st));
	memset(&c->bs, 0, sizeof(c->bs));
	plan_window(plan, &from, &to);
	t0 = util_clock_ns();
	rc = need_all(c, plan);
	if (rc == 0)
		rc = fetch_feeds(c, diag);
	t1 = util_clock_ns();
	if (rc == 0)
		rc = read_all(c, from, to, diag);
	c->st.parse = (double)c->bs.parse_ns / 1e9;
	c->st.expand = (double)c->bs.expand_ns / 1e9;
	c->st.bytes = c->bs.bytes;
	/* File reads happen inside read_all; what is not parse or expand is I/O. */
	c->st.fetch = (double)(t1 - t0 + util_clock_ns() - t1 - c->bs.parse_ns -
	    c->bs.expand_ns) / 1e9;
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
