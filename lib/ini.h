/*
 * A reader for tandem.conf's INI dialect: "[type]" or "[type name]" section
 * headers, "key = value" lines, whole-line comments starting with '#' or ';',
 * and inline comments after whitespace.  A value may be double-quoted to keep
 * a '#' in it.  Every syntax error is reported with file:line and reading
 * goes on, so that one run shows all of them.
 */
#ifndef TANDEM_INI_H
#define TANDEM_INI_H

#include "tandem/tandem.h"

struct ini_handler {
	/* name is NULL for "[type]".  Return <0 only for a fatal error (OOM). */
	int	(*section)(void *ud, const char *type, const char *name, int line);
	int	(*pair)(void *ud, const char *key, const char *value, int line);
};

/*
 * Parse text (NUL-terminated, from file) and call h for each element.
 * Returns 0 when no syntax error was found, TANDEM_ECONFIG when some were
 * (and added to diag), or a fatal error from a callback.
 */
int ini_parse(const char *file, const char *text, const struct ini_handler *h,
    void *ud, struct tandem_diag *diag);

#endif
