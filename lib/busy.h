/*
 * busy: iCalendar data to sorted busy intervals in UTC, for a window.  Pure:
 * text in, intervals out; the caller fetched the text.
 *
 * Glossary
 *   interval  [start, end) in seconds since the epoch, UTC
 *   kind      how busy: BUSY, TENTATIVE (kept apart so that policy can decide
 *             whether it blocks a slot), UNAVAILABLE (outside VAVAILABILITY)
 *   owner     the person whose calendar it is: an event they declined is free
 */
#ifndef TANDEM_BUSY_H
#define TANDEM_BUSY_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "tandem/tandem.h"

enum busy_kind {
	BUSY_BUSY = 0,
	BUSY_TENTATIVE = 1,
	BUSY_UNAVAILABLE = 2
};

struct busy {
	int64_t	start;
	int64_t	end;
	int	kind;
};

struct watch_set;

struct busy_set {
	struct busy	*v;
	size_t		 n;
	size_t		 cap;
};

/* Where the time of busy_from_ical() goes, added up over calls. */
struct busy_stats {
	int64_t	parse_ns;	/* iCalendar text to components (libical) */
	int64_t	expand_ns;	/* components to intervals (recurrence too) */
	size_t	bytes;
	size_t	damaged;	/* components reported and skipped */
	size_t	cut;		/* series cut short: the rest taken as busy */
};

struct busy_req {
	const char	*source;	/* named in error messages (file path, URL) */
	const char	*owner;		/* e-mail of the calendar's owner, or NULL */
	icaltimezone	*floating;	/* zone for floating times and all-day dates */
	int64_t		 from;		/* window, UTC */
	int64_t		 to;
	int		 all_events;	/* TRANSPARENT and X-MICROSOFT-CDO-BUSYSTATUS:FREE
					   events count too (holiday feeds mark
					   theirs transparent) */
	int		 keep_tandem;	/* tandem's own events count too (as
					   a server's free/busy has them) */
	struct busy_stats *stats;	/* added to when not NULL */
	struct watch_set *watch;	/* when not NULL (and owner is set):
					   tandem's own events are added to it
					   (see watch.h) */
	int		 no_skim;	/* tests: read the whole text with
					   libical (no busy_skim()) */
};

/*
 * Add the busy time of an iCalendar text within the window to *set.  A
 * damaged component is reported to diag ("source: UID x: reason") and
 * skipped; the rest is still read.  Returns 0, TANDEM_EPARSE when the text
 * is not iCalendar at all (nothing added), TANDEM_EINVAL for a NULL
 * argument, or TANDEM_ENOMEM.
 */
int busy_from_ical(const struct busy_req *req, const char *text,
    struct busy_set *set, struct tandem_diag *diag);

/* Sort by start and merge overlapping or touching intervals of equal kind. */
int busy_merge(struct busy_set *set);

void busy_set_free(struct busy_set *set);

#endif
