/*
 * The cadence engine.  Words become an RRULE and libical expands it in the
 * program's time zone, so that a 09:00 Europe/Berlin session stays at 09:00
 * local across daylight-saving changes while its UTC instant moves.
 *
 * Month ends: "monthly" on a start day past the 28th is clamped to the last
 * day of shorter months (the 31st becomes Feb 28/29, Apr 30, ...), written as
 * BYMONTHDAY=28,29,30,31;BYSETPOS=-1, because a mentoring pair expects to
 * meet every month.  An ordinal weekday that a month lacks ("5th monday") is
 * skipped in that month, as RFC 5545 specifies; a raw RRULE is taken exactly
 * as written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "cadence.h"
#include "parse.h"
#include "tzconv.h"

static const char *const byday[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

static int parse_ordinal(const char *w);
static int parse_words(char **w, size_t nw, struct cadence *c, char *err);
static int rrule_shape_ok(const struct icalrecurrencetype *r);
static int parse_raw(const char *text, struct cadence *c, char *err);

static int
parse_ordinal(const char *w)
{
	static const char *const names[][2] = {
		{ "1st", "first" }, { "2nd", "second" }, { "3rd", "third" },
		{ "4th", "fourth" }, { "5th", "fifth" },
	};
	int	i;

	for (i = 0; i < 5; i++)
		if (strcasecmp(w, names[i][0]) == 0 || strcasecmp(w, names[i][1]) == 0)
			return i + 1;
	if (strcasecmp(w, "last") == 0)
		return -1;
	return 0;
}

/*
 * The grammar, on lower-cased words:
 *   weekly | fortnightly | every [N] week[s]          [on DAY]
 *   monthly | every [N] month[s]                      [on [the] ORD DAY]
 */
static int
parse_words(char **w, size_t nw, struct cadence *c, char *err)
{
	size_t	i = 0;
	long	n = 1;
	int	unit;		/* 'w' or 'm' */
	int	counted = 0;

	if (nw == 0)
		goto bad;
	if (strcmp(w[0], "weekly") == 0) {
		unit = 'w';
		i = 1;
	} else if (strcmp(w[0], "fortnightly") == 0 || strcmp(w[0], "biweekly") == 0) {
		unit = 'w';
		n = 2;
		i = 1;
	} else if (strcmp(w[0], "monthly") == 0) {
		unit = 'm';
		i = 1;
	} else if (strcmp(w[0], "every") == 0) {
		i = 1;
		if (i < nw && isdigit((unsigned char)w[i][0])) {
			if (parse_int(w[i], 1, 52, &n, err) < 0)
				return TANDEM_EPARSE;
			counted = 1;
			i++;
		}
		if (i == nw)
			goto bad;
		if (strcmp(w[i], "week") == 0 || strcmp(w[i], "weeks") == 0)
			unit = 'w';
		else if (strcmp(w[i], "month") == 0 || strcmp(w[i], "months") == 0)
			unit = 'm';
		else
			goto bad;
		if (!counted && w[i][strlen(w[i]) - 1] == 's')
			goto bad;	/* "every weeks" */
		i++;
	} else
		goto bad;

	c->interval = (int)n;
	c->weekday = -1;
	c->ordinal = 0;
	c->kind = unit == 'w' ? CADENCE_WEEKLY : CADENCE_MONTHLY_DAY;
	if (i == nw)
		return 0;
	if (strcmp(w[i], "on") != 0 || ++i == nw)
		goto bad;
	if (strcmp(w[i], "the") == 0 && ++i == nw)
		goto bad;
	if (unit == 'm') {
		c->ordinal = parse_ordinal(w[i]);
		if (c->ordinal == 0 || ++i == nw)
			goto bad;
		c->kind = CADENCE_MONTHLY_NTH;
	}
	c->weekday = parse_weekday(w[i], strlen(w[i]));
	if (c->weekday < 0 || ++i != nw)
		goto bad;
	return 0;
bad:
	snprintf(err, PARSE_ERRLEN,
	    "cannot read the cadence; use e.g. \"every 3 weeks\", \"weekly on tuesday\", "
	    "\"monthly\", \"monthly on 2nd tuesday\", \"every 2 months\" or \"RRULE:...\"");
	return TANDEM_EPARSE;
}

