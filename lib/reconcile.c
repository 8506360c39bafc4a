/*
 * reconcile: one pass of the engine.  It compares what should be (the plan
 * at now, negotiated against people's calendars) with what tandem has done
 * (the store's session rows) and what people did (tandem's events in their
 * calendars, check-ins), and decides, per session:
 *
 *   no row, within the horizon   invite (REQUEST, SEQUENCE 0), or record it
 *                                unschedulable and fire `unschedulable`
 *   invited, before its start    keep the slot, or move it (REQUEST,
 *                                SEQUENCE+1) after a decline, a cancel, a
 *                                deletion, a new conflict or a reschedule
 *                                request; cancel it (CANCEL) when no slot
 *                                is left
 *   invited, from its start on   held or missed (lib/attendance.c)
 *   skip requested, pair paused  cancel (CANCEL, SEQUENCE+1)
 *
 * then folds each pair's verdicts into lapse and recovery.  Every decision
 * and the jobs it causes are committed in one transaction: a crash leaves
 * either all of a pass or none of it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "attendance.h"
#include "calendars-int.h"
#include "plan-int.h"
#include "queue.h"
#include "tandem/calendars.h"
#include "tandem/plan.h"

#define DAY	86400

/* What one pass works on. */
struct pass {
	struct tandem_engine	*e;
	int64_t			 now;
	struct tandem_plan	*plan;
	struct tandem_calendars	*cals;
	struct rowset		*rows;
	struct slot		*v;		/* parallel to the plan */
	int64_t			 due;		/* the next due moment, -1 none */
	unsigned		 sent, moved, cancelled, decided;
	struct tandem_diag	*diag;		/* the calendars' messages */
	reconcile_done_fn	 done;
};

/* A session's row and what this pass found out about it. */
struct slot {
	struct store_session	 r;
	int			 has;		/* a row exists */
	int			 dirty;		/* r must be saved */
	int			 paused;
	char			*uid;
	struct att_facts	 f;		/* from calendars and the row */
	const char		*move;		/* why the slot must move, or NULL */
};

/* Every row of the store, sorted by key as SQLite's ORDER BY gives them. */
struct rowset {
	struct store_session	*v;
	size_t			 n;
	size_t			 cap;
	char			*in_plan;	/* per row: the plan has it */
};

static int
keep_row(void *ud, const struct store_session *r)
{
	struct rowset		*rs = ud;
	struct store_session	*c;
	int			 rc;

	rc = util_grow((void **)&rs->v, &rs->cap, rs->n, sizeof(*rs->v));
	if (rc < 0)
		return rc;
	c = &rs->v[rs->n];
	*c = *r;
	c->program = util_strdup(r->program);
	c->mentor = util_strdup(r->mentor);
	c->mentee = util_strdup(r->mentee);
	c->uid = util_strdup(r->uid);
	rs->n++;
	return c->program && c->mentor && c->mentee && c->uid ? 0 : TANDEM_ENOMEM;
}

static void
rowset_free(struct rowset *rs)
{
	size_t	i;

	for (i = 0; rs != NULL && i < rs->n; i++) {
		free((char *)rs->v[i].program);
		free((char *)rs->v[i].mentor);
		free((char *)rs->v[i].mentee);
		free(rs->v[i].uid);
	}
	if (rs != NULL) {
		free(rs->v);
		free(rs->in_plan);
	}
}

static int
cmp_key(const void *a, const void *b)
{
	const struct store_session *x = a, *y = b;
	int	c;

	c = strcmp(x->program, y->program);
	if (c == 0)
		c = strcmp(x->mentor, y->mentor);
	if (c == 0)
		c = strcmp(x->mentee, y->mentee);
	if (c == 0)
		c = x->index < y->index ? -1 : x->index > y->index;
	return c;
}

