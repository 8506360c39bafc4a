/*
 * Property test of the busy and slots layers together: for many random
 * calendars and pairs, the slot that slots_find() chooses from what
 * busy_from_ical() read overlaps no busy instant of either person, and it is
 * the slot that a brute-force search over the same grid finds.
 *
 * The ground truth is computed WITHOUT libical and WITHOUT lib/tzconv: the
 * generator knows what it wrote (struct event), expands each series itself
 * and turns wall times into UTC with glibc's tz database (struct zone).  Only
 * the text goes to the code under test.  Three properties are checked:
 *
 *   0. busy_from_ical() + busy_merge() give exactly the brute-force busy
 *      intervals (per kind, merged, clipped to the window);
 *   1. soundness: a chosen slot, widened by the buffer, overlaps no blocking
 *      instant of either person, lies in both people's working hours, starts
 *      on the program zone's 15-minute grid of a business day within flex of
 *      the nominal day, not before not_before, and its score is as defined;
 *   2. completeness and optimality: slots_find() finds a slot iff the brute
 *      force over every 15 minutes of every day does, with the same (lowest)
 *      score and the same (earliest) start.
 *
 * Everything is drawn from a fixed seed per test.  A failure prints the
 * seed of its case, the calendars and both answers; to run that case alone:
 *   PROP_SEED=0x... tests/unit/test-property <test name>
 * PROP_SCALE=n runs n times the cases: a long local soak, with TT_NOFORK=1
 * so that the harness's 30-second alarm does not cut it short.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "busy.h"
#include "model.h"
#include "slots.h"

#define MIN		60
#define H		3600
#define DAY		86400
#define GRID		(15 * MIN)
#define NOHABIT		1000000L	/* score term when s is not the habit */
#define DAYW		10000L		/* score per business day moved */

#define NZONES		4
#define MAX_TR		16		/* offset changes per zone in the table */
#define MAX_EV		28		/* events per calendar */
#define MAX_INST	16		/* instances per series */
#define MAX_EX		3
#define MAX_OV		3
#define MAX_HOL		4
#define SPAN		30		/* busy window: days each side of the base */

/* --- pseudo-random numbers ---------------------------------------------- */

/* splitmix64: tiny, fast, and the same sequence on every platform. */
static uint64_t
splitmix(uint64_t *s)
{
	uint64_t	z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int
rnd(uint64_t *r, int lo, int hi)
{
	return lo + (int)(splitmix(r) % (uint64_t)(hi - lo + 1));
}

static int
pct(uint64_t *r, int p)
{
	return rnd(r, 0, 99) < p;
}

/* --- civil dates, with glibc -------------------------------------------- */

static int64_t
civil(int y, int m, int d)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm) / DAY;
}

static void
broken(int64_t t, struct tm *tm)
{
	time_t	tt = (time_t)t;

	gmtime_r(&tt, tm);
}

/* 0 = Monday; 1970-01-01 was a Thursday (TEST(zone_model) checks it). */
static int
weekday(int64_t day)
{
	return (int)((day % 7 + 7 + 3) % 7);
}

