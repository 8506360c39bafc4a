/*
 * Private helpers shared by every file of lib/: assertions, freeing, and the
 * small civil-date arithmetic the pure layers use.  Nothing here is exported.
 */
#ifndef TANDEM_INT_H
#define TANDEM_INT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tandem/tandem.h"

/* An invariant whose failure means a bug in tandem itself: abort. */
#define TANDEM_REQUIRE(x) do {						\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: %s: requirement failed: %s\n",	\
		    __FILE__, __LINE__, __func__, #x);			\
		abort();						\
	}								\
} while (0)

/* A check that recovers in production: true when x does NOT hold. */
#define tandem_fails_assert(x) (!(x))

#define TANDEM_FREE(p) do { free(p); (p) = NULL; } while (0)

#define TANDEM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define TANDEM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TANDEM_PRINTF(f, a)
#endif

/* diag.c: append "file:line: message" (line 0 omits the line). */
int diag_add(struct tandem_diag *d, const char *file, int line,
    const char *fmt, ...) TANDEM_PRINTF(4, 5);
int diag_vadd(struct tandem_diag *d, const char *file, int line,
    const char *fmt, va_list ap) TANDEM_PRINTF(4, 0);

/*
 * civil.c: proleptic Gregorian dates as day numbers (0 = 1970-01-01) so that
 * date arithmetic is integer arithmetic.
 */
int32_t civil_days(int y, int m, int d);
void civil_from_days(int32_t days, int *y, int *m, int *d);
int civil_weekday(int32_t days);		/* 0 = Monday .. 6 = Sunday */
int civil_month_length(int y, int m);
int32_t civil_add_months(int32_t days, int months);	/* clamps to month end */
int32_t civil_day_of(int64_t t);		/* the day of second t, flooring */
const char *civil_weekday_name(int wd);	/* "Mon" for 0 .. "Sun" */

/* util.c */
char *util_strdup(const char *s);
char *util_strndup(const char *s, size_t n);
char *util_trim(char *s);			/* in place; returns s moved */
int util_read_file(const char *path, size_t cap, char **out, size_t *len);
char *util_path_join(const char *dir, const char *rel);	/* rel if absolute */
char *util_dirname(const char *path);
int util_grow(void **v, size_t *cap, size_t n, size_t size);
int64_t util_clock_ns(void);			/* monotonic, for measuring */

#endif
