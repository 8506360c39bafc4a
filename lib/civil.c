/*
 * Civil (proleptic Gregorian) date arithmetic on day numbers.  The algorithms
 * are Howard Hinnant's days_from_civil / civil_from_days, exact for every
 * date a mentoring program can name, with no time zone involved.
 */
#include "tandem-int.h"

int32_t
civil_days(int y, int m, int d)
{
	int		 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int32_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int
civil_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int w = (int)((days % 7 + 7 + 3) % 7);

	return w;
}

int
civil_month_length(int y, int m)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

int32_t
civil_add_months(int32_t days, int months)
{
	int y, m, d, total, ml;

	civil_from_days(days, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	ml = civil_month_length(y, m);
	if (d > ml)
		d = ml;
	return civil_days(y, m, d);
}

int32_t
civil_day_of(int64_t t)
{
	return (int32_t)((t >= 0 ? t : t - 86399) / 86400);
}

const char *
civil_weekday_name(int wd)
{
	static const char *const names[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };

	return wd >= 0 && wd < 7 ? names[wd] : "?";
}
