/*
 * Parsers for the small value languages of tandem.conf and the CSV files.
 * Each accepts the whole string or fails; a trailing unit or word that is not
 * understood is an error, never silently ignored, because a misread "3d" for
 * "3w" would quietly change a program for a year.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "parse.h"

static const char *skipws(const char *s);
static int word_is(const char *w, size_t len, const char *const *names);
static int read_number(const char **sp, long *v);

static const char *const unit_min[] = { "m", "min", "mins", "minute", "minutes", NULL };
static const char *const unit_hour[] = { "h", "hr", "hrs", "hour", "hours", NULL };
static const char *const unit_day[] = { "d", "day", "days", NULL };
static const char *const unit_week[] = { "w", "wk", "wks", "week", "weeks", NULL };
static const char *const unit_month[] = { "month", "months", "mo", NULL };
static const char *const unit_year[] = { "y", "year", "years", NULL };

static const char *
skipws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int
word_is(const char *w, size_t len, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strlen(*names) == len && strncasecmp(w, *names, len) == 0)
			return 1;
	return 0;
}

/* Read a non-negative decimal number; fails on overflow past 10^9. */
static int
read_number(const char **sp, long *v)
{
	const char	*s = *sp;
	long		 n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		n = n * 10 + (*s - '0');
		if (n > 1000000000L)
			return -1;
		s++;
	}
	*sp = s;
	*v = n;
	return 0;
}

/* "90m", "1h30m", "1 hour", "3d", "6w", "0". */
int
parse_minutes(const char *s, int64_t *minutes, char *err)
{
	const char	*w;
	int64_t		 total = 0;
	long		 n;
	size_t		 len;
	int		 parts = 0;

	s = skipws(s);
	if (strcmp(s, "0") == 0) {
		*minutes = 0;
		return 0;
	}
	while (*s != '\0') {
		if (read_number(&s, &n) < 0) {
			snprintf(err, PARSE_ERRLEN, "expected a number, as in 90m, 3d or 6w");
			return TANDEM_EPARSE;
		}
		s = skipws(s);
		w = s;
		while (isalpha((unsigned char)*s))
			s++;
		len = (size_t)(s - w);
		if (word_is(w, len, unit_min))
			total += n;
		else if (word_is(w, len, unit_hour))
			total += (int64_t)n * 60;
		else if (word_is(w, len, unit_day))
			total += (int64_t)n * 1440;
		else if (word_is(w, len, unit_week))
			total += (int64_t)n * 10080;
		else {
			snprintf(err, PARSE_ERRLEN,
			    "unknown or missing unit \"%.*s\" (use m, h, d or w)",
			    (int)len, w);
			return TANDEM_EPARSE;
		}
		s = skipws(s);
		parts++;
	}
	if (parts == 0) {
		snprintf(err, PARSE_ERRLEN, "empty duration");
		return TANDEM_EPARSE;
	}
	*minutes = total;
	return 0;
}

/* "12 months", "52 weeks", "1 year", "90 days". */
int
parse_span(const char *s, struct span *sp, char *err)
{
	const char	*w;
	long		 n;
	size_t		 len;

	sp->months = sp->days = 0;
	s = skipws(s);
	if (read_number(&s, &n) < 0 || n > 1200) {
		snprintf(err, PARSE_ERRLEN,
		    "expected a count and a unit, as in \"12 months\" or \"26 weeks\"");
		return TANDEM_EPARSE;
	}
	s = skipws(s);
	w = s;
	while (isalpha((unsigned char)*s))
		s++;
	len = (size_t)(s - w);
	if (*skipws(s) != '\0')
		goto bad;
	if (word_is(w, len, unit_month))
		sp->months = (int)n;
	else if (word_is(w, len, unit_year))
		sp->months = (int)n * 12;
	else if (word_is(w, len, unit_week))
		sp->days = (int)n * 7;
	else if (word_is(w, len, unit_day))
		sp->days = (int)n;
	else
		goto bad;
	if (n == 0) {
		snprintf(err, PARSE_ERRLEN, "duration must be longer than zero");
		return TANDEM_EPARSE;
	}
	return 0;
bad:
	snprintf(err, PARSE_ERRLEN,
	    "unknown unit \"%.*s\" (use days, weeks, months or years)", (int)len, w);
	return TANDEM_EPARSE;
}

