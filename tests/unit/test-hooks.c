/*
 * hooks: real scripts run on a real libuv loop.  Each test writes a small
 * hook into a temporary folder, runs it and looks at what it saw and did.
 */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tt.h"
#include "tandem-int.h"
#include "hooks.h"

static char			dir[64];
static struct hook_result	got;
static char			output[4096];
static int			calls;

static void
done(void *ud, const struct hook_result *r)
{
	(void)ud;
	got = *r;
	snprintf(output, sizeof(output), "%s", r->output);
	got.output = output;
	calls++;
}

static const char *
in_dir(const char *name)
{
	static char	p[4][256];
	static int	k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static const char *
hook(const char *body)
{
	const char	*path;
	FILE		*f;

	snprintf(dir, sizeof(dir), "/tmp/tandem-hooks-XXXXXX");
	if (mkdtemp(dir) == NULL)
		TT_FAIL("mkdtemp: %s", strerror(errno));
	path = in_dir("hook");
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	fprintf(f, "#!/bin/sh\ncd '%s' || exit 9\n%s", dir, body);
	fclose(f);
	ASSERT_EQ(chmod(path, 0700), 0);
	return path;
}

static const struct hook_event EV = {
	"missed", "reverse-2027", "lena.vogel@corp.example",
	"marc.dubois@corp.example", 4, 1805103000,	/* 2027-03-15T09:30:00Z */
	"{\"event\":\"missed\",\"session\":4}",
	"missed:tandem-0123456789abcdef-4@corp.example"
};

static void
run(const char *path, uint64_t timeout_ms)
{
	uv_loop_t	loop;

	calls = 0;
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(uv_loop_init(&loop), 0);
	ASSERT_EQ(hook_run(&loop, path, &EV, timeout_ms, done, NULL), 0);
	ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ASSERT_EQ(uv_loop_close(&loop), 0);	/* every handle was closed */
	ASSERT_EQ(calls, 1);
}

static char *
slurp(const char *name)
{
	char	*t = NULL;

	if (util_read_file(in_dir(name), 1 << 16, &t, NULL) != 0)
		TT_FAIL("the hook wrote no %s", name);
	return t;
}

static void
rm_dir(void)
{
	char	cmd[128];
	pid_t	pid;

	snprintf(cmd, sizeof(cmd), "%s", dir);
	pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", cmd, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

TEST(the_hook_gets_the_event_as_argument_environment_and_json_on_stdin)
{
	char	*env, *in, *args;

	run(hook("echo \"$#:$1\" > args\nenv | grep '^TANDEM_' | sort > env\n"
	    "cat > stdin\n"), 10000);
	ASSERT_EQ(got.spawned, 1);
	ASSERT_EQ(got.exit_status, 0);
	args = slurp("args");
	ASSERT_STR_EQ(args, "1:missed\n");
	env = slurp("env");
	ASSERT_STR_EQ(env, "TANDEM_EVENT=missed\n"
	    "TANDEM_EVENT_ID=missed:tandem-0123456789abcdef-4@corp.example\n"
	    "TANDEM_MENTEE=marc.dubois@corp.example\n"
	    "TANDEM_MENTOR=lena.vogel@corp.example\n"
	    "TANDEM_PAIR=lena.vogel@corp.example/marc.dubois@corp.example\n"
	    "TANDEM_PROGRAM=reverse-2027\n"
	    "TANDEM_SESSION=4\n"
	    "TANDEM_START=2027-03-15T09:30:00Z\n");
	in = slurp("stdin");
	ASSERT_STR_EQ(in, EV.json);
	free(args);
	free(env);
	free(in);
	rm_dir();
}

TEST(the_environment_is_not_tandems_own)
{
	char	*env;

	setenv("TANDEM_SECRET_TEST", "leak", 1);
	run(hook("env > env\n"), 10000);
	env = slurp("env");
	ASSERT_TRUE(strstr(env, "TANDEM_SECRET_TEST") == NULL);
	ASSERT_CONTAINS(env, "PATH=/usr/local/bin:/usr/bin:/bin");
	free(env);
	rm_dir();
}

TEST(a_failing_hook_reports_its_status_and_output)
{
	run(hook("echo to stdout\necho to stderr >&2\nexit 3\n"), 10000);
	ASSERT_EQ(got.spawned, 1);
	ASSERT_EQ(got.exit_status, 3);
	ASSERT_EQ(got.timed_out, 0);
	ASSERT_STR_EQ(got.output, "to stdout\nto stderr\n");
	rm_dir();
}

/* Is pid running?  A zombie waiting for init to reap it is not. */
static int
alive(int pid)
{
	char	path[64], stat[512], *p;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");		/* /proc files have no size to read by */
	if (f == NULL)
		return 0;
	p = fgets(stat, sizeof(stat), f);
	fclose(f);
	if (p == NULL || (p = strrchr(stat, ')')) == NULL)
		return 0;
	return p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * SIGKILL is delivered at once but a process is torn down when the kernel
 * gets to it: its pipe may close a moment before it stops being runnable.
 * Wait for that, bounded (5 s); a survivor fails the test.
 */
static int
gone_soon(int pid)
{
	struct timespec	ts = { 0, 5 * 1000 * 1000 };
	int		i;

	for (i = 0; i < 1000 && alive(pid); i++)
		nanosleep(&ts, NULL);
	return !alive(pid);
}

TEST(a_hook_past_its_timeout_is_killed_with_its_children)
{
	char	*pid;

	/* The hook leaves a grandchild that would hold the pipe open. */
	run(hook("sleep 300 &\necho $! > child\nwait\n"), 300);
	ASSERT_EQ(got.timed_out, 1);
	ASSERT_EQ(got.term_signal, SIGKILL);
	pid = slurp("child");
	ASSERT_TRUE(alive(getpid()));		/* the check itself works */
	ASSERT_TRUE(gone_soon(atoi(pid)));
	free(pid);
	rm_dir();
}

TEST(a_hook_that_cannot_start_says_why)
{
	snprintf(dir, sizeof(dir), "/tmp");
	run("/nonexistent/hook", 1000);
	ASSERT_EQ(got.spawned, 0);
	ASSERT_EQ(got.error, UV_ENOENT);
}

TT_MAIN(
	CASE(the_hook_gets_the_event_as_argument_environment_and_json_on_stdin),
	CASE(the_environment_is_not_tandems_own),
	CASE(a_failing_hook_reports_its_status_and_output),
	CASE(a_hook_past_its_timeout_is_killed_with_its_children),
	CASE(a_hook_that_cannot_start_says_why)
)
