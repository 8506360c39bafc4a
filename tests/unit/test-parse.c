/* Value parsers: durations, spans, dates, clock times, working hours, e-mail. */
#include "tt.h"
#include "tandem-int.h"
#include "parse.h"

TEST(minutes_units)
{
	char	err[PARSE_ERRLEN];
	int64_t	m = -1;

	ASSERT_EQ(parse_minutes("60m", &m, err), 0);
	ASSERT_EQ(m, 60);
	ASSERT_EQ(parse_minutes("1h30m", &m, err), 0);
	ASSERT_EQ(m, 90);
	ASSERT_EQ(parse_minutes("3d", &m, err), 0);
	ASSERT_EQ(m, 3 * 1440);
	ASSERT_EQ(parse_minutes("6w", &m, err), 0);
	ASSERT_EQ(m, 6 * 10080);
	ASSERT_EQ(parse_minutes("2 hours", &m, err), 0);
	ASSERT_EQ(m, 120);
	ASSERT_EQ(parse_minutes("0", &m, err), 0);
	ASSERT_EQ(m, 0);
}

TEST(minutes_rejects)
{
	char	err[PARSE_ERRLEN];
	int64_t	m = 0;

	ASSERT_EQ(parse_minutes("60", &m, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "unit");
	ASSERT_EQ(parse_minutes("3x", &m, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "\"x\"");
	ASSERT_EQ(parse_minutes("m", &m, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_minutes("", &m, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_minutes("99999999999m", &m, err), TANDEM_EPARSE);
}

TEST(span_units)
{
	char		err[PARSE_ERRLEN];
	struct span	sp;

	ASSERT_EQ(parse_span("12 months", &sp, err), 0);
	ASSERT_EQ(sp.months, 12);
	ASSERT_EQ(sp.days, 0);
	ASSERT_EQ(parse_span("1 year", &sp, err), 0);
	ASSERT_EQ(sp.months, 12);
	ASSERT_EQ(parse_span("26 weeks", &sp, err), 0);
	ASSERT_EQ(sp.days, 182);
	ASSERT_EQ(parse_span("12 fortnights", &sp, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "fortnights");
	ASSERT_EQ(parse_span("0 months", &sp, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_span("months", &sp, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_span("12 months extra", &sp, err), TANDEM_EPARSE);
}

TEST(dates_strict)
{
	char	err[PARSE_ERRLEN];
	int32_t	d;

	ASSERT_EQ(parse_date("2027-01-11", &d, err), 0);
	ASSERT_EQ(d, civil_days(2027, 1, 11));
	ASSERT_EQ(parse_date("2028-02-29", &d, err), 0);
	ASSERT_EQ(parse_date("2027-02-29", &d, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "not a valid date");
	ASSERT_EQ(parse_date("2027-13-01", &d, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_date("11.01.2027", &d, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_date("2027-1-11", &d, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_date("2027-01-11x", &d, err), TANDEM_EPARSE);
}

TEST(civil_roundtrip)
{
	int32_t	d;
	int	y, m, dd;

	ASSERT_EQ(civil_days(1970, 1, 1), 0);
	ASSERT_EQ(civil_weekday(civil_days(2027, 1, 11)), 0);	/* a Monday */
	ASSERT_EQ(civil_weekday(civil_days(2028, 2, 29)), 1);	/* a Tuesday */
	for (d = civil_days(1999, 1, 1); d < civil_days(2031, 1, 1); d++) {
		civil_from_days(d, &y, &m, &dd);
		ASSERT_EQ(civil_days(y, m, dd), d);
	}
	ASSERT_EQ(civil_add_months(civil_days(2027, 1, 31), 1), civil_days(2027, 2, 28));
	ASSERT_EQ(civil_add_months(civil_days(2027, 2, 28), 12), civil_days(2028, 2, 28));
	ASSERT_EQ(civil_add_months(civil_days(2028, 2, 29), 12), civil_days(2029, 2, 28));
}

TEST(start_with_time)
{
	char			err[PARSE_ERRLEN];
	struct localstart	ls;

	ASSERT_EQ(parse_localstart("2027-02-01", &ls, err), 0);
	ASSERT_EQ(ls.minute, -1);
	ASSERT_EQ(parse_localstart("2027-02-01 15:00", &ls, err), 0);
	ASSERT_EQ(ls.date, civil_days(2027, 2, 1));
	ASSERT_EQ(ls.minute, 15 * 60);
	ASSERT_EQ(parse_localstart("2027-02-01T09:30", &ls, err), 0);
	ASSERT_EQ(ls.minute, 9 * 60 + 30);
	ASSERT_EQ(parse_localstart("2027-02-01 25:00", &ls, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_localstart("2027-02-01 24:00", &ls, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_localstart("2027-02-01 9", &ls, err), TANDEM_EPARSE);
}

TEST(hours_forms)
{
	char		err[PARSE_ERRLEN];
	struct hours	h;

	ASSERT_EQ(parse_hours("Mon-Fri 09:00-17:00", &h, err), 0);
	ASSERT_EQ(h.n[0], 1);
	ASSERT_EQ(h.n[4], 1);
	ASSERT_EQ(h.n[5], 0);
	ASSERT_EQ(h.win[2][0][0], 9 * 60);
	ASSERT_EQ(h.win[2][0][1], 17 * 60);

	ASSERT_EQ(parse_hours("Mon-Thu 09:00-17:00, Fri 09:00-13:00", &h, err), 0);
	ASSERT_EQ(h.win[3][0][1], 17 * 60);
	ASSERT_EQ(h.win[4][0][1], 13 * 60);

	ASSERT_EQ(parse_hours("Mon,Wed 08:00-12:00 13:00-16:30", &h, err), 0);
	ASSERT_EQ(h.n[0], 2);
	ASSERT_EQ(h.n[1], 0);
	ASSERT_EQ(h.win[2][1][0], 13 * 60);
	ASSERT_EQ(h.win[2][1][1], 16 * 60 + 30);

	/* Windows come out sorted whatever their order in the text. */
	ASSERT_EQ(parse_hours("Tue 13:00-17:00 09:00-12:00", &h, err), 0);
	ASSERT_EQ(h.win[1][0][0], 9 * 60);
	ASSERT_EQ(h.win[1][1][0], 13 * 60);

	ASSERT_EQ(parse_hours("Mon, Wed 10:00-12:00", &h, err), 0);
	ASSERT_EQ(h.n[0] + h.n[2], 2);
	ASSERT_EQ(h.n[1], 0);

	/* A range may wrap past Sunday (Sat-Mon). */
	ASSERT_EQ(parse_hours("Sat-Mon 10:00-14:00", &h, err), 0);
	ASSERT_EQ(h.n[5] + h.n[6] + h.n[0], 3);
	ASSERT_EQ(h.n[1], 0);
	ASSERT_EQ(parse_hours("sun-thu 22:00-24:00", &h, err), 0);
	ASSERT_EQ(h.win[6][0][1], 24 * 60);
}

TEST(hours_rejects)
{
	char		err[PARSE_ERRLEN];
	struct hours	h;

	ASSERT_EQ(parse_hours("09:00-17:00", &h, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "start with days");
	ASSERT_EQ(parse_hours("Mon-Fry 09:00-17:00", &h, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "Mon-Fry");
	ASSERT_EQ(parse_hours("Mon-Fri 17:00-09:00", &h, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "ends before it starts");
	ASSERT_EQ(parse_hours("Mon-Fri", &h, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_hours("Mon-Fri 09:00-12:00 11:00-13:00", &h, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "overlapping");
	ASSERT_EQ(parse_hours("Mon 9-17", &h, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_hours("", &h, err), TANDEM_EPARSE);
}

TEST(email_shapes)
{
	char	err[PARSE_ERRLEN];

	ASSERT_EQ(parse_email("ana@corp.example", err), 0);
	ASSERT_EQ(parse_email("a.b+tag@sub.corp.example", err), 0);
	ASSERT_EQ(parse_email("ana", err), TANDEM_EPARSE);
	ASSERT_EQ(parse_email("@corp.example", err), TANDEM_EPARSE);
	ASSERT_EQ(parse_email("ana@", err), TANDEM_EPARSE);
	ASSERT_EQ(parse_email("ana@corp", err), TANDEM_EPARSE);
	ASSERT_EQ(parse_email("ana smith@corp.example", err), TANDEM_EPARSE);
	ASSERT_EQ(parse_email("<ana@corp.example>", err), TANDEM_EPARSE);
	ASSERT_EQ(parse_email("a@b@corp.example", err), TANDEM_EPARSE);
}

TEST(int_range)
{
	char	err[PARSE_ERRLEN];
	long	v;

	ASSERT_EQ(parse_int("2", 1, 52, &v, err), 0);
	ASSERT_EQ(v, 2);
	ASSERT_EQ(parse_int("0", 1, 52, &v, err), TANDEM_EPARSE);
	ASSERT_CONTAINS(err, "out of range");
	ASSERT_EQ(parse_int("2x", 1, 52, &v, err), TANDEM_EPARSE);
	ASSERT_EQ(parse_int("", 1, 52, &v, err), TANDEM_EPARSE);
}

TT_MAIN(CASE(minutes_units), CASE(minutes_rejects), CASE(span_units),
    CASE(dates_strict), CASE(civil_roundtrip), CASE(start_with_time),
    CASE(hours_forms), CASE(hours_rejects), CASE(email_shapes), CASE(int_range))
