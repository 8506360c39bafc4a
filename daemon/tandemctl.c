/*
 * tandemctl: the command-line client.  validate, plan and explain work on
 * the configuration alone and need no running daemon:
 *
 *   tandemctl [-c FILE] validate
 *   tandemctl [-c FILE] plan [--json] [--now T] [--nominal] [--stats]
 *   tandemctl [-c FILE] explain MENTOR MENTEE INDEX [--now T]
 *
 * The others ask the running tandemd over its control socket, one request
 * and one reply (the protocol is in include/tandem/ctl.h), and print what
 * the daemon says:
 *
 *   tandemctl [-c FILE] [--socket PATH] [--program NAME] COMMAND [ARGS]
 *
 * Exit codes follow sysexits(3): 0, 64 usage, 65 bad data, 69 no daemon,
 * 70 internal, 78 configuration errors.  ingest-mail (an attendee's e-mail
 * on stdin, from the MTA) says 75 instead of 69 or 70: try again later.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <tandem/tandem.h>
#include <tandem/ctl.h>

#include "plan_print.h"
#include "timeopt.h"

#define EX_OK		0
#define EX_USAGE	64
#define EX_DATAERR	65
#define EX_UNAVAILABLE	69
#define EX_SOFTWARE	70
#define EX_TEMPFAIL	75
#define EX_CONFIG	78

#define MAIL_MAX	(16u << 20)	/* ingest-mail: the largest message */

/* How long to wait for the daemon's reply before giving up, in seconds. */
#define REPLY_TIMEOUT	60

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct opts {
	const char	*config;
	const char	*command;
	const char	*args[3];	/* the command's operands */
	int		 nargs;
	const char	*socket;	/* --socket: instead of the configuration's */
	const char	*program;
	const char	*sender;	/* ingest-mail --sender: the envelope sender */
	int		 json;
	int		 csv;
	int		 nominal;	/* plan: do not read calendars */
	int		 stats;
	int		 has_now;
	int64_t		 now;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tandemctl [-c FILE] validate\n"
	    "       tandemctl [-c FILE] plan [--json] [--now ISO8601] [--nominal] [--stats]\n"
	    "       tandemctl [-c FILE] explain MENTOR MENTEE INDEX [--now ISO8601]\n"
	    "       tandemctl --version\n"
	    "       tandemctl [-c FILE] [--socket PATH] [--program NAME] COMMAND\n"
	    "  where COMMAND, answered by the running tandemd, is one of\n"
	    "       status [--json]\n"
	    "       pairs [--json]\n"
	    "       sessions MENTOR MENTEE [--json]\n"
	    "       checkin MENTOR MENTEE [INDEX]\n"
	    "       skip MENTOR MENTEE INDEX\n"
	    "       reschedule MENTOR MENTEE INDEX\n"
	    "       pause MENTOR MENTEE\n"
	    "       resume MENTOR MENTEE\n"
	    "       export [MENTOR MENTEE]\n"
	    "       report [--csv | --json]\n"
	    "       reload\n"
	    "       ingest-mail [--sender ADDRESS]\n"
	    "                            (an attendee's e-mail on stdin, from the MTA)\n"
	    "\n"
	    "  -c, --config FILE  configuration (default %s/tandem/tandem.conf)\n"
	    "  --socket PATH      the daemon's control socket (default: the config's)\n"
	    "  --program NAME     the program of a pair that is in several\n"
	    "  --json             machine-readable output\n"
	    "  --csv              report: CSV\n"
	    "  --now T            compute as if the time were T (2027-03-01T10:00Z)\n"
	    "  --nominal          plan: the cadence only, no calendars read\n"
	    "  --stats            plan: print where the time went to stderr\n"
	    "  --sender ADDRESS   ingest-mail: the envelope sender (default: $SENDER)\n",
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
		else if (strcmp(a, "--socket") == 0 && i + 1 < argc)
			o->socket = argv[++i];
		else if (strcmp(a, "--program") == 0 && i + 1 < argc)
			o->program = argv[++i];
		else if (strcmp(a, "--sender") == 0 && i + 1 < argc)
			o->sender = argv[++i];
		else if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "--csv") == 0)
			o->csv = 1;
		else if (strcmp(a, "--nominal") == 0)
			o->nominal = 1;
		else if (strcmp(a, "--stats") == 0)
			o->stats = 1;
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
		} else if (a[0] == '-' || (o->command != NULL &&
		    o->nargs == (int)(sizeof(o->args) / sizeof(o->args[0])))) {
			fprintf(stderr, "tandemctl: unexpected argument \"%s\"\n", a);
			return -1;
		} else if (o->command != NULL)
			o->args[o->nargs++] = a;
		else
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

