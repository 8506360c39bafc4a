/*
 * caldav_put: one session written into (or deleted from) the organizer's
 * CalDAV calendar; see caldav_put.h.  A job sends one request at a time and
 * moves on from each answer; every move goes through set_state().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tandem-int.h"
#include "caldav.h"
#include "caldav_put.h"
#include "calobj.h"
#include "freebusy.h"
#include "dav_xml.h"
#include "http.h"
#include "watch.h"

#define XML_CT		"application/xml; charset=utf-8"
#define ICS_CT		"text/calendar; charset=utf-8"



enum wstate {
	W_FIND,		/* calendar-query for the UID */
	W_PRINCIPAL,	/* a new object: whose calendar is it? */
	W_BOXES,	/* that principal's outbox and address */
	W_ASK,		/* free/busy of the attendees: who can it reach? */
	W_PUT,		/* the new object */
	W_CHECK,	/* GET the copy: who was reached? */
	W_MARK,		/* PUT the copy with SCHEDULE-AGENT=CLIENT marks */
	W_DELETE,	/* cancellation */
	W_DONE
};

struct wjob {
	struct caldav_put	 p;
	struct http		*h;
	enum wstate		 state;
	char			*href;		/* the object's URL */
	char			*etag;		/* of the copy, or NULL */
	char			*copy;		/* the copy's text, or NULL */
	char			*body;		/* what the next PUT sends */
	int			 retried;	/* a 412 was met once */
	char			*principal, *outbox, *self;
	char			*predicted[2];	/* attendees it cannot reach */
	size_t			 npredicted;
	int			 rc;
	char			 msg[512];
};

static void	on_answer(struct http_request *, struct http_result *, void *);
static void	step(struct wjob *);

/* The one place a write changes state. */
static void
set_state(struct wjob *w, enum wstate s)
{
	w->state = s;
}

static void
finish(struct wjob *w, int rc, const char *fmt, ...) TANDEM_PRINTF(3, 4);

static void
finish(struct wjob *w, int rc, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	w->rc = rc;
	set_state(w, W_DONE);
}

static void
wjob_free(struct wjob *w)
{
	free(w->href);
	free(w->etag);
	free(w->copy);
	free(w->body);
	free(w->principal);
	free(w->outbox);
	free(w->self);
	while (w->npredicted > 0)
		free(w->predicted[--w->npredicted]);
	free(w);
}

