/*
 * store: the SQLite state survives reopening and crashes, jobs are queued
 * once per key, a file the store cannot own is refused by name (and left
 * as it is), the schema is migrated in one transaction, and a second
 * process on the state is refused and told who holds it.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tt.h"
#include "tandem-int.h"
#include "store.h"

static char	dir[64], path[128];

static void
fresh(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tandem-store-XXXXXX");
	if (mkdtemp(dir) == NULL)
		TT_FAIL("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/state.db", dir);
}

static void
cleanup(void)
{
	char	p[160];

	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.new", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

static struct store *
open_ok(void)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct store		*s = NULL;

	if (store_open(path, &s, d) != 0)
		TT_FAIL("store_open: %s", tandem_diag_get(d, 0));
	tandem_diag_free(d);
	return s;
}

static int
user_version(void)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int		 v = -1;

	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static struct store_session
row(unsigned index)
{
	struct store_session	r;

	memset(&r, 0, sizeof(r));
	r.program = "reverse-2027";
	r.mentor = "lena.vogel@corp.example";
	r.mentee = "marc.dubois@corp.example";
	r.index = index;
	return r;
}

TEST(a_new_store_has_the_schema_and_keeps_sessions_across_opens)
{
	struct store		*s;
	struct store_session	 r = row(3), g = row(3);

	fresh();
	s = open_ok();
	ASSERT_EQ(user_version(), STORE_SCHEMA);
	r.uid = (char *)"tandem-x-3@corp.example";
	r.sequence = 1;
	r.start = 1800000000;
	r.end = 1800003600;
	r.state = 2;
	ASSERT_EQ(store_session_put(s, &r), 0);
	store_close(s);
	s = open_ok();
	ASSERT_EQ(store_session_get(s, &g), 1);
	ASSERT_STR_EQ(g.uid, "tandem-x-3@corp.example");
	ASSERT_EQ(g.sequence, 1);
	ASSERT_EQ(g.start, 1800000000);
	ASSERT_EQ(g.end, 1800003600);
	ASSERT_EQ(g.state, 2);
	free(g.uid);
	g = row(4);
	ASSERT_EQ(store_session_get(s, &g), 0);
	r.sequence = 2;			/* a move replaces the row */
	ASSERT_EQ(store_session_put(s, &r), 0);
	g = row(3);
	ASSERT_EQ(store_session_get(s, &g), 1);
	ASSERT_EQ(g.sequence, 2);
	free(g.uid);
	store_close(s);
	cleanup();
}

static int
collect(void *ud, const struct store_session *r)
{
	char	*acc = ud;
	char	 one[96];

	snprintf(one, sizeof(one), "%s/%u:%d:%d;", r->mentee, r->index, r->request,
	    r->reply[1]);
	strcat(acc, one);
	return 0;
}

TEST(rows_are_listed_by_pair_and_requests_and_check_ins_land_once)
{
	struct store		*s;
	struct store_session	 r = row(2), g;
	char			 acc[512] = "";

	fresh();
	s = open_ok();
	r.uid = (char *)"u2";
	r.reply[1] = 3;
	r.checkin = 0;
	ASSERT_EQ(store_session_put(s, &r), 0);
	r.index = 1;
	r.uid = (char *)"u1";
	ASSERT_EQ(store_session_put(s, &r), 0);
	r.mentee = "ana@corp.example";
	ASSERT_EQ(store_session_put(s, &r), 0);
	g = row(2);
	ASSERT_EQ(store_session_request(s, &g, STORE_REQ_SKIP), 1);
	g = row(9);
	ASSERT_EQ(store_session_request(s, &g, STORE_REQ_SKIP), 0);
	ASSERT_EQ(store_sessions_each(s, NULL, NULL, NULL, collect, acc), 0);
	ASSERT_STR_EQ(acc, "ana@corp.example/1:0:3;marc.dubois@corp.example/1:0:3;"
	    "marc.dubois@corp.example/2:1:3;");
	acc[0] = 0;
	ASSERT_EQ(store_sessions_each(s, NULL, NULL, "ana@corp.example", collect,
	    acc), 0);
	ASSERT_STR_EQ(acc, "ana@corp.example/1:0:3;");
	g = row(2);
	ASSERT_EQ(store_session_checkin(s, &g, 1800000000), 1);
	ASSERT_EQ(store_session_checkin(s, &g, 1800009999), 0);	/* the first stays */
	ASSERT_EQ(store_session_get(s, &g), 1);
	ASSERT_EQ(g.checkin, 1800000000);
	ASSERT_EQ(g.request, STORE_REQ_SKIP);
	free(g.uid);
	ASSERT_EQ(store_pair_paused(s, "reverse-2027", "a", "b"), 0);
	ASSERT_EQ(store_pair_set_paused(s, "reverse-2027", "a", "b", 1), 0);
	ASSERT_EQ(store_pair_paused(s, "reverse-2027", "a", "b"), 1);
	ASSERT_EQ(store_pair_set_paused(s, "reverse-2027", "a", "b", 0), 0);
	ASSERT_EQ(store_pair_paused(s, "reverse-2027", "a", "b"), 0);
	store_close(s);
	cleanup();
}

