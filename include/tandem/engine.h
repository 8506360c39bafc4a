/*
 * The engine: tandem's reconcile loop on a host's libuv loop.  Each pass
 * plans, negotiates the sessions within the horizon (keeping every slot
 * already sent unless a decline, a new conflict or a request moves it),
 * queues invitations and hook runs in the store in the same transaction as
 * the decision that causes them, then carries the queued work out: an
 * outbox file, a hook.  Between passes one timer waits for the next due
 * moment (a session's end, a grace period, a retry, a horizon reaching a
 * session), capped at a few minutes so that a clock step cannot make it miss
 * one; an idle engine does not wake up more often.
 *
 * Glossary
 *   state     what the engine decided for a session, kept in the store:
 *             invited (a REQUEST for its slot and SEQUENCE is queued or
 *             sent), unschedulable, held, missed, skipped, cancelled
 *   job       a queued effect with an idempotency key: a message to send or
 *             a hook to run; see lib/store.h
 *   request   what tandemctl asks of a session or pair (check-in, skip,
 *             pause, resume, reschedule); it is recorded in the store and
 *             acted on by the next pass
 */
#ifndef TANDEM_ENGINE_H
#define TANDEM_ENGINE_H

#include <stdint.h>

#include <uv.h>

#include <tandem/tandem.h>
#include <tandem/config.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tandem_engine_state {
	TANDEM_ENGINE_NONE = 0,		/* nothing decided (no row) */
	TANDEM_ENGINE_INVITED,
	TANDEM_ENGINE_UNSCHEDULABLE,
	TANDEM_ENGINE_HELD,
	TANDEM_ENGINE_MISSED,
	TANDEM_ENGINE_SKIPPED,
	TANDEM_ENGINE_CANCELLED
};

/* "invited", "unschedulable", ...; "none" for 0, "?" for anything else. */
TANDEM_EXTERN const char *tandem_engine_state_name(int state);

enum tandem_log_level {
	TANDEM_LOG_ERR = 3,
	TANDEM_LOG_WARNING = 4,
	TANDEM_LOG_INFO = 6,
	TANDEM_LOG_DEBUG = 7
};

/* Where the engine's messages go; msg is borrowed for the call. */
typedef void (*tandem_log_fn)(void *ud, int level, const char *subsys,
    const char *msg);

struct tandem_engine;

/*
 * The host must ignore SIGPIPE (as libuv's own documentation asks): a hook
 * that exits without reading its standard input makes the engine's write
 * fail with EPIPE, which would otherwise kill the process.
 *
 * An engine for cfg on loop, with the store at the configuration's
 * [daemon] state path (created when missing).  cfg is borrowed and must
 * outlive the engine or be replaced with tandem_engine_set_config().
 * The engine holds the state for its whole life: one state, one writer.
 * Errors (the store cannot be opened, say) go to diag.  0, TANDEM_EBUSY
 * (another process holds the state; diag names it and the store was not
 * read), TANDEM_EIO or TANDEM_ENOMEM.
 */
TANDEM_EXTERN int tandem_engine_new(uv_loop_t *loop,
    const struct tandem_config *cfg, tandem_log_fn log, void *log_ud,
    struct tandem_engine **out, struct tandem_diag *diag);

/* Run on the wall clock: a pass now, then one at every due moment. */
TANDEM_EXTERN int tandem_engine_start(struct tandem_engine *e);

/*
 * One pass for the clock now, and the work it queues (and any earlier work
 * due by now).  done is called once, from the loop, when the pass and its
 * work are over: rc 0, or why the pass failed.  Work that failed waits in
 * the store for its retry time.  0, or TANDEM_EINVAL when a pass is already
 * running (done is then not called).
 */
typedef void (*tandem_engine_done_fn)(void *ud, int rc);
TANDEM_EXTERN int tandem_engine_pass(struct tandem_engine *e, int64_t now,
    tandem_engine_done_fn done, void *ud);

/* 1 when the engine or its running pass still uses cfg, else 0. */
TANDEM_EXTERN int tandem_engine_uses(const struct tandem_engine *e,
    const struct tandem_config *cfg);

/* Ask for a pass soon (after a request changed the store). */
TANDEM_EXTERN void tandem_engine_kick(struct tandem_engine *e);

/*
 * Use cfg from the next pass on.  A pass that is running (reading
 * calendars) goes on with the config it started with: free the previous
 * one only when tandem_engine_uses() says it is no longer used.
 */
TANDEM_EXTERN void tandem_engine_set_config(struct tandem_engine *e,
    const struct tandem_config *cfg);

/* When the timer will next fire (UTC seconds), or -1 when it is not armed. */
TANDEM_EXTERN int64_t tandem_engine_next_wake(const struct tandem_engine *e);

/*
 * How many calendars the last pass could not read (their owners' sessions
 * were left unschedulable; the pass logged whose and why).
 */
TANDEM_EXTERN size_t tandem_engine_unreadable(const struct tandem_engine *e);

/*
 * Stop: no new pass; work in flight (a running hook) is finished, then
 * done(ud) is called from the loop and the engine's memory is released.
 */
typedef void (*tandem_engine_closed_fn)(void *ud);
TANDEM_EXTERN void tandem_engine_close(struct tandem_engine *e,
    tandem_engine_closed_fn done, void *ud);

#ifdef __cplusplus
}
#endif

#endif
