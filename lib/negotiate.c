/*
 * Negotiation: a slot for every upcoming session of a plan.
 *
 * Sessions are taken in chronological order of their nominal times across
 * all programs, so that what is placed first is also what is nearest.  Each
 * person (one e-mail, whatever their programs) keeps the sessions placed for
 * them so far: those block later slots like meetings do, and count towards
 * max_per_week.  A pair's previous placed session gives its habit.
 *
 * The same run serves tandem_plan_explain(): it stops at one session and
 * hands the slot request it made to a callback.
 */
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "calendars-int.h"
#include "negotiate.h"
#include "plan-int.h"
#include "slots.h"
#include "tzconv.h"

/* One person across programs: the sessions placed for them. */
struct who {
	const char	*email;
	struct busy	*booked;	/* sorted by start */
	size_t		 n;
	size_t		 cap;
};

struct run {
	const struct tandem_plan	*p;
	const struct tandem_calendars	*cals;
	struct tandem_session		*out;
	struct who			*who;	/* sorted by e-mail */
	size_t				 nwho;
	struct ord			*order;	/* upcoming sessions, in time order */
	size_t				 norder;
};

struct ord {
	int64_t	t;	/* nominal */
	size_t	i;	/* plan index: ties keep plan order */
};

/* What the cap callback of one session needs. */
struct capctx {
	struct who	*w[2];
	icaltimezone	*tz[2];
	int		 max;
};

static int
cmp_who(const void *a, const void *b)
{
	return strcmp(((const struct who *)a)->email, ((const struct who *)b)->email);
}

static struct who *
who_find(const struct run *r, const char *email)
{
	struct who	key;

	key.email = email;
	return bsearch(&key, r->who, r->nwho, sizeof(*r->who), cmp_who);
}

static int
cmp_order(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int book(struct who *w, int64_t start, int64_t end, int kind);

/* Sessions whose slot was sent block both people from the start. */
static int
book_pins(struct run *r)
{
	const struct plan_item	*it;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < r->p->n && rc == 0; i++) {
		it = &r->p->it[i];
		if (!it->pinned)
			continue;
		rc = book(who_find(r, it->pr->mentor->email), it->pin_start,
		    it->pin_end, BUSY_BUSY);
		if (rc == 0 && strcmp(it->pr->mentor->email, it->pr->mentee->email) != 0)
			rc = book(who_find(r, it->pr->mentee->email), it->pin_start,
			    it->pin_end, BUSY_BUSY);
	}
	return rc;
}

static int
run_init(struct run *r)
{
	const struct tandem_plan *p = r->p;
	size_t	i, k;

	r->order = calloc(p->n + 1, sizeof(*r->order));
	r->who = calloc(2 * p->n + 1, sizeof(*r->who));
	if (r->order == NULL || r->who == NULL)
		return TANDEM_ENOMEM;
	for (i = 0; i < p->n; i++) {
		if (!plan_upcoming(p, i) && !p->it[i].pinned)
			continue;
		if (plan_upcoming(p, i)) {
			r->order[r->norder].t = p->v[i].nominal;
			r->order[r->norder++].i = i;
		}
		r->who[r->nwho++].email = p->it[i].pr->mentor->email;
		r->who[r->nwho++].email = p->it[i].pr->mentee->email;
	}
	qsort(r->order, r->norder, sizeof(*r->order), cmp_order);
	qsort(r->who, r->nwho, sizeof(*r->who), cmp_who);
	for (i = 0, k = 0; i < r->nwho; i++)
		if (k == 0 || strcmp(r->who[k - 1].email, r->who[i].email) != 0)
			r->who[k++] = r->who[i];
	r->nwho = k;
	return book_pins(r);
}

static void
run_free(struct run *r)
{
	size_t	i;

	for (i = 0; i < r->nwho; i++)
		free(r->who[i].booked);
	free(r->who);
	free(r->order);
}

/*
 * Place [start, end) in w's sessions, keeping them sorted by start.  kind
 * BUSY_UNAVAILABLE marks a declined slot: it blocks, but is no session.
 */
static int
book(struct who *w, int64_t start, int64_t end, int kind)
{
	size_t	i;
	int	rc;

	rc = util_grow((void **)&w->booked, &w->cap, w->n, sizeof(*w->booked));
	if (rc < 0)
		return rc;
	for (i = w->n; i > 0 && w->booked[i - 1].start > start; i--)
		w->booked[i] = w->booked[i - 1];
	w->booked[i].start = start;
	w->booked[i].end = end;
	w->booked[i].kind = kind;
	w->n++;
	return 0;
}

