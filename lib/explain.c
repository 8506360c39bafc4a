/*
 * Explanations for people: why a session has its slot, or why it has none.
 * tandem_plan_explain() replays the negotiation up to the session (so that
 * the sessions placed before it block what they blocked) and describes the
 * request it made; tandem_session_reason() puts an unschedulable session's
 * reasons on one line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "negotiate.h"
#include "plan-int.h"
#include "slots.h"
#include "tzconv.h"

static void
fmt_day(int32_t day, char *buf, size_t size)
{
	int	y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, size, "%s %04d-%02d-%02d", civil_weekday_name(civil_weekday(day)), y, m, d);
}

struct ctx {
	FILE	*f;
};

static const char *
who_name(const struct slots_req *q, int k)
{
	return q->who[k].email;
}

/* What stands in the way of one candidate, in words. */
static int
blocked(FILE *f, const struct tandem_plan *p, size_t i,
    const struct slots_req *q, const char *what, int64_t t)
{
	struct slots_verdict	 v;
	icaltimezone		*tz = q->tz;
	char			 a[40], b[40];
	int			 rc;

	rc = slots_check(q, t, &v);
	if (rc < 0)
		return rc;
	tzconv_format(tz, t, a, sizeof(a));
	fprintf(f, "  %s, %s: ", what, a);
	switch (v.no) {
	case SLOTS_USABLE:
		fprintf(f, "free for both\n");
		break;
	case SLOTS_NOT_IN_WINDOW:
		fprintf(f, "not a business day within flex\n");
		break;
	case SLOTS_BEFORE:
		fprintf(f, "already past\n");
		break;
	case SLOTS_OUTSIDE_HOURS:
		fprintf(f, "outside the working hours of %s\n", who_name(q, v.person));
		break;
	case SLOTS_BUSY:
		tzconv_format(tz, v.a, a, sizeof(a));
		tzconv_format(tz, v.b, b, sizeof(b));
		fprintf(f, "%s is busy from %s to %s%s\n", who_name(q, v.person),
		    a, b + 15, v.a >= t + q->length || v.b <= t ?
		    " (within the buffer)" : "");
		break;
	case SLOTS_CAPPED:
		fprintf(f, "%s already has %d session%s that week\n",
		    who_name(q, v.person), p->it[i].pg->max_per_week,
		    p->it[i].pg->max_per_week == 1 ? "" : "s");
		break;
	}
	return 0;
}

static void
header(FILE *f, const struct tandem_plan *p, size_t i, const struct slots_req *q,
    const struct slots_result *res)
{
	const struct tandem_session *s = &p->v[i];
	char	a[40];

	fprintf(f, "%s: %s and %s, session %u\n", s->program, s->mentor,
	    s->mentee, s->index);
	tzconv_format(q->tz, s->nominal, a, sizeof(a));
	fprintf(f, "nominal   %s %s%s\n", a, s->timezone,
	    s->holiday ? " (a holiday)" : "");
	if (res->days > 0 || q->flex > 0) {
		fmt_day(q->nominal_day, a, sizeof(a));
		fprintf(f, "window    %d business day%s (flex %d each side of %.14s); "
		    "%d lost to weekends, %d to holidays\n", res->days,
		    res->days == 1 ? "" : "s", q->flex, a, res->weekend, res->holidays);
	}
	if (q->habit_weekday >= 0)
		fprintf(f, "habit     %s %02d:%02d, from session %u\n",
		    civil_weekday_name(q->habit_weekday), q->habit_minute / 60,
		    q->habit_minute % 60, s->index - 1);
	else
		fprintf(f, "habit     none yet\n");
}

static void
chosen(FILE *f, const struct slots_req *q, const struct slots_result *res)
{
	char	a[40], b[40];
	long	sc = res->score, days = sc % SLOTS_HABIT_WEIGHT / SLOTS_DAY_WEIGHT;

	tzconv_format(q->tz, res->start, a, sizeof(a));
	tzconv_format(q->tz, res->end, b, sizeof(b));
	fprintf(f, "slot      %s-%s (score %ld: %s, %ld business day%s from the "
	    "nominal day, %ld min from the nominal time)\n", a, b + 15, sc,
	    sc >= SLOTS_HABIT_WEIGHT ? "not the habit" : "the habit",
	    days, days == 1 ? "" : "s", sc % SLOTS_DAY_WEIGHT);
}

static void
none(FILE *f, const struct slots_req *q, const struct slots_result *res, int have)
{
	int	k;

	fprintf(f, "no slot   unschedulable\n");
	for (k = 0; k < 2; k++) {
		if (!(have & 1 << k)) {
			fprintf(f, "  %s: calendar could not be read\n", who_name(q, k));
			continue;
		}
		if (have != 3)
			continue;
		fprintf(f, "  %s: %lld of %lld min of their hours in the window busy, "
		    "%lld min outside their hours%s\n", who_name(q, k),
		    (long long)res->why[k].busy, (long long)res->why[k].hours,
		    (long long)res->why[k].outside,
		    res->why[k].capped ? "; max_per_week reached" : "");
	}
}

