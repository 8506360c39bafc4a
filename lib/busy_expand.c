/*
 * busy_expand: one component's times to instants, and a series to its
 * instances, for lib/busy.c.
 *
 * Recurrence is expanded here, not with icalcomponent_foreach_recurrence():
 * libical 3.0 keeps the instances that RECURRENCE-ID overrides replace, and
 * reads a repeated or skipped local time differently from RFC 5545.  A
 * series is a master plus the overrides that share its UID in the same
 * VCALENDAR.  An override always stands for itself: it removes the instance
 * it names and adds its own times (in or out of the window), and with
 * RANGE=THISANDFUTURE its shift also moves every later instance.
 *
 * Every TZID is resolved once per call and cached by name, preferring
 * libical's builtin zone to an embedded VTIMEZONE: CalDAV answers carry a
 * VTIMEZONE per object, and expanding each copy costs 40 times more.
 *
 * libical has one property cursor per component: each component's
 * properties are read in one pass into a struct busy_comp, and nothing
 * called inside that pass walks them again.  Components are walked with
 * icalcompiter, never with the component's own cursor.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "tandem-int.h"
#include "busy-int.h"
#include "itip.h"
#include "tzconv.h"
#include "tzwin.h"

#define BAD		1	/* a damaged component; why in ctx */
#define MAX_INSTANCES	100000	/* per series, against runaway rules */
#define MAX_DAYS	400000	/* longest DURATION taken (~1000 y) */
#define LONG_DAYS	800	/* longer instances: their end roughly */
#define MAX_EXPAND_NS	(2000 * 1000000LL)	/* per series, in time */
#define MAX_CALENDAR_NS	(10000 * 1000000LL)	/* per calendar text */
#define NO_END		INT64_MIN /* an instance lasts as its series */

static const char *const what_name[BUSY_W_N] = {
	"event", "free/busy", "availability", "available"
};

struct busy_rdate {
	struct busy_when	w;
	int64_t			end;	/* a PERIOD's end or NO_END */
};

/* A RANGE=THISANDFUTURE override, as it moves later instances. */
struct shift {
	int64_t	from;		/* the instance it replaces */
	int64_t	ds, de;		/* how far starts and ends move */
	int	kind;
};

/* What the overrides of one UID do to its masters' instances. */
struct series {
	struct busy_vec	 rid, ridday;	/* instances replaced */
	struct shift	*sh;		/* sorted by from */
	size_t		 nsh;
	int64_t		 lead;	/* <= 0: earliest move of a shift */
};

static int fail(struct busy_ctx *x, const char *fmt, ...) TANDEM_PRINTF(2, 3);
static int report(struct busy_ctx *x, const struct busy_comp *k,
    const char *why);
static int emit(struct busy_set *s, int64_t start, int64_t end, int kind,
    int64_t from, int64_t to);
static int zone_get(struct busy_ctx *x, const char *name,
    struct busy_zone **out);
static int when_read(struct busy_ctx *x, icalproperty *p,
    struct icaltimetype t, struct busy_when *w);
static int read_comp(struct busy_ctx *x, icalcomponent *c,
    enum busy_what what, struct busy_comp *k);
static int expand(struct busy_ctx *x, struct busy_comp *m,
    const struct series *s, int64_t from, int64_t to, struct busy_set *out);

/* Keep the first reason a component is damaged; BAD tells the caller. */
static int
fail(struct busy_ctx *x, const char *fmt, ...)
{
	va_list	ap;

	if (x->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(x->why, sizeof(x->why), fmt, ap);
		va_end(ap);
	}
	return BAD;
}

static int
report(struct busy_ctx *x, const struct busy_comp *k, const char *why)
{
	int	rc;

	if (k->uid != NULL)
		rc = diag_add(x->diag, x->req->source, 0, "UID %.200s: %s",
		    k->uid, why);
	else
		rc = diag_add(x->diag, x->req->source, 0, "%s %d: %s",
		    what_name[k->what], k->ord, why);
	x->why[0] = '\0';
	return rc;
}

/* A component that cannot be read: reported, counted, skipped. */
static int
damaged(struct busy_ctx *x, const struct busy_comp *k, const char *why)
{
	if (x->req->stats != NULL)
		x->req->stats->damaged++;
	return report(x, k, why);
}