/*
 * RFC 5545 3.3.10 forbids BYWEEKNO and BYYEARDAY below YEARLY and BYMONTHDAY
 * in a WEEKLY rule.  libical parses such a rule but will not iterate it, and
 * cadence_expand() cannot tell that refusal from a rule that merely never
 * matches, so the malformed ones are turned away here.
 */
static int
rrule_shape_ok(const struct icalrecurrencetype *r)
{
	if (r->freq != ICAL_YEARLY_RECURRENCE &&
	    (r->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX))
		return 0;
	if (r->freq == ICAL_WEEKLY_RECURRENCE &&
	    r->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX)
		return 0;
	return 1;
}

/* A raw RRULE: libical must accept it, and it must not be sub-daily. */
static int
parse_raw(const char *text, struct cadence *c, char *err)
{
	struct icalrecurrencetype	 r;
	const char			*rule = text + 6;

	while (*rule == ' ')
		rule++;
	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rule);
	if (r.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
		icalerror_clear_errno();
		snprintf(err, PARSE_ERRLEN, "\"%.80s\" is not a valid RRULE", rule);
		return TANDEM_EPARSE;
	}
	if (r.freq == ICAL_SECONDLY_RECURRENCE || r.freq == ICAL_MINUTELY_RECURRENCE ||
	    r.freq == ICAL_HOURLY_RECURRENCE) {
		snprintf(err, PARSE_ERRLEN, "a session series cannot repeat more than daily");
		return TANDEM_EPARSE;
	}
	if (!rrule_shape_ok(&r)) {
		snprintf(err, PARSE_ERRLEN, "\"%.80s\" uses a BY part that RFC 5545 "
		    "forbids at this FREQ", rule);
		return TANDEM_EPARSE;
	}
	c->kind = CADENCE_RRULE;
	c->rrule = strdup(rule);
	if (c->rrule == NULL)
		return TANDEM_ENOMEM;
	c->rrule_has_end = r.count != 0 || !icaltime_is_null_time(r.until);
	c->interval = r.interval;
	c->weekday = -1;
	return 0;
}

int
cadence_parse(const char *text, struct cadence *c, char *err)
{
	char	 buf[256], *w[16], *save = NULL, *tok;
	size_t	 nw = 0, i;

	memset(c, 0, sizeof(*c));
	if (strncasecmp(text, "RRULE:", 6) == 0)
		return parse_raw(text, c, err);
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, PARSE_ERRLEN, "cadence too long");
		return TANDEM_EPARSE;
	}
	strcpy(buf, text);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL && nw < TANDEM_NELEM(w);
	    tok = strtok_r(NULL, " \t", &save))
		w[nw++] = tok;
	if (tok != NULL)
		nw = 0;		/* too many words: let the grammar reject it */
	return parse_words(w, nw, c, err);
}

void
cadence_clear(struct cadence *c)
{
	if (c == NULL)
		return;
	TANDEM_FREE(c->rrule);
}

int
cadence_rrule(const struct cadence *c, int32_t start_date, char *buf, size_t len)
{
	int	y, m, d, n = 0, k;

	switch (c->kind) {
	case CADENCE_RRULE:
		n = snprintf(buf, len, "%s", c->rrule);
		break;
	case CADENCE_WEEKLY:
		n = snprintf(buf, len, "FREQ=WEEKLY;INTERVAL=%d;WKST=MO", c->interval);
		if (c->weekday >= 0 && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, ";BYDAY=%s",
			    byday[c->weekday]);
		break;
	case CADENCE_MONTHLY_NTH:
		n = snprintf(buf, len, "FREQ=MONTHLY;INTERVAL=%d;BYDAY=%d%s",
		    c->interval, c->ordinal, byday[c->weekday]);
		break;
	case CADENCE_MONTHLY_DAY:
		civil_from_days(start_date, &y, &m, &d);
		n = snprintf(buf, len, "FREQ=MONTHLY;INTERVAL=%d;BYMONTHDAY=",
		    c->interval);
		if (d <= 28) {
			n += snprintf(buf + n, len - (size_t)n, "%d", d);
			break;
		}
		for (k = 28; k <= d && n > 0 && (size_t)n < len; k++)
			n += snprintf(buf + n, len - (size_t)n, "%s%d",
			    k == 28 ? "" : ",", k);
		if (n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, ";BYSETPOS=-1");
		break;
	}
	if (n < 0 || (size_t)n >= len)
		return TANDEM_ERANGE;
	return 0;
}

