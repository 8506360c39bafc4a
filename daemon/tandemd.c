/*
 * tandemd: the service.  This release loads and checks the configuration,
 * computes the plan, and keeps running under a libuv loop that reloads the
 * configuration on SIGHUP (a bad one is rejected with file:line and the old
 * one stays) and exits on SIGTERM or SIGINT.  The reconcile engine
 * (negotiation, invitations, attendance, hooks) plugs into this loop.
 *
 *   tandemd [-d] [-v] [-c FILE] [-n] [--once [--now T]]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>
#include <uv.h>

#include <tandem/tandem.h>
#include <tandem/engine.h>

#include "control.h"
#include "log.h"
#include "timeopt.h"

#define EX_USAGE	64
#define EX_CONFIG	78
/*
 * Try again later: another tandem process holds the state (nothing was
 * done), or, with --once, a calendar could not be read.
 */
#define EX_TEMPFAIL	75

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define TANDEM_NELEM_D(a)	(sizeof(a) / sizeof((a)[0]))

struct daemon {
	const char		*config_path;
	struct tandem_config	*cfg;
	struct tandem_config	*retired[8];	/* replaced, maybe still read */
	size_t			 nretired;
	struct tandem_engine	*engine;
	struct control		*control;
	uv_signal_t		 sighup;
	uv_signal_t		 sigterm;
	uv_signal_t		 sigint;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: tandemd [-d] [-v] [-c FILE] [-n] [--once [--now ISO8601]]\n"
	    "  -c FILE   configuration (default %s/tandem/tandem.conf)\n"
	    "  -d        stay in the foreground, log to stderr\n"
	    "  -v        verbose (debug) logging\n"
	    "  -n        check the configuration and exit (0, or 78 with errors)\n"
	    "  --once    run one pass and exit; --now T sets its clock\n", SYSCONFDIR);
}

/* Load path; log every error; NULL when the configuration is not usable. */
static struct tandem_config *
load(const char *path)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_diag	*diag = tandem_diag_new();
	size_t			 i;
	int			 rc;

	if (diag == NULL)
		fatalx("out of memory");
	rc = tandem_config_load(path, &cfg, diag);
	for (i = 0; i < tandem_diag_count(diag); i++)
		log_warnx("%s", tandem_diag_get(diag, i));
	tandem_diag_free(diag);
	if (rc < 0 && rc != TANDEM_ECONFIG)
		log_warnx("%s: %s", path, tandem_strerror(rc));
	return rc < 0 ? NULL : cfg;
}

/* A summary per program of the nominal plan at now. */
static void
summary(struct tandem_config *cfg, int64_t now)
{
	struct tandem_plan	*plan = NULL;
	const struct tandem_session *s, *next;
	char			 when[40];
	size_t			 p, i, n, count;

	if (tandem_plan_new(cfg, now, &plan) < 0)
		return;
	n = tandem_plan_count(plan);
	for (p = 0; p < tandem_config_program_count(cfg); p++) {
		const char *name = tandem_config_program_name(cfg, p);

		next = NULL;
		count = 0;
		for (i = 0; i < n; i++) {
			s = tandem_plan_get(plan, i);
			if (strcmp(s->program, name) != 0)
				continue;
			count++;
			if (s->status != TANDEM_SESSION_PAST &&
			    (next == NULL || s->nominal < next->nominal))
				next = s;
		}
		if (next == NULL) {
			log_info("program %s: %zu pairs, %zu sessions, none upcoming",
			    name, tandem_config_pair_count(cfg, p), count);
			continue;
		}
		timeopt_format(next->nominal, next->nominal_offset, when, sizeof(when));
		log_info("program %s: %zu pairs, %zu sessions, next %s (%s / %s)",
		    name, tandem_config_pair_count(cfg, p), count, when,
		    next->mentor, next->mentee);
	}
	tandem_plan_free(plan);
}

/* The engine's messages into the daemon's log. */
static void
engine_log(void *ud, int level, const char *subsys, const char *msg)
{
	(void)ud;
	if (level <= TANDEM_LOG_ERR)
		log_warnx("%s: %s", subsys, msg);
	else if (level <= TANDEM_LOG_WARNING)
		log_warnx("%s: %s", subsys, msg);
	else if (level <= TANDEM_LOG_INFO)
		log_info("%s: %s", subsys, msg);
	else
		log_debug("%s: %s", subsys, msg);
}

/*
 * The engine on loop with the store of d's configuration, or exit: 75 when
 * another tandemd holds the state (the message names it; one state, one
 * writer, so this one does nothing at all), 1 for any other failure.
 */
