/*
 * Holiday calendars.  Public holiday feeds are all-day VEVENTs, often one
 * yearly series per holiday with EXDATEs and moved instances; the busy layer
 * already expands all of that (RRULE, RDATE, EXDATE, RECURRENCE-ID,
 * cancelled instances), so a holiday file is read as busy time with
 * transparency ignored (feeds mark holidays transparent) and each interval
 * becomes the local days it touches in the program's zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "busy.h"
#include "holidays.h"
#include "parse.h"
#include "tzconv.h"

static int
cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Add the days in [from, to) that [start, end) touches; end is exclusive. */
static int
add_days(int32_t **v, size_t *n, size_t *cap, icaltimezone *tz, int64_t start,
    int64_t end, int32_t from, int32_t to)
{
	int32_t	d, last = tzconv_local_day(tz, end > start ? end - 1 : start, NULL);
	int	rc;

	for (d = tzconv_local_day(tz, start, NULL); d <= last; d++) {
		if (d < from || d >= to)
			continue;
		rc = util_grow((void **)v, cap, *n, sizeof(**v));
		if (rc < 0)
			return rc;
		(*v)[(*n)++] = d;
	}
	return 0;
}

int
holidays_parse(const char *text, icaltimezone *tz, int32_t from, int32_t to,
    int32_t **dates, size_t *np, char *err)
{
	struct busy_req		 req;
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*diag = tandem_diag_new();
	int32_t			*v = NULL;
	size_t			 n = 0, cap = 0, i, k;
	int			 rc;

	*dates = NULL;
	*np = 0;
	if (diag == NULL)
		return TANDEM_ENOMEM;
	memset(&req, 0, sizeof(req));
	req.floating = tz;
	req.all_events = 1;
	req.from = tzconv_wall_to_utc(tz, from, 0);
	req.to = tzconv_wall_to_utc(tz, to, 0);
	rc = busy_from_ical(&req, text, &set, diag);
	if (rc == TANDEM_EPARSE)
		snprintf(err, PARSE_ERRLEN, "%s", tandem_diag_get(diag, 0) ?
		    tandem_diag_get(diag, 0) : "not iCalendar data");
	for (i = 0; i < set.n && rc == 0; i++)
		rc = add_days(&v, &n, &cap, tz, set.v[i].start, set.v[i].end, from, to);
	if (rc == 0 && n > 0) {
		qsort(v, n, sizeof(*v), cmp_day);
		for (i = 1, k = 1; i < n; i++)
			if (v[i] != v[k - 1])
				v[k++] = v[i];
		n = k;
	}
	if (rc < 0) {
		free(v);
		v = NULL;
		n = 0;
	}
	*dates = v;
	*np = n;
	busy_set_free(&set);
	tandem_diag_free(diag);
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
