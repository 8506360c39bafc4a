/*
 * http: libcurl's multi interface on the host's libuv loop (see http.h).
 *
 * curl tells us which sockets to watch (on_socket) and when to call it back
 * (on_curl_timer); a uv_poll per socket and one uv_timer answer it, and
 * every answer ends by draining curl_multi_info_read.  User callbacks run
 * from that drain, never from inside a libcurl callback, and a callback may
 * submit more requests or close http: the close then waits for the drain.
 *
 * A request (struct xfer) is QUEUED until its host has a free connection,
 * RUNNING while curl has it, WAITING for a retry on the `later` timer, and
 * then finished: its callback runs and it is freed.  Every state change goes
 * through xfer_set_state().
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <uv.h>

#include "tandem-int.h"
#include "http.h"
#include "http-int.h"
#include "secret.h"

#define USER_AGENT	"tandem/" PACKAGE_VERSION
#define MAX_REDIRS	5L
#define DEFAULT_CAP	(64u * 1024 * 1024)
#define LOW_SPEED_LIMIT	64L	/* bytes/s ... */
#define LOW_SPEED_TIME	30L	/* ... for this many seconds: abandoned */

enum xstate { X_NEW, X_QUEUED, X_RUNNING, X_WAITING, X_DONE };

struct host {
	char	*key;		/* scheme://authority, lower-case */
	int	 active;
	int	 queued;	/* requests waiting for a connection */
	long	 auth;		/* CURLAUTH_* learnt from the server; 0: ask */
};

struct sock {
	uv_poll_t	 poll;
	curl_socket_t	 fd;
	struct http	*h;
	struct sock	*next, *prev;
};

struct xfer {
	struct xfer		*next, *prev;	/* in one of http's lists */
	struct http		*h;
	enum xstate		 state;
	size_t			 host;		/* index into h->hosts */
	CURL			*easy;
	struct curl_slist	*headers;
	char			*url;
	char			*asked;		/* after a redirect: the first url */
	char			*method;
	char			*body_out;	/* the request body */
	size_t			 body_out_len;
	char			*secret;
	struct curl_slist	*rcpt;		/* SMTP recipients */
	size_t			 sent;		/* SMTP: bytes of body_out read */
	int			 smtp;
	int			 basic_ok;	/* a password: Basic may go first */
	size_t			 cap;
	int			 keep_error_body;
	uint64_t		 due;		/* WAITING: uv_now of the retry */
	long			 retry_after_ms;	/* from the last answer; -1 none */
	int			 toobig, nomem;
	int			 dead;		/* WAITING only to finish */
	int			 hops;		/* redirects followed */
	int			 temporary;	/* one of them was not permanent */
	size_t			 size;
	struct http_result	 res;
	char			*where;
	char			 errbuf[CURL_ERROR_SIZE];
	http_done_fn		 cb;
	void			*ud;
	struct http_request	 req;		/* for the callback; strings point into us */
};

struct xlist {
	struct xfer	*head, *tail;
};

struct http {
	uv_loop_t		*loop;
	CURLM			*multi;
	uv_timer_t		 timer;		/* curl's timeouts */
	uv_timer_t		 later;		/* retries */
	struct http_opts	 o;
	struct xlist		 queued, running, waiting;
	struct host		*hosts;
	size_t			 nhosts, hosts_cap;
	struct sock		*socks;
	size_t			 pending;
	int			 open_handles;
	int			 draining;	/* user callbacks may be running */
	int			 closing;
	int			 close_asked;
	uint64_t		 rng;
	void			(*closed)(void *);
	void			*closed_ud;
};

static void	drain(struct http *);
static void	pump(struct http *);
static void	finish(struct xfer *);
static void	really_close(struct http *);
static void	arm_later(struct http *);
static void	on_later(uv_timer_t *);

/* curl_global_init once; not thread-safe in every libcurl build. */
static pthread_once_t	global_once = PTHREAD_ONCE_INIT;
static CURLcode		global_rc = CURLE_FAILED_INIT;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void
list_add(struct xlist *l, struct xfer *x)
{
	x->next = NULL;
	x->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = x;
	else
		l->head = x;
	l->tail = x;
}

static void
list_del(struct xlist *l, struct xfer *x)
{
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		l->head = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	else
		l->tail = x->prev;
	x->next = x->prev = NULL;
}

static struct xlist *
list_of(struct http *h, enum xstate s)
{
	switch (s) {
	case X_QUEUED:
		return &h->queued;
	case X_RUNNING:
		return &h->running;
	case X_WAITING:
		return &h->waiting;
	default:
		return NULL;
	}
}

