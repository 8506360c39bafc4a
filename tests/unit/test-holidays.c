/*
 * Unit tests of the holiday calendar reader: which local days an iCalendar
 * file of holidays covers, with recurrence, exceptions, overrides and
 * cancellations as public holiday feeds use them.  Expected days are
 * written out by hand; civil_days() only numbers them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "holidays.h"
#include "parse.h"

#define CAL_BEGIN	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" \
			"PRODID:-//tandem//unit test//EN\r\n"
#define CAL_END		"END:VCALENDAR\r\n"
#define EV_BEGIN(uid)	"BEGIN:VEVENT\r\nUID:" uid "\r\n" \
			"DTSTAMP:20260101T000000Z\r\n"
#define EV_END		"END:VEVENT\r\n"

static int32_t day(int y, int m, int d);
static void collect(const char *text, const char *tzname, int32_t from,
    int32_t to, int32_t **dates, size_t *n);
static void assert_days(const int32_t *got, size_t n, const int32_t *want,
    size_t nwant, int line);

/* The days found, in order; a failure names the caller's line. */
#define ASSERT_DAYS(got, n, want, nwant)				\
	assert_days((got), (n), (want), (nwant), __LINE__)

static int32_t
day(int y, int m, int d)
{
	return civil_days(y, m, d);
}

/* Parse text that must be accepted; the days land in *dates (caller frees). */
static void
collect(const char *text, const char *tzname, int32_t from, int32_t to,
    int32_t **dates, size_t *n)
{
	icaltimezone	*tz = icaltimezone_get_builtin_timezone(tzname);
	char		 err[PARSE_ERRLEN] = "";
	int		 rc;

	if (tz == NULL)
		TT_FAIL("libical has no zone %s", tzname);
	rc = holidays_parse(text, tz, from, to, dates, n, err);
	if (rc != 0)
		TT_FAIL("holidays_parse = %d: %s", rc, err);
}

static void
assert_days(const int32_t *got, size_t n, const int32_t *want, size_t nwant,
    int line)
{
	size_t	i;
	int	y, m, d, wy, wm, wd;

	for (i = 0; i < n && i < nwant; i++) {
		if (got[i] == want[i])
			continue;
		civil_from_days(got[i], &y, &m, &d);
		civil_from_days(want[i], &wy, &wm, &wd);
		TT_FAIL("line %d: day %zu is %04d-%02d-%02d, expected "
		    "%04d-%02d-%02d", line, i, y, m, d, wy, wm, wd);
	}
	if (n != nwant)
		TT_FAIL("line %d: %zu days, expected %zu", line, n, nwant);
}

TEST(single_all_day)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("xmas-2027")
	    "SUMMARY:Christmas Day\r\n"
	    "DTSTART;VALUE=DATE:20271225\r\n"
	    "DTEND;VALUE=DATE:20271226\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[1];
	size_t		 n = 0;

	want[0] = day(2027, 12, 25);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	ASSERT_TRUE(holidays_contains(d, n, day(2027, 12, 25)));
	ASSERT_TRUE(!holidays_contains(d, n, day(2027, 12, 26)));
	free(d);
}

/* An all-day event without DTEND lasts its one day. */
TEST(all_day_without_dtend)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("unity")
	    "DTSTART;VALUE=DATE:20271003\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[1];
	size_t		 n = 0;

	want[0] = day(2027, 10, 3);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

/* DTEND of an all-day event is the day after the last one. */
TEST(multi_day_dtend_exclusive)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("break")
	    "SUMMARY:Winter break\r\n"
	    "DTSTART;VALUE=DATE:20271224\r\n"
	    "DTEND;VALUE=DATE:20271227\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2027, 12, 24);
	want[1] = day(2027, 12, 25);
	want[2] = day(2027, 12, 26);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	ASSERT_TRUE(!holidays_contains(d, n, day(2027, 12, 27)));
	free(d);

	/* DURATION instead of DTEND: the same three days. */
	collect(CAL_BEGIN EV_BEGIN("break2")
	    "DTSTART;VALUE=DATE:20271224\r\n"
	    "DURATION:P3D\r\n"
	    EV_END CAL_END, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1),
	    &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);
}

