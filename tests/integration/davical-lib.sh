# DAViCal helpers for the integration tests (POSIX sh), sourced after lib.sh
# and dav.sh: a real DAViCal (Debian's davical package, PHP under a private
# apache2, data in a private PostgreSQL cluster) on loopback.  Not a test
# itself; tests/integration/davical.sh is its self-test.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/dav.sh"
#   . "$(dirname "$0")/davical-lib.sh"
#   davical_require                     # 1..0 # SKIP unless root + packages
#   davical_start "$tmp/davical"        # sets DAVICAL_URL, DAVICAL_ROOT
#   davical_user alice alicepw          # alice@example.com, /alice/calendar/
#   DAV_URL=$DAVICAL_ROOT               # the dav_* helpers of dav.sh
#   dav_put_raw alice alicepw calendar/x.ics "$tmp/x.ics"
#
# Layout: apache2 serves /usr/share/davical/htdocs as its DocumentRoot, so
# DAViCal's root is DAVICAL_ROOT=$DAVICAL_URL/caldav.php and a user's home is
# $DAVICAL_ROOT/USER/ (the hrefs DAViCal answers with start with
# /caldav.php/).  /.well-known/caldav is rewritten to DAViCal as in Debian's
# /etc/apache2/sites-available/davical.conf.  With DAV_URL=$DAVICAL_ROOT,
# dav-put.py's "relative to the user's home" paths ("calendar") and absolute
# paths ("/alice/calendar/") go under /caldav.php/, and a path that already
# starts with /caldav.php/ (an href DAViCal gave) is used as it is.
# Through the fault proxy: proxy_start "$DAVICAL_URL" and
# DAV_URL=$PROXY_URL/caldav.php.
#
# Everything lives in DIR: the PostgreSQL cluster (DIR/pg, run as postgres,
# which refuses root; its socket in DIR/run, no TCP), apache2's config, pid
# file and logs (DIR/apache.conf, DIR/apache-error.log, DIR/access.log; it
# runs as root and its children as www-data) and DAViCal's config
# (DIR/davical-conf.php).  Nothing is written outside DIR: DAViCal reads
# /etc/davical/<SERVER_NAME>-conf.php first, and a PHP auto_prepend_file
# (DIR/prepend.php) points SERVER_NAME at DIR/davical-conf.php through
# "../.." for that one include; the config sets SERVER_NAME back to
# 127.0.0.1 (/etc/davical must exist; the package makes it).  So $tmp is
# made traversable (o+x) for postgres and www-data.
# The system's PostgreSQL cluster and apache2 service are not touched.
#
# Lifetime: as in dav.sh, PostgreSQL and apache2 each run under
# tests/fixtures/launch.py, which reads dav.sh's fifo and stops its server
# (SIGINT for postgres, a fast shutdown; SIGTERM for apache2) when the fifo
# ends, that is when the test's shell is gone, even by SIGKILL.  Each server
# gets its own session: apache2 (prefork) signals its whole process group
# when it stops, which would otherwise be the test's.  The EXIT trap
# (replaced here) calls davical_stop, then dav_cleanup.
#
# davical_apache starts any private apache2 this way, the caller writing
# its own part of the config (auth.sh uses it for its own apache2).
#
# Users are rows in DAViCal's tables (usr + principal), written with psql as
# the cluster's superuser; passwords are stored in plain text ("**" prefix).
# davical_sql runs any SQL on DAViCal's database (output in $dav_out).
# DAVICAL_ADMIN_PASSWORD is the password of DAViCal's "admin" (adminpw).
# Set DAVICAL_DEBUG=1 before davical_start to have DAViCal log every request
# and answer in DIR/apache-error.log.
# Set DAVICAL_REQUEST_LOG=1 before davical_start to have each request that
# reaches DAViCal's PHP logged, once DAViCal has its answer and before the
# client gets any of it, as one tab-separated line of DIR/requests.log
# (made empty by davical_start):
#     method path user depth status what
# user the Basic login ("-" without one), depth the Depth header ("-"),
# status the HTTP status DAViCal answered, and what the request asked: for
# a body with ATTENDEE lines (a VFREEBUSY POST to an outbox) their values,
# comma-separated ("mailto:m1@example.com"), else the local name of the XML
# body's root element (calendar-query, sync-collection, free-busy-query,
# calendar-multiget, propfind), else "-".  Passwords are never logged.

