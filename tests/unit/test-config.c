/*
 * The configuration loader: tandem.conf, people.csv and pairs.csv as a user
 * writes them, with every kind of mistake.  Each test builds its files in a
 * fresh directory, loads them through the public API and checks the exact
 * "file:line: message" the user would see, and that nothing half-loaded is
 * handed back.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "tt.h"
#include "tandem-int.h"
#include "model.h"

/* Line numbers of the base tandem.conf written by conf(). */
enum {
	L_DAEMON = 2, L_STATE = 3, L_PROGRAM = 5, L_ORGANIZER, L_CADENCE, L_START,
	L_DURATION, L_TIMEZONE, L_PEOPLE, L_PAIRS, L_EXTRA
};

static const char *const base_conf[] = {
	"# tandem.conf written by test-config",	/* 1 */
	"[daemon]",
	"state = state/state.db",
	"",
	"[program p]",				/* 5 */
	"organizer = mailto:org@example.org",
	"cadence = every 2 weeks",
	"start = 2027-01-04",
	"duration = 6 months",
	"timezone = Europe/Berlin",		/* 10 */
	"people = people.csv",
	"pairs = pairs.csv",
	NULL					/* L_EXTRA: appended lines */
};

static const char base_people[] =
	"email,name,tz,calendar,hours\n"
	"ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n"
	"bob@example.org,Bob,America/New_York,file:cal/bob.ics,Mon-Fri 08:00-16:00\n"
	"cy@example.org,Cy,Europe/London,file:cal/cy.ics,\n"
	"dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\n";

static const char base_pairs[] =
	"mentor,mentee,start\n"
	"ann@example.org,bob@example.org,\n"
	"cy@example.org,dee@example.org,2027-02-01 15:00\n";

static const char calendar[] =
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tandem//test//EN\r\n"
	"END:VCALENDAR\r\n";

static const char holidays[] =
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tandem//test//EN\r\n"
	"BEGIN:VEVENT\r\nUID:h1@example.org\r\nDTSTAMP:20261101T120000Z\r\n"
	"DTSTART;VALUE=DATE:20270118\r\nDTEND;VALUE=DATE:20270119\r\n"
	"SUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/* The fixture directory of the running test; removed at exit, even on failure. */
static char fixdir[PATH_MAX];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	if (fixdir[0] != '\0')
		nftw(fixdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	fixdir[0] = '\0';
}

