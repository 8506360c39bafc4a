/*
 * Unit tests of the slot search (lib/slots.h): the nominal day and time when
 * both people are free, the score's order (habit, then nominal day, then
 * nominal time, then the earliest start), the buffer, working hours read in
 * each person's own zone, flex over weekends and holidays, tentative time,
 * not_before, the cap, and the reasons given when nothing fits.
 *
 * Every expected instant was worked out by hand from the tz database (checked
 * with python3 zoneinfo), never by asking the code under test: in January
 * 2027 Berlin is CET (UTC+1), New York EST (UTC-5), Los Angeles PST (UTC-8);
 * New York moves to EDT (UTC-4) on Sunday 2027-03-14 and Berlin to CEST
 * (UTC+2) on Sunday 2027-03-28.  The working week used throughout is
 * Mon 2027-01-11 .. Fri 2027-01-15; Wed 2027-01-13 is the usual nominal day.
 * Busy intervals are always passed sorted by start, as the header requires.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "busy.h"
#include "model.h"
#include "parse.h"
#include "slots.h"

#define MIN		60
#define H		3600
#define NOHABIT		1000000L	/* score term when s is not the habit */
#define DAYW		10000L		/* score per business day moved */

#define BERLIN		"Europe/Berlin"
#define NEW_YORK	"America/New_York"
#define LOS_ANGELES	"America/Los_Angeles"
#define TOKYO		"Asia/Tokyo"
#define KOLKATA		"Asia/Kolkata"
#define NINE_FIVE	"Mon-Fri 09:00-17:00"

/* One request with its storage: each test changes only what it is about. */
struct fix {
	struct hours		h[2];
	struct slots_req	req;
	struct slots_result	res;
};

/* A cap that refuses one person for starts in [from, to). */
struct refuse {
	int	person;
	int64_t	from;
	int64_t	to;
	int	calls;
	int	bad;		/* calls with a person other than 0 or 1 */
};

static int64_t utc(int y, int m, int d, int hh, int mm);
static int64_t cet(int y, int m, int d, int hh, int mm);
static int64_t cest(int y, int m, int d, int hh, int mm);
static icaltimezone *zone(const char *name);
static void fix_init(struct fix *f, const char *hours0, const char *hours1);
static void fix_zone(struct fix *f, int person, const char *tzname);
static void run(struct fix *f);
static int refuse_cap(void *ud, int person, int64_t start);

/* Found, at start, for the request's length. */
#define ASSERT_AT(f, t) do {						\
	ASSERT_EQ((f)->res.found, 1);					\
	ASSERT_EQ((f)->res.start, (t));					\
	ASSERT_EQ((f)->res.end, (int64_t)(t) + (f)->req.length);	\
} while (0)

/* The UTC instant y-m-d hh:mm Z, as epoch seconds. */
static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * H + mm * MIN;
}

/* Berlin wall time while CET (UTC+1) is in force; by hand, not by libical. */
static int64_t
cet(int y, int m, int d, int hh, int mm)
{
	return utc(y, m, d, hh, mm) - 1 * H;
}

/* Berlin wall time while CEST (UTC+2) is in force. */
static int64_t
cest(int y, int m, int d, int hh, int mm)
{
	return utc(y, m, d, hh, mm) - 2 * H;
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
 * The default request: program and both people in Berlin, nominal Wed
 * 2027-01-13 10:00, one hour, no buffer, flex 0, no holidays, no habit,
 * nothing busy, no cap.  The result is filled with garbage first so that a
 * field the search forgets to set shows.
 */
static void
fix_init(struct fix *f, const char *hours0, const char *hours1)
{
	char	err[PARSE_ERRLEN] = "";
	int	i;

	memset(f, 0, sizeof(*f));
	if (parse_hours(hours0, &f->h[0], err) != 0)
		TT_FAIL("parse_hours(\"%s\"): %s", hours0, err);
	if (parse_hours(hours1, &f->h[1], err) != 0)
		TT_FAIL("parse_hours(\"%s\"): %s", hours1, err);
	f->req.tz = zone(BERLIN);
	f->req.nominal_day = civil_days(2027, 1, 13);
	f->req.nominal_minute = 10 * 60;
	f->req.length = 1 * H;
	f->req.buffer = 0;
	f->req.flex = 0;
	f->req.holidays = NULL;
	f->req.nholidays = 0;
	f->req.habit_weekday = -1;
	f->req.habit_minute = 0;
	f->req.not_before = 0;
	f->req.tentative_blocks = 0;
	for (i = 0; i < 2; i++) {
		f->req.who[i].email = i == 0 ? "mentor@example.org" :
		    "mentee@example.org";
		f->req.who[i].tz = zone(BERLIN);
		f->req.who[i].hours = &f->h[i];
		f->req.who[i].busy = NULL;
		f->req.who[i].nbusy = 0;
	}
	f->req.cap = NULL;
	f->req.cap_ud = NULL;
	memset(&f->res, 0x5a, sizeof(f->res));
}

static void
fix_zone(struct fix *f, int person, const char *tzname)
{
	f->req.who[person].tz = zone(tzname);
}

static void
run(struct fix *f)
{
	int	rc;

	rc = slots_find(&f->req, &f->res);
	if (rc != 0)
		TT_FAIL("slots_find() = %d, expected 0", rc);
}

static int
refuse_cap(void *ud, int person, int64_t start)
{
	struct refuse	*r = ud;

	r->calls++;
	if (person != 0 && person != 1)
		r->bad++;
	return !(person == r->person && start >= r->from && start < r->to);
}

/* --- both free --------------------------------------------------------- */

TEST(free_all_day)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	run(&f);
	/* Wed 10:00 CET = 09:00Z, one hour: 09:00Z-10:00Z; habit term only. */
	ASSERT_AT(&f, utc(2027, 1, 13, 9, 0));
	ASSERT_EQ(f.res.end, utc(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

TEST(end_is_start_plus_length)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.length = 45 * MIN;
	run(&f);
	/* Wed 10:00 CET = 09:00Z, 45 minutes: ends 09:45Z. */
	ASSERT_EQ(f.res.found, 1);
	ASSERT_EQ(f.res.start, utc(2027, 1, 13, 9, 0));
	ASSERT_EQ(f.res.end, utc(2027, 1, 13, 9, 45));
}

TEST(off_grid_nominal_time)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_minute = 10 * 60 + 7;
	run(&f);
	/* 10:07 is not on the grid: 10:00 is 7 minutes off, 10:15 is 8. */
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 7);
}