/* YYYYMMDDTHHMMSS of a wall time (seconds of local civil time). */
static void
fmt_wall(char *out, size_t n, int64_t w)
{
	struct tm	tm;

	broken(w, &tm);
	snprintf(out, n, "%04d%02d%02dT%02d%02d%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
fmt_date(char *out, size_t n, int64_t w)
{
	struct tm	tm;

	broken(w, &tm);
	snprintf(out, n, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* For messages: 2027-03-28 01:30 (UTC, or a wall time). */
static const char *
show(int64_t t, char *out, size_t n)
{
	struct tm	tm;

	broken(t, &tm);
	snprintf(out, n, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	return out;
}

/* --- zones, from glibc's tz database ------------------------------------ */

/*
 * Each zone's offsets from mid-2026 to mid-2028 are read once from glibc
 * (localtime_r's tm_gmtoff) into a table of changes.  mktime() with
 * tm_isdst = -1 is not used for the conversion itself: POSIX leaves its
 * answer for a skipped or repeated wall time unspecified, and the test must
 * pin down RFC 5545's (see wall_utc()).  TEST(zone_model) checks the table
 * against hand-written instants and against mktime() away from the changes.
 *
 * The VTIMEZONE bodies restate the rules in force from 2026 on; they are
 * embedded under the Windows names, which libical does not know, so that
 * busy_from_ical() must read the embedded definition.  Their DTSTARTs are
 * the first onsets of 2026, not 1601 or 1970 as clients write them: libical
 * expands an embedded zone from its DTSTART on every parse, and from 1970
 * that alone would take most of the run time under valgrind.  Every instant
 * the test uses lies after 2026-11.
 */
struct zone {
	const char	*iana;
	const char	*windows;
	const char	*rules;
	icaltimezone	*ical;
	int64_t		 tr[MAX_TR];	/* instants at which the offset changes */
	int		 off[MAX_TR + 1]; /* off[i] holds before tr[i] */
	int		 ntr;
};

#define T0	((int64_t)1780272000)	/* 2026-06-01 00:00Z */
#define T1	((int64_t)1843430400)	/* 2028-06-01 00:00Z */

static struct zone zones[NZONES] = {
	{ "Europe/Berlin", "W. Europe Standard Time",
	    "BEGIN:STANDARD\nDTSTART:20261025T030000\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
	    "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD\n"
	    "BEGIN:DAYLIGHT\nDTSTART:20260329T020000\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\n"
	    "TZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nEND:DAYLIGHT\n",
	    NULL, { 0 }, { 0 }, 0 },
	{ "America/New_York", "Eastern Standard Time",
	    "BEGIN:STANDARD\nDTSTART:20261101T020000\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\n"
	    "TZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nEND:STANDARD\n"
	    "BEGIN:DAYLIGHT\nDTSTART:20260308T020000\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\n"
	    "TZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nEND:DAYLIGHT\n",
	    NULL, { 0 }, { 0 }, 0 },
	{ "Asia/Kolkata", "India Standard Time",
	    "BEGIN:STANDARD\nDTSTART:20260101T000000\n"
	    "TZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nTZNAME:IST\nEND:STANDARD\n",
	    NULL, { 0 }, { 0 }, 0 },
	{ "Australia/Sydney", "AUS Eastern Standard Time",
	    "BEGIN:STANDARD\nDTSTART:20260405T030000\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\n"
	    "TZOFFSETFROM:+1100\nTZOFFSETTO:+1000\nTZNAME:AEST\nEND:STANDARD\n"
	    "BEGIN:DAYLIGHT\nDTSTART:20261004T020000\n"
	    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\n"
	    "TZOFFSETFROM:+1000\nTZOFFSETTO:+1100\nTZNAME:AEDT\nEND:DAYLIGHT\n",
	    NULL, { 0 }, { 0 }, 0 },
};

static void
use_tz(const char *iana)
{
	char	buf[64];

	if (iana == NULL) {
		unsetenv("TZ");
	} else {
		snprintf(buf, sizeof(buf), ":%s", iana);
		setenv("TZ", buf, 1);
	}
	tzset();
}

static int
gmtoff(int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	localtime_r(&tt, &tm);
	return (int)tm.tm_gmtoff;
}

static void
zones_load(void)
{
	static int	loaded;
	struct zone	*z;
	int64_t		t, lo, hi, mid;
	int		i, o, prev;

	if (loaded)
		return;
	for (i = 0; i < NZONES; i++) {
		z = &zones[i];
		use_tz(z->iana);
		prev = gmtoff(T0);
		z->off[0] = prev;
		z->ntr = 0;
		/* No zone here changes twice within six hours. */
		for (t = T0 + 6 * H; t <= T1; t += 6 * H) {
			o = gmtoff(t);
			if (o == prev)
				continue;
			for (lo = t - 6 * H, hi = t; hi - lo > 1; ) {
				mid = lo + (hi - lo) / 2;
				if (gmtoff(mid) == prev)
					lo = mid;
				else
					hi = mid;
			}
			if (z->ntr == MAX_TR)
				TT_FAIL("%s: too many offset changes", z->iana);
			z->tr[z->ntr] = hi;
			z->off[++z->ntr] = o;
			prev = o;
		}
		z->ical = icaltimezone_get_builtin_timezone(z->iana);
		if (z->ical == NULL)
			TT_FAIL("libical has no zone %s", z->iana);
	}
	use_tz(NULL);
	loaded = 1;
}

/* Seconds east of UTC in z at instant t. */
static int
zoff(const struct zone *z, int64_t t)
{
	int	i;

	if (t < T0 || t >= T1)
		TT_FAIL("instant %lld outside the zone tables", (long long)t);
	for (i = 0; i < z->ntr && t >= z->tr[i]; i++)
		;
	return z->off[i];
}

/*
 * The instant of wall time w (seconds of local civil time) in z, by RFC 5545
 * 3.3.5: a wall time that occurs twice (autumn) is its first occurrence, the
 * earlier instant; one that does not occur (the spring gap) is read with the
 * offset in force before the gap, which moves it forward by the gap's size.
 * The true instant lies within 14 hours of w, so the offsets a day either
 * side are the only two candidates (no zone here changes twice in two days).
 * *exists (may be NULL) says whether the wall time occurs at all.
 */
static int64_t
wall_utc(const struct zone *z, int64_t w, int *exists)
{
	int	before = zoff(z, w - DAY), after = zoff(z, w + DAY);
	int64_t	a = w - before, b = w - after;
	int	va = zoff(z, a) == before, vb = zoff(z, b) == after;

	if (exists != NULL)
		*exists = 1;
	if (before == after || (va && vb))
		return a < b ? a : b;
	if (va)
		return a;
	if (vb)
		return b;
	if (exists != NULL)
		*exists = 0;
	return a;
}

/* --- growable text and arrays ------------------------------------------- */

struct buf {
	char	*p;
	size_t	 n;
	size_t	 cap;
};

static void bprintf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->p == NULL ? NULL : b->p + b->n,
		    b->p == NULL ? 0 : b->cap - b->n, fmt, ap);
		va_end(ap);
		if (k < 0)
			TT_FAIL("vsnprintf failed");
		if (b->p != NULL && b->n + (size_t)k < b->cap) {
			b->n += (size_t)k;
			return;
		}
		b->cap = b->cap * 2 + (size_t)k + 256;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			TT_FAIL("out of memory");
	}
}

struct ivals {
	struct busy	*v;
	size_t		 n;
	size_t		 cap;
};

static void
ival_add(struct ivals *s, int64_t a, int64_t b, int kind)
{
	if (s->n == s->cap) {
		s->cap = s->cap * 2 + 32;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (s->v == NULL)
			TT_FAIL("out of memory");
	}
	s->v[s->n].start = a;
	s->v[s->n].end = b;
	s->v[s->n].kind = kind;
	s->n++;
}

/* --- what the generator writes ------------------------------------------ */

enum form { F_ZONED, F_UTC, F_FLOAT, F_DATE };
enum tzform { TZ_IANA, TZ_PREFIXED, TZ_WINDOWS };
enum endform { E_DTEND, E_SECS, E_DAYS, E_NONE };

struct override {
	int	idx;		/* the instance it replaces */
	int	cancelled;
	int	rid_utc;	/* RECURRENCE-ID written in UTC */
	int64_t	start, end;	/* as written, like the master's values */
};

/*
 * One VEVENT and its overrides.  Times are kept as written: a local wall
 * time (F_ZONED, F_FLOAT), a UTC instant (F_UTC), or a date's midnight as a
 * wall time (F_DATE); inst[] holds every instance's start the same way.
 */
struct event {
	int		form, zone, tzform;
	int64_t		start;
	int		endform;
	int64_t		end;		/* E_DTEND: as written */
	int64_t		dur;		/* E_SECS: seconds; E_DAYS: days */
	int		freq;		/* 0, 'D' or 'W' */
	int		interval, count, byday;	/* byday: bit 1 << weekday */
	int		has_until;
	int64_t		until;		/* UTC (zoned, UTC), wall (floating), date */
	int		nex, exidx[MAX_EX], exutc, exlist;
	int		nov;
	struct override	ov[MAX_OV];
	int		ovfirst;	/* overrides written before the master */
	int		transp, cancelled, declined, tentative, other_declined;
	int		ninst;
	int64_t		inst[MAX_INST];
};

/* How often each feature is drawn, in percent; one per TEST. */
struct mix {
	const char	*name;
	int		 zoned, utc, floating;	/* the rest: all-day */
	int		 rrule, exdate, override;
	int		 windows;	/* TZIDs with an embedded VTIMEZONE */
	int		 embed_iana;	/* a VTIMEZONE under the IANA name too */
	int		 split;		/* several VCALENDARs in one text */
	int		 dst;		/* base near a 2027 clock change */
	int		 night;		/* event at 00:00-04:00 on a change day */
	int		 flags;		/* transparent, cancelled, declined, tentative */
	int		 min_ev, max_ev;
	int		 ncases, nsessions;
};

struct party {
	const char	*email;
	int		 zone;
	struct hours	 h;
	struct event	 ev[MAX_EV];
	int		 nev;
	struct buf	 text;
	struct ivals	 truth;		/* every instance, unclipped */
	struct ivals	 hours;		/* working hours in UTC, merged */
	struct busy_set	 set;		/* what busy_from_ical() read */
};

struct world {
	uint64_t	 seed;
	const char	*test;
	int64_t		 base;		/* a day */
	int64_t		 from, to;	/* the busy window */
	struct party	 p[2];
};

struct session {
	int	zone;
	int64_t	nominal;
	int	minute, length, buffer, flex;
	int32_t	hol[MAX_HOL];
	size_t	nhol;
	int	habit_wd, habit_min;
	int64_t	not_before;
	int	tentative_blocks;
};

struct pick {
	int	found;
	int64_t	start;
	long	score;
};

/* What a failure message prints: the case being run. */
static struct world		*cur_w;
static const struct session	*cur_s;
static int			 cur_k;

static void fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* --- the ground truth of one event -------------------------------------- */

/* A value as written to its instant; floating times and dates in zone pz. */
static int64_t
instant(const struct event *e, int64_t v, int pz)
{
	switch (e->form) {
	case F_ZONED:
		return wall_utc(&zones[e->zone], v, NULL);
	case F_UTC:
		return v;
	default:
		return wall_utc(&zones[pz], v, NULL);
	}
}

/*
 * The end of the instance that starts at v.  RFC 5545 3.8.5.3: a DTEND
 * gives every instance the master's exact duration, a DURATION its nominal
 * one (days are local days); an all-day event's DTEND is a count of days.
 */
static int64_t
inst_end(const struct event *e, int64_t v, int pz)
{
	switch (e->endform) {
	case E_DTEND:
		if (e->form == F_DATE)
			return instant(e, v + (e->end - e->start), pz);
		return instant(e, v, pz) + instant(e, e->end, pz) -
		    instant(e, e->start, pz);
	case E_SECS:
		return instant(e, v, pz) + e->dur;
	case E_DAYS:
		return instant(e, v + e->dur * DAY, pz);
	default:
		return instant(e, v + DAY, pz);
	}
}

static int
kind_of(const struct event *e)
{
	if (e->transp || e->cancelled || e->declined)
		return -1;
	return e->tentative ? BUSY_TENTATIVE : BUSY_BUSY;
}

/*
 * The instance starts of a series, as written: DAILY steps whole local days,
 * WEEKLY whole weeks (or the BYDAY days of every interval-th week, weeks
 * starting on Monday); n instances.  DTSTART is always the first: the
 * generator puts its weekday into BYDAY.
 */
static void
series(struct event *e, int n)
{
	int64_t	day = e->start / DAY, tod = e->start % DAY, monday, d;
	int	k, wd;

	e->ninst = 0;
	if (e->freq == 0 || n <= 1) {
		e->inst[e->ninst++] = e->start;
		return;
	}
	if (e->freq == 'D' || e->byday == 0) {
		for (k = 0; k < n; k++)
			e->inst[e->ninst++] = e->start + (int64_t)k * e->interval *
			    (e->freq == 'D' ? 1 : 7) * DAY;
		return;
	}
	monday = day - weekday(day);
	for (k = 0; e->ninst < n; k += e->interval)
		for (wd = 0; wd < 7 && e->ninst < n; wd++) {
			d = monday + 7 * k + wd;
			if ((e->byday & 1 << wd) && d >= day)
				e->inst[e->ninst++] = d * DAY + tod;
		}
}

static int
is_ex(const struct event *e, int i)
{
	int	k;

	for (k = 0; k < e->nex; k++)
		if (e->exidx[k] == i)
			return 1;
	for (k = 0; k < e->nov; k++)
		if (e->ov[k].idx == i)
			return 1;
	return 0;
}

static void
truth_event(const struct event *e, int pz, struct ivals *out)
{
	int	kind = kind_of(e), i;

	if (kind < 0)
		return;		/* its overrides copy its status: free too */
	for (i = 0; i < e->ninst; i++)
		if (!is_ex(e, i))
			ival_add(out, instant(e, e->inst[i], pz),
			    inst_end(e, e->inst[i], pz), kind);
	for (i = 0; i < e->nov; i++)
		if (!e->ov[i].cancelled)
			ival_add(out, instant(e, e->ov[i].start, pz),
			    instant(e, e->ov[i].end, pz), kind);
}

/* --- the generator ------------------------------------------------------- */

static const char *
tzid(const struct event *e, char *out, size_t n)
{
	const struct zone	*z = &zones[e->zone];

	if (e->tzform == TZ_WINDOWS)
		snprintf(out, n, "%s", z->windows);
	else if (e->tzform == TZ_PREFIXED)
		snprintf(out, n, "/freeassociation.sourceforge.net/%s", z->iana);
	else
		snprintf(out, n, "%s", z->iana);
	return out;
}

/* The first 2027 clock change of z within 20 days of day, or -1. */
static int64_t
change_day(const struct zone *z, int64_t day)
{
	int	i;

	for (i = 0; i < z->ntr; i++)
		if (z->tr[i] / DAY >= day - 20 && z->tr[i] / DAY <= day + 20)
			return (z->tr[i] + z->off[i]) / DAY;
	return -1;
}

static void
gen_hours(uint64_t *r, struct hours *h)
{
	int	wd, k, lo, hi, cur, gran;

	memset(h, 0, sizeof(*h));
	switch (rnd(r, 0, 9)) {
	case 0:				/* around the clock */
		for (wd = 0; wd < 7; wd++) {
			h->n[wd] = 1;
			h->win[wd][0][0] = 0;
			h->win[wd][0][1] = 1440;
		}
		return;
	case 1: case 2: case 3:		/* Mon-Fri, one window */
		lo = rnd(r, 24, 44) * 15;
		hi = lo + rnd(r, 16, 40) * 15;
		for (wd = 0; wd < 5; wd++) {
			h->n[wd] = 1;
			h->win[wd][0][0] = (uint16_t)lo;
			h->win[wd][0][1] = (uint16_t)(hi > 1440 ? 1440 : hi);
		}
		return;
	case 4: case 5:			/* Mon-Fri with a break (maybe none) */
		lo = rnd(r, 7, 10) * 60;
		hi = lo + rnd(r, 2, 4) * 60;
		cur = hi + rnd(r, 0, 4) * 15;
		for (wd = 0; wd < 5; wd++) {
			h->n[wd] = 2;
			h->win[wd][0][0] = (uint16_t)lo;
			h->win[wd][0][1] = (uint16_t)hi;
			h->win[wd][1][0] = (uint16_t)cur;
			h->win[wd][1][1] = (uint16_t)(cur + rnd(r, 2, 6) * 60);
		}
		return;
	case 6:				/* nights: Mon-Fri evening to morning */
		lo = rnd(r, 18, 22) * 60;
		hi = rnd(r, 1, 5) * 60;
		for (wd = 0; wd < 5; wd++) {
			h->win[wd][h->n[wd]][0] = (uint16_t)lo;
			h->win[wd][h->n[wd]++][1] = 1440;
		}
		for (wd = 1; wd < 6; wd++) {
			/* The morning comes first in the day's sorted list. */
			memmove(h->win[wd][1], h->win[wd][0],
			    sizeof(h->win[wd][0]) * h->n[wd]);
			h->win[wd][0][0] = 0;
			h->win[wd][0][1] = (uint16_t)hi;
			h->n[wd]++;
		}
		return;
	default:			/* anything, day by day */
		gran = pct(r, 70) ? 15 : 5;
		for (wd = 0; wd < 7; wd++) {
			if (wd >= 5 && pct(r, 70))
				continue;
			cur = rnd(r, 0, 11 * 60 / gran) * gran;
			for (k = 0; k < 3 && cur < 1440; k++) {
				hi = cur + rnd(r, 1, 8 * 60 / gran) * gran;
				if (hi > 1440)
					hi = 1440;
				h->win[wd][k][0] = (uint16_t)cur;
				h->win[wd][k][1] = (uint16_t)hi;
				h->n[wd]++;
				cur = hi + rnd(r, 0, 4 * 60 / gran) * gran;
				if (pct(r, 40))
					break;
			}
		}
		return;
	}
}

/* An override of instance idx: moved, resized, or cancelled. */
static void
gen_override(uint64_t *r, struct event *e, int idx, int pz, struct override *o)
{
	int64_t	len;

	o->idx = idx;
	o->cancelled = pct(r, 30);
	o->rid_utc = e->form == F_ZONED && pct(r, 20);
	if (e->form == F_DATE) {
		o->start = e->inst[idx] + (int64_t)rnd(r, -2, 2) * DAY;
		o->end = o->start + (int64_t)rnd(r, 1, 2) * DAY;
		return;
	}
	if (pct(r, 70))
		o->start = e->inst[idx] + (int64_t)rnd(r, -12, 12) * GRID;
	else
		o->start = e->inst[idx] + (int64_t)rnd(r, -2, 2) * DAY +
		    (int64_t)rnd(r, -4, 4) * GRID;
	len = pct(r, 50) ? 3600 : (int64_t)rnd(r, 2, 16) * GRID;
	o->end = o->start + len;
	/* A local end in a spring gap can fall before the start: move it. */
	while (instant(e, o->end, pz) <= instant(e, o->start, pz))
		o->end += H;
}

static void
gen_event(uint64_t *r, const struct mix *m, int64_t base, int pz,
    struct event *e)
{
	int64_t	day, tod, cd, len, u;
	int	k, n, form, i, j, ok;

	memset(e, 0, sizeof(*e));
	k = rnd(r, 0, 99);
	form = k < m->zoned ? F_ZONED : k < m->zoned + m->utc ? F_UTC :
	    k < m->zoned + m->utc + m->floating ? F_FLOAT : F_DATE;
	e->form = form;
	e->zone = rnd(r, 0, NZONES - 1);
	e->tzform = pct(r, m->windows) ? TZ_WINDOWS :
	    pct(r, 15) ? TZ_PREFIXED : TZ_IANA;
	if (pct(r, m->rrule)) {
		e->freq = pct(r, 50) ? 'D' : 'W';
		e->interval = e->freq == 'D' ? rnd(r, 1, 3) : rnd(r, 1, 2);
		day = base + rnd(r, -SPAN + 5, 8);
	} else
		day = base + rnd(r, -14, 14);
	tod = pct(r, 60) ? rnd(r, 7 * 12, 19 * 12) * 300 : rnd(r, 0, 287) * 300;
	/* The hour around a clock change, in the zone the time is read in. */
	cd = change_day(&zones[form == F_ZONED || form == F_UTC ? e->zone : pz],
	    day);
	if (form != F_DATE && cd >= 0 && pct(r, m->night)) {
		day = cd + (e->freq != 0 ? -rnd(r, 0, 2) : 0);
		tod = rnd(r, 0, 16) * 900;
	}
	e->start = day * DAY + (form == F_DATE ? 0 : tod);
	if (form == F_UTC)	/* a local time somewhere, written in UTC */
		e->start = wall_utc(&zones[e->zone], e->start, NULL);

	if (form == F_DATE) {
		k = rnd(r, 0, 3);
		e->endform = k < 2 ? E_DTEND : k == 2 ? E_DAYS : E_NONE;
		e->dur = rnd(r, 1, pct(r, 80) ? 1 : 3);
		e->end = e->start + e->dur * DAY;
	} else {
		k = rnd(r, 0, 19);
		e->endform = k < 13 ? E_DTEND : k < 19 ? E_SECS : E_DAYS;
		len = pct(r, 85) ? rnd(r, 3, 48) * 300 : rnd(r, 1, 72) * 3600;
		e->end = e->start + len;
		e->dur = e->endform == E_DAYS ? 1 : len;
		/* A DTEND in a spring gap can fall before DTSTART: move it. */
		while (e->endform == E_DTEND &&
		    instant(e, e->end, pz) <= instant(e, e->start, pz))
			e->end += H;
	}

	n = e->freq != 0 ? rnd(r, 2, 12) : 1;
	if (e->freq == 'W' && pct(r, 35)) {
		e->byday = 1 << weekday(e->start / DAY);	/* DTSTART's, as written */
		for (k = rnd(r, 0, 2); k > 0; k--)
			e->byday |= 1 << rnd(r, 0, 6);
	}
	series(e, n);
	if (e->freq != 0 && pct(r, 50)) {
		/* UNTIL on the last instance, or a little after it. */
		e->has_until = 1;
		u = e->inst[e->ninst - 1];
		if (form == F_ZONED)
			u = instant(e, u, pz);
		if (form != F_DATE && !pct(r, 40))
			u += rnd(r, 1, 59) * MIN;
		e->until = u;
	} else
		e->count = e->ninst;

	if (e->ninst > 1 && pct(r, m->exdate)) {
		e->nex = rnd(r, 1, e->ninst - 1 < 2 ? 1 : 2);
		for (i = 0; i < e->nex; i++)
			do {
				e->exidx[i] = rnd(r, 0, e->ninst - 1);
				for (ok = 1, j = 0; j < i; j++)
					ok &= e->exidx[j] != e->exidx[i];
			} while (!ok);
		e->exutc = form == F_ZONED && pct(r, 30);
		e->exlist = e->nex > 1 && pct(r, 40);
	}
	if (e->ninst > 1 && pct(r, m->override)) {
		n = rnd(r, 1, 2);
		for (i = 0; i < n && e->nov < MAX_OV; i++) {
			k = rnd(r, 0, e->ninst - 1);
			if (is_ex(e, k))
				continue;
			gen_override(r, e, k, pz, &e->ov[e->nov++]);
		}
		e->ovfirst = pct(r, 30);
	}
	if (pct(r, m->flags)) {
		switch (rnd(r, 0, 4)) {
		case 0: e->transp = 1; break;
		case 1: e->cancelled = 1; break;
		case 2: e->declined = 1; break;
		default: e->tentative = pct(r, 50) ? 1 : 2; break;
		}
	}
	e->other_declined = pct(r, 10);
}

/* DTSTART, DTEND, EXDATE, RECURRENCE-ID: v as written, in e's form. */
static void
put_when(struct buf *b, const char *name, const struct event *e, int64_t v,
    int as_utc, int pz)
{
	char	s[64], id[80];

	switch (e->form) {
	case F_ZONED:
		if (as_utc) {
			fmt_wall(s, sizeof(s), instant(e, v, pz));
			bprintf(b, "%s:%sZ\n", name, s);
		} else {
			fmt_wall(s, sizeof(s), v);
			bprintf(b, "%s;TZID=%s:%s\n", name,
			    tzid(e, id, sizeof(id)), s);
		}
		break;
	case F_UTC:
		fmt_wall(s, sizeof(s), v);
		bprintf(b, "%s:%sZ\n", name, s);
		break;
	case F_FLOAT:
		fmt_wall(s, sizeof(s), v);
		bprintf(b, "%s:%s\n", name, s);
		break;
	default:
		fmt_date(s, sizeof(s), v);
		bprintf(b, "%s;VALUE=DATE:%s\n", name, s);
		break;
	}
}

static void
put_flags(struct buf *b, const struct event *e, const char *owner,
    uint64_t *r)
{
	const char	*scheme = pct(r, 30) ? "MAILTO" : "mailto";

	bprintf(b, "ORGANIZER;CN=Someone:mailto:boss@example.com\n");
	if (e->other_declined)
		bprintf(b, "ATTENDEE;PARTSTAT=DECLINED:mailto:other@example.com\n");
	if (e->declined)
		bprintf(b, "ATTENDEE;CN=Me;PARTSTAT=DECLINED:%s:%s\n", scheme,
		    owner);
	else if (e->tentative == 2)
		bprintf(b, "ATTENDEE;PARTSTAT=TENTATIVE;RSVP=TRUE:%s:%s\n",
		    scheme, owner);
	else if (pct(r, 30))
		bprintf(b, "ATTENDEE;PARTSTAT=ACCEPTED:%s:%s\n", scheme, owner);
	if (e->transp)
		bprintf(b, "TRANSP:TRANSPARENT\n");
	else if (pct(r, 30))
		bprintf(b, "TRANSP:OPAQUE\n");
	if (e->cancelled)
		bprintf(b, "STATUS:CANCELLED\n");
	else if (e->tentative == 1)
		bprintf(b, "STATUS:TENTATIVE\n");
	else if (pct(r, 30))
		bprintf(b, "STATUS:CONFIRMED\n");
}

static void
put_override(struct buf *b, const struct event *e, int n, int k,
    const char *owner, int pz, uint64_t *r)
{
	const struct override	*o = &e->ov[k];
	struct event		 dummy = *e;

	bprintf(b, "BEGIN:VEVENT\nUID:ev%d@property.test\n"
	    "DTSTAMP:20270101T000000Z\nSEQUENCE:1\n", n);
	put_when(b, "RECURRENCE-ID", e, e->inst[o->idx], o->rid_utc, pz);
	put_when(b, "DTSTART", e, o->start, 0, pz);
	put_when(b, "DTEND", e, o->end, 0, pz);
	bprintf(b, "SUMMARY:moved\n");
	dummy.cancelled = e->cancelled || o->cancelled;
	put_flags(b, &dummy, owner, r);
	bprintf(b, "END:VEVENT\n");
}

static void
put_event(struct buf *b, const struct event *e, int n, const char *owner,
    int pz, uint64_t *r)
{
	static const char *const dn[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
	char	s[64], id[80];
	int	i, k;

	if (e->ovfirst)
		for (i = 0; i < e->nov; i++)
			put_override(b, e, n, i, owner, pz, r);
	bprintf(b, "BEGIN:VEVENT\nUID:ev%d@property.test\n"
	    "DTSTAMP:20270101T000000Z\nSUMMARY:event %d\n", n, n);
	put_when(b, "DTSTART", e, e->start, 0, pz);
	if (e->endform == E_DTEND)
		put_when(b, "DTEND", e, e->end, 0, pz);
	else if (e->endform == E_SECS)
		bprintf(b, "DURATION:PT%dH%dM\n", (int)(e->dur / H),
		    (int)(e->dur % H / MIN));
	else if (e->endform == E_DAYS)
		bprintf(b, "DURATION:P%dD\n", (int)e->dur);
	if (e->freq != 0) {
		bprintf(b, "RRULE:FREQ=%s", e->freq == 'D' ? "DAILY" : "WEEKLY");
		if (e->interval > 1)
			bprintf(b, ";INTERVAL=%d", e->interval);
		if (e->has_until) {
			if (e->form == F_DATE) {
				fmt_date(s, sizeof(s), e->until);
				bprintf(b, ";UNTIL=%s", s);
			} else {
				fmt_wall(s, sizeof(s), e->until);
				bprintf(b, ";UNTIL=%s%s", s,
				    e->form == F_FLOAT ? "" : "Z");
			}
		} else
			bprintf(b, ";COUNT=%d", e->count);
		for (i = 0, k = 0; i < 7; i++)
			if (e->byday & 1 << i)
				bprintf(b, "%s%s", k++ ? "," : ";BYDAY=", dn[i]);
		bprintf(b, "\n");
	}
	if (e->exlist && e->form == F_ZONED && !e->exutc) {
		bprintf(b, "EXDATE;TZID=%s:", tzid(e, id, sizeof(id)));
		for (i = 0; i < e->nex; i++) {
			fmt_wall(s, sizeof(s), e->inst[e->exidx[i]]);
			bprintf(b, "%s%s", i ? "," : "", s);
		}
		bprintf(b, "\n");
	} else
		for (i = 0; i < e->nex; i++)
			put_when(b, "EXDATE", e, e->inst[e->exidx[i]], e->exutc,
			    pz);
	put_flags(b, e, owner, r);
	bprintf(b, "END:VEVENT\n");
	if (!e->ovfirst)
		for (i = 0; i < e->nov; i++)
			put_override(b, e, n, i, owner, pz, r);
}

/* The text of p's calendar: one or more VCALENDARs, LF or CRLF. */
static void
put_calendar(uint64_t *r, const struct mix *m, struct party *p)
{
	struct buf	b = { NULL, 0, 0 };
	int		ncal = pct(r, m->split) ? rnd(r, 2, 3) : 1;
	int		c, i, z, used, crlf, embed = pct(r, m->embed_iana);
	size_t		k, e;

	for (c = 0; c < ncal; c++) {
		bprintf(&b, "BEGIN:VCALENDAR\nVERSION:2.0\n"
		    "PRODID:-//tandem//property test//EN\n");
		for (z = 0; z < NZONES; z++) {
			used = 0;
			for (i = c; i < p->nev; i += ncal)
				if (p->ev[i].form == F_ZONED && p->ev[i].zone == z &&
				    (p->ev[i].tzform == TZ_WINDOWS ||
				    (p->ev[i].tzform == TZ_IANA && embed)))
					used |= 1 << p->ev[i].tzform;
			if (used & 1 << TZ_WINDOWS)
				bprintf(&b, "BEGIN:VTIMEZONE\nTZID:%s\n%s"
				    "END:VTIMEZONE\n", zones[z].windows,
				    zones[z].rules);
			if (used & 1 << TZ_IANA)
				bprintf(&b, "BEGIN:VTIMEZONE\nTZID:%s\n%s"
				    "END:VTIMEZONE\n", zones[z].iana,
				    zones[z].rules);
		}
		for (i = c; i < p->nev; i += ncal)
			put_event(&b, &p->ev[i], i, p->email, p->zone, r);
		bprintf(&b, "END:VCALENDAR\n");
	}
	p->text.n = 0;
	crlf = pct(r, 30);
	for (k = 0; k < b.n; k = e + 1) {
		e = k + strcspn(b.p + k, "\n");
		bprintf(&p->text, "%.*s%s", (int)(e - k), b.p + k,
		    crlf ? "\r\n" : "\n");
	}
	free(b.p);
}

/* --- working hours ------------------------------------------------------- */

/*
 * p's working hours as UTC intervals for the local days around the base:
 * each window's ends are converted like any wall time (RFC 5545's rule, see
 * wall_utc()); 24:00 is the next day's midnight; windows that touch, also
 * across midnight, join.
 */
static void
truth_hours(struct world *w, struct party *p)
{
	const struct zone	*z = &zones[p->zone];
	int64_t			 d, a, b;
	size_t			 n = 0;
	int			 wd, k;

	p->hours.n = 0;
	for (d = w->base - SPAN - 2; d <= w->base + SPAN + 2; d++) {
		wd = weekday(d);
		for (k = 0; k < p->h.n[wd]; k++) {
			a = wall_utc(z, d * DAY + p->h.win[wd][k][0] * MIN, NULL);
			b = wall_utc(z, d * DAY + p->h.win[wd][k][1] * MIN, NULL);
			if (a < b)
				ival_add(&p->hours, a, b, 0);
		}
	}
	/* In order already: windows are sorted and days follow each other. */
	for (k = 0; (size_t)k < p->hours.n; k++) {
		if (n > 0 && p->hours.v[k].start <= p->hours.v[n - 1].end) {
			if (p->hours.v[k].end > p->hours.v[n - 1].end)
				p->hours.v[n - 1].end = p->hours.v[k].end;
		} else
			p->hours.v[n++] = p->hours.v[k];
	}
	p->hours.n = n;
}

static int
in_hours(const struct party *p, int64_t s, int64_t e)
{
	size_t	i;

	for (i = 0; i < p->hours.n; i++)
		if (p->hours.v[i].start <= s && e <= p->hours.v[i].end)
			return 1;
	return 0;
}

/* Does [s, e) overlap an instant of p's that blocks under policy tb? */
static int
blocked(const struct party *p, int tb, int64_t s, int64_t e)
{
	size_t	i;

	for (i = 0; i < p->truth.n; i++) {
		const struct busy *g = &p->truth.v[i];

		if (g->kind == BUSY_TENTATIVE && !tb)
			continue;
		if (g->start < g->end && g->start < e && s < g->end)
			return 1;
	}
	return 0;
}

/* --- the brute-force slot search ---------------------------------------- */

static int
business(const struct session *s, int64_t d)
{
	size_t	i;

	if (weekday(d) >= 5)
		return 0;
	for (i = 0; i < s->nhol; i++)
		if (s->hol[i] == d)
			return 0;
	return 1;
}

/* Business days between day d and the nominal day; -1 outside the window. */
static int
distance(const struct session *s, int64_t d)
{
	int64_t	x;
	int	n = 0, step = d < s->nominal ? 1 : -1;

	if (!business(s, d))
		return -1;
	for (x = d; x != s->nominal; x += step)
		if (business(s, x))
			n++;
	return n <= s->flex ? n : -1;
}

static long
score(const struct session *s, int64_t day, int dist, int minute)
{
	long	habit = s->habit_wd >= 0 && weekday(day) == s->habit_wd &&
	    minute == s->habit_min ? 0 : NOHABIT;

	return habit + DAYW * dist + labs((long)(minute - s->minute));
}

static int
usable(const struct world *w, const struct session *s, int64_t t)
{
	int	i;

	if (t < s->not_before)
		return 0;
	for (i = 0; i < 2; i++)
		if (!in_hours(&w->p[i], t, t + s->length) ||
		    blocked(&w->p[i], s->tentative_blocks, t - s->buffer,
		    t + s->length + s->buffer))
			return 0;
	return 1;
}

/* Every 15 minutes of every day within flex: lowest score, then earliest. */
static void
brute(const struct world *w, const struct session *s, struct pick *best)
{
	const struct zone	*z = &zones[s->zone];
	int64_t			 d, t;
	long			 sc;
	int			 dist, m, exists;

	memset(best, 0, sizeof(*best));
	for (d = s->nominal - 25; d <= s->nominal + 25; d++) {
		dist = distance(s, d);
		if (dist < 0)
			continue;
		for (m = 0; m < 1440; m += 15) {
			t = wall_utc(z, d * DAY + m * MIN, &exists);
			if (!exists)
				continue;	/* skipped by the clock change */
			sc = score(s, d, dist, m);
			if (best->found && (sc > best->score ||
			    (sc == best->score && t >= best->start)))
				continue;
			if (!usable(w, s, t))
				continue;
			best->found = 1;
			best->start = t;
			best->score = sc;
		}
	}
}

/* --- failure reports ----------------------------------------------------- */

static void
dump_ivals(const char *label, const struct busy *v, size_t n)
{
	char	a[64], b[64];
	size_t	i;

	for (i = 0; i < n; i++)
		printf("# %s %zu: %sZ - %sZ kind %d\n", label, i,
		    show(v[i].start, a, sizeof(a)), show(v[i].end, b, sizeof(b)),
		    v[i].kind);
}

static void
dump_text(const char *text)
{
	const char	*p = text, *q;

	while (*p != '\0') {
		q = strchr(p, '\n');
		if (q == NULL)
			q = p + strlen(p);
		printf("#   %.*s\n", (int)(q - p - (q > p && q[-1] == '\r')), p);
		p = *q == '\n' ? q + 1 : q;
	}
}

static void
dump_session(const struct session *s)
{
	char	a[64];
	size_t	i;

	printf("# session: zone %s nominal %.10s minute %d length %d buffer %d "
	    "flex %d habit %d/%d not_before %s tentative_blocks %d holidays",
	    zones[s->zone].iana, show(s->nominal * DAY, a, sizeof(a)), s->minute,
	    s->length / MIN, s->buffer / MIN, s->flex, s->habit_wd,
	    s->habit_min, s->not_before ? show(s->not_before, a, sizeof(a)) :
	    "0", s->tentative_blocks);
	for (i = 0; i < s->nhol; i++)
		printf(" %.10s", show((int64_t)s->hol[i] * DAY, a, sizeof(a)));
	printf("\n");
}

static void
dump_world(const struct world *w)
{
	const struct party	*p;
	int			 i, wd, k;

	for (i = 0; i < 2; i++) {
		p = &w->p[i];
		printf("# person %d: %s, zone %s, hours:", i, p->email,
		    zones[p->zone].iana);
		for (wd = 0; wd < 7; wd++)
			for (k = 0; k < p->h.n[wd]; k++)
				printf(" d%d %02d:%02d-%02d:%02d", wd,
				    p->h.win[wd][k][0] / 60, p->h.win[wd][k][0] % 60,
				    p->h.win[wd][k][1] / 60, p->h.win[wd][k][1] % 60);
		printf("\n# calendar %d:\n", i);
		if (p->text.p != NULL)
			dump_text(p->text.p);
	}
}

static void
fail(const char *fmt, ...)
{
	va_list	ap;

	printf("# %s: ", cur_w != NULL ? cur_w->test : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cur_w != NULL) {
		dump_world(cur_w);
		if (cur_s != NULL) {
			printf("# (session %d of the case)\n", cur_k);
			dump_session(cur_s);
		}
		printf("# rerun: PROP_SEED=0x%016llx tests/unit/test-property %s\n",
		    (unsigned long long)cur_w->seed, cur_w->test);
	}
	fflush(stdout);
	exit(1);
}

/* --- the properties ------------------------------------------------------ */

static int
cmp_kind_start(const void *a, const void *b)
{
	const struct busy	*p = a, *q = b;

	if (p->kind != q->kind)
		return p->kind - q->kind;
	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	return (p->end > q->end) - (p->end < q->end);
}

static int
cmp_start(const void *a, const void *b)
{
	const struct busy	*p = a, *q = b;

	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	if (p->kind != q->kind)
		return p->kind - q->kind;
	return (p->end > q->end) - (p->end < q->end);
}

/* Property 0: the busy layer read exactly the brute-force instances. */
static void
check_busy(const struct world *w, const struct party *p)
{
	struct ivals	want = { NULL, 0, 0 };
	size_t		i, n = 0;
	int64_t		a, b;

	for (i = 0; i < p->truth.n; i++) {
		a = p->truth.v[i].start > w->from ? p->truth.v[i].start : w->from;
		b = p->truth.v[i].end < w->to ? p->truth.v[i].end : w->to;
		if (a < b)
			ival_add(&want, a, b, p->truth.v[i].kind);
	}
	if (want.n > 0)
		qsort(want.v, want.n, sizeof(*want.v), cmp_kind_start);
	for (i = 0; i < want.n; i++) {
		if (n > 0 && want.v[i].kind == want.v[n - 1].kind &&
		    want.v[i].start <= want.v[n - 1].end) {
			if (want.v[i].end > want.v[n - 1].end)
				want.v[n - 1].end = want.v[i].end;
		} else
			want.v[n++] = want.v[i];
	}
	want.n = n;
	if (want.n > 0)
		qsort(want.v, want.n, sizeof(*want.v), cmp_start);
	for (i = 0; i < want.n && i < p->set.n; i++)
		if (want.v[i].start != p->set.v[i].start ||
		    want.v[i].end != p->set.v[i].end ||
		    want.v[i].kind != p->set.v[i].kind)
			break;
	if (i < want.n || i < p->set.n) {
		dump_ivals("busy_from_ical", p->set.v, p->set.n);
		dump_ivals("brute force", want.v, want.n);
		free(want.v);
		fail("%s: busy_from_ical() read %zu intervals, the brute force "
		    "has %zu; first difference at %zu", p->email, p->set.n,
		    want.n, i);
	}
	free(want.v);
}

/* Property 1: the chosen slot is usable and scored as slots.h defines. */
static void
check_sound(const struct world *w, const struct session *s,
    const struct slots_result *res)
{
	const struct zone	*z = &zones[s->zone];
	int64_t			 local = res->start + zoff(z, res->start);
	int64_t			 day = local / DAY;
	int			 minute = (int)(local % DAY / MIN), dist, i;
	char			 a[64];

	if (res->end != res->start + s->length)
		fail("end %lld is not start %lld + length %d",
		    (long long)res->end, (long long)res->start, s->length);
	if (local % GRID != 0)
		fail("start %sZ is off the program zone's grid",
		    show(res->start, a, sizeof(a)));
	if (wall_utc(z, local, NULL) != res->start)
		fail("start %sZ is the second occurrence of its wall time",
		    show(res->start, a, sizeof(a)));
	dist = distance(s, day);
	if (dist < 0)
		fail("start %sZ: its day is no business day within flex",
		    show(res->start, a, sizeof(a)));
	if (res->start < s->not_before)
		fail("start %sZ is before not_before", show(res->start, a,
		    sizeof(a)));
	for (i = 0; i < 2; i++) {
		if (!in_hours(&w->p[i], res->start, res->end))
			fail("start %sZ: outside the working hours of %s",
			    show(res->start, a, sizeof(a)), w->p[i].email);
		if (blocked(&w->p[i], s->tentative_blocks,
		    res->start - s->buffer, res->end + s->buffer))
			fail("start %sZ: overlaps busy time of %s (buffer %d)",
			    show(res->start, a, sizeof(a)), w->p[i].email,
			    s->buffer / MIN);
	}
	if (res->score != score(s, day, dist, minute))
		fail("start %sZ: score %ld, by slots.h %ld", show(res->start, a,
		    sizeof(a)), res->score, score(s, day, dist, minute));
}

/* Property 2: the same answer as the brute force. */
static void
check_best(const struct slots_result *res, const struct pick *bf)
{
	char	a[64], b[64];

	if (res->found != bf->found)
		fail("slots_find() found %d (%sZ, score %ld), the brute force "
		    "%d (%sZ, score %ld)", res->found, res->found ?
		    show(res->start, a, sizeof(a)) : "-", res->found ?
		    res->score : 0, bf->found, bf->found ? show(bf->start, b,
		    sizeof(b)) : "-", bf->found ? bf->score : 0);
	if (!bf->found)
		return;
	if (res->score != bf->score || res->start != bf->start)
		fail("slots_find() chose %sZ (score %ld), the brute force %sZ "
		    "(score %ld)", show(res->start, a, sizeof(a)), res->score,
		    show(bf->start, b, sizeof(b)), bf->score);
}

/* --- one case ------------------------------------------------------------ */

static void
gen_session(uint64_t *r, const struct world *w, struct session *s)
{
	static const int buffers[] = { 0, 10, 15 };
	int32_t		 d;
	size_t		 i, j;

	memset(s, 0, sizeof(*s));
	s->zone = pct(r, 40) ? w->p[rnd(r, 0, 1)].zone : rnd(r, 0, NZONES - 1);
	s->nominal = w->base + rnd(r, -5, 5);
	s->minute = pct(r, 75) ? rnd(r, 8 * 60, 17 * 60) : rnd(r, 0, 1439);
	if (pct(r, 50))
		s->minute -= s->minute % 15;
	s->length = rnd(r, 2, 4) * GRID;
	s->buffer = buffers[rnd(r, 0, 2)] * MIN;
	s->flex = rnd(r, 0, 5);
	if (pct(r, 50))
		for (i = rnd(r, 1, MAX_HOL); i > 0; i--) {
			d = (int32_t)(s->nominal + rnd(r, -7, 7));
			for (j = 0; j < s->nhol && s->hol[j] < d; j++)
				;
			if (j < s->nhol && s->hol[j] == d)
				continue;
			memmove(&s->hol[j + 1], &s->hol[j],
			    (s->nhol - j) * sizeof(s->hol[0]));
			s->hol[j] = d;
			s->nhol++;
		}
	s->habit_wd = -1;
	if (pct(r, 60)) {
		s->habit_wd = weekday(s->nominal + rnd(r, -2, 2));
		s->habit_min = pct(r, 80) ? rnd(r, 28, 76) * 15 : rnd(r, 0, 1439);
	}
	if (pct(r, 50))
		s->not_before = wall_utc(&zones[s->zone],
		    (s->nominal + rnd(r, -3, 2)) * DAY, NULL) +
		    rnd(r, 0, 95) * GRID + (pct(r, 50) ? rnd(r, 0, GRID - 1) : 0);
	s->tentative_blocks = pct(r, 50);
}

/* The longest interval of a set: what lib/calendars.c gives slots.c. */
static int64_t
set_longest(const struct busy_set *set)
{
	int64_t	m = 0;
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].end - set->v[i].start > m)
			m = set->v[i].end - set->v[i].start;
	return m;
}

static void
run_slots(const struct world *w, const struct session *s,
    struct slots_result *res)
{
	struct slots_req	req;
	int			i, rc;

	memset(&req, 0, sizeof(req));
	req.tz = zones[s->zone].ical;
	req.nominal_day = (int32_t)s->nominal;
	req.nominal_minute = s->minute;
	req.length = s->length;
	req.buffer = s->buffer;
	req.flex = s->flex;
	req.holidays = s->nhol > 0 ? s->hol : NULL;
	req.nholidays = s->nhol;
	req.habit_weekday = s->habit_wd;
	req.habit_minute = s->habit_min;
	req.not_before = s->not_before;
	req.tentative_blocks = s->tentative_blocks;
	for (i = 0; i < 2; i++) {
		req.who[i].email = w->p[i].email;
		req.who[i].tz = zones[w->p[i].zone].ical;
		req.who[i].hours = &w->p[i].h;
		req.who[i].busy = w->p[i].set.v;
		req.who[i].nbusy = w->p[i].set.n;
		/* Half the requests take the binary-search shortcut. */
		req.who[i].longest = s->nominal % 2 ? set_longest(&w->p[i].set) : 0;
	}
	memset(res, 0x5a, sizeof(*res));
	rc = slots_find(&req, res);
	if (rc != 0)
		fail("slots_find() = %d", rc);
}

static void
read_calendar(struct world *w, struct party *p)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct busy_req		 req;
	int			 rc;

	if (d == NULL)
		TT_FAIL("tandem_diag_new() failed");
	memset(&req, 0, sizeof(req));
	req.source = p->email;
	req.owner = p->email;
	req.floating = zones[p->zone].ical;
	req.from = w->from;
	req.to = w->to;
	rc = busy_from_ical(&req, p->text.p, &p->set, d);
	if (rc == 0 && tandem_diag_count(d) == 0)
		rc = busy_merge(&p->set);
	if (rc != 0 || tandem_diag_count(d) != 0) {
		printf("# busy_from_ical() = %d: %s\n", rc,
		    tandem_diag_count(d) > 0 ? tandem_diag_get(d, 0) : "");
		tandem_diag_free(d);
		fail("%s: the calendar was not read cleanly", p->email);
	}
	tandem_diag_free(d);
}

