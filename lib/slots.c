/*
 * The slot search.  For each business day in the flex window it walks the
 * program zone's 15-minute grid and keeps the best usable candidate.  Each
 * person's working hours are turned into UTC intervals once per search, and
 * their blocking busy time into one sorted, disjoint list, so that each
 * candidate costs two binary searches per person rather than a scan (see
 * shared/PERFORMANCE-NOTES.md: a rescan is ten times slower).
 */
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "holidays.h"
#include "slots.h"
#include "tzconv.h"

#define MAX_FLEX	30		/* business days each side */
#define MAX_WALK	60		/* calendar days walked each side */
#define GRID_MIN	(SLOTS_GRID / 60)
#define NO_TIME		INT64_MIN

struct ival {
	int64_t	a;
	int64_t	b;
};

struct wday {
	int32_t	day;
	int	dist;		/* business days from the nominal day */
};

/* What one person contributes to a search. */
struct side {
	struct ival	*hours;		/* working hours in UTC, sorted */
	size_t		 nhours;
	struct ival	*block;		/* blocking busy time, sorted, disjoint */
	size_t		 nblock;
};

static int
business(const struct slots_req *r, int32_t day)
{
	return civil_weekday(day) < 5 &&
	    !holidays_contains(r->holidays, r->nholidays, day);
}

static void
count_lost(const struct slots_req *r, int32_t day, struct slots_result *res)
{
	if (civil_weekday(day) >= 5)
		res->weekend++;
	else
		res->holidays++;
	(void)r;
}

/* The business days within flex of the nominal day, in date order. */
static int
window(const struct slots_req *r, struct wday *w, struct slots_result *res)
{
	struct wday	before[MAX_FLEX];
	int32_t		d;
	int		n = 0, nb = 0, k, walked;

	for (d = r->nominal_day - 1, walked = 0; nb < r->flex && walked < MAX_WALK;
	    d--, walked++) {
		if (!business(r, d)) {
			count_lost(r, d, res);
			continue;
		}
		before[nb].day = d;
		before[nb].dist = nb + 1;
		nb++;
	}
	for (k = nb - 1; k >= 0; k--)
		w[n++] = before[k];
	if (business(r, r->nominal_day)) {
		w[n].day = r->nominal_day;
		w[n++].dist = 0;
	} else
		count_lost(r, r->nominal_day, res);
	for (d = r->nominal_day + 1, k = 0, walked = 0; k < r->flex && walked < MAX_WALK;
	    d++, walked++) {
		if (!business(r, d)) {
			count_lost(r, d, res);
			continue;
		}
		w[n].day = d;
		w[n++].dist = ++k;
	}
	return n;
}

static int
push(struct ival **v, size_t *n, size_t *cap, int64_t a, int64_t b)
{
	int	rc;

	if (*n > 0 && a <= (*v)[*n - 1].b) {	/* sorted input: merge */
		if (b > (*v)[*n - 1].b)
			(*v)[*n - 1].b = b;
		return 0;
	}
	rc = util_grow((void **)v, cap, *n, sizeof(**v));
	if (rc < 0)
		return rc;
	(*v)[*n].a = a;
	(*v)[*n].b = b;
	(*n)++;
	return 0;
}

