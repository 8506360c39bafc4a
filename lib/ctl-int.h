/*
 * What the files that answer tandemctl's requests share: lib/ctl.c (the
 * request, and the commands that change something), lib/ctl_show.c
 * (status, pairs, sessions), lib/ctl_report.c and lib/ctl_export.c.  A
 * command writes what the user reads to c->out and c->err and returns its
 * exit status.
 */
#ifndef TANDEM_CTL_INT_H
#define TANDEM_CTL_INT_H

#include <stdio.h>

#include <json-c/json.h>

#include "tandem/ctl.h"
#include "engine-int.h"

#define CTL_MAX_ARGS	4

/* Exit statuses of sysexits(3). */
#define CTL_EX_USAGE	64
#define CTL_EX_DATAERR	65
#define CTL_EX_SOFTWARE	70

struct ctl {
	struct tandem_engine		*e;
	const struct tandem_config	*cfg;
	int64_t				 now;
	const char			*cmd;
	const char			*args[CTL_MAX_ARGS];
	size_t				 nargs;
	const char			*program;	/* NULL: any */
	const char			*ics;		/* ingest: the iCalendar text */
	json_object			*req;		/* the request, borrowed: ingest
							   reads its own fields */
	int				 json;
	int				 csv;
	FILE				*out;
	FILE				*err;
	size_t				 diag_mark;	/* the store's messages before */
	int				 new_rows;	/* a session not invited yet
							   gets a row (skip) */
};

/* A pair of the configuration, with its program. */
struct ctl_pair {
	const struct program	*pg;
	const struct pair	*pr;
};

/* What the session rows of a pair add up to at c->now. */
struct ctl_sum {
	unsigned	 planned;	/* rows */
	unsigned	 held;
	unsigned	 missed;
	unsigned	 streak;	/* held in a row, back from the latest decided */
	int		 last_missed;	/* the latest decided session was missed */
	int		 unschedulable;	/* an upcoming session has no slot */
	int		 paused;
	unsigned	 next;		/* the next session's index, 0: none */
	int		 next_state;
	int64_t		 next_at;	/* its slot's start, or its nominal time */
	int		 next_slot;	/* next_at is a slot */
};

/* Say "cmd: message" on c->err; returns ex. */
int ctl_fail(struct ctl *c, int ex, const char *fmt, ...) TANDEM_PRINTF(3, 4);
/*
 * An internal error rc (a TANDEM_E* code): said, with the store's message
 * when it left one, and CTL_EX_SOFTWARE.
 */
int ctl_internal(struct ctl *c, int rc);

/*
 * Call fn for each pair of the configuration (of c->program when set), in
 * the order of the configuration; a non-zero return stops and is returned.
 */
typedef int (*ctl_pair_fn)(struct ctl *c, const struct ctl_pair *p, void *ud);
int ctl_pairs_each(struct ctl *c, ctl_pair_fn fn, void *ud);

/*
 * The pair MENTOR MENTEE of c->args, in c->program or in the only program
 * that has it: 0, or the exit status (said on c->err).
 */
int ctl_pair_find(struct ctl *c, struct ctl_pair *p);

/* Add up the session rows of p: 0 or a TANDEM_E* code. */
int ctl_sum(struct ctl *c, const struct ctl_pair *p, struct ctl_sum *s);

/* The widest program, mentor and mentee of the pairs c lists, at least min. */
void ctl_widths(struct ctl *c, int w[3], int min);

/* "2027-01-11T09:00:00Z" */
void ctl_utc(int64_t t, char *buf, size_t size);
/* "Mon 2027-01-11 10:00": t on the program's wall clock. */
void ctl_local(const struct program *pg, int64_t t, char *buf, size_t size);
/* A JSON string of the instant t, or JSON null for 0. */
json_object *ctl_json_time(int64_t t);
/* The program of cfg called name, or NULL. */
const struct program *ctl_program(const struct tandem_config *cfg,
    const char *name);

/* Print o (consumed) as JSON on c->out: the command's exit status. */
int ctl_print_json(struct ctl *c, json_object *o);

/* The read commands: ctl_show.c, ctl_report.c, ctl_export.c. */
int ctl_show_status(struct ctl *c);
int ctl_show_pairs(struct ctl *c);
int ctl_show_sessions(struct ctl *c);
int ctl_report(struct ctl *c);
int ctl_export(struct ctl *c);
/* ingest: an attendee's REPLY, COUNTER or REFRESH (ctl_ingest.c). */
int ctl_ingest(struct ctl *c);

#endif