/* --- busy time on the nominal day -------------------------------------- */

TEST(busy_pushes_later)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 11, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Nothing fits before 11:00 (hours start 09:00): 11:00, 60 min off. */
	ASSERT_AT(&f, cet(2027, 1, 13, 11, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 60);
}

TEST(busy_pushes_earlier_when_nearer)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 12, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_minute = 10 * 60 + 30;
	f.req.length = 30 * MIN;
	f.req.who[1].busy = b;		/* the mentee's busy time blocks too */
	f.req.who[1].nbusy = 1;
	run(&f);
	/*
	 * Nominal 10:30, 30 minutes; busy 10:00-12:00.  09:30-10:00 is the
	 * last that fits before (60 min off), 12:00 the first after (90 off).
	 */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 30));
	ASSERT_EQ(f.res.score, NOHABIT + 60);
}

TEST(tie_goes_to_earliest_start)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* 09:00-10:00 and 11:00-12:00 are both 60 minutes off: the earlier. */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 60);
}

TEST(touching_busy_is_free)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 10, 0), BUSY_BUSY },
		{ cet(2027, 1, 13, 11, 0), cet(2027, 1, 13, 12, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 2;
	run(&f);
	/* Half-open intervals: [10:00, 11:00) touches both and overlaps none. */
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

/* --- buffer ------------------------------------------------------------ */

TEST(buffer_after_meeting)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 10, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.buffer = 10 * MIN;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/*
	 * A meeting ends 10:00, buffer 10 minutes: 10:00 would need 09:50
	 * free; 10:05 is off the grid; 10:15 (needs 10:05 free) is first.
	 */
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 15));
	ASSERT_EQ(f.res.score, NOHABIT + 15);
}

TEST(buffer_before_meeting)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 11, 0), cet(2027, 1, 13, 12, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.buffer = 10 * MIN;
	f.req.who[1].busy = b;
	f.req.who[1].nbusy = 1;
	run(&f);
	/*
	 * 10:00 needs [09:50, 11:10) free, which hits 11:00.  09:45 needs
	 * [09:35, 10:55): free, 15 min off.  The first after is 12:15
	 * ([12:05, ...)), 135 min off.
	 */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 45));
	ASSERT_EQ(f.res.score, NOHABIT + 15);
}

TEST(buffer_touching_is_free)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 9, 50), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.buffer = 10 * MIN;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Busy ends 09:50; [10:00 - 10 min, ...) starts exactly there. */
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

TEST(buffer_applies_to_busy_outside_hours)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 8, 0), cet(2027, 1, 13, 9, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_minute = 9 * 60;
	f.req.buffer = 15 * MIN;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* An 08:00-09:00 call before hours still needs its 15 minutes. */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 15));
	ASSERT_EQ(f.res.score, NOHABIT + 15);
}

/* --- length and buffer at the end of the day --------------------------- */

TEST(length_at_end_of_day)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_minute = 16 * 60 + 15;
	run(&f);
	/* 16:15 + 60 min ends 17:15, past 17:00: 16:00 (15 min off). */
	ASSERT_AT(&f, cet(2027, 1, 13, 16, 0));
	ASSERT_EQ(f.res.start, utc(2027, 1, 13, 15, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 15);
}

TEST(buffer_and_length_at_end_of_day)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 15, 0), cet(2027, 1, 13, 16, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_minute = 16 * 60 + 30;
	f.req.buffer = 15 * MIN;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/*
	 * Busy 15:00-16:00, buffer 15: s is blocked when s - 15 < 16:00 and
	 * s + 75 > 15:00, i.e. 13:45 < s < 16:15.  16:15 and later end past
	 * 17:00.  So 13:45 (ends 14:45, buffer to 15:00): 165 min off 16:30.
	 */
	ASSERT_AT(&f, cet(2027, 1, 13, 13, 45));
	ASSERT_EQ(f.res.score, NOHABIT + 165);
}