/* The one place a request changes state: it moves between the lists. */
static void
xfer_set_state(struct xfer *x, enum xstate s)
{
	struct xlist	*from = list_of(x->h, x->state), *to = list_of(x->h, s);

	if (from != NULL)
		list_del(from, x);
	if (to != NULL)
		list_add(to, x);
	if (x->state == X_QUEUED)
		x->h->hosts[x->host].queued--;
	if (s == X_QUEUED)
		x->h->hosts[x->host].queued++;
	x->state = s;
}

static int
host_find(struct http *h, const char *where, size_t *out)
{
	char	*k = http_origin_key(where);
	size_t	 i;
	int	 rc;

	if (k == NULL)
		return TANDEM_ENOMEM;
	for (i = 0; i < h->nhosts; i++)
		if (strcmp(h->hosts[i].key, k) == 0)
			break;
	if (i == h->nhosts) {
		rc = util_grow((void **)&h->hosts, &h->hosts_cap, h->nhosts + 1,
		    sizeof(*h->hosts));
		if (rc < 0) {
			free(k);
			return rc;
		}
		memset(&h->hosts[i], 0, sizeof(h->hosts[i]));
		h->hosts[i].key = k;
		h->nhosts++;
	} else
		free(k);
	*out = i;
	return 0;
}

/*
 * libcurl passes the headers of every answer, also of the redirects and the
 * 401 that starts authentication: a status line starts over.
 */
static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;
	char		*ra = NULL;
	int		 rc = 0;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		TANDEM_FREE(x->res.etag);
		TANDEM_FREE(x->res.last_modified);
		TANDEM_FREE(x->res.content_type);
		x->retry_after_ms = -1;
		return n;
	}
	rc |= http_header_value(line, n, "ETag", &x->res.etag);
	rc |= http_header_value(line, n, "Last-Modified", &x->res.last_modified);
	rc |= http_header_value(line, n, "Content-Type", &x->res.content_type);
	rc |= http_header_value(line, n, "Retry-After", &ra);
	if (ra != NULL)
		x->retry_after_ms = http_retry_after_ms(ra);
	free(ra);
	if (rc < 0) {
		x->nomem = 1;
		return 0;		/* aborts the transfer */
	}
	return n;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;
	long		 code = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if ((code < 200 || code > 299) && !x->keep_error_body)
		return n;	/* an error page: only its status counts */
	if (n > x->cap - x->res.len) {
		x->toobig = 1;
		return 0;		/* aborts with CURLE_WRITE_ERROR */
	}
	if (util_grow((void **)&x->res.body, &x->size, x->res.len + n + 1, 1) < 0) {
		x->nomem = 1;
		return 0;
	}
	memcpy(x->res.body + x->res.len, data, n);
	x->res.len += n;
	x->res.body[x->res.len] = '\0';
	return n;
}

/* Append a request header; the formatted copy is wiped, it may hold a token. */
static int
add_header(struct xfer *x, const char *fmt, ...)
{
	struct curl_slist	*l;
	va_list			 ap;
	char			*hd = NULL;
	int			 len;

	va_start(ap, fmt);
	len = vasprintf(&hd, fmt, ap);
	va_end(ap);
	if (len < 0)
		return TANDEM_ENOMEM;
	l = curl_slist_append(x->headers, hd);
	explicit_bzero(hd, (size_t)len);
	free(hd);
	if (l == NULL)
		return TANDEM_ENOMEM;
	x->headers = l;
	return 0;
}

static int
set_headers(struct xfer *x, const struct http_request *r)
{
	int	rc = 0;

	/* curl's own "Expect: 100-continue" costs a round trip per PUT. */
	rc = add_header(x, "Expect:");
	if (rc == 0 && r->content_type != NULL)
		rc = add_header(x, "Content-Type: %s", r->content_type);
	if (rc == 0 && r->depth != NULL)
		rc = add_header(x, "Depth: %s", r->depth);
	if (rc == 0 && r->if_match != NULL)
		rc = add_header(x, "If-Match: %s", r->if_match);
	if (rc == 0 && r->if_none_match != NULL)
		rc = add_header(x, "If-None-Match: %s", r->if_none_match);
	if (rc == 0 && r->if_modified_since != NULL)
		rc = add_header(x, "If-Modified-Since: %s", r->if_modified_since);
	return rc;
}

/* The message, fed to libcurl for SMTP's DATA. */
static size_t
on_upload(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb, left = x->body_out_len - x->sent;

	if (n > left)
		n = left;
	memcpy(buf, x->body_out + x->sent, n);
	x->sent += n;
	return n;
}

