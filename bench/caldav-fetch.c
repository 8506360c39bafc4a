/*
 * caldav-fetch: tandem's CalDAV reader alone, for bench/caldav.  Reads the
 * calendar collections listed in a file (one URL a line) with caldav_read(),
 * all of them at once on one libuv loop through one http layer made with
 * http_new(), as the daemon's pass does (lib/calendars.c), and does that
 * -p times: the first pass is a full read (PROPFIND probe, PROPFIND for the
 * collection's tokens, calendar-query over the window plus caldav.c's
 * slack), every later one asks what changed (sync-collection with the stored
 * token).  After each pass it prints one line of key=value pairs:
 *
 *	caldav-fetch: pass=1 connections=4 calendars=1000 errors=0 requests=3000
 *	    propfind=2000 report=1000 attempts=3000 not_207=0 unchanged=0
 *	    fetched=... wall_s=... req_s=... cpu_s=... body_bytes=...
 *	    ical_bytes=... rss_kb=... hwm_kb=... server_cpu_s=... machine_cpu_s=...
 *
 * wall_s runs from the first caldav_read() to the last callback; cpu_s is
 * this process's user + system time in that span; rss_kb and hwm_kb are
 * VmRSS and VmHWM after it; server_cpu_s is the CPU time of the process -s
 * names (the CalDAV server) in the span, or -1; machine_cpu_s is the CPU
 * time all processes used in it (/proc/stat, all CPUs, idle and iowait
 * excluded), which tells how much of the machine others took.  requests,
 * unchanged and fetched are caldav.c's own counts (struct caldav_stats).
 *
 * The rest is seen at the http layer's door: the program is linked with
 * -Wl,--wrap=http_submit, so every request caldav.c submits passes through
 * __wrap_http_submit() below, which puts its own callback in front of
 * caldav.c's.  propfind and report count the requests by method; attempts
 * is how many times http.c sent them (retries included); not_207 the
 * answers that were not 207 Multi-Status (or no answer at all); body_bytes
 * the answers' bodies as http.c hands them on (after gzip is undone).
 * ical_bytes is the iCalendar text the calendars hold after the pass.
 *
 * A benchmark, not a test: it exits 1 when a calendar could not be read (the
 * diagnostics go to stderr), never because of a figure.  See bench/README.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <uv.h>

#include "tandem-int.h"
#include "caldav.h"
#include "http.h"

#define DIAG_SHOWN	5	/* diagnostics printed per pass */

/* What passed through http_submit() since the last reset. */
struct tap_count {
	size_t		 propfind, report, other;
	size_t		 attempts, not_207;
	uint64_t	 body;
};

/* One request on its way: caldav.c's callback, called after ours. */
struct tap {
	http_done_fn	 cb;
	void		*ud;
};

int	__real_http_submit(struct http *, const struct http_request *,
	    struct tandem_diag *);
int	__wrap_http_submit(struct http *, const struct http_request *,
	    struct tandem_diag *);

/* The wrapper has no context of its own: it counts here. */
static struct tap_count	tap_count;

struct bench {
	uv_loop_t		 loop;
	struct http		*h;
	struct tandem_diag	*diag;
	struct server		 server;
	struct caldav_cal	*cal;
	size_t			 n;
	size_t			 left;		/* reads in flight */
	size_t			 errors;
	uint64_t		 t_end;		/* uv_hrtime of the last callback */
	int			 closed;
};

/* What a pass is measured by, read before and after it. */
struct sample {
	uint64_t	 t;		/* uv_hrtime */
	double		 cpu;		/* this process, s */
	double		 server_cpu;	/* -s, s; < 0: unknown */
	double		 machine_cpu;	/* every process, s; < 0: unknown */
};

static void
tap_done(struct http_request *req, struct http_result *res, void *ud)
{
	struct tap	*t = ud;

	tap_count.attempts += (size_t)res->attempts;
	tap_count.not_207 += res->error != 0 || res->status != 207;
	tap_count.body += res->len;
	t->cb(req, res, t->ud);
	free(t);
}

int
__wrap_http_submit(struct http *h, const struct http_request *r,
    struct tandem_diag *diag)
{
	struct http_request	 copy = *r;
	struct tap		*t;
	int			 rc;

	t = malloc(sizeof(*t));
	if (t == NULL)
		return TANDEM_ENOMEM;
	t->cb = r->cb;
	t->ud = r->ud;
	copy.cb = tap_done;
	copy.ud = t;
	rc = __real_http_submit(h, &copy, diag);
	if (rc < 0) {
		free(t);
		return rc;
	}
	if (r->method != NULL && strcmp(r->method, "PROPFIND") == 0)
		tap_count.propfind++;
	else if (r->method != NULL && strcmp(r->method, "REPORT") == 0)
		tap_count.report++;
	else
		tap_count.other++;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: caldav-fetch [-c connections] [-f from] [-w weeks] [-p passes]\n"
	    "                    [-u user -P password_file] [-s server_pid]\n"
	    "                    [-t tokens_out] URLFILE\n"
	    "  from: YYYY-MM-DD (UTC midnight) or seconds since the epoch\n");
	exit(64);
}