TEST(buffer_does_not_shrink_hours)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_minute = 16 * 60;
	f.req.buffer = 30 * MIN;
	run(&f);
	/* The buffer is about busy time only: 16:00-17:00 fits the hours. */
	ASSERT_AT(&f, cet(2027, 1, 13, 16, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

/* --- flex -------------------------------------------------------------- */

TEST(flex_busy_day_goes_to_earlier_neighbour)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 0, 0), cet(2027, 1, 14, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Tue 12 and Thu 14 10:00 both score one day: Tue, 09:00Z. */
	ASSERT_AT(&f, utc(2027, 1, 12, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(flex_busy_day_and_before_goes_after)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 12, 0, 0), cet(2027, 1, 14, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.who[1].busy = b;
	f.req.who[1].nbusy = 1;
	run(&f);
	/* Tue and Wed busy: Thu 14 10:00 CET = 09:00Z. */
	ASSERT_AT(&f, utc(2027, 1, 14, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(flex_two)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 12, 0, 0), cet(2027, 1, 15, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 2;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Tue-Thu busy: Mon 11 and Fri 15 are two days off; Mon 09:00Z. */
	ASSERT_AT(&f, utc(2027, 1, 11, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 2 * DAYW);
}

TEST(nominal_day_late_beats_neighbour_on_time)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 16, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Wed 16:00 scores 360; Tue 10:00 would score 10000. */
	ASSERT_AT(&f, cet(2027, 1, 13, 16, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 360);
}

TEST(flex_zero_busy_day_not_found)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 0, 0), cet(2027, 1, 14, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/*
	 * Only Wed may be used and the mentor is busy all of it: 480 busy
	 * minutes in their hours; each person has 480 minutes of the day in
	 * their hours and 1440 - 480 = 960 outside.
	 */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 1);
	ASSERT_EQ(f.res.holidays, 0);
	ASSERT_EQ(f.res.weekend, 0);
	ASSERT_EQ(f.res.why[0].busy, 480);
	ASSERT_EQ(f.res.why[1].busy, 0);
	ASSERT_EQ(f.res.why[0].hours, 480);
	ASSERT_EQ(f.res.why[1].hours, 480);
	ASSERT_EQ(f.res.why[0].outside, 960);
	ASSERT_EQ(f.res.why[1].outside, 960);
	ASSERT_EQ(f.res.why[0].capped, 0);
	ASSERT_EQ(f.res.why[1].capped, 0);
}

/* --- weekends and holidays --------------------------------------------- */

TEST(friday_busy_goes_to_thursday)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 15, 0, 0), cet(2027, 1, 16, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 15);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Thu 14 and Mon 18 are each one business day off: Thu 09:00Z. */
	ASSERT_AT(&f, utc(2027, 1, 14, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(friday_and_thursday_busy_go_to_monday)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 14, 0, 0), cet(2027, 1, 16, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 15);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* The weekend does not count: Mon 18 is one business day after Fri. */
	ASSERT_AT(&f, utc(2027, 1, 18, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(monday_holiday_shifts_to_tuesday)
{
	struct fix	f;
	int32_t		hol[] = { civil_days(2027, 1, 18) };
	struct busy	b[] = {
		{ cet(2027, 1, 14, 0, 0), cet(2027, 1, 16, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 15);
	f.req.flex = 1;
	f.req.holidays = hol;
	f.req.nholidays = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Mon 18 is a holiday, so Tue 19 is the business day after Fri. */
	ASSERT_AT(&f, utc(2027, 1, 19, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(nominal_holiday_flex_zero_not_found)
{
	struct fix	f;
	int32_t		hol[] = { civil_days(2027, 1, 13) };

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.holidays = hol;
	f.req.nholidays = 1;
	run(&f);
	/* The nominal day must be a business day; flex 0 leaves nothing. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 0);
	ASSERT_EQ(f.res.holidays, 1);
	ASSERT_EQ(f.res.weekend, 0);
	ASSERT_EQ(f.res.why[0].busy, 0);
	ASSERT_EQ(f.res.why[1].busy, 0);
	ASSERT_EQ(f.res.why[0].capped, 0);
	ASSERT_EQ(f.res.why[1].capped, 0);
}

TEST(nominal_holiday_moves_to_neighbour)
{
	struct fix	f;
	int32_t		hol[] = { civil_days(2027, 1, 13) };

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.holidays = hol;
	f.req.nholidays = 1;
	run(&f);
	/* Wed is a holiday: Tue and Thu are one day off; Tue 10:00 CET. */
	ASSERT_AT(&f, utc(2027, 1, 12, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(nominal_saturday_moves_to_friday)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 16);
	f.req.flex = 1;
	run(&f);
	/* Sat is no business day; Fri 15 and Mon 18 are one day off: Fri. */
	ASSERT_AT(&f, utc(2027, 1, 15, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(nominal_saturday_flex_zero_not_found)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 16);
	run(&f);
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 0);
	ASSERT_EQ(f.res.holidays, 0);
	ASSERT_EQ(f.res.weekend, 1);
}

TEST(window_counts_weekend_and_holiday)
{
	struct fix	f;
	int32_t		hol[] = { civil_days(2027, 1, 18) };
	struct busy	b[] = {
		{ cet(2027, 1, 14, 0, 0), cet(2027, 1, 20, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 15);
	f.req.flex = 1;
	f.req.holidays = hol;
	f.req.nholidays = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/*
	 * Window: Thu 14, Fri 15, Tue 19 (3 days); lost: Sat, Sun (weekend)
	 * and Mon 18 (holiday).  The mentor is busy through all of it:
	 * 3 x 480 in hours; each has 3 x 480 in hours and 3 x 960 outside.
	 */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 3);
	ASSERT_EQ(f.res.weekend, 2);
	ASSERT_EQ(f.res.holidays, 1);
	ASSERT_EQ(f.res.why[0].busy, 3 * 480);
	ASSERT_EQ(f.res.why[1].busy, 0);
	ASSERT_EQ(f.res.why[0].hours, 3 * 480);
	ASSERT_EQ(f.res.why[1].hours, 3 * 480);
	ASSERT_EQ(f.res.why[0].outside, 3 * 960);
	ASSERT_EQ(f.res.why[1].outside, 3 * 960);
}

TEST(window_monday_counts_weekend_before)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 8, 0, 0), cet(2027, 1, 13, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 11);
	f.req.flex = 1;
	f.req.who[1].busy = b;
	f.req.who[1].nbusy = 1;
	run(&f);
	/* Window Fri 8, Mon 11, Tue 12; Sat 9 and Sun 10 lost between. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 3);
	ASSERT_EQ(f.res.weekend, 2);
	ASSERT_EQ(f.res.holidays, 0);
	ASSERT_EQ(f.res.why[0].busy, 0);
	ASSERT_EQ(f.res.why[1].busy, 3 * 480);
}

TEST(window_saturday_counted_once)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 15, 0, 0), cet(2027, 1, 19, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 1, 16);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Nominal Sat 16: window Fri 15 and Mon 18; Sat and Sun lost. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 2);
	ASSERT_EQ(f.res.weekend, 2);
	ASSERT_EQ(f.res.holidays, 0);
	ASSERT_EQ(f.res.why[0].busy, 2 * 480);
}

TEST(window_flex_two_has_no_weekend)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 11, 0, 0), cet(2027, 1, 16, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 2;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Wed +-2: Mon 11 .. Fri 15, no weekend day reached. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 5);
	ASSERT_EQ(f.res.weekend, 0);
	ASSERT_EQ(f.res.holidays, 0);
	ASSERT_EQ(f.res.why[0].busy, 5 * 480);
	ASSERT_EQ(f.res.why[0].hours, 5 * 480);
	ASSERT_EQ(f.res.why[0].outside, 5 * 960);
}

TEST(flex_across_dst_change)
{
	struct fix	f;
	struct busy	b[] = {
		/* Thu 25 and Fri 26 March, CET: 24 23:00Z to 26 23:00Z */
		{ cet(2027, 3, 25, 0, 0), cet(2027, 3, 27, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 3, 26);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Berlin moves to CEST on Sun 28: Mon 29 10:00 CEST = 08:00Z. */
	ASSERT_AT(&f, cest(2027, 3, 29, 10, 0));
	ASSERT_EQ(f.res.start, utc(2027, 3, 29, 8, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

TEST(flex_before_dst_change)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 3, 26, 0, 0), cet(2027, 3, 27, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.nominal_day = civil_days(2027, 3, 26);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* Thu 25 is still CET: 10:00 = 09:00Z (Mon 29 ties, later). */
	ASSERT_AT(&f, utc(2027, 3, 25, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

/* --- pairs across zones ------------------------------------------------ */

TEST(cross_zone_winter)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	fix_zone(&f, 1, NEW_YORK);
	run(&f);
	/*
	 * New York 09:00 EST = 14:00Z = 15:00 CET; Berlin ends 17:00 CET.
	 * Overlap 15:00-17:00 Berlin: 15:00 CET = 14:00Z, 300 min off.
	 */
	ASSERT_AT(&f, utc(2027, 1, 13, 14, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 300);
}

TEST(cross_zone_us_dst_eu_not)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	fix_zone(&f, 0, NEW_YORK);	/* this time the mentor is abroad */
	f.req.nominal_day = civil_days(2027, 3, 17);
	run(&f);
	/*
	 * Wed 17 March: New York on EDT since the 14th, Berlin still CET.
	 * 09:00 EDT = 13:00Z = 14:00 CET: overlap 14:00-17:00, 240 min off.
	 */
	ASSERT_AT(&f, utc(2027, 3, 17, 13, 0));
	ASSERT_AT(&f, cet(2027, 3, 17, 14, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 240);
}

TEST(cross_zone_both_dst)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	fix_zone(&f, 1, NEW_YORK);
	f.req.nominal_day = civil_days(2027, 3, 31);
	run(&f);
	/* Wed 31 March: 09:00 EDT = 13:00Z = 15:00 CEST again. */
	ASSERT_AT(&f, cest(2027, 3, 31, 15, 0));
	ASSERT_EQ(f.res.start, utc(2027, 3, 31, 13, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 300);
}

TEST(cross_zone_no_overlap)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, "Mon-Fri 09:00-12:00");
	fix_zone(&f, 1, LOS_ANGELES);
	run(&f);
	/*
	 * Los Angeles 09:00-12:00 PST = 17:00-20:00Z = 18:00-21:00 CET, after
	 * Berlin's 17:00.  The Berlin day Wed 13 (Tue 23:00Z - Wed 23:00Z =
	 * Tue 15:00 - Wed 15:00 PST) holds all 180 minutes of the mentee's
	 * hours: 180 inside, 1260 outside; the mentor 480 and 960.  Nobody
	 * is busy: the hours alone explain it.
	 */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 1);
	ASSERT_EQ(f.res.why[0].busy, 0);
	ASSERT_EQ(f.res.why[1].busy, 0);
	ASSERT_EQ(f.res.why[0].hours, 480);
	ASSERT_EQ(f.res.why[1].hours, 180);
	ASSERT_EQ(f.res.why[0].outside, 960);
	ASSERT_EQ(f.res.why[1].outside, 1260);
	ASSERT_EQ(f.res.why[0].capped, 0);
	ASSERT_EQ(f.res.why[1].capped, 0);
}

TEST(hours_read_on_persons_local_day)
{
	struct fix	f;

	fix_init(&f, "Mon-Fri 09:00-18:00", "Tue-Sat 01:00-03:00");
	fix_zone(&f, 1, TOKYO);
	f.req.nominal_day = civil_days(2027, 1, 15);
	run(&f);
	/*
	 * Tokyo is UTC+9: Sat 16 01:00-03:00 JST = Fri 15 16:00-18:00Z =
	 * Fri 17:00-19:00 CET.  The mentor works until 18:00 CET, so only
	 * 17:00 CET Fri (16:00Z), a Saturday in Tokyo; 420 min off 10:00.
	 */
	ASSERT_AT(&f, utc(2027, 1, 15, 16, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 420);
}

TEST(half_hour_zone)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	fix_zone(&f, 1, KOLKATA);
	f.req.nominal_minute = 14 * 60;
	run(&f);
	/*
	 * Kolkata is UTC+5:30: 09:00-17:00 IST = 03:30-11:30Z = 04:30-12:30
	 * CET.  Overlap 09:00-12:30 CET; an hour must start by 11:30 CET
	 * (10:30Z), 150 min before 14:00.
	 */
	ASSERT_AT(&f, utc(2027, 1, 13, 10, 30));
	ASSERT_EQ(f.res.score, NOHABIT + 150);
}

/* --- working hours with several windows -------------------------------- */

TEST(lunch_break_tie)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, "Mon-Fri 09:00-12:00 13:00-17:00");
	f.req.nominal_minute = 12 * 60;
	run(&f);
	/* 11:00-12:00 and 13:00-14:00 are both 60 min off 12:00: 11:00. */
	ASSERT_AT(&f, cet(2027, 1, 13, 11, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 60);
}

TEST(lunch_break_not_spanned)
{
	struct fix	f;

	fix_init(&f, "Mon-Fri 09:00-12:00 13:00-17:00", NINE_FIVE);
	f.req.nominal_minute = 11 * 60 + 45;
	f.req.length = 30 * MIN;
	run(&f);
	/*
	 * 11:45 and 12:00 would run into the break; 11:30-12:00 fits the
	 * morning window, 15 min off (13:00 is 75 off).
	 */
	ASSERT_AT(&f, cet(2027, 1, 13, 11, 30));
	ASSERT_EQ(f.res.score, NOHABIT + 15);
}

TEST(short_friday)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, "Mon-Thu 09:00-17:00 Fri 09:00-13:00");
	f.req.nominal_day = civil_days(2027, 1, 15);
	f.req.nominal_minute = 14 * 60;
	f.req.flex = 1;
	run(&f);
	/*
	 * The mentee stops at 13:00 on Fridays: Fri 12:00 (120 min off)
	 * beats Thu 14:00 (a day off).  12:00 CET = 11:00Z.
	 */
	ASSERT_AT(&f, utc(2027, 1, 15, 11, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 120);
}

/* --- tentative and unavailable ----------------------------------------- */

TEST(tentative_free_by_default)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 0), BUSY_TENTATIVE },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

TEST(tentative_blocks_when_asked)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 0), BUSY_TENTATIVE },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.tentative_blocks = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* 09:00 and 11:00 tie at 60 min: the earlier. */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 60);
}

TEST(unavailable_always_blocks)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 13, 9, 30), cet(2027, 1, 13, 10, 0), BUSY_TENTATIVE },
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 0), BUSY_UNAVAILABLE },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.tentative_blocks = 0;
	f.req.who[1].busy = b;
	f.req.who[1].nbusy = 2;
	run(&f);
	/* UNAVAILABLE blocks even without tentative_blocks; the tentative
	 * 09:30 does not, so 09:00 (tie with 11:00) stands. */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 60);
}

