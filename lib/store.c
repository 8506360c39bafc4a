/*
 * store: SQLite in WAL mode with synchronous=FULL (a committed job survives
 * a power cut), versioned migrations, prepared statements per call.  See
 * store.h for what is kept and why.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "tandem-int.h"
#include "store.h"

struct store {
	sqlite3		*db;
	char		*path;
	struct tandem_diag *diag;
};

/* Migration n takes a store from version n to n + 1. */
static const char *const migrations[STORE_SCHEMA] = {
	"CREATE TABLE session ("
	"  program TEXT NOT NULL, mentor TEXT NOT NULL, mentee TEXT NOT NULL,"
	"  idx INTEGER NOT NULL, uid TEXT NOT NULL, sequence INTEGER NOT NULL,"
	"  start INTEGER NOT NULL, end INTEGER NOT NULL, state INTEGER NOT NULL,"
	"  nominal INTEGER NOT NULL DEFAULT 0, reply0 INTEGER NOT NULL DEFAULT 0,"
	"  reply1 INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL DEFAULT 0,"
	"  why INTEGER NOT NULL DEFAULT 0, checkin INTEGER NOT NULL DEFAULT 0,"
	"  request INTEGER NOT NULL DEFAULT 0, avoid_start INTEGER NOT NULL DEFAULT 0,"
	"  avoid_end INTEGER NOT NULL DEFAULT 0, decided INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (program, mentor, mentee, idx));"
	"CREATE TABLE pair ("
	"  program TEXT NOT NULL, mentor TEXT NOT NULL, mentee TEXT NOT NULL,"
	"  paused INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (program, mentor, mentee));"
	"CREATE TABLE job ("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
	"  payload TEXT NOT NULL, queued INTEGER NOT NULL, done INTEGER,"
	"  attempts INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL,"
	"  failed INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX job_due ON job (kind, done, not_before);"
	"CREATE TABLE source ("
	"  owner TEXT NOT NULL, url TEXT NOT NULL, etag TEXT, last_modified TEXT,"
	"  sync_token TEXT, PRIMARY KEY (owner, url));",
};

static int
fail(struct store *s, const char *what)
{
	diag_add(s->diag, s->path, 0, "%s: %s", what, sqlite3_errmsg(s->db));
	return TANDEM_EIO;
}

static int
exec(struct store *s, const char *sql, const char *what)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	    fail(s, what);
}

static int
version(struct store *s, int *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "not a tandem store");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : fail(s, "not a tandem store");
}

static int
migrate(struct store *s)
{
	char	sql[64];
	int	v, rc;

	rc = version(s, &v);
	if (rc < 0)
		return rc;
	if (v > STORE_SCHEMA) {
		diag_add(s->diag, s->path, 0, "schema version %d is newer than this "
		    "tandem's (%d); refusing to touch it", v, STORE_SCHEMA);
		return TANDEM_EIO;
	}
	for (; v < STORE_SCHEMA; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		rc = store_begin(s);
		if (rc == 0)
			rc = exec(s, migrations[v], "migration");
		if (rc == 0)
			rc = exec(s, sql, "migration");
		if (rc < 0) {
			store_rollback(s);
			return rc;
		}
		rc = store_commit(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
store_open(const char *path, struct store **out, struct tandem_diag *diag)
{
	struct store	*s;
	int		 rc;

	if (tandem_fails_assert(path != NULL && out != NULL))
		return TANDEM_EINVAL;
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->path = util_strdup(path)) == NULL) {
		free(s);
		return TANDEM_ENOMEM;
	}
	s->diag = diag;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = fail(s, "cannot open");
		store_close(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, 5000);
	rc = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON", "not a tandem store");
	if (rc == 0)
		rc = migrate(s);
	if (rc < 0) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int
store_begin(struct store *s)
{
	return exec(s, "BEGIN IMMEDIATE", "begin");
}

int
store_commit(struct store *s)
{
	return exec(s, "COMMIT", "commit");
}

void
store_rollback(struct store *s)
{
	(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? 0 :
	    fail(s, "statement");
}

/* Step a statement that returns no row, and finalize it. */
static int
run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(s, what);

	sqlite3_finalize(st);
	return rc;
}

/* Bind a session's key to parameters 1 to 4. */
static void
bind_key(sqlite3_stmt *st, const struct store_session *r)
{
	sqlite3_bind_text(st, 1, r->program, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->mentor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->mentee, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->index);
}

#define SESSION_COLS "uid, sequence, start, end, state, nominal, reply0, " \
	"reply1, seen, why, checkin, request, avoid_start, avoid_end, decided"

/* Bind a pair's key to parameters 1 to 3. */
static void
bind_pair(sqlite3_stmt *st, const char *program, const char *mentor,
    const char *mentee)
{
	sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mentor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mentee, -1, SQLITE_STATIC);
}

int
store_session_put(struct store *s, const struct store_session *r)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "INSERT OR REPLACE INTO session (program, mentor, mentee, "
	    "idx, " SESSION_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    &st);
	if (rc < 0)
		return rc;
	bind_key(st, r);
	sqlite3_bind_text(st, 5, r->uid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, r->sequence);
	sqlite3_bind_int64(st, 7, r->start);
	sqlite3_bind_int64(st, 8, r->end);
	sqlite3_bind_int(st, 9, r->state);
	sqlite3_bind_int64(st, 10, r->nominal);
	sqlite3_bind_int(st, 11, r->reply[0]);
	sqlite3_bind_int(st, 12, r->reply[1]);
	sqlite3_bind_int(st, 13, r->seen);
	sqlite3_bind_int(st, 14, r->why);
	sqlite3_bind_int64(st, 15, r->checkin);
	sqlite3_bind_int(st, 16, r->request);
	sqlite3_bind_int64(st, 17, r->avoid_start);
	sqlite3_bind_int64(st, 18, r->avoid_end);
	sqlite3_bind_int64(st, 19, r->decided);
	return run(s, st, "saving a session");
}