TEST(yearly_rrule)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("xmas")
	    "DTSTART;VALUE=DATE:20201225\r\n"
	    "DTEND;VALUE=DATE:20201226\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2026, 12, 25);
	want[1] = day(2027, 12, 25);
	want[2] = day(2028, 12, 25);
	collect(text, "Europe/Berlin", day(2026, 1, 1), day(2029, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);

	/* Its own COUNT ends it: 2020..2026, so 2026 is the last. */
	collect(CAL_BEGIN EV_BEGIN("xmas7")
	    "DTSTART;VALUE=DATE:20201225\r\n"
	    "RRULE:FREQ=YEARLY;COUNT=7\r\n"
	    EV_END CAL_END, "Europe/Berlin", day(2026, 1, 1), day(2029, 1, 1),
	    &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

/* Thanksgiving: the fourth Thursday of November. */
TEST(yearly_rrule_by_day)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("thanks")
	    "DTSTART;VALUE=DATE:20201126\r\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2026, 11, 26);
	want[1] = day(2027, 11, 25);
	want[2] = day(2028, 11, 23);
	collect(text, "America/New_York", day(2026, 1, 1), day(2029, 1, 1), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);
}

TEST(exdate_lines)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("newyear")
	    "DTSTART;VALUE=DATE:20200101\r\n"
	    "DTEND;VALUE=DATE:20200102\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    "EXDATE;VALUE=DATE:20270101\r\n"
	    "EXDATE;VALUE=DATE:20280101\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[2];
	size_t		 n = 0;

	want[0] = day(2026, 1, 1);
	want[1] = day(2029, 1, 1);
	collect(text, "Europe/Berlin", day(2026, 1, 1), day(2030, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 2);
	free(d);
}

TEST(exdate_comma_list)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("newyear")
	    "DTSTART;VALUE=DATE:20200101\r\n"
	    "DTEND;VALUE=DATE:20200102\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    "EXDATE;VALUE=DATE:20270101,20280101\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[2];
	size_t		 n = 0;

	want[0] = day(2026, 1, 1);
	want[1] = day(2029, 1, 1);
	collect(text, "Europe/Berlin", day(2026, 1, 1), day(2030, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 2);
	free(d);
}

/* A RECURRENCE-ID override moves the 2027 instance from May 1 to May 3. */
TEST(recurrence_id_moves_instance)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("mayday")
	    "DTSTART;VALUE=DATE:20200501\r\n"
	    "DTEND;VALUE=DATE:20200502\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    EV_END
	    EV_BEGIN("mayday")
	    "RECURRENCE-ID;VALUE=DATE:20270501\r\n"
	    "DTSTART;VALUE=DATE:20270503\r\n"
	    "DTEND;VALUE=DATE:20270504\r\n"
	    EV_END
	    CAL_END;
	static const char first[] = CAL_BEGIN
	    EV_BEGIN("mayday")
	    "RECURRENCE-ID;VALUE=DATE:20270501\r\n"
	    "DTSTART;VALUE=DATE:20270503\r\n"
	    "DTEND;VALUE=DATE:20270504\r\n"
	    EV_END
	    EV_BEGIN("mayday")
	    "DTSTART;VALUE=DATE:20200501\r\n"
	    "DTEND;VALUE=DATE:20200502\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2026, 5, 1);
	want[1] = day(2027, 5, 3);
	want[2] = day(2028, 5, 1);
	collect(text, "Europe/Berlin", day(2026, 1, 1), day(2029, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	ASSERT_TRUE(!holidays_contains(d, n, day(2027, 5, 1)));
	free(d);

	/* The override may come before its master. */
	collect(first, "Europe/Berlin", day(2026, 1, 1), day(2029, 1, 1), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);
}

TEST(cancelled_instance)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("mayday")
	    "DTSTART;VALUE=DATE:20200501\r\n"
	    "DTEND;VALUE=DATE:20200502\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    EV_END
	    EV_BEGIN("mayday")
	    "RECURRENCE-ID;VALUE=DATE:20270501\r\n"
	    "DTSTART;VALUE=DATE:20270501\r\n"
	    "DTEND;VALUE=DATE:20270502\r\n"
	    "STATUS:CANCELLED\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[2];
	size_t		 n = 0;

	want[0] = day(2026, 5, 1);
	want[1] = day(2028, 5, 1);
	collect(text, "Europe/Berlin", day(2026, 1, 1), day(2029, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 2);
	free(d);
}

TEST(cancelled_event)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("offsite")
	    "DTSTART;VALUE=DATE:20270610\r\n"
	    "DTEND;VALUE=DATE:20270612\r\n"
	    "STATUS:CANCELLED\r\n"
	    EV_END
	    EV_BEGIN("series")
	    "DTSTART;VALUE=DATE:20200701\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    "STATUS:CANCELLED\r\n"
	    EV_END
	    EV_BEGIN("kept")
	    "DTSTART;VALUE=DATE:20270615\r\n"
	    "STATUS:CONFIRMED\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[1];
	size_t		 n = 0;

	want[0] = day(2027, 6, 15);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

TEST(rdate_with_rrule)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("xmas")
	    "DTSTART;VALUE=DATE:20201225\r\n"
	    "DTEND;VALUE=DATE:20201226\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    "RDATE;VALUE=DATE:20270615\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[2];
	size_t		 n = 0;

	want[0] = day(2027, 6, 15);
	want[1] = day(2027, 12, 25);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 2);
	free(d);
}

