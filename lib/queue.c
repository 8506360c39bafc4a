/*
 * queue: messages and hook runs put in the store as jobs (see queue.h).
 * A message is rendered completely here, at decision time, so that what the
 * store holds is byte for byte what will be delivered, whatever happens to
 * the configuration before then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "queue.h"
#include "outbox.h"
#include "tzconv.h"

/* "Lena Vogel" or the address. */
static const char *
name_of(const struct person *p)
{
	return p->name != NULL && p->name[0] != '\0' ? p->name : p->email;
}

static void
itip_of(const struct queue_session *s, int64_t now, char *summary, size_t size,
    struct itip_session *is)
{
	memset(is, 0, sizeof(*is));
	snprintf(summary, size, "Mentoring: %s and %s (%s, session %u)",
	    name_of(s->pr->mentor), name_of(s->pr->mentee), s->pg->name, s->index);
	is->uid = s->uid;
	is->sequence = s->sequence;
	is->dtstamp = now;
	is->start = s->start;
	is->end = s->end;
	is->tz = s->pg->tz;
	is->organizer = s->pg->organizer;
	is->organizer_cn = s->pg->organizer_cn;
	is->who[0].email = s->pr->mentor->email;
	is->who[0].name = s->pr->mentor->name;
	is->who[1].email = s->pr->mentee->email;
	is->who[1].name = s->pr->mentee->name;
	is->summary = summary;
	is->description = s->pg->agenda;
}

/* An e-mail of the message: to both attendees (only 0), or to who[only - 1]. */
static int
render(const struct queue_session *s, const struct itip_session *is,
    enum itip_method m, const char *ics, const char *key, int only, char **eml)
{
	struct outbox_msg	om;

	memset(&om, 0, sizeof(om));
	om.key = key;
	om.from_name = s->pg->organizer_cn;
	om.from_addr = s->pg->organizer + (strncmp(s->pg->organizer, "mailto:", 7)
	    == 0 ? 7 : 0);
	om.s = is;
	om.tz[0] = s->pr->mentor->tz;
	om.tz[1] = s->pr->mentee->tz;
	om.method = m;
	om.ics = ics;
	om.only = only;
	return outbox_render(&om, eml, NULL);
}

static int
add_job(struct tandem_engine *e, const char *kind, const char *key,
    const char *prefix, const char *body, enum itip_method m, int64_t now)
{
	char	*payload = NULL;
	int	 rc;

	if (asprintf(&payload, "%s\n%s", prefix, body) < 0)
		return TANDEM_ENOMEM;
	rc = store_job_add(e->store, kind, key, payload, now);
	if (rc == 1)
		engine_log(e, TANDEM_LOG_INFO, "SCHED", "%s %s queued (%s)",
		    outbox_method_name(m), key, kind);
	free(payload);
	return rc;
}

int
queue_mail_payload(const struct queue_envelope *env, const char *eml,
    char **payload)
{
	struct json_object	*o, *to;
	int			 rc;

	o = json_object_new_object();
	to = json_object_new_array();
	if (o == NULL || to == NULL) {
		json_object_put(o);
		json_object_put(to);
		return TANDEM_ENOMEM;
	}
	json_object_object_add(o, "from", json_object_new_string(env->from));
	json_object_array_add(to, json_object_new_string(env->to[0]));
	if (env->to[1] != NULL)
		json_object_array_add(to, json_object_new_string(env->to[1]));
	json_object_object_add(o, "to", to);
	json_object_object_add(o, "uid", json_object_new_string(env->uid));
	json_object_object_add(o, "sequence", json_object_new_int(env->sequence));
	rc = asprintf(payload, "%s\n%s", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), eml) < 0 ?
	    TANDEM_ENOMEM : 0;
	json_object_put(o);
	return rc;
}

/* The e-mail of s to to2 (NULL: to1 alone). */
static int
add_mail(struct tandem_engine *e, const struct queue_session *s,
    const char *to1, const char *to2, const char *key, const char *eml,
    enum itip_method m, int64_t now)
{
	struct queue_envelope	 env;
	const char		*org = s->pg->organizer;
	char			*payload = NULL;
	int			 rc;

