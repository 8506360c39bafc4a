# CalDAV helpers for the integration tests (POSIX sh), sourced after lib.sh:
# a real Radicale server on loopback, a fault-injecting proxy in front of it
# (tests/fixtures/fault-proxy.py) and a few requests to fill calendars
# (tests/fixtures/dav-put.py).  Not a test itself.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/dav.sh"
#   radicale_require                    # 1..0 # SKIP without radicale
#   radicale_user marc marcpw
#   radicale_start "$tmp/dav"           # sets RADICALE_URL
#   dav_mkcalendar marc marcpw calendar
#   dav_put_ics marc marcpw calendar "$EXAMPLE/calendars/marc.ics"
#
# Lifetime: every process started here reads a fifo that this shell holds
# open on fd 8 (read-write, so that opening it never blocks) and exits when
# it reads end of file, that is when the test's shell is gone, however it
# ended (even by SIGKILL; every child started here gets 8>&-, so that none
# holds the fifo open in the shell's stead).  On a normal exit, or on
# HUP/INT/TERM (lib.sh turns those into exit 1), the EXIT trap, which this
# file replaces with lib.sh's plus dav_cleanup, stops them first.  A
# long-lived process that the test starts itself (tandemd, say) inherits fd 8
# and would keep the fifo open: start it with 8>&-.  (Linux: /proc is used
# to tell a live process from a zombie.)  A server that is not Radicale runs
# under tests/fixtures/launch.py ($DAV_LAUNCH), which reads the fifo and
# stops the server, and all it started, when the fifo ends; _dav_wait waits
# for any server to answer.
#
# Paths not starting with / are relative to the user's home: "calendar" is
# /USER/calendar/.  Helpers talk to ${DAV_URL:-$RADICALE_URL} (set DAV_URL to
# $PROXY_URL to go through the fault proxy) with a ${DAV_TIMEOUT:-30} s
# socket timeout.  DAV_URL may have a path, e.g. DAViCal's
# http://127.0.0.1:PORT/caldav.php (davical-lib.sh): every path then goes
# under it, except one that already starts with it (an href the server gave,
# as dav_list prints them).
#
# Fatal errors (Radicale does not start, a request answers outside 2xx) print
# "Bail out! ..." and exit the script: call the helpers in the test's shell,
# not in $(...) or a pipeline, where exit would only leave a subshell.

DAV_PY=$top_srcdir/tests/fixtures/dav-put.py
PROXY_PY=$top_srcdir/tests/fixtures/fault-proxy.py
DAV_LAUNCH=$top_srcdir/tests/fixtures/launch.py
dav_out=$tmp/dav.out            # output of the last dav_* helper
dav_body=$tmp/dav.body          # body of the last dav_request answer
dav_headers=$tmp/dav.headers    # its headers, one "Name: value" a line
RADICALE_PID=
PROXY_PID=
: "${RADICALE_PYTHON:=python3}"

trap 'dav_cleanup; rm -rf "$tmp"' EXIT

# radicale_require: skip the whole script when Radicale is not installed.
# Sets RADICALE_PYTHON, the python3 that has it (Debian's python3-radicale
# lives in /usr/bin/python3, which need not be the python3 on PATH: pyenv, a
# virtualenv), and that every helper here then uses (a pyenv shim costs a
# second a call on a loaded machine).
radicale_require() {
	for _py in /usr/bin/python3 python3; do
		if "$_py" -c 'import radicale' 2>/dev/null; then
			RADICALE_PYTHON=$_py
			return 0
		fi
	done
	echo "1..0 # SKIP radicale not installed"
	exit 0
}

_dav_fifo() {
	[ -p "$tmp/dav.fifo" ] && return 0
	mkfifo "$tmp/dav.fifo" || { echo "Bail out! mkfifo failed"; exit 1; }
	exec 8<>"$tmp/dav.fifo"
}

# _dav_alive PID: PID is a process that is neither gone nor a zombie.
_dav_alive() {
	alive "$1"
}

