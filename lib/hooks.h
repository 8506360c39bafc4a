/*
 * hooks: run a program's hook for one event on a libuv loop, the way
 * DESIGN.md promises: `HOOK EVENT`, no shell, the event in TANDEM_*
 * environment variables and as one JSON object on stdin, a timeout that
 * kills the hook's whole process group, and its output kept for the log.
 * Whether and when to run (the ledger, retries with backoff) is the
 * engine's, through the store's jobs.
 */
#ifndef TANDEM_HOOKS_H
#define TANDEM_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#define HOOK_OUTPUT_CAP	(64 * 1024)	/* of stdout and stderr, kept */
#define PROC_MAX_ARGS	16
#define PROC_MAX_ENV	10
#define PROC_PATH	"/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


struct hook_event {
	const char	*event;		/* missed, lapse, recovered, unschedulable */
	const char	*program;
	const char	*mentor;
	const char	*mentee;
	unsigned	 session;	/* index, 0 when none */
	int64_t		 start;		/* UTC, 0 when none */
	const char	*json;		/* the event as one JSON object */
	const char	*id;		/* TANDEM_EVENT_ID: the same on every
					   attempt, so a hook can tell a retry */
};

struct hook_result {
	int		 spawned;	/* 0: could not start (error says why) */
	int		 error;		/* negative errno from uv_spawn */
	int64_t		 exit_status;
	int		 term_signal;
	int		 timed_out;
	const char	*output;	/* stdout and stderr, capped, NUL-terminated */
	size_t		 output_len;
};

/* Called once; the result is borrowed for the call. */
typedef void (*hook_done_fn)(void *ud, const struct hook_result *r);

/*
 * Start path with ev on loop; done is called when the hook has exited and
 * its output is read (or at once, from the loop, when it could not be
 * started).  0, or TANDEM_ENOMEM.
 */
int hook_run(uv_loop_t *loop, const char *path, const struct hook_event *ev,
    uint64_t timeout_ms, hook_done_fn done, void *ud);

/*
 * The same for any program: argv[0] is the path (no PATH search, no shell),
 * env (NULL-terminated, at most PROC_MAX_ENV; NULL: empty) is all it gets,
 * input is written to its stdin, which is then closed.  hook_run() is this
 * with `PATH EVENT` and the TANDEM_* variables.  0, TANDEM_ENOMEM, or
 * TANDEM_EINVAL (too many arguments or variables).
 */
int proc_run(uv_loop_t *loop, const char *const *argv, const char *const *env,
    const char *input, size_t input_len, uint64_t timeout_ms,
    hook_done_fn done, void *ud);

#endif
