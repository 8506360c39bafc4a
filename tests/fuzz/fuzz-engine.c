/*
 * fuzz-engine: an engine to send requests to, for the control protocol and
 * the mail-ingest targets: a small configuration in a private directory
 * (two programs sharing the pair lena/marc, one with counter = reschedule),
 * a store with a few session rows, and a loop that never runs a pass.
 *
 * Inputs change the store (a check-in, a pause, a reply), and later inputs
 * would see it: fuzz_engine_reset() puts the rows back before each input,
 * and every FUZZ_ENGINE_RUNS inputs the engine and its store are made anew,
 * so that rows and jobs the inputs added cannot pile up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "fuzz.h"
#include "tandem-int.h"
#include "engine-int.h"
#include "store.h"

#define FUZZ_ENGINE_RUNS	2000

static const char *const files[][2] = {
	{ "tandem.conf",
	    "[daemon]\nstate = state.db\nsocket = ctl.sock\n\n"
	    "[program alpha]\norganizer = mailto:mentoring@corp.example\n"
	    "cadence = every 3 weeks\nstart = 2027-01-11\nduration = 12 months\n"
	    "timezone = Europe/Berlin\npeople = people.csv\npairs = alpha.csv\n"
	    "invite = outbox:outbox\n\n"
	    "[program beta]\norganizer = mailto:mentoring@corp.example\n"
	    "cadence = every 3 weeks\nstart = 2027-01-11\nduration = 12 months\n"
	    "timezone = UTC\npeople = people.csv\npairs = beta.csv\n"
	    "invite = outbox:outbox\ncounter = reschedule\n" },
	{ "people.csv",
	    "email,name,tz,calendar\n"
	    FUZZ_LENA ",Lena Vogel,Europe/Berlin,file:cal.ics\n"
	    FUZZ_MARC ",Marc Dubois,Europe/Berlin,file:cal.ics\n"
	    FUZZ_PRIYA ",Priya Shah,America/New_York,file:cal.ics\n"
	    FUZZ_JAMES ",\"Okafor, James \"\"Jim\"\"\",America/New_York,file:cal.ics\n" },
	{ "alpha.csv", "mentor,mentee\n" FUZZ_LENA "," FUZZ_MARC "\n"
	    FUZZ_PRIYA "," FUZZ_JAMES "\n" },
	{ "beta.csv", "mentor,mentee\n" FUZZ_LENA "," FUZZ_MARC "\n" },
	{ "cal.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
	    "END:VCALENDAR\r\n" },
};

static const struct fuzz_row rows[] = {
	{ "alpha", FUZZ_LENA, FUZZ_MARC, 1, FUZZ_UID_ALPHA_1, TANDEM_ENGINE_HELD, 0 },
	{ "alpha", FUZZ_LENA, FUZZ_MARC, 2, FUZZ_UID_ALPHA_2, TANDEM_ENGINE_INVITED, 0 },
	{ "alpha", FUZZ_PRIYA, FUZZ_JAMES, 1, FUZZ_UID_PRIYA_1, TANDEM_ENGINE_MISSED, 0 },
	{ "alpha", FUZZ_PRIYA, FUZZ_JAMES, 2, FUZZ_UID_PRIYA_2, TANDEM_ENGINE_INVITED, 1 },
	{ "beta", FUZZ_LENA, FUZZ_MARC, 1, FUZZ_UID_BETA_1, TANDEM_ENGINE_INVITED, 0 },
	{ "beta", FUZZ_LENA, FUZZ_MARC, 2, FUZZ_UID_BETA_2, TANDEM_ENGINE_UNSCHEDULABLE, 0 },
};

static uv_loop_t		 loop;
static struct tandem_config	*cfg;
static struct tandem_diag	*diag;
static struct tandem_engine	*engine;
static unsigned			 runs;

static int64_t
at(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

int64_t
fuzz_engine_now(void)
{
	return at(2027, 3, 1, 12, 0);
}

const struct fuzz_row *
fuzz_engine_rows(size_t *n)
{
	*n = TANDEM_NELEM(rows);
	return rows;
}

/* Row i as the store keeps it: an hour at 09:00 UTC, 3 weeks apart. */
static void
row_of(size_t i, struct store_session *r)
{
	const struct fuzz_row	*w = &rows[i];
	int64_t			 start = at(2027, 1, 11, 9, 0) +
	    (int64_t)(w->index - 1) * 21 * 86400;

	memset(r, 0, sizeof(*r));
	r->program = w->program;
	r->mentor = w->mentor;
	r->mentee = w->mentee;
	r->index = w->index;
	r->uid = (char *)w->uid;
	r->sequence = w->sequence;
	r->state = w->state;
	r->nominal = start;
	if (w->state != TANDEM_ENGINE_UNSCHEDULABLE) {
		r->start = start;
		r->end = start + 3600;
	}
	if (w->state == TANDEM_ENGINE_HELD) {
		r->reply[0] = r->reply[1] = 1;	/* accepted */
		r->decided = r->end + 60;
	} else if (w->state == TANDEM_ENGINE_MISSED) {
		r->reply[1] = 3;		/* declined */
		r->why = 1;
		r->decided = r->end + 60;
	}
}

