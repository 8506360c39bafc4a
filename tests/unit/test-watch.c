/*
 * watch: tandem's own events in a person's calendar, as that person sees
 * them, found among their other events; and the busy layer leaving them out
 * (the engine books tandem's sessions itself).
 */
#include <string.h>

#include "tt.h"
#include "tandem-int.h"
#include "busy.h"
#include "watch.h"

#define UID1	"tandem-60e3e075d43f7fa6-1@corp.example"
#define UID2	"tandem-60e3e075d43f7fa6-2@corp.example"

static const char *const CAL =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:standup@corp.example\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART:20270111T090000Z\r\nDTEND:20270111T093000Z\r\nSUMMARY:Standup\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:" UID1 "\r\nSEQUENCE:0\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART:20270111T101500Z\r\nDTEND:20270111T111500Z\r\nSUMMARY:Mentoring\r\n"
    "ATTENDEE;CN=Lena Vogel;PARTSTAT=ACCEPTED:mailto:lena.vogel@corp.example\r\n"
    "ATTENDEE;CN=Marc Dubois;PARTSTAT=DECLINED:MAILTO:Marc.Dubois@corp.example\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:" UID1 "\r\nSEQUENCE:1\r\nDTSTAMP:20270102T000000Z\r\n"
    "DTSTART:20270111T113000Z\r\nDTEND:20270111T123000Z\r\nSUMMARY:Mentoring\r\n"
    "ATTENDEE;PARTSTAT=TENTATIVE:mailto:marc.dubois@corp.example\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:" UID2 "\r\nSEQUENCE:0\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART:20270201T101500Z\r\nDTEND:20270201T111500Z\r\nSTATUS:CANCELLED\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:tandem-not-ours@corp.example\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART:20270111T140000Z\r\nDTEND:20270111T150000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

TEST(tandem_events_are_found_as_their_owner_sees_them)
{
	struct watch_set	 w = { NULL, 0, 0 };
	const struct watch_event *e;

	ASSERT_EQ(watch_scan(CAL, "marc.dubois@corp.example", &w), 0);
	ASSERT_EQ(w.n, 2);
	e = watch_find(&w, UID1);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ(e->sequence, 1);		/* the newest copy counts */
	ASSERT_EQ(e->partstat, ITIP_TENTATIVE);
	ASSERT_EQ(e->cancelled, 0);
	e = watch_find(&w, UID2);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ(e->cancelled, 1);
	ASSERT_EQ(e->partstat, ITIP_NEEDS_ACTION);	/* not an attendee in it */
	ASSERT_TRUE(watch_find(&w, "tandem-not-ours@corp.example") == NULL);
	ASSERT_TRUE(watch_find(&w, "standup@corp.example") == NULL);
	watch_set_free(&w);
}

TEST(the_owner_is_matched_without_regard_to_case_and_only_the_owner)
{
	struct watch_set	 w = { NULL, 0, 0 };
	const char		*old;

	/* Only the SEQUENCE 0 copy, where Marc (in capitals) declined. */
	old = strstr(CAL, "BEGIN:VEVENT\r\nUID:" UID1 "\r\nSEQUENCE:1");
	ASSERT_TRUE(old != NULL);
	{
		char	text[4096];

		snprintf(text, sizeof(text), "%.*sEND:VCALENDAR\r\n",
		    (int)(old - CAL), CAL);
		ASSERT_EQ(watch_scan(text, "marc.dubois@corp.example", &w), 0);
		ASSERT_EQ(watch_find(&w, UID1)->partstat, ITIP_DECLINED);
		watch_set_free(&w);
		ASSERT_EQ(watch_scan(text, "lena.vogel@corp.example", &w), 0);
		ASSERT_EQ(watch_find(&w, UID1)->partstat, ITIP_ACCEPTED);
		watch_set_free(&w);
		ASSERT_EQ(watch_scan(text, "tom.becker@corp.example", &w), 0);
		ASSERT_EQ(watch_find(&w, UID1)->partstat, ITIP_NEEDS_ACTION);
		watch_set_free(&w);
	}
}

