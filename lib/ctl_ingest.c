/*
 * ctl_ingest: an attendee's e-mail handed in by the MTA (tandemctl
 * ingest-mail).  tandemctl finds the message's iCalendar object and who the
 * message says sent it, and sends them as {"cmd": "ingest", "ics": TEXT,
 * "from": ADDRESS, "sender": ADDRESS, "auth": [VALUE...]} ("from" absent
 * when the From is not one mailbox, "sender" when the MTA handed over no
 * envelope sender, "auth" the Authentication-Results); the engine reads the
 * object again, checks that the message may speak for the attendee it
 * names, and acts:
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
 * make, is refused with exit 65 and nothing changes.  So is a message
 * whose From (or envelope sender) is not the attendee it speaks for, or,
 * with [mail] replies = authenticated, that no Authentication-Results of
 * the receiving MTA vouches for: logged, with what came from outside
 * escaped, since anybody can write an e-mail that says it is a reply.
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

static const char *const method_names[] = { "REPLY", "COUNTER", "REFRESH" };

/* The request's string field name, NULL when absent (or not a string). */
static const char *
req_string(const struct ctl *c, const char *name)
{
	json_object	*v;

	if (c->req == NULL || !json_object_object_get_ex(c->req, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * A refusal of m: "refused a REPLY for ATTENDEE", then pre, value (from
 * outside, or NULL) and post, logged and said; CTL_EX_DATAERR.  What came
 * from outside is escaped here for tandemctl's standard error (a bounce's
 * text); the log escapes its lines itself.
 */
static int
refuse(struct ctl *c, const struct itip_reply *m, const char *pre,
    const char *value, const char *post)
{
	char	who[330], val[330];

	engine_log(c->e, TANDEM_LOG_WARNING, "MAIL", "refused a %s for %s%s%s%s; "
	    "nothing changed (UID %s)", method_names[m->method], m->attendee,
	    pre, value != NULL ? value : "", post, m->uid);
	tandem_escape(m->attendee, who, sizeof(who));
	tandem_escape(value != NULL ? value : "", val, sizeof(val));
	return ctl_fail(c, CTL_EX_DATAERR, "refused a %s for %s%s%s%s; nothing "
	    "changed", method_names[m->method], who, pre, val, post);
}

/*
 * May m speak for its attendee?  A reply counts only when its sender is
 * the attendee it speaks for: the From address, and the envelope sender
 * when the MTA handed one over, must be the ATTENDEE's address (without
 * regard to case), so that an alias answering is refused too.  With
 * [mail] replies = authenticated, an Authentication-Results of the MTA
 * that took the message in ([mail] authserv_id) must also vouch for that
 * address.  0, or the refusal.
 */
static int
sender_check(struct ctl *c, const struct itip_reply *m)
{
	static const char	own[] = ": only the attendee's own address may "
				    "answer for them";
	const char		*from = req_string(c, "from");
	const char		*sender = req_string(c, "sender");
	const char		*auth[IMIP_AUTH_MAX];
	json_object		*v, *a;
	char			 pre[400], how[400];
	size_t			 i, n = 0;

	if (from == NULL)
		return refuse(c, m, " without a From of one address", NULL, "");
	if (strcasecmp(from, m->attendee) != 0)
		return refuse(c, m, " from ", from, own);
	if (sender != NULL && sender[0] == '\0')
		return refuse(c, m, " from the null sender (a bounce): it answers "
		    "for nobody", NULL, "");
	if (sender != NULL && strcasecmp(sender, m->attendee) != 0)
		return refuse(c, m, " from the envelope sender ", sender, own);
	if (c->cfg->mail_replies != MAIL_REPLIES_AUTHENTICATED)
		return 0;
	if (c->req != NULL && json_object_object_get_ex(c->req, "auth", &v) &&
	    json_object_is_type(v, json_type_array))
		for (i = 0; i < json_object_array_length(v) && n < IMIP_AUTH_MAX;
		    i++) {
			a = json_object_array_get_idx(v, i);
			if (json_object_is_type(a, json_type_string))
				auth[n++] = json_object_get_string(a);
		}
	if (imip_authenticated(auth, n, c->cfg->mail_authserv_id, m->attendee,
	    how, sizeof(how))) {
		engine_log(c->e, TANDEM_LOG_DEBUG, "MAIL", "%s for %s: %s",
		    method_names[m->method], m->attendee, how);
		return 0;
	}
	/* authserv_id is the configuration's: one token, nothing to escape. */
	snprintf(pre, sizeof(pre), ": no Authentication-Results of %s vouches "
	    "for ", c->cfg->mail_authserv_id);
	return refuse(c, m, pre, m->attendee,
	    " ([mail] replies = authenticated)");
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
	char			text[1024];
	int			ex, rc;

	if (c->ics == NULL)
		return ctl_fail(c, CTL_EX_USAGE, "no \"ics\" in the request");
	if (itip_parse_reply("message", c->ics, &m, c->e->diag) < 0) {
		tandem_escape(tandem_diag_count(c->e->diag) > mark ?
		    tandem_diag_get(c->e->diag, mark) : "not understood", text,
		    sizeof(text));
		return ctl_fail(c, CTL_EX_DATAERR, "%s", text);
	}
	/* Before the store is asked: a stranger learns nothing of it. */
	ex = sender_check(c, &m);
	if (ex != 0) {
		itip_reply_clear(&m);
		return ex;
	}
	memset(&f, 0, sizeof(f));
	rc = store_sessions_uid(c->e->store, m.uid, on_row, &f);
	if (rc < 0)
		ex = ctl_internal(c, rc);
	else if (f.n == 0) {
		tandem_escape(m.uid, text, sizeof(text));
		ex = ctl_fail(c, CTL_EX_DATAERR, "no session of tandem has UID %s; "
		    "nothing changed", text);
	} else
		ex = act(c, &m, &f.row);
	found_clear(&f);
	itip_reply_clear(&m);
	return ex;
}

/* The envelope sender as handed over: "<a@b>" unwrapped; NULL stays NULL. */
static char *
bare_sender(const char *sender)
{
	size_t	n;

	if (sender == NULL)
		return NULL;
	n = strlen(sender);
	if (n >= 2 && sender[0] == '<' && sender[n - 1] == '>')
		return util_strndup(sender + 1, n - 2);
	return util_strdup(sender);
}

int
tandem_ctl_ingest_request_sender(const char *msg, size_t len,
    const char *sender, char **request, struct tandem_diag *diag)
{
	struct itip_reply	 r;
	struct imip_mail	 m;
	json_object		*o = NULL, *auth;
	char			*env = NULL;
	size_t			 i;
	int			 rc;

	*request = NULL;
	rc = imip_read("the message", msg, len, &m, diag);
	if (rc < 0)
		return rc;
	rc = itip_parse_reply("the message's calendar", m.ics, &r, diag);
	if (rc < 0)
		goto out;
	itip_reply_clear(&r);
	rc = TANDEM_ENOMEM;
	env = bare_sender(sender);
	o = json_object_new_object();
	if (o == NULL || (sender != NULL && env == NULL))
		goto out;
	json_object_object_add(o, "cmd", json_object_new_string("ingest"));
	json_object_object_add(o, "ics", json_object_new_string(m.ics));
	if (m.from != NULL)
		json_object_object_add(o, "from", json_object_new_string(m.from));
	if (env != NULL)
		json_object_object_add(o, "sender", json_object_new_string(env));
	if (m.nauth > 0) {
		auth = json_object_new_array();
		if (auth == NULL)
			goto out;
		for (i = 0; i < m.nauth; i++)
			json_object_array_add(auth,
			    json_object_new_string(m.auth[i]));
		json_object_object_add(o, "auth", auth);
	}
	rc = asprintf(request, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ?
	    TANDEM_ENOMEM : 0;
	if (rc < 0)
		*request = NULL;
out:
	json_object_put(o);
	free(env);
	imip_mail_clear(&m);
	return rc;
}

int
tandem_ctl_ingest_request(const char *msg, size_t len, char **request,
    struct tandem_diag *diag)
{
	return tandem_ctl_ingest_request_sender(msg, len, NULL, request, diag);
}
