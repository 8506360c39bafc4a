/*
 * store: SQLite in WAL mode with synchronous=FULL (a committed job survives
 * a power cut), versioned migrations, prepared statements per call.  See
 * store.h for what is kept and why.
 *
 * One state, one writer.  Two processes on one store would each carry out
 * the same queued jobs (every e-mail twice) and race in the migration, so
 * store_open() first takes an exclusive lock on STATE.lock and keeps it
 * until store_close(); a second process is refused before it reads or
 * writes anything.  The lock is fcntl's: the kernel drops it when the
 * process ends, however it ends, and a child (a hook, sendmail) never
 * inherits it, so a hook that outlives a killed tandemd does not keep the
 * state locked.  Its one caveat, that closing any descriptor of the file
 * drops the lock, does not bite: only lock() opens it, once per store.
 * The file holds one line, "PID MODE [SOCKET]", for the message the second
 * process prints; the PID in it is trusted only when fcntl names the same.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tandem-int.h"
#include "store.h"

struct store {
	sqlite3		*db;
	char		*path;
	int		 lockfd;	/* STATE.lock, locked; -1: none */
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

/*
 * The file at s->path is not a store tandem can read (why says what is
 * wrong with it): say so, and what to do, since tandem cannot mend it.
 * Nothing has been written to it.
 */
static int
damaged(struct store *s, const char *why)
{
	int	rc;

	rc = diag_add(s->diag, s->path, 0, "not a tandem store (%s); tandem "
	    "has left it as it is", why);
	if (rc == 0)
		rc = diag_add(s->diag, NULL, 0, "to restore it, stop tandem and "
		    "put back a copy of %s from a backup (an earlier 'tandemctl "
		    "export' cannot be loaded back, but lists what tandem had "
		    "sent: each session's UID, SEQUENCE, slot, replies and state)",
		    s->path);
	if (rc == 0)
		rc = diag_add(s->diag, NULL, 0, "to start afresh, move %s away, "
		    "with its -wal and -shm files if there are any: the next pass "
		    "then invites every upcoming session again, under the same "
		    "UIDs; tandemd(8), STATE, says how to run that pass without "
		    "mailing anybody", s->path);
	return rc < 0 ? rc : TANDEM_EIO;
}

/* An error reading the file: damage (said as such) or any other failure. */
static int
refuse(struct store *s, const char *what)
{
	int	code = sqlite3_errcode(s->db);

	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return damaged(s, sqlite3_errmsg(s->db));
	return fail(s, what);
}

/* The lock file's one line for this process. */
static void
note(struct store *s, const char *mode, const char *socket)
{
	char	line[512];
	int	len;

	len = snprintf(line, sizeof(line), "%ld %s%s%s\n", (long)getpid(), mode,
	    socket != NULL ? " " : "", socket != NULL ? socket : "");
	if (len < 0 || (size_t)len >= sizeof(line))
		return;
	/* Written over, then cut: a reader never sees an empty file. */
	if (pwrite(s->lockfd, line, (size_t)len, 0) == len)
		(void)ftruncate(s->lockfd, len);
}

/*
 * Who holds the lock on fd (held is what F_GETLK said): the pid fcntl
 * names, and what that process does when its line in the file is its own
 * (a holder that has just taken the lock may not have written it yet).
 */
static int
holder(struct store *s, int fd, const struct flock *held)
{
	char	 buf[512], mode[16] = "";
	long	 pid = held->l_type != F_UNLCK ? (long)held->l_pid : 0, wrote = 0;
	ssize_t	 n;
	int	 at = 0, rc;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (sscanf(buf, "%ld %15s %n", &wrote, mode, &at) < 2 || at == 0)
		mode[0] = '\0';
	/* pid 0: the holder is outside our pid namespace; its line tells. */
	if (pid <= 0)
		pid = wrote;
	if (wrote != pid)
		mode[0] = '\0';
	if (strcmp(mode, "serving") == 0 && buf[at] != '\0')
		rc = diag_add(s->diag, NULL, 0, "another tandemd is running on %s "
		    "(pid %ld) and holds %s; one state, one writer", buf + at,
		    pid, s->path);
	else if (pid > 0)
		rc = diag_add(s->diag, NULL, 0, "%s is in use by tandemd%s "
		    "(pid %ld); one state, one writer", s->path,
		    strcmp(mode, "pass") == 0 ? " --once" : "", pid);
	else
		rc = diag_add(s->diag, NULL, 0, "%s is in use by another "
		    "tandemd; one state, one writer", s->path);
	return rc < 0 ? rc : TANDEM_EBUSY;
}

/*
 * Take the lock on STATE.lock (made 0600 when missing), without waiting:
 * TANDEM_EBUSY with the holder named when another process has it.
 */
static int
lock(struct store *s)
{
	struct flock	 fl;
	char		*name = NULL;
	int		 fd = -1, rc, tries;

	if (asprintf(&name, "%s.lock", s->path) < 0)
		return TANDEM_ENOMEM;
	fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = diag_add(s->diag, s->path, 0, "cannot open: %s: %s", name,
		    strerror(errno));
		rc = rc < 0 ? rc : TANDEM_EIO;
		goto out;
	}
	/* A holder that leaves between the two calls: try again, a few times. */
	for (tries = 0;; tries++) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;		/* start 0, length 0: all of it */
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			s->lockfd = fd;
			fd = -1;
			note(s, "open", NULL);
			rc = 0;
			break;
		}
		if (errno != EACCES && errno != EAGAIN) {
			rc = diag_add(s->diag, s->path, 0, "cannot lock %s: %s",
			    name, strerror(errno));
			rc = rc < 0 ? rc : TANDEM_EIO;
			break;
		}
		if (fcntl(fd, F_GETLK, &fl) < 0)
			fl.l_type = F_UNLCK;
		if (fl.l_type != F_UNLCK || tries == 3) {
			rc = holder(s, fd, &fl);
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(name);
	return rc;
}

