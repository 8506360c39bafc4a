/*
 * http(s) ICS feeds, fetched through http.c on the loop.  Each feed is one
 * conditional GET; the feed is touched only when its request ends, and only
 * a complete 2xx replaces what the feed remembers.  Error pages are not
 * stored (only their status is reported), and the body is capped after
 * decompression, so a hostile server cannot make us hold more than the cap.
 */
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "tandem-int.h"
#include "http.h"
#include "source_file.h"
#include "source_http.h"

struct batch {
	size_t			 left;
	int			 rc;
	struct tandem_diag	*diag;
	source_http_done_fn	 cb;
	void			*ud;
};

struct one {
	struct batch		*b;
	struct source_http_feed	*f;
};

static void
batch_end(struct batch *b)
{
	source_http_done_fn	 cb = b->cb;
	void			*ud = b->ud;
	int			 rc = b->rc;

	free(b);
	cb(ud, rc);
}

/* A feed's request ended: give the feed its outcome. */
static void
fetched(struct http_request *req, struct http_result *res, void *ud)
{
	struct one		*o = ud;
	struct source_http_feed	*f = o->f;
	struct batch		*b = o->b;

	(void)req;
	free(o);
	f->status = res->status;
	if (res->error == 0 && res->status == 304)
		goto out;
	if (res->error != 0 || res->status < 200 || res->status > 299)
		snprintf(f->why, sizeof(f->why), "%.150s: %.240s", res->where,
		    res->message);
	if (res->error == 0 && (res->status < 200 || res->status > 299)) {
		diag_add(b->diag, res->where, 0, "%s", res->message);
		f->error = res->status == 404 || res->status == 410 ?
		    TANDEM_ENOENT : TANDEM_EIO;
		goto out;
	}
	if (res->error != 0) {
		if (res->error != TANDEM_ENOMEM)
			diag_add(b->diag, res->where, 0, "%s", res->message);
		f->error = res->error == TANDEM_ECANCELED ? TANDEM_EIO : res->error;
		if (res->error == TANDEM_ENOMEM)
			b->rc = TANDEM_ENOMEM;
		goto out;
	}
	if (res->body == NULL) {
		res->body = strdup("");
		if (res->body == NULL) {
			f->error = b->rc = TANDEM_ENOMEM;
			goto out;
		}
	}
	source_http_feed_clear(f);
	f->body = res->body;
	f->len = res->len;
	f->etag = res->etag;
	f->last_modified = res->last_modified;
	res->body = res->etag = res->last_modified = NULL;
	f->changed = 1;
out:
	if (--b->left == 0)
		batch_end(b);
}

/* Validators only when there is a body to keep. */
static int
submit(struct http *h, struct batch *b, struct source_http_feed *f)
{
	struct http_request	 r;
	struct one		*o;
	size_t			 said;
	int			 rc;

	f->status = 0;
	f->changed = 0;
	f->why[0] = '\0';
	f->error = 0;
	if (f->url == NULL) {
		diag_add(b->diag, NULL, 0, "a feed without a URL");
		return f->error = TANDEM_EINVAL;
	}
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return f->error = TANDEM_ENOMEM;
	o->b = b;
	o->f = f;
	memset(&r, 0, sizeof(r));
	r.url = f->url;
	r.server = f->server;
	r.cap = f->cap != 0 ? f->cap : SOURCE_FILE_CAP;
	if (f->body != NULL) {
		r.if_none_match = f->etag;
		r.if_modified_since = f->last_modified;
	}
	r.cb = fetched;
	r.ud = o;
	said = tandem_diag_count(b->diag);
	rc = http_submit(h, &r, b->diag);
	if (rc < 0) {
		free(o);
		f->error = rc;
		/* Why, as http_submit() said it (a secret refused, say). */
		if (tandem_diag_count(b->diag) > said)
			snprintf(f->why, sizeof(f->why), "%s",
			    tandem_diag_get(b->diag, tandem_diag_count(b->diag) - 1));
	}
	return rc;
}

int
source_http_fetch_start(struct http *h, struct source_http_feed **feeds,
    size_t n, struct tandem_diag *diag, source_http_done_fn cb, void *ud)
{
	struct batch	*b;
	size_t		 i;
	int		 rc;

	if (tandem_fails_assert(h != NULL && (feeds != NULL || n == 0) &&
	    cb != NULL))
		return TANDEM_EINVAL;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return TANDEM_ENOMEM;
	b->diag = diag;
	b->cb = cb;
	b->ud = ud;
	b->left = 1;		/* held until every feed is submitted */
	for (i = 0; i < n; i++) {
		rc = submit(h, b, feeds[i]);
		if (rc == TANDEM_ENOMEM)
			b->rc = rc;
		if (rc == 0)
			b->left++;
	}
	if (--b->left == 0) {
		rc = b->rc;
		free(b);
		return rc < 0 ? rc : 1;		/* nothing in flight: no callback */
	}
	return 0;
}

struct sync {
	uv_loop_t	*loop;
	int		 rc;
};

/* curl may keep its idle connections watched: stop the loop ourselves. */
static void
sync_done(void *ud, int rc)
{
	struct sync	*s = ud;

	s->rc = rc;
	uv_stop(s->loop);
}

/* A private loop, run until the batch ends and http has closed. */
int
source_http_fetch_all(struct source_http_feed *feeds, size_t n, int parallel,
    struct tandem_diag *diag)
{
	struct source_http_feed	**v = NULL;
	struct http_opts	 o;
	struct http		*h = NULL;
	struct sync		 s = { NULL, 0 };
	uv_loop_t		 loop;
	size_t			 i;
	int			 rc;

	if (tandem_fails_assert((feeds != NULL || n == 0) && parallel > 0))
		return TANDEM_EINVAL;
	if (n == 0)
		return 0;
	v = calloc(n, sizeof(*v));
	if (v == NULL)
		return TANDEM_ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = &feeds[i];
	rc = uv_loop_init(&loop);
	if (rc < 0) {
		free(v);
		return TANDEM_EIO;
	}
	s.loop = &loop;
	memset(&o, 0, sizeof(o));
	o.connections = parallel;
	o.retries = -1;
	rc = http_new(&loop, &o, &h);
	if (rc == 0)
		rc = source_http_fetch_start(h, v, n, diag, sync_done, &s);
	if (rc == 0)
		uv_run(&loop, UV_RUN_DEFAULT);
	if (rc == 1)
		rc = 0;
	else if (rc == 0)
		rc = s.rc;
	http_close(h, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(v);
	return rc;
}

void
source_http_feed_clear(struct source_http_feed *f)
{
	if (f == NULL)
		return;
	TANDEM_FREE(f->etag);
	TANDEM_FREE(f->last_modified);
	TANDEM_FREE(f->body);
	f->len = 0;
}

