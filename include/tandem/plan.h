/*
 * The plan: every session of every pair, as the cadence gives it, and for
 * the sessions within each program's horizon a negotiated slot.
 *
 * tandem_plan_new() computes the nominal series from a configuration and a
 * clock ("now") and does no I/O.  tandem_plan_negotiate() then fixes a slot
 * for each upcoming session within the horizon from both people's busy time
 * (see tandem/calendars.h), or marks it unschedulable and says why.
 * Sessions come out ordered by program (as declared), then pair (as declared
 * in pairs.csv), then index.
 *
 * Negotiation takes the sessions in chronological order across all programs,
 * so that a person's sessions already placed block later ones and count
 * towards their max_per_week; for each session the slot search of
 * lib/slots.h applies (working hours of both people in their own zones,
 * buffer, flex in business days, holidays, the pair's habit first, then the
 * nominal day, then the nominal time).
 */
#ifndef TANDEM_PLAN_H
#define TANDEM_PLAN_H

#include <tandem/tandem.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tandem_session_status {
	TANDEM_SESSION_NOMINAL = 0,	/* upcoming, no slot fixed yet */
	TANDEM_SESSION_PAST,		/* nominal time is before now */
	TANDEM_SESSION_SCHEDULED,	/* a slot is fixed: start, end */
	TANDEM_SESSION_UNSCHEDULABLE	/* within the horizon, no slot: see why */
};

/* Why a session is unschedulable; minutes are counted on a 15-minute grid. */
struct tandem_session_why {
	int	days;		/* business days in the flex window */
	int	holidays;	/* days of the window lost to holidays */
	int	weekend;	/* days of the window lost to weekends */
	struct {
		int64_t	hours;		/* minutes of the window inside their hours */
		int64_t	busy;		/* of those, minutes busy */
		int64_t	outside;	/* minutes of the window outside their hours */
		int	capped;		/* max_per_week refused a free slot */
		int	no_calendar;	/* their calendar could not be read */
		const char *calendar_error;	/* why, in words; borrowed from
					   the calendars handle (valid until
					   its next read or free); or NULL */
	} who[2];			/* mentor, mentee */
};

/*
 * One session, read-only.  Strings are borrowed from the plan's
 * configuration and stay valid while both the plan and the configuration do.
 * Times are seconds since the Unix epoch, UTC.
 */
struct tandem_session {
	const char	*program;
	const char	*timezone;	/* the program's IANA zone */
	const char	*mentor;	/* e-mail address */
	const char	*mentee;
	unsigned	 index;		/* 1-based */
	int64_t		 nominal;
	int		 nominal_offset;	/* seconds east of UTC in the program zone */
	int		 has_slot;	/* start and end are meaningful */
	int64_t		 start;
	int64_t		 end;
	int		 start_offset;	/* seconds east of UTC at start, program zone */
	enum tandem_session_status status;
	int		 holiday;	/* the nominal day is a holiday */
	long		 score;		/* scheduled: the slot's score (lib/slots.h) */
	struct tandem_session_why why;	/* unschedulable: the reasons */
};

struct tandem_plan;

/*
 * Compute the plan of cfg at time now.  The caller frees *planp with
 * tandem_plan_free().  cfg must outlive the plan.
 */
TANDEM_EXTERN int tandem_plan_new(const struct tandem_config *cfg, int64_t now,
    struct tandem_plan **planp);
TANDEM_EXTERN size_t tandem_plan_count(const struct tandem_plan *plan);
/* Borrowed, valid until tandem_plan_free(). */
TANDEM_EXTERN const struct tandem_session *tandem_plan_get(
    const struct tandem_plan *plan, size_t i);
TANDEM_EXTERN void tandem_plan_free(struct tandem_plan *plan);

struct tandem_calendars;

/*
 * Negotiate the slots of the plan's upcoming sessions within the horizon
 * from the busy time in cals (read for this plan's configuration and clock).
 * Sessions become SCHEDULED or UNSCHEDULABLE; later ones stay NOMINAL.
 * Returns 0, TANDEM_EINVAL, or TANDEM_ENOMEM (the plan is then unchanged).
 */
TANDEM_EXTERN int tandem_plan_negotiate(struct tandem_plan *plan,
    const struct tandem_calendars *cals);

/*
 * Why the session i of plan has its slot, or has none: several lines of
 * text for people, in *text (free() it).  The negotiation is replayed up to
 * that session, so cals must be what tandem_plan_negotiate() saw.
 */
TANDEM_EXTERN int tandem_plan_explain(const struct tandem_plan *plan,
    const struct tandem_calendars *cals, size_t i, char **text);

/*
 * The reason of an unschedulable session in one line, e.g. "lena@x: busy
 * 1440 of 1440 min in hours; ...", into buf (truncated to size).
 * Returns the length it needed, as snprintf() does.
 */
TANDEM_EXTERN int tandem_session_reason(const struct tandem_session *s,
    char *buf, size_t size);

/* "nominal", "past", "scheduled", "unschedulable" */
TANDEM_EXTERN const char *tandem_session_status_name(
    enum tandem_session_status s);

#ifdef __cplusplus
}
#endif

#endif
