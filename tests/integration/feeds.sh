#!/bin/sh
# Calendars served as ICS feeds over http by a real loopback server
# (tests/fixtures/feed-server.py): tandemctl plan reads them with the
# credentials of a [server] section and negotiates exactly as from files.

. "$(dirname "$0")/lib.sh"

NOW=2027-03-01T00:00Z
SERVER=$top_srcdir/tests/fixtures/feed-server.py
d=$(example_copy feeds)
mkdir "$tmp/docs"
cp "$EXAMPLE/calendars/marc.ics" "$EXAMPLE/calendars/james.ics" "$tmp/docs/"

# The server exits when its stdin (a fifo held open by fd 9) closes, that
# is when this script ends, however it ends.
mkfifo "$tmp/srv.in"
python3 "$SERVER" --dir "$tmp/docs" --port-file "$tmp/port" --log "$tmp/log" \
    --user alice --password wonderland <"$tmp/srv.in" 2>"$tmp/srv.err" &
srv=$!
exec 9>"$tmp/srv.in"
# listening: its port is written (atomically, once it listens), or it is
# gone and never will.
listening() { [ -s "$tmp/port" ] || gone "$srv"; }
wait_for 60 listening
port=$(cat "$tmp/port" 2>/dev/null)
if [ -z "$port" ]; then
	echo "Bail out! feed-server did not start"
	cat "$tmp/srv.err"
	exit 1
fi
base=http://127.0.0.1:$port

# Marc's calendar is a public feed, James's one behind Basic auth.
edit "$d/people.csv" "s|file:calendars/marc.ics|$base/etag/marc.ics|;s|file:calendars/james.ics|$base/basic/james.ics|"
printf 'wonderland\n' >"$d/secret"
chmod 600 "$d/secret"
cat >>"$d/tandem.conf" <<EOT

[server feeds]
url           = $base/basic/
user          = alice
password_file = secret
EOT

ctl "$EXAMPLE" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/files.json"
ctl "$d" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/feeds.json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ] &&
    cmp -s "$tmp/files.json" "$tmp/feeds.json"; then
	ok "a plan from feeds is the plan from the same calendars as files"
else
	not_ok "a plan from feeds is the plan from the same calendars as files (exit $ctl_rc)"
	diag "$ctl_err"
	diff "$tmp/files.json" "$tmp/feeds.json" | head -20 | diag
fi

if grep -q "^GET	/etag/marc.ics	-	-	-	200	" "$tmp/log" &&
    grep -q "^GET	/basic/james.ics	-	-	basic	200	" "$tmp/log" &&
    grep "	tandem/" "$tmp/log" >/dev/null; then
	ok "the public feed is one GET, the protected one is fetched with Basic credentials"
else
	not_ok "the public feed is one GET, the protected one is fetched with Basic credentials"
	diag "$tmp/log"
fi

# A secret file others can read is refused: no credentials are sent, James's
# sessions within the horizon are unschedulable, the others are not.
chmod 644 "$d/secret"
: >"$tmp/log"
ctl "$d" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/plan.json"
if [ "$ctl_rc" -eq 75 ] && has "$ctl_err" "$d/secret" &&
    grep -q "^tandemctl: plan: 1 of .* calendars could not be read.*James Okafor <james.okafor@corp.example>" "$ctl_err" &&
    ! grep -q wonderland "$ctl_err" && ! grep -q "	basic	" "$tmp/log" &&
    python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
for x in s:
    if x['status'] in ('scheduled', 'unschedulable'):
        james = x['mentee'] == 'james.okafor@corp.example'
        assert x['status'] == ('unschedulable' if james else 'scheduled'), x
        if james:
            assert x['why']['mentee']['calendar_unreadable'] is True, x
" "$tmp/plan.json"; then
	ok "a readable secret file is refused, and only that person's sessions wait (exit 75, one line names him)"
else
	not_ok "a readable secret file is refused, and only that person's sessions wait (exit $ctl_rc)"
	diag "$ctl_err" "$tmp/log"
fi
chmod 600 "$d/secret"

# A feed that is gone: the warning names the URL and the status.
edit "$d/people.csv" "s|$base/etag/marc.ics|$base/etag/gone.ics|"
ctl "$d" plan --now "$NOW"
if [ "$ctl_rc" -eq 75 ] && has "$ctl_err" "$base/etag/gone.ics" "404" &&
    [ "$(grep -c 'the calendar of marc.dubois@corp.example could not be read (.*gone.ics: HTTP 404' "$ctl_out")" -eq 2 ]; then
	ok "a feed answering 404 is reported with its URL; its owner's sessions are unschedulable, and say why (exit 75)"
else
	not_ok "a feed answering 404 is reported with its URL (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi

done_testing