/* The row of key in rs, or NULL (rs->v is NULL when empty). */
static struct store_session *
row_of(const struct rowset *rs, const struct store_session *key)
{
	return rs->n == 0 ? NULL : bsearch(key, rs->v, rs->n, sizeof(*rs->v),
	    cmp_key);
}

/* The domain of the organizer's address: the UIDs' right-hand side. */
static const char *
domain_of(const struct program *pg)
{
	const char	*at = strrchr(pg->organizer, '@');

	return at != NULL && at[1] != '\0' ? at + 1 : "tandem.invalid";
}

char *
engine_uid(const struct program *pg, const char *mentor, const char *mentee,
    unsigned index)
{
	return itip_uid(pg->name, mentor, mentee, index, domain_of(pg));
}

/* Fill x->v[i] from the plan and the stored row (if any). */
static int
load_slot(struct pass *x, size_t i)
{
	const struct tandem_session	*s = &x->plan->v[i];
	const struct plan_item		*it = &x->plan->it[i];
	struct slot			*sl = &x->v[i];
	struct store_session		 key, *found;

	memset(&key, 0, sizeof(key));
	key.program = s->program;
	key.mentor = s->mentor;
	key.mentee = s->mentee;
	key.index = s->index;
	found = row_of(x->rows, &key);
	if (found != NULL)
		x->rows->in_plan[found - x->rows->v] = 1;
	sl->r = found != NULL ? *found : key;
	sl->has = found != NULL;
	sl->uid = found != NULL ? util_strdup(found->uid) :
	    engine_uid(it->pg, s->mentor, s->mentee, s->index);
	if (sl->uid == NULL)
		return TANDEM_ENOMEM;
	sl->r.uid = sl->uid;
	return 0;
}

static int
load(struct pass *x)
{
	const struct plan_item	*it, *prev = NULL;
	size_t			 i;
	int			 rc, paused = 0;

	rc = store_sessions_each(x->e->store, NULL, NULL, NULL, keep_row, x->rows);
	if (rc < 0)
		return rc;
	x->rows->in_plan = calloc(x->rows->n + 1, 1);
	if (x->rows->in_plan == NULL)
		return TANDEM_ENOMEM;
	for (i = 0; i < x->plan->n; i++) {
		it = &x->plan->it[i];
		if (prev == NULL || prev->pr != it->pr) {
			paused = store_pair_paused(x->e->store, it->pg->name,
			    it->pr->mentor->email, it->pr->mentee->email);
			if (paused < 0)
				return paused;
		}
		prev = it;
		rc = load_slot(x, i);
		if (rc < 0)
			return rc;
		x->v[i].paused = paused;
		/* Read the calendars of every invited session, even past ones. */
		if (x->v[i].has && x->v[i].r.state == TANDEM_ENGINE_INVITED)
			plan_pin(x->plan, i, x->v[i].r.start, x->v[i].r.end);
	}
	return 0;
}

enum att_reply
reply_of(enum itip_partstat p)
{
	switch (p) {
	case ITIP_ACCEPTED:
		return ATT_ACCEPTED;
	case ITIP_TENTATIVE:
		return ATT_TENTATIVE;
	case ITIP_DECLINED:
		return ATT_DECLINED;
	default:
		return ATT_NO_REPLY;
	}
}

/* Does [a, b) overlap p's busy time (tentative only if it blocks)? */
static int
conflict(const struct cal *c, int64_t a, int64_t b, int tentative_blocks)
{
	size_t	lo = 0, hi, i;

	if (c == NULL || !c->ok)
		return 0;
	/* busy is sorted by start; nothing longer than c->longest. */
	hi = c->busy.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->busy.v[mid].start < a - c->longest)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < c->busy.n && c->busy.v[i].start < b; i++)
		if (c->busy.v[i].end > a && (c->busy.v[i].kind != BUSY_TENTATIVE ||
		    tentative_blocks))
			return 1;
	return 0;
}

