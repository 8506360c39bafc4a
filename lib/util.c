/*
 * Small string and file helpers for lib/.  They return NULL or a negative
 * code on failure and never exit: libtandem may run inside someone else's
 * process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tandem-int.h"

char *
util_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

char *
util_strndup(const char *s, size_t n)
{
	return strndup(s, n);
}

char *
util_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * Read a whole regular file, at most cap bytes; the result is NUL-terminated.
 * Returns -EFBIG when the file is larger than cap, so that a hostile or
 * mistaken path (a device, a huge log) cannot exhaust memory.
 */
int
util_read_file(const char *path, size_t cap, char **out, size_t *lenp)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if ((size_t)st.st_size > cap) {
		rc = -EFBIG;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	if (lenp != NULL)
		*lenp = len;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

char *
util_path_join(const char *dir, const char *rel)
{
	char *p = NULL;

	if (rel[0] == '/' || dir == NULL || dir[0] == '\0')
		return strdup(rel);
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		return NULL;
	return p;
}

char *
util_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/*
 * Make room in the growable array *v (of *cap elements of size bytes) to
 * write element n, doubling as needed.  On failure *v and *cap are unchanged.
 */
int
util_grow(void **v, size_t *cap, size_t n, size_t size)
{
	void	*bigger;
	size_t	 want = *cap ? *cap : 16;

	if (n < *cap)
		return 0;
	while (want <= n)
		want *= 2;
	if (want > SIZE_MAX / size)
		return TANDEM_ENOMEM;
	bigger = realloc(*v, want * size);
	if (bigger == NULL)
		return TANDEM_ENOMEM;
	*v = bigger;
	*cap = want;
	return 0;
}

int64_t
util_clock_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
