/*
 * What the engine shares with the files that answer tandemctl's requests
 * (lib/ctl.c) and carry out its jobs (lib/jobs.c).
 */
#ifndef TANDEM_ENGINE_INT_H
#define TANDEM_ENGINE_INT_H

#include <stdint.h>

#include <uv.h>

#include "tandem/engine.h"
#include "tandem-int.h"
#include "model.h"
#include "store.h"
#include "attendance.h"
#include "itip.h"

struct tandem_engine {
	uv_loop_t			*loop;
	const struct tandem_config	*cfg;
	struct store			*store;
	struct tandem_calendars		*cals;		/* kept between passes */
	struct http			*http;		/* every request, on loop */
	const struct tandem_config	*pass_cfg;	/* the running pass's */
	struct tandem_diag		*diag;		/* the store's messages */
	tandem_log_fn			 log;
	void				*log_ud;
	uv_timer_t			 timer;		/* the one schedule timer */
	uv_timer_t			 work;		/* runs queued work from the loop */
	int				 open_handles;
	int				 wall;		/* started: the clock is time() */
	int				 closing;
	int				 busy;		/* a pass or its jobs run */
	int				 again;		/* a pass was asked for meanwhile */
	int				 hooks_running;
	void				*caldav_batch;	/* caldav jobs in flight */
	int64_t				 mail_down;	/* every e-mail waits till then */
	const char			*mail_down_why;	/* why: not reached, ... */
	int64_t				 mail_last_ok;	/* UTC, 0: none yet */
	int64_t				 mail_last_fail;
	char				 mail_last_error[300];
	int				 pass_rc;	/* the pass's result, for done */
	int64_t				 now;		/* the clock of the current pass */
	int64_t				 next_wake;	/* UTC, -1: none */
	int64_t				 next_due;	/* UTC of the next due moment */
	size_t				 unreadable;	/* calendars the last pass
							   could not read */
	tandem_engine_done_fn		 done;
	void				*done_ud;
	tandem_engine_closed_fn		 closed;
	void				*closed_ud;
};

/*
 * reconcile.c: one pass at now: plan, read the calendars on the loop, then
 * commit the decisions with the jobs they cause and set e->next_due.
 * Returns 0 and calls done(e, rc) once (from the loop, or before returning
 * when no calendar needed the network), or an error without calling it.
 */
typedef void (*reconcile_done_fn)(struct tandem_engine *e, int rc);
int reconcile_pass(struct tandem_engine *e, int64_t now, reconcile_done_fn done);

/*
 * jobs.c: carry out the jobs due at now (outbox files synchronously, hooks
 * on the loop), then call engine_pass_over(e, rc) from the loop.
 */
void jobs_run(struct tandem_engine *e, int64_t now, int rc);

/* A failed attempt of job j: retried later, or given up after the last. */
struct store_job;
void jobs_failed(struct tandem_engine *e, const struct store_job *j,
    const char *why);
/* The same with a limit of its own; the retry time, or 0 when given up. */
int64_t jobs_failed_max(struct tandem_engine *e, const struct store_job *j,
    const char *why, int max);

/*
 * jobs_caldav.c: carry out the due "caldav" jobs on the loop, then call
 * then(e) from the loop (or at once when there are none).
 */
typedef void (*jobs_then_fn)(struct tandem_engine *e);
void jobs_caldav(struct tandem_engine *e, jobs_then_fn then);

/*
 * jobs_mail.c: send the due "imip" jobs, one after the other on the loop,
 * then call then(e) from the loop (or at once when there are none).
 */
void jobs_mail(struct tandem_engine *e, jobs_then_fn then);

/* reconcile.c: what an attendee's PARTSTAT counts as. */
enum att_reply reply_of(enum itip_partstat p);

/* engine.c: the pass and its jobs are over; rc goes to the pass's caller. */
void engine_pass_over(struct tandem_engine *e, int rc);
void engine_finish_close(struct tandem_engine *e);

/* The stable UID of a session (itip_uid() with the organizer's domain). */
char *engine_uid(const struct program *pg, const char *mentor,
    const char *mentee, unsigned index);

/* Log through the host's function, printf style. */
void engine_log(const struct tandem_engine *e, int level, const char *subsys,
    const char *fmt, ...) TANDEM_PRINTF(4, 5);

#endif
