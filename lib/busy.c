/*
 * busy: an iCalendar text to busy intervals in UTC within a window.  Pure:
 * text in, intervals out.
 *
 * This file parses the text (keeping what came before a cut), walks each
 * VCALENDAR, and turns VAVAILABILITY (RFC 7953) into BUSY_UNAVAILABLE time;
 * busy_expand.c reads the times of events, free/busy periods and AVAILABLE
 * parts and expands their recurrence.  A damaged component is reported with
 * its UID and skipped; the others still count.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "tandem-int.h"
#include "busy-int.h"
#include "watch.h"

struct roots {
	icalcomponent	**v;
	size_t		  n;
	size_t		  cap;
};

struct lines {
	const char	*p;
};

/* A VAVAILABILITY, clipped to the window. */
struct avail {
	int64_t		start, end;
	int		prio, kind;
	struct busy_set	open;		/* its AVAILABLE time */
};

static int availability(struct busy_ctx *x, icalcomponent *vcal);
static int parse(const char *text, struct roots *r, int *truncated);

/* Add [s, e) minus the sorted, merged set b to out. */
static int
subtract(int64_t s, int64_t e, const struct busy_set *b, int kind,
    struct busy_set *out)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < b->n && s < e && rc == 0; i++) {
		if (b->v[i].end <= s)
			continue;
		if (b->v[i].start >= e)
			break;
		if (b->v[i].start > s)
			rc = busy_expand_add(out, s, b->v[i].start, kind);
		s = b->v[i].end;
	}
	if (rc == 0 && s < e)
		rc = busy_expand_add(out, s, e, kind);
	return rc;
}

/* By priority, then start: qsort is not stable, the result must be. */
static int
cmp_avail(const void *a, const void *b)
{
	const struct avail	*p = a, *q = b;

	if (p->prio != q->prio)
		return p->prio - q->prio;
	if (p->start != q->start)
		return (p->start > q->start) - (p->start < q->start);
	return (p->end > q->end) - (p->end < q->end);
}

/* Merge s as one kind: what is covered, whatever the kind. */
static int
flatten(struct busy_set *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		s->v[i].kind = 0;
	return busy_merge(s);
}

/* A VAVAILABILITY's range in the window, and its AVAILABLE time there. */
static int
avail_read(struct busy_ctx *x, const struct busy_comp *k, struct avail *a)
{
	struct busy_comps	sub = { NULL, 0, 0 };
	int			rc;

	a->start = k->has_start ? k->start.utc : x->req->from;
	if (k->has_end)
		a->end = k->end.utc;
	else if (k->has_dur && k->has_start)
		a->end = busy_expand_end(&k->start, k->len);
	else
		a->end = x->req->to;
	if (a->start < x->req->from)
		a->start = x->req->from;
	if (a->end > x->req->to)
		a->end = x->req->to;
	a->prio = k->prio;
	a->kind = k->kind;
	if (a->start >= a->end)
		return 0;
	rc = busy_expand_collect(x, k->c, ICAL_XAVAILABLE_COMPONENT,
	    BUSY_W_AVAILABLE, &sub);
	if (rc == 0)
		rc = busy_expand_series(x, &sub, a->start, a->end, &a->open);
	busy_expand_free(&sub);
	return rc;
}

/*
 * RFC 7953: within each VAVAILABILITY's range (the whole window when it has
 * none), time outside its AVAILABLE parts is busy, BUSY_UNAVAILABLE unless
 * BUSYTYPE says otherwise.  Where ranges overlap, the higher PRIORITY (1
 * highest, 0 lowest) decides; equal priorities pool their AVAILABLE time.
 */
