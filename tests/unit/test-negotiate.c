/*
 * Negotiation end to end in-process: a small configuration written to a
 * temporary folder (tandem.conf, people, pairs, .ics calendars), then
 * tandem_plan_new + tandem_calendars_read + tandem_plan_negotiate, as
 * tandemctl plan does.
 *
 * Every program here: every 3 weeks from Monday 2027-01-11 at 10:00
 * Europe/Berlin (09:00 UTC in winter), 60 minutes, hours Mon-Fri 09:00-17:00,
 * buffer 10m; "now" is Monday 2027-01-04 00:00 UTC and the horizon 6 weeks,
 * so sessions 1 (Jan 11) and 2 (Feb 1) are negotiated, the rest stay nominal.
 */
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tt.h"
#include "tandem-int.h"

#define NOW	(utc(2027, 1, 4, 0, 0))

static char	dir[64];

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static void
put(const char *name, const char *text)
{
	char	path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		TT_FAIL("cannot write %s", path);
}

/* A calendar of VEVENT bodies (each "DTSTART...\nDTEND...\n", more allowed). */
static void
calendar(const char *name, const char *events)
{
	char	text[8192];

	snprintf(text, sizeof(text), "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\n"
	    "%sEND:VCALENDAR\n", events);
	put(name, text);
}

/*
 * The configuration: extra program keys, the people rows (after the
 * header), the pairs rows.  Every person's calendar is cal/<local part>.ics,
 * empty unless the test writes it.
 */
static void
setup(const char *keys, const char *people, const char *pairs)
{
	char	text[4096];

	snprintf(dir, sizeof(dir), "/tmp/tandem-neg-XXXXXX");
	if (mkdtemp(dir) == NULL)
		TT_FAIL("mkdtemp: %s", strerror(errno));
	snprintf(text, sizeof(text), "%s/cal", dir);
	if (mkdir(text, 0700) < 0)
		TT_FAIL("mkdir: %s", strerror(errno));
	snprintf(text, sizeof(text),
	    "[program p]\norganizer = mailto:m@x.example\ncadence = every 3 weeks\n"
	    "start = 2027-01-11\ntime = 10:00\nduration = 12 months\n"
	    "timezone = Europe/Berlin\nlength = 60m\nhours = Mon-Fri 09:00-17:00\n"
	    "buffer = 10m\nhorizon = 6w\ninvite = outbox:out\n"
	    "people = people.csv\npairs = pairs.csv\n%s%s", keys,
	    strstr(keys, "flex") == NULL ? "flex = 3d\n" : "");
	put("tandem.conf", text);
	snprintf(text, sizeof(text), "email,name,tz,calendar,hours\n%s", people);
	put("people.csv", text);
	snprintf(text, sizeof(text), "mentor,mentee,start\n%s", pairs);
	put("pairs.csv", text);
}

/* The standard cast: four people in Berlin with empty calendars. */
#define PEOPLE4								\
	"a@x.example,A,Europe/Berlin,file:cal/a.ics,\n"			\
	"b@x.example,B,Europe/Berlin,file:cal/b.ics,\n"			\
	"c@x.example,C,Europe/Berlin,file:cal/c.ics,\n"			\
	"d@x.example,D,Europe/Berlin,file:cal/d.ics,\n"

static void
empty_calendars(void)
{
	calendar("cal/a.ics", "");
	calendar("cal/b.ics", "");
	calendar("cal/c.ics", "");
	calendar("cal/d.ics", "");
}

struct run {
	struct tandem_config	*cfg;
	struct tandem_plan	*plan;
	struct tandem_calendars	*cals;
	struct tandem_diag	*diag;
};

static void
negotiate(struct run *r)
{
	char	path[128];

	memset(r, 0, sizeof(*r));
	r->diag = tandem_diag_new();
	snprintf(path, sizeof(path), "%s/tandem.conf", dir);
	if (tandem_config_load(path, &r->cfg, r->diag) != 0)
		TT_FAIL("config: %s", tandem_diag_get(r->diag, 0));
	ASSERT_EQ(tandem_plan_new(r->cfg, NOW, &r->plan), 0);
	ASSERT_EQ(tandem_calendars_new(&r->cals), 0);
	ASSERT_EQ(tandem_calendars_read(r->cals, r->plan, r->diag), 0);
	ASSERT_EQ(tandem_plan_negotiate(r->plan, r->cals), 0);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
done(struct run *r)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	tandem_calendars_free(r->cals);
	tandem_plan_free(r->plan);
	tandem_config_free(r->cfg);
	tandem_diag_free(r->diag);
}