TEST(a_job_is_queued_once_per_key_and_done_once)
{
	struct store		*s;
	struct store_job	*j;
	size_t			 n;

	fresh();
	s = open_ok();
	ASSERT_EQ(store_job_add(s, "send", "uid-1/0/REQUEST", "eml", 100), 1);
	ASSERT_EQ(store_job_add(s, "send", "uid-1/0/REQUEST", "eml again", 101), 0);
	ASSERT_EQ(store_job_add(s, "hook", "missed/uid-1", "{}", 102), 1);
	ASSERT_EQ(store_jobs_due(s, "send", 200, 10, &j, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STR_EQ(j[0].key, "uid-1/0/REQUEST");
	ASSERT_STR_EQ(j[0].payload, "eml");
	ASSERT_EQ(store_job_done_p(s, "uid-1/0/REQUEST"), 0);
	ASSERT_EQ(store_job_finish(s, j[0].id, 201), 0);
	store_jobs_free(j, n);
	ASSERT_EQ(store_job_done_p(s, "uid-1/0/REQUEST"), 1);
	ASSERT_EQ(store_jobs_due(s, "send", 300, 10, &j, &n), 0);
	ASSERT_EQ(n, 0);
	store_jobs_free(j, n);
	/* Done is done: the same key is not queued again. */
	ASSERT_EQ(store_job_add(s, "send", "uid-1/0/REQUEST", "eml", 400), 0);
	ASSERT_EQ(store_job_done_p(s, "no-such-key"), 0);
	store_close(s);
	cleanup();
}

/* An e-mail is overtaken by a later message of its session, not another's. */
TEST(a_later_message_of_the_same_session_is_found)
{
	struct store	*s;

	fresh();
	s = open_ok();
	ASSERT_EQ(store_job_add(s, "imip", "u-1@x.0.lena@x", "m", 100), 1);
	ASSERT_EQ(store_job_add(s, "imip", "u-1@xy.7.lena@x", "m", 100), 1);
	ASSERT_EQ(store_job_add(s, "imip", "refresh:u-1@x.3.lena@x.99", "m", 100), 1);
	ASSERT_EQ(store_jobs_newer(s, "imip", "u-1@x", 0), 0);
	ASSERT_EQ(store_job_add(s, "imip", "u-1@x.10.marc@x", "m", 101), 1);
	ASSERT_EQ(store_jobs_newer(s, "imip", "u-1@x", 0), 1);
	ASSERT_EQ(store_jobs_newer(s, "imip", "u-1@x", 9), 1);
	ASSERT_EQ(store_jobs_newer(s, "imip", "u-1@x", 10), 0);
	ASSERT_EQ(store_jobs_newer(s, "outbox", "u-1@x", 0), 0);
	store_close(s);
	cleanup();
}

TEST(a_failed_job_waits_for_its_retry_time)
{
	struct store		*s;
	struct store_job	*j;
	size_t			 n;

	fresh();
	s = open_ok();
	ASSERT_EQ(store_job_add(s, "hook", "lapse/pair", "{}", 100), 1);
	ASSERT_EQ(store_jobs_due(s, "hook", 100, 10, &j, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(store_job_retry(s, j[0].id, 160), 0);
	store_jobs_free(j, n);
	ASSERT_EQ(store_jobs_due(s, "hook", 159, 10, &j, &n), 0);
	ASSERT_EQ(n, 0);
	store_jobs_free(j, n);
	ASSERT_EQ(store_jobs_due(s, "hook", 160, 10, &j, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(j[0].attempts, 1);
	store_jobs_free(j, n);
	store_close(s);
	cleanup();
}

/* In a child: queue a job in a transaction, commit or not, then die by SIGKILL. */
static void
die_after(int commit)
{
	struct store	*s;
	pid_t		 pid = fork();
	int		 status;

	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		if (store_open(path, &s, NULL) != 0)
			_exit(2);
		if (store_begin(s) != 0 ||
		    store_job_add(s, "send", commit ? "kept" : "lost", "x", 1) != 1)
			_exit(3);
		if (commit && store_commit(s) != 0)
			_exit(4);
		kill(getpid(), SIGKILL);
		_exit(5);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(a_kill_9_keeps_what_was_committed_and_nothing_else)
{
	struct store		*s;
	struct store_job	*j;
	size_t			 n;

	fresh();
	s = open_ok();
	store_close(s);
	die_after(0);
	die_after(1);
	s = open_ok();
	ASSERT_EQ(store_jobs_due(s, "send", 10, 10, &j, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STR_EQ(j[0].key, "kept");
	store_jobs_free(j, n);
	store_close(s);
	cleanup();
}

TEST(a_store_from_a_newer_tandem_is_refused)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct store		*s = NULL;
	sqlite3			*db;

	fresh();
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EIO);
	ASSERT_TRUE(s == NULL);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), path);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "schema version 99 is newer");
	ASSERT_EQ(user_version(), 99);		/* untouched */
	tandem_diag_free(d);
	cleanup();
}

/* The size of file p, -1 when it is missing. */
static long
size_of(const char *p)
{
	struct stat	st;

	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* Does the store have a -wal beside it? */
static int
wal_exists(void)
{
	char	p[160];

	snprintf(p, sizeof(p), "%s-wal", path);
	return access(p, F_OK) == 0;
}

/* The three lines a damaged store gets: what, and the two ways out. */
static void
assert_damage_told(struct tandem_diag *d, size_t first, const char *why)
{
	ASSERT_TRUE(tandem_diag_count(d) >= first + 3);
	ASSERT_CONTAINS(tandem_diag_get(d, first), path);
	ASSERT_CONTAINS(tandem_diag_get(d, first), "not a tandem store");
	ASSERT_CONTAINS(tandem_diag_get(d, first), why);
	ASSERT_CONTAINS(tandem_diag_get(d, first), "left it as it is");
	ASSERT_CONTAINS(tandem_diag_get(d, first + 1), "from a backup");
	ASSERT_CONTAINS(tandem_diag_get(d, first + 1), path);
	ASSERT_CONTAINS(tandem_diag_get(d, first + 1), "'tandemctl export' "
	    "cannot be loaded back");
	ASSERT_CONTAINS(tandem_diag_get(d, first + 2), "to start afresh, move");
	ASSERT_CONTAINS(tandem_diag_get(d, first + 2), path);
	ASSERT_CONTAINS(tandem_diag_get(d, first + 2), "tandemd(8)");
}

TEST(a_file_that_is_not_a_database_or_a_missing_folder_is_named)
{
	static const char	 text[] =
	    "this is not SQLite, it is a text file long enough to have a header\n";
	struct tandem_diag	*d = tandem_diag_new();
	struct store		*s = NULL;
	FILE			*f;
	char			 bad[160];
	size_t			 n;

	fresh();
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	fputs(text, f);
	fclose(f);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EIO);
	assert_damage_told(d, 0, "file is not a database");
	ASSERT_EQ(size_of(path), (long)strlen(text));	/* left as it is */
	ASSERT_TRUE(!wal_exists());
	n = tandem_diag_count(d);
	snprintf(bad, sizeof(bad), "%s/no/such/folder/state.db", dir);
	ASSERT_EQ(store_open(bad, &s, d), TANDEM_EIO);
	ASSERT_CONTAINS(tandem_diag_get(d, n), bad);
	ASSERT_CONTAINS(tandem_diag_get(d, n), "cannot open");
	tandem_diag_free(d);
	cleanup();
}

TEST(a_zeroed_header_or_an_empty_file_is_damage_and_left_as_it_is)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct store		*s = NULL;
	char			 zero[100];
	FILE			*f;
	long			 size;

	fresh();
	s = open_ok();
	ASSERT_EQ(store_job_add(s, "send", "k", "x", 1), 1);
	store_close(s);
	size = size_of(path);
	ASSERT_TRUE(size > 0);
	memset(zero, 0, sizeof(zero));
	f = fopen(path, "r+");
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(fwrite(zero, 1, sizeof(zero), f), sizeof(zero));
	fclose(f);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EIO);
	ASSERT_TRUE(s == NULL);
	assert_damage_told(d, 0, "file is not a database");
	ASSERT_EQ(size_of(path), size);
	ASSERT_TRUE(!wal_exists());

	/* Empty: tandem never leaves one (see the next test), so it is damage. */
	f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	fclose(f);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EIO);
	assert_damage_told(d, 3, "the file is empty");
	ASSERT_EQ(size_of(path), 0);
	tandem_diag_free(d);
	cleanup();
}

TEST(a_new_store_appears_whole_and_a_creation_cut_short_is_forgotten)
{
	struct store	*s;
	char		 tmp[160];
	FILE		*f;

	fresh();
	/* What a crash in the middle of a creation leaves. */
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	ASSERT_TRUE(f != NULL);
	fputs("half a store", f);
	fclose(f);
	s = open_ok();
	ASSERT_EQ(size_of(tmp), -1);
	ASSERT_TRUE(size_of(path) > 0);
	store_close(s);
	ASSERT_EQ(user_version(), STORE_SCHEMA);
	cleanup();
}

/* The names of the tables of the file at path, as one string. */
static void
tables(char *out, size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*st;

	out[0] = '\0';
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' ORDER BY name", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(out, (const char *)sqlite3_column_text(st, 0),
		    len - strlen(out) - 2);
		strcat(out, " ");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

TEST(a_migration_that_fails_half_way_leaves_no_half_schema)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct store		*s = NULL;
	sqlite3			*db;
	char			 names[256];

	/*
	 * Version 0 with a table the migration makes last: every table before
	 * it is made, then the step fails.  In one transaction, none stays.
	 */
	fresh();
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE source (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EIO);
	ASSERT_TRUE(s == NULL);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), path);
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "migration to schema 1");
	ASSERT_CONTAINS(tandem_diag_get(d, 0), "table source already exists");
	tables(names, sizeof(names));
	ASSERT_STR_EQ(names, "source ");
	ASSERT_EQ(user_version(), 0);
	tandem_diag_free(d);
	cleanup();
}

