/*
 * watch: what people's calendars say about tandem's own sessions.  When a
 * person's calendar holds one of tandem's invitations (its UID has
 * itip_uid()'s form), its copy tells whether they accepted or declined,
 * and whether they cancelled or deleted it.  Pure: calendar text in, a list
 * out; the engine compares it with what it sent.
 */
#ifndef TANDEM_WATCH_H
#define TANDEM_WATCH_H

#include <stddef.h>

#include "itip.h"

/* One ATTENDEE of an event, as the copy says. */
struct watch_att {
	char			*email;		/* bare address, lower-case */
	enum itip_partstat	 partstat;
	char			*status;	/* SCHEDULE-STATUS (RFC 6638), or NULL */
	int			 client;	/* SCHEDULE-AGENT=CLIENT */
};

struct watch_event {
	char			*uid;
	int			 sequence;
	enum itip_partstat	 partstat;	/* the owner's; NEEDS-ACTION if absent */
	int			 cancelled;	/* STATUS:CANCELLED */
	struct watch_att	*att;		/* every attendee (the organizer's
						   copy tells each one's reply) */
	size_t			 natt;
};

struct watch_set {
	struct watch_event	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Add the tandem events of text, as owner (an e-mail address, or "" for
 * the organizer's copy: no owner among the attendees) sees them, to set.  A UID found twice keeps its copy with the highest SEQUENCE.  A
 * damaged event is skipped.  0 or TANDEM_ENOMEM.
 */
int watch_scan(const char *text, const char *owner, struct watch_set *set);

/* The attendee email (bare or mailto:) of w, or NULL. */
const struct watch_att *watch_attendee(const struct watch_event *w,
    const char *email);

/* The event with uid in set, or NULL. */
const struct watch_event *watch_find(const struct watch_set *set,
    const char *uid);

void watch_set_free(struct watch_set *set);

#endif