static void
on_closed(void *ud)
{
	*(int *)ud = 1;
}

static void
close_engine(void)
{
	static const char *const state[] = { "state.db", "state.db-wal",
	    "state.db-shm" };
	char	path[4200];
	size_t	i;
	int	closed = 0;

	if (engine == NULL)
		return;
	tandem_engine_close(engine, on_closed, &closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (!closed || uv_loop_close(&loop) != 0)
		abort();
	engine = NULL;
	for (i = 0; i < TANDEM_NELEM(state); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), state[i]);
		(void)remove(path);
	}
}

static void
open_engine(void)
{
	const char	*dir = fuzz_tmpdir();
	char		 path[4200];
	size_t		 i;

	if (cfg == NULL) {
		for (i = 0; i < TANDEM_NELEM(files); i++)
			fuzz_write(dir, files[i][0], files[i][1],
			    strlen(files[i][1]));
		snprintf(path, sizeof(path), "%s/outbox", dir);
		(void)mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/tandem.conf", dir);
		diag = tandem_diag_new();
		if (diag == NULL || tandem_config_load(path, &cfg, diag) != 0) {
			fprintf(stderr, "fuzz-engine: configuration: %s\n",
			    diag != NULL && tandem_diag_count(diag) > 0 ?
			    tandem_diag_get(diag, 0) : "out of memory");
			abort();
		}
	}
	if (uv_loop_init(&loop) != 0 ||
	    tandem_engine_new(&loop, cfg, NULL, NULL, &engine, diag) != 0) {
		fprintf(stderr, "fuzz-engine: engine: %s\n",
		    tandem_diag_count(diag) > 0 ? tandem_diag_get(diag, 0) : "?");
		abort();
	}
}

static void
close_all(void)
{
	close_engine();
	tandem_config_free(cfg);
	tandem_diag_free(diag);
}

struct tandem_engine *
fuzz_engine(void)
{
	if (engine == NULL) {
		open_engine();
		atexit(close_all);
	}
	return engine;
}

void
fuzz_engine_reset(void)
{
	struct store_session	r;
	size_t			i;

	if (engine != NULL && ++runs % FUZZ_ENGINE_RUNS == 0) {
		close_engine();
		open_engine();
	}
	(void)fuzz_engine();
	if (store_begin(engine->store) != 0)
		abort();
	for (i = 0; i < TANDEM_NELEM(rows); i++) {
		row_of(i, &r);
		if (store_session_put(engine->store, &r) != 0 ||
		    store_pair_set_paused(engine->store, r.program, r.mentor,
		    r.mentee, 0) != 0)
			abort();
	}
	if (store_commit(engine->store) != 0)
		abort();
	tandem_diag_clear(engine->diag);
}

struct store *
fuzz_engine_store(void)
{
	return fuzz_engine()->store;
}

struct tandem_diag *
fuzz_engine_diag(void)
{
	return fuzz_engine()->diag;
}
