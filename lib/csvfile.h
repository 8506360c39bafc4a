/*
 * CSV files (people.csv, pairs.csv) read with libcsv (RFC 4180 quoting), with
 * the line number of each row kept for error messages.  Excel's habits are
 * accepted: a UTF-8 byte-order mark, CRLF line ends, blank lines.  The text
 * must be UTF-8: each field is checked, and the caller, who knows what the
 * column is, says which is not.
 */
#ifndef TANDEM_CSVFILE_H
#define TANDEM_CSVFILE_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/tandem.h"

#define CSV_MAX_FIELDS	32

struct csvrow {
	char		*f[CSV_MAX_FIELDS];	/* trimmed, NUL-terminated;
						   borrowed */
	size_t		 n;
	int		 line;			/* where the row starts */
	uint32_t	 not_utf8;		/* bit i: f[i] is not UTF-8 */
	int		 too_many;		/* more than CSV_MAX_FIELDS
						   fields (said already): f
						   holds the first ones */
};

/* Return <0 to stop (fatal), 0 to go on; report problems through diag. */
typedef int (*csvrow_fn)(void *ud, const struct csvrow *row);

/*
 * Parse text and call fn for each row, the header row included, a row with
 * too many fields too (so that the caller knows which row was the first).
 * Returns 0, TANDEM_ECONFIG when a row could not be parsed or had too many
 * fields (reported to diag), or a fatal error.
 */
int csvfile_parse(const char *file, const char *text, size_t len,
    csvrow_fn fn, void *ud, struct tandem_diag *diag);

#endif