DAVICAL_PID=            # the launcher of apache2
APACHE_PID=             # the launcher of the last davical_apache's apache2
APACHE_PORTS=           # the port(s) it listens on
DAVICAL_PG_PID=         # the launcher of postgres
DAVICAL_DIR=
DAVICAL_ADMIN_PASSWORD=adminpw
DAVICAL_PATH=/usr/sbin:/usr/bin:/sbin:/bin

trap 'davical_stop; dav_cleanup; rm -rf "$tmp"' EXIT

# davical_require: skip the whole script unless we are root and DAViCal,
# PostgreSQL, apache2 with mod_php and python3 are installed.  Sets
# DAVICAL_PG_BIN (PostgreSQL's bin directory) and DAVICAL_PHP_LOAD (the
# LoadModule line of mod_php).
davical_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP DAViCal needs root (private postgres and apache2)"
		exit 0
	fi
	_miss=
	for _f in /usr/share/davical/htdocs/caldav.php /etc/davical \
	    /usr/share/davical/dba/create-database.sh /usr/sbin/apache2 \
	    /usr/lib/apache2/modules/mod_rewrite.so \
	    /usr/lib/apache2/modules/mod_mpm_prefork.so; do
		[ -e "$_f" ] || _miss="$_miss $_f"
	done
	DAVICAL_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null |
	    sort -t/ -k5 -n | tail -n 1)
	[ -n "$DAVICAL_PG_BIN" ] && [ -x "$DAVICAL_PG_BIN/postgres" ] &&
	    [ -x "$DAVICAL_PG_BIN/initdb" ] && [ -x "$DAVICAL_PG_BIN/psql" ] ||
	    _miss="$_miss postgresql"
	DAVICAL_PHP_LOAD=$(cat /etc/apache2/mods-available/php*.load \
	    2>/dev/null | grep "^LoadModule" | tail -n 1)
	[ -n "$DAVICAL_PHP_LOAD" ] || _miss="$_miss libapache2-mod-php"
	getent passwd postgres >/dev/null || _miss="$_miss user:postgres"
	getent passwd www-data >/dev/null || _miss="$_miss user:www-data"
	if [ "$RADICALE_PYTHON" = python3 ] && [ -x /usr/bin/python3 ]; then
		RADICALE_PYTHON=/usr/bin/python3
	fi
	command -v "$RADICALE_PYTHON" >/dev/null || _miss="$_miss python3"
	if [ -n "$_miss" ]; then
		echo "1..0 # SKIP DAViCal: missing$_miss"
		exit 0
	fi
}

# _davical_psql DB [PSQL ARGS...]: psql as the superuser on DB, quiet,
# stopping at the first error.
_davical_psql() {
	_db=$1
	shift
	env -i PATH="$DAVICAL_PATH" LANG=C.UTF-8 "$DAVICAL_PG_BIN/psql" -X -q \
	    -v ON_ERROR_STOP=1 -h "$DAVICAL_DIR/run" -p 5432 -U postgres \
	    -d "$_db" "$@" 8>&-
}

