/*
 * Calendars: every person's busy time, read from the calendar URL that
 * people.csv gives them, for the window a plan negotiates.
 *
 * A calendars handle is kept between reads: an ICS feed that has not changed
 * since the last read costs one conditional GET (ETag / Last-Modified), and a
 * feed that fails keeps the busy time of its last good copy.  Reading blocks
 * until every calendar is read (feeds are fetched several at once).
 *
 * Glossary
 *   window   now - 1 day to now + horizon + room for flex
 *   feed     an http:, https: or webcal: URL serving one iCalendar text
 */
#ifndef TANDEM_CALENDARS_H
#define TANDEM_CALENDARS_H

#include <tandem/tandem.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tandem_calendars;

/* What the last read cost; times in seconds. */
struct tandem_calendars_stats {
	size_t	calendars;	/* calendars read */
	size_t	failed;		/* calendars with no usable data */
	size_t	unchanged;	/* feeds answered 304 Not Modified */
	size_t	bytes;		/* iCalendar bytes parsed */
	size_t	intervals;	/* busy intervals kept, after merging */
	double	fetch;		/* reading files and feeds */
	double	parse;		/* iCalendar text to components */
	double	expand;		/* components to busy intervals */
	size_t	damaged;	/* events that could not be read: reported, skipped */
	size_t	cut;		/* series too long to expand: the rest taken as busy */
	size_t	stale;		/* not read again: the last good copy used */
};

TANDEM_EXTERN int tandem_calendars_new(struct tandem_calendars **out);

/*
 * Read the calendar of every person whose pairs have sessions that plan
 * negotiates (upcoming, within the horizon), for the window it looks at.  A calendar that cannot be read is reported to diag (one
 * message naming its URL, never a credential); its owner is then without busy
 * data and the sessions that need them are unschedulable, never double-booked.
 * Returns 0, or TANDEM_EINVAL / TANDEM_ENOMEM for the call itself.
 */
struct tandem_plan;

TANDEM_EXTERN int tandem_calendars_read(struct tandem_calendars *c,
    const struct tandem_plan *plan, struct tandem_diag *diag);

TANDEM_EXTERN void tandem_calendars_stats(const struct tandem_calendars *c,
    struct tandem_calendars_stats *st);

/* How many calendars the last read could not read (their owners' sessions
 * are unschedulable). */
TANDEM_EXTERN size_t tandem_calendars_failed(const struct tandem_calendars *c);

/*
 * The same in words, one line into buf: "2 of 6 calendars could not be
 * read, ...: Marc Weber <marc@corp.example>: URL: why; ...".  Returns the
 * count (buf is "" when 0), or TANDEM_EINVAL.
 */
TANDEM_EXTERN int tandem_calendars_summary(const struct tandem_calendars *c,
    char *buf, size_t size);

TANDEM_EXTERN void tandem_calendars_free(struct tandem_calendars *c);

#ifdef __cplusplus
}
#endif

#endif