/* RDATE needs no RRULE: the set is DTSTART plus the RDATEs (RFC 5545 3.8.5.2). */
TEST(rdate_without_rrule)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("bridge")
	    "DTSTART;VALUE=DATE:20270301\r\n"
	    "DTEND;VALUE=DATE:20270302\r\n"
	    "RDATE;VALUE=DATE:20270401,20270503\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2027, 3, 1);
	want[1] = day(2027, 4, 1);
	want[2] = day(2027, 5, 3);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);
}

/* EXDATE removes from the whole set, RDATEs included (RFC 5545 3.8.5.1). */
TEST(exdate_removes_rdate)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("bridge")
	    "DTSTART;VALUE=DATE:20270301\r\n"
	    "RRULE:FREQ=YEARLY;COUNT=2\r\n"
	    "RDATE;VALUE=DATE:20270401\r\n"
	    "RDATE;VALUE=DATE:20270503\r\n"
	    "EXDATE;VALUE=DATE:20270503\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2027, 3, 1);
	want[1] = day(2027, 4, 1);
	want[2] = day(2028, 3, 1);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2029, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);
}

/* A rule libical cannot expand still leaves the event's first day. */
TEST(unreadable_rrule_first_day)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("odd")
	    "DTSTART;VALUE=DATE:20270301\r\n"
	    "RRULE:FREQ=WEEKLY;BYMONTHDAY=5\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[1];
	size_t		 n = 0;

	want[0] = day(2027, 3, 1);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

/*
 * A timed event covers the local days it touches in the program's zone:
 * 23:00-01:00Z on Mar 10/11 2027 is 00:00-02:00 Mar 11 in Berlin (CET) but
 * 18:00-20:00 Mar 10 in New York (EST).
 */
