/*
 * Unit tests of the busy layer: iCalendar text to busy intervals in UTC.
 * Every expected interval is written out by hand as a UTC wall time (and
 * was cross-checked with Python's zoneinfo where a zone is involved);
 * civil_days() only turns those wall times into seconds.  The default
 * request reads floating times in Europe/Berlin for me@example.org over
 * the year 2027.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "busy.h"

#define CAL(body)	"BEGIN:VCALENDAR\nVERSION:2.0\n" \
			"PRODID:-//tandem//busy test//EN\n" body "END:VCALENDAR\n"
#define EV(uid, body)	"BEGIN:VEVENT\nUID:" uid "\n" \
			"DTSTAMP:20270101T000000Z\n" body "END:VEVENT\n"
#define SOURCE		"cal.ics"
#define OWNER		"me@example.org"

#define B	BUSY_BUSY
#define T	BUSY_TENTATIVE
#define U	BUSY_UNAVAILABLE

/* The intervals of set, in order of start, end, kind; names the caller's line. */
#define ASSERT_SET(set, want)						\
	check_set((set), (want), TANDEM_NELEM(want), __LINE__)
#define ASSERT_NONE(set)	check_set((set), NULL, 0, __LINE__)

static int64_t utc(int y, int mo, int d, int h, int mi);
static int scan_in(const char *text, const char *zone, int64_t from,
    int64_t to, struct busy_set *set, struct tandem_diag *diag);
static int scan(const char *text, int64_t from, int64_t to,
    struct busy_set *set, struct tandem_diag *diag);
static void check_set(struct busy_set *set, const struct busy *want,
    size_t n, int line);
static const char *all_diag(const struct tandem_diag *d);
static char *fixture(const char *name);

/* A UTC wall time as seconds since the epoch. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (int64_t)civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

#define Y2027	utc(2027, 1, 1, 0, 0)
#define Y2028	utc(2028, 1, 1, 0, 0)

static int
scan_in(const char *text, const char *zone, int64_t from, int64_t to,
    struct busy_set *set, struct tandem_diag *diag)
{
	struct busy_req	req;

	memset(&req, 0, sizeof(req));
	req.source = SOURCE;
	req.owner = OWNER;
	req.floating = icaltimezone_get_builtin_timezone(zone);
	req.from = from;
	req.to = to;
	if (req.floating == NULL)
		TT_FAIL("libical has no zone %s", zone);
	return busy_from_ical(&req, text, set, diag);
}

static int
scan(const char *text, int64_t from, int64_t to, struct busy_set *set,
    struct tandem_diag *diag)
{
	return scan_in(text, "Europe/Berlin", from, to, set, diag);
}

static int
cmp_busy(const void *a, const void *b)
{
	const struct busy	*p = a, *q = b;

	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	if (p->end != q->end)
		return p->end < q->end ? -1 : 1;
	return p->kind - q->kind;
}

static void
show(const char *label, const struct busy *v, size_t n)
{
	size_t	i;
	int	y, m, d;

	for (i = 0; i < n; i++) {
		civil_from_days((int32_t)(v[i].start / 86400), &y, &m, &d);
		printf("# %s %zu: %04d-%02d-%02d %02lld:%02lld +%llds kind %d\n",
		    label, i, y, m, d, (long long)(v[i].start % 86400 / 3600),
		    (long long)(v[i].start % 3600 / 60),
		    (long long)(v[i].end - v[i].start), v[i].kind);
	}
}

/* Sorted here, not by busy_merge(), so that the reader is tested alone. */
static void
check_set(struct busy_set *set, const struct busy *want, size_t n, int line)
{
	size_t	i;

	if (set->n > 0)
		qsort(set->v, set->n, sizeof(*set->v), cmp_busy);
	for (i = 0; i < set->n && i < n; i++)
		if (set->v[i].start != want[i].start ||
		    set->v[i].end != want[i].end || set->v[i].kind != want[i].kind)
			break;
	if (i == n && set->n == n)
		return;
	show("got", set->v, set->n);
	show("want", want, n);
	TT_FAIL("line %d: %zu intervals, expected %zu; first difference at %zu",
	    line, set->n, n, i);
}

