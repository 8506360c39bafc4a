/*
 * caldav_href: the URL arithmetic of CalDAV, for caldav.c and its
 * neighbours: an href a server writes resolved against the URL it came
 * from, and whether two hrefs or URLs name the same place (by path, or
 * percent-decoded without a trailing slash, as servers and configurations
 * write one principal differently).  Pure: strings in, strings out; no I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandem-int.h"
#include "caldav.h"
/*
 * href resolved against base: an absolute URL stays, "/path" takes base's
 * scheme and authority, anything else is relative to base's folder.
 */
char *
caldav_resolve(const char *base, const char *href)
{
	const char	*auth, *slash;
	char		*out = NULL;
	size_t		 n;

	if (strncasecmp(href, "http://", 7) == 0 ||
	    strncasecmp(href, "https://", 8) == 0)
		return util_strdup(href);
	auth = strstr(base, "://");
	if (auth == NULL)
		return NULL;
	auth += 3;
	if (href[0] == '/')
		n = (size_t)(auth - base) + strcspn(auth, "/?#");
	else {
		slash = strrchr(auth, '/');
		n = slash != NULL ? (size_t)(slash + 1 - base) : strlen(base);
	}
	if (asprintf(&out, "%.*s%s%s", (int)n, base,
	    href[0] != '/' && (n == 0 || base[n - 1] != '/') ? "/" : "", href) < 0)
		return NULL;
	return out;
}

/* The path of a URL (what servers write in <href>), for comparing hrefs. */
static const char *
path_of(const char *url)
{
	const char	*a = strstr(url, "://");

	if (a == NULL)
		return url;
	a += 3;
	return a + strcspn(a, "/");
}

int
caldav_same_href(const char *a, const char *b)
{
	return strcmp(path_of(a), path_of(b)) == 0;
}

/*
 * The path of url percent-decoded, without a trailing '/', in buf: servers
 * write "/u/m1%40corp.example/" where a configuration says "/u/m1@corp.example".
 * 0 when it does not fit.
 */
static int
plain_path(const char *url, char *buf, size_t n)
{
	const char	*p = path_of(url);
	size_t		 k = 0;
	unsigned	 c;

	for (; *p != '\0' && *p != '?' && *p != '#' && k + 1 < n; p++) {
		if (p[0] == '%' && sscanf(p + 1, "%2x", &c) == 1 &&
		    isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			buf[k++] = (char)c;
			p += 2;
		} else
			buf[k++] = *p;
	}
	if (k + 1 >= n)
		return 0;
	while (k > 1 && buf[k - 1] == '/')
		k--;
	buf[k] = '\0';
	return 1;
}

/* Do a and b name one principal or collection, written either way? */
int
caldav_same_place(const char *a, const char *b)
{
	char	x[1024], y[1024];

	if (!plain_path(a, x, sizeof(x)) || !plain_path(b, y, sizeof(y)))
		return caldav_same_href(a, b);
	return strcmp(x, y) == 0;
}
