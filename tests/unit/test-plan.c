/* The plan of conf/example: what tandemctl plan shows, computed in-process. */
#include "tt.h"
#include "tandem-int.h"

#define EXAMPLE	TOP_SRCDIR "/conf/example/tandem.conf"

static struct tandem_config *
example(void)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_diag	*d = tandem_diag_new();
	int			 rc;

	rc = tandem_config_load(EXAMPLE, &cfg, d);
	if (rc != 0)
		TT_FAIL("example: %s", tandem_diag_get(d, 0));
	tandem_diag_free(d);
	return cfg;
}

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

TEST(example_counts_and_order)
{
	struct tandem_config	*cfg = example();
	struct tandem_plan	*plan = NULL;
	const struct tandem_session *s;
	size_t			 i, per[3] = { 0, 0, 0 };
	unsigned		 last = 0;

	ASSERT_EQ(tandem_plan_new(cfg, utc(2027, 3, 1, 0, 0), &plan), 0);
	/* Every 3 weeks for 12 months (exclusive): 18 sessions for each pair. */
	ASSERT_EQ(tandem_plan_count(plan), 54);
	for (i = 0; i < tandem_plan_count(plan); i++) {
		s = tandem_plan_get(plan, i);
		ASSERT_STR_EQ(s->program, "reverse-2027");
		ASSERT_EQ(s->index, i % 18 + 1);
		if (s->index > 1)
			ASSERT_EQ(s->index, last + 1);
		last = s->index;
		per[i / 18]++;
		ASSERT_EQ(s->has_slot, 0);
	}
	ASSERT_STR_EQ(tandem_plan_get(plan, 0)->mentor, "lena.vogel@corp.example");
	ASSERT_STR_EQ(tandem_plan_get(plan, 18)->mentor, "priya.shah@corp.example");
	ASSERT_STR_EQ(tandem_plan_get(plan, 36)->mentee, "james.okafor@corp.example");
	ASSERT_EQ(tandem_plan_get(plan, 54), NULL);
	tandem_plan_free(plan);
	tandem_config_free(cfg);
}

TEST(example_times_follow_the_program_zone)
{
	struct tandem_config	*cfg = example();
	struct tandem_plan	*plan = NULL;
	const struct tandem_session *s;

	ASSERT_EQ(tandem_plan_new(cfg, 0, &plan), 0);
	/* 10:00 Berlin: 09:00 UTC in winter, 08:00 UTC in summer. */
	s = tandem_plan_get(plan, 0);
	ASSERT_EQ(s->nominal, utc(2027, 1, 11, 9, 0));
	ASSERT_EQ(s->nominal_offset, 3600);
	s = tandem_plan_get(plan, 4);	/* 2027-04-05, after the change of Mar 28 */
	ASSERT_EQ(s->nominal, utc(2027, 4, 5, 8, 0));
	ASSERT_EQ(s->nominal_offset, 7200);
	s = tandem_plan_get(plan, 14);	/* 2027-11-01, after Oct 31 */
	ASSERT_EQ(s->nominal, utc(2027, 11, 1, 9, 0));
	/* The third pair starts 2027-02-01 at its own 15:00. */
	s = tandem_plan_get(plan, 36);
	ASSERT_EQ(s->nominal, utc(2027, 2, 1, 14, 0));
	s = tandem_plan_get(plan, 36 + 17);	/* + 17 * 21 days */
	ASSERT_EQ(s->nominal, utc(2028, 1, 24, 14, 0));
	tandem_plan_free(plan);
	tandem_config_free(cfg);
}

TEST(example_status_splits_at_now)
{
	struct tandem_config	*cfg = example();
	struct tandem_plan	*plan = NULL;
	size_t			 i, past = 0;

	/* The 3rd session of the first pairs is 2027-02-22 09:00 UTC. */
	ASSERT_EQ(tandem_plan_new(cfg, utc(2027, 2, 22, 9, 0), &plan), 0);
	for (i = 0; i < tandem_plan_count(plan); i++)
		if (tandem_plan_get(plan, i)->status == TANDEM_SESSION_PAST)
			past++;
	/* Two each for the first two pairs, one (Feb 1) for the third. */
	ASSERT_EQ(past, 5);
	ASSERT_EQ(tandem_plan_get(plan, 2)->status, TANDEM_SESSION_NOMINAL);
	ASSERT_STR_EQ(tandem_session_status_name(TANDEM_SESSION_PAST), "past");
	tandem_plan_free(plan);
	tandem_config_free(cfg);
}

TEST(example_whit_monday_is_a_holiday)
{
	struct tandem_config	*cfg = example();
	struct tandem_plan	*plan = NULL;
	const struct tandem_session *s;
	size_t			 i, holidays = 0;

	ASSERT_EQ(tandem_plan_new(cfg, 0, &plan), 0);
	for (i = 0; i < tandem_plan_count(plan); i++) {
		s = tandem_plan_get(plan, i);
		if (!s->holiday)
			continue;
		holidays++;
		/* 2027-05-17 is Pfingstmontag in holidays.ics. */
		ASSERT_EQ((s->nominal + s->nominal_offset) / 86400,
		    civil_days(2027, 5, 17));
	}
	ASSERT_EQ(holidays, 3);
	tandem_plan_free(plan);
	tandem_config_free(cfg);
}

TT_MAIN(CASE(example_counts_and_order), CASE(example_times_follow_the_program_zone),
    CASE(example_status_splits_at_now), CASE(example_whit_monday_is_a_holiday))