/* CURLE_OK (0) or the first failed setopt: only http(s), redirects too. */
static int
http_options(struct xfer *x)
{
	CURL	*e = x->easy;
	int	 bad = 0;

#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* Redirects are followed by follow(): libcurl's would drop the body. */
	bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (x->method != NULL && strcmp(x->method, "GET") != 0)
		bad |= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
	if (x->method != NULL && strcmp(x->method, "HEAD") == 0)
		bad |= curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	if (x->body_out != NULL) {
		bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body_out);
		bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->body_out_len);
	}
	return bad;
}

/*
 * SMTP: envelope, the message as the upload, TLS as asked (smtps is TLS
 * from the start).  0 or nonzero as http_options; TANDEM_ENOMEM is
 * reported the same way, as a failed setup.
 */
static int
smtp_options(struct xfer *x, const struct http_request *r)
{
	CURL			*e = x->easy;
	struct curl_slist	*l;
	char			*from = NULL;
	size_t			 i;
	int			 bad = 0;

#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	for (i = 0; r->mail_rcpt != NULL && r->mail_rcpt[i] != NULL; i++) {
		l = curl_slist_append(x->rcpt, r->mail_rcpt[i]);
		if (l == NULL)
			return 1;
		x->rcpt = l;
	}
	if (x->rcpt == NULL || asprintf(&from, "<%s>", r->mail_from) < 0)
		return 1;
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);	/* copied */
	free(from);
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	bad |= curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_READFUNCTION, on_upload);
	bad |= curl_easy_setopt(e, CURLOPT_READDATA, x);
	bad |= curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)x->body_out_len);
	bad |= curl_easy_setopt(e, CURLOPT_USE_SSL, r->starttls ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	return bad;
}

/*
 * Everything but credentials.  A failed setopt is out of memory or a
 * libcurl without the option; either way the transfer must not run without,
 * say, its protocol restriction.  CURLE_OK is 0, so bad stays 0 only when
 * every call succeeded.
 */
static int
set_options(struct xfer *x, const struct http_request *r)
{
	struct http	*h = x->h;
	CURL		*e = x->easy;
	int		 bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_URL, x->url);
	bad |= x->smtp ? smtp_options(x, r) : http_options(x);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)h->o.connect_timeout_ms);
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    r->server != NULL && r->server->timeout > 0 ?
	    (long)r->server->timeout * 1000L : (long)h->o.timeout_ms);
	bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT);
	bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME);
	bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->cap);
	bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, USER_AGENT);
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	if (r->server != NULL && r->server->ca_file != NULL)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, r->server->ca_file);
	return bad ? TANDEM_EIO : 0;
}

/*
 * A password goes to libcurl, which answers a Basic or a Digest challenge;
 * once a host is known to take Basic, it is sent with the first request and
 * the 401 round trip is saved.  A token goes as a Bearer header.  libcurl
 * drops both when a redirect leaves the host.
 */
static int
set_auth(struct xfer *x, const struct server *sv, struct tandem_diag *diag)
{
	const char	*file, *p;
	int		 rc, bad = 0;

	if (sv == NULL || (sv->password_file == NULL && sv->token_file == NULL))
		return 0;
	file = sv->password_file != NULL ? sv->password_file : sv->token_file;
	if (sv->password_file != NULL && sv->user == NULL) {
		diag_add(diag, x->where, 0, "not fetched: a password_file needs a user");
		return TANDEM_ECONFIG;
	}
	rc = secret_read(file, &x->secret, diag);
	if (rc == TANDEM_ENOMEM)
		return rc;
	if (rc < 0) {
		diag_add(diag, x->where, 0, "not fetched: its %s is refused",
		    sv->password_file != NULL ? "password_file" : "token_file");
		return TANDEM_ECONFIG;
	}
	if (sv->password_file != NULL) {
		bad |= curl_easy_setopt(x->easy, CURLOPT_USERNAME, sv->user);
		bad |= curl_easy_setopt(x->easy, CURLOPT_PASSWORD, x->secret);
		if (!x->smtp)
			bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH,
			    (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
		x->basic_ok = !x->smtp;
		return bad ? TANDEM_EIO : 0;
	}
	if (x->smtp) {
		diag_add(diag, x->where, 0, "not sent: SMTP takes a "
		    "password_file, not a token_file");
		return TANDEM_ECONFIG;
	}
	for (p = x->secret; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			diag_add(diag, file, 0, "a token must be one line of text");
			return TANDEM_ECONFIG;
		}
	}
	return add_header(x, "Authorization: Bearer %s", x->secret);
}

