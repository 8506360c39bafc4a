/*
 * attendance: from what is known of a session (its slot, the replies, the
 * calendar event, check-ins, the clock) to held or missed, and from a pair's
 * run of sessions to lapse and recovery.  Pure: the engine gathers the facts
 * and acts on the verdicts (hooks `missed`, `lapse`, `recovered`).
 *
 * Glossary
 *   held      the session took place: under attendance = calendar, nobody
 *             declined, the event is still in place and its end has passed;
 *             under checkin, someone confirmed it by end + grace
 *   missed    declined and not rescheduled, cancelled, deleted from the
 *             calendar, or (checkin) not confirmed by end + grace
 *   lapse     lapse_after missed sessions in a row, or no held session for
 *             lapse_days; the pair stays lapsed until a session is held
 *             again (recovered)
 */
#ifndef TANDEM_ATTENDANCE_H
#define TANDEM_ATTENDANCE_H

#include <stdint.h>

#include "model.h"

enum att_reply {
	ATT_NO_REPLY,		/* NEEDS-ACTION, or nothing heard */
	ATT_ACCEPTED,
	ATT_TENTATIVE,
	ATT_DECLINED
};

struct att_facts {
	int64_t		start;		/* the slot, UTC */
	int64_t		end;
	enum att_reply	reply[2];	/* mentor, mentee */
	int		cancelled;	/* the event says STATUS:CANCELLED */
	int		deleted;	/* the event is gone from the calendar */
	int		rescheduled;	/* moved to a new slot: this one is void */
	int		skipped;	/* skipped or paused: counts neither way */
	int64_t		checkin;	/* UTC of the first check-in, 0 if none */
};

enum att_verdict {
	ATT_NOT_YET,		/* not decided: before its end (+ grace) */
	ATT_HELD,
	ATT_MISSED,
	ATT_VOID		/* skipped or rescheduled: not counted */
};

enum att_why {
	ATT_WHY_NONE,
	ATT_WHY_DECLINED,
	ATT_WHY_CANCELLED,
	ATT_WHY_DELETED,
	ATT_WHY_NO_CHECKIN
};

struct att_policy {
	enum attendance_kind	kind;
	int64_t			grace;		/* seconds */
	int			lapse_after;	/* missed in a row */
	int64_t			lapse_secs;	/* lapse_days in seconds */
};

/* "declined", "cancelled", "deleted", "no check-in"; NULL for none. */
const char *att_why_name(int why);

/* The policy of a program. */
void att_policy_of(const struct program *pg, struct att_policy *p);

/* The verdict on one session at now; *why says why a session is missed. */
enum att_verdict att_decide(const struct att_facts *f, const struct att_policy *p,
    int64_t now, enum att_why *why);

/* A pair's run so far.  Start with att_pair_init(). */
struct att_pair {
	int	missed_in_row;
	int64_t	since;		/* last held session's end, or the pair's start */
	int	lapsed;
};

/* What folding in a verdict, or the passing of time, gives rise to. */
enum {
	ATT_EV_MISSED = 1,
	ATT_EV_LAPSE = 2,
	ATT_EV_RECOVERED = 4
};

void att_pair_init(struct att_pair *a, int64_t start);

/*
 * Fold the verdict on a session that ended at end into the pair; returns
 * ATT_EV_* bits (a miss that is the lapse_after-th in a row gives both
 * MISSED and LAPSE; a held session after a lapse gives RECOVERED).
 * Verdicts must be folded in session order, each once.
 */
unsigned att_pair_fold(struct att_pair *a, enum att_verdict v, int64_t end,
    const struct att_policy *p);

/* The lapse by time alone: ATT_EV_LAPSE once when lapse_days have passed. */
unsigned att_pair_tick(struct att_pair *a, int64_t now, const struct att_policy *p);

#endif
