/*
 * freebusy: the schedule-outbox request tandem sends, and the answers it
 * must read right or refuse: one recipient's failure, a 207 dressed as a
 * free-busy answer, a text cut short at any byte.  Whatever is refused must
 * never come back as an empty, "free" set.  Expected intervals are written
 * out as UTC wall times; the window is the first week of March 2027.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "busy.h"
#include "dav_xml.h"
#include "freebusy.h"

#define B	BUSY_BUSY
#define T	BUSY_TENTATIVE
#define U	BUSY_UNAVAILABLE

#define CRLF	"\r\n"
/* A METHOD:REPLY VFREEBUSY for the first week of March 2027, as DAViCal sends. */
#define REPLY(body)							\
	"BEGIN:VCALENDAR" CRLF "PRODID:-//davical.org//NONSGML AWL Calendar//EN" \
	CRLF "VERSION:2.0" CRLF "METHOD:REPLY" CRLF "BEGIN:VFREEBUSY" CRLF \
	"DTSTAMP:20270215T120000Z" CRLF "DTSTART:20270301T000000Z" CRLF	\
	"DTEND:20270308T000000Z" CRLF "UID:fb-1@tandem.example" CRLF	\
	"ORGANIZER:mailto:tandem@corp.example" CRLF			\
	"ATTENDEE:mailto:bob@corp.example" CRLF body "END:VFREEBUSY" CRLF \
	"END:VCALENDAR" CRLF

#define ASSERT_SET(set, want)						\
	check_set((set), (want), TANDEM_NELEM(want), __LINE__)
#define ASSERT_EMPTY(set)	check_set((set), NULL, 0, __LINE__)

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (int64_t)civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

#define FROM	utc(2027, 3, 1, 0, 0)
#define TO	utc(2027, 3, 8, 0, 0)

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

/* set must hold exactly want, in this order. */
static void
check_set(const struct busy_set *set, const struct busy *want, size_t n,
    int line)
{
	size_t	i;

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

/* A set that is not empty, to see that a refusal empties it. */
static void
prefill(struct busy_set *set)
{
	set->n = 0;
	if (util_grow((void **)&set->v, &set->cap, 0, sizeof(*set->v)) < 0)
		TT_FAIL("out of memory");
	set->v[0].start = FROM;
	set->v[0].end = TO;
	set->v[0].kind = B;
	set->n = 1;
}

static int
report(const char *body, const char *type, struct busy_set *out, char *why,
    size_t whylen)
{
	return freebusy_from_report(body, strlen(body), type, FROM, TO, out,
	    why, whylen);
}

/* --- the request ---------------------------------------------------------- */

static const char *const PEOPLE[] = {
	"bob@corp.example", "mailto:Carol@Elsewhere.org"
};

static struct freebusy_query
query(void)
{
	struct freebusy_query	q;

	memset(&q, 0, sizeof(q));
	q.uid = "fb-1@tandem.example";
	q.dtstamp = utc(2027, 2, 15, 12, 0);
	q.from = FROM;
	q.to = TO;
	q.organizer = "tandem@corp.example";
	q.attendees = PEOPLE;
	q.nattendees = 2;
	return q;
}

/* Every line ends in CRLF, none is longer than 75 octets. */
static void
check_lines(const char *text)
{
	const char	*p, *nl;

	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ASSERT_TRUE(nl != NULL);
		ASSERT_TRUE(nl > p && nl[-1] == '\r');
		if (nl - 1 - p > 75)
			TT_FAIL("line of %d octets: %.*s", (int)(nl - 1 - p),
			    (int)(nl - 1 - p), p);
	}
}

TEST(request_is_a_vfreebusy_request_libical_accepts)
{
	struct freebusy_query	 q = query();
	icalcomponent		*vcal, *fb, *check;
	icalproperty		*p;
	struct icaltimetype	 t;
	char			*text = NULL;

	ASSERT_EQ(freebusy_request(&q, &text), 0);
	check_lines(text);
	vcal = icalparser_parse_string(text);
	ASSERT_TRUE(vcal != NULL);
	ASSERT_EQ(icalcomponent_count_errors(vcal), 0);
	ASSERT_EQ(icalcomponent_get_method(vcal), ICAL_METHOD_REQUEST);
	ASSERT_STR_EQ(icalproperty_get_version(icalcomponent_get_first_property(
	    vcal, ICAL_VERSION_PROPERTY)), "2.0");
	ASSERT_TRUE(icalcomponent_get_first_property(vcal,
	    ICAL_PRODID_PROPERTY) != NULL);
	ASSERT_EQ(icalcomponent_count_components(vcal, ICAL_ANY_COMPONENT), 1);
	fb = icalcomponent_get_first_component(vcal, ICAL_VFREEBUSY_COMPONENT);
	ASSERT_TRUE(fb != NULL);
	ASSERT_STR_EQ(icalcomponent_get_uid(fb), "fb-1@tandem.example");
	t = icalcomponent_get_dtstart(fb);
	ASSERT_TRUE(icaltime_is_utc(t));
	ASSERT_EQ(icaltime_as_timet(t), FROM);
	t = icalcomponent_get_dtend(fb);
	ASSERT_TRUE(icaltime_is_utc(t));
	ASSERT_EQ(icaltime_as_timet(t), TO);
	ASSERT_EQ(icaltime_as_timet(icalcomponent_get_dtstamp(fb)),
	    utc(2027, 2, 15, 12, 0));
	ASSERT_CONTAINS(text, "DTSTART:20270301T000000Z\r\n");
	ASSERT_CONTAINS(text, "DTEND:20270308T000000Z\r\n");
	ASSERT_STR_EQ(icalproperty_get_organizer(icalcomponent_get_first_property(
	    fb, ICAL_ORGANIZER_PROPERTY)), "mailto:tandem@corp.example");
	p = icalcomponent_get_first_property(fb, ICAL_ATTENDEE_PROPERTY);
	ASSERT_STR_EQ(icalproperty_get_attendee(p), "mailto:bob@corp.example");
	p = icalcomponent_get_next_property(fb, ICAL_ATTENDEE_PROPERTY);
	ASSERT_STR_EQ(icalproperty_get_attendee(p), "mailto:Carol@Elsewhere.org");
	ASSERT_TRUE(icalcomponent_get_next_property(fb,
	    ICAL_ATTENDEE_PROPERTY) == NULL);
	/* RFC 5546's table for a VFREEBUSY REQUEST, as libical enforces it. */
	check = icalcomponent_new_clone(vcal);
	ASSERT_EQ(icalrestriction_check(check), 1);
	icalcomponent_free(check);
	icalcomponent_free(vcal);
	free(text);
}