	env.from = org + (strncmp(org, "mailto:", 7) == 0 ? 7 : 0);
	env.to[0] = to1;
	env.to[1] = to2;
	env.uid = s->uid;
	env.sequence = s->sequence;
	rc = queue_mail_payload(&env, eml, &payload);
	if (rc == 0)
		rc = store_job_add(e->store, "imip", key, payload, now);
	if (rc == 1)
		engine_log(e, TANDEM_LOG_INFO, "SCHED", "%s %s queued (imip)",
		    outbox_method_name(m), key);
	free(payload);
	return rc;
}

/*
 * The message to both attendees as one e-mail job per attendee, keyed
 * "<key>.<address>": each recipient's SMTP transaction, and its failure,
 * is its own (a refused address does not hold the other one's back).
 */
static int
add_mails(struct tandem_engine *e, const struct queue_session *s,
    const char *key, const char *eml, enum itip_method m, int64_t now)
{
	const char	*to[2] = { s->pr->mentor->email, s->pr->mentee->email };
	char		 k[600];
	int		 i, rc = 0;

	for (i = 0; i < 2 && rc >= 0; i++) {
		snprintf(k, sizeof(k), "%s.%s", key, to[i]);
		rc = add_mail(e, s, to[i], NULL, k, eml, m, now);
	}
	return rc;
}

/*
 * The "caldav" job: the iTIP text to write into the organizer's calendar,
 * and, unless every attendee is mailed anyway (invite = both), one e-mail
 * per attendee for those the server turns out not to reach.
 */
static int
add_caldav(struct tandem_engine *e, const struct queue_session *s,
    const struct itip_session *is, enum itip_method m, const char *ics,
    const char *key, int64_t now)
{
	struct json_object	*o, *mail = NULL;
	char			 k[300], *eml = NULL;
	int			 i, rc = 0;

	o = json_object_new_object();
	if (o == NULL)
		return TANDEM_ENOMEM;
	json_object_object_add(o, "uid", json_object_new_string(s->uid));
	json_object_object_add(o, "organizer", json_object_new_string(
	    is->organizer + (strncmp(is->organizer, "mailto:", 7) == 0 ? 7 : 0)));
	json_object_object_add(o, "sequence", json_object_new_int(s->sequence));
	json_object_object_add(o, "cancel", json_object_new_boolean(m == ITIP_CANCEL));
	json_object_object_add(o, "client", json_object_new_boolean(
	    s->pg->invite == INVITE_BOTH));
	json_object_object_add(o, "ics", json_object_new_string(ics));
	if (s->pg->invite == INVITE_CALDAV) {
		mail = json_object_new_object();
		json_object_object_add(o, "mail", mail);
	}
	for (i = 0; mail != NULL && i < 2 && rc == 0; i++) {
		snprintf(k, sizeof(k), "%s.%s", key, is->who[i].email);
		rc = render(s, is, m, ics, k, 1 + i, &eml);
		if (rc == 0)
			json_object_object_add(mail, is->who[i].email,
			    json_object_new_string(eml));
		free(eml);
		eml = NULL;
	}
	snprintf(k, sizeof(k), "caldav:%s", key);
	if (rc == 0)
		rc = add_job(e, "caldav", k, s->pg->calendar,
		    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE), m, now);
	json_object_put(o);
	return rc;
}

/* rc, said in the log (with the diag's reason) when it is an error. */
static int
logged(struct tandem_engine *e, const char *key, int rc)
{
	if (rc < 0)
		engine_log(e, TANDEM_LOG_ERR, "SCHED", "%s: %s", key,
		    tandem_diag_count(e->diag) > 0 ? tandem_diag_get(e->diag, 0) :
		    tandem_strerror(rc));
	return rc;
}