/* Strict YYYY-MM-DD; a date that does not exist (2027-02-29) is an error. */
int
parse_date(const char *s, int32_t *days, char *err)
{
	int	y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[n] != '\0' || s[4] != '-' || s[7] != '-') {
		snprintf(err, PARSE_ERRLEN, "\"%s\" is not a date (YYYY-MM-DD)", s);
		return TANDEM_EPARSE;
	}
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > civil_month_length(y, m)) {
		snprintf(err, PARSE_ERRLEN, "%s is not a valid date", s);
		return TANDEM_EPARSE;
	}
	*days = civil_days(y, m, d);
	return 0;
}

/* HH:MM, 00:00 to 24:00 (24:00 only as the end of a window). */
int
parse_clock(const char *s, int *minute, char *err)
{
	int	h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' ||
	    !isdigit((unsigned char)s[0]) || s[n - 3] != ':' ||
	    h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
		snprintf(err, PARSE_ERRLEN, "\"%s\" is not a time of day (HH:MM)", s);
		return TANDEM_EPARSE;
	}
	*minute = h * 60 + m;
	return 0;
}

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM". */
int
parse_localstart(const char *s, struct localstart *ls, char *err)
{
	char	date[16];
	size_t	len = strlen(s);
	int	rc;

	ls->minute = -1;
	if (len <= 10)
		return parse_date(s, &ls->date, err);
	if (len > 16 || (s[10] != ' ' && s[10] != 'T')) {
		snprintf(err, PARSE_ERRLEN,
		    "\"%s\" is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM)", s);
		return TANDEM_EPARSE;
	}
	memcpy(date, s, 10);
	date[10] = '\0';
	rc = parse_date(date, &ls->date, err);
	if (rc < 0)
		return rc;
	rc = parse_clock(s + 11, &ls->minute, err);
	if (rc == 0 && ls->minute == 24 * 60) {
		snprintf(err, PARSE_ERRLEN, "24:00 is not a start time");
		return TANDEM_EPARSE;
	}
	return rc;
}

int
parse_weekday(const char *s, size_t len)
{
	static const char *const names[7][3] = {
		{ "mon", "monday", "mo" }, { "tue", "tuesday", "tu" },
		{ "wed", "wednesday", "we" }, { "thu", "thursday", "th" },
		{ "fri", "friday", "fr" }, { "sat", "saturday", "sa" },
		{ "sun", "sunday", "su" },
	};
	int	d, k;

	for (d = 0; d < 7; d++)
		for (k = 0; k < 3; k++)
			if (strlen(names[d][k]) == len &&
			    strncasecmp(s, names[d][k], len) == 0)
				return d;
	return -1;
}