/* Every message of d, joined, for ASSERT_CONTAINS. */
static const char *
all_diag(const struct tandem_diag *d)
{
	static char	buf[8192];
	size_t		i;

	buf[0] = '\0';
	for (i = 0; i < tandem_diag_count(d); i++) {
		strncat(buf, tandem_diag_get(d, i), sizeof(buf) - strlen(buf) - 1);
		strncat(buf, "\n", sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static char *
fixture(const char *name)
{
	char	path[1024];
	char	*text = NULL;
	size_t	len;

	snprintf(path, sizeof(path), "%s/busy/%s", FIXTURES, name);
	if (util_read_file(path, 1 << 20, &text, &len) != 0)
		TT_FAIL("cannot read %s", path);
	return text;
}

/* --- single events ------------------------------------------------------ */

TEST(utc_times)
{
	static const char text[] = CAL(EV("u1",
	    "DTSTART:20270310T130000Z\nDTEND:20270310T143000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 10, 13, 0), utc(2027, 3, 10, 14, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(duration_exact_and_nominal)
{
	/* P1D is a local day: 23 hours on the day DST starts. */
	static const char text[] = CAL(
	    EV("d1", "DTSTART:20270310T130000Z\nDURATION:PT1H30M\n")
	    EV("d2", "DTSTART;TZID=Europe/Berlin:20270327T120000\nDURATION:P1D\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 10, 13, 0), utc(2027, 3, 10, 14, 30), B },
		{ utc(2027, 3, 27, 11, 0), utc(2027, 3, 28, 10, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(datetime_without_end_lasts_nothing)
{
	static const char text[] = CAL(EV("p1", "DTSTART:20270310T130000Z\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_NONE(&set);
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(all_day_one_day)
{
	/* A DATE with no end lasts one day, midnight to midnight in Berlin. */
	static const char text[] = CAL(EV("a1", "DTSTART;VALUE=DATE:20270310\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 9, 23, 0), utc(2027, 3, 10, 23, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(all_day_exclusive_end_across_dst)
{
	static const char text[] = CAL(EV("a2",
	    "DTSTART;VALUE=DATE:20270326\nDTEND;VALUE=DATE:20270329\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 25, 23, 0), utc(2027, 3, 28, 22, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(floating_time_in_request_zone)
{
	static const char text[] = CAL(
	    EV("f1", "DTSTART:20270705T100000\nDTEND:20270705T110000\n")
	    EV("f2", "DTSTART;VALUE=DATE:20270705\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy berlin[] = {
		{ utc(2027, 7, 4, 22, 0), utc(2027, 7, 5, 22, 0), B },
		{ utc(2027, 7, 5, 8, 0), utc(2027, 7, 5, 9, 0), B },
	};
	const struct busy new_york[] = {
		{ utc(2027, 7, 5, 4, 0), utc(2027, 7, 6, 4, 0), B },
		{ utc(2027, 7, 5, 14, 0), utc(2027, 7, 5, 15, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, berlin);
	set.n = 0;
	ASSERT_EQ(scan_in(text, "America/New_York", Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, new_york);
	busy_set_free(&set);
}

TEST(tzid_builtin_zone)
{
	static const char text[] = CAL(EV("z1",
	    "DTSTART;TZID=America/New_York:20270115T090000\n"
	    "DTEND;TZID=America/New_York:20270115T100000\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 1, 15, 14, 0), utc(2027, 1, 15, 15, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(tzid_embedded_vtimezone)
{
	static const char text[] = CAL(
	    "BEGIN:VTIMEZONE\nTZID:Tandem/Plus0530\nBEGIN:STANDARD\n"
	    "DTSTART:19700101T000000\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0530\n"
	    "END:STANDARD\nEND:VTIMEZONE\n"
	    EV("z2", "DTSTART;TZID=Tandem/Plus0530:20270310T090000\n"
	    "DTEND;TZID=Tandem/Plus0530:20270310T100000\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 10, 3, 30), utc(2027, 3, 10, 4, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(tzid_builtin_preferred_to_embedded)
{
	/* A wrong embedded Europe/Berlin (always +00:00) is not used. */
	static const char text[] = CAL(
	    "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\n"
	    "DTSTART:19700101T000000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0000\n"
	    "END:STANDARD\nEND:VTIMEZONE\n"
	    EV("z3", "DTSTART;TZID=Europe/Berlin:20270115T090000\n"
	    "DURATION:PT1H\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 1, 15, 8, 0), utc(2027, 1, 15, 9, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(tzid_unknown_in_one_calendar_known_in_the_next)
{
	/*
	 * CalDAV objects each carry their own VTIMEZONE, or forget to: the
	 * one without is read on the owner's clock (Berlin, +01:00), said
	 * once, and the next one's VTIMEZONE is still found.
	 */
	static const char text[] =
	    CAL(EV("nozone", "DTSTART;TZID=Tandem/Plus0530:20270310T090000\n"
	    "DURATION:PT1H\n"))
	    CAL("BEGIN:VTIMEZONE\nTZID:Tandem/Plus0530\nBEGIN:STANDARD\n"
	    "DTSTART:19700101T000000\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0530\n"
	    "END:STANDARD\nEND:VTIMEZONE\n"
	    EV("zone", "DTSTART;TZID=Tandem/Plus0530:20270311T090000\n"
	    "DURATION:PT1H\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 10, 8, 0), utc(2027, 3, 10, 9, 0), B },
		{ utc(2027, 3, 11, 3, 30), utc(2027, 3, 11, 4, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(all_diag(d),
	    "cal.ics: UID nozone: unknown TZID \"Tandem/Plus0530\" in DTSTART: "
	    "read in Europe/Berlin, the calendar owner's zone");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(tzid_unknown_is_read_in_the_owners_zone_never_skipped)
{
	/* The owner is in New York: 10:00 there is 15:00Z; said once. */
	static const char text[] = CAL(
	    EV("mars1", "DTSTART;TZID=Mars/Olympus_Mons:20270301T100000\n"
	    "DTEND;TZID=Mars/Olympus_Mons:20270301T110000\n")
	    EV("mars2", "DTSTART;TZID=Mars/Olympus_Mons:20270302T100000\n"
	    "DURATION:PT1H\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 1, 15, 0), utc(2027, 3, 1, 16, 0), B },
		{ utc(2027, 3, 2, 15, 0), utc(2027, 3, 2, 16, 0), B },
	};

	ASSERT_EQ(scan_in(text, "America/New_York", Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(all_diag(d), "cal.ics: UID mars1: unknown TZID "
	    "\"Mars/Olympus_Mons\" in DTSTART: read in America/New_York");
	busy_set_free(&set);
	tandem_diag_free(d);
}

/*
 * Outlook's zone names without a VTIMEZONE, quoted and not, on both sides
 * of the US (14 March, 7 November 2027) and EU (28 March, 31 October)
 * changes: in the weeks between, Pacific is 8 hours behind Berlin, not 9.
 */
TEST(windows_zone_names_without_vtimezone)
{
	static const char text[] = CAL(
	    EV("pst1", "DTSTART;TZID=\"Pacific Standard Time\":20270316T090000\n"
	    "DURATION:PT1H\n")
	    EV("cet1", "DTSTART;TZID=W. Europe Standard Time:20270316T090000\n"
	    "DTEND;TZID=W. Europe Standard Time:20270316T100000\n")
	    EV("cet2", "DTSTART;TZID=\"W. Europe Standard Time\":20270330T090000\n"
	    "DURATION:PT1H\n")
	    EV("ist", "DTSTART;TZID=India Standard Time:20270316T090000\n"
	    "DURATION:PT30M\n")
	    EV("pst2", "DTSTART;TZID=Pacific Standard Time:20271102T090000\n"
	    "DURATION:PT1H\n")
	    EV("cet3", "DTSTART;TZID=W. Europe Standard Time:20271102T090000\n"
	    "DURATION:PT1H\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 16, 3, 30), utc(2027, 3, 16, 4, 0), B },
		{ utc(2027, 3, 16, 8, 0), utc(2027, 3, 16, 9, 0), B },
		{ utc(2027, 3, 16, 16, 0), utc(2027, 3, 16, 17, 0), B },
		{ utc(2027, 3, 30, 7, 0), utc(2027, 3, 30, 8, 0), B },
		{ utc(2027, 11, 2, 8, 0), utc(2027, 11, 2, 9, 0), B },
		{ utc(2027, 11, 2, 16, 0), utc(2027, 11, 2, 17, 0), B },
	};

	ASSERT_EQ(scan_in(text, "UTC", Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(embedded_vtimezone_of_a_windows_name_is_honoured)
{
	/*
	 * The file's own VTIMEZONE wins over CLDR's zone for the name: here
	 * one that says +03:00 all year, which CLDR's Berlin never is.
	 */
	static const char text[] = CAL(
	    "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\n"
	    "DTSTART:16010101T000000\nTZOFFSETFROM:+0300\nTZOFFSETTO:+0300\n"
	    "END:STANDARD\nEND:VTIMEZONE\n"
	    EV("own", "DTSTART;TZID=\"W. Europe Standard Time\":20270316T090000\n"
	    "DURATION:PT1H\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 16, 6, 0), utc(2027, 3, 16, 7, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(utc_end_for_zoned_start)
{
	static const char text[] = CAL(EV("z4",
	    "DTSTART;TZID=Europe/Berlin:20270601T090000\n"
	    "DTEND:20270601T080000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 6, 1, 7, 0), utc(2027, 6, 1, 8, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(spring_gap_and_autumn_repeat)
{
	/*
	 * RFC 5545 3.3.5: 02:30 on 28 March does not exist and is read with
	 * the offset before the gap (01:30Z); 02:30 on 31 October occurs
	 * twice and is the first (CEST, 00:30Z).  The daily series keeps
	 * 02:30 on the day after the gap.
	 */
	static const char text[] = CAL(
	    EV("g1", "DTSTART;TZID=Europe/Berlin:20270327T023000\n"
	    "DURATION:PT30M\nRRULE:FREQ=DAILY;COUNT=3\n")
	    EV("g2", "DTSTART;TZID=Europe/Berlin:20271031T023000\n"
	    "DURATION:PT30M\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 27, 1, 30), utc(2027, 3, 27, 2, 0), B },
		{ utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2, 0), B },
		{ utc(2027, 3, 29, 0, 30), utc(2027, 3, 29, 1, 0), B },
		{ utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- recurrence ---------------------------------------------------------- */

TEST(until_keeps_the_instance_after_a_spring_gap_start)
{
	/*
	 * Found by test-property: DTSTART 02:30 on the gap day is 01:30Z; the
	 * next day's 02:30 is 00:30Z, exactly UNTIL (inclusive).  libical
	 * compared its own reading (03:30 carried on) with UNTIL and dropped it.
	 */
	static const char text[] = CAL(EV("u1",
	    "DTSTART;TZID=Europe/Berlin:20270328T023000\nDURATION:PT1H\n"
	    "RRULE:FREQ=DAILY;UNTIL=20270329T003000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2, 30), B },
		{ utc(2027, 3, 29, 0, 30), utc(2027, 3, 29, 1, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(until_reads_a_repeated_hour_as_its_first_occurrence)
{
	/* 02:30 on 31 October is first 00:30Z (CEST): within UNTIL 00:45Z. */
	static const char text[] = CAL(EV("u2",
	    "DTSTART;TZID=Europe/Berlin:20271030T023000\nDURATION:PT30M\n"
	    "RRULE:FREQ=DAILY;UNTIL=20271031T004500Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 10, 30, 0, 30), utc(2027, 10, 30, 1, 0), B },
		{ utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(until_as_a_date_and_as_floating_time)
{
	static const char text[] = CAL(
	    EV("d1", "DTSTART;VALUE=DATE:20270301\nRRULE:FREQ=DAILY;UNTIL=20270302\n")
	    EV("f1", "DTSTART:20270301T100000\nDURATION:PT1H\n"
	    "RRULE:FREQ=DAILY;UNTIL=20270302T100000\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 2, 28, 23, 0), utc(2027, 3, 1, 23, 0), B },
		{ utc(2027, 3, 1, 9, 0), utc(2027, 3, 1, 10, 0), B },
		{ utc(2027, 3, 1, 23, 0), utc(2027, 3, 2, 23, 0), B },
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(rrule_count_interval)
{
	static const char text[] = CAL(EV("r1",
	    "DTSTART:20270301T100000Z\nDTEND:20270301T110000Z\n"
	    "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 3, 10, 0), utc(2027, 3, 3, 11, 0), B },
		{ utc(2027, 3, 5, 10, 0), utc(2027, 3, 5, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(berlin_weekly_across_spring_change)
{
	static const char text[] = CAL(EV("dst1",
	    "DTSTART;TZID=Europe/Berlin:20270314T090000\n"
	    "DTEND;TZID=Europe/Berlin:20270314T100000\n"
	    "RRULE:FREQ=WEEKLY;COUNT=4\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 14, 8, 0), utc(2027, 3, 14, 9, 0), B },
		{ utc(2027, 3, 21, 8, 0), utc(2027, 3, 21, 9, 0), B },
		{ utc(2027, 3, 28, 7, 0), utc(2027, 3, 28, 8, 0), B },
		{ utc(2027, 4, 4, 7, 0), utc(2027, 4, 4, 8, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(berlin_weekly_across_autumn_change)
{
	static const char text[] = CAL(EV("dst2",
	    "DTSTART;TZID=Europe/Berlin:20271017T090000\n"
	    "DTEND;TZID=Europe/Berlin:20271017T100000\n"
	    "RRULE:FREQ=WEEKLY;COUNT=4\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 10, 17, 7, 0), utc(2027, 10, 17, 8, 0), B },
		{ utc(2027, 10, 24, 7, 0), utc(2027, 10, 24, 8, 0), B },
		{ utc(2027, 10, 31, 8, 0), utc(2027, 10, 31, 9, 0), B },
		{ utc(2027, 11, 7, 8, 0), utc(2027, 11, 7, 9, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(new_york_weekly_across_both_changes)
{
	static const char text[] = CAL(
	    EV("ny1", "DTSTART;TZID=America/New_York:20270307T090000\n"
	    "DURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n")
	    EV("ny2", "DTSTART;TZID=America/New_York:20271031T090000\n"
	    "DURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 7, 14, 0), utc(2027, 3, 7, 15, 0), B },
		{ utc(2027, 3, 14, 13, 0), utc(2027, 3, 14, 14, 0), B },
		{ utc(2027, 3, 21, 13, 0), utc(2027, 3, 21, 14, 0), B },
		{ utc(2027, 10, 31, 13, 0), utc(2027, 10, 31, 14, 0), B },
		{ utc(2027, 11, 7, 14, 0), utc(2027, 11, 7, 15, 0), B },
		{ utc(2027, 11, 14, 14, 0), utc(2027, 11, 14, 15, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(until_in_utc_includes_last_instance)
{
	/* 09:00 CEST on 31 March is exactly UNTIL (07:00Z). */
	static const char text[] = CAL(EV("un1",
	    "DTSTART;TZID=Europe/Berlin:20270303T090000\n"
	    "DTEND;TZID=Europe/Berlin:20270303T093000\n"
	    "RRULE:FREQ=WEEKLY;UNTIL=20270331T070000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 3, 8, 0), utc(2027, 3, 3, 8, 30), B },
		{ utc(2027, 3, 10, 8, 0), utc(2027, 3, 10, 8, 30), B },
		{ utc(2027, 3, 17, 8, 0), utc(2027, 3, 17, 8, 30), B },
		{ utc(2027, 3, 24, 8, 0), utc(2027, 3, 24, 8, 30), B },
		{ utc(2027, 3, 31, 7, 0), utc(2027, 3, 31, 7, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(dtstart_off_rule_still_counts)
{
	/* A Tuesday DTSTART for a Monday/Wednesday rule: RFC 5545 counts it. */
	static const char text[] = CAL(EV("off1",
	    "DTSTART:20270105T090000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270112T000000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 1, 5, 9, 0), utc(2027, 1, 5, 10, 0), B },
		{ utc(2027, 1, 6, 9, 0), utc(2027, 1, 6, 10, 0), B },
		{ utc(2027, 1, 11, 9, 0), utc(2027, 1, 11, 10, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(rule_that_never_matches_keeps_dtstart)
{
	static const char text[] = CAL(EV("nm1",
	    "DTSTART:20270130T090000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 1, 30, 9, 0), utc(2027, 1, 30, 10, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(rdate_date_times)
{
	static const char text[] = CAL(EV("rd1",
	    "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RDATE:20270305T100000Z,20270307T120000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 5, 10, 0), utc(2027, 3, 5, 11, 0), B },
		{ utc(2027, 3, 7, 12, 0), utc(2027, 3, 7, 13, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(rdate_periods_keep_their_length)
{
	static const char text[] = CAL(EV("rd2",
	    "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RDATE;VALUE=PERIOD:20270302T100000Z/20270302T130000Z,"
	    "20270303T100000Z/PT30M\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 13, 0), B },
		{ utc(2027, 3, 3, 10, 0), utc(2027, 3, 3, 10, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(rdate_dates_for_all_day)
{
	static const char text[] = CAL(EV("rd3",
	    "DTSTART;VALUE=DATE:20270301\nRDATE;VALUE=DATE:20270310\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 2, 28, 23, 0), utc(2027, 3, 1, 23, 0), B },
		{ utc(2027, 3, 9, 23, 0), utc(2027, 3, 10, 23, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(exdate_lines_and_lists)
{
	static const char text[] = CAL(EV("ex1",
	    "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=DAILY;COUNT=6\n"
	    "EXDATE:20270302T100000Z\n"
	    "EXDATE:20270304T100000Z,20270305T100000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 3, 10, 0), utc(2027, 3, 3, 11, 0), B },
		{ utc(2027, 3, 6, 10, 0), utc(2027, 3, 6, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(exdate_dates_for_all_day_series)
{
	static const char text[] = CAL(EV("ex2",
	    "DTSTART;VALUE=DATE:20270301\nRRULE:FREQ=DAILY;COUNT=4\n"
	    "EXDATE;VALUE=DATE:20270302,20270303\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 2, 28, 23, 0), utc(2027, 3, 1, 23, 0), B },
		{ utc(2027, 3, 3, 23, 0), utc(2027, 3, 4, 23, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(exdate_in_utc_for_zoned_series)
{
	/* 08:00Z is 09:00 in Berlin: the same instant excludes it. */
	static const char text[] = CAL(EV("ex3",
	    "DTSTART;TZID=Europe/Berlin:20270301T090000\nDURATION:PT1H\n"
	    "RRULE:FREQ=WEEKLY;COUNT=3\nEXDATE:20270308T080000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 8, 0), utc(2027, 3, 1, 9, 0), B },
		{ utc(2027, 3, 15, 8, 0), utc(2027, 3, 15, 9, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- overrides ----------------------------------------------------------- */

#define WEEKLY3	"DTSTART:20270301T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n"

TEST(override_moves_an_instance)
{
	static const char text[] = CAL(
	    EV("ov1", WEEKLY3)
	    EV("ov1", "RECURRENCE-ID:20270308T100000Z\n"
	    "DTSTART:20270309T150000Z\nDTEND:20270309T170000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 9, 15, 0), utc(2027, 3, 9, 17, 0), B },
		{ utc(2027, 3, 15, 10, 0), utc(2027, 3, 15, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(override_moves_an_instance_into_the_window)
{
	/* The override comes first in the text; the master follows. */
	static const char text[] = CAL(
	    EV("ov2", "RECURRENCE-ID:20270301T100000Z\n"
	    "DTSTART:20270312T100000Z\nDTEND:20270312T110000Z\n")
	    EV("ov2", "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=WEEKLY;COUNT=2\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 12, 10, 0), utc(2027, 3, 12, 11, 0), B },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 10, 0, 0), utc(2027, 3, 20, 0, 0),
	    &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(override_moves_an_instance_out_of_the_window)
{
	static const char text[] = CAL(
	    EV("ov3", "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=WEEKLY;COUNT=2\n")
	    EV("ov3", "RECURRENCE-ID:20270308T100000Z\n"
	    "DTSTART:20270320T100000Z\nDTEND:20270320T110000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 1, 0, 0), utc(2027, 3, 10, 0, 0),
	    &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(cancelled_override_removes_the_instance)
{
	static const char text[] = CAL(
	    EV("ov4", WEEKLY3)
	    EV("ov4", "RECURRENCE-ID:20270308T100000Z\n"
	    "DTSTART:20270308T100000Z\nDURATION:PT1H\nSTATUS:CANCELLED\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 15, 10, 0), utc(2027, 3, 15, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(declined_override_frees_one_instance)
{
	static const char text[] = CAL(
	    EV("ov5", WEEKLY3 "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.org\n")
	    EV("ov5", "RECURRENCE-ID:20270315T100000Z\n"
	    "DTSTART:20270315T100000Z\nDURATION:PT1H\n"
	    "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.org\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 8, 10, 0), utc(2027, 3, 8, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(this_and_future_shifts_later_instances)
{
	/* From 15 March on: two hours later and half an hour longer. */
	static const char text[] = CAL(
	    EV("taf1", "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=WEEKLY;COUNT=5\n")
	    EV("taf1", "RECURRENCE-ID;RANGE=THISANDFUTURE:20270315T100000Z\n"
	    "DTSTART:20270315T120000Z\nDTEND:20270315T133000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 8, 10, 0), utc(2027, 3, 8, 11, 0), B },
		{ utc(2027, 3, 15, 12, 0), utc(2027, 3, 15, 13, 30), B },
		{ utc(2027, 3, 22, 12, 0), utc(2027, 3, 22, 13, 30), B },
		{ utc(2027, 3, 29, 12, 0), utc(2027, 3, 29, 13, 30), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(this_and_future_pulls_instances_into_the_window)
{
	/*
	 * Two days earlier from 15 March: the instance of 22 March, after the
	 * window's end, lands on 20 March inside it.
	 */
	static const char text[] = CAL(
	    EV("taf2", "DTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "RRULE:FREQ=WEEKLY;COUNT=5\n")
	    EV("taf2", "RECURRENCE-ID;RANGE=THISANDFUTURE:20270315T100000Z\n"
	    "DTSTART:20270313T100000Z\nDTEND:20270313T110000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 8, 10, 0), utc(2027, 3, 8, 11, 0), B },
		{ utc(2027, 3, 13, 10, 0), utc(2027, 3, 13, 11, 0), B },
		{ utc(2027, 3, 20, 10, 0), utc(2027, 3, 20, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, utc(2027, 3, 21, 0, 0), &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(override_without_master_stands_alone)
{
	static const char text[] = CAL(EV("lone",
	    "RECURRENCE-ID:20270301T100000Z\n"
	    "DTSTART:20270302T100000Z\nDTEND:20270302T110000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(all_day_override_by_date)
{
	static const char text[] = CAL(
	    EV("ad1", "DTSTART;VALUE=DATE:20270301\nRRULE:FREQ=DAILY;COUNT=3\n")
	    EV("ad1", "RECURRENCE-ID;VALUE=DATE:20270302\n"
	    "DTSTART;VALUE=DATE:20270310\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 2, 28, 23, 0), utc(2027, 3, 1, 23, 0), B },
		{ utc(2027, 3, 2, 23, 0), utc(2027, 3, 3, 23, 0), B },
		{ utc(2027, 3, 9, 23, 0), utc(2027, 3, 10, 23, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- free, busy or tentative --------------------------------------------- */

#define AT_10	"DTSTART:20270301T100000Z\nDURATION:PT1H\n"

TEST(transparent_is_free)
{
	static const char text[] = CAL(EV("tr1", AT_10 "TRANSP:TRANSPARENT\n"));
	struct busy_set	set = { NULL, 0, 0 };

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_NONE(&set);
	busy_set_free(&set);
}

TEST(cancelled_is_free)
{
	static const char text[] = CAL(
	    EV("c1", AT_10 "STATUS:CANCELLED\n")
	    EV("c2", AT_10 "RRULE:FREQ=DAILY;COUNT=5\nSTATUS:CANCELLED\n"));
	struct busy_set	set = { NULL, 0, 0 };

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_NONE(&set);
	busy_set_free(&set);
}

TEST(declined_by_owner_is_free)
{
	/* The owner matches case-insensitively; someone else declining does not count. */
	static const char text[] = CAL(
	    EV("dc1", AT_10 "ATTENDEE;PARTSTAT=DECLINED:MAILTO:Me@Example.ORG\n")
	    EV("dc2", "DTSTART:20270302T100000Z\nDURATION:PT1H\n"
	    "ATTENDEE;PARTSTAT=DECLINED:mailto:other@example.org\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.org\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(tentative_by_status_or_owner)
{
	static const char text[] = CAL(
	    EV("te1", AT_10 "STATUS:TENTATIVE\n")
	    EV("te2", "DTSTART:20270302T100000Z\nDURATION:PT1H\n"
	    "STATUS:CONFIRMED\n"
	    "ATTENDEE;PARTSTAT=TENTATIVE;CN=Me:mailto:me@example.org\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), T },
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), T },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(outlook_busy_status)
{
	/*
	 * X-MICROSOFT-CDO-BUSYSTATUS as TRANSP and STATUS: FREE frees, TENTATIVE
	 * is tentative, BUSY, OOF and a value not known block.  INTENDEDSTATUS
	 * (the organizer's, on an invitation) counts only without BUSYSTATUS.
	 */
	static const char text[] = CAL(
	    EV("free", AT_10 "X-MICROSOFT-CDO-BUSYSTATUS:FREE\n")
	    EV("tent", "DTSTART:20270302T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\n")
	    EV("busy", "DTSTART:20270303T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\n")
	    EV("oof", "DTSTART:20270304T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-BUSYSTATUS:OOF\n")
	    EV("else", "DTSTART:20270305T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE\n")
	    EV("ifree", "DTSTART:20270308T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-INTENDEDSTATUS:FREE\n")
	    EV("itent", "DTSTART:20270309T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-INTENDEDSTATUS:TENTATIVE\n")
	    EV("both", "DTSTART:20270310T100000Z\nDURATION:PT1H\n"
	    "X-MICROSOFT-CDO-INTENDEDSTATUS:FREE\n"
	    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), T },
		{ utc(2027, 3, 3, 10, 0), utc(2027, 3, 3, 11, 0), B },
		{ utc(2027, 3, 4, 10, 0), utc(2027, 3, 4, 11, 0), B },
		{ utc(2027, 3, 5, 10, 0), utc(2027, 3, 5, 11, 0), B },
		{ utc(2027, 3, 9, 10, 0), utc(2027, 3, 9, 11, 0), T },
		{ utc(2027, 3, 10, 10, 0), utc(2027, 3, 10, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(needs_action_stays_busy)
{
	static const char text[] = CAL(EV("na1",
	    AT_10 "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:me@example.org\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- free/busy and availability ------------------------------------------ */

TEST(vfreebusy_periods_and_types)
{
	static const char text[] = CAL(
	    "BEGIN:VFREEBUSY\nUID:fb1\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART:20270301T000000Z\nDTEND:20270308T000000Z\n"
	    "FREEBUSY:20270301T090000Z/20270301T100000Z,20270301T110000Z/PT30M\n"
	    "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270302T090000Z/PT1H\n"
	    "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20270303T000000Z/P1D\n"
	    "FREEBUSY;FBTYPE=FREE:20270304T090000Z/PT8H\n"
	    "FREEBUSY;FBTYPE=BUSY:20270305T090000Z/20270305T091500Z\n"
	    "END:VFREEBUSY\n");
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 9, 0), utc(2027, 3, 1, 10, 0), B },
		{ utc(2027, 3, 1, 11, 0), utc(2027, 3, 1, 11, 30), B },
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), T },
		{ utc(2027, 3, 3, 0, 0), utc(2027, 3, 4, 0, 0), U },
		{ utc(2027, 3, 5, 9, 0), utc(2027, 3, 5, 9, 15), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(bad_freebusy_period_is_reported_others_count)
{
	static const char text[] = CAL(
	    "BEGIN:VFREEBUSY\nUID:fb-bad\nDTSTAMP:20270101T000000Z\n"
	    "FREEBUSY:garbage\n"
	    "FREEBUSY:20270301T100000Z/20270301T090000Z\n"
	    "FREEBUSY:20270305T090000Z/PT1H\n"
	    "END:VFREEBUSY\n");
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 5, 9, 0), utc(2027, 3, 5, 10, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 2);
	ASSERT_CONTAINS(all_diag(d), "cal.ics: UID fb-bad: unreadable FREEBUSY: garbage");
	ASSERT_CONTAINS(all_diag(d), "cal.ics: UID fb-bad: FREEBUSY period ends before");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(availability_outside_available_is_unavailable)
{
	static const char text[] = CAL(
	    "BEGIN:VAVAILABILITY\nUID:av1\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART:20270301T000000Z\nDTEND:20270303T000000Z\n"
	    "BEGIN:AVAILABLE\nUID:av1-a\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART:20270301T080000Z\nDTEND:20270301T160000Z\n"
	    "RRULE:FREQ=DAILY\nEND:AVAILABLE\n"
	    "END:VAVAILABILITY\n");
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 0, 0), utc(2027, 3, 1, 8, 0), U },
		{ utc(2027, 3, 1, 16, 0), utc(2027, 3, 2, 8, 0), U },
		{ utc(2027, 3, 2, 16, 0), utc(2027, 3, 3, 0, 0), U },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(availability_without_range_covers_the_window)
{
	/* Working hours 09:00-17:00 Berlin (08:00-16:00Z in March). */
	static const char text[] = CAL(
	    "BEGIN:VAVAILABILITY\nUID:av2\nDTSTAMP:20270101T000000Z\n"
	    "BEGIN:AVAILABLE\nUID:av2-a\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART;TZID=Europe/Berlin:20270101T090000\n"
	    "DTEND;TZID=Europe/Berlin:20270101T170000\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\nEND:AVAILABLE\n"
	    "END:VAVAILABILITY\n");
	struct busy_set	set = { NULL, 0, 0 };
	/* Friday 5 March to Monday 8 March: a weekend between. */
	const struct busy want[] = {
		{ utc(2027, 3, 5, 0, 0), utc(2027, 3, 5, 8, 0), U },
		{ utc(2027, 3, 5, 16, 0), utc(2027, 3, 8, 8, 0), U },
		{ utc(2027, 3, 8, 16, 0), utc(2027, 3, 9, 0, 0), U },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 5, 0, 0), utc(2027, 3, 9, 0, 0),
	    &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(availability_priority_and_busytype)
{
	/*
	 * PRIORITY 1 (10:00-12:00, nothing available, BUSYTYPE:BUSY) wins
	 * over the undefined priority 0 that is available 08:00-16:00.
	 */
	static const char text[] = CAL(
	    "BEGIN:VAVAILABILITY\nUID:low\nDTSTAMP:20270101T000000Z\n"
	    "PRIORITY:0\n"
	    "BEGIN:AVAILABLE\nUID:low-a\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART:20270301T080000Z\nDTEND:20270301T160000Z\nEND:AVAILABLE\n"
	    "END:VAVAILABILITY\n"
	    "BEGIN:VAVAILABILITY\nUID:high\nDTSTAMP:20270101T000000Z\n"
	    "PRIORITY:1\nBUSYTYPE:BUSY\n"
	    "DTSTART:20270301T100000Z\nDTEND:20270301T120000Z\n"
	    "END:VAVAILABILITY\n");
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 0, 0), utc(2027, 3, 1, 8, 0), U },
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 12, 0), B },
		{ utc(2027, 3, 1, 16, 0), utc(2027, 3, 2, 0, 0), U },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 1, 0, 0), utc(2027, 3, 2, 0, 0),
	    &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(availability_equal_priority_pools_available_time)
{
	static const char text[] = CAL(
	    "BEGIN:VAVAILABILITY\nUID:am\nDTSTAMP:20270101T000000Z\n"
	    "BEGIN:AVAILABLE\nUID:am-a\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART:20270301T080000Z\nDTEND:20270301T120000Z\nEND:AVAILABLE\n"
	    "END:VAVAILABILITY\n"
	    "BEGIN:VAVAILABILITY\nUID:pm\nDTSTAMP:20270101T000000Z\n"
	    "BEGIN:AVAILABLE\nUID:pm-a\nDTSTAMP:20270101T000000Z\n"
	    "DTSTART:20270301T120000Z\nDTEND:20270301T160000Z\nEND:AVAILABLE\n"
	    "END:VAVAILABILITY\n");
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 0, 0), utc(2027, 3, 1, 8, 0), U },
		{ utc(2027, 3, 1, 16, 0), utc(2027, 3, 2, 0, 0), U },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 1, 0, 0), utc(2027, 3, 2, 0, 0),
	    &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- window and set ------------------------------------------------------ */

TEST(window_clips_and_drops)
{
	static const char text[] = CAL(
	    EV("w1", "DTSTART:20270310T110000Z\nDTEND:20270310T130000Z\n")
	    EV("w2", "DTSTART:20270311T110000Z\nDTEND:20270311T130000Z\n")
	    EV("w3", "DTSTART:20270309T110000Z\nDTEND:20270309T130000Z\n")
	    EV("w4", "DTSTART:20270312T110000Z\nDTEND:20270312T130000Z\n")
	    EV("w5", "DTSTART:20270310T100000Z\nDTEND:20270310T120000Z\n")
	    EV("w6", "DTSTART:20270311T120000Z\nDTEND:20270311T130000Z\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 10, 12, 0), utc(2027, 3, 10, 13, 0), B },
		{ utc(2027, 3, 11, 11, 0), utc(2027, 3, 11, 12, 0), B },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 10, 12, 0), utc(2027, 3, 11, 12, 0),
	    &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(appends_to_a_set)
{
	static const char text[] = CAL(EV("ap1", AT_10));
	struct busy_set	set = { NULL, 0, 0 };

	set.v = calloc(1, sizeof(*set.v));
	ASSERT_TRUE(set.v != NULL);
	set.cap = 1;
	set.n = 1;
	set.v[0].start = 1;
	set.v[0].end = 2;
	set.v[0].kind = T;
	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_EQ(set.n, 2);
	ASSERT_EQ(set.v[0].start, 1);
	ASSERT_EQ(set.v[1].start, utc(2027, 3, 1, 10, 0));
	busy_set_free(&set);
	ASSERT_TRUE(set.v == NULL && set.n == 0 && set.cap == 0);
	busy_set_free(&set);
	busy_set_free(NULL);
}

TEST(merge_overlapping_and_touching_per_kind)
{
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy in[] = {
		{ 40, 50, B }, { 15, 25, B }, { 12, 18, T }, { 10, 20, B },
		{ 25, 30, B }, { 18, 22, T }, { 5, 8, U }, { 8, 9, B },
	};
	const struct busy want[] = {
		{ 5, 8, U }, { 8, 9, B }, { 10, 30, B }, { 12, 22, T },
		{ 40, 50, B },
	};

	set.v = malloc(sizeof(in));
	ASSERT_TRUE(set.v != NULL);
	memcpy(set.v, in, sizeof(in));
	set.n = set.cap = TANDEM_NELEM(in);
	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(merge_contained_duplicates_and_small_sets)
{
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy in[] = {
		{ 100, 200, B }, { 0, 300, B }, { 0, 300, B }, { 300, 301, T },
	};
	const struct busy want[] = { { 0, 300, B }, { 300, 301, T } };
	const struct busy one[] = { { 7, 9, U } };

	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_NONE(&set);
	set.v = malloc(sizeof(in));
	ASSERT_TRUE(set.v != NULL);
	memcpy(set.v, in, sizeof(in));
	set.n = set.cap = TANDEM_NELEM(in);
	ASSERT_EQ(busy_merge(&set), 0);
	/* The merged set is ordered by start without help. */
	ASSERT_EQ(set.v[0].start, 0);
	ASSERT_EQ(set.v[1].start, 300);
	ASSERT_SET(&set, want);
	set.v[0] = one[0];
	set.n = 1;
	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_SET(&set, one);
	busy_set_free(&set);
}

TEST(merge_after_reading)
{
	/* Back-to-back meetings become one busy block; tentative stays apart. */
	static const char text[] = CAL(
	    EV("m1", "DTSTART:20270301T090000Z\nDTEND:20270301T100000Z\n")
	    EV("m2", "DTSTART:20270301T100000Z\nDTEND:20270301T110000Z\n")
	    EV("m3", "DTSTART:20270301T103000Z\nDTEND:20270301T120000Z\n"
	    "STATUS:TENTATIVE\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 9, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 1, 10, 30), utc(2027, 3, 1, 12, 0), T },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- real exports --------------------------------------------------------- */

TEST(outlook_export)
{
	/*
	 * CRLF, a Windows zone name with its VTIMEZONE (rules from 1601), the
	 * TZID quoted and not, X-MICROSOFT busy status, a moved instance.
	 */
	char			*text = fixture("outlook.ics");
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 22, 8, 0), utc(2027, 3, 22, 8, 30), B },
		{ utc(2027, 3, 29, 12, 0), utc(2027, 3, 29, 12, 30), B },
		{ utc(2027, 3, 31, 13, 0), utc(2027, 3, 31, 14, 0), T },
		{ utc(2027, 4, 4, 22, 0), utc(2027, 4, 6, 22, 0), B },
		{ utc(2027, 4, 5, 7, 0), utc(2027, 4, 5, 7, 30), B },
		{ utc(2027, 4, 12, 7, 0), utc(2027, 4, 12, 7, 30), B },
	};

	ASSERT_TRUE(strstr(text, "\r\n") != NULL);
	ASSERT_EQ(scan(text, utc(2027, 3, 1, 0, 0), utc(2027, 5, 1, 0, 0), &set,
	    d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&set);
	tandem_diag_free(d);
	free(text);
}

TEST(google_export)
{
	/*
	 * X-WR-TIMEZONE, UNTIL one second before the last instance,
	 * EXDATE;TZID, a moved instance, transparent all-day, a declined
	 * and a tentative invitation.
	 */
	char			*text = fixture("google.ics");
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 10, 13, 0), utc(2027, 3, 10, 14, 0), B },
		{ utc(2027, 3, 12, 15, 0), utc(2027, 3, 12, 15, 30), T },
		{ utc(2027, 3, 17, 8, 0), utc(2027, 3, 17, 9, 0), B },
		{ utc(2027, 3, 28, 22, 0), utc(2027, 3, 29, 22, 0), B },
		{ utc(2027, 3, 31, 7, 0), utc(2027, 3, 31, 8, 0), B },
		{ utc(2027, 4, 7, 9, 0), utc(2027, 4, 7, 10, 0), B },
		{ utc(2027, 4, 14, 7, 0), utc(2027, 4, 14, 8, 0), B },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 1, 0, 0), utc(2027, 5, 1, 0, 0), &set,
	    d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&set);
	tandem_diag_free(d);
	free(text);
}

TEST(crlf_and_lf_read_alike)
{
	static const char crlf[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "BEGIN:VEVENT\r\nUID:nl\r\nDTSTART;TZID=Europe/Berlin:20270301T090000\r\n"
	    "DESCRIPTION:folded across\r\n  two lines\r\n"
	    "DURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n";
	static const char lf[] = "BEGIN:VCALENDAR\nVERSION:2.0\n"
	    "BEGIN:VEVENT\nUID:nl\nDTSTART;TZID=Europe/Berlin:20270301T090000\n"
	    "DESCRIPTION:folded across\n  two lines\n"
	    "DURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=2\nEND:VEVENT\n"
	    "END:VCALENDAR\n";
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 8, 0), utc(2027, 3, 1, 9, 0), B },
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 0), B },
	};

	ASSERT_EQ(scan(crlf, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	set.n = 0;
	ASSERT_EQ(scan(lf, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(several_calendars_in_one_text)
{
	/* A CalDAV answer: one VCALENDAR per object, each with its overrides. */
	static const char text[] =
	    CAL(EV("s1", WEEKLY3)
	    EV("s1", "RECURRENCE-ID:20270308T100000Z\nDTSTART:20270308T140000Z\n"
	    "DURATION:PT1H\n"))
	    CAL(EV("s2", "DTSTART:20270302T100000Z\nDURATION:PT1H\n"));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), B },
		{ utc(2027, 3, 8, 14, 0), utc(2027, 3, 8, 15, 0), B },
		{ utc(2027, 3, 15, 10, 0), utc(2027, 3, 15, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(byte_order_mark_is_skipped)
{
	static const char text[] = "\xEF\xBB\xBF" CAL(EV("bom", AT_10));
	struct busy_set	set = { NULL, 0, 0 };
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, NULL), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- damaged input -------------------------------------------------------- */

TEST(damaged_components_are_reported_and_skipped)
{
	static const char text[] = CAL(
	    EV("nostart", "DTEND:20270301T100000Z\n")
	    EV("backwards", "DTSTART:20270301T100000Z\nDTEND:20270301T090000Z\n")
	    EV("baddate", "DTSTART:20271340T250000Z\nDURATION:PT1H\n")
	    EV("garbage", "DTSTART:garbage\nDURATION:PT1H\n")
	    EV("badrule", AT_10 "RRULE:FREQ=FOO\n")
	    EV("badtz", "DTSTART;TZID=Mars/Olympus_Mons:20270301T100000\n"
	    "DURATION:PT1H\n")
	    EV("badex", AT_10 "RRULE:FREQ=DAILY;COUNT=3\n"
	    "EXDATE:20270302T100000Z,nonsense\n")
	    EV("good", "DTSTART:20270305T100000Z\nDURATION:PT1H\n")
	    "BEGIN:VEVENT\nSUMMARY:no uid and no start\nEND:VEVENT\n");
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 1, 9, 0), utc(2027, 3, 1, 10, 0), B },	/* badtz */
		{ utc(2027, 3, 5, 10, 0), utc(2027, 3, 5, 11, 0), B },
	};
	const char		*all;

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	all = all_diag(d);
	ASSERT_EQ(tandem_diag_count(d), 8);
	ASSERT_CONTAINS(all, "cal.ics: UID nostart: no DTSTART\n");
	ASSERT_CONTAINS(all, "cal.ics: UID backwards: DTEND before DTSTART\n");
	ASSERT_CONTAINS(all, "cal.ics: UID baddate: unreadable DTSTART\n");
	ASSERT_CONTAINS(all, "cal.ics: UID garbage: unreadable DTSTART: garbage\n");
	ASSERT_CONTAINS(all, "cal.ics: UID badrule: unreadable RRULE: FREQ=FOO\n");
	ASSERT_CONTAINS(all, "cal.ics: UID badtz: unknown TZID \"Mars/Olympus_Mons\" in DTSTART: read in Europe/Berlin");
	ASSERT_CONTAINS(all, "cal.ics: UID badex: unreadable EXDATE: nonsense\n");
	ASSERT_CONTAINS(all, "cal.ics: event 9: no DTSTART\n");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(not_icalendar_adds_nothing)
{
	static const char text[] = "<html><body>502 Bad Gateway</body></html>\n";
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy	 before[] = { { 1, 2, B } };

	set.v = malloc(sizeof(before));
	ASSERT_TRUE(set.v != NULL);
	memcpy(set.v, before, sizeof(before));
	set.n = set.cap = 1;
	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), TANDEM_EPARSE);
	ASSERT_SET(&set, before);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "cal.ics: not iCalendar");
	/* A lone VEVENT is not a calendar either. */
	ASSERT_EQ(scan(EV("lone", AT_10), Y2027, Y2028, &set, d), TANDEM_EPARSE);
	ASSERT_SET(&set, before);
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(empty_text_is_not_icalendar)
{
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	struct busy_req		 req;

	ASSERT_EQ(scan("", Y2027, Y2028, &set, d), TANDEM_EPARSE);
	ASSERT_EQ(scan("\n\n", Y2027, Y2028, &set, d), TANDEM_EPARSE);
	ASSERT_NONE(&set);
	ASSERT_EQ(tandem_diag_count(d), 2);
	memset(&req, 0, sizeof(req));
	ASSERT_EQ(busy_from_ical(&req, NULL, &set, d), TANDEM_EINVAL);
	ASSERT_EQ(busy_from_ical(NULL, "", &set, d), TANDEM_EINVAL);
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(truncated_text_keeps_what_came_before)
{
	static const char text[] = "BEGIN:VCALENDAR\nVERSION:2.0\n"
	    EV("whole", AT_10)
	    "BEGIN:VEVENT\nUID:cut\nDTSTART:20270302T100000Z\nDTEND:2027030";
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 2);
	ASSERT_CONTAINS(all_diag(d), "cal.ics: truncated");
	ASSERT_CONTAINS(all_diag(d), "cal.ics: UID cut: ");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(runaway_rule_is_cut_and_the_rest_is_busy)
{
	/*
	 * COUNT counts from DTSTART, so the rule is walked from January: cut at
	 * 100000 instances (January 2nd), what it did not cover of the window
	 * is busy, never free.
	 */
	static const char text[] = CAL(
	    EV("runaway", "DTSTART:20270101T000000Z\nDURATION:PT1S\n"
	    "RRULE:FREQ=SECONDLY;COUNT=1000000000\n")
	    EV("fine", AT_10));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 1, 0, 0), utc(2027, 3, 2, 0, 0), B },
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
	};

	ASSERT_EQ(scan(text, utc(2027, 3, 1, 0, 0), utc(2027, 3, 2, 0, 0), &set,
	    d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 1);
	/* Cut by count (~0.3 s here), or by time under valgrind: busy alike. */
	ASSERT_CONTAINS(all_diag(d), "cal.ics: UID runaway: ");
	ASSERT_CONTAINS(all_diag(d), ": taken as busy from Mon 2027-03-01 00:00 "
	    "UTC to the end of the window");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(endless_secondly_rule_leaves_nobody_free)
{
	/*
	 * No end: walked from the window's start, 100000 one-second instances
	 * cover 27 h 46 min 40 s of it, and the rest is busy.  Before, the
	 * person was free after the first day.
	 */
	static const char text[] = CAL(
	    EV("endless", "DTSTART:20260101T000000Z\nDURATION:PT1S\n"
	    "RRULE:FREQ=SECONDLY\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	int64_t			 from = utc(2027, 3, 1, 0, 0), to = utc(2027, 3, 4, 0, 0);

	ASSERT_EQ(scan(text, from, to, &set, d), 0);
	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_EQ(set.n, 1);
	ASSERT_EQ(set.v[0].start, from);
	ASSERT_EQ(set.v[0].end, to);
	/* Cut by count, or by time under valgrind: busy alike. */
	ASSERT_CONTAINS(all_diag(d), "UID endless: ");
	ASSERT_CONTAINS(all_diag(d), ": taken as busy from");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(a_year_typed_1010_costs_nothing_and_blocks_the_window)
{
	/*
	 * All day from 1010 to 2020, monthly: every instance lasts a thousand
	 * years.  It took over a minute (each instance's end read on the
	 * zone's clock in year 2500 and beyond); the first instance over the
	 * whole window now ends the walk.
	 */
	static const char text[] = CAL(
	    EV("typo", "DTSTART;VALUE=DATE:10100301\nDTEND;VALUE=DATE:20200302\n"
	    "RRULE:FREQ=MONTHLY\n")
	    EV("fine", AT_10));
	struct busy_set		 set = { NULL, 0, 0 };
	int64_t			 from = utc(2027, 3, 1, 0, 0), to = utc(2027, 4, 1, 0, 0);

	ASSERT_EQ(scan(text, from, to, &set, NULL), 0);
	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_EQ(set.n, 1);
	ASSERT_EQ(set.v[0].start, from);
	ASSERT_EQ(set.v[0].end, to);
	busy_set_free(&set);
}

TEST(hostile_vtimezone_is_refused)
{
	/* Expanding a secondly rule from 1601 would never finish. */
	static const char text[] = CAL(
	    "BEGIN:VTIMEZONE\nTZID:Evil/Zone\nBEGIN:STANDARD\n"
	    "DTSTART:16010101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\n"
	    "RRULE:FREQ=SECONDLY\nEND:STANDARD\nEND:VTIMEZONE\n"
	    EV("evil", "DTSTART;TZID=Evil/Zone:20270301T100000\nDURATION:PT1H\n")
	    EV("evil2", "DTSTART;TZID=Evil/Zone:20270302T100000\nDURATION:PT1H\n"));
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();

	/* Refused, so read on the owner's clock (Berlin, +01:00), said once. */
	const struct busy want[] = {
		{ utc(2027, 3, 1, 9, 0), utc(2027, 3, 1, 10, 0), B },
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
	};

	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 1);
	ASSERT_CONTAINS(all_diag(d), "UID evil: unknown TZID \"Evil/Zone\"");
	busy_set_free(&set);
	tandem_diag_free(d);
}

TEST(garbage_lines_do_not_hide_events)
{
	char			 line[6000];
	char			*text;
	struct busy_set		 set = { NULL, 0, 0 };
	struct tandem_diag	*d = tandem_diag_new();
	const struct busy want[] = {
		{ utc(2027, 3, 1, 10, 0), utc(2027, 3, 1, 11, 0), B },
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), B },
	};
	int			 n;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	n = asprintf(&text, "END:VEVENT\nnoise before the calendar\n"
	    "BEGIN:VCALENDAR\nVERSION:2.0\n%s\n;;;\n:\n"
	    "BEGIN:VEVENT\nUID:g1\nDESCRIPTION:a line whose fold\nlost its space\n"
	    "X-LONG:%s\nDTSTART:20270301T100000Z\nDURATION:PT1H\n"
	    "ATTENDEE;PARTSTAT=WHATEVER;X-=:mailto:me@example.org\n"
	    "END :VEVENT\n"
	    "BEGIN:VEVENT\nUID:g2\nDTSTART:20270302T100000Z\nDTEND;VALUE=FOO:"
	    "20270302T110000Z\nEND\t:VEVENT\n"
	    "END:VCALENDAR\nEND:VCALENDAR\ntrailing noise\n", line, line);
	ASSERT_TRUE(n > 0);
	ASSERT_EQ(scan(text, Y2027, Y2028, &set, d), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(tandem_diag_count(d), 0);
	busy_set_free(&set);
	tandem_diag_free(d);
	free(text);
}

TEST(many_tzids_resolve_alike)
{
	/* One zone, many events: each uses the cached zone, all convert alike. */
	char			*text = NULL, *p;
	struct busy_set		 set = { NULL, 0, 0 };
	size_t			 i, len = 0;
	FILE			*f = open_memstream(&text, &len);

	ASSERT_TRUE(f != NULL);
	fputs("BEGIN:VCALENDAR\nVERSION:2.0\n", f);
	for (i = 0; i < 500; i++)
		fprintf(f, "BEGIN:VEVENT\nUID:e%zu\n"
		    "DTSTART;TZID=Europe/Berlin:202707%02zuT090000\n"
		    "DURATION:PT1H\nEND:VEVENT\n", i, i % 28 + 1);
	fputs("END:VCALENDAR\n", f);
	ASSERT_EQ(fclose(f), 0);
	p = text;
	ASSERT_EQ(scan(p, Y2027, Y2028, &set, NULL), 0);
	ASSERT_EQ(set.n, 500);
	ASSERT_EQ(busy_merge(&set), 0);
	ASSERT_EQ(set.n, 28);
	for (i = 0; i < set.n; i++) {
		ASSERT_EQ(set.v[i].start, utc(2027, 7, (int)i + 1, 7, 0));
		ASSERT_EQ(set.v[i].end, utc(2027, 7, (int)i + 1, 8, 0));
	}
	busy_set_free(&set);
	free(text);
}

TT_MAIN(
	CASE(utc_times),
	CASE(duration_exact_and_nominal),
	CASE(datetime_without_end_lasts_nothing),
	CASE(all_day_one_day),
	CASE(all_day_exclusive_end_across_dst),
	CASE(floating_time_in_request_zone),
	CASE(tzid_builtin_zone),
	CASE(tzid_embedded_vtimezone),
	CASE(tzid_builtin_preferred_to_embedded),
	CASE(tzid_unknown_in_one_calendar_known_in_the_next),
	CASE(tzid_unknown_is_read_in_the_owners_zone_never_skipped),
	CASE(windows_zone_names_without_vtimezone),
	CASE(embedded_vtimezone_of_a_windows_name_is_honoured),
	CASE(utc_end_for_zoned_start),
	CASE(spring_gap_and_autumn_repeat),
	CASE(rrule_count_interval),
	CASE(berlin_weekly_across_spring_change),
	CASE(until_keeps_the_instance_after_a_spring_gap_start),
	CASE(until_reads_a_repeated_hour_as_its_first_occurrence),
	CASE(until_as_a_date_and_as_floating_time),
	CASE(berlin_weekly_across_autumn_change),
	CASE(new_york_weekly_across_both_changes),
	CASE(until_in_utc_includes_last_instance),
	CASE(dtstart_off_rule_still_counts),
	CASE(rule_that_never_matches_keeps_dtstart),
	CASE(rdate_date_times),
	CASE(rdate_periods_keep_their_length),
	CASE(rdate_dates_for_all_day),
	CASE(exdate_lines_and_lists),
	CASE(exdate_dates_for_all_day_series),
	CASE(exdate_in_utc_for_zoned_series),
	CASE(override_moves_an_instance),
	CASE(override_moves_an_instance_into_the_window),
	CASE(override_moves_an_instance_out_of_the_window),
	CASE(cancelled_override_removes_the_instance),
	CASE(declined_override_frees_one_instance),
	CASE(this_and_future_shifts_later_instances),
	CASE(this_and_future_pulls_instances_into_the_window),
	CASE(override_without_master_stands_alone),
	CASE(all_day_override_by_date),
	CASE(transparent_is_free),
	CASE(cancelled_is_free),
	CASE(declined_by_owner_is_free),
	CASE(tentative_by_status_or_owner),
	CASE(needs_action_stays_busy),
	CASE(outlook_busy_status),
	CASE(vfreebusy_periods_and_types),
	CASE(bad_freebusy_period_is_reported_others_count),
	CASE(availability_outside_available_is_unavailable),
	CASE(availability_without_range_covers_the_window),
	CASE(availability_priority_and_busytype),
	CASE(availability_equal_priority_pools_available_time),
	CASE(window_clips_and_drops),
	CASE(appends_to_a_set),
	CASE(merge_overlapping_and_touching_per_kind),
	CASE(merge_contained_duplicates_and_small_sets),
	CASE(merge_after_reading),
	CASE(outlook_export),
	CASE(google_export),
	CASE(crlf_and_lf_read_alike),
	CASE(several_calendars_in_one_text),
	CASE(byte_order_mark_is_skipped),
	CASE(damaged_components_are_reported_and_skipped),
	CASE(not_icalendar_adds_nothing),
	CASE(empty_text_is_not_icalendar),
	CASE(truncated_text_keeps_what_came_before),
	CASE(runaway_rule_is_cut_and_the_rest_is_busy),
	CASE(endless_secondly_rule_leaves_nobody_free),
	CASE(a_year_typed_1010_costs_nothing_and_blocks_the_window),
	CASE(hostile_vtimezone_is_refused),
	CASE(garbage_lines_do_not_hide_events),
	CASE(many_tzids_resolve_alike)
)
