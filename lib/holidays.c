/*
 * Holiday calendars.  Public holiday feeds are all-day VEVENTs, often one
 * yearly series per holiday with EXDATEs and moved instances, so recurrence
 * is expanded here: RRULE and RDATE, minus EXDATE, with RECURRENCE-ID
 * overrides replacing the instance they name (libical's own iterator does
 * not apply overrides).  A cancelled instance or event is not a holiday.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "holidays.h"
#include "parse.h"

struct dayset {
	int32_t	*v;
	size_t	 n;
	size_t	 cap;
};

static int
dayset_add(struct dayset *s, int32_t day)
{
	int32_t	*grown;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		grown = realloc(s->v, s->cap * sizeof(*grown));
		if (grown == NULL)
			return TANDEM_ENOMEM;
		s->v = grown;
	}
	s->v[s->n++] = day;
	return 0;
}

static int
cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* t as a wall time in tz; a date or a floating time is local already. */
static struct icaltimetype
local_time(struct icaltimetype t, icaltimezone *tz)
{
	if (t.is_date || (!icaltime_is_utc(t) && t.zone == NULL))
		return t;
	return icaltime_convert_to_zone(t, tz);
}

/* The local civil day of t, in tz when t has a time and a zone. */
static int32_t
local_day(struct icaltimetype t, icaltimezone *tz)
{
	t = local_time(t, tz);
	return civil_days(t.year, t.month, t.day);
}

/* Add the days that one occurrence [start, start+len) covers, clipped. */
static int
add_occurrence(struct dayset *s, struct icaltimetype start,
    struct icaldurationtype len, icaltimezone *tz, int32_t from, int32_t to)
{
	/* Local, so that "ends at midnight" means midnight in tz. */
	struct icaltimetype	end = local_time(icaltime_add(start, len), tz);
	int32_t			first = local_day(start, tz), last, d;
	int			rc;

