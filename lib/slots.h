/*
 * slots: choose the time of one session from both people's busy time and
 * working hours.  Pure: no I/O, no clock; everything comes in the request.
 *
 * Glossary
 *   nominal day   the session's date in the program's zone, from the cadence
 *   business day  a Monday to Friday, in the program's zone, that is not a
 *                 holiday of the program
 *   flex          how many business days before or after the nominal day a
 *                 session may move (0: only the nominal day)
 *   candidate     a start time on the 15-minute grid of the program's zone
 *   habit         the weekday and time of the pair's previous session
 *
 * A candidate [s, s + length) is usable when:
 *   - its day (program zone) is a business day within flex of the nominal day
 *     (the nominal day itself must be a business day to be used);
 *   - s is not before not_before;
 *   - for each person, [s, s + length) lies inside their working hours, read
 *     in their own zone (windows that touch, also across midnight, join);
 *   - for each person, [s - buffer, s + length + buffer) overlaps none of their
 *     busy intervals of kind BUSY or UNAVAILABLE, nor TENTATIVE when
 *     tentative_blocks is set;
 *   - for each person, the cap callback (when given) accepts s.
 *
 * Among usable candidates the lowest score wins, then the earliest start; so
 * the result is fully determined by the request.  The score, smaller better:
 *   1000000 * (0 when s is on the habit's weekday and minute, else 1)
 *   +  10000 * (business days between the candidate's day and the nominal day)
 *   +      1 * (minutes between s's time of day and the nominal time of day)
 * That is: the habit first, then the nominal day, then the nominal time.
 *
 * A grid time that does not exist (the hour skipped when clocks go forward)
 * is not a candidate.
 *
 * When no candidate is usable the result says why, per person, in minutes of
 * the window (the whole program-zone business days within flex), counted on
 * the 15-minute grid: how much lay inside their working hours, how much of
 * that was busy, and how much lay outside their hours; how many days of the
 * window were holidays or weekend; and whether the cap refused.
 */
#ifndef TANDEM_SLOTS_H
#define TANDEM_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "busy.h"
#include "model.h"

#define SLOTS_GRID	(15 * 60)	/* seconds between candidates */
#define SLOTS_HABIT_WEIGHT 1000000L	/* the score's weights, as above */
#define SLOTS_DAY_WEIGHT   10000L

struct slots_person {
	const char		*email;
	icaltimezone		*tz;
	const struct hours	*hours;		/* local to tz */
	const struct busy	*busy;		/* sorted by start (busy_merge) */
	size_t			 nbusy;
	int64_t			 longest;	/* no busy interval is longer; 0: unknown */
	const struct busy	*extra;		/* more busy time (sessions already
						   placed), sorted by start */
	size_t			 nextra;
	const char		*source;	/* where busy came from, in words
						   (for explain), or NULL */
};

/* Return 1 when person (0 or 1) may have another session starting at start. */
typedef int (*slots_cap_fn)(void *ud, int person, int64_t start);

struct slots_req {
	icaltimezone		*tz;		/* the program's zone */
	int32_t			 nominal_day;	/* civil day, program zone */
	int			 nominal_minute;	/* program zone */
	int			 length;	/* seconds */
	int			 buffer;	/* seconds, each side */
	int			 flex;		/* business days each side */
	const int32_t		*holidays;	/* sorted civil days, program zone */
	size_t			 nholidays;
	int			 habit_weekday;	/* 0 = Monday; -1: no habit */
	int			 habit_minute;	/* program zone */
	int64_t			 not_before;	/* UTC; usually now */
	int			 tentative_blocks;
	struct slots_person	 who[2];	/* mentor, mentee */
	slots_cap_fn		 cap;		/* may be NULL */
	void			*cap_ud;
};

struct slots_why {
	int64_t	busy;		/* minutes busy during their working hours */
	int64_t	hours;		/* minutes of the window inside their hours */
	int64_t	outside;	/* minutes of the window outside their hours */
	int	capped;		/* the cap refused at least one candidate */
};

struct slots_result {
	int		 found;
	int64_t		 start;		/* UTC, when found */
	int64_t		 end;
	long		 score;
	int		 days;		/* business days searched */
	int		 holidays;	/* days of the window lost to holidays */
	int		 weekend;	/* days of the window lost to weekends */
	struct slots_why why[2];
};

/* Why one candidate is not usable. */
enum slots_no {
	SLOTS_USABLE = 0,
	SLOTS_NOT_IN_WINDOW,	/* not a business day within flex */
	SLOTS_BEFORE,		/* before not_before */
	SLOTS_OUTSIDE_HOURS,	/* outside the person's working hours */
	SLOTS_BUSY,		/* the person is busy (buffer included) */
	SLOTS_CAPPED		/* the cap refused it for the person */
};

struct slots_verdict {
	enum slots_no	no;
	int		person;		/* 0 or 1, for the last three */
	int64_t		a, b;		/* SLOTS_BUSY: the busy time in the way */
};

/*
 * Find the slot of one session.  0 (see res->found), TANDEM_EINVAL for a bad
 * request (flex above 30 business days, length <= 0, ...), or TANDEM_ENOMEM.
 */
int slots_find(const struct slots_req *req, struct slots_result *res);

/*
 * Check one candidate start of req, for explanations: the first reason it is
 * not usable, in the order above (mentor before mentee).  0 or TANDEM_E*.
 */
int slots_check(const struct slots_req *req, int64_t start,
    struct slots_verdict *v);

#endif
