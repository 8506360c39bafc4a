/*
 * Skim: drop from an iCalendar text, before libical parses it, the events
 * that cannot touch the window, and from the events kept the properties the
 * busy layer never reads.  libical's parse is most of the cost of a calendar
 * (shared/PERFORMANCE-NOTES.md: ~50 MB/s, a third of it malloc), a
 * person-year of meetings is read for a window of a few weeks, and most of
 * an event's bytes are its DESCRIPTION, attendees and alarms.
 *
 * The promise: busy_from_ical() says the same with the skim as without it,
 * whatever the text: the same intervals, and the same messages (a damaged
 * event reported, in the same words).  So the skim reads the text as
 * libical 3.0's parser does (icalparser.c) and pairs each BEGIN with the
 * END that libical pairs it with:
 *
 *   - content lines are unfolded as icalparser_get_line() does: a line that
 *     ends in LF, and is more than that LF, goes on when the next starts
 *     with a space or a tab, which goes with the LF and one CR before it;
 *     the white space at the end of the whole line goes ("END:VEVENT " ends
 *     a VEVENT);
 *   - a line's name runs to its first ';' or ':' outside double quotes,
 *     never its first byte nor one after a backslash, less the white space
 *     before it, and is compared without case;
 *   - any END closes the innermost component, whatever it names ("END:" and
 *     "END:VTODO" close a VEVENT too), and busy.c drops an END with nothing
 *     open; any BEGIN opens one ("BEGIN:" too), a VEVENT when its value
 *     starts with "VEVENT" in any case.
 *
 * Only what is certain goes: a VEVENT of a VCALENDAR, between plain
 * BEGIN:VEVENT and END:VEVENT lines, without RRULE, RDATE, EXRULE, EXDATE,
 * RECURRENCE-ID, FREEBUSY, X-LIC-ERROR or X-TANDEM-TRUNCATED, with one
 * DTSTART and at most one DTEND or DURATION written plainly in UTC, as a
 * date, floating, or in a zone built into libical (an embedded VTIMEZONE
 * may say anything, and which one a name means depends on the events
 * read before), which libical reads as busy_expand.c wants them (a real
 * day, an end not before the start), more than two days outside the
 * window; and only when no value of it that libical may fail to read holds
 * " property" (libical turns such a value into an X-LIC-ERROR quoting it,
 * and busy_expand.c takes " DTEND property" there for a lost DTEND).
 * VTODO and VJOURNAL never block time and go too.  Anything else stays,
 * and libical judges it.
 *
 * Events are not read alone: an override (RECURRENCE-ID) moves the events
 * of its UID, and an event without UID is named by its place among all
 * events.  What the first pass learns of both is checked at its end, and
 * when a drop could matter, a second pass keeps those events: that rare
 * text costs two passes.
 *
 * Of a kept event only the properties busy_expand.c reads stay (the list
 * below), ATTENDEE only when it names the owner (declined events are free),
 * and no VALARM.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "tandem-int.h"
#include "busy-int.h"
#include "tzconv.h"

#define SKIM_MARGIN	86400	/* seconds beyond what any zone may move */
#define SKIM_SLACK	86400	/* a builtin zone's offset, with room */
#define SKIM_ORDER	(2 * 86400) /* more than two offsets can differ by */
#define SKIM_DAYS	100000	/* longest DURATION judged (busy_expand.c:
				   400000) */
#define SKIM_ZONES	32	/* zone names looked up per text */
#define SKIM_TZID	64	/* longest zone name looked up */

/* The names the skim tells apart. */
enum name {
	N_OTHER, N_BEGIN, N_END,
	/* what busy_expand.c reads of a VEVENT, or may damage it */
	N_UID, N_DTSTART, N_DTEND, N_DURATION, N_RRULE, N_RDATE, N_EXDATE,
	N_EXRULE, N_RECURRENCE_ID, N_STATUS, N_TRANSP, N_BUSYTYPE, N_FREEBUSY,
	N_BUSYSTATUS, N_INTENDED, N_XLICERROR, N_TRUNCATED,
	N_ATTENDEE,		/* read when it names the owner */
	/* values libical never fails to read (TEXT or CAL-ADDRESS only) */
	N_DESCRIPTION, N_SUMMARY, N_LOCATION, N_COMMENT, N_CONTACT,
	N_ORGANIZER, N_RELATED_TO
};

/*
 * Sorted, so that first[c - 'A'] is the first name of letter c and
 * first[c - 'A' + 1] the end of them (mind both when adding one).
 */
