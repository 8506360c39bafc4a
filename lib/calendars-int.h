/*
 * What negotiate.c reads of a calendars handle: one person's busy time.
 */
#ifndef TANDEM_CALENDARS_INT_H
#define TANDEM_CALENDARS_INT_H

#include <stdint.h>

#include <libical/ical.h>

#include "tandem/tandem.h"
#include "busy.h"
#include "model.h"
#include "caldav.h"
#include "caldav_fb.h"
#include "caldav_inbox.h"
#include "source_http.h"
#include "watch.h"

/* One person's calendar: an (owner, URL) pair. */
struct cal {
	char			*url;
	char			*owner;		/* e-mail, lower-case */
	char			*name;		/* the owner's, for messages */
	char			*feed_url;	/* feeds: the URL fetched */
	icaltimezone		*tz;		/* owner's zone: floating times */
	int			 is_feed;	/* http(s): CalDAV or a feed */
	int			 needed;	/* by the plan of the last read */
	int			 fresh;		/* the feed's body changed */
	int			 ok;		/* busy holds data */
	int			 failed;	/* no usable data: the last read
						   failed and none was kept */
	int			 stale;		/* the last read failed; busy is
						   the last good data */
	char			 why[400];	/* why, when failed */
	char			 source[600];	/* where busy came from, in words */
	struct busy_set		 busy;		/* merged, for [from, to) */
	struct watch_set	 watch;		/* tandem's events in it */
	int64_t			 longest;	/* longest interval of busy */
	size_t			 damaged;	/* events in it reported, skipped */
	size_t			 series_cut;	/* series cut short: rest busy */
	int64_t			 from, to;
	struct source_http_feed	 feed;
	struct caldav_cal	 dav;		/* what CalDAV said of url */
	struct busy_set		 fb;		/* this read's free/busy answer */
	int			 fb_ok;		/* busy comes from fb */
	enum caldav_fb_means	 fb_means;	/* and how it was answered */
	char			 fb_why[400];	/* why fb could not be had */
	struct busy		*cut;		/* tandem's sessions of the owner */
	size_t			 ncut, cutcap;
	struct caldav_inbox	 inbox;		/* the organizer's (owner "") */
	int			 first;		/* read for the first time now */
};

/* p's calendar as the last read left it, or NULL (no calendar URL, not read). */
const struct cal *calendars_find(const struct tandem_calendars *c,
    const struct person *p);

/*
 * The organizer's calendar of pg as the last read left it (invite = caldav
 * or both), or NULL.  Its watch set holds tandem's events with every
 * attendee's PARTSTAT as the server wrote it.
 */
const struct cal *calendars_organizer(const struct tandem_calendars *c,
    const struct program *pg);

/* The calendars the last read needed: calendars_get() is NULL for others. */
size_t calendars_count(const struct tandem_calendars *c);
const struct cal *calendars_get(const struct tandem_calendars *c, size_t i);

/* The CalDAV servers seen so far, with their health and means: the count,
 * and server i (below the count). */
size_t calendars_nservers(const struct tandem_calendars *c);
const struct caldav_srv *calendars_server(const struct tandem_calendars *c,
    size_t i);

/* From how many first reads on progress is told (calendars_set_progress). */
#ifndef CALENDARS_PROGRESS_MIN
#define CALENDARS_PROGRESS_MIN	20
#endif

typedef void (*calendars_progress_fn)(void *ud, const char *message);

/* Tell fn how a first read of many CalDAV calendars goes (NULL: nobody). */
void calendars_set_progress(struct tandem_calendars *c,
    calendars_progress_fn fn, void *ud);

struct http;
typedef void (*calendars_done_fn)(void *ud, int rc);

/*
 * tandem_calendars_read() on the caller's loop, through h: CalDAV
 * calendars and feeds are fetched at once, files read when they all have
 * answered.  Returns 0 and calls cb(ud, rc) once from the loop; returns 1
 * when nothing needed the network (the read is complete, cb is not called);
 * or a negative error (cb is not called).
 */
int calendars_read_start(struct tandem_calendars *c, struct http *h,
    const struct tandem_plan *plan, struct tandem_diag *diag,
    calendars_done_fn cb, void *ud);

#endif