/*
 * The reply of p to session i as the organizer's calendar shows it (invite
 * = caldav or both: the server writes each attendee's PARTSTAT there).
 */
static void
organizer_copy(const struct pass *x, size_t i, const struct person *p,
    enum att_reply *reply)
{
	const struct cal	*org = calendars_organizer(x->cals, x->plan->it[i].pg);
	const struct watch_event *w;
	const struct watch_att	*a;

	if (org == NULL || !org->ok)
		return;
	w = watch_find(&org->watch, x->v[i].uid);
	if (w == NULL || w->sequence < x->v[i].r.sequence)
		return;
	a = watch_attendee(w, p->email);
	if (a != NULL)
		*reply = reply_of(a->partstat);
}

/*
 * What the calendars say of invited session i: replies, cancelled or
 * deleted (seen in a calendar before, gone now).  Only a copy at tandem's
 * current SEQUENCE counts: an older one answers an invitation since moved.
 */
static void
facts(struct pass *x, size_t i)
{
	const struct plan_item	*it = &x->plan->it[i];
	struct slot		*sl = &x->v[i];
	const struct person	*who[2] = { it->pr->mentor, it->pr->mentee };
	const struct watch_event *w;
	const struct cal	*c;
	int			 k, seen = sl->r.seen;

	memset(&sl->f, 0, sizeof(sl->f));
	sl->f.start = sl->r.start;
	sl->f.end = sl->r.end;
	sl->f.checkin = sl->r.checkin;
	for (k = 0; k < 2; k++) {
		sl->f.reply[k] = (enum att_reply)sl->r.reply[k];
		organizer_copy(x, i, who[k], &sl->f.reply[k]);
		c = calendars_find(x->cals, who[k]);
		if (c == NULL || !c->ok)
			continue;	/* unknown: what was known stands */
		w = watch_find(&c->watch, sl->uid);
		if (w != NULL && w->sequence >= sl->r.sequence) {
			if (w->partstat != ITIP_NEEDS_ACTION ||
			    sl->f.reply[k] == ATT_NO_REPLY)
				sl->f.reply[k] = reply_of(w->partstat);
			sl->f.cancelled |= w->cancelled;
			sl->r.seen |= 1 << k;
		} else if (w == NULL && (sl->r.seen & 1 << k))
			sl->f.deleted = 1;
		if (sl->f.reply[k] != (enum att_reply)sl->r.reply[k]) {
			sl->r.reply[k] = sl->f.reply[k];
			sl->dirty = 1;
		}
	}
	if (sl->r.seen != seen)
		sl->dirty = 1;
}

/* Must invited, upcoming session i move?  Why, or NULL. */
static const char *
must_move(struct pass *x, size_t i)
{
	const struct plan_item	*it = &x->plan->it[i];
	const struct slot	*sl = &x->v[i];
	int			 blocks = !it->pg->tentative_free;

	if (sl->r.request == STORE_REQ_RESCHEDULE)
		return "rescheduled by request";
	if (sl->f.reply[0] == ATT_DECLINED || sl->f.reply[1] == ATT_DECLINED)
		return "declined";
	if (sl->f.cancelled)
		return "cancelled in a calendar";
	if (sl->f.deleted)
		return "deleted from a calendar";
	if (conflict(calendars_find(x->cals, it->pr->mentor), sl->r.start,
	    sl->r.end, blocks) || conflict(calendars_find(x->cals,
	    it->pr->mentee), sl->r.start, sl->r.end, blocks))
		return "a new conflict";
	return NULL;
}