TEST(request_folds_a_long_address_and_it_reads_back_whole)
{
	static const char long_addr[] = "someone.with.a.very.long.name."
	    "that.does.not.fit@a-department-of-a-large-organisation.example";
	const char *const	 who[] = { long_addr };
	struct freebusy_query	 q = query();
	icalcomponent		*vcal, *fb;
	char			*text = NULL;

	q.attendees = who;
	q.nattendees = 1;
	ASSERT_EQ(freebusy_request(&q, &text), 0);
	check_lines(text);
	ASSERT_CONTAINS(text, "\r\n ");		/* it was folded */
	vcal = icalparser_parse_string(text);
	ASSERT_TRUE(vcal != NULL);
	fb = icalcomponent_get_first_component(vcal, ICAL_VFREEBUSY_COMPONENT);
	ASSERT_STR_EQ(icalproperty_get_attendee(icalcomponent_get_first_property(
	    fb, ICAL_ATTENDEE_PROPERTY)), "mailto:someone.with.a.very.long.name."
	    "that.does.not.fit@a-department-of-a-large-organisation.example");
	icalcomponent_free(vcal);
	free(text);
}

TEST(request_refuses_what_would_make_a_bad_message)
{
	const char *const	 injected[] = {
		"bob@corp.example\r\nATTENDEE:mailto:eve@evil.example"
	};
	const char *const	 empty[] = { "mailto:" };
	struct freebusy_query	 q;
	char			*text = (char *)"stale";

	q = query();
	q.nattendees = 0;
	ASSERT_EQ(freebusy_request(&q, &text), TANDEM_EINVAL);
	ASSERT_TRUE(text == NULL);
	q = query();
	q.to = q.from;
	ASSERT_EQ(freebusy_request(&q, &text), TANDEM_EINVAL);
	q = query();
	q.attendees = injected;
	q.nattendees = 1;
	ASSERT_EQ(freebusy_request(&q, &text), TANDEM_EINVAL);
	q = query();
	q.attendees = empty;
	q.nattendees = 1;
	ASSERT_EQ(freebusy_request(&q, &text), TANDEM_EINVAL);
	q = query();
	q.uid = "";
	ASSERT_EQ(freebusy_request(&q, &text), TANDEM_EINVAL);
	q = query();
	q.organizer = NULL;
	ASSERT_EQ(freebusy_request(&q, &text), TANDEM_EINVAL);
	ASSERT_TRUE(text == NULL);
}

/* --- schedule-outbox answers ---------------------------------------------- */

