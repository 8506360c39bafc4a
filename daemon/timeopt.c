/*
 * Instants for --now and for output.  Accepted: 2027-03-01, 2027-03-01T10:00,
 * 2027-03-01T10:00:00, each optionally followed by Z or +HH:MM / -HH:MM; no
 * suffix means UTC, so that a test or a script gets the same answer on any
 * machine whatever its TZ.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeopt.h"

static int
parse_offset(const char *s, int *off)
{
	int	h, m, n = 0;

	if (*s == '\0' || strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) {
		*off = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') ||
	    sscanf(s + 1, "%2d:%2d%n", &h, &m, &n) != 2 || s[1 + n] != '\0' ||
	    h > 23 || m > 59)
		return -1;
	*off = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int
timeopt_parse(const char *s, int64_t *t)
{
	struct tm	 tm;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, n = 0, off = 0;
	const char	*rest;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	rest = s + n;
	if (*rest == 'T' || *rest == 't' || *rest == ' ') {
		n = 0;
		if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return -1;
		rest += 1 + n;
		if (*rest == ':') {
			n = 0;
			if (sscanf(rest + 1, "%2d%n", &sec, &n) != 1 || n != 2)
				return -1;
			rest += 1 + n;
		}
	}
	if (parse_offset(rest, &off) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = (int64_t)timegm(&tm) - off;
	return 0;
}

void
timeopt_format(int64_t t, int offset, char *buf, size_t len)
{
	struct tm	tm;
	time_t		local = (time_t)(t + offset);
	int		a = offset < 0 ? -offset : offset;

	gmtime_r(&local, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, offset < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

void
timeopt_format_utc(int64_t t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	gmtime_r(&tt, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
