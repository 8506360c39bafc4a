/*
 * ctl_show: the read commands status, pairs and sessions of tandemctl, as
 * a table for people or, with --json, as JSON for scripts (the fields are
 * in tandemctl(1)).  Times are in the program's zone in tables and in UTC
 * (RFC 3339) in JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl-int.h"
#include "calendars-int.h"
#include "http.h"

/* Replies as people read them, and as JSON has them. */
static const char *const reply_names[] = {
	"needs-action", "accepted", "tentative", "declined"
};
static const char *const why_names[] = {
	NULL, "declined", "cancelled", "deleted", "no check-in"
};
static const char *const request_names[] = {
	NULL, "skip", "reschedule"
};

#define NAME_OF(names, i) \
	((i) >= 0 && (size_t)(i) < TANDEM_NELEM(names) ? (names)[i] : NULL)

static const char *
reply_name(int reply)
{
	const char	*n = NAME_OF(reply_names, reply);

	return n != NULL ? n : "?";
}

/* The CalDAV servers the calendars came from: health and free/busy means. */
static json_object *
servers_json(struct ctl *c)
{
	const struct caldav_srv	*v;
	json_object		*a = json_object_new_array(), *o;
	size_t			 i, n = calendars_nservers(c->e->cals);

	for (i = 0; i < n; i++) {
		v = calendars_server(c->e->cals, i);
		o = json_object_new_object();
		json_object_object_add(o, "url", json_object_new_string(v->origin));
		json_object_object_add(o, "freebusy", json_object_new_string(
		    caldav_fb_means_name(v->means)));
		json_object_object_add(o, "why", json_object_new_string(v->why));
		json_object_object_add(o, "requests",
		    json_object_new_int64((int64_t)v->requests));
		json_object_object_add(o, "failures",
		    json_object_new_int64((int64_t)v->failures));
		json_object_object_add(o, "last_ok", ctl_json_time(v->last_ok));
		json_object_object_add(o, "last_failure",
		    ctl_json_time(v->last_fail));
		json_object_object_add(o, "last_error",
		    json_object_new_string(v->last_error));
		json_object_array_add(a, o);
	}
	return a;
}

static void
servers_text(struct ctl *c)
{
	const struct caldav_srv	*v;
	size_t			 i, n = calendars_nservers(c->e->cals);
	char			 ok[32] = "never", bad[32], text[800];

	for (i = 0; i < n; i++) {
		v = calendars_server(c->e->cals, i);
		if (v->last_ok != 0)
			ctl_utc(v->last_ok, ok, sizeof(ok));
		fprintf(c->out, "server     %s: free/busy by %s%s%s%s; %zu "
		    "requests, %zu failed; last answer %s\n", v->origin,
		    caldav_fb_means_name(v->means), v->why[0] ? " (" : "",
		    v->why, v->why[0] ? ")" : "", v->requests,
		    v->failures, ok);
		if (v->last_fail != 0) {
			ctl_utc(v->last_fail, bad, sizeof(bad));
			tandem_escape(v->last_error, text, sizeof(text));
			fprintf(c->out, "           last failure %s: %s\n", bad,
			    text);
		}
	}
}

/* A calendar status names: what went wrong, or that free/busy stood in. */
static const char *
cal_note(const struct cal *e)
{
	if (e == NULL)
		return NULL;
	if (e->fb_ok)
		return "freebusy";
	if (e->failed)
		return "unreadable";
	if (e->stale)
		return "stale";
	return NULL;
}

static void
cal_counts(struct ctl *c, struct tandem_calendars_stats *st, size_t *fb)
{
	const struct cal	*e;
	size_t			 i;

	memset(st, 0, sizeof(*st));
	tandem_calendars_stats(c->e->cals, st);
	*fb = 0;
	for (i = 0; i < calendars_count(c->e->cals); i++) {
		e = calendars_get(c->e->cals, i);
		*fb += e != NULL && e->fb_ok;
	}
}

