/*
 * CSV reading on top of libcsv.  Text is fed one physical line at a time so
 * that each row can be reported with the line it starts on, even when a
 * quoted field spans several lines.  A malformed row is reported and
 * skipped; the rows after it are still read.  A row of more than
 * CSV_MAX_FIELDS fields is reported and handed on marked as such: were it
 * dropped, a too-wide header row would make the next row the header.
 */
#include <stdint.h>
#include <string.h>

#include <csv.h>

#include "tandem-int.h"
#include "csvfile.h"

struct reader {
	const char		*file;
	struct csvrow		 row;
	int			 start_line;	/* where the unfinished row began */
	int			 too_many;
	uint32_t		 not_utf8;	/* of the unfinished row */
	int			 bad;		/* a row said to diag */
	int			 rc;		/* first fatal error from fn */
	csvrow_fn		 fn;
	void			*ud;
	struct tandem_diag	*diag;
};

_Static_assert(CSV_MAX_FIELDS <= 32, "not_utf8 has a bit per field");

/*
 * Is s (n bytes) UTF-8 (RFC 3629): no overlong form, no UTF-16 surrogate,
 * nothing beyond U+10FFFF, no sequence cut short?
 */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0, k, len;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return 0;	/* a continuation byte, C0, C1, F5..FF */
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

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
	if (data != NULL && !utf8_valid(data, len))
		r->not_utf8 |= (uint32_t)1 << r->row.n;
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
	r->not_utf8 = 0;
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
		rc = diag_add(r->diag, r->file, r->row.line,
		    "more than %d fields", CSV_MAX_FIELDS);
		if (rc < 0) {
			r->rc = rc;
			goto out;
		}
		r->bad = 1;
	}
	trimmed = r->row;
	trimmed.too_many = r->too_many;
	trimmed.not_utf8 = r->not_utf8;
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
	return rc == 0 && r.bad ? TANDEM_ECONFIG : rc;
}
