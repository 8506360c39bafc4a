/*
 * ctl: what tandemctl's requests answer, as a user reads it, over an engine
 * on a private loop that never runs a pass: session rows are put in its
 * store directly.  Two programs share the pair lena/marc (so a request for
 * it must name the program); james's display name holds a comma and quotes
 * (so CSV must quote it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libical/ical.h>

#include "tt.h"
#include "tandem-int.h"
#include "engine-int.h"
#include "store.h"
#include "tandem/ctl.h"

#define LENA	"lena.vogel@corp.example"
#define MARC	"marc.dubois@corp.example"
#define PRIYA	"priya.shah@corp.example"
#define JAMES	"james.okafor@corp.example"

static const char *const files[][2] = {
	{ "tandem.conf",
	    "[daemon]\nstate = state.db\nsocket = ctl.sock\n\n"
	    "[program alpha]\norganizer = mailto:mentoring@corp.example\n"
	    "cadence = every 3 weeks\nstart = 2027-01-11\nduration = 12 months\n"
	    "timezone = Europe/Berlin\npeople = people.csv\npairs = alpha.csv\n\n"
	    "[program beta]\norganizer = mailto:mentoring@corp.example\n"
	    "cadence = every 3 weeks\nstart = 2027-01-11\nduration = 12 months\n"
	    "timezone = UTC\npeople = people.csv\npairs = beta.csv\n" },
	{ "people.csv",
	    "email,name,tz,calendar\n"
	    LENA ",Lena Vogel,Europe/Berlin,file:cal.ics\n"
	    MARC ",Marc Dubois,Europe/Berlin,file:cal.ics\n"
	    PRIYA ",Priya Shah,America/New_York,file:cal.ics\n"
	    JAMES ",\"Okafor, James \"\"Jim\"\"\",America/New_York,file:cal.ics\n" },
	{ "alpha.csv", "mentor,mentee\n" LENA "," MARC "\n" PRIYA "," JAMES "\n" },
	{ "beta.csv", "mentor,mentee\n" LENA "," MARC "\n" },
	{ "cal.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
	    "END:VCALENDAR\r\n" },
};

static char			 dir[64];
static uv_loop_t		 loop;
static struct tandem_config	*cfg;
static struct tandem_diag	*diag;
static struct tandem_engine	*engine;
static int			 closed;

/* A reply, taken apart. */
static int	 ex;
static char	*out, *err;

