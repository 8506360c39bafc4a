/*
 * Unit tests of the cadence engine: the grammar of the cadence key, the RRULE
 * each form becomes, and the expansion of a series in a real time zone.
 * Every expected date and instant below was worked out by hand (calendar and
 * tz database), never by asking the code under test; civil_days() only turns
 * a written date into its day number.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "cadence.h"
#include "parse.h"

#define H	3600
#define BERLIN	"Europe/Berlin"

static int32_t day(int y, int m, int d);
static int64_t utc(int y, int m, int d, int hh, int mm);
static icaltimezone *zone(const char *name);
static int series(const char *text, const char *tzname, int32_t start,
    int minute, struct cadence_req *req, struct nominal **v, size_t *n);
static int rrule_of(const char *text, int32_t start, char *buf, size_t len);
static int parse_fails(const char *text);
static void assert_dates(const struct nominal *v, size_t n,
    const int32_t *want, size_t nwant, int line);

/* The dates of a series, in order; a failure names the caller's line. */
#define ASSERT_DATES(v, n, want, nwant)					\
	assert_dates((v), (n), (want), (nwant), __LINE__)

static int32_t
day(int y, int m, int d)
{
	return civil_days(y, m, d);
}

/* The UTC instant y-m-d hh:mm Z, as epoch seconds. */
static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static icaltimezone *
zone(const char *name)
{
	icaltimezone	*tz = icaltimezone_get_builtin_timezone(name);

	if (tz == NULL)
		TT_FAIL("libical has no zone %s", name);
	return tz;
}

/*
 * Parse text and expand it from start at minute in zone tzname.  req carries
 * the end (and is completed here), so that each test states only what it is
 * about.
 */
static int
series(const char *text, const char *tzname, int32_t start, int minute,
    struct cadence_req *req, struct nominal **v, size_t *n)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN] = "";
	int		rc;

	rc = cadence_parse(text, &c, err);
	if (rc != 0)
		TT_FAIL("cadence_parse(\"%s\") = %d: %s", text, rc, err);
	req->cadence = &c;
	req->tz = zone(tzname);
	req->start.date = start;
	req->start.minute = minute;
	rc = cadence_expand(req, v, n);
	req->cadence = NULL;	/* c dies with this frame */
	cadence_clear(&c);
	return rc;
}

static int
rrule_of(const char *text, int32_t start, char *buf, size_t len)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN] = "";
	int		rc;

	rc = cadence_parse(text, &c, err);
	if (rc != 0)
		TT_FAIL("cadence_parse(\"%s\") = %d: %s", text, rc, err);
	rc = cadence_rrule(&c, start, buf, len);
	cadence_clear(&c);
	return rc;
}

/* A rejection must say why: TANDEM_EPARSE and a non-empty reason. */
static int
parse_fails(const char *text)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN] = "";
	int		rc;

	rc = cadence_parse(text, &c, err);
	cadence_clear(&c);
	if (rc != TANDEM_EPARSE) {
		printf("# \"%s\": rc %d, expected TANDEM_EPARSE\n", text, rc);
		return 0;
	}
	if (err[0] == '\0') {
		printf("# \"%s\": rejected without a reason\n", text);
		return 0;
	}
	return 1;
}

static void
assert_dates(const struct nominal *v, size_t n, const int32_t *want,
    size_t nwant, int line)
{
	size_t	i;
	int	y, m, d, wy, wm, wd;

	for (i = 0; i < n && i < nwant; i++) {
		if (v[i].date == want[i])
			continue;
		civil_from_days(v[i].date, &y, &m, &d);
		civil_from_days(want[i], &wy, &wm, &wd);
		TT_FAIL("line %d: session %zu on %04d-%02d-%02d, expected "
		    "%04d-%02d-%02d", line, i, y, m, d, wy, wm, wd);
	}
	if (n != nwant)
		TT_FAIL("line %d: %zu sessions, expected %zu", line, n, nwant);
}

/* --- the grammar ----------------------------------------------------------- */

TEST(parse_weekly)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("weekly", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_WEEKLY);
	ASSERT_EQ(c.interval, 1);
	ASSERT_EQ(c.weekday, -1);
	ASSERT_TRUE(c.rrule == NULL);
	cadence_clear(&c);
}

TEST(parse_every_n_weeks)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("every 3 weeks", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_WEEKLY);
	ASSERT_EQ(c.interval, 3);
	ASSERT_EQ(c.weekday, -1);
	cadence_clear(&c);

	/* Case and spacing are the user's; "1 week" is singular. */
	ASSERT_EQ(cadence_parse("  Every   1\tWeek ", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_WEEKLY);
	ASSERT_EQ(c.interval, 1);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("every week", &c, err), 0);
	ASSERT_EQ(c.interval, 1);
	cadence_clear(&c);
}

TEST(parse_fortnightly)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("fortnightly", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_WEEKLY);
	ASSERT_EQ(c.interval, 2);
	ASSERT_EQ(c.weekday, -1);
	cadence_clear(&c);
}