/* The columns of SESSION_COLS from column off on into r. */
static int
session_row(sqlite3_stmt *st, int off, struct store_session *r)
{
	r->uid = util_strdup((const char *)sqlite3_column_text(st, off));
	r->sequence = sqlite3_column_int(st, off + 1);
	r->start = sqlite3_column_int64(st, off + 2);
	r->end = sqlite3_column_int64(st, off + 3);
	r->state = sqlite3_column_int(st, off + 4);
	r->nominal = sqlite3_column_int64(st, off + 5);
	r->reply[0] = sqlite3_column_int(st, off + 6);
	r->reply[1] = sqlite3_column_int(st, off + 7);
	r->seen = sqlite3_column_int(st, off + 8);
	r->why = sqlite3_column_int(st, off + 9);
	r->checkin = sqlite3_column_int64(st, off + 10);
	r->request = sqlite3_column_int(st, off + 11);
	r->avoid_start = sqlite3_column_int64(st, off + 12);
	r->avoid_end = sqlite3_column_int64(st, off + 13);
	r->decided = sqlite3_column_int64(st, off + 14);
	return r->uid == NULL ? TANDEM_ENOMEM : 0;
}

int
store_session_get(struct store *s, struct store_session *r)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "SELECT " SESSION_COLS " FROM session "
	    "WHERE program = ? AND mentor = ? AND mentee = ? AND idx = ?", &st);
	if (rc < 0)
		return rc;
	bind_key(st, r);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = session_row(st, 0, r);
		rc = rc < 0 ? rc : 1;
	} else
		rc = rc == SQLITE_DONE ? 0 : fail(s, "reading a session");
	sqlite3_finalize(st);
	return rc;
}

/* fn for each row st yields (key columns first); st is finalized. */
static int
each_row(struct store *s, sqlite3_stmt *st, store_session_fn fn, void *ud)
{
	struct store_session	 r;
	int			 rc = 0, step;

	for (;;) {
		step = sqlite3_step(st);
		if (step != SQLITE_ROW)
			break;
		memset(&r, 0, sizeof(r));
		r.program = (const char *)sqlite3_column_text(st, 0);
		r.mentor = (const char *)sqlite3_column_text(st, 1);
		r.mentee = (const char *)sqlite3_column_text(st, 2);
		r.index = (unsigned)sqlite3_column_int64(st, 3);
		rc = session_row(st, 4, &r);
		if (rc == 0)
			rc = fn(ud, &r);
		free(r.uid);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(s, "reading sessions");
	sqlite3_finalize(st);
	return rc;
}

int
store_sessions_each(struct store *s, const char *program, const char *mentor,
    const char *mentee, store_session_fn fn, void *ud)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "SELECT program, mentor, mentee, idx, " SESSION_COLS
	    " FROM session WHERE (?1 IS NULL OR program = ?1) AND (?2 IS NULL OR "
	    "mentor = ?2) AND (?3 IS NULL OR mentee = ?3) "
	    "ORDER BY program, mentor, mentee, idx", &st);
	if (rc < 0)
		return rc;
	bind_pair(st, program, mentor, mentee);
	return each_row(s, st, fn, ud);
}

