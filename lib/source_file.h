/*
 * source_file: a person's calendar given as a file: URL, either one .ics file
 * or a folder of them (as vdirsyncer and many exports leave them), read into
 * busy intervals through the busy layer.
 */
#ifndef TANDEM_SOURCE_FILE_H
#define TANDEM_SOURCE_FILE_H

#include "busy.h"

/* Largest .ics file read: a dense person-year is about 2.3 MB. */
#define SOURCE_FILE_CAP	(64u * 1024 * 1024)

/*
 * Add the busy time of the calendar at url (file:///path or a plain path)
 * within req's window to *set.  In a folder, the *.ics files are read in name
 * order and other files are ignored; a damaged file is reported to diag and
 * the others still count.  Returns 0, a negative errno when the path itself
 * cannot be read, TANDEM_EPARSE when a single file is not iCalendar at all
 * (both reported too), or TANDEM_ENOMEM.  req->source is ignored:
 * each file is named by its own path.
 */
int source_file_read(const char *url, const struct busy_req *req,
    struct busy_set *set, struct tandem_diag *diag);

#endif
