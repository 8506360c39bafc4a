/*
 * queue: the jobs a pass decides on, built and put in the store (inside the
 * pass's transaction): an invitation or cancellation as the message that
 * will be delivered, and a hook run with its event.
 *
 * Idempotency keys: "<UID>.<SEQUENCE>" for a message in the outbox folder
 * (every message of a session has a SEQUENCE of its own),
 * "caldav:<UID>.<SEQUENCE>" for its write into the organizer's calendar,
 * "<UID>.<SEQUENCE>.<attendee>" for its e-mail to one attendee (each
 * attendee's is a job of its own, as is that to an attendee a CalDAV server
 * does not reach), "refresh:..." and "declinecounter:..." for answers to an
 * attendee's e-mail, "<event>:<UID>" for a session's hook
 * ("unschedulable:<UID>.<SEQUENCE>", since a session can become
 * unschedulable again after a move), "lapse:<program>/<mentor>/<mentee>@<t>"
 * for a lapse by time.
 */
#ifndef TANDEM_QUEUE_H
#define TANDEM_QUEUE_H

#include <stdint.h>

#include "engine-int.h"
#include "itip.h"

/* One session as a message needs it. */
struct queue_session {
	const struct program	*pg;
	const struct pair	*pr;
	unsigned		 index;
	const char		*uid;
	int			 sequence;
	int64_t			 start;
	int64_t			 end;
};

/*
 * Queue the REQUEST or CANCEL of s, made at now, for the program's
 * transport: 1 queued, 0 already queued, or a negative error (reported).
 */
int queue_message(struct tandem_engine *e, const struct queue_session *s,
    enum itip_method m, int64_t now);

/*
 * An answer to one attendee (who: 0 mentor, 1 mentee) of s, keyed by key:
 * the REQUEST again (REFRESH) or a DECLINECOUNTER, by the program's
 * transport (mail, or the outbox folder).  1 queued, 0 already queued, or
 * a negative error (reported).
 */
int queue_answer(struct tandem_engine *e, const struct queue_session *s,
    enum itip_method m, int who, const char *key, int64_t now);

/* An e-mail's envelope, and the session message it carries. */
struct queue_envelope {
	const char	*from;		/* the organizer's address */
	const char	*to[2];		/* to[1] may be NULL */
	const char	*uid;
	int		 sequence;
};

/*
 * The payload of an "imip" job (an e-mail): the envelope as one line of
 * JSON, {"from": SENDER, "to": [RECIPIENT...], "uid": UID, "sequence": N},
 * a newline, the message.  0 or TANDEM_ENOMEM; *payload is freed with
 * free().
 */
int queue_mail_payload(const struct queue_envelope *env, const char *eml,
    char **payload);

/*
 * Queue the program's hook (none: nothing) for event, keyed by key; reason
 * may be NULL.  1 queued, 0 known already or no hook, or a negative error.
 */
int queue_hook(struct tandem_engine *e, const struct queue_session *s,
    const char *event, const char *key, const char *reason, int64_t now);

#endif