/* Where each person's busy time came from, in words. */
static void
sources(FILE *f, const struct slots_req *q)
{
	int	k;

	for (k = 0; k < 2; k++)
		fprintf(f, "%-9s %s: %s\n", k == 0 ? "busy from" : "",
		    who_name(q, k), q->who[k].source != NULL ?
		    q->who[k].source : "no calendar read");
}

static int
describe(void *ud, const struct tandem_plan *p, size_t i,
    const struct slots_req *q, const struct slots_result *res, int have)
{
	struct ctx	*c = ud;
	int64_t		 t;
	int		 rc = 0;

	header(c->f, p, i, q, res);
	sources(c->f, q);
	if (!res->found) {
		none(c->f, q, res, have);
		return 0;
	}
	chosen(c->f, q, res);
	t = tzconv_wall_to_utc(q->tz, q->nominal_day, q->nominal_minute);
	if (t != res->start)
		rc = blocked(c->f, p, i, q, "the nominal time", t);
	return rc;
}

int
tandem_plan_explain(const struct tandem_plan *plan,
    const struct tandem_calendars *cals, size_t i, char **text)
{
	struct tandem_session	*out;
	struct ctx		 c;
	size_t			 len;
	int			 rc;

	if (tandem_fails_assert(plan != NULL && cals != NULL && text != NULL &&
	    i < plan->n))
		return TANDEM_EINVAL;
	*text = NULL;
	out = malloc((plan->n + 1) * sizeof(*out));
	c.f = open_memstream(text, &len);
	if (out == NULL || c.f == NULL) {
		free(out);
		if (c.f != NULL)
			fclose(c.f);
		free(*text);
		*text = NULL;
		return TANDEM_ENOMEM;
	}
	memcpy(out, plan->v, plan->n * sizeof(*out));
	if (!plan_upcoming(plan, i)) {
		header(c.f, plan, i, &(struct slots_req){ .tz = plan->it[i].pg->tz,
		    .habit_weekday = -1 }, &(struct slots_result){ 0 });
		fprintf(c.f, "not negotiated: %s\n", plan->v[i].nominal < plan->now ?
		    "the session is past" : "beyond the horizon; it stays nominal");
		rc = 0;
	} else
		rc = negotiate_run(plan, cals, out, i, describe, &c);
	free(out);
	if (fclose(c.f) != 0 && rc == 0)
		rc = TANDEM_ENOMEM;
	if (rc < 0) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

static void
appendf(char *buf, size_t size, int *n, const char *fmt, ...)
{
	va_list	ap;
	int	m;

	va_start(ap, fmt);
	if (*n >= 0 && (size_t)*n < size)
		m = vsnprintf(buf + *n, size - (size_t)*n, fmt, ap);
	else
		m = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (m > 0)
		*n += m;
}

int
tandem_session_reason(const struct tandem_session *s, char *buf, size_t size)
{
	const char	*name[2];
	int		 n = 0, k;

	if (tandem_fails_assert(s != NULL && (buf != NULL || size == 0)))
		return TANDEM_EINVAL;
	if (size > 0)
		buf[0] = '\0';
	name[0] = s->mentor;
	name[1] = s->mentee;
	if (s->why.who[0].no_calendar || s->why.who[1].no_calendar) {
		/* Nothing was searched: no figures that would look like a result. */
		for (k = 0; k < 2; k++)
			if (s->why.who[k].no_calendar)
				appendf(buf, size, &n, "%sthe calendar of %s could not "
				    "be read (%s), and an unread calendar is never "
				    "taken for free time", n > 0 ? "; " : "", name[k],
				    s->why.who[k].calendar_error != NULL ?
				    s->why.who[k].calendar_error : "no reason given");
		return n;
	}
	for (k = 0; k < 2; k++) {
		const char *sep = k == 0 ? "" : "; ";

		if (s->why.who[k].no_calendar)
			appendf(buf, size, &n, "%s%s: calendar unreadable", sep, name[k]);
		else
			appendf(buf, size, &n, "%s%s: busy %lld of %lld min in hours, "
			    "%lld min outside hours%s", sep, name[k],
			    (long long)s->why.who[k].busy,
			    (long long)s->why.who[k].hours,
			    (long long)s->why.who[k].outside,
			    s->why.who[k].capped ? ", max_per_week reached" : "");
	}
	appendf(buf, size, &n, "; %d business day%s in the window, %d day%s lost "
	    "to holidays", s->why.days, s->why.days == 1 ? "" : "s",
	    s->why.holidays, s->why.holidays == 1 ? "" : "s");
	return n;
}