static void
xfer_free(struct xfer *x)
{
	struct curl_slist	*l;

	for (l = x->headers; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	curl_slist_free_all(x->rcpt);
	curl_easy_cleanup(x->easy);
	secret_free(x->secret);
	free(x->url);
	free(x->asked);
	free(x->method);
	free(x->body_out);
	free(x->where);
	free(x->res.body);
	free(x->res.etag);
	free(x->res.last_modified);
	free(x->res.content_type);
	free(x->res.url);
	free(x);
}

/* Copy what the request must keep; strings in x->req then point into x. */
static int
xfer_copy(struct xfer *x, const struct http_request *r)
{
	x->req = *r;
	x->url = util_strdup(r->url);
	x->method = r->method != NULL ? util_strdup(r->method) : NULL;
	x->where = http_redact(r->url);
	if (r->body != NULL) {
		x->body_out = util_strndup(r->body, r->body_len);
		x->body_out_len = r->body_len;
	}
	if (x->url == NULL || x->where == NULL ||
	    (r->method != NULL && x->method == NULL) ||
	    (r->body != NULL && x->body_out == NULL))
		return TANDEM_ENOMEM;
	x->req.url = x->url;
	x->req.method = x->method;
	x->req.body = x->body_out;
	x->req.content_type = x->req.depth = NULL;
	x->req.if_match = x->req.if_none_match = x->req.if_modified_since = NULL;
	x->res.where = x->where;
	x->cap = r->cap != 0 ? r->cap : DEFAULT_CAP;
	x->keep_error_body = r->keep_error_body;
	x->smtp = r->mail_from != NULL;
	x->req.mail_from = NULL;
	x->req.mail_rcpt = NULL;
	x->cb = r->cb;
	x->ud = r->ud;
	return 0;
}

int
http_submit(struct http *h, const struct http_request *r,
    struct tandem_diag *diag)
{
	struct xfer	*x = NULL;
	int		 rc;

	if (tandem_fails_assert(h != NULL && r != NULL && r->url != NULL &&
	    r->cb != NULL))
		return TANDEM_EINVAL;
	if (h->closing)
		return TANDEM_ECANCELED;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return TANDEM_ENOMEM;
	x->h = h;
	x->retry_after_ms = -1;
	rc = xfer_copy(x, r);
	if (rc < 0)
		goto out;
	if (x->smtp ? !http_is_smtp_url(r->url) : !http_is_http_url(r->url)) {
		diag_add(diag, x->where, 0, x->smtp ? "not an smtp or smtps URL" :
		    "not an http or https URL");
		rc = TANDEM_EINVAL;
		goto out;
	}
	rc = host_find(h, x->where, &x->host);
	if (rc < 0)
		goto out;
	x->easy = curl_easy_init();
	if (x->easy == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	rc = set_options(x, r);
	if (rc == 0)
		rc = set_auth(x, r->server, diag);
	if (rc == 0 && !x->smtp)
		rc = set_headers(x, r);
	if (rc == 0 && !x->smtp && curl_easy_setopt(x->easy,
	    CURLOPT_HTTPHEADER, x->headers) != CURLE_OK)
		rc = TANDEM_EIO;
	if (rc == TANDEM_EIO)
		diag_add(diag, x->where, 0, "libcurl cannot set up the transfer");
out:
	if (rc < 0) {
		xfer_free(x);
		return rc;
	}
	h->pending++;
	xfer_set_state(x, X_QUEUED);
	pump(h);
	return 0;
}

/* Reset what an attempt collects, then hand the transfer to curl. */
static void
start(struct xfer *x)
{
	struct http	*h = x->h;
	struct host	*hs = &h->hosts[x->host];

	TANDEM_FREE(x->res.body);
	TANDEM_FREE(x->res.etag);
	TANDEM_FREE(x->res.last_modified);
	TANDEM_FREE(x->res.content_type);
	x->res.len = 0;
	x->size = 0;
	x->sent = 0;
	x->toobig = x->nomem = 0;
	x->errbuf[0] = '\0';
	x->retry_after_ms = -1;
	x->res.attempts++;
	if (x->basic_ok && hs->auth != 0)
		curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, hs->auth);
	xfer_set_state(x, X_RUNNING);
	hs->active++;
	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		/* Finished from the loop: never inside http_submit(). */
		hs->active--;
		x->res.error = TANDEM_ENOMEM;
		snprintf(x->res.message, sizeof(x->res.message),
		    "libcurl cannot start the transfer");
		x->dead = 1;
		x->due = uv_now(h->loop);
		xfer_set_state(x, X_WAITING);
		arm_later(h);
	}
}