/* Unpin the invited upcoming sessions that must move, before negotiating. */
static void
review(struct pass *x)
{
	struct slot	*sl;
	size_t		 i;

	for (i = 0; i < x->plan->n; i++) {
		sl = &x->v[i];
		if (!sl->has || sl->r.state != TANDEM_ENGINE_INVITED)
			continue;
		facts(x, i);
		if (x->now >= sl->r.start)
			continue;	/* decided by attendance, not moved */
		if (sl->r.request == STORE_REQ_SKIP || sl->paused) {
			x->plan->it[i].pinned = 0;
			continue;
		}
		sl->move = must_move(x, i);
		if (sl->move == NULL)
			continue;
		x->plan->it[i].pinned = 0;
		if (sl->move[0] == 'd' || sl->move[0] == 'r')	/* declined, request */
			plan_avoid(x->plan, i, sl->r.start, sl->r.end);
		sl->r.avoid_start = sl->r.start;
		sl->r.avoid_end = sl->r.end;
	}
}

/* Note a due moment: the timer wakes for the earliest one after now. */
static void
due(struct pass *x, int64_t t)
{
	if (t > x->now && (x->due < 0 || t < x->due))
		x->due = t;
}

static void
queue_of(const struct pass *x, size_t i, struct queue_session *q)
{
	const struct slot	*sl = &x->v[i];

	q->pg = x->plan->it[i].pg;
	q->pr = x->plan->it[i].pr;
	q->index = sl->r.index;
	q->uid = sl->uid;
	q->sequence = sl->r.sequence;
	q->start = sl->r.start;
	q->end = sl->r.end;
}

/* Send the REQUEST for the plan's slot of i, one SEQUENCE on. */
static int
invite(struct pass *x, size_t i)
{
	const struct tandem_session	*s = &x->plan->v[i];
	struct slot			*sl = &x->v[i];
	struct queue_session		 q;

	/* A row that has sent something (its slot is set) moves SEQUENCE on. */
	sl->r.sequence = sl->has && sl->r.start != 0 ? sl->r.sequence + 1 : 0;
	sl->r.start = s->start;
	sl->r.end = s->end;
	sl->r.state = TANDEM_ENGINE_INVITED;
	sl->r.reply[0] = sl->r.reply[1] = ATT_NO_REPLY;
	sl->r.seen = 0;
	sl->r.request = STORE_REQ_NONE;
	sl->dirty = 1;
	queue_of(x, i, &q);
	x->sent++;
	return queue_message(x->e, &q, ITIP_REQUEST, x->now) < 0 ? TANDEM_EIO : 0;
}

/* Send the CANCEL of i's slot and leave it in state. */
static int
cancel(struct pass *x, size_t i, int state)
{
	struct slot		*sl = &x->v[i];
	struct queue_session	 q;

	sl->r.sequence++;
	sl->r.state = state;
	sl->r.request = STORE_REQ_NONE;
	sl->dirty = 1;
	queue_of(x, i, &q);
	x->cancelled++;
	return queue_message(x->e, &q, ITIP_CANCEL, x->now) < 0 ? TANDEM_EIO : 0;
}

static int
unschedulable(struct pass *x, size_t i)
{
	const struct tandem_session	*s = &x->plan->v[i];
	struct slot			*sl = &x->v[i];
	struct queue_session		 q;
	char				 why[1500], key[300];

	sl->r.state = TANDEM_ENGINE_UNSCHEDULABLE;
	sl->dirty = 1;
	tandem_session_reason(s, why, sizeof(why));
	engine_log(x->e, TANDEM_LOG_WARNING, "SCHED", "%s: %s / %s session %u "
	    "unschedulable: %s", s->program, s->mentor, s->mentee, s->index, why);
	queue_of(x, i, &q);
	q.start = s->nominal;
	snprintf(key, sizeof(key), "unschedulable:%s.%d", sl->uid, sl->r.sequence);
	return queue_hook(x->e, &q, "unschedulable", key, why, x->now) < 0 ?
	    TANDEM_EIO : 0;
}