static int
push(struct busy_vec *a, int64_t x)
{
	int	rc;

	rc = util_grow((void **)&a->v, &a->cap, a->n, sizeof(*a->v));
	if (rc == 0)
		a->v[a->n++] = x;
	return rc;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* qsort() with a NULL base is undefined, even for no elements. */
static void
sort(struct busy_vec *a)
{
	if (a->n > 0)
		qsort(a->v, a->n, sizeof(*a->v), cmp64);
}

static int
has(const struct busy_vec *a, int64_t x)
{
	return a->n > 0 &&
	    bsearch(&x, a->v, a->n, sizeof(*a->v), cmp64) != NULL;
}

int
busy_expand_add(struct busy_set *s, int64_t start, int64_t end, int kind)
{
	int	rc;

	rc = util_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v));
	if (rc < 0)
		return rc;
	s->v[s->n].start = start;
	s->v[s->n].end = end;
	s->v[s->n].kind = kind;
	s->n++;
	return 0;
}

/* Add [start, end) clipped to the window [from, to); empty adds nothing. */
static int
emit(struct busy_set *s, int64_t start, int64_t end, int kind, int64_t from,
    int64_t to)
{
	if (start < from)
		start = from;
	if (end > to)
		end = to;
	if (start >= end)
		return 0;
	return busy_expand_add(s, start, end, kind);
}

/* A nominal day is a local day: 23 or 25 hours across a DST change. */
int64_t
busy_expand_end(const struct busy_when *w, struct busy_length len)
{
	struct icaltimetype	t = w->t;

	if (len.days == 0)
		return w->utc + len.secs;
	/*
	 * An instance of years: its end is taken an hour late rather than read
	 * on the zone's clock, which makes libical expand the zone's rules up
	 * to that year for every instance (a year typed 1010 for 2010 took
	 * minutes).  Late is safe: it only ever blocks more.
	 */
	if (len.days > LONG_DAYS)
		return w->utc + len.days * 86400 + len.secs + 3600;
	icaltime_adjust(&t, (int)len.days, 0, 0, 0);
	return tzconv_local_to_utc(w->tz, t) + len.secs;
}

static int
length_of(struct busy_ctx *x, struct icaldurationtype d,
    struct busy_length *len)
{
	len->days = (int64_t)d.weeks * 7 + d.days;
	len->secs = (int64_t)d.hours * 3600 + (int64_t)d.minutes * 60 +
	    d.seconds;
	if (d.is_neg)
		return fail(x, "negative DURATION");
	if (len->days > MAX_DAYS || len->secs > MAX_DAYS * (int64_t)86400)
		return fail(x, "DURATION too long");
	return 0;
}

/*
 * Whether an embedded VTIMEZONE is safe to give libical, which expands its
 * rules from their DTSTART (often 1601) to the year asked for: a rule more
 * frequent than yearly would make that run for hours.
 */
static int
zone_sane(icaltimezone *tz)
{
	struct icalrecurrencetype	 r;
	icalcomponent			*vtz, *c;
	icalcompiter			 ci;
	icalproperty			*p;
	int				 n = 0;

	vtz = icaltimezone_get_component(tz);
	if (vtz == NULL)
		return 0;
	for (ci = icalcomponent_begin_component(vtz, ICAL_ANY_COMPONENT);
	    (c = icalcompiter_deref(&ci)) != NULL; icalcompiter_next(&ci)) {
		if (!icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY) ||
		    !icalcomponent_get_first_property(c, ICAL_TZOFFSETTO_PROPERTY) ||
		    !icalcomponent_get_first_property(c, ICAL_TZOFFSETFROM_PROPERTY))
			return 0;
		for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
		    p != NULL;
		    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
			r = icalproperty_get_rrule(p);
			if (r.freq != ICAL_YEARLY_RECURRENCE ||
			    r.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    r.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    r.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    r.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    r.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX)
				return 0;
		}
		n++;
	}
	return n > 0;
}

static icaltimezone *
embedded(icalcomponent *vcal, const char *name)
{
	icaltimezone	*z = icalcomponent_get_timezone(vcal, name);

	return z != NULL && zone_sane(z) ? z : NULL;
}

/*
 * The zone a TZID names, once per call: libical's builtin zone for an IANA
 * name (or libical's own "/freeassociation.sourceforge.net/" form), else the
 * VTIMEZONE embedded in the calendar, whatever its name, else the IANA zone
 * of a Windows name (Outlook's "W. Europe Standard Time", often written
 * without a VTIMEZONE).  *tz is NULL when none knows it.  A name unknown in
 * one VCALENDAR is looked for again in the next one: in a CalDAV answer,
 * each object carries its own VTIMEZONEs.
 */