/* The calendars of the last pass: counts, then each that is not plain. */
static json_object *
calendars_json(struct ctl *c)
{
	struct tandem_calendars_stats	 st;
	const struct cal		*e;
	json_object			*o = json_object_new_object(), *a, *p;
	size_t				 i, fb;

	cal_counts(c, &st, &fb);
	json_object_object_add(o, "read", json_object_new_int64((int64_t)st.calendars));
	json_object_object_add(o, "unreadable", json_object_new_int64((int64_t)st.failed));
	json_object_object_add(o, "stale", json_object_new_int64((int64_t)st.stale));
	json_object_object_add(o, "by_freebusy", json_object_new_int64((int64_t)fb));
	json_object_object_add(o, "damaged_events",
	    json_object_new_int64((int64_t)st.damaged));
	json_object_object_add(o, "series_cut",
	    json_object_new_int64((int64_t)st.cut));
	a = json_object_new_array();
	for (i = 0; i < calendars_count(c->e->cals); i++) {
		e = calendars_get(c->e->cals, i);
		if (cal_note(e) == NULL)
			continue;
		p = json_object_new_object();
		json_object_object_add(p, "email", json_object_new_string(e->owner));
		json_object_object_add(p, "name", json_object_new_string(e->name));
		json_object_object_add(p, "status", json_object_new_string(cal_note(e)));
		json_object_object_add(p, "busy_from", json_object_new_string(e->source));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "people", a);
	return o;
}

static void
calendars_text(struct ctl *c)
{
	struct tandem_calendars_stats	 st;
	const struct cal		*e;
	size_t				 i, fb;
	char				 text[1300];

	if (c->e->cals == NULL)
		return;
	cal_counts(c, &st, &fb);
	fprintf(c->out, "calendars  %zu read in the last pass: %zu by the server's "
	    "free/busy, %zu could not be read, %zu from the last good copy; %zu "
	    "damaged event%s skipped, %zu series cut short (the rest taken as "
	    "busy)\n", st.calendars, fb, st.failed, st.stale, st.damaged,
	    st.damaged == 1 ? "" : "s", st.cut);
	for (i = 0; i < calendars_count(c->e->cals); i++) {
		e = calendars_get(c->e->cals, i);
		if (cal_note(e) == NULL)
			continue;
		tandem_escape(e->source, text, sizeof(text));
		fprintf(c->out, "           %s <%s>: busy time from %s\n",
		    e->owner[0] != '\0' ? e->name : "the organizer", e->owner,
		    text);
	}
}

/* How e-mails leave: the SMTP URL without userinfo, or sendmail's path. */
static char *
mail_transport(const struct ctl *c)
{
	return c->cfg->mail_sendmail != NULL ? util_strdup(c->cfg->mail_sendmail) :
	    http_redact(c->cfg->mail_smtp);
}

/* The e-mails (imip jobs): sent, waiting, refused, the last failure. */
static json_object *
mail_json(struct ctl *c, const struct store_job_count *m)
{
	json_object	*o = json_object_new_object();
	char		*t = mail_transport(c);

	json_object_object_add(o, "transport", json_object_new_string(
	    t != NULL ? t : ""));
	free(t);
	json_object_object_add(o, "rate", json_object_new_int(c->cfg->mail_rate));
	json_object_object_add(o, "sent", json_object_new_int64((int64_t)m->done));
	json_object_object_add(o, "waiting",
	    json_object_new_int64((int64_t)(m->queued + m->retrying)));
	json_object_object_add(o, "retrying",
	    json_object_new_int64((int64_t)m->retrying));
	json_object_object_add(o, "failed",
	    json_object_new_int64((int64_t)m->given_up));
	json_object_object_add(o, "last_ok", ctl_json_time(c->e->mail_last_ok));
	json_object_object_add(o, "last_failure",
	    ctl_json_time(c->e->mail_last_fail));
	json_object_object_add(o, "last_error",
	    json_object_new_string(c->e->mail_last_error));
	return o;
}

static void
mail_text(struct ctl *c, const struct store_job_count *m)
{
	char	*t = mail_transport(c), when[32];

	fprintf(c->out, "mail       %s: %zu sent, %zu waiting (%zu to retry), "
	    "%zu failed\n", t != NULL ? t : "?", m->done, m->queued + m->retrying,
	    m->retrying, m->given_up);
	free(t);
	if (c->e->mail_last_fail != 0) {
		ctl_utc(c->e->mail_last_fail, when, sizeof(when));
		fprintf(c->out, "           last failure %s: %s\n", when,
		    c->e->mail_last_error);
	}
}

