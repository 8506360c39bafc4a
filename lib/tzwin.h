/*
 * tzwin: the IANA zone of a Windows zone name ("W. Europe Standard Time",
 * "Pacific Standard Time"), as Outlook, Exchange, OWA and Microsoft Graph
 * write them, by CLDR's windowsZones table (ICU's copy of it: the table is
 * maintained with the zones themselves, never by hand here).
 */
#ifndef TANDEM_TZWIN_H
#define TANDEM_TZWIN_H

#include <libical/ical.h>

/*
 * libical's builtin zone for the Windows zone name, or NULL when CLDR does
 * not know the name.  Quotes and blanks around the name are ignored (some
 * writers keep the quotes of TZID="..." in the value).
 */
icaltimezone *tzwin_zone(const char *name);

#endif
