/*
 * calobj: the organizer's copy tandem writes into a CalDAV calendar: no
 * METHOD, attendees tandem mails itself marked SCHEDULE-AGENT=CLIENT, and
 * replies already in the server's copy not undone.
 */
#include <stdlib.h>
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "calobj.h"

#define HEAD	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
#define EV(seq, lena, ext)						\
    "BEGIN:VEVENT\r\nUID:tandem-60e3e075d43f7fa6-1@corp.example\r\n"	\
    "SEQUENCE:" seq "\r\nDTSTAMP:20270101T000000Z\r\n"			\
    "DTSTART:20270111T101500Z\r\nDTEND:20270111T111500Z\r\n"		\
    "ORGANIZER:mailto:mentoring@corp.example\r\n"			\
    "ATTENDEE;" lena ":mailto:lena.vogel@corp.example\r\n"		\
    "ATTENDEE;" ext ":mailto:ext@elsewhere.example\r\n"		\
    "END:VEVENT\r\n"
#define TAIL	"END:VCALENDAR\r\n"

static const char *const REQUEST = HEAD "METHOD:REQUEST\r\n"
    EV("1", "PARTSTAT=NEEDS-ACTION;RSVP=TRUE", "PARTSTAT=NEEDS-ACTION;RSVP=TRUE")
    TAIL;

/* Does text hold an unfolded line starting with prefix? */
static int
has_line(const char *text, const char *prefix)
{
	const char	*p = text;

	while ((p = strstr(p, prefix)) != NULL) {
		if (p == text || p[-1] == '\n')
			return 1;
		p++;
	}
	return 0;
}

TEST(the_stored_copy_has_no_method_and_crlf_lines)
{
	char	*out;

	ASSERT_EQ(calobj_make(REQUEST, NULL, NULL, 0, &out), 0);
	ASSERT_TRUE(strstr(out, "METHOD") == NULL);
	ASSERT_TRUE(strstr(out, "UID:tandem-60e3e075d43f7fa6-1@corp.example\r\n") != NULL);
	ASSERT_TRUE(strstr(out, "SCHEDULE-AGENT") == NULL);
	ASSERT_EQ(calobj_sequence(out), 1);
	free(out);
}

TEST(an_attendee_tandem_mails_is_marked_client_without_the_servers_status)
{
	static const char *const copy = HEAD EV("1", "PARTSTAT=NEEDS-ACTION;"
	    "SCHEDULE-STATUS=1.2", "PARTSTAT=NEEDS-ACTION;SCHEDULE-STATUS=3.7")
	    TAIL;
	const char	*who[] = { "EXT@elsewhere.example" };
	char		*out;

	ASSERT_EQ(calobj_make(copy, NULL, who, 1, &out), 0);
	ASSERT_TRUE(strstr(out, "SCHEDULE-AGENT=CLIENT") != NULL);
	ASSERT_TRUE(strstr(out, "3.7") == NULL);
	ASSERT_TRUE(strstr(out, "SCHEDULE-STATUS=1.2") != NULL);	/* Lena's stays */
	free(out);
}

TEST(a_reply_in_the_copy_at_the_same_sequence_is_kept)
{
	static const char *const copy = HEAD EV("1", "PARTSTAT=ACCEPTED",
	    "PARTSTAT=DECLINED;SCHEDULE-AGENT=CLIENT") TAIL;
	char	*out;

	ASSERT_EQ(calobj_make(REQUEST, copy, NULL, 0, &out), 0);
	ASSERT_TRUE(strstr(out, "PARTSTAT=ACCEPTED") != NULL);
	ASSERT_TRUE(strstr(out, "PARTSTAT=DECLINED") != NULL);
	ASSERT_TRUE(strstr(out, "SCHEDULE-AGENT=CLIENT") != NULL);
	free(out);
}

TEST(a_move_resets_replies_but_keeps_the_client_marks)
{
	static const char *const copy = HEAD EV("0", "PARTSTAT=ACCEPTED",
	    "PARTSTAT=ACCEPTED;SCHEDULE-AGENT=CLIENT") TAIL;
	char	*out;

	ASSERT_EQ(calobj_make(REQUEST, copy, NULL, 0, &out), 0);
	ASSERT_TRUE(strstr(out, "ACCEPTED") == NULL);
	ASSERT_TRUE(strstr(out, "SCHEDULE-AGENT=CLIENT") != NULL);
	ASSERT_TRUE(has_line(out, "SEQUENCE:1"));
	free(out);
}

TEST(what_is_not_one_event_in_a_calendar_is_refused)
{
	char	*out = (char *)"x";

	ASSERT_EQ(calobj_make("not a calendar", NULL, NULL, 0, &out), TANDEM_EPARSE);
	ASSERT_TRUE(out == NULL);
	ASSERT_EQ(calobj_make(HEAD TAIL, NULL, NULL, 0, &out), TANDEM_EPARSE);
	ASSERT_EQ(calobj_make(HEAD "BEGIN:VEVENT\r\nUID:x\r\n", NULL, NULL, 0,
	    &out), TANDEM_EPARSE);
	ASSERT_EQ(calobj_sequence("garbage"), -1);
}

TT_MAIN(
	CASE(the_stored_copy_has_no_method_and_crlf_lines),
	CASE(an_attendee_tandem_mails_is_marked_client_without_the_servers_status),
	CASE(a_reply_in_the_copy_at_the_same_sequence_is_kept),
	CASE(a_move_resets_replies_but_keeps_the_client_marks),
	CASE(what_is_not_one_event_in_a_calendar_is_refused)
)