TEST(timed_event_in_zone)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("late")
	    "DTSTART:20270310T230000Z\r\n"
	    "DTEND:20270311T010000Z\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[1];
	size_t		 n = 0;

	want[0] = day(2027, 3, 11);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);

	want[0] = day(2027, 3, 10);
	collect(text, "America/New_York", day(2027, 1, 1), day(2028, 1, 1), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

/* A TZID names the event's own zone; the day is still taken in tz. */
TEST(timed_event_with_tzid)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("ny-evening")
	    "DTSTART;TZID=America/New_York:20270310T200000\r\n"
	    "DTEND;TZID=America/New_York:20270310T220000\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[1];
	size_t		 n = 0;

	/* 20:00-22:00 EST is 02:00-04:00 CET the next day. */
	want[0] = day(2027, 3, 11);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

TEST(timed_event_spans_days)
{
	/* 21:00 Mar 10 to 09:00 Mar 12, Berlin time. */
	static const char spans[] = CAL_BEGIN
	    EV_BEGIN("retreat")
	    "DTSTART:20270310T200000Z\r\n"
	    "DTEND:20270312T080000Z\r\n"
	    EV_END
	    CAL_END;
	/* 09:00 to midnight, Berlin time: the next day is not touched. */
	static const char to_midnight[] = CAL_BEGIN
	    EV_BEGIN("long-day")
	    "DTSTART:20270310T080000Z\r\n"
	    "DTEND:20270310T230000Z\r\n"
	    EV_END
	    CAL_END;
	/* Floating times are already local. */
	static const char floating[] = CAL_BEGIN
	    EV_BEGIN("floating")
	    "DTSTART:20270310T100000\r\n"
	    "DTEND:20270310T120000\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2027, 3, 10);
	want[1] = day(2027, 3, 11);
	want[2] = day(2027, 3, 12);
	collect(spans, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);

	collect(to_midnight, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1),
	    &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);

	collect(floating, "Asia/Tokyo", day(2027, 1, 1), day(2028, 1, 1), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

/* [from, to): days outside are dropped, even of an event that straddles. */
TEST(window_clipping)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("turn")
	    "DTSTART;VALUE=DATE:20261230\r\n"
	    "DTEND;VALUE=DATE:20270103\r\n"
	    EV_END
	    EV_BEGIN("xmas")
	    "DTSTART;VALUE=DATE:19901225\r\n"
	    "RRULE:FREQ=YEARLY\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[2];
	size_t		 n = 0;

	want[0] = day(2027, 1, 1);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2027, 1, 2), &d, &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);

	want[0] = day(2026, 12, 31);
	want[1] = day(2027, 1, 1);
	collect(text, "Europe/Berlin", day(2026, 12, 31), day(2027, 1, 2), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 2);
	free(d);

	/* to is exclusive: a window ending on Christmas misses it. */
	collect(text, "Europe/Berlin", day(2027, 6, 1), day(2027, 12, 25), &d,
	    &n);
	ASSERT_EQ(n, 0);
	free(d);

	want[0] = day(2027, 12, 25);
	collect(text, "Europe/Berlin", day(2027, 6, 1), day(2027, 12, 26), &d,
	    &n);
	ASSERT_DAYS(d, n, want, 1);
	free(d);
}

