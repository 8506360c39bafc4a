/*
 * outbox: an invitation as the RFC 5322 message that would be mailed (iMIP,
 * RFC 6047), built with GMime, and the outbox folder that receives each one
 * as a .eml file.
 *
 * The message: multipart/mixed of multipart/alternative (text/plain with the
 * time in each attendee's own zone, then text/calendar; charset=UTF-8;
 * method=REQUEST or CANCEL) and the same iCalendar as an invite.ics
 * attachment; CRLF line ends.  Message-ID comes from the job's key, Date
 * from the message's DTSTAMP.
 */
#ifndef TANDEM_OUTBOX_H
#define TANDEM_OUTBOX_H

#include <stddef.h>

#include "itip.h"

struct outbox_msg {
	const char			*key;		/* the job's idempotency key */
	const char			*from_name;	/* may be NULL */
	const char			*from_addr;
	const struct itip_session	*s;
	const char			*tz[2];		/* mentor's and mentee's zones */
	enum itip_method		 method;
	const char			*ics;		/* itip_build()'s text */
	int				 only;		/* 0: To both; 1 + i: To who[i] only */
};

/* The message's bytes in *eml (free() it).  0, TANDEM_EINVAL or TANDEM_ENOMEM. */
int outbox_render(const struct outbox_msg *m, char **eml, size_t *len);

/* "REQUEST", "CANCEL", "DECLINECOUNTER": METHOD and the method parameter. */
const char *outbox_method_name(enum itip_method m);

/*
 * Write eml into dir as KEY.eml (characters other than letters, digits and
 * "._@-" in the key become "_"), atomically: a temporary file, fsync, then
 * link() so that an existing file is never replaced.  0 written, 1 it was
 * already there (the job ran before a crash), or a negative errno reported
 * to diag naming the folder.
 */
int outbox_write(const char *dir, const char *key, const char *eml, size_t len,
    struct tandem_diag *diag);

#endif
