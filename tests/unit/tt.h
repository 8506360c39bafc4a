/*
 * tt: the unit-test harness.  Each test runs in its own process (fork) with a
 * timeout, so that a crash or a hang fails one test and not the file; the
 * output is TAP for automake's tap-driver.  TT_NOFORK=1 runs tests in-process
 * (for gdb); a test name as argv[1] runs only that test.
 *
 *   TEST(name) { ASSERT_EQ(1 + 1, 2); }
 *   TT_MAIN(CASE(name), ...)
 */
#ifndef TT_H
#define TT_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TT_TIMEOUT	30

struct tt_case {
	const char	*name;
	void		(*fn)(void);
};

#define TEST(name)	static void test_##name(void)
#define CASE(name)	{ #name, test_##name }

#define TT_FAIL(...) do {						\
	printf("# %s:%d: ", __FILE__, __LINE__);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	fflush(stdout);							\
	exit(1);							\
} while (0)

#define ASSERT_TRUE(x) do {						\
	if (!(x))							\
		TT_FAIL("ASSERT_TRUE(%s) failed", #x);			\
} while (0)

#define ASSERT_EQ(a, b) do {						\
	long long tt_a = (long long)(a), tt_b = (long long)(b);		\
	if (tt_a != tt_b)						\
		TT_FAIL("ASSERT_EQ(%s, %s): %lld != %lld", #a, #b, tt_a, tt_b); \
} while (0)

#define ASSERT_STR_EQ(a, b) do {					\
	const char *tt_a = (a), *tt_b = (b);				\
	if (tt_a == NULL || tt_b == NULL || strcmp(tt_a, tt_b) != 0)	\
		TT_FAIL("ASSERT_STR_EQ(%s, %s): \"%s\" != \"%s\"", #a, #b, \
		    tt_a ? tt_a : "(null)", tt_b ? tt_b : "(null)");	\
} while (0)

#define ASSERT_CONTAINS(hay, needle) do {				\
	const char *tt_h = (hay), *tt_n = (needle);			\
	if (tt_h == NULL || strstr(tt_h, tt_n) == NULL)			\
		TT_FAIL("ASSERT_CONTAINS(%s, %s): \"%s\" lacks \"%s\"", #hay, \
		    #needle, tt_h ? tt_h : "(null)", tt_n);		\
} while (0)

static int
tt_run_one(const struct tt_case *c)
{
	pid_t	pid;
	int	status;

	if (getenv("TT_NOFORK") != NULL) {
		c->fn();
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(TT_TIMEOUT);
		c->fn();
		fflush(stdout);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d%s\n", c->name, WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		return -1;
	}
	return WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
tt_run(const struct tt_case *cases, size_t n, int argc, char **argv)
{
	size_t	i, run = 0;
	int	failed = 0;

	for (i = 0; i < n; i++)
		if (argc < 2 || strcmp(argv[1], cases[i].name) == 0)
			run++;
	printf("1..%zu\n", run);
	run = 0;
	for (i = 0; i < n; i++) {
		if (argc >= 2 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		run++;
		if (tt_run_one(&cases[i]) == 0)
			printf("ok %zu - %s\n", run, cases[i].name);
		else {
			printf("not ok %zu - %s\n", run, cases[i].name);
			failed++;
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}

#define TT_MAIN(...)							\
int									\
main(int argc, char **argv)						\
{									\
	static const struct tt_case tt_cases[] = { __VA_ARGS__ };	\
	signal(SIGPIPE, SIG_IGN);	/* as a libuv host must */	\
	return tt_run(tt_cases, sizeof(tt_cases) / sizeof(tt_cases[0]), argc, argv); \
}

#endif
