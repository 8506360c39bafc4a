/*
 * itip: the messages a session sends (RFC 5546 REQUEST and CANCEL) and the
 * replies read back.  Messages are checked as text (what a mail client
 * sees) and by parsing them again with libical.
 */
#include <stdlib.h>
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "itip.h"

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

/* Lena and Marc's session 1: Mon 2027-01-11 10:15-11:15 Berlin (09:15Z). */
static struct itip_session
session(void)
{
	struct itip_session	s;

	memset(&s, 0, sizeof(s));
	s.uid = "tandem-0123456789abcdef-1@corp.example";
	s.sequence = 0;
	s.dtstamp = utc(2027, 1, 4, 8, 0);
	s.start = utc(2027, 1, 11, 9, 15);
	s.end = utc(2027, 1, 11, 10, 15);
	s.tz = icaltimezone_get_builtin_timezone("Europe/Berlin");
	s.organizer = "mailto:mentoring@corp.example";
	s.organizer_cn = "Mentoring Program";
	s.who[0].email = "lena.vogel@corp.example";
	s.who[0].name = "Lena Vogel";
	s.who[1].email = "marc.dubois@corp.example";
	s.who[1].name = "Marc Dubois";
	s.summary = "Reverse mentoring: Lena Vogel / Marc Dubois (1)";
	s.description = "Agenda: what changed since last time; one question each.";
	return s;
}

static char *
build(const struct itip_session *s, enum itip_method m)
{
	char	*text = NULL;

	ASSERT_EQ(itip_build(s, m, &text, NULL), 0);
	ASSERT_TRUE(text != NULL);
	return text;
}

/* The text with folded lines joined, for searching. */
static char *
unfold(const char *t)
{
	char	*u = malloc(strlen(t) + 1), *o = u;

	for (; *t != '\0'; t++) {
		if (t[0] == '\r' && t[1] == '\n' && (t[2] == ' ' || t[2] == '\t')) {
			t += 2;
			continue;
		}
		*o++ = *t;
	}
	*o = '\0';
	return u;
}

TEST(uid_is_stable_per_pair_and_index)
{
	char	*a = itip_uid("reverse-2027", "lena.vogel@corp.example",
	    "marc.dubois@corp.example", 3, "corp.example");
	char	*b = itip_uid("reverse-2027", "Lena.Vogel@Corp.Example",
	    "marc.dubois@corp.example", 3, "corp.example");
	char	*c = itip_uid("reverse-2027", "lena.vogel@corp.example",
	    "marc.dubois@corp.example", 4, "corp.example");
	char	*d = itip_uid("reverse-2027", "marc.dubois@corp.example",
	    "lena.vogel@corp.example", 3, "corp.example");

	ASSERT_STR_EQ(a, b);			/* case of the address */
	ASSERT_EQ(strncmp(a, "tandem-", 7), 0);
	ASSERT_CONTAINS(a, "-3@corp.example");
	ASSERT_TRUE(strcmp(a, c) != 0);
	ASSERT_TRUE(strcmp(a, d) != 0);		/* roles matter */
	ASSERT_EQ(strlen(a), strlen("tandem-0123456789abcdef-3@corp.example"));
	free(a);
	free(b);
	free(c);
	free(d);
}