/* A path inside the fixture directory, in a rotating set of buffers. */
static const char *
at(const char *fmt, ...)
{
	static char	buf[8][PATH_MAX + 256];
	static int	next;
	char		*b = buf[next++ % 8];
	int		 n;
	va_list		 ap;

	n = snprintf(b, PATH_MAX, "%s/", fixdir);
	va_start(ap, fmt);
	vsnprintf(b + n, sizeof(buf[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	return b;
}

/* Write text to name (relative to the fixture), creating its directory. */
static void
put(const char *name, const char *text)
{
	char	 dir[PATH_MAX + 256], *slash;
	FILE	*f;

	snprintf(dir, sizeof(dir), "%s", at("%s", name));
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		TT_FAIL("mkdir %s: %s", dir, strerror(errno));
	f = fopen(at("%s", name), "wb");
	if (f == NULL)
		TT_FAIL("cannot write %s: %s", name, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		TT_FAIL("cannot write %s", name);
}

/*
 * tandem.conf: the base lines, where edits replace the line of the key they
 * name (keeping the line numbers of the others) or, for a key not in the
 * base, are appended from L_EXTRA on.  edits: key, line, ..., NULL.  A
 * replacement "" leaves an empty line.
 */
static void
conf(const char *const *edits)
{
	char	 text[8192] = "";
	size_t	 i, k, len;
	int	 used[32] = { 0 };

	for (i = 0; base_conf[i] != NULL; i++) {
		const char *line = base_conf[i];

		for (k = 0; edits != NULL && edits[k] != NULL; k += 2) {
			len = strlen(edits[k]);
			if (!used[k / 2] && strncmp(line, edits[k], len) == 0 &&
			    (line[len] == ' ' || line[len] == '\0')) {
				line = edits[k + 1];
				used[k / 2] = 1;
				break;
			}
		}
		strcat(text, line);
		strcat(text, "\n");
	}
	for (k = 0; edits != NULL && edits[k] != NULL; k += 2)
		if (!used[k / 2]) {
			strcat(text, edits[k + 1]);
			strcat(text, "\n");
		}
	put("tandem.conf", text);
}

#define EDITS(...)	((const char *const []){ __VA_ARGS__, NULL })

/* A fresh directory with a valid configuration in it. */
static void
fixture(void)
{
	static int	registered;
	const char	*tmp = getenv("TMPDIR");

	if (!registered && atexit(cleanup) == 0)
		registered = 1;
	cleanup();
	snprintf(fixdir, sizeof(fixdir), "%s/tandem-test-config.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(fixdir) == NULL)
		TT_FAIL("mkdtemp: %s", strerror(errno));
	conf(NULL);
	put("people.csv", base_people);
	put("pairs.csv", base_pairs);
	put("cal/ann.ics", calendar);
	put("cal/bob.ics", calendar);
	put("cal/cy.ics", calendar);
	put("cal/dee.ics", calendar);
}

static void
dump(const struct tandem_diag *d)
{
	size_t	i;

	for (i = 0; i < tandem_diag_count(d); i++)
		printf("# diag %zu: %s\n", i, tandem_diag_get(d, i));
}

/* Load the fixture; expect failure and return the diag (caller frees). */
static struct tandem_diag *
load_fails(void)
{
	static struct tandem_config sentinel;
	struct tandem_config	*cfg = &sentinel;	/* must come back NULL */
	struct tandem_diag	*d = tandem_diag_new();
	int			 rc;

	ASSERT_TRUE(d != NULL);
	rc = tandem_config_load(at("tandem.conf"), &cfg, d);
	if (rc != TANDEM_ECONFIG)
		dump(d);
	ASSERT_EQ(rc, TANDEM_ECONFIG);
	ASSERT_TRUE(cfg == NULL);
	ASSERT_TRUE(tandem_diag_count(d) > 0);
	return d;
}

/* Load the fixture; expect success (caller frees). */
static struct tandem_config *
load_ok(const char *path)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_diag	*d = tandem_diag_new();
	int			 rc;

	rc = tandem_config_load(path, &cfg, d);
	if (rc != 0)
		dump(d);
	ASSERT_EQ(rc, 0);
	ASSERT_TRUE(cfg != NULL);
	ASSERT_EQ(tandem_diag_count(d), 0);
	tandem_diag_free(d);
	return cfg;
}

/*
 * Message i of d is "DIR/file:line: ..." (exactly that file and line) and
 * contains each of the needles (NULL-terminated).
 */
static void
expect_at(const struct tandem_diag *d, size_t i, const char *file, int line,
    const char *const *needles)
{
	char		 prefix[PATH_MAX + 300];
	const char	*msg = tandem_diag_get(d, i);

	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", at("%s", file), line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", at("%s", file));
	if (msg == NULL || strncmp(msg, prefix, strlen(prefix)) != 0) {
		dump(d);
		TT_FAIL("message %zu does not start with \"%s\"", i, prefix);
	}
	for (; *needles != NULL; needles++)
		if (strstr(msg + strlen(prefix), *needles) == NULL) {
			dump(d);
			TT_FAIL("message %zu lacks \"%s\"", i, *needles);
		}
}

#define NEEDLES(...)	((const char *const []){ __VA_ARGS__, NULL })

/* The fixture fails with exactly one error, at file:line, naming the needles. */
static void
expect_one(const char *file, int line, const char *const *needles)
{
	struct tandem_diag	*d = load_fails();

	if (tandem_diag_count(d) != 1)
		dump(d);
	ASSERT_EQ(tandem_diag_count(d), 1);
	expect_at(d, 0, file, line, needles);
	tandem_diag_free(d);
}

/* --- tandem.conf: sections and keys -------------------------------------- */

TEST(unknown_key)
{
	fixture();
	conf(EDITS("flux", "flux = 3d"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("unknown key \"flux\"", "[program]"));
	conf(EDITS("state", "statefile = x.db"));
	expect_one("tandem.conf", L_STATE, NEEDLES("unknown key \"statefile\"", "[daemon]"));
	cleanup();
}

TEST(key_outside_any_section)
{
	fixture();
	put("tandem.conf", "# keys before a section\n\nstate = x.db\n"
	    "[program p]\norganizer = org@example.org\ncadence = weekly\n"
	    "start = 2027-01-04\ncount = 3\ntimezone = UTC\npeople = people.csv\n"
	    "pairs = pairs.csv\n");
	expect_one("tandem.conf", 3, NEEDLES("\"state\" is outside any section"));
	cleanup();
}

TEST(unknown_section)
{
	fixture();
	/* The keys of an unknown section are not reported one by one. */
	conf(EDITS("x1", "[programme extra]", "x2", "bogus = 1", "x3", "organizer = ?"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("unknown section [programme]"));
	cleanup();
}

TEST(section_without_name)
{
	fixture();
	conf(EDITS("[program", "[program]"));
	expect_one("tandem.conf", L_PROGRAM, NEEDLES("[program] needs a name"));
	conf(EDITS("x1", "[server]", "x2", "url = https://dav.example.org/"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("[server] needs a name"));
	cleanup();
}

TEST(section_with_unexpected_name)
{
	fixture();
	conf(EDITS("[daemon]", "[daemon main]"));
	expect_one("tandem.conf", L_DAEMON, NEEDLES("[daemon] takes no name"));
	conf(EDITS("[program", "[program rev 2027]"));
	expect_one("tandem.conf", L_PROGRAM, NEEDLES("\"rev 2027\"", "not a valid program name"));
	cleanup();
}

TEST(duplicate_section)
{
	fixture();
	conf(EDITS("x1", "[program p]", "x2", "organizer = other@example.org"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("[program p] is declared twice",
	    "first at line 5"));
	conf(EDITS("x1", "[daemon]"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("[daemon] is declared twice",
	    "first at line 2"));
	cleanup();
}

TEST(duplicate_key)
{
	fixture();
	conf(EDITS("x1", "cadence = weekly"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("cadence is set twice",
	    "first at line 7"));
	cleanup();
}

TEST(missing_required_key)
{
	static const char *const keys[] = {
		"organizer", "cadence", "start", "timezone", "people", "pairs"
	};
	char	needle[64];
	size_t	i;

	fixture();
	for (i = 0; i < TANDEM_NELEM(keys); i++) {
		conf(EDITS(keys[i], ""));
		snprintf(needle, sizeof(needle), "missing the required key \"%s\"", keys[i]);
		expect_one("tandem.conf", L_PROGRAM, NEEDLES(needle, "[program]"));
	}
	cleanup();
}

TEST(value_errors)
{
	static const struct {
		const char	*key;
		const char	*line;
		int		 at;
		const char	*needle;
	} v[] = {
		{ "flex", "flex = 3x", L_EXTRA, "flex: unknown or missing unit \"x\"" },
		{ "length", "length = 9h", L_EXTRA, "length: 9h is out of range (5 to 480 minutes)" },
		{ "length", "length = 1m", L_EXTRA, "length: 1m is out of range" },
		{ "length", "length = sixty", L_EXTRA, "length: expected a number" },
		{ "hours", "hours = Funday 09:00-17:00", L_EXTRA, "hours: \"Funday\" is not a weekday" },
		{ "hours", "hours = Mon-Fri 17:00-09:00", L_EXTRA, "hours: window 17:00-09:00 ends before it starts" },
		{ "hours", "hours = Mon-Fri", L_EXTRA, "hours: days without a time window" },
		{ "invite", "invite = pigeon", L_EXTRA, "invite: \"pigeon\" is not one of imip" },
		{ "attendance", "attendance = maybe", L_EXTRA, "attendance: \"maybe\" is not calendar or checkin" },
		{ "tentative", "tentative = perhaps", L_EXTRA, "tentative: \"perhaps\" is not busy or free" },
		{ "max_per_week", "max_per_week = 0", L_EXTRA, "max_per_week: 0 is out of range (1 to 20)" },
		{ "organizer", "organizer = mailto:mentoring", L_ORGANIZER, "organizer: \"mentoring\" is not an e-mail address" },
		{ "organizer", "organizer = a b@example.org", L_ORGANIZER, "organizer: \"a b@example.org\" is not an e-mail address" },
		{ "lapse_after", "lapse_after = 0", L_EXTRA, "lapse_after: 0 is out of range (1 to 52)" },
		{ "time", "time = 25:00", L_EXTRA, "time: \"25:00\" is not a time of day" },
		{ "start", "start = 2027-02-30", L_START, "start: 2027-02-30 is not a valid date" },
		{ "people", "people =", L_PEOPLE, "people: empty value" },
	};
	size_t	i;

	fixture();
	for (i = 0; i < TANDEM_NELEM(v); i++) {
		printf("# %s\n", v[i].line);
		conf(EDITS(v[i].key, v[i].line));
		expect_one("tandem.conf", v[i].at, NEEDLES(v[i].needle));
	}
	cleanup();
}

TEST(invalid_time_zone_in_conf)
{
	fixture();
	conf(EDITS("timezone", "timezone = Europe/Berln"));
	expect_one("tandem.conf", L_TIMEZONE, NEEDLES("timezone: \"Europe/Berln\"",
	    "not an IANA time zone"));
	conf(EDITS("timezone", "timezone = CEST+2"));
	expect_one("tandem.conf", L_TIMEZONE, NEEDLES("timezone: \"CEST+2\""));
	cleanup();
}

TEST(invalid_time_zone_in_people)
{
	fixture();
	put("people.csv",
	    "email,name,tz,calendar,hours\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n"
	    "bob@example.org,Bob,America/New_Yrok,file:cal/bob.ics,\n"
	    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,\n"
	    "dee@example.org,Dee,,file:cal/dee.ics,\n");
	{
		struct tandem_diag *d = load_fails();

		/* Both rows; the pairs are not checked against a broken people.csv. */
		ASSERT_EQ(tandem_diag_count(d), 2);
		expect_at(d, 0, "people.csv", 3, NEEDLES("tz: \"America/New_Yrok\"",
		    "not an IANA time zone"));
		expect_at(d, 1, "people.csv", 5, NEEDLES("tz: \"\""));
		tandem_diag_free(d);
	}
	cleanup();
}

TEST(unparsable_cadence)
{
	fixture();
	conf(EDITS("cadence", "cadence = every blue moon"));
	expect_one("tandem.conf", L_CADENCE, NEEDLES("cadence: "));
	conf(EDITS("cadence", "cadence = every 0 weeks"));
	expect_one("tandem.conf", L_CADENCE, NEEDLES("cadence: "));
	cleanup();
}

TEST(unparsable_duration)
{
	fixture();
	conf(EDITS("duration", "duration = 12 fortnights"));
	expect_one("tandem.conf", L_DURATION, NEEDLES("duration: unknown unit \"fortnights\""));
	conf(EDITS("duration", "duration = 3x"));
	expect_one("tandem.conf", L_DURATION, NEEDLES("duration: unknown unit \"x\""));
	conf(EDITS("duration", "duration = 0 months"));
	expect_one("tandem.conf", L_DURATION, NEEDLES("duration: ", "longer than zero"));
	cleanup();
}

TEST(no_end_and_two_ends)
{
	fixture();
	conf(EDITS("duration", ""));
	expect_one("tandem.conf", L_PROGRAM, NEEDLES("[program p] has no end",
	    "duration, until or count"));
	conf(EDITS("x1", "count = 5"));
	expect_one("tandem.conf", L_PROGRAM, NEEDLES("[program p]: set only one of "
	    "duration, until and count"));
	conf(EDITS("duration", "until = 2027-06-30", "x1", "count = 5"));
	expect_one("tandem.conf", L_PROGRAM, NEEDLES("set only one of"));
	cleanup();
}

TEST(until_before_start)
{
	fixture();
	put("pairs.csv", "mentor,mentee\nann@example.org,bob@example.org\n");
	conf(EDITS("duration", "until = 2026-12-01"));
	expect_one("tandem.conf", L_DURATION, NEEDLES("until 2026-12-01 is before "
	    "start 2027-01-04"));
	cleanup();
}

TEST(unparsable_until_is_one_error)
{
	fixture();
	/* pairs.csv has a pair starting 2027-02-01: no follow-on error about it. */
	conf(EDITS("duration", "until = 2027-13-01"));
	expect_one("tandem.conf", L_DURATION, NEEDLES("until: 2027-13-01 is not a valid date"));
	cleanup();
}

TEST(pair_start_after_until)
{
	fixture();
	conf(EDITS("duration", "until = 2027-01-31"));
	expect_one("pairs.csv", 3, NEEDLES("start is after the program's until (2027-01-31)"));
	cleanup();
}

TEST(missing_people_or_pairs_file)
{
	fixture();
	conf(EDITS("people", "people = nowhere/people.csv"));
	expect_one("tandem.conf", L_PEOPLE, NEEDLES(at("nowhere/people.csv"),
	    "cannot read", strerror(ENOENT)));
	conf(EDITS("pairs", "pairs = pairz.csv"));
	expect_one("tandem.conf", L_PAIRS, NEEDLES(at("pairz.csv"), "cannot read"));
	cleanup();
}

TEST(missing_calendar_file)
{
	fixture();
	ASSERT_EQ(remove(at("cal/bob.ics")), 0);
	expect_one("people.csv", 3, NEEDLES("calendar", at("cal/bob.ics"),
	    strerror(ENOENT)));
	cleanup();
}

TEST(bad_calendar_url)
{
	fixture();
	put("people.csv",
	    "email,name,tz,calendar\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics\n"
	    "bob@example.org,Bob,Europe/Berlin,ftp://example.org/bob.ics\n"
	    "cy@example.org,Cy,Europe/London,https://dav.example.org/cy/\n"
	    "dee@example.org,Dee,Asia/Tokyo,webcal://example.org/dee.ics\n");
	expect_one("people.csv", 3, NEEDLES("calendar \"ftp://example.org/bob.ics\"",
	    "not a file:, http(s): or webcal: URL"));
	cleanup();
}

TEST(bad_holidays_file)
{
	fixture();
	conf(EDITS("x1", "holidays = holidays.ics"));
	put("holidays.ics", "this is not\na calendar\n");
	expect_one("tandem.conf", L_EXTRA, NEEDLES("holidays: ", at("holidays.ics")));
	/* A directory cannot be read as a file. */
	ASSERT_EQ(remove(at("holidays.ics")), 0);
	ASSERT_EQ(mkdir(at("holidays.ics"), 0755), 0);
	expect_one("tandem.conf", L_EXTRA, NEEDLES("holidays: ", at("holidays.ics"),
	    "cannot read", strerror(EISDIR)));
	ASSERT_EQ(remove(at("holidays.ics")), 0);
	expect_one("tandem.conf", L_EXTRA, NEEDLES("cannot read", strerror(ENOENT)));
	cleanup();
}

TEST(hook_not_executable)
{
	struct tandem_config *cfg;

	fixture();
	conf(EDITS("x1", "hook = hooks/escalate"));
	put("hooks/escalate", "#!/bin/sh\nexit 0\n");
	ASSERT_EQ(chmod(at("hooks/escalate"), 0644), 0);
	expect_one("tandem.conf", L_EXTRA, NEEDLES("hook: ", at("hooks/escalate"),
	    "is not an executable file"));
	/* A directory is no hook either, even with x bits. */
	conf(EDITS("x1", "hook = hooks"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("hook: ", "is not an executable file"));
	conf(EDITS("x1", "hook = hooks/none"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("hook: ", at("hooks/none"),
	    strerror(ENOENT)));
	conf(EDITS("x1", "hook = hooks/escalate"));
	ASSERT_EQ(chmod(at("hooks/escalate"), 0755), 0);
	cfg = load_ok(at("tandem.conf"));
	ASSERT_STR_EQ(cfg->programs[0].hook, at("hooks/escalate"));
	tandem_config_free(cfg);
	cleanup();
}

TEST(agenda_file)
{
	struct tandem_config *cfg;

	fixture();
	conf(EDITS("x1", "agenda = agenda.txt"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("agenda: ", at("agenda.txt"),
	    "cannot read"));
	put("agenda.txt", "1. News\n2. Topic\n");
	cfg = load_ok(at("tandem.conf"));
	ASSERT_STR_EQ(cfg->programs[0].agenda, "1. News\n2. Topic\n");
	tandem_config_free(cfg);
	cleanup();
}

/* --- people.csv and pairs.csv -------------------------------------------- */

TEST(unknown_person_in_pairs)
{
	fixture();
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "cy@example.org,zed@example.org,\n"
	    "Ann@Example.ORG,dee@example.org,\n");	/* case does not matter */
	expect_one("pairs.csv", 3, NEEDLES("mentee: unknown person \"zed@example.org\"",
	    at("people.csv")));
	put("pairs.csv", "mentor,mentee\nnobody@example.org,bob@example.org\n");
	expect_one("pairs.csv", 2, NEEDLES("mentor: unknown person \"nobody@example.org\""));
	cleanup();
}

TEST(duplicate_pair)
{
	fixture();
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "cy@example.org,dee@example.org,\n"
	    "ann@example.org,bob@example.org,2027-03-01\n");
	expect_one("pairs.csv", 4, NEEDLES("duplicate pair ann@example.org / bob@example.org",
	    "first at line 2"));
	/* The same two people the other way round are the same pair. */
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "cy@example.org,dee@example.org,\n"
	    "dee@example.org,cy@example.org,\n");
	expect_one("pairs.csv", 4, NEEDLES("duplicate pair dee@example.org / cy@example.org",
	    "first at line 3"));
	cleanup();
}

TEST(paired_with_themselves)
{
	fixture();
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "cy@example.org,CY@example.org,\n");
	expect_one("pairs.csv", 3, NEEDLES("cy@example.org is paired with themselves"));
	cleanup();
}

TEST(duplicate_person)
{
	fixture();
	put("people.csv", "email,name,tz,calendar,hours\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n"
	    "bob@example.org,Bob,America/New_York,file:cal/bob.ics,\n"
	    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,\n"
	    "dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\n"
	    "Bob@Example.org,Bob Again,Europe/Berlin,file:cal/bob.ics,\n");
	expect_one("people.csv", 6, NEEDLES("duplicate person bob@example.org",
	    "first at line 3"));
	cleanup();
}

TEST(bad_person_fields)
{
	struct tandem_diag *d;

	fixture();
	put("people.csv", "email,name,tz,calendar,hours\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n"
	    "bob.example.org,Bob,America/New_York,file:cal/bob.ics,\n"
	    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,Mon-Fri 9-5\n"
	    "dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\n");
	d = load_fails();
	ASSERT_EQ(tandem_diag_count(d), 2);
	expect_at(d, 0, "people.csv", 3, NEEDLES("email: \"bob.example.org\" is not an e-mail address"));
	expect_at(d, 1, "people.csv", 4, NEEDLES("hours: "));
	tandem_diag_free(d);
	cleanup();
}

TEST(wrong_field_count)
{
	fixture();
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,,2027-01-04\n"
	    "cy@example.org,dee@example.org,\n");
	expect_one("pairs.csv", 2, NEEDLES("expected 3 fields, found 4"));
	put("people.csv", "email,name,tz,calendar,hours\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n"
	    "bob@example.org,Bob,America/New_York,file:cal/bob.ics,\n"
	    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,\n"
	    "dee@example.org,Dee,Asia/Tokyo\n");
	expect_one("people.csv", 5, NEEDLES("expected 5 fields, found 3"));
	cleanup();
}

TEST(unknown_or_missing_column)
{
	fixture();
	put("pairs.csv", "mentor,mentee,begin\n"
	    "ann@example.org,bob@example.org,\n");
	expect_one("pairs.csv", 1, NEEDLES("unknown column \"begin\""));
	/* A missing column is one error, not one per row. */
	put("pairs.csv", "mentor,start\n"
	    "ann@example.org,\n"
	    "cy@example.org,\n");
	expect_one("pairs.csv", 1, NEEDLES("missing column \"mentee\""));
	put("pairs.csv", "mentor,mentee,mentor\n"
	    "ann@example.org,bob@example.org,cy@example.org\n");
	expect_one("pairs.csv", 1, NEEDLES("column \"mentor\" appears twice"));
	put("people.csv", "email,name,calendar\n"
	    "ann@example.org,Ann,file:cal/ann.ics\n"
	    "bob@example.org,Bob,file:cal/bob.ics\n");
	expect_one("people.csv", 1, NEEDLES("missing column \"tz\""));
	cleanup();
}

TEST(columns_in_any_order)
{
	struct tandem_config *cfg;

	fixture();
	put("people.csv", "Calendar,TZ,Name,Email\n"
	    "file:cal/ann.ics,Europe/Berlin,Ann,ann@example.org\n"
	    "file:cal/bob.ics,America/New_York,Bob,bob@example.org\n");
	put("pairs.csv", "mentee,mentor\nbob@example.org,ann@example.org\n");
	cfg = load_ok(at("tandem.conf"));
	ASSERT_EQ(tandem_config_pair_count(cfg, 0), 1);
	ASSERT_STR_EQ(cfg->programs[0].pairs[0].mentor->email, "ann@example.org");
	ASSERT_STR_EQ(cfg->programs[0].pairs[0].mentee->name, "Bob");
	tandem_config_free(cfg);
	cleanup();
}

TEST(malformed_csv_quoting)
{
	struct tandem_diag *d;

	fixture();
	/* A quote inside a field; the rows after it are still checked. */
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "\"cy@example.org\"x,dee@example.org,\n"
	    "ann@example.org,nobody@example.org,\n");
	d = load_fails();
	ASSERT_EQ(tandem_diag_count(d), 2);
	expect_at(d, 0, "pairs.csv", 3, NEEDLES("malformed CSV"));
	expect_at(d, 1, "pairs.csv", 4, NEEDLES("unknown person \"nobody@example.org\""));
	tandem_diag_free(d);
	/* A quote that never closes is reported where its row starts. */
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "cy@example.org,\"dee@example.org,\n"
	    "\n");
	expect_one("pairs.csv", 3, NEEDLES("malformed CSV"));
	cleanup();
}

TEST(csv_line_numbers_across_blank_and_multiline_rows)
{
	struct tandem_diag *d;

	fixture();
	put("pairs.csv", "mentor,mentee,start\n"
	    "\n"
	    "ann@example.org,\"bob@example.org\",\n"
	    "cy@example.org,\"two\nlines\",\n"
	    "\n"
	    "nobody@example.org,dee@example.org,\n");
	d = load_fails();
	ASSERT_EQ(tandem_diag_count(d), 2);
	expect_at(d, 0, "pairs.csv", 4, NEEDLES("mentee: unknown person \"two\nlines\""));
	expect_at(d, 1, "pairs.csv", 7, NEEDLES("mentor: unknown person \"nobody@example.org\""));
	tandem_diag_free(d);
	cleanup();
}

TEST(empty_people_file)
{
	fixture();
	put("people.csv", "");
	expect_one("people.csv", 0, NEEDLES("empty file"));
	cleanup();
}

TEST(ini_syntax_error)
{
	fixture();
	conf(EDITS("x1", "this line has no equals sign"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("expected \"key = value\"",
	    "this line has no equals sign"));
	conf(EDITS("x1", "[program q"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("section header without closing ']'"));
	conf(EDITS("x1", "hook = \"hooks/x"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("hook: unterminated quoted value"));
	cleanup();
}

TEST(missing_conf_file)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_diag	*d = tandem_diag_new();

	fixture();
	ASSERT_EQ(tandem_config_load(at("none.conf"), &cfg, d), TANDEM_ECONFIG);
	ASSERT_TRUE(cfg == NULL);
	ASSERT_EQ(tandem_diag_count(d), 1);
	expect_at(d, 0, "none.conf", 0, NEEDLES("cannot read"));
	tandem_diag_free(d);
	cleanup();
}

/* --- every error of a run ------------------------------------------------ */

TEST(all_errors_of_one_file)
{
	struct tandem_diag *d;

	fixture();
	conf(EDITS("x1", "flux = 3d", "length", "length = 3x",
	    "timezone", "timezone = Mars/Olympus"));
	d = load_fails();
	ASSERT_EQ(tandem_diag_count(d), 3);
	expect_at(d, 0, "tandem.conf", L_TIMEZONE, NEEDLES("timezone: \"Mars/Olympus\""));
	expect_at(d, 1, "tandem.conf", L_EXTRA, NEEDLES("unknown key \"flux\""));
	expect_at(d, 2, "tandem.conf", L_EXTRA + 1, NEEDLES("length: "));
	tandem_diag_free(d);
	cleanup();
}

TEST(all_errors_across_files)
{
	struct tandem_diag *d;

	fixture();
	/* Errors in tandem.conf do not hide the missing key or pairs.csv. */
	conf(EDITS("organizer", "", "x1", "flux = 3d", "x2", "invite = pigeon"));
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,bob@example.org,\n"
	    "cy@example.org,cy@example.org,\n"
	    "bob@example.org,ann@example.org,\n"
	    "ann@example.org,zed@example.org,\n");
	d = load_fails();
	ASSERT_EQ(tandem_diag_count(d), 6);
	expect_at(d, 0, "tandem.conf", L_EXTRA, NEEDLES("unknown key \"flux\""));
	expect_at(d, 1, "tandem.conf", L_EXTRA + 1, NEEDLES("invite: \"pigeon\""));
	expect_at(d, 2, "tandem.conf", L_PROGRAM, NEEDLES("required key \"organizer\""));
	expect_at(d, 3, "pairs.csv", 3, NEEDLES("paired with themselves"));
	expect_at(d, 4, "pairs.csv", 5, NEEDLES("unknown person \"zed@example.org\""));
	expect_at(d, 5, "pairs.csv", 4, NEEDLES("duplicate pair"));
	tandem_diag_free(d);
	cleanup();
}

TEST(diag_may_be_null)
{
	struct tandem_config *cfg = NULL;

	fixture();
	conf(EDITS("x1", "flux = 3d"));
	ASSERT_EQ(tandem_config_load(at("tandem.conf"), &cfg, NULL), TANDEM_ECONFIG);
	ASSERT_TRUE(cfg == NULL);
	cleanup();
}

/* --- configurations that load -------------------------------------------- */

TEST(valid_config_loads)
{
	struct tandem_config	*cfg;
	const struct program	*pg;

	fixture();
	cfg = load_ok(at("tandem.conf"));
	ASSERT_STR_EQ(tandem_config_path(cfg), at("tandem.conf"));
	ASSERT_EQ(tandem_config_program_count(cfg), 1);
	ASSERT_STR_EQ(tandem_config_program_name(cfg, 0), "p");
	ASSERT_TRUE(tandem_config_program_name(cfg, 1) == NULL);
	ASSERT_EQ(tandem_config_pair_count(cfg, 0), 2);
	ASSERT_EQ(tandem_config_pair_count(cfg, 1), 0);
	pg = &cfg->programs[0];
	ASSERT_EQ(pg->npeople, 4);
	ASSERT_STR_EQ(pg->organizer, "mailto:org@example.org");
	ASSERT_STR_EQ(pg->timezone, "Europe/Berlin");
	ASSERT_EQ(pg->end, END_DURATION);
	ASSERT_EQ(pg->duration.months, 6);
	ASSERT_EQ(pg->length, 60);			/* defaults */
	ASSERT_EQ(pg->flex, 2 * 1440);
	ASSERT_EQ(pg->horizon, 6 * 7 * 1440);
	ASSERT_EQ(pg->invite, INVITE_IMIP);
	ASSERT_EQ(pg->attendance, ATTENDANCE_CALENDAR);
	ASSERT_EQ(pg->lapse_after, 2);
	ASSERT_EQ(pg->max_per_week, 2);
	ASSERT_EQ(pg->tentative_free, 0);
	ASSERT_EQ(pg->time, 9 * 60);		/* first working hour */
	ASSERT_EQ(pg->pairs[0].has_start, 0);
	ASSERT_EQ(pg->pairs[1].has_start, 1);
	ASSERT_EQ(pg->pairs[1].start.date, civil_days(2027, 2, 1));
	ASSERT_EQ(pg->pairs[1].start.minute, 15 * 60);
	ASSERT_EQ(pg->pairs[1].line, 3);
	ASSERT_STR_EQ(pg->people[1].email, "bob@example.org");
	ASSERT_EQ(pg->people[1].has_hours, 1);
	ASSERT_EQ(pg->people[1].hours.n[0], 1);
	ASSERT_EQ(pg->people[0].has_hours, 0);
	tandem_config_free(cfg);
	cleanup();
}

TEST(example_config_loads)
{
	struct tandem_config *cfg = load_ok(TOP_SRCDIR "/conf/example/tandem.conf");

	ASSERT_EQ(tandem_config_program_count(cfg), 1);
	ASSERT_STR_EQ(tandem_config_program_name(cfg, 0), "reverse-2027");
	ASSERT_EQ(tandem_config_pair_count(cfg, 0), 3);
	tandem_config_free(cfg);
}

TEST(relative_paths_resolve_against_the_config_dir)
{
	struct tandem_config	*cfg;
	const struct program	*pg;
	char			 cwd[PATH_MAX], parent[PATH_MAX], rel[PATH_MAX];
	char			 expect[PATH_MAX + 32], *base;

	fixture();
	/* people.csv in a folder of its own: its calendars resolve against it. */
	put("data/people.csv", base_people);
	put("data/cal/ann.ics", calendar);
	put("data/cal/bob.ics", calendar);
	put("data/cal/cy.ics", calendar);
	put("data/cal/dee.ics", calendar);
	put("holidays.ics", holidays);
	conf(EDITS("people", "people = data/people.csv", "pairs",
	    "pairs = ./pairs.csv", "x1", "holidays = holidays.ics",
	    "x2", "invite = outbox:out"));
	ASSERT_EQ(remove(at("cal/ann.ics")), 0);	/* would be the wrong one */

	/* From elsewhere, with an absolute path to tandem.conf. */
	ASSERT_TRUE(getcwd(cwd, sizeof(cwd)) != NULL);
	ASSERT_EQ(chdir("/"), 0);
	cfg = load_ok(at("tandem.conf"));
	pg = &cfg->programs[0];
	ASSERT_STR_EQ(tandem_config_state(cfg), at("state/state.db"));
	ASSERT_STR_EQ(pg->people_path, at("data/people.csv"));
	ASSERT_STR_EQ(pg->pairs_path, at("./pairs.csv"));
	ASSERT_STR_EQ(pg->outbox, at("out"));
	snprintf(expect, sizeof(expect), "file://%s", at("data/cal/ann.ics"));
	ASSERT_STR_EQ(pg->people[0].calendar, expect);
	ASSERT_EQ(pg->nholidays, 1);
	ASSERT_EQ(pg->holiday_dates[0], civil_days(2027, 1, 18));
	tandem_config_free(cfg);

	/* From the parent folder, with a relative path to tandem.conf. */
	snprintf(parent, sizeof(parent), "%s", fixdir);
	base = strrchr(parent, '/');
	*base++ = '\0';
	ASSERT_EQ(chdir(parent[0] == '\0' ? "/" : parent), 0);
	snprintf(rel, sizeof(rel), "%s/tandem.conf", base);
	cfg = load_ok(rel);
	snprintf(expect, sizeof(expect), "%s/data/people.csv", base);
	ASSERT_STR_EQ(cfg->programs[0].people_path, expect);
	ASSERT_EQ(cfg->programs[0].npeople, 4);
	tandem_config_free(cfg);
	ASSERT_EQ(chdir(cwd), 0);
	cleanup();
}

TEST(excel_bom_and_crlf)
{
	struct tandem_config	*cfg;
	const struct program	*pg;
	struct tandem_diag	*d;

	fixture();
	put("people.csv", "\xef\xbb\xbf" "email,name,tz,calendar,hours\r\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\r\n"
	    "bob@example.org,\"Bob, Jr.\",America/New_York,file:cal/bob.ics,Mon-Fri 08:00-16:00\r\n"
	    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,\r\n"
	    "dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\r\n");
	put("pairs.csv", "\xef\xbb\xbf" "mentor,mentee,start\r\n"
	    "ann@example.org,bob@example.org,\r\n"
	    "cy@example.org,dee@example.org,2027-02-01 15:00\r\n");
	put("tandem.conf", "\xef\xbb\xbf[program p]\r\norganizer = org@example.org\r\n"
	    "cadence = every 2 weeks\r\nstart = 2027-01-04\r\nduration = 6 months\r\n"
	    "timezone = Europe/Berlin\r\npeople = people.csv\r\npairs = pairs.csv\r\n");
	cfg = load_ok(at("tandem.conf"));
	pg = &cfg->programs[0];
	ASSERT_EQ(pg->npeople, 4);
	ASSERT_EQ(pg->npairs, 2);
	ASSERT_STR_EQ(pg->people[0].email, "ann@example.org");
	ASSERT_STR_EQ(pg->people[1].name, "Bob, Jr.");
	ASSERT_STR_EQ(pg->people[3].tz, "Asia/Tokyo");
	ASSERT_EQ(pg->people[1].hours.win[4][0][1], 16 * 60);
	ASSERT_EQ(pg->pairs[1].start.minute, 15 * 60);
	tandem_config_free(cfg);

	/* Line numbers still count CRLF lines. */
	put("pairs.csv", "\xef\xbb\xbf" "mentor,mentee,start\r\n"
	    "ann@example.org,bob@example.org,\r\n"
	    "cy@example.org,zed@example.org,\r\n");
	expect_one("pairs.csv", 3, NEEDLES("unknown person \"zed@example.org\""));
	put("tandem.conf", "[program p]\r\norganizer = org@example.org\r\n"
	    "cadence = every 2 weeks\r\nstart = 2027-01-04\r\nduration = 6 months\r\n"
	    "timezone = Europe/Berlin\r\npeople = people.csv\r\npairs = pairs.csv\r\n"
	    "flux = 1\r\n");
	d = load_fails();
	expect_at(d, 0, "tandem.conf", 9, NEEDLES("unknown key \"flux\""));
	tandem_diag_free(d);
	cleanup();
}

TEST(inline_comments_and_quoted_values)
{
	struct tandem_config	*cfg;
	const struct program	*pg;

	fixture();
	put("people #1.csv", base_people);
	put("pairs#2.csv", base_pairs);
	conf(EDITS("people", "people = \"people #1.csv\"   # quoted: '#' kept",
	    "pairs", "pairs = pairs#2.csv\t# no space before '#': kept",
	    "x1", "length = 45m # three quarters",
	    "x2", "hours = Mon-Thu 09:00-17:00, Fri 09:00-13:00 ; short Fridays",
	    "x3", "[mail]",
	    "x4", "from = \"Mentoring #1 <m@example.org>\" # display name",
	    "x5", "smtp = smtp://127.0.0.1:25"));
	cfg = load_ok(at("tandem.conf"));
	pg = &cfg->programs[0];
	ASSERT_STR_EQ(pg->people_path, at("people #1.csv"));
	ASSERT_STR_EQ(pg->pairs_path, at("pairs#2.csv"));
	ASSERT_EQ(pg->npairs, 2);
	ASSERT_EQ(pg->length, 45);
	ASSERT_EQ(pg->hours.n[4], 1);
	ASSERT_EQ(pg->hours.win[4][0][1], 13 * 60);
	ASSERT_STR_EQ(cfg->mail_from, "Mentoring #1 <m@example.org>");
	ASSERT_STR_EQ(cfg->mail_smtp, "smtp://127.0.0.1:25");
	tandem_config_free(cfg);
	cleanup();
}

TEST(mail_section)
{
	struct tandem_config	*cfg;

	fixture();
	cfg = load_ok(at("tandem.conf"));	/* no [mail]: its defaults */
	ASSERT_STR_EQ(cfg->mail_smtp, "smtp://localhost:25");
	ASSERT_EQ(cfg->mail_rate, 60);
	ASSERT_EQ(cfg->mail.timeout, 60);
	ASSERT_EQ(cfg->mail_starttls, 0);
	tandem_config_free(cfg);
	conf(EDITS("x1", "[mail]", "x2", "smtp = smtps://mx.example.org:465",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "starttls = yes", "x6", "rate = 10"));
	cfg = load_ok(at("tandem.conf"));
	ASSERT_STR_EQ(cfg->mail.user, "tandem");
	ASSERT_STR_EQ(cfg->mail.password_file, at("secrets/mail"));
	ASSERT_EQ(cfg->mail_starttls, 1);
	ASSERT_EQ(cfg->mail_rate, 10);
	tandem_config_free(cfg);
	conf(EDITS("x1", "[mail]", "x2", "starttls = maybe"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("starttls = \"maybe\"",
	    "yes or no"));
	conf(EDITS("x1", "[mail]", "x2", "password_file = secrets/mail"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("[mail]",
	    "password_file needs a user"));
	conf(EDITS("x1", "[mail]", "x2", "sendmail = /usr/sbin/sendmail",
	    "x3", "user = u", "x4", "password_file = p"));
	expect_one("tandem.conf", L_EXTRA, NEEDLES("for smtp, not sendmail"));
	conf(EDITS("x1", "[mail]", "x2", "rate = 0"));
	expect_one("tandem.conf", L_EXTRA + 1, NEEDLES("rate"));
	cleanup();
}

/* Load the fixture; expect success, and hand back what diag says (caller frees). */
static struct tandem_config *
load_warns(struct tandem_diag **dp)
{
	struct tandem_config	*cfg = NULL;
	struct tandem_diag	*d = tandem_diag_new();
	int			 rc;

	ASSERT_TRUE(d != NULL);
	rc = tandem_config_load(at("tandem.conf"), &cfg, d);
	if (rc != 0)
		dump(d);
	ASSERT_EQ(rc, 0);
	ASSERT_TRUE(cfg != NULL);
	*dp = d;
	return cfg;
}

TEST(mail_replies)
{
	struct tandem_config	*cfg;

	fixture();
	cfg = load_ok(at("tandem.conf"));
	ASSERT_EQ(cfg->mail_replies, MAIL_REPLIES_FROM);
	ASSERT_TRUE(cfg->mail_authserv_id == NULL);
	tandem_config_free(cfg);
	conf(EDITS("x1", "[mail]", "x2", "replies = from"));
	cfg = load_ok(at("tandem.conf"));
	ASSERT_EQ(cfg->mail_replies, MAIL_REPLIES_FROM);
	tandem_config_free(cfg);
	conf(EDITS("x1", "[mail]", "x2", "replies = authenticated",
	    "x3", "authserv_id = mx.example.org"));
	cfg = load_ok(at("tandem.conf"));
	ASSERT_EQ(cfg->mail_replies, MAIL_REPLIES_AUTHENTICATED);
	ASSERT_STR_EQ(cfg->mail_authserv_id, "mx.example.org");
	tandem_config_free(cfg);
	/* Without the MTA's name, anyone could write the header it trusts. */
	conf(EDITS("x1", "[mail]", "x2", "replies = authenticated"));
	expect_one("tandem.conf", L_EXTRA + 1, NEEDLES("replies = authenticated "
	    "needs authserv_id"));
	conf(EDITS("x1", "[mail]", "x2", "replies = dkim"));
	expect_one("tandem.conf", L_EXTRA + 1, NEEDLES("replies: \"dkim\" is not "
	    "from or authenticated"));
	conf(EDITS("x1", "[mail]", "x2", "replies = authenticated",
	    "x3", "authserv_id = \"mx.example.org; dkim=pass\""));
	expect_one("tandem.conf", L_EXTRA + 2, NEEDLES("authserv_id: ",
	    "is not an authserv-id"));
	cleanup();
}

/*
 * tandem.conf's [mail] with the lines given: it loads, and diag has
 * exactly one warning at line (0: none) that contains needle; the
 * configuration's verdict on a login in clear is in_clear.
 */
static void
expect_login(const char *const *edits, int line, const char *needle,
    int in_clear)
{
	struct tandem_config	*cfg;
	struct tandem_diag	*d;

	conf(edits);
	cfg = load_warns(&d);
	if (line == 0) {
		if (tandem_diag_count(d) != 0)
			dump(d);
		ASSERT_EQ(tandem_diag_count(d), 0);
	} else {
		if (tandem_diag_count(d) != 1)
			dump(d);
		ASSERT_EQ(tandem_diag_count(d), 1);
		expect_at(d, 0, "tandem.conf", line, NEEDLES("warning: ", needle));
	}
	ASSERT_EQ(cfg->mail_login_in_clear, in_clear);
	tandem_diag_free(d);
	tandem_config_free(cfg);
}

TEST(mail_login_in_clear)
{
	fixture();
	/* The password would go over plain SMTP: said, and refused later. */
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://mx.example.org:25",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail"),
	    L_EXTRA + 3, "in clear", 1);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://mx.example.org:25",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "starttls = no"), L_EXTRA + 3, "starttls = yes", 1);
	/* A password in the URL goes the same way. */
	expect_login(EDITS("x1", "[mail]",
	    "x2", "smtp = smtp://tandem:secret@mx.example.org:25"),
	    L_EXTRA + 1, "in clear", 1);
	/* TLS: nothing to say. */
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://mx.example.org:25",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "starttls = yes"), 0, NULL, 0);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtps://mx.example.org",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail"),
	    0, NULL, 0);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = SMTPS://mx.example.org",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail"),
	    0, NULL, 0);
	/* No login: nothing to say either. */
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://mx.example.org:25"),
	    0, NULL, 0);
	/* Loopback, allowed in so many words. */
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://127.0.0.1:2525",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), 0, NULL, 0);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://127.8.9.10",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), 0, NULL, 0);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://LocalHost:25/",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), 0, NULL, 0);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://[::1]:25",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), 0, NULL, 0);
	/* Loopback without the key: said, with the key to set. */
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://127.0.0.1:2525",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail"),
	    L_EXTRA + 3, "plain_auth_loopback = yes", 1);
	/* The key does not make another host loopback. */
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://mx.example.org",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), L_EXTRA + 4,
	    "mx.example.org is not a loopback address", 1);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://127.0.0.1.evil.example",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), L_EXTRA + 4,
	    "is not a loopback address", 1);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://[::2]:25",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), L_EXTRA + 4,
	    "is not a loopback address", 1);
	expect_login(EDITS("x1", "[mail]", "x2", "smtp = smtp://localhost.evil.example",
	    "x3", "user = tandem", "x4", "password_file = secrets/mail",
	    "x5", "plain_auth_loopback = yes"), L_EXTRA + 4,
	    "is not a loopback address", 1);
	conf(EDITS("x1", "[mail]", "x2", "plain_auth_loopback = sure"));
	expect_one("tandem.conf", L_EXTRA + 1, NEEDLES("plain_auth_loopback: "
	    "\"sure\" is not yes or no"));
	cleanup();
}

