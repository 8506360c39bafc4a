/*
 * ctl_ingest: an attendee's e-mail handed in by the MTA (tandemctl
 * ingest-mail).  tandemctl finds the message's iCalendar object and sends
 * it as {"cmd": "ingest", "ics": TEXT}; the engine reads it again and acts:
 *
 *   REPLY    the attendee's PARTSTAT goes into the session's row, as if
 *            read from a calendar; the next pass acts on it (a decline
 *            moves the session, with a REQUEST at SEQUENCE + 1).  A reply
 *            to an older SEQUENCE, or to a session no longer invited, is
 *            ignored (exit 0: the mail was taken, nothing changed).
 *   REFRESH  the current REQUEST is sent again to that attendee.
 *   COUNTER  per the program's counter option: "reschedule" asks the next
 *            pass for another slot within flex (as tandemctl reschedule);
 *            "decline" (the default) sends a DECLINECOUNTER and the session
 *            stays where it is.
 *
 * Someone who is not an attendee of the session, or a UID tandem did not
 * make, is refused with exit 65 and nothing changes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl-int.h"
#include "imip_in.h"
#include "queue.h"

struct found {
	struct store_session	 row;		/* the first row with the UID */
	int			 n;
	char			*program, *mentor, *mentee;
};

static int
on_row(void *ud, const struct store_session *r)
{
	struct found	*f = ud;

	if (f->n++ > 0)
		return 0;
	f->row = *r;
	f->row.uid = util_strdup(r->uid);
	f->program = util_strdup(r->program);
	f->mentor = util_strdup(r->mentor);
	f->mentee = util_strdup(r->mentee);
	f->row.program = f->program;
	f->row.mentor = f->mentor;
	f->row.mentee = f->mentee;
	return f->row.uid == NULL || f->program == NULL || f->mentor == NULL ||
	    f->mentee == NULL ? TANDEM_ENOMEM : 0;
}

static void
found_clear(struct found *f)
{
	free(f->row.uid);
	free(f->program);
	free(f->mentor);
	free(f->mentee);
}

/* The configured pair of row, or NULL when the configuration dropped it. */
static const struct pair *
pair_of(const struct ctl *c, const struct store_session *row,
    const struct program **pg)
{
	size_t	i;

	*pg = ctl_program(c->cfg, row->program);
	for (i = 0; *pg != NULL && i < (*pg)->npairs; i++)
		if (strcasecmp((*pg)->pairs[i].mentor->email, row->mentor) == 0 &&
		    strcasecmp((*pg)->pairs[i].mentee->email, row->mentee) == 0)
			return &(*pg)->pairs[i];
	return NULL;
}

static const char *const partstat_names[] = {
	"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"
};

static int
on_reply(struct ctl *c, const struct itip_reply *m, struct store_session *row,
    int k)
{
	int	rc;

	row->reply[k] = reply_of(m->partstat);
	rc = store_session_put(c->e->store, row);
	if (rc < 0)
		return ctl_internal(c, rc);
	engine_log(c->e, TANDEM_LOG_INFO, "MAIL", "REPLY from %s: %s to session "
	    "%u of %s / %s (%s, SEQUENCE %d)", m->attendee,
	    partstat_names[m->partstat], row->index, row->mentor, row->mentee,
	    row->uid, m->sequence);
	fprintf(c->out, "%s: %s, session %u of %s / %s in program %s; tandemd "
	    "acts on it in its next pass\n", m->attendee,
	    partstat_names[m->partstat], row->index, row->mentor, row->mentee,
	    row->program);
	tandem_engine_kick(c->e);
	return 0;
}

static void
queue_of(const struct store_session *row, const struct program *pg,
    const struct pair *pr, struct queue_session *q)
{
	memset(q, 0, sizeof(*q));
	q->pg = pg;
	q->pr = pr;
	q->index = row->index;
	q->uid = row->uid;
	q->sequence = row->sequence;
	q->start = row->start;
	q->end = row->end;
}

/* REFRESH: the REQUEST again; COUNTER declined: a DECLINECOUNTER. */
static int
answer(struct ctl *c, const struct itip_reply *m, const struct store_session *row,
    const struct program *pg, const struct pair *pr, int k, enum itip_method how)
{
	struct queue_session	q;
	char			key[600];
	int			rc;

	queue_of(row, pg, pr, &q);
	snprintf(key, sizeof(key), "%s:%s.%d.%s.%lld", how == ITIP_REQUEST ?
	    "refresh" : "declinecounter", row->uid, row->sequence, m->attendee,
	    (long long)m->dtstamp);
	rc = queue_answer(c->e, &q, how, k, key, c->now);
	if (rc < 0)
		return ctl_internal(c, rc);
	fprintf(c->out, "%s: %s %s\n", m->attendee, how == ITIP_REQUEST ?
	    "the invitation is sent again" : "the proposed time is declined",
	    rc == 1 ? "" : "(already done for this message)");
	tandem_engine_kick(c->e);
	return 0;
}

