/*
 * http_text: the strings of HTTP as tandem handles them, for http.c: URLs
 * without their userinfo, origins, header values, Retry-After, reason
 * phrases, messages with secrets scrubbed, and which [server] a URL is
 * under.  No libcurl handle and no I/O: text in, text out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "tandem-int.h"
#include "http.h"
#include "http-int.h"

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

char *
http_redact(const char *url)
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

/* scheme://authority of a redacted http(s) URL, lower-cased. */
char *
http_origin_key(const char *where)
{
	const char	*a = strstr(where, "://");
	char		*k;
	size_t		 i, n;

	if (a == NULL)
		return NULL;
	a += 3;
	n = (size_t)(a - where) + strcspn(a, "/?#");
	k = util_strndup(where, n);
	for (i = 0; k != NULL && k[i] != '\0'; i++)
		if (k[i] >= 'A' && k[i] <= 'Z')
			k[i] = (char)(k[i] - 'A' + 'a');
	return k;
}

int
http_is_http_url(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

int
http_is_smtp_url(const char *url)
{
	return strncasecmp(url, "smtp://", 7) == 0 ||
	    strncasecmp(url, "smtps://", 8) == 0;
}

/* Blank out every copy of secret in text. */
void
http_scrub(char *text, const char *secret)
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
void
http_scrub_url_password(char *text, const char *url)
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
	http_scrub(text, pw);
	explicit_bzero(pw, sizeof(pw));
}

/*
 * When line (n bytes) is "name: value", replace *out with the trimmed value.
 * A value with control characters is ignored: it may go back to the server
 * inside a request header.
 */
int
http_header_value(const char *line, size_t n, const char *name, char **out)
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

/* Retry-After: delay-seconds or an HTTP-date; -1 when absent or unreadable. */
long
http_retry_after_ms(const char *v)
{
	char	*end;
	long	 s;
	time_t	 t;

	if (v == NULL)
		return -1;
	s = strtol(v, &end, 10);
	if (end != v && *end == '\0' && s >= 0)
		return s > 86400 ? 86400000L : s * 1000;
	t = curl_getdate(v, NULL);
	if (t == (time_t)-1)
		return -1;
	s = (long)(t - time(NULL));
	return s <= 0 ? 0 : (s > 86400 ? 86400000L : s * 1000);
}

const char *
http_reason(long code)
{
	static const struct {
		long		 code;
		const char	*text;
	} reasons[] = {
		{ 400, " Bad Request" }, { 401, " Unauthorized" },
		{ 403, " Forbidden" }, { 404, " Not Found" },
		{ 405, " Method Not Allowed" }, { 409, " Conflict" },
		{ 410, " Gone" }, { 412, " Precondition Failed" },
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

void
http_cap_text(size_t cap, char *buf, size_t n)
{
	if (cap % (1024 * 1024) == 0)
		snprintf(buf, n, "%zu MiB", cap / (1024 * 1024));
	else if (cap % 1024 == 0)
		snprintf(buf, n, "%zu KiB", cap / 1024);
	else
		snprintf(buf, n, "%zu bytes", cap);
}

/* prefix (len bytes) of a URL ends where a path segment does. */
static int
at_boundary(const char *prefix, size_t len, char next)
{
	return prefix[len - 1] == '/' || next == '\0' || next == '/' ||
	    next == '?' || next == '#';
}

const struct server *
http_server_for(const struct tandem_config *cfg, const char *url)
{
	const struct server	*best = NULL, *sv;
	const char		*ui = NULL;
	char			 plain[2048];
	size_t			 i, len, bestlen = 0, n;

	if (cfg == NULL || url == NULL)
		return NULL;
	/* A URL's userinfo is not part of where it points. */
	n = userinfo(url, &ui);
	if (n > 0 && strlen(url) - n < sizeof(plain)) {
		memcpy(plain, url, (size_t)(ui - url));
		strcpy(plain + (ui - url), ui + n);
		url = plain;
	}
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
	explicit_bzero(plain, sizeof(plain));
	return best;
}
