/*
 * http: every HTTP request tandem makes, on the host's libuv loop.  The only
 * file that calls curl_multi_*: libcurl's multi interface is driven by
 * uv_poll handles for its sockets and one uv_timer for its timeouts, so a
 * request never blocks the loop and no thread polls.
 *
 * A request is queued, started when its host has a free connection (at most
 * `connections` at once per host; kept alive between requests), retried on
 * what is worth retrying, and ends with one call of its callback.
 *
 * Glossary
 *   host        scheme://host:port of the URL: the unit of the connection limit
 *   transient   a transport error, a timeout, HTTP 429 or a 5xx: retried after
 *               base * 2^attempt, with jitter, or when Retry-After says
 *   cap         the largest body accepted, after decompression
 *   where       the URL as messages show it: without userinfo
 *
 * Only http and https are spoken (and SMTP when a request asks for it),
 * also after a redirect, and TLS is always verified (ca_file of the [server]
 * section replaces the system store).  A redirect (301, 302, 303, 307, 308;
 * at most 5) is followed by http itself with the same method, body and
 * headers (a 303 with a GET), and with the credentials only while the
 * origin stays the same; the result says where the answer came from.
 * Neither a secret nor the userinfo of a URL appears in a message.
 */
#ifndef TANDEM_HTTP_H
#define TANDEM_HTTP_H

#include <stddef.h>

#include <uv.h>

#include "model.h"

struct http;

/* How a request went.  Owned by http; valid until the callback returns. */
struct http_result {
	int		 error;		/* 0, or TANDEM_EIO / ERANGE / ECONFIG / ENOMEM / ECANCELED */
	int		 status;	/* HTTP status of the last answer; 0: none */
	char		*body;		/* NUL-terminated; the callback may take it (set NULL) */
	size_t		 len;
	char		*etag;		/* response headers, NULL when absent */
	char		*last_modified;
	char		*content_type;
	const char	*where;		/* the URL without userinfo */
	char		 message[512];	/* why, when error != 0 or status is not 2xx */
	int		 attempts;	/* how many times it was sent */
	char		*url;		/* after redirects: the URL that answered
					   (userinfo and all); NULL when none */
	int		 moved;		/* every redirect was permanent (301,
					   308): url is the place from now on */
	int		 login_denied;	/* SMTP: AUTH refused */
	int		 tls_failed;	/* no TLS: handshake, certificate, STARTTLS */
};

struct http_request;
typedef void (*http_done_fn)(struct http_request *req,
    struct http_result *res, void *ud);

/* A request: the caller fills it; http copies what it keeps. */
struct http_request {
	const char		*method;	/* NULL: GET */
	const char		*url;
	const struct server	*server;	/* credentials, ca_file; or NULL */
	const char		*body;		/* copied; NULL: none */
	size_t			 body_len;
	const char		*content_type;	/* of body */
	const char		*depth;		/* WebDAV Depth header, or NULL */
	const char		*if_match;	/* ETag, or NULL */
	const char		*if_none_match;	/* ETag or "*", or NULL */
	const char		*if_modified_since;
	size_t			 cap;		/* 0: 64 MiB */
	int			 keep_error_body;	/* keep the body of a non-2xx */
	int			 once;		/* no retry: the caller retries */
	/*
	 * SMTP (an smtp:// or smtps:// url): body is the message, sent as is
	 * (CRLF, dot-stuffed by libcurl) from mail_from to each of mail_rcpt
	 * (NULL-terminated bare addresses); starttls: refuse to go on without
	 * STARTTLS.  status is then the last SMTP reply code, set also when
	 * error is TANDEM_EIO (a 4xx or 5xx ends the transfer).
	 */
	const char		*mail_from;
	const char *const	*mail_rcpt;
	int			 starttls;
	http_done_fn		 cb;
	void			*ud;
};

/* Limits; zero fields take the defaults in brackets. */
struct http_opts {
	int	connections;		/* per host [4] */
	int	timeout_ms;		/* whole transfer [60000] */
	int	connect_timeout_ms;	/* [10000] */
	int	retries;		/* transient failures retried [3] */
	int	backoff_ms;		/* first retry delay [500] */
	int	retry_after_max_ms;	/* longest Retry-After obeyed [60000] */
};

/* 0 or TANDEM_ENOMEM / TANDEM_EIO (libcurl cannot start). */
int http_new(uv_loop_t *loop, const struct http_opts *opts, struct http **out);

/*
 * Queue req.  Returns 0 and calls req->cb exactly once, from the loop, never
 * from inside this call; or returns an error (TANDEM_EINVAL: not an http(s)
 * URL, TANDEM_ECONFIG: the server's secret refused, reported in diag;
 * TANDEM_ENOMEM; TANDEM_ECANCELED: closing) and never calls it.
 */
int http_submit(struct http *h, const struct http_request *req,
    struct tandem_diag *diag);

/* Requests queued or in flight. */
size_t http_pending(const struct http *h);

/* End every request now with TANDEM_ECANCELED; h stays usable. */
void http_cancel_all(struct http *h);

/*
 * Fail every request with TANDEM_ECANCELED (callbacks run from the loop),
 * close every handle and free h in the last close callback, then call done.
 * h must not be used after this call.
 */
void http_close(struct http *h, void (*done)(void *), void *ud);

/* The URL without userinfo; the caller frees it. NULL on ENOMEM. */
char *http_redact(const char *url);

/* The [server] whose url is the longest path-boundary prefix of url. */
const struct server *http_server_for(const struct tandem_config *cfg,
    const char *url);

/* Reason phrase for a status, " Not Found", or "". */
const char *http_reason(long code);

#endif