/* Is there mail to speak of: a program that mails, or e-mails queued? */
static int
mails(const struct ctl *c, const struct store_job_count *m)
{
	size_t	i;

	for (i = 0; i < c->cfg->nprograms; i++)
		if (c->cfg->programs[i].invite != INVITE_OUTBOX)
			return 1;
	return m->queued + m->retrying + m->done + m->given_up > 0;
}

static int
status_json(struct ctl *c, const size_t *states, size_t nstates,
    const struct store_job_count *jobs, size_t pairs, size_t paused,
    const struct store_job_count *mail)
{
	json_object	*o = json_object_new_object(), *s, *j;
	size_t		 i, total = 0;

	s = json_object_new_object();
	for (i = 1; i < nstates; i++) {
		json_object_object_add(s, tandem_engine_state_name((int)i),
		    json_object_new_int64((int64_t)states[i]));
		total += states[i];
	}
	json_object_object_add(s, "total", json_object_new_int64((int64_t)total));
	j = json_object_new_object();
	json_object_object_add(j, "queued",
	    json_object_new_int64((int64_t)jobs->queued));
	json_object_object_add(j, "retrying",
	    json_object_new_int64((int64_t)jobs->retrying));
	json_object_object_add(j, "done", json_object_new_int64((int64_t)jobs->done));
	json_object_object_add(j, "given_up",
	    json_object_new_int64((int64_t)jobs->given_up));
	json_object_object_add(o, "config", json_object_new_string(c->cfg->path));
	json_object_object_add(o, "state", json_object_new_string(c->cfg->state));
	json_object_object_add(o, "programs",
	    json_object_new_int64((int64_t)c->cfg->nprograms));
	json_object_object_add(o, "pairs", json_object_new_int64((int64_t)pairs));
	json_object_object_add(o, "paused", json_object_new_int64((int64_t)paused));
	json_object_object_add(o, "sessions", s);
	json_object_object_add(o, "jobs", j);
	json_object_object_add(o, "next_wake", ctl_json_time(
	    c->e->next_wake < 0 ? 0 : c->e->next_wake));
	json_object_object_add(o, "servers", servers_json(c));
	if (c->e->cals != NULL)
		json_object_object_add(o, "calendars", calendars_json(c));
	if (mails(c, mail))
		json_object_object_add(o, "mail", mail_json(c, mail));
	return ctl_print_json(c, o);
}

static int
count_paused(struct ctl *c, const struct ctl_pair *p, void *ud)
{
	size_t	*n = ud;
	int	 rc;

	rc = store_pair_paused(c->e->store, p->pg->name, p->pr->mentor->email,
	    p->pr->mentee->email);
	if (rc < 0)
		return rc;
	n[0]++;
	n[1] += (size_t)rc;
	return 0;
}

static int
status_text(struct ctl *c, const size_t *states, size_t nstates,
    const struct store_job_count *jobs, size_t pairs, size_t paused,
    const struct store_job_count *mail)
{
	const struct program	*pg;
	size_t			 i, n = 0, total = 0;
	char			 wake[32] = "none";

	if (c->e->next_wake >= 0)
		ctl_utc(c->e->next_wake, wake, sizeof(wake));
	fprintf(c->out, "config     %s\nstate      %s\nprograms   %zu:",
	    c->cfg->path, c->cfg->state, c->program ? 1 : c->cfg->nprograms);
	for (i = 0; i < c->cfg->nprograms; i++) {
		pg = &c->cfg->programs[i];
		if (c->program == NULL || strcmp(pg->name, c->program) == 0)
			fprintf(c->out, "%s %s (%zu pairs)", n++ ? "," : "",
			    pg->name, pg->npairs);
	}
	fprintf(c->out, "\npairs      %zu (%zu paused)\n", pairs, paused);
	for (i = 1; i < nstates; i++)
		total += states[i];
	fprintf(c->out, "sessions   %zu:", total);
	for (i = 1; i < nstates; i++)
		fprintf(c->out, "%s %zu %s", i > 1 ? "," : "", states[i],
		    tandem_engine_state_name((int)i));
	fprintf(c->out, "\njobs       %zu queued, %zu waiting to retry, %zu done, "
	    "%zu given up\nnext wake  %s\n", jobs->queued, jobs->retrying,
	    jobs->done, jobs->given_up, wake);
	servers_text(c);
	calendars_text(c);
	if (mails(c, mail))
		mail_text(c, mail);
	return 0;
}

