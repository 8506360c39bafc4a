/*
 * store: tandem's state in SQLite (WAL), so that a crash at any instant
 * neither loses nor repeats what matters.
 *
 * Glossary
 *   schema version  PRAGMA user_version; store_open() migrates an older file
 *                   forward, every step in one transaction, and refuses a
 *                   newer
 *   session row     what tandem decided for one session: its UID, SEQUENCE,
 *                   slot and state, keyed by (program, mentor, mentee, index)
 *   job             one effect to carry out: an outgoing message (kind
 *                   "send") or a hook run (kind "hook").  Its key is an
 *                   idempotency key: queuing the same key twice keeps one
 *                   job.  A job is queued in the same transaction as the
 *                   decision that causes it, carried out, then marked done;
 *                   after a crash, queued jobs are carried out again, so a
 *                   job's effect must itself be idempotent by key (an outbox
 *                   file named by the key, a hook ledger entry).
 *   source row      what is remembered of a calendar between passes
 *                   (ETag, Last-Modified, sync token)
 *   lock file       STATE.lock beside the store: locked by the one process
 *                   that has the store open, and holding its line
 *                   "PID MODE [SOCKET]" (MODE open, pass or serving)
 */
#ifndef TANDEM_STORE_H
#define TANDEM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/tandem.h"

#define STORE_SCHEMA	1	/* the version this code writes */

struct store;

/*
 * Open (creating) the store at path, for this process alone: an exclusive
 * lock on path.lock is taken first and held until store_close() (or until
 * the process ends, however it ends).  TANDEM_EBUSY when another process
 * holds it: diag names the path and that tandemd's pid, and the store has
 * not been read.  A missing store is built at path.new and renamed into
 * place, so an empty file at path is damage, not a creation cut short.
 * Other errors name the path: cannot open; not a tandem store (with what
 * to do: the file is left as it is); a schema newer than this tandem.
 * 0, TANDEM_EBUSY, TANDEM_EIO or TANDEM_ENOMEM.
 *
 * The lock is per process (fcntl): open a state once in a process.
 */
int store_open(const char *path, struct store **out, struct tandem_diag *diag);
void store_close(struct store *s);

/*
 * Say in the lock file what this process does, for the message a second
 * one gets: mode "pass" (one pass: tandemd --once) or "serving" with its
 * control socket.  Best effort: a failed write leaves the lock as it is.
 */
void store_holder(struct store *s, const char *mode, const char *socket);

/* One transaction (BEGIN IMMEDIATE ... COMMIT or ROLLBACK). */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

struct store_session {
	const char	*program;
	const char	*mentor;
	const char	*mentee;
	unsigned	 index;
	char		*uid;		/* owned when read */
	int		 sequence;
	int64_t		 start;		/* 0: no slot */
	int64_t		 end;
	int		 state;		/* the engine's code (engine.h) */
	int64_t		 nominal;	/* the cadence's time, UTC */
	int		 reply[2];	/* mentor's, mentee's: enum att_reply */
	int		 seen;		/* bit per person: their calendar has
					   shown the event (1 mentor, 2 mentee) */
	int		 why;		/* missed: enum att_why */
	int64_t		 checkin;	/* UTC of the first check-in, 0: none */
	int		 request;	/* from tandemctl, for the next pass:
					   STORE_REQ_* */
	int64_t		 avoid_start;	/* a slot declined: not offered again */
	int64_t		 avoid_end;
	int64_t		 decided;	/* UTC of the verdict, 0: none */
};

enum {
	STORE_REQ_NONE = 0,
	STORE_REQ_SKIP = 1,
	STORE_REQ_RESCHEDULE = 2
};

/* Insert or replace a session row. */
int store_session_put(struct store *s, const struct store_session *r);
/*
 * Read the row of (program, mentor, mentee, index) into r (those four set
 * by the caller): 1 found, 0 none, or TANDEM_EIO.  Free r->uid.
 */