# _davical_pg_start: the cluster in DIR/pg (created on first use), its
# socket DIR/run/.s.PGSQL.5432; returns once it accepts connections (30 s at
# most).  DAViCal's database (create-database.sh) on first use.
_davical_pg_start() {
	_d=$DAVICAL_DIR
	if [ ! -f "$_d/pg/PG_VERSION" ]; then
		rm -rf "$_d/pg"
		mkdir -p "$_d/pg" "$_d/run" || exit 1
		chown postgres: "$_d/pg" "$_d/run" && chmod 700 "$_d/pg" || exit 1
		(cd "$_d" && exec runuser -u postgres -- env -i \
		    PATH="$DAVICAL_PATH" LANG=C.UTF-8 "$DAVICAL_PG_BIN/initdb" \
		    -D "$_d/pg" -A trust -U postgres -E UTF8 --locale=C -N) \
		    >"$_d/initdb.log" 2>&1 8>&- ||
		    _dav_bail "initdb failed" "$_d/initdb.log"
	fi
	# Throw-away data: no fsync; small, as two clusters may run at once.
	(cd "$_d" && exec "$RADICALE_PYTHON" "$DAV_LAUNCH" SIGINT \
	    postgres "$DAVICAL_PG_BIN/postgres" -D "$_d/pg" -p 5432 \
	    -k "$_d/run" -c listen_addresses= -c fsync=off \
	    -c synchronous_commit=off -c full_page_writes=off \
	    -c max_connections=30 -c shared_buffers=16MB \
	    -c logging_collector=off -c log_min_messages=warning) \
	    <"$tmp/dav.fifo" >>"$_d/postgres.log" 2>&1 8>&- &
	DAVICAL_PG_PID=$!
	_end=$(($(date +%s) + 60))	# by the clock: pg_isready itself is slow
	until "$DAVICAL_PG_BIN/pg_isready" -q -h "$_d/run" -p 5432 -U postgres \
	    -d postgres 8>&-; do
		_dav_alive "$DAVICAL_PG_PID" && [ "$(date +%s)" -le "$_end" ] ||
		    _dav_bail "postgres did not start in 60 s" "$_d/postgres.log"
		sleep 0.05
	done
	[ -f "$_d/db.created" ] && return 0
	# As root over the socket (trust): create-database.sh finds its psql,
	# createdb and update-davical-database's DBD::Pg through PGHOST/PGPORT.
	(cd "$_d" && exec env -i PATH="$DAVICAL_PG_BIN:$DAVICAL_PATH" \
	    LANG=C.UTF-8 PGHOST="$_d/run" PGPORT=5432 PGUSER=postgres \
	    sh /usr/share/davical/dba/create-database.sh davical \
	    "$DAVICAL_ADMIN_PASSWORD") >"$_d/create-database.log" 2>&1 8>&- ||
	    _dav_bail "create-database.sh failed" "$_d/create-database.log"
	_n=$(_davical_psql davical -A -t -c \
	    "SELECT count(*) FROM principal WHERE user_no = 1") || _n=
	[ "$_n" = 1 ] ||
	    _dav_bail "create-database.sh made no usable database" \
	    "$_d/create-database.log" "$_d/postgres.log"
	: >"$_d/db.created"
}

