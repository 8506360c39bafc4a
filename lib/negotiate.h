/*
 * negotiate: the run that places every upcoming session of a plan (see
 * negotiate.c), shared by tandem_plan_negotiate() and tandem_plan_explain().
 */
#ifndef TANDEM_NEGOTIATE_H
#define TANDEM_NEGOTIATE_H

#include <stddef.h>

#include "tandem/tandem.h"
#include "slots.h"

/*
 * Called instead of placing session i: q is the request that session made,
 * res what slots_find() answered (found is 0 when a calendar was missing),
 * have a bit per person whose calendar was read (1 mentor, 2 mentee).
 */
typedef int (*negotiate_stop_fn)(void *ud, const struct tandem_plan *p,
    size_t i, const struct slots_req *q, const struct slots_result *res,
    int have);

/*
 * Negotiate p's upcoming sessions into out (a copy of p->v), in time order;
 * at session stop_at call stop and return what it returns.  stop_at past the
 * end: negotiate everything.
 */
int negotiate_run(const struct tandem_plan *p, const struct tandem_calendars *cals,
    struct tandem_session *out, size_t stop_at, negotiate_stop_fn stop, void *ud);

#endif