/* Overlapping events give each day once, in order. */
TEST(sorted_unique)
{
	static const char text[] = CAL_BEGIN
	    EV_BEGIN("b")
	    "DTSTART;VALUE=DATE:20270502\r\n"
	    "DTEND;VALUE=DATE:20270504\r\n"
	    EV_END
	    EV_BEGIN("a")
	    "DTSTART;VALUE=DATE:20270501\r\n"
	    "DTEND;VALUE=DATE:20270503\r\n"
	    EV_END
	    EV_BEGIN("c")
	    "DTSTART;VALUE=DATE:20270502\r\n"
	    EV_END
	    CAL_END;
	int32_t		*d = NULL, want[3];
	size_t		 n = 0;

	want[0] = day(2027, 5, 1);
	want[1] = day(2027, 5, 2);
	want[2] = day(2027, 5, 3);
	collect(text, "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_DAYS(d, n, want, 3);
	free(d);
}

TEST(not_icalendar)
{
	static int32_t	 stale;
	icaltimezone	*tz = icaltimezone_get_builtin_timezone("Europe/Berlin");
	int32_t		*d = &stale;	/* a failure must reset it */
	size_t		 n = 5;
	char		 err[PARSE_ERRLEN] = "";

	ASSERT_EQ(holidays_parse("Christmas, 2027-12-25\nNew Year, 2028-01-01\n",
	    tz, day(2027, 1, 1), day(2029, 1, 1), &d, &n, err), TANDEM_EPARSE);
	ASSERT_TRUE(err[0] != '\0');
	ASSERT_CONTAINS(err, "iCalendar");
	ASSERT_TRUE(d == NULL);
	ASSERT_EQ(n, 0);

	err[0] = '\0';
	ASSERT_EQ(holidays_parse("", tz, day(2027, 1, 1), day(2029, 1, 1), &d,
	    &n, err), TANDEM_EPARSE);
	ASSERT_TRUE(err[0] != '\0');

	/* Events that are not inside a VCALENDAR. */
	err[0] = '\0';
	ASSERT_EQ(holidays_parse(EV_BEGIN("loose")
	    "DTSTART;VALUE=DATE:20271225\r\n" EV_END, tz, day(2027, 1, 1),
	    day(2029, 1, 1), &d, &n, err), TANDEM_EPARSE);
	ASSERT_TRUE(err[0] != '\0');
	ASSERT_TRUE(d == NULL);
}

TEST(empty_calendar)
{
	int32_t		*d = NULL;
	size_t		 n = 7;

	collect(CAL_BEGIN CAL_END, "Europe/Berlin", day(2027, 1, 1),
	    day(2028, 1, 1), &d, &n);
	ASSERT_EQ(n, 0);
	ASSERT_TRUE(!holidays_contains(d, n, day(2027, 1, 1)));
	free(d);

	/* Components other than VEVENT are no holidays either. */
	collect(CAL_BEGIN "BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\n"
	    "DTSTART;VALUE=DATE:20270301\r\nEND:VTODO\r\n" CAL_END,
	    "Europe/Berlin", day(2027, 1, 1), day(2028, 1, 1), &d, &n);
	ASSERT_EQ(n, 0);
	free(d);
}

TEST(contains)
{
	int32_t	set[4];

	set[0] = day(2027, 1, 1);
	set[1] = day(2027, 5, 1);
	set[2] = day(2027, 10, 3);
	set[3] = day(2027, 12, 25);
	ASSERT_TRUE(holidays_contains(set, 4, day(2027, 1, 1)));
	ASSERT_TRUE(holidays_contains(set, 4, day(2027, 5, 1)));
	ASSERT_TRUE(holidays_contains(set, 4, day(2027, 10, 3)));
	ASSERT_TRUE(holidays_contains(set, 4, day(2027, 12, 25)));
	ASSERT_TRUE(!holidays_contains(set, 4, day(2026, 12, 31)));
	ASSERT_TRUE(!holidays_contains(set, 4, day(2027, 5, 2)));
	ASSERT_TRUE(!holidays_contains(set, 4, day(2027, 12, 26)));
	ASSERT_TRUE(!holidays_contains(set, 1, day(2027, 5, 1)));
	ASSERT_TRUE(!holidays_contains(NULL, 0, day(2027, 1, 1)));
}

TT_MAIN(
	CASE(single_all_day),
	CASE(all_day_without_dtend),
	CASE(multi_day_dtend_exclusive),
	CASE(yearly_rrule),
	CASE(yearly_rrule_by_day),
	CASE(exdate_lines),
	CASE(exdate_comma_list),
	CASE(recurrence_id_moves_instance),
	CASE(cancelled_instance),
	CASE(cancelled_event),
	CASE(rdate_with_rrule),
	CASE(rdate_without_rrule),
	CASE(exdate_removes_rdate),
	CASE(unreadable_rrule_first_day),
	CASE(timed_event_in_zone),
	CASE(timed_event_with_tzid),
	CASE(timed_event_spans_days),
	CASE(window_clipping),
	CASE(sorted_unique),
	CASE(not_icalendar),
	CASE(empty_calendar),
	CASE(contains)
)