int
queue_answer(struct tandem_engine *e, const struct queue_session *s,
    enum itip_method m, int who, const char *key, int64_t now)
{
	struct itip_session	 is;
	char			 summary[512], msgid[400];
	char			*ics = NULL, *eml = NULL;
	int			 rc;

	itip_of(s, now, summary, sizeof(summary), &is);
	/* A Message-ID of its own: one '@', unique per answer. */
	snprintf(msgid, sizeof(msgid), "%s-%lld-%d.%s.%d", m == ITIP_REQUEST ?
	    "refresh" : "declinecounter", (long long)now, who, s->uid,
	    s->sequence);
	tandem_diag_clear(e->diag);
	rc = itip_build(&is, m, &ics, e->diag);
	if (rc == 0)
		rc = render(s, &is, m, ics, msgid, 1 + who, &eml);
	if (rc == 0 && s->pg->invite == INVITE_OUTBOX)
		rc = add_job(e, "outbox", key, s->pg->outbox, eml, m, now);
	else if (rc == 0)
		rc = add_mail(e, s, is.who[who].email, NULL, key, eml, m, now);
	free(eml);
	free(ics);
	return logged(e, key, rc);
}

int
queue_message(struct tandem_engine *e, const struct queue_session *s,
    enum itip_method m, int64_t now)
{
	struct itip_session	 is;
	char			 summary[512], key[256];
	char			*ics = NULL, *eml = NULL;
	int			 rc;

	itip_of(s, now, summary, sizeof(summary), &is);
	snprintf(key, sizeof(key), "%s.%d", s->uid, s->sequence);
	tandem_diag_clear(e->diag);
	rc = itip_build(&is, m, &ics, e->diag);
	if (rc == 0 && s->pg->invite != INVITE_CALDAV)
		rc = render(s, &is, m, ics, key, 0, &eml);
	if (rc == 0 && s->pg->invite == INVITE_OUTBOX)
		rc = add_job(e, "outbox", key, s->pg->outbox, eml, m, now);
	else if (rc == 0 && s->pg->invite != INVITE_CALDAV)
		rc = add_mails(e, s, key, eml, m, now);
	if (rc >= 0 && (s->pg->invite == INVITE_CALDAV ||
	    s->pg->invite == INVITE_BOTH))
		rc = add_caldav(e, s, &is, m, ics, key, now);
	free(eml);
	free(ics);
	return logged(e, key, rc);
}

static void
iso(int64_t t, char *buf, size_t size)
{
	tzconv_format(icaltimezone_get_utc_timezone(), t, buf, size);
}

int
queue_hook(struct tandem_engine *e, const struct queue_session *s,
    const char *event, const char *key, const char *reason, int64_t now)
{
	struct json_object	*o;
	char			 when[40];
	char			*payload = NULL;
	int			 rc;

	if (s->pg->hook == NULL || s->pg->hook[0] == '\0')
		return 0;
	o = json_object_new_object();
	if (o == NULL)
		return TANDEM_ENOMEM;
	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "id", json_object_new_string(key));
	json_object_object_add(o, "program", json_object_new_string(s->pg->name));
	json_object_object_add(o, "mentor", json_object_new_string(s->pr->mentor->email));
	json_object_object_add(o, "mentee", json_object_new_string(s->pr->mentee->email));
	json_object_object_add(o, "session", json_object_new_int((int)s->index));
	if (s->start != 0) {
		iso(s->start, when, sizeof(when));
		json_object_object_add(o, "start", json_object_new_string(when));
		json_object_object_add(o, "start_utc", json_object_new_int64(s->start));
	}
	if (reason != NULL)
		json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "timeout", json_object_new_int(s->pg->hook_timeout));
	rc = asprintf(&payload, "%s\n%s", s->pg->hook, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ?
	    TANDEM_ENOMEM : 0;
	json_object_put(o);
	if (rc < 0)
		return rc;
	rc = store_job_add(e->store, "hook", key, payload, now);
	if (rc == 1)
		engine_log(e, TANDEM_LOG_INFO, "SCHED", "hook %s queued", key);
	free(payload);
	return rc;
}
