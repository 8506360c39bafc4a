/*
 * Reading and writing instants on the command line and in output: RFC 3339 /
 * ISO 8601, with an offset or Z, or a bare date meaning midnight UTC.
 */
#ifndef TANDEM_TIMEOPT_H
#define TANDEM_TIMEOPT_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 when s is not an instant. */
int timeopt_parse(const char *s, int64_t *t);
/* "2027-01-11T09:00:00+01:00"; offset in seconds east of UTC. */
void timeopt_format(int64_t t, int offset, char *buf, size_t len);
/* "2027-01-11T08:00:00Z" */
void timeopt_format_utc(int64_t t, char *buf, size_t len);

#endif