/* Session index (1-based) of the pair'th pair (0-based) of 18 per pair. */
static const struct tandem_session *
at(const struct run *r, int pair, int index)
{
	return tandem_plan_get(r->plan, (size_t)pair * 18 + (size_t)index - 1);
}

static char *
explain(const struct run *r, int pair, int index)
{
	char	*text = NULL;

	ASSERT_EQ(tandem_plan_explain(r->plan, r->cals, (size_t)pair * 18 +
	    (size_t)index - 1, &text), 0);
	return text;
}

TEST(free_calendars_keep_the_nominal_time)
{
	struct run	r;

	setup("", PEOPLE4, "a@x.example,b@x.example,\n");
	empty_calendars();
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->status, TANDEM_SESSION_SCHEDULED);
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 9, 0));
	ASSERT_EQ(at(&r, 0, 1)->end, utc(2027, 1, 11, 10, 0));
	ASSERT_EQ(at(&r, 0, 1)->start_offset, 3600);
	ASSERT_EQ(at(&r, 0, 2)->start, utc(2027, 2, 1, 9, 0));
	/* Feb 22 is beyond now + 6 weeks (Feb 15): it stays nominal. */
	ASSERT_EQ(at(&r, 0, 3)->status, TANDEM_SESSION_NOMINAL);
	ASSERT_EQ(at(&r, 0, 3)->has_slot, 0);
	done(&r);
}

TEST(a_meeting_at_the_nominal_time_moves_the_session_after_it_and_the_buffer)
{
	struct run	r;
	char		*text;

	setup("", PEOPLE4, "a@x.example,b@x.example,\n");
	empty_calendars();
	calendar("cal/b.ics", "BEGIN:VEVENT\nUID:staff\n"
	    "DTSTART;TZID=Europe/Berlin:20270111T093000\n"
	    "DTEND;TZID=Europe/Berlin:20270111T110000\nEND:VEVENT\n");
	negotiate(&r);
	/* 11:00 + 10 minutes of buffer, on the 15-minute grid: 11:15. */
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 10, 15));
	text = explain(&r, 0, 1);
	ASSERT_CONTAINS(text, "slot      Mon 2027-01-11 11:15-12:15");
	ASSERT_CONTAINS(text, "75 min from the nominal time");
	ASSERT_CONTAINS(text, "the nominal time, Mon 2027-01-11 10:00: b@x.example "
	    "is busy from Mon 2027-01-11 09:30 to 11:00");
	free(text);
	/* Session 2: the habit (Monday 11:15) first, though 10:00 is free. */
	ASSERT_EQ(at(&r, 0, 2)->start, utc(2027, 2, 1, 10, 15));
	text = explain(&r, 0, 2);
	ASSERT_CONTAINS(text, "habit     Mon 11:15, from session 1");
	ASSERT_CONTAINS(text, "the habit, 0 business days");
	free(text);
	done(&r);
}

#define TENTATIVE_AT_10							\
	"BEGIN:VEVENT\nUID:maybe\nSTATUS:TENTATIVE\n"				\
	"DTSTART;TZID=Europe/Berlin:20270111T100000\n"				\
	"DTEND;TZID=Europe/Berlin:20270111T103000\nEND:VEVENT\n"

TEST(a_tentative_meeting_blocks_unless_the_program_says_free)
{
	struct run	r;

	setup("", PEOPLE4, "a@x.example,b@x.example,\n");
	empty_calendars();
	calendar("cal/a.ics", TENTATIVE_AT_10);
	negotiate(&r);
	/* 10:30 + 10 minutes of buffer: 10:45. */
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 9, 45));
	done(&r);
	setup("tentative = free\n", PEOPLE4, "a@x.example,b@x.example,\n");
	empty_calendars();
	calendar("cal/a.ics", TENTATIVE_AT_10);
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 9, 0));
	done(&r);
}

TEST(a_person_in_two_pairs_is_never_double_booked)
{
	struct run	r;

	setup("", PEOPLE4, "a@x.example,b@x.example,\nc@x.example,b@x.example,\n");
	empty_calendars();
	negotiate(&r);
	/* The first pair (plan order) takes 10:00; b's session blocks 11:00
	   plus the buffer for the second, which takes the next slot: 11:15. */
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 9, 0));
	ASSERT_EQ(at(&r, 1, 1)->start, utc(2027, 1, 11, 10, 15));
	ASSERT_EQ(at(&r, 1, 1)->status, TANDEM_SESSION_SCHEDULED);
	done(&r);
}