int
store_sessions_uid(struct store *s, const char *uid, store_session_fn fn,
    void *ud)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "SELECT program, mentor, mentee, idx, " SESSION_COLS
	    " FROM session WHERE uid = ? ORDER BY program, mentor, mentee, idx",
	    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, uid, -1, SQLITE_STATIC);
	return each_row(s, st, fn, ud);
}

/*
 * One UPDATE of the row keyed by key (parameters 1 to 4) with value as
 * parameter 5: 1 a row changed, 0 none, or TANDEM_EIO.
 */
static int
update_row(struct store *s, const char *sql, const struct store_session *key,
    int64_t value, const char *what)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, sql, &st);
	if (rc < 0)
		return rc;
	bind_key(st, key);
	sqlite3_bind_int64(st, 5, value);
	rc = run(s, st, what);
	return rc < 0 ? rc : sqlite3_changes(s->db) > 0;
}

int
store_session_request(struct store *s, const struct store_session *key,
    int request)
{
	return update_row(s, "UPDATE session SET request = ?5 WHERE program = ?1 "
	    "AND mentor = ?2 AND mentee = ?3 AND idx = ?4", key, request,
	    "updating a session");
}

int
store_session_checkin(struct store *s, const struct store_session *key,
    int64_t when)
{
	return update_row(s, "UPDATE session SET checkin = ?5 WHERE program = ?1 "
	    "AND mentor = ?2 AND mentee = ?3 AND idx = ?4 AND checkin = 0", key,
	    when, "recording a check-in");
}

int
store_pair_paused(struct store *s, const char *program, const char *mentor,
    const char *mentee)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "SELECT paused FROM pair WHERE program = ? AND mentor = ? "
	    "AND mentee = ?", &st);
	if (rc < 0)
		return rc;
	bind_pair(st, program, mentor, mentee);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0) != 0;
	else
		rc = rc == SQLITE_DONE ? 0 : fail(s, "reading a pair");
	sqlite3_finalize(st);
	return rc;
}

int
store_pair_set_paused(struct store *s, const char *program, const char *mentor,
    const char *mentee, int paused)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "INSERT OR REPLACE INTO pair VALUES (?,?,?,?)", &st);
	if (rc < 0)
		return rc;
	bind_pair(st, program, mentor, mentee);
	sqlite3_bind_int(st, 4, paused != 0);
	return run(s, st, "saving a pair");
}

int
store_job_add(struct store *s, const char *kind, const char *key,
    const char *payload, int64_t now)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "INSERT OR IGNORE INTO job (kind, key, payload, queued, "
	    "not_before) VALUES (?,?,?,?,?)", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, payload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	rc = run(s, st, "queuing a job");
	return rc < 0 ? rc : sqlite3_changes(s->db) > 0;
}

int
store_job_done_p(struct store *s, const char *key)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "SELECT done IS NOT NULL FROM job WHERE key = ?", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0);
	else
		rc = rc == SQLITE_DONE ? 0 : fail(s, "reading a job");
	sqlite3_finalize(st);
	return rc;
}

static int
job_row(sqlite3_stmt *st, struct store_job *j)
{
	memset(j, 0, sizeof(*j));
	j->id = sqlite3_column_int64(st, 0);
	j->kind = util_strdup((const char *)sqlite3_column_text(st, 1));
	j->key = util_strdup((const char *)sqlite3_column_text(st, 2));
	j->payload = util_strdup((const char *)sqlite3_column_text(st, 3));
	j->attempts = sqlite3_column_int(st, 4);
	j->not_before = sqlite3_column_int64(st, 5);
	return j->kind && j->key && j->payload ? 0 : TANDEM_ENOMEM;
}

int
store_jobs_due(struct store *s, const char *kind, int64_t now, size_t max,
    struct store_job **jobs, size_t *n)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*jobs = NULL;
	*n = 0;
	rc = prepare(s, "SELECT id, kind, key, payload, attempts, not_before FROM job "
	    "WHERE kind = ? AND done IS NULL AND not_before <= ? ORDER BY id LIMIT ?",
	    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = util_grow((void **)jobs, &cap, *n, sizeof(**jobs));
		if (rc == 0)
			rc = job_row(st, &(*jobs)[(*n)++]);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = fail(s, "reading jobs");
	sqlite3_finalize(st);
	if (rc < 0) {
		store_jobs_free(*jobs, *n);
		*jobs = NULL;
		*n = 0;
	}
	return rc;
}

void
store_jobs_free(struct store_job *jobs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(jobs[i].kind);
		free(jobs[i].key);
		free(jobs[i].payload);
	}
	free(jobs);
}

