/*
 * freebusy: the free/busy request tandem sends to a schedule-outbox, and the
 * answers it reads from a schedule-outbox or a free-busy-query.
 *
 * The periods themselves are read by the busy layer: busy_from_ical()
 * already knows VFREEBUSY (FBTYPE, start/end and start/duration periods,
 * comma lists, clipping to the window).  What it does not judge is whether
 * an answer can be trusted at all.  For a person's calendar it reads what it
 * can of a damaged or truncated text and reports the rest to a diag, which
 * is right there and wrong here, where a skipped period would read as free
 * time.  So a text is first checked line by line (complete VCALENDARs,
 * components closed in order, a VFREEBUSY, a range that covers the one
 * asked) and any diag message from the busy layer is then a refusal.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "tandem-int.h"
#include "busy.h"
#include "dav_xml.h"
#include "freebusy.h"

#define MAX_DEPTH	8	/* deeper nesting is no free/busy answer */
#define EXCERPT		64	/* bytes of foreign text quoted in a reason */

/* One physical line of a text, without its line end. */
struct line {
	const char	*p;
	size_t		 n;
	int		 no;	/* 1 for the first */
};

/* What the line-by-line check of a text found. */
struct shape {
	int		ncal;	/* complete top-level VCALENDARs */
	int		nfb;	/* complete VFREEBUSYs directly inside one */
	int		ranged;	/* every VFREEBUSY stated a readable range */
	struct busy_set	ranges;	/* those ranges */
};

static void say(char *why, size_t whylen, const char *fmt, ...)
    TANDEM_PRINTF(3, 4);

static void
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/*
 * s[0..len) cut to fit dst (at a UTF-8 character boundary), with control
 * characters as '?': server text goes into log lines.
 */
