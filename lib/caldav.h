/*
 * caldav: a person's calendar read from a CalDAV server (RFC 4791), kept in
 * step between reads.
 *
 * The calendar URL is probed once with a PROPFIND: a calendar collection is
 * read as it is; a principal or a calendar home is followed to its calendar
 * collections (calendar-home-set, also on another host); anything that is
 * not WebDAV at all is an ICS feed (caldav_cal.kind says so, and the caller
 * fetches it as one).
 *
 * Each collection's events are fetched with a calendar-query for a time
 * range a little wider than the window asked for, and kept with their
 * ETags.  Later reads ask what changed: sync-collection with the stored
 * token (RFC 6578), else the collection's ctag; an unchanged calendar costs
 * one small request.  A changed event is fetched again with
 * calendar-multiget, a deleted one dropped; a token the server refuses
 * starts one full read again.
 *
 * Glossary
 *   collection  one calendar on the server: its URL, ctag, token and events
 *   covered     the time range the last calendar-query fetched
 *   strategy    how busy time is got: events (calendar-query and local
 *               expansion); free-busy-query is probed once per server and
 *               used only when its answer agrees with the events
 */
#ifndef TANDEM_CALDAV_H
#define TANDEM_CALDAV_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct http;

enum caldav_kind {
	CALDAV_UNKNOWN,		/* not probed yet, or the probe failed */
	CALDAV_FEED,		/* not WebDAV: an ICS feed */
	CALDAV_DAV		/* one or more calendar collections */
};

struct caldav_obj {
	char	*href;
	char	*etag;
	char	*data;		/* the iCalendar object */
};

struct caldav_coll {
	char			*url;
	char			*ctag;
	char			*token;
	unsigned		 reports;	/* DAV_R_* the server says it has */
	int64_t			 from, to;	/* covered; to == 0: nothing yet */
	int			 fresh;		/* ctag, token and reports just
						   read (probe or listing): the
						   first query needs no PROPFIND */
	struct caldav_obj	*v;
	size_t			 n, cap;
};

/* What the last read did, for logs and benchmarks. */
struct caldav_stats {
	size_t	requests;
	size_t	unchanged;	/* collections found unchanged */
	size_t	fetched;	/* objects fetched */
	size_t	deleted;	/* objects dropped */
	size_t	resyncs;	/* tokens refused: full reads */
};

struct caldav_cal {
	char			*url;		/* owned */
	const struct server	*server;	/* borrowed from the config */
	enum caldav_kind	 kind;
	struct caldav_coll	*colls;
	size_t			 ncolls;
	int			 changed;	/* the last read changed objects */
	int			 error;		/* the last read: 0 or TANDEM_E* */
	char			 why[400];	/* and why, in words ("URL: ...") */
	struct caldav_stats	 st;
	void			*job;		/* a read in flight */
};

typedef void (*caldav_done_fn)(void *ud, struct caldav_cal *cal);

/*
 * Bring cal up to date for [from, to) through h.  Problems are reported to
 * diag naming the URL; on failure cal->error is set and what was read
 * before is kept.  Returns 0 and calls cb once from the loop, or an error
 * (and never calls it).
 */
int caldav_read(struct caldav_cal *cal, struct http *h, int64_t from,
    int64_t to, struct tandem_diag *diag, caldav_done_fn cb, void *ud);

/*
 * href resolved against base: an absolute URL stays, "/path" takes base's
 * scheme and authority, anything else is relative to base's folder.  NULL
 * on ENOMEM or a base that is not a URL.
 */
char *caldav_resolve(const char *base, const char *href);

/* Do two hrefs or URLs name the same path? */
int caldav_same_href(const char *a, const char *b);

/* The same, paths percent-decoded, without query or trailing '/'. */
int caldav_same_place(const char *a, const char *b);

/* PROPFIND bodies: the account's principal; a principal's outbox and address. */
#define CALDAV_PROP_PRINCIPAL						\
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"			\
	"<d:propfind xmlns:d=\"DAV:\"><d:prop>"				\
	"<d:current-user-principal/></d:prop></d:propfind>"

#define CALDAV_PROP_BOXES						\
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"			\
	"<d:propfind xmlns:d=\"DAV:\" "					\
	"xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop>"		\
	"<c:schedule-outbox-URL/><c:calendar-user-address-set/>"	\
	"</d:prop></d:propfind>"

struct http_result;
struct dav_multistatus;
struct dav_response;

/* The first response of a 207 answer, parsed into ms; NULL when none. */
struct dav_response *caldav_first_207(const struct http_result *res,
    struct dav_multistatus *ms);

/* Free what cal holds (not cal itself); no read may be in flight. */
void caldav_cal_clear(struct caldav_cal *cal);

#endif
