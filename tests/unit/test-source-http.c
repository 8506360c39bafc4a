/*
 * http(s) ICS feeds against a real server on the loopback:
 * tests/fixtures/feed-server.py, started by each test with posix_spawn and
 * serving a fresh directory.  The server logs every request it gets, so the
 * tests check what went over the wire (validators, credentials, redirects,
 * concurrency) and not only what the client kept.  The server reads its
 * stdin, a pipe from the test, and exits at its end, so a test that dies
 * does not leave it behind.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "tt.h"
#include "tandem-int.h"
#include "http.h"
#include "secret.h"
#include "source_http.h"

extern char **environ;

#define SERVER		FIXTURES "/feed-server.py"
#define USER		"alice"
#define PASSWORD	"wonderland"
#define TOKEN		"t0ken"
#define NURLS		32

/* One line of the server's log (see feed-server.py). */
struct req {
	char	path[128];
	char	inm[128];
	char	ims[64];
	char	auth[16];
	int	status;
	int	inflight;
	char	enc[16];
	char	ua[64];
};

static struct {
	pid_t	pid;
	int	stdin_fd;
	int	port;
} srv = { -1, -1, 0 };

static char			 base[256];	/* port, log, secrets, docs/ */
static char			 urls[NURLS][256];
static size_t			 nurls;
static struct tandem_diag	*diag;

/* --- files ---------------------------------------------------------------- */

static const char *
in_base(const char *rel)
{
	static char	path[4][512];
	static int	k;

	k = (k + 1) % 4;
	if ((size_t)snprintf(path[k], sizeof(path[k]), "%s/%s", base, rel) >=
	    sizeof(path[k]))
		TT_FAIL("path too long: %s", rel);
	return path[k];
}