/* --- people.csv and pairs.csv: what is not text, and rows too wide ------- */

TEST(people_fields_must_be_utf8)
{
	static const char *const bad[] = {
		"L\xe9na",			/* Latin-1 */
		"L\xc3",			/* cut short */
		"L\xc0\xaf",			/* overlong "/" */
		"L\xe0\x80\xaf",		/* overlong, 3 bytes */
		"L\xed\xa0\x80",		/* a UTF-16 surrogate */
		"L\xf4\x90\x80\x80",		/* beyond U+10FFFF */
		"L\xf8\x88\x80\x80\x80",	/* 5 bytes */
		"L\x80na",			/* a lone continuation byte */
		"L\xe2\x82na",			/* 3-byte sequence cut short */
	};
	struct tandem_config	*cfg;
	char			 text[1024];
	size_t			 i;

	fixture();
	for (i = 0; i < TANDEM_NELEM(bad); i++) {
		snprintf(text, sizeof(text), "email,name,tz,calendar,hours\n"
		    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n"
		    "bob@example.org,%s,America/New_York,file:cal/bob.ics,\n"
		    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,\n"
		    "dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\n", bad[i]);
		put("people.csv", text);
		expect_one("people.csv", 3, NEEDLES("name: not UTF-8"));
	}
	/* Any field; the row is one error, not one per check. */
	put("people.csv", "email,name,tz,calendar,hours\n"
	    "ann@example.org,Ann,Europe/Berl\xefn,file:cal/ann.ics,\n"
	    "bob@example.org,Bob,America/New_York,file:cal/bob.ics,\n"
	    "cy@example.org,Cy,Europe/London,file:cal/cy.ics,\n"
	    "dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\n");
	expect_one("people.csv", 2, NEEDLES("tz: not UTF-8"));
	put("people.csv", "email,name,tz,calendar,h\xf6urs\n"
	    "ann@example.org,Ann,Europe/Berlin,file:cal/ann.ics,\n");
	expect_one("people.csv", 1, NEEDLES("column 5 of the header row: not UTF-8"));
	put("people.csv", base_people);
	put("pairs.csv", "mentor,mentee,start\n"
	    "ann@example.org,b\xf6\x62@example.org,\n"
	    "cy@example.org,dee@example.org,\n");
	expect_one("pairs.csv", 2, NEEDLES("mentee: not UTF-8"));
	/* UTF-8 in every length is welcome. */
	put("pairs.csv", base_pairs);
	put("people.csv", "email,name,tz,calendar,hours\n"
	    "ann@example.org,L\xc3\xa9na V\xc3\xb6gel,Europe/Berlin,file:cal/ann.ics,\n"
	    "bob@example.org,\xe5\xb1\xb1\xe7\x94\xb0 \xf0\x9f\x98\x80,America/New_York,file:cal/bob.ics,\n"
	    "cy@example.org,\xef\xbf\xbd\xf4\x8f\xbf\xbf,Europe/London,file:cal/cy.ics,\n"
	    "dee@example.org,Dee,Asia/Tokyo,file:cal/dee.ics,\n");
	cfg = load_ok(at("tandem.conf"));
	ASSERT_STR_EQ(cfg->programs[0].pairs[0].mentor->name,
	    "L\xc3\xa9na V\xc3\xb6gel");
	tandem_config_free(cfg);
	cleanup();
}