/* An invited session from its start on: held, missed, or not yet. */
static void
attend(struct pass *x, size_t i)
{
	struct slot		*sl = &x->v[i];
	struct att_policy	 pol;
	enum att_verdict	 v;
	enum att_why		 why;

	att_policy_of(x->plan->it[i].pg, &pol);
	v = att_decide(&sl->f, &pol, x->now, &why);
	if (v != ATT_HELD && v != ATT_MISSED)
		return;
	sl->r.state = v == ATT_HELD ? TANDEM_ENGINE_HELD : TANDEM_ENGINE_MISSED;
	sl->r.why = why;
	sl->r.decided = x->now;
	sl->dirty = 1;
	x->decided++;
}

/* The decision on session i; see the table at the top of the file. */
static int
decide(struct pass *x, size_t i)
{
	const struct tandem_session	*s = &x->plan->v[i];
	struct slot			*sl = &x->v[i];
	int				 st = sl->has ? sl->r.state : TANDEM_ENGINE_NONE;
	int				 live = st == TANDEM_ENGINE_INVITED &&
					     x->now < sl->r.start;

	if (st == TANDEM_ENGINE_HELD || st == TANDEM_ENGINE_MISSED ||
	    st == TANDEM_ENGINE_SKIPPED)
		return 0;
	if (sl->r.request == STORE_REQ_SKIP) {
		if (live)
			return cancel(x, i, TANDEM_ENGINE_SKIPPED);
		sl->r.state = TANDEM_ENGINE_SKIPPED;
		sl->r.request = STORE_REQ_NONE;
		sl->dirty = sl->has;
		return 0;
	}
	if (st == TANDEM_ENGINE_INVITED && !live) {
		attend(x, i);	/* begun: decided even if the pair is paused since */
		return 0;
	}
	if (sl->paused)
		return live ? cancel(x, i, TANDEM_ENGINE_CANCELLED) : 0;
	if (live && x->plan->it[i].pinned)
		return 0;
	if (live && s->status != TANDEM_SESSION_SCHEDULED) {
		engine_log(x->e, TANDEM_LOG_INFO, "SCHED", "%s session %u: %s, and "
		    "no other slot", sl->uid, s->index, sl->move);
		return cancel(x, i, TANDEM_ENGINE_UNSCHEDULABLE) < 0 ? TANDEM_EIO :
		    unschedulable(x, i);
	}
	if (!live && !plan_upcoming(x->plan, i))
		return 0;
	if (s->status == TANDEM_SESSION_SCHEDULED) {
		if (live) {
			x->moved++;
			engine_log(x->e, TANDEM_LOG_INFO, "SCHED", "%s session %u: "
			    "%s; moved", sl->uid, s->index, sl->move);
		}
		return invite(x, i);
	}
	if (s->status == TANDEM_SESSION_UNSCHEDULABLE &&
	    st != TANDEM_ENGINE_UNSCHEDULABLE)
		return unschedulable(x, i);
	return 0;
}