/* --- habit ------------------------------------------------------------- */

TEST(habit_beats_nominal_day)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.habit_weekday = 3;		/* Thursday */
	f.req.habit_minute = 11 * 60;
	run(&f);
	/* Thu 14 11:00 CET = 10:00Z: 0 + one day + 60 min = 10060. */
	ASSERT_AT(&f, utc(2027, 1, 14, 10, 0));
	ASSERT_EQ(f.res.score, DAYW + 60);
}

TEST(no_habit_nominal_day_wins)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.habit_weekday = -1;
	f.req.habit_minute = 11 * 60;		/* ignored without a weekday */
	run(&f);
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

TEST(habit_on_nominal_day)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.habit_weekday = 2;		/* Wednesday */
	f.req.habit_minute = 14 * 60;
	run(&f);
	/* Wed 14:00 CET = 13:00Z scores 0 + 0 + 240. */
	ASSERT_AT(&f, utc(2027, 1, 13, 13, 0));
	ASSERT_EQ(f.res.score, 240);
}

TEST(habit_outside_flex_ignored)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.habit_weekday = 0;		/* Monday: two days off */
	f.req.habit_minute = 10 * 60;
	run(&f);
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

TEST(habit_busy_falls_back)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2027, 1, 14, 11, 0), cet(2027, 1, 14, 12, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.habit_weekday = 3;
	f.req.habit_minute = 11 * 60;
	f.req.who[1].busy = b;
	f.req.who[1].nbusy = 1;
	run(&f);
	/* The habit's exact time is busy: the nominal day and time again. */
	ASSERT_AT(&f, cet(2027, 1, 13, 10, 0));
	ASSERT_EQ(f.res.score, NOHABIT);
}

