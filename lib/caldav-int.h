/*
 * What caldav.c and caldav_find.c share, and nothing else includes: one
 * read's job and its states, and the helpers with which both move it on.
 * caldav.c is the state machine (it sends every request and keeps the
 * collections in step); caldav_find.c handles the answers that find the
 * collections.
 */
#ifndef TANDEM_CALDAV_INT_H
#define TANDEM_CALDAV_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tandem-int.h"
#include "caldav.h"

struct http_request;
struct http_result;
struct dav_multistatus;

enum jstate {
	J_PROBE,	/* PROPFIND Depth 0 on the URL */
	J_LIST,		/* PROPFIND Depth 1 on the calendar home */
	J_NEXT,		/* choose the next collection's step */
	J_TOKEN,	/* PROPFIND Depth 0: ctag, sync-token, reports */
	J_QUERY,	/* calendar-query over the range */
	J_SYNC,		/* sync-collection with the stored token */
	J_CTAG,		/* PROPFIND Depth 0: has the ctag moved? */
	J_MULTIGET,	/* fetch changed objects */
	J_DONE
};

struct job {
	struct caldav_cal	*cal;
	struct http		*h;
	struct tandem_diag	*diag;
	enum jstate		 state;
	int64_t			 from, to;
	size_t			 coll;		/* the collection being read */
	char			*home;		/* J_LIST's URL */
	char			*principal;	/* whose home it should be, or NULL */
	char			**want;		/* hrefs to multiget */
	size_t			 nwant, wantcap, sent;
	caldav_done_fn		 cb;
	void			*ud;
};

/* The one place a read changes state. */
void caldav_job_set_state(struct job *j, enum jstate s);

/*
 * The read failed: err in cal->error, where and the message in cal->why
 * and (but for TANDEM_ENOMEM) in diag; the job goes to J_DONE.
 */
void caldav_fail(struct job *j, int err, const char *where, const char *fmt,
    ...) TANDEM_PRINTF(4, 5);

/* A 207 answer parsed into ms, or the job failed naming what and why. */
int caldav_take_207(struct job *j, struct http_result *res, const char *what,
    struct dav_multistatus *ms);

/* *slot becomes a copy of v (NULL for none): 0, or TANDEM_ENOMEM and kept. */
int caldav_replace(char **slot, const char *v);

/* Free cal's collections and their objects. */
void caldav_colls_clear(struct caldav_cal *cal);

/* caldav_find.c: the answers of J_PROBE and J_LIST. */
void caldav_find_probe(struct job *j, struct http_result *res);
void caldav_find_list(struct job *j, struct http_result *res);

/*
 * caldav_find.c: a permanent redirect of the URL req asked is used from
 * now on, and said; called on every answer, before its state's handler.
 */
void caldav_find_move(struct job *j, const struct http_request *req,
    const struct http_result *res);

#endif