TEST(max_per_week_moves_the_second_session_to_another_week)
{
	struct run	r;
	char		*text;

	setup("max_per_week = 1\n", PEOPLE4,
	    "a@x.example,b@x.example,\nc@x.example,b@x.example,\n");
	empty_calendars();
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 9, 0));
	/* b has had their session of the week of Jan 11; within 3 business
	   days the nearest day of another week is Friday Jan 8, 10:00. */
	ASSERT_EQ(at(&r, 1, 1)->start, utc(2027, 1, 8, 9, 0));
	text = explain(&r, 1, 1);
	ASSERT_CONTAINS(text, "the nominal time, Mon 2027-01-11 10:00: b@x.example "
	    "is busy from Mon 2027-01-11 10:00 to 11:00");
	free(text);
	done(&r);
}

TEST(max_per_week_with_no_flex_is_unschedulable_and_says_so)
{
	struct run	r;
	const struct tandem_session *s;
	char		buf[512];

	setup("max_per_week = 1\nflex = 0\n", PEOPLE4,
	    "a@x.example,b@x.example,\nc@x.example,b@x.example,\n");
	empty_calendars();
	negotiate(&r);
	s = at(&r, 1, 1);
	ASSERT_EQ(s->status, TANDEM_SESSION_UNSCHEDULABLE);
	ASSERT_EQ(s->has_slot, 0);
	ASSERT_EQ(s->why.who[1].capped, 1);
	ASSERT_EQ(s->why.who[0].capped, 0);
	tandem_session_reason(s, buf, sizeof(buf));
	ASSERT_CONTAINS(buf, "b@x.example: busy 60 of 480 min in hours, 960 min "
	    "outside hours, max_per_week reached");
	done(&r);
}

TEST(the_cap_counts_across_programs)
{
	struct run	r;
	char		text[2048];

	/* A second program with b in it, declared in the same file. */
	setup("max_per_week = 1\nflex = 0\n[program q]\n"
	    "organizer = mailto:m@x.example\ncadence = every 3 weeks\n"
	    "start = 2027-01-12\ntime = 10:00\nduration = 12 months\n"
	    "timezone = Europe/Berlin\nflex = 0\nmax_per_week = 1\n"
	    "invite = outbox:out\npeople = people.csv\npairs = pairs2.csv\n",
	    PEOPLE4, "a@x.example,b@x.example,\n");
	snprintf(text, sizeof(text), "mentor,mentee,start\nc@x.example,b@x.example,\n");
	put("pairs2.csv", text);
	empty_calendars();
	negotiate(&r);
	/* Program p's Monday session comes first in time and takes b's week. */
	ASSERT_EQ(at(&r, 0, 1)->status, TANDEM_SESSION_SCHEDULED);
	ASSERT_EQ(at(&r, 1, 1)->status, TANDEM_SESSION_UNSCHEDULABLE);
	ASSERT_EQ(at(&r, 1, 1)->why.who[1].capped, 1);
	done(&r);
}

TEST(pairs_across_zones_meet_in_the_overlap_of_their_hours)
{
	struct run	r;

	/* New York is UTC-5 in January: 09:00-17:00 there is 15:00-23:00 in
	   Berlin; the overlap with Berlin hours is 15:00-17:00. */
	setup("", "a@x.example,A,Europe/Berlin,file:cal/a.ics,\n"
	    "b@x.example,B,America/New_York,file:cal/b.ics,\n",
	    "a@x.example,b@x.example,\n");
	calendar("cal/a.ics", "");
	calendar("cal/b.ics", "");
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 11, 14, 0));
	done(&r);
}

TEST(no_overlap_of_hours_is_unschedulable_with_the_reason)
{
	struct run	r;
	const struct tandem_session *s;

	/* Sydney (UTC+11 in January) 09:00-17:00 is 23:00-07:00 in Berlin. */
	setup("", "a@x.example,A,Europe/Berlin,file:cal/a.ics,\n"
	    "b@x.example,B,Australia/Sydney,file:cal/b.ics,\n",
	    "a@x.example,b@x.example,\n");
	calendar("cal/a.ics", "");
	calendar("cal/b.ics", "");
	negotiate(&r);
	s = at(&r, 0, 1);
	ASSERT_EQ(s->status, TANDEM_SESSION_UNSCHEDULABLE);
	ASSERT_EQ(s->why.days, 7);
	ASSERT_EQ(s->why.who[0].busy, 0);
	ASSERT_EQ(s->why.who[1].busy, 0);
	ASSERT_EQ(s->why.who[0].hours, 7 * 480);
	ASSERT_TRUE(s->why.who[1].hours > 0);
	done(&r);
}