static void
put(const char *rel, const char *text, mode_t mode)
{
	const char	*path = in_base(rel);
	FILE		*f;

	f = fopen(path, "w");
	if (f == NULL)
		TT_FAIL("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	if (chmod(path, mode) != 0)
		TT_FAIL("cannot chmod %s", path);
}

/* A one-event calendar whose UID (and so content) is uid. */
static const char *
cal(const char *uid)
{
	static char	text[4][512];
	static int	k;

	k = (k + 1) % 4;
	snprintf(text[k], sizeof(text[k]), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
	    "DTSTAMP:20260101T000000Z\r\nDTSTART:20270301T090000Z\r\n"
	    "DTEND:20270301T093000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", uid);
	return text[k];
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* --- the server ----------------------------------------------------------- */

static void
stop(void)
{
	int	status;

	if (srv.pid > 0) {
		kill(srv.pid, SIGTERM);
		while (waitpid(srv.pid, &status, 0) < 0)
			;
	}
	srv.pid = -1;
	if (srv.stdin_fd >= 0)
		close(srv.stdin_fd);
	srv.stdin_fd = -1;
	if (base[0] != '\0')
		nftw(base, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	base[0] = '\0';
	tandem_diag_free(diag);
	diag = NULL;
	nurls = 0;
}

/* A fresh directory and diag; stop() undoes it, also when a test fails. */
static void
setup(void)
{
	static int	registered;

	if (!registered && atexit(stop) != 0)
		TT_FAIL("atexit");
	registered = 1;
	snprintf(base, sizeof(base), "%s/tandem-test-http.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL)
		TT_FAIL("mkdtemp failed");
	if (mkdir(in_base("docs"), 0755) != 0)
		TT_FAIL("mkdir docs");
	diag = tandem_diag_new();
	ASSERT_TRUE(diag != NULL);
	/* A proxy from the environment would see the loopback requests. */
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
}

/* Poll for the port file, 10 ms at a time, for at most 10 s. */
static int
wait_port(void)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	FILE		*f;
	int		 i, port = 0;

	for (i = 0; i < 1000; i++) {
		f = fopen(in_base("port"), "r");
		if (f != NULL) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
			if (port > 0)
				return port;
		}
		nanosleep(&ts, NULL);
	}
	TT_FAIL("feed-server did not start (see stderr)");
}

static void
start(void)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[] = { (char *)"python3",
	    (char *)SERVER, (char *)"--dir", NULL, (char *)"--port-file", NULL,
	    (char *)"--log", NULL, (char *)"--user", (char *)USER,
	    (char *)"--password", (char *)PASSWORD, (char *)"--token",
	    (char *)TOKEN, NULL };
	int				 p[2];

	setup();
	argv[3] = strdup(in_base("docs"));
	argv[5] = strdup(in_base("port"));
	argv[7] = strdup(in_base("log"));
	if (pipe2(p, O_CLOEXEC) != 0)
		TT_FAIL("pipe2");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	if (posix_spawnp(&srv.pid, "python3", &fa, NULL, argv, environ) != 0)
		TT_FAIL("cannot run python3");
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	srv.stdin_fd = p[1];
	free(argv[3]);
	free(argv[5]);
	free(argv[7]);
	srv.port = wait_port();
}

/* The server's log so far; returns the number of requests. */
static int
reqs(struct req *r, int max)
{
	char	 line[1024], method[16], ims[64];
	FILE	*f = fopen(in_base("log"), "r");
	int	 n = 0;

	if (f == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		memset(&r[n], 0, sizeof(r[n]));
		if (sscanf(line, "%15[^\t]\t%127[^\t]\t%127[^\t]\t%63[^\t]\t%15[^\t]"
		    "\t%d\t%d\t%15[^\t]\t%63[^\t\n]", method, r[n].path, r[n].inm,
		    ims, r[n].auth, &r[n].status, &r[n].inflight, r[n].enc,
		    r[n].ua) != 9)
			TT_FAIL("bad log line: %s", line);
		snprintf(r[n].ims, sizeof(r[n].ims), "%s", ims);
		n++;
	}
	fclose(f);
	return n;
}

/* --- feeds ---------------------------------------------------------------- */

/* http://127.0.0.1:PORT + path; valid until the test ends. */
static const char *
url(const char *path)
{
	if (nurls == NURLS)
		TT_FAIL("too many URLs");
	snprintf(urls[nurls], sizeof(urls[nurls]), "http://127.0.0.1:%d%s",
	    srv.port, path);
	return urls[nurls++];
}

static struct source_http_feed
feed(const char *path)
{
	struct source_http_feed	f;

	memset(&f, 0, sizeof(f));
	f.url = url(path);
	return f;
}

static void
fetch(struct source_http_feed *f)
{
	ASSERT_EQ(source_http_fetch_all(f, 1, 1, diag), 0);
}

static int
diag_has(const char *needle)
{
	size_t	i;

	for (i = 0; i < tandem_diag_count(diag); i++)
		if (strstr(tandem_diag_get(diag, i), needle) != NULL)
			return 1;
	return 0;
}

/* --- tests ---------------------------------------------------------------- */

TEST(first_fetch_keeps_body_and_validators)
{
	struct source_http_feed	f;
	struct req		r[4];

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/etag/a.ics");
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_EQ(f.status, 200);
	ASSERT_EQ(f.changed, 1);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_EQ(f.len, strlen(cal("a")));
	ASSERT_TRUE(f.etag != NULL && f.etag[0] == '"');
	ASSERT_CONTAINS(f.last_modified, " GMT");
	ASSERT_EQ(tandem_diag_count(diag), 0);
	ASSERT_EQ(reqs(r, 4), 1);
	ASSERT_STR_EQ(r[0].inm, "-");
	ASSERT_STR_EQ(r[0].ua, "tandem/" PACKAGE_VERSION);
	source_http_feed_clear(&f);
	stop();
}

TEST(unchanged_feed_is_304_and_body_kept)
{
	struct source_http_feed	 f;
	struct req		 r[4];
	char			*body;

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/etag/a.ics");
	fetch(&f);
	body = f.body;
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_EQ(f.status, 304);
	ASSERT_EQ(f.changed, 0);
	ASSERT_TRUE(f.body == body);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_EQ(reqs(r, 4), 2);
	ASSERT_STR_EQ(r[1].inm, f.etag);
	ASSERT_EQ(r[1].status, 304);
	source_http_feed_clear(&f);
	stop();
}

TEST(changed_feed_replaces_body)
{
	struct source_http_feed	 f;
	struct req		 r[4];
	char			*etag;

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/etag/a.ics");
	fetch(&f);
	etag = strdup(f.etag);
	put("docs/a.ics", cal("b"), 0644);
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_EQ(f.status, 200);
	ASSERT_EQ(f.changed, 1);
	ASSERT_STR_EQ(f.body, cal("b"));
	ASSERT_TRUE(strcmp(f.etag, etag) != 0);
	ASSERT_EQ(reqs(r, 4), 2);
	ASSERT_STR_EQ(r[1].inm, etag);
	ASSERT_EQ(r[1].status, 200);
	free(etag);
	source_http_feed_clear(&f);
	stop();
}

TEST(last_modified_only_feed_is_304)
{
	struct source_http_feed	f;
	struct req		r[4];

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/lm/a.ics");
	fetch(&f);
	ASSERT_EQ(f.status, 200);
	ASSERT_TRUE(f.etag == NULL);
	ASSERT_TRUE(f.last_modified != NULL);
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_EQ(f.status, 304);
	ASSERT_EQ(f.changed, 0);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_EQ(reqs(r, 4), 2);
	ASSERT_STR_EQ(r[1].inm, "-");
	ASSERT_STR_EQ(r[1].ims, f.last_modified);
	ASSERT_EQ(r[1].status, 304);
	source_http_feed_clear(&f);
	stop();
}

TEST(missing_feed_is_reported_and_body_kept)
{
	struct source_http_feed	f;
	char			want[300];

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/etag/a.ics");
	fetch(&f);
	unlink(in_base("docs/a.ics"));
	fetch(&f);
	ASSERT_EQ(f.error, TANDEM_ENOENT);
	ASSERT_EQ(f.status, 404);
	ASSERT_EQ(f.changed, 0);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_TRUE(f.etag != NULL);
	ASSERT_EQ(tandem_diag_count(diag), 1);
	snprintf(want, sizeof(want), "%s: HTTP 404 Not Found", f.url);
	ASSERT_STR_EQ(tandem_diag_get(diag, 0), want);
	source_http_feed_clear(&f);
	stop();
}

TEST(basic_auth_with_private_password_file)
{
	struct source_http_feed	f;
	struct server		sv = { .name = (char *)"cal", .user = (char *)USER };
	struct req		r[4];
	char			file[512];
	int			n;

	start();
	put("docs/a.ics", cal("a"), 0644);
	put("pw", PASSWORD "\n", 0600);
	snprintf(file, sizeof(file), "%s", in_base("pw"));
	sv.password_file = file;
	f = feed("/basic/a.ics");
	f.server = &sv;
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_EQ(f.status, 200);
	ASSERT_STR_EQ(f.body, cal("a"));
	n = reqs(r, 4);
	ASSERT_TRUE(n >= 1);
	ASSERT_STR_EQ(r[n - 1].auth, "basic");
	ASSERT_EQ(r[n - 1].status, 200);
	source_http_feed_clear(&f);
	stop();
}

TEST(password_file_readable_by_others_is_refused)
{
	struct source_http_feed	f;
	struct server		sv = { .name = (char *)"cal", .user = (char *)USER };
	struct req		r[4];
	char			file[512];
	char			want[600];

	start();
	put("docs/a.ics", cal("a"), 0644);
	put("pw", PASSWORD "\n", 0644);
	snprintf(file, sizeof(file), "%s", in_base("pw"));
	sv.password_file = file;
	f = feed("/basic/a.ics");
	f.server = &sv;
	fetch(&f);
	ASSERT_EQ(f.error, TANDEM_ECONFIG);
	ASSERT_EQ(f.status, 0);
	ASSERT_TRUE(f.body == NULL);
	snprintf(want, sizeof(want), "%s: readable by group or others (mode 0644)",
	    sv.password_file);
	ASSERT_CONTAINS(tandem_diag_get(diag, 0), want);
	ASSERT_TRUE(diag_has(f.url));
	ASSERT_TRUE(!diag_has(PASSWORD));
	ASSERT_EQ(reqs(r, 4), 0);
	stop();
}

TEST(bearer_token)
{
	struct source_http_feed	f, anon;
	struct server		sv = { .name = (char *)"cal" };
	struct req		r[4];
	char			file[512];

	start();
	put("docs/a.ics", cal("a"), 0644);
	put("token", TOKEN "\n", 0400);
	snprintf(file, sizeof(file), "%s", in_base("token"));
	sv.token_file = file;
	f = feed("/bearer/a.ics");
	f.server = &sv;
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_EQ(reqs(r, 4), 1);		/* sent from the first request */
	ASSERT_STR_EQ(r[0].auth, "bearer");
	anon = feed("/bearer/a.ics");
	fetch(&anon);
	ASSERT_EQ(anon.error, TANDEM_EIO);
	ASSERT_EQ(anon.status, 401);
	ASSERT_TRUE(diag_has("HTTP 401 Unauthorized"));
	ASSERT_TRUE(!diag_has(TOKEN));
	source_http_feed_clear(&f);
	stop();
}

TEST(redirect_is_followed)
{
	struct source_http_feed	f;
	struct req		r[4];

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/redirect/a.ics");
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_EQ(f.status, 200);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_TRUE(f.etag != NULL);
	ASSERT_EQ(reqs(r, 4), 2);
	ASSERT_EQ(r[0].status, 302);
	ASSERT_STR_EQ(r[1].path, "/etag/a.ics");
	source_http_feed_clear(&f);
	stop();
}

/* Only http and https, also where a redirect leads (libcurl allows ftp). */
TEST(redirect_to_other_protocols_is_refused)
{
	struct source_http_feed	f[2];
	char			want[300];
	int			i;

	start();
	f[0] = feed("/redirect-file");
	f[1] = feed("/redirect-ftp");
	ASSERT_EQ(source_http_fetch_all(f, 2, 2, diag), 0);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(f[i].error, TANDEM_EIO);
		ASSERT_EQ(f[i].status, 302);	/* the answer that was not followed */
		ASSERT_EQ(f[i].changed, 0);
		ASSERT_TRUE(f[i].body == NULL);
		snprintf(want, sizeof(want), "%s: refused a redirect", f[i].url);
		ASSERT_TRUE(diag_has(want));
	}
	ASSERT_TRUE(!diag_has("root:"));
	stop();
}

