/*
 * caldav_body: the XML bodies of the requests a calendar read sends, as
 * text (see caldav_body.h).  Pure: values in, a malloc'd body out; every
 * value from outside (a sync token, an href) is XML-escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tandem-int.h"
#include "caldav_body.h"
#include "dav_xml.h"

/* A time for a CalDAV time-range: 20270301T000000Z. */
static void
dav_time(int64_t t, char *buf, size_t n)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm);
}

char *
caldav_body_query(int64_t from, int64_t to)
{
	char	a[32], b[32], *s = NULL;

	dav_time(from, a, sizeof(a));
	dav_time(to, b, sizeof(b));
	if (asprintf(&s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<c:calendar-query xmlns:d=\"DAV:\" "
	    "xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
	    "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
	    "<c:filter><c:comp-filter name=\"VCALENDAR\">"
	    "<c:comp-filter name=\"VEVENT\">"
	    "<c:time-range start=\"%s\" end=\"%s\"/>"
	    "</c:comp-filter></c:comp-filter></c:filter>"
	    "</c:calendar-query>", a, b) < 0)
		return NULL;
	return s;
}

char *
caldav_body_sync(const char *token)
{
	char	*t, *s = NULL;

	t = dav_xml_escape(token != NULL ? token : "");
	if (t == NULL)
		return NULL;
	if (asprintf(&s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<d:sync-collection xmlns:d=\"DAV:\">"
	    "<d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level>"
	    "<d:prop><d:getetag/></d:prop></d:sync-collection>", t) < 0)
		s = NULL;
	free(t);
	return s;
}

char *
caldav_body_multiget(char *const *href, size_t n_href, size_t *count)
{
	char	*s = NULL, *e, *grown;
	size_t	 len, i, n = 0;

	if (asprintf(&s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<c:calendar-multiget xmlns:d=\"DAV:\" "
	    "xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
	    "<d:prop><d:getetag/><c:calendar-data/></d:prop>") < 0)
		return NULL;
	for (i = 0; i < n_href && n < CALDAV_MULTIGET_MAX; i++, n++) {
		e = dav_xml_escape(href[i]);
		len = strlen(s);
		grown = e != NULL ? realloc(s, len + strlen(e) +
		    sizeof("<d:href></d:href>")) : NULL;
		if (grown == NULL) {
			free(e);
			free(s);
			return NULL;
		}
		s = grown;
		sprintf(s + len, "<d:href>%s</d:href>", e);
		free(e);
	}
	len = strlen(s);
	grown = realloc(s, len + 32);
	if (grown == NULL) {
		free(s);
		return NULL;
	}
	strcpy(grown + len, "</c:calendar-multiget>");
	*count = n;
	return grown;
}