struct stats {
	long	cases, sessions, found, intervals, events;
};

static void
run_case(const char *test, const struct mix *m, uint64_t seed,
    struct stats *st)
{
	static const int anchors[][3] = {
		{ 2027, 3, 14 }, { 2027, 3, 28 }, { 2027, 4, 4 },
		{ 2027, 10, 3 }, { 2027, 10, 31 }, { 2027, 11, 7 },
	};
	struct world		 w;
	struct session		 s;
	struct slots_result	 res;
	struct pick		 bf;
	struct party		*p;
	uint64_t		 r = seed;
	int			 i, k, a;

	memset(&w, 0, sizeof(w));
	w.seed = seed;
	w.test = test;
	cur_w = &w;
	cur_s = NULL;
	if (pct(&r, m->dst)) {
		a = rnd(&r, 0, (int)TANDEM_NELEM(anchors) - 1);
		w.base = civil(anchors[a][0], anchors[a][1], anchors[a][2]) +
		    rnd(&r, -6, 6);
	} else
		w.base = civil(2027, 1, 4) + rnd(&r, 0, 350);
	w.from = (w.base - SPAN) * DAY;
	w.to = (w.base + SPAN + 1) * DAY;
	w.p[0].email = "mentor@example.org";
	w.p[1].email = "mentee@example.org";
	for (i = 0; i < 2; i++) {
		p = &w.p[i];
		p->zone = rnd(&r, 0, NZONES - 1);
		gen_hours(&r, &p->h);
		p->nev = rnd(&r, m->min_ev, m->max_ev);
		for (k = 0; k < p->nev; k++) {
			gen_event(&r, m, w.base, p->zone, &p->ev[k]);
			truth_event(&p->ev[k], p->zone, &p->truth);
		}
		put_calendar(&r, m, p);
		truth_hours(&w, p);
		read_calendar(&w, p);
		check_busy(&w, p);
		st->intervals += (long)p->set.n;
		st->events += p->nev;
	}
	for (k = 0; k < m->nsessions; k++) {
		gen_session(&r, &w, &s);
		cur_s = &s;
		cur_k = k;
		run_slots(&w, &s, &res);
		brute(&w, &s, &bf);
		if (res.found)
			check_sound(&w, &s, &res);
		check_best(&res, &bf);
		st->sessions++;
		st->found += res.found;
	}
	if (getenv("PROP_SEED") != NULL) {
		dump_world(&w);
		dump_ivals("busy 0", w.p[0].set.v, w.p[0].set.n);
		dump_ivals("busy 1", w.p[1].set.v, w.p[1].set.n);
	}
	for (i = 0; i < 2; i++) {
		free(w.p[i].text.p);
		free(w.p[i].truth.v);
		free(w.p[i].hours.v);
		busy_set_free(&w.p[i].set);
	}
	cur_w = NULL;
	cur_s = NULL;
	st->cases++;
}