# _dav_reap PID: SIGTERM, up to 30 s to go (launch.py gives its server 4 s,
# then kills and reaps what is left), then SIGKILL; reaped.
_dav_reap() {
	kill -TERM "$1" 2>/dev/null
	wait_for 30 gone "$1"
	_dav_alive "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

_dav_free_port() {
	"$RADICALE_PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 8>&-
}

# _dav_port_taken FILE OFFSET...: 0 when a FILE, past byte OFFSET (its size
# before the server started), says that a port was taken meanwhile: the one
# failure of a start that is worth another try.
_dav_port_taken() {
	while [ $# -ge 2 ]; do
		tail -c +$(($2 + 1)) "$1"
		shift 2
	done | grep -q "Address already in use"
}

# _dav_bail MESSAGE LOG...: Bail out! with the end of each LOG.
_dav_bail() {
	echo "Bail out! $1"
	shift
	for _l in "$@"; do
		[ -s "$_l" ] || continue
		echo "# --- $_l"
		tail -n 20 "$_l" | diag
	done
	exit 1
}

# Radicale in a python that also exits when its stdin (the fifo) ends, and
# holds none of the test's descriptors (fd 8 would keep the fifo open).
# Without fsync (six a PUT; the page cache survives a killed process, only a
# crash of the machine would lose data): a loaded CI machine thanks us.
_dav_launcher='import os, sys, threading
os.closerange(3, 1024)
def watch():
    while os.read(0, 4096):
        pass
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv[0] = "radicale"
import radicale.pathutils
radicale.pathutils.fsync = lambda fd: None
from radicale.__main__ import run
run()'

# _dav_wait PID SECONDS READY [ARG...]: 0 once a server, PID or under
# launcher PID, answers: READY is python that defines ready(ARG...), true
# when it does (an OSError or HTTPException counts as not yet; base64,
# http.client and socket are imported); 1 if PID died first (the port was
# taken, say); 2 after SECONDS.
_dav_wait() {
	"$RADICALE_PYTHON" -c 'import base64, http.client, socket, sys, time
pid, secs, args = int(sys.argv[1]), float(sys.argv[2]), sys.argv[4:]
def alive():
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False
exec(sys.argv[3])
deadline = time.monotonic() + secs
while time.monotonic() < deadline:
    if not alive():
        sys.exit(1)
    try:
        if ready(*args):
            sys.exit(0 if alive() else 1)
    except (OSError, http.client.HTTPException):
        pass
    time.sleep(0.05)
sys.exit(2)' "$@" 8>&-
}

# _dav_wait_ready PID PORT LOG OFFSET: 0 once Radicale (PID) has said in LOG,
# past byte OFFSET, that it listens, and answers on PORT; 1 if it died first
# (the port was taken, say); 2 after 60 s.
_dav_wait_ready() {
	_dav_wait "$1" 60 'def ready(port, log, off):
    with open(log, "rb") as f:
        f.seek(int(off))
        if b"Radicale server ready" not in f.read():
            return False
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=2)
    c.request("OPTIONS", "/")
    c.getresponse().read()
    c.close()
    return True' "$2" "$3" "$4"
}

_dav_config() {
	if [ -n "${RADICALE_RIGHTS:-}" ]; then
		_rights="type = from_file
file = $RADICALE_RIGHTS"
	else
		_rights="type = owner_only"
	fi
	cat >"$1/config" <<EOT
[server]
hosts = 127.0.0.1:$2
max_connections = 20
timeout = 30

[encoding]
request = utf-8
stock = utf-8

[auth]
type = htpasswd
htpasswd_filename = $1/users
htpasswd_encryption = plain
delay = 0
realm = tandem test

[rights]
$_rights

[storage]
type = multifilesystem
filesystem_folder = $1/collections

[logging]
level = info
mask_passwords = True
EOT
}

# radicale_user NAME PASSWORD: a Radicale account.  Before radicale_start or
# after (Radicale reads its htpasswd file at every login).
radicale_user() {
	printf '%s:%s\n' "$1" "$2" >>"$tmp/dav.users"
	if [ -n "${RADICALE_DIR:-}" ] && [ -f "$RADICALE_DIR/users" ]; then
		printf '%s:%s\n' "$1" "$2" >>"$RADICALE_DIR/users"
	fi
}

# radicale_start DIR: Radicale with its config (DIR/config), users
# (DIR/users), data (DIR/collections) and log (DIR/radicale.log) in DIR, on
# 127.0.0.1 at a free port, tried up to 5 times.  Returns once it answers
# (60 s at most).  Sets RADICALE_URL, RADICALE_PORT, RADICALE_DIR and
# RADICALE_PID.  Authentication is htpasswd (plain, no delay on failure);
# rights are owner_only (a user reads and writes /USER/... only), or with
# RADICALE_RIGHTS set to a file, Radicale's from_file rights from it
# (sections of user, collection and permissions; see Radicale's
# documentation).
radicale_start() {
	RADICALE_DIR=$1
	_dav_fifo
	mkdir -p "$RADICALE_DIR/collections" || exit 1
	touch "$tmp/dav.users" "$RADICALE_DIR/radicale.log"
	[ -f "$RADICALE_DIR/users" ] || cp "$tmp/dav.users" "$RADICALE_DIR/users"
	_try=0
	while [ $_try -lt 5 ]; do
		_try=$((_try + 1))
		_port=${_dav_same_port:-$(_dav_free_port)}
		_dav_config "$RADICALE_DIR" "$_port"
		_off=$(wc -c <"$RADICALE_DIR/radicale.log" | tr -d ' ')
		env -u RADICALE_CONFIG "$RADICALE_PYTHON" \
		    -c "$_dav_launcher" \
		    --config "$RADICALE_DIR/config" \
		    <"$tmp/dav.fifo" >>"$RADICALE_DIR/radicale.log" 2>&1 8>&- &
		RADICALE_PID=$!
		_dav_wait_ready "$RADICALE_PID" "$_port" \
		    "$RADICALE_DIR/radicale.log" "$_off"
		_rc=$?
		if [ $_rc -eq 0 ]; then
			RADICALE_PORT=$_port
			RADICALE_URL=http://127.0.0.1:$_port
			export RADICALE_URL
			return 0
		fi
		_dav_reap "$RADICALE_PID"
		RADICALE_PID=
		_dav_port_taken "$RADICALE_DIR/radicale.log" "$_off" || break
		[ -n "${_dav_same_port:-}" ] && sleep 0.2
	done
	echo "Bail out! radicale did not start (see below)"
	tail -n 20 "$RADICALE_DIR/radicale.log" | diag
	exit 1
}

# radicale_stop: stop Radicale (SIGTERM, SIGKILL after 30 s); data kept.
radicale_stop() {
	[ -n "$RADICALE_PID" ] || return 0
	_dav_reap "$RADICALE_PID"
	RADICALE_PID=
}

# radicale_restart: stop Radicale and start it again, same port, same data.
radicale_restart() {
	radicale_stop
	_dav_same_port=$RADICALE_PORT
	radicale_start "$RADICALE_DIR"
	_dav_same_port=
}

# dav-put.py USER PASSWORD ARGS...: against ${DAV_URL:-$RADICALE_URL};
# output in $dav_out; a Bail out! exits the script.
_dav() {
	_u=$1 _p=$2
	shift 2
	if "$RADICALE_PYTHON" "$DAV_PY" --url "${DAV_URL:-$RADICALE_URL}" \
	    --timeout "${DAV_TIMEOUT:-30}" --user "$_u" --password "$_p" \
	    "$@" >"$dav_out" 8>&-; then
		return 0
	fi
	grep "^Bail out!" "$dav_out" ||
	    echo "Bail out! dav-put.py $* failed"
	exit 1
}

# dav_mkcalendar USER PASSWORD PATH [DISPLAYNAME]: MKCALENDAR /USER/PATH/
# (PATH starting with / is absolute) for VEVENTs, named DISPLAYNAME or after
# PATH's last segment.
dav_mkcalendar() {
	_dav "$1" "$2" mkcalendar "$3" ${4:+--displayname "$4"}
}

# dav_put_ics USER PASSWORD COLLECTION FILE.ics: one resource per UID of FILE
# (its VTIMEZONEs, the master and its overrides) PUT as COLLECTION/<uid>.ics,
# If-None-Match: *.  $dav_out: "href<TAB>etag" for each.
dav_put_ics() {
	_dav "$1" "$2" put-ics "$3" "$4"
}

# dav_put_raw USER PASSWORD RESOURCE FILE [--if-match ETAG | --if-none-match]:
# PUT FILE as it is to RESOURCE (e.g. calendar/x.ics), replacing what is
# there.  $dav_out: "href<TAB>etag".
dav_put_raw() {
	_u=$1 _p=$2 _r=$3 _f=$4
	shift 4
	_dav "$_u" "$_p" put-raw "$_r" "$_f" "$@"
}

# dav_delete USER PASSWORD PATH [--if-match ETAG]: DELETE a resource or a
# collection.
dav_delete() {
	_u=$1 _p=$2 _path=$3
	shift 3
	_dav "$_u" "$_p" delete "$_path" "$@"
}

# dav_list USER PASSWORD COLLECTION: $dav_out gets "href<TAB>etag" for each
# member (PROPFIND Depth: 1), sorted.
dav_list() {
	_dav "$1" "$2" list "$3"
}

# dav_request USER PASSWORD METHOD PATH [--body FILE] [--header "K: V"]...:
# any request, never fatal.  USER - sends no credentials.  Sets dav_status
# (000 when no answer came: refused, closed, timed out after
# ${DAV_TIMEOUT:-30} s); the body is in $dav_body, the headers in
# $dav_headers.
dav_request() {
	_u=$1 _p=$2
	shift 2
	if [ "$_u" = - ]; then
		set -- request "$@"
	else
		set -- --user "$_u" --password "$_p" request "$@"
	fi
	: >"$dav_body"
	: >"$dav_headers"
	dav_status=$("$RADICALE_PYTHON" "$DAV_PY" --url "${DAV_URL:-$RADICALE_URL}" \
	    --timeout "${DAV_TIMEOUT:-30}" "$@" --out "$dav_body" \
	    --headers-out "$dav_headers" 2>"$tmp/dav.err" 8>&-)
}

# _dav_port_or_dead FILE PID: a server's port file is written (atomically),
# or the server is gone and will never write it.
_dav_port_or_dead() {
	[ -s "$1" ] || ! _dav_alive "$2"
}

# proxy_start [UPSTREAM [NAME]]: the fault proxy in front of UPSTREAM
# (default $RADICALE_URL).  Sets PROXY_URL and PROXY_PID; its mode file is
# $PROXY_MODE_FILE (mode pass), its log $PROXY_LOG: "method path status
# mode" a line, and with PROXY_LOG_EXTRA=yes "body=N auth=yes|no depth=D"
# at the end of each (fault-proxy.py --log-extra).  A second proxy (another
# origin) needs a NAME other than the default "proxy": its files are
# $tmp/NAME.*; PROXY_* then describe it, so keep the first one's first.
proxy_start() {
	_dav_fifo
	_pn=${2:-proxy}
	PROXY_LOG=$tmp/$_pn.log
	PROXY_MODE_FILE=$tmp/$_pn.mode
	: >"$PROXY_LOG"
	rm -f "$tmp/$_pn.port"
	proxy_mode pass
	"$RADICALE_PYTHON" "$PROXY_PY" --upstream "${1:-$RADICALE_URL}" \
	    --port-file "$tmp/$_pn.port" --log "$PROXY_LOG" \
	    --mode-file "$PROXY_MODE_FILE" \
	    ${PROXY_LOG_EXTRA:+--log-extra} \
	    <"$tmp/dav.fifo" 2>"$tmp/$_pn.err" 8>&- &
	PROXY_PID=$!
	_dav_proxies="${_dav_proxies:-} $PROXY_PID"
	wait_for 60 _dav_port_or_dead "$tmp/$_pn.port" "$PROXY_PID"
	if [ ! -s "$tmp/$_pn.port" ]; then
		echo "Bail out! fault-proxy did not start"
		diag "$tmp/$_pn.err"
		exit 1
	fi
	PROXY_URL=http://127.0.0.1:$(cat "$tmp/$_pn.port")
}

# proxy_mode MODE...: what the proxy does from the next request on (see
# tests/fixtures/fault-proxy.py): pass, 500, html, html207, html207-xml,
# timeout, big, 503-retry-after:N, down, redirect:FROM:TO, ...; several
# MODEs are written one a line.
proxy_mode() {
	printf '%s\n' "$@" >"$PROXY_MODE_FILE.tmp" &&
	    mv "$PROXY_MODE_FILE.tmp" "$PROXY_MODE_FILE"
}

# proxy_stop: stop every proxy started.
proxy_stop() {
	for _pp in ${_dav_proxies:-}; do
		_dav_reap "$_pp"
	done
	_dav_proxies=
	PROXY_PID=
}

# dav_cleanup: stop the proxies and Radicale (the EXIT trap calls it).
dav_cleanup() {
	proxy_stop
	radicale_stop
}
