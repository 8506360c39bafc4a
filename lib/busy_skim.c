/*
 * Skim: drop from an iCalendar text, before libical parses it, the events
 * that cannot touch the window, and from the events kept the properties the
 * busy layer never reads.  libical's parse is most of the cost of a calendar
 * (shared/PERFORMANCE-NOTES.md: ~50 MB/s, a third of it malloc), a
 * person-year of meetings is read for a window of a few weeks, and most of
 * an event's bytes are its DESCRIPTION, attendees and alarms.
 *
 * Only what is certain goes: a top-level VEVENT without RRULE, RDATE, EXRULE
 * or RECURRENCE-ID (a master's instances and an override's effect may reach
 * anywhere) whose DTSTART and DTEND or DURATION read plainly and put it more
 * than two days (any zone's offset, with room) outside the window; and
 * VTODO and VJOURNAL, which never block time.  Anything unusual (a folded
 * time, a value that does not read) is kept, and libical judges it.
 *
 * Of a kept VEVENT only the properties busy_expand.c reads stay (the list
 * below), ATTENDEE only when it names the owner (declined events are free),
 * and no VALARM.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "busy-int.h"

#define SKIM_MARGIN	2	/* days either side of the window */
#define SKIM_ATTENDEE	4096	/* longest ATTENDEE looked into; longer stay */

/* What busy_expand.c reads of a VEVENT. */
static const char *const wanted[] = {
	"UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
	"EXRULE", "RECURRENCE-ID", "STATUS", "TRANSP",
	"X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INTENDEDSTATUS",
	"X-TANDEM-TRUNCATED", NULL
};

struct span_days {
	int32_t	start;
	int32_t	end;
	int	has_start, has_end, keep;
};

/* The end of the line at p (past its '\n'), or of the text. */
static const char *
line_end(const char *p)
{
	const char	*nl = strchr(p, '\n');

	return nl != NULL ? nl + 1 : p + strlen(p);
}

/* Does the line at p name tag ("tag:" or "tag;"), as libical reads names? */
static int
names(const char *p, const char *tag)
{
	size_t	n = strlen(tag);

	if (strncasecmp(p, tag, n) != 0)
		return 0;
	while (p[n] == ' ' || p[n] == '\t')
		n++;
	return p[n] == ':' || p[n] == ';';
}

/* Does the line at p, "BEGIN:x" or "END:x", open or close component what? */
static int
is_edge(const char *p, const char *edge, const char *what)
{
	size_t	n = strlen(edge), w = strlen(what);

	if (strncasecmp(p, edge, n) != 0 || p[n] != ':')
		return 0;
	p += n + 1;
	return strncasecmp(p, what, w) == 0 && (p[w] == '\r' || p[w] == '\n' ||
	    p[w] == '\0');
}