/* DAViCal's answer for two people: bob's week, carol unknown to it. */
static const char SCHEDULE[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<C:schedule-response xmlns:D=\"DAV:\""
    " xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\n"
    "<C:response>\n"
    "<C:recipient><D:href>mailto:bob@corp.example</D:href></C:recipient>\n"
    "<C:request-status>2.0;Success</C:request-status>\n"
    "<C:calendar-data>BEGIN:VCALENDAR&#13;\n"
    "PRODID:-//davical.org//NONSGML AWL Calendar//EN&#13;\n"
    "VERSION:2.0&#13;\nMETHOD:REPLY&#13;\nBEGIN:VFREEBUSY&#13;\n"
    "DTSTAMP:20270215T120000Z&#13;\nDTSTART:20270301T000000Z&#13;\n"
    "DTEND:20270308T000000Z&#13;\nUID:fb-1@tandem.example&#13;\n"
    "ORGANIZER:mailto:tandem@corp.example&#13;\n"
    "ATTENDEE:mailto:bob@corp.example&#13;\n"
    "FREEBUSY:20270301T080000Z/P1D,20270302T090000Z/PT30M,"
    "20270302T140000Z/20270302T&#13;\n 150000Z&#13;\n"
    "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270303T100000Z/PT1H&#13;\n"
    "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20270306T000000Z/P2D&#13;\n"
    "FREEBUSY;FBTYPE=FREE:20270304T080000Z/PT8H&#13;\n"
    "END:VFREEBUSY&#13;\nEND:VCALENDAR&#13;\n</C:calendar-data>\n"
    "</C:response>\n"
    "<C:response>\n"
    "<C:recipient><D:href>mailto:carol@elsewhere.org</D:href>"
    "</C:recipient>\n"
    "<C:request-status>3.7;Invalid calendar user</C:request-status>\n"
    "</C:response>\n"
    "</C:schedule-response>\n";

static void
parse_schedule(const char *xml, struct dav_sched_item **v, size_t *n)
{
	char	err[256];

	if (dav_parse_schedule_response(xml, strlen(xml), v, n, err,
	    sizeof(err)) != 0)
		TT_FAIL("schedule-response: %s", err);
}

TEST(schedule_answer_gives_each_recipient_its_own_outcome)
{
	struct dav_sched_item	*v;
	struct busy_set		 set = { NULL, 0, 0 };
	size_t			 n;
	char			 why[256];
	const struct busy	 bob[] = {
		{ utc(2027, 3, 1, 8, 0), utc(2027, 3, 2, 8, 0), B },	/* P1D */
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 9, 30), B },	/* PT30M */
		{ utc(2027, 3, 2, 14, 0), utc(2027, 3, 2, 15, 0), B },	/* folded */
		{ utc(2027, 3, 3, 10, 0), utc(2027, 3, 3, 11, 0), T },
		{ utc(2027, 3, 6, 0, 0), utc(2027, 3, 8, 0, 0), U },
	};

	parse_schedule(SCHEDULE, &v, &n);
	ASSERT_EQ(freebusy_from_schedule(v, n, "bob@corp.example", FROM, TO,
	    &set, why, sizeof(why)), 0);
	ASSERT_SET(&set, bob);

	/* Carol is unknown to the server: that is not a free week. */
	prefill(&set);
	ASSERT_EQ(freebusy_from_schedule(v, n, "carol@elsewhere.org", FROM, TO,
	    &set, why, sizeof(why)), TANDEM_EIO);
	ASSERT_STR_EQ(why, "recipient carol@elsewhere.org: 3.7;Invalid calendar "
	    "user");
	ASSERT_EMPTY(&set);
	busy_set_free(&set);
	dav_sched_items_free(v, n);
}

TEST(schedule_recipient_matches_without_mailto_or_case)
{
	struct dav_sched_item	 v[1];
	struct busy_set		 set = { NULL, 0, 0 };
	char			 why[256];
	const struct busy	 want[] = {
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
	};

	v[0].recipient = (char *)"MAILTO:Bob@Corp.Example";
	v[0].request_status = (char *)"2.0;Success";
	v[0].calendar_data = (char *)REPLY("FREEBUSY:20270302T090000Z/PT1H"
	    CRLF);
	ASSERT_EQ(freebusy_from_schedule(v, 1, "bob@corp.example", FROM, TO,
	    &set, why, sizeof(why)), 0);
	ASSERT_SET(&set, want);
	ASSERT_EQ(freebusy_from_schedule(v, 1, "mailto:BOB@corp.example", FROM,
	    TO, &set, why, sizeof(why)), 0);
	ASSERT_SET(&set, want);
	v[0].recipient = (char *)"bob@corp.example";	/* no scheme at all */
	ASSERT_EQ(freebusy_from_schedule(v, 1, "mailto:bob@corp.example", FROM,
	    TO, &set, why, sizeof(why)), 0);
	ASSERT_SET(&set, want);
	/* A longer address that merely starts the same is someone else. */
	ASSERT_EQ(freebusy_from_schedule(v, 1, "bob@corp.example.org", FROM,
	    TO, &set, why, sizeof(why)), TANDEM_ENOENT);
	busy_set_free(&set);
}

TEST(schedule_unknown_recipient_is_an_error_not_free)
{
	struct dav_sched_item	*v;
	struct busy_set		 set = { NULL, 0, 0 };
	size_t			 n;
	char			 why[256];

	parse_schedule(SCHEDULE, &v, &n);
	prefill(&set);
	ASSERT_EQ(freebusy_from_schedule(v, n, "dave@corp.example", FROM, TO,
	    &set, why, sizeof(why)), TANDEM_ENOENT);
	ASSERT_STR_EQ(why, "recipient dave@corp.example: not in the answer");
	ASSERT_EMPTY(&set);
	ASSERT_EQ(freebusy_from_schedule(NULL, 0, "bob@corp.example", FROM, TO,
	    &set, why, sizeof(why)), TANDEM_ENOENT);
	busy_set_free(&set);
	dav_sched_items_free(v, n);
}

/* The outcome of one recipient whose status is status. */
static int
with_status(const char *status, char *why, size_t whylen)
{
	struct dav_sched_item	v;
	struct busy_set		set = { NULL, 0, 0 };
	int			rc;

	v.recipient = (char *)"mailto:bob@corp.example";
	v.request_status = (char *)status;
	v.calendar_data = (char *)REPLY("FREEBUSY:20270302T090000Z/PT1H" CRLF);
	prefill(&set);
	rc = freebusy_from_schedule(&v, 1, "bob@corp.example", FROM, TO, &set,
	    why, whylen);
	if (rc < 0 && set.n != 0)
		TT_FAIL("status %s: refused but %zu intervals left", status, set.n);
	if (rc == 0 && set.n != 1)
		TT_FAIL("status %s: %zu intervals", status, set.n);
	busy_set_free(&set);
	return rc;
}