int
ctl_show_status(struct ctl *c)
{
	struct store_job_count	jobs, mail;
	size_t			states[TANDEM_ENGINE_CANCELLED + 1], pairs[2] = { 0, 0 };
	int			rc;

	rc = store_sessions_count(c->e->store, c->program, states,
	    TANDEM_NELEM(states));
	if (rc == 0)
		rc = store_jobs_count(c->e->store, NULL, &jobs);
	if (rc == 0)
		rc = store_jobs_count(c->e->store, "imip", &mail);
	if (rc == 0)
		rc = ctl_pairs_each(c, count_paused, pairs);
	if (rc < 0)
		return ctl_internal(c, rc);
	return (c->json ? status_json : status_text)(c, states,
	    TANDEM_NELEM(states), &jobs, pairs[0], pairs[1], &mail);
}

static json_object *
pair_json(const struct ctl_pair *p, const struct ctl_sum *s)
{
	json_object	*o = json_object_new_object(), *n = NULL;

	if (s->next != 0) {
		n = json_object_new_object();
		json_object_object_add(n, "index", json_object_new_int((int)s->next));
		json_object_object_add(n, "state", json_object_new_string(
		    tandem_engine_state_name(s->next_state)));
		json_object_object_add(n, s->next_slot ? "start" : "nominal",
		    ctl_json_time(s->next_at));
	}
	json_object_object_add(o, "program", json_object_new_string(p->pg->name));
	json_object_object_add(o, "mentor",
	    json_object_new_string(p->pr->mentor->email));
	json_object_object_add(o, "mentee",
	    json_object_new_string(p->pr->mentee->email));
	json_object_object_add(o, "paused", json_object_new_boolean(s->paused));
	json_object_object_add(o, "next", n);
	json_object_object_add(o, "held", json_object_new_int((int)s->held));
	json_object_object_add(o, "missed", json_object_new_int((int)s->missed));
	return o;
}

struct pairsctx {
	json_object	*list;		/* --json */
	int		 w[3];
};

static int
pair_line(struct ctl *c, const struct ctl_pair *p, void *ud)
{
	struct pairsctx	*x = ud;
	struct ctl_sum	 s;
	char		 at[32], next[64] = "-";
	int		 rc;

	rc = ctl_sum(c, p, &s);
	if (rc < 0)
		return rc;
	if (x->list != NULL)
		return json_object_array_add(x->list, pair_json(p, &s)) == 0 ? 0 :
		    TANDEM_ENOMEM;
	if (s.next != 0) {
		ctl_local(p->pg, s.next_at, at, sizeof(at));
		snprintf(next, sizeof(next), "#%u %s%s", s.next, at, s.next_slot ?
		    "" : " (nominal)");
	}
	fprintf(c->out, "%-*s  %-*s  %-*s  %-6s  %-34s  %4u  %6u\n", x->w[0],
	    p->pg->name, x->w[1], p->pr->mentor->email, x->w[2],
	    p->pr->mentee->email, s.paused ? "yes" : "no", next, s.held, s.missed);
	return 0;
}

int
ctl_show_pairs(struct ctl *c)
{
	struct pairsctx	x;
	int		rc;

	memset(&x, 0, sizeof(x));
	if (c->json) {
		x.list = json_object_new_array();
		if (x.list == NULL)
			return ctl_internal(c, TANDEM_ENOMEM);
	} else {
		ctl_widths(c, x.w, 7);
		fprintf(c->out, "%-*s  %-*s  %-*s  %-6s  %-34s  %4s  %6s\n", x.w[0],
		    "PROGRAM", x.w[1], "MENTOR", x.w[2], "MENTEE", "PAUSED",
		    "NEXT", "HELD", "MISSED");
	}
	rc = ctl_pairs_each(c, pair_line, &x);
	if (rc < 0) {
		json_object_put(x.list);
		return ctl_internal(c, rc);
	}
	return x.list != NULL ? ctl_print_json(c, x.list) : 0;
}