/* The schema version; damage shows here first, before anything is written. */
static int
version(struct store *s, int *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return refuse(s, "cannot read the schema version");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : refuse(s, "cannot read the schema version");
}

static int
newer(struct store *s, int v)
{
	if (v <= STORE_SCHEMA)
		return 0;
	diag_add(s->diag, s->path, 0, "schema version %d is newer than this "
	    "tandem's (%d); refusing to touch it", v, STORE_SCHEMA);
	return TANDEM_EIO;
}

/*
 * Bring the store to STORE_SCHEMA: every step in one transaction, the
 * version read inside it, so that a crash or a failed step leaves the store
 * as it was, never half a schema.
 */
static int
migrate(struct store *s)
{
	char	what[64], sql[64];
	int	v = 0, from, rc;

	rc = store_begin(s);
	if (rc < 0)
		return rc;
	rc = version(s, &v);
	if (rc == 0)
		rc = newer(s, v);
	for (from = v; rc == 0 && v < STORE_SCHEMA; v++) {
		snprintf(what, sizeof(what), "migration to schema %d", v + 1);
		rc = exec(s, migrations[v], what);
	}
	if (rc == 0 && v != from) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		rc = exec(s, sql, "migration");
	}
	if (rc == 0)
		rc = store_commit(s);
	if (rc < 0)
		store_rollback(s);
	return rc;
}

/*
 * A missing store is made whole or not at all: built at STATE.new with
 * its schema (in rollback-journal mode, so that it is all in the one file)
 * and renamed into place.  A store that exists is then never a creation
 * cut short, and an empty one is damage.  Only the lock's holder gets here:
 * a STATE.new left by a crash is nobody's.
 */
static int
create(struct store *s)
{
	struct store	 t;
	char		*tmp = NULL, *dir = NULL, *journal = NULL;
	int		 rc, fd;

	memset(&t, 0, sizeof(t));
	t.path = s->path;		/* borrowed: t is never store_close()d */
	t.diag = s->diag;
	t.lockfd = -1;
	if (asprintf(&tmp, "%s.new", s->path) < 0) {
		tmp = NULL;
		rc = TANDEM_ENOMEM;
		goto out;
	}
	if (asprintf(&journal, "%s-journal", tmp) < 0) {
		journal = NULL;
		rc = TANDEM_ENOMEM;
		goto out;
	}
	(void)unlink(tmp);
	(void)unlink(journal);
	if (sqlite3_open_v2(tmp, &t.db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = fail(&t, "cannot create");
		goto out;
	}
	rc = exec(&t, "PRAGMA synchronous = FULL", "cannot create");
	if (rc == 0)
		rc = migrate(&t);
	if (sqlite3_close(t.db) != SQLITE_OK && rc == 0)
		rc = diag_add(s->diag, s->path, 0, "cannot create: closing %s "
		    "failed", tmp) < 0 ? TANDEM_ENOMEM : TANDEM_EIO;
	t.db = NULL;
	if (rc == 0 && rename(tmp, s->path) < 0)
		rc = diag_add(s->diag, s->path, 0, "cannot create: %s",
		    strerror(errno)) < 0 ? TANDEM_ENOMEM : TANDEM_EIO;
	if (rc < 0) {
		(void)unlink(tmp);
		goto out;
	}
	/* The rename itself survives a power cut once the folder is synced. */
	dir = util_dirname(s->path);
	if (dir == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
out:
	sqlite3_close(t.db);
	free(dir);
	free(journal);
	free(tmp);
	return rc;
}

int
store_open(const char *path, struct store **out, struct tandem_diag *diag)
{
	struct store	*s;
	struct stat	 st;
	int		 rc, v;

	if (tandem_fails_assert(path != NULL && out != NULL))
		return TANDEM_EINVAL;
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->path = util_strdup(path)) == NULL) {
		free(s);
		return TANDEM_ENOMEM;
	}
	s->diag = diag;
	s->lockfd = -1;
	rc = lock(s);
	if (rc < 0)
		goto out;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			rc = create(s);
		else
			rc = diag_add(diag, path, 0, "cannot open: %s",
			    strerror(errno)) < 0 ? TANDEM_ENOMEM : TANDEM_EIO;
	} else if (S_ISREG(st.st_mode) && st.st_size == 0)
		rc = damaged(s, "the file is empty");
	if (rc < 0)
		goto out;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = fail(s, "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/* Read before anything is written: damage, or a newer tandem's. */
	rc = version(s, &v);
	if (rc == 0)
		rc = newer(s, v);
	if (rc == 0 && sqlite3_exec(s->db, "PRAGMA journal_mode = WAL; PRAGMA "
	    "synchronous = FULL; PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		rc = refuse(s, "cannot open");
	if (rc == 0)
		rc = migrate(s);
out:
	if (rc < 0) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
store_holder(struct store *s, const char *mode, const char *socket)
{
	if (s != NULL && s->lockfd >= 0)
		note(s, mode, socket);
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	/* The lock goes with the descriptor; the file stays for the next. */
	if (s->lockfd >= 0)
		close(s->lockfd);
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
