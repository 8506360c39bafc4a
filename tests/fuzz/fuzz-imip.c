/*
 * fuzz-imip: an e-mail as the MTA pipes it to tandemctl ingest-mail, down
 * the whole reply path: MIME (lib/imip_in.c imip_read(), GMime), what the
 * Authentication-Results say of the sender (imip_authenticated()), the
 * iTIP object
 * (lib/itip.c itip_parse_reply()), the request tandemctl makes of it
 * (tandem_ctl_ingest_request_sender()), and what the engine does with it
 * (lib/ctl_ingest.c), on fuzz-engine.c's engine whose rows carry the UIDs
 * the seeds name.  The envelope sender the MTA would hand over is taken
 * from the message's Return-Path header when it has one (so that inputs
 * can make it differ from From), else it is the From address.
 *
 * Promises checked besides the sanitizers:
 *   - the engine answers the request with a reply;
 *   - a reply counts only when its sender is the attendee it speaks for
 *     (item 5): when the engine changed a session row or queued a message,
 *     the message's From address, and the envelope sender, are the
 *     ATTENDEE of its REPLY, COUNTER or REFRESH.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "tandem-int.h"
#include "imip_in.h"
#include "itip.h"
#include "store.h"
#include "tandem/ctl.h"

#define MSG_MAX		(256 * 1024)

/* What a request may change: every row, and the count of jobs. */
struct snapshot {
	struct store_session	r[8];
	size_t			n;
	struct store_job_count	jobs;
};

static void
snap(struct snapshot *s)
{
	const struct fuzz_row	*w = fuzz_engine_rows(&s->n);
	size_t			 i;

	memset(s->r, 0, sizeof(s->r));
	if (s->n > TANDEM_NELEM(s->r))
		abort();
	for (i = 0; i < s->n; i++) {
		s->r[i].program = w[i].program;
		s->r[i].mentor = w[i].mentor;
		s->r[i].mentee = w[i].mentee;
		s->r[i].index = w[i].index;
		if (store_session_get(fuzz_engine_store(), &s->r[i]) != 1)
			abort();
		TANDEM_FREE(s->r[i].uid);
	}
	if (store_jobs_count(fuzz_engine_store(), NULL, &s->jobs) != 0)
		abort();
}

/*
 * The Return-Path of the header block of msg, without its angle brackets
 * (caller frees), or NULL when it has none.
 */
static char *
return_path(const char *msg, size_t len)
{
	const char	*p = msg, *end = msg + len, *nl, *v;
	size_t		 n;

	while (p < end && *p != '\r' && *p != '\n') {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > 12 && strncasecmp(p, "Return-Path:", 12) == 0) {
			for (v = p + 12; v < nl && (*v == ' ' || *v == '\t'); v++)
				;
			n = (size_t)(nl - v);
			while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == ' '))
				n--;
			if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
				v++;
				n -= 2;
			}
			return fuzz_cstr((const uint8_t *)v, n);
		}
		p = nl + 1;
	}
	return NULL;
}

/* Which row, if any, differs between a and b; -1: none, and no new job. */
static int
changed(const struct snapshot *a, const struct snapshot *b)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		if (a->r[i].reply[0] != b->r[i].reply[0] ||
		    a->r[i].reply[1] != b->r[i].reply[1] ||
		    a->r[i].request != b->r[i].request ||
		    a->r[i].state != b->r[i].state ||
		    a->r[i].sequence != b->r[i].sequence ||
		    a->r[i].start != b->r[i].start)
			return (int)i;
	if (a->jobs.queued != b->jobs.queued ||
	    a->jobs.retrying != b->jobs.retrying || a->jobs.done != b->jobs.done)
		return (int)a->n;
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tandem_diag	*diag = tandem_diag_new();
	struct imip_mail	 mail;
	struct itip_reply	 m;
	struct snapshot		 before, after;
	char			*req = NULL, *reply = NULL, *sender = NULL;
	char			 how[256];
	int			 rc, k;

	if (diag == NULL)
		abort();
	memset(&mail, 0, sizeof(mail));
	if (size > MSG_MAX)
		goto out;
	/* The buffer as it is, with no NUL after it: imip_read takes len. */
	rc = imip_read("fuzz.eml", (const char *)data, size, &mail, diag);
	FUZZ_CHECK(rc == 0 || rc == TANDEM_EPARSE || rc == TANDEM_ENOMEM,
	    "imip_read: %d", rc);
	FUZZ_CHECK(rc == 0 ? mail.ics != NULL : mail.ics == NULL &&
	    mail.from == NULL && mail.nauth == 0, "%d and %s iCalendar text", rc,
	    mail.ics != NULL ? "an" : "no");
	if (rc != 0)
		goto out;
	FUZZ_CHECK(mail.nauth <= IMIP_AUTH_MAX, "%zu results", mail.nauth);
	if (mail.from != NULL)
		(void)imip_authenticated((const char *const *)mail.auth, mail.nauth,
		    "mx.corp.example", mail.from, how, sizeof(how));
	memset(&m, 0, sizeof(m));
	rc = itip_parse_reply("fuzz.eml", mail.ics, &m, diag);
	if (rc != 0)
		goto out;
	itip_reply_clear(&m);

	sender = return_path((const char *)data, size);
	if (sender == NULL && mail.from != NULL)
		sender = fuzz_cstr((const uint8_t *)mail.from, strlen(mail.from));
	rc = tandem_ctl_ingest_request_sender((const char *)data, size, sender,
	    &req, diag);
	FUZZ_CHECK(rc == 0 || rc == TANDEM_EPARSE || rc == TANDEM_ENOMEM,
	    "tandem_ctl_ingest_request_sender: %d", rc);
	if (rc != 0)
		goto out;
	fuzz_engine_reset();
	snap(&before);
	rc = tandem_engine_request(fuzz_engine(), req, fuzz_engine_now(), &reply);
	FUZZ_CHECK(rc == 0 || rc == TANDEM_ENOMEM, "tandem_engine_request: %d", rc);
	FUZZ_CHECK(rc != 0 || reply != NULL, "0 and no reply");
	snap(&after);
	k = changed(&before, &after);
	if (k >= 0) {
		/* The engine read the same text: the attendee it acted for. */
		memset(&m, 0, sizeof(m));
		FUZZ_CHECK(itip_parse_reply("fuzz.eml", mail.ics, &m, diag) == 0,
		    "the engine acted on what itip_parse_reply() refuses");
		FUZZ_CHECK(mail.from != NULL && m.attendee != NULL &&
		    strcasecmp(mail.from, m.attendee) == 0, "a message from %s "
		    "changed %s for the attendee %s (reply: %.300s)",
		    mail.from != NULL ? mail.from : "(no From)", (size_t)k < before.n ?
		    "a session row" : "the queue of messages",
		    m.attendee != NULL ? m.attendee : "(none)",
		    reply != NULL ? reply : "");
		FUZZ_CHECK(sender == NULL || strcasecmp(sender, m.attendee) == 0,
		    "a message with the envelope sender %s changed %s for the "
		    "attendee %s (reply: %.300s)", sender, (size_t)k < before.n ?
		    "a session row" : "the queue of messages", m.attendee,
		    reply != NULL ? reply : "");
		itip_reply_clear(&m);
	}
out:
	free(reply);
	free(req);
	free(sender);
	imip_mail_clear(&mail);
	tandem_diag_free(diag);
	fuzz_input_done();
	return 0;
}