static const struct {
	const char	*name;
	size_t		 len;
	enum name	 id;
} names[] = {
	{ "ATTENDEE", 8, N_ATTENDEE },
	{ "BEGIN", 5, N_BEGIN },
	{ "BUSYTYPE", 8, N_BUSYTYPE },
	{ "COMMENT", 7, N_COMMENT },
	{ "CONTACT", 7, N_CONTACT },
	{ "DESCRIPTION", 11, N_DESCRIPTION },
	{ "DTEND", 5, N_DTEND },
	{ "DTSTART", 7, N_DTSTART },
	{ "DURATION", 8, N_DURATION },
	{ "END", 3, N_END },
	{ "EXDATE", 6, N_EXDATE },
	{ "EXRULE", 6, N_EXRULE },
	{ "FREEBUSY", 8, N_FREEBUSY },
	{ "LOCATION", 8, N_LOCATION },
	{ "ORGANIZER", 9, N_ORGANIZER },
	{ "RDATE", 5, N_RDATE },
	{ "RECURRENCE-ID", 13, N_RECURRENCE_ID },
	{ "RELATED-TO", 10, N_RELATED_TO },
	{ "RRULE", 5, N_RRULE },
	{ "STATUS", 6, N_STATUS },
	{ "SUMMARY", 7, N_SUMMARY },
	{ "TRANSP", 6, N_TRANSP },
	{ "UID", 3, N_UID },
	{ "X-LIC-ERROR", 11, N_XLICERROR },
	{ "X-MICROSOFT-CDO-BUSYSTATUS", 26, N_BUSYSTATUS },
	{ "X-MICROSOFT-CDO-INTENDEDSTATUS", 30, N_INTENDED },
	{ "X-TANDEM-TRUNCATED", 18, N_TRUNCATED },
};
static const unsigned char first[27] = { 0, 1, 3, 5, 9, 12, 13, 13, 13, 13,
	13, 13, 14, 14, 14, 15, 15, 15, 19, 21, 22, 23, 23, 23, 27, 27, 27 };

/* What the value of a BEGIN line opens, for the skim. */
enum comp { C_OTHER, C_VCALENDAR, C_VEVENT, C_VTODO, C_VJOURNAL };

/* One content line, as icalparser_get_line() returns it. */
struct line {
	const char	*p;		/* its first byte in the text */
	const char	*e;		/* past it: the next line's first byte */
	const char	*c;		/* its content: unfolded, without the */
	size_t		 n;		/* line end and trailing white space */
	int		 folded;	/* c is its first physical line only, until
					   unfold() */
	int		 was_folded;	/* it spans physical lines */
	int		 named;		/* id, len and sep are known */
	enum name	 id;
	size_t		 len;		/* of libical's name (0: none) */
	size_t		 sep;		/* where the ';' or ':' after it is */
};

/* A DTSTART or DTEND written plainly. */
struct when {
	enum { W_DATE, W_UTC, W_FLOAT, W_ZONE } kind;
	int64_t		 wall;		/* as written: seconds, a date's midnight */
	int32_t		 day;
	icaltimezone	*tz;		/* W_ZONE: libical's builtin zone */
	int		 y, mo, d, h, mi, s;
};

struct zone {
	const char	*name;		/* in the text, not terminated */
	size_t		 len;
	icaltimezone	*tz;		/* NULL: not built into libical */
};

struct hashes {
	uint64_t	*v;
	size_t		 n, cap;
};

/* What one VEVENT says of itself. */
struct event {
	int		 keep;		/* it stays */
	int		 whole;		/* it stays as written */
	int		 nstart, nend, ndur;
	struct when	 start, end;
	int64_t		 dur;		/* DURATION in seconds, a day as 86400 */
	enum { U_NONE, U_SURE, U_UNSURE } uid;
	uint64_t	 hash;		/* of the UID as libical reads it */
	int		 rid;		/* it has a RECURRENCE-ID: an override */
};

struct skim {
	const char	*text, *end;	/* end: the text's NUL */
	int64_t		 from, to;
	const char	*owner;		/* without "mailto:", or NULL */
	char		*out;		/* the copy, NULL while nothing goes */
	size_t		 n;
	const char	*done;		/* the text before it is in the copy */
	char		*buf;		/* one line unfolded */
	size_t		 bufcap;
	struct zone	 zones[SKIM_ZONES];
	size_t		 nzones;
	/* what the first pass learns */
	struct hashes	 rids;		/* UIDs of overrides */
	struct hashes	 gone;		/* UIDs of the events dropped */
	int		 rid_unsure;	/* an override whose UID is unsure */
	const char	*first_drop;	/* the first event dropped */
	const char	*last_nouid;	/* the last event kept that may have no
					   UID */
	/* what the second pass keeps */
	int		 second;
	const char	*hold;		/* no event before it goes */
	int		 none;		/* no event goes */
};

static int unfold(struct skim *s, struct line *l);