/* YYYY-MM-DD or seconds since the epoch; -1 when it is neither. */
static int64_t
parse_from(const char *s)
{
	char	*end;
	long long v;
	int	 y, m, d, len = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &len) == 3 &&
	    s[len] == '\0' && m >= 1 && m <= 12 && d >= 1 && d <= 31)
		return (int64_t)civil_days(y, m, d) * 86400;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	return (int64_t)v;
}

static double
cpu_self(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* utime + stime of pid (all its threads) in seconds, or -1. */
static double
cpu_of(long pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut, st;
	FILE		*f;
	size_t		 n;
	long		 hz = sysconf(_SC_CLK_TCK);

	if (pid <= 0 || hz <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1,
	    " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)hz;
}

/* Busy time of all CPUs in seconds (/proc/stat's "cpu" line), or -1. */
static double
cpu_machine(void)
{
	unsigned long long	 v[8];
	long			 hz = sysconf(_SC_CLK_TCK);
	FILE			*f;
	int			 n;

	f = fopen("/proc/stat", "r");
	if (f == NULL || hz <= 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* user nice system idle iowait irq softirq steal */
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return -1;
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)hz;
}

/* A "Name: value" line of a /proc file, as a number; 0 when absent. */
static uint64_t
proc_field(const char *path, const char *name)
{
	char		 line[256];
	size_t		 n = strlen(name);
	uint64_t	 v = 0;
	FILE		*f;

	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtoull(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static void
sample_take(struct sample *s, long server_pid)
{
	s->t = uv_hrtime();
	s->cpu = cpu_self();
	s->server_cpu = cpu_of(server_pid);
	s->machine_cpu = cpu_machine();
}

/* The URLs of path, one a line; blank lines and #comments skipped. */
static int
read_urls(struct bench *b, const char *path)
{
	char	 line[4096];
	size_t	 cap = 0, len;
	FILE	*f;
	int	 rc = 0;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "caldav-fetch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		rc = util_grow((void **)&b->cal, &cap, b->n + 1, sizeof(*b->cal));
		if (rc < 0)
			break;
		memset(&b->cal[b->n], 0, sizeof(*b->cal));
		b->cal[b->n].url = util_strdup(line);
		if (b->cal[b->n].url == NULL) {
			rc = TANDEM_ENOMEM;
			break;
		}
		b->cal[b->n].server = &b->server;
		b->n++;
	}
	if (rc < 0)
		fprintf(stderr, "caldav-fetch: out of memory\n");
	if (f != stdin)
		fclose(f);
	return rc;
}

static void
on_read(void *ud, struct caldav_cal *cal)
{
	struct bench	*b = ud;

	if (cal->error != 0)
		b->errors++;
	if (--b->left == 0) {
		b->t_end = uv_hrtime();
		/* curl keeps its idle connections watched: the loop would not end. */
		uv_stop(&b->loop);
	}
}

/* Every calendar once, all at once; the loop runs until the last answer. */
static void
run_pass(struct bench *b, int64_t from, int64_t to)
{
	size_t	i;
	int	rc;

	b->errors = 0;
	memset(&tap_count, 0, sizeof(tap_count));
	b->left = 1;		/* held while the reads are started */
	for (i = 0; i < b->n; i++) {
		b->left++;
		rc = caldav_read(&b->cal[i], b->h, from, to, b->diag, on_read, b);
		if (rc < 0) {
			b->left--;
			b->errors++;
			b->cal[i].error = rc;
		}
	}
	b->t_end = uv_hrtime();
	if (--b->left > 0)
		uv_run(&b->loop, UV_RUN_DEFAULT);
}

static void
report(const struct bench *b, int pass, int connections,
    const struct sample *s0, const struct sample *s1)
{
	struct caldav_stats	 st;
	size_t			 i, k, o;
	uint64_t		 ical = 0;
	double			 wall, server = -1, machine = -1;
	const struct caldav_coll *c;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < b->n; i++) {
		st.requests += b->cal[i].st.requests;
		st.unchanged += b->cal[i].st.unchanged;
		st.fetched += b->cal[i].st.fetched;
		st.deleted += b->cal[i].st.deleted;
		st.resyncs += b->cal[i].st.resyncs;
		for (k = 0; k < b->cal[i].ncolls; k++) {
			c = &b->cal[i].colls[k];
			for (o = 0; o < c->n; o++)
				if (c->v[o].data != NULL)
					ical += strlen(c->v[o].data);
		}
	}
	wall = (double)(b->t_end - s0->t) / 1e9;
	if (s0->server_cpu >= 0 && s1->server_cpu >= 0)
		server = s1->server_cpu - s0->server_cpu;
	if (s0->machine_cpu >= 0 && s1->machine_cpu >= 0)
		machine = s1->machine_cpu - s0->machine_cpu;
	printf("caldav-fetch: pass=%d connections=%d calendars=%zu errors=%zu "
	    "requests=%zu propfind=%zu report=%zu attempts=%zu not_207=%zu "
	    "unchanged=%zu fetched=%zu deleted=%zu resyncs=%zu "
	    "wall_s=%.3f req_s=%.1f cpu_s=%.2f body_bytes=%" PRIu64
	    " ical_bytes=%" PRIu64 " rss_kb=%" PRIu64
	    " hwm_kb=%" PRIu64 " server_cpu_s=%.2f machine_cpu_s=%.2f\n",
	    pass, connections, b->n, b->errors, st.requests, tap_count.propfind,
	    tap_count.report, tap_count.attempts, tap_count.not_207,
	    st.unchanged, st.fetched, st.deleted, st.resyncs, wall,
	    wall > 0 ? (double)st.requests / wall : 0.0, s1->cpu - s0->cpu,
	    tap_count.body, ical,
	    proc_field("/proc/self/status", "VmRSS"),
	    proc_field("/proc/self/status", "VmHWM"), server, machine);
	fflush(stdout);
}

/* What went wrong in this pass, a few lines of it; then forgotten. */
static void
show_diag(struct tandem_diag *d)
{
	size_t	i, n = tandem_diag_count(d);

	for (i = 0; i < n && i < DIAG_SHOWN; i++)
		fprintf(stderr, "caldav-fetch: %s\n", tandem_diag_get(d, i));
	if (n > DIAG_SHOWN)
		fprintf(stderr, "caldav-fetch: ... and %zu more\n", n - DIAG_SHOWN);
	tandem_diag_clear(d);
}

/* URL<TAB>sync-token of every collection read, for curl's sync pass. */
static int
write_tokens(const struct bench *b, const char *path)
{
	const struct caldav_coll *c;
	size_t			 i, k;
	FILE			*f;
	int			 rc = 0;

	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "caldav-fetch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < b->cal[i].ncolls; k++) {
			c = &b->cal[i].colls[k];
			if (c->token != NULL)
				fprintf(f, "%s\t%s\n", c->url, c->token);
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "caldav-fetch: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

static void
on_closed(void *ud)
{
	struct bench	*b = ud;

	b->closed = 1;
}

int
main(int argc, char **argv)
{
	struct bench	 b;
	struct http_opts o;
	struct sample	 s0, s1;
	const char	*tokens = NULL;
	int64_t		 from = -1;
	long		 server_pid = 0, weeks = 12;
	int		 ch, pass, passes = 2, rc = 1, loop_ok = 0;
	size_t		 i;

	memset(&b, 0, sizeof(b));
	memset(&o, 0, sizeof(o));
	while ((ch = getopt(argc, argv, "c:f:w:p:u:P:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			o.connections = atoi(optarg);
			break;
		case 'f':
			from = parse_from(optarg);
			if (from < 0)
				usage();
			break;
		case 'w':
			weeks = atol(optarg);
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		case 'u':
			b.server.user = optarg;
			break;
		case 'P':
			b.server.password_file = optarg;
			break;
		case 's':
			server_pid = atol(optarg);
			break;
		case 't':
			tokens = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || weeks <= 0 || passes <= 0 || o.connections < 0)
		usage();
	if (from < 0)
		from = (int64_t)civil_days(2027, 3, 1) * 86400;

	if (uv_loop_init(&b.loop) != 0) {
		fprintf(stderr, "caldav-fetch: uv_loop_init failed\n");
		return 1;
	}
	loop_ok = 1;
	b.diag = tandem_diag_new();
	if (b.diag == NULL || read_urls(&b, argv[optind]) < 0)
		goto out;
	if (b.n == 0) {
		fprintf(stderr, "caldav-fetch: %s: no URL\n", argv[optind]);
		goto out;
	}
	if (http_new(&b.loop, &o, &b.h) != 0) {
		fprintf(stderr, "caldav-fetch: http_new failed\n");
		goto out;
	}
	if (o.connections == 0)
		o.connections = 4;	/* http.c's default, for the report */

	rc = 0;
	for (pass = 1; pass <= passes; pass++) {
		sample_take(&s0, server_pid);
		run_pass(&b, from, from + (int64_t)weeks * 7 * 86400);
		sample_take(&s1, server_pid);
		report(&b, pass, o.connections, &s0, &s1);
		show_diag(b.diag);
		if (b.errors > 0)
			rc = 1;
		if (pass == 1 && tokens != NULL && write_tokens(&b, tokens) < 0)
			rc = 1;
	}
out:
	if (b.h != NULL) {
		http_close(b.h, on_closed, &b);
		uv_run(&b.loop, UV_RUN_DEFAULT);
		if (!b.closed) {
			fprintf(stderr, "caldav-fetch: http_close never finished\n");
			rc = 1;
		}
	}
	for (i = 0; i < b.n; i++)
		caldav_cal_clear(&b.cal[i]);
	free(b.cal);
	tandem_diag_free(b.diag);
	if (loop_ok && uv_loop_close(&b.loop) != 0) {
		fprintf(stderr, "caldav-fetch: handles left open on the loop\n");
		rc = 1;
	}
	return rc;
}
