/*
 * What the files of one calendars read share (calendars.c, calendars_dav.c,
 * calendars_verdict.c), and nothing else includes.
 */
#ifndef TANDEM_CALENDARS_READ_H
#define TANDEM_CALENDARS_READ_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/calendars.h"
#include "busy.h"
#include "calendars-int.h"

/* A read in flight. */
struct reading {
	struct http		*h;
	struct tandem_diag	*diag;
	int64_t			 from, to;
	int64_t			 t0;
	const struct tandem_plan *plan;
	size_t			 left;
	size_t			 first_total;	/* calendars read for the first time */
	size_t			 first_done;
	size_t			 first_failed;
	size_t			 first_logged;	/* tenths logged */
	int			 rc;
	calendars_done_fn	 cb;
	void			*ud;
};

struct tandem_calendars {
	struct cal		*v;
	size_t			 n;
	size_t			 cap;
	struct tandem_calendars_stats st;
	struct busy_stats	 bs;
	struct reading		*rd;
	struct caldav_srv	**srv;		/* every server seen, by origin;
						   each its own allocation: a
						   probe in flight holds one */
	size_t			 nsrv;
	calendars_progress_fn	 progress;
	void			*progress_ud;
};

/* calendars.c */
void calendars_one_done(struct tandem_calendars *c);
int calendars_feed_start(struct tandem_calendars *c, struct cal *e);
void calendars_first_progress(struct tandem_calendars *c, int failed);

/* calendars_dav.c: read e's CalDAV calendar (0, or ENOMEM); has it ever
 * been read whole? */
int calendars_events_start(struct tandem_calendars *c, struct cal *e);
int calendars_dav_has_data(const struct caldav_cal *d);

/* calendars_verdict.c: after a read */
void calendars_note_failure(struct cal *e);
int calendars_shared_homes(struct tandem_calendars *c, struct tandem_diag *diag);
void calendars_source_text(struct cal *e);

#endif
