#!/bin/sh
# The people's calendars on a real CalDAV server (Debian's Radicale on
# loopback, behind tests/fixtures/fault-proxy.py, which logs every request
# and can fail on demand):
#   - tandemctl plan from the server is the plan from the same calendars as
#     files, for a collection URL and for a principal URL (discovery through
#     calendar-home-set);
#   - a running tandemd reads an unchanged calendar with one request, fetches
#     only what changed, reads a calendar again whose sync token the server
#     refuses, and survives 500s, an HTML error page, a server that is down,
#     a timeout and an oversized answer, catching up when the server is back.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"

TANDEMD=$top_builddir/daemon/tandemd
NOW=2027-03-01T00:00Z
PEOPLE="lena marc priya tom sofia james"
T=$(printf '\t')		# the proxy's log is tab-separated

radicale_require
for u in $PEOPLE; do
	radicale_user "$u" "${u}pw"
done
radicale_start "$tmp/dav"
for u in $PEOPLE; do
	dav_mkcalendar "$u" "${u}pw" calendar
	dav_put_ics "$u" "${u}pw" calendar "$EXAMPLE/calendars/$u.ics"
done
proxy_start

# dav_config DIR: the example with every calendar on the server; Marc's is
# given as his principal, the others as collections; one [server] each.
dav_config() {
	for u in $PEOPLE; do
		if [ "$u" = marc ]; then
			to=$PROXY_URL/$u/
		else
			to=$PROXY_URL/$u/calendar/
		fi
		edit "$1/people.csv" "s|file:calendars/$u.ics|$to|"
		printf '%spw\n' "$u" >"$1/secret-$u"
		chmod 600 "$1/secret-$u"
		cat >>"$1/tandem.conf" <<EOT

[server $u]
url           = $PROXY_URL/$u/
user          = $u
password_file = secret-$u
timeout       = 2
EOT
	done
}

d=$(example_copy on-dav)
dav_config "$d"
ctl "$EXAMPLE" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/files.json"
ctl "$d" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/dav.json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ] &&
    cmp -s "$tmp/files.json" "$tmp/dav.json"; then
	ok "a plan from CalDAV is the plan from the same calendars as files"
else
	not_ok "a plan from CalDAV is the plan from the same calendars as files (exit $ctl_rc)"
	diag "$ctl_err"
	diff "$tmp/files.json" "$tmp/dav.json" | head -20 | diag
	grep -A12 -i 'traceback\|error' "$RADICALE_DIR/radicale.log" | head -30 | diag
fi

if grep -q "^PROPFIND${T}/marc/${T}207" "$PROXY_LOG" &&
    grep -q "^REPORT${T}/marc/calendar/${T}207" "$PROXY_LOG" &&
    grep -q "^REPORT${T}/lena/calendar/${T}207" "$PROXY_LOG"; then
	ok "a principal URL leads to its calendars through calendar-home-set"
else
	not_ok "a principal URL leads to its calendars through calendar-home-set"
	diag "$PROXY_LOG"
fi
# Lena's URL is her calendar: its probe's PROPFIND already gives the sync
# token and ctag, so a first read is that PROPFIND and one calendar-query.
t_first=$(grep -c "^PROPFIND${T}/lena/calendar/${T}207" "$PROXY_LOG")
check "a first read of a calendar URL needs one PROPFIND, not two ($t_first)" \
    [ "$t_first" -eq 1 ]

# --- A running daemon: its sessions start tomorrow, so every calendar is
# read at each pass.  A pass is asked for with tandemctl reload and is over
# when the log says "pass:" once more.
tomorrow=$(date -u -d tomorrow +%Y-%m-%d)
s=$(example_copy daemon)
dav_config "$s"
# Sofia's URL carries her password (no [server] prefix matches it then):
# it must never be shown.
edit "$s/people.csv" "s|$PROXY_URL/sofia/calendar/|http://sofia:sofiapw@${PROXY_URL#http://}/sofia/calendar/|"
edit "$s/tandem.conf" "s|^start .*|start       = $tomorrow|"
printf 'mentor,mentee\n' >"$s/pairs.new"
sed -n '2,$s/^\([^,]*,[^,]*\).*/\1/p' "$s/pairs.csv" >>"$s/pairs.new"
mv "$s/pairs.new" "$s/pairs.csv"