TEST(parse_weekly_on_day)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("weekly on tuesday", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_WEEKLY);
	ASSERT_EQ(c.interval, 1);
	ASSERT_EQ(c.weekday, 1);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("every 3 weeks on Sunday", &c, err), 0);
	ASSERT_EQ(c.interval, 3);
	ASSERT_EQ(c.weekday, 6);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("fortnightly on friday", &c, err), 0);
	ASSERT_EQ(c.interval, 2);
	ASSERT_EQ(c.weekday, 4);
	cadence_clear(&c);
}

TEST(parse_monthly)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("monthly", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_MONTHLY_DAY);
	ASSERT_EQ(c.interval, 1);
	ASSERT_EQ(c.weekday, -1);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("every 6 months", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_MONTHLY_DAY);
	ASSERT_EQ(c.interval, 6);
	cadence_clear(&c);
}

TEST(parse_monthly_nth)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("monthly on 2nd tuesday", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_MONTHLY_NTH);
	ASSERT_EQ(c.interval, 1);
	ASSERT_EQ(c.ordinal, 2);
	ASSERT_EQ(c.weekday, 1);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("monthly on the first monday", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_MONTHLY_NTH);
	ASSERT_EQ(c.ordinal, 1);
	ASSERT_EQ(c.weekday, 0);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("monthly on 5th monday", &c, err), 0);
	ASSERT_EQ(c.ordinal, 5);
	cadence_clear(&c);
}

TEST(parse_monthly_last)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("monthly on last friday", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_MONTHLY_NTH);
	ASSERT_EQ(c.ordinal, -1);
	ASSERT_EQ(c.weekday, 4);
	cadence_clear(&c);
}

TEST(parse_every_n_months_on)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("every 2 months on 3rd wednesday", &c, err), 0);
	ASSERT_EQ(c.kind, CADENCE_MONTHLY_NTH);
	ASSERT_EQ(c.interval, 2);
	ASSERT_EQ(c.ordinal, 3);
	ASSERT_EQ(c.weekday, 2);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("every 3 months on last sunday", &c, err), 0);
	ASSERT_EQ(c.interval, 3);
	ASSERT_EQ(c.ordinal, -1);
	ASSERT_EQ(c.weekday, 6);
	cadence_clear(&c);
}

TEST(parse_raw_rrule)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", &c,
	    err), 0);
	ASSERT_EQ(c.kind, CADENCE_RRULE);
	ASSERT_STR_EQ(c.rrule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH");
	ASSERT_EQ(c.interval, 2);
	ASSERT_EQ(c.rrule_has_end, 0);
	cadence_clear(&c);
	ASSERT_TRUE(c.rrule == NULL);

	ASSERT_EQ(cadence_parse("RRULE:FREQ=DAILY;COUNT=3", &c, err), 0);
	ASSERT_EQ(c.rrule_has_end, 1);
	cadence_clear(&c);

	ASSERT_EQ(cadence_parse("RRULE:FREQ=MONTHLY;UNTIL=20271231T235959Z", &c,
	    err), 0);
	ASSERT_EQ(c.rrule_has_end, 1);
	cadence_clear(&c);
}

TEST(reject_every_0_weeks)
{
	ASSERT_TRUE(parse_fails("every 0 weeks"));
	ASSERT_TRUE(parse_fails("every 0 months"));
	ASSERT_TRUE(parse_fails("every -1 weeks"));
}

TEST(reject_every_weeks)
{
	ASSERT_TRUE(parse_fails("every weeks"));
	ASSERT_TRUE(parse_fails("every months"));
	ASSERT_TRUE(parse_fails("every 3"));
	ASSERT_TRUE(parse_fails("every"));
	ASSERT_TRUE(parse_fails("every 3 days"));
}

TEST(reject_bad_ordinal)
{
	ASSERT_TRUE(parse_fails("monthly on 6th monday"));
	ASSERT_TRUE(parse_fails("monthly on 0th monday"));
	ASSERT_TRUE(parse_fails("monthly on monday"));
	ASSERT_TRUE(parse_fails("monthly on 2nd"));
	ASSERT_TRUE(parse_fails("monthly on 2nd funday"));
}

TEST(reject_dangling_on)
{
	ASSERT_TRUE(parse_fails("fortnightly on"));
	ASSERT_TRUE(parse_fails("weekly on"));
	ASSERT_TRUE(parse_fails("weekly on the"));
	ASSERT_TRUE(parse_fails("weekly at tuesday"));
	ASSERT_TRUE(parse_fails("weekly on tuesday and friday"));
	/* An ordinal is for months; weeks have one of each day. */
	ASSERT_TRUE(parse_fails("weekly on 2nd tuesday"));
}

TEST(reject_gibberish)
{
	ASSERT_TRUE(parse_fails("whenever we feel like it"));
	ASSERT_TRUE(parse_fails(""));
	ASSERT_TRUE(parse_fails("   "));
	ASSERT_TRUE(parse_fails("daily"));
	ASSERT_TRUE(parse_fails("weekly weekly"));
	ASSERT_TRUE(parse_fails("a b c d e f g h i j k l m n o p q r s"));
}

TEST(reject_subdaily_rrule)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN] = "";

	ASSERT_EQ(cadence_parse("RRULE:FREQ=HOURLY", &c, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "daily");
	ASSERT_TRUE(c.rrule == NULL);
	cadence_clear(&c);
	ASSERT_TRUE(parse_fails("RRULE:FREQ=MINUTELY;INTERVAL=30"));
	ASSERT_TRUE(parse_fails("RRULE:FREQ=SECONDLY"));
}