/* Parse "Mon-Fri" or "Mon,Wed,Fri" into a mask of weekdays. */
static int
parse_days(const char *s, size_t len, unsigned *mask)
{
	const char	*p = s, *end = s + len, *tok;
	int		 a, b;

	*mask = 0;
	while (p < end) {
		tok = p;
		while (p < end && isalpha((unsigned char)*p))
			p++;
		a = parse_weekday(tok, (size_t)(p - tok));
		if (a < 0)
			return -1;
		b = a;
		if (p < end && *p == '-') {
			tok = ++p;
			while (p < end && isalpha((unsigned char)*p))
				p++;
			b = parse_weekday(tok, (size_t)(p - tok));
			if (b < 0)
				return -1;
		}
		for (;;) {	/* a range may wrap: Sat-Mon */
			*mask |= 1u << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		if (p < end && *p != ',')
			return -1;
		if (p < end)
			p++;
	}
	return *mask == 0 ? -1 : 0;
}

static int
add_window(struct hours *h, unsigned mask, int from, int to, char *err)
{
	int	d, k;

	for (d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		if (h->n[d] == HOURS_MAX_WINDOWS) {
			snprintf(err, PARSE_ERRLEN, "more than %d windows on one day",
			    HOURS_MAX_WINDOWS);
			return TANDEM_EPARSE;
		}
		for (k = 0; k < h->n[d]; k++)
			if (from < h->win[d][k][1] && h->win[d][k][0] < to) {
				snprintf(err, PARSE_ERRLEN, "overlapping windows");
				return TANDEM_EPARSE;
			}
		/* Keep each day's windows sorted: "13:00-17:00 09:00-12:00". */
		for (k = h->n[d]; k > 0 && h->win[d][k - 1][0] > from; k--) {
			h->win[d][k][0] = h->win[d][k - 1][0];
			h->win[d][k][1] = h->win[d][k - 1][1];
		}
		h->win[d][k][0] = (uint16_t)from;
		h->win[d][k][1] = (uint16_t)to;
		h->n[d]++;
	}
	return 0;
}

/*
 * "Mon-Fri 09:00-17:00", "Mon-Thu 09:00-17:00, Fri 09:00-13:00",
 * "Mon-Fri 09:00-12:00 13:00-17:00".  Groups are separated by commas that
 * are followed by a weekday name; each group is days then time windows.
 */
int
parse_hours(const char *s, struct hours *h, char *err)
{
	char		 buf[512], *save = NULL, *tok, *dash;
	unsigned	 mask = 0, more;
	size_t		 len;
	int		 from, to, rc, nwin = 0, listing = 0;

	memset(h, 0, sizeof(*h));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, PARSE_ERRLEN, "working hours too long");
		return TANDEM_EPARSE;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		len = strlen(tok);
		if (isalpha((unsigned char)tok[0])) {
			/* Days: "Mon-Fri", "Mon,Wed", or "Mon," continued by "Wed". */
			if (mask != 0 && nwin == 0 && !listing)
				goto nowin;
			if (!listing)
				mask = 0;
			listing = tok[len - 1] == ',';
			if (listing)
				tok[--len] = '\0';
			if (parse_days(tok, len, &more) < 0) {
				snprintf(err, PARSE_ERRLEN,
				    "\"%s\" is not a weekday or range (Mon-Fri)", tok);
				return TANDEM_EPARSE;
			}
			mask |= more;
			nwin = 0;
			continue;
		}
		if (mask == 0) {
			snprintf(err, PARSE_ERRLEN,
			    "working hours start with days, as in \"Mon-Fri 09:00-17:00\"");
			return TANDEM_EPARSE;
		}
		listing = 0;
		if (tok[len - 1] == ',')	/* "09:00-17:00, Fri ..." */
			tok[--len] = '\0';
		dash = strchr(tok, '-');
		if (dash == NULL) {
			snprintf(err, PARSE_ERRLEN, "\"%s\" is not a time window (09:00-17:00)", tok);
			return TANDEM_EPARSE;
		}
		*dash = '\0';
		rc = parse_clock(tok, &from, err);
		if (rc == 0)
			rc = parse_clock(dash + 1, &to, err);
		if (rc < 0)
			return rc;
		if (to <= from) {
			snprintf(err, PARSE_ERRLEN, "window %s-%s ends before it starts",
			    tok, dash + 1);
			return TANDEM_EPARSE;
		}
		rc = add_window(h, mask, from, to, err);
		if (rc < 0)
			return rc;
		nwin++;
	}
	if (mask == 0 || nwin == 0)
		goto nowin;
	return 0;
nowin:
	snprintf(err, PARSE_ERRLEN, "days without a time window (as in \"Mon-Fri 09:00-17:00\")");
	return TANDEM_EPARSE;
}

int
parse_int(const char *s, long min, long max, long *v, char *err)
{
	char	*end = NULL;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0) {
		snprintf(err, PARSE_ERRLEN, "\"%s\" is not a whole number", s);
		return TANDEM_EPARSE;
	}
	if (n < min || n > max) {
		snprintf(err, PARSE_ERRLEN, "%ld is out of range (%ld to %ld)", n, min, max);
		return TANDEM_EPARSE;
	}
	*v = n;
	return 0;
}

/*
 * A plausible mailbox: local@domain, no spaces, no angle brackets or
 * control characters.  Deliverability is the MTA's business.
 */
int
parse_email(const char *s, char *err)
{
	const char	*at = strchr(s, '@');
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"' || *p == 0x7f)
			break;
	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    *p != '\0' || strchr(at + 1, '.') == NULL) {
		snprintf(err, PARSE_ERRLEN, "\"%s\" is not an e-mail address", s);
		return TANDEM_EPARSE;
	}
	return 0;
}