static void
excerpt(char *dst, size_t size, const char *s, size_t len)
{
	size_t	i, n = len < size - 1 ? len : size - 1;

	if (n < len)
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	for (i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[n] = '\0';
}

static int
add(struct busy_set *set, int64_t start, int64_t end, int kind)
{
	int	rc;

	rc = util_grow((void **)&set->v, &set->cap, set->n, sizeof(*set->v));
	if (rc < 0)
		return rc;
	set->v[set->n].start = start;
	set->v[set->n].end = end;
	set->v[set->n].kind = kind;
	set->n++;
	return 0;
}

/* addr without blanks around it and without "mailto:", as [*p, *p + *n). */
static void
bare(const char *addr, const char **p, size_t *n)
{
	while (isspace((unsigned char)*addr))
		addr++;
	if (strncasecmp(addr, "mailto:", 7) == 0)
		addr += 7;
	*p = addr;
	*n = strlen(addr);
	while (*n > 0 && isspace((unsigned char)addr[*n - 1]))
		(*n)--;
}

/* in clipped to [from, to), as one kind, sorted and merged, into *out. */
static int
flat_copy(const struct busy_set *in, int64_t from, int64_t to,
    struct busy_set *out)
{
	size_t	i;
	int64_t	s, e;
	int	rc = 0;

	for (i = 0; i < in->n && rc == 0; i++) {
		s = in->v[i].start > from ? in->v[i].start : from;
		e = in->v[i].end < to ? in->v[i].end : to;
		if (s < e)
			rc = add(out, s, e, 0);
	}
	if (rc == 0)
		rc = busy_merge(out);
	return rc;
}

/*
 * The first stretch of [from, to) that exactly one of a and b (sorted,
 * merged, as flat_copy() makes them) covers: 1 with [*s, *e) and whether a
 * is the busy side, or 0 when they cover the same time.
 */
static int
first_difference(const struct busy_set *a, const struct busy_set *b,
    int64_t from, int64_t to, int64_t *s, int64_t *e, int *a_busy)
{
	size_t	i = 0, j = 0;
	int64_t	t = from, na, nb;
	int	ia, ib;

	while (t < to) {
		while (i < a->n && a->v[i].end <= t)
			i++;
		while (j < b->n && b->v[j].end <= t)
			j++;
		ia = i < a->n && a->v[i].start <= t;
		ib = j < b->n && b->v[j].start <= t;
		/* Where each next changes; always past t. */
		na = ia ? a->v[i].end : i < a->n ? a->v[i].start : to;
		nb = ib ? b->v[j].end : j < b->n ? b->v[j].start : to;
		if (na > to)
			na = to;
		if (nb > to)
			nb = to;
		if (ia != ib) {
			*s = t;
			*e = na < nb ? na : nb;
			*a_busy = ia;
			return 1;
		}
		t = na < nb ? na : nb;
	}
	return 0;
}

/* "2027-03-02T08:00Z", or only "08:00Z" without date; seconds when any. */
static void
stamp(char *buf, size_t size, int64_t t, int date)
{
	int32_t	day = civil_day_of(t);
	int	y, m, d, sec = (int)(t - (int64_t)day * 86400);
	char	hm[32];

	if (sec % 60 != 0)
		snprintf(hm, sizeof(hm), "%02d:%02d:%02dZ", sec / 3600,
		    sec / 60 % 60, sec % 60);
	else
		snprintf(hm, sizeof(hm), "%02d:%02dZ", sec / 3600, sec / 60 % 60);
	civil_from_days(day, &y, &m, &d);
	if (date)
		snprintf(buf, size, "%04d-%02d-%02dT%s", y, m, d, hm);
	else
		snprintf(buf, size, "%s", hm);
}

/* "2027-03-02T08:00Z–09:00Z"; the end's date only when it differs. */
static void
span(char *buf, size_t size, int64_t s, int64_t e)
{
	char	a[48], b[48];

	stamp(a, sizeof(a), s, 1);
	stamp(b, sizeof(b), e, civil_day_of(s) != civil_day_of(e));
	snprintf(buf, size, "%s\xE2\x80\x93%s", a, b);
}

/* s is neither empty nor holds a control character (no line injection). */
static int
plain(const char *s)
{
	const unsigned char	*p;

	if (s == NULL || *s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int
address_ok(const char *addr)
{
	const char	*p;
	size_t		 n;

	if (!plain(addr))
		return 0;
	bare(addr, &p, &n);
	return n > 0;
}

/* addr as a "mailto:" URI (caller frees), or NULL. */
static char *
mailto(const char *addr)
{
	const char	*p;
	char		*s = NULL;
	size_t		 n;

	bare(addr, &p, &n);
	if (asprintf(&s, "mailto:%.*s", (int)n, p) < 0)
		return NULL;
	return s;
}

static struct icaltimetype
utc(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

/* Add p to c; a NULL p is libical out of memory. */
static int
put(icalcomponent *c, icalproperty *p)
{
	if (p == NULL)
		return TANDEM_ENOMEM;
	icalcomponent_add_property(c, p);
	return 0;
}

/* ORGANIZER or ATTENDEE (as new makes it) with addr as a mailto: URI. */
static int
put_address(icalcomponent *c, icalproperty *(*new)(const char *),
    const char *addr)
{
	char	*uri = mailto(addr);
	int	 rc;

	if (uri == NULL)
		return TANDEM_ENOMEM;
	rc = put(c, new(uri));
	free(uri);
	return rc;
}

int
freebusy_request(const struct freebusy_query *q, char **text)
{
	icalcomponent	*vcal = NULL, *fb = NULL;
	size_t		 i;
	int		 rc = 0;

	if (tandem_fails_assert(q != NULL && text != NULL))
		return TANDEM_EINVAL;
	*text = NULL;
	if (!plain(q->uid) || !address_ok(q->organizer) || q->nattendees == 0 ||
	    q->attendees == NULL || q->from >= q->to)
		return TANDEM_EINVAL;
	for (i = 0; i < q->nattendees; i++)
		if (!address_ok(q->attendees[i]))
			return TANDEM_EINVAL;

	vcal = icalcomponent_new_vcalendar();
	fb = icalcomponent_new_vfreebusy();
	if (vcal == NULL || fb == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	rc = put(vcal, icalproperty_new_prodid("-//tandem//tandem "
	    PACKAGE_VERSION "//EN"));
	if (rc == 0)
		rc = put(vcal, icalproperty_new_version("2.0"));
	if (rc == 0)
		rc = put(vcal, icalproperty_new_method(ICAL_METHOD_REQUEST));
	if (rc == 0)
		rc = put(fb, icalproperty_new_uid(q->uid));
	if (rc == 0)
		rc = put(fb, icalproperty_new_dtstamp(utc(q->dtstamp)));
	if (rc == 0)
		rc = put(fb, icalproperty_new_dtstart(utc(q->from)));
	if (rc == 0)
		rc = put(fb, icalproperty_new_dtend(utc(q->to)));
	if (rc == 0)
		rc = put_address(fb, icalproperty_new_organizer, q->organizer);
	for (i = 0; i < q->nattendees && rc == 0; i++)
		rc = put_address(fb, icalproperty_new_attendee, q->attendees[i]);
	if (rc < 0)
		goto out;
	icalcomponent_add_component(vcal, fb);
	fb = NULL;			/* vcal owns it now */
	*text = icalcomponent_as_ical_string_r(vcal);
	if (*text == NULL)
		rc = TANDEM_ENOMEM;
out:
	if (fb != NULL)
		icalcomponent_free(fb);
	if (vcal != NULL)
		icalcomponent_free(vcal);
	icalerror_clear_errno();
	return rc;
}

/* The line at *p into l, and *p past it; 0 at the end of the text. */
static int
next_line(const char **p, struct line *l)
{
	const char	*s = *p, *nl;

	if (*s == '\0')
		return 0;
	nl = strchr(s, '\n');
	l->p = s;
	l->n = nl != NULL ? (size_t)(nl - s) : strlen(s);
	*p = nl != NULL ? nl + 1 : s + l->n;
	if (l->n > 0 && s[l->n - 1] == '\r')
		l->n--;
	l->no++;
	return 1;
}

/*
 * Is l the content line "name:value" or "name;params:value" (the name in
 * any case, blanks before the colon as libical allows)?  Then its value,
 * without trailing blanks, and whether it had parameters.
 */
static int
prop(const struct line *l, const char *name, const char **val, size_t *vlen,
    int *params)
{
	const char	*colon;
	size_t		 k = strlen(name), i;

	if (l->n < k || strncasecmp(l->p, name, k) != 0)
		return 0;
	for (i = k; i < l->n && (l->p[i] == ' ' || l->p[i] == '\t'); i++)
		;
	if (i >= l->n || (l->p[i] != ':' && l->p[i] != ';'))
		return 0;
	colon = memchr(l->p + i, ':', l->n - i);
	if (colon == NULL)
		return 0;
	*params = l->p[i] == ';';
	*val = colon + 1;
	*vlen = l->n - (size_t)(*val - l->p);
	while (*vlen > 0 && ((*val)[*vlen - 1] == ' ' || (*val)[*vlen - 1] == '\t'))
		(*vlen)--;
	return 1;
}

static int
is(const char *v, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(v, word, n) == 0;
}

/* A DATE-TIME "YYYYMMDDTHHMMSS[Z]" or DATE "YYYYMMDD", read as UTC. */
static int
read_utc(const char *v, size_t n, int64_t *t)
{
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	int		 f[6] = { 0, 0, 0, 0, 0, 0 }, i, k;
	size_t		 at = 0;

	if (n != 8 && n != 15 && n != 16)
		return -1;
	for (i = 0; i < 6; i++) {
		if (i == 3 && n == 8)
			break;
		if (i == 3 && v[at++] != 'T')
			return -1;
		for (k = 0; k < width[i]; k++, at++) {
			if (!isdigit((unsigned char)v[at]))
				return -1;
			f[i] = f[i] * 10 + (v[at] - '0');
		}
	}
	if (n == 16 && v[15] != 'Z')
		return -1;
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 ||
	    f[2] > civil_month_length(f[0], f[1]) || f[3] > 23 || f[4] > 59 ||
	    f[5] > 60)
		return -1;
	*t = (int64_t)civil_days(f[0], f[1], f[2]) * 86400 + f[3] * 3600 +
	    f[4] * 60 + f[5];
	return 0;
}

/*
 * Check the shape of a free/busy text: only VCALENDARs at the top, every
 * component closed by its own END, at least one VFREEBUSY, and the range of
 * each.  A range written with parameters (a TZID, which RFC 5545 forbids
 * here) or folded is not read; sh->ranged then says the ranges are unknown.
 */
static int
shape(const char *text, struct shape *sh, char *why, size_t whylen)
{
	struct line	 l = { NULL, 0, 0 };
	struct line	 open[MAX_DEPTH];	/* the name each BEGIN gave */
	const char	*p = text, *val;
	char		 a[EXCERPT + 1], b[EXCERPT + 1];
	size_t		 vlen;
	int64_t		 start = 0, end = 0;
	int		 depth = 0, params, infb = 0, last = 0;
	int		 has_start = 0, has_end = 0, rc;

	sh->ranged = 1;
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;		/* a UTF-8 byte order mark */
	while (next_line(&p, &l)) {
		if (l.n > 0 && (l.p[0] == ' ' || l.p[0] == '\t')) {
			if (last == 1)
				has_start = 0;
			else if (last == 2)
				has_end = 0;
			continue;
		}
		last = 0;
		if (prop(&l, "BEGIN", &val, &vlen, &params)) {
			excerpt(a, sizeof(a), val, vlen);
			if (depth == MAX_DEPTH) {
				say(why, whylen, "line %d: components nested "
				    "deeper than %d", l.no, MAX_DEPTH);
				return TANDEM_EPARSE;
			}
			if (depth == 0 && !is(val, vlen, "VCALENDAR")) {
				say(why, whylen, "line %d: BEGIN:%s outside a "
				    "VCALENDAR", l.no, a);
				return TANDEM_EPARSE;
			}
			open[depth].p = val;
			open[depth].n = vlen;
			depth++;
			if (depth == 2 && is(val, vlen, "VFREEBUSY")) {
				infb = 1;
				has_start = has_end = 0;
			}
		} else if (prop(&l, "END", &val, &vlen, &params)) {
			excerpt(a, sizeof(a), val, vlen);
			if (depth == 0) {
				say(why, whylen, "line %d: END:%s with nothing "
				    "open", l.no, a);
				return TANDEM_EPARSE;
			}
			if (vlen != open[depth - 1].n ||
			    strncasecmp(val, open[depth - 1].p, vlen) != 0) {
				excerpt(b, sizeof(b), open[depth - 1].p,
				    open[depth - 1].n);
				say(why, whylen, "line %d: END:%s closes "
				    "BEGIN:%s", l.no, a, b);
				return TANDEM_EPARSE;
			}
			if (depth == 2 && infb) {
				sh->nfb++;
				infb = 0;
				if (has_start && has_end && start < end) {
					rc = add(&sh->ranges, start, end, 0);
					if (rc < 0)
						return rc;
				} else
					sh->ranged = 0;
			} else if (depth == 1)
				sh->ncal++;
			depth--;
		} else if (depth == 2 && infb &&
		    prop(&l, "DTSTART", &val, &vlen, &params)) {
			has_start = !params && read_utc(val, vlen, &start) == 0;
			last = 1;
		} else if (depth == 2 && infb &&
		    prop(&l, "DTEND", &val, &vlen, &params)) {
			has_end = !params && read_utc(val, vlen, &end) == 0;
			last = 2;
		} else if (depth == 0 && l.n > 0) {
			excerpt(a, sizeof(a), l.p, l.n);
			say(why, whylen, "not iCalendar: line %d is \"%s\"", l.no,
			    a);
			return TANDEM_EPARSE;
		}
	}
	if (depth > 0) {
		excerpt(a, sizeof(a), open[depth - 1].p, open[depth - 1].n);
		say(why, whylen, "truncated: the text ends inside %s", a);
		return TANDEM_EPARSE;
	}
	if (sh->ncal == 0) {
		say(why, whylen, "not iCalendar: no VCALENDAR");
		return TANDEM_EPARSE;
	}
	if (sh->nfb == 0) {
		say(why, whylen, "no VFREEBUSY in the calendar");
		return TANDEM_EPARSE;
	}
	return 0;
}

/*
 * The busy time of a free/busy text within [from, to), merged per kind, in
 * *out (emptied first, and empty again on error).
 */
static int
read_text(const char *text, int64_t from, int64_t to, struct busy_set *out,
    char *why, size_t whylen)
{
	struct shape		 sh;
	struct busy_set		 asked = { NULL, 0, 0 };
	struct busy_req		 req;
	struct tandem_diag	*d = NULL;
	char			 gap[128];
	int64_t			 s, e;
	int			 a_busy, rc;

	memset(&sh, 0, sizeof(sh));
	out->n = 0;
	rc = shape(text, &sh, why, whylen);
	if (rc < 0)
		goto out;
	if (sh.ranged) {
		rc = busy_merge(&sh.ranges);
		if (rc == 0)
			rc = add(&asked, from, to, 0);
		if (rc < 0)
			goto out;
		if (first_difference(&sh.ranges, &asked, from, to, &s, &e,
		    &a_busy)) {
			span(gap, sizeof(gap), s, e);
			say(why, whylen, "the VFREEBUSY does not cover %s (its "
			    "DTSTART/DTEND are narrower than the range asked)",
			    gap);
			rc = TANDEM_ERANGE;
			goto out;
		}
	}
	d = tandem_diag_new();
	if (d == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.from = from;
	req.to = to;
	rc = busy_from_ical(&req, text, out, d);
	/* A period the busy layer skipped would read as free time. */
	if (rc == 0 && tandem_diag_count(d) > 0)
		rc = TANDEM_EPARSE;
	if (rc == TANDEM_EPARSE)
		say(why, whylen, "%s", tandem_diag_count(d) > 0 ?
		    tandem_diag_get(d, 0) : "not iCalendar");
	if (rc == 0)
		rc = busy_merge(out);
out:
	if (rc == TANDEM_ENOMEM)
		say(why, whylen, "out of memory");
	if (rc < 0)
		out->n = 0;
	tandem_diag_free(d);
	busy_set_free(&sh.ranges);
	busy_set_free(&asked);
	return rc;
}

/* Do a and b name the same calendar user, "mailto:" or not? */
static int
same_address(const char *a, const char *b)
{
	const char	*pa, *pb;
	size_t		 na, nb;

	if (a == NULL || b == NULL)
		return 0;
	bare(a, &pa, &na);
	bare(b, &pb, &nb);
	return na > 0 && na == nb && strncasecmp(pa, pb, na) == 0;
}

/*
 * The class of a request-status ("2.0;Success": 2), or -1 when it does not
 * start with a statcode, 1*DIGIT 1*2("." 1*DIGIT) (RFC 5545 §3.8.8.3),
 * followed by ';' or the end.
 */
static int
status_class(const char *s)
{
	int	cls = 0, dots = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		cls = cls * 10 + (*s - '0');
		if (cls > 99)
			return -1;
	}
	while (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
		dots++;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (dots < 1 || dots > 2 || (*s != ';' && *s != '\0'))
		return -1;
	return cls;
}

int
freebusy_from_schedule(const struct dav_sched_item *v, size_t n,
    const char *recipient, int64_t from, int64_t to, struct busy_set *out,
    char *why, size_t whylen)
{
	const struct dav_sched_item	*it = NULL;
	const char			*rp;
	char				 who[EXCERPT + 1], st[EXCERPT + 1];
	char				 inner[256];
	size_t				 rn, i;
	int				 cls, rc;

	if (tandem_fails_assert(out != NULL && recipient != NULL &&
	    (v != NULL || n == 0) && from < to))
		return TANDEM_EINVAL;
	out->n = 0;
	bare(recipient, &rp, &rn);
	excerpt(who, sizeof(who), rp, rn);
	for (i = 0; i < n && it == NULL; i++)
		if (same_address(v[i].recipient, recipient))
			it = &v[i];
	if (it == NULL) {
		say(why, whylen, "recipient %s: not in the answer", who);
		return TANDEM_ENOENT;
	}
	if (it->request_status == NULL) {
		say(why, whylen, "recipient %s: no request-status", who);
		return TANDEM_EPARSE;
	}
	excerpt(st, sizeof(st), it->request_status, strlen(it->request_status));
	cls = status_class(it->request_status);
	if (cls < 0) {
		say(why, whylen, "recipient %s: unreadable request-status \"%s\"",
		    who, st);
		return TANDEM_EPARSE;
	}
	if (cls != 2) {
		say(why, whylen, "recipient %s: %s", who, st);
		return TANDEM_EIO;
	}
	if (it->calendar_data == NULL) {
		say(why, whylen, "recipient %s: %s but no calendar-data", who, st);
		return TANDEM_EPARSE;
	}
	rc = read_text(it->calendar_data, from, to, out, inner, sizeof(inner));
	if (rc < 0)
		say(why, whylen, "recipient %s: %s", who, inner);
	return rc;
}

int
freebusy_from_report(const char *body, size_t len, const char *content_type,
    int64_t from, int64_t to, struct busy_set *out, char *why, size_t whylen)
{
	const char	*t;
	char		*text = NULL, type[EXCERPT + 1];
	size_t		 tn;
	int		 rc;

	if (tandem_fails_assert(out != NULL && (body != NULL || len == 0) &&
	    from < to))
		return TANDEM_EINVAL;
	out->n = 0;
	if (content_type == NULL) {
		say(why, whylen, "not a calendar: no Content-Type");
		return TANDEM_EPARSE;
	}
	for (t = content_type; *t == ' ' || *t == '\t'; t++)
		;
	for (tn = 0; t[tn] != '\0' && t[tn] != ';' && t[tn] != ' ' &&
	    t[tn] != '\t'; tn++)
		;
	if (!is(t, tn, "text/calendar")) {
		excerpt(type, sizeof(type), t, tn);
		say(why, whylen, "not a calendar: %s", type);
		return TANDEM_EPARSE;
	}
	if (len > 0 && memchr(body, '\0', len) != NULL) {
		say(why, whylen, "not a calendar: a NUL byte in the body");
		return TANDEM_EPARSE;
	}
	text = util_strndup(len > 0 ? body : "", len);
	if (text == NULL) {
		say(why, whylen, "out of memory");
		return TANDEM_ENOMEM;
	}
	rc = read_text(text, from, to, out, why, whylen);
	free(text);
	return rc;
}

int
freebusy_agrees(const struct busy_set *fb, const struct busy_set *events,
    int64_t from, int64_t to, char *why, size_t whylen)
{
	struct busy_set	a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	char		where[128];
	int64_t		s, e;
	int		fb_busy, rc;

	if (tandem_fails_assert(fb != NULL && events != NULL))
		return TANDEM_EINVAL;
	rc = flat_copy(fb, from, to, &a);
	if (rc == 0)
		rc = flat_copy(events, from, to, &b);
	if (rc < 0)
		goto out;
	rc = 1;
	if (first_difference(&a, &b, from, to, &s, &e, &fb_busy)) {
		span(where, sizeof(where), s, e);
		if (fb_busy)
			say(why, whylen, "free/busy says busy %s where no event "
			    "is", where);
		else
			say(why, whylen, "free/busy says free %s where an event "
			    "is busy", where);
		rc = 0;
	}
out:
	busy_set_free(&a);
	busy_set_free(&b);
	return rc;
}

/* The first of the sorted, disjoint cuts c that ends after t. */
static size_t
first_cut_after(const struct busy_set *c, int64_t t)
{
	size_t	lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->v[mid].end <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
freebusy_subtract(struct busy_set *set, const struct busy *cut, size_t n)
{
	struct busy_set		 c = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	const struct busy	*b;
	size_t			 i, k;
	int64_t			 s;
	int			 rc = 0;

	if (tandem_fails_assert(set != NULL && (cut != NULL || n == 0)))
		return TANDEM_EINVAL;
	for (i = 0; i < n && rc == 0; i++)
		if (cut[i].start < cut[i].end)
			rc = add(&c, cut[i].start, cut[i].end, 0);
	if (rc == 0)
		rc = busy_merge(&c);
	if (rc < 0 || c.n == 0)
		goto out;
	for (i = 0; i < set->n && rc == 0; i++) {
		b = &set->v[i];
		s = b->start;
		for (k = first_cut_after(&c, s); k < c.n && s < b->end &&
		    c.v[k].start < b->end && rc == 0; k++) {
			if (c.v[k].start > s)
				rc = add(&out, s, c.v[k].start, b->kind);
			s = c.v[k].end;
		}
		if (rc == 0 && s < b->end)
			rc = add(&out, s, b->end, b->kind);
	}
	if (rc < 0)
		goto out;
	busy_set_free(set);
	*set = out;
	memset(&out, 0, sizeof(out));
out:
	busy_set_free(&c);
	busy_set_free(&out);
	return rc;
}