/* Load the configuration and its nominal plan at now; EX_OK or an exit code. */
static int
load_plan(const struct opts *o, int64_t now, struct tandem_config **cfg,
    struct tandem_plan **plan)
{
	int	ex, rc;

	ex = load(o, cfg);
	if (ex != EX_OK)
		return ex;
	rc = tandem_plan_new(*cfg, now, plan);
	if (rc < 0) {
		fprintf(stderr, "tandemctl: %s: %s\n", o->command, tandem_strerror(rc));
		return rc == TANDEM_ERANGE ? EX_CONFIG : EX_SOFTWARE;
	}
	return EX_OK;
}

static void
print_diag(struct tandem_diag *diag)
{
	size_t	i;

	char	line[4096];

	for (i = 0; i < tandem_diag_count(diag); i++) {
		/* Calendars and servers wrote parts of it: one line each. */
		tandem_escape(tandem_diag_get(diag, i), line, sizeof(line));
		fprintf(stderr, "tandemctl: %s\n", line);
	}
}

static double seconds(const struct timespec *t0);

/*
 * Read the calendars the plan needs and negotiate it, the negotiation taking
 * *secs; EX_OK or an exit code.
 */
static int
negotiate(struct tandem_plan *plan, struct tandem_calendars **cals, double *secs)
{
	struct tandem_diag	*diag = tandem_diag_new();
	struct timespec		 t0;
	int			 rc;

	if (diag == NULL)
		return EX_SOFTWARE;
	rc = tandem_calendars_new(cals);
	if (rc == 0)
		rc = tandem_calendars_read(*cals, plan, diag);
	print_diag(diag);
	tandem_diag_free(diag);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rc == 0)
		rc = tandem_plan_negotiate(plan, *cals);
	*secs = seconds(&t0);
	if (rc < 0) {
		fprintf(stderr, "tandemctl: negotiate: %s\n", tandem_strerror(rc));
		return EX_SOFTWARE;
	}
	return EX_OK;
}

static double
seconds(const struct timespec *t0)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The figures bench/ reads: one line on stderr. */
static void
print_stats(const struct tandem_plan *plan, const struct tandem_calendars *cals,
    double negotiate_s, const struct timespec *t0)
{
	struct tandem_calendars_stats	st;
	struct rusage			ru;
	size_t				i, fixed = 0, none = 0;

	memset(&st, 0, sizeof(st));
	tandem_calendars_stats(cals, &st);
	for (i = 0; i < tandem_plan_count(plan); i++) {
		fixed += tandem_plan_get(plan, i)->status == TANDEM_SESSION_SCHEDULED;
		none += tandem_plan_get(plan, i)->status == TANDEM_SESSION_UNSCHEDULABLE;
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "stats: calendars=%zu bytes=%zu fetch=%.3f parse=%.3f "
	    "expand=%.3f negotiate=%.3f total=%.3f maxrss_kb=%ld sessions=%zu "
	    "fixed=%zu unschedulable=%zu failed=%zu damaged=%zu cut=%zu\n",
	    st.calendars,
	    st.bytes, st.fetch, st.parse, st.expand, negotiate_s, seconds(t0),
	    ru.ru_maxrss, tandem_plan_count(plan), fixed, none, st.failed,
	    st.damaged, st.cut);
}

/*
 * Calendars that could not be read make their owners' sessions
 * unschedulable: one line says whose and why, and plan exits 75 so that a
 * script never takes such a plan for a good one.
 */
static int
unreadable(const struct tandem_calendars *cals)
{
	char	line[4096], esc[8192];

	if (cals == NULL || tandem_calendars_summary(cals, line, sizeof(line)) <= 0)
		return 0;
	tandem_escape(line, esc, sizeof(esc));
	fprintf(stderr, "tandemctl: plan: %s\n", esc);
	return 1;
}