TEST(non_http_url_is_refused_without_a_request)
{
	struct source_http_feed	f[2];

	setup();
	memset(f, 0, sizeof(f));
	f[0].url = "file:///etc/passwd";
	f[1].url = "ftp://127.0.0.1/x.ics";
	ASSERT_EQ(source_http_fetch_all(f, 2, 2, diag), 0);
	ASSERT_EQ(f[0].error, TANDEM_EINVAL);
	ASSERT_EQ(f[1].error, TANDEM_EINVAL);
	ASSERT_TRUE(f[0].body == NULL);
	ASSERT_STR_EQ(tandem_diag_get(diag, 0),
	    "file:///etc/passwd: not an http or https URL");
	ASSERT_EQ(source_http_fetch_all(f, 2, 0, diag), TANDEM_EINVAL);
	stop();
}

TEST(body_over_the_cap_is_refused)
{
	struct source_http_feed	f[2];
	char			want[300];
	int			i;

	start();
	f[0] = feed("/big");		/* with a Content-Length */
	f[1] = feed("/big-stream");	/* without: counted as it comes */
	for (i = 0; i < 2; i++)
		f[i].cap = 64 * 1024;
	ASSERT_EQ(source_http_fetch_all(f, 2, 2, diag), 0);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(f[i].error, TANDEM_ERANGE);
		ASSERT_EQ(f[i].status, 0);
		ASSERT_TRUE(f[i].body == NULL);
		snprintf(want, sizeof(want), "%s: larger than 64 KiB", f[i].url);
		ASSERT_TRUE(diag_has(want));
	}
	stop();
}