/* A row of 33 fields: the columns of a header that wide, or of a person. */
static void
wide_row(char *out, size_t size, const char *first)
{
	int	i;

	snprintf(out, size, "%s", first);
	for (i = 0; i < 33 - 5; i++)
		snprintf(out + strlen(out), size - strlen(out), ",x%d", i);
	snprintf(out + strlen(out), size - strlen(out), "\n");
}

TEST(rows_wider_than_32_fields)
{
	char	text[4096], row[512];

	fixture();
	/* The header is the first row: never the one after it. */
	wide_row(row, sizeof(row), "email,name,tz,calendar,hours");
	snprintf(text, sizeof(text), "%s%s", row, base_people);
	put("people.csv", text);
	expect_one("people.csv", 1, NEEDLES("more than 32 fields"));
	snprintf(text, sizeof(text), "%s%s", row, strchr(base_people, '\n') + 1);
	put("people.csv", text);
	expect_one("people.csv", 1, NEEDLES("more than 32 fields"));
	/* A person's row that wide is an error at its line. */
	wide_row(row, sizeof(row), "eve@example.org,Eve,UTC,file:cal/ann.ics,");
	snprintf(text, sizeof(text), "%s%s", base_people, row);
	put("people.csv", text);
	expect_one("people.csv", 6, NEEDLES("more than 32 fields"));
	put("people.csv", base_people);
	wide_row(row, sizeof(row), "ann@example.org,bob@example.org,,,");
	snprintf(text, sizeof(text), "mentor,mentee,start\n%s"
	    "cy@example.org,dee@example.org,\n", row);
	put("pairs.csv", text);
	expect_one("pairs.csv", 2, NEEDLES("more than 32 fields"));
	cleanup();
}