TEST(request_carries_what_rfc_5546_asks)
{
	struct itip_session	 s = session();
	char			*t = build(&s, ITIP_REQUEST), *u = unfold(t);

	ASSERT_CONTAINS(u, "METHOD:REQUEST\r\n");
	ASSERT_CONTAINS(u, "VERSION:2.0\r\n");
	ASSERT_CONTAINS(u, "PRODID:-//tandem//tandem ");
	ASSERT_CONTAINS(u, "UID:tandem-0123456789abcdef-1@corp.example\r\n");
	ASSERT_CONTAINS(u, "SEQUENCE:0\r\n");
	ASSERT_CONTAINS(u, "DTSTAMP:20270104T080000Z\r\n");
	ASSERT_CONTAINS(u, "DTSTART;TZID=Europe/Berlin:20270111T101500\r\n");
	ASSERT_CONTAINS(u, "DTEND;TZID=Europe/Berlin:20270111T111500\r\n");
	ASSERT_CONTAINS(u, "ORGANIZER;CN=Mentoring Program:mailto:mentoring@corp.example\r\n");
	ASSERT_CONTAINS(u, "CN=Lena Vogel");
	ASSERT_CONTAINS(u, "mailto:lena.vogel@corp.example\r\n");
	ASSERT_CONTAINS(u, "mailto:marc.dubois@corp.example\r\n");
	ASSERT_CONTAINS(u, "PARTSTAT=NEEDS-ACTION");
	ASSERT_CONTAINS(u, "RSVP=TRUE");
	ASSERT_CONTAINS(u, "ROLE=REQ-PARTICIPANT");
	ASSERT_CONTAINS(u, "SUMMARY:Reverse mentoring: Lena Vogel / Marc Dubois (1)\r\n");
	ASSERT_CONTAINS(u, "DESCRIPTION:Agenda: what changed since last time\\; one question each.\r\n");
	ASSERT_CONTAINS(u, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n");
	ASSERT_CONTAINS(u, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n");
	ASSERT_TRUE(strstr(u, "DTSTART:1893") == NULL);	/* cut to current rules */
	ASSERT_TRUE(strstr(u, "X-LIC-ERROR") == NULL);
	free(u);
	free(t);
}

TEST(request_parses_back_to_the_same_instants)
{
	struct itip_session	 s = session();
	icalcomponent		*c, *ev;
	char			*t;

	s.start = utc(2027, 7, 12, 8, 15);	/* summer: 10:15 at +02:00 */
	s.end = utc(2027, 7, 12, 9, 15);
	t = build(&s, ITIP_REQUEST);
	ASSERT_CONTAINS(t, "DTSTART;TZID=Europe/Berlin:20270712T101500\r\n");
	c = icalparser_parse_string(t);
	ASSERT_TRUE(c != NULL);
	ev = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	ASSERT_TRUE(ev != NULL);
	ASSERT_EQ(icaltime_as_timet_with_zone(icalcomponent_get_dtstart(ev),
	    icaltimezone_get_builtin_timezone("Europe/Berlin")), s.start);
	ASSERT_EQ(icalcomponent_get_method(c), ICAL_METHOD_REQUEST);
	icalcomponent_free(c);
	free(t);
}

TEST(every_line_ends_in_crlf_and_is_at_most_75_octets)
{
	struct itip_session	 s = session();
	char			*t, *p, *nl;

	s.description = "A long agenda line that goes on and on so that it must be "
	    "folded more than once by the writer, as RFC 5545 section 3.1 asks of "
	    "every content line longer than seventy-five octets.";
	t = build(&s, ITIP_REQUEST);
	for (p = t; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ASSERT_TRUE(nl != NULL);
		ASSERT_TRUE(nl > p && nl[-1] == '\r');
		ASSERT_TRUE(nl - p - 1 <= 75);
	}
	free(t);
}

TEST(cancel_says_cancelled_with_its_sequence)
{
	struct itip_session	 s = session();
	char			*t, *u;

	s.sequence = 3;
	t = build(&s, ITIP_CANCEL);
	u = unfold(t);
	ASSERT_CONTAINS(u, "METHOD:CANCEL\r\n");
	ASSERT_CONTAINS(u, "STATUS:CANCELLED\r\n");
	ASSERT_CONTAINS(u, "SEQUENCE:3\r\n");
	ASSERT_CONTAINS(u, "UID:tandem-0123456789abcdef-1@corp.example\r\n");
	ASSERT_TRUE(strstr(u, "RSVP=TRUE") == NULL);	/* nothing to answer */
	free(u);
	free(t);
}

TEST(a_message_libical_restrictions_refuse_is_not_built)
{
	struct itip_session	 s = session();
	struct tandem_diag	*d = tandem_diag_new();
	char			*t = (char *)"untouched";

	s.organizer = NULL;		/* a REQUEST needs an ORGANIZER */
	ASSERT_EQ(itip_build(&s, ITIP_REQUEST, &t, d), TANDEM_EINVAL);
	ASSERT_TRUE(t == NULL);
	ASSERT_TRUE(tandem_diag_count(d) >= 1);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "tandem-0123456789abcdef-1@corp.example: "
	    "not a valid iTIP message");
	tandem_diag_free(d);
}

#define REPLY(att, extra) \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:REPLY\r\n" \
	"BEGIN:VEVENT\r\nUID:tandem-0123456789abcdef-1@corp.example\r\n" \
	"DTSTAMP:20270105T120000Z\r\nSEQUENCE:2\r\n" att extra \
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

TEST(reply_accepted_and_declined)
{
	struct itip_reply	r;

	ASSERT_EQ(itip_parse_reply("m1", REPLY("ATTENDEE;PARTSTAT=ACCEPTED;CN=M:"
	    "mailto:Marc.Dubois@corp.example\r\n", ""), &r, NULL), 0);
	ASSERT_STR_EQ(r.uid, "tandem-0123456789abcdef-1@corp.example");
	ASSERT_STR_EQ(r.attendee, "marc.dubois@corp.example");
	ASSERT_EQ(r.partstat, ITIP_ACCEPTED);
	ASSERT_EQ(r.sequence, 2);
	ASSERT_EQ(r.dtstamp, utc(2027, 1, 5, 12, 0));
	itip_reply_clear(&r);
	ASSERT_EQ(itip_parse_reply("m2", REPLY("ATTENDEE;PARTSTAT=DECLINED:"
	    "mailto:lena.vogel@corp.example\r\n",
	    "RECURRENCE-ID;TZID=Europe/Berlin:20270111T101500\r\n"), &r, NULL), 0);
	ASSERT_EQ(r.partstat, ITIP_DECLINED);
	ASSERT_EQ(r.recurrence_id, utc(2027, 1, 11, 9, 15));
	itip_reply_clear(&r);
}

TEST(replies_that_are_not_replies_are_refused_by_name)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct itip_reply	 r;

	ASSERT_EQ(itip_parse_reply("two", REPLY("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@x\r\n", ""), &r, d), TANDEM_EPARSE);
	ASSERT_EQ(itip_parse_reply("junk", "hello", &r, d), TANDEM_EPARSE);
	ASSERT_EQ(itip_parse_reply("req", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "METHOD:REQUEST\r\nEND:VCALENDAR\r\n", &r, d), TANDEM_EPARSE);
	ASSERT_EQ(tandem_diag_count(d), 3);
	ASSERT_STR_EQ(tandem_diag_get(d, 0), "two: a REPLY names exactly one ATTENDEE");
	ASSERT_STR_EQ(tandem_diag_get(d, 1), "junk: not iCalendar data");
	ASSERT_STR_EQ(tandem_diag_get(d, 2), "req: not a REPLY, COUNTER or "
	    "REFRESH (METHOD)");
	ASSERT_TRUE(r.uid == NULL && r.attendee == NULL);
	tandem_diag_free(d);
}