TEST(schedule_only_class_2_statuses_are_success)
{
	char	why[256];

	ASSERT_EQ(with_status("2.0;Success", why, sizeof(why)), 0);
	ASSERT_EQ(with_status(" 2.0 ; Success ", why, sizeof(why)), 0);
	ASSERT_EQ(with_status("2.8;Success, repeating event ignored", why,
	    sizeof(why)), 0);
	ASSERT_EQ(with_status("2.0.1", why, sizeof(why)), 0);
	ASSERT_EQ(with_status("1.2;Delivered", why, sizeof(why)), TANDEM_EIO);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: 1.2;Delivered");
	ASSERT_EQ(with_status("3.8;No authority", why, sizeof(why)), TANDEM_EIO);
	ASSERT_EQ(with_status("5.3;No scheduling support for user", why,
	    sizeof(why)), TANDEM_EIO);
	ASSERT_EQ(with_status("20.0;Success?", why, sizeof(why)), TANDEM_EIO);
	ASSERT_EQ(with_status("2;Success", why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: unreadable "
	    "request-status \"2;Success\"");
	ASSERT_EQ(with_status("2.0x", why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_EQ(with_status("Success", why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_EQ(with_status("", why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_EQ(with_status(NULL, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: no request-status");
	/* Control characters from the server do not reach the log line. */
	ASSERT_EQ(with_status("5.1;Could not\r\ndeliver", why, sizeof(why)),
	    TANDEM_EIO);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: 5.1;Could not??deliver");
}

TEST(schedule_success_without_a_vfreebusy_is_not_free)
{
	struct dav_sched_item	v;
	struct busy_set		set = { NULL, 0, 0 };
	char			why[256];

	v.recipient = (char *)"mailto:bob@corp.example";
	v.request_status = (char *)"2.0;Success";
	v.calendar_data = NULL;
	prefill(&set);
	ASSERT_EQ(freebusy_from_schedule(&v, 1, "bob@corp.example", FROM, TO,
	    &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: 2.0;Success but no "
	    "calendar-data");
	ASSERT_EMPTY(&set);

	v.calendar_data = (char *)"";
	ASSERT_EQ(freebusy_from_schedule(&v, 1, "bob@corp.example", FROM, TO,
	    &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: not iCalendar: no "
	    "VCALENDAR");

	/* Events instead of free/busy: not what was asked. */
	v.calendar_data = (char *)"BEGIN:VCALENDAR" CRLF "BEGIN:VEVENT" CRLF
	    "UID:e1" CRLF "DTSTART:20270302T090000Z" CRLF "DURATION:PT1H" CRLF
	    "END:VEVENT" CRLF "END:VCALENDAR" CRLF;
	ASSERT_EQ(freebusy_from_schedule(&v, 1, "bob@corp.example", FROM, TO,
	    &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "recipient bob@corp.example: no VFREEBUSY in the "
	    "calendar");
	ASSERT_EMPTY(&set);
	busy_set_free(&set);
}

TEST(free_periods_and_an_empty_vfreebusy_are_free)
{
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];
	const struct busy want[] = {
		{ utc(2027, 3, 2, 12, 0), utc(2027, 3, 2, 13, 0), B },
	};

	/* FBTYPE=FREE is free time, in any case of its name. */
	ASSERT_EQ(report(REPLY("FREEBUSY;FBTYPE=FREE:20270302T080000Z/PT8H" CRLF
	    "FREEBUSY;FBTYPE=free:20270303T080000Z/PT8H" CRLF
	    "FREEBUSY:20270302T120000Z/PT1H" CRLF), "text/calendar", &set, why,
	    sizeof(why)), 0);
	ASSERT_SET(&set, want);
	/* A whole VFREEBUSY without periods: a week that is really free. */
	prefill(&set);
	ASSERT_EQ(report(REPLY(""), "text/calendar", &set, why, sizeof(why)), 0);
	ASSERT_EMPTY(&set);
	busy_set_free(&set);
}

TEST(periods_are_clipped_to_the_window_and_merged)
{
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];
	const struct busy want[] = {
		{ utc(2027, 3, 1, 0, 0), utc(2027, 3, 1, 2, 0), B },
		{ utc(2027, 3, 3, 9, 0), utc(2027, 3, 3, 11, 0), B },
		{ utc(2027, 3, 7, 23, 0), utc(2027, 3, 8, 0, 0), T },
	};

	ASSERT_EQ(report(REPLY(
	    "FREEBUSY:20270228T220000Z/PT4H,20270210T090000Z/PT1H" CRLF
	    "FREEBUSY:20270303T090000Z/PT1H,20270303T093000Z/20270303T110000Z" CRLF
	    "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270307T230000Z/P1D" CRLF
	    "FREEBUSY:20270309T090000Z/PT1H" CRLF), "text/calendar", &set, why,
	    sizeof(why)), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

TEST(a_vfreebusy_narrower_than_asked_is_refused)
{
	static const char narrow[] =
	    "BEGIN:VCALENDAR" CRLF "BEGIN:VFREEBUSY" CRLF
	    "DTSTART:20270301T000000Z" CRLF "DTEND:20270305T000000Z" CRLF
	    "FREEBUSY:20270302T090000Z/PT1H" CRLF
	    "END:VFREEBUSY" CRLF "END:VCALENDAR" CRLF;
	static const char unstated[] =
	    "BEGIN:VCALENDAR" CRLF "BEGIN:VFREEBUSY" CRLF
	    "FREEBUSY:20270302T090000Z/PT1H" CRLF
	    "END:VFREEBUSY" CRLF "END:VCALENDAR" CRLF;
	/* Two VFREEBUSYs whose ranges together cover the window. */
	static const char halves[] =
	    "BEGIN:VCALENDAR" CRLF "BEGIN:VFREEBUSY" CRLF
	    "DTSTART:20270301T000000Z" CRLF "DTEND:20270305T000000Z" CRLF
	    "FREEBUSY:20270302T090000Z/PT1H" CRLF "END:VFREEBUSY" CRLF
	    "BEGIN:VFREEBUSY" CRLF "DTSTART:20270305T000000Z" CRLF
	    "DTEND:20270310T000000Z" CRLF "END:VFREEBUSY" CRLF
	    "END:VCALENDAR" CRLF;
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];

	prefill(&set);
	ASSERT_EQ(report(narrow, "text/calendar", &set, why, sizeof(why)),
	    TANDEM_ERANGE);
	ASSERT_STR_EQ(why, "the VFREEBUSY does not cover 2027-03-05T00:00Z\xE2\x80\x93"
	    "2027-03-08T00:00Z (its DTSTART/DTEND are narrower than the range "
	    "asked)");
	ASSERT_EMPTY(&set);
	ASSERT_EQ(report(unstated, "text/calendar", &set, why, sizeof(why)), 0);
	ASSERT_EQ(set.n, 1);
	ASSERT_EQ(report(halves, "text/calendar", &set, why, sizeof(why)), 0);
	ASSERT_EQ(set.n, 1);
	busy_set_free(&set);
}

TEST(a_damaged_period_refuses_the_whole_answer)
{
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];

	/* libical drops the rest of a comma list after a bad item. */
	ASSERT_EQ(report(REPLY("FREEBUSY:20270302T090000Z/PT1H,garbage,"
	    "20270303T090000Z/PT1H" CRLF), "text/calendar", &set, why,
	    sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "UID fb-1@tandem.example: unreadable FREEBUSY: garbage");
	ASSERT_EMPTY(&set);
	ASSERT_EQ(report(REPLY("FREEBUSY:20270302T090000Z/-PT1H" CRLF),
	    "text/calendar", &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_CONTAINS(why, "negative DURATION");
	ASSERT_EQ(report(REPLY("FREEBUSY:20270302T090000Z/20270302T080000Z" CRLF),
	    "text/calendar", &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_CONTAINS(why, "ends before it starts");
	busy_set_free(&set);
}

/* --- free-busy-query REPORT answers --------------------------------------- */

TEST(report_answered_with_a_multistatus_is_refused)
{
	/* Radicale: a 207 of bare hrefs, which looks like success. */
	static const char radicale[] =
	    "<?xml version='1.0' encoding='utf-8'?>\n"
	    "<multistatus xmlns=\"DAV:\"><response><href>/bob/work/a.ics</href>"
	    "</response><response><href>/bob/work/b.ics</href></response>"
	    "</multistatus>";
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];

	prefill(&set);
	ASSERT_EQ(report(radicale, "application/xml; charset=utf-8", &set, why,
	    sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "not a calendar: application/xml");
	ASSERT_EMPTY(&set);
	ASSERT_EQ(report(radicale, "text/xml", &set, why, sizeof(why)),
	    TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "not a calendar: text/xml");
	ASSERT_EQ(report(radicale, NULL, &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "not a calendar: no Content-Type");
	/* The label alone does not make XML a calendar. */
	ASSERT_EQ(report(radicale, "text/calendar", &set, why, sizeof(why)),
	    TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "not iCalendar: line 1 is \"<?xml version='1.0' "
	    "encoding='utf-8'?>\"");
	ASSERT_EMPTY(&set);
	busy_set_free(&set);
}

TEST(report_body_is_read_to_its_length_only)
{
	static const char body[] = REPLY(
	    "FREEBUSY;FBTYPE=BUSY:20270301T090000Z/PT1H,20270302T090000Z/PT1H"
	    CRLF) "BEGIN:VCALENDAR";	/* past len: not part of the answer */
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];
	const struct busy want[] = {
		{ utc(2027, 3, 1, 9, 0), utc(2027, 3, 1, 10, 0), B },
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
	};

	ASSERT_EQ(freebusy_from_report(body, strlen(body) - 15,
	    " Text/Calendar ; charset=\"utf-8\"", FROM, TO, &set, why,
	    sizeof(why)), 0);
	ASSERT_SET(&set, want);
	/* Bare LF line ends and a byte order mark are read too. */
	ASSERT_EQ(report("\xEF\xBB\xBF" "BEGIN:VCALENDAR\nBEGIN:VFREEBUSY\n"
	    "FREEBUSY:20270301T090000Z/PT1H\n"
	    "FREEBUSY:20270302T090000Z/PT1H\nEND:VFREEBUSY\nEND:VCALENDAR\n",
	    "text/calendar", &set, why, sizeof(why)), 0);
	ASSERT_SET(&set, want);
	busy_set_free(&set);
}

/* --- hostile input -------------------------------------------------------- */

/* Cut short at any byte: refused, or (only when whole) the full answer. */
TEST(an_answer_cut_at_any_byte_is_refused_never_partly_free)
{
	static const char body[] = REPLY(
	    "FREEBUSY:20270301T080000Z/P1D,20270302T090000Z/PT30M" CRLF
	    "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270303T100000Z/PT1H" CRLF);
	struct busy_set	set = { NULL, 0, 0 };
	char		why[256];
	size_t		len, whole = 0;
	int		rc;
	const struct busy want[] = {
		{ utc(2027, 3, 1, 8, 0), utc(2027, 3, 2, 8, 0), B },
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 9, 30), B },
		{ utc(2027, 3, 3, 10, 0), utc(2027, 3, 3, 11, 0), T },
	};

	for (len = 0; len <= strlen(body); len++) {
		prefill(&set);
		rc = freebusy_from_report(body, len, "text/calendar", FROM, TO,
		    &set, why, sizeof(why));
		if (rc == 0) {
			ASSERT_SET(&set, want);
			whole++;
		} else {
			if (rc != TANDEM_EPARSE)
				TT_FAIL("cut at %zu: %d (%s)", len, rc, why);
			ASSERT_EMPTY(&set);
		}
	}
	/* Only the whole text and the one without its last CRLF or LF. */
	ASSERT_EQ(whole, 3);
	busy_set_free(&set);
}

TEST(huge_lines_are_read_or_refused_with_a_short_reason)
{
	struct busy_set	 set = { NULL, 0, 0 };
	char		 why[256], *text, *p;
	size_t		 i, big = 2 * 1024 * 1024;

	/* A 2 MB property, then 5,000 periods on one line. */
	text = malloc(big + 200000);
	ASSERT_TRUE(text != NULL);
	p = text + sprintf(text, "BEGIN:VCALENDAR" CRLF "BEGIN:VFREEBUSY" CRLF
	    "X-JUNK:");
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, CRLF "FREEBUSY:");
	for (i = 0; i < 5000; i++)
		p += sprintf(p, "%s2027030%dT%02zu%02zu00Z/PT1M",
		    i > 0 ? "," : "", (int)(1 + i / 1000), i % 1000 / 60 % 24,
		    i % 60);
	sprintf(p, CRLF "END:VFREEBUSY" CRLF "END:VCALENDAR" CRLF);
	ASSERT_EQ(report(text, "text/calendar", &set, why, sizeof(why)), 0);
	ASSERT_TRUE(set.n > 0);
	ASSERT_EQ(set.v[0].start, utc(2027, 3, 1, 0, 0));

	/* The same size of garbage outside any component. */
	memset(text, '<', big);
	text[big] = '\0';
	prefill(&set);
	ASSERT_EQ(report(text, "text/calendar", &set, why, sizeof(why)),
	    TANDEM_EPARSE);
	ASSERT_TRUE(strlen(why) < 100);
	ASSERT_CONTAINS(why, "not iCalendar: line 1 is \"<<<<");
	ASSERT_EMPTY(&set);
	free(text);
	busy_set_free(&set);
}

TEST(malformed_structure_is_refused_with_the_line)
{
	struct busy_set	 set = { NULL, 0, 0 };
	char		 why[256], *bomb, *p;
	size_t		 i;

	ASSERT_EQ(report("BEGIN:VCALENDAR" CRLF "BEGIN:VFREEBUSY" CRLF
	    "FREEBUSY:20270302T090000Z/PT1H" CRLF, "text/calendar", &set, why,
	    sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "truncated: the text ends inside VFREEBUSY");
	ASSERT_EQ(report("BEGIN:VCALENDAR" CRLF "BEGIN:VFREEBUSY" CRLF
	    "FREEBUSY:20270302T090000Z/PT1H" CRLF "END:VEVENT" CRLF
	    "END:VCALENDAR" CRLF, "text/calendar", &set, why, sizeof(why)),
	    TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "line 4: END:VEVENT closes BEGIN:VFREEBUSY");
	ASSERT_EQ(report("END:VCALENDAR" CRLF "BEGIN:VCALENDAR" CRLF,
	    "text/calendar", &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "line 1: END:VCALENDAR with nothing open");
	ASSERT_EQ(report("BEGIN:VFREEBUSY" CRLF "END:VFREEBUSY" CRLF,
	    "text/calendar", &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "line 1: BEGIN:VFREEBUSY outside a VCALENDAR");
	ASSERT_EQ(freebusy_from_report("BEGIN:VCALENDAR\0junk", 20,
	    "text/calendar", FROM, TO, &set, why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "not a calendar: a NUL byte in the body");
	ASSERT_EQ(freebusy_from_report(NULL, 0, "text/calendar", FROM, TO, &set,
	    why, sizeof(why)), TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "not iCalendar: no VCALENDAR");

	/* 100,000 nested BEGINs: refused at the limit, no deep recursion. */
	bomb = malloc(100000 * 12 + 32);
	ASSERT_TRUE(bomb != NULL);
	p = bomb + sprintf(bomb, "BEGIN:VCALENDAR\n");
	for (i = 0; i < 100000; i++)
		p += sprintf(p, "BEGIN:X-A\n");
	ASSERT_EQ(report(bomb, "text/calendar", &set, why, sizeof(why)),
	    TANDEM_EPARSE);
	ASSERT_STR_EQ(why, "line 9: components nested deeper than 8");
	free(bomb);
	ASSERT_EMPTY(&set);
	busy_set_free(&set);
}

/* --- the trust check ------------------------------------------------------- */

static struct busy_set
set_of(const struct busy *v, size_t n)
{
	struct busy_set	s = { NULL, 0, 0 };

	s.v = malloc(n * sizeof(*v) + 1);
	if (s.v == NULL)
		TT_FAIL("out of memory");
	memcpy(s.v, v, n * sizeof(*v));
	s.n = s.cap = n;
	return s;
}

TEST(agrees_when_the_same_time_is_busy_whatever_the_kind)
{
	const struct busy fb[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 10, 0), B },
		{ utc(2027, 3, 3, 14, 0), utc(2027, 3, 3, 15, 0), T },
	};
	const struct busy ev[] = {
		{ utc(2027, 3, 3, 14, 0), utc(2027, 3, 3, 15, 0), B },
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 10, 0), U },
	};
	struct busy_set	a = set_of(fb, 2), b = set_of(ev, 2);
	char		why[256] = "";

	ASSERT_EQ(freebusy_agrees(&a, &b, FROM, TO, why, sizeof(why)), 1);
	ASSERT_STR_EQ(why, "");
	busy_set_free(&a);
	busy_set_free(&b);
}

TEST(disagrees_where_free_busy_misses_an_event)
{
	/* A server that drops recurring instances from its free/busy. */
	const struct busy fb[] = {
		{ utc(2027, 3, 1, 8, 0), utc(2027, 3, 1, 9, 0), B },
	};
	const struct busy ev[] = {
		{ utc(2027, 3, 1, 8, 0), utc(2027, 3, 1, 9, 0), B },
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 0), B },
		{ utc(2027, 3, 3, 8, 0), utc(2027, 3, 3, 9, 0), B },
	};
	struct busy_set	a = set_of(fb, 1), b = set_of(ev, 3);
	char		why[256];

	ASSERT_EQ(freebusy_agrees(&a, &b, FROM, TO, why, sizeof(why)), 0);
	ASSERT_STR_EQ(why, "free/busy says free 2027-03-02T08:00Z\xE2\x80\x93"
	    "09:00Z where an event is busy");
	busy_set_free(&a);
	busy_set_free(&b);
}

TEST(disagrees_where_free_busy_has_extra_busy_time)
{
	const struct busy fb[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 10, 0), B },
		{ utc(2027, 3, 4, 23, 0), utc(2027, 3, 5, 1, 0), B },
	};
	const struct busy ev[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 30), B },
		{ utc(2027, 3, 2, 9, 30), utc(2027, 3, 2, 10, 0), B },
	};
	struct busy_set	a = set_of(fb, 2), b = set_of(ev, 2);
	char		why[256];

	ASSERT_EQ(freebusy_agrees(&a, &b, FROM, TO, why, sizeof(why)), 0);
	/* Across midnight the end says its date too. */
	ASSERT_STR_EQ(why, "free/busy says busy 2027-03-04T23:00Z\xE2\x80\x93"
	    "2027-03-05T01:00Z where no event is");
	busy_set_free(&a);
	busy_set_free(&b);
}

TEST(agrees_on_touching_overlapping_unsorted_sets_and_leaves_them_alone)
{
	const struct busy fb[] = {
		{ utc(2027, 3, 5, 12, 0), utc(2027, 3, 5, 13, 0), B },
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 10, 0), B },
	};
	const struct busy ev[] = {
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
		{ utc(2027, 3, 5, 12, 0), utc(2027, 3, 5, 12, 45), T },
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 0), B },
		{ utc(2027, 3, 5, 12, 30), utc(2027, 3, 5, 13, 0), B },
		{ utc(2027, 3, 2, 8, 15), utc(2027, 3, 2, 8, 45), B },
	};
	struct busy_set	a = set_of(fb, 2), b = set_of(ev, 5);
	char		why[256];

	ASSERT_EQ(freebusy_agrees(&a, &b, FROM, TO, why, sizeof(why)), 1);
	ASSERT_SET(&a, fb);	/* unchanged, in their own order */
	ASSERT_SET(&b, ev);
	busy_set_free(&a);
	busy_set_free(&b);
}

TEST(agreement_is_judged_inside_the_window_only)
{
	const struct busy fb[] = {
		{ utc(2027, 2, 28, 22, 0), utc(2027, 3, 1, 1, 0), B },
		{ utc(2027, 3, 9, 8, 0), utc(2027, 3, 9, 9, 0), B },
	};
	const struct busy ev[] = {
		{ utc(2027, 3, 1, 0, 0), utc(2027, 3, 1, 1, 0), B },
		{ utc(2027, 3, 7, 23, 59), utc(2027, 3, 8, 2, 0), B },
	};
	struct busy_set	a = set_of(fb, 2), b = set_of(ev, 2), none = { NULL, 0, 0 };
	char		why[256];

	ASSERT_EQ(freebusy_agrees(&a, &b, FROM, TO, why, sizeof(why)), 0);
	ASSERT_STR_EQ(why, "free/busy says free 2027-03-07T23:59Z\xE2\x80\x93"
	    "2027-03-08T00:00Z where an event is busy");
	ASSERT_EQ(freebusy_agrees(&a, &b, FROM, utc(2027, 3, 7, 0, 0), why,
	    sizeof(why)), 1);
	ASSERT_EQ(freebusy_agrees(&none, &none, FROM, TO, why, sizeof(why)), 1);
	ASSERT_EQ(freebusy_agrees(&none, &b, FROM, TO, NULL, 0), 0);
	busy_set_free(&a);
	busy_set_free(&b);
}

/* --- taking tandem's own sessions out -------------------------------------- */

TEST(subtract_splits_an_interval_around_a_session)
{
	const struct busy v[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 12, 0), T },
	};
	const struct busy cut[] = {
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
	};
	const struct busy want[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 0), T },
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 12, 0), T },
	};
	struct busy_set	s = set_of(v, 1);

	ASSERT_EQ(freebusy_subtract(&s, cut, 1), 0);
	ASSERT_SET(&s, want);
	busy_set_free(&s);
}