# _davical_config: DAViCal's config, a free port (the same one again for
# davical_restart) in APACHE_PORTS, and on stdout DAViCal's part of
# apache.conf (for davical_apache).
_davical_config() {
	_d=$DAVICAL_DIR
	APACHE_PORTS=${_davical_same_port:-$(_dav_free_port)}
	# always.php: include('/etc/davical/'.$_SERVER['SERVER_NAME'].'-conf.php')
	cat >"$_d/prepend.php" <<EOT
<?php
// tandem tests: make DAViCal's always.php include $_d/davical-conf.php
// (it looks for /etc/davical/<SERVER_NAME>-conf.php first); that file sets
// SERVER_NAME back.
\$_SERVER['SERVER_NAME'] = '../..$_d/davical';
EOT
	cat >"$_d/davical-conf.php" <<EOT
<?php
\$_SERVER['SERVER_NAME'] = '127.0.0.1';
\$c->domain_name = '127.0.0.1';
\$c->pg_connect[] = 'dbname=davical user=davical_app host=$_d/run port=5432';
\$c->system_name = 'tandem test DAViCal';
\$c->admin_email = 'admin@example.com';
\$c->use_persistent = true;
EOT
	if [ -n "${DAVICAL_DEBUG:-}" ]; then
		cat >>"$_d/davical-conf.php" <<'EOT'
$c->dbg['ALL'] = 1;
$c->dbg['request'] = 1;
$c->dbg['response'] = 1;
EOT
	fi
	if [ -n "${DAVICAL_REQUEST_LOG:-}" ]; then
		: >"$_d/requests.log"
		chown www-data: "$_d/requests.log" 2>/dev/null
		printf '$_tandem_log = %s;\n' "'$_d/requests.log'" >>"$_d/prepend.php"
		cat >>"$_d/prepend.php" <<'EOT'
// DAVICAL_REQUEST_LOG (tests/integration/davical-lib.sh): one line a
// request, written by an output handler when DAViCal first flushes its
// answer (it calls ob_flush() itself) or at the end: before the client can
// have any of it, so that a test that got its answer finds the line.
ob_start(function ($buf, $phase) use ($_tandem_log) {
    static $done = false;
    if ($done)
        return $buf;
    $done = true;
    $b = str_replace("\r\n", "\n", (string) @file_get_contents('php://input'));
    $b = preg_replace("/\n[ \t]/", '', $b);
    $what = '-';
    if (preg_match_all('/^ATTENDEE[^:\n]*:(.*)$/mi', $b, $m))
        $what = implode(',', array_map('trim', $m[1]));
    elseif (preg_match('/^\s*(?:<\?xml[^>]*\?>\s*)?<(?:[\w.-]+:)?([\w.-]+)/', $b, $m))
        $what = $m[1];
    $f = function ($k) { return isset($_SERVER[$k]) && $_SERVER[$k] !== '' ?
        preg_replace('/[\t\n\r]/', ' ', $_SERVER[$k]) : '-'; };
    @file_put_contents($_tandem_log, sprintf("%s\t%s\t%s\t%s\t%s\t%s\n",
        $f('REQUEST_METHOD'), $f('REQUEST_URI'), $f('PHP_AUTH_USER'),
        $f('HTTP_DEPTH'), http_response_code(), $what), FILE_APPEND | LOCK_EX);
    return $buf;
});
EOT
	fi
	_m=/usr/lib/apache2/modules
	chmod 644 "$_d/prepend.php" "$_d/davical-conf.php"
	cat <<EOT
# DAViCal (tests/integration/davical-lib.sh)
LogFormat "%h \"%r\" %>s %b %D" tandem
CustomLog $_d/access.log tandem
LoadModule authz_core_module $_m/mod_authz_core.so
LoadModule mime_module $_m/mod_mime.so
LoadModule dir_module $_m/mod_dir.so
LoadModule rewrite_module $_m/mod_rewrite.so
LoadModule headers_module $_m/mod_headers.so
$DAVICAL_PHP_LOAD
TypesConfig /etc/mime.types

<Directory />
  AllowOverride None
  Require all denied
</Directory>
DocumentRoot /usr/share/davical/htdocs
<Directory /usr/share/davical/htdocs>
  DirectoryIndex index.php
  AllowOverride None
  Require all granted
</Directory>
<FilesMatch "\.php$">
  SetHandler application/x-httpd-php
</FilesMatch>
php_admin_value auto_prepend_file $_d/prepend.php
php_admin_flag display_errors off
php_admin_flag log_errors on

RewriteEngine On
RewriteRule ^/\.well-known/(.*)$ /caldav.php/.well-known/\$1 [NC,PT]
EOT
}

# _davical_apache_conf DIR: the part of apache.conf that every private
# apache2 here shares: its state in DIR (runtime dir DIR/apache-run, which
# must exist, pid file, error log DIR/apache-error.log), a Listen on
# 127.0.0.1 for each of APACHE_PORTS, its children as www-data when it runs
# as root, and a small prefork.
_davical_apache_conf() {
	cat <<EOT
# apache2 for tandem's tests (davical_apache, tests/integration/davical-lib.sh)
DefaultRuntimeDir $1/apache-run
PidFile $1/apache.pid
ServerName 127.0.0.1
Timeout 30
KeepAlive On
ErrorLog $1/apache-error.log
LogLevel warn
EOT
	for _p in $APACHE_PORTS; do
		echo "Listen 127.0.0.1:$_p"
	done
	if [ "$(id -u)" -eq 0 ]; then
		printf 'User www-data\nGroup www-data\n'
	fi
	cat <<EOT
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
StartServers 2
MinSpareServers 1
MaxSpareServers 4
MaxRequestWorkers 8

EOT
}

