/*
 * What lib/busy.c and lib/busy_expand.c share, and nothing else includes.
 * busy.c parses the text, walks its calendars and applies availability;
 * busy_expand.c reads one component's times (resolving TZIDs) and expands
 * a series into instances.
 *
 * Glossary
 *   when      a time as written, the zone it is read in, and its instant
 *   length    how long an instance lasts: nominal days (23 or 25 hours
 *             across a DST change), then exact seconds
 *   master    a component without RECURRENCE-ID: DTSTART, RRULE, RDATE
 *   override  a component with RECURRENCE-ID: it replaces one instance of
 *             the master of its UID, or (THISANDFUTURE) moves the rest too
 */
#ifndef TANDEM_BUSY_INT_H
#define TANDEM_BUSY_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "busy.h"

#define BUSY_FREE	(-1)	/* the kind of an event that blocks nothing */

/*
 * busy.c closes each component left open by a truncated text after this
 * property; busy_expand.c then reports and skips the component.
 */
#define BUSY_TRUNCATED	"X-TANDEM-TRUNCATED"

/* What a component is, for messages about one without a UID. */
enum busy_what {
	BUSY_W_EVENT,
	BUSY_W_FREEBUSY,
	BUSY_W_AVAILABILITY,
	BUSY_W_AVAILABLE,
	BUSY_W_N
};

struct busy_vec {
	int64_t	*v;
	size_t	 n;
	size_t	 cap;
};

struct busy_when {
	struct icaltimetype	 t;	/* zone set only for a TZID or UTC */
	icaltimezone		*tz;	/* the zone t is read in */
	int64_t			 utc;	/* a date: its midnight in tz */
};

struct busy_length {
	int64_t	days;
	int64_t	secs;
};

struct busy_rdate;

/* One VEVENT, AVAILABLE or VAVAILABILITY, read in one pass. */
struct busy_comp {
	icalcomponent		*c;	/* borrowed from the parsed tree */
	const char		*uid;
	enum busy_what		 what;
	int			 ord;	/* names it when there is no UID */
	int			 kind;	/* BUSY_*, or BUSY_FREE */
	int			 has_start, has_end, has_dur, has_rid, future;
	struct busy_when	 start, end, rid;
	struct busy_length	 len;
	icalproperty		*rrule;
	struct busy_vec		 ex;	/* EXDATE instants */
	struct busy_vec		 exday;	/* EXDATE dates, as day numbers */
	struct busy_rdate	*rd;
	size_t			 nrd, rdcap;
	int			 prio;	/* VAVAILABILITY: 1 highest, 10 none */
};

struct busy_comps {
	struct busy_comp	*v;
	size_t			 n;
	size_t			 cap;
};

struct busy_zone {
	const char	*name;		/* borrowed from the parsed tree */
	icaltimezone	*tz;		/* NULL: unknown or unusable */
	icalcomponent	*vcal;		/* where it was unknown */
	int		 warned;	/* unknown: said once */
};

/* The state of one busy_from_ical() call. */
struct busy_ctx {
	const struct busy_req	*req;
	struct tandem_diag	*diag;
	struct busy_set		*out;
	icalcomponent		*vcal;	/* the VCALENDAR being read */
	const char		*uid;	/* of the component being read */
	int64_t			 t0;	/* util_clock_ns() at the start */
	icaltimezone		*utc;
	icaltimezone		*floating;
	struct busy_zone	*zones;	/* every TZID met, resolved once */
	size_t			 nzones, zcap;
	int			 nth[BUSY_W_N];
	char			 why[200];
};

int busy_expand_add(struct busy_set *s, int64_t start, int64_t end, int kind);
/* The end of an instance of length len starting at w. */
int64_t busy_expand_end(const struct busy_when *w, struct busy_length len);

/*
 * Read the children of parent of one kind into l; a damaged one is reported
 * to x->diag and left out.  Free l with busy_expand_free().
 */
int busy_expand_collect(struct busy_ctx *x, icalcomponent *parent,
    icalcomponent_kind kind, enum busy_what what, struct busy_comps *l);
/* Add the busy instances of l within [from, to) to out; l gets sorted. */
int busy_expand_series(struct busy_ctx *x, struct busy_comps *l, int64_t from,
    int64_t to, struct busy_set *out);
void busy_expand_free(struct busy_comps *l);

/*
 * busy_skim.c: a copy of text without the components that cannot touch
 * [from, to), nor the properties of the others that the busy layer does not
 * read (an ATTENDEE stays when it names owner), in *out (free() it), or
 * *out = NULL when nothing goes.  0 or TANDEM_ENOMEM.
 */
int busy_skim(const char *text, int64_t from, int64_t to, const char *owner,
    char **out);

/* Add the periods of a VFREEBUSY to x->out. */
int busy_expand_freebusy(struct busy_ctx *x, icalcomponent *c);

#endif
