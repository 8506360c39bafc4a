/*
 * http(s) ICS feeds through libcurl's multi interface, driven to completion
 * here with curl_multi_poll: the caller blocks until every feed has an
 * answer.  A fixed set of `parallel` slots is refilled as transfers end, so
 * that a long list of feeds never opens more connections than asked.
 *
 * Each transfer collects its body and validators in its slot; the feed is
 * touched only when the transfer ends, and only a complete 2xx replaces what
 * the feed remembers.  Error pages are not stored (only their status is
 * reported), and the body is capped after decompression, so a hostile server
 * cannot make us hold more than the cap.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "tandem-int.h"
#include "secret.h"
#include "source_file.h"
#include "source_http.h"

#define CONNECT_TIMEOUT	10L	/* seconds */
#define LOW_SPEED_LIMIT	64L	/* a transfer slower than this, in bytes/s, */
#define LOW_SPEED_TIME	60L	/* for this many seconds, is abandoned */
#define MAX_REDIRS	5L
#define POLL_MS		1000	/* longest wait before curl is asked again */
#define USER_AGENT	"tandem/" PACKAGE_VERSION

/* A transfer in flight: what its callbacks fill.  Zeroed when free. */
struct xfer {
	struct source_http_feed	*feed;
	CURL			*easy;		/* NULL: the slot is free */
	struct curl_slist	*headers;
	char			*where;		/* the URL without userinfo */
	char			*secret;	/* password or token; wiped */
	char			*body;
	size_t			 len;
	size_t			 size;
	size_t			 cap;
	char			*etag;
	char			*last_modified;
	int			 toobig;
	int			 nomem;
	char			 errbuf[CURL_ERROR_SIZE];
};

static void	global_init(void);
static size_t	userinfo(const char *, const char **);
static char	*url_redact(const char *);
static int	is_http_url(const char *);
static void	scrub(char *, const char *);
static void	scrub_url_password(char *, const char *);
static int	header_value(const char *, size_t, const char *, char **);
static size_t	on_header(char *, size_t, size_t, void *);
static size_t	on_body(char *, size_t, size_t, void *);
static int	add_header(struct xfer *, const char *, ...) TANDEM_PRINTF(2, 3);
static int	set_options(struct xfer *);
static int	set_auth(struct xfer *, const struct server *,
		    struct tandem_diag *);
static int	set_conditions(struct xfer *, const struct source_http_feed *);
static int	xfer_start(struct xfer *, struct source_http_feed *, CURLM *,
		    struct tandem_diag *);
static const char *reason(long);
static void	cap_text(size_t, char *, size_t);
static void	report_failure(struct xfer *, CURLcode, struct tandem_diag *);
static void	xfer_done(struct xfer *, CURLcode, struct tandem_diag *);
static void	xfer_clear(struct xfer *);
static int	drain(CURLM *, struct xfer *, size_t, struct tandem_diag *,
		    int *);
static int	at_boundary(const char *, size_t, char);

/*
 * curl_global_init must run once before any other libcurl call and is not
 * thread-safe in every libcurl build; pthread_once makes our own first calls
 * safe.  The only file-scope state of this file.
 */
static pthread_once_t	global_once = PTHREAD_ONCE_INIT;
static CURLcode		global_rc = CURLE_FAILED_INIT;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * Where the userinfo ("user:password@") of url starts, and its length with
 * the '@'; 0 when there is none.  The authority ends at the first '/', '?'
 * or '#', and its last '@' ends the userinfo, as libcurl reads it.
 */
static size_t
userinfo(const char *url, const char **start)
{
	const char	*host, *end, *at = NULL, *p;

	host = strstr(url, "://");
	if (host == NULL)
		return 0;
	host += 3;
	end = host + strcspn(host, "/?#");
	for (p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL)
		return 0;
	*start = host;
	return (size_t)(at + 1 - host);
}