/* Has a host a request waiting and a connection free? */
static int
startable(const struct http *h)
{
	size_t	i;

	for (i = 0; i < h->nhosts; i++)
		if (h->hosts[i].queued > 0 && h->hosts[i].active < h->o.connections)
			return 1;
	return 0;
}

/*
 * Start what the connection limits allow, oldest first.  The queue is
 * walked only while something can start: with a thousand requests waiting
 * for one busy host, a socket event no longer looks at each of them.
 */
static void
pump(struct http *h)
{
	struct xfer	*x, *next;

	for (x = h->queued.head; x != NULL && !h->closing && startable(h);
	    x = next) {
		next = x->next;
		if (h->hosts[x->host].active < h->o.connections)
			start(x);
	}
}

/*
 * A request that went wrong after a redirect says where it was sent first:
 * the URL in the message is not the one configured.
 */
static void
redirected_note(struct xfer *x)
{
	size_t	n = strlen(x->res.message);
	char	*first;

	if (x->res.message[0] == '\0' || x->asked == NULL)
		return;
	first = http_redact(x->asked);
	snprintf(x->res.message + n, sizeof(x->res.message) - n,
	    " (redirected there from %s)", first != NULL ? first : "?");
	free(first);
}

/* The user's callback, then the request is gone. */
static void
finish(struct xfer *x)
{
	struct http	*h = x->h;

	if (x->hops > 0 && x->res.url == NULL) {
		x->res.url = util_strdup(x->url);
		x->res.moved = !x->temporary;
		redirected_note(x);
	}
	xfer_set_state(x, X_DONE);
	h->pending--;
	h->draining++;
	x->cb(&x->req, &x->res, x->ud);
	h->draining--;
	xfer_free(x);
}

static void
arm_later(struct http *h)
{
	struct xfer	*x;
	uint64_t	 now = uv_now(h->loop), first = UINT64_MAX;

	for (x = h->waiting.head; x != NULL; x = x->next)
		if (x->due < first)
			first = x->due;
	if (first == UINT64_MAX)
		uv_timer_stop(&h->later);
	else
		uv_timer_start(&h->later, on_later, first > now ? first - now : 0, 0);
}

/* Retries that are due go back to the queue; failed starts finish here. */
static void
on_later(uv_timer_t *t)
{
	struct http	*h = t->data;
	struct xfer	*x, *next;
	uint64_t	 now = uv_now(h->loop);

	if (h->closing)
		return;
	h->draining++;
	for (x = h->waiting.head; x != NULL && !h->close_asked; x = next) {
		next = x->next;
		if (x->due > now)
			continue;
		if (x->dead)
			finish(x);
		else
			xfer_set_state(x, X_QUEUED);
		next = h->waiting.head;		/* a callback may change the list */
	}
	h->draining--;
	if (h->close_asked && h->draining == 0) {
		really_close(h);
		return;
	}
	pump(h);
	arm_later(h);
}

/* xorshift64*: jitter only, so that retries of many requests spread out. */
static double
jitter(struct http *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return (double)((h->rng * 2685821657736338717ULL) >> 11) /
	    (double)(1ULL << 53);
}