/* Take out the first interval [start, end) of kind kind. */
static void
unbook(struct who *w, int64_t start, int64_t end, int kind)
{
	size_t	i;

	for (i = 0; i < w->n; i++)
		if (w->booked[i].start == start && w->booked[i].end == end &&
		    w->booked[i].kind == kind) {
			memmove(&w->booked[i], &w->booked[i + 1],
			    (w->n - i - 1) * sizeof(*w->booked));
			w->n--;
			return;
		}
}

/* Monday-based week number of a civil day (day 0, 1970-01-01, a Thursday). */
static int32_t
iso_week(int32_t day)
{
	int32_t	d = day + 3;

	return (d >= 0 ? d : d - 6) / 7;
}

/* max_per_week: weeks are the person's own, Monday to Sunday. */
static int
cap_ok(void *ud, int person, int64_t start)
{
	const struct capctx *c = ud;
	const struct who *w = c->w[person];
	int32_t	week = iso_week(tzconv_local_day(c->tz[person], start, NULL));
	size_t	i;
	int	n = 0;

	for (i = 0; i < w->n; i++)
		n += w->booked[i].kind == BUSY_BUSY && iso_week(tzconv_local_day(
		    c->tz[person], w->booked[i].start, NULL)) == week;
	return n < c->max;
}

/* The habit: the weekday and time of the pair's previous placed session. */
static void
habit(const struct run *r, size_t i, struct slots_req *q)
{
	const struct tandem_session *prev;
	int	sec;

	q->habit_weekday = -1;
	if (i == 0 || r->p->it[i - 1].pr != r->p->it[i].pr)
		return;
	prev = &r->out[i - 1];
	if (prev->status != TANDEM_SESSION_SCHEDULED)
		return;
	q->habit_weekday = civil_weekday(tzconv_local_day(q->tz, prev->start, &sec));
	q->habit_minute = sec / 60;
}

static void
person(const struct run *r, const struct program *pg, const struct person *p,
    struct who *w, struct slots_person *sp, const struct cal **cal)
{
	memset(sp, 0, sizeof(*sp));
	sp->email = p->email;
	sp->tz = icaltimezone_get_builtin_timezone(p->tz);
	sp->hours = p->has_hours ? &p->hours : &pg->hours;
	sp->extra = w->booked;
	sp->nextra = w->n;
	*cal = calendars_find(r->cals, p);
	sp->source = *cal != NULL ? (*cal)->source : NULL;
	if (*cal == NULL || !(*cal)->ok)
		return;
	sp->busy = (*cal)->busy.v;
	sp->nbusy = (*cal)->busy.n;
	sp->longest = (*cal)->longest;
}

/*
 * Fill the request of session i.  Returns a bit per person (1 mentor, 2
 * mentee) whose calendar could be read: 3 when both were.
 */
static int
request(const struct run *r, size_t i, struct slots_req *q,
    struct capctx *cc)
{
	const struct plan_item	*it = &r->p->it[i];
	const struct program	*pg = it->pg;
	const struct cal	*cal[2];

	memset(q, 0, sizeof(*q));
	q->tz = pg->tz;
	q->nominal_day = it->day;
	q->nominal_minute = it->minute;
	q->length = (int)pg->length * 60;
	q->buffer = (int)pg->buffer * 60;
	q->flex = plan_flex_days(pg);
	q->holidays = pg->holiday_dates;
	q->nholidays = pg->nholidays;
	q->not_before = r->p->now;
	q->tentative_blocks = !pg->tentative_free;
	habit(r, i, q);
	cc->w[0] = who_find(r, it->pr->mentor->email);
	cc->w[1] = who_find(r, it->pr->mentee->email);
	TANDEM_REQUIRE(cc->w[0] != NULL && cc->w[1] != NULL);
	person(r, pg, it->pr->mentor, cc->w[0], &q->who[0], &cal[0]);
	person(r, pg, it->pr->mentee, cc->w[1], &q->who[1], &cal[1]);
	cc->tz[0] = q->who[0].tz;
	cc->tz[1] = q->who[1].tz;
	cc->max = pg->max_per_week;
	q->cap = cap_ok;
	q->cap_ud = cc;
	return (cal[0] != NULL && cal[0]->ok ? 1 : 0) |
	    (cal[1] != NULL && cal[1]->ok ? 2 : 0);
}

/* Why p's calendar could not be read, in words; NULL when it was. */
static const char *
calendar_error(const struct run *r, const struct person *p)
{
	const struct cal	*c = calendars_find(r->cals, p);

	if (c == NULL)
		return p->calendar == NULL || p->calendar[0] == '\0' ?
		    "no calendar given" : "not read";
	return c->ok ? NULL : c->why[0] != '\0' ? c->why : "could not be read";
}