TEST(reject_invalid_rrule)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN] = "";

	ASSERT_EQ(cadence_parse("RRULE:FREQ=SOMETIMES", &c, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "not a valid RRULE");
	cadence_clear(&c);
	ASSERT_TRUE(parse_fails("RRULE:"));
	ASSERT_TRUE(parse_fails("RRULE:INTERVAL=2"));
	ASSERT_TRUE(parse_fails("RRULE:hello"));
}

/*
 * BY parts that RFC 5545 forbids at a FREQ: libical parses them but will
 * not iterate them, so they are refused when the configuration is read.
 */
TEST(reject_forbidden_by_parts)
{
	struct cadence	c;
	char		err[PARSE_ERRLEN] = "";

	ASSERT_EQ(cadence_parse("RRULE:FREQ=WEEKLY;BYMONTHDAY=5", &c, err),
	    TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "RFC 5545");
	cadence_clear(&c);
	ASSERT_TRUE(parse_fails("RRULE:FREQ=MONTHLY;BYYEARDAY=5"));
	ASSERT_TRUE(parse_fails("RRULE:FREQ=DAILY;BYWEEKNO=5"));
	ASSERT_TRUE(parse_fails("RRULE:FREQ=WEEKLY;BYYEARDAY=100"));

	/* The same parts where they are allowed. */
	ASSERT_EQ(cadence_parse("RRULE:FREQ=DAILY;BYMONTHDAY=5", &c, err), 0);
	cadence_clear(&c);
	ASSERT_EQ(cadence_parse("RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", &c, err),
	    0);
	cadence_clear(&c);
	ASSERT_EQ(cadence_parse("RRULE:FREQ=YEARLY;BYYEARDAY=100", &c, err), 0);
	cadence_clear(&c);
}

/* --- the RRULE each form means ----------------------------------------------- */

