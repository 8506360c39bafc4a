/*
 * replay: a fuzz target without libFuzzer, for "make check" (any compiler).
 * Linked with one fuzz-<name>.c as tests/fuzz/replay-<name>, it runs
 * LLVMFuzzerTestOneInput() once on each file named on the command line
 * (a directory stands for the files in it), or, with no argument, on each
 * file of tests/fuzz/corpus/<name>/ and tests/fuzz/regress/<name>/.
 *
 * Each input runs in its own process (LLVMFuzzerInitialize() first, when
 * the target has one) with a time limit, so that a crash or a hang fails
 * that input and not the run: the output is TAP for automake's tap-driver,
 * one line per input.  FUZZ_TIMEOUT sets the limit in seconds (default 30);
 * FUZZ_NOFORK=1 runs the inputs in this process, for a debugger.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error FUZZ_NAME, the name of the target, must be defined
#endif
#ifndef FUZZ_DIR
#error FUZZ_DIR (the source directory tests/fuzz) must be defined
#endif

#define DEFAULT_TIMEOUT	30

/* A target without one-time setup leaves this undefined. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

struct names {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static void
add(struct names *l, const char *path)
{
	char	**grown;

	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 64;
		grown = realloc(l->v, l->cap * sizeof(*l->v));
		if (grown == NULL)
			abort();
		l->v = grown;
	}
	l->v[l->n] = strdup(path);
	if (l->v[l->n++] == NULL)
		abort();
}

/* path as TAP names it: within tests/fuzz when it is there. */
static const char *
shown(const char *path)
{
	size_t	n = strlen(FUZZ_DIR);

	return strncmp(path, FUZZ_DIR "/", n + 1) == 0 ? path + n + 1 : path;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path, or the files of directory path in name order; quiet: may be absent. */
static int
collect(struct names *l, const char *path, int quiet)
{
	struct names	 here = { NULL, 0, 0 };
	struct dirent	*de;
	struct stat	 st;
	char		 full[4200];
	DIR		*d;
	size_t		 i;

	if (stat(path, &st) < 0) {
		if (quiet && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(l, path);
		return 0;
	}
	d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			add(&here, full);
	}
	closedir(d);
	if (here.n > 0)
		qsort(here.v, here.n, sizeof(*here.v), cmp_name);
	for (i = 0; i < here.n; i++) {
		add(l, here.v[i]);
		free(here.v[i]);
	}
	free(here.v);
	return 0;
}

/* Run the target on the file at path, in this process: 0 or -1 (unreadable). */
static int
run(const char *path, int *argc, char ***argv)
{
	uint8_t	*data = NULL;
	size_t	 len = 0, cap = 0, n;
	FILE	*f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap != 0 ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	/* Cut to size: ASan sees a read past the end, as under libFuzzer. */
	data = realloc(data, len != 0 ? len : 1);
	if (data == NULL)
		abort();
	if (LLVMFuzzerInitialize != NULL)
		(void)LLVMFuzzerInitialize(argc, argv);
	(void)LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

/* path in a child with a time limit; 0 passed, else what went wrong in why. */
static int
run_child(const char *path, unsigned timeout, int *argc, char ***argv,
    char *why, size_t whylen)
{
	pid_t	pid;
	int	status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		alarm(timeout);
		exit(run(path, argc, argv) == 0 ? 0 : 2);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(why, whylen, "hung: still running after %u s", timeout);
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) == 2)
		snprintf(why, whylen, "cannot read it");
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, whylen, "exit status %d (a sanitizer's report is in "
		    "the log)", WEXITSTATUS(status));
	else
		return 0;
	return -1;
}

int
main(int argc, char **argv)
{
	struct names	 l = { NULL, 0, 0 };
	const char	*t = getenv("FUZZ_TIMEOUT"), *nofork = getenv("FUZZ_NOFORK");
	unsigned	 timeout = t != NULL && atoi(t) > 0 ? (unsigned)atoi(t) :
	    DEFAULT_TIMEOUT;
	char		 why[200];
	size_t		 i, failed = 0;
	int		 i0, bad = 0;

	if (argc > 1) {
		for (i0 = 1; i0 < argc; i0++)
			bad |= collect(&l, argv[i0], 0) < 0;
	} else {
		bad |= collect(&l, FUZZ_DIR "/corpus/" FUZZ_NAME, 0) < 0;
		bad |= collect(&l, FUZZ_DIR "/regress/" FUZZ_NAME, 1) < 0;
	}
	if (bad)
		return 99;
	printf("1..%zu\n", l.n);
	for (i = 0; i < l.n; i++) {
		if (nofork != NULL && strcmp(nofork, "1") == 0) {
			if (run(l.v[i], &argc, &argv) < 0)
				return 99;
			printf("ok %zu - %s\n", i + 1, shown(l.v[i]));
		} else if (run_child(l.v[i], timeout, &argc, &argv, why,
		    sizeof(why)) == 0)
			printf("ok %zu - %s\n", i + 1, shown(l.v[i]));
		else {
			printf("not ok %zu - %s # %s\n", i + 1, shown(l.v[i]), why);
			failed++;
		}
		free(l.v[i]);
	}
	free(l.v);
	return failed > 0 ? 1 : 0;
}