static int64_t
at(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

#define T0	at(2027, 3, 1, 12, 0)	/* "now" of the tests */

static void
write_file(const char *name, const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	fputs(text, f);
	ASSERT_EQ(fclose(f), 0);
}

static void
setup(void)
{
	char	path[128];
	size_t	i;

	closed = 0;
	snprintf(dir, sizeof(dir), "/tmp/tandem-ctl-XXXXXX");
	if (mkdtemp(dir) == NULL)
		TT_FAIL("mkdtemp: %s", strerror(errno));
	for (i = 0; i < TANDEM_NELEM(files); i++)
		write_file(files[i][0], files[i][1]);
	snprintf(path, sizeof(path), "%s/tandem.conf", dir);
	diag = tandem_diag_new();
	if (tandem_config_load(path, &cfg, diag) != 0)
		TT_FAIL("config: %s", tandem_diag_get(diag, 0));
	ASSERT_EQ(uv_loop_init(&loop), 0);
	if (tandem_engine_new(&loop, cfg, NULL, NULL, &engine, diag) != 0)
		TT_FAIL("engine: %s", tandem_diag_get(diag, 0));
}

static void
on_closed(void *ud)
{
	*(int *)ud = 1;
}

static void
teardown(void)
{
	static const char *const extra[] = { "state.db", "state.db-wal",
	    "state.db-shm", "state.db.lock" };
	char	path[128];
	size_t	i;

	tandem_engine_close(engine, on_closed, &closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(uv_loop_close(&loop), 0);
	tandem_config_free(cfg);
	tandem_diag_free(diag);
	TANDEM_FREE(out);
	TANDEM_FREE(err);
	for (i = 0; i < TANDEM_NELEM(files) + TANDEM_NELEM(extra); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, i < TANDEM_NELEM(files) ?
		    files[i][0] : extra[i - TANDEM_NELEM(files)]);
		unlink(path);
	}
	ASSERT_EQ(rmdir(dir), 0);
}

/* o's member key, which must be there. */
static json_object *
member(json_object *o, const char *key)
{
	json_object	*v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		TT_FAIL("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

/* Send request at now; the reply's exit status, out and err. */
static void
ask(const char *request, int64_t now)
{
	json_object	*r;
	char		*reply = NULL;

	free(out);
	free(err);
	ASSERT_EQ(tandem_engine_request(engine, request, now, &reply), 0);
	ASSERT_TRUE(strchr(reply, '\n') == NULL);
	r = json_tokener_parse(reply);
	ex = json_object_get_int(member(r, "exit"));
	out = strdup(json_object_get_string(member(r, "out")));
	err = strdup(json_object_get_string(member(r, "err")));
	json_object_put(r);
	free(reply);
}

/* A session row: slot at start for an hour (0: none), nominal at start. */
static void
put(const char *program, const char *mentor, const char *mentee,
    unsigned index, int state, int64_t start)
{
	struct store_session	r;
	char			uid[80];

	memset(&r, 0, sizeof(r));
	r.program = program;
	r.mentor = mentor;
	r.mentee = mentee;
	r.index = index;
	snprintf(uid, sizeof(uid), "tandem-%s-%u@corp.example", program, index);
	r.uid = uid;
	r.state = state;
	r.start = start;
	r.end = start != 0 ? start + 3600 : 0;
	r.nominal = start != 0 ? start : at(2027, 6, 1, 9, 0);
	if (state == TANDEM_ENGINE_HELD) {
		r.reply[0] = r.reply[1] = 1;	/* accepted */
		r.decided = r.end + 60;
	} else if (state == TANDEM_ENGINE_MISSED) {
		r.reply[1] = 3;			/* declined */
		r.why = 1;
		r.decided = r.end + 60;
	}
	ASSERT_EQ(store_session_put(engine->store, &r), 0);
}

static struct store_session
get(const char *program, const char *mentor, const char *mentee, unsigned index)
{
	struct store_session	r;

	memset(&r, 0, sizeof(r));
	r.program = program;
	r.mentor = mentor;
	r.mentee = mentee;
	r.index = index;
	ASSERT_EQ(store_session_get(engine->store, &r), 1);
	free(r.uid);
	return r;
}

/*
 * priya/james: missed, held, skipped, held (a streak of 2: a skipped
 * session counts neither way), then one invited and one without a slot.
 */
static void
priya_rows(void)
{
	put("alpha", PRIYA, JAMES, 1, TANDEM_ENGINE_MISSED, at(2027, 1, 11, 9, 0));
	put("alpha", PRIYA, JAMES, 2, TANDEM_ENGINE_HELD, at(2027, 2, 1, 9, 0));
	put("alpha", PRIYA, JAMES, 3, TANDEM_ENGINE_SKIPPED, at(2027, 2, 15, 9, 0));
	put("alpha", PRIYA, JAMES, 4, TANDEM_ENGINE_HELD, at(2027, 2, 22, 9, 0));
	put("alpha", PRIYA, JAMES, 5, TANDEM_ENGINE_INVITED, at(2027, 3, 15, 9, 0));
	put("alpha", PRIYA, JAMES, 6, TANDEM_ENGINE_UNSCHEDULABLE, 0);
}

TEST(status_counts)
{
	json_object	*o;

	setup();
	priya_rows();
	put("beta", LENA, MARC, 1, TANDEM_ENGINE_MISSED, at(2027, 1, 11, 9, 0));
	ASSERT_EQ(store_job_add(engine->store, "outbox", "a", "x", T0), 1);
	ASSERT_EQ(store_job_add(engine->store, "outbox", "b", "x", T0), 1);
	ASSERT_EQ(store_job_add(engine->store, "hook", "c", "x", T0), 1);
	ASSERT_EQ(store_job_retry(engine->store, 2, T0 + 60), 0);
	ASSERT_EQ(store_job_finish(engine->store, 3, T0), 0);
	ask("{\"cmd\":\"status\"}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_CONTAINS(out, "programs   2: alpha (2 pairs), beta (1 pairs)\n");
	ASSERT_CONTAINS(out, "pairs      3 (0 paused)\n");
	ASSERT_CONTAINS(out, "sessions   7: 1 invited, 1 unschedulable, 2 held, "
	    "2 missed, 1 skipped, 0 cancelled\n");
	ASSERT_CONTAINS(out, "jobs       1 queued, 1 waiting to retry, 1 done");
	ASSERT_CONTAINS(out, "next wake  none\n");

	ask("{\"cmd\":\"status\",\"program\":\"beta\",\"json\":true}", T0);
	ASSERT_EQ(ex, 0);
	o = json_tokener_parse(out);
	ASSERT_EQ(json_object_get_int(member(member(o, "sessions"), "missed")), 1);
	ASSERT_EQ(json_object_get_int(member(o, "pairs")), 1);
	json_object_put(o);
	ask("{\"cmd\":\"status\",\"program\":\"beta\"}", T0);
	ASSERT_CONTAINS(out, "programs   1: beta (1 pairs)\npairs      1 (0 paused)\n"
	    "sessions   1: 0 invited, 0 unschedulable, 0 held, 1 missed, ");
	teardown();
}

TEST(sessions_lines)
{
	json_object	*o, *v;

	setup();
	priya_rows();
	ask("{\"cmd\":\"sessions\",\"args\":[\"Priya.Shah@CORP.example\","
	    "\"james.okafor@corp.example\"]}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_CONTAINS(out, "alpha: " PRIYA " / " JAMES
	    " (times in Europe/Berlin)\n");
	ASSERT_CONTAINS(out, "\n  1  missed         Mon 2027-01-11 10:00      0  "
	    "needs-action  declined      -                     declined\n");
	ASSERT_CONTAINS(out, "\n  2  held           Mon 2027-02-01 10:00      0  "
	    "accepted      accepted      -\n");
	ASSERT_CONTAINS(out, "\n  6  unschedulable  (Tue 2027-06-01 11:00)");

	ask("{\"cmd\":\"sessions\",\"args\":[\"" PRIYA "\",\"" JAMES "\"],"
	    "\"json\":true}", T0);
	ASSERT_EQ(ex, 0);
	o = json_tokener_parse(out);
	ASSERT_EQ(json_object_array_length(o), 6);
	v = json_object_array_get_idx(o, 0);
	ASSERT_STR_EQ(json_object_get_string(member(v, "why")), "declined");
	ASSERT_STR_EQ(json_object_get_string(member(v, "start")),
	    "2027-01-11T09:00:00Z");
	ASSERT_TRUE(member(json_object_array_get_idx(o, 5), "start") == NULL);
	json_object_put(o);
	teardown();
}

TEST(pair_in_two_programs)
{
	setup();
	put("beta", LENA, MARC, 1, TANDEM_ENGINE_HELD, at(2027, 1, 11, 9, 0));
	ask("{\"cmd\":\"sessions\",\"args\":[\"" LENA "\",\"" MARC "\"]}", T0);
	ASSERT_EQ(ex, 64);
	ASSERT_CONTAINS(err, "programs alpha, beta: say which with --program");
	ask("{\"cmd\":\"sessions\",\"args\":[\"" LENA "\",\"" MARC "\"],"
	    "\"program\":\"beta\"}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_CONTAINS(out, "  1  held           Mon 2027-01-11 09:00");
	ask("{\"cmd\":\"pairs\",\"program\":\"gamma\"}", T0);
	ASSERT_EQ(ex, 65);
	ASSERT_STR_EQ(err, "pairs: no program \"gamma\"\n");
	teardown();
}

TEST(checkin_once)
{
	struct store_session	r;

	setup();
	priya_rows();
	/* Nothing has begun and waits for a verdict before session 5 starts. */
	ask("{\"cmd\":\"checkin\",\"args\":[\"" PRIYA "\",\"" JAMES "\"]}", T0);
	ASSERT_EQ(ex, 65);
	ASSERT_CONTAINS(err, "checkin: no session of " PRIYA " / " JAMES
	    " has begun");
	ask("{\"cmd\":\"checkin\",\"args\":[\"" PRIYA "\",\"" JAMES "\"]}",
	    at(2027, 3, 15, 9, 30));
	ASSERT_EQ(ex, 0);
	ASSERT_STR_EQ(out, "session 5 of " PRIYA " / " JAMES ": checked in at "
	    "Mon 2027-03-15 10:30\n");
	r = get("alpha", PRIYA, JAMES, 5);
	ASSERT_EQ(r.checkin, at(2027, 3, 15, 9, 30));
	ask("{\"cmd\":\"checkin\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"5\"]}",
	    at(2027, 3, 15, 9, 45));
	ASSERT_EQ(ex, 0);
	ASSERT_CONTAINS(out, "already checked in at Mon 2027-03-15 10:30\n");
	r = get("alpha", PRIYA, JAMES, 5);
	ASSERT_EQ(r.checkin, at(2027, 3, 15, 9, 30));
	ask("{\"cmd\":\"checkin\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"1\"]}", T0);
	ASSERT_EQ(ex, 65);
	ASSERT_CONTAINS(err, "session 1 of " PRIYA " / " JAMES " is missed");
	ask("{\"cmd\":\"checkin\",\"args\":[\"nobody@corp.example\",\"" JAMES "\"]}",
	    T0);
	ASSERT_EQ(ex, 65);
	ASSERT_STR_EQ(err, "checkin: no pair of mentor nobody@corp.example and "
	    "mentee " JAMES "\n");
	teardown();
}

TEST(skip_and_reschedule)
{
	setup();
	priya_rows();
	ask("{\"cmd\":\"skip\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"5\"]}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_CONTAINS(out, "session 5 of " PRIYA " / " JAMES ": skip requested");
	ASSERT_EQ(get("alpha", PRIYA, JAMES, 5).request, STORE_REQ_SKIP);
	ask("{\"cmd\":\"reschedule\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"6\"]}",
	    T0);
	ASSERT_EQ(ex, 0);
	ASSERT_EQ(get("alpha", PRIYA, JAMES, 6).request, STORE_REQ_RESCHEDULE);
	ask("{\"cmd\":\"sessions\",\"args\":[\"" PRIYA "\",\"" JAMES "\"]}", T0);
	ASSERT_CONTAINS(out, "skip requested\n");
	ask("{\"cmd\":\"skip\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"4\"]}", T0);
	ASSERT_EQ(ex, 65);
	ASSERT_CONTAINS(err, "session 4 of " PRIYA " / " JAMES " is held: too "
	    "late to skip it");
	ASSERT_EQ(get("alpha", PRIYA, JAMES, 4).request, STORE_REQ_NONE);
	ask("{\"cmd\":\"skip\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"3\"]}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_CONTAINS(out, "is already skipped");
	/* Session 9, beyond the horizon, has no row yet: one is made for it. */
	ask("{\"cmd\":\"skip\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"9\"]}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_EQ(get("alpha", PRIYA, JAMES, 9).request, STORE_REQ_SKIP);
	ASSERT_EQ(get("alpha", PRIYA, JAMES, 9).state, TANDEM_ENGINE_NONE);
	/* Only skip makes a row; the series has no session 40. */
	ask("{\"cmd\":\"reschedule\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"10\"]}",
	    T0);
	ASSERT_EQ(ex, 65);
	ask("{\"cmd\":\"skip\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"40\"]}", T0);
	ASSERT_EQ(ex, 65);
	ask("{\"cmd\":\"skip\",\"args\":[\"" PRIYA "\",\"" JAMES "\",\"x\"]}", T0);
	ASSERT_EQ(ex, 64);
	teardown();
}

static void
pass_done(void *ud, int rc)
{
	*(int *)ud = rc == 0 ? 1 : rc;
}

/*
 * A request that comes while a pass reads the calendars is not lost when
 * the pass saves its rows: Priya's calendar is an http URL whose server
 * (a socket that listens and never accepts) holds the pass until it goes.
 */
TEST(a_skip_asked_during_a_pass_is_kept)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	struct person		*p;
	char			 url[64];
	int			 fd, done = 0, i;
	size_t			 k;

	setup();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ASSERT_EQ(listen(fd, 8), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/priya.ics",
	    ntohs(sa.sin_port));
	for (k = 0; k < cfg->programs[0].npeople; k++) {
		p = &cfg->programs[0].people[k];
		if (strcmp(p->email, PRIYA) == 0) {
			free(p->calendar);
			p->calendar = strdup(url);
		}
	}
	ASSERT_EQ(tandem_engine_pass(engine, T0, pass_done, &done), 0);
	for (i = 0; i < 50 && !done; i++)
		uv_run(&loop, UV_RUN_NOWAIT);	/* the read is under way */
	ASSERT_EQ(done, 0);
	/* Lena and Marc's session 4 (2027-03-15) has no row yet. */
	ask("{\"cmd\":\"skip\",\"args\":[\"" LENA "\",\"" MARC "\",\"4\"],"
	    "\"program\":\"alpha\"}", T0);
	ASSERT_EQ(ex, 0);
	close(fd);			/* the read fails now */
	while (!done)
		uv_run(&loop, UV_RUN_ONCE);
	ASSERT_EQ(done, 1);
	ASSERT_EQ(get("alpha", LENA, MARC, 4).state, TANDEM_ENGINE_SKIPPED);
	ASSERT_EQ(get("alpha", LENA, MARC, 5).state, TANDEM_ENGINE_INVITED);
	teardown();
}

TEST(pause_and_resume)
{
	setup();
	ask("{\"cmd\":\"pause\",\"args\":[\"" PRIYA "\",\"" JAMES "\"]}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_EQ(store_pair_paused(engine->store, "alpha", PRIYA, JAMES), 1);
	ask("{\"cmd\":\"pairs\"}", T0);
	ASSERT_CONTAINS(out, PRIYA "  " JAMES "  yes  ");
	ask("{\"cmd\":\"report\",\"csv\":true}", T0);
	ASSERT_CONTAINS(out, ",0,0,0,0,yes,paused\r\n");
	ask("{\"cmd\":\"resume\",\"args\":[\"" PRIYA "\",\"" JAMES "\"]}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_EQ(store_pair_paused(engine->store, "alpha", PRIYA, JAMES), 0);
	ask("{\"cmd\":\"resume\",\"args\":[\"" PRIYA "\",\"" JAMES "\"]}", T0);
	ASSERT_STR_EQ(out, PRIYA " / " JAMES " is already running\n");
	teardown();
}

TEST(report_streak_and_risk)
{
	json_object	*o, *p;

	setup();
	priya_rows();
	/* Session 6 is upcoming and has no slot: at risk, streak 2. */
	put("beta", LENA, MARC, 1, TANDEM_ENGINE_HELD, at(2027, 1, 11, 9, 0));
	put("beta", LENA, MARC, 2, TANDEM_ENGINE_MISSED, at(2027, 2, 1, 9, 0));
	ask("{\"cmd\":\"report\",\"csv\":true}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_CONTAINS(out, "program,mentor,mentee,mentor_name,mentee_name,planned,"
	    "held,missed,streak,at_risk,risk\r\n");
	ASSERT_CONTAINS(out, "\r\nalpha," PRIYA "," JAMES ",Priya Shah,\"Okafor, "
	    "James \"\"Jim\"\"\",6,2,1,2,yes,unschedulable\r\n");
	ASSERT_CONTAINS(out, "\r\nbeta," LENA "," MARC ",Lena Vogel,Marc Dubois,"
	    "2,1,1,0,yes,last missed\r\n");
	ASSERT_CONTAINS(out, "\r\nalpha,,,,,6,2,1,,1,\r\n");
	ASSERT_CONTAINS(out, "\r\nbeta,,,,,2,1,1,,1,\r\n");

	ask("{\"cmd\":\"report\",\"json\":true,\"program\":\"alpha\"}", T0);
	ASSERT_EQ(ex, 0);
	o = json_tokener_parse(out);
	p = member(o, "pairs");
	ASSERT_EQ(json_object_array_length(p), 2);
	p = json_object_array_get_idx(p, 1);
	ASSERT_EQ(json_object_get_int(member(p, "streak")), 2);
	ASSERT_TRUE(json_object_get_boolean(member(p, "at_risk")));
	ASSERT_STR_EQ(json_object_get_string(member(p, "mentee_name")),
	    "Okafor, James \"Jim\"");
	ASSERT_EQ(json_object_array_length(member(o, "programs")), 1);
	json_object_put(o);

	ask("{\"cmd\":\"report\"}", T0);
	ASSERT_CONTAINS(out, "       0  yes (last missed)\n");
	ASSERT_CONTAINS(out, "       2  yes (unschedulable)\n");
	teardown();
}

TEST(export_parses)
{
	icalcomponent	*cal, *ev;
	const char	*want[] = { "tandem-alpha-1@corp.example",
	    "tandem-alpha-3@corp.example", "tandem-alpha-5@corp.example" };
	int		 n = 0, cancelled = 0, i;

	setup();
	priya_rows();
	ask("{\"cmd\":\"export\"}", T0);
	ASSERT_EQ(ex, 0);
	ASSERT_TRUE(strncmp(out, "BEGIN:VCALENDAR\r\n", 17) == 0);
	ASSERT_CONTAINS(out, "SUMMARY:alpha: Priya Shah / Okafor\\, James \"Jim\" "
	    "(session 5)");
	cal = icalparser_parse_string(out);
	ASSERT_TRUE(cal != NULL);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    ev != NULL; ev = icalcomponent_get_next_component(cal,
	    ICAL_VEVENT_COMPONENT)) {
		n++;
		cancelled += icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
	}
	ASSERT_EQ(n, 5);	/* session 6 has no slot */
	ASSERT_EQ(cancelled, 1);
	for (i = 0; i < 3; i++)
		ASSERT_CONTAINS(out, want[i]);
	icalcomponent_free(cal);
	ask("{\"cmd\":\"export\",\"args\":[\"" PRIYA "\"]}", T0);
	ASSERT_EQ(ex, 64);
	teardown();
}

TEST(bad_requests)
{
	setup();
	ask("not json", T0);
	ASSERT_EQ(ex, 64);
	ASSERT_STR_EQ(err, "request: not a JSON object\n");
	ask("{\"cmd\":\"frob\"}", T0);
	ASSERT_EQ(ex, 64);
	ASSERT_STR_EQ(err, "frob: unknown command\n");
	ask("{\"cmd\":\"pause\",\"args\":[\"" PRIYA "\"]}", T0);
	ASSERT_EQ(ex, 64);
	ASSERT_STR_EQ(err, "pause: usage: pause MENTOR MENTEE\n");
	ask("{\"cmd\":\"pause\",\"args\":[\"" PRIYA "\",\"" JAMES "\"],"
	    "\"json\":true}", T0);
	ASSERT_EQ(ex, 64);
	ask("{\"cmd\":\"status\",\"args\":[1]}", T0);
	ASSERT_EQ(ex, 64);
	ask("{\"cmd\":\"report\",\"json\":true,\"csv\":true}", T0);
	ASSERT_EQ(ex, 64);
	teardown();
}

TEST(socket_path)
{
	char	 path[128], want[128], *sock = NULL;

	setup();
	snprintf(path, sizeof(path), "%s/tandem.conf", dir);
	snprintf(want, sizeof(want), "%s/ctl.sock", dir);
	ASSERT_EQ(tandem_ctl_socket_path(path, &sock), 0);
	ASSERT_STR_EQ(sock, want);
	free(sock);
	/* An error elsewhere does not hide the socket from tandemctl. */
	write_file("tandem.conf", "[daemon]\nsocket = /run/x.sock\nbogus\n"
	    "[program p]\nfrob = 1\n");
	ASSERT_EQ(tandem_ctl_socket_path(path, &sock), 0);
	ASSERT_STR_EQ(sock, "/run/x.sock");
	free(sock);
	write_file("tandem.conf", "[program p]\nsocket = /nowhere\n");
	ASSERT_EQ(tandem_ctl_socket_path(path, &sock), 0);
	ASSERT_STR_EQ(sock, "/run/tandem/tandemd.sock");
	free(sock);
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	ASSERT_EQ(tandem_ctl_socket_path(path, &sock), TANDEM_ENOENT);
	ASSERT_TRUE(sock == NULL);
	teardown();
}

TT_MAIN(
	CASE(status_counts),
	CASE(sessions_lines),
	CASE(pair_in_two_programs),
	CASE(checkin_once),
	CASE(skip_and_reschedule),
	CASE(a_skip_asked_during_a_pass_is_kept),
	CASE(pause_and_resume),
	CASE(report_streak_and_risk),
	CASE(export_parses),
	CASE(bad_requests),
	CASE(socket_path)
)
