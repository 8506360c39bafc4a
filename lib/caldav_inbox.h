/*
 * caldav_inbox: the organizer's schedule inbox (RFC 6638) emptied of the
 * items about tandem's sessions after each read of the organizer's
 * calendar (see caldav_inbox.c).
 */
#ifndef TANDEM_CALDAV_INBOX_H
#define TANDEM_CALDAV_INBOX_H

#include <stddef.h>

#include "model.h"

struct http;

struct caldav_inbox {
	char	*url;		/* found through the principal, or NULL */
	int	 none;		/* the server has none: not asked again */
	int	 busy;		/* a run is in flight */
	size_t	 replies;	/* REPLY items seen, in all */
	size_t	 removed;	/* items deleted, in all */
};

typedef void (*caldav_inbox_done_fn)(void *ud);

/*
 * Read the inbox of the calendar's owner and delete tandem's items; cb(ud)
 * from the loop.  0 started, 1 nothing to do (no inbox, or a run in
 * flight: cb is not called), or an error (cb is not called).  The strings
 * are borrowed until cb.
 */
int caldav_inbox_run(struct caldav_inbox *box, struct http *h,
    const struct server *server, const char *calendar,
    caldav_inbox_done_fn cb, void *ud);

void caldav_inbox_clear(struct caldav_inbox *box);

#endif
