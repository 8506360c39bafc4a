/*
 * attendance: the verdict on a session and the lapse of a pair, as
 * attendance.h describes.  No clock of its own: now comes in.
 */
#include <string.h>

#include "tandem-int.h"
#include "attendance.h"

void
att_policy_of(const struct program *pg, struct att_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = pg->attendance;
	p->grace = pg->grace * 60;
	p->lapse_after = pg->lapse_after;
	p->lapse_secs = (int64_t)pg->lapse_days * 86400;
}

/* What ends a session before its time, whatever the policy. */
static enum att_why
broken(const struct att_facts *f)
{
	if (f->deleted)
		return ATT_WHY_DELETED;
	if (f->cancelled)
		return ATT_WHY_CANCELLED;
	if (f->reply[0] == ATT_DECLINED || f->reply[1] == ATT_DECLINED)
		return ATT_WHY_DECLINED;
	return ATT_WHY_NONE;
}

enum att_verdict
att_decide(const struct att_facts *f, const struct att_policy *p, int64_t now,
    enum att_why *why)
{
	enum att_why	w;

	*why = ATT_WHY_NONE;
	if (f->skipped || f->rescheduled)
		return ATT_VOID;
	if (p->kind == ATTENDANCE_CHECKIN && f->checkin != 0 &&
	    f->checkin <= f->end + p->grace)
		return ATT_HELD;	/* confirmed: it took place */
	w = broken(f);
	if (w != ATT_WHY_NONE) {
		/* Before the start a decline is a reason to renegotiate, not
		   yet a miss; the engine moves the session (rescheduled). */
		if (now < f->start)
			return ATT_NOT_YET;
		*why = w;
		return ATT_MISSED;
	}
	if (p->kind == ATTENDANCE_CALENDAR)
		return now >= f->end ? ATT_HELD : ATT_NOT_YET;
	if (now < f->end + p->grace)
		return ATT_NOT_YET;
	*why = ATT_WHY_NO_CHECKIN;
	return ATT_MISSED;
}

void
att_pair_init(struct att_pair *a, int64_t start)
{
	memset(a, 0, sizeof(*a));
	a->since = start;
}

unsigned
att_pair_fold(struct att_pair *a, enum att_verdict v, int64_t end,
    const struct att_policy *p)
{
	unsigned	ev = 0;

	switch (v) {
	case ATT_HELD:
		if (a->lapsed)
			ev |= ATT_EV_RECOVERED;
		a->lapsed = 0;
		a->missed_in_row = 0;
		if (end > a->since)
			a->since = end;
		break;
	case ATT_MISSED:
		ev |= ATT_EV_MISSED;
		a->missed_in_row++;
		if (!a->lapsed && a->missed_in_row >= p->lapse_after) {
			a->lapsed = 1;
			ev |= ATT_EV_LAPSE;
		}
		break;
	case ATT_NOT_YET:
	case ATT_VOID:
		break;
	}
	return ev;
}

unsigned
att_pair_tick(struct att_pair *a, int64_t now, const struct att_policy *p)
{
	if (a->lapsed || p->lapse_secs <= 0 || now < a->since + p->lapse_secs)
		return 0;
	a->lapsed = 1;
	return ATT_EV_LAPSE;
}

const char *
att_why_name(int why)
{
	switch (why) {
	case ATT_WHY_DECLINED:
		return "declined";
	case ATT_WHY_CANCELLED:
		return "cancelled";
	case ATT_WHY_DELETED:
		return "deleted";
	case ATT_WHY_NO_CHECKIN:
		return "no check-in";
	default:
		return NULL;
	}
}