static int
cmd_plan(const struct opts *o)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_plan	*plan = NULL;
	struct tandem_calendars	*cals = NULL;
	struct timespec		 t0;
	int64_t			 now = o->has_now ? o->now : (int64_t)time(NULL);
	double			 neg = 0;
	int			 ex, rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o->nargs > 0) {
		fprintf(stderr, "tandemctl: plan takes no operands\n");
		return EX_USAGE;
	}
	ex = load_plan(o, now, &cfg, &plan);
	if (ex != EX_OK)
		goto out;
	if (!o->nominal) {
		ex = negotiate(plan, &cals, &neg);
		if (ex != EX_OK)
			goto out;
	}
	rc = o->json ? plan_print_json(stdout, plan) : plan_print_table(stdout, plan);
	if (rc < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "tandemctl: plan: cannot write the output\n");
		ex = EX_SOFTWARE;
	}
	if (o->stats)
		print_stats(plan, cals, neg, &t0);
	if (ex == EX_OK && unreadable(cals))
		ex = EX_TEMPFAIL;
out:
	tandem_calendars_free(cals);
	tandem_plan_free(plan);
	tandem_config_free(cfg);
	return ex;
}

/* The plan index of MENTOR MENTEE INDEX, or -1 (reported). */
static long
find_session(const struct opts *o, const struct tandem_plan *plan)
{
	char		*end;
	unsigned long	 idx;
	size_t		 i;

	idx = strtoul(o->args[2], &end, 10);
	if (*end != '\0' || idx == 0) {
		fprintf(stderr, "tandemctl: explain: INDEX \"%s\" is not a session "
		    "number (1, 2, ...)\n", o->args[2]);
		return -1;
	}
	for (i = 0; i < tandem_plan_count(plan); i++) {
		const struct tandem_session *s = tandem_plan_get(plan, i);

		if (strcasecmp(s->mentor, o->args[0]) == 0 &&
		    strcasecmp(s->mentee, o->args[1]) == 0 && s->index == idx)
			return (long)i;
	}
	fprintf(stderr, "tandemctl: explain: no session %lu of mentor %s and "
	    "mentee %s\n", idx, o->args[0], o->args[1]);
	return -1;
}

static int
cmd_explain(const struct opts *o)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_plan	*plan = NULL;
	struct tandem_calendars	*cals = NULL;
	int64_t			 now = o->has_now ? o->now : (int64_t)time(NULL);
	char			*text = NULL;
	double			 secs;
	long			 i;
	int			 ex, rc;

	if (o->nargs != 3) {
		fprintf(stderr, "tandemctl: explain needs MENTOR MENTEE INDEX\n");
		return EX_USAGE;
	}
	ex = load_plan(o, now, &cfg, &plan);
	if (ex != EX_OK)
		goto out;
	i = find_session(o, plan);
	if (i < 0) {
		ex = EX_DATAERR;
		goto out;
	}
	ex = negotiate(plan, &cals, &secs);
	if (ex != EX_OK)
		goto out;
	rc = tandem_plan_explain(plan, cals, (size_t)i, &text);
	if (rc < 0) {
		fprintf(stderr, "tandemctl: explain: %s\n", tandem_strerror(rc));
		ex = EX_SOFTWARE;
		goto out;
	}
	fputs(text, stdout);
	if (fflush(stdout) != 0)
		ex = EX_SOFTWARE;
out:
	free(text);
	tandem_calendars_free(cals);
	tandem_plan_free(plan);
	tandem_config_free(cfg);
	return ex;
}