: >"$tmp/tandemd.log"	# before tandemd starts: wait_pass reads it at once
"$TANDEMD" -d -c "$s/tandem.conf" 2>>"$tmp/tandemd.log" 8>&- &
tandemd_pid=$!
trap 'kill $tandemd_pid 2>/dev/null; dav_cleanup; rm -rf "$tmp"' EXIT

# wait_pass N: until the log shows N passes (lib.sh's wait_passes).
wait_pass() {
	wait_passes "$tmp/tandemd.log" "$tandemd_pid" "$1"
}

# pass_requests N: run pass N (kicked by a reload) and keep the proxy's log
# lines of it in $tmp/pass.log.
pass_requests() {
	_from=$(lines "$PROXY_LOG")
	ctl "$s" reload
	wait_pass "$1"
	_ok=$?
	sed -n "$((_from + 1)),\$p" "$PROXY_LOG" >"$tmp/pass.log"
	return $_ok
}

check "tandemd's first pass reads every calendar" wait_pass 1

# Events that tandem may read are the truth: no server free/busy is asked
# for (Radicale answers free-busy-query with a 207 of bare hrefs), and the
# status says so.
ctl "$s" status
if grep -q "^server .*free/busy by events (the events are read wherever tandem may read them" "$ctl_out" &&
    grep -q "^REPORT${T}/lena/calendar/${T}207" "$PROXY_LOG" &&
    ! grep -q "^POST${T}" "$PROXY_LOG" &&
    ! grep -q "^PROPFIND${T}/.well-known/caldav" "$PROXY_LOG"; then
	ok "readable events are read, and no server free/busy is asked for"
else
	not_ok "readable events are read, and no server free/busy is asked for"
	diag "$ctl_out"
fi
cp "$ctl_out" "$tmp/status.txt"
ctl "$s" status --json
check "a password in a calendar URL is shown by neither status nor status --json" \
    sh -c '! grep -q sofiapw "$1" "$2" && grep -q "^server     $3:" "$1"' - \
    "$tmp/status.txt" "$ctl_out" "$PROXY_URL"
check "tandemctl status --json names the server, its means and its health" \
	"$RADICALE_PYTHON" -c '
import json, sys
s = json.load(open(sys.argv[1]))["servers"]
assert len(s) == 1 and s[0]["url"].startswith("http://127.0.0.1:"), s
assert s[0]["freebusy"] == "events" and s[0]["failures"] == 0, s
assert s[0]["requests"] >= 6 and s[0]["last_ok"], s' "$ctl_out"
pass_requests 2
n=$(lines "$tmp/pass.log")
reports=$(grep -c "^REPORT${T}/[a-z]*/calendar/${T}207" "$tmp/pass.log")
if [ "$n" -eq 6 ] && [ "$reports" -eq 6 ]; then
	ok "an unchanged calendar costs one request (sync-collection): 6 for 6 calendars"
else
	not_ok "an unchanged calendar costs one request: $n requests, $reports sync reports"
	diag "$tmp/pass.log"
fi

# Lena gets a new meeting: her sync answers one change, fetched by multiget.
cat >"$tmp/new.ics" <<EOT
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tandem test//EN
BEGIN:VEVENT
UID:added-by-the-test@corp.example
DTSTAMP:20261101T000000Z
DTSTART:${tomorrow%%-*}$(echo "$tomorrow" | cut -c6-7)$(echo "$tomorrow" | cut -c9-10)T080000Z
DTEND:${tomorrow%%-*}$(echo "$tomorrow" | cut -c6-7)$(echo "$tomorrow" | cut -c9-10)T170000Z
SUMMARY:Offsite
END:VEVENT
END:VCALENDAR
EOT
dav_put_raw lena lenapw calendar/added.ics "$tmp/new.ics"
pass_requests 3
if [ "$(lines "$tmp/pass.log")" -eq 7 ] &&
    grep -q "^REPORT${T}/lena/calendar/${T}207" "$tmp/pass.log" &&
    [ "$(grep -c "^REPORT${T}/lena/calendar/${T}207" "$tmp/pass.log")" -eq 2 ]; then
	ok "a changed calendar costs its sync and one multiget of what changed"
