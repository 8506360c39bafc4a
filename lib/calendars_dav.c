/*
 * calendars_dav: the CalDAV side of a calendars read.  Each person's
 * calendar is read by caldav.c; the servers they are on are kept with
 * their health (tandemctl status); after the organizer's calendar its
 * schedule inbox is emptied of tandem's items; and a person whose events
 * the server refuses (403) is read by the server's free/busy instead
 * (caldav_fb.c), with tandem's own sessions cut out of the answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tandem-int.h"
#include "busy.h"
#include "calendars-int.h"
#include "calendars-read.h"
#include "plan-int.h"
#include "http.h"

static int	fb_start(struct tandem_calendars *c, struct cal *e);

/* Whether a CalDAV calendar has ever been read whole. */
int
calendars_dav_has_data(const struct caldav_cal *d)
{
	size_t	i;

	if (d->kind != CALDAV_DAV || d->ncolls == 0)
		return 0;
	for (i = 0; i < d->ncolls; i++)
		if (d->colls[i].to == 0)
			return 0;
	return 1;
}

/* The server of url (by origin), added the first time; NULL on ENOMEM. */
static struct caldav_srv *
srv_for(struct tandem_calendars *c, const char *url)
{
	struct caldav_srv	**grown, *s;
	char			 *o = caldav_fb_origin(url);
	size_t			  i;

	for (i = 0; o != NULL && i < c->nsrv; i++)
		if (strcmp(c->srv[i]->origin, o) == 0) {
			free(o);
			return c->srv[i];
		}
	s = o != NULL ? calloc(1, sizeof(*s)) : NULL;
	grown = s != NULL ? realloc(c->srv, (c->nsrv + 1) * sizeof(*grown)) : NULL;
	if (grown == NULL) {
		free(s);
		free(o);
		return NULL;
	}
	c->srv = grown;
	s->origin = o;
	/*
	 * A person's events are the truth wherever tandem may read them:
	 * servers answer free/busy wrongly for some people (floating and
	 * all-day events placed in UTC, declined events counted busy), and
	 * agreeing for one person proves nothing for the next.
	 */
	s->means = CALDAV_FB_EVENTS;
	snprintf(s->why, sizeof(s->why), "the events are read wherever tandem "
	    "may read them; a server's free/busy is not taken for them");
	grown[c->nsrv++] = s;
	return s;
}

/* tandem's sessions of e's owner in the plan: cut from free/busy answers. */
static int
cuts_for(struct tandem_calendars *c, struct cal *e)
{
	const struct tandem_plan *p = c->rd->plan;
	const struct plan_item	*it;
	size_t			 i;
	int			 rc;

	e->ncut = 0;
	for (i = 0; i < p->n; i++) {
		it = &p->it[i];
		if (!it->pinned || (strcmp(it->pr->mentor->email, e->owner) != 0 &&
		    strcmp(it->pr->mentee->email, e->owner) != 0))
			continue;
		rc = util_grow((void **)&e->cut, &e->cutcap, e->ncut,
		    sizeof(*e->cut));
		if (rc < 0)
			return rc;
		e->cut[e->ncut].start = it->pin_start;
		e->cut[e->ncut].end = it->pin_end;
		e->cut[e->ncut++].kind = BUSY_BUSY;
	}
	return 0;
}

static void
ask_for(struct tandem_calendars *c, struct cal *e, struct caldav_fb_ask *a)
{
	memset(a, 0, sizeof(*a));
	a->server = e->dav.server;
	a->dav = &e->dav;
	a->owner = e->owner;
	a->from = c->rd->from;
	a->to = c->rd->to;
	a->cut = e->cut;
	a->ncut = e->ncut;
	a->used = &e->fb_means;
	a->why = e->fb_why;
	a->why_size = sizeof(e->fb_why);
}

static int
forced_events(const struct cal *e)
{
	return e->dav.server != NULL && e->dav.server->freebusy != NULL &&
	    strcmp(e->dav.server->freebusy, "events") == 0;
}

/* What a read of d tells of its server's health. */
static int
dav_health(struct tandem_calendars *c, const struct caldav_cal *d)
{
	struct caldav_srv	*s = srv_for(c, d->url);
	char			*safe;

	if (s == NULL)
		return TANDEM_ENOMEM;
	s->requests += d->st.requests;
	if (d->error == 0 || d->error == TANDEM_ECANCELED) {
		s->last_ok = d->error == 0 ? (int64_t)time(NULL) : s->last_ok;
		return 0;
	}
	s->failures++;
	s->last_fail = (int64_t)time(NULL);
	safe = http_redact(d->url);
	snprintf(s->last_error, sizeof(s->last_error), "%.160s: %s",
	    safe != NULL ? safe : "?", tandem_strerror(d->error));
	free(safe);
	return 0;
}

