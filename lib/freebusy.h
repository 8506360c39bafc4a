/*
 * freebusy: asking a CalDAV server for people's free/busy time and judging
 * its answer.  Pure: text in, data out; caldav.c sends and receives.
 *
 * Two ways to ask: a POST to the service account's schedule-outbox with a
 * VFREEBUSY REQUEST naming several people (RFC 6638 §3.2.10), answered with
 * one status and one VFREEBUSY per person; or a free-busy-query REPORT on one
 * calendar (RFC 4791 §7.10), answered with a bare VFREEBUSY.  Either answer
 * may be wrong in ways that look like success (a 207 of bare hrefs, a
 * VFREEBUSY that drops recurring instances), so a server's free/busy is
 * trusted only once it agreed with the events of the same calendar
 * (freebusy_agrees()).
 *
 * The rule throughout: unknown is not free.  Whatever makes an answer
 * doubtful (a failed or missing status, a damaged period, a text cut short,
 * a range narrower than the one asked) is an error, never an empty set.
 *
 * Glossary
 *   recipient   one person asked in a schedule-outbox POST: a calendar-user
 *               address, "mailto:bob@example.org"; compared without the
 *               "mailto:" and ignoring case
 *   request-status  a recipient's outcome, "2.0;Success"; RFC 5545 §3.8.8.3
 *               class 2 (2.x, 2.x.y) is success, 1.x pending, 3.x an error
 *               in the request (3.7 unknown calendar user), 5.x a failure
 *   period      one FREEBUSY value: start/end or start/duration, in UTC;
 *               FBTYPE FREE is free, BUSY, BUSY-TENTATIVE, BUSY-UNAVAILABLE
 *               and unknown types are busy (RFC 5545 §3.2.9)
 *   range       the VFREEBUSY's DTSTART/DTEND: the time its periods speak
 *               for; time outside it is unknown, not free
 */
#ifndef TANDEM_FREEBUSY_H
#define TANDEM_FREEBUSY_H

#include <stddef.h>
#include <stdint.h>

#include "busy.h"

struct dav_sched_item;

/* What a schedule-outbox free/busy request asks.  All borrowed. */
struct freebusy_query {
	const char		*uid;		/* the VFREEBUSY's UID */
	int64_t			 dtstamp;	/* UTC: when the request is made */
	int64_t			 from;		/* the range asked, UTC */
	int64_t			 to;
	const char		*organizer;	/* the asking account's address */
	const char *const	*attendees;	/* the people asked */
	size_t			 nattendees;
};

/*
 * The body of a schedule-outbox POST asking q (caller frees *text): a
 * VCALENDAR with METHOD:REQUEST holding one VFREEBUSY with UID, DTSTAMP,
 * DTSTART and DTEND in UTC, ORGANIZER and one ATTENDEE per person, each
 * address as a "mailto:" URI whether or not it was given with one.  CRLF line
 * ends, folded at 75 octets.  No Recipient/Originator headers are needed
 * (RFC 6638 dropped them; the server reads ORGANIZER and ATTENDEE).
 * Returns 0, TANDEM_EINVAL (no attendee, an empty address or UID, a control
 * character in one, from >= to) or TANDEM_ENOMEM; *text is NULL on error.
 */
int freebusy_request(const struct freebusy_query *q, char **text);

/*
 * The busy time of recipient in [from, to) out of a parsed schedule-response
 * (dav_parse_schedule_response()), merged per kind into *out, which is
 * emptied first (its storage reused).  The first item whose recipient
 * matches is used.  Returns 0, or with a reason in why ("recipient
 * bob@example.org: 3.7;Invalid calendar user") and *out empty:
 *   TANDEM_ENOENT  the recipient is not in the answer
 *   TANDEM_EIO     its request-status is not class 2 (1.x, 3.x, 5.x)
 *   TANDEM_EPARSE  no or an unreadable request-status; class 2 without
 *                  calendar-data; calendar-data that is not one complete
 *                  VCALENDAR holding a VFREEBUSY, or with a damaged period
 *   TANDEM_ERANGE  the VFREEBUSY's range does not cover [from, to)
 *   TANDEM_EINVAL, TANDEM_ENOMEM
 * The range is checked only when every VFREEBUSY states one with plain UTC
 * (or floating, read as UTC) DTSTART and DTEND.
 */
int freebusy_from_schedule(const struct dav_sched_item *v, size_t n,
    const char *recipient, int64_t from, int64_t to, struct busy_set *out,
    char *why, size_t whylen);

/*
 * The busy time in [from, to) out of the 200 answer to a free-busy-query
 * REPORT: len bytes of body (need not be NUL-terminated) of type
 * content_type, which must be text/calendar (parameters allowed).  As
 * freebusy_from_schedule() for *out and the errors; TANDEM_EPARSE also for
 * any other or no content type ("not a calendar: application/xml") and for a
 * NUL byte in the body.
 */
int freebusy_from_report(const char *body, size_t len,
    const char *content_type, int64_t from, int64_t to, struct busy_set *out,
    char *why, size_t whylen);

/*
 * Does the free/busy answer fb cover exactly the time the events-derived
 * set events covers within [from, to)?  Any kind counts as busy; either set
 * may be unsorted and overlapping, and neither is changed.  Returns 1, or 0
 * with the first disagreement in why ("free/busy says free
 * 2027-03-02T08:00Z–09:00Z where an event is busy", or "says busy ... where
 * no event is"), or TANDEM_ENOMEM / TANDEM_EINVAL.
 */
int freebusy_agrees(const struct busy_set *fb, const struct busy_set *events,
    int64_t from, int64_t to, char *why, size_t whylen);

/*
 * Remove the time of cut[0..n) from every interval of *set, splitting an
 * interval that a cut falls inside: how tandem's own sessions are taken out
 * of a free/busy answer, which cannot tell them from other meetings.  The
 * pieces keep their kind and the set's order; empty cuts are ignored.
 * Returns 0, or TANDEM_ENOMEM / TANDEM_EINVAL with *set unchanged.
 */
int freebusy_subtract(struct busy_set *set, const struct busy *cut, size_t n);

#endif