TEST(subtract_whole_none_and_adjacent)
{
	const struct busy v[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 0), B },	/* whole */
		{ utc(2027, 3, 3, 8, 0), utc(2027, 3, 3, 9, 0), U },	/* none */
		{ utc(2027, 3, 4, 9, 0), utc(2027, 3, 4, 10, 0), B },	/* touches */
	};
	const struct busy cut[] = {
		{ utc(2027, 3, 4, 10, 0), utc(2027, 3, 4, 11, 0), B },
		{ utc(2027, 3, 2, 7, 0), utc(2027, 3, 2, 10, 0), B },
		{ utc(2027, 3, 4, 8, 0), utc(2027, 3, 4, 9, 0), B },
		{ utc(2027, 3, 3, 9, 0), utc(2027, 3, 3, 9, 0), B },	/* empty */
	};
	const struct busy want[] = {
		{ utc(2027, 3, 3, 8, 0), utc(2027, 3, 3, 9, 0), U },
		{ utc(2027, 3, 4, 9, 0), utc(2027, 3, 4, 10, 0), B },
	};
	struct busy_set	s = set_of(v, 3);

	ASSERT_EQ(freebusy_subtract(&s, cut, 4), 0);
	ASSERT_SET(&s, want);
	ASSERT_EQ(freebusy_subtract(&s, NULL, 0), 0);
	ASSERT_SET(&s, want);
	busy_set_free(&s);
}