TEST(twenty_feeds_four_at_a_time)
{
	struct source_http_feed	f[20];
	struct req		r[40];
	char			name[64];
	int			i, n, most = 0;

	start();
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "docs/f%02d.ics", i);
		put(name, cal(name + 5), 0644);
		snprintf(name, sizeof(name), "/slow/f%02d.ics", i);
		f[i] = feed(name);
	}
	ASSERT_EQ(source_http_fetch_all(f, 20, 4, diag), 0);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "f%02d.ics", i);
		ASSERT_EQ(f[i].error, 0);
		ASSERT_EQ(f[i].status, 200);
		ASSERT_STR_EQ(f[i].body, cal(name));
		source_http_feed_clear(&f[i]);
	}
	n = reqs(r, 40);
	ASSERT_EQ(n, 20);
	for (i = 0; i < n; i++)
		if (r[i].inflight > most)
			most = r[i].inflight;
	ASSERT_TRUE(most <= 4);
	ASSERT_TRUE(most >= 2);		/* they did overlap */
	stop();
}

TEST(userinfo_never_in_messages)
{
	struct source_http_feed	f[2];
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	char			u[2][200], want[300];
	int			s, i;

	start();
	/* A port bound but not listening refuses connections. */
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ASSERT_EQ(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	snprintf(u[0], sizeof(u[0]), "http://bob:s3cr3t@127.0.0.1:%d/missing",
	    srv.port);
	snprintf(u[1], sizeof(u[1]), "http://bob:s3cr3t@127.0.0.1:%d/etag/a.ics",
	    ntohs(sa.sin_port));
	memset(f, 0, sizeof(f));
	for (i = 0; i < 2; i++)
		f[i].url = u[i];
	ASSERT_EQ(source_http_fetch_all(f, 2, 2, diag), 0);
	close(s);
	ASSERT_EQ(f[0].status, 404);
	ASSERT_EQ(f[1].error, TANDEM_EIO);
	ASSERT_EQ(tandem_diag_count(diag), 2);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/missing: HTTP 404",
	    srv.port);
	ASSERT_TRUE(diag_has(want));
	ASSERT_TRUE(!diag_has("s3cr3t"));
	ASSERT_TRUE(!diag_has("bob"));
	stop();
}

