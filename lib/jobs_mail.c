/*
 * jobs_mail: the "imip" jobs, each one e-mail handed to the local MTA, by
 * SMTP (libcurl on the engine's network layer: smtp, smtps, STARTTLS, AUTH
 * with the [mail] password_file) or by sendmail(1).  One message at a
 * time, oldest first, at most [mail] rate a minute.
 *
 * A job is marked done only after the MTA took the message (250, or
 * sendmail's exit 0); a crash before that sends it again, which the MTA
 * sees as the same Message-ID.  What is worth another try (a 4xx, a refused
 * connection, a timeout, sendmail's EX_TEMPFAIL) waits with the jobs'
 * backoff, and so does what is a setting to mend (a login refused or
 * required, TLS that fails, a login that would send the password in clear,
 * which tandem does not even try); what is not (a 5xx, sendmail saying the
 * message or an address is bad) is given up at once, logged, and counted
 * by tandemctl status.
 *
 * Payload: the envelope as one line of JSON, {"from": ADDRESS, "to":
 * [ADDRESS...]}, then the message (see queue_mail_payload()).  The
 * envelope sender is [mail] from when given, else the organizer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "engine-int.h"
#include "hooks.h"
#include "http.h"

#define MAIL_MAX_RCPT		8
#define SENDMAIL_TIMEOUT_MS	60000
#define RATE_WINDOW		60	/* seconds */
/*
 * A message the MTA did not take for a passing reason is tried again with
 * the jobs' backoff (1 minute doubling to 6 hours) for about 5 days, as an
 * MTA keeps a message it cannot deliver before it bounces it.
 */
#define MAIL_MAX_ATTEMPTS	30

struct mjob {
	struct tandem_engine	*e;
	struct store_job	*job;		/* one, owned */
	struct json_object	*env;		/* the envelope */
	const char		*msg;		/* into job->payload */
	const char		*rcpt[MAIL_MAX_RCPT + 1];
	const char		*uid;		/* of the session, or NULL */
	int			 sequence;
	char			 from[320];
	jobs_then_fn		 then;
};

static void	next_mail(struct tandem_engine *e, jobs_then_fn then);

static void
mjob_free(struct mjob *m)
{
	store_jobs_free(m->job, 1);
	json_object_put(m->env);
	free(m);
}

/* The address inside "Name <addr>", or the text itself. */
static void
bare_address(const char *text, char *out, size_t size)
{
	const char	*lt = strrchr(text, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		snprintf(out, size, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, size, "%s", text);
}

/* Split the payload; 0, or -1 when it is damaged. */
static int
mjob_parse(struct mjob *m)
{
	const char		*nl = strchr(m->job->payload, '\n');
	struct json_object	*to, *from, *v;
	size_t			 i, n;
	char			*line;

	if (nl == NULL)
		return -1;
	line = util_strndup(m->job->payload, (size_t)(nl - m->job->payload));
	m->env = line != NULL ? json_tokener_parse(line) : NULL;
	free(line);
	if (m->env == NULL || !json_object_object_get_ex(m->env, "to", &to) ||
	    !json_object_is_type(to, json_type_array) ||
	    !json_object_object_get_ex(m->env, "from", &from))
		return -1;
	n = json_object_array_length(to);
	if (n == 0 || n > MAIL_MAX_RCPT)
		return -1;
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(to, i);
		if (!json_object_is_type(v, json_type_string))
			return -1;
		m->rcpt[i] = json_object_get_string(v);
	}
	if (json_object_object_get_ex(m->env, "uid", &v))
		m->uid = json_object_get_string(v);
	if (json_object_object_get_ex(m->env, "sequence", &v))
		m->sequence = json_object_get_int(v);
	bare_address(m->e->cfg->mail_from != NULL ? m->e->cfg->mail_from :
	    json_object_get_string(from), m->from, sizeof(m->from));
	m->msg = nl + 1;
	return 0;
}

static void
log_store(struct tandem_engine *e, int rc)
{
	if (rc < 0)
		engine_log(e, TANDEM_LOG_ERR, "STORE", "%s", tandem_strerror(rc));
}

/* The MTA took it. */
static void
sent(struct mjob *m, const char *how)
{
	struct tandem_engine	*e = m->e;

	engine_log(e, TANDEM_LOG_INFO, "SEND", "%s mailed to %s%s%s (%s)",
	    m->job->key, m->rcpt[0], m->rcpt[1] != NULL ? ", " : "",
	    m->rcpt[1] != NULL ? m->rcpt[1] : "", how);
	e->mail_last_ok = e->now;
	log_store(e, store_job_finish(e->store, m->job->id, e->now));
}

/*
 * It did not: permanent (given up now) or not (the jobs' backoff).  When
 * the cause is not the message's (hold: the MTA not reached, the login or
 * TLS refused, a [mail] setting), the other e-mails due wait for the same
 * retry instead of each finding that out again.
 */