static int
update(struct store *s, const char *sql, int64_t a, int64_t id, const char *what)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, sql, &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, id);
	return run(s, st, what);
}

int
store_job_finish(struct store *s, int64_t id, int64_t now)
{
	return update(s, "UPDATE job SET done = ? WHERE id = ?", now, id,
	    "finishing a job");
}

int
store_job_give_up(struct store *s, int64_t id, int64_t now)
{
	return update(s, "UPDATE job SET done = ?, failed = 1, attempts = "
	    "attempts + 1 WHERE id = ?", now, id, "giving up a job");
}

int
store_job_retry(struct store *s, int64_t id, int64_t not_before)
{
	return update(s, "UPDATE job SET attempts = attempts + 1, not_before = ? "
	    "WHERE id = ?", not_before, id, "retrying a job");
}

int
store_jobs_next(struct store *s, int64_t *when)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = prepare(s, "SELECT MIN(not_before) FROM job WHERE done IS NULL AND "
	    "kind IN ('outbox', 'hook', 'caldav', 'imip')", &st);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(st, 0);
		rc = 1;
	} else
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		    fail(s, "reading jobs");
	sqlite3_finalize(st);
	return rc;
}

int
store_sessions_count(struct store *s, const char *program, size_t *counts,
    size_t n)
{
	sqlite3_stmt	*st;
	int		 rc, state;

	memset(counts, 0, n * sizeof(*counts));
	rc = prepare(s, "SELECT state, COUNT(*) FROM session WHERE ?1 IS NULL OR "
	    "program = ?1 GROUP BY state", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		state = sqlite3_column_int(st, 0);
		if (state >= 0 && (size_t)state < n)
			counts[state] = (size_t)sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_DONE ? 0 : fail(s, "counting sessions");
	sqlite3_finalize(st);
	return rc;
}

int
store_jobs_count(struct store *s, const char *kind, struct store_job_count *c)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(c, 0, sizeof(*c));
	rc = prepare(s, "SELECT COALESCE(SUM(done IS NULL AND attempts = 0), 0), "
	    "COALESCE(SUM(done IS NULL AND attempts > 0), 0), "
	    "COALESCE(SUM(done IS NOT NULL AND failed = 0), 0), "
	    "COALESCE(SUM(failed), 0) FROM job WHERE ?1 IS NULL OR kind = ?1",
	    &st);
	if (rc < 0)
		return rc;
	if (kind != NULL)
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->queued = (size_t)sqlite3_column_int64(st, 0);
		c->retrying = (size_t)sqlite3_column_int64(st, 1);
		c->done = (size_t)sqlite3_column_int64(st, 2);
		c->given_up = (size_t)sqlite3_column_int64(st, 3);
		rc = 0;
	} else
		rc = fail(s, "counting jobs");
	sqlite3_finalize(st);
	return rc;
}

/* *n = the one number st selects; st is finalized.  0 or TANDEM_EIO. */
static int
count_of(struct store *s, sqlite3_stmt *st, size_t *n)
{
	int	rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		rc = fail(s, "counting jobs");
	sqlite3_finalize(st);
	return rc;
}

int
store_jobs_done_since(struct store *s, const char *kind, int64_t since,
    size_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	rc = prepare(s, "SELECT COUNT(*) FROM job WHERE kind = ? AND done >= ? "
	    "AND failed = 0", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	return count_of(s, st, n);
}

int
store_jobs_postpone(struct store *s, const char *kind, int64_t now,
    int64_t until, size_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	rc = prepare(s, "UPDATE job SET not_before = ? WHERE kind = ? AND "
	    "done IS NULL AND not_before <= ?", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, until);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		*n = (size_t)sqlite3_changes(s->db);
		rc = 0;
	} else
		rc = fail(s, "postponing jobs");
	sqlite3_finalize(st);
	return rc;
}

int
store_jobs_newer(struct store *s, const char *kind, const char *uid,
    int sequence)
{
	sqlite3_stmt	*st;
	size_t		 n;
	int		 rc;

	/* "<uid>." <= key < "<uid>/": a range on the key's index (+kind
	 * keeps SQLite from scanning the kind index instead), no scan. */
	rc = prepare(s, "SELECT COUNT(*) FROM job WHERE key >= ?2 || '.' AND "
	    "key < ?2 || '/' AND +kind = ?1 AND "
	    "CAST(substr(key, length(?2) + 2) AS INTEGER) > ?3", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, sequence);
	rc = count_of(s, st, &n);
	return rc < 0 ? rc : n > 0;
}
