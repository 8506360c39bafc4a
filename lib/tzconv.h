/*
 * tzconv: wall-clock time in an IANA zone <-> UTC instants (libical zones).
 */
#ifndef TANDEM_TZCONV_H
#define TANDEM_TZCONV_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

/* Seconds east of UTC that tz is at the instant utc. */
int tzconv_utc_offset(icaltimezone *tz, int64_t utc);

/*
 * The instant of wall time t in tz: a repeated time is its first occurrence,
 * a time in a spring gap is read with the offset before the gap.
 */
int64_t tzconv_local_to_utc(icaltimezone *tz, struct icaltimetype t);

/*
 * The civil day of the instant utc on tz's wall clock, and the seconds into
 * that day in *sec when sec is not NULL.
 */
int32_t tzconv_local_day(icaltimezone *tz, int64_t utc, int *sec);

/* "Mon 2027-01-11 10:15": the instant utc on tz's wall clock. */
void tzconv_format(icaltimezone *tz, int64_t utc, char *buf, size_t size);

/* The same for a civil day and minutes after midnight. */
int64_t tzconv_wall_to_utc(icaltimezone *tz, int32_t day, int minute);

#endif
