/*
 * tandemctl: the command-line client.  The commands of this release work on
 * the configuration alone and need no running daemon:
 *
 *   tandemctl [-c FILE] validate
 *   tandemctl [-c FILE] plan [--json] [--now T]
 *
 * Exit codes follow sysexits(3): 0, 64 usage, 65 bad data, 70 internal,
 * 78 configuration errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tandem/tandem.h>

#include "plan_print.h"
#include "timeopt.h"

#define EX_OK		0
#define EX_USAGE	64
#define EX_SOFTWARE	70
#define EX_CONFIG	78

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct opts {
	const char	*config;
	const char	*command;
	int		 json;
	int		 has_now;
	int64_t		 now;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tandemctl [-c FILE] validate\n"
	    "       tandemctl [-c FILE] plan [--json] [--now ISO8601]\n"
	    "       tandemctl --version\n"
	    "\n"
	    "  -c, --config FILE  configuration (default %s/tandem/tandem.conf)\n"
	    "  --json             machine-readable output\n"
	    "  --now T            compute as if the time were T (2027-03-01T10:00Z)\n",
	    SYSCONFDIR);
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	int	i;

	memset(o, 0, sizeof(*o));
	o->config = SYSCONFDIR "/tandem/tandem.conf";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) && i + 1 < argc)
			o->config = argv[++i];
		else if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "--now") == 0 && i + 1 < argc) {
			if (timeopt_parse(argv[++i], &o->now) < 0) {
				fprintf(stderr, "tandemctl: --now: \"%s\" is not an ISO 8601 time\n",
				    argv[i]);
				return -1;
			}
			o->has_now = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(EX_OK);
		} else if (strcmp(a, "--version") == 0) {
			printf("tandemctl %s\n", tandem_version());
			exit(EX_OK);
		} else if (a[0] == '-' || o->command != NULL) {
			fprintf(stderr, "tandemctl: unexpected argument \"%s\"\n", a);
			return -1;
		} else
			o->command = a;
	}
	if (o->command == NULL) {
		fprintf(stderr, "tandemctl: no command given\n");
		return -1;
	}
	return 0;
}

/* Load the configuration, printing every error; EX_OK or an exit code. */
static int
load(const struct opts *o, struct tandem_config **cfg)
{
	struct tandem_diag	*diag = tandem_diag_new();
	size_t			 i, n;
	int			 rc;

	if (diag == NULL)
		return EX_SOFTWARE;
	rc = tandem_config_load(o->config, cfg, diag);
	n = tandem_diag_count(diag);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s\n", tandem_diag_get(diag, i));
	tandem_diag_free(diag);
	if (rc == TANDEM_ECONFIG) {
		fprintf(stderr, "tandemctl: %zu error%s in the configuration\n", n,
		    n == 1 ? "" : "s");
		return EX_CONFIG;
	}
	if (rc < 0) {
		fprintf(stderr, "tandemctl: %s: %s\n", o->config, tandem_strerror(rc));
		return EX_SOFTWARE;
	}
	return EX_OK;
}

static int
cmd_validate(const struct opts *o)
{
	struct tandem_config	*cfg = NULL;
	size_t			 i, pairs = 0, np;
	int			 ex;

	ex = load(o, &cfg);
	if (ex != EX_OK)
		return ex;
	np = tandem_config_program_count(cfg);
	for (i = 0; i < np; i++)
		pairs += tandem_config_pair_count(cfg, i);
	printf("%s: OK (%zu program%s, %zu pair%s)\n", o->config, np,
	    np == 1 ? "" : "s", pairs, pairs == 1 ? "" : "s");
	tandem_config_free(cfg);
	return EX_OK;
}

static int
cmd_plan(const struct opts *o)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_plan	*plan = NULL;
	int64_t			 now = o->has_now ? o->now : (int64_t)time(NULL);
	int			 ex, rc;

	ex = load(o, &cfg);
	if (ex != EX_OK)
		return ex;
	rc = tandem_plan_new(cfg, now, &plan);
	if (rc < 0) {
		fprintf(stderr, "tandemctl: plan: %s\n", tandem_strerror(rc));
		ex = rc == TANDEM_ERANGE ? EX_CONFIG : EX_SOFTWARE;
		goto out;
	}
	rc = o->json ? plan_print_json(stdout, plan) : plan_print_table(stdout, plan);
	if (rc < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "tandemctl: plan: cannot write the output\n");
		ex = EX_SOFTWARE;
	}
out:
	tandem_plan_free(plan);
	tandem_config_free(cfg);
	return ex;
}

int
main(int argc, char **argv)
{
	struct opts	o;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(o.command, "validate") == 0)
		return cmd_validate(&o);
	if (strcmp(o.command, "plan") == 0)
		return cmd_plan(&o);
	fprintf(stderr, "tandemctl: unknown command \"%s\"\n", o.command);
	usage(stderr);
	return EX_USAGE;
}
