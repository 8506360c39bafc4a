/*
 * caldav_fb: busy time from a CalDAV server's free/busy, for the people
 * whose events tandem may not read (the service account has free/busy
 * rights only: the server answers 403 to reading the calendar).  Where the
 * events can be read they are the truth and this is never asked: servers
 * answer free/busy wrongly for some people (floating and all-day events
 * placed in UTC, declined events counted busy), so an answer that agrees
 * for one person proves nothing for the next.
 *   outbox   a VFREEBUSY REQUEST POSTed to the service account's
 *            schedule-outbox (RFC 6638): any user's busy time by address
 *   query    a free-busy-query REPORT on the person's calendar (RFC 4791)
 * The account's principal (/.well-known/caldav, else the [server] URL) and
 * outbox are found once per server (scheme://authority) and remembered;
 * the outbox is asked first, and an outbox that will not answer for a
 * person (a 3.x request-status, an HTTP error) leaves the free-busy-query.
 * A 207, a body that is not a calendar or a recipient-level failure is no
 * answer: the person stays unreadable, and their sessions unschedulable.
 *
 * Glossary
 *   origin    scheme://authority of a calendar URL: what "a server" is here
 *   self      the service account's calendar address (ORGANIZER of the
 *             free/busy request)
 */
#ifndef TANDEM_CALDAV_FB_H
#define TANDEM_CALDAV_FB_H

#include <stddef.h>
#include <stdint.h>

#include "busy.h"
#include "caldav.h"
#include "model.h"

struct http;

enum caldav_fb_means {
	CALDAV_FB_UNKNOWN,	/* not asked */
	CALDAV_FB_EVENTS,
	CALDAV_FB_QUERY,
	CALDAV_FB_OUTBOX
};

/* What tandem knows of one server; kept between passes. */
struct caldav_srv {
	char			*origin;
	enum caldav_fb_means	 means;		/* how people are read: events */
	char			 why[256];	/* why this means */
	int			 discovered;	/* the account's outbox looked for */
	char			*outbox;	/* the account's outbox URL, or NULL */
	char			*self;		/* mailto: of the account, or NULL */
	char			 fb_why[128];	/* what the discovery found */
	/* health, for tandemctl status */
	int64_t			 last_ok;	/* UTC of the last good answer, 0 */
	int64_t			 last_fail;
	char			 last_error[256];
	size_t			 requests;
	size_t			 failures;
};

typedef void (*caldav_fb_done_fn)(void *ud, int rc);

/* One free/busy question: whose, over which time, without what. */
struct caldav_fb_ask {
	const struct server	*server;	/* credentials, or NULL */
	const struct caldav_cal	*dav;		/* the person's calendar: its URL,
						   and its collections if known */
	const char		*owner;		/* the person's address */
	int64_t			 from, to;
	const struct busy	*cut;		/* tandem's own sessions of the */
	size_t			 ncut;		/* person: taken out of answers */
	enum caldav_fb_means	*used;		/* out: how it was answered */
	char			*why;		/* out: why not, in words */
	size_t			 why_size;
};

/*
 * The person's busy time from the server's free/busy into *out, with
 * ask->cut taken out; cb(ud, rc) from the loop, rc 0 or an error (then
 * ask->why says why, and it was reported to diag).  0, or an error (cb not
 * called).  ask is copied; its out pointers must outlive the read.
 */
int caldav_fb_read(struct caldav_srv *srv, struct http *h,
    const struct caldav_fb_ask *ask, struct busy_set *out,
    struct tandem_diag *diag, caldav_fb_done_fn cb, void *ud);

/* The origin of url (malloc'd), or NULL. */
char *caldav_fb_origin(const char *url);

void caldav_srv_clear(struct caldav_srv *srv);

/* "outbox", "free-busy-query", "events" or "not probed yet". */
const char *caldav_fb_means_name(enum caldav_fb_means m);

#endif
