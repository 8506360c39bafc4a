/*
 * Conversions between wall-clock times in a zone and UTC instants, with the
 * RFC 5545 rules for the hour that occurs twice and the hour that does not
 * occur.  Shared by the cadence (nominal times) and slots (candidates).
 */
#include <stdio.h>
#include <time.h>

#include "tandem-int.h"
#include "tzconv.h"

/* Seconds east of UTC that tz is at the instant utc. */
int
tzconv_utc_offset(icaltimezone *tz, int64_t utc)
{
	struct icaltimetype	u;
	int			dst = 0;

	u = icaltime_from_timet_with_zone((time_t)utc, 0,
	    icaltimezone_get_utc_timezone());
	return icaltimezone_get_utc_offset_of_utc_time(tz, &u, &dst);
}

/*
 * The instant of the wall time t in tz.  RFC 5545 3.3.5: a time that occurs
 * twice (autumn) is the first of the two, and one that does not occur (the
 * spring gap) is read with the offset in force before the gap;
 * libical's icaltime_as_timet_with_zone() does the opposite in both cases.
 * So the offset from three hours earlier, before any change near t, is
 * tried first.  A NULL zone means UTC.
 */
int64_t
tzconv_local_to_utc(icaltimezone *tz, struct icaltimetype t)
{
	struct icaltimetype	before = t;
	int64_t			wall;
	int			off, later, dst = 0;

	wall = (int64_t)civil_days(t.year, t.month, t.day) * 86400 +
	    t.hour * 3600 + t.minute * 60 + t.second;
	if (tz == NULL || tz == icaltimezone_get_utc_timezone())
		return wall;
	before.zone = NULL;
	icaltime_adjust(&before, 0, -3, 0, 0);
	off = icaltimezone_get_utc_offset(tz, &before, &dst);
	if (tzconv_utc_offset(tz, wall - off) == off)
		return wall - off;
	later = icaltimezone_get_utc_offset(tz, &t, &dst);
	if (tzconv_utc_offset(tz, wall - later) == later)
		return wall - later;
	return wall - off;	/* in the gap */
}

int64_t
tzconv_wall_to_utc(icaltimezone *tz, int32_t day, int minute)
{
	struct icaltimetype	t = icaltime_null_time();
	int			y, m, d;

	civil_from_days(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = minute / 60;
	t.minute = minute % 60;
	t.zone = tz;
	return tzconv_local_to_utc(tz, t);
}

int32_t
tzconv_local_day(icaltimezone *tz, int64_t utc, int *sec)
{
	int64_t	w = utc + tzconv_utc_offset(tz, utc);
	int32_t	day = civil_day_of(w);

	if (sec != NULL)
		*sec = (int)(w - (int64_t)day * 86400);
	return day;
}

void
tzconv_format(icaltimezone *tz, int64_t utc, char *buf, size_t size)
{
	int	y, m, d, sec;
	int32_t	day = tzconv_local_day(tz, utc, &sec);

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, size, "%s %04d-%02d-%02d %02d:%02d",
	    civil_weekday_name(civil_weekday(day)), y, m, d, sec / 3600,
	    sec % 3600 / 60);
}
