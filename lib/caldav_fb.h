/*
 * caldav_fb: busy time from a CalDAV server's free/busy, by the best means
 * the server offers, probed once per server and remembered:
 *
 *   outbox   a VFREEBUSY REQUEST POSTed to the service account's
 *            schedule-outbox (RFC 6638): any user's busy time by address
 *   query    a free-busy-query REPORT on the person's calendar (RFC 4791)
 *   events   the events themselves (caldav.c) and local expansion
 *
 * The probe runs once per server (scheme://authority), right after a
 * person's events were read: it discovers the account's principal
 * (/.well-known/caldav, else the [server] URL) and outbox, asks the outbox,
 * then the free-busy-query, and trusts an answer only when it covers
 * exactly the time the same person's events cover.  A 207, a body that is
 * not a calendar, a recipient-level failure or a disagreement is not
 * trusted: the next means is tried, and events is the last.  A calendar
 * whose [server] section says freebusy = events is always read as events
 * (and never probed with).
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
	CALDAV_FB_UNKNOWN,	/* not probed yet */
	CALDAV_FB_EVENTS,
	CALDAV_FB_QUERY,
	CALDAV_FB_OUTBOX
};

/* What tandem knows of one server; kept between passes. */
struct caldav_srv {
	char			*origin;
	enum caldav_fb_means	 means;
	int			 probing;	/* a probe is in flight */
	char			*outbox;	/* the account's outbox URL, or NULL */
	char			*self;		/* mailto: of the account, or NULL */
	char			 why[256];	/* why this means */
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
	const struct caldav_cal	*dav;		/* the person's calendar, read */
	const char		*owner;		/* the person's address */
	int64_t			 from, to;
	const struct busy	*cut;		/* tandem's own sessions of the */
	size_t			 ncut;		/* person: taken out of answers */
};

/*
 * Probe srv's means with a person whose calendar was just read, events
 * being all its busy time over [from, to), tandem's own events included as
 * a server's answer has them (ask->cut is applied to the answer first).  Sets srv->means and srv->why; cb(ud, 0) from
 * the loop.  0, or an error (cb is not called).  ask is copied.
 */
int caldav_fb_probe(struct caldav_srv *srv, struct http *h,
    const struct caldav_fb_ask *ask, const struct busy_set *events,
    struct tandem_diag *diag, caldav_fb_done_fn cb, void *ud);

/*
 * The person's busy time by srv->means (outbox or query) into *out, cut;
 * cb(ud, rc) from the loop, rc 0 or an error (reported to diag: the caller
 * reads the events instead).  0, or an error (cb not called).
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
