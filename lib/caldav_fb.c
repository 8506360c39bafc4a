/*
 * caldav_fb: free/busy from a CalDAV server, and the probe that chooses how
 * (see caldav_fb.h).  A probe or a read is a job that sends one request at
 * a time; every move goes through set_state().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tandem-int.h"
#include "caldav_fb.h"
#include "dav_xml.h"
#include "freebusy.h"
#include "http.h"

#define XML_CT	"application/xml; charset=utf-8"
#define ICS_CT	"text/calendar; charset=utf-8"



enum fstate {
	F_WELLKNOWN,	/* PROPFIND /.well-known/caldav: the principal */
	F_PRINCIPAL,	/* PROPFIND the [server] URL: the principal */
	F_BOXES,	/* PROPFIND the principal: outbox, address */
	F_POST,		/* the outbox's answer for the person */
	F_QUERY,	/* free-busy-query on collection `coll` */
	F_DONE
};

struct fjob {
	struct caldav_srv	*srv;
	struct http		*h;
	struct caldav_fb_ask	 ask;
	struct tandem_diag	*diag;
	struct busy_set		*out;		/* the answer */
	struct busy_set		 got;		/* answers so far */
	char			 why_outbox[256];	/* why the outbox did not do */
	char			 why[520];	/* why the read failed */
	enum fstate		 state;
	size_t			 coll;
	char			*principal;
	int			 rc;
	caldav_fb_done_fn	 cb;
	void			*ud;
};

static void	on_answer(struct http_request *, struct http_result *, void *);

/* The one place a job changes state. */
static void
set_state(struct fjob *f, enum fstate s)
{
	f->state = s;
}

const char *
caldav_fb_means_name(enum caldav_fb_means m)
{
	switch (m) {
	case CALDAV_FB_EVENTS:
		return "events";
	case CALDAV_FB_QUERY:
		return "free-busy-query";
	case CALDAV_FB_OUTBOX:
		return "outbox";
	default:
		return "not probed yet";
	}
}

/* scheme://host:port, never the userinfo: it is shown in tandemctl status. */
char *
caldav_fb_origin(const char *url)
{
	char		*plain = http_redact(url), *o = NULL;
	const char	*a = plain != NULL ? strstr(plain, "://") : NULL;

	if (a != NULL)
		o = util_strndup(plain, (size_t)(a + 3 - plain) +
		    strcspn(a + 3, "/?#"));
	free(plain);
	return o;
}

void
caldav_srv_clear(struct caldav_srv *srv)
{
	free(srv->origin);
	free(srv->outbox);
	free(srv->self);
	memset(srv, 0, sizeof(*srv));
}

static void
health(struct caldav_srv *srv, const struct http_result *res)
{
	srv->requests++;
	if (res->error == 0 && res->status >= 200 && res->status < 500) {
		srv->last_ok = (int64_t)time(NULL);
		return;
	}
	srv->failures++;
	srv->last_fail = (int64_t)time(NULL);
	snprintf(srv->last_error, sizeof(srv->last_error), "%.120s: %.120s", res->where,
	    res->message[0] != '\0' ? res->message : http_reason(res->status));
}

/* Discovery is over: the outbox, or the free-busy-query, saying why. */
static void
discovered(struct fjob *f, const char *fmt, ...) TANDEM_PRINTF(2, 3);

static void
discovered(struct fjob *f, const char *fmt, ...)
{
	va_list	ap;

	f->srv->discovered = 1;
	va_start(ap, fmt);
	vsnprintf(f->srv->fb_why, sizeof(f->srv->fb_why), fmt, ap);
	va_end(ap);
	set_state(f, f->srv->outbox != NULL ? F_POST : F_QUERY);
	f->coll = 0;
}

/* The URL the free-busy-query of collection k goes to. */
static const char *
query_url(const struct fjob *f, size_t k)
{
	return f->ask.dav->ncolls > 0 ? f->ask.dav->colls[k].url :
	    f->ask.dav->url;
}

static size_t
query_count(const struct fjob *f)
{
	return f->ask.dav->ncolls > 0 ? f->ask.dav->ncolls : 1;
}

static int
submit(struct fjob *f, const char *method, const char *url, const char *depth,
    const char *body, const char *type)
{
	struct http_request	r;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.url = url;
	r.server = f->ask.server;
	r.depth = depth;
	r.body = body;
	r.body_len = body != NULL ? strlen(body) : 0;
	r.content_type = type;
	r.keep_error_body = 1;
	r.cb = on_answer;
	r.ud = f;
	return http_submit(f->h, &r, f->diag);
}

static char *
time_text(int64_t t)
{
	char		buf[32];
	struct tm	tm;
	time_t		tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
	return util_strdup(buf);
}

static char *
query_body(const struct fjob *f)
{
	char	*a = time_text(f->ask.from), *b = time_text(f->ask.to), *s = NULL;

	if (a != NULL && b != NULL && asprintf(&s,
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<c:free-busy-query xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
	    "<c:time-range start=\"%s\" end=\"%s\"/></c:free-busy-query>",
	    a, b) < 0)
		s = NULL;
	free(a);
	free(b);
	return s;
}