TEST(subtract_several_sessions_from_one_free_busy_block)
{
	/* One long busy block that is, in truth, three tandem sessions. */
	const struct busy v[] = {
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 11, 0), B },
	};
	const struct busy cut[] = {
		{ utc(2027, 3, 2, 10, 30), utc(2027, 3, 2, 11, 30), B },
		{ utc(2027, 3, 2, 8, 0), utc(2027, 3, 2, 9, 0), B },
		{ utc(2027, 3, 2, 8, 30), utc(2027, 3, 2, 9, 15), B },
	};
	const struct busy want[] = {
		{ utc(2027, 3, 2, 9, 15), utc(2027, 3, 2, 10, 30), B },
	};
	struct busy_set	s = set_of(v, 1);

	ASSERT_EQ(freebusy_subtract(&s, cut, 3), 0);
	ASSERT_SET(&s, want);
	busy_set_free(&s);
}

/* The whole path: ask, read bob's answer, remove our session, compare. */
TEST(free_busy_less_our_sessions_agrees_with_the_events)
{
	struct dav_sched_item	 v[1];
	struct busy_set		 fb = { NULL, 0, 0 }, ev;
	char			 why[256];
	const struct busy	 session[] = {
		{ utc(2027, 3, 2, 9, 0), utc(2027, 3, 2, 10, 0), B },
	};
	const struct busy	 events[] = {
		{ utc(2027, 3, 2, 10, 0), utc(2027, 3, 2, 11, 0), B },
	};

	v[0].recipient = (char *)"mailto:bob@corp.example";
	v[0].request_status = (char *)"2.0;Success";
	v[0].calendar_data = (char *)REPLY(
	    "FREEBUSY:20270302T090000Z/PT2H" CRLF);
	ev = set_of(events, 1);
	ASSERT_EQ(freebusy_from_schedule(v, 1, "bob@corp.example", FROM, TO,
	    &fb, why, sizeof(why)), 0);
	ASSERT_EQ(freebusy_agrees(&fb, &ev, FROM, TO, why, sizeof(why)), 0);
	ASSERT_EQ(freebusy_subtract(&fb, session, 1), 0);
	ASSERT_EQ(freebusy_agrees(&fb, &ev, FROM, TO, why, sizeof(why)), 1);
	busy_set_free(&fb);
	busy_set_free(&ev);
}