/* The URL as messages show it, without userinfo; NULL when out of memory. */
static char *
url_redact(const char *url)
{
	const char	*ui = NULL;
	char		*out;
	size_t		 n, pre;

	n = userinfo(url, &ui);
	if (n == 0)
		return strdup(url);
	pre = (size_t)(ui - url);
	out = malloc(strlen(url) - n + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, url, pre);
	strcpy(out + pre, ui + n);
	return out;
}

static int
is_http_url(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

/*
 * Blank out every copy of secret in text.  libcurl's error texts name hosts,
 * not credentials, but a message is the wrong place to find out otherwise.
 */
static void
scrub(char *text, const char *secret)
{
	size_t	 n;
	char	*p;

	if (secret == NULL || secret[0] == '\0')
		return;
	n = strlen(secret);
	while ((p = strstr(text, secret)) != NULL)
		memset(p, '*', n);
}

/* Scrub the password of the URL's userinfo, if it has one. */
static void
scrub_url_password(char *text, const char *url)
{
	const char	*ui = NULL, *colon = NULL, *at;
	char		 pw[256];
	size_t		 n, len;

	n = userinfo(url, &ui);
	if (n > 0)
		colon = memchr(ui, ':', n - 1);
	if (colon == NULL)
		return;
	at = ui + n - 1;
	len = (size_t)(at - (colon + 1));
	if (len >= sizeof(pw))
		return;
	memcpy(pw, colon + 1, len);
	pw[len] = '\0';
	scrub(text, pw);
	explicit_bzero(pw, sizeof(pw));
}

/*
 * When line (n bytes, not NUL-terminated) is "name: value", replace *out with
 * the trimmed value.  A value with control characters is ignored: it would
 * go back to the server inside a request header.
 */
static int
header_value(const char *line, size_t n, const char *name, char **out)
{
	const char	*v, *e, *p;
	size_t		 nlen = strlen(name);
	char		*copy;

	if (n <= nlen || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
		return 0;
	v = line + nlen + 1;
	e = line + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' ||
	    e[-1] == '\t'))
		e--;
	for (p = v; p < e; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	if (v == e)
		return 0;
	copy = util_strndup(v, (size_t)(e - v));
	if (copy == NULL)
		return TANDEM_ENOMEM;
	free(*out);
	*out = copy;
	return 0;
}

/*
 * libcurl passes the headers of every response it reads, also of the 302s
 * it follows and of the 401 that starts authentication; each status line
 * starts a new response, whose validators replace the last one's.
 */
static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		TANDEM_FREE(x->etag);
		TANDEM_FREE(x->last_modified);
		return n;
	}
	if (header_value(line, n, "ETag", &x->etag) < 0 ||
	    header_value(line, n, "Last-Modified", &x->last_modified) < 0) {
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
	if (code < 200 || code > 299)
		return n;	/* an error page: only its status counts */
	if (n > x->cap - x->len) {
		x->toobig = 1;
		return 0;		/* aborts with CURLE_WRITE_ERROR */
	}
	if (util_grow((void **)&x->body, &x->size, x->len + n, 1) < 0) {
		x->nomem = 1;
		return 0;
	}
	memcpy(x->body + x->len, data, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

/* Append a request header; the formatted copy is wiped, it may hold a token. */
static int
add_header(struct xfer *x, const char *fmt, ...)
{
	struct curl_slist	*l;
	va_list			 ap;
	char			*h = NULL;
	int			 len;

	va_start(ap, fmt);
	len = vasprintf(&h, fmt, ap);
	va_end(ap);
	if (len < 0)
		return TANDEM_ENOMEM;
	l = curl_slist_append(x->headers, h);
	explicit_bzero(h, (size_t)len);
	free(h);
	if (l == NULL)
		return TANDEM_ENOMEM;
	x->headers = l;
	return 0;
}

/*
 * Everything but credentials and validators.  A failed setopt is out of
 * memory or a libcurl without the option; either way the transfer must not
 * run without, say, its protocol restriction.  CURLE_OK is 0, so bad stays
 * 0 only when every call succeeded.
 */
static int
set_options(struct xfer *x)
{
	CURL	*e = x->easy;
	int	 bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_URL, x->feed->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, MAX_REDIRS);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
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
	if (x->feed->server != NULL && x->feed->server->ca_file != NULL)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO,
		    x->feed->server->ca_file);
	return bad ? TANDEM_EIO : 0;
}

