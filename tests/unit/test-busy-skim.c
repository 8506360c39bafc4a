/*
 * The skim before the parse (lib/busy_skim.c): what it drops, what it must
 * keep, and that neither it nor starting a rule's walk near the window
 * (busy_expand.c) changes the busy time of a window: for many
 * windows, busy_from_ical() on the window equals the busy time of the whole
 * year clipped to the window (80 random windows per calendar).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "busy-int.h"

#define CAL(body)	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" \
			body "END:VCALENDAR\r\n"
#define EV(uid, body)	"BEGIN:VEVENT\r\nUID:" uid "\r\n" body "END:VEVENT\r\n"

static int64_t
day(int y, int m, int d)
{
	return (int64_t)civil_days(y, m, d) * 86400;
}

/* The skimmed text for a window of March 2027 (the text itself if unchanged). */
static char *
skim_march(const char *text)
{
	char	*out = NULL;

	ASSERT_EQ(busy_skim(text, day(2027, 3, 1), day(2027, 4, 1), "me@x.example",
	    &out), 0);
	return out != NULL ? out : strdup(text);
}

TEST(drops_single_events_far_outside_the_window_only)
{
	static const char text[] = CAL(
	    EV("before", "DTSTART:20270110T090000Z\r\nDTEND:20270110T100000Z\r\n")
	    EV("inside", "DTSTART;TZID=Europe/Berlin:20270310T090000\r\n"
	    "DTEND;TZID=Europe/Berlin:20270310T100000\r\n")
	    EV("after", "DTSTART;VALUE=DATE:20270601\r\n")
	    EV("edge", "DTSTART:20270227T230000Z\r\nDURATION:PT2H\r\n")
	    EV("long", "DTSTART;VALUE=DATE:20270201\r\nDURATION:P4W\r\n")
	    EV("ends-in", "DTSTART:20270201T090000Z\r\nDTEND:20270302T090000Z\r\n"));
	char	*s = skim_march(text);

	ASSERT_TRUE(strstr(s, "UID:before") == NULL);
	ASSERT_TRUE(strstr(s, "UID:after") == NULL);
	ASSERT_CONTAINS(s, "UID:inside");
	ASSERT_CONTAINS(s, "UID:edge");		/* within the two-day margin */
	ASSERT_CONTAINS(s, "UID:long");		/* 4 weeks reach March 1 */
	ASSERT_CONTAINS(s, "UID:ends-in");
	ASSERT_CONTAINS(s, "END:VCALENDAR\r\n");
	free(s);
}

TEST(keeps_series_overrides_and_anything_unclear)
{
	static const char text[] = CAL(
	    EV("rule", "DTSTART:20260105T090000Z\r\nDURATION:PT1H\r\n"
	    "RRULE:FREQ=WEEKLY\r\n")
	    EV("rdate", "DTSTART:20260105T090000Z\r\nRDATE:20270310T090000Z\r\n")
	    EV("rule", "RECURRENCE-ID:20260112T090000Z\r\n"
	    "DTSTART:20260113T090000Z\r\nDURATION:PT1H\r\n")
	    EV("folded", "DTSTART;TZID=Europe/Berlin:2026\r\n 0110T090000\r\n")
	    EV("nostart", "SUMMARY:what\r\n")
	    EV("odd", "DTSTART:tomorrow\r\n")
	    EV("alarm", "DTSTART:20260110T090000Z\r\nBEGIN:VALARM\r\n"
	    "TRIGGER:-PT15M\r\nEND:VALARM\r\n"));
	char	*s = skim_march(text);

	ASSERT_CONTAINS(s, "RRULE:FREQ=WEEKLY");
	ASSERT_CONTAINS(s, "UID:rdate");
	ASSERT_CONTAINS(s, "RECURRENCE-ID:20260112T090000Z");
	ASSERT_CONTAINS(s, "UID:folded");
	ASSERT_CONTAINS(s, "UID:nostart");
	ASSERT_CONTAINS(s, "UID:odd");
	ASSERT_TRUE(strstr(s, "UID:alarm") == NULL);	/* its alarm goes too */
	ASSERT_TRUE(strstr(s, "TRIGGER") == NULL);
	free(s);
}

