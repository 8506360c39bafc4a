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

#include "log.h"
#include "timeopt.h"

#define EX_USAGE	64
#define EX_CONFIG	78

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct daemon {
	const char		*config_path;
	struct tandem_config	*cfg;
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

/*
 * Read the calendars and negotiate the plan; an unreadable calendar and an
 * unschedulable session are logged as warnings.
 */
static int
negotiate(struct tandem_plan *plan)
{
	struct tandem_calendars	*cals = NULL;
	struct tandem_diag	*diag = tandem_diag_new();
	const struct tandem_session *s;
	char			 why[512];
	size_t			 i;
	int			 rc;

	rc = diag == NULL ? TANDEM_ENOMEM : tandem_calendars_new(&cals);
	if (rc == 0)
		rc = tandem_calendars_read(cals, plan, diag);
	for (i = 0; i < tandem_diag_count(diag); i++)
		log_warnx("%s", tandem_diag_get(diag, i));
	if (rc == 0)
		rc = tandem_plan_negotiate(plan, cals);
	for (i = 0; rc == 0 && i < tandem_plan_count(plan); i++) {
		s = tandem_plan_get(plan, i);
		if (s->status != TANDEM_SESSION_UNSCHEDULABLE)
			continue;
		tandem_session_reason(s, why, sizeof(why));
		log_warnx("%s: %s / %s session %u unschedulable: %s", s->program,
		    s->mentor, s->mentee, s->index, why);
	}
	tandem_calendars_free(cals);
	tandem_diag_free(diag);
	return rc;
}

/* One pass: today, the negotiated plan and a summary per program. */
static int
run_once(struct tandem_config *cfg, int64_t now)
{
	struct tandem_plan	*plan = NULL;
	const struct tandem_session *s, *next;
	char			 when[40];
	size_t			 p, i, n, count, fixed, none;
	int			 rc;

	rc = tandem_plan_new(cfg, now, &plan);
	if (rc == 0)
		rc = negotiate(plan);
	if (rc < 0) {
		log_warnx("plan: %s", tandem_strerror(rc));
		tandem_plan_free(plan);
		return rc;
	}
	n = tandem_plan_count(plan);
	for (p = 0; p < tandem_config_program_count(cfg); p++) {
		const char *name = tandem_config_program_name(cfg, p);

		next = NULL;
		count = fixed = none = 0;
		for (i = 0; i < n; i++) {
			s = tandem_plan_get(plan, i);
			if (strcmp(s->program, name) != 0)
				continue;
			count++;
			fixed += s->status == TANDEM_SESSION_SCHEDULED;
			none += s->status == TANDEM_SESSION_UNSCHEDULABLE;
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
		log_info("program %s: %zu pairs, %zu sessions, next %s (%s / %s); "
		    "%zu scheduled, %zu unschedulable", name,
		    tandem_config_pair_count(cfg, p), count, when, next->mentor,
		    next->mentee, fixed, none);
	}
	tandem_plan_free(plan);
	return 0;
}

static void
on_sighup(uv_signal_t *h, int sig)
{
	struct daemon		*d = h->data;
	struct tandem_config	*fresh;

	(void)sig;
	log_info("SIGHUP: reloading %s", d->config_path);
	(void)sd_notify(0, "RELOADING=1\nSTATUS=reloading");
	fresh = load(d->config_path);
	if (fresh == NULL) {
		log_warnx("reload failed; keeping the running configuration");
		(void)sd_notify(0, "READY=1\nSTATUS=reload failed; running the "
		    "previous configuration");
		return;
	}
	tandem_config_free(d->cfg);
	d->cfg = fresh;
	log_info("configuration reloaded: %zu program(s)",
	    tandem_config_program_count(fresh));
	(void)sd_notifyf(0, "READY=1\nSTATUS=%zu program(s)",
	    tandem_config_program_count(fresh));
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
		rc = run_once(d.cfg, now) < 0 ? 1 : 0;
	else
		rc = serve(&d);
	tandem_config_free(d.cfg);
	return rc;
}
