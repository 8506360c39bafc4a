#!/bin/sh
# The control socket: tandemctl asks a running tandemd (status, pairs,
# sessions, report, export, reload); the socket is 0660; a second tandemd
# refuses a live socket and replaces a dead one; a bad reload is refused
# with file:line while the daemon keeps answering; a stopped daemon is 69.

. "$(dirname "$0")/lib.sh"

TANDEMD=$top_builddir/daemon/tandemd
d=$(example_copy ctl)
conf=$d/tandem.conf
sock=$d/state/tandemd.sock
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# expect DESC RC FILE TEXT...: the last ctl exited RC and FILE (its
# $ctl_out or $ctl_err) holds every TEXT.
expect() {
	_desc=$1 _rc=$2 _f=$3
	shift 3
	if [ "$ctl_rc" -eq "$_rc" ] && has "$_f" "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
		echo "# exit $ctl_rc, expected $_rc and: $*"
		diag "$ctl_out" "$ctl_err"
	fi
}

answers() {
	"$TANDEMCTL" -c "$conf" status >/dev/null 2>&1
}

# up: tandemd answers, or it is gone (no use waiting).
up() {
	answers || gone "$pid"
}

# start: tandemd in the foreground, logging to $tmp/log; wait until it
# answers (60 s at most).
: >"$tmp/log"
start() {
	"$TANDEMD" -d -c "$conf" 2>>"$tmp/log" &
	pid=$!
	wait_for 60 up && answers
}

# --- a pass on a fixed clock first, so that the store holds sessions -------

"$TANDEMD" -c "$conf" --once --now 2027-01-04T08:00Z 2>"$tmp/once"
rc=$?
check "tandemd --once on the example" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || diag "$tmp/once"

# --- a running daemon ------------------------------------------------------

if start; then
	ok "tandemd answers on its control socket"
else
	not_ok "tandemd answers on its control socket"
	diag "$tmp/log"
fi
check "the socket is mode 0660" [ "$(stat -c %a "$sock")" = 660 ]

ctl "$d" status
expect "status" 0 "$ctl_out" "programs   1: reverse-2027 (3 pairs)" \
    "pairs      3 (0 paused)" "state      $d/state/state.db"
ctl "$d" status --json
expect "status --json" 0 "$ctl_out" '"pairs":3'

ctl "$d" pairs
if [ "$ctl_rc" -eq 0 ] && [ "$(lines "$ctl_out")" -eq 4 ] &&
    has "$ctl_out" lena.vogel@corp.example priya.shah@corp.example \
    sofia.rossi@corp.example; then
	ok "pairs lists the 3 pairs"
else
	not_ok "pairs lists the 3 pairs"
	diag "$ctl_out" "$ctl_err"
fi

"$TANDEMCTL" -c "$tmp/nowhere.conf" --socket "$sock" pairs --json \
    >"$ctl_out" 2>"$ctl_err"
ctl_rc=$?
expect "--socket reaches the daemon without a configuration" 0 "$ctl_out" \
    '"mentee":"james.okafor@corp.example"'

ctl "$d" sessions nobody@corp.example marc.dubois@corp.example
expect "sessions of an unknown pair is 65" 65 "$ctl_err" \
    "tandemctl: sessions: no pair of mentor nobody@corp.example"
ctl "$d" skip lena.vogel@corp.example marc.dubois@corp.example
expect "skip without INDEX is a usage error" 64 "$ctl_err" \
    "usage: skip MENTOR MENTEE INDEX"

big=$(head -c 70000 /dev/zero | tr '\0' a)
ctl "$d" sessions "$big" marc.dubois@corp.example
expect "a request over 64 KiB is refused" 64 "$ctl_err" \
    "tandemctl: request: longer than 65536 bytes"

timeout 60 "$TANDEMD" -d -c "$conf" 2>"$tmp/second"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
    has "$tmp/second" "another tandemd is running on $sock" && answers; then
	ok "a second tandemd refuses the live socket"
else
	not_ok "a second tandemd refuses the live socket (exit $rc)"
	diag "$tmp/second"
fi

# --- what the engine stored (needs the engine's pass) ----------------------

ctl "$d" sessions LENA.VOGEL@corp.example marc.dubois@corp.example
expect "sessions lists what the pass decided" 0 "$ctl_out" \
    "reverse-2027: lena.vogel@corp.example / marc.dubois@corp.example" \
    "  1  invited "
ctl "$d" report --csv
if [ "$ctl_rc" -eq 0 ] && [ "$(lines "$ctl_out")" -eq 5 ] &&
    grep -q '^reverse-2027,lena.vogel@corp.example,marc.dubois@corp.example,Lena Vogel,Marc Dubois,[1-9]' "$ctl_out"; then
	ok "report --csv: a header, 3 pairs with planned sessions, the total"
else
	not_ok "report --csv: a header, 3 pairs with planned sessions, the total"
	diag "$ctl_out" "$ctl_err"
fi
ctl "$d" export
expect "export has the sessions' events" 0 "$ctl_out" "BEGIN:VCALENDAR" \
    "BEGIN:VEVENT" "UID:tandem-" "SUMMARY:reverse-2027: Lena Vogel / Marc Dubois (session 1)"

# --- reload ------------------------------------------------------------------

cp "$conf" "$tmp/good.conf"
printf 'bogus = 1\n' >>"$conf"
line=$(lines "$conf")
ctl "$d" reload
expect "a bad reload is refused with 78 and file:line" 78 "$ctl_err" \
    "tandemctl: $conf:$line: unknown key \"bogus\"" \
    "reload failed; keeping the running configuration"
ctl "$d" status
expect "the daemon still answers, with the old configuration" 0 "$ctl_out" \
    "programs   1: reverse-2027 (3 pairs)"
cp "$tmp/good.conf" "$conf"
ctl "$d" reload
expect "a good reload is taken" 0 "$ctl_out" "configuration reloaded: 1 program(s)"

# --- stopping ----------------------------------------------------------------

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
check "SIGTERM stops the daemon cleanly" [ "$rc" -eq 0 ]
check "and removes the socket" [ ! -e "$sock" ]
ctl "$d" status
expect "a stopped daemon is 69" 69 "$ctl_err" \
    "tandemctl: cannot reach tandemd at $sock: "

# A daemon killed outright leaves its socket behind; the next one replaces it.
start
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=""
ctl "$d" status
expect "a dead daemon's socket is 69 too" 69 "$ctl_err" "Connection refused"
if start && grep -q "removed a stale socket" "$tmp/log"; then
	ok "the next tandemd replaces a dead one's socket"
else
	not_ok "the next tandemd replaces a dead one's socket"
	diag "$tmp/log"
fi
kill -TERM "$pid"
wait "$pid"
pid=""

done_testing
