/*
 * source_http: a person's calendar given as an http(s) URL, a read-only ICS
 * feed such as Outlook's and Google's "publish calendar" links, fetched with
 * libcurl.  Feeds are polled, so each fetch after the first is a conditional
 * GET and an unchanged feed costs one small 304.  A failed fetch keeps the
 * last good body: a server that is down for an hour must not make everyone
 * look free.
 *
 * Glossary
 *   feed        one URL and what is remembered of it between fetches
 *   validator   what the server said identifies this version of the body:
 *               its ETag and its Last-Modified date, sent back as
 *               If-None-Match and If-Modified-Since
 *   cap         the largest body accepted, after decompression
 *   server      the [server] section of the configuration whose url is the
 *               longest prefix of the feed's: its user and secret files
 *
 * Only http and https are spoken, also after a redirect; TLS is always
 * verified.  Neither a secret nor the userinfo of a URL ("user:pw@") ever
 * appears in a diagnostic.
 */
#ifndef TANDEM_SOURCE_HTTP_H
#define TANDEM_SOURCE_HTTP_H

#include <stddef.h>

#include "model.h"

/* One ICS feed and what is remembered of it between fetches. */
struct source_http_feed {
	const char		*url;		/* in: http:// or https:// */
	const struct server	*server;	/* in: credentials for it, or NULL */
	size_t			 cap;		/* in: largest body; 0: SOURCE_FILE_CAP */
	char			*etag;		/* remembered, owned */
	char			*last_modified;	/* remembered, owned (raw header value) */
	char			*body;		/* last good body, NUL-terminated, owned */
	size_t			 len;
	int			 status;	/* out: HTTP status of the last fetch, 0: transport error */
	int			 changed;	/* out: 1 body replaced; 0 not modified (304) or failed (body kept) */
	int			 error;		/* out: 0 or a TANDEM_E* code */
	char			 why[400];	/* out: the error in words ("URL: ...") */
};

struct http;
typedef void (*source_http_done_fn)(void *ud, int rc);

/*
 * Fetch every feed through h, on its loop.  Errors are per feed, in
 * f->error, and reported to diag naming the URL:
 *   TANDEM_ENOENT	HTTP 404 or 410
 *   TANDEM_EIO		any other HTTP error, or the transfer failed (status 0)
 *   TANDEM_ERANGE	the body is larger than the cap (status 0)
 *   TANDEM_EINVAL	the URL is not http(s) (no request made)
 *   TANDEM_ECONFIG	the server's secret file is refused (no request made)
 *   TANDEM_ENOMEM	out of memory (not reported)
 * A feed with a body sends its validators; a 2xx replaces body, etag and
 * last_modified (changed = 1), a 304 keeps them.  The feeds must stay put
 * until cb.  Returns 0 and calls cb(ud, rc) once from the loop (rc is
 * TANDEM_ENOMEM when memory ran out on the way, else 0); returns 1 when no
 * request could be made (each feed then carries its error), or a negative
 * error, and then never calls cb.
 */
int source_http_fetch_start(struct http *h, struct source_http_feed **feeds,
    size_t n, struct tandem_diag *diag, source_http_done_fn cb, void *ud);

/*
 * The same, blocking, on a private loop with at most `parallel` connections
 * per host and no retries (tests, and callers without a loop).  Returns 0,
 * TANDEM_EINVAL for bad arguments, TANDEM_ENOMEM or TANDEM_EIO.
 */
int source_http_fetch_all(struct source_http_feed *feeds, size_t n, int parallel,
    struct tandem_diag *diag);

/* Free what the feed owns (etag, last_modified, body); url and server stay. */
void source_http_feed_clear(struct source_http_feed *f);

#endif