TT_MAIN(
	CASE(mail_section),
	CASE(mail_replies),
	CASE(mail_login_in_clear),
	CASE(people_fields_must_be_utf8),
	CASE(rows_wider_than_32_fields),
	CASE(unknown_key),
	CASE(key_outside_any_section),
	CASE(unknown_section),
	CASE(section_without_name),
	CASE(section_with_unexpected_name),
	CASE(duplicate_section),
	CASE(duplicate_key),
	CASE(missing_required_key),
	CASE(value_errors),
	CASE(invalid_time_zone_in_conf),
	CASE(invalid_time_zone_in_people),
	CASE(unparsable_cadence),
	CASE(unparsable_duration),
	CASE(no_end_and_two_ends),
	CASE(until_before_start),
	CASE(unparsable_until_is_one_error),
	CASE(pair_start_after_until),
	CASE(missing_people_or_pairs_file),
	CASE(missing_calendar_file),
	CASE(bad_calendar_url),
	CASE(bad_holidays_file),
	CASE(hook_not_executable),
	CASE(agenda_file),
	CASE(unknown_person_in_pairs),
	CASE(duplicate_pair),
	CASE(paired_with_themselves),
	CASE(duplicate_person),
	CASE(bad_person_fields),
	CASE(wrong_field_count),
	CASE(unknown_or_missing_column),
	CASE(columns_in_any_order),
	CASE(malformed_csv_quoting),
	CASE(csv_line_numbers_across_blank_and_multiline_rows),
	CASE(empty_people_file),
	CASE(ini_syntax_error),
	CASE(missing_conf_file),
	CASE(all_errors_of_one_file),
	CASE(all_errors_across_files),
	CASE(diag_may_be_null),
	CASE(valid_config_loads),
	CASE(example_config_loads),
	CASE(relative_paths_resolve_against_the_config_dir),
	CASE(excel_bom_and_crlf),
	CASE(inline_comments_and_quoted_values)
)
