/*
 * calobj: the organizer's copy of a session, as tandem stores it in a
 * CalDAV calendar (RFC 6638 §3.2: no METHOD, one VEVENT).  Pure: iCalendar
 * text in, text out.
 *
 * Glossary
 *   copy     the object the server holds now (it may have written
 *            attendees' PARTSTAT and SCHEDULE-STATUS into it)
 *   client   an attendee marked SCHEDULE-AGENT=CLIENT: the server does not
 *            deliver to them, tandem mails them itself (RFC 6638 §7.1)
 */
#ifndef TANDEM_CALOBJ_H
#define TANDEM_CALOBJ_H

#include <stddef.h>

/*
 * The object to PUT, made from base (an iTIP message or a copy): METHOD
 * dropped; every attendee in client[0..nclient) (bare addresses, any case)
 * marked SCHEDULE-AGENT=CLIENT, and their SCHEDULE-STATUS dropped, as is
 * every attendee the copy (when not NULL) marks so; when the copy has the
 * same SEQUENCE as base, each attendee keeps
 * the PARTSTAT the copy gives (a reply that arrived in between is not
 * undone).  *out is CRLF text to free().  0, TANDEM_EPARSE (base is not
 * one VEVENT in a VCALENDAR) or TANDEM_ENOMEM.
 */
int calobj_make(const char *base, const char *copy, const char *const *client,
    size_t nclient, char **out);

/* The SEQUENCE of text's VEVENT, or -1 when there is none. */
int calobj_sequence(const char *text);

#endif