static char *
post_body(const struct fjob *f)
{
	struct freebusy_query	 q;
	const char		*who[1];
	char			 uid[64], *text = NULL;

	snprintf(uid, sizeof(uid), "tandem-fb-%lld-%p", (long long)time(NULL),
	    (const void *)f);
	who[0] = f->ask.owner;
	memset(&q, 0, sizeof(q));
	q.uid = uid;
	q.dtstamp = (int64_t)time(NULL);
	q.from = f->ask.from;
	q.to = f->ask.to;
	q.organizer = f->srv->self;
	q.attendees = who;
	q.nattendees = 1;
	return freebusy_request(&q, &text) == 0 ? text : NULL;
}

static int
send_state(struct fjob *f)
{
	char	*url = NULL, *body = NULL;
	int	 rc;

	switch (f->state) {
	case F_WELLKNOWN:
		if (asprintf(&url, "%s/.well-known/caldav", f->srv->origin) < 0)
			return TANDEM_ENOMEM;
		rc = submit(f, "PROPFIND", url, "0", CALDAV_PROP_PRINCIPAL, XML_CT);
		break;
	case F_PRINCIPAL:
		rc = submit(f, "PROPFIND", f->ask.server->url, "0",
		    CALDAV_PROP_PRINCIPAL, XML_CT);
		break;
	case F_BOXES:
		rc = submit(f, "PROPFIND", f->principal, "0", CALDAV_PROP_BOXES,
		    XML_CT);
		break;
	case F_POST:
		body = post_body(f);
		rc = body == NULL ? TANDEM_ENOMEM :
		    submit(f, "POST", f->srv->outbox, NULL, body, ICS_CT);
		break;
	case F_QUERY:
		body = query_body(f);
		rc = body == NULL ? TANDEM_ENOMEM : submit(f, "REPORT",
		    query_url(f, f->coll), "1", body, XML_CT);
		break;
	default:
		TANDEM_REQUIRE(0);
		rc = TANDEM_EINVAL;
	}
	free(url);
	free(body);
	return rc;
}

static void
on_principal(struct fjob *f, const struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r = caldav_first_207(res, &ms);
	const char		*p = r != NULL ?
	    r->prop[DAV_P_CURRENT_USER_PRINCIPAL] : NULL;

	if (p != NULL) {
		f->principal = caldav_resolve(res->where, p);
		set_state(f, F_BOXES);
	} else if (f->state == F_WELLKNOWN && f->ask.server != NULL &&
	    f->ask.server->url != NULL)
		set_state(f, F_PRINCIPAL);
	else
		discovered(f, "no principal found for the account");
	if (p != NULL && f->principal == NULL) {
		f->rc = TANDEM_ENOMEM;
		set_state(f, F_DONE);
	}
	dav_multistatus_free(&ms);
}

static void
on_boxes(struct fjob *f, const struct http_result *res)
{
	struct dav_multistatus	 ms = { NULL, 0, NULL };
	struct dav_response	*r = caldav_first_207(res, &ms);
	const char		*box = r != NULL ? r->prop[DAV_P_SCHEDULE_OUTBOX_URL] :
	    NULL;
	size_t			 i;

	for (i = 0; r != NULL && i < r->naddresses && f->srv->self == NULL; i++)
		if (strncasecmp(r->addresses[i], "mailto:", 7) == 0)
			f->srv->self = util_strdup(r->addresses[i]);
	if (box != NULL && f->srv->self != NULL) {
		free(f->srv->outbox);
		f->srv->outbox = caldav_resolve(f->principal, box);
		discovered(f, "the account's schedule outbox");
	} else
		discovered(f, "%s", box == NULL ? "no schedule outbox" :
		    "no mailto: address for the account");
	dav_multistatus_free(&ms);
}

/* An answer came: tandem's own sessions are cut from it, and it is the read. */
static void
settle(struct fjob *f, enum caldav_fb_means m)
{
	int	rc;

	rc = freebusy_subtract(&f->got, f->ask.cut, f->ask.ncut);
	if (rc < 0) {
		f->rc = rc;
		set_state(f, F_DONE);
		return;
	}
	busy_set_free(f->out);
	*f->out = f->got;
	memset(&f->got, 0, sizeof(f->got));
	if (f->ask.used != NULL)
		*f->ask.used = m;
	set_state(f, F_DONE);
}

/*
 * An answer refused: an outbox that will not answer for this person (a
 * recipient-level 3.x, a 403) leaves the free-busy-query; otherwise the
 * read fails, saying why, and the person stays unreadable.
 */
static void
refuse(struct fjob *f, enum caldav_fb_means m, const char *fmt, ...)
    TANDEM_PRINTF(3, 4);

