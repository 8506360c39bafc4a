/*
 * Value parsers for the configuration's little languages: durations ("90m",
 * "3d", "6w"), calendar spans ("12 months"), dates, clock times, working
 * hours ("Mon-Fri 09:00-17:00") and e-mail addresses.  Pure: strings in,
 * values out.  On failure they return TANDEM_EPARSE and put a short reason
 * (without the location, which the caller knows) into err.
 */
#ifndef TANDEM_PARSE_H
#define TANDEM_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define PARSE_ERRLEN	160

int parse_minutes(const char *s, int64_t *minutes, char *err);
int parse_span(const char *s, struct span *sp, char *err);
int parse_date(const char *s, int32_t *days, char *err);
int parse_clock(const char *s, int *minute, char *err);
int parse_localstart(const char *s, struct localstart *ls, char *err);
int parse_hours(const char *s, struct hours *h, char *err);
int parse_weekday(const char *s, size_t len);
int parse_int(const char *s, long min, long max, long *v, char *err);
int parse_email(const char *s, char *err);

#endif