/* isspace() in the C locale, as libical calls it. */
static inline int
white(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* c in upper case, in ASCII (as strcasecmp() in the C locale). */
static inline int
up(int c)
{
	return (unsigned)(c - 'a') < 26 ? c - ('a' - 'A') : c;
}

/* Do the n bytes at a spell upper (which is upper case) without case? */
static inline int
ci_eq(const char *a, const char *upper, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (up((unsigned char)a[i]) != upper[i])
			return 0;
	return 1;
}

/* Past the physical line at q: past its LF, or the end of the text. */
static const char *
seg_end(const struct skim *s, const char *q)
{
	const char	*nl = memchr(q, '\n', (size_t)(s->end - q));

	return nl != NULL ? nl + 1 : s->end;
}

/*
 * The content line at p.  A physical line goes on in the next when it ends
 * in LF, the line so far is more than that LF, and the next starts with a
 * space or a tab.  Continuations that bring a byte and a line end are
 * followed here without copying; a shorter one is left to unfold(), which
 * builds the line byte by byte as libical does.
 */
static int
read_line(struct skim *s, const char *p, struct line *l)
{
	const char	*q, *qe = seg_end(s, p);
	size_t		 n = (size_t)(qe - p);

	l->p = p;
	l->c = p;
	l->folded = l->was_folded = l->named = 0;
	l->id = N_OTHER;
	if (n >= 2 && qe[-1] == '\n' && (*qe == ' ' || *qe == '\t')) {
		l->folded = l->was_folded = 1;
		l->n = n - 1 - (qe[-2] == '\r');
		if (l->n == 0)
			return unfold(s, l);	/* its first byte is further on */
		while (qe[-1] == '\n' && (*qe == ' ' || *qe == '\t')) {
			q = qe;
			qe = seg_end(s, q);
			if (qe - q < 3 && qe[-1] == '\n')
				return unfold(s, l);	/* " \n" */
		}
		l->e = qe;
		return 0;
	}
	l->e = qe;
	if (n >= 2 && qe[-1] == '\n')
		n -= 1 + (qe[-2] == '\r');
	while (n > 1 && white((unsigned char)p[n - 1]))
		n--;
	l->n = n;
	return 0;
}

static int
buf_add(struct skim *s, size_t *len, const char *a, const char *b)
{
	size_t	k = (size_t)(b - a);
	char	*v;

	if (*len + k + 1 > s->bufcap) {
		v = realloc(s->buf, *len + k + 256);
		if (v == NULL)
			return TANDEM_ENOMEM;
		s->buf = v;
		s->bufcap = *len + k + 256;
	}
	memcpy(s->buf + *len, a, k);
	*len += k;
	return 0;
}

/* The whole content of the line at l->p, built as icalparser_get_line(). */
static int
unfold(struct skim *s, struct line *l)
{
	const char	*q = l->p, *qe;
	size_t		 len = 0;
	int		 rc;

	for (;;) {
		qe = seg_end(s, q);
		rc = buf_add(s, &len, q == l->p ? q : q + 1, qe);
		if (rc < 0)
			return rc;
		if (len < 2 || s->buf[len - 1] != '\n' ||
		    (*qe != ' ' && *qe != '\t'))
			break;
		len--;
		if (s->buf[len - 1] == '\r')
			len--;
		q = qe;
	}
	l->e = qe;
	if (len >= 2 && s->buf[len - 1] == '\n')
		len -= 1 + (s->buf[len - 2] == '\r');
	while (len > 1 && white((unsigned char)s->buf[len - 1]))
		len--;
	l->c = s->buf;
	l->n = len;
	l->folded = 0;
	return 0;
}

/*
 * libical's name of the line, into l->len and l->sep.  A folded line whose
 * first physical line holds no separator is unfolded first.
 */
static int
name_of(struct skim *s, struct line *l)
{
	size_t	i, k;
	int	quoted = 0, rc;

	for (i = 1; i < l->n; i++) {
		if (l->c[i - 1] == '\\')
			continue;
		if (l->c[i] == '"')
			quoted = !quoted;
		else if (!quoted && (l->c[i] == ';' || l->c[i] == ':'))
			break;
	}
	if (i >= l->n && l->folded) {
		rc = unfold(s, l);
		return rc < 0 ? rc : name_of(s, l);
	}
	l->len = 0;
	if (i >= l->n)
		return 0;
	for (k = i; k > 0 && white((unsigned char)l->c[k - 1]); k--)
		;
	l->len = k;
	l->sep = i;
	return 0;
}

/*
 * Which of the names above the line's is, if any.  A line whose content
 * starts with one of them and then ';' or ':' has that name (none has a
 * quote, a backslash or a separator in it); one that starts with none has
 * none of them; only the rest is scanned.
 */
static int
line_id(struct skim *s, struct line *l)
{
	size_t	i, lo, hi;
	int	c, rc, scan = 0;

	if (l->named)
		return 0;
	l->named = 1;
	l->id = N_OTHER;
	if (l->n == 0)
		return 0;
	c = up((unsigned char)l->c[0]);
	if (c < 'A' || c > 'Z')
		return 0;
	lo = first[c - 'A'];
	hi = first[c - 'A' + 1];
	for (i = lo; i < hi && !scan; i++) {
		if (l->n <= names[i].len) {
			scan = l->folded;	/* the name may go on after a fold */
			continue;
		}
		if (!ci_eq(l->c, names[i].name, names[i].len))
			continue;
		c = l->c[names[i].len];
		if (c == ':' || c == ';') {
			l->id = names[i].id;
			l->len = l->sep = names[i].len;
			return 0;
		}
		scan = 1;
	}
	if (!scan)
		return 0;
	rc = name_of(s, l);
	if (rc < 0)
		return rc;
	for (i = lo; i < hi; i++)
		if (l->len == names[i].len && ci_eq(l->c, names[i].name, l->len))
			l->id = names[i].id;
	return 0;
}

/*
 * Is l a BEGIN (*k = 1), an END (-1) or neither (0)?  *what: what a BEGIN
 * opens, by the first letters of its value as libical matches them.
 */
static int
edge(struct skim *s, struct line *l, int *k, enum comp *what)
{
	static const struct {
		const char	*name;
		size_t		 len;
		enum comp	 what;
	} kinds[] = { { "VCALENDAR", 9, C_VCALENDAR },
	    { "VEVENT", 6, C_VEVENT }, { "VTODO", 5, C_VTODO },
	    { "VJOURNAL", 8, C_VJOURNAL } };
	size_t	i;
	int	c, rc;

	*k = 0;
	c = l->n > 0 ? up((unsigned char)l->c[0]) : 0;
	if (c != 'B' && c != 'E')
		return 0;
	rc = line_id(s, l);
	if (rc < 0 || (l->id != N_BEGIN && l->id != N_END))
		return rc;
	*k = l->id == N_BEGIN ? 1 : -1;
	if (*k < 0)
		return 0;
	if (l->folded) {
		rc = unfold(s, l);	/* the value may go on after a fold */
		if (rc < 0)
			return rc;
	}
	*what = C_OTHER;
	for (i = 0; i < TANDEM_NELEM(kinds); i++)
		if (l->n - l->sep - 1 >= kinds[i].len &&
		    ci_eq(l->c + l->sep + 1, kinds[i].name, kinds[i].len))
			*what = kinds[i].what;
	return 0;
}

/* Is l, as written on one line, the content text (of n bytes)? */
static int
is_line(const struct line *l, const char *text, size_t n)
{
	return !l->was_folded && l->n == n && memcmp(l->c, text, n) == 0;
}

/* libical's builtin zone of a name (as busy_expand.c looks), cached. */
static icaltimezone *
zone_of(struct skim *s, const char *name, size_t len)
{
	struct zone	*z;
	char		 buf[SKIM_TZID + 1];
	size_t		 i;

	for (i = 0; i < s->nzones; i++)
		if (s->zones[i].len == len &&
		    memcmp(s->zones[i].name, name, len) == 0)
			return s->zones[i].tz;
	if (s->nzones == SKIM_ZONES)
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	z = &s->zones[s->nzones++];
	z->name = name;
	z->len = len;
	z->tz = icaltimezone_get_builtin_timezone(buf);
	if (z->tz == NULL)
		z->tz = icaltimezone_get_builtin_timezone_from_tzid(buf);
	icalerror_clear_errno();
	return z->tz;
}

static int
digits(const char *p, int n)
{
	int	v = 0;

	for (; n > 0; n--, p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* A byte of a zone name read here: printable, none libical treats apart. */
static int
tzid_byte(int c)
{
	switch (c) {
	case '"': case ';': case ':': case ',': case '\\': case '^': case '=':
		return 0;
	default:
		return c > ' ' && c < 0x7f;
	}
}

/*
 * A DTSTART or DTEND written plainly: NAME[;TZID=zone][;VALUE=DATE or
 * DATE-TIME]:value, the value YYYYMMDD (VALUE=DATE) or YYYYMMDDTHHMMSS[Z],
 * each field in the range busy_expand.c accepts, the zone one that libical
 * has built in.  -1 for anything else.
 */
static int
read_when(struct skim *s, const struct line *l, struct when *w)
{
	const char	*p = l->c + l->len, *e = l->c + l->n, *tz = NULL;
	size_t		 tzlen = 0;
	int		 value = 0;

	if (l->len != l->sep || l->was_folded)
		return -1;
	while (p < e && *p == ';') {
		p++;
		if (tz == NULL && e - p > 5 && memcmp(p, "TZID=", 5) == 0) {
			tz = p + 5;
			for (p = tz; p < e && tzid_byte((unsigned char)*p); p++)
				;
			tzlen = (size_t)(p - tz);
			if (tzlen == 0 || tzlen > SKIM_TZID)
				return -1;
		} else if (value == 0 && e - p > 15 &&
		    memcmp(p, "VALUE=DATE-TIME", 15) == 0) {
			value = 2;
			p += 15;
		} else if (value == 0 && e - p > 10 &&
		    memcmp(p, "VALUE=DATE", 10) == 0) {
			value = 1;
			p += 10;
		} else
			return -1;
	}
	if (p >= e || *p++ != ':')
		return -1;
	memset(w, 0, sizeof(*w));
	if (value == 1 ? e - p != 8 || tz != NULL :
	    (e - p != 15 && e - p != 16) || p[8] != 'T' ||
	    (e - p == 16 && (p[15] != 'Z' || tz != NULL)))
		return -1;
	w->y = digits(p, 4);
	w->mo = digits(p + 4, 2);
	w->d = digits(p + 6, 2);
	if (value == 1)
		w->kind = W_DATE;
	else {
		w->h = digits(p + 9, 2);
		w->mi = digits(p + 11, 2);
		w->s = digits(p + 13, 2);
		if (w->h < 0 || w->h > 23 || w->mi < 0 || w->mi > 59 ||
		    w->s < 0 || w->s > 60)
			return -1;
		w->kind = e - p == 16 ? W_UTC : tz != NULL ? W_ZONE : W_FLOAT;
	}
	if (w->y < 1 || w->mo < 1 || w->mo > 12 || w->d < 1 ||
	    w->d > civil_month_length(w->y, w->mo))
		return -1;
	if (w->kind == W_ZONE) {
		w->tz = zone_of(s, tz, tzlen);
		if (w->tz == NULL)
			return -1;	/* embedded, Windows, unknown */
	}
	w->day = civil_days(w->y, w->mo, w->d);
	w->wall = (int64_t)w->day * 86400 + w->h * 3600 + w->mi * 60 + w->s;
	return 0;
}

/*
 * A DURATION written plainly: :PnW, or :P[nD][T[nH][nM][nS]] with something
 * after P and after T, each n of at most six digits.  -1 for anything else.
 */
static int
read_dur(const struct line *l, int64_t *secs)
{
	static const char	 units[] = "WDHMS";
	const char		*p = l->c + l->len, *e = l->c + l->n, *u;
	int64_t			 v, days = 0, t = 0;
	int			 n, last = -1, in_t = 0;

	if (l->len != l->sep || l->was_folded || e - p < 4 ||
	    memcmp(p, ":P", 2) != 0)
		return -1;
	for (p += 2; p < e; p++) {
		if (*p == 'T') {
			if (in_t || last == 0 || p + 1 == e)
				return -1;
			in_t = 1;
			continue;
		}
		for (n = 0, v = 0; p < e && isdigit((unsigned char)*p); p++, n++)
			v = v * 10 + (*p - '0');
		if (n == 0 || n > 6 || p == e)
			return -1;
		u = strchr(units, *p);
		if (u == NULL || *p == '\0' || u - units <= last || last == 0 ||
		    (u - units >= 2) != in_t)
			return -1;
		last = (int)(u - units);
		if (*p == 'W' || *p == 'D')
			days += *p == 'W' ? v * 7 : v;
		else
			t += v * (*p == 'H' ? 3600 : *p == 'M' ? 60 : 1);
	}
	if (last < 0 || (in_t && last < 2) || days > SKIM_DAYS)
		return -1;
	*secs = days * 86400 + t;
	return 0;
}

/* The instant busy_expand.c gives w (a UTC time or a builtin zone's). */
static int64_t
instant(const struct when *w)
{
	struct icaltimetype	t = icaltime_null_time();

	if (w->kind != W_ZONE)
		return w->wall;
	t.year = w->y;
	t.month = w->mo;
	t.day = w->d;
	t.hour = w->h;
	t.minute = w->mi;
	t.second = w->s;
	t.zone = w->tz;
	return tzconv_local_to_utc(w->tz, t);
}

/*
 * Will busy_expand.c find the DTEND not before the DTSTART?  In a zone,
 * a wall time in the spring gap can be read after a later one.
 */
static int
ordered(const struct event *v)
{
	const struct when	*a = &v->start, *b = &v->end;

	if (a->kind == W_DATE || b->kind == W_DATE)
		return a->kind == W_DATE && b->kind == W_DATE && b->day >= a->day;
	if (b->wall - a->wall >= SKIM_ORDER)
		return 1;
	if (a->kind == W_FLOAT || b->kind == W_FLOAT)
		return 0;		/* the owner's zone: not known here */
	return instant(b) >= instant(a);
}

/* Is the event certainly outside the window, and never reported? */
static int
droppable(const struct skim *s, const struct event *v)
{
	int64_t	lo, hi;

	if (v->keep || v->whole || v->nstart != 1 || v->nend + v->ndur > 1 ||
	    v->uid == U_UNSURE)
		return 0;
	lo = v->start.wall - (v->start.kind == W_UTC ? 0 : SKIM_SLACK);
	if (v->nend == 1)
		hi = v->end.wall + (v->end.kind == W_UTC ? 0 : SKIM_SLACK);
	else if (v->ndur == 1)
		hi = v->start.wall + v->dur + SKIM_SLACK;
	else
		hi = v->start.wall + (v->start.kind == W_DATE ? 86400 : 0) +
		    SKIM_SLACK;
	if (hi > s->from - SKIM_MARGIN && lo < s->to + SKIM_MARGIN)
		return 0;
	return v->nend == 0 || ordered(v);
}

static uint64_t
hash(const char *p, size_t n)
{
	uint64_t	h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; n > 0; n--, p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h;
}

/*
 * The UID as libical reads it from "UID:value" (white space around the
 * value gone, escapes undone: icalmemory_strdup_and_dequote()), hashed;
 * U_UNSURE for anything else (a second UID, parameters, no value).
 */
static int
read_uid(struct skim *s, struct line *l, struct event *v)
{
	const char	*p, *e;
	char		*o;
	size_t		 n = 0;
	int		 rc;

	if (v->uid != U_NONE || l->sep != 3 || l->c[3] != ':') {
		v->uid = U_UNSURE;
		return 0;
	}
	if (l->folded) {
		rc = unfold(s, l);
		if (rc < 0)
			return rc;
	}
	e = l->c + l->n;
	for (p = l->c + 4; p < e && white((unsigned char)*p); p++)
		;
	v->uid = p < e ? U_SURE : U_UNSURE;
	if (p == e || memchr(p, '\\', (size_t)(e - p)) == NULL) {
		v->hash = hash(p, (size_t)(e - p));
		return 0;
	}
	o = malloc((size_t)(e - p));
	if (o == NULL)
		return TANDEM_ENOMEM;
	for (; p < e; p++) {
		if (*p != '\\') {
			o[n++] = *p;
			continue;
		}
		if (++p == e)
			break;
		o[n++] = strchr("nN", *p) ? '\n' : strchr("tT", *p) ? '\t' :
		    strchr("rR", *p) ? '\r' : strchr("bB", *p) ? '\b' :
		    strchr("fF", *p) ? '\f' : strchr(";,\"\\", *p) ? *p : ' ';
	}
	v->hash = hash(o, n);
	free(o);
	return 0;
}

/* Are a and b neighbours in " property"? */
static int
pair(int a, int b)
{
	switch (a) {
	case ' ':
		return b == 'p';
	case 'p':
		return b == 'r' || b == 'e';
	case 'r':
		return b == 'o' || b == 't';
	case 'o':
		return b == 'p';
	case 'e':
		return b == 'r';
	case 't':
		return b == 'y';
	default:
		return 0;
	}
}

/*
 * May libical's error text quote " property" from the line l?  Not when it
 * is one whose value libical always reads (TEXT or CAL-ADDRESS only, which
 * is where most bytes of an event are).  The line as written is searched;
 * across a fold, only when the bytes on both sides are neighbours in
 * " property" (or a piece is empty) is it unfolded and searched.
 */
static int
error_text(struct skim *s, struct line *l)
{
	const char	*sp, *q, *qe, *cs, *ce;
	int		 rc, hit = 0;

	sp = memchr(l->p, ' ', (size_t)(l->e - l->p));
	if (sp == NULL)
		return 0;
	rc = line_id(s, l);
	if (rc < 0 || l->id == N_UID || l->id >= N_ATTENDEE)
		return rc;
	if (memmem(sp, (size_t)(l->e - sp), " property", 9) != NULL)
		return 1;
	if (!l->was_folded)
		return 0;
	for (q = l->p; !hit && (qe = seg_end(s, q)) < l->e; q = qe) {
		cs = q == l->p ? q : q + 1;
		ce = qe - 1;
		if (ce > cs && ce[-1] == '\r')
			ce--;
		hit = ce == cs || qe[1] == '\r' || qe[1] == '\n' ||
		    pair((unsigned char)ce[-1], (unsigned char)qe[1]);
	}
	if (!hit)
		return 0;
	if (l->folded) {
		rc = unfold(s, l);
		if (rc < 0)
			return rc;
	}
	return memmem(l->c, l->n, " property", 9) != NULL;
}

/*
 * One property line of the event itself into v.  Only names starting with
 * D, E, F, R, U, X-L and X-T change what the skim does with an event.
 */
static int
event_line(struct skim *s, struct line *l, struct event *v)
{
	int	c = up((unsigned char)l->c[0]), x, rc = 0;

	x = c == 'X' && l->n > 2 ? up((unsigned char)l->c[2]) : 0;
	if (c == 'D' || c == 'E' || c == 'F' || c == 'R' || c == 'U' ||
	    x == 'L' || x == 'T' || l->folded)
		rc = line_id(s, l);
	if (rc < 0)
		return rc;
	switch (l->id) {
	case N_DTSTART:
		if (v->nstart++ > 0 || read_when(s, l, &v->start) < 0)
			v->keep = 1;
		break;
	case N_DTEND:
		if (v->nend++ > 0 || read_when(s, l, &v->end) < 0)
			v->keep = 1;
		break;
	case N_DURATION:
		if (v->ndur++ > 0 || read_dur(l, &v->dur) < 0)
			v->keep = 1;
		break;
	case N_UID:
		rc = read_uid(s, l, v);
		break;
	case N_RECURRENCE_ID:
		v->rid = 1;
		/* FALLTHROUGH */
	case N_RRULE:
	case N_RDATE:
	case N_EXRULE:
	case N_EXDATE:
	case N_FREEBUSY:
	case N_XLICERROR:
	case N_TRUNCATED:
		v->keep = 1;
		break;
	default:
		break;
	}
	if (rc == 0)
		rc = error_text(s, l);
	if (rc > 0)
		v->keep = v->whole = 1;
	return rc < 0 ? rc : 0;
}

/*
 * Read the VEVENT whose BEGIN is l0 into v; *end: past its END, or NULL
 * when the text ends inside it.
 */
static int
event_read(struct skim *s, const struct line *l0, struct event *v,
    const char **end)
{
	struct line	 l;
	const char	*p;
	enum comp	 what;
	int		 depth = 1, rc = 0, k;

	memset(v, 0, sizeof(*v));
	v->whole = !is_line(l0, "BEGIN:VEVENT", 12);
	*end = NULL;
	for (p = l0->e; p < s->end && rc == 0; p = l.e) {
		rc = read_line(s, p, &l);
		if (rc == 0)
			rc = edge(s, &l, &k, &what);
		if (rc < 0)
			break;
		depth += k;
		if (depth == 0) {
			if (!is_line(&l, "END:VEVENT", 10) || *l.e == ' ' ||
			    *l.e == '\t')
				v->whole = 1;
			*end = l.e;
			break;
		}
		if (k == 0 && depth == 1 && l.n > 0)	/* libical skips "" */
			rc = event_line(s, &l, v);
	}
	return rc;
}

/* Append [a, b) to the copy, making it (with the text before a) at first. */
static int
copy(struct skim *s, const char *a, const char *b)
{
	if (s->out == NULL) {
		s->out = malloc((size_t)(s->end - s->text) + 1);
		if (s->out == NULL)
			return TANDEM_ENOMEM;
		s->n = 0;
	}
	memcpy(s->out + s->n, a, (size_t)(b - a));
	s->n += (size_t)(b - a);
	s->out[s->n] = '\0';
	return 0;
}

/*
 * Does the ATTENDEE line l name the owner anywhere, once unfolded?  (Its
 * address is compared without case: busy_expand.c's test is narrower.)
 */
static int
names_owner(struct skim *s, struct line *l)
{
	size_t	n, i, j;
	int	rc;

	if (s->owner == NULL)
		return 0;
	if (l->folded) {
		rc = unfold(s, l);
		if (rc < 0)
			return rc;
	}
	n = strlen(s->owner);
	for (i = 0; i + n <= l->n; i++) {
		for (j = 0; j < n && up((unsigned char)l->c[i + j]) ==
		    up((unsigned char)s->owner[j]); j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/*
 * Copy the VEVENT [p, e) with only the lines the busy layer reads: its
 * BEGIN and END, and those of its own properties it reads; no component
 * inside it.  A line followed by a space or a tab stays: dropped, the line
 * before it would go on in that one.
 */
static int
copy_event(struct skim *s, const char *p, const char *e)
{
	struct line	 l;
	enum comp	 what;
	int		 depth = 0, rc = 0, k, keep = 0;

	for (; p < e && rc == 0; p = l.e) {
		rc = read_line(s, p, &l);
		if (rc == 0)
			rc = edge(s, &l, &k, &what);
		if (rc < 0)
			break;
		depth += k;
		if (k != 0)
			keep = (k > 0 && depth == 1) || (k < 0 && depth == 0);
		else if (depth != 1)
			keep = 0;
		else {
			rc = line_id(s, &l);
			keep = l.id >= N_UID && l.id < N_ATTENDEE;
			if (rc == 0 && l.id == N_ATTENDEE)
				rc = keep = names_owner(s, &l);
			if (rc < 0)
				break;
			rc = 0;
		}
		if (keep || (depth <= 1 && (*l.e == ' ' || *l.e == '\t')))
			rc = copy(s, l.p, l.e);
	}
	return rc;
}

static int
cmp_hash(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int
hashes_add(struct hashes *h, uint64_t x)
{
	int	rc;

	rc = util_grow((void **)&h->v, &h->cap, h->n, sizeof(*h->v));
	if (rc == 0)
		h->v[h->n++] = x;
	return rc;
}

/*
 * The VEVENT at l: dropped, copied in part, or left as it is; *end: past
 * it, or NULL when the text ends inside it.
 */
static int
event(struct skim *s, const struct line *l, const char **end)
{
	struct event	v;
	int		rc, drop;

	rc = event_read(s, l, &v, end);
	if (rc == 0 && *end == NULL && !s->second && v.uid != U_SURE)
		s->last_nouid = l->p;	/* reported as "event N", truncated */
	if (rc < 0 || *end == NULL)
		return rc;
	drop = droppable(s, &v) && !s->none &&
	    (s->hold == NULL || l->p >= s->hold);
	if (drop && s->second && v.uid == U_SURE && s->rids.n > 0)
		drop = bsearch(&v.hash, s->rids.v, s->rids.n, sizeof(*s->rids.v),
		    cmp_hash) == NULL;
	if (!s->second) {
		if (v.rid && v.uid == U_UNSURE)
			s->rid_unsure = 1;
		if (v.uid == U_SURE && (v.rid || drop))
			rc = hashes_add(v.rid ? &s->rids : &s->gone, v.hash);
		if (rc < 0)
			return rc;
		if (drop && s->first_drop == NULL)
			s->first_drop = l->p;
		if (!drop && v.uid != U_SURE)
			s->last_nouid = l->p;
	}
	if (!drop && v.whole)
		return 0;
	rc = copy(s, s->done, l->p);
	if (rc == 0 && !drop)
		rc = copy_event(s, l->p, *end);
	s->done = *end;
	return rc;
}

/*
 * The VTODO or VJOURNAL at l0 goes, up to the END that closes it; *end:
 * past it, or NULL when the text ends inside it (libical judges).
 */
static int
drop_comp(struct skim *s, const struct line *l0, const char **end)
{
	struct line	 l;
	const char	*p;
	enum comp	 what;
	int		 depth = 1, rc, k;

	*end = NULL;
	for (p = l0->e; p < s->end && depth > 0; p = l.e) {
		rc = read_line(s, p, &l);
		if (rc == 0)
			rc = edge(s, &l, &k, &what);
		if (rc < 0)
			return rc;
		depth += k;
	}
	if (depth > 0)
		return 0;
	*end = l.e;
	if (*l.e == ' ' || *l.e == '\t')
		return 0;	/* not after an END line; left if it were */
	rc = copy(s, s->done, l0->p);
	s->done = *end;
	return rc;
}

/* One pass over the text, its structure read as libical and busy.c do. */
static int
pass(struct skim *s)
{
	struct line	 l;
	const char	*p = s->text, *e;
	enum comp	 what = C_OTHER, root = C_OTHER;
	int		 depth = 0, rc = 0, k;

	s->done = s->text;
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;		/* busy.c skips a byte order mark */
	for (; p < s->end && rc == 0; p = e) {
		rc = read_line(s, p, &l);
		if (rc == 0)
			rc = edge(s, &l, &k, &what);
		if (rc < 0)
			break;
		e = l.e;
		if (k < 0 && depth > 0)
			depth--;
		if (k <= 0)
			continue;
		if (depth == 0)
			root = what;
		if (depth == 1 && root == C_VCALENDAR && what == C_VEVENT)
			rc = event(s, &l, &e);
		else if (depth == 1 && root == C_VCALENDAR &&
		    (what == C_VTODO || what == C_VJOURNAL))
			rc = drop_comp(s, &l, &e);
		else {
			depth++;
			continue;
		}
		if (rc == 0 && e == NULL)
			break;		/* the text ends inside it */
	}
	if (rc == 0 && s->out != NULL)
		rc = copy(s, s->done, s->end);
	return rc;
}

/*
 * Would a drop of the first pass change what another event says?  One
 * before an event kept that may have no UID changes its number; one that
 * shares an override's UID is moved by it.  (s->rids is sorted.)
 */
static int
second_pass_needed(const struct skim *s)
{
	size_t	i;

	if (s->first_drop == NULL)
		return 0;
	if (s->rid_unsure ||
	    (s->last_nouid != NULL && s->first_drop < s->last_nouid))
		return 1;
	for (i = 0; s->rids.n > 0 && i < s->gone.n; i++)
		if (bsearch(&s->gone.v[i], s->rids.v, s->rids.n,
		    sizeof(*s->rids.v), cmp_hash) != NULL)
			return 1;
	return 0;
}

int
busy_skim(const char *text, int64_t from, int64_t to, const char *owner,
    char **out)
{
	struct skim	s;
	int		rc;

	memset(&s, 0, sizeof(s));
	s.text = text;
	s.end = text + strlen(text);
	s.from = from;
	s.to = to;
	s.owner = owner;
	if (owner != NULL && strncasecmp(owner, "mailto:", 7) == 0)
		s.owner = owner + 7;
	rc = pass(&s);
	if (rc == 0 && s.rids.n > 0)
		qsort(s.rids.v, s.rids.n, sizeof(*s.rids.v), cmp_hash);
	if (rc == 0 && second_pass_needed(&s)) {
		free(s.out);
		s.out = NULL;
		s.second = 1;
		s.hold = s.last_nouid;
		s.none = s.rid_unsure;
		rc = pass(&s);
	}
	free(s.buf);
	free(s.rids.v);
	free(s.gone.v);
	if (rc < 0) {
		free(s.out);
		s.out = NULL;
	}
	*out = s.out;
	return rc;
}