TEST(rrule_text_weekly)
{
	char	buf[256];

	ASSERT_EQ(rrule_of("weekly", day(2027, 3, 1), buf, sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=WEEKLY;INTERVAL=1;WKST=MO");
	ASSERT_EQ(rrule_of("fortnightly", day(2027, 3, 1), buf, sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=WEEKLY;INTERVAL=2;WKST=MO");
	ASSERT_EQ(rrule_of("every 3 weeks on friday", day(2027, 3, 1), buf,
	    sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=WEEKLY;INTERVAL=3;WKST=MO;BYDAY=FR");
}

TEST(rrule_text_monthly)
{
	char	buf[256];

	ASSERT_EQ(rrule_of("monthly", day(2027, 1, 15), buf, sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15");
	ASSERT_EQ(rrule_of("every 2 months", day(2027, 1, 28), buf,
	    sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=28");
	/* Past the 28th: the last of the days that month has, up to the start's. */
	ASSERT_EQ(rrule_of("monthly", day(2027, 1, 29), buf, sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29;BYSETPOS=-1");
	ASSERT_EQ(rrule_of("monthly", day(2027, 1, 31), buf, sizeof(buf)), 0);
	ASSERT_STR_EQ(buf,
	    "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29,30,31;BYSETPOS=-1");
}

TEST(rrule_text_nth_and_raw)
{
	char	buf[256];

	ASSERT_EQ(rrule_of("monthly on 2nd tuesday", day(2027, 1, 1), buf,
	    sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU");
	ASSERT_EQ(rrule_of("every 3 months on last friday", day(2027, 1, 1), buf,
	    sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR");
	ASSERT_EQ(rrule_of("RRULE:FREQ=YEARLY;BYMONTH=6", day(2027, 1, 1), buf,
	    sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "FREQ=YEARLY;BYMONTH=6");
}

TEST(rrule_text_too_long)
{
	char	buf[16];

	ASSERT_EQ(rrule_of("weekly on monday", day(2027, 3, 1), buf, sizeof(buf)),
	    TANDEM_ERANGE);
	ASSERT_EQ(rrule_of("monthly", day(2027, 1, 31), buf, sizeof(buf)),
	    TANDEM_ERANGE);
}

/* --- time zones ---------------------------------------------------------- */

/* Berlin leaves CET (+1) for CEST (+2) on Sunday 2027-03-28. */
TEST(dst_berlin_spring)
{
	struct cadence_req	 req = { .end = END_COUNT, .count = 2 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 22), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(v[0].date, day(2027, 3, 22));
	ASSERT_EQ(v[0].minute, 9 * 60);
	ASSERT_EQ(v[0].offset, 1 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 3, 22, 8, 0));
	ASSERT_EQ(v[1].date, day(2027, 3, 29));
	ASSERT_EQ(v[1].minute, 9 * 60);
	ASSERT_EQ(v[1].offset, 2 * H);
	ASSERT_EQ(v[1].utc, utc(2027, 3, 29, 7, 0));
	free(v);
}

/* And returns to CET on Sunday 2027-10-31. */
TEST(dst_berlin_autumn)
{
	struct cadence_req	 req = { .end = END_COUNT, .count = 2 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	ASSERT_EQ(series("weekly", BERLIN, day(2027, 10, 25), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(v[0].date, day(2027, 10, 25));
	ASSERT_EQ(v[0].minute, 9 * 60);
	ASSERT_EQ(v[0].offset, 2 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 10, 25, 7, 0));
	ASSERT_EQ(v[1].date, day(2027, 11, 1));
	ASSERT_EQ(v[1].minute, 9 * 60);
	ASSERT_EQ(v[1].offset, 1 * H);
	ASSERT_EQ(v[1].utc, utc(2027, 11, 1, 8, 0));
	free(v);
}

/*
 * 02:30 does not exist in Berlin on 2027-03-28.  RFC 5545 3.3.5 reads it with
 * the offset before the gap (01:30Z, which is 03:30 CEST); the day after,
 * the session is back at 02:30.
 */
TEST(dst_gap_time)
{
	struct cadence_req	 req = { .end = END_COUNT, .count = 3 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	ASSERT_EQ(series("RRULE:FREQ=DAILY", BERLIN, day(2027, 3, 27),
	    2 * 60 + 30, &req, &v, &n), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(v[0].date, day(2027, 3, 27));
	ASSERT_EQ(v[0].minute, 2 * 60 + 30);
	ASSERT_EQ(v[0].offset, 1 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 3, 27, 1, 30));
	ASSERT_EQ(v[1].date, day(2027, 3, 28));
	ASSERT_EQ(v[1].minute, 3 * 60 + 30);
	ASSERT_EQ(v[1].offset, 2 * H);
	ASSERT_EQ(v[1].utc, utc(2027, 3, 28, 1, 30));
	ASSERT_EQ(v[2].date, day(2027, 3, 29));
	ASSERT_EQ(v[2].minute, 2 * 60 + 30);
	ASSERT_EQ(v[2].offset, 2 * H);
	ASSERT_EQ(v[2].utc, utc(2027, 3, 29, 0, 30));
	free(v);

	/* Sundays at 02:30: only the change day itself moves. */
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 21), 2 * 60 + 30, &req,
	    &v, &n), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(v[0].utc, utc(2027, 3, 21, 1, 30));
	ASSERT_EQ(v[1].date, day(2027, 3, 28));
	ASSERT_EQ(v[1].minute, 3 * 60 + 30);
	ASSERT_EQ(v[1].utc, utc(2027, 3, 28, 1, 30));
	ASSERT_EQ(v[2].date, day(2027, 4, 4));
	ASSERT_EQ(v[2].minute, 2 * 60 + 30);
	ASSERT_EQ(v[2].utc, utc(2027, 4, 4, 0, 30));
	free(v);
}

/*
 * 02:30 happens twice in Berlin on 2027-10-31; RFC 5545 3.3.5 means the
 * first, still in CEST.
 */
TEST(dst_repeated_time)
{
	struct cadence_req	 req = { .end = END_COUNT, .count = 3 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	ASSERT_EQ(series("RRULE:FREQ=DAILY", BERLIN, day(2027, 10, 30),
	    2 * 60 + 30, &req, &v, &n), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(v[0].offset, 2 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 10, 30, 0, 30));
	ASSERT_EQ(v[1].date, day(2027, 10, 31));
	ASSERT_EQ(v[1].minute, 2 * 60 + 30);
	ASSERT_EQ(v[1].offset, 2 * H);
	ASSERT_EQ(v[1].utc, utc(2027, 10, 31, 0, 30));
	ASSERT_EQ(v[2].minute, 2 * 60 + 30);
	ASSERT_EQ(v[2].offset, 1 * H);
	ASSERT_EQ(v[2].utc, utc(2027, 11, 1, 1, 30));
	free(v);
}

/*
 * A mentee in New York: the US springs forward on 2027-03-14, Europe two
 * weeks later, so for those two weeks the 09:00 Berlin session is an hour
 * later in New York (04:00 instead of 03:00).
 */
TEST(dst_partner_new_york)
{
	static const int	 want_hour[] = { 3, 4, 4, 3 };
	static const int	 want_off[] = { -5 * H, -4 * H, -4 * H, -4 * H };
	struct cadence_req	 req = { .end = END_COUNT, .count = 4 };
	icaltimezone		*ny = zone("America/New_York");
	struct icaltimetype	 t;
	struct nominal		*v = NULL;
	size_t			 n = 0, i;
	int			 dst = 0;

	ASSERT_EQ(series("weekly on monday", BERLIN, day(2027, 3, 8), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_EQ(n, 4);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(v[i].date, day(2027, 3, 8) + 7 * (int32_t)i);
		ASSERT_EQ(v[i].minute, 9 * 60);
		t = icaltime_from_timet_with_zone((time_t)v[i].utc, 0, ny);
		ASSERT_EQ(t.day, 8 + 7 * (int)i);
		ASSERT_EQ(t.hour, want_hour[i]);
		ASSERT_EQ(t.minute, 0);
		ASSERT_EQ(icaltimezone_get_utc_offset(ny, &t, &dst), want_off[i]);
		/* The same instant, by the offsets alone. */
		ASSERT_EQ((v[i].utc + want_off[i]) % 86400 / H, want_hour[i]);
	}
	ASSERT_EQ(v[0].utc, utc(2027, 3, 8, 8, 0));
	ASSERT_EQ(v[1].utc, utc(2027, 3, 15, 8, 0));
	ASSERT_EQ(v[3].utc, utc(2027, 3, 29, 7, 0));
	free(v);
}

/*
 * Southern hemisphere: Sydney leaves AEDT (+11) for AEST (+10) on Sunday
 * 2027-04-04 and goes back on Sunday 2027-10-03.
 */
TEST(dst_sydney)
{
	struct cadence_req	 req = { .end = END_UNTIL, .until = 0 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	req.until = day(2027, 4, 5);
	ASSERT_EQ(series("weekly", "Australia/Sydney", day(2027, 3, 29), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(v[0].date, day(2027, 3, 29));
	ASSERT_EQ(v[0].offset, 11 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 3, 28, 22, 0));
	ASSERT_EQ(v[1].date, day(2027, 4, 5));
	ASSERT_EQ(v[1].minute, 9 * 60);
	ASSERT_EQ(v[1].offset, 10 * H);
	ASSERT_EQ(v[1].utc, utc(2027, 4, 4, 23, 0));
	free(v);

	req.until = day(2027, 10, 4);
	ASSERT_EQ(series("weekly", "Australia/Sydney", day(2027, 9, 27), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(v[0].offset, 10 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 9, 26, 23, 0));
	ASSERT_EQ(v[1].offset, 11 * H);
	ASSERT_EQ(v[1].utc, utc(2027, 10, 3, 22, 0));
	free(v);
}

/* India is +05:30 all year: the session is at 03:30 UTC. */
TEST(half_hour_offset_kolkata)
{
	struct cadence_req	 req = { .end = END_COUNT, .count = 3 };
	struct nominal		*v = NULL;
	size_t			 n = 0, i;

	ASSERT_EQ(series("fortnightly", "Asia/Kolkata", day(2027, 3, 22),
	    9 * 60, &req, &v, &n), 0);
	ASSERT_EQ(n, 3);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(v[i].date, day(2027, 3, 22) + 14 * (int32_t)i);
		ASSERT_EQ(v[i].minute, 9 * 60);
		ASSERT_EQ(v[i].offset, 5 * H + 30 * 60);
		ASSERT_EQ(v[i].utc, utc(2027, 3, 22, 3, 30) + 14 * 86400 *
		    (int64_t)i);
	}
	free(v);
}

/* A late-evening session: the UTC day differs from the local day. */
TEST(local_date_not_utc_date)
{
	struct cadence_req	 req = { .end = END_COUNT, .count = 1 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	ASSERT_EQ(series("weekly", "America/New_York", day(2027, 6, 7),
	    22 * 60 + 30, &req, &v, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(v[0].date, day(2027, 6, 7));
	ASSERT_EQ(v[0].minute, 22 * 60 + 30);
	ASSERT_EQ(v[0].offset, -4 * H);
	ASSERT_EQ(v[0].utc, utc(2027, 6, 8, 2, 30));
	free(v);
}

/* --- calendar edges ------------------------------------------------------ */

/* 2028 is a leap year and Feb 29 2028 is a Tuesday. */
TEST(leap_day_weekly)
{
	int32_t			 w[4];
	struct cadence_req	 req = { .end = END_COUNT, .count = 4 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2028, 2, 22);
	w[1] = day(2028, 2, 29);
	w[2] = day(2028, 3, 7);
	w[3] = day(2028, 3, 14);
	ASSERT_EQ(series("weekly on tuesday", BERLIN, day(2028, 2, 20), 10 * 60,
	    &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, TANDEM_NELEM(w));
	ASSERT_EQ(v[1].utc, utc(2028, 2, 29, 9, 0));
	free(v);
}

TEST(leap_day_monthly)
{
	int32_t			 w[5];
	struct cadence_req	 req = { .end = END_COUNT, .count = 5 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	/* From Jan 29 2028: Feb has its 29th this year. */
	w[0] = day(2028, 1, 29);
	w[1] = day(2028, 2, 29);
	w[2] = day(2028, 3, 29);
	w[3] = day(2028, 4, 29);
	w[4] = day(2028, 5, 29);
	ASSERT_EQ(series("monthly", BERLIN, day(2028, 1, 29), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_DATES(v, n, w, 5);
	free(v);

	/* From Feb 29 2028, yearly by months: Feb 2029 has only 28 days. */
	req.count = 3;
	w[0] = day(2028, 2, 29);
	w[1] = day(2029, 2, 28);
	w[2] = day(2030, 2, 28);
	ASSERT_EQ(series("every 12 months", BERLIN, day(2028, 2, 29), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 3);
	free(v);
}

/*
 * A raw yearly rule from Feb 29 is taken as written: RFC 5545 skips the
 * years without that day, so the next sessions are in 2032 and 2036.
 */
TEST(leap_day_yearly_rrule)
{
	int32_t			 w[3];
	struct cadence_req	 req = { .end = END_COUNT, .count = 3 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2028, 2, 29);
	w[1] = day(2032, 2, 29);
	w[2] = day(2036, 2, 29);
	ASSERT_EQ(series("RRULE:FREQ=YEARLY", BERLIN, day(2028, 2, 29), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 3);
	free(v);

	/* The last day of February, every year. */
	w[0] = day(2028, 2, 29);
	w[1] = day(2029, 2, 28);
	w[2] = day(2030, 2, 28);
	ASSERT_EQ(series("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", BERLIN,
	    day(2028, 1, 10), 9 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 3);
	free(v);
}

TEST(month_end_clamp_31)
{
	int32_t			 w[8];
	struct cadence_req	 req = { .end = END_COUNT, .count = 8 };
	struct nominal		*v = NULL;
	size_t			 n = 0, i;

	w[0] = day(2027, 1, 31);
	w[1] = day(2027, 2, 28);
	w[2] = day(2027, 3, 31);
	w[3] = day(2027, 4, 30);
	w[4] = day(2027, 5, 31);
	w[5] = day(2027, 6, 30);
	w[6] = day(2027, 7, 31);
	w[7] = day(2027, 8, 31);
	ASSERT_EQ(series("monthly", BERLIN, day(2027, 1, 31), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_DATES(v, n, w, 8);
	for (i = 0; i < n; i++)
		ASSERT_EQ(v[i].minute, 9 * 60);
	free(v);
}

TEST(month_end_clamp_30)
{
	int32_t			 w[5];
	struct cadence_req	 req = { .end = END_COUNT, .count = 5 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 1, 30);
	w[1] = day(2027, 2, 28);
	w[2] = day(2027, 3, 30);
	w[3] = day(2027, 4, 30);
	w[4] = day(2027, 5, 30);
	ASSERT_EQ(series("monthly", BERLIN, day(2027, 1, 30), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_DATES(v, n, w, 5);
	free(v);
}

TEST(month_end_clamp_29)
{
	int32_t			 w[4];
	struct cadence_req	 req = { .end = END_COUNT, .count = 4 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 1, 29);
	w[1] = day(2027, 2, 28);
	w[2] = day(2027, 3, 29);
	w[3] = day(2027, 4, 29);
	ASSERT_EQ(series("monthly", BERLIN, day(2027, 1, 29), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_DATES(v, n, w, 4);
	free(v);
}

/* Every other month from Aug 31 meets Feb 29 of the leap year. */
TEST(month_end_clamp_every_2_months)
{
	int32_t			 w[5];
	struct cadence_req	 req = { .end = END_COUNT, .count = 5 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 8, 31);
	w[1] = day(2027, 10, 31);
	w[2] = day(2027, 12, 31);
	w[3] = day(2028, 2, 29);
	w[4] = day(2028, 4, 30);
	ASSERT_EQ(series("every 2 months", BERLIN, day(2027, 8, 31), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 5);
	free(v);
}

/* In 2027 only March, May, August and November have a fifth Monday. */
TEST(fifth_monday_skips_months)
{
	int32_t			 w[4];
	struct cadence_req	 req = { .end = END_UNTIL, .until = 0 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	req.until = day(2027, 12, 31);
	w[0] = day(2027, 3, 29);
	w[1] = day(2027, 5, 31);
	w[2] = day(2027, 8, 30);
	w[3] = day(2027, 11, 29);
	ASSERT_EQ(series("monthly on 5th monday", BERLIN, day(2027, 1, 1),
	    9 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 4);
	free(v);
}

TEST(last_friday)
{
	int32_t			 w[5];
	struct cadence_req	 req = { .end = END_COUNT, .count = 5 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 1, 29);
	w[1] = day(2027, 2, 26);
	w[2] = day(2027, 3, 26);
	w[3] = day(2027, 4, 30);
	w[4] = day(2027, 5, 28);
	ASSERT_EQ(series("monthly on last friday", BERLIN, day(2027, 1, 1),
	    16 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 5);
	/* Mar 26 is before the change, Apr 30 after it. */
	ASSERT_EQ(v[2].utc, utc(2027, 3, 26, 15, 0));
	ASSERT_EQ(v[3].utc, utc(2027, 4, 30, 14, 0));
	free(v);
}

TEST(nth_weekday_every_2_months)
{
	int32_t			 w[4];
	struct cadence_req	 req = { .end = END_COUNT, .count = 4 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 1, 12);
	w[1] = day(2027, 2, 9);
	w[2] = day(2027, 3, 9);
	w[3] = day(2027, 4, 13);
	ASSERT_EQ(series("monthly on 2nd tuesday", BERLIN, day(2027, 1, 1),
	    9 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 4);
	free(v);

	w[0] = day(2027, 1, 4);
	w[1] = day(2027, 3, 1);
	w[2] = day(2027, 5, 3);
	w[3] = day(2027, 7, 5);
	ASSERT_EQ(series("every 2 months on 1st monday", BERLIN,
	    day(2027, 1, 1), 9 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 4);
	free(v);
}

/* A start that is not on the rule's day: the first session is the next match. */
TEST(start_not_on_rule_day)
{
	int32_t			 w[3];
	struct cadence_req	 req = { .end = END_COUNT, .count = 3 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	/* Monday 2027-03-01. */
	w[0] = day(2027, 3, 2);
	w[1] = day(2027, 3, 9);
	w[2] = day(2027, 3, 16);
	ASSERT_EQ(series("weekly on tuesday", BERLIN, day(2027, 3, 1), 9 * 60,
	    &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 3);
	free(v);

	/* The 2nd Tuesday of January 2027 (the 12th) has passed by the 20th. */
	w[0] = day(2027, 2, 9);
	w[1] = day(2027, 3, 9);
	w[2] = day(2027, 4, 13);
	ASSERT_EQ(series("monthly on 2nd tuesday", BERLIN, day(2027, 1, 20),
	    9 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 3);
	free(v);
}

/* --- where a series ends ----------------------------------------------------- */

TEST(until_is_inclusive)
{
	struct cadence_req	 req = { .end = END_UNTIL, .until = 0 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	/* Mondays from 2027-03-01; the until date is itself a Monday. */
	req.until = day(2027, 3, 29);
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 1), 18 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 5);
	ASSERT_EQ(v[4].date, day(2027, 3, 29));
	ASSERT_EQ(v[4].utc, utc(2027, 3, 29, 16, 0));
	free(v);

	req.until = day(2027, 3, 28);
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 1), 18 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 4);
	ASSERT_EQ(v[3].date, day(2027, 3, 22));
	free(v);

	/* An until before the start: nothing, and no error. */
	req.until = day(2027, 2, 28);
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 1), 18 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 0);
	free(v);
}

TEST(duration_is_exclusive)
{
	struct cadence_req	 req = { .end = END_DURATION };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	/* 12 months from Jan 15 2027 ends before Jan 15 2028. */
	req.duration.months = 12;
	ASSERT_EQ(series("monthly", BERLIN, day(2027, 1, 15), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 12);
	ASSERT_EQ(v[0].date, day(2027, 1, 15));
	ASSERT_EQ(v[11].date, day(2027, 12, 15));
	free(v);

	/* 14 days from Monday Mar 1: Mar 15 is the end, not a session. */
	req.duration.months = 0;
	req.duration.days = 14;
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 1), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(v[1].date, day(2027, 3, 8));
	free(v);

	/* One more day takes it in. */
	req.duration.days = 15;
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 3, 1), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(v[2].date, day(2027, 3, 15));
	free(v);
}

TEST(duration_end_clamps)
{
	struct span	sp = { 1, 0 };

	ASSERT_EQ(cadence_duration_end(day(2027, 1, 31), &sp), day(2027, 2, 28));
	ASSERT_EQ(cadence_duration_end(day(2028, 1, 31), &sp), day(2028, 2, 29));
	sp.months = 12;
	sp.days = 3;
	ASSERT_EQ(cadence_duration_end(day(2027, 12, 30), &sp), day(2029, 1, 2));
	sp.months = 0;
	sp.days = 0;
	ASSERT_EQ(cadence_duration_end(day(2027, 6, 1), &sp), day(2027, 6, 1));
}

TEST(count)
{
	int32_t			 w[4];
	struct cadence_req	 req = { .end = END_COUNT, .count = 4 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 1, 4);
	w[1] = day(2027, 1, 25);
	w[2] = day(2027, 2, 15);
	w[3] = day(2027, 3, 8);
	ASSERT_EQ(series("every 3 weeks", BERLIN, day(2027, 1, 4), 9 * 60, &req,
	    &v, &n), 0);
	ASSERT_DATES(v, n, w, 4);
	free(v);

	req.count = 0;
	ASSERT_EQ(series("every 3 weeks", BERLIN, day(2027, 1, 4), 9 * 60, &req,
	    &v, &n), 0);
	ASSERT_EQ(n, 0);
	free(v);
}

TEST(rrule_own_count)
{
	int32_t			 w[5];
	struct cadence_req	 req = { .end = END_RRULE };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	w[0] = day(2027, 1, 4);
	w[1] = day(2027, 1, 7);
	w[2] = day(2027, 1, 11);
	w[3] = day(2027, 1, 14);
	w[4] = day(2027, 1, 18);
	ASSERT_EQ(series("RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5", BERLIN,
	    day(2027, 1, 4), 9 * 60, &req, &v, &n), 0);
	ASSERT_DATES(v, n, w, 5);
	ASSERT_EQ(v[4].utc, utc(2027, 1, 18, 8, 0));
	free(v);
}

TEST(rrule_own_until)
{
	struct cadence_req	 req = { .end = END_RRULE };
	struct nominal		*v = NULL;
	size_t			 n = 0, i;

	/*
	 * Daily at 09:00 Berlin (08:00Z) until 08:00Z on the 5th: UNTIL is
	 * inclusive, so the 5th is the last session.
	 */
	ASSERT_EQ(series("RRULE:FREQ=DAILY;UNTIL=20270105T080000Z", BERLIN,
	    day(2027, 1, 1), 9 * 60, &req, &v, &n), 0);
	ASSERT_EQ(n, 5);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(v[i].date, day(2027, 1, 1) + (int32_t)i);
		ASSERT_EQ(v[i].utc, utc(2027, 1, 1, 8, 0) + 86400 * (int64_t)i);
	}
	free(v);

	/* One second earlier and the 5th is out. */
	ASSERT_EQ(series("RRULE:FREQ=DAILY;UNTIL=20270105T075959Z", BERLIN,
	    day(2027, 1, 1), 9 * 60, &req, &v, &n), 0);
	ASSERT_EQ(n, 4);
	free(v);
}

TEST(max_sessions_boundary)
{
	static struct nominal	 stale;
	struct cadence_req	 req = { .end = END_COUNT, .count = 1000 };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	/* 1000 weeks from Monday 2027-01-04 end on the 999th Monday after. */
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 1, 4), 9 * 60, &req, &v,
	    &n), 0);
	ASSERT_EQ(n, 1000);
	ASSERT_EQ(v[999].date, day(2027, 1, 4) + 999 * 7);
	ASSERT_EQ(v[999].minute, 9 * 60);
	free(v);

	req.count = 1001;
	v = &stale;	/* a failure must reset it, not leave it dangling */
	n = 7;
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 1, 4), 9 * 60, &req, &v,
	    &n), TANDEM_ERANGE);
	ASSERT_TRUE(v == NULL);
	ASSERT_EQ(n, 0);
}

TEST(erange_30_years_weekly)
{
	struct cadence_req	 req = { .end = END_DURATION };
	struct nominal		*v = NULL;
	size_t			 n = 0;

	/* About 1565 Mondays. */
	req.duration.months = 30 * 12;
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 1, 4), 9 * 60, &req, &v,
	    &n), TANDEM_ERANGE);
	ASSERT_TRUE(v == NULL);
	ASSERT_EQ(n, 0);

	/* So is an open-ended one. */
	req.end = END_NONE;
	ASSERT_EQ(series("weekly", BERLIN, day(2027, 1, 4), 9 * 60, &req, &v,
	    &n), TANDEM_ERANGE);
	ASSERT_TRUE(v == NULL);
}

/* February never has a 30th: the expansion must end, with no session. */
TEST(never_matching_rule)
{
	struct cadence_req	 req = { .end = END_NONE };
	struct nominal		*v = NULL;
	size_t			 n = 99;

	ASSERT_EQ(series("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", BERLIN,
	    day(2027, 1, 1), 9 * 60, &req, &v, &n), 0);
	ASSERT_EQ(n, 0);
	free(v);

	req.end = END_RRULE;
	ASSERT_EQ(series("RRULE:FREQ=MONTHLY;BYMONTHDAY=30;BYMONTH=2;COUNT=3",
	    BERLIN, day(2027, 1, 1), 9 * 60, &req, &v, &n), 0);
	ASSERT_EQ(n, 0);
	free(v);
}

/* A session needs a time of day. */
TEST(expand_needs_minute)
{
	struct cadence		 c;
	struct cadence_req	 req = { .end = END_COUNT, .count = 3 };
	struct nominal		*v = NULL;
	size_t			 n = 0;
	char			 err[PARSE_ERRLEN];

	ASSERT_EQ(cadence_parse("weekly", &c, err), 0);
	req.cadence = &c;
	req.tz = zone(BERLIN);
	req.start.date = day(2027, 1, 4);
	req.start.minute = -1;
	ASSERT_EQ(cadence_expand(&req, &v, &n), TANDEM_EINVAL);
	ASSERT_TRUE(v == NULL);
	ASSERT_EQ(n, 0);
	cadence_clear(&c);
	cadence_clear(&c);	/* twice is harmless */
	cadence_clear(NULL);
}

TT_MAIN(
	CASE(parse_weekly),
	CASE(parse_every_n_weeks),
	CASE(parse_fortnightly),
	CASE(parse_weekly_on_day),
	CASE(parse_monthly),
	CASE(parse_monthly_nth),
	CASE(parse_monthly_last),
	CASE(parse_every_n_months_on),
	CASE(parse_raw_rrule),
	CASE(reject_every_0_weeks),
	CASE(reject_every_weeks),
	CASE(reject_bad_ordinal),
	CASE(reject_dangling_on),
	CASE(reject_gibberish),
	CASE(reject_subdaily_rrule),
	CASE(reject_invalid_rrule),
	CASE(reject_forbidden_by_parts),
	CASE(rrule_text_weekly),
	CASE(rrule_text_monthly),
	CASE(rrule_text_nth_and_raw),
	CASE(rrule_text_too_long),
	CASE(dst_berlin_spring),
	CASE(dst_berlin_autumn),
	CASE(dst_gap_time),
	CASE(dst_repeated_time),
	CASE(dst_partner_new_york),
	CASE(dst_sydney),
	CASE(half_hour_offset_kolkata),
	CASE(local_date_not_utc_date),
	CASE(leap_day_weekly),
	CASE(leap_day_monthly),
	CASE(leap_day_yearly_rrule),
	CASE(month_end_clamp_31),
	CASE(month_end_clamp_30),
	CASE(month_end_clamp_29),
	CASE(month_end_clamp_every_2_months),
	CASE(fifth_monday_skips_months),
	CASE(last_friday),
	CASE(nth_weekday_every_2_months),
	CASE(start_not_on_rule_day),
	CASE(until_is_inclusive),
	CASE(duration_is_exclusive),
	CASE(duration_end_clamps),
	CASE(count),
	CASE(rrule_own_count),
	CASE(rrule_own_until),
	CASE(max_sessions_boundary),
	CASE(erange_30_years_weekly),
	CASE(never_matching_rule),
	CASE(expand_needs_minute)
)