/* The day of a DATE or DATE-TIME value ending the line [p, e); -1 if odd. */
static int
value_day(const char *p, const char *e, int32_t *day)
{
	const char	*v = NULL, *q;
	int		 i, y, m, d;

	for (q = p; q < e; q++)
		if (*q == ':')
			v = q + 1;
	if (v == NULL || *e == ' ' || *e == '\t')	/* none, or folded on */
		return -1;
	/* e is past the line's end: the value is [v, e) less "\r\n". */
	for (i = 0; i < 8; i++)
		if (v + i >= e || !isdigit((unsigned char)v[i]))
			return -1;
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	m = (v[4] - '0') * 10 + (v[5] - '0');
	d = (v[6] - '0') * 10 + (v[7] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = civil_days(y, m, d);
	return 0;
}

/* Whole days a DURATION value may reach, rounded up; -1 if odd. */
static int
value_duration_days(const char *p, const char *e, int32_t *days)
{
	const char	*v = strchr(p, ':');
	long		 n, total = 0;
	int		 in_time = 0;

	if (v == NULL || v >= e || *e == ' ' || *e == '\t')
		return -1;
	v++;
	if (*v == '+')
		v++;
	if (*v++ != 'P')
		return -1;
	while (v < e && *v != '\r' && *v != '\n') {
		if (*v == 'T') {
			in_time = 1;
			v++;
			continue;
		}
		if (!isdigit((unsigned char)*v))
			return -1;
		for (n = 0; v < e && isdigit((unsigned char)*v) && n < 100000; v++)
			n = n * 10 + (*v - '0');
		if (*v == 'W' && !in_time)
			total += n * 7;
		else if (*v == 'D' && !in_time)
			total += n;
		else if (*v == 'H' || *v == 'M' || *v == 'S')
			total += in_time ? n / (*v == 'H' ? 24 : *v == 'M' ? 1440 : 86400) + 1 : 0;
		else
			return -1;
		v++;
	}
	*days = (int32_t)(total > 100000 ? 100000 : total);
	return 0;
}

/* Read one property line of an event into s. */
static void
read_line(const char *p, const char *e, struct span_days *s)
{
	int32_t	n = 0;
	int	c = toupper((unsigned char)*p);

	if (c != 'R' && c != 'E' && c != 'D')
		return;		/* most lines: no need to compare names */
	if (names(p, "RRULE") || names(p, "RDATE") || names(p, "EXRULE") ||
	    names(p, "RECURRENCE-ID"))
		s->keep = 1;
	else if (names(p, "DTSTART")) {
		if (value_day(p, e, &s->start) < 0)
			s->keep = 1;
		s->has_start = 1;
	} else if (names(p, "DTEND")) {
		if (value_day(p, e, &s->end) < 0)
			s->keep = 1;
		s->has_end = 1;
	} else if (names(p, "DURATION")) {
		if (value_duration_days(p, e, &n) < 0)
			s->keep = 1;
		s->has_end = 2;
		s->end = n;		/* added to the start below */
	}
}

/*
 * The end of the VEVENT starting at p (past its END line), and whether it
 * must be kept; NULL when the text ends inside it.
 */
static const char *
event_end(const char *p, int32_t from, int32_t to, int *keep)
{
	struct span_days s = { 0, 0, 0, 0, 0 };
	const char	*e = NULL;
	int		 depth = 0;

	for (p = line_end(p); *p != '\0'; p = e) {
		e = line_end(p);
		if (*p == 'E' || *p == 'e') {
			if (is_edge(p, "END", "VEVENT") && depth == 0)
				break;
			if (names(p, "END")) {
				depth--;
				continue;
			}
		} else if ((*p == 'B' || *p == 'b') && names(p, "BEGIN")) {
			depth++;
			continue;
		}
		if (depth == 0)
			read_line(p, e, &s);
	}
	if (*p == '\0')
		return NULL;
	if (s.has_end == 2)
		s.end += s.start;
	else if (!s.has_end)
		s.end = s.start + 1;
	*keep = s.keep || !s.has_start || s.end < s.start ||
	    (s.end >= from - SKIM_MARGIN && s.start <= to + SKIM_MARGIN);
	return e;
}

/* Append [a, b) to the copy, creating it (with what came before) at first. */
static int
copy(const char *text, const char *a, const char *b, char **out, size_t *n)
{
	if (*out == NULL) {
		*out = malloc(strlen(text) + 1);
		if (*out == NULL)
			return TANDEM_ENOMEM;
		*n = 0;
	}
	memcpy(*out + *n, a, (size_t)(b - a));
	*n += (size_t)(b - a);
	(*out)[*n] = '\0';
	return 0;
}

/* The end of the logical line at p: past its continuation lines. */
static const char *
logical_end(const char *p)
{
	const char	*e = line_end(p);

	while (*e == ' ' || *e == '\t')
		e = line_end(e);
	return e;
}

/* Does the ATTENDEE [p, e) name owner, once unfolded?  Unsure: yes. */
static int
names_owner(const char *p, const char *e, const char *owner)
{
	char	buf[SKIM_ATTENDEE];
	size_t	n = 0;

	if (owner == NULL)
		return 0;
	if ((size_t)(e - p) >= sizeof(buf))
		return 1;
	for (; p < e; p++) {
		if ((*p == '\r' || *p == '\n') && (p[1] == ' ' || p[1] == '\t' ||
		    (p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')))) {
			p += p[1] == '\n' ? 2 : 1;	/* unfold: drop CRLF and the blank */
			continue;
		}
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (strncasecmp(owner, "mailto:", 7) == 0)
		owner += 7;
	return strcasestr(buf, owner) != NULL;
}

static int
wanted_line(const char *p, const char *e, const char *owner)
{
	size_t	i;

	if (names(p, "ATTENDEE"))
		return names_owner(p, e, owner);
	for (i = 0; wanted[i] != NULL; i++)
		if (names(p, wanted[i]))
			return 1;
	return 0;
}

/* Append [a, b) to the copy, creating it (with what came before) at first. */
static int copy(const char *text, const char *a, const char *b, char **out,
    size_t *n);

/* Copy the VEVENT [p, e) with only the properties the busy layer reads. */
static int
copy_event(const char *text, const char *p, const char *e, const char *owner,
    char **out, size_t *n)
{
	const char	*q;
	int		 depth = 0, rc = 0, first = 1;

	for (; p < e && rc == 0; p = q) {
		q = logical_end(p);
		if (q > e)
			q = e;
		if (first || (depth == 0 && is_edge(p, "END", "VEVENT")))
			rc = copy(text, p, q, out, n);
		else if (names(p, "BEGIN"))
			depth++;
		else if (names(p, "END"))
			depth--;
		else if (depth == 0 && wanted_line(p, q, owner))
			rc = copy(text, p, q, out, n);
		first = 0;
	}
	return rc;
}

/* The end of the top-level VTODO or VJOURNAL at p, or NULL when it has none. */
static const char *
skip_comp(const char *p, const char *what)
{
	for (p = line_end(p); *p != '\0'; p = line_end(p))
		if (is_edge(p, "END", what))
			return line_end(p);
	return NULL;
}

int
busy_skim(const char *text, int64_t from, int64_t to, const char *owner,
    char **out)
{
	const char	*p, *e, *done = text;
	size_t		 n = 0;
	int32_t		 df = civil_day_of(from), dt = civil_day_of(to);
	int		 depth = 0, keep = 1, rc;

	*out = NULL;
	for (p = text; *p != '\0'; p = e) {
		e = line_end(p);
		if (depth == 1 && is_edge(p, "BEGIN", "VEVENT")) {
			e = event_end(p, df, dt, &keep);
		} else if (depth == 1 && is_edge(p, "BEGIN", "VTODO")) {
			e = skip_comp(p, "VTODO");
			keep = 0;
		} else if (depth == 1 && is_edge(p, "BEGIN", "VJOURNAL")) {
			e = skip_comp(p, "VJOURNAL");
			keep = 0;
		} else {
			if (names(p, "BEGIN"))
				depth++;
			else if (names(p, "END") && depth > 0)
				depth--;
			continue;
		}
		if (e == NULL)
			break;		/* truncated: libical sees the rest */
		rc = copy(text, done, p, out, &n);
		if (rc == 0 && keep)
			rc = copy_event(text, p, e, owner, out, &n);
		if (rc < 0)
			return rc;
		done = e;
	}
	if (*out != NULL)
		return copy(text, done, done + strlen(done), out, &n);
	return 0;
}