static void
not_sent(struct mjob *m, int permanent, const char *hold, const char *why)
{
	struct tandem_engine	*e = m->e;
	int64_t			 retry;

	e->mail_last_fail = e->now;
	/* Cut to fit: tandemctl status shows the start, the log all of it. */
	if (snprintf(e->mail_last_error, sizeof(e->mail_last_error), "%s: %s",
	    m->job->key, why) >= (int)sizeof(e->mail_last_error))
		e->mail_last_error[sizeof(e->mail_last_error) - 1] = '\0';
	if (!permanent) {
		retry = jobs_failed_max(e, m->job, why, MAIL_MAX_ATTEMPTS);
		if (hold != NULL && retry > e->now) {
			e->mail_down = retry;
			e->mail_down_why = hold;
		}
		return;
	}
	engine_log(e, TANDEM_LOG_ERR, "SEND", "%s: %s; refused for good, not "
	    "tried again", m->job->key, why);
	log_store(e, store_job_give_up(e->store, m->job->id, e->now));
}

static void
mjob_over(struct mjob *m)
{
	struct tandem_engine	*e = m->e;
	jobs_then_fn		 then = m->then;

	mjob_free(m);
	next_mail(e, then);
}

static void
smtp_done(struct http_request *req, struct http_result *res, void *ud)
{
	struct mjob	*m = ud;
	char		 how[64], why[700];

	(void)req;
	if (res->error == TANDEM_ECANCELED)
		;			/* closing: it stays queued */
	else if (res->error == 0 && res->status / 100 == 2) {
		snprintf(how, sizeof(how), "SMTP %d", res->status);
		sent(m, how);
	} else if (res->login_denied || res->status == 530 ||
	    res->status == 538) {
		/* A setting to mend, not a message to drop: all of them wait. */
		snprintf(why, sizeof(why), "the MTA refused tandem's login (%s): "
		    "check [mail] user and password_file", res->message);
		not_sent(m, 0, "the MTA refused tandem's login", why);
	} else if (res->tls_failed) {
		snprintf(why, sizeof(why), "no TLS with the MTA (%s): check "
		    "[mail] smtp, starttls and ca_file", res->message);
		not_sent(m, 0, "no TLS with the MTA", why);
	} else
		not_sent(m, res->status >= 500 && res->status < 600,
		    res->status == 0 ? "the MTA is not reached" : NULL,
		    res->message[0] != '\0' ? res->message : "the MTA refused it");
	mjob_over(m);
}

static int
smtp_start(struct mjob *m)
{
	struct tandem_engine	*e = m->e;
	struct http_request	 r;

	memset(&r, 0, sizeof(r));
	r.url = e->cfg->mail_smtp;
	r.server = &e->cfg->mail;
	r.body = m->msg;
	r.body_len = strlen(m->msg);
	r.once = 1;
	r.mail_from = m->from;
	r.mail_rcpt = m->rcpt;
	r.starttls = e->cfg->mail_starttls;
	r.cb = smtp_done;
	r.ud = m;
	tandem_diag_clear(e->diag);
	return http_submit(e->http, &r, e->diag);
}

/*
 * A login that would go in clear (see config.c): no connection at all, not
 * one without AUTH either, which an MTA that wants a login refuses anyway
 * and an open one should not be used in its place.  A setting to mend:
 * this e-mail and those due after it wait, as for a login refused.
 */
static void
in_clear(struct mjob *m)
{
	const struct tandem_config	*cfg = m->e->cfg;
	char				 why[700];

	snprintf(why, sizeof(why), "not sent: a login over smtp:// without "
	    "STARTTLS would send the password in clear; set [mail] starttls = "
	    "yes or use smtps:// (plain_auth_loopback = yes allows it to a "
	    "loopback MTA only) (%s:%d)", cfg->path, cfg->mail_login_line);
	not_sent(m, 0, "tandem does not log in to the MTA in clear", why);
}

/* sendmail(1)'s exit status: 1 worth another try, 0 not (sysexits.h). */
static int
sendmail_retry(int64_t status)
{
	switch (status) {
	case 64:	/* EX_USAGE */
	case 65:	/* EX_DATAERR */
	case 67:	/* EX_NOUSER */
	case 68:	/* EX_NOHOST */
	case 77:	/* EX_NOPERM */
		return 0;
	default:
		return 1;
	}
}

static void
sendmail_done(void *ud, const struct hook_result *r)
{
	struct mjob	*m = ud;
	char		 why[200];

	if (r->spawned && !r->timed_out && r->term_signal == 0 &&
	    r->exit_status == 0)
		sent(m, "sendmail");
	else {
		if (!r->spawned)
			snprintf(why, sizeof(why), "cannot run %s: %s",
			    m->e->cfg->mail_sendmail, uv_strerror(r->error));
		else if (r->timed_out)
			snprintf(why, sizeof(why), "sendmail timed out");
		else if (r->term_signal != 0)
			snprintf(why, sizeof(why), "sendmail killed by signal %d",
			    r->term_signal);
		else
			snprintf(why, sizeof(why), "sendmail exit status %lld%s%.*s",
			    (long long)r->exit_status, r->output_len > 0 ? ": " : "",
			    (int)strcspn(r->output, "\n"), r->output);
		not_sent(m, r->spawned && !r->timed_out && r->term_signal == 0 &&
		    !sendmail_retry(r->exit_status), r->spawned ? NULL :
		    "sendmail cannot be run", why);
	}
	mjob_over(m);
}