/*
 * In a child: open the store, say what it does (mode, socket), tell the
 * parent on ready, and hold it until the parent closes hold (or kills it).
 */
static pid_t
holder(const char *mode, const char *socket, int *hold)
{
	struct store	*s;
	int		 ready[2], held[2];
	pid_t		 pid;
	char		 c;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(held), 0);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(held[1]);
		if (store_open(path, &s, NULL) != 0)
			_exit(2);
		if (mode != NULL)
			store_holder(s, mode, socket);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		(void)read(held[0], &c, 1);	/* until the parent closes it */
		store_close(s);
		_exit(0);
	}
	close(ready[1]);
	close(held[0]);
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	close(ready[0]);
	*hold = held[1];
	return pid;
}

TEST(a_second_process_on_the_state_is_refused_and_told_who_holds_it)
{
	struct tandem_diag	*d = tandem_diag_new();
	struct store		*s = NULL;
	char			 want[256];
	pid_t			 pid;
	int			 hold, status;

	fresh();
	s = open_ok();
	ASSERT_EQ(store_job_add(s, "send", "k", "x", 1), 1);
	store_close(s);

	pid = holder(NULL, NULL, &hold);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EBUSY);
	ASSERT_TRUE(s == NULL);
	snprintf(want, sizeof(want), "%s is in use by tandemd (pid %ld); one "
	    "state, one writer", path, (long)pid);
	ASSERT_STR_EQ(tandem_diag_get(d, 0), want);
	close(hold);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	pid = holder("pass", NULL, &hold);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EBUSY);
	snprintf(want, sizeof(want), "%s is in use by tandemd --once (pid %ld); "
	    "one state, one writer", path, (long)pid);
	ASSERT_STR_EQ(tandem_diag_get(d, 1), want);
	close(hold);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);

	/* Killed while it holds the state: the lock goes with it. */
	pid = holder("serving", "/run/tandem/tandemd.sock", &hold);
	ASSERT_EQ(store_open(path, &s, d), TANDEM_EBUSY);
	snprintf(want, sizeof(want), "another tandemd is running on "
	    "/run/tandem/tandemd.sock (pid %ld) and holds %s; one state, one "
	    "writer", (long)pid, path);
	ASSERT_STR_EQ(tandem_diag_get(d, 2), want);
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	close(hold);
	ASSERT_EQ(tandem_diag_count(d), 3);
	s = open_ok();
	ASSERT_EQ(store_job_done_p(s, "k"), 0);	/* the same store, untouched */
	ASSERT_EQ(store_job_add(s, "send", "k", "x", 1), 0);
	store_close(s);
	tandem_diag_free(d);
	cleanup();
}

TT_MAIN(
	CASE(a_new_store_has_the_schema_and_keeps_sessions_across_opens),
	CASE(rows_are_listed_by_pair_and_requests_and_check_ins_land_once),
	CASE(a_job_is_queued_once_per_key_and_done_once),
	CASE(a_later_message_of_the_same_session_is_found),
	CASE(a_failed_job_waits_for_its_retry_time),
	CASE(a_kill_9_keeps_what_was_committed_and_nothing_else),
	CASE(a_store_from_a_newer_tandem_is_refused),
	CASE(a_file_that_is_not_a_database_or_a_missing_folder_is_named),
	CASE(a_zeroed_header_or_an_empty_file_is_damage_and_left_as_it_is),
	CASE(a_new_store_appears_whole_and_a_creation_cut_short_is_forgotten),
	CASE(a_migration_that_fails_half_way_leaves_no_half_schema),
	CASE(a_second_process_on_the_state_is_refused_and_told_who_holds_it)
)