static void
engine_open(struct daemon *d, uv_loop_t *loop)
{
	struct tandem_diag	*diag = tandem_diag_new();
	size_t			 i, n;
	int			 rc;

	if (diag == NULL)
		fatalx("out of memory");
	rc = tandem_engine_new(loop, d->cfg, engine_log, d, &d->engine, diag);
	n = tandem_diag_count(diag);
	for (i = 0; i < n; i++)
		log_warnx("%s", tandem_diag_get(diag, i));
	tandem_diag_free(diag);
	if (rc == TANDEM_EBUSY)
		exit(EX_TEMPFAIL);
	/* The messages say what is wrong; errno's words only when there are none. */
	if (rc < 0)
		fatalx("%s: cannot open the state store%s%s",
		    tandem_config_state(d->cfg), n > 0 ? "" : ": ",
		    n > 0 ? "" : tandem_strerror(rc));
}

static void
once_done(void *ud, int rc)
{
	*(int *)ud = rc;
}

/*
 * --once: 0, 75 when a calendar could not be read (or, from engine_open(),
 * another tandemd holds the state), 1 when the pass failed.
 */
static int
once_exit(int rc)
{
	return rc == EX_TEMPFAIL ? EX_TEMPFAIL : rc < 0 ? 1 : 0;
}

/*
 * One full pass at now: plan, negotiate, invite, decide, hooks; the loop
 * runs until the pass's work is over and the engine is closed.
 */
static int
run_once(struct daemon *d, int64_t now)
{
	uv_loop_t	loop;
	int		rc = 1;

	if (uv_loop_init(&loop) != 0)
		fatalx("uv_loop_init failed");
	summary(d->cfg, now);
	engine_open(d, &loop);
	if (tandem_engine_pass(d->engine, now, once_done, &rc) == 0)
		uv_run(&loop, UV_RUN_DEFAULT);
	if (rc == 0 && tandem_engine_unreadable(d->engine) > 0)
		rc = EX_TEMPFAIL;
	tandem_engine_close(d->engine, NULL, NULL);
	d->engine = NULL;
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop) != 0)
		log_warnx("loop closed with handles open");
	return rc;
}

/*
 * Load the configuration again and run it; a bad one is rejected and the
 * running one kept.  SIGHUP and "tandemctl reload" both come here; what is
 * logged is also said on out and err for tandemctl when they are not NULL.
 * 0, or EX_CONFIG for a rejected configuration.
 */
/*
 * A pass that is reading calendars goes on with the config it started
 * with: free the old ones that no pass uses any more.
 */
static void
retire(struct daemon *d, struct tandem_config *old)
{
	size_t	i, k = 0;

	for (i = 0; i < d->nretired; i++) {
		if (tandem_engine_uses(d->engine, d->retired[i]))
			d->retired[k++] = d->retired[i];
		else
			tandem_config_free(d->retired[i]);
	}
	d->nretired = k;
	if (!tandem_engine_uses(d->engine, old))
		tandem_config_free(old);
	else if (d->nretired < TANDEM_NELEM_D(d->retired))
		d->retired[d->nretired++] = old;
	else
		fatalx("configuration reloaded too often during one pass");
}

static int
reload(void *ud, FILE *out, FILE *err)
{
	struct daemon		*d = ud;
	struct tandem_config	*fresh = NULL;
	struct tandem_diag	*diag = tandem_diag_new();
	size_t			 i, n;
	int			 rc;

	if (diag == NULL)
		fatalx("out of memory");
	(void)sd_notify(0, "RELOADING=1\nSTATUS=reloading");
	rc = tandem_config_load(d->config_path, &fresh, diag);
	for (i = 0; i < tandem_diag_count(diag); i++) {
		log_warnx("%s", tandem_diag_get(diag, i));
		if (err != NULL)
			fprintf(err, "%s\n", tandem_diag_get(diag, i));
	}
	tandem_diag_free(diag);
	if (rc < 0) {
		if (rc != TANDEM_ECONFIG)
			log_warnx("%s: %s", d->config_path, tandem_strerror(rc));
		if (err != NULL && rc != TANDEM_ECONFIG)
			fprintf(err, "%s: %s\n", d->config_path, tandem_strerror(rc));
		log_warnx("reload failed; keeping the running configuration");
		if (err != NULL)
			fprintf(err, "reload failed; keeping the running configuration\n");
		(void)sd_notify(0, "READY=1\nSTATUS=reload failed; running the "
		    "previous configuration");
		return EX_CONFIG;
	}
	if (strcmp(tandem_config_socket(fresh), tandem_config_socket(d->cfg)) != 0)
		log_warnx("the control socket stays at %s until tandemd restarts",
		    tandem_config_socket(d->cfg));
	tandem_engine_set_config(d->engine, fresh);
	retire(d, d->cfg);
	d->cfg = fresh;
	n = tandem_config_program_count(fresh);
	log_info("configuration reloaded: %zu program(s)", n);
	if (out != NULL)
		fprintf(out, "configuration reloaded: %zu program(s)\n", n);
	(void)sd_notifyf(0, "READY=1\nSTATUS=%zu program(s)", n);
	return 0;
}

