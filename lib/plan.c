/*
 * The plan: for every pair of every program, the series its cadence gives,
 * with holidays marked and sessions before "now" marked past.  Pairs that
 * start on the same day share one expansion, which is what makes a program
 * of thousands of pairs cheap: recurrence expansion is the costly step.
 * Negotiation is in negotiate.c.
 */
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "cadence.h"
#include "holidays.h"
#include "model.h"
#include "plan-int.h"

/* The last expansion computed for a program, reused for equal starts. */
struct memo {
	struct localstart	 start;
	struct nominal		*v;
	size_t			 n;
	int			 valid;
};

static int
reserve(struct tandem_plan *p, size_t more)
{
	size_t	cap = p->cap;
	int	rc;

	if (more == 0)
		return 0;
	rc = util_grow((void **)&p->v, &cap, p->n + more - 1, sizeof(*p->v));
	if (rc == 0)
		rc = util_grow((void **)&p->it, &p->cap, p->n + more - 1,
		    sizeof(*p->it));
	return rc;
}

static int
expand(const struct program *pg, const struct pair *pr, struct memo *m)
{
	struct cadence_req	req;
	int			rc;

	memset(&req, 0, sizeof(req));
	req.cadence = &pg->cadence;
	req.tz = pg->tz;
	/* The time of day: the pair's start, the program's start, then "time". */
	req.start = pr->has_start ? pr->start : pg->start;
	if (req.start.minute < 0)
		req.start.minute = pg->start.minute;
	if (req.start.minute < 0)
		req.start.minute = pg->time;
	if (m->valid && m->start.date == req.start.date &&
	    m->start.minute == req.start.minute)
		return 0;
	req.end = pg->end;
	req.duration = pg->duration;
	req.until = pg->until;
	req.count = pg->count;
	free(m->v);
	m->v = NULL;
	m->valid = 0;
	rc = cadence_expand(&req, &m->v, &m->n);
	if (rc < 0)
		return rc;
	m->start = req.start;
	m->valid = 1;
	return 0;
}

static int
add_pair(struct tandem_plan *p, const struct program *pg, const struct pair *pr,
    struct memo *m, int64_t now)
{
	struct tandem_session	*s;
	size_t			 i;
	int			 rc;

	rc = expand(pg, pr, m);
	if (rc < 0)
		return rc;
	rc = reserve(p, m->n);
	if (rc < 0)
		return rc;
	for (i = 0; i < m->n; i++) {
		s = &p->v[p->n++];
		memset(s, 0, sizeof(*s));
		s->program = pg->name;
		s->timezone = pg->timezone;
		s->mentor = pr->mentor->email;
		s->mentee = pr->mentee->email;
		s->index = (unsigned)i + 1;
		s->nominal = m->v[i].utc;
		s->nominal_offset = m->v[i].offset;
		s->status = m->v[i].utc < now ? TANDEM_SESSION_PAST :
		    TANDEM_SESSION_NOMINAL;
		s->holiday = holidays_contains(pg->holiday_dates, pg->nholidays,
		    m->v[i].date);
		memset(&p->it[p->n - 1], 0, sizeof(p->it[p->n - 1]));
		p->it[p->n - 1].pg = pg;
		p->it[p->n - 1].pr = pr;
		p->it[p->n - 1].day = m->v[i].date;
		p->it[p->n - 1].minute = m->v[i].minute;
	}
	return 0;
}

int
tandem_plan_new(const struct tandem_config *cfg, int64_t now,
    struct tandem_plan **planp)
{
	struct tandem_plan	*p;
	struct memo		 m;
	size_t			 i, k;
	int			 rc = 0;

	if (tandem_fails_assert(cfg != NULL && planp != NULL))
		return TANDEM_EINVAL;
	*planp = NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return TANDEM_ENOMEM;
	p->cfg = cfg;
	p->now = now;
	for (i = 0; i < cfg->nprograms && rc == 0; i++) {
		memset(&m, 0, sizeof(m));
		for (k = 0; k < cfg->programs[i].npairs && rc == 0; k++)
			rc = add_pair(p, &cfg->programs[i], &cfg->programs[i].pairs[k],
			    &m, now);
		free(m.v);
	}
	if (rc < 0) {
		tandem_plan_free(p);
		return rc;
	}
	*planp = p;
	return 0;
}

size_t
tandem_plan_count(const struct tandem_plan *plan)
{
	return plan == NULL ? 0 : plan->n;
}

const struct tandem_session *
tandem_plan_get(const struct tandem_plan *plan, size_t i)
{
	if (plan == NULL || i >= plan->n)
		return NULL;
	return &plan->v[i];
}

void
tandem_plan_free(struct tandem_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->v);
	free(plan->it);
	free(plan);
}

int
plan_flex_days(const struct program *pg)
{
	return (int)(pg->flex / 1440);
}

int
plan_upcoming(const struct tandem_plan *p, size_t i)
{
	const struct tandem_session *s = &p->v[i];

	return s->nominal >= p->now &&
	    s->nominal < p->now + p->it[i].pg->horizon * 60;
}

/*
 * From a day before now (a buffer reaches back at most four hours) to the
 * horizon plus the flex window: flex business days, each side, of which
 * weekends and holidays may push the last one up to 60 days away (slots.c
 * walks no further).
 */
void
plan_window(const struct tandem_plan *p, int64_t *from, int64_t *to)
{
	const struct tandem_config *cfg = p->cfg;
	int64_t	t, hi = p->now;
	size_t	i;

	for (i = 0; i < cfg->nprograms; i++) {
		const struct program *pg = &cfg->programs[i];
		int flex = plan_flex_days(pg);

		t = p->now + pg->horizon * 60 +
		    (int64_t)(flex == 0 ? 2 : 2 * flex + 12) * 86400;
		if (t > hi)
			hi = t;
	}
	*from = p->now - 86400;
	*to = hi;
}

const char *
tandem_session_status_name(enum tandem_session_status s)
{
	switch (s) {
	case TANDEM_SESSION_NOMINAL:
		return "nominal";
	case TANDEM_SESSION_PAST:
		return "past";
	case TANDEM_SESSION_SCHEDULED:
		return "scheduled";
	case TANDEM_SESSION_UNSCHEDULABLE:
		return "unschedulable";
	}
	return "unknown";
}

void
plan_pin(struct tandem_plan *p, size_t i, int64_t start, int64_t end)
{
	TANDEM_REQUIRE(i < p->n && start < end);
	p->it[i].pinned = 1;
	p->it[i].pin_start = start;
	p->it[i].pin_end = end;
}

void
plan_avoid(struct tandem_plan *p, size_t i, int64_t start, int64_t end)
{
	TANDEM_REQUIRE(i < p->n);
	p->it[i].avoid_start = start;
	p->it[i].avoid_end = end;
}
