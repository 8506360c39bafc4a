/*
 * attendance: held or missed per session, lapse and recovery per pair.
 * One session: Mon 2027-03-15 10:00-11:00 UTC; grace 2 days; lapse after 2
 * misses in a row or 60 days without a held session.
 */
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "attendance.h"

#define H	3600
#define D	86400
#define START	((int64_t)civil_days(2027, 3, 15) * D + 10 * H)
#define END	(START + H)

static struct att_policy
policy(enum attendance_kind kind)
{
	struct att_policy	p;

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.grace = 2 * D;
	p.lapse_after = 2;
	p.lapse_secs = 60 * (int64_t)D;
	return p;
}

static struct att_facts
facts(void)
{
	struct att_facts	f;

	memset(&f, 0, sizeof(f));
	f.start = START;
	f.end = END;
	f.reply[0] = ATT_ACCEPTED;
	f.reply[1] = ATT_ACCEPTED;
	return f;
}

static enum att_verdict
decide(const struct att_facts *f, enum attendance_kind kind, int64_t now,
    enum att_why *why)
{
	struct att_policy	p = policy(kind);

	return att_decide(f, &p, now, why);
}

TEST(calendar_accepted_is_held_once_it_has_ended)
{
	struct att_facts	f = facts();
	enum att_why		why;

	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, START + 30 * 60, &why), ATT_NOT_YET);
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, END, &why), ATT_HELD);
	ASSERT_EQ(why, ATT_WHY_NONE);
	/* Nobody answered, nobody declined, the event is in place: held. */
	f.reply[0] = f.reply[1] = ATT_NO_REPLY;
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, END + 1, &why), ATT_HELD);
}

TEST(calendar_decline_before_the_start_is_not_yet_a_miss)
{
	struct att_facts	f = facts();
	enum att_why		why;

	f.reply[1] = ATT_DECLINED;
	/* The engine renegotiates: until the start nothing is decided. */
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, START - 1, &why), ATT_NOT_YET);
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, START, &why), ATT_MISSED);
	ASSERT_EQ(why, ATT_WHY_DECLINED);
	f.rescheduled = 1;		/* moved instead: this slot does not count */
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, END + D, &why), ATT_VOID);
}

TEST(cancelled_or_deleted_is_missed_with_its_reason)
{
	struct att_facts	f = facts();
	enum att_why		why;

	f.cancelled = 1;
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, END, &why), ATT_MISSED);
	ASSERT_EQ(why, ATT_WHY_CANCELLED);
	f = facts();
	f.deleted = 1;
	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END + 3 * D, &why), ATT_MISSED);
	ASSERT_EQ(why, ATT_WHY_DELETED);
	f.skipped = 1;			/* the champion skipped it */
	ASSERT_EQ(decide(&f, ATTENDANCE_CALENDAR, END + 3 * D, &why), ATT_VOID);
}

TEST(checkin_within_grace_is_held_and_late_or_none_is_missed)
{
	struct att_facts	f = facts();
	enum att_why		why;

	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END, &why), ATT_NOT_YET);
	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END + 2 * D - 1, &why), ATT_NOT_YET);
	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END + 2 * D, &why), ATT_MISSED);
	ASSERT_EQ(why, ATT_WHY_NO_CHECKIN);
	f.checkin = END + D;		/* confirmed the next day */
	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END + D, &why), ATT_HELD);
	f.checkin = END + 2 * D + 1;	/* a second too late */
	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END + 3 * D, &why), ATT_MISSED);
	/* A confirmation outweighs a decline: they met after all. */
	f.checkin = END;
	f.reply[0] = ATT_DECLINED;
	ASSERT_EQ(decide(&f, ATTENDANCE_CHECKIN, END + 3 * D, &why), ATT_HELD);
}

TEST(two_misses_in_a_row_lapse_once_and_a_held_session_recovers)
{
	struct att_policy	p = policy(ATTENDANCE_CALENDAR);
	struct att_pair		a;

	att_pair_init(&a, START - 30 * D);
	ASSERT_EQ(att_pair_fold(&a, ATT_MISSED, END, &p), ATT_EV_MISSED);
	ASSERT_EQ(att_pair_fold(&a, ATT_VOID, END + 7 * D, &p), 0);	/* no reset */
	ASSERT_EQ(att_pair_fold(&a, ATT_MISSED, END + 21 * D, &p),
	    ATT_EV_MISSED | ATT_EV_LAPSE);
	ASSERT_EQ(att_pair_fold(&a, ATT_MISSED, END + 42 * D, &p), ATT_EV_MISSED);
	ASSERT_EQ(att_pair_fold(&a, ATT_HELD, END + 63 * D, &p), ATT_EV_RECOVERED);
	ASSERT_EQ(att_pair_fold(&a, ATT_HELD, END + 84 * D, &p), 0);
	ASSERT_EQ(att_pair_fold(&a, ATT_MISSED, END + 105 * D, &p), ATT_EV_MISSED);
	ASSERT_EQ(a.missed_in_row, 1);
	ASSERT_EQ(a.lapsed, 0);
}

TEST(lapse_after_one_lapses_at_the_first_miss)
{
	struct att_policy	p = policy(ATTENDANCE_CALENDAR);
	struct att_pair		a;

	p.lapse_after = 1;
	att_pair_init(&a, START);
	ASSERT_EQ(att_pair_fold(&a, ATT_MISSED, END, &p), ATT_EV_MISSED | ATT_EV_LAPSE);
}

TEST(sixty_days_without_a_held_session_lapse_by_time_once)
{
	struct att_policy	p = policy(ATTENDANCE_CALENDAR);
	struct att_pair		a;

	att_pair_init(&a, START);
	ASSERT_EQ(att_pair_tick(&a, START + 60 * D - 1, &p), 0);
	ASSERT_EQ(att_pair_tick(&a, START + 60 * D, &p), ATT_EV_LAPSE);
	ASSERT_EQ(att_pair_tick(&a, START + 90 * D, &p), 0);	/* once */
	ASSERT_EQ(att_pair_fold(&a, ATT_HELD, START + 91 * D, &p), ATT_EV_RECOVERED);
	/* The clock now runs from that session's end. */
	ASSERT_EQ(att_pair_tick(&a, START + 150 * D, &p), 0);
	ASSERT_EQ(att_pair_tick(&a, START + 151 * D, &p), ATT_EV_LAPSE);
}

TEST(policy_comes_from_the_program)
{
	struct program		pg;
	struct att_policy	p;

	memset(&pg, 0, sizeof(pg));
	pg.attendance = ATTENDANCE_CHECKIN;
	pg.grace = 2 * 1440;		/* minutes, as the config stores it */
	pg.lapse_after = 3;
	pg.lapse_days = 45;
	att_policy_of(&pg, &p);
	ASSERT_EQ(p.kind, ATTENDANCE_CHECKIN);
	ASSERT_EQ(p.grace, 2 * D);
	ASSERT_EQ(p.lapse_after, 3);
	ASSERT_EQ(p.lapse_secs, 45 * (int64_t)D);
}

TT_MAIN(
	CASE(calendar_accepted_is_held_once_it_has_ended),
	CASE(calendar_decline_before_the_start_is_not_yet_a_miss),
	CASE(cancelled_or_deleted_is_missed_with_its_reason),
	CASE(checkin_within_grace_is_held_and_late_or_none_is_missed),
	CASE(two_misses_in_a_row_lapse_once_and_a_held_session_recovers),
	CASE(lapse_after_one_lapses_at_the_first_miss),
	CASE(sixty_days_without_a_held_session_lapse_by_time_once),
	CASE(policy_comes_from_the_program)
)
