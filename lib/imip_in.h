/*
 * imip_in: the iCalendar object carried by an e-mail (RFC 6047), as the MTA
 * hands a reply in to `tandemctl ingest-mail`, with what the message says
 * about who sent it: its From address and the Authentication-Results
 * (RFC 8601) that receiving MTAs added.  Pure: bytes in, text out;
 * itip_parse_reply() reads the object, ctl_ingest.c decides whether the
 * sender may speak for the attendee and acts on it.
 *
 * Glossary:
 *   authserv-id  the name an MTA writes at the head of its
 *                Authentication-Results ("mx.example.org; dkim=pass ...");
 *                anyone can write such a header, so only the one of the
 *                MTA that took the message in is believed.
 */
#ifndef TANDEM_IMIP_IN_H
#define TANDEM_IMIP_IN_H

#include <stddef.h>

#include "tandem/tandem.h"

/* Authentication-Results headers kept, the first ones (the latest added). */
#define IMIP_AUTH_MAX		8
/* A longer one is not kept: no MTA writes that much about one message. */
#define IMIP_AUTH_LEN_MAX	2048

/* What imip_read() found; every pointer owned, freed by imip_mail_clear(). */
struct imip_mail {
	char	*ics;			/* the iCalendar text, UTF-8 */
	char	*from;			/* the From address, or NULL */
	char	*auth[IMIP_AUTH_MAX];	/* Authentication-Results, top first */
	size_t	 nauth;
};

/*
 * Read the message msg (len bytes; source names it in messages) into *m:
 * the first text/calendar part, else the first application/ics one,
 * decoded and in UTF-8; the address of its From header when it names one
 * mailbox (not several, not a group); its Authentication-Results headers.
 * Not an e-mail, or no such part: said in diag, TANDEM_EPARSE, and *m is
 * empty (as it is after imip_mail_clear()).  TANDEM_ENOMEM.
 */
int imip_read(const char *source, const char *msg, size_t len,
    struct imip_mail *m, struct tandem_diag *diag);
/* Free what m holds and empty it; again is harmless. */
void imip_mail_clear(struct imip_mail *m);

/*
 * Do the n Authentication-Results header values in results, read only
 * where their authserv-id is authserv_id (compared without regard to
 * case; NULL or "" trusts none), vouch for the address addr?  One result
 * is enough, each checked against addr's domain exactly (no parent, no
 * subdomain):
 *   dkim=pass  with header.d= that domain, or header.i= an identity in it
 *   dmarc=pass with header.from= that domain
 *   spf=pass   with smtp.mailfrom= addr itself, or that domain alone
 * Comments and quoted strings are read as RFC 8601 says, so text inside
 * them is never a result.  1, with the result in how (size bytes), or 0.
 */
int imip_authenticated(const char *const *results, size_t n,
    const char *authserv_id, const char *addr, char *how, size_t size);

#endif