TEST(connection_refused_names_the_url)
{
	struct source_http_feed	f;
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	char			u[200], want[300];
	int			s;

	setup();
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ASSERT_EQ(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/etag/a.ics",
	    ntohs(sa.sin_port));
	memset(&f, 0, sizeof(f));
	f.url = u;
	fetch(&f);
	close(s);
	ASSERT_EQ(f.error, TANDEM_EIO);
	ASSERT_EQ(f.status, 0);
	ASSERT_TRUE(f.body == NULL);
	ASSERT_EQ(tandem_diag_count(diag), 1);
	snprintf(want, sizeof(want), "%s: ", u);
	ASSERT_CONTAINS(tandem_diag_get(diag, 0), want);
	ASSERT_CONTAINS(tandem_diag_get(diag, 0), "onnect");
	stop();
}

TEST(gzip_body_is_decoded)
{
	struct source_http_feed	f;
	struct req		r[4];

	start();
	put("docs/a.ics", cal("a"), 0644);
	f = feed("/gzip/a.ics");
	fetch(&f);
	ASSERT_EQ(f.error, 0);
	ASSERT_STR_EQ(f.body, cal("a"));
	ASSERT_EQ(reqs(r, 4), 1);
	ASSERT_STR_EQ(r[0].enc, "gzip");
	source_http_feed_clear(&f);
	stop();
}