static int
zone_get(struct busy_ctx *x, const char *name, struct busy_zone **out)
{
	struct busy_zone	*z;
	size_t			 i;
	int			 rc;

	for (i = 0; i < x->nzones; i++) {
		z = &x->zones[i];
		if (strcmp(z->name, name) != 0)
			continue;
		if (z->tz == NULL && z->vcal != x->vcal) {
			z->tz = embedded(x->vcal, name);
			z->vcal = x->vcal;
		}
		*out = z;
		return 0;
	}
	rc = util_grow((void **)&x->zones, &x->zcap, x->nzones,
	    sizeof(*x->zones));
	if (rc < 0)
		return rc;
	z = &x->zones[x->nzones++];
	memset(z, 0, sizeof(*z));
	z->name = name;
	z->vcal = x->vcal;
	z->tz = icaltimezone_get_builtin_timezone(name);
	if (z->tz == NULL)
		z->tz = icaltimezone_get_builtin_timezone_from_tzid(name);
	if (z->tz == NULL)
		z->tz = embedded(x->vcal, name);
	if (z->tz == NULL)
		z->tz = tzwin_zone(name);
	icalerror_clear_errno();
	*out = z;
	return 0;
}

/*
 * A TZID that nobody knows: the time is read on the calendar owner's wall
 * clock, which is right far more often than any other guess, and said once
 * per name.  Skipping the event would leave its owner free at a time they
 * are busy.
 */
static int
zone_unknown(struct busy_ctx *x, struct busy_zone *z, const char *pname)
{
	const char	*own;

	if (z->warned)
		return 0;
	z->warned = 1;
	own = x->floating == x->utc ? "UTC" :
	    icaltimezone_get_location(x->floating);
	return diag_add(x->diag, x->req->source, 0, "%s%.200s%sunknown TZID "
	    "\"%.60s\" in %s: read in %s, the calendar owner's zone",
	    x->uid != NULL ? "UID " : "", x->uid != NULL ? x->uid : "",
	    x->uid != NULL ? ": " : "", z->name, pname,
	    own != NULL ? own : "the owner's zone");
}

static int
valid(struct icaltimetype t)
{
	if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999 ||
	    t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > civil_month_length(t.year, t.month))
		return 0;
	return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 &&
	    t.minute < 60 && t.second >= 0 && t.second < 61);
}

/* Resolve the value t of property p: its zone (TZID, UTC, floating). */
static int
when_read(struct busy_ctx *x, icalproperty *p, struct icaltimetype t,
    struct busy_when *w)
{
	struct busy_zone	*z;
	const char		*pname, *name;
	icalparameter		*tzid;
	int			 rc;

	pname = icalproperty_kind_to_string(icalproperty_isa(p));
	if (!valid(t))
		return fail(x, "unreadable %s", pname);
	w->t = t;
	w->tz = x->floating;
	if (t.is_date) {
		w->t.hour = w->t.minute = w->t.second = 0;
		w->t.zone = NULL;
	} else if (icaltime_is_utc(t)) {
		w->tz = x->utc;
	} else {
		w->t.zone = NULL;
		tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
		if (tzid != NULL) {
			name = icalparameter_get_tzid(tzid);
			if (name == NULL)
				name = "";
			rc = zone_get(x, name, &z);
			if (rc == 0 && z->tz == NULL)
				rc = zone_unknown(x, z, pname);
			if (rc < 0)
				return rc;
			w->tz = z->tz != NULL ? z->tz : x->floating;
			w->t.zone = w->tz;
		}
	}
	w->utc = tzconv_local_to_utc(w->tz, w->t);
	return 0;
}

/*
 * Did libical drop a value that we need?  It replaces a property it cannot
 * read by an X-LIC-ERROR naming it, and silently drops the rest of a comma
 * list after a bad item.  Errors elsewhere (a broken DESCRIPTION fold, an
 * unknown parameter) leave the times intact and are ignored.
 */