TT_MAIN(
	CASE(request_is_a_vfreebusy_request_libical_accepts),
	CASE(request_folds_a_long_address_and_it_reads_back_whole),
	CASE(request_refuses_what_would_make_a_bad_message),
	CASE(schedule_answer_gives_each_recipient_its_own_outcome),
	CASE(schedule_recipient_matches_without_mailto_or_case),
	CASE(schedule_unknown_recipient_is_an_error_not_free),
	CASE(schedule_only_class_2_statuses_are_success),
	CASE(schedule_success_without_a_vfreebusy_is_not_free),
	CASE(free_periods_and_an_empty_vfreebusy_are_free),
	CASE(periods_are_clipped_to_the_window_and_merged),
	CASE(a_vfreebusy_narrower_than_asked_is_refused),
	CASE(a_damaged_period_refuses_the_whole_answer),
	CASE(report_answered_with_a_multistatus_is_refused),
	CASE(report_body_is_read_to_its_length_only),
	CASE(an_answer_cut_at_any_byte_is_refused_never_partly_free),
	CASE(huge_lines_are_read_or_refused_with_a_short_reason),
	CASE(malformed_structure_is_refused_with_the_line),
	CASE(agrees_when_the_same_time_is_busy_whatever_the_kind),
	CASE(disagrees_where_free_busy_misses_an_event),
	CASE(disagrees_where_free_busy_has_extra_busy_time),
	CASE(agrees_on_touching_overlapping_unsorted_sets_and_leaves_them_alone),
	CASE(agreement_is_judged_inside_the_window_only),
	CASE(subtract_splits_an_interval_around_a_session),
	CASE(subtract_whole_none_and_adjacent),
	CASE(subtract_several_sessions_from_one_free_busy_block),
	CASE(free_busy_less_our_sessions_agrees_with_the_events)
)