/*
 * `sendmail -i -f SENDER -- RECIPIENT...`: the envelope's recipients, not
 * the To header's (-t), since each attendee's copy is a job of its own; -i:
 * a lone dot is text.
 */
static int
sendmail_start(struct mjob *m)
{
	const char	*argv[PROC_MAX_ARGS + 1] = { m->e->cfg->mail_sendmail,
			    "-i", "-f", m->from, "--" };
	const char	*env[] = { "PATH=" PROC_PATH, NULL };
	size_t		 i;

	for (i = 0; m->rcpt[i] != NULL && 5 + i < PROC_MAX_ARGS; i++)
		argv[5 + i] = m->rcpt[i];

	return proc_run(m->e->loop, argv, env, m->msg, strlen(m->msg),
	    SENDMAIL_TIMEOUT_MS, sendmail_done, m);
}

/*
 * Is the minute's allowance spent?  Then the jobs due wait for the next
 * minute (their retry time moves; not an attempt) and 1 is returned.
 */
static int
rate_spent(struct tandem_engine *e)
{
	size_t	n = 0, waiting = 0;
	int	rc;

	rc = store_jobs_done_since(e->store, "imip", e->now - RATE_WINDOW + 1, &n);
	if (rc < 0 || n < (size_t)e->cfg->mail_rate)
		return rc < 0;
	rc = store_jobs_postpone(e->store, "imip", e->now, e->now + RATE_WINDOW,
	    &waiting);
	log_store(e, rc);
	if (waiting > 0)
		engine_log(e, TANDEM_LOG_INFO, "SEND", "%zu e-mails sent in the "
		    "last minute ([mail] rate = %d): %zu more wait a minute", n,
		    e->cfg->mail_rate, waiting);
	return 1;
}

/* The MTA was not reached in this run: what is due waits for its retry. */
static int
mta_down(struct tandem_engine *e)
{
	size_t	waiting = 0;

	if (e->mail_down == 0)
		return 0;
	log_store(e, store_jobs_postpone(e->store, "imip", e->now, e->mail_down,
	    &waiting));
	if (waiting > 0)
		engine_log(e, TANDEM_LOG_WARNING, "SEND", "%s: %zu more e-mail%s "
		    "wait %lld s", e->mail_down_why, waiting, waiting == 1 ? "" :
		    "s", (long long)(e->mail_down - e->now));
	return 1;
}

/*
 * A message of a session whose later message (a move, a cancellation) is
 * queued or sent already is not sent: it would arrive after it, or tell of
 * a time that no longer holds.  Marked done, and freed; 1.  0: send it.
 */
static int
superseded(struct mjob *m)
{
	int	rc;

	if (m->uid == NULL)
		return 0;
	rc = store_jobs_newer(m->e->store, "imip", m->uid, m->sequence);
	log_store(m->e, rc);
	if (rc != 1)
		return 0;
	engine_log(m->e, TANDEM_LOG_INFO, "SEND", "%s not sent: a later message "
	    "of the session is queued or sent", m->job->key);
	log_store(m->e, store_job_finish(m->e->store, m->job->id, m->e->now));
	mjob_free(m);
	return 1;
}

/* Start the oldest due e-mail; 1 started, 0 none (or cannot), then called. */
static int
start_next(struct tandem_engine *e, jobs_then_fn then)
{
	struct store_job	*jobs = NULL;
	struct mjob		*m;
	size_t			 n = 0;
	int			 rc;

	if (e->closing || mta_down(e) || rate_spent(e))
		return 0;
	rc = store_jobs_due(e->store, "imip", e->now, 1, &jobs, &n);
	log_store(e, rc);
	if (rc < 0 || n == 0)
		return 0;
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		store_jobs_free(jobs, n);
		return 0;
	}
	m->e = e;
	m->job = jobs;
	m->then = then;
	if (mjob_parse(m) < 0) {
		not_sent(m, 1, NULL, "damaged payload");
		mjob_free(m);
		return -1;	/* the next one */
	}
	if (superseded(m))
		return -1;	/* the next one */
	if (e->cfg->mail_sendmail == NULL && e->cfg->mail_login_in_clear) {
		in_clear(m);
		mjob_free(m);
		return -1;	/* the next one: it finds the MTA held */
	}
	rc = e->cfg->mail_sendmail != NULL ? sendmail_start(m) : smtp_start(m);
	if (rc < 0) {
		not_sent(m, 0, "the [mail] settings are refused",
		    tandem_diag_count(e->diag) > 0 ? tandem_diag_get(e->diag, 0) :
		    tandem_strerror(rc));
		mjob_free(m);
		return -1;
	}
	return 1;
}

static void
next_mail(struct tandem_engine *e, jobs_then_fn then)
{
	int	rc;

	do
		rc = start_next(e, then);
	while (rc < 0);
	if (rc == 0)
		then(e);
}

void
jobs_mail(struct tandem_engine *e, jobs_then_fn then)
{
	e->mail_down = 0;
	next_mail(e, then);
}