size_t
calendars_nservers(const struct tandem_calendars *c)
{
	return c != NULL ? c->nsrv : 0;
}

const struct caldav_srv *
calendars_server(const struct tandem_calendars *c, size_t i)
{
	return c->srv[i];
}

static void
inbox_done(void *ud)
{
	calendars_one_done(ud);
}

/* After the organizer's calendar: its inbox's tandem items removed. */
static int
inbox_start(struct tandem_calendars *c, struct cal *e)
{
	int	rc;

	rc = caldav_inbox_run(&e->inbox, c->rd->h, e->dav.server, e->dav.url,
	    inbox_done, c);
	if (rc == 0)
		c->rd->left++;
	return rc == TANDEM_ENOMEM ? rc : 0;
}

static void
dav_done(void *ud, struct caldav_cal *d)
{
	struct cal		*e = (struct cal *)(void *)((char *)d -
	    offsetof(struct cal, dav));
	struct tandem_calendars	*c = ud;
	int			 rc = 0;

	e->fresh = d->changed;
	if (e->first) {
		e->first = 0;
		calendars_first_progress(c, d->error);
	}
	if (d->error == TANDEM_ENOMEM)
		c->rd->rc = TANDEM_ENOMEM;
	c->st.unchanged += d->kind == CALDAV_DAV && d->error == 0 && !d->changed;
	if (d->kind == CALDAV_FEED)
		rc = calendars_feed_start(c, e);
	else if (d->kind == CALDAV_DAV && d->error == 0 && e->owner[0] == '\0')
		rc = inbox_start(c, e);
	else if (d->error == TANDEM_EACCES && e->owner[0] != '\0' &&
	    !forced_events(e))
		rc = fb_start(c, e);
	if (rc == 0)
		rc = dav_health(c, d);
	if (rc == TANDEM_ENOMEM)
		c->rd->rc = rc;
	calendars_one_done(c);
}

int
calendars_events_start(struct tandem_calendars *c, struct cal *e)
{
	int	rc;

	e->first = !calendars_dav_has_data(&e->dav);
	rc = caldav_read(&e->dav, c->rd->h, c->rd->from, c->rd->to, c->rd->diag,
	    dav_done, c);
	if (rc == 0)
		c->rd->left++;
	if (rc == 0 && e->first)
		c->rd->first_total++;
	else
		e->first = 0;
	return rc == TANDEM_ENOMEM ? rc : 0;
}

struct fb_ctx {
	struct tandem_calendars	*c;
	struct cal		*e;
};

/* The server's free/busy for a person whose events may not be read. */
static void
fb_done(void *ud, int rc)
{
	struct fb_ctx		*f = ud;
	struct tandem_calendars	*c = f->c;
	struct cal		*e = f->e;

	free(f);
	e->fb_ok = rc == 0;
	e->fresh = rc == 0;
	if (rc == TANDEM_ENOMEM)
		c->rd->rc = rc;
	calendars_one_done(c);
}


/*
 * e's events may not be read (403): ask its server's free/busy instead.
 * 0 when a callback will come or nothing could be asked (e stays
 * unreadable, e->fb_why says why), or TANDEM_ENOMEM.
 */
static int
fb_start(struct tandem_calendars *c, struct cal *e)
{
	struct caldav_srv	*s = srv_for(c, e->dav.url);
	struct caldav_fb_ask	 a;
	struct fb_ctx		*f;
	int			 rc;

	e->fb_why[0] = '\0';
	if (s == NULL)
		return TANDEM_ENOMEM;
	f = calloc(1, sizeof(*f));
	rc = f == NULL ? TANDEM_ENOMEM : cuts_for(c, e);
	ask_for(c, e, &a);
	if (rc == 0) {
		f->c = c;
		f->e = e;
		rc = caldav_fb_read(s, c->rd->h, &a, &e->fb, c->rd->diag,
		    fb_done, f);
	}
	if (rc < 0) {
		free(f);
		if (rc != TANDEM_ENOMEM)
			snprintf(e->fb_why, sizeof(e->fb_why), "%s",
			    tandem_strerror(rc));
		return rc == TANDEM_ENOMEM ? rc : 0;
	}
	c->rd->left++;
	return 0;
}

