/*
 * imip_in: the iCalendar object carried by an e-mail (RFC 6047), as the MTA
 * hands a reply in to `tandemctl ingest-mail`.  Pure: bytes in, text out;
 * itip_parse_reply() reads the object, the engine acts on it.
 */
#ifndef TANDEM_IMIP_IN_H
#define TANDEM_IMIP_IN_H

#include <stddef.h>

#include "tandem/tandem.h"

/*
 * The iCalendar text of the message msg (len bytes; source names it in
 * messages): the first text/calendar part, else the first application/ics
 * one, decoded and in UTF-8 (*ics, freed with free()), and the address of
 * its From header when from is not NULL (*from, NULL when it has none).
 * Not an e-mail, or no such part: said in diag, TANDEM_EPARSE.
 */
int imip_extract(const char *source, const char *msg, size_t len, char **ics,
    char **from, struct tandem_diag *diag);

#endif
