/*
 * calendars_verdict: what a read of the calendars says, after every source
 * has answered.  Each calendar is read, stale (its last good copy stood in)
 * or failed, with the reason in the source's own words; people whose
 * calendars lead to one collection are nobody's; each person's busy time
 * says where it came from (explain); and one line tells a program manager
 * whose calendars could not be read.
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

/* Where e's busy time came from in this read, in words, for explain. */
void
calendars_source_text(struct cal *e)
{
	char	*buf = e->source, *where;
	size_t	 size = sizeof(e->source);

	if (e->fb_ok)
		snprintf(buf, size, "the server's free/busy (%s), because tandem "
		    "may not read the events (%.300s)",
		    caldav_fb_means_name(e->fb_means), e->dav.why);
	else if (!e->ok)
		snprintf(buf, size, "nothing: the calendar could not be read "
		    "(%.400s)", e->why);
	else if (e->stale)
		snprintf(buf, size, "the last good copy of the calendar (it could "
		    "not be read again: %.400s)", e->why);
	else {
		where = http_redact(e->dav.kind == CALDAV_DAV && e->dav.url != NULL ?
		    e->dav.url : e->url);
		snprintf(buf, size, "the events of %s%.300s%s",
		    e->dav.kind == CALDAV_DAV ? "the CalDAV calendar " :
		    e->is_feed ? "the feed " : "", where != NULL ? where : e->url,
		    e->damaged > 0 || e->series_cut > 0 ? " (damaged events skipped or "
		    "series cut short, the rest of them taken as busy: see the "
		    "warnings)" :
		    "");
		free(where);
	}
}

size_t
calendars_count(const struct tandem_calendars *c)
{
	return c != NULL ? c->n : 0;
}

const struct cal *
calendars_get(const struct tandem_calendars *c, size_t i)
{
	return c->v[i].needed ? &c->v[i] : NULL;
}

/*
 * Did e's read this time fail, and why: the source's own words.  A
 * CalDAV calendar or a feed that fails keeps its last good data (ok), but
 * the failure is still told: a plan made from old data is not sure.
 */
void
calendars_note_failure(struct cal *e)
{
	const char	*why = NULL;
	int		 err = 0;

	if (e->fb_ok) {
		err = 0;
	} else if (e->dav.kind == CALDAV_DAV || (e->is_feed &&
	    e->dav.error != 0 && e->dav.kind != CALDAV_FEED)) {
		err = e->dav.error;
		why = e->dav.why;
	} else if (e->is_feed) {
		err = e->feed.error;
		why = e->feed.why;
	}
	e->failed = !e->ok;
	e->stale = e->ok && err != 0 && err != TANDEM_ECANCELED;
	if ((!e->failed && !e->stale) || e->why[0] != '\0')
		return;
	snprintf(e->why, sizeof(e->why), "%s", why != NULL && why[0] != '\0' ?
	    why : err != 0 ? tandem_strerror(err) : "could not be read");
	if (err == TANDEM_EACCES && e->fb_why[0] != '\0')
		snprintf(e->why + strlen(e->why), sizeof(e->why) - strlen(e->why),
		    "; nor its server's free/busy: %s", e->fb_why);
}

/* Two people's CalDAV calendars that share a collection URL. */
static int
share_one(const struct cal *a, const struct cal *b)
{
	size_t	i, k;

	if (a->dav.kind != CALDAV_DAV || b->dav.kind != CALDAV_DAV ||
	    strcmp(a->owner, b->owner) == 0 || a->owner[0] == '\0' ||
	    b->owner[0] == '\0')
		return 0;
	for (i = 0; i < a->dav.ncolls; i++)
		for (k = 0; k < b->dav.ncolls; k++)
			if (strcmp(a->dav.colls[i].url, b->dav.colls[k].url) == 0)
				return 1;
	return 0;
}

/*
 * Several people whose calendar URLs lead to one collection: a server
 * that answers a service account's discovery with the account's own home
 * (and says nothing of owners) would make them all look alike, and free.
 * Whose the collection is cannot be told, so it is nobody's.
 */
int
calendars_shared_homes(struct tandem_calendars *c, struct tandem_diag *diag)
{
	struct cal	*a, *b;
	char		*ua, *ub;
	size_t		 i, k;
	int		 rc = 0;

	for (i = 0; i < c->n && rc == 0; i++) {
		a = &c->v[i];
		for (k = 0; a->needed && k < c->n; k++) {
			b = &c->v[k];
			if (k == i || !b->needed || !share_one(a, b))
				continue;
			a->ok = 0;
			a->failed = 1;
			ua = http_redact(a->url);
			ub = http_redact(b->url);
			snprintf(a->why, sizeof(a->why), "%.110s: leads to the same "
			    "calendar as the one of %.60s (%.110s); whose it is cannot "
			    "be told, so it is used for neither", ua != NULL ? ua :
			    "?", b->owner, ub != NULL ? ub : "?");
			free(ua);
			free(ub);
			rc = diag_add(diag, NULL, 0, "%s", a->why);
			break;
		}
	}
	return rc;
}

size_t
tandem_calendars_failed(const struct tandem_calendars *c)
{
	return c != NULL ? c->st.failed : 0;
}

/* Append to buf as snprintf would, never past its end. */
static void
add_text(char *buf, size_t size, size_t *len, const char *fmt, ...)
    TANDEM_PRINTF(4, 5);

static void
add_text(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list	ap;
	int	w;

	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (w > 0)
		*len = *len + (size_t)w >= size ? size - 1 : *len + (size_t)w;
}

/* "Name <email>: why" of each calendar that failed (or is stale). */
static void
add_whose(const struct tandem_calendars *c, int stale, char *buf, size_t size,
    size_t *len)
{
	const struct cal	*e;
	size_t			 i, n = 0;

	for (i = 0; i < c->n; i++) {
		e = &c->v[i];
		if (!e->needed || (stale ? !e->stale : !e->failed))
			continue;
		if (e->owner[0] == '\0')
			add_text(buf, size, len, "%sthe organizer's calendar: %s",
			    n++ ? "; " : "", e->why);
		else
			add_text(buf, size, len, "%s%s <%s>: %s", n++ ? "; " : "",
			    e->name, e->owner, e->why);
	}
}

/*
 * One line for a program manager: how many calendars could not be read,
 * and whose, each with the reason in the source's words; then those whose
 * last good copy stood in.
 */
int
tandem_calendars_summary(const struct tandem_calendars *c, char *buf,
    size_t size)
{
	size_t	len = 0;

	if (tandem_fails_assert(c != NULL && buf != NULL && size > 0))
		return TANDEM_EINVAL;
	buf[0] = '\0';
	if (c->st.failed > 0) {
		add_text(buf, size, &len, "%zu of %zu calendars could not be "
		    "read, so these people's sessions are unschedulable (tandem "
		    "never takes an unread calendar for free time): ",
		    c->st.failed, c->st.calendars);
		add_whose(c, 0, buf, size, &len);
	}
	if (c->st.stale > 0) {
		add_text(buf, size, &len, "%s%zu of %zu calendars could not be "
		    "read again, and their last good copy was used: ",
		    len > 0 ? "; " : "", c->st.stale, c->st.calendars);
		add_whose(c, 1, buf, size, &len);
	}
	return (int)c->st.failed;
}
