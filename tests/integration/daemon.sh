#!/bin/sh
# tandemd: configuration test, one pass, and the service's reload and stop.
. "$(dirname "$0")/lib.sh"	# $tmp, wait_for; its ok and check are replaced below
bin="$top_builddir/daemon"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cp -R "$top_srcdir/conf/example" "$tmp/ex"
conf="$tmp/ex/tandem.conf"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
# Wait (60 s at most) until the log shows a line matching $1.
wait_log() {
	wait_for 60 grep -q "$1" "$tmp/log"
}

echo "1..10"
"$bin/tandemd" -n -c "$conf" 2>"$tmp/err"
check "-n accepts conf/example" '[ $? -eq 0 ]'

sed 's/^cadence .*/cadence = every blue moon/' "$conf" >"$tmp/bad.conf"
"$bin/tandemd" -n -c "$tmp/bad.conf" 2>"$tmp/err"
rc=$?
check "-n rejects a bad cadence with 78" '[ $rc -eq 78 ]'
check "-n names file:line" 'grep -q "bad.conf:[0-9]*: cadence: cannot read the cadence" "$tmp/err"'

"$bin/tandemd" -c "$conf" --once --now 2027-03-01T00:00Z 2>"$tmp/once"
check "--once summarises the program" \
	'grep -q "program reverse-2027: 3 pairs, 54 sessions, next 2027-03-15T10:00:00+01:00" "$tmp/once"'

: >"$tmp/log"
"$bin/tandemd" -d -c "$conf" 2>>"$tmp/log" &
pid=$!
check "service starts" 'wait_log "started with"'

cp "$conf" "$tmp/good.conf"
printf 'bogus = 1\n' >>"$conf"
kill -HUP "$pid"
check "a bad reload is rejected with file:line" \
	'wait_log "reload failed; keeping" && grep -q "tandem.conf:[0-9]*: unknown key \"bogus\"" "$tmp/log"'
check "the service is still running" 'alive "$pid"'

cp "$tmp/good.conf" "$conf"
kill -HUP "$pid"
check "a good reload is taken" 'wait_log "configuration reloaded"'

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
check "SIGTERM stops the service cleanly" '[ $rc -eq 0 ]'
check "and says so" 'grep -q "SIGTERM: shutting down" "$tmp/log"'