struct sessionsctx {
	struct ctl		*c;
	const struct program	*pg;
	json_object		*list;		/* --json */
};

static json_object *
session_json(const struct program *pg, const struct store_session *r)
{
	json_object	*o = json_object_new_object(), *rep;
	const char	*why = NAME_OF(why_names, r->why);
	const char	*req = NAME_OF(request_names, r->request);
	char		 local[32];
	int		 k;

	ctl_local(pg, r->start != 0 ? r->start : r->nominal, local, sizeof(local));
	rep = json_object_new_object();
	for (k = 0; k < 2; k++)
		json_object_object_add(rep, k == 0 ? "mentor" : "mentee",
		    json_object_new_string(reply_name(r->reply[k])));
	json_object_object_add(o, "index", json_object_new_int((int)r->index));
	json_object_object_add(o, "state", json_object_new_string(
	    tandem_engine_state_name(r->state)));
	json_object_object_add(o, "uid", json_object_new_string(r->uid));
	json_object_object_add(o, "sequence", json_object_new_int(r->sequence));
	json_object_object_add(o, "start", ctl_json_time(r->start));
	json_object_object_add(o, "end", ctl_json_time(r->start ? r->end : 0));
	json_object_object_add(o, "nominal", ctl_json_time(r->nominal));
	json_object_object_add(o, "local", json_object_new_string(local));
	json_object_object_add(o, "replies", rep);
	json_object_object_add(o, "checkin", ctl_json_time(r->checkin));
	json_object_object_add(o, "why", why ? json_object_new_string(why) : NULL);
	json_object_object_add(o, "request", req ? json_object_new_string(req) : NULL);
	json_object_object_add(o, "decided", ctl_json_time(r->decided));
	return o;
}

static int
session_line(void *ud, const struct store_session *r)
{
	struct sessionsctx	*x = ud;
	const char		*why = NAME_OF(why_names, r->why);
	const char		*req = NAME_OF(request_names, r->request);
	char			 slot[32], when[32], checkin[32] = "-", note[64];

	if (x->list != NULL)
		return json_object_array_add(x->list, session_json(x->pg, r)) == 0 ?
		    0 : TANDEM_ENOMEM;
	ctl_local(x->pg, r->start != 0 ? r->start : r->nominal, when, sizeof(when));
	snprintf(slot, sizeof(slot), r->start != 0 ? "%s" : "(%s)", when);
	if (r->checkin != 0)
		ctl_local(x->pg, r->checkin, checkin, sizeof(checkin));
	snprintf(note, sizeof(note), "%s%s%s%s", why ? why : "", why && req ?
	    "; " : "", req ? req : "", req ? " requested" : "");
	fprintf(x->c->out, "%3u  %-13s  %-22s  %3d  %-12s  %-12s  %-*s%s%s\n",
	    r->index, tandem_engine_state_name(r->state), slot, r->sequence,
	    reply_name(r->reply[0]), reply_name(r->reply[1]), note[0] ? 20 : 0,
	    checkin, note[0] ? "  " : "", note);
	return 0;
}

int
ctl_show_sessions(struct ctl *c)
{
	struct sessionsctx	x;
	struct ctl_pair		p;
	int			ex, rc;

	ex = ctl_pair_find(c, &p);
	if (ex != 0)
		return ex;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.pg = p.pg;
	if (c->json) {
		x.list = json_object_new_array();
		if (x.list == NULL)
			return ctl_internal(c, TANDEM_ENOMEM);
	} else
		fprintf(c->out, "%s: %s / %s (times in %s)\n%3s  %-13s  %-22s  %3s  "
		    "%-12s  %-12s  %-20s  %s\n", p.pg->name, p.pr->mentor->email,
		    p.pr->mentee->email, p.pg->timezone, "#", "STATE", "SLOT", "SEQ",
		    "MENTOR", "MENTEE", "CHECK-IN", "NOTE");
	rc = store_sessions_each(c->e->store, p.pg->name, p.pr->mentor->email,
	    p.pr->mentee->email, session_line, &x);
	if (rc < 0) {
		json_object_put(x.list);
		return ctl_internal(c, rc);
	}
	return x.list != NULL ? ctl_print_json(c, x.list) : 0;
}
