/*
 * people.csv and pairs.csv.  Both have a header row naming their columns;
 * columns may come in any order, an unknown column is an error.  Every
 * field must be UTF-8: a name goes into the Subject:, To: and invitation
 * of e-mails, where other bytes would be written as they are.  People are
 * indexed by lower-cased e-mail after loading, so that a program of 10,000
 * pairs loads in time proportional to n log n.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tandem-int.h"
#include "cadence.h"
#include "config-int.h"
#include "csvfile.h"
#include "parse.h"

enum { C_EMAIL, C_NAME, C_TZ, C_CALENDAR, C_HOURS, C_NCOLS };
enum { P_MENTOR, P_MENTEE, P_START, P_NCOLS };

struct csvload {
	struct loadctx	*lc;
	struct program	*pg;
	const char	*file;
	char		*dir;
	const char *const *names;	/* column names, NULL-terminated */
	const int	*required;
	int		 col[C_NCOLS];	/* column index of each name, or -1 */
	size_t		 ncols;
	int		 header_seen;
	int		 missing_col;	/* a required column is missing: skip the rows */
	const size_t	*order;		/* people sorted by email (pairs) */
};

static const char *const people_cols[] = { "email", "name", "tz", "calendar", "hours", NULL };
static const int people_req[] = { 1, 1, 1, 1, 0 };
static const char *const pair_cols[] = { "mentor", "mentee", "start", NULL };
static const int pair_req[] = { 1, 1, 0 };

void
person_free(struct person *p)
{
	free(p->email);
	free(p->name);
	free(p->tz);
	free(p->calendar);
}

static int
header(struct csvload *cl, const struct csvrow *row)
{
	size_t	i, k;
	int	bad = 0;

	cl->header_seen = 1;
	cl->ncols = row->n;
	for (k = 0; cl->names[k] != NULL; k++)
		cl->col[k] = -1;
	for (i = 0; i < row->n; i++) {
		if (row->not_utf8 & (uint32_t)1 << i) {
			config_error(cl->lc, cl->file, row->line,
			    "column %zu of the header row: not UTF-8", i + 1);
			bad = 1;
			continue;
		}
		for (k = 0; cl->names[k] != NULL; k++)
			if (strcasecmp(row->f[i], cl->names[k]) == 0)
				break;
		if (cl->names[k] == NULL) {
			config_error(cl->lc, cl->file, row->line,
			    "unknown column \"%s\"", row->f[i]);
			bad = 1;
		} else if (cl->col[k] >= 0) {
			config_error(cl->lc, cl->file, row->line,
			    "column \"%s\" appears twice", row->f[i]);
			bad = 1;
		} else
			cl->col[k] = (int)i;
	}
	for (k = 0; cl->names[k] != NULL; k++)
		if (cl->required[k] && cl->col[k] < 0) {
			config_error(cl->lc, cl->file, row->line,
			    "missing column \"%s\" in the header row", cl->names[k]);
			cl->missing_col = 1;
			bad = 1;
		}
	return bad ? TANDEM_ECONFIG : 0;
}

/*
 * What every row goes through first: 0 when it is a row of data to read;
 * 1 when it was the header, or was said to be wrong (or the header was),
 * and is not to be read; TANDEM_ENOMEM.
 */
static int
row_checked(struct csvload *cl, const struct csvrow *row)
{
	size_t	i, k;
	int	rc = 0;

	if (row->too_many) {		/* said by csvfile */
		if (!cl->header_seen)	/* the header: the columns are unknown */
			cl->header_seen = cl->missing_col = 1;
		return 1;
	}
	if (!cl->header_seen)
		return header(cl, row) == TANDEM_ENOMEM ? TANDEM_ENOMEM : 1;
	if (cl->missing_col)
		return 1;	/* every row would repeat the header's error */
	if (row->n != cl->ncols)
		return config_error(cl->lc, cl->file, row->line,
		    "expected %zu fields, found %zu", cl->ncols, row->n) ==
		    TANDEM_ENOMEM ? TANDEM_ENOMEM : 1;
	if (row->not_utf8 == 0)
		return 0;
	for (i = 0; i < row->n && rc != TANDEM_ENOMEM; i++) {
		if (!(row->not_utf8 & (uint32_t)1 << i))
			continue;
		for (k = 0; cl->names[k] != NULL && cl->col[k] != (int)i; k++)
			;
		if (cl->names[k] != NULL)
			rc = config_error(cl->lc, cl->file, row->line,
			    "%s: not UTF-8", cl->names[k]);
		else
			rc = config_error(cl->lc, cl->file, row->line,
			    "field %zu: not UTF-8", i + 1);
	}
	return rc == TANDEM_ENOMEM ? rc : 1;
}