# davical_apache DIR CONFIG READY [ARG...]: apache2 on DIR/apache.conf,
# started by the caller's user (as root, its children run as www-data)
# under dav.sh's launcher, which stops it with SIGTERM; its output in
# DIR/apache.out.  CONFIG is a shell function that picks free ports, sets
# APACHE_PORTS to them and prints the caller's part of apache.conf (logs,
# modules, the site), which follows the shared one (_davical_apache_conf).
# READY defines a python ready(ARG..., PORT...) for _dav_wait, true once
# apache2 serves (30 s at most).  Tried up to 5 times while apache2 says
# that a port was taken meanwhile.  Returns 0 with APACHE_PID set (the
# launcher: _dav_reap it); 1 when apache2 did not start, the logs in DIR
# saying why.
davical_apache() {
	_a=$1
	_conf=$2
	_ready=$3
	shift 3
	touch "$_a/apache-error.log" "$_a/apache.out"
	_try=0
	while [ $_try -lt 5 ]; do
		_try=$((_try + 1))
		"$_conf" >"$_a/apache.site" || return 1
		_davical_apache_conf "$_a" >"$_a/apache.conf"
		cat "$_a/apache.site" >>"$_a/apache.conf"
		chmod 644 "$_a/apache.conf"
		_off=$(wc -c <"$_a/apache-error.log" | tr -d ' ')
		_off2=$(wc -c <"$_a/apache.out" | tr -d ' ')
		(cd "$_a" && exec "$RADICALE_PYTHON" "$DAV_LAUNCH" SIGTERM - \
		    /usr/sbin/apache2 -f "$_a/apache.conf" -DFOREGROUND) \
		    <"$tmp/dav.fifo" >>"$_a/apache.out" 2>&1 8>&- &
		APACHE_PID=$!
		# shellcheck disable=SC2086 # one argument a port
		_dav_wait "$APACHE_PID" 60 "$_ready" "$@" $APACHE_PORTS &&
		    return 0
		_dav_reap "$APACHE_PID"
		APACHE_PID=
		_dav_port_taken "$_a/apache-error.log" "$_off" \
		    "$_a/apache.out" "$_off2" || break
		sleep 0.2	# for a port that CONFIG takes again
	done
	return 1
}