TEST(an_unreadable_calendar_leaves_its_sessions_unschedulable)
{
	struct run	r;

	setup("", PEOPLE4, "a@x.example,b@x.example,\nc@x.example,d@x.example,\n");
	empty_calendars();
	put("cal/b.ics", "this is not a calendar\n");
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->status, TANDEM_SESSION_UNSCHEDULABLE);
	ASSERT_EQ(at(&r, 0, 1)->why.who[1].no_calendar, 1);
	ASSERT_EQ(at(&r, 0, 1)->why.who[0].no_calendar, 0);
	ASSERT_EQ(at(&r, 0, 2)->status, TANDEM_SESSION_UNSCHEDULABLE);
	/* The other pair is not held back, and the error names the file. */
	ASSERT_EQ(at(&r, 1, 1)->status, TANDEM_SESSION_SCHEDULED);
	ASSERT_TRUE(tandem_diag_count(r.diag) >= 1);
	ASSERT_CONTAINS(tandem_diag_get(r.diag, 0), "/cal/b.ics");
	done(&r);
}

TEST(an_absence_over_the_whole_window_is_unschedulable)
{
	struct run	r;
	char		*text;

	setup("", PEOPLE4, "a@x.example,b@x.example,\n");
	empty_calendars();
	calendar("cal/a.ics", "BEGIN:VEVENT\nUID:away\nDTSTART;VALUE=DATE:20270105\n"
	    "DTEND;VALUE=DATE:20270120\nEND:VEVENT\n");
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->status, TANDEM_SESSION_UNSCHEDULABLE);
	ASSERT_EQ(at(&r, 0, 1)->why.who[0].busy, at(&r, 0, 1)->why.who[0].hours);
	/* Session 2 is unaffected and has no habit to follow. */
	ASSERT_EQ(at(&r, 0, 2)->start, utc(2027, 2, 1, 9, 0));
	text = explain(&r, 0, 1);
	ASSERT_CONTAINS(text, "no slot   unschedulable");
	ASSERT_CONTAINS(text, "a@x.example: 3360 of 3360 min of their hours");
	free(text);
	done(&r);
}

TEST(a_holiday_moves_the_session_to_the_next_business_day)
{
	struct run	r;

	setup("holidays = hol.ics\n", PEOPLE4, "a@x.example,b@x.example,\n");
	empty_calendars();
	calendar("hol.ics", "BEGIN:VEVENT\nUID:h\nDTSTART;VALUE=DATE:20270111\n"
	    "END:VEVENT\n");
	negotiate(&r);
	ASSERT_EQ(at(&r, 0, 1)->holiday, 1);
	/* Friday Jan 8 and Tuesday Jan 12 are both one business day away; the
	   earlier start wins the tie. */
	ASSERT_EQ(at(&r, 0, 1)->start, utc(2027, 1, 8, 9, 0));
	done(&r);
}

TEST(renegotiating_with_the_same_handle_gives_the_same_plan)
{
	struct run	r;
	struct tandem_plan *again = NULL;
	size_t		i;

	setup("", PEOPLE4, "a@x.example,b@x.example,\nc@x.example,b@x.example,\n");
	empty_calendars();
	negotiate(&r);
	ASSERT_EQ(tandem_plan_new(r.cfg, NOW, &again), 0);
	ASSERT_EQ(tandem_calendars_read(r.cals, again, r.diag), 0);
	ASSERT_EQ(tandem_plan_negotiate(again, r.cals), 0);
	for (i = 0; i < tandem_plan_count(again); i++) {
		ASSERT_EQ(tandem_plan_get(again, i)->status, tandem_plan_get(r.plan, i)->status);
		ASSERT_EQ(tandem_plan_get(again, i)->start, tandem_plan_get(r.plan, i)->start);
	}
	tandem_plan_free(again);
	done(&r);
}

TT_MAIN(
	CASE(free_calendars_keep_the_nominal_time),
	CASE(a_meeting_at_the_nominal_time_moves_the_session_after_it_and_the_buffer),
	CASE(a_tentative_meeting_blocks_unless_the_program_says_free),
	CASE(a_person_in_two_pairs_is_never_double_booked),
	CASE(max_per_week_moves_the_second_session_to_another_week),
	CASE(max_per_week_with_no_flex_is_unschedulable_and_says_so),
	CASE(the_cap_counts_across_programs),
	CASE(pairs_across_zones_meet_in_the_overlap_of_their_hours),
	CASE(no_overlap_of_hours_is_unschedulable_with_the_reason),
	CASE(an_unreadable_calendar_leaves_its_sessions_unschedulable),
	CASE(an_absence_over_the_whole_window_is_unschedulable),
	CASE(a_holiday_moves_the_session_to_the_next_business_day),
	CASE(renegotiating_with_the_same_handle_gives_the_same_plan)
)