static int
lost_value(struct busy_ctx *x, icalproperty *p)
{
	static const char *const need[] = { "DTSTART", "DTEND", "DURATION",
	    "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "FREEBUSY" };
	icalparameter	*type;
	const char	*msg = icalproperty_get_xlicerror(p), *val;
	char		 pat[32];
	size_t		 i;

	type = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
	if (msg == NULL || type == NULL ||
	    icalparameter_get_xlicerrortype(type) !=
	    ICAL_XLICERRORTYPE_VALUEPARSEERROR)
		return 0;
	for (i = 0; i < TANDEM_NELEM(need); i++) {
		snprintf(pat, sizeof(pat), " %s property", need[i]);
		if (strstr(msg, pat) == NULL)
			continue;
		val = strstr(msg, "property: ");
		return fail(x, "unreadable %s%s%.80s", need[i],
		    val != NULL ? ": " : "", val != NULL ? val + 10 : "");
	}
	return 0;
}

static int
is_owner(const char *addr, const char *owner)
{
	if (addr == NULL || owner == NULL)
		return 0;
	if (strncasecmp(addr, "mailto:", 7) == 0)
		addr += 7;
	if (strncasecmp(owner, "mailto:", 7) == 0)
		owner += 7;
	return strcasecmp(addr, owner) == 0;
}

static int
read_rdate(struct busy_ctx *x, struct busy_comp *k, icalproperty *p)
{
	struct icaldatetimeperiodtype	 d = icalproperty_get_rdate(p);
	struct busy_rdate		*r;
	struct busy_when		 end;
	struct busy_length		 len;
	int				 rc;

	rc = util_grow((void **)&k->rd, &k->rdcap, k->nrd,
	    sizeof(*k->rd));
	if (rc < 0)
		return rc;
	r = &k->rd[k->nrd];
	r->end = NO_END;
	if (icaltime_is_null_time(d.period.start))
		rc = when_read(x, p, d.time, &r->w);
	else {
		rc = when_read(x, p, d.period.start, &r->w);
		if (rc == 0 && !icaltime_is_null_time(d.period.end)) {
			rc = when_read(x, p, d.period.end, &end);
			r->end = end.utc;
		} else if (rc == 0) {
			rc = length_of(x, d.period.duration, &len);
			r->end = busy_expand_end(&r->w, len);
		}
		if (rc == 0 && r->end < r->w.utc)
			rc = fail(x, "RDATE period ends before it starts");
	}
	if (rc == 0)
		k->nrd++;
	return rc;
}


/*
 * Outlook's busy status: FREE, TENTATIVE, BUSY, OOF (out of office),
 * WORKINGELSEWHERE.  Only FREE frees a time; what is not known blocks it.
 */
enum { MS_NONE, MS_FREE, MS_TENTATIVE, MS_BUSY };

static int
ms_status(const char *v)
{
	if (strcasecmp(v, "FREE") == 0)
		return MS_FREE;
	if (strcasecmp(v, "TENTATIVE") == 0)
		return MS_TENTATIVE;
	return MS_BUSY;
}

/* The properties of c into k; BAD (reason in x->why) if it is damaged. */
static int
read_comp(struct busy_ctx *x, icalcomponent *c, enum busy_what what,
    struct busy_comp *k)
{
	icalproperty		*p;
	icalparameter		*ps;
	struct busy_when	 w;
	const char		*xn, *xv;
	int			 rc = 0, status = 0, transp = 0, part = 0;
	int			 ms = MS_NONE, ims = MS_NONE, bt;
	int			 owner_seen = 0;

	memset(k, 0, sizeof(*k));
	k->c = c;
	k->what = what;
	k->ord = ++x->nth[what];
	k->uid = icalcomponent_get_uid(c);
	x->uid = k->uid;
	k->prio = 10;
	k->kind = what == BUSY_W_AVAILABILITY ? BUSY_UNAVAILABLE : BUSY_BUSY;
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
	    p != NULL && rc == 0;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		switch (icalproperty_isa(p)) {
		case ICAL_DTSTART_PROPERTY:
			if (!k->has_start)
				rc = when_read(x, p, icalproperty_get_dtstart(p),
				    &k->start);
			k->has_start = 1;
			break;
		case ICAL_DTEND_PROPERTY:
			if (!k->has_end)
				rc = when_read(x, p, icalproperty_get_dtend(p),
				    &k->end);
			k->has_end = 1;
			break;
		case ICAL_DURATION_PROPERTY:
			if (!k->has_dur)
				rc = length_of(x, icalproperty_get_duration(p),
				    &k->len);
			k->has_dur = 1;
			break;
		case ICAL_RECURRENCEID_PROPERTY:
			rc = when_read(x, p, icalproperty_get_recurrenceid(p),
			    &k->rid);
			k->has_rid = 1;
			ps = icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER);
			k->future = ps != NULL &&
			    icalparameter_get_range(ps) == ICAL_RANGE_THISANDFUTURE;
			break;
		case ICAL_RRULE_PROPERTY:
			if (k->rrule == NULL)
				k->rrule = p;
			if (icalproperty_get_rrule(p).freq == ICAL_NO_RECURRENCE)
				rc = fail(x, "unusable RRULE");
			break;
		case ICAL_RDATE_PROPERTY:
			rc = read_rdate(x, k, p);
			break;
		case ICAL_EXDATE_PROPERTY:
			rc = when_read(x, p, icalproperty_get_exdate(p), &w);
			if (rc == 0 && w.t.is_date)
				rc = push(&k->exday, civil_days(w.t.year,
				    w.t.month, w.t.day));
			else if (rc == 0)
				rc = push(&k->ex, w.utc);
			break;
		case ICAL_STATUS_PROPERTY:
			status = icalproperty_get_status(p);
			break;
		case ICAL_TRANSP_PROPERTY:
			transp = icalproperty_get_transp(p);
			break;
		case ICAL_ATTENDEE_PROPERTY:
			if (owner_seen || !is_owner(icalproperty_get_attendee(p),
			    x->req->owner))
				break;
			owner_seen = 1;
			ps = icalproperty_get_first_parameter(p,
			    ICAL_PARTSTAT_PARAMETER);
			part = ps != NULL ? (int)icalparameter_get_partstat(ps) : 0;
			break;
		case ICAL_PRIORITY_PROPERTY:
			k->prio = icalproperty_get_priority(p);
			if (k->prio < 1 || k->prio > 9)
				k->prio = 10;
			break;
		case ICAL_BUSYTYPE_PROPERTY:
			bt = icalproperty_get_busytype(p);
			if (bt == ICAL_BUSYTYPE_BUSY)
				k->kind = BUSY_BUSY;
			else if (bt == ICAL_BUSYTYPE_BUSYTENTATIVE)
				k->kind = BUSY_TENTATIVE;
			else
				k->kind = BUSY_UNAVAILABLE;
			break;
		case ICAL_XLICERROR_PROPERTY:
			rc = lost_value(x, p);
			break;
		case ICAL_X_PROPERTY:
			xn = icalproperty_get_x_name(p);
			xv = icalproperty_get_x(p);
			if (xn != NULL && strcasecmp(xn, BUSY_TRUNCATED) == 0)
				rc = fail(x, "truncated: the text ends inside it");
			else if (xn != NULL && xv != NULL &&
			    strcasecmp(xn, "X-MICROSOFT-CDO-BUSYSTATUS") == 0)
				ms = ms_status(xv);
			else if (xn != NULL && xv != NULL &&
			    strcasecmp(xn, "X-MICROSOFT-CDO-INTENDEDSTATUS") == 0)
				ims = ms_status(xv);
			break;
		default:
			break;
		}
	}
	icalerror_clear_errno();
	if (rc != 0)
		return rc;
	if (!k->has_start && what != BUSY_W_AVAILABILITY)
		return fail(x, "no DTSTART");
	if (k->has_end && k->has_start) {
		if (k->start.t.is_date && k->end.t.is_date) {
			k->len.days = civil_days(k->end.t.year, k->end.t.month,
			    k->end.t.day) - civil_days(k->start.t.year,
			    k->start.t.month, k->start.t.day);
			k->len.secs = 0;
		} else {
			k->len.days = 0;
			k->len.secs = k->end.utc - k->start.utc;
		}
		if (k->len.days < 0 || k->len.secs < 0)
			return fail(x, "DTEND before DTSTART");
	} else if (!k->has_dur && k->has_start && k->start.t.is_date)
		k->len.days = 1;
	sort(&k->ex);
	sort(&k->exday);
	if (what == BUSY_W_AVAILABILITY)
		return 0;
	/*
	 * Outlook writes X-MICROSOFT-CDO-BUSYSTATUS where others use STATUS;
	 * an invitation not yet answered may carry only the organizer's
	 * INTENDEDSTATUS.
	 */
	if (ms == MS_NONE)
		ms = ims;
	if (x->req->all_events)
		transp = ms = 0;
	if (transp == ICAL_TRANSP_TRANSPARENT ||
	    transp == ICAL_TRANSP_TRANSPARENTNOCONFLICT ||
	    status == ICAL_STATUS_CANCELLED || part == ICAL_PARTSTAT_DECLINED ||
	    ms == MS_FREE)
		k->kind = BUSY_FREE;
	else if (status == ICAL_STATUS_TENTATIVE ||
	    part == ICAL_PARTSTAT_TENTATIVE || ms == MS_TENTATIVE)
		k->kind = BUSY_TENTATIVE;
	return 0;
}

