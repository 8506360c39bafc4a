/*
 * libtandem: keeps mentoring pairs on their cadence.
 *
 * This is the umbrella header.  Every public name starts with tandem_; handles
 * are opaque and every _new/_load has a matching _free, for which NULL is a
 * harmless argument.  Functions return 0 or a negative TANDEM_E* code.
 *
 * Glossary
 *   program   a mentoring programme: cadence, time zone, rules, people, pairs
 *   pair      one mentor and one mentee of a program
 *   session   one meeting of a pair; index 1 is the first
 *   nominal   the time the cadence alone gives a session, before negotiation
 *   diag      a list of human-readable errors, each "file:line: message"
 */
#ifndef TANDEM_TANDEM_H
#define TANDEM_TANDEM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define TANDEM_EXTERN __attribute__((visibility("default")))
#else
#define TANDEM_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes: negated errno values, plus our own below -1000. */
#define TANDEM_ENOMEM	(-ENOMEM)
#define TANDEM_EINVAL	(-EINVAL)
#define TANDEM_ENOENT	(-ENOENT)
#define TANDEM_EIO	(-EIO)
#define TANDEM_ERANGE	(-ERANGE)
#define TANDEM_ECANCELED	(-ECANCELED)	/* the work was given up: closing */
#define TANDEM_EACCES	(-EACCES)	/* the server says tandem may not read it */
#define TANDEM_EBUSY	(-EBUSY)	/* another process holds the state */
#define TANDEM_ECONFIG	(-1001)	/* configuration has errors; see the diag */
#define TANDEM_EPARSE	(-1002)	/* input could not be parsed */

/* A human-readable text for a TANDEM_E* code; never NULL. */
TANDEM_EXTERN const char *tandem_strerror(int err);

/* The library's version, e.g. "0.1.0". */
TANDEM_EXTERN const char *tandem_version(void);

/*
 * text made safe to log, into buf (always NUL-terminated, cut to size):
 * control characters as \n, \r, \t or \xHH (also the C1 controls,
 * U+0080 to U+009F, which some terminals obey), a backslash as \\, and
 * everything else, UTF-8 included, as it is.  So a UID, a summary or a
 * server's message can neither start a line of its own nor colour a
 * terminal.  Returns the length the whole escaped text needs.
 */
TANDEM_EXTERN size_t tandem_escape(const char *text, char *buf, size_t size);

/*
 * A list of diagnostics.  Loaders append to it so that a caller sees every
 * error of a run, not only the first.  Messages are owned by the diag.
 */
struct tandem_diag;

TANDEM_EXTERN struct tandem_diag *tandem_diag_new(void);
TANDEM_EXTERN size_t tandem_diag_count(const struct tandem_diag *d);
/* Borrowed, valid until the diag is freed or cleared. */
TANDEM_EXTERN const char *tandem_diag_get(const struct tandem_diag *d, size_t i);
TANDEM_EXTERN void tandem_diag_clear(struct tandem_diag *d);
TANDEM_EXTERN void tandem_diag_free(struct tandem_diag *d);

#ifdef __cplusplus
}
#endif

#include <tandem/config.h>
#include <tandem/plan.h>
#include <tandem/calendars.h>

#endif
