/*
 * holidays: an iCalendar file of (mostly all-day) events, recurring ones
 * included, turned into the sorted set of local days they cover.  Pure.
 */
#ifndef TANDEM_HOLIDAYS_H
#define TANDEM_HOLIDAYS_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

/*
 * Parse text and collect the civil days in [from, to) covered by its events,
 * in zone tz for timed events.  *dates (caller frees) is sorted and unique.
 * TANDEM_EPARSE with a reason in err when the text is not iCalendar.
 */
int holidays_parse(const char *text, icaltimezone *tz, int32_t from, int32_t to,
    int32_t **dates, size_t *n, char *err);

/* Whether day is in the sorted set. */
int holidays_contains(const int32_t *dates, size_t n, int32_t day);

#endif
