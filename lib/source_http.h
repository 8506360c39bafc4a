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
};

/*
 * Fetch every feed, at most `parallel` at once, with curl multi (blocking:
 * curl_multi_poll).  Errors are per feed, in f->error, and reported to diag
 * naming the URL:
 *   TANDEM_ENOENT	HTTP 404 or 410
 *   TANDEM_EIO		any other HTTP error, or the transfer failed (status 0)
 *   TANDEM_ERANGE	the body is larger than the cap (status 0)
 *   TANDEM_EINVAL	the URL is not http(s) (no request made)
 *   TANDEM_ECONFIG	the server's secret file is refused (no request made)
 *   TANDEM_ENOMEM	out of memory (not reported)
 * A feed with a body sends its validators; a 2xx replaces body, etag and
 * last_modified (changed = 1), a 304 keeps them.  Returns 0, TANDEM_EINVAL
 * for bad arguments, TANDEM_ENOMEM when memory ran out on the way (the other
 * feeds are still fetched), or TANDEM_EIO when libcurl cannot be set up or
 * its multi interface fails (unfinished feeds then carry that error).
 *
 * The first call initialises libcurl (curl_global_init, once, under
 * pthread_once).  That is safe against concurrent first calls of this
 * function, but not against another thread of the process calling
 * curl_global_init or curl_global_cleanup itself at the same moment:
 * a host that uses libcurl on its own should initialise it first.
 */
int source_http_fetch_all(struct source_http_feed *feeds, size_t n, int parallel,
    struct tandem_diag *diag);

/* Free what the feed owns (etag, last_modified, body); url and server stay. */
void source_http_feed_clear(struct source_http_feed *f);

/*
 * The [server] section whose url is the longest prefix of url, or NULL.  The
 * prefix must end at a path boundary, so that the credentials for
 * https://cal.example.com never go to https://cal.example.com.evil.net/.
 */
const struct server *source_http_server_for(const struct tandem_config *cfg,
    const char *url);

#endif