/* The field for column k, or "" when the file has no such column. */
static const char *
field(const struct csvload *cl, const struct csvrow *row, int k)
{
	return cl->col[k] < 0 ? "" : row->f[cl->col[k]];
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Percent-decode a file: URL's path in place. */
static void
url_decode(char *s)
{
	char	*o = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' : (tolower(s[1]) - 'a' + 10);
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' : (tolower(s[2]) - 'a' + 10);
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/*
 * A calendar URL: file: (absolute or relative to people.csv, which must
 * exist), http(s):, or webcal: (an ICS feed over https).  Stored as a URL.
 */
static int
calendar_url(struct csvload *cl, const char *v, int line, char **out)
{
	char		*path = NULL, *rel = NULL, *url = NULL;
	struct stat	 st;
	int		 rc = 0;

	*out = NULL;
	if (strncasecmp(v, "http://", 7) == 0 || strncasecmp(v, "https://", 8) == 0) {
		*out = strdup(v);
		return *out == NULL ? TANDEM_ENOMEM : 0;
	}
	if (strncasecmp(v, "webcal://", 9) == 0) {
		if (asprintf(out, "https://%s", v + 9) < 0)
			return TANDEM_ENOMEM;
		return 0;
	}
	if (strncasecmp(v, "file:", 5) != 0 || v[5] == '\0')
		return config_error(cl->lc, cl->file, line,
		    "calendar \"%s\" is not a file:, http(s): or webcal: URL", v);
	rel = strdup(v + (strncmp(v + 5, "//", 2) == 0 ? 7 : 5));
	if (rel == NULL)
		return TANDEM_ENOMEM;
	url_decode(rel);
	path = util_path_join(cl->dir, rel);
	if (path == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	if (stat(path, &st) < 0) {
		rc = config_error(cl->lc, cl->file, line, "calendar %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (asprintf(&url, "file://%s", path) < 0) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	*out = url;
out:
	free(rel);
	free(path);
	return rc;
}

static int
person_row(void *ud, const struct csvrow *row)
{
	struct csvload	*cl = ud;
	struct program	*pg = cl->pg;
	struct person	*p, *grown;
	char		 err[PARSE_ERRLEN];
	const char	*v;
	int		 rc, bad = 0;

	rc = row_checked(cl, row);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	grown = realloc(pg->people, (pg->npeople + 1) * sizeof(*grown));
	if (grown == NULL)
		return TANDEM_ENOMEM;
	pg->people = grown;
	p = &pg->people[pg->npeople];
	memset(p, 0, sizeof(*p));
	p->line = row->line;

	v = field(cl, row, C_EMAIL);
	if (parse_email(v, err) < 0) {
		config_error(cl->lc, cl->file, row->line, "email: %s", err);
		bad = 1;
	}
	v = field(cl, row, C_TZ);
	if (!program_valid_tz(v)) {
		config_error(cl->lc, cl->file, row->line,
		    "tz: \"%s\" is not an IANA time zone", v);
		bad = 1;
	}
	v = field(cl, row, C_HOURS);
	if (v[0] != '\0') {
		if (parse_hours(v, &p->hours, err) < 0) {
			config_error(cl->lc, cl->file, row->line, "hours: %s", err);
			bad = 1;
		}
		p->has_hours = 1;
	}
	rc = calendar_url(cl, field(cl, row, C_CALENDAR), row->line, &p->calendar);
	if (rc == TANDEM_ENOMEM)
		return rc;
	p->email = strdup(field(cl, row, C_EMAIL));
	p->name = strdup(field(cl, row, C_NAME));
	p->tz = strdup(field(cl, row, C_TZ));
	if (p->email == NULL || p->name == NULL || p->tz == NULL) {
		person_free(p);
		return TANDEM_ENOMEM;
	}
	lower(p->email);
	if (bad || rc < 0) {
		person_free(p);
		return 0;
	}
	pg->npeople++;
	return 0;
}

static int
cmp_person(const void *a, const void *b, void *arg)
{
	const struct program *pg = arg;

	return strcmp(pg->people[*(const size_t *)a].email,
	    pg->people[*(const size_t *)b].email);
}

/* An index of the program's people, sorted by e-mail; caller frees. */
static size_t *
people_order(struct program *pg)
{
	size_t	*order, i;

	order = malloc((pg->npeople + 1) * sizeof(*order));
	if (order == NULL)
		return NULL;
	for (i = 0; i < pg->npeople; i++)
		order[i] = i;
	qsort_r(order, pg->npeople, sizeof(*order), cmp_person, pg);
	return order;
}

/* Sort an index of people by e-mail; report duplicates. */
static int
index_people(struct csvload *cl, size_t **orderp)
{
	struct program	*pg = cl->pg;
	size_t		*order, i;
	int		 rc = 0;

	order = people_order(pg);
	if (order == NULL)
		return TANDEM_ENOMEM;
	for (i = 1; i < pg->npeople; i++) {
		struct person *a = &pg->people[order[i - 1]], *b = &pg->people[order[i]];

		if (strcmp(a->email, b->email) != 0)
			continue;
		if (a->line > b->line) {
			struct person *t = a;

			a = b;
			b = t;
		}
		rc = config_error(cl->lc, cl->file, b->line,
		    "duplicate person %s (first at line %d)", b->email, a->line);
		if (rc == TANDEM_ENOMEM)
			break;
	}
	*orderp = order;
	return rc == TANDEM_ENOMEM ? rc : 0;
}

static int
read_csv(struct loadctx *lc, const char *path, const char *conf, int line,
    struct csvload *cl, csvrow_fn fn)
{
	char	*text = NULL;
	size_t	 len = 0;
	int	 rc;

	rc = util_read_file(path, CONFIG_FILE_CAP, &text, &len);
	if (rc < 0)
		return config_error(lc, conf, line, "%s: cannot read: %s", path,
		    tandem_strerror(rc));
	cl->dir = util_dirname(path);
	if (cl->dir == NULL) {
		free(text);
		return TANDEM_ENOMEM;
	}
	rc = csvfile_parse(path, text, len, fn, cl, lc->diag);
	free(text);
	free(cl->dir);
	cl->dir = NULL;
	if (rc == TANDEM_ECONFIG)
		lc->errors++;
	if (rc == 0 && !cl->header_seen)
		rc = config_error(lc, path, 0, "empty file: expected a header row");
	return rc;
}

int
people_load(struct loadctx *lc, struct program *pg, const char *conf, int line,
    size_t **orderp)
{
	struct csvload	cl;
	int		before = lc->errors, rc;

	memset(&cl, 0, sizeof(cl));
	cl.lc = lc;
	cl.pg = pg;
	cl.file = pg->people_path;
	cl.names = people_cols;
	cl.required = people_req;
	rc = read_csv(lc, pg->people_path, conf, line, &cl, person_row);
	if (rc == TANDEM_ENOMEM)
		return rc;
	rc = index_people(&cl, orderp);
	if (rc < 0)
		return rc;
	return lc->errors > before ? TANDEM_ECONFIG : 0;
}

static struct person *
find_person(struct csvload *cl, const char *email)
{
	struct program	*pg = cl->pg;
	size_t		 lo = 0, hi = pg->npeople, mid;
	int		 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcasecmp(pg->people[cl->order[mid]].email, email);
		if (c == 0)
			return &pg->people[cl->order[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
check_pair_start(struct csvload *cl, const struct pair *pr)
{
	struct program	*pg = cl->pg;
	int		 y, m, d;

	if (!pr->has_start || pg->end != END_UNTIL || pr->start.date <= pg->until)
		return 0;
	civil_from_days(pg->until, &y, &m, &d);
	return config_error(cl->lc, cl->file, pr->line,
	    "start is after the program's until (%04d-%02d-%02d): the pair would never meet",
	    y, m, d);
}

static int
pair_row(void *ud, const struct csvrow *row)
{
	struct csvload	*cl = ud;
	struct program	*pg = cl->pg;
	struct pair	 pr, *grown;
	char		 err[PARSE_ERRLEN];
	const char	*mentor, *mentee, *start;
	int		 bad = 0, rc;

	rc = row_checked(cl, row);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	memset(&pr, 0, sizeof(pr));
	pr.line = row->line;
	mentor = field(cl, row, P_MENTOR);
	mentee = field(cl, row, P_MENTEE);
	start = field(cl, row, P_START);
	pr.mentor = find_person(cl, mentor);
	pr.mentee = find_person(cl, mentee);
	if (pr.mentor == NULL) {
		config_error(cl->lc, cl->file, row->line,
		    "mentor: unknown person \"%s\" (not in %s)", mentor, pg->people_path);
		bad = 1;
	}
	if (pr.mentee == NULL) {
		config_error(cl->lc, cl->file, row->line,
		    "mentee: unknown person \"%s\" (not in %s)", mentee, pg->people_path);
		bad = 1;
	}
	if (!bad && pr.mentor == pr.mentee) {
		config_error(cl->lc, cl->file, row->line,
		    "%s is paired with themselves", mentor);
		bad = 1;
	}
	if (start[0] != '\0') {
		if (parse_localstart(start, &pr.start, err) < 0) {
			config_error(cl->lc, cl->file, row->line, "start: %s", err);
			bad = 1;
		} else
			pr.has_start = 1;
	}
	if (bad || check_pair_start(cl, &pr) != 0)
		return 0;
	grown = realloc(pg->pairs, (pg->npairs + 1) * sizeof(*grown));
	if (grown == NULL)
		return TANDEM_ENOMEM;
	pg->pairs = grown;
	pg->pairs[pg->npairs++] = pr;
	return 0;
}

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = *(struct pair *const *)a, *y = *(struct pair *const *)b;
	const struct person *x1 = x->mentor < x->mentee ? x->mentor : x->mentee;
	const struct person *x2 = x->mentor < x->mentee ? x->mentee : x->mentor;
	const struct person *y1 = y->mentor < y->mentee ? y->mentor : y->mentee;
	const struct person *y2 = y->mentor < y->mentee ? y->mentee : y->mentor;

	if (x1 != y1)
		return x1 < y1 ? -1 : 1;
	if (x2 != y2)
		return x2 < y2 ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* A pair declared twice, in either direction, is reported at its later line. */
static int
check_duplicate_pairs(struct csvload *cl)
{
	struct program	 *pg = cl->pg;
	struct pair	**v;
	size_t		  i;
	int		  rc = 0;

	if (pg->npairs < 2)
		return 0;
	v = malloc(pg->npairs * sizeof(*v));
	if (v == NULL)
		return TANDEM_ENOMEM;
	for (i = 0; i < pg->npairs; i++)
		v[i] = &pg->pairs[i];
	qsort(v, pg->npairs, sizeof(*v), cmp_pair);
	for (i = 1; i < pg->npairs && rc != TANDEM_ENOMEM; i++) {
		int same = (v[i]->mentor == v[i - 1]->mentor && v[i]->mentee == v[i - 1]->mentee) ||
		    (v[i]->mentor == v[i - 1]->mentee && v[i]->mentee == v[i - 1]->mentor);

		if (same)
			rc = config_error(cl->lc, cl->file, v[i]->line,
			    "duplicate pair %s / %s (first at line %d)",
			    v[i]->mentor->email, v[i]->mentee->email, v[i - 1]->line);
	}
	free(v);
	return rc == TANDEM_ENOMEM ? rc : 0;
}

int
pairs_load(struct loadctx *lc, struct program *pg, const char *conf, int line,
    const size_t *order)
{
	struct csvload	cl;
	int		before = lc->errors, rc;

	memset(&cl, 0, sizeof(cl));
	cl.lc = lc;
	cl.pg = pg;
	cl.file = pg->pairs_path;
	cl.names = pair_cols;
	cl.required = pair_req;
	cl.order = order;
	rc = read_csv(lc, pg->pairs_path, conf, line, &cl, pair_row);
	if (rc != TANDEM_ENOMEM)
		rc = check_duplicate_pairs(&cl);
	if (rc < 0)
		return rc;
	return lc->errors > before ? TANDEM_ECONFIG : 0;
}