static void
unschedulable(const struct run *r, size_t i, const struct slots_result *res,
    int have)
{
	struct tandem_session	*s = &r->out[i];
	const struct pair	*pr = r->p->it[i].pr;
	int			 k;

	s->status = TANDEM_SESSION_UNSCHEDULABLE;
	s->has_slot = 0;
	s->why.days = res->days;
	s->why.holidays = res->holidays;
	s->why.weekend = res->weekend;
	for (k = 0; k < 2; k++) {
		s->why.who[k].hours = res->why[k].hours;
		s->why.who[k].busy = res->why[k].busy;
		s->why.who[k].outside = res->why[k].outside;
		s->why.who[k].capped = res->why[k].capped;
		s->why.who[k].no_calendar = !(have & 1 << k);
		s->why.who[k].calendar_error = (have & 1 << k) ? NULL :
		    calendar_error(r, k == 0 ? pr->mentor : pr->mentee);
	}
}

/* A pinned session keeps its slot: it was booked by book_pins(). */
static void
keep_pin(struct run *r, size_t i)
{
	struct tandem_session	*s = &r->out[i];
	const struct plan_item	*it = &r->p->it[i];

	s->status = TANDEM_SESSION_SCHEDULED;
	s->has_slot = 1;
	s->start = it->pin_start;
	s->end = it->pin_end;
	s->start_offset = tzconv_utc_offset(it->pg->tz, it->pin_start);
	s->score = 0;
}

/* The slot search of session i, with its declined slot kept out. */
static int
search(struct run *r, size_t i, struct slots_req *q, struct capctx *cc,
    struct slots_result *res)
{
	const struct plan_item	*it = &r->p->it[i];
	int			 avoid = it->avoid_end > it->avoid_start, rc, k;

	for (k = 0; k < 2 && avoid; k++) {
		rc = book(cc->w[k], it->avoid_start, it->avoid_end, BUSY_UNAVAILABLE);
		if (rc < 0)
			return rc;
	}
	for (k = 0; k < 2 && avoid; k++) {	/* book() may have moved them */
		q->who[k].extra = cc->w[k]->booked;
		q->who[k].nextra = cc->w[k]->n;
	}
	rc = slots_find(q, res);
	for (k = 0; k < 2 && avoid; k++)
		unbook(cc->w[k], it->avoid_start, it->avoid_end, BUSY_UNAVAILABLE);
	return rc;
}

static int
place(struct run *r, size_t i, negotiate_stop_fn stop, void *ud)
{
	struct tandem_session	*s = &r->out[i];
	struct slots_result	 res;
	struct slots_req	 q;
	struct capctx		 cc;
	int			 have, rc;

	if (r->p->it[i].pinned && stop == NULL) {
		keep_pin(r, i);
		return 0;
	}
	have = request(r, i, &q, &cc);
	memset(&res, 0, sizeof(res));
	if (have == 3) {
		rc = search(r, i, &q, &cc, &res);
		if (rc < 0)
			return rc;
	}
	if (stop != NULL)
		return stop(ud, r->p, i, &q, &res, have);
	if (!res.found) {
		unschedulable(r, i, &res, have);
		return 0;
	}
	s->status = TANDEM_SESSION_SCHEDULED;
	s->has_slot = 1;
	s->start = res.start;
	s->end = res.end;
	s->start_offset = tzconv_utc_offset(q.tz, res.start);
	s->score = res.score;
	rc = book(cc.w[0], res.start, res.end, BUSY_BUSY);
	if (rc == 0 && cc.w[1] != cc.w[0])
		rc = book(cc.w[1], res.start, res.end, BUSY_BUSY);
	return rc;
}

int
negotiate_run(const struct tandem_plan *p, const struct tandem_calendars *cals,
    struct tandem_session *out, size_t stop_at, negotiate_stop_fn stop, void *ud)
{
	struct run	r;
	size_t		k;
	int		rc;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.cals = cals;
	r.out = out;
	rc = run_init(&r);
	for (k = 0; k < r.norder && rc == 0; k++) {
		int at = r.order[k].i == stop_at;

		rc = place(&r, r.order[k].i, at ? stop : NULL, ud);
		if (at)
			break;
	}
	run_free(&r);
	return rc;
}

int
tandem_plan_negotiate(struct tandem_plan *plan, const struct tandem_calendars *cals)
{
	struct tandem_session	*out;
	int			 rc;

	if (tandem_fails_assert(plan != NULL && cals != NULL))
		return TANDEM_EINVAL;
	out = malloc((plan->n + 1) * sizeof(*out));
	if (out == NULL)
		return TANDEM_ENOMEM;
	memcpy(out, plan->v, plan->n * sizeof(*out));
	rc = negotiate_run(plan, cals, out, (size_t)-1, NULL, NULL);
	if (rc == 0)
		memcpy(plan->v, out, plan->n * sizeof(*out));
	free(out);
	return rc;
}
