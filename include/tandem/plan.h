/*
 * The plan: every session of every pair, as the cadence gives it.
 *
 * A plan is computed from a configuration and a clock ("now") and does no
 * I/O.  Sessions come out ordered by program (as declared), then pair (as
 * declared in pairs.csv), then index.
 */
#ifndef TANDEM_PLAN_H
#define TANDEM_PLAN_H

#include <tandem/tandem.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tandem_session_status {
	TANDEM_SESSION_NOMINAL = 0,	/* upcoming, no slot fixed yet */
	TANDEM_SESSION_PAST		/* nominal time is before now */
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
	enum tandem_session_status status;
	int		 holiday;	/* the nominal day is a holiday */
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

/* "nominal", "past", ... */
TANDEM_EXTERN const char *tandem_session_status_name(
    enum tandem_session_status s);

#ifdef __cplusplus
}
#endif

#endif