/* Working hours of p, in UTC, for the local days around [from, to). */
static int
side_hours(const struct slots_person *p, int64_t from, int64_t to, struct side *s)
{
	size_t	cap = 0;
	int32_t	d, last = tzconv_local_day(p->tz, to, NULL) + 1;
	int	wd, k, rc;

	for (d = tzconv_local_day(p->tz, from, NULL) - 1; d <= last; d++) {
		wd = civil_weekday(d);
		for (k = 0; k < p->hours->n[wd]; k++) {
			int lo = p->hours->win[wd][k][0], hi = p->hours->win[wd][k][1];
			int64_t a = tzconv_wall_to_utc(p->tz, d, lo);
			int64_t b = hi == 1440 ? tzconv_wall_to_utc(p->tz, d + 1, 0) :
			    tzconv_wall_to_utc(p->tz, d, hi);

			rc = push(&s->hours, &s->nhours, &cap, a, b);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* The first of v[0..n) that may end after from, when none is longer than longest. */
static size_t
busy_skip(const struct busy *v, size_t n, int64_t longest, int64_t from)
{
	size_t	lo = 0, hi = n, mid;

	if (longest <= 0)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].start + longest <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
blocks(const struct slots_req *r, const struct busy *b, int64_t from)
{
	if (b->end <= from || b->end <= b->start)
		return 0;
	return b->kind != BUSY_TENTATIVE || r->tentative_blocks;
}

/*
 * The busy time of p that blocks a slot and touches [from, to), merged into
 * one sorted, disjoint list whatever its kinds.  Both inputs (the calendar and
 * the extra sessions) are sorted by start only (kinds may overlap), so one
 * merging pass is linear; the calendar's start is found by binary search when
 * its longest interval is known.
 */
static int
side_block(const struct slots_req *r, const struct slots_person *p, int64_t from,
    int64_t to, struct side *s)
{
	const struct busy *b;
	size_t	cap = 0, i, k = 0;
	int	rc;

	i = busy_skip(p->busy, p->nbusy, p->longest, from);
	for (;;) {
		if (i < p->nbusy && (k >= p->nextra ||
		    p->busy[i].start <= p->extra[k].start))
			b = &p->busy[i++];
		else if (k < p->nextra)
			b = &p->extra[k++];
		else
			break;
		if (b->start >= to)
			break;
		if (!blocks(r, b, from))
			continue;
		rc = push(&s->block, &s->nblock, &cap, b->start, b->end);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The index of the first interval of the sorted disjoint list v ending after a. */
static size_t
first_after(const struct ival *v, size_t n, int64_t a)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].b <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is [a, b) clear of every interval of v? */
static int
clear(const struct ival *v, size_t n, int64_t a, int64_t b)
{
	size_t	i = first_after(v, n, a);

	return i == n || v[i].a >= b;
}

/* Does one interval of v contain [a, b)? */
static int
within(const struct ival *v, size_t n, int64_t a, int64_t b)
{
	size_t	i = first_after(v, n, a);

	return i < n && v[i].a <= a && b <= v[i].b;
}

/*
 * The UTC instants of a program-zone day's grid.  A day without an offset
 * change (all but two a year) needs one conversion; NO_TIME marks a grid time
 * that the zone skips.
 */
static void
grid(icaltimezone *tz, int32_t day, int64_t *t)
{
	int64_t	start = tzconv_wall_to_utc(tz, day, 0);
	int64_t	next = tzconv_wall_to_utc(tz, day + 1, 0);
	int	m;

	for (m = 0; m < 1440; m += GRID_MIN) {
		if (next - start == 86400) {
			t[m / GRID_MIN] = start + m * 60;
			continue;
		}
		t[m / GRID_MIN] = tzconv_wall_to_utc(tz, day, m);
		/* A wall time in the spring gap does not exist: no candidate. */
		if (t[m / GRID_MIN] + tzconv_utc_offset(tz, t[m / GRID_MIN]) !=
		    (int64_t)day * 86400 + m * 60)
			t[m / GRID_MIN] = NO_TIME;
	}
}

/*
 * Is candidate s usable?  SLOTS_USABLE, or the first reason it is not, with
 * the person and (for busy time) the blocking interval in v when v is given.
 */
static enum slots_no
verdict(const struct slots_req *r, const struct side *sd, int64_t s,
    struct slots_result *res, struct slots_verdict *v)
{
	int64_t	e = s + r->length;
	size_t	k;
	int	i;

	if (s < r->not_before)
		return SLOTS_BEFORE;
	for (i = 0; i < 2; i++) {
		if (v != NULL)
			v->person = i;
		if (!within(sd[i].hours, sd[i].nhours, s, e))
			return SLOTS_OUTSIDE_HOURS;
		k = first_after(sd[i].block, sd[i].nblock, s - r->buffer);
		if (k < sd[i].nblock && sd[i].block[k].a < e + r->buffer) {
			if (v != NULL) {
				v->a = sd[i].block[k].a;
				v->b = sd[i].block[k].b;
			}
			return SLOTS_BUSY;
		}
	}
	for (i = 0; i < 2 && r->cap != NULL; i++)
		if (!r->cap(r->cap_ud, i, s)) {
			if (v != NULL)
				v->person = i;
			res->why[i].capped = 1;
			return SLOTS_CAPPED;
		}
	return SLOTS_USABLE;
}

static int
usable(const struct slots_req *r, const struct side *sd, int64_t s,
    struct slots_result *res)
{
	return verdict(r, sd, s, res, NULL) == SLOTS_USABLE;
}

static long
score(const struct slots_req *r, const struct wday *w, int minute)
{
	long	habit = r->habit_weekday >= 0 &&
	    civil_weekday(w->day) == r->habit_weekday && minute == r->habit_minute ?
	    0 : SLOTS_HABIT_WEIGHT;

	return habit + SLOTS_DAY_WEIGHT * w->dist +
	    labs((long)(minute - r->nominal_minute));
}

/* Why nothing fits: per person, minutes of the window busy / in / out of hours. */
static void
explain(const struct slots_req *r, const struct side *sd, const struct wday *w,
    int nw, struct slots_result *res)
{
	int64_t	t[1440 / GRID_MIN];
	int	k, g, i;

	for (k = 0; k < nw; k++) {
		grid(r->tz, w[k].day, t);
		for (g = 0; g < 1440 / GRID_MIN; g++)
			for (i = 0; i < 2 && t[g] != NO_TIME; i++) {
				if (!within(sd[i].hours, sd[i].nhours, t[g], t[g] + SLOTS_GRID)) {
					res->why[i].outside += GRID_MIN;
					continue;
				}
				res->why[i].hours += GRID_MIN;
				if (!clear(sd[i].block, sd[i].nblock, t[g], t[g] + SLOTS_GRID))
					res->why[i].busy += GRID_MIN;
			}
	}
}

static void
search(const struct slots_req *r, const struct side *sd, const struct wday *w,
    int nw, struct slots_result *res)
{
	int64_t	t[1440 / GRID_MIN];
	long	sc;
	int	k, g;

	for (k = 0; k < nw; k++) {
		grid(r->tz, w[k].day, t);
		for (g = 0; g < 1440 / GRID_MIN; g++) {
			if (t[g] == NO_TIME)
				continue;
			sc = score(r, &w[k], g * GRID_MIN);
			if (res->found && (sc > res->score ||
			    (sc == res->score && t[g] >= res->start)))
				continue;
			if (!usable(r, sd, t[g], res))
				continue;
			res->found = 1;
			res->score = sc;
			res->start = t[g];
			res->end = t[g] + r->length;
		}
	}
}

static int
check_req(const struct slots_req *r)
{
	int	i;

	if (tandem_fails_assert(r->tz != NULL && r->flex >= 0 &&
	    r->flex <= MAX_FLEX && r->length > 0 && r->buffer >= 0))
		return TANDEM_EINVAL;
	for (i = 0; i < 2; i++)
		if (tandem_fails_assert(r->who[i].tz != NULL && r->who[i].hours != NULL))
			return TANDEM_EINVAL;
	return 0;
}

/* Both people's hours and blocking time for the program-zone days [d0, d1]. */
static int
sides(const struct slots_req *r, int32_t d0, int32_t d1, struct side *sd)
{
	int64_t	from, to;
	int	i, rc = 0;

	memset(sd, 0, 2 * sizeof(*sd));
	from = tzconv_wall_to_utc(r->tz, d0, 0) - 86400;
	to = tzconv_wall_to_utc(r->tz, d1 + 1, 0) + 86400;
	for (i = 0; i < 2 && rc == 0; i++) {
		rc = side_hours(&r->who[i], from, to, &sd[i]);
		if (rc == 0)
			rc = side_block(r, &r->who[i], from - r->buffer, to + r->buffer, &sd[i]);
	}
	return rc;
}

static void
sides_free(struct side *sd)
{
	int	i;

	for (i = 0; i < 2; i++) {
		free(sd[i].hours);
		free(sd[i].block);
	}
}

int
slots_find(const struct slots_req *r, struct slots_result *res)
{
	struct wday	w[2 * MAX_FLEX + 1];
	struct side	sd[2];
	int		nw, rc;

	if (tandem_fails_assert(r != NULL && res != NULL))
		return TANDEM_EINVAL;
	rc = check_req(r);
	if (rc < 0)
		return rc;
	memset(res, 0, sizeof(*res));
	nw = window(r, w, res);
	res->days = nw;
	if (nw == 0)
		return 0;
	rc = sides(r, w[0].day, w[nw - 1].day, sd);
	if (rc == 0) {
		search(r, sd, w, nw, res);
		if (!res->found)
			explain(r, sd, w, nw, res);
	}
	sides_free(sd);
	return rc;
}

int
slots_check(const struct slots_req *r, int64_t start, struct slots_verdict *v)
{
	struct wday		w[2 * MAX_FLEX + 1];
	struct slots_result	res;
	struct side		sd[2];
	int32_t			day;
	int			nw, k, rc;

	if (tandem_fails_assert(r != NULL && v != NULL))
		return TANDEM_EINVAL;
	rc = check_req(r);
	if (rc < 0)
		return rc;
	memset(v, 0, sizeof(*v));
	memset(&res, 0, sizeof(res));
	nw = window(r, w, &res);
	day = tzconv_local_day(r->tz, start, NULL);
	for (k = 0; k < nw && w[k].day != day; k++)
		continue;
	if (k == nw) {
		v->no = SLOTS_NOT_IN_WINDOW;
		return 0;
	}
	rc = sides(r, day, day, sd);
	if (rc == 0)
		v->no = verdict(r, sd, start, &res, v);
	sides_free(sd);
	return rc;
}