/* Fold the verdicts of the pair whose sessions are [a, b) into hooks. */
static int
fold_pair(struct pass *x, size_t a, size_t b)
{
	const struct program	*pg = x->plan->it[a].pg;
	const struct pair	*pr = x->plan->it[a].pr;
	struct att_policy	 pol;
	struct att_pair		 run;
	struct queue_session	 q;
	char			 key[400], why[128];
	int64_t			 first = 0, since;
	unsigned		 ev;
	size_t			 i;
	int			 rc = 0;

	for (i = a; i < b; i++)
		if (x->v[i].has && x->v[i].r.start != 0 &&
		    (first == 0 || x->v[i].r.start < first))
			first = x->v[i].r.start;
	if (first == 0)
		return 0;	/* tandem has sent nothing for this pair yet */
	att_policy_of(pg, &pol);
	att_pair_init(&run, first);
	for (i = a; i <= b && rc >= 0; i++) {
		const struct slot *sl = i < b ? &x->v[i] : NULL;
		int64_t	at = sl != NULL ? sl->r.decided : x->now;
		int	held;

		if (sl != NULL && sl->r.state != TANDEM_ENGINE_HELD &&
		    sl->r.state != TANDEM_ENGINE_MISSED)
			continue;
		/* The lapse by time as it happened: before this verdict. */
		since = run.since;
		ev = att_pair_tick(&run, at, &pol);
		memset(&q, 0, sizeof(q));
		q.pg = pg;
		q.pr = pr;
		if (ev & ATT_EV_LAPSE) {
			snprintf(key, sizeof(key), "lapse:%s/%s/%s@%lld", pg->name,
			    pr->mentor->email, pr->mentee->email, (long long)since);
			snprintf(why, sizeof(why), "no held session in %d days",
			    pg->lapse_days);
			rc = queue_hook(x->e, &q, "lapse", key, why, x->now);
		}
		if (sl == NULL || rc < 0)
			break;
		queue_of(x, i, &q);
		held = sl->r.state == TANDEM_ENGINE_HELD;
		ev = att_pair_fold(&run, held ? ATT_HELD : ATT_MISSED, sl->r.end, &pol);
		if (rc >= 0 && (ev & ATT_EV_MISSED)) {
			snprintf(key, sizeof(key), "missed:%s", sl->uid);
			rc = queue_hook(x->e, &q, "missed", key,
			    att_why_name(sl->r.why), x->now);
		}
		if (rc >= 0 && (ev & ATT_EV_LAPSE)) {
			snprintf(key, sizeof(key), "lapse:%s", sl->uid);
			snprintf(why, sizeof(why), "%d missed in a row", pol.lapse_after);
			rc = queue_hook(x->e, &q, "lapse", key, why, x->now);
		}
		if (rc >= 0 && (ev & ATT_EV_RECOVERED)) {
			snprintf(key, sizeof(key), "recovered:%s", sl->uid);
			rc = queue_hook(x->e, &q, "recovered", key, NULL, x->now);
		}
	}
	if (!run.lapsed && pol.lapse_secs > 0)
		due(x, run.since + pol.lapse_secs);
	return rc < 0 ? TANDEM_EIO : 0;
}

/* When each session next needs a look: its verdict, or its horizon. */
static void
due_sessions(struct pass *x)
{
	const struct slot	*sl;
	const struct program	*pg;
	size_t			 i;

	for (i = 0; i < x->plan->n; i++) {
		sl = &x->v[i];
		pg = x->plan->it[i].pg;
		if (sl->has && sl->r.state == TANDEM_ENGINE_INVITED) {
			due(x, sl->r.start);
			due(x, sl->r.end);
			if (pg->attendance == ATTENDANCE_CHECKIN)
				due(x, sl->r.end + pg->grace * 60);
		} else if (!sl->has && !sl->paused)
			due(x, x->plan->v[i].nominal - pg->horizon * 60);
	}
}

static int
save(struct pass *x)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < x->plan->n && rc == 0; i++)
		if (x->v[i].dirty && (x->v[i].has || x->v[i].r.state !=
		    TANDEM_ENGINE_NONE))
			rc = store_session_put(x->e->store, &x->v[i].r);
	return rc;
}

/* The program and pair of row r in the configuration, or 0. */
static int
find_pair(const struct tandem_config *cfg, const struct store_session *r,
    struct queue_session *q)
{
	size_t	i, k;

	for (i = 0; i < cfg->nprograms; i++) {
		if (strcmp(cfg->programs[i].name, r->program) != 0)
			continue;
		for (k = 0; k < cfg->programs[i].npairs; k++) {
			const struct pair *pr = &cfg->programs[i].pairs[k];

			if (strcmp(pr->mentor->email, r->mentor) == 0 &&
			    strcmp(pr->mentee->email, r->mentee) == 0) {
				q->pg = &cfg->programs[i];
				q->pr = pr;
				return 1;
			}
		}
	}
	return 0;
}