TEST(a_calendar_without_tandem_events_or_a_truncated_one_gives_none)
{
	struct watch_set	 w = { NULL, 0, 0 };
	char			 cut[2048];

	ASSERT_EQ(watch_scan("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "a@b", &w), 0);
	ASSERT_EQ(w.n, 0);
	/* Cut inside the first tandem event: nothing from it, no crash. */
	snprintf(cut, sizeof(cut), "%.*s", (int)(strstr(CAL, "SUMMARY:Mentoring") -
	    CAL), CAL);
	ASSERT_EQ(watch_scan(cut, "marc.dubois@corp.example", &w), 0);
	ASSERT_EQ(w.n, 0);
	watch_set_free(&w);
}

TEST(the_busy_layer_leaves_tandem_events_out_and_collects_them)
{
	struct busy_set		 set = { NULL, 0, 0 };
	struct watch_set	 w = { NULL, 0, 0 };
	struct busy_req		 r;
	struct tandem_diag	*d = tandem_diag_new();

	memset(&r, 0, sizeof(r));
	r.source = "marc.ics";
	r.owner = "marc.dubois@corp.example";
	r.from = (int64_t)civil_days(2027, 1, 1) * 86400;
	r.to = (int64_t)civil_days(2027, 3, 1) * 86400;
	r.watch = &w;
	ASSERT_EQ(busy_from_ical(&r, CAL, &set, d), 0);
	ASSERT_EQ(busy_merge(&set), 0);
	/* The standup and the lookalike UID stay busy; tandem's do not. */
	ASSERT_EQ(set.n, 2);
	ASSERT_EQ(set.v[0].start, (int64_t)civil_days(2027, 1, 11) * 86400 + 9 * 3600);
	ASSERT_EQ(set.v[1].start, (int64_t)civil_days(2027, 1, 11) * 86400 + 14 * 3600);
	ASSERT_EQ(w.n, 2);
	busy_set_free(&set);
	watch_set_free(&w);
	tandem_diag_free(d);
}

/* The organizer's copy: each attendee's reply and the server's delivery. */
TEST(the_organizers_copy_gives_every_attendees_reply_and_schedule_status)
{
	static const char *const org =
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "BEGIN:VEVENT\r\nUID:" UID1 "\r\nSEQUENCE:2\r\n"
	    "DTSTAMP:20270101T000000Z\r\n"
	    "DTSTART:20270111T101500Z\r\nDTEND:20270111T111500Z\r\n"
	    "ORGANIZER:mailto:mentoring@corp.example\r\n"
	    "ATTENDEE;PARTSTAT=ACCEPTED;SCHEDULE-STATUS=2.0:mailto:Lena.Vogel@corp.example\r\n"
	    "ATTENDEE;SCHEDULE-AGENT=client;SCHEDULE-STATUS=\"3.7;Invalid user\":\r\n"
	    " mailto:ext@elsewhere.example\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";
	struct watch_set	 w = { NULL, 0, 0 };
	const struct watch_event *e;
	const struct watch_att	*a;

	ASSERT_EQ(watch_scan(org, "", &w), 0);
	e = watch_find(&w, UID1);
	ASSERT_TRUE(e != NULL);
	ASSERT_EQ(e->sequence, 2);
	ASSERT_EQ((int)e->natt, 2);
	ASSERT_EQ(e->partstat, ITIP_NEEDS_ACTION);	/* no owner among them */
	a = watch_attendee(e, "MAILTO:lena.vogel@corp.example");
	ASSERT_TRUE(a != NULL);
	ASSERT_EQ(a->partstat, ITIP_ACCEPTED);
	ASSERT_STR_EQ(a->status, "2.0");
	ASSERT_EQ(a->client, 0);
	a = watch_attendee(e, "ext@elsewhere.example");
	ASSERT_TRUE(a != NULL);
	ASSERT_EQ(a->partstat, ITIP_NEEDS_ACTION);
	ASSERT_EQ(a->client, 1);
	ASSERT_TRUE(a->status != NULL && strncmp(a->status, "3.7", 3) == 0);
	ASSERT_TRUE(watch_attendee(e, "nobody@corp.example") == NULL);
	watch_set_free(&w);
}

TT_MAIN(
	CASE(tandem_events_are_found_as_their_owner_sees_them),
	CASE(the_owner_is_matched_without_regard_to_case_and_only_the_owner),
	CASE(a_calendar_without_tandem_events_or_a_truncated_one_gives_none),
	CASE(the_busy_layer_leaves_tandem_events_out_and_collects_them),
	CASE(the_organizers_copy_gives_every_attendees_reply_and_schedule_status)
)
