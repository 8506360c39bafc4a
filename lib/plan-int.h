/*
 * What the plan shares with the files that negotiate and explain it.
 *
 * Glossary
 *   item      the plan's private facts about one session: where it comes
 *             from and its nominal day and minute in the program's zone
 *   upcoming  a session whose nominal time is at or after now and before
 *             now + the program's horizon: the ones negotiated
 */
#ifndef TANDEM_PLAN_INT_H
#define TANDEM_PLAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/tandem.h"
#include "model.h"

struct plan_item {
	const struct program	*pg;
	const struct pair	*pr;
	int32_t			 day;		/* nominal civil day, program zone */
	int			 minute;	/* nominal minute of day */
	int			 pinned;	/* the engine keeps the slot sent */
	int64_t			 pin_start;	/* the pinned slot, UTC */
	int64_t			 pin_end;
	int64_t			 avoid_start;	/* a declined slot: not offered */
	int64_t			 avoid_end;	/* (0, 0: none) */
};

/*
 * The engine's word on session i before negotiating: keep the slot it sent
 * [start, end) (it blocks both people like any placed session), or avoid
 * the slot [start, end) somebody declined.
 */
void plan_pin(struct tandem_plan *p, size_t i, int64_t start, int64_t end);
void plan_avoid(struct tandem_plan *p, size_t i, int64_t start, int64_t end);

struct tandem_plan {
	struct tandem_session	*v;
	struct plan_item	*it;		/* parallel to v */
	size_t			 n;
	size_t			 cap;
	const struct tandem_config *cfg;
	int64_t			 now;
};

/* Is session i within its program's horizon and not past? */
int plan_upcoming(const struct tandem_plan *p, size_t i);

/* The UTC window of busy time that negotiating the plan can look at. */
void plan_window(const struct tandem_plan *p, int64_t *from, int64_t *to);

/* The business days a program's flex allows each side. */
int plan_flex_days(const struct program *pg);

#endif