static int
transient(CURLcode cc, long code)
{
	switch (cc) {
	case CURLE_OK:
		return code == 429 || code == 500 || code == 502 ||
		    code == 503 || code == 504;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Fill res.error and res.message from the attempt's outcome. */
static void
outcome(struct xfer *x, CURLcode cc, long code)
{
	char	cap[32], text[CURL_ERROR_SIZE];

	x->res.status = cc == CURLE_OK || x->smtp ? (int)code : 0;
	x->res.login_denied = cc == CURLE_LOGIN_DENIED;
	x->res.tls_failed = cc == CURLE_SSL_CONNECT_ERROR ||
	    cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_USE_SSL_FAILED ||
	    cc == CURLE_SSL_CACERT_BADFILE || cc == CURLE_SSL_CERTPROBLEM;
	x->res.error = 0;
	x->res.message[0] = '\0';
	if (x->nomem) {
		x->res.error = TANDEM_ENOMEM;
		snprintf(x->res.message, sizeof(x->res.message), "out of memory");
	} else if (x->toobig || cc == CURLE_FILESIZE_EXCEEDED) {
		http_cap_text(x->cap, cap, sizeof(cap));
		x->res.error = TANDEM_ERANGE;
		x->res.status = 0;
		snprintf(x->res.message, sizeof(x->res.message),
		    "larger than %s", cap);
	} else if (cc != CURLE_OK) {
		snprintf(text, sizeof(text), "%s",
		    x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(cc));
		http_scrub(text, x->secret);
		http_scrub_url_password(text, x->url);
		x->res.error = TANDEM_EIO;
		if (cc == CURLE_UNSUPPORTED_PROTOCOL)
			snprintf(x->res.message, sizeof(x->res.message),
			    "refused a redirect to a protocol other than http "
			    "or https (%s)", text);
		else
			snprintf(x->res.message, sizeof(x->res.message), "%s", text);
	} else if (!x->smtp && (code < 200 || code > 399))
		snprintf(x->res.message, sizeof(x->res.message), "HTTP %ld%s",
		    code, http_reason(code));
}

/* Remember what a host answered a password with: Basic goes first next time. */
static void
learn_auth(struct xfer *x, long code)
{
	struct host	*hs = &x->h->hosts[x->host];
	long		 avail = 0;

	if (!x->basic_ok || hs->auth != 0 || code == 401)
		return;
	if (curl_easy_getinfo(x->easy, CURLINFO_HTTPAUTH_AVAIL, &avail) != CURLE_OK)
		return;
	if (avail == CURLAUTH_BASIC)
		hs->auth = CURLAUTH_BASIC;
}

static int
is_redirect(long code)
{
	return code == 301 || code == 302 || code == 303 || code == 307 ||
	    code == 308;
}

/* The Authorization header and the password go: another origin answers. */
static int
drop_credentials(struct xfer *x)
{
	struct curl_slist	*l, *kept = NULL, *n;
	int			 bad = 0;

	for (l = x->headers; l != NULL; l = l->next) {
		if (strncasecmp(l->data, "Authorization:", 14) == 0)
			continue;
		n = curl_slist_append(kept, l->data);
		if (n == NULL) {
			curl_slist_free_all(kept);
			return TANDEM_ENOMEM;
		}
		kept = n;
	}
	for (l = x->headers; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	x->headers = kept;
	bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	bad |= curl_easy_setopt(x->easy, CURLOPT_USERNAME, NULL);
	bad |= curl_easy_setopt(x->easy, CURLOPT_PASSWORD, NULL);
	bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_NONE);
	x->basic_ok = 0;
	return bad ? TANDEM_EIO : 0;
}

/* A 303 is answered with a GET of the new place, without the body. */
static int
see_other(struct xfer *x)
{
	int	bad = 0;

	TANDEM_FREE(x->method);
	TANDEM_FREE(x->body_out);
	x->body_out_len = 0;
	x->req.method = NULL;
	x->req.body = NULL;
	x->req.body_len = 0;
	bad |= curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, NULL);
	bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	return bad ? TANDEM_EIO : 0;
}

/* Point x at url (absolute), its host and its redacted form. */
static int
retarget(struct xfer *x, const char *url)
{
	char	*copy = util_strdup(url), *where = http_redact(url);
	int	 rc;

	if (copy == NULL || where == NULL) {
		free(copy);
		free(where);
		return TANDEM_ENOMEM;
	}
	if (x->asked == NULL)
		x->asked = x->url;	/* req.url points to it */
	else
		free(x->url);
	free(x->where);
	x->url = copy;
	x->where = where;
	x->res.where = where;
	rc = host_find(x->h, x->where, &x->host);
	if (rc == 0 && curl_easy_setopt(x->easy, CURLOPT_URL, x->url) != CURLE_OK)
		rc = TANDEM_EIO;
	return rc;
}

/*
 * A redirect answered: send the same request (method, body, Depth and the
 * other headers) to the new place, at most MAX_REDIRS times, http(s)
 * only.  libcurl's own following would resend a REPORT or PROPFIND without
 * its body after a 301 or 302, which CalDAV servers answer 400.  The
 * credentials go along only while the origin stays the same.  0 when the
 * request is queued again; otherwise res says why and the caller finishes.
 */
static int
follow(struct xfer *x, long code)
{
	char	*to = NULL, *from_key = NULL, *to_key = NULL, *url = NULL;
	int	 rc = 0;

	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &to);
	if (to == NULL) {
		snprintf(x->res.message, sizeof(x->res.message),
		    "HTTP %ld without a Location to follow", code);
		x->res.error = TANDEM_EIO;
		return 1;
	}
	if (x->hops >= MAX_REDIRS || !http_is_http_url(to)) {
		url = http_redact(to);
		if (x->hops >= MAX_REDIRS)
			snprintf(x->res.message, sizeof(x->res.message),
			    "more than %ld redirects (the last, HTTP %ld, to "
			    "%.300s)", MAX_REDIRS, code, url != NULL ? url : "?");
		else
			snprintf(x->res.message, sizeof(x->res.message),
			    "refused a redirect (HTTP %ld) to %.300s: not an "
			    "http or https URL", code, url != NULL ? url : "?");
		free(url);
		x->res.error = TANDEM_EIO;
		return 1;
	}
	url = util_strdup(to);		/* to dies with the next setopt */
	from_key = http_origin_key(x->where);
	to_key = url != NULL ? http_origin_key(url) : NULL;
	if (to_key == NULL || from_key == NULL)
		rc = TANDEM_ENOMEM;
	if (rc == 0 && strcmp(from_key, to_key) != 0)
		rc = drop_credentials(x);
	if (rc == 0 && code == 303)
		rc = see_other(x);
	if (rc == 0)
		rc = retarget(x, url);
	free(url);
	free(from_key);
	free(to_key);
	if (rc < 0) {
		x->res.error = rc;
		snprintf(x->res.message, sizeof(x->res.message),
		    "HTTP %ld: the redirect cannot be followed (%s)", code,
		    tandem_strerror(rc));
		return 1;
	}
	x->hops++;
	x->temporary |= code != 301 && code != 308;
	xfer_set_state(x, X_QUEUED);
	return 0;
}