/* The request line for the daemon (caller frees), or NULL. */
static char *
request(const struct opts *o)
{
	json_object	*req = json_object_new_object(), *args;
	char		*line = NULL;
	int		 i;

	args = json_object_new_array();
	if (req == NULL || args == NULL) {
		json_object_put(req);
		json_object_put(args);
		return NULL;
	}
	for (i = 0; i < o->nargs; i++)
		json_object_array_add(args, json_object_new_string(o->args[i]));
	json_object_object_add(req, "cmd", json_object_new_string(o->command));
	json_object_object_add(req, "args", args);
	json_object_object_add(req, "program",
	    o->program ? json_object_new_string(o->program) : NULL);
	json_object_object_add(req, "json", json_object_new_boolean(o->json));
	json_object_object_add(req, "csv", json_object_new_boolean(o->csv));
	if (asprintf(&line, "%s\n", json_object_to_json_string_ext(req,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		line = NULL;
	json_object_put(req);
	return line;
}

/* A connected socket to path, or -1 with errno set. */
static int
dial(const char *path)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { REPLY_TIMEOUT, 0 };
	int			fd, saved;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Send line and read the reply to the end: 0, or -1 with errno set. */
static int
exchange(int fd, const char *line, char **reply)
{
	size_t	 off = 0, len = strlen(line), cap = 0;
	ssize_t	 n;
	char	*buf = NULL, *grown;

	for (; off < len; off += (size_t)n) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n < 0)
			n = 0;
	}
	for (off = 0;; off += (size_t)n) {
		if (cap - off < 4096) {
			cap = cap ? cap * 2 : 65536;
			grown = realloc(buf, cap);
			if (grown == NULL)
				break;
			buf = grown;
		}
		n = recv(fd, buf + off, cap - off - 1, 0);
		if (n == 0) {
			buf[off] = '\0';
			*reply = buf;
			return 0;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (n < 0)
			n = 0;
	}
	free(buf);
	return -1;
}

/* text on stderr, each line as "tandemctl: line". */
static void
print_err(const char *text)
{
	const char	*nl;

	for (; *text != '\0'; text = nl + 1) {
		nl = strchr(text, '\n');
		if (nl == NULL) {
			fprintf(stderr, "tandemctl: %s\n", text);
			return;
		}
		fprintf(stderr, "tandemctl: %.*s\n", (int)(nl - text), text);
	}
}

/* Print what the daemon said: its exit status, or EX_SOFTWARE. */
static int
print_reply(const char *path, const char *text)
{
	json_object	*rep = json_tokener_parse(text), *ex, *out, *err;
	int		 rc;

	if (!json_object_object_get_ex(rep, "exit", &ex) ||
	    !json_object_object_get_ex(rep, "out", &out) ||
	    !json_object_object_get_ex(rep, "err", &err) ||
	    !json_object_is_type(ex, json_type_int)) {
		fprintf(stderr, "tandemctl: %s: the reply is not understood\n", path);
		json_object_put(rep);
		return EX_SOFTWARE;
	}
	fputs(json_object_get_string(out), stdout);
	print_err(json_object_get_string(err));
	rc = json_object_get_int(ex);
	if (fflush(stdout) != 0)
		rc = EX_SOFTWARE;
	json_object_put(rep);
	return rc;
}

/*
 * Send line (ours: freed here) to the daemon and print its reply; its exit
 * status, or down when the daemon cannot be reached or does not answer.
 */
static int
ask_daemon(const struct opts *o, char *line, int down)
{
	char	*path = NULL, *reply = NULL;
	int	 fd = -1, ex, rc;

	if (o->socket != NULL)
		path = strdup(o->socket);
	else {
		rc = tandem_ctl_socket_path(o->config, &path);
		if (rc < 0) {
			fprintf(stderr, "tandemctl: %s: cannot read: %s\n",
			    o->config, tandem_strerror(rc));
			return EX_CONFIG;
		}
	}
	ex = EX_SOFTWARE;
	if (path == NULL || line == NULL)
		goto out;
	ex = down;
	fd = dial(path);
	if (fd < 0) {
		fprintf(stderr, "tandemctl: cannot reach tandemd at %s: %s\n", path,
		    strerror(errno));
		goto out;
	}
	if (exchange(fd, line, &reply) < 0) {
		fprintf(stderr, "tandemctl: no reply from tandemd at %s: %s\n", path,
		    errno == EAGAIN ? "timed out" : strerror(errno));
		goto out;
	}
	if (reply[0] == '\0') {
		fprintf(stderr, "tandemctl: tandemd at %s closed the connection "
		    "without a reply\n", path);
		goto out;
	}
	ex = print_reply(path, reply);
out:
	if (fd >= 0)
		close(fd);
	free(reply);
	free(line);
	free(path);
	return ex;
}

/* A command the daemon answers: ask it and print its reply. */
static int
cmd_remote(const struct opts *o)
{
	return ask_daemon(o, request(o), EX_UNAVAILABLE);
}

/* stdin, at most max bytes: 0, 1 when longer, -1 on a read error. */
static int
read_stdin(size_t max, char **out, size_t *len)
{
	size_t	 cap = 65536, n = 0;
	ssize_t	 r;
	char	*buf = malloc(cap), *grown;
	int	 rc;

	for (; buf != NULL; n += (size_t)r) {
		if (n > max)
			break;
		if (cap - n < 4096) {
			grown = realloc(buf, cap * 2);
			if (grown == NULL)
				break;
			buf = grown;
			cap *= 2;
		}
		r = read(STDIN_FILENO, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			r = 0;
		else if (r <= 0) {
			if (r < 0)
				break;
			buf[n] = '\0';
			*out = buf;
			*len = n;
			return 0;
		}
	}
	rc = buf != NULL && n > max ? 1 : -1;
	free(buf);
	return rc;
}

/*
 * ingest-mail: one e-mail on stdin, as an MTA pipes it.  Exit statuses for
 * the MTA: 0 taken; 65 not a message tandem answers (it bounces); 75 try
 * again later (the daemon down or failing).  The envelope sender is
 * --sender (pipe(8): ${sender}), else $SENDER, which Postfix's local(8)
 * sets for the command of an alias (empty for the null sender); with
 * neither, the daemon checks the From alone.
 */
static int
cmd_ingest_mail(const struct opts *o)
{
	struct tandem_diag	*d = tandem_diag_new();
	const char		*sender = o->sender != NULL ? o->sender :
				    getenv("SENDER");
	char			*msg = NULL, *line = NULL;
	size_t			 len = 0, i;
	int			 rc, ex;

	rc = read_stdin(MAIL_MAX, &msg, &len);
	if (rc != 0 || d == NULL) {
		fprintf(stderr, "tandemctl: ingest-mail: %s\n", rc > 0 ?
		    "the message is larger than 16 MiB" : "cannot read stdin");
		tandem_diag_free(d);
		return rc > 0 ? EX_DATAERR : EX_TEMPFAIL;
	}
	rc = tandem_ctl_ingest_request_sender(msg, len, sender, &line, d);
	free(msg);
	for (i = 0; i < tandem_diag_count(d); i++)
		fprintf(stderr, "tandemctl: ingest-mail: %s\n", tandem_diag_get(d, i));
	tandem_diag_free(d);
	if (rc < 0)
		return rc == TANDEM_EPARSE ? EX_DATAERR : EX_TEMPFAIL;
	ex = ask_daemon(o, line, EX_TEMPFAIL);
	return ex == EX_SOFTWARE || ex == EX_UNAVAILABLE ? EX_TEMPFAIL : ex;
}

static const char *const remote[] = {
	"status", "pairs", "sessions", "checkin", "skip", "reschedule", "pause",
	"resume", "export", "report", "reload"
};

int
main(int argc, char **argv)
{
	struct opts	o;
	size_t		i;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EX_USAGE;
	}
	if (o.sender != NULL && strcmp(o.command, "ingest-mail") != 0) {
		fprintf(stderr, "tandemctl: --sender is for ingest-mail\n");
		return EX_USAGE;
	}
	if (strcmp(o.command, "validate") == 0)
		return cmd_validate(&o);
	if (strcmp(o.command, "plan") == 0)
		return cmd_plan(&o);
	if (strcmp(o.command, "explain") == 0)
		return cmd_explain(&o);
	if (strcmp(o.command, "ingest-mail") == 0)
		return o.nargs == 0 ? cmd_ingest_mail(&o) : (usage(stderr), EX_USAGE);
	for (i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
		if (strcmp(o.command, remote[i]) == 0)
			return cmd_remote(&o);
	fprintf(stderr, "tandemctl: unknown command \"%s\"\n", o.command);
	usage(stderr);
	return EX_USAGE;
}