/* Run m's cases from seed0; PROP_SEED runs one case, PROP_SCALE more. */
static void
property(const char *test, const struct mix *m, uint64_t seed0)
{
	struct stats	 st = { 0, 0, 0, 0, 0 };
	const char	*one = getenv("PROP_SEED"), *scale = getenv("PROP_SCALE");
	long		 n = m->ncases, i;
	uint64_t	 s;

	zones_load();
	if (one != NULL) {
		run_case(test, m, strtoull(one, NULL, 0), &st);
		return;
	}
	if (scale != NULL && atol(scale) > 0)
		n *= atol(scale);
	for (i = 0; i < n; i++) {
		s = seed0 + (uint64_t)i;
		run_case(test, m, splitmix(&s), &st);
	}
	printf("# %s: %ld cases, %ld events, %ld busy intervals, "
	    "%ld sessions, %ld found\n", test, st.cases, st.events,
	    st.intervals, st.sessions, st.found);
	/* A generator that never finds, or always finds, tests little. */
	ASSERT_TRUE(st.found > st.sessions / 10);
	ASSERT_TRUE(st.found < st.sessions * 9 / 10);
}

/* --- the oracle itself --------------------------------------------------- */

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return civil(y, m, d) * DAY + hh * H + mm * MIN;
}