TEST(drops_todos_and_journals_keeps_other_components)
{
	static const char text[] = CAL(
	    "BEGIN:VTODO\r\nUID:t\r\nDUE:20270310T090000Z\r\nEND:VTODO\r\n"
	    "BEGIN:VJOURNAL\r\nUID:j\r\nEND:VJOURNAL\r\n"
	    "BEGIN:VFREEBUSY\r\nFREEBUSY:20270101T090000Z/PT1H\r\nEND:VFREEBUSY\r\n"
	    "BEGIN:VTIMEZONE\r\nTZID:X\r\nEND:VTIMEZONE\r\n");
	char	*s = skim_march(text);

	ASSERT_TRUE(strstr(s, "VTODO") == NULL);
	ASSERT_TRUE(strstr(s, "VJOURNAL") == NULL);
	ASSERT_CONTAINS(s, "FREEBUSY:20270101T090000Z/PT1H");
	ASSERT_CONTAINS(s, "TZID:X");
	free(s);
}

TEST(a_truncated_event_is_left_for_the_parser)
{
	static const char text[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    EV("gone", "DTSTART:20260110T090000Z\r\n")
	    "BEGIN:VEVENT\r\nUID:cut\r\nDTSTART:20260110T090000Z\r\n";
	char	*s = skim_march(text);

	ASSERT_TRUE(strstr(s, "UID:gone") == NULL);
	ASSERT_CONTAINS(s, "UID:cut\r\nDTSTART:20260110T090000Z\r\n");
	free(s);
}

TEST(kept_events_lose_what_the_busy_layer_never_reads)
{
	static const char text[] = CAL(
	    EV("m", "DTSTART:20270310T090000Z\r\nDTEND:20270310T100000Z\r\n"
	    "SUMMARY:Board\r\nDESCRIPTION:a long agenda\r\n  folded on\r\n"
	    "X-ALT-DESC;FMTTYPE=text/html:<p>agenda</p>\r\n"
	    "ATTENDEE;CN=Other:mailto:other@x.example\r\n"
	    "ATTENDEE;PARTSTAT=DECLINED;CN=Me:mailto:m\r\n e@x.example\r\n"
	    "TRANSP:OPAQUE\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n"
	    "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n"
	    "STATUS:CONFIRMED\r\n"));
	char	*s = skim_march(text);

	ASSERT_STR_EQ(s, CAL(EV("m", "DTSTART:20270310T090000Z\r\n"
	    "DTEND:20270310T100000Z\r\n"
	    "ATTENDEE;PARTSTAT=DECLINED;CN=Me:mailto:m\r\n e@x.example\r\n"
	    "TRANSP:OPAQUE\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n"
	    "STATUS:CONFIRMED\r\n")));
	free(s);
}

TEST(an_event_the_owner_declined_stays_free_through_the_skim)
{
	static const char text[] = CAL(
	    EV("d", "DTSTART:20270310T090000Z\r\nDTEND:20270310T100000Z\r\n"
	    "DESCRIPTION:x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.example\r\n"
	    "ATTENDEE;PARTSTAT=DECLINED:mailto:ME@x.\r\n example\r\n")
	    EV("b", "DTSTART:20270311T090000Z\r\nDTEND:20270311T100000Z\r\n"
	    "ATTENDEE;PARTSTAT=DECLINED:mailto:a@x.example\r\n"));
	struct busy_req	r;
	struct busy_set	set = { NULL, 0, 0 };

	memset(&r, 0, sizeof(r));
	r.source = "d.ics";
	r.owner = "me@x.example";
	r.from = day(2027, 3, 1);
	r.to = day(2027, 4, 1);
	ASSERT_EQ(busy_from_ical(&r, text, &set, NULL), 0);
	ASSERT_EQ(set.n, 1);		/* only b, which someone else declined */
	ASSERT_EQ(set.v[0].start, day(2027, 3, 11) + 9 * 3600);
	busy_set_free(&set);
}

/* --- the busy time of a window does not change ----------------------------- */

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static unsigned
pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/*
 * Recurring series that began in 2026, for the walk that starts near the
 * window (busy_expand.c skip_ahead): intervals, BYDAY with ordinals,
 * month ends, UNTIL, EXDATE, a moved instance and a THISANDFUTURE move,
 * in zones with and without DST, floating and all-day.
 */
static size_t
series(char *t, size_t cap)
{
	static const char *const rules[] = {
	    "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
	    "FREQ=WEEKLY;INTERVAL=3", "FREQ=DAILY;INTERVAL=5",
	    "FREQ=MONTHLY;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=-1FR",
	    "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY",
	    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20270915T000000Z",
	    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" };
	static const char *const zones[] = { "Europe/Berlin", "America/New_York",
	    "Pacific/Kiritimati", NULL };
	size_t	n = 0;
	int	i, y, m, d, h;

	for (i = 0; i < 40; i++) {
		const char *z = zones[pick(4)];
		char start[80];

		civil_from_days(civil_days(2026, 1, 5) + (int32_t)pick(300), &y, &m, &d);
		h = 7 + (int)pick(12);
		if (i % 10 == 9)
			snprintf(start, sizeof(start), ";VALUE=DATE:%04d%02d%02d", y, m, d);
		else if (z == NULL)
			snprintf(start, sizeof(start), ":%04d%02d%02dT%02d1500", y, m, d, h);
		else
			snprintf(start, sizeof(start), ";TZID=%s:%04d%02d%02dT%02d1500", z,
			    y, m, d, h);
		n += (size_t)snprintf(t + n, cap - n, "BEGIN:VEVENT\r\nUID:s%d\r\n"
		    "DTSTART%s\r\nDURATION:%s\r\nRRULE:%s\r\n", i, start,
		    i % 10 == 9 ? "P1D" : "PT50M", rules[i % 10]);
		if (i % 3 == 0 && i % 10 != 9)
			n += (size_t)snprintf(t + n, cap - n, "EXDATE%s\r\n", start);
		n += (size_t)snprintf(t + n, cap - n, "END:VEVENT\r\n");
		if (i % 4 == 1 && z != NULL && i % 10 != 9)	/* the first instance moved */
			n += (size_t)snprintf(t + n, cap - n, "BEGIN:VEVENT\r\nUID:s%d\r\n"
			    "RECURRENCE-ID;TZID=%s:%04d%02d%02dT%02d1500\r\n"
			    "DTSTART;TZID=%s:%04d%02d%02dT%02d0000\r\nDURATION:PT2H\r\n"
			    "END:VEVENT\r\n", i, z, y, m, d, h, z, y, m, d, h + 3);
		if (i % 7 == 2 && z != NULL && i % 10 != 9)	/* all moved an hour on */
			n += (size_t)snprintf(t + n, cap - n, "BEGIN:VEVENT\r\nUID:s%d\r\n"
			    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=%s:%04d%02d%02dT%02d1500\r\n"
			    "DTSTART;TZID=%s:%04d%02d%02dT%02d1500\r\nDURATION:PT50M\r\n"
			    "END:VEVENT\r\n", i, z, y, m, d, h, z, y, m, d, h + 1);
	}
	return n;
}

/* A year of single events in zones from UTC-11 to UTC+14, timed and all-day. */
static char *
year_of_events(void)
{
	static const char *const zones[] = { "Pacific/Kiritimati", "Pacific/Pago_Pago",
	    "Europe/Berlin", "America/New_York", "Asia/Kolkata" };
	size_t	cap = 1 << 20, n = 0;
	char	*t = malloc(cap);
	int	i, y, m, d, h;

	ASSERT_TRUE(t != NULL);
	n += (size_t)snprintf(t + n, cap - n, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	for (i = 0; i < 600; i++) {
		civil_from_days(civil_days(2027, 1, 1) + (int32_t)pick(365), &y, &m, &d);
		h = (int)pick(24);
		n += (size_t)snprintf(t + n, cap - n, "BEGIN:VEVENT\r\nUID:e%d\r\n", i);
		switch (pick(5)) {
		case 0:
			n += (size_t)snprintf(t + n, cap - n, "DTSTART;VALUE=DATE:%04d%02d%02d\r\n"
			    "DURATION:P%uD\r\n", y, m, d, 1 + pick(9));
			break;
		case 1:
			n += (size_t)snprintf(t + n, cap - n, "DTSTART:%04d%02d%02dT%02d3000Z\r\n"
			    "DURATION:PT%uH\r\n", y, m, d, h, 1 + pick(60));
			break;
		case 2:
			n += (size_t)snprintf(t + n, cap - n, "DTSTART:%04d%02d%02dT%02d0000\r\n",
			    y, m, d, h);	/* floating, no end */
			break;
		default:
			n += (size_t)snprintf(t + n, cap - n, "DTSTART;TZID=%s:%04d%02d%02dT%02d0000\r\n"
			    "DTEND;TZID=%s:%04d%02d%02dT%02d4500\r\n", zones[pick(5)], y, m, d,
			    h, zones[0], y, m, d, h);
			break;
		}
		n += (size_t)snprintf(t + n, cap - n, "END:VEVENT\r\n");
	}
	n += series(t + n, cap - n);
	n += (size_t)snprintf(t + n, cap - n, "END:VCALENDAR\r\n");
	ASSERT_TRUE(n < cap);
	return t;
}

static void
busy_of(const char *text, int64_t from, int64_t to, struct busy_set *set)
{
	struct busy_req	r;

	memset(&r, 0, sizeof(r));
	r.source = "year.ics";
	r.floating = icaltimezone_get_builtin_timezone("Pacific/Kiritimati");
	r.from = from;
	r.to = to;
	memset(set, 0, sizeof(*set));
	ASSERT_EQ(busy_from_ical(&r, text, set, NULL), 0);
	ASSERT_EQ(busy_merge(set), 0);
}

/* The whole year's busy time clipped to [from, to), merged as busy_merge does. */
static void
clip(const struct busy_set *all, int64_t from, int64_t to, struct busy_set *out)
{
	size_t	i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < all->n; i++) {
		int64_t a = all->v[i].start < from ? from : all->v[i].start;
		int64_t b = all->v[i].end > to ? to : all->v[i].end;

		if (a < b)
			ASSERT_EQ(busy_expand_add(out, a, b, all->v[i].kind), 0);
	}
	ASSERT_EQ(busy_merge(out), 0);
}

static void
same_in_every_window(const char *text)
{
	struct busy_set	all, got, want;
	int64_t		from, to;
	size_t		i;
	int		k;

	/* From before every DTSTART: the reference walks every rule from it. */
	busy_of(text, day(2025, 12, 1), day(2028, 2, 1), &all);
	for (k = 0; k < 80; k++) {
		from = day(2027, 1, 1) + (int64_t)pick(365 * 24) * 3600;
		to = from + (int64_t)(1 + pick(14 * 24)) * 3600;
		busy_of(text, from, to, &got);
		clip(&all, from, to, &want);
		if (got.n != want.n)
			TT_FAIL("window %lld-%lld: %zu intervals, want %zu",
			    (long long)from, (long long)to, got.n, want.n);
		for (i = 0; i < got.n; i++) {
			ASSERT_EQ(got.v[i].start, want.v[i].start);
			ASSERT_EQ(got.v[i].end, want.v[i].end);
			ASSERT_EQ(got.v[i].kind, want.v[i].kind);
		}
		busy_set_free(&got);
		busy_set_free(&want);
	}
	busy_set_free(&all);
}

TEST(windows_of_a_year_of_events_and_series_in_far_zones)
{
	char	*text = year_of_events();

	same_in_every_window(text);
	free(text);
}

TEST(windows_of_the_outlook_and_google_exports)
{
	static const char *const names[] = { "outlook.ics", "google.ics" };
	char	 path[512], *text;
	size_t	 i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/busy/%s", FIXTURES, names[i]);
		ASSERT_EQ(util_read_file(path, 1 << 20, &text, NULL), 0);
		same_in_every_window(text);
		free(text);
	}
}

TT_MAIN(
	CASE(drops_single_events_far_outside_the_window_only),
	CASE(keeps_series_overrides_and_anything_unclear),
	CASE(drops_todos_and_journals_keeps_other_components),
	CASE(a_truncated_event_is_left_for_the_parser),
	CASE(kept_events_lose_what_the_busy_layer_never_reads),
	CASE(an_event_the_owner_declined_stays_free_through_the_skim),
	CASE(windows_of_a_year_of_events_and_series_in_far_zones),
	CASE(windows_of_the_outlook_and_google_exports)
)
