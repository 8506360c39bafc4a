/*
 * Error texts and the diag list.  Loaders collect every problem they meet in
 * a diag so that a user fixing a configuration sees all of them at once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"

struct tandem_diag {
	char	**msg;
	size_t	  n;
	size_t	  cap;
};

const char *
tandem_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case TANDEM_ECONFIG:
		return "configuration has errors";
	case TANDEM_EPARSE:
		return "input could not be parsed";
	default:
		if (err < 0 && err > -1000)
			return strerror(-err);
		return "unknown error";
	}
}

const char *
tandem_version(void)
{
	return PACKAGE_VERSION;
}

struct tandem_diag *
tandem_diag_new(void)
{
	return calloc(1, sizeof(struct tandem_diag));
}

size_t
tandem_diag_count(const struct tandem_diag *d)
{
	return d == NULL ? 0 : d->n;
}

const char *
tandem_diag_get(const struct tandem_diag *d, size_t i)
{
	if (d == NULL || i >= d->n)
		return NULL;
	return d->msg[i];
}

void
tandem_diag_clear(struct tandem_diag *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->msg[i]);
	d->n = 0;
}

void
tandem_diag_free(struct tandem_diag *d)
{
	if (d == NULL)
		return;
	tandem_diag_clear(d);
	free(d->msg);
	free(d);
}

int
diag_vadd(struct tandem_diag *d, const char *file, int line, const char *fmt,
    va_list ap)
{
	char	 body[1024];
	char	*msg = NULL;
	char	**grown;
	int	 len;

	if (d == NULL)
		return 0;
	vsnprintf(body, sizeof(body), fmt, ap);
	if (file != NULL && line > 0)
		len = asprintf(&msg, "%s:%d: %s", file, line, body);
	else if (file != NULL)
		len = asprintf(&msg, "%s: %s", file, body);
	else
		len = asprintf(&msg, "%s", body);
	if (len < 0)
		return TANDEM_ENOMEM;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;

		grown = realloc(d->msg, cap * sizeof(*grown));
		if (grown == NULL) {
			free(msg);
			return TANDEM_ENOMEM;
		}
		d->msg = grown;
		d->cap = cap;
	}
	d->msg[d->n++] = msg;
	return 0;
}

int
diag_add(struct tandem_diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = diag_vadd(d, file, line, fmt, ap);
	va_end(ap);
	return rc;
}
