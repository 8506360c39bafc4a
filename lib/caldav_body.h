/*
 * caldav_body: the request bodies of a calendar read (caldav.c,
 * caldav_find.c).  Each returns a malloc'd NUL-terminated body, or NULL on
 * ENOMEM.
 */
#ifndef TANDEM_CALDAV_BODY_H
#define TANDEM_CALDAV_BODY_H

#include <stddef.h>
#include <stdint.h>

#define CALDAV_MULTIGET_MAX	100	/* hrefs per calendar-multiget */

/*
 * The PROPFIND of a probe, a listing and a token check: the type, ctag,
 * sync token, reports, home, components, owner and principal-URL.
 */
#define CALDAV_PROP_PROBE							\
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"			\
	"<d:propfind xmlns:d=\"DAV:\" "					\
	"xmlns:c=\"urn:ietf:params:xml:ns:caldav\" "			\
	"xmlns:cs=\"http://calendarserver.org/ns/\"><d:prop>"		\
	"<d:resourcetype/><cs:getctag/><d:sync-token/>"			\
	"<d:supported-report-set/><c:calendar-home-set/>"		\
	"<c:supported-calendar-component-set/>"				\
	"<d:owner/><d:principal-URL/>"					\
	"</d:prop></d:propfind>"

/* A calendar-query of the VEVENTs that touch [from, to) (UTC). */
char *caldav_body_query(int64_t from, int64_t to);
/* A sync-collection from token (NULL or "": a first sync), level 1. */
char *caldav_body_sync(const char *token);
/*
 * A calendar-multiget of the first hrefs of href[0 .. n_href), at most
 * CALDAV_MULTIGET_MAX; *count says how many went in.
 */
char *caldav_body_multiget(char *const *href, size_t n_href, size_t *count);

#endif