static int64_t
wall(int y, int m, int d, int hh, int mm)
{
	return utc(y, m, d, hh, mm);
}

TEST(zone_model)
{
	const struct zone	*z;
	struct tm		 tm;
	int64_t			 t, w;
	int			 i, k, exists, near;

	zones_load();
	/* The 2027 changes, from the tz database by hand. */
	ASSERT_EQ(zones[0].ntr, 4);
	ASSERT_EQ(zones[0].tr[1], utc(2027, 3, 28, 1, 0));
	ASSERT_EQ(zones[0].tr[2], utc(2027, 10, 31, 1, 0));
	ASSERT_EQ(zones[1].tr[1], utc(2027, 3, 14, 7, 0));
	ASSERT_EQ(zones[1].tr[2], utc(2027, 11, 7, 6, 0));
	ASSERT_EQ(zones[2].ntr, 0);
	ASSERT_EQ(zones[2].off[0], 5 * H + 30 * MIN);
	ASSERT_EQ(zones[3].tr[1], utc(2027, 4, 3, 16, 0));
	ASSERT_EQ(zones[3].tr[2], utc(2027, 10, 2, 16, 0));
	/* RFC 5545: the gap reads with the offset before, the overlap first. */
	ASSERT_EQ(wall_utc(&zones[0], wall(2027, 3, 28, 2, 30), &exists),
	    utc(2027, 3, 28, 1, 30));
	ASSERT_EQ(exists, 0);
	ASSERT_EQ(wall_utc(&zones[0], wall(2027, 3, 28, 3, 0), &exists),
	    utc(2027, 3, 28, 1, 0));
	ASSERT_EQ(exists, 1);
	ASSERT_EQ(wall_utc(&zones[0], wall(2027, 10, 31, 2, 30), &exists),
	    utc(2027, 10, 31, 0, 30));
	ASSERT_EQ(exists, 1);
	ASSERT_EQ(wall_utc(&zones[0], wall(2027, 10, 31, 3, 0), NULL),
	    utc(2027, 10, 31, 2, 0));
	ASSERT_EQ(wall_utc(&zones[1], wall(2027, 3, 14, 2, 30), &exists),
	    utc(2027, 3, 14, 7, 30));
	ASSERT_EQ(exists, 0);
	ASSERT_EQ(wall_utc(&zones[1], wall(2027, 11, 7, 1, 30), NULL),
	    utc(2027, 11, 7, 5, 30));
	ASSERT_EQ(wall_utc(&zones[3], wall(2027, 4, 4, 2, 30), NULL),
	    utc(2027, 4, 3, 15, 30));
	ASSERT_EQ(wall_utc(&zones[3], wall(2027, 10, 3, 2, 30), &exists),
	    utc(2027, 10, 2, 16, 30));
	ASSERT_EQ(exists, 0);
	ASSERT_EQ(wall_utc(&zones[2], wall(2027, 7, 1, 9, 0), NULL),
	    utc(2027, 7, 1, 3, 30));
	for (t = civil(2026, 12, 1); t < civil(2028, 2, 1); t++) {
		broken(t * DAY, &tm);
		ASSERT_EQ(weekday(t), (tm.tm_wday + 6) % 7);
	}
	/* Away from the changes, mktime() agrees (every 13 hours of 2027). */
	for (i = 0; i < NZONES; i++) {
		z = &zones[i];
		use_tz(z->iana);
		for (w = wall(2027, 1, 1, 0, 0); w < wall(2028, 1, 1, 0, 0);
		    w += 13 * H) {
			t = wall_utc(z, w, NULL);
			for (near = 0, k = 0; k < z->ntr; k++)
				near |= t > z->tr[k] - DAY && t < z->tr[k] + DAY;
			if (near)
				continue;
			broken(w, &tm);
			tm.tm_isdst = -1;
			ASSERT_EQ((int64_t)mktime(&tm), t);
		}
	}
	use_tz(NULL);
}