/*
 * Invitations out for sessions the plan no longer has (the program ends
 * sooner, a pair was removed): CANCEL them while the configuration still
 * names the pair; otherwise there is nobody to write for, and it is logged.
 */
static int
cancel_orphans(struct pass *x)
{
	struct store_session	*r;
	struct queue_session	 q;
	size_t			 k;
	int			 rc = 0;

	for (k = 0; k < x->rows->n && rc == 0; k++) {
		r = &x->rows->v[k];
		if (x->rows->in_plan[k] || r->state != TANDEM_ENGINE_INVITED ||
		    r->start <= x->now)
			continue;
		memset(&q, 0, sizeof(q));
		if (!find_pair(x->plan->cfg, r, &q)) {
			engine_log(x->e, TANDEM_LOG_WARNING, "SCHED", "%s: %s / %s "
			    "session %u is no longer configured; its invitation "
			    "(%s) cannot be cancelled", r->program, r->mentor,
			    r->mentee, r->index, r->uid);
			continue;
		}
		r->sequence++;
		r->state = TANDEM_ENGINE_CANCELLED;
		q.index = r->index;
		q.uid = r->uid;
		q.sequence = r->sequence;
		q.start = r->start;
		q.end = r->end;
		engine_log(x->e, TANDEM_LOG_INFO, "SCHED", "%s session %u: no longer "
		    "in the program's series; cancelled", r->uid, r->index);
		x->cancelled++;
		rc = queue_message(x->e, &q, ITIP_CANCEL, x->now) < 0 ? TANDEM_EIO :
		    store_session_put(x->e->store, r);
	}
	return rc;
}

/* Decide every session and fold every pair, in one transaction. */
static int
decide_all(struct pass *x)
{
	size_t	i, a = 0;
	int	rc;

	rc = store_begin(x->e->store);
	if (rc < 0)
		return rc;
	for (i = 0; i < x->plan->n && rc == 0; i++) {
		x->v[i].r.nominal = x->plan->v[i].nominal;
		rc = decide(x, i);
		if (rc == 0 && (i + 1 == x->plan->n ||
		    x->plan->it[i + 1].pr != x->plan->it[i].pr)) {
			rc = fold_pair(x, a, i + 1);
			a = i + 1;
		}
	}
	if (rc == 0)
		rc = save(x);
	if (rc == 0)
		rc = cancel_orphans(x);
	if (rc == 0)
		rc = store_commit(x->e->store);
	if (rc < 0)
		store_rollback(x->e->store);
	return rc;
}

static void
progress(void *ud, const char *message)
{
	engine_log(ud, TANDEM_LOG_INFO, "CAL", "%s", message);
}

static void
log_diag(struct tandem_engine *e, struct tandem_diag *diag)
{
	size_t	i;

	for (i = 0; i < tandem_diag_count(diag); i++)
		engine_log(e, TANDEM_LOG_WARNING, "CAL", "%s",
		    tandem_diag_get(diag, i));
}

static void
pass_free(struct pass *x)
{
	size_t	i;

	for (i = 0; x->v != NULL && x->plan != NULL && i < x->plan->n; i++)
		free(x->v[i].uid);
	free(x->v);
	rowset_free(x->rows);
	free(x->rows);
	tandem_plan_free(x->plan);
	tandem_diag_free(x->diag);
	free(x);
}

/*
 * What tandemctl changed while the calendars were read (a skip or
 * reschedule request, a check-in, a reply handed in by e-mail) is taken
 * from the store into the slots, so that this pass acts on it and its save
 * does not write the rows as they were loaded over it.
 */