/*
 * A password goes to libcurl, which answers a Basic or a Digest challenge,
 * whichever the server makes (so the first request goes without it); a
 * token is sent as a Bearer header from the first request.  libcurl drops
 * both when a redirect leaves the host.
 */
static int
set_auth(struct xfer *x, const struct server *sv, struct tandem_diag *diag)
{
	const char	*file;
	const char	*p;
	int		 rc, bad = 0;

	if (sv == NULL || (sv->password_file == NULL && sv->token_file == NULL))
		return 0;
	file = sv->password_file != NULL ? sv->password_file : sv->token_file;
	if (sv->password_file != NULL && sv->user == NULL) {
		diag_add(diag, x->where, 0,
		    "not fetched: a password_file needs a user");
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
		bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH,
		    (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
		return bad ? TANDEM_EIO : 0;
	}
	for (p = x->secret; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			diag_add(diag, file, 0,
			    "a token must be one line of text");
			return TANDEM_ECONFIG;
		}
	}
	return add_header(x, "Authorization: Bearer %s", x->secret);
}

/*
 * Validators are sent only when there is a body to keep: a 304 to a feed
 * that has none would leave it with nothing.
 */
static int
set_conditions(struct xfer *x, const struct source_http_feed *f)
{
	int	rc = 0;

	if (f->body == NULL)
		return 0;
	if (f->etag != NULL)
		rc = add_header(x, "If-None-Match: %s", f->etag);
	if (rc == 0 && f->last_modified != NULL)
		rc = add_header(x, "If-Modified-Since: %s", f->last_modified);
	return rc;
}

/*
 * Set up the transfer of f in the free slot x and hand it to multi.  On
 * failure the error is f's (reported unless out of memory) and x is free.
 */
static int
xfer_start(struct xfer *x, struct source_http_feed *f, CURLM *multi,
    struct tandem_diag *diag)
{
	int	rc;

	f->status = 0;
	f->changed = 0;
	f->error = 0;
	x->feed = f;
	x->cap = f->cap != 0 ? f->cap : SOURCE_FILE_CAP;
	if (f->url == NULL) {
		diag_add(diag, NULL, 0, "a feed without a URL");
		rc = TANDEM_EINVAL;
		goto out;
	}
	x->where = url_redact(f->url);
	x->easy = curl_easy_init();
	if (x->where == NULL || x->easy == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	if (!is_http_url(f->url)) {
		diag_add(diag, x->where, 0, "not an http or https URL");
		rc = TANDEM_EINVAL;
		goto out;
	}
	rc = set_options(x);
	if (rc == 0)
		rc = set_auth(x, f->server, diag);
	if (rc == 0)
		rc = set_conditions(x, f);
	if (rc == 0 && curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER,
	    x->headers) != CURLE_OK)
		rc = TANDEM_EIO;
	if (rc == TANDEM_EIO)
		diag_add(diag, x->where, 0,
		    "libcurl cannot set up the transfer");
	if (rc == 0 && curl_multi_add_handle(multi, x->easy) != CURLM_OK)
		rc = TANDEM_ENOMEM;
out:
	if (rc < 0) {
		f->error = rc;
		xfer_clear(x);
	}
	return rc;
}