int32_t
cadence_duration_end(int32_t start, const struct span *sp)
{
	return civil_add_months(start, sp->months) + sp->days;
}


static int
push(struct nominal **v, size_t *n, size_t *cap, const struct nominal *x)
{
	int	rc = util_grow((void **)v, cap, *n, sizeof(**v));

	if (rc < 0)
		return rc;
	(*v)[(*n)++] = *x;
	return 0;
}

int
cadence_expand(const struct cadence_req *req, struct nominal **out, size_t *np)
{
	struct icalrecurrencetype	 rule;
	struct icaltimetype		 dtstart, t;
	icalrecur_iterator		*it = NULL;
	struct nominal			*v = NULL, x;
	char				 text[512];
	size_t				 n = 0, cap = 0;
	int32_t				 stop = INT32_MAX, horizon;
	int				 y, m, d, fixed_time, rc;

	*out = NULL;
	*np = 0;
	if (tandem_fails_assert(req->start.minute >= 0 && req->tz != NULL))
		return TANDEM_EINVAL;
	rc = cadence_rrule(req->cadence, req->start.date, text, sizeof(text));
	if (rc < 0)
		return rc;
	icalerror_clear_errno();
	rule = icalrecurrencetype_from_string(text);
	if (rule.freq == ICAL_NO_RECURRENCE) {
		icalerror_clear_errno();
		return TANDEM_EPARSE;
	}
	if (req->end == END_DURATION)
		stop = cadence_duration_end(req->start.date, &req->duration);
	else if (req->end == END_UNTIL)
		stop = req->until + 1;
	/* A guard against rules that never match again (BYMONTHDAY=30;BYMONTH=2). */
	horizon = civil_add_months(req->start.date, 12 * 50);

	civil_from_days(req->start.date, &y, &m, &d);
	dtstart = icaltime_null_time();
	dtstart.year = y;
	dtstart.month = m;
	dtstart.day = d;
	dtstart.hour = req->start.minute / 60;
	dtstart.minute = req->start.minute % 60;
	dtstart = icaltime_set_timezone(&dtstart, req->tz);
	it = icalrecur_iterator_new(rule, dtstart);
	if (it == NULL) {
		/*
		 * libical 3 also refuses a rule whose first occurrence it cannot
		 * find (BYMONTH=2;BYMONTHDAY=30).  The malformed rules were
		 * turned away by cadence_parse(), so this is a series without
		 * sessions, not an error.
		 */
		icalerror_clear_errno();
		return 0;
	}
	fixed_time = rule.by_hour[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rule.by_minute[0] == ICAL_RECURRENCE_ARRAY_MAX;
	rc = 0;
	for (;;) {
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		x.date = civil_days(t.year, t.month, t.day);
		if (x.date >= stop || x.date > horizon)
			break;
		if (req->end == END_COUNT && n == (size_t)req->count)
			break;
		if (n == CADENCE_MAX_SESSIONS) {
			rc = TANDEM_ERANGE;
			goto out;
		}
		/*
		 * libical (with ICU) carries the hour that a spring gap pushed
		 * 02:30 to into every later instance; a rule without BYHOUR or
		 * BYMINUTE means DTSTART's wall time on every day.
		 */
		if (fixed_time) {
			t.hour = dtstart.hour;
			t.minute = dtstart.minute;
			t.second = dtstart.second;
		}
		x.utc = tzconv_local_to_utc(req->tz, t);
		x.offset = tzconv_utc_offset(req->tz, x.utc);
		/* The wall time at that instant: 03:30, not 02:30, in a gap. */
		x.minute = (int)(((x.utc + x.offset) % 86400 + 86400) % 86400 / 60);
		rc = push(&v, &n, &cap, &x);
		if (rc < 0)
			goto out;
	}
	*out = v;
	*np = n;
	v = NULL;
out:
	icalrecur_iterator_free(it);
	free(v);
	return rc;
}
