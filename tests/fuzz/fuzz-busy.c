/*
 * fuzz-busy: calendar bytes to busy intervals (lib/busy.c), as a calendar
 * fetched from a server, a feed or a file reaches tandem.  Besides the
 * sanitizers, two promises are checked:
 *
 *   skim     busy_from_ical() skims the text before libical parses it
 *            (lib/busy_skim.c), and the skim must keep exactly the events
 *            the full parse keeps (issue 15 item 6).  The target is linked
 *            with -Wl,--wrap=busy_skim, so that the same call can be made
 *            with the skim turned off (the text parsed whole): the busy
 *            time of the window must be the same both ways.
 *   window   the busy time of a later part of the window, asked for alone,
 *            is no busier than what the whole window says of that part.
 *            A series cut short (too many instances, too slow) must leave
 *            the rest of the window busy, not free (item 3): a series cut
 *            in the long window and not in the short one would break this.
 *
 * The calendar is read as lena's (conf/example), floating times in
 * Europe/Berlin, for six weeks from 2027-03-01.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "fuzz.h"
#include "tandem-int.h"
#include "busy-int.h"

#define OWNER	"lena.vogel@corp.example"

int __real_busy_skim(const char *text, int64_t from, int64_t to,
    const char *owner, char **out);
int __wrap_busy_skim(const char *text, int64_t from, int64_t to,
    const char *owner, char **out);

static int	skim_off;

/* busy.c's call of busy_skim() lands here (the linker's --wrap). */
int
__wrap_busy_skim(const char *text, int64_t from, int64_t to, const char *owner,
    char **out)
{
	if (skim_off) {
		*out = NULL;		/* "nothing goes": the text is parsed whole */
		return 0;
	}
	return __real_busy_skim(text, from, to, owner, out);
}

static int64_t
at(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

/* The busy time of text in [from, to), merged per kind; busy_from_ical's rc. */
static int
busy(const char *text, int64_t from, int64_t to, int skim,
    struct busy_set *out)
{
	struct busy_req		 req;
	struct tandem_diag	*diag = tandem_diag_new();
	size_t			 i;
	int			 rc;

	if (diag == NULL)
		abort();
	memset(&req, 0, sizeof(req));
	req.source = "fuzz.ics";
	req.owner = OWNER;
	req.floating = icaltimezone_get_builtin_timezone("Europe/Berlin");
	req.from = from;
	req.to = to;
	skim_off = !skim;
	rc = busy_from_ical(&req, text, out, diag);
	skim_off = 0;
	FUZZ_CHECK(rc == 0 || rc == TANDEM_EPARSE || rc == TANDEM_ENOMEM,
	    "busy_from_ical: %d", rc);
	FUZZ_CHECK(rc == 0 || out->n == 0, "%zu intervals left after error %d",
	    out->n, rc);
	tandem_diag_free(diag);
	if (busy_merge(out) != 0)
		abort();
	for (i = 0; i < out->n; i++)
		FUZZ_CHECK(out->v[i].start < out->v[i].end &&
		    out->v[i].start >= from && out->v[i].end <= to,
		    "interval %zu [%lld, %lld) empty or outside [%lld, %lld)", i,
		    (long long)out->v[i].start, (long long)out->v[i].end,
		    (long long)from, (long long)to);
	return rc;
}

static int
cmp_start(const void *a, const void *b)
{
	const struct busy	*p = a, *q = b;

	return (p->start > q->start) - (p->start < q->start);
}

/* s as the time busy in any way within [from, to): sorted, disjoint. */
static void
cover(struct busy_set *s, int64_t from, int64_t to)
{
	size_t	i, k = 0;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].start < from)
			s->v[i].start = from;
		if (s->v[i].end > to)
			s->v[i].end = to;
		if (s->v[i].start < s->v[i].end)
			s->v[k++] = s->v[i];
	}
	s->n = k;
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_start);
	for (i = 1, k = 0; i < s->n; i++) {
		if (s->v[i].start <= s->v[k].end) {
			if (s->v[i].end > s->v[k].end)
				s->v[k].end = s->v[i].end;
		} else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

/* Is all of the (covered) time a inside the (covered) time b? */
static int
inside(const struct busy_set *a, const struct busy_set *b, size_t *bad)
{
	size_t	i, j = 0;

	for (i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j].end <= a->v[i].start)
			j++;
		if (j == b->n || b->v[j].start > a->v[i].start ||
		    b->v[j].end < a->v[i].end) {
			*bad = i;
			return 0;
		}
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct busy_set	 skimmed = { NULL, 0, 0 }, whole = { NULL, 0, 0 };
	struct busy_set	 later = { NULL, 0, 0 };
	int64_t		 from = at(2027, 3, 1, 0, 0), to = at(2027, 4, 12, 0, 0);
	int64_t		 mid = at(2027, 3, 22, 9, 30);
	char		*text;
	size_t		 i;
	int		 rc1, rc2, rc3;

	if (size > 256 * 1024)		/* a few thousand events is plenty */
		return 0;
	text = fuzz_cstr(data, size);
	rc1 = busy(text, from, to, 1, &skimmed);
	rc2 = busy(text, from, to, 0, &whole);
	FUZZ_CHECK(rc1 == rc2, "skimmed: %d, parsed whole: %d", rc1, rc2);
	FUZZ_CHECK(skimmed.n == whole.n, "skimmed: %zu intervals, parsed whole: "
	    "%zu", skimmed.n, whole.n);
	for (i = 0; i < whole.n; i++)
		FUZZ_CHECK(skimmed.v[i].start == whole.v[i].start &&
		    skimmed.v[i].end == whole.v[i].end &&
		    skimmed.v[i].kind == whole.v[i].kind, "interval %zu: skimmed "
		    "[%lld, %lld) kind %d, parsed whole [%lld, %lld) kind %d", i,
		    (long long)skimmed.v[i].start, (long long)skimmed.v[i].end,
		    skimmed.v[i].kind, (long long)whole.v[i].start,
		    (long long)whole.v[i].end, whole.v[i].kind);

	rc3 = busy(text, mid, to, 1, &later);
	if (rc1 == 0 && rc3 == 0) {
		cover(&skimmed, mid, to);
		cover(&later, mid, to);
		FUZZ_CHECK(inside(&later, &skimmed, &i), "asked for alone, "
		    "[%lld, %lld) is busy; the whole window says it is not",
		    (long long)later.v[i].start, (long long)later.v[i].end);
	}
	busy_set_free(&skimmed);
	busy_set_free(&whole);
	busy_set_free(&later);
	free(text);
	fuzz_input_done();
	return 0;
}