	if (start.is_date)
		last = local_day(end, tz) - 1;	/* DTEND is exclusive */
	else {
		last = local_day(end, tz);
		if (!end.is_date && end.hour == 0 && end.minute == 0 &&
		    end.second == 0 && last > first)
			last--;		/* ends at midnight: not the next day */
	}
	if (last < first)
		last = first;
	for (d = first < from ? from : first; d <= last && d < to; d++) {
		rc = dayset_add(s, d);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
same_instant(struct icaltimetype a, struct icaltimetype b)
{
	if (a.is_date || b.is_date)
		return a.year == b.year && a.month == b.month && a.day == b.day;
	return icaltime_compare(a, b) == 0;
}

/* Is instance t of the series uid replaced by an override or excluded? */
static int
replaced(icalcomponent *vcal, icalcomponent *master, struct icaltimetype t)
{
	const char	*uid = icalcomponent_get_uid(master);
	icalcompiter	 ci;
	icalcomponent	*c;
	icalproperty	*p;

	for (p = icalcomponent_get_first_property(master, ICAL_EXDATE_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(master, ICAL_EXDATE_PROPERTY))
		if (same_instant(icalproperty_get_exdate(p), t))
			return 1;
	if (uid == NULL)
		return 0;
	/*
	 * An external iterator: the component's own cursor belongs to the
	 * caller's loop over the same VCALENDAR.
	 */
	for (ci = icalcomponent_begin_component(vcal, ICAL_VEVENT_COMPONENT);
	    (c = icalcompiter_deref(&ci)) != NULL; icalcompiter_next(&ci)) {
		const char *cu = icalcomponent_get_uid(c);
		struct icaltimetype rid = icalcomponent_get_recurrenceid(c);

		if (c == master || cu == NULL || strcmp(cu, uid) != 0 ||
		    icaltime_is_null_time(rid))
			continue;
		if (same_instant(rid, t))
			return 1;
	}
	return 0;
}

/*
 * The k-th RDATE of ev, counted from the first each time: replaced() walks
 * the EXDATEs with the component's one property cursor, so a caller's walk
 * over the RDATEs cannot keep its place across that call.
 */
static icalproperty *
nth_rdate(icalcomponent *ev, int k)
{
	icalproperty	*p;

	for (p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
	    p != NULL && k > 0;
	    p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY))
		k--;
	return p;
}

static struct icaldurationtype
event_length(icalcomponent *ev, struct icaltimetype start)
{
	struct icaltimetype	end = icalcomponent_get_dtend(ev);
	struct icaldurationtype	one_day = icaldurationtype_null_duration();

	if (!icaltime_is_null_time(end))
		return icaltime_subtract(end, start);
	one_day.days = 1;
	if (start.is_date)
		return one_day;
	return icaldurationtype_null_duration();
}

static int
expand_event(struct dayset *s, icalcomponent *vcal, icalcomponent *ev,
    icaltimezone *tz, int32_t from, int32_t to)
{
	struct icaltimetype	 start = icalcomponent_get_dtstart(ev), t;
	struct icaldurationtype	 len;
	icalproperty		*rr, *p;
	icalrecur_iterator	*it;
	int			 k, rc = 0;

	if (icaltime_is_null_time(start) ||
	    icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED)
		return 0;
	len = event_length(ev, start);
	/* An override stands for the one instance it names. */
	if (!icaltime_is_null_time(icalcomponent_get_recurrenceid(ev)))
		return add_occurrence(s, start, len, tz, from, to);
	rr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	it = NULL;
	if (rr != NULL) {
		it = icalrecur_iterator_new(icalproperty_get_rrule(rr), start);
		icalerror_clear_errno();
	}
	if (it == NULL) {
		/* No rule, or an unreadable one: its first day only. */
		if (!replaced(vcal, ev, start))
			rc = add_occurrence(s, start, len, tz, from, to);
	} else {
		for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
		    t = icalrecur_iterator_next(it)) {
			if (local_day(t, tz) >= to)
				break;
			if (replaced(vcal, ev, t))
				continue;
			rc = add_occurrence(s, t, len, tz, from, to);
			if (rc < 0)
				break;
		}
		icalrecur_iterator_free(it);
	}
	/*
	 * RDATEs join the set with or without an RRULE, and EXDATEs and
	 * overrides apply to them as to the rule's instances (RFC 5545 3.8.5).
	 */
	for (k = 0, p = nth_rdate(ev, 0); p != NULL && rc == 0;
	    p = nth_rdate(ev, ++k)) {
		struct icaldatetimeperiodtype rd = icalproperty_get_rdate(p);

		if (!icaltime_is_null_time(rd.time) && !replaced(vcal, ev, rd.time))
			rc = add_occurrence(s, rd.time, len, tz, from, to);
	}
	return rc;
}

int
holidays_parse(const char *text, icaltimezone *tz, int32_t from, int32_t to,
    int32_t **dates, size_t *np, char *err)
{
	icalcomponent	*root = NULL, *vcal, *ev;
	icalcompiter	 ci;
	struct dayset	 s = { NULL, 0, 0 };
	size_t		 i, k;
	int		 rc = 0;

	*dates = NULL;
	*np = 0;
	root = icalparser_parse_string(text);
	icalerror_clear_errno();
	if (root == NULL) {
		snprintf(err, PARSE_ERRLEN, "not an iCalendar file");
		return TANDEM_EPARSE;
	}
	vcal = root;
	if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
		vcal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
	if (vcal == NULL) {
		snprintf(err, PARSE_ERRLEN, "no VCALENDAR in the file");
		rc = TANDEM_EPARSE;
		goto out;
	}
	for (ci = icalcomponent_begin_component(vcal, ICAL_VEVENT_COMPONENT);
	    rc == 0 && (ev = icalcompiter_deref(&ci)) != NULL; icalcompiter_next(&ci))
		rc = expand_event(&s, vcal, ev, tz, from, to);
	if (rc < 0)
		goto out;
	if (s.n > 0) {
		qsort(s.v, s.n, sizeof(*s.v), cmp_day);
		for (i = 1, k = 1; i < s.n; i++)
			if (s.v[i] != s.v[k - 1])
				s.v[k++] = s.v[i];
		s.n = k;
	}
	*dates = s.v;
	*np = s.n;
	s.v = NULL;
out:
	free(s.v);
	icalcomponent_free(root);
	return rc;
}

int
holidays_contains(const int32_t *dates, size_t n, int32_t day)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (dates[mid] < day)
			lo = mid + 1;
		else if (dates[mid] > day)
			hi = mid;
		else
			return 1;
	}
	return 0;
}