static int
on_counter(struct ctl *c, const struct itip_reply *m, struct store_session *row,
    const struct program *pg, const struct pair *pr, int k)
{
	int	rc;

	if (pg->counter != COUNTER_RESCHEDULE)
		return answer(c, m, row, pg, pr, k, ITIP_DECLINECOUNTER);
	rc = store_session_request(c->e->store, row, STORE_REQ_RESCHEDULE);
	if (rc < 0)
		return ctl_internal(c, rc);
	engine_log(c->e, TANDEM_LOG_INFO, "MAIL", "COUNTER from %s: session %u of "
	    "%s / %s is negotiated again within flex", m->attendee, row->index,
	    row->mentor, row->mentee);
	fprintf(c->out, "%s proposes another time: session %u of %s / %s is "
	    "negotiated again in tandemd's next pass\n", m->attendee, row->index,
	    row->mentor, row->mentee);
	tandem_engine_kick(c->e);
	return 0;
}

/* m about row: who is it from, is it current, then act. */
static int
act(struct ctl *c, const struct itip_reply *m, struct store_session *row)
{
	const struct program	*pg;
	const struct pair	*pr = pair_of(c, row, &pg);
	int			 k;

	if (pr == NULL)
		return ctl_fail(c, CTL_EX_DATAERR, "%s: the pair of this session is "
		    "no longer configured; nothing changed", row->uid);
	if (strcasecmp(m->attendee, pr->mentor->email) == 0)
		k = 0;
	else if (strcasecmp(m->attendee, pr->mentee->email) == 0)
		k = 1;
	else
		return ctl_fail(c, CTL_EX_DATAERR, "%s is not an attendee of %s; "
		    "nothing changed", m->attendee, row->uid);
	if (m->sequence < row->sequence || row->state != TANDEM_ENGINE_INVITED) {
		fprintf(c->out, "%s: ignored: it answers SEQUENCE %d; session %u "
		    "of %s / %s is %s at SEQUENCE %d\n", m->attendee, m->sequence,
		    row->index, row->mentor, row->mentee,
		    tandem_engine_state_name(row->state), row->sequence);
		return 0;
	}
	switch (m->method) {
	case ITIP_IN_REPLY:
		return on_reply(c, m, row, k);
	case ITIP_IN_REFRESH:
		return answer(c, m, row, pg, pr, k, ITIP_REQUEST);
	default:
		return on_counter(c, m, row, pg, pr, k);
	}
}

int
ctl_ingest(struct ctl *c)
{
	struct itip_reply	m;
	struct found		f;
	size_t			mark = tandem_diag_count(c->e->diag);
	int			ex, rc;

	if (c->ics == NULL)
		return ctl_fail(c, CTL_EX_USAGE, "no \"ics\" in the request");
	if (itip_parse_reply("message", c->ics, &m, c->e->diag) < 0) {
		ex = ctl_fail(c, CTL_EX_DATAERR, "%s", tandem_diag_count(c->e->diag)
		    > mark ? tandem_diag_get(c->e->diag, mark) : "not understood");
		return ex;
	}
	memset(&f, 0, sizeof(f));
	rc = store_sessions_uid(c->e->store, m.uid, on_row, &f);
	if (rc < 0)
		ex = ctl_internal(c, rc);
	else if (f.n == 0)
		ex = ctl_fail(c, CTL_EX_DATAERR, "no session of tandem has UID %s; "
		    "nothing changed", m.uid);
	else
		ex = act(c, &m, &f.row);
	found_clear(&f);
	itip_reply_clear(&m);
	return ex;
}

int
tandem_ctl_ingest_request(const char *msg, size_t len, char **request,
    struct tandem_diag *diag)
{
	struct itip_reply	 m;
	json_object		*o;
	char			*ics = NULL;
	int			 rc;

	*request = NULL;
	rc = imip_extract("the message", msg, len, &ics, NULL, diag);
	if (rc == 0)
		rc = itip_parse_reply("the message's calendar", ics, &m, diag);
	if (rc < 0) {
		free(ics);
		return rc;
	}
	itip_reply_clear(&m);
	o = json_object_new_object();
	json_object_object_add(o, "cmd", json_object_new_string("ingest"));
	json_object_object_add(o, "ics", json_object_new_string(ics));
	rc = asprintf(request, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ?
	    TANDEM_ENOMEM : 0;
	if (rc < 0)
		*request = NULL;
	json_object_put(o);
	free(ics);
	return rc;
}
