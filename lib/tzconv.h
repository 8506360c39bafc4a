/*
 * tzconv: wall-clock time in an IANA zone <-> UTC instants (libical zones).
 */
#ifndef TANDEM_TZCONV_H
#define TANDEM_TZCONV_H

#include <stdint.h>

#include <libical/ical.h>

/* Seconds east of UTC that tz is at the instant utc. */
int tzconv_utc_offset(icaltimezone *tz, int64_t utc);

/*
 * The instant of wall time t in tz: a repeated time is its first occurrence,
 * a time in a spring gap is read with the offset before the gap.
 */
int64_t tzconv_local_to_utc(icaltimezone *tz, struct icaltimetype t);

/* The same for a civil day and minutes after midnight. */
int64_t tzconv_wall_to_utc(icaltimezone *tz, int32_t day, int minute);

#endif