static int
availability(struct busy_ctx *x, icalcomponent *vcal)
{
	struct busy_comps	 all = { NULL, 0, 0 };
	struct busy_set		 claimed = { NULL, 0, 0 }, open = { NULL, 0, 0 };
	struct busy_set		 piece = { NULL, 0, 0 };
	struct avail		*v = NULL;
	size_t			 n = 0, i, j, g, q;
	int			 rc;

	rc = busy_expand_collect(x, vcal, ICAL_VAVAILABILITY_COMPONENT,
	    BUSY_W_AVAILABILITY, &all);
	if (rc < 0 || all.n == 0)
		goto out;
	v = calloc(all.n, sizeof(*v));
	if (v == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	for (n = 0; n < all.n; n++) {
		rc = avail_read(x, &all.v[n], &v[n]);
		if (rc < 0)
			goto out;
	}
	qsort(v, n, sizeof(*v), cmp_avail);
	for (i = 0; i < n; i = j) {
		open.n = 0;
		for (j = i; j < n && v[j].prio == v[i].prio; j++)
			for (q = 0; q < v[j].open.n && rc == 0; q++)
				rc = busy_expand_add(&open, v[j].open.v[q].start,
				    v[j].open.v[q].end, 0);
		if (rc == 0)
			rc = flatten(&open);
		/* Claimed one by one: overlapping equal ranges emit once. */
		for (g = i; g < j && rc == 0; g++) {
			piece.n = 0;
			rc = subtract(v[g].start, v[g].end, &claimed, 0, &piece);
			for (q = 0; q < piece.n && rc == 0; q++)
				rc = subtract(piece.v[q].start, piece.v[q].end,
				    &open, v[g].kind, x->out);
			if (rc == 0)
				rc = busy_expand_add(&claimed, v[g].start,
				    v[g].end, 0);
			if (rc == 0)
				rc = flatten(&claimed);
		}
		if (rc < 0)
			goto out;
	}
out:
	for (i = 0; v != NULL && i < all.n; i++)
		busy_set_free(&v[i].open);
	free(v);
	busy_expand_free(&all);
	busy_set_free(&claimed);
	busy_set_free(&open);
	busy_set_free(&piece);
	return rc;
}

static int
calendar(struct busy_ctx *x, icalcomponent *vcal)
{
	struct busy_comps	 events = { NULL, 0, 0 };
	icalcompiter		 ci;
	icalcomponent		*c;
	int			 rc;

	x->vcal = vcal;
	rc = busy_expand_collect(x, vcal, ICAL_VEVENT_COMPONENT, BUSY_W_EVENT,
	    &events);
	if (rc == 0)
		rc = busy_expand_series(x, &events, x->req->from, x->req->to,
		    x->out);
	busy_expand_free(&events);
	for (ci = icalcomponent_begin_component(vcal, ICAL_VFREEBUSY_COMPONENT);
	    rc == 0 && (c = icalcompiter_deref(&ci)) != NULL;
	    icalcompiter_next(&ci))
		rc = busy_expand_freebusy(x, c);
	if (rc == 0)
		rc = availability(x, vcal);
	return rc;
}

/* icalparser's line source: the text, at most size - 1 bytes at a time. */
static char *
next_line(char *out, size_t size, void *d)
{
	struct lines	*in = d;
	size_t		 n = 0;

	if (*in->p == '\0' || size < 2)
		return NULL;
	while (in->p[n] != '\0' && in->p[n] != '\n' && n + 1 < size)
		n++;
	if (in->p[n] == '\n' && n + 1 < size)
		n++;
	memcpy(out, in->p, n);
	out[n] = '\0';
	in->p += n;
	return out;
}

/*
 * Is line the content line "tag:..." or "tag;..." as libical reads it?  It
 * drops white space after a name: "END :VEVENT" ends a component too.
 */
static int
is_tag(const char *line, const char *tag)
{
	size_t	n = strlen(tag);

	if (strncasecmp(line, tag, n) != 0)
		return 0;
	while (isspace((unsigned char)line[n]))
		n++;
	return line[n] == ':' || line[n] == ';';
}

static int
keep(struct roots *r, icalcomponent *c)
{
	int	rc;

	if (c == NULL)
		return 0;
	if (icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT) {
		icalcomponent_free(c);
		return 0;
	}
	rc = util_grow((void **)&r->v, &r->cap, r->n, sizeof(*r->v));
	if (rc < 0) {
		icalcomponent_free(c);
		return rc;
	}
	r->v[r->n++] = c;
	return 0;
}

/*
 * The VCALENDARs of text (caller frees).  Lines are fed one by one, not with
 * icalparser_parse_string(), which returns nothing at all when the text ends
 * inside a component; and icalparser_clean() cannot close such a text
 * either: in libical 3.0.16 the parser still owns the tree it returns and
 * frees it a second time.  So each open component is closed here with an
 * END line, after a TRUNCATED property that makes the reader skip it.  An
 * END with nothing open is not fed: libical would print a warning.
 */
static int
parse(const char *text, struct roots *r, int *truncated)
{
	icalparser	*ps;
	struct lines	 in = { text };
	char		*line, synth[64];
	size_t		 depth = 0;
	int		 rc = 0;

	if (strncmp(in.p, "\xEF\xBB\xBF", 3) == 0)
		in.p += 3;		/* a UTF-8 byte order mark */
	ps = icalparser_new();
	if (ps == NULL)
		return TANDEM_ENOMEM;
	icalparser_set_gen_data(ps, &in);
	for (;;) {
		line = icalparser_get_line(ps, next_line);
		if (line == NULL)
			break;
		if (is_tag(line, "END") && depth == 0) {
			icalmemory_free_buffer(line);
			continue;
		}
		if (is_tag(line, "BEGIN"))
			depth++;
		else if (is_tag(line, "END"))
			depth--;
		rc = keep(r, icalparser_add_line(ps, line));
		icalmemory_free_buffer(line);
		if (rc < 0)
			goto out;
	}
	*truncated = depth > 0;
	for (; depth > 0; depth--) {
		snprintf(synth, sizeof(synth), "%s:1", BUSY_TRUNCATED);
		(void)icalparser_add_line(ps, synth);
		snprintf(synth, sizeof(synth), "END:%s", BUSY_TRUNCATED);
		rc = keep(r, icalparser_add_line(ps, synth));
		if (rc < 0)
			goto out;
	}
out:
	icalparser_free(ps);
	icalerror_clear_errno();
	return rc;
}

int
busy_from_ical(const struct busy_req *req, const char *text,
    struct busy_set *set, struct tandem_diag *diag)
{
	struct roots	 r = { NULL, 0, 0 };
	struct busy_ctx	 x;
	size_t		 n0, i;
	int64_t		 t0, t1;
	char		*skimmed = NULL;
	int		 truncated = 0, rc;

	if (tandem_fails_assert(req != NULL && text != NULL && set != NULL))
		return TANDEM_EINVAL;
	memset(&x, 0, sizeof(x));
	x.req = req;
	x.diag = diag;
	x.out = set;
	x.utc = icaltimezone_get_utc_timezone();
	x.floating = req->floating != NULL ? req->floating : x.utc;
	x.t0 = util_clock_ns();
	n0 = set->n;
	t0 = util_clock_ns();
	rc = 0;
	if (req->watch != NULL && req->owner != NULL)
		rc = watch_scan(text, req->owner, req->watch);
	if (rc == 0 && !req->no_skim)
		rc = busy_skim(text, req->from, req->to, req->owner, &skimmed);
	if (rc == 0)
		rc = parse(skimmed != NULL ? skimmed : text, &r, &truncated);
	free(skimmed);
	t1 = util_clock_ns();
	if (rc < 0)
		goto out;
	if (r.n == 0) {
		rc = diag_add(diag, req->source, 0, "not iCalendar data (no "
		    "complete VCALENDAR)");
		rc = rc < 0 ? rc : TANDEM_EPARSE;
		goto out;
	}
	if (truncated) {
		rc = diag_add(diag, req->source, 0, "truncated: the text ends "
		    "inside a component; what came before it is read");
		if (rc < 0)
			goto out;
	}
	for (i = 0; i < r.n && rc == 0; i++)
		rc = calendar(&x, r.v[i]);
	if (req->stats != NULL) {
		req->stats->parse_ns += t1 - t0;
		req->stats->expand_ns += util_clock_ns() - t1;
		req->stats->bytes += strlen(text);
	}
out:
	if (rc < 0)
		set->n = n0;	/* all or nothing */
	for (i = 0; i < r.n; i++)
		icalcomponent_free(r.v[i]);
	free(r.v);
	free(x.zones);
	icalerror_clear_errno();
	return rc;
}

static int
cmp_kind_start(const void *a, const void *b)
{
	const struct busy	*p = a, *q = b;

	if (p->kind != q->kind)
		return (p->kind > q->kind) - (p->kind < q->kind);
	if (p->start != q->start)
		return (p->start > q->start) - (p->start < q->start);
	return (p->end > q->end) - (p->end < q->end);
}

static int
cmp_start(const void *a, const void *b)
{
	const struct busy	*p = a, *q = b;

	if (p->start != q->start)
		return (p->start > q->start) - (p->start < q->start);
	if (p->kind != q->kind)
		return (p->kind > q->kind) - (p->kind < q->kind);
	return (p->end > q->end) - (p->end < q->end);
}

/*
 * Merged per kind, then ordered by start: a tentative meeting inside a busy
 * one stays, so that policy can still tell the two apart.
 */
int
busy_merge(struct busy_set *set)
{
	size_t	i, k;

	if (tandem_fails_assert(set != NULL))
		return TANDEM_EINVAL;
	if (set->n < 2)
		return 0;
	qsort(set->v, set->n, sizeof(*set->v), cmp_kind_start);
	for (i = 1, k = 0; i < set->n; i++) {
		if (set->v[i].kind == set->v[k].kind &&
		    set->v[i].start <= set->v[k].end) {
			if (set->v[i].end > set->v[k].end)
				set->v[k].end = set->v[i].end;
		} else
			set->v[++k] = set->v[i];
	}
	set->n = k + 1;
	qsort(set->v, set->n, sizeof(*set->v), cmp_start);
	return 0;
}

void
busy_set_free(struct busy_set *set)
{
	if (set == NULL)
		return;
	TANDEM_FREE(set->v);
	set->n = set->cap = 0;
}