static int
take_changes(struct pass *x)
{
	struct rowset		 now;
	struct store_session	*cur, *old, none;
	struct slot		*sl;
	size_t			 i;
	int			 k, rc;

	memset(&now, 0, sizeof(now));
	memset(&none, 0, sizeof(none));
	rc = store_sessions_each(x->e->store, NULL, NULL, NULL, keep_row, &now);
	for (i = 0; rc == 0 && i < x->plan->n; i++) {
		sl = &x->v[i];
		cur = row_of(&now, &sl->r);
		old = sl->has ? row_of(x->rows, &sl->r) : &none;
		if (cur == NULL || old == NULL)
			continue;
		sl->has = 1;		/* tandemctl skip may have made it */
		if (cur->request != old->request || cur->checkin != old->checkin)
			sl->dirty = 1;
		if (cur->request != old->request)
			sl->r.request = cur->request;
		if (cur->checkin != old->checkin)
			sl->r.checkin = cur->checkin;
		for (k = 0; k < 2 && cur->sequence == sl->r.sequence; k++)
			if (cur->reply[k] != old->reply[k]) {
				sl->r.reply[k] = cur->reply[k];
				sl->dirty = 1;
			}
	}
	rowset_free(&now);
	return rc;
}

/* One line that says whose calendars could not be read, and why. */
static void
log_unreadable(struct tandem_engine *e, const struct tandem_calendars *cals)
{
	char	line[4096];

	e->unreadable = tandem_calendars_failed(cals);
	if (tandem_calendars_summary(cals, line, sizeof(line)) >= 0 &&
	    line[0] != '\0')
		engine_log(e, TANDEM_LOG_WARNING, "CAL", "%s", line);
}

/* The calendars are read: decide, commit, and hand the pass back. */
static void
decide_pass(void *ud, int rc)
{
	struct pass		*x = ud;
	struct tandem_engine	*e = x->e;
	reconcile_done_fn	 done = x->done;

	log_diag(e, x->diag);
	if (rc == 0)
		log_unreadable(e, x->cals);
	if (rc == 0 && e->closing)
		rc = TANDEM_ECANCELED;	/* nothing is decided on the way out */
	if (rc == 0)
		rc = take_changes(x);
	if (rc == 0) {
		review(x);
		rc = tandem_plan_negotiate(x->plan, x->cals);
	}
	if (rc == 0)
		rc = decide_all(x);
	if (rc == 0) {
		due_sessions(x);
		engine_log(e, TANDEM_LOG_INFO, "SCHED", "pass: %u invitation(s), "
		    "%u moved, %u cancelled, %u decided", x->sent - x->moved,
		    x->moved, x->cancelled, x->decided);
	}
	e->next_due = x->due;
	e->pass_cfg = NULL;
	pass_free(x);
	done(e, rc);
}

int
reconcile_pass(struct tandem_engine *e, int64_t now, reconcile_done_fn done)
{
	struct pass	*x;
	int		 rc;

	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return TANDEM_ENOMEM;
	x->rows = calloc(1, sizeof(*x->rows));
	x->diag = tandem_diag_new();
	x->e = e;
	x->now = now;
	x->due = -1;
	x->done = done;
	rc = x->rows == NULL || x->diag == NULL ? TANDEM_ENOMEM : 0;
	if (rc == 0 && e->cals == NULL) {
		rc = tandem_calendars_new(&e->cals);
		if (rc == 0)
			calendars_set_progress(e->cals, progress, e);
	}
	x->cals = e->cals;
	if (rc == 0)
		rc = tandem_plan_new(e->cfg, now, &x->plan);
	if (rc == 0) {
		x->v = calloc(x->plan->n + 1, sizeof(*x->v));
		rc = x->v == NULL ? TANDEM_ENOMEM : load(x);
	}
	if (rc == 0)
		rc = calendars_read_start(x->cals, e->http, x->plan, x->diag,
		    decide_pass, x);
	if (rc < 0) {
		e->next_due = x->due;
		pass_free(x);
		return rc;
	}
	/* The config must outlive the pass: tandem_engine_uses() tells. */
	e->pass_cfg = e->cfg;
	if (rc == 1)
		decide_pass(x, 0);
	return 0;
}