# davical_start DIR: PostgreSQL and apache2 with DAViCal, all state in DIR
# (kept: a second davical_start on the same DIR after davical_stop finds the
# same data), apache2 on 127.0.0.1 at a free port, tried up to 5 times.
# Returns once DAViCal answers.  Sets DAVICAL_URL (http://127.0.0.1:PORT),
# DAVICAL_ROOT ($DAVICAL_URL/caldav.php), DAVICAL_PORT, DAVICAL_DIR.
davical_start() {
	DAVICAL_DIR=$1
	case $DAVICAL_DIR in
	/*) ;;
	*) DAVICAL_DIR=$(pwd)/$DAVICAL_DIR ;;
	esac
	case $DAVICAL_DIR in
	*[!A-Za-z0-9/._-]*)
		_dav_bail "davical_start: unusual characters in $DAVICAL_DIR" ;;
	esac
	[ ${#DAVICAL_DIR} -le 80 ] ||
	    _dav_bail "davical_start: $DAVICAL_DIR is too long for a socket"
	_dav_fifo
	mkdir -p "$DAVICAL_DIR/apache-run" || exit 1
	# postgres and www-data go through $tmp to DIR.
	chmod o+x "$tmp" && chmod 755 "$DAVICAL_DIR" || exit 1
	runuser -u postgres -- test -x "$DAVICAL_DIR" 8>&- ||
	    _dav_bail "davical_start: user postgres cannot enter $DAVICAL_DIR"
	_davical_pg_start
	# Ready when DAViCal answers an OPTIONS on /caldav.php/ by its admin
	# the way DAViCal does (200, DAV: calendar-access): the database is
	# behind it.
	davical_apache "$DAVICAL_DIR" _davical_config 'def ready(pw, port):
    auth = "Basic " + base64.b64encode(("admin:" + pw).encode()).decode()
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    c.request("OPTIONS", "/caldav.php/", headers={"Authorization": auth})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status == 200 and "calendar-access" in (r.getheader("DAV") or "")' \
	    "$DAVICAL_ADMIN_PASSWORD" ||
	    _dav_bail "DAViCal did not start (apache2)" \
	    "$DAVICAL_DIR/apache.out" "$DAVICAL_DIR/apache-error.log" \
	    "$DAVICAL_DIR/postgres.log"
	DAVICAL_PID=$APACHE_PID
	DAVICAL_PORT=$APACHE_PORTS
	DAVICAL_URL=http://127.0.0.1:$DAVICAL_PORT
	DAVICAL_ROOT=$DAVICAL_URL/caldav.php
	export DAVICAL_URL DAVICAL_ROOT
}

# davical_stop: stop apache2 and PostgreSQL; data kept in DIR.
davical_stop() {
	if [ -n "$DAVICAL_PID" ]; then
		_dav_reap "$DAVICAL_PID"
		DAVICAL_PID=
	fi
	if [ -n "$DAVICAL_PG_PID" ]; then
		_dav_reap "$DAVICAL_PG_PID"
		DAVICAL_PG_PID=
	fi
}

# davical_restart: stop and start again, same port, same data.
davical_restart() {
	davical_stop
	_davical_same_port=$DAVICAL_PORT
	davical_start "$DAVICAL_DIR"
	_davical_same_port=
}

# davical_sql SQL: run SQL on DAViCal's database as the superuser; the
# output (unaligned, tuples only) in $dav_out.  Fatal on error.
davical_sql() {
	_davical_psql davical -A -t -c "$1" >"$dav_out" 2>"$tmp/dav.err" ||
	    _dav_bail "davical_sql: $1" "$tmp/dav.err"
}

# davical_user NAME PASSWORD [EMAIL]: a DAViCal user (after davical_start),
# e-mail EMAIL (default NAME@example.com), full name NAME, whose principal
# lets everyone read its free/busy and deliver to its inbox
# (read-free-busy + schedule-deliver), with a calendar /NAME/calendar/
# (MKCALENDAR) and its scheduling inbox and outbox /NAME/.in/, /NAME/.out/
# (DAViCal makes them on first access; a reply to an organizer whose .in/
# does not exist yet is lost).
davical_user() {
	[ -n "$DAVICAL_PID" ] ||
	    _dav_bail "davical_user $1: call davical_start first"
	printf '%s\n' \
	    "INSERT INTO usr (username, password, fullname, email, email_ok, active)" \
	    "  VALUES (:'name', '**' || :'pw', :'name', :'email', current_date, TRUE);" \
	    "INSERT INTO principal (type_id, user_no, displayname, default_privileges)" \
	    "  SELECT 1, user_no, fullname," \
	    "    privilege_to_bits(ARRAY['caldav:read-free-busy', 'caldav:schedule-deliver'])" \
	    "  FROM usr WHERE username = :'name';" |
	    _davical_psql davical -v name="$1" -v pw="$2" \
	    -v email="${3:-$1@example.com}" >"$tmp/dav.err" 2>&1 ||
	    _dav_bail "davical_user $1: SQL failed" "$tmp/dav.err"
	_dv_url=${DAV_URL-}
	DAV_URL=$DAVICAL_ROOT
	dav_mkcalendar "$1" "$2" calendar
	for _box in .in .out; do
		dav_request "$1" "$2" PROPFIND "$_box/" --header "Depth: 0"
		if [ "$dav_status" != 207 ]; then
			DAV_URL=$_dv_url
			_dav_bail "davical_user $1: PROPFIND $_box/: $dav_status" \
			    "$dav_body"
		fi
	done
	DAV_URL=$_dv_url
}