/* --- the feature mixes --------------------------------------------------- */

/* Single timed events in zones, UTC and floating; some free or tentative. */
static const struct mix m_timed = {
	"timed_events", 60, 20, 20, 0, 0, 0, 15, 20, 0, 20, 30, 40,
	4, 16, 30, 8
};

/* All-day events (one and several days) among a few timed ones. */
static const struct mix m_all_day = {
	"all_day_events", 20, 5, 10, 20, 20, 20, 10, 10, 0, 30, 20, 30,
	2, 8, 30, 8
};

/* Daily and weekly series: COUNT, UNTIL, BYDAY, EXDATE, moved and
 * cancelled instances. */
static const struct mix m_recurring = {
	"recurring", 50, 15, 15, 85, 45, 45, 10, 10, 0, 30, 20, 30,
	3, 10, 30, 8
};

/* Outlook-style TZIDs with embedded VTIMEZONEs, several VCALENDARs. */
static const struct mix m_embedded = {
	"embedded_vtimezones", 85, 5, 5, 40, 30, 30, 70, 50, 60, 30, 20, 20,
	3, 12, 25, 8
};

/* Bases near the 2027 clock changes, events in the small hours. */
static const struct mix m_dst = {
	"around_dst_changes", 55, 10, 20, 40, 30, 30, 20, 20, 20, 100, 50, 20,
	4, 14, 30, 8
};

/* Everything at once. */
static const struct mix m_all = {
	"everything", 45, 15, 15, 40, 30, 30, 25, 20, 30, 40, 20, 30,
	2, 20, 30, 8
};

TEST(timed_events)
{
	property("timed_events", &m_timed, 0x7a6d000000000100ULL);
}

TEST(all_day_events)
{
	property("all_day_events", &m_all_day, 0x7a6d000000000200ULL);
}

TEST(recurring)
{
	property("recurring", &m_recurring, 0x7a6d000000000300ULL);
}

TEST(embedded_vtimezones)
{
	property("embedded_vtimezones", &m_embedded, 0x7a6d000000000400ULL);
}

TEST(around_dst_changes)
{
	property("around_dst_changes", &m_dst, 0x7a6d000000000500ULL);
}

TEST(everything)
{
	property("everything", &m_all, 0x7a6d000000000600ULL);
}

TT_MAIN(
	CASE(zone_model),
	CASE(timed_events),
	CASE(all_day_events),
	CASE(recurring),
	CASE(embedded_vtimezones),
	CASE(around_dst_changes),
	CASE(everything)
)
