/*
 * cadence: a program's rhythm in words ("every 3 weeks", "monthly on 2nd
 * tuesday", a raw RRULE) and its expansion into the nominal sessions of one
 * pair.  Pure: no I/O, time zones come from libical's builtin table.
 *
 * Glossary
 *   nominal   a session's date and time as the cadence alone gives them
 *   end       where a series stops: duration (exclusive), until (inclusive)
 *             or count
 */
#ifndef TANDEM_CADENCE_H
#define TANDEM_CADENCE_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "model.h"

/* A series never holds more sessions than this; a rule that would is a mistake. */
#define CADENCE_MAX_SESSIONS	1000

struct nominal {
	int64_t	utc;		/* seconds since the epoch */
	int32_t	date;		/* civil day in the program's zone */
	int	minute;		/* local minutes after midnight */
	int	offset;		/* seconds east of UTC at that instant */
};

struct cadence_req {
	const struct cadence	*cadence;
	icaltimezone		*tz;
	struct localstart	 start;		/* minute must be set */
	enum end_kind		 end;
	struct span		 duration;
	int32_t			 until;
	int			 count;
};

/* Parse the cadence key's value.  err gets a reason on TANDEM_EPARSE. */
int cadence_parse(const char *text, struct cadence *c, char *err);
void cadence_clear(struct cadence *c);

/* The RRULE (without DTSTART) that cadence c means for a series starting on date. */
int cadence_rrule(const struct cadence *c, int32_t start_date, char *buf,
    size_t len);

/*
 * Expand one series.  On success *out (caller frees) holds *n sessions in
 * time order.  TANDEM_ERANGE when the series would exceed
 * CADENCE_MAX_SESSIONS.
 */
int cadence_expand(const struct cadence_req *req, struct nominal **out,
    size_t *n);

/* The civil day at which a series that starts on start ends (exclusive). */
int32_t cadence_duration_end(int32_t start, const struct span *sp);

#endif