/* --- not_before -------------------------------------------------------- */

TEST(not_before_moves_later_that_day)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.not_before = cet(2027, 1, 13, 11, 20);
	run(&f);
	/* Now is 11:20 CET: the first grid time from then is 11:30 (90 off). */
	ASSERT_AT(&f, utc(2027, 1, 13, 10, 30));
	ASSERT_EQ(f.res.score, NOHABIT + 90);
}

TEST(not_before_instant_itself_usable)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.not_before = cet(2027, 1, 13, 11, 30);
	run(&f);
	/* "s is not before not_before": s == not_before is fine. */
	ASSERT_AT(&f, cet(2027, 1, 13, 11, 30));
	ASSERT_EQ(f.res.score, NOHABIT + 90);
}

TEST(not_before_past_day_moves_to_next)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.not_before = cet(2027, 1, 13, 16, 1);
	run(&f);
	/* Nothing of Tue, nor Wed's 16:15 (ends past 17:00): Thu 10:00. */
	ASSERT_AT(&f, utc(2027, 1, 14, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
}

/* --- cap --------------------------------------------------------------- */

TEST(cap_refuses_nominal_day)
{
	struct fix	f;
	struct refuse	r = { 0, 0, 0, 0, 0 };

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	r.person = 0;
	r.from = cet(2027, 1, 13, 0, 0);
	r.to = cet(2027, 1, 14, 0, 0);
	f.req.flex = 1;
	f.req.cap = refuse_cap;
	f.req.cap_ud = &r;
	run(&f);
	/* The mentor has no room on Wed: Tue 10:00 CET (tie with Thu). */
	ASSERT_AT(&f, utc(2027, 1, 12, 9, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW);
	ASSERT_TRUE(r.calls > 0);
	ASSERT_EQ(r.bad, 0);
}

TEST(cap_refuses_one_instant)
{
	struct fix	f;
	struct refuse	r = { 0, 0, 0, 0, 0 };

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	r.person = 1;
	r.from = cet(2027, 1, 13, 10, 0);
	r.to = r.from + 1;
	f.req.cap = refuse_cap;
	f.req.cap_ud = &r;
	run(&f);
	/* Only 10:00 is refused: 09:45 and 10:15 tie at 15 min, 09:45. */
	ASSERT_AT(&f, cet(2027, 1, 13, 9, 45));
	ASSERT_EQ(f.res.score, NOHABIT + 15);
	ASSERT_EQ(r.bad, 0);
}

TEST(cap_not_found_sets_capped)
{
	struct fix	f;
	struct refuse	r = { 0, 0, 0, 0, 0 };

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	r.person = 1;
	r.from = cet(2027, 1, 13, 0, 0);
	r.to = cet(2027, 1, 14, 0, 0);
	f.req.cap = refuse_cap;
	f.req.cap_ud = &r;
	run(&f);
	/* Free, in hours, but the mentee's cap says no all day Wed. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 1);
	ASSERT_EQ(f.res.why[0].capped, 0);
	ASSERT_EQ(f.res.why[1].capped, 1);
	ASSERT_EQ(f.res.why[0].busy, 0);
	ASSERT_EQ(f.res.why[1].busy, 0);
	ASSERT_EQ(r.bad, 0);
}

/* --- reasons ----------------------------------------------------------- */

TEST(why_busy_minutes)
{
	struct fix	f;
	struct busy	b0[] = {
		{ cet(2027, 1, 12, 0, 0), cet(2027, 1, 15, 0, 0), BUSY_BUSY },
	};
	struct busy	b1[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 30), BUSY_BUSY },
		{ cet(2027, 1, 14, 8, 0), cet(2027, 1, 14, 9, 30), BUSY_BUSY },
		{ cet(2027, 1, 16, 10, 0), cet(2027, 1, 16, 12, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.who[0].busy = b0;
	f.req.who[0].nbusy = 1;
	f.req.who[1].busy = b1;
	f.req.who[1].nbusy = 3;
	run(&f);
	/*
	 * Window Tue 12 .. Thu 14.  Mentor busy all three days: 3 x 480.
	 * Mentee: Wed 10:00-11:30 (90) + Thu 09:00-09:30 of 08:00-09:30 (30,
	 * before 09:00 is outside hours); Sat 16 is outside the window.
	 */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.days, 3);
	ASSERT_EQ(f.res.weekend, 0);
	ASSERT_EQ(f.res.holidays, 0);
	ASSERT_EQ(f.res.why[0].busy, 3 * 480);
	ASSERT_EQ(f.res.why[1].busy, 120);
	ASSERT_EQ(f.res.why[0].hours, 3 * 480);
	ASSERT_EQ(f.res.why[1].hours, 3 * 480);
}

TEST(why_busy_overlapping_kinds_counted_once)
{
	struct fix	f;
	struct busy	b0[] = {
		{ cet(2027, 1, 13, 0, 0), cet(2027, 1, 14, 0, 0), BUSY_BUSY },
	};
	struct busy	b1[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 0), BUSY_BUSY },
		{ cet(2027, 1, 13, 10, 30), cet(2027, 1, 13, 11, 30), BUSY_UNAVAILABLE },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = b0;
	f.req.who[0].nbusy = 1;
	f.req.who[1].busy = b1;
	f.req.who[1].nbusy = 2;
	run(&f);
	/* busy_merge keeps kinds apart; the minutes busy are 10:00-11:30. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.why[0].busy, 480);
	ASSERT_EQ(f.res.why[1].busy, 90);
}

TEST(why_hours_with_lunch_break)
{
	struct fix	f;
	struct busy	b0[] = {
		{ cet(2027, 1, 13, 0, 0), cet(2027, 1, 14, 0, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, "Mon-Fri 09:00-12:00 13:00-17:00");
	f.req.who[0].busy = b0;
	f.req.who[0].nbusy = 1;
	run(&f);
	/* The mentee's day: 180 + 240 = 420 in hours, 1020 outside. */
	ASSERT_EQ(f.res.found, 0);
	ASSERT_EQ(f.res.why[1].hours, 420);
	ASSERT_EQ(f.res.why[1].outside, 1440 - 420);
	ASSERT_EQ(f.res.why[1].busy, 0);
}

/* --- the request itself ------------------------------------------------ */

TEST(deterministic)
{
	struct fix		f;
	struct slots_result	first;
	int32_t			hol[] = { civil_days(2027, 1, 11) };
	struct busy		b0[] = {
		{ cet(2027, 1, 12, 9, 0), cet(2027, 1, 12, 12, 0), BUSY_BUSY },
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 17, 0), BUSY_TENTATIVE },
		{ cet(2027, 1, 14, 13, 0), cet(2027, 1, 14, 14, 0), BUSY_BUSY },
	};
	struct busy		b1[] = {
		{ cet(2027, 1, 12, 14, 0), cet(2027, 1, 12, 15, 0), BUSY_UNAVAILABLE },
		{ cet(2027, 1, 14, 9, 0), cet(2027, 1, 14, 10, 30), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, "Mon-Fri 09:00-12:00 13:00-17:00");
	fix_zone(&f, 1, NEW_YORK);
	f.req.flex = 2;
	f.req.buffer = 10 * MIN;
	f.req.tentative_blocks = 1;
	f.req.holidays = hol;
	f.req.nholidays = 1;
	f.req.who[0].busy = b0;
	f.req.who[0].nbusy = 3;
	f.req.who[1].busy = b1;
	f.req.who[1].nbusy = 2;
	run(&f);
	first = f.res;
	memset(&f.res, 0xa5, sizeof(f.res));
	run(&f);
	ASSERT_EQ(f.res.found, first.found);
	ASSERT_EQ(f.res.start, first.start);
	ASSERT_EQ(f.res.end, first.end);
	ASSERT_EQ(f.res.score, first.score);
	/*
	 * And by hand: New York 09:00-12:00 EST is 15:00-18:00 CET and
	 * 13:00-17:00 EST is 19:00-23:00 CET, so only 15:00-17:00 CET meets
	 * the mentor.  Wed is tentative all day (and tentative blocks).  Tue
	 * 15:00 needs [14:50, 16:10) free, but the mentee is unavailable
	 * 14:00-15:00 CET: Tue's best is 15:15 (315 min off).  Thu 15:00 is
	 * free for both (13:00-14:00 and 09:00-10:30 end before 14:50): one
	 * day and 300 min, so Thu 15:00 CET = 14:00Z.
	 */
	ASSERT_AT(&f, utc(2027, 1, 14, 14, 0));
	ASSERT_EQ(f.res.score, NOHABIT + DAYW + 300);
}

TEST(bad_request)
{
	struct fix	f;

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	ASSERT_EQ(slots_find(NULL, &f.res), TANDEM_EINVAL);
	ASSERT_EQ(slots_find(&f.req, NULL), TANDEM_EINVAL);
	f.req.length = -60;
	ASSERT_EQ(slots_find(&f.req, &f.res), TANDEM_EINVAL);
}

/* --- the hour a clock change skips ------------------------------------- */

TEST(spring_gap_time_is_not_a_candidate)
{
	struct fix	f;

	/*
	 * Jerusalem goes from 02:00 (UTC+2) to 03:00 (UTC+3) on Friday
	 * 2027-03-26.  Nominal 02:30, both people available all day: 02:00 to
	 * 02:45 do not exist, so the nearest real grid time is 03:00 (30 minutes
	 * off; 01:45 is 45 off) = 00:00Z, not a phantom 02:30 read as 00:30Z.
	 */
	fix_init(&f, "Mon-Sun 00:00-24:00", "Mon-Sun 00:00-24:00");
	f.req.tz = zone("Asia/Jerusalem");
	fix_zone(&f, 0, "Asia/Jerusalem");
	fix_zone(&f, 1, "Asia/Jerusalem");
	f.req.nominal_day = civil_days(2027, 3, 26);
	f.req.nominal_minute = 2 * 60 + 30;
	run(&f);
	ASSERT_AT(&f, utc(2027, 3, 26, 0, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 30);
}

/* --- sessions already placed, long intervals, one candidate checked ----- */

TEST(extra_sessions_block_like_meetings)
{
	struct fix	f;
	struct busy	cal[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 10, 0), BUSY_BUSY },
	};
	struct busy	placed[] = {
		{ cet(2027, 1, 13, 10, 0), cet(2027, 1, 13, 11, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[1].busy = cal;
	f.req.who[1].nbusy = 1;
	f.req.who[1].extra = placed;	/* another pair's session at 10:00 */
	f.req.who[1].nextra = 1;
	run(&f);
	ASSERT_AT(&f, cet(2027, 1, 13, 11, 0));
}

TEST(extra_sessions_merge_with_calendar_in_start_order)
{
	struct fix	f;
	struct busy	cal[] = {
		{ cet(2027, 1, 13, 9, 0), cet(2027, 1, 13, 9, 30), BUSY_BUSY },
		{ cet(2027, 1, 13, 11, 0), cet(2027, 1, 13, 11, 30), BUSY_BUSY },
	};
	struct busy	placed[] = {
		{ cet(2027, 1, 13, 9, 30), cet(2027, 1, 13, 11, 0), BUSY_BUSY },
		{ cet(2027, 1, 13, 11, 30), cet(2027, 1, 13, 12, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[0].busy = cal;
	f.req.who[0].nbusy = 2;
	f.req.who[0].extra = placed;
	f.req.who[0].nextra = 2;
	run(&f);
	/* 09:00-12:00 is busy through the four; 12:00 is 120 min off, and
	   nothing before 09:00. */
	ASSERT_AT(&f, cet(2027, 1, 13, 12, 0));
	ASSERT_EQ(f.res.score, NOHABIT + 120);
}

TEST(longest_skips_early_intervals_and_still_sees_a_long_one)
{
	struct fix	f;
	struct busy	b[] = {
		{ cet(2026, 12, 1, 9, 0), cet(2026, 12, 1, 10, 0), BUSY_BUSY },
		{ cet(2027, 1, 4, 0, 0), cet(2027, 1, 14, 0, 0), BUSY_BUSY },
		{ cet(2027, 1, 20, 9, 0), cet(2027, 1, 20, 10, 0), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.flex = 1;
	f.req.who[0].busy = b;
	f.req.who[0].nbusy = 3;
	f.req.who[0].longest = 10 * 86400;	/* the absence of Jan 4-13 */
	run(&f);
	/* Tue 12 and Wed 13 are inside the absence, Thu 14 is free. */
	ASSERT_AT(&f, cet(2027, 1, 14, 10, 0));
}

TEST(check_says_who_is_busy_and_when)
{
	struct fix		f;
	struct slots_verdict	v;
	struct busy		b[] = {
		{ cet(2027, 1, 13, 9, 30), cet(2027, 1, 13, 10, 30), BUSY_BUSY },
	};

	fix_init(&f, NINE_FIVE, NINE_FIVE);
	f.req.who[1].busy = b;
	f.req.who[1].nbusy = 1;
	ASSERT_EQ(slots_check(&f.req, cet(2027, 1, 13, 10, 0), &v), 0);
	ASSERT_EQ(v.no, SLOTS_BUSY);
	ASSERT_EQ(v.person, 1);
	ASSERT_EQ(v.a, cet(2027, 1, 13, 9, 30));
	ASSERT_EQ(v.b, cet(2027, 1, 13, 10, 30));
	ASSERT_EQ(slots_check(&f.req, cet(2027, 1, 13, 7, 0), &v), 0);
	ASSERT_EQ(v.no, SLOTS_OUTSIDE_HOURS);
	ASSERT_EQ(v.person, 0);
	ASSERT_EQ(slots_check(&f.req, cet(2027, 1, 14, 10, 0), &v), 0);
	ASSERT_EQ(v.no, SLOTS_NOT_IN_WINDOW);	/* flex 0 */
	ASSERT_EQ(slots_check(&f.req, cet(2027, 1, 13, 11, 0), &v), 0);
	ASSERT_EQ(v.no, SLOTS_USABLE);
}

TT_MAIN(CASE(spring_gap_time_is_not_a_candidate),
	CASE(extra_sessions_block_like_meetings),
	CASE(extra_sessions_merge_with_calendar_in_start_order),
	CASE(longest_skips_early_intervals_and_still_sees_a_long_one),
	CASE(check_says_who_is_busy_and_when),
	CASE(free_all_day),
	CASE(end_is_start_plus_length),
	CASE(off_grid_nominal_time),
	CASE(busy_pushes_later),
	CASE(busy_pushes_earlier_when_nearer),
	CASE(tie_goes_to_earliest_start),
	CASE(touching_busy_is_free),
	CASE(buffer_after_meeting),
	CASE(buffer_before_meeting),
	CASE(buffer_touching_is_free),
	CASE(buffer_applies_to_busy_outside_hours),
	CASE(length_at_end_of_day),
	CASE(buffer_and_length_at_end_of_day),
	CASE(buffer_does_not_shrink_hours),
	CASE(flex_busy_day_goes_to_earlier_neighbour),
	CASE(flex_busy_day_and_before_goes_after),
	CASE(flex_two),
	CASE(nominal_day_late_beats_neighbour_on_time),
	CASE(flex_zero_busy_day_not_found),
	CASE(friday_busy_goes_to_thursday),
	CASE(friday_and_thursday_busy_go_to_monday),
	CASE(monday_holiday_shifts_to_tuesday),
	CASE(nominal_holiday_flex_zero_not_found),
	CASE(nominal_holiday_moves_to_neighbour),
	CASE(nominal_saturday_moves_to_friday),
	CASE(nominal_saturday_flex_zero_not_found),
	CASE(window_counts_weekend_and_holiday),
	CASE(window_monday_counts_weekend_before),
	CASE(window_saturday_counted_once),
	CASE(window_flex_two_has_no_weekend),
	CASE(flex_across_dst_change),
	CASE(flex_before_dst_change),
	CASE(cross_zone_winter),
	CASE(cross_zone_us_dst_eu_not),
	CASE(cross_zone_both_dst),
	CASE(cross_zone_no_overlap),
	CASE(hours_read_on_persons_local_day),
	CASE(half_hour_zone),
	CASE(lunch_break_tie),
	CASE(lunch_break_not_spanned),
	CASE(short_friday),
	CASE(tentative_free_by_default),
	CASE(tentative_blocks_when_asked),
	CASE(unavailable_always_blocks),
	CASE(habit_beats_nominal_day),
	CASE(no_habit_nominal_day_wins),
	CASE(habit_on_nominal_day),
	CASE(habit_outside_flex_ignored),
	CASE(habit_busy_falls_back),
	CASE(not_before_moves_later_that_day),
	CASE(not_before_instant_itself_usable),
	CASE(not_before_past_day_moves_to_next),
	CASE(cap_refuses_nominal_day),
	CASE(cap_refuses_one_instant),
	CASE(cap_not_found_sets_capped),
	CASE(why_busy_minutes),
	CASE(why_busy_overlapping_kinds_counted_once),
	CASE(why_hours_with_lunch_break),
	CASE(deterministic),
	CASE(bad_request)
)