TEST(server_for_longest_prefix_at_a_boundary)
{
	struct server		sv[3];
	struct tandem_config	cfg;

	memset(sv, 0, sizeof(sv));
	memset(&cfg, 0, sizeof(cfg));
	sv[0].url = (char *)"https://cal.example.com";
	sv[1].url = (char *)"https://cal.example.com/dav/";
	sv[2].url = (char *)"https://cal.example.com/dav/team";
	cfg.servers = sv;
	cfg.nservers = 3;
	ASSERT_TRUE(http_server_for(&cfg,
	    "https://cal.example.com/dav/alice.ics") == &sv[1]);
	ASSERT_TRUE(http_server_for(&cfg,
	    "https://cal.example.com/other.ics") == &sv[0]);
	ASSERT_TRUE(http_server_for(&cfg,
	    "https://cal.example.com/dav/teamwork.ics") == &sv[1]);
	ASSERT_TRUE(http_server_for(&cfg,
	    "https://cal.example.com/dav/team/x.ics") == &sv[2]);
	ASSERT_TRUE(http_server_for(&cfg,
	    "https://cal.example.com.evil.net/x.ics") == NULL);
	ASSERT_TRUE(http_server_for(&cfg,
	    "http://cal.example.com/x.ics") == NULL);
	ASSERT_TRUE(http_server_for(NULL, "https://x/") == NULL);
}

TEST(secret_file_checks)
{
	char	*s = NULL;

	setup();
	put("pw", "hunter2\r\n", 0600);
	ASSERT_EQ(secret_read(in_base("pw"), &s, diag), 0);
	ASSERT_STR_EQ(s, "hunter2");
	secret_free(s);
	put("pw", "hunter2\n", 0640);
	ASSERT_EQ(secret_read(in_base("pw"), &s, diag), -EACCES);
	ASSERT_TRUE(s == NULL);
	ASSERT_CONTAINS(tandem_diag_get(diag, 0), in_base("pw"));
	ASSERT_EQ(secret_read(in_base("docs"), &s, diag), TANDEM_EINVAL);
	ASSERT_CONTAINS(tandem_diag_get(diag, 1), "not a regular file");
	ASSERT_EQ(secret_read(in_base("nope"), &s, diag), -ENOENT);
	ASSERT_EQ(tandem_diag_count(diag), 3);
	ASSERT_TRUE(!diag_has("hunter2"));
	stop();
}

/* --- through the calendars handle ----------------------------------------- */

/* A program in base/ whose two people read a.ics and b.ics as feeds. */
static struct tandem_config *
feed_program(void)
{
	struct tandem_config	*cfg = NULL;
	char			 text[1024];

	put("tandem.conf", "[program p]\norganizer = mailto:m@x.example\n"
	    "cadence = weekly\nstart = 2027-03-01\ntime = 10:00\ncount = 4\n"
	    "timezone = UTC\ninvite = outbox:out\npeople = people.csv\n"
	    "pairs = pairs.csv\n", 0644);
	snprintf(text, sizeof(text), "email,name,tz,calendar\n"
	    "a@x.example,A,UTC,%s\nb@x.example,B,UTC,%s\n", url("/etag/a.ics"),
	    url("/etag/b.ics"));
	put("people.csv", text, 0644);
	put("pairs.csv", "mentor,mentee\na@x.example,b@x.example\n", 0644);
	if (tandem_config_load(in_base("tandem.conf"), &cfg, diag) != 0)
		TT_FAIL("config: %s", tandem_diag_get(diag, 0));
	return cfg;
}

