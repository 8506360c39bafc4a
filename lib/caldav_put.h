/*
 * caldav_put: a session written into the organizer's CalDAV calendar,
 * where the server's implicit scheduling (RFC 6638) delivers it.
 *
 * One write is a job on the loop:
 *   find    a calendar-query for the UID: the copy the server holds, at
 *           whatever href (a second copy of a UID is never made)
 *   put     create with If-None-Match: *, or replace with If-Match; a 412
 *           (someone wrote in between: an attendee's reply) finds the copy
 *           again, keeps its PARTSTATs and tries once more
 *   check   the copy read back: an attendee whose SCHEDULE-STATUS is not
 *           1.x or 2.x (3.7 "invalid calendar user", or none at all on a
 *           server that does not schedule) was not reached
 *   mark    those attendees are handed to the caller (who queues an e-mail
 *           for each) and marked SCHEDULE-AGENT=CLIENT, so that the server
 *           never delivers to them later and nobody gets two invitations
 * A cancellation deletes the copy (the server sends CANCEL); its client
 * attendees are handed to the caller first, to be mailed the CANCEL.
 *
 * A write that ends without error leaves the server as asked: running it
 * again (after a crash, say) finds the copy at its SEQUENCE and does not
 * write twice.
 */
#ifndef TANDEM_CALDAV_PUT_H
#define TANDEM_CALDAV_PUT_H

#include <stddef.h>

#include "model.h"

struct http;

struct caldav_put {
	const char		*calendar;	/* the collection's URL */
	const struct server	*server;
	const char		*uid;
	int			 sequence;
	int			 cancel;	/* delete rather than write */
	const char		*ics;		/* the iTIP REQUEST (METHOD dropped) */
	int			 all_client;	/* every attendee is mailed anyway */
	const char *const	*client;	/* attendees known unreachable */
	size_t			 nclient;
	/*
	 * The attendees (bare addresses) tandem must mail itself.  Called
	 * before the copy is marked or deleted; a negative return ends the
	 * write with that error.
	 */
	int			(*unreachable)(void *ud, const char *const *who,
				    size_t n);
	/* The end: rc 0 or TANDEM_E*, message says why (or what was done). */
	void			(*done)(void *ud, int rc, const char *message);
	void			*ud;
};

/*
 * Start the write; the strings of p are borrowed until done is called.
 * 0 (done will be called from the loop) or an error (it will not).
 */
int caldav_put_start(struct http *h, const struct caldav_put *p);

#endif
