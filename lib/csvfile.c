/*
 * CSV reading on top of libcsv.  Text is fed one physical line at a time so
 * that each row can be reported with the line it starts on, even when a
 * quoted field spans several lines.  A malformed row is reported and
 * skipped; the rows after it are still read.
 */
#include <string.h>

#include <csv.h>

#include "tandem-int.h"
#include "csvfile.h"

struct reader {
	const char		*file;
	struct csvrow		 row;
	int			 start_line;	/* where the unfinished row began */
	int			 too_many;
	int			 rc;		/* first fatal error from fn */
	csvrow_fn		 fn;
	void			*ud;
	struct tandem_diag	*diag;
};

static void
on_field(void *data, size_t len, void *ud)
{
	struct reader	*r = ud;
	char		*s;

	if (r->row.n == 0)
		r->row.line = r->start_line;
	if (r->row.n == CSV_MAX_FIELDS) {
		r->too_many = 1;
		return;
	}
	s = util_strndup(data == NULL ? "" : data, data == NULL ? 0 : len);
	if (s == NULL) {
		r->rc = TANDEM_ENOMEM;
		return;
	}
	r->row.f[r->row.n++] = s;
}

static void
clear_row(struct reader *r)
{
	size_t	i;

	for (i = 0; i < r->row.n; i++)
		TANDEM_FREE(r->row.f[i]);
	r->row.n = 0;
	r->too_many = 0;
}

static void
on_row(int term, void *ud)
{
	struct reader	*r = ud;
	struct csvrow	 trimmed;
	size_t		 i;
	int		 rc;

	(void)term;
	if (r->rc < 0)
		goto out;
	if (r->too_many) {
		diag_add(r->diag, r->file, r->row.line,
		    "more than %d fields", CSV_MAX_FIELDS);
		goto out;
	}
	trimmed = r->row;
	for (i = 0; i < trimmed.n; i++)
		trimmed.f[i] = util_trim(trimmed.f[i]);
	rc = r->fn(r->ud, &trimmed);
	if (rc < 0)
		r->rc = rc;
out:
	clear_row(r);
}

int
csvfile_parse(const char *file, const char *text, size_t len, csvrow_fn fn,
    void *ud, struct tandem_diag *diag)
{
	struct csv_parser	 p;
	struct reader		 r;
	const char		*cur = text, *end = text + len, *nl;
	size_t			 n;
	int			 line = 0, rc = 0;

	memset(&r, 0, sizeof(r));
	r.file = file;
	r.fn = fn;
	r.ud = ud;
	r.diag = diag;
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
		return TANDEM_ENOMEM;
	if (len >= 3 && memcmp(cur, "\xef\xbb\xbf", 3) == 0)
		cur += 3;
	while (cur < end && r.rc == 0) {
		line++;
		nl = memchr(cur, '\n', (size_t)(end - cur));
		n = nl == NULL ? (size_t)(end - cur) : (size_t)(nl - cur) + 1;
		if (p.pstate == 0)	/* libcsv: no row begun */
			r.start_line = line;
		if (memchr(cur, '\0', n) != NULL) {
			diag_add(diag, file, line, "NUL byte in text");
			rc = TANDEM_ECONFIG;
			break;
		}
		if (csv_parse(&p, cur, n, on_field, on_row, &r) != n) {
			diag_add(diag, file, line, "malformed CSV: %s",
			    csv_strerror(csv_error(&p)));
			rc = TANDEM_ECONFIG;
			/* Resynchronise on the next line. */
			csv_free(&p);
			clear_row(&r);
			if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL |
			    CSV_STRICT_FINI) != 0) {
				rc = TANDEM_ENOMEM;
				break;
			}
		}
		cur += n;
	}
	if (r.rc == 0 && rc != TANDEM_ENOMEM &&
	    csv_fini(&p, on_field, on_row, &r) != 0) {
		diag_add(diag, file, r.start_line, "malformed CSV: %s",
		    csv_strerror(csv_error(&p)));
		rc = TANDEM_ECONFIG;
	}
	clear_row(&r);
	csv_free(&p);
	if (r.rc < 0)
		return r.rc;
	return rc;
}