/* An attempt ended: retry it later, or finish it. */
static void
attempt_done(struct xfer *x, CURLcode cc)
{
	struct http	*h = x->h;
	long		 code = 0, delay;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_multi_remove_handle(h->multi, x->easy);
	h->hosts[x->host].active--;
	outcome(x, cc, code);
	learn_auth(x, code);
	if (cc == CURLE_OK && !x->smtp && !h->closing && is_redirect(code) &&
	    follow(x, code) == 0)
		return;
	if (!h->closing && !x->nomem && !x->toobig && !x->req.once &&
	    !x->smtp && transient(cc, code) &&
	    x->res.attempts - x->hops <= h->o.retries) {
		delay = (long)((double)h->o.backoff_ms *
		    (double)(1L << (x->res.attempts - 1)) * (0.5 + jitter(h)));
		if (x->retry_after_ms > h->o.retry_after_max_ms) {
			snprintf(x->res.message + strlen(x->res.message),
			    sizeof(x->res.message) - strlen(x->res.message),
			    " (Retry-After %ld s: not waited for)",
			    x->retry_after_ms / 1000);
			finish(x);
			return;
		}
		if (x->retry_after_ms >= 0)
			delay = x->retry_after_ms;
		x->due = uv_now(h->loop) + (uint64_t)delay;
		xfer_set_state(x, X_WAITING);
		arm_later(h);
		return;
	}
	finish(x);
}

/* Hand every ended transfer on; then start what waits. */
static void
drain(struct http *h)
{
	CURLMsg		*msg;
	struct xfer	*x;
	CURLcode	 cc;
	int		 left;

	h->draining++;
	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		cc = msg->data.result;		/* msg dies with the handle */
		attempt_done(x, cc);
		if (h->close_asked)
			break;
	}
	h->draining--;
	if (h->close_asked && h->draining == 0) {
		really_close(h);
		return;
	}
	pump(h);
}

static void
sock_closed(uv_handle_t *hd)
{
	struct sock	*k = hd->data;
	struct http	*h = k->h;

	free(k);
	if (--h->open_handles == 0 && h->closing)
		really_close(h);
}

static void
sock_close(struct sock *k)
{
	struct http	*h = k->h;

	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		h->socks = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	uv_poll_stop(&k->poll);
	uv_close((uv_handle_t *)&k->poll, sock_closed);
}

static void
on_poll(uv_poll_t *p, int status, int events)
{
	struct sock	*k = p->data;
	struct http	*h = k->h;
	int		 flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	/* k may be closed inside: only h and the fd are used after. */
	curl_multi_socket_action(h->multi, k->fd, flags, &running);
	drain(h);
}

static int
on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http	*h = userp;
	struct sock	*k = socketp;
	int		 ev = 0;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (k != NULL) {
			curl_multi_assign(h->multi, s, NULL);
			sock_close(k);
		}
		return 0;
	}
	if (k == NULL) {
		k = calloc(1, sizeof(*k));
		if (k == NULL)
			return -1;
		if (uv_poll_init_socket(h->loop, &k->poll, s) != 0) {
			free(k);
			return -1;
		}
		k->fd = s;
		k->h = h;
		k->poll.data = k;
		k->next = h->socks;
		if (h->socks != NULL)
			h->socks->prev = k;
		h->socks = k;
		h->open_handles++;
		curl_multi_assign(h->multi, s, k);
	}
	if (what & CURL_POLL_IN)
		ev |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		ev |= UV_WRITABLE;
	uv_poll_start(&k->poll, ev, on_poll);
	return 0;
}