/* The reason phrase; HTTP/2 sends none, so it is not taken from the server. */
static const char *
reason(long code)
{
	static const struct {
		long		 code;
		const char	*text;
	} reasons[] = {
		{ 400, " Bad Request" }, { 401, " Unauthorized" },
		{ 403, " Forbidden" }, { 404, " Not Found" }, { 410, " Gone" },
		{ 429, " Too Many Requests" }, { 500, " Internal Server Error" },
		{ 502, " Bad Gateway" }, { 503, " Service Unavailable" },
		{ 504, " Gateway Timeout" }
	};
	size_t	i;

	for (i = 0; i < TANDEM_NELEM(reasons); i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "";
}

static void
cap_text(size_t cap, char *buf, size_t n)
{
	if (cap % (1024 * 1024) == 0)
		snprintf(buf, n, "%zu MiB", cap / (1024 * 1024));
	else if (cap % 1024 == 0)
		snprintf(buf, n, "%zu KiB", cap / 1024);
	else
		snprintf(buf, n, "%zu bytes", cap);
}

/* What libcurl said, with any secret of this transfer blanked out. */
static void
report_failure(struct xfer *x, CURLcode cc, struct tandem_diag *diag)
{
	char	text[CURL_ERROR_SIZE];

	snprintf(text, sizeof(text), "%s",
	    x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(cc));
	scrub(text, x->secret);
	scrub_url_password(text, x->feed->url);
	/* The URL itself was checked, so this was a redirect's. */
	if (cc == CURLE_UNSUPPORTED_PROTOCOL)
		diag_add(diag, x->where, 0, "refused a redirect to a protocol "
		    "other than http or https (%s)", text);
	else
		diag_add(diag, x->where, 0, "%s", text);
}

/* The transfer has ended: give the feed its outcome. */
static void
xfer_done(struct xfer *x, CURLcode cc, struct tandem_diag *diag)
{
	struct source_http_feed	*f = x->feed;
	char			 cap[32];
	long			 code = 0;

	if (x->nomem) {
		f->error = TANDEM_ENOMEM;
		return;
	}
	if (x->toobig || cc == CURLE_FILESIZE_EXCEEDED) {
		cap_text(x->cap, cap, sizeof(cap));
		diag_add(diag, x->where, 0, "larger than %s", cap);
		f->error = TANDEM_ERANGE;
		return;
	}
	if (cc != CURLE_OK) {
		report_failure(x, cc, diag);
		f->error = TANDEM_EIO;
		return;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	f->status = (int)code;
	if (code == 304)
		return;
	if (code < 200 || code > 299) {
		diag_add(diag, x->where, 0, "HTTP %ld%s", code, reason(code));
		f->error = code == 404 || code == 410 ?
		    TANDEM_ENOENT : TANDEM_EIO;
		return;
	}
	if (x->body == NULL) {
		x->body = strdup("");
		if (x->body == NULL) {
			f->error = TANDEM_ENOMEM;
			return;
		}
	}
	source_http_feed_clear(f);
	f->body = x->body;
	f->len = x->len;
	f->etag = x->etag;
	f->last_modified = x->last_modified;
	x->body = x->etag = x->last_modified = NULL;
	f->changed = 1;
}

/* Free what the slot holds and zero it: the slot is free again. */
static void
xfer_clear(struct xfer *x)
{
	struct curl_slist	*l;

	for (l = x->headers; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	curl_easy_cleanup(x->easy);		/* NULL is a harmless no-op */
	secret_free(x->secret);
	free(x->where);
	free(x->body);
	free(x->etag);
	free(x->last_modified);
	memset(x, 0, sizeof(*x));
}

/*
 * Hand every ended transfer to its feed and free its slot.  Returns how many
 * ended; *rc becomes TANDEM_ENOMEM when a feed ran out of memory.
 */
static int
drain(CURLM *multi, struct xfer *slots, size_t nslots,
    struct tandem_diag *diag, int *rc)
{
	CURLMsg	*msg;
	size_t	 i;
	int	 left, done = 0;

	while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		for (i = 0; i < nslots && slots[i].easy != msg->easy_handle; i++)
			;
		TANDEM_REQUIRE(i < nslots);
		/* msg belongs to the handle: read it before removing that. */
		xfer_done(&slots[i], msg->data.result, diag);
		curl_multi_remove_handle(multi, slots[i].easy);
		if (slots[i].feed->error == TANDEM_ENOMEM)
			*rc = TANDEM_ENOMEM;
		xfer_clear(&slots[i]);
		done++;
	}
	return done;
}

int
source_http_fetch_all(struct source_http_feed *feeds, size_t n, int parallel,
    struct tandem_diag *diag)
{
	struct xfer	*slots = NULL;
	CURLM		*multi = NULL;
	CURLMcode	 mc = CURLM_OK;
	size_t		 nslots, next = 0, i;
	int		 active = 0, running = 0, done, err, rc = 0;

	if (tandem_fails_assert((feeds != NULL || n == 0) && parallel > 0))
		return TANDEM_EINVAL;
	if (n == 0)
		return 0;
	if (pthread_once(&global_once, global_init) != 0 ||
	    global_rc != CURLE_OK)
		return TANDEM_EIO;
	nslots = (size_t)parallel < n ? (size_t)parallel : n;
	slots = calloc(nslots, sizeof(*slots));
	multi = curl_multi_init();
	if (slots == NULL || multi == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	while (next < n || active > 0) {
		for (i = 0; i < nslots && next < n; i++) {
			if (slots[i].easy != NULL)
				continue;
			err = xfer_start(&slots[i], &feeds[next++], multi, diag);
			if (err == TANDEM_ENOMEM)
				rc = TANDEM_ENOMEM;
			if (err == 0)
				active++;
		}
		if (active == 0)
			continue;
		mc = curl_multi_perform(multi, &running);
		if (mc != CURLM_OK)
			break;
		done = drain(multi, slots, nslots, diag, &rc);
		active -= done;
		/* Wait only when nothing ended: a free slot is filled first. */
		if (done == 0 && running > 0)
			mc = curl_multi_poll(multi, NULL, 0, POLL_MS, NULL);
		if (mc != CURLM_OK)
			break;
	}
	if (mc != CURLM_OK) {
		rc = mc == CURLM_OUT_OF_MEMORY ? TANDEM_ENOMEM : TANDEM_EIO;
		diag_add(diag, NULL, 0, "libcurl: %s", curl_multi_strerror(mc));
		for (; next < n; next++) {
			feeds[next].status = feeds[next].changed = 0;
			feeds[next].error = rc;
		}
	}
out:
	for (i = 0; slots != NULL && i < nslots; i++) {
		if (slots[i].easy == NULL)
			continue;
		slots[i].feed->error = rc;
		curl_multi_remove_handle(multi, slots[i].easy);
		xfer_clear(&slots[i]);
	}
	curl_multi_cleanup(multi);		/* NULL is a harmless no-op */
	free(slots);
	return rc;
}

void
source_http_feed_clear(struct source_http_feed *f)
{
	if (f == NULL)
		return;
	TANDEM_FREE(f->etag);
	TANDEM_FREE(f->last_modified);
	TANDEM_FREE(f->body);
	f->len = 0;
}

/* prefix (len bytes) of a URL ends where a path segment does. */
static int
at_boundary(const char *prefix, size_t len, char next)
{
	return prefix[len - 1] == '/' || next == '\0' || next == '/' ||
	    next == '?' || next == '#';
}

const struct server *
source_http_server_for(const struct tandem_config *cfg, const char *url)
{
	const struct server	*best = NULL, *sv;
	size_t			 i, len, bestlen = 0;

	if (cfg == NULL || url == NULL)
		return NULL;
	for (i = 0; i < cfg->nservers; i++) {
		sv = &cfg->servers[i];
		if (sv->url == NULL)
			continue;
		len = strlen(sv->url);
		if (len == 0 || len <= bestlen || strncmp(url, sv->url, len) != 0)
			continue;
		if (!at_boundary(sv->url, len, url[len]))
			continue;
		best = sv;
		bestlen = len;
	}
	return best;
}