static void
comp_free(struct busy_comp *k)
{
	free(k->ex.v);
	free(k->exday.v);
	free(k->rd);
}

void
busy_expand_free(struct busy_comps *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		comp_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Read the children of parent of one kind; damaged ones are reported. */
int
busy_expand_collect(struct busy_ctx *x, icalcomponent *parent,
    icalcomponent_kind kind, enum busy_what what, struct busy_comps *l)
{
	icalcompiter		 ci;
	icalcomponent		*c;
	struct busy_comp	 k;
	int			 rc = 0;

	for (ci = icalcomponent_begin_component(parent, kind);
	    (c = icalcompiter_deref(&ci)) != NULL; icalcompiter_next(&ci)) {
		/* tandem's own sessions: the engine books them itself. */
		if (kind == ICAL_VEVENT_COMPONENT && !x->req->keep_tandem &&
		    itip_is_tandem_uid(icalcomponent_get_uid(c)))
			continue;
		rc = read_comp(x, c, what, &k);
		if (rc == 0)
			rc = util_grow((void **)&l->v, &l->cap, l->n,
			    sizeof(*l->v));
		if (rc == 0) {
			l->v[l->n++] = k;
			continue;
		}
		if (rc == BAD)
			rc = damaged(x, &k, x->why);
		comp_free(&k);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
day_of(const struct busy_when *w)
{
	return civil_days(w->t.year, w->t.month, w->t.day);
}

/* One instance of master m starting at w: removed, moved, or emitted. */
static int
instance(const struct busy_comp *m, const struct series *s,
    const struct busy_when *w, int64_t end, int64_t from, int64_t to,
    struct busy_set *out)
{
	int64_t	start = w->utc;
	int	kind = m->kind;
	size_t	i;

	if (has(&m->ex, start) || has(&m->exday, day_of(w)) ||
	    has(&s->rid, start) || has(&s->ridday, day_of(w)))
		return 0;
	if (end == NO_END)
		end = busy_expand_end(w, m->len);
	/* The latest THISANDFUTURE override before this instance moves it. */
	for (i = s->nsh; i > 0; i--)
		if (s->sh[i - 1].from < w->utc) {
			start += s->sh[i - 1].ds;
			end += s->sh[i - 1].de;
			kind = s->sh[i - 1].kind;
			break;
		}
	if (kind == BUSY_FREE)
		return 0;
	return emit(out, start, end, kind, from, to);
}

/*
 * Is the instance at w within the rule's UNTIL (RFC 5545 3.3.10: inclusive;
 * a date for all-day series, UTC for zoned ones, wall time for floating)?
 * libical applies UNTIL to its own reading of an instance, which carries a
 * spring gap's hour on and takes the later of two repeated times; so tandem
 * clears UNTIL before iterating and applies it here to the RFC instant.
 */
static int
before_until(const struct busy_when *w, struct icaltimetype until)
{
	if (icaltime_is_null_time(until))
		return 1;
	if (until.is_date)
		return day_of(w) <= civil_days(until.year, until.month, until.day);
	if (icaltime_is_utc(until))
		return w->utc <= tzconv_local_to_utc(icaltimezone_get_utc_timezone(),
		    until);
	return w->utc <= tzconv_local_to_utc(w->tz, until);
}

/*
 * Start the walk of the rule near the window, not at DTSTART: a weekly
 * series that began years ago is otherwise walked instance by instance
 * through libical's ICU-backed iterator.  The walk starts early enough for
 * an instance to reach from: its length (a day more for a DST change), the
 * latest THISANDFUTURE move, and two days.  Not for COUNT, which counts
 * from DTSTART (libical refuses it too).
 */
static void
skip_ahead(icalrecur_iterator *it, const struct busy_comp *m,
    const struct series *s, const struct icalrecurrencetype *r, int64_t from)
{
	struct icaltimetype	st;
	int64_t			t, late = 0;
	size_t			i;

	if (r->count > 0)
		return;
	for (i = 0; i < s->nsh; i++) {
		if (s->sh[i].ds > late)
			late = s->sh[i].ds;
		if (s->sh[i].de > late)
			late = s->sh[i].de;
	}
	t = from - (m->len.days + 3) * 86400 - m->len.secs - late;
	if (t <= m->start.utc + 2 * 86400)
		return;
	st = icaltime_from_timet_with_zone((time_t)t, m->start.t.is_date, m->start.tz);
	st.zone = m->start.t.zone;	/* floating stays floating */
	if (!icalrecur_iterator_set_start(it, st))
		icalerror_clear_errno();
}

/*
 * A series too long to expand (an endless FREQ=SECONDLY, a year typed 1010):
 * what it did not cover of the window, from `at` on, is busy.  Ignoring the
 * rest would leave its owner free at times the series may well hold.
 */
enum { CUT_COUNT, CUT_TIME, CUT_CALENDAR };

static int
cut(struct busy_ctx *x, struct busy_comp *m, int64_t at, int64_t to,
    struct busy_set *out, int why_cut)
{
	static const char *const text[] = {
		"more than 100000 instances",
		"its instances take more than 2 s to expand",
		"the calendar takes more than 10 s to expand"
	};
	char	why[200], when[40];
	int	kind = m->kind == BUSY_FREE ? BUSY_BUSY : m->kind;
	int	rc;

	if (x->req->stats != NULL)
		x->req->stats->cut++;
	tzconv_format(x->utc, at, when, sizeof(when));
	snprintf(why, sizeof(why), "%s: taken as busy from %s UTC to the end of "
	    "the window", text[why_cut], when);
	rc = emit(out, at, to, kind, at, to);
	if (rc == 0)
		rc = report(x, m, why);
	return rc;
}

/*
 * The instances of master m: DTSTART (always the first, RFC 5545 3.8.5.3,
 * though libical skips it when the rule does not match it), the RRULE's,
 * and the RDATEs.  The rule is walked from DTSTART and stops at the window's
 * end, allowing for a THISANDFUTURE override that moves instances earlier,
 * or at UNTIL.
 */
static int
expand(struct busy_ctx *x, struct busy_comp *m, const struct series *s,
    int64_t from, int64_t to, struct busy_set *out)
{
	struct icalrecurrencetype	 r;
	icalrecur_iterator		*it;
	struct icaltimetype		 t, until;
	struct busy_when		 w;
	size_t				 i, n, count = 0;
	int64_t				 t0 = util_clock_ns();
	int				 fixed, rc;

	if (m->kind == BUSY_FREE && s->nsh == 0)
		return 0;
	if (m->rrule != NULL && t0 - x->t0 > MAX_CALENDAR_NS)
		return cut(x, m, from, to, out, CUT_CALENDAR);
	rc = instance(m, s, &m->start, NO_END, from, to, out);
	for (i = 0; i < m->nrd && rc == 0; i++)
		rc = instance(m, s, &m->rd[i].w, m->rd[i].end, from, to, out);
	if (rc < 0 || m->rrule == NULL)
		return rc;
	r = icalproperty_get_rrule(m->rrule);
	until = r.until;
	r.until = icaltime_null_time();
	it = icalrecur_iterator_new(r, m->start.t);
	icalerror_clear_errno();
	if (it == NULL)
		return 0;	/* no date matches (BYMONTHDAY=30;BYMONTH=2) */
	skip_ahead(it, m, s, &r, from);
	/*
	 * libical (with ICU) carries the hour that a spring gap moved 02:30 to
	 * into every later instance; without BYHOUR and the like, every
	 * instance of a daily or rarer rule has DTSTART's wall time.
	 */
	fixed = !m->start.t.is_date && r.freq >= ICAL_DAILY_RECURRENCE &&
	    r.freq <= ICAL_YEARLY_RECURRENCE &&
	    r.by_hour[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r.by_minute[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r.by_second[0] == ICAL_RECURRENCE_ARRAY_MAX;
	w.tz = m->start.tz;
	w.utc = m->start.utc;
	for (;;) {
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		if (++count > MAX_INSTANCES || (count % 256 == 0 &&
		    util_clock_ns() - t0 > MAX_EXPAND_NS)) {
			rc = cut(x, m, w.utc > from ? w.utc : from, to, out,
			    count > MAX_INSTANCES ? CUT_COUNT : CUT_TIME);
			break;
		}
		if (fixed) {
			t.hour = m->start.t.hour;
			t.minute = m->start.t.minute;
			t.second = m->start.t.second;
		}
		w.t = t;
		w.utc = tzconv_local_to_utc(w.tz, t);
		if (w.utc + s->lead >= to || !before_until(&w, until))
			break;
		if (w.utc <= m->start.utc)
			continue;
		n = out->n;
		rc = instance(m, s, &w, NO_END, from, to, out);
		if (rc < 0)
			break;
		/* One instance over the whole window: the rest add nothing. */
		if (out->n > n && s->nsh == 0 && out->v[n].start <= from &&
		    out->v[n].end >= to)
			break;
	}
	icalrecur_iterator_free(it);
	icalerror_clear_errno();
	return rc;
}

static int
cmp_comp(const void *a, const void *b)
{
	const struct busy_comp	*p = a, *q = b;
	int			 c;

	if (p->uid == NULL || q->uid == NULL)
		return (p->uid == NULL) - (q->uid == NULL);
	c = strcmp(p->uid, q->uid);
	return c != 0 ? c : p->has_rid - q->has_rid;
}

static int
cmp_shift(const void *a, const void *b)
{
	const struct shift	*p = a, *q = b;

	return (p->from > q->from) - (p->from < q->from);
}

/* One UID: its masters (sorted first) and overrides. */
static int
expand_uid(struct busy_ctx *x, struct busy_comp *v, size_t n, int64_t from,
    int64_t to, struct busy_set *out)
{
	struct series		 s;
	struct busy_comp	*m = v[0].has_rid ? NULL : &v[0], *o;
	struct shift		*sh;
	size_t			 i, shcap = 0;
	int			 rc = 0;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < n && rc == 0; i++) {
		o = &v[i];
		if (!o->has_rid)
			continue;
		if (o->rid.t.is_date)
			rc = push(&s.ridday, day_of(&o->rid));
		else
			rc = push(&s.rid, o->rid.utc);
		if (rc == 0 && o->kind != BUSY_FREE)
			rc = emit(out, o->start.utc,
			    busy_expand_end(&o->start, o->len), o->kind, from, to);
		if (rc < 0 || !o->future || m == NULL)
			continue;
		rc = util_grow((void **)&s.sh, &shcap, s.nsh,
		    sizeof(*s.sh));
		if (rc < 0)
			break;
		sh = &s.sh[s.nsh++];
		sh->from = o->rid.utc;
		sh->ds = o->start.utc - o->rid.utc;
		sh->de = busy_expand_end(&o->start, o->len) -
		    busy_expand_end(&o->rid, m->len);
		sh->kind = o->kind;
		if (sh->ds < s.lead)
			s.lead = sh->ds;
	}
	sort(&s.rid);
	sort(&s.ridday);
	if (s.nsh > 0)
		qsort(s.sh, s.nsh, sizeof(*s.sh), cmp_shift);
	for (i = 0; i < n && rc == 0; i++)
		if (!v[i].has_rid)
			rc = expand(x, &v[i], &s, from, to, out);
	free(s.rid.v);
	free(s.ridday.v);
	free(s.sh);
	return rc;
}

int
busy_expand_series(struct busy_ctx *x, struct busy_comps *l, int64_t from,
    int64_t to, struct busy_set *out)
{
	size_t	i, j;
	int	rc = 0;

	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), cmp_comp);
	for (i = 0; i < l->n && rc == 0; i = j) {
		for (j = i + 1; l->v[i].uid != NULL && j < l->n &&
		    l->v[j].uid != NULL &&
		    strcmp(l->v[i].uid, l->v[j].uid) == 0; j++)
			;
		rc = expand_uid(x, &l->v[i], j - i, from, to, out);
	}
	return rc;
}

/* FREEBUSY periods; a bad period is reported and the others still count. */
int
busy_expand_freebusy(struct busy_ctx *x, icalcomponent *c)
{
	struct icalperiodtype	 per;
	struct busy_comp	 id;
	icalproperty		*p;
	icalparameter		*fb;
	struct busy_when	 s, e;
	struct busy_length	 len;
	int			 kind, rc = 0;

	memset(&id, 0, sizeof(id));
	id.what = BUSY_W_FREEBUSY;
	id.ord = ++x->nth[BUSY_W_FREEBUSY];
	id.uid = icalcomponent_get_uid(c);
	x->uid = id.uid;
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
	    p != NULL && rc >= 0;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		rc = 0;
		if (icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY)
			rc = lost_value(x, p);
		else if (icalproperty_isa(p) == ICAL_X_PROPERTY &&
		    icalproperty_get_x_name(p) != NULL &&
		    strcasecmp(icalproperty_get_x_name(p), BUSY_TRUNCATED) == 0)
			rc = fail(x, "truncated: the text ends inside it");
		if (rc == BAD)
			rc = damaged(x, &id, x->why);
		if (rc != 0 || icalproperty_isa(p) != ICAL_FREEBUSY_PROPERTY)
			continue;
		fb = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
		kind = fb != NULL ? (int)icalparameter_get_fbtype(fb) :
		    ICAL_FBTYPE_BUSY;
		if (kind == ICAL_FBTYPE_FREE)
			continue;
		if (kind == ICAL_FBTYPE_BUSYTENTATIVE)
			kind = BUSY_TENTATIVE;
		else if (kind == ICAL_FBTYPE_BUSYUNAVAILABLE)
			kind = BUSY_UNAVAILABLE;
		else
			kind = BUSY_BUSY;	/* also an unknown FBTYPE */
		per = icalproperty_get_freebusy(p);
		rc = when_read(x, p, per.start, &s);
		if (rc == 0 && !icaltime_is_null_time(per.end))
			rc = when_read(x, p, per.end, &e);
		else if (rc == 0) {
			rc = length_of(x, per.duration, &len);
			e.utc = busy_expand_end(&s, len);
		}
		if (rc == 0 && e.utc < s.utc)
			rc = fail(x, "FREEBUSY period ends before it starts");
		if (rc == 0)
			rc = emit(x->out, s.utc, e.utc, kind, x->req->from,
			    x->req->to);
		else if (rc == BAD)
			rc = damaged(x, &id, x->why);
	}
	icalerror_clear_errno();
	return rc;
}