static void
on_curl_timer(uv_timer_t *t)
{
	struct http	*h = t->data;
	int		 running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(h);
}

/* curl asks to be called back in ms; 0 means "soon", never now. */
static int
on_timeout(CURLM *m, long ms, void *userp)
{
	struct http	*h = userp;

	(void)m;
	if (ms < 0)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, on_curl_timer, ms == 0 ? 1 : (uint64_t)ms, 0);
	return 0;
}

static void
defaults(struct http_opts *o, const struct http_opts *in)
{
	if (in != NULL)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (o->connections <= 0)
		o->connections = 4;
	if (o->timeout_ms <= 0)
		o->timeout_ms = 60000;
	if (o->connect_timeout_ms <= 0)
		o->connect_timeout_ms = 10000;
	if (o->retries < 0)
		o->retries = 0;
	else if (o->retries == 0 && (in == NULL || in->retries == 0))
		o->retries = 3;
	if (o->backoff_ms <= 0)
		o->backoff_ms = 500;
	if (o->retry_after_max_ms <= 0)
		o->retry_after_max_ms = 60000;
}

int
http_new(uv_loop_t *loop, const struct http_opts *opts, struct http **out)
{
	struct http	*h;
	int		 bad = 0;

	if (tandem_fails_assert(loop != NULL && out != NULL))
		return TANDEM_EINVAL;
	*out = NULL;
	if (pthread_once(&global_once, global_init) != 0 || global_rc != CURLE_OK)
		return TANDEM_EIO;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return TANDEM_ENOMEM;
	h->multi = curl_multi_init();
	if (h->multi == NULL) {
		free(h);
		return TANDEM_ENOMEM;
	}
	h->loop = loop;
	defaults(&h->o, opts);
	h->rng = (uint64_t)uv_hrtime() | 1;
	bad |= curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	bad |= curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	bad |= curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timeout);
	bad |= curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	bad |= curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)h->o.connections);
	if (bad) {
		curl_multi_cleanup(h->multi);
		free(h);
		return TANDEM_EIO;
	}
	uv_timer_init(loop, &h->timer);
	uv_timer_init(loop, &h->later);
	h->timer.data = h->later.data = h;
	h->open_handles = 2;
	*out = h;
	return 0;
}

size_t
http_pending(const struct http *h)
{
	return h == NULL ? 0 : h->pending;
}

static void
timer_closed(uv_handle_t *hd)
{
	struct http	*h = hd->data;

	if (--h->open_handles == 0)
		really_close(h);
}

/* Every request ends now with TANDEM_ECANCELED; h stays usable. */
static void
cancel_all(struct http *h)
{
	struct xfer	*x;

	while ((x = h->running.head) != NULL) {
		curl_multi_remove_handle(h->multi, x->easy);
		h->hosts[x->host].active--;
		x->res.error = TANDEM_ECANCELED;
		snprintf(x->res.message, sizeof(x->res.message), "cancelled");
		finish(x);
	}
	while ((x = h->queued.head) != NULL || (x = h->waiting.head) != NULL) {
		x->res.error = TANDEM_ECANCELED;
		snprintf(x->res.message, sizeof(x->res.message), "cancelled");
		finish(x);
	}
}

void
http_cancel_all(struct http *h)
{
	if (h == NULL || h->closing)
		return;
	cancel_all(h);
	arm_later(h);
}

/*
 * Called when close was asked and no callback runs: cancel everything, let
 * curl go, close the handles; the last close callback frees h.
 */
static void
really_close(struct http *h)
{
	void		(*done)(void *) = h->closed;
	void		*ud = h->closed_ud;
	struct sock	*k;
	size_t		 i;

	if (h->multi != NULL) {
		h->close_asked = 0;
		cancel_all(h);
		curl_multi_cleanup(h->multi);
		h->multi = NULL;
		while ((k = h->socks) != NULL)
			sock_close(k);
		uv_timer_stop(&h->timer);
		uv_timer_stop(&h->later);
		uv_close((uv_handle_t *)&h->timer, timer_closed);
		uv_close((uv_handle_t *)&h->later, timer_closed);
		return;
	}
	if (h->open_handles > 0)
		return;
	for (i = 0; i < h->nhosts; i++)
		free(h->hosts[i].key);
	free(h->hosts);
	free(h);
	if (done != NULL)
		done(ud);
}

void
http_close(struct http *h, void (*done)(void *), void *ud)
{
	if (h == NULL || h->closing)
		return;
	h->closing = 1;
	h->closed = done;
	h->closed_ud = ud;
	if (h->draining > 0) {
		h->close_asked = 1;	/* drain() finishes it */
		return;
	}
	really_close(h);
}