/* The href of a new object: the collection plus the UID made safe. */
static char *
new_href(const char *calendar, const char *uid)
{
	char	*s, *p;

	if (asprintf(&s, "%s%s%s.ics", calendar, calendar[0] != '\0' &&
	    calendar[strlen(calendar) - 1] == '/' ? "" : "/", uid) < 0)
		return NULL;
	for (p = s + strlen(calendar) + 1; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-_@", *p) == NULL)
			*p = '_';
	return s;
}

static char *
find_body(const char *uid)
{
	char	*u, *s = NULL;

	u = dav_xml_escape(uid);
	if (u == NULL)
		return NULL;
	if (asprintf(&s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<c:calendar-query xmlns:d=\"DAV:\" "
	    "xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
	    "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
	    "<c:filter><c:comp-filter name=\"VCALENDAR\">"
	    "<c:comp-filter name=\"VEVENT\"><c:prop-filter name=\"UID\">"
	    "<c:text-match collation=\"i;octet\">%s</c:text-match>"
	    "</c:prop-filter></c:comp-filter></c:comp-filter></c:filter>"
	    "</c:calendar-query>", u) < 0)
		s = NULL;
	free(u);
	return s;
}

static int
wsend(struct wjob *w, const char *method, const char *url, const char *body,
    const char *type)
{
	struct http_request	r;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.url = url;
	r.server = w->p.server;
	r.body = body;
	r.body_len = body != NULL ? strlen(body) : 0;
	r.content_type = type;
	r.depth = strcmp(method, "REPORT") == 0 ? "1" : NULL;
	if (strcmp(method, "PUT") == 0 || strcmp(method, "DELETE") == 0) {
		r.if_match = w->etag;
		r.if_none_match = w->etag == NULL && strcmp(method, "PUT") == 0 &&
		    w->copy == NULL ? "*" : NULL;
	}
	r.keep_error_body = 1;
	r.cb = on_answer;
	r.ud = w;
	return http_submit(w->h, &r, NULL);
}

static int
replace(char **slot, char **v)
{
	free(*slot);
	*slot = *v;
	*v = NULL;
	return 0;
}

/* The tandem event of text (UID and SEQUENCE, attendees), or NULL. */
static const struct watch_event *
event_of(const char *text, const char *uid, struct watch_set *set)
{
	if (text == NULL || watch_scan(text, "", set) < 0)
		return NULL;
	return watch_find(set, uid);
}

/* Did the server deliver to a (SCHEDULE-STATUS 1.x or 2.x)? */
static int
reached(const struct watch_att *a)
{
	return a->status != NULL && (a->status[0] == '1' || a->status[0] == '2');
}

/*
 * The attendees of the copy tandem mails itself: those marked CLIENT, and
 * (unless only_marked) those the server did not reach; *unmarked counts
 * the second kind, who come first.
 */
static size_t
who_to_mail(const struct watch_event *ev, int only_marked, const char **who,
    size_t max, size_t *unmarked)
{
	size_t	i, n = 0;

	for (i = 0; !only_marked && ev != NULL && i < ev->natt && n < max; i++)
		if (!ev->att[i].client && !reached(&ev->att[i]))
			who[n++] = ev->att[i].email;
	if (unmarked != NULL)
		*unmarked = n;
	for (i = 0; ev != NULL && i < ev->natt && n < max; i++)
		if (ev->att[i].client)
			who[n++] = ev->att[i].email;
	return n;
}

/* The new object, from the message and the copy, with the known clients. */
static int
build(struct wjob *w)
{
	struct watch_set	 set = { NULL, 0, 0 };
	const struct watch_event *ev = event_of(w->p.ics, w->p.uid, &set);
	const char		*who[18];
	size_t			 n = 0, i;
	int			 rc;

	for (i = 0; w->p.all_client && ev != NULL && i < ev->natt && n < 16; i++)
		who[n++] = ev->att[i].email;
	for (i = 0; !w->p.all_client && i < w->p.nclient && n < 16; i++)
		who[n++] = w->p.client[i];
	for (i = 0; i < w->npredicted; i++)
		who[n++] = w->predicted[i];
	free(w->body);
	rc = calobj_make(w->p.ics, w->copy, who, n, &w->body);
	watch_set_free(&set);
	return rc;
}

static void
to_put(struct wjob *w)
{
	if (build(w) < 0)
		finish(w, TANDEM_EIO, "the invitation cannot be stored");
	else
		set_state(w, W_PUT);
}

/*
 * Before a new object is written: the calendar's principal, its outbox and
 * address, and a free/busy question for the attendees, which the server
 * answers per recipient.  One it cannot reach (3.7, say) is marked CLIENT
 * from the first PUT on, so that marking it later does not make the
 * server deliver a second time to the others.  Any failure on the way
 * just writes the object unmarked (the read-back still catches them).
 */
static void
on_discover(struct wjob *w, struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r = caldav_first_207(res, &ms);
	const char		*v;
	size_t			 i;

	if (w->state == W_PRINCIPAL &&
	    (v = r != NULL ? r->prop[DAV_P_CURRENT_USER_PRINCIPAL] : NULL) != NULL) {
		w->principal = caldav_resolve(res->where, v);
		set_state(w, w->principal != NULL ? W_BOXES : W_PUT);
	} else if (w->state == W_BOXES && r != NULL &&
	    r->prop[DAV_P_SCHEDULE_OUTBOX_URL] != NULL) {
		for (i = 0; i < r->naddresses && w->self == NULL; i++)
			if (strncasecmp(r->addresses[i], "mailto:", 7) == 0)
				w->self = util_strdup(r->addresses[i]);
		w->outbox = caldav_resolve(w->principal,
		    r->prop[DAV_P_SCHEDULE_OUTBOX_URL]);
		set_state(w, w->self != NULL && w->outbox != NULL ? W_ASK : W_PUT);
	} else
		set_state(w, W_PUT);
	dav_multistatus_free(&ms);
	if (w->state == W_PUT)
		to_put(w);
}

static void
on_ask(struct wjob *w, struct http_result *res)
{
	struct watch_set	 set = { NULL, 0, 0 };
	const struct watch_event *ev = event_of(w->p.ics, w->p.uid, &set);
	struct dav_sched_item	*v = NULL;
	size_t			 n = 0, i, k;
	char			 err[128];

	if (ev != NULL && res->error == 0 && res->status == 200 &&
	    dav_parse_schedule_response(res->body, res->len, &v, &n, err,
	    sizeof(err)) == 0)
		for (i = 0; i < ev->natt && w->npredicted < 2; i++)
			for (k = 0; k < n; k++)
				if (v[k].recipient != NULL && strcasecmp(
				    v[k].recipient + (strncasecmp(v[k].recipient,
				    "mailto:", 7) == 0 ? 7 : 0), ev->att[i].email)
				    == 0 && (v[k].request_status == NULL ||
				    v[k].request_status[0] != '2')) {
					w->predicted[w->npredicted] =
					    util_strdup(ev->att[i].email);
					if (w->predicted[w->npredicted] != NULL)
						w->npredicted++;
					break;
				}
	dav_sched_items_free(v, n);
	watch_set_free(&set);
	to_put(w);
}

static char *
ask_body(struct wjob *w)
{
	struct watch_set	 set = { NULL, 0, 0 };
	const struct watch_event *ev = event_of(w->p.ics, w->p.uid, &set);
	struct freebusy_query	 q;
	const char		*who[16];
	char			 uid[300], *text = NULL;
	size_t			 i;

	memset(&q, 0, sizeof(q));
	for (i = 0; ev != NULL && i < ev->natt && i < 16; i++)
		who[i] = ev->att[i].email;
	snprintf(uid, sizeof(uid), "reach-%s", w->p.uid);
	q.uid = uid;
	q.dtstamp = (int64_t)time(NULL);
	q.from = q.dtstamp;
	q.to = q.dtstamp + 3600;
	q.organizer = w->self;
	q.attendees = who;
	q.nattendees = i;
	if (freebusy_request(&q, &text) < 0)
		text = NULL;
	watch_set_free(&set);
	return text;
}

/* The calendar-query's answer: the copy, if the server has one. */
static void
on_find(struct wjob *w, struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct watch_set	 set = { NULL, 0, 0 };
	const struct watch_event *ev = NULL;
	const char		*who[16];
	char			 err[256], *data;
	size_t			 i, n;
	int			 seq;

	if (res->error != 0 || res->status != 207) {
		finish(w, res->error != 0 ? res->error : TANDEM_EIO,
		    "looking for the UID: %s", res->message[0] != '\0' ?
		    res->message : "no 207 Multi-Status");
		return;
	}
	if (dav_parse_multistatus(res->body, res->len, &ms, err, sizeof(err)) < 0) {
		finish(w, TANDEM_EIO, "looking for the UID: %s", err);
		return;
	}
	TANDEM_FREE(w->copy);
	TANDEM_FREE(w->etag);
	for (i = 0; i < ms.n && w->copy == NULL; i++) {
		data = ms.v[i].prop[DAV_P_CALENDAR_DATA];
		if (data == NULL || watch_scan(data, "", &set) < 0 ||
		    watch_find(&set, w->p.uid) == NULL)
			continue;
		free(w->href);
		w->href = caldav_resolve(w->p.calendar, ms.v[i].href);
		replace(&w->copy, &ms.v[i].prop[DAV_P_CALENDAR_DATA]);
		replace(&w->etag, &ms.v[i].prop[DAV_P_GETETAG]);
	}
	dav_multistatus_free(&ms);
	if (w->href == NULL)
		w->href = new_href(w->p.calendar, w->p.uid);
	if (w->href == NULL) {
		finish(w, TANDEM_ENOMEM, "out of memory");
		goto out;
	}
	ev = watch_find(&set, w->p.uid);
	seq = ev != NULL ? ev->sequence : -1;
	if (w->p.cancel) {
		if (w->copy == NULL) {
			finish(w, 0, "not in the calendar: nothing to delete");
			goto out;
		}
		n = who_to_mail(ev, 1, who, 16, NULL);
		if (n > 0 && w->p.unreachable(w->p.ud, who, n) < 0) {
			finish(w, TANDEM_EIO, "could not queue the e-mails");
			goto out;
		}
		set_state(w, W_DELETE);
	} else if (seq > w->p.sequence)
		finish(w, 0, "the calendar holds SEQUENCE %d already", seq);
	else if (seq == w->p.sequence && w->retried == 0)
		set_state(w, W_CHECK);	/* written before: see who it reached */
	else if (w->copy == NULL && !w->p.all_client && w->retried == 0)
		set_state(w, W_PRINCIPAL);	/* who can the server reach? */
	else
		to_put(w);
out:
	watch_set_free(&set);
}

/* A 412: someone wrote in between.  Find the copy again, once. */
static void
conflict(struct wjob *w, const char *what)
{
	if (w->retried) {
		finish(w, TANDEM_EIO, "%s: 412 Precondition Failed twice", what);
		return;
	}
	w->retried = 1;
	set_state(w, W_FIND);
}

static int
ok_2xx(const struct http_result *res)
{
	return res->error == 0 && res->status >= 200 && res->status < 300 &&
	    res->status != 207;
}

static void
on_put(struct wjob *w, struct http_result *res, const char *what)
{
	if (ok_2xx(res)) {
		TANDEM_FREE(w->etag);
		/* After W_MARK, w->msg says what on_check found. */
		set_state(w, w->state == W_PUT ? W_CHECK : W_DONE);
	} else if (res->error == 0 && res->status == 412)
		conflict(w, what);
	else
		finish(w, res->error != 0 ? res->error : TANDEM_EIO, "%s: %s%s",
		    what, res->status == 207 ? "207 Multi-Status (a failure "
		    "inside) for " : "", res->message[0] != '\0' ? res->message :
		    http_reason(res->status));
}

/* The copy read back: mark the attendees the server did not reach. */
static void
on_check(struct wjob *w, struct http_result *res)
{
	struct watch_set	 set = { NULL, 0, 0 };
	const struct watch_event *ev;
	const char		*who[16];
	size_t			 n, unmarked;

	if (!ok_2xx(res) || res->body == NULL) {
		finish(w, res->error != 0 ? res->error : TANDEM_EIO,
		    "reading back: %s", res->message[0] != '\0' ? res->message :
		    http_reason(res->status));
		return;
	}
	ev = event_of(res->body, w->p.uid, &set);
	n = who_to_mail(ev, 0, who, 16, &unmarked);
	if (ev == NULL)
		finish(w, TANDEM_EIO, "reading back: not the event written");
	else if (n > 0 && w->p.unreachable(w->p.ud, who, n) < 0)
		finish(w, TANDEM_EIO, "could not queue the e-mails");
	else if (unmarked == 0)
		finish(w, 0, "stored; %zu attendee%s reached by the server, %zu "
		    "mailed by tandem", ev->natt - n, ev->natt - n == 1 ? "" : "s",
		    n);
	else {
		free(w->body);
		w->body = NULL;
		if (calobj_make(res->body, NULL, who, unmarked, &w->body) < 0)
			finish(w, TANDEM_EIO, "the copy cannot be marked");
		else {
			free(w->etag);
			w->etag = res->etag;
			res->etag = NULL;
			snprintf(w->msg, sizeof(w->msg), "stored; %zu attendee%s "
			    "not reached by the server, mailed by tandem", unmarked,
			    unmarked == 1 ? "" : "s");
			set_state(w, W_MARK);
		}
	}
	watch_set_free(&set);
}

static void
on_delete(struct wjob *w, struct http_result *res)
{
	if (ok_2xx(res) || (res->error == 0 && (res->status == 404 ||
	    res->status == 410)))
		finish(w, 0, "deleted; the server sends the CANCEL");
	else if (res->error == 0 && res->status == 412)
		conflict(w, "DELETE");
	else
		finish(w, res->error != 0 ? res->error : TANDEM_EIO, "DELETE: %s",
		    res->message[0] != '\0' ? res->message :
		    http_reason(res->status));
}

static void
on_answer(struct http_request *req, struct http_result *res, void *ud)
{
	struct wjob	*w = ud;

	(void)req;
	if (res->error == TANDEM_ECANCELED)
		finish(w, res->error, "cancelled");
	else
		switch (w->state) {
		case W_FIND:
			on_find(w, res);
			break;
		case W_PRINCIPAL:
		case W_BOXES:
			on_discover(w, res);
			break;
		case W_ASK:
			on_ask(w, res);
			break;
		case W_PUT:
			on_put(w, res, "PUT");
			break;
		case W_CHECK:
			on_check(w, res);
			break;
		case W_MARK:
			on_put(w, res, "PUT (marking attendees)");
			break;
		case W_DELETE:
			on_delete(w, res);
			break;
		default:
			TANDEM_REQUIRE(0);
		}
	step(w);
}

static int
wpropfind(struct wjob *w, const char *url, const char *body)
{
	struct http_request	r;

	memset(&r, 0, sizeof(r));
	r.method = "PROPFIND";
	r.url = url;
	r.server = w->p.server;
	r.depth = "0";
	r.body = body;
	r.body_len = strlen(body);
	r.content_type = XML_CT;
	r.keep_error_body = 1;
	r.cb = on_answer;
	r.ud = w;
	return http_submit(w->h, &r, NULL);
}

static int
send_state(struct wjob *w)
{
	char	*body;
	int	 rc;

	switch (w->state) {
	case W_FIND:
		body = find_body(w->p.uid);
		rc = body == NULL ? TANDEM_ENOMEM :
		    wsend(w, "REPORT", w->p.calendar, body, XML_CT);
		free(body);
		return rc;
	case W_PRINCIPAL:
		return wpropfind(w, w->p.calendar, CALDAV_PROP_PRINCIPAL);
	case W_BOXES:
		return wpropfind(w, w->principal, CALDAV_PROP_BOXES);
	case W_ASK:
		body = ask_body(w);
		rc = body == NULL ? TANDEM_ENOMEM :
		    wsend(w, "POST", w->outbox, body, ICS_CT);
		free(body);
		return rc;
	case W_PUT:
	case W_MARK:
		return wsend(w, "PUT", w->href, w->body, ICS_CT);
	case W_CHECK:
		return wsend(w, "GET", w->href, NULL, NULL);
	case W_DELETE:
		return wsend(w, "DELETE", w->href, NULL, NULL);
	default:
		TANDEM_REQUIRE(0);
	}
	return TANDEM_EINVAL;
}

/* Send the request of the state, or end the job. */
static void
step(struct wjob *w)
{
	int	rc;

	if (w->state != W_DONE) {
		rc = send_state(w);
		if (rc == 0)
			return;
		finish(w, rc, "%s", tandem_strerror(rc));
	}
	w->p.done(w->p.ud, w->rc, w->msg);
	wjob_free(w);
}

int
caldav_put_start(struct http *h, const struct caldav_put *p)
{
	struct wjob	*w;
	int		 rc;

	if (tandem_fails_assert(h != NULL && p != NULL && p->calendar != NULL &&
	    p->uid != NULL && p->done != NULL && p->unreachable != NULL &&
	    (p->cancel || p->ics != NULL)))
		return TANDEM_EINVAL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return TANDEM_ENOMEM;
	w->p = *p;
	w->h = h;
	set_state(w, W_FIND);
	rc = send_state(w);
	if (rc < 0)
		wjob_free(w);
	return rc;
}