static void
on_sighup(uv_signal_t *h, int sig)
{
	struct daemon	*d = h->data;

	(void)sig;
	log_info("SIGHUP: reloading %s", d->config_path);
	(void)reload(d, NULL, NULL);
}

static void
on_stop(uv_signal_t *h, int sig)
{
	struct daemon	*d = h->data;

	log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	(void)sd_notify(0, "STOPPING=1");
	uv_close((uv_handle_t *)&d->sighup, NULL);
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sigint, NULL);
	/* No request may reach the engine once it closes. */
	control_close(d->control);
	d->control = NULL;
	tandem_engine_close(d->engine, NULL, NULL);
	d->engine = NULL;
}

static int
serve(struct daemon *d)
{
	uv_loop_t	loop;
	int		rc;

	if (uv_loop_init(&loop) != 0)
		fatalx("uv_loop_init failed");
	uv_signal_init(&loop, &d->sighup);
	uv_signal_init(&loop, &d->sigterm);
	uv_signal_init(&loop, &d->sigint);
	d->sighup.data = d->sigterm.data = d->sigint.data = d;
	uv_signal_start(&d->sighup, on_sighup, SIGHUP);
	uv_signal_start(&d->sigterm, on_stop, SIGTERM);
	uv_signal_start(&d->sigint, on_stop, SIGINT);
	/* A second tandemd on this state stops here, before its socket. */
	engine_open(d, &loop);
	/* Before the engine starts: one with another state on this socket. */
	d->control = control_open(&loop, tandem_config_socket(d->cfg), d->engine,
	    reload, d);
	if (tandem_engine_start(d->engine) < 0)
		fatalx("cannot start the engine");
	log_info("started with %s (%zu program(s))", d->config_path,
	    tandem_config_program_count(d->cfg));
	/* Under systemd (Type=notify): ready once the loop is set up. */
	(void)sd_notifyf(0, "READY=1\nSTATUS=%zu program(s)",
	    tandem_config_program_count(d->cfg));
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&loop);
	if (rc != 0)
		log_warnx("loop closed with handles open: %s", uv_strerror(rc));
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct daemon	 d;
	int		 foreground = 0, verbose = 0, test = 0, once = 0, i, rc;
	int64_t		 now = (int64_t)time(NULL);

	memset(&d, 0, sizeof(d));
	d.config_path = SYSCONFDIR "/tandem/tandem.conf";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			d.config_path = argv[++i];
		else if (strcmp(argv[i], "-d") == 0)
			foreground = 1;
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "-n") == 0)
			test = 1;
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc) {
			if (timeopt_parse(argv[++i], &now) < 0) {
				fprintf(stderr, "tandemd: --now: \"%s\" is not an ISO 8601 time\n",
				    argv[i]);
				return EX_USAGE;
			}
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("tandemd %s\n", tandem_version());
			return 0;
		} else {
			usage(strcmp(argv[i], "-h") == 0 ? stdout : stderr);
			return strcmp(argv[i], "-h") == 0 ? 0 : EX_USAGE;
		}
	}
	/*
	 * A hook that exits without reading its stdin, or a tandemctl gone
	 * before its reply, must not kill the daemon: writes fail with EPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	log_init(foreground || test || once, "tandemd");
	log_setverbose(verbose);
	d.cfg = load(d.config_path);
	if (d.cfg == NULL) {
		log_warnx("%s: configuration rejected", d.config_path);
		return EX_CONFIG;
	}
	if (test) {
		fprintf(stderr, "tandemd: %s: configuration OK\n", d.config_path);
		rc = 0;
	} else if (once)
		rc = once_exit(run_once(&d, now));
	else
		rc = serve(&d);
	tandem_config_free(d.cfg);
	while (d.nretired > 0)
		tandem_config_free(d.retired[--d.nretired]);
	return rc;
}