TEST(calendars_refetch_an_unchanged_feed_as_304_and_do_not_parse_it_again)
{
	struct tandem_calendars_stats	 st;
	struct tandem_calendars		*cals = NULL;
	struct tandem_config		*cfg;
	struct tandem_plan		*plan = NULL;
	struct req			 r[8];
	int64_t				 now = (int64_t)civil_days(2027, 2, 28) * 86400;

	start();
	/* a is busy 09:00-09:30 UTC on 2027-03-01: the 10:00 session is free. */
	put("docs/a.ics", cal("a"), 0644);
	put("docs/b.ics", cal("b"), 0644);
	cfg = feed_program();
	ASSERT_EQ(tandem_plan_new(cfg, now, &plan), 0);
	ASSERT_EQ(tandem_calendars_new(&cals), 0);
	ASSERT_EQ(tandem_calendars_read(cals, plan, diag), 0);
	tandem_calendars_stats(cals, &st);
	ASSERT_EQ(st.calendars, 2);
	ASSERT_EQ(st.unchanged, 0);
	ASSERT_EQ(st.bytes, 2 * strlen(cal("a")));
	ASSERT_EQ(tandem_calendars_read(cals, plan, diag), 0);
	tandem_calendars_stats(cals, &st);
	ASSERT_EQ(st.calendars, 2);
	ASSERT_EQ(st.unchanged, 2);
	ASSERT_EQ(st.failed, 0);
	ASSERT_EQ(st.bytes, 0);		/* kept from the first read */
	ASSERT_EQ(reqs(r, 8), 4);
	ASSERT_EQ(r[2].status, 304);
	ASSERT_EQ(r[3].status, 304);
	ASSERT_EQ(tandem_plan_negotiate(plan, cals), 0);
	ASSERT_EQ(tandem_plan_get(plan, 0)->status, TANDEM_SESSION_SCHEDULED);
	ASSERT_EQ(tandem_plan_get(plan, 0)->start, now + 86400 + 10 * 3600);
	/* The server goes away: the last good copies still count. */
	kill(srv.pid, SIGTERM);
	ASSERT_EQ(tandem_calendars_read(cals, plan, diag), 0);
	tandem_calendars_stats(cals, &st);
	ASSERT_EQ(st.failed, 0);
	ASSERT_TRUE(tandem_diag_count(diag) >= 2);
	ASSERT_EQ(tandem_plan_negotiate(plan, cals), 0);
	ASSERT_EQ(tandem_plan_get(plan, 0)->status, TANDEM_SESSION_SCHEDULED);
	tandem_calendars_free(cals);
	tandem_plan_free(plan);
	tandem_config_free(cfg);
	stop();
}

TT_MAIN(
	CASE(calendars_refetch_an_unchanged_feed_as_304_and_do_not_parse_it_again),
	CASE(first_fetch_keeps_body_and_validators),
	CASE(unchanged_feed_is_304_and_body_kept),
	CASE(changed_feed_replaces_body),
	CASE(last_modified_only_feed_is_304),
	CASE(missing_feed_is_reported_and_body_kept),
	CASE(basic_auth_with_private_password_file),
	CASE(password_file_readable_by_others_is_refused),
	CASE(bearer_token),
	CASE(redirect_is_followed),
	CASE(redirect_to_other_protocols_is_refused),
	CASE(non_http_url_is_refused_without_a_request),
	CASE(body_over_the_cap_is_refused),
	CASE(twenty_feeds_four_at_a_time),
	CASE(userinfo_never_in_messages),
	CASE(connection_refused_names_the_url),
	CASE(gzip_body_is_decoded),
	CASE(server_for_longest_prefix_at_a_boundary),
	CASE(secret_file_checks)
)
