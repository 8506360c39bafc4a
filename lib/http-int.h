/*
 * What http.c and http_text.c share, and nothing else includes: the pure
 * string work on URLs, headers and messages (http_text.c).
 */
#ifndef TANDEM_HTTP_INT_H
#define TANDEM_HTTP_INT_H

#include <stddef.h>

/* scheme://authority of a redacted http(s) URL, lower-cased; NULL on ENOMEM. */
char *http_origin_key(const char *where);
int http_is_http_url(const char *url);
int http_is_smtp_url(const char *url);
/* Blank out every copy of secret in text. */
void http_scrub(char *text, const char *secret);
/* Blank out the password of url's userinfo, if it has one, in text. */
void http_scrub_url_password(char *text, const char *url);
/*
 * When line (n bytes) is "name: value", replace *out with the trimmed value
 * (a value with control characters is ignored); 0 or TANDEM_ENOMEM.
 */
int http_header_value(const char *line, size_t n, const char *name, char **out);
/* Retry-After: delay-seconds or an HTTP-date; -1 when absent or unreadable. */
long http_retry_after_ms(const char *v);
/* "64 MiB", "12 KiB" or "100 bytes". */
void http_cap_text(size_t cap, char *buf, size_t n);

#endif
