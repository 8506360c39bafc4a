/*
 * ctl: the engine's answers to tandemctl (see include/tandem/ctl.h).  A
 * request is parsed, checked against the table of commands and run against
 * the store, with what the command prints gathered in two memory streams;
 * the reply is made of those and the exit status.  The commands that
 * change something (checkin, skip, reschedule, pause, resume) record it in
 * the store and kick the engine: its next pass acts on the request, as it
 * acts on a reply read from a calendar.  The commands that only read are
 * in lib/ctl_show.c (status, pairs, sessions), lib/ctl_report.c and
 * lib/ctl_export.c.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "ctl-int.h"
#include "tandem/plan.h"
#include "ini.h"
#include "tzconv.h"

#define F_JSON	1	/* --json is allowed */
#define F_CSV	2	/* --csv is allowed */

static int cmd_checkin(struct ctl *c);
static int cmd_skip(struct ctl *c);
static int cmd_reschedule(struct ctl *c);
static int cmd_pause(struct ctl *c);
static int cmd_resume(struct ctl *c);

static const struct command {
	const char	*name;
	size_t		 min, max;	/* operands */
	int		 flags;
	int		(*run)(struct ctl *c);
	const char	*synopsis;
} commands[] = {
	{ "status", 0, 0, F_JSON, ctl_show_status, "status [--json]" },
	{ "pairs", 0, 0, F_JSON, ctl_show_pairs, "pairs [--json]" },
	{ "sessions", 2, 2, F_JSON, ctl_show_sessions,
	    "sessions MENTOR MENTEE [--json]" },
	{ "checkin", 2, 3, 0, cmd_checkin, "checkin MENTOR MENTEE [INDEX]" },
	{ "skip", 3, 3, 0, cmd_skip, "skip MENTOR MENTEE INDEX" },
	{ "reschedule", 3, 3, 0, cmd_reschedule, "reschedule MENTOR MENTEE INDEX" },
	{ "pause", 2, 2, 0, cmd_pause, "pause MENTOR MENTEE" },
	{ "resume", 2, 2, 0, cmd_resume, "resume MENTOR MENTEE" },
	{ "export", 0, 2, 0, ctl_export, "export [MENTOR MENTEE]" },
	{ "report", 0, 0, F_JSON | F_CSV, ctl_report, "report [--csv | --json]" },
	{ "ingest", 0, 0, 0, ctl_ingest, "ingest (the request of tandemctl "
	    "ingest-mail, with \"ics\")" },
};