else
	not_ok "a changed calendar costs its sync and one multiget of what changed"
	diag "$tmp/pass.log"
fi

# Tom's collection is made again: his old sync token is refused (403) and
# his calendar is read whole once more.
dav_delete tom tompw calendar/
dav_mkcalendar tom tompw calendar
dav_put_ics tom tompw calendar "$EXAMPLE/calendars/tom.ics"
pass_requests 4
if grep -q "^REPORT${T}/tom/calendar/${T}403" "$tmp/pass.log" &&
    grep -q 'sync token refused' "$tmp/tandemd.log" &&
    [ "$(grep -c "^REPORT${T}/tom/calendar/${T}207" "$tmp/pass.log")" -eq 1 ]; then
	ok "a refused sync token makes one full read of that calendar"
else
	not_ok "a refused sync token makes one full read of that calendar"
	diag "$tmp/pass.log"
fi

# Faults: each pass ends, tandemd keeps answering, nothing is lost.
n=5
for mode in 500 html html207 down timeout big; do
	proxy_mode "$mode"
	if pass_requests $n && alive "$tandemd_pid"; then
		ctl "$s" status
		if [ "$ctl_rc" -eq 0 ]; then
			ok "a server answering '$mode': the pass ends, tandemd answers"
		else
			not_ok "a server answering '$mode': tandemctl status exit $ctl_rc"
		fi
	else
		not_ok "a server answering '$mode': the pass did not end"
		tail -5 "$tmp/tandemd.log" | diag
	fi
	n=$((n + 1))
done
proxy_mode pass
pass_requests $n
reports=$(grep -c "^REPORT${T}/[a-z]*/calendar/${T}207" "$tmp/pass.log")
if [ "$reports" -ge 6 ] && alive "$tandemd_pid"; then
	ok "the server is back: every calendar is read again"
else
	not_ok "the server is back: $reports calendars read"
	diag "$tmp/pass.log"
fi
if grep -l 'METHOD:CANCEL' "$s"/outbox/*.eml >/dev/null 2>&1; then
	not_ok "no invitation was cancelled because a server failed"
	grep -l 'METHOD:CANCEL' "$s"/outbox/*.eml | diag
else
	ok "no invitation was cancelled because a server failed ($(ls "$s"/outbox | wc -l) sent)"
fi
kill "$tandemd_pid"
wait "$tandemd_pid"
check "tandemd stops cleanly after all that" [ $? -eq 0 ]
if grep -q 'secret\|pw$\|[a-z]*pw[^a-z]' "$tmp/tandemd.log"; then
	not_ok "no password in tandemd's log"
	grep 'pw' "$tmp/tandemd.log" | head -3 | diag
else
	ok "no password in tandemd's log"
fi

# --- A first read of many calendars says how far it is.  Four copies of
# the example's people (24 calendars, read for the first time by a new
# tandemd --once): a progress line at each tenth, counts and a time left.
m=$(example_copy many)
dav_config "$m"
for k in 1 2 3; do
	sed -n "2,\$s/@corp/+$k@corp/p" "$m/people.csv" >>"$m/people.more"
	sed -n "2,\$s/@corp/+$k@corp/gp" "$m/pairs.csv" >>"$m/pairs.more"
done
cat "$m/people.more" >>"$m/people.csv"
cat "$m/pairs.more" >>"$m/pairs.csv"
"$TANDEMD" -c "$m/tandem.conf" --once --now "$NOW" 2>"$tmp/many.log" 8>&-
grep 'first read of' "$tmp/many.log" >"$tmp/progress.log"
if [ "$(lines "$tmp/progress.log")" -ge 5 ] &&
    grep -q "first read of 24 calendars: 24 done (0 failed) in [0-9.]* s, about 0 s left" "$tmp/progress.log" &&
    grep -q "first read of 24 calendars: [0-9]* done (0 failed) in [0-9.]* s, about [0-9]* s left" "$tmp/progress.log"; then
	ok "a first read of 24 calendars logs its progress with counts and time left"
else
	not_ok "a first read of 24 calendars logs its progress with counts and time left"
	diag "$tmp/progress.log"
	tail -5 "$tmp/many.log" | diag
fi

done_testing
