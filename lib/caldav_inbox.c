/*
 * caldav_inbox: the organizer's schedule inbox emptied of tandem's items.
 *
 * A scheduling server (RFC 6638) drops each attendee's REPLY into the
 * organizer's inbox after it has written the reply into the organizer's
 * copy, which is where tandem reads replies; DAViCal never removes those
 * items, so an inbox grows forever.  After each read of the organizer's
 * calendar, the items whose UID is tandem's are read, logged and
 * DELETEd; other items are left alone.  The inbox is found through the
 * calendar's principal (schedule-inbox-URL) once; a server without one is
 * not asked again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-int.h"
#include "caldav.h"
#include "caldav_inbox.h"
#include "dav_xml.h"
#include "http.h"
#include "watch.h"

#define XML_CT	"application/xml; charset=utf-8"

#define PROP_INBOX							\
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"			\
	"<d:propfind xmlns:d=\"DAV:\" "					\
	"xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop>"		\
	"<c:schedule-inbox-URL/></d:prop></d:propfind>"

#define LIST_BODY							\
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"			\
	"<c:calendar-query xmlns:d=\"DAV:\" "				\
	"xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"			\
	"<d:prop><d:getetag/><c:calendar-data/></d:prop>"		\
	"<c:filter><c:comp-filter name=\"VCALENDAR\"/></c:filter>"	\
	"</c:calendar-query>"

enum istate { I_PRINCIPAL, I_INBOX, I_LIST, I_DELETE, I_DONE };

struct ijob {
	struct caldav_inbox	*box;
	struct http		*h;
	const struct server	*server;
	const char		*calendar;
	enum istate		 state;
	char			*principal;
	char			**gone;		/* hrefs to delete */
	size_t			 ngone, next;
	caldav_inbox_done_fn	 cb;
	void			*ud;
};

static void	on_answer(struct http_request *, struct http_result *, void *);

/* The one place a job changes state. */
static void
set_state(struct ijob *j, enum istate s)
{
	j->state = s;
}

static int
submit(struct ijob *j, const char *method, const char *url, const char *depth,
    const char *body)
{
	struct http_request	r;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.url = url;
	r.server = j->server;
	r.depth = depth;
	r.body = body;
	r.body_len = body != NULL ? strlen(body) : 0;
	r.content_type = body != NULL ? XML_CT : NULL;
	r.keep_error_body = 1;
	r.cb = on_answer;
	r.ud = j;
	return http_submit(j->h, &r, NULL);
}

static int
send_state(struct ijob *j)
{
	switch (j->state) {
	case I_PRINCIPAL:
		return submit(j, "PROPFIND", j->calendar, "0",
		    CALDAV_PROP_PRINCIPAL);
	case I_INBOX:
		return submit(j, "PROPFIND", j->principal, "0", PROP_INBOX);
	case I_LIST:
		return submit(j, "REPORT", j->box->url, "1", LIST_BODY);
	case I_DELETE:
		return submit(j, "DELETE", j->gone[j->next], NULL, NULL);
	default:
		TANDEM_REQUIRE(0);
	}
	return TANDEM_EINVAL;
}

/* Principal, then inbox: the URL is kept; none means none for good. */
static void
on_discover(struct ijob *j, struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r = caldav_first_207(res, &ms);
	const char		*v = r == NULL ? NULL : r->prop[j->state ==
	    I_PRINCIPAL ? DAV_P_CURRENT_USER_PRINCIPAL : DAV_P_SCHEDULE_INBOX_URL];

	if (v == NULL) {
		j->box->none = res->error == 0;	/* a network failure: again */
		set_state(j, I_DONE);
	} else if (j->state == I_PRINCIPAL) {
		j->principal = caldav_resolve(res->where, v);
		set_state(j, j->principal != NULL ? I_INBOX : I_DONE);
	} else {
		j->box->url = caldav_resolve(j->principal, v);
		set_state(j, j->box->url != NULL ? I_LIST : I_DONE);
	}
	dav_multistatus_free(&ms);
}

/* Is data one of tandem's items?  Its UID says. */
static int
is_ours(const char *data, int *reply)
{
	struct watch_set	set = { NULL, 0, 0 };
	int			ours;

	ours = data != NULL && watch_scan(data, "", &set) == 0 && set.n > 0;
	*reply = ours && strstr(data, "METHOD:REPLY") != NULL;
	watch_set_free(&set);
	return ours;
}

static void
on_list(struct ijob *j, struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	char			 err[128];
	size_t			 i;
	int			 reply;

	set_state(j, I_DONE);
	if (res->error != 0 || res->status != 207 ||
	    dav_parse_multistatus(res->body, res->len, &ms, err, sizeof(err)) < 0)
		return;
	j->gone = ms.n > 0 ? calloc(ms.n, sizeof(*j->gone)) : NULL;
	for (i = 0; j->gone != NULL && i < ms.n; i++) {
		if (!is_ours(ms.v[i].prop[DAV_P_CALENDAR_DATA], &reply))
			continue;
		j->gone[j->ngone] = caldav_resolve(j->box->url, ms.v[i].href);
		if (j->gone[j->ngone] == NULL)
			continue;
		j->ngone++;
		j->box->replies += reply;
	}
	dav_multistatus_free(&ms);
	if (j->ngone > 0)
		set_state(j, I_DELETE);
}

static void
ijob_end(struct ijob *j)
{
	caldav_inbox_done_fn	cb = j->cb;
	void			*ud = j->ud;

	while (j->ngone > 0)
		free(j->gone[--j->ngone]);
	free(j->gone);
	free(j->principal);
	j->box->busy = 0;
	free(j);
	cb(ud);
}

static void
on_answer(struct http_request *req, struct http_result *res, void *ud)
{
	struct ijob	*j = ud;

	(void)req;
	if (res->error == TANDEM_ECANCELED)
		set_state(j, I_DONE);
	else if (j->state == I_PRINCIPAL || j->state == I_INBOX)
		on_discover(j, res);
	else if (j->state == I_LIST)
		on_list(j, res);
	else if (j->state == I_DELETE) {
		if (res->error == 0 && ((res->status >= 200 && res->status < 300) ||
		    res->status == 404))
			j->box->removed++;
		if (++j->next >= j->ngone)
			set_state(j, I_DONE);
	}
	if (j->state != I_DONE && send_state(j) == 0)
		return;
	ijob_end(j);
}

int
caldav_inbox_run(struct caldav_inbox *box, struct http *h,
    const struct server *server, const char *calendar,
    caldav_inbox_done_fn cb, void *ud)
{
	struct ijob	*j;
	int		 rc;

	if (box->none || box->busy)
		return 1;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return TANDEM_ENOMEM;
	j->box = box;
	j->h = h;
	j->server = server;
	j->calendar = calendar;
	j->cb = cb;
	j->ud = ud;
	set_state(j, box->url != NULL ? I_LIST : I_PRINCIPAL);
	rc = send_state(j);
	if (rc < 0) {
		free(j);
		return rc;
	}
	box->busy = 1;
	return 0;
}

void
caldav_inbox_clear(struct caldav_inbox *box)
{
	free(box->url);
	memset(box, 0, sizeof(*box));
}