#define MSG(method, body) \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:" method \
	"\r\nBEGIN:VEVENT\r\nUID:tandem-0123456789abcdef-1@corp.example\r\n" \
	"DTSTAMP:20270105T120000Z\r\nSEQUENCE:1\r\n" body \
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

TEST(declinecounter_echoes_uid_and_sequence_and_says_no_time)
{
	struct itip_session	 s = session();
	char			*t = build(&s, ITIP_DECLINECOUNTER), *u = unfold(t);

	ASSERT_CONTAINS(u, "METHOD:DECLINECOUNTER\r\n");
	ASSERT_CONTAINS(u, "UID:tandem-0123456789abcdef-1@corp.example\r\n");
	ASSERT_CONTAINS(u, "SEQUENCE:0\r\n");
	ASSERT_CONTAINS(u, "ORGANIZER;CN=Mentoring Program:mailto:mentoring@corp.example\r\n");
	ASSERT_CONTAINS(u, "mailto:marc.dubois@corp.example\r\n");
	/* RFC 5546 3.2.8: the time stays as it was, so none is said. */
	ASSERT_TRUE(strstr(u, "DTSTART;") == NULL && strstr(u, "SUMMARY") == NULL);
	free(u);
	free(t);
}

TEST(counter_and_refresh_are_read)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct itip_reply	 r;

	/* A COUNTER may repeat every attendee: the first is the one taken. */
	ASSERT_EQ(itip_parse_reply("c", MSG("COUNTER",
	    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:Marc.Dubois@corp.example\r\n"
	    "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:lena.vogel@corp.example\r\n"
	    "DTSTART;TZID=Europe/Berlin:20270112T140000\r\n"
	    "DTEND;TZID=Europe/Berlin:20270112T150000\r\n"), &r, d), 0);
	ASSERT_EQ(r.method, ITIP_IN_COUNTER);
	ASSERT_STR_EQ(r.attendee, "marc.dubois@corp.example");
	ASSERT_EQ(r.start, utc(2027, 1, 12, 13, 0));
	ASSERT_EQ(r.end, utc(2027, 1, 12, 14, 0));
	ASSERT_EQ(r.sequence, 1);
	itip_reply_clear(&r);
	ASSERT_EQ(itip_parse_reply("f", MSG("REFRESH",
	    "ATTENDEE:mailto:lena.vogel@corp.example\r\n"), &r, d), 0);
	ASSERT_EQ(r.method, ITIP_IN_REFRESH);
	ASSERT_STR_EQ(r.attendee, "lena.vogel@corp.example");
	itip_reply_clear(&r);
	ASSERT_EQ(itip_parse_reply("nodt", MSG("COUNTER",
	    "ATTENDEE:mailto:a@x\r\n"), &r, d), TANDEM_EPARSE);
	ASSERT_EQ(itip_parse_reply("pub", MSG("PUBLISH",
	    "ATTENDEE:mailto:a@x\r\n"), &r, d), TANDEM_EPARSE);
	ASSERT_EQ(tandem_diag_count(d), 2);
	ASSERT_STR_EQ(tandem_diag_get(d, 0), "nodt: a COUNTER proposes no "
	    "DTSTART with a time");
	ASSERT_STR_EQ(tandem_diag_get(d, 1), "pub: not a REPLY, COUNTER or "
	    "REFRESH (METHOD)");
	tandem_diag_free(d);
}

TT_MAIN(
	CASE(declinecounter_echoes_uid_and_sequence_and_says_no_time),
	CASE(counter_and_refresh_are_read),
	CASE(uid_is_stable_per_pair_and_index),
	CASE(request_carries_what_rfc_5546_asks),
	CASE(request_parses_back_to_the_same_instants),
	CASE(every_line_ends_in_crlf_and_is_at_most_75_octets),
	CASE(cancel_says_cancelled_with_its_sequence),
	CASE(a_message_libical_restrictions_refuse_is_not_built),
	CASE(reply_accepted_and_declined),
	CASE(replies_that_are_not_replies_are_refused_by_name)
)
