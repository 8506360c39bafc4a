/*
 * itip: the iCalendar messages of a session (RFC 5546), and replies read
 * back.  Pure: text in, text out; the engine decides what to send and when.
 *
 * Glossary
 *   UID       stable for a session whatever happens to it: derived from the
 *             program, the pair and the index, never from the slot
 *   SEQUENCE  0 for the first REQUEST, one more for each move and for the
 *             CANCEL (RFC 5546 2.1.4); the engine keeps it in the store
 *   method    REQUEST (create or move) or CANCEL (skip, pause, end)
 */
#ifndef TANDEM_ITIP_H
#define TANDEM_ITIP_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "tandem/tandem.h"

enum itip_method {
	ITIP_REQUEST,
	ITIP_CANCEL,
	ITIP_DECLINECOUNTER	/* the organizer keeps the time (RFC 5546 3.2.8) */
};

struct itip_person {
	const char	*email;		/* bare address */
	const char	*name;		/* CN, may be NULL */
};

struct itip_session {
	const char		*uid;
	int			 sequence;
	int64_t			 dtstamp;	/* UTC: when the message is made */
	int64_t			 start;		/* UTC */
	int64_t			 end;
	icaltimezone		*tz;		/* DTSTART/DTEND are written in it */
	const char		*organizer;	/* mailto: URI */
	const char		*organizer_cn;	/* may be NULL */
	struct itip_person	 who[2];	/* mentor, mentee */
	const char		*summary;
	const char		*description;	/* the agenda, may be NULL */
};

/*
 * The UID of session index of a pair: "tandem-" + 16 hex digits of a hash
 * of program, mentor and mentee (lower-cased) + "-" + index + "@" + domain.
 * Caller frees.  NULL when out of memory.
 */
char *itip_uid(const char *program, const char *mentor, const char *mentee,
    unsigned index, const char *domain);

/* ORGANIZER:uri, with CN=cn unless cn is NULL or empty. */
icalproperty *itip_organizer(const char *uri, const char *cn);

/*
 * Does uid have itip_uid()'s form?  The busy layer leaves tandem's own
 * sessions out of people's busy time: the engine accounts for them.
 */
int itip_is_tandem_uid(const char *uid);

/*
 * The message as iCalendar text with CRLF line ends (caller frees): one
 * VCALENDAR with METHOD, the VTIMEZONE of tz, and the VEVENT.  It must pass
 * libical's icalrestriction_check(); when it does not, the reasons go to
 * diag and TANDEM_EINVAL is returned.  0, TANDEM_EINVAL or TANDEM_ENOMEM.
 */
int itip_build(const struct itip_session *s, enum itip_method m, char **text,
    struct tandem_diag *diag);

enum itip_partstat {
	ITIP_NEEDS_ACTION,
	ITIP_ACCEPTED,
	ITIP_DECLINED,
	ITIP_TENTATIVE,
	ITIP_DELEGATED
};

enum itip_in_method {
	ITIP_IN_REPLY,		/* an attendee's answer */
	ITIP_IN_COUNTER,	/* an attendee proposes another time */
	ITIP_IN_REFRESH		/* an attendee asks for the invitation again */
};

/* A message from an attendee: who said what of which version of which session. */
struct itip_reply {
	enum itip_in_method	 method;
	char			*uid;
	char			*attendee;	/* bare address, lower-case */
	enum itip_partstat	 partstat;
	int			 sequence;
	int64_t			 dtstamp;	/* UTC, 0 when absent */
	int64_t			 recurrence_id;	/* UTC, 0 when absent */
	int64_t			 start;		/* COUNTER: the time proposed */
	int64_t			 end;		/* 0 when absent */
};

/*
 * Read a METHOD:REPLY, COUNTER or REFRESH message.  Anything else (another
 * method, no VEVENT, no UID, no ATTENDEE or more than one in a REPLY or a
 * REFRESH, an unknown PARTSTAT in a REPLY, a COUNTER without a DTSTART
 * with a time) is reported to diag naming source and is TANDEM_EPARSE.
 * ORGANIZER may be absent (outlook.com leaves it out).  Free with
 * itip_reply_clear().
 */
int itip_parse_reply(const char *source, const char *text, struct itip_reply *r,
    struct tandem_diag *diag);
void itip_reply_clear(struct itip_reply *r);

#endif