int
ctl_fail(struct ctl *c, int ex, const char *fmt, ...)
{
	va_list	ap;

	fprintf(c->err, "%s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	return ex;
}

int
ctl_internal(struct ctl *c, int rc)
{
	size_t	n = tandem_diag_count(c->e->diag);

	if (n > c->diag_mark)
		return ctl_fail(c, CTL_EX_SOFTWARE, "%s",
		    tandem_diag_get(c->e->diag, n - 1));
	return ctl_fail(c, CTL_EX_SOFTWARE, "%s", tandem_strerror(rc));
}

int
ctl_pairs_each(struct ctl *c, ctl_pair_fn fn, void *ud)
{
	struct ctl_pair	p;
	size_t		i, j;
	int		rc;

	for (i = 0; i < c->cfg->nprograms; i++) {
		p.pg = &c->cfg->programs[i];
		if (c->program != NULL && strcmp(p.pg->name, c->program) != 0)
			continue;
		for (j = 0; j < p.pg->npairs; j++) {
			p.pr = &p.pg->pairs[j];
			rc = fn(c, &p, ud);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* No verdict yet, and neither skipped nor cancelled. */
static int
undecided(int state)
{
	return state == TANDEM_ENGINE_NONE || state == TANDEM_ENGINE_INVITED ||
	    state == TANDEM_ENGINE_UNSCHEDULABLE;
}

/* Undecided, and not over: a session still to come. */
static int
upcoming(const struct store_session *r, int64_t now)
{
	if (!undecided(r->state))
		return 0;
	return r->start != 0 ? r->end > now : r->nominal >= now;
}

struct sumctx {
	struct ctl_sum	*s;
	int64_t		 now;
};

/* Rows come in session order, so the streak ends at the latest decided. */
static int
sum_row(void *ud, const struct store_session *r)
{
	struct sumctx	*x = ud;
	struct ctl_sum	*s = x->s;

	s->planned++;
	if (r->state == TANDEM_ENGINE_HELD) {
		s->held++;
		s->streak++;
		s->last_missed = 0;
	} else if (r->state == TANDEM_ENGINE_MISSED) {
		s->missed++;
		s->streak = 0;
		s->last_missed = 1;
	}
	if (!upcoming(r, x->now))
		return 0;
	if (r->state == TANDEM_ENGINE_UNSCHEDULABLE)
		s->unschedulable = 1;
	if (s->next == 0) {
		s->next = r->index;
		s->next_state = r->state;
		s->next_slot = r->start != 0;
		s->next_at = s->next_slot ? r->start : r->nominal;
	}
	return 0;
}

int
ctl_sum(struct ctl *c, const struct ctl_pair *p, struct ctl_sum *s)
{
	struct sumctx	x = { s, c->now };
	int		rc;

	memset(s, 0, sizeof(*s));
	rc = store_pair_paused(c->e->store, p->pg->name, p->pr->mentor->email,
	    p->pr->mentee->email);
	if (rc < 0)
		return rc;
	s->paused = rc;
	return store_sessions_each(c->e->store, p->pg->name, p->pr->mentor->email,
	    p->pr->mentee->email, sum_row, &x);
}

static void
widen(int *w, const char *s)
{
	if ((int)strlen(s) > *w)
		*w = (int)strlen(s);
}

static int
width_of(struct ctl *c, const struct ctl_pair *p, void *ud)
{
	int	*w = ud;

	widen(&w[0], p->pg->name);
	widen(&w[1], p->pr->mentor->email);
	widen(&w[2], p->pr->mentee->email);
	return 0;
}

void
ctl_widths(struct ctl *c, int w[3], int min)
{
	w[0] = w[1] = w[2] = min;
	(void)ctl_pairs_each(c, width_of, w);
}

void
ctl_utc(int64_t t, char *buf, size_t size)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
ctl_local(const struct program *pg, int64_t t, char *buf, size_t size)
{
	tzconv_format(pg->tz != NULL ? pg->tz : icaltimezone_get_utc_timezone(),
	    t, buf, size);
}

json_object *
ctl_json_time(int64_t t)
{
	char	buf[32];

	if (t == 0)
		return NULL;
	ctl_utc(t, buf, sizeof(buf));
	return json_object_new_string(buf);
}

const struct program *
ctl_program(const struct tandem_config *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->nprograms; i++)
		if (strcmp(cfg->programs[i].name, name) == 0)
			return &cfg->programs[i];
	return NULL;
}

int
ctl_print_json(struct ctl *c, json_object *o)
{
	if (o == NULL)
		return ctl_internal(c, TANDEM_ENOMEM);
	fprintf(c->out, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

int
ctl_pair_find(struct ctl *c, struct ctl_pair *out)
{
	const struct program	*pg;
	char			 names[256] = "";
	size_t			 i, j, n = 0, len;

	for (i = 0; i < c->cfg->nprograms; i++) {
		pg = &c->cfg->programs[i];
		if (c->program != NULL && strcmp(pg->name, c->program) != 0)
			continue;
		for (j = 0; j < pg->npairs; j++) {
			if (strcasecmp(pg->pairs[j].mentor->email, c->args[0]) != 0 ||
			    strcasecmp(pg->pairs[j].mentee->email, c->args[1]) != 0)
				continue;
			out->pg = pg;
			out->pr = &pg->pairs[j];
			len = strlen(names);
			snprintf(names + len, sizeof(names) - len, "%s%s",
			    n++ == 0 ? "" : ", ", pg->name);
		}
	}
	if (n == 0)
		return ctl_fail(c, CTL_EX_DATAERR, "no pair of mentor %s and mentee "
		    "%s%s%s", c->args[0], c->args[1], c->program ? " in program " :
		    "", c->program ? c->program : "");
	if (n > 1)
		return ctl_fail(c, CTL_EX_USAGE, "%s and %s are a pair in programs "
		    "%s: say which with --program", c->args[0], c->args[1], names);
	return 0;
}

static void
session_key(const struct ctl_pair *p, unsigned index, struct store_session *r)
{
	memset(r, 0, sizeof(*r));
	r->program = p->pg->name;
	r->mentor = p->pr->mentor->email;
	r->mentee = p->pr->mentee->email;
	r->index = index;
}

/*
 * A session tandem has not invited yet (beyond the horizon) has no row: one
 * is made, in no state, when the plan has that session, so that a request
 * can be recorded for it.  1 made, 0 no such session, or an error.
 */
static int
new_row(struct ctl *c, const struct ctl_pair *p, struct store_session *r)
{
	struct tandem_plan		*plan = NULL;
	const struct tandem_session	*s;
	size_t				 i;
	int				 rc;

	rc = tandem_plan_new(c->e->cfg, c->now, &plan);
	for (i = 0; rc == 0 && i < tandem_plan_count(plan); i++) {
		s = tandem_plan_get(plan, i);
		if (strcmp(s->program, r->program) != 0 || strcmp(s->mentor,
		    r->mentor) != 0 || strcmp(s->mentee, r->mentee) != 0 ||
		    s->index != r->index)
			continue;
		r->uid = engine_uid(p->pg, r->mentor, r->mentee, r->index);
		r->nominal = s->nominal;
		r->state = TANDEM_ENGINE_NONE;
		rc = r->uid == NULL ? TANDEM_ENOMEM : store_session_put(c->e->store, r);
		rc = rc < 0 ? rc : 1;
		break;
	}
	tandem_plan_free(plan);
	return rc;
}

/* Read session index of p into r (free r->uid): 0 or the exit status. */
static int
get_row(struct ctl *c, const struct ctl_pair *p, unsigned index,
    struct store_session *r)
{
	int	rc;

	session_key(p, index, r);
	rc = store_session_get(c->e->store, r);
	if (rc == 0 && c->new_rows)
		rc = new_row(c, p, r);
	if (rc < 0)
		return ctl_internal(c, rc);
	if (rc == 0)
		return ctl_fail(c, CTL_EX_DATAERR, "%s / %s has no session %u in "
		    "program %s", r->mentor, r->mentee, index, r->program);
	return 0;
}

/* The pair and the session of MENTOR MENTEE INDEX: 0 or the exit status. */
static int
pair_row(struct ctl *c, struct ctl_pair *p, struct store_session *r)
{
	const char	*s = c->args[2];
	char		*end;
	unsigned long	 v;
	int		 ex;

	ex = ctl_pair_find(c, p);
	if (ex != 0)
		return ex;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || v == 0 || v > UINT_MAX)
		return ctl_fail(c, CTL_EX_USAGE, "INDEX \"%s\" is not a session "
		    "number (1, 2, ...)", s);
	return get_row(c, p, (unsigned)v, r);
}

struct latest {
	int64_t		now;
	unsigned	index;		/* 0: none */
};

/* The latest session that has begun by now and waits for its verdict. */
static int
latest_begun(void *ud, const struct store_session *r)
{
	struct latest	*x = ud;

	if (r->state == TANDEM_ENGINE_INVITED && r->start != 0 &&
	    r->start <= x->now)
		x->index = r->index;
	return 0;
}

/* The session checkin means: INDEX, or the latest begun; 0 or exit status. */
static int
checkin_row(struct ctl *c, struct ctl_pair *p, struct store_session *r)
{
	struct latest	x = { c->now, 0 };
	int		ex, rc;

	if (c->nargs == 3)
		return pair_row(c, p, r);
	ex = ctl_pair_find(c, p);
	if (ex != 0)
		return ex;
	rc = store_sessions_each(c->e->store, p->pg->name, p->pr->mentor->email,
	    p->pr->mentee->email, latest_begun, &x);
	if (rc < 0)
		return ctl_internal(c, rc);
	if (x.index == 0)
		return ctl_fail(c, CTL_EX_DATAERR, "no session of %s / %s has begun "
		    "and waits for a verdict; name one with INDEX", c->args[0],
		    c->args[1]);
	return get_row(c, p, x.index, r);
}

static int
cmd_checkin(struct ctl *c)
{
	struct store_session	r;
	struct ctl_pair		p;
	char			when[32];
	int			ex, rc;

	memset(&r, 0, sizeof(r));
	ex = checkin_row(c, &p, &r);
	if (ex != 0)
		goto out;
	ex = CTL_EX_DATAERR;
	if (r.start == 0 || r.start > c->now)
		ctl_fail(c, ex, "session %u of %s / %s has not begun", r.index,
		    r.mentor, r.mentee);
	else if (r.state != TANDEM_ENGINE_INVITED && r.state != TANDEM_ENGINE_HELD)
		ctl_fail(c, ex, "session %u of %s / %s is %s: a check-in cannot "
		    "change it", r.index, r.mentor, r.mentee,
		    tandem_engine_state_name(r.state));
	else
		ex = 0;
	if (ex != 0)
		goto out;
	rc = store_session_checkin(c->e->store, &r, c->now);
	if (rc < 0) {
		ex = ctl_internal(c, rc);
		goto out;
	}
	ctl_local(p.pg, rc == 1 ? c->now : r.checkin, when, sizeof(when));
	fprintf(c->out, "session %u of %s / %s: %s at %s\n", r.index, r.mentor,
	    r.mentee, rc == 1 ? "checked in" : "already checked in", when);
	if (rc == 1)
		tandem_engine_kick(c->e);
out:
	free(r.uid);
	return ex;
}

/* skip or reschedule: the request, for the engine's next pass. */
static int
ask(struct ctl *c, int request)
{
	struct store_session	r;
	struct ctl_pair		p;
	const char		*what = request == STORE_REQ_SKIP ? "skip" :
	    "reschedule";
	int			ex, rc;

	memset(&r, 0, sizeof(r));
	c->new_rows = request == STORE_REQ_SKIP;
	ex = pair_row(c, &p, &r);
	if (ex != 0)
		goto out;
	if (r.state == TANDEM_ENGINE_SKIPPED && request == STORE_REQ_SKIP) {
		fprintf(c->out, "session %u of %s / %s is already skipped\n",
		    r.index, r.mentor, r.mentee);
		goto out;
	}
	if (!undecided(r.state)) {
		ex = ctl_fail(c, CTL_EX_DATAERR, "session %u of %s / %s is %s: "
		    "too late to %s it", r.index, r.mentor, r.mentee,
		    tandem_engine_state_name(r.state), what);
		goto out;
	}
	rc = store_session_request(c->e->store, &r, request);
	if (rc == 0)
		rc = TANDEM_ENOENT;	/* gone since it was read */
	if (rc < 0) {
		ex = ctl_internal(c, rc);
		goto out;
	}
	fprintf(c->out, "session %u of %s / %s: %s requested; tandemd acts on it "
	    "in its next pass\n", r.index, r.mentor, r.mentee, what);
	tandem_engine_kick(c->e);
out:
	free(r.uid);
	return ex;
}

static int
cmd_skip(struct ctl *c)
{
	return ask(c, STORE_REQ_SKIP);
}

static int
cmd_reschedule(struct ctl *c)
{
	return ask(c, STORE_REQ_RESCHEDULE);
}

static int
set_paused(struct ctl *c, int paused)
{
	struct ctl_pair	p;
	const char	*mentor, *mentee;
	int		ex, rc;

	ex = ctl_pair_find(c, &p);
	if (ex != 0)
		return ex;
	mentor = p.pr->mentor->email;
	mentee = p.pr->mentee->email;
	rc = store_pair_paused(c->e->store, p.pg->name, mentor, mentee);
	if (rc == paused) {
		fprintf(c->out, "%s / %s is already %s\n", mentor, mentee,
		    paused ? "paused" : "running");
		return 0;
	}
	if (rc >= 0)
		rc = store_pair_set_paused(c->e->store, p.pg->name, mentor, mentee,
		    paused);
	if (rc < 0)
		return ctl_internal(c, rc);
	fprintf(c->out, "%s %s / %s in program %s; tandemd acts on it in its next "
	    "pass\n", paused ? "paused" : "resumed", mentor, mentee, p.pg->name);
	tandem_engine_kick(c->e);
	return 0;
}

static int
cmd_pause(struct ctl *c)
{
	return set_paused(c, 1);
}

static int
cmd_resume(struct ctl *c)
{
	return set_paused(c, 0);
}

static int
flag(struct ctl *c, json_object *req, const char *key, int *v)
{
	json_object	*f;

	if (!json_object_object_get_ex(req, key, &f) || f == NULL)
		return 0;
	if (!json_object_is_type(f, json_type_boolean))
		return ctl_fail(c, CTL_EX_USAGE, "\"%s\" is not a boolean", key);
	*v = json_object_get_boolean(f);
	return 0;
}

/* The request's fields into c (borrowed from req): 0 or the exit status. */
static int
parse(struct ctl *c, json_object *req)
{
	json_object	*v, *a;
	size_t		 i;
	int		 ex;

	if (!json_object_is_type(req, json_type_object))
		return ctl_fail(c, CTL_EX_USAGE, "not a JSON object");
	c->req = req;
	if (!json_object_object_get_ex(req, "cmd", &v) ||
	    !json_object_is_type(v, json_type_string))
		return ctl_fail(c, CTL_EX_USAGE, "no \"cmd\" string");
	c->cmd = json_object_get_string(v);
	if (json_object_object_get_ex(req, "args", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) > CTL_MAX_ARGS)
			return ctl_fail(c, CTL_EX_USAGE, "\"args\" is not an array of "
			    "at most %d strings", CTL_MAX_ARGS);
		for (i = 0; i < json_object_array_length(v); i++) {
			a = json_object_array_get_idx(v, i);
			if (!json_object_is_type(a, json_type_string))
				return ctl_fail(c, CTL_EX_USAGE, "\"args\" holds a "
				    "non-string");
			c->args[i] = json_object_get_string(a);
		}
		c->nargs = i;
	}
	if (json_object_object_get_ex(req, "program", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string))
			return ctl_fail(c, CTL_EX_USAGE, "\"program\" is not a string");
		c->program = json_object_get_string(v);
	}
	if (json_object_object_get_ex(req, "ics", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string))
			return ctl_fail(c, CTL_EX_USAGE, "\"ics\" is not a string");
		c->ics = json_object_get_string(v);
	}
	ex = flag(c, req, "json", &c->json);
	return ex != 0 ? ex : flag(c, req, "csv", &c->csv);
}

static int
dispatch(struct ctl *c)
{
	const struct command	*cmd = NULL;
	size_t			 i;

	for (i = 0; i < TANDEM_NELEM(commands); i++)
		if (strcmp(commands[i].name, c->cmd) == 0)
			cmd = &commands[i];
	if (cmd == NULL)
		return ctl_fail(c, CTL_EX_USAGE, "unknown command");
	if (c->nargs < cmd->min || c->nargs > cmd->max)
		return ctl_fail(c, CTL_EX_USAGE, "usage: %s", cmd->synopsis);
	if ((c->json && !(cmd->flags & F_JSON)) || (c->csv && !(cmd->flags & F_CSV)))
		return ctl_fail(c, CTL_EX_USAGE, "no --%s here; usage: %s",
		    c->json ? "json" : "csv", cmd->synopsis);
	if (c->json && c->csv)
		return ctl_fail(c, CTL_EX_USAGE, "--json or --csv, not both");
	if (c->program != NULL && ctl_program(c->cfg, c->program) == NULL)
		return ctl_fail(c, CTL_EX_DATAERR, "no program \"%s\"", c->program);
	return cmd->run(c);
}

int
tandem_ctl_reply(int ex, const char *out, const char *err, char **reply)
{
	json_object	*o = json_object_new_object();

	*reply = NULL;
	if (o == NULL)
		return TANDEM_ENOMEM;
	json_object_object_add(o, "exit", json_object_new_int(ex));
	json_object_object_add(o, "out", json_object_new_string(out));
	json_object_object_add(o, "err", json_object_new_string(err));
	*reply = util_strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return *reply == NULL ? TANDEM_ENOMEM : 0;
}

int
tandem_engine_request(struct tandem_engine *e, const char *request, int64_t now,
    char **reply)
{
	struct ctl	 c;
	json_object	*req = NULL;
	char		*out = NULL, *err = NULL;
	size_t		 outlen = 0, errlen = 0;
	int		 ex, rc = TANDEM_ENOMEM;

	if (tandem_fails_assert(e != NULL && request != NULL && reply != NULL))
		return TANDEM_EINVAL;
	*reply = NULL;
	memset(&c, 0, sizeof(c));
	c.e = e;
	c.cfg = e->cfg;
	c.now = now;
	c.cmd = "request";
	c.diag_mark = tandem_diag_count(e->diag);
	c.out = open_memstream(&out, &outlen);
	c.err = open_memstream(&err, &errlen);
	if (c.out == NULL || c.err == NULL)
		goto out;
	req = json_tokener_parse(request);
	ex = parse(&c, req);
	if (ex == 0)
		ex = dispatch(&c);
	/* The streams' buffers are complete only once closed. */
	rc = fclose(c.out) | fclose(c.err);
	c.out = c.err = NULL;
	if (rc == 0)
		rc = tandem_ctl_reply(ex, out, err, reply);
	else
		rc = TANDEM_ENOMEM;
out:
	if (c.out != NULL)
		fclose(c.out);
	if (c.err != NULL)
		fclose(c.err);
	free(out);
	free(err);
	json_object_put(req);
	return rc;
}

struct sockfind {
	const char	*dir;
	int		 daemon;	/* in [daemon] */
	char		*path;
};

static int
sock_section(void *ud, const char *type, const char *name, int line)
{
	struct sockfind	*x = ud;

	x->daemon = strcmp(type, "daemon") == 0 && name == NULL;
	return 0;
}

static int
sock_pair(void *ud, const char *key, const char *value, int line)
{
	struct sockfind	*x = ud;

	if (!x->daemon || strcmp(key, "socket") != 0 || value[0] == '\0')
		return 0;
	free(x->path);
	x->path = util_path_join(x->dir, value);
	return x->path == NULL ? TANDEM_ENOMEM : 0;
}

int
tandem_ctl_socket_path(const char *config, char **path)
{
	static const struct ini_handler h = { sock_section, sock_pair };
	struct sockfind	 x;
	char		*text = NULL, *dir = NULL;
	size_t		 len;
	int		 rc;

	if (tandem_fails_assert(config != NULL && path != NULL))
		return TANDEM_EINVAL;
	*path = NULL;
	memset(&x, 0, sizeof(x));
	rc = util_read_file(config, 1024 * 1024, &text, &len);
	if (rc < 0)
		return rc;
	x.dir = dir = util_dirname(config);
	rc = TANDEM_ENOMEM;
	if (dir == NULL)
		goto out;
	/* Syntax errors elsewhere are the daemon's business, not ours. */
	rc = ini_parse(config, text, &h, &x, NULL);
	if (rc == TANDEM_ECONFIG)
		rc = 0;
	if (rc == 0 && x.path == NULL)
		x.path = util_strdup(TANDEM_DEFAULT_SOCKET);
	if (rc == 0 && x.path == NULL)
		rc = TANDEM_ENOMEM;
	if (rc == 0) {
		*path = x.path;
		x.path = NULL;
	}
out:
	free(x.path);
	free(dir);
	free(text);
	return rc;
}