static void
refuse(struct fjob *f, enum caldav_fb_means m, const char *fmt, ...)
{
	char	why[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (m == CALDAV_FB_OUTBOX) {
		snprintf(f->why_outbox, sizeof(f->why_outbox), "%s", why);
		f->coll = 0;
		set_state(f, F_QUERY);
		return;
	}
	snprintf(f->why, sizeof(f->why), "%.250s%s%.250s", f->why_outbox,
	    f->why_outbox[0] != '\0' ? "; " : "", why);
	diag_add(f->diag, f->ask.owner, 0, "free/busy: %s", f->why);
	f->rc = TANDEM_EIO;
	set_state(f, F_DONE);
}

static void
on_post(struct fjob *f, const struct http_result *res)
{
	struct dav_sched_item	*v = NULL;
	size_t			 n = 0;
	char			 why[256];
	int			 rc;

	if (res->error != 0 || res->status != 200) {
		refuse(f, CALDAV_FB_OUTBOX, "outbox POST: %s", res->message[0] ?
		    res->message : http_reason(res->status));
		return;
	}
	rc = dav_parse_schedule_response(res->body, res->len, &v, &n, why,
	    sizeof(why));
	if (rc == 0)
		rc = freebusy_from_schedule(v, n, f->ask.owner, f->ask.from,
		    f->ask.to, &f->got, why, sizeof(why));
	dav_sched_items_free(v, n);
	if (rc < 0)
		refuse(f, CALDAV_FB_OUTBOX, "outbox: %s", why);
	else
		settle(f, CALDAV_FB_OUTBOX);
}

static void
on_query(struct fjob *f, const struct http_result *res)
{
	struct busy_set	 one = { NULL, 0, 0 };
	char		 why[256];
	int		 rc;

	if (res->error != 0 || res->status != 200) {
		refuse(f, CALDAV_FB_QUERY, "HTTP %d%s%s", res->status,
		    res->message[0] ? ": " : "", res->message);
		return;
	}
	rc = freebusy_from_report(res->body, res->len, res->content_type,
	    f->ask.from, f->ask.to, &one, why, sizeof(why));
	if (rc == 0)
		rc = util_grow((void **)&f->got.v, &f->got.cap, f->got.n + one.n,
		    sizeof(*one.v));
	if (rc == 0 && one.n > 0) {
		memcpy(f->got.v + f->got.n, one.v, one.n * sizeof(*one.v));
		f->got.n += one.n;
	}
	busy_set_free(&one);
	if (rc < 0)
		refuse(f, CALDAV_FB_QUERY, "%s", why);
	else if (++f->coll < query_count(f))
		return;		/* the next collection */
	else if (busy_merge(&f->got) < 0)
		refuse(f, CALDAV_FB_QUERY, "out of memory");
	else
		settle(f, CALDAV_FB_QUERY);
}

static void
fjob_end(struct fjob *f)
{
	caldav_fb_done_fn	cb = f->cb;
	void			*ud = f->ud;
	int			rc = f->rc;

	if (rc != 0 && f->ask.why != NULL)
		snprintf(f->ask.why, f->ask.why_size, "%s", f->why[0] != '\0' ?
		    f->why : tandem_strerror(rc));
	busy_set_free(&f->got);
	free(f->principal);
	free(f);
	cb(ud, rc);
}

static void
on_answer(struct http_request *req, struct http_result *res, void *ud)
{
	struct fjob	*f = ud;
	int		 rc;

	(void)req;
	health(f->srv, res);
	if (res->error == TANDEM_ECANCELED) {
		f->rc = res->error;
		set_state(f, F_DONE);
	} else
		switch (f->state) {
		case F_WELLKNOWN:
		case F_PRINCIPAL:
			on_principal(f, res);
			break;
		case F_BOXES:
			on_boxes(f, res);
			break;
		case F_POST:
			on_post(f, res);
			break;
		case F_QUERY:
			on_query(f, res);
			break;
		default:
			TANDEM_REQUIRE(0);
		}
	if (f->state != F_DONE) {
		rc = send_state(f);
		if (rc == 0)
			return;
		f->rc = rc;
	}
	fjob_end(f);
}

static int
start(struct fjob *f)
{
	int	rc = send_state(f);

	if (rc < 0) {
		busy_set_free(&f->got);
		free(f);
	}
	return rc;
}

int
caldav_fb_read(struct caldav_srv *srv, struct http *h,
    const struct caldav_fb_ask *ask, struct busy_set *out,
    struct tandem_diag *diag, caldav_fb_done_fn cb, void *ud)
{
	struct fjob	*f;

	if (tandem_fails_assert(srv != NULL && ask != NULL && ask->dav != NULL &&
	    ask->dav->url != NULL && out != NULL && cb != NULL &&
	    srv->origin != NULL))
		return TANDEM_EINVAL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return TANDEM_ENOMEM;
	f->srv = srv;
	f->h = h;
	f->ask = *ask;
	f->out = out;
	f->diag = diag;
	f->cb = cb;
	f->ud = ud;
	if (!srv->discovered)
		set_state(f, F_WELLKNOWN);
	else
		set_state(f, srv->outbox != NULL ? F_POST : F_QUERY);
	return start(f);
}