int store_session_get(struct store *s, struct store_session *r);

/*
 * Call fn for each session row matching the filters (NULL: any), ordered by
 * program, mentor, mentee and index.  The row is borrowed for the call; a
 * non-zero return from fn stops and is returned.
 */
typedef int (*store_session_fn)(void *ud, const struct store_session *r);
int store_sessions_each(struct store *s, const char *program,
    const char *mentor, const char *mentee, store_session_fn fn, void *ud);

/* The same for the rows whose UID is uid (one, unless UIDs collide). */
int store_sessions_uid(struct store *s, const char *uid, store_session_fn fn,
    void *ud);

/*
 * Set the request of the row keyed by key's first four fields: 1 done, 0 no
 * such row, or TANDEM_EIO.
 */
int store_session_request(struct store *s, const struct store_session *key,
    int request);
/* Record a check-in at when unless one is recorded: 1 recorded, 0 not. */
int store_session_checkin(struct store *s, const struct store_session *key,
    int64_t when);

/* Is the pair paused?  1, 0, or TANDEM_EIO. */
int store_pair_paused(struct store *s, const char *program, const char *mentor,
    const char *mentee);
int store_pair_set_paused(struct store *s, const char *program,
    const char *mentor, const char *mentee, int paused);

struct store_job {
	int64_t	 id;
	char	*kind;
	char	*key;
	char	*payload;
	int	 attempts;
	int64_t	 not_before;	/* UTC: not to be tried before */
};

/*
 * Queue a job unless one with its key exists: 1 queued, 0 already known
 * (queued or done), or TANDEM_EIO.
 */
int store_job_add(struct store *s, const char *kind, const char *key,
    const char *payload, int64_t now);
/* Has a job with this key been done? 1, 0, or TANDEM_EIO. */
int store_job_done_p(struct store *s, const char *key);
/*
 * The queued jobs of kind due at now, oldest first, at most max: *n set,
 * *jobs allocated (free with store_jobs_free).
 */
int store_jobs_due(struct store *s, const char *kind, int64_t now, size_t max,
    struct store_job **jobs, size_t *n);
void store_jobs_free(struct store_job *jobs, size_t n);
int store_job_finish(struct store *s, int64_t id, int64_t now);
/* The last attempt failed: done, but marked failed (status shows it). */
int store_job_give_up(struct store *s, int64_t id, int64_t now);
/* The earliest retry time of a job not done: 1, 0 none. */
int store_jobs_next(struct store *s, int64_t *when);
/* A failed attempt: try again at not_before. */
int store_job_retry(struct store *s, int64_t id, int64_t not_before);

/*
 * For tandemctl status: counts[state] = the session rows in each engine
 * state below n (of program, NULL: all).  0 or TANDEM_EIO.
 */
int store_sessions_count(struct store *s, const char *program, size_t *counts,
    size_t n);

struct store_job_count {
	size_t	queued;		/* not done, never tried */
	size_t	retrying;	/* not done, failed at least once */
	size_t	done;		/* carried out */
	size_t	given_up;	/* failed every attempt */
};
/* The jobs of kind (NULL: every kind).  0 or TANDEM_EIO. */
int store_jobs_count(struct store *s, const char *kind,
    struct store_job_count *c);
/*
 * The jobs of kind due at now wait until until (not an attempt): *n of
 * them.  0 or TANDEM_EIO.
 */
int store_jobs_postpone(struct store *s, const char *kind, int64_t now,
    int64_t until, size_t *n);
/*
 * Is there a job of kind for a later message of session uid (a key
 * "<uid>.<N>..." with N > sequence), queued or done?  1, 0 or TANDEM_EIO.
 */
int store_jobs_newer(struct store *s, const char *kind, const char *uid,
    int sequence);
/* *n = the jobs of kind carried out at or after since.  0 or TANDEM_EIO. */
int store_jobs_done_since(struct store *s, const char *kind, int64_t since,
    size_t *n);

#endif
