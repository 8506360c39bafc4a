#!/bin/sh
# The CalDAV test harness itself (tests/integration/dav.sh): a real Radicale
# on loopback, filled from the example calendars, that survives a restart,
# and the fault proxy in front of it (tests/fixtures/fault-proxy.py).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"

radicale_require

radicale_user alice alicepw
radicale_user bob bobpw
for p in lena marc priya tom sofia james; do
	radicale_user "$p" "${p}pw"
done
radicale_start "$tmp/dav"
ok "radicale answers at $RADICALE_URL"

# distinct_uids FILE: how many UIDs FILE has (folded lines unfolded).
distinct_uids() {
	"$RADICALE_PYTHON" -c 'import re, sys
text = re.sub(r"\r?\n[ \t]", "", open(sys.argv[1]).read())
print(len(set(re.findall(r"^UID[;:][^\n\r]*", text, re.M))))' "$1"
}

# Marc's calendar: one resource per UID.
dav_mkcalendar marc marcpw calendar "Marc Dubois"
dav_put_ics marc marcpw calendar "$EXAMPLE/calendars/marc.ics"
want=$(distinct_uids "$EXAMPLE/calendars/marc.ics")
dav_list marc marcpw calendar
cp "$dav_out" "$tmp/list.before"
got=$(lines "$tmp/list.before")
if [ "$want" -gt 0 ] && [ "$got" -eq "$want" ]; then
	ok "marc.ics is $got resources in /marc/calendar/, one per UID"
else
	not_ok "marc.ics is one resource per UID: $got resources, $want UIDs"
	diag "$tmp/list.before"
fi

# Outlook's export: an override (RECURRENCE-ID) shares its master's resource.
dav_mkcalendar marc marcpw outlook
dav_put_ics marc marcpw outlook "$top_srcdir/tests/fixtures/busy/outlook.ics"
want=$(distinct_uids "$top_srcdir/tests/fixtures/busy/outlook.ics")
dav_list marc marcpw outlook
got=$(lines "$dav_out")
n=0
while IFS='	' read -r href _; do
	dav_request marc marcpw GET "$href"
	[ "$dav_status" = 200 ] || { n=-1; break; }
	grep -q "^RECURRENCE-ID" "$dav_body" &&
	    [ "$(grep -c "^BEGIN:VEVENT" "$dav_body")" -eq 2 ] &&
	    [ "$(grep -c "^BEGIN:VTIMEZONE" "$dav_body")" -eq 1 ] && n=$((n + 1))
done <"$dav_out"
if [ "$got" -eq "$want" ] && [ "$n" -eq 1 ]; then
	ok "outlook.ics: $got resources; the override is with its master"
else
	not_ok "outlook.ics: $got resources for $want UIDs; $n with master and override"
fi

# owner_only: a user sees nothing of another's.
dav_request alice alicepw PROPFIND /marc/calendar/ --header "Depth: 0"
if [ "$dav_status" = 403 ]; then
	ok "alice may not read marc's calendar"
else
	not_ok "alice may not read marc's calendar: $dav_status"
fi

old_url=$RADICALE_URL
radicale_restart
dav_list marc marcpw calendar
if [ "$RADICALE_URL" = "$old_url" ] && cmp -s "$tmp/list.before" "$dav_out"; then
	ok "after a restart, the same URL serves the same resources and etags"
else
	not_ok "after a restart, the same URL serves the same resources and etags"
	diff "$tmp/list.before" "$dav_out" | head | diag
fi

# The fault proxy.
proxy_start "$RADICALE_URL"
DAV_URL=$PROXY_URL
DAV_TIMEOUT=10

dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 1"
if [ "$dav_status" = 207 ] &&
    [ "$(grep -o "<response>" "$dav_body" | wc -l)" -eq $(($(lines "$tmp/list.before") + 1)) ] &&
    grep -q "^PROPFIND	/marc/calendar/	207	pass$" "$PROXY_LOG"; then
	ok "pass: PROPFIND goes through the proxy, logged"
else
	not_ok "pass: PROPFIND goes through the proxy: $dav_status"
	diag "$PROXY_LOG" "$tmp/dav.err"
fi

proxy_mode 500
dav_request marc marcpw REPORT /marc/calendar/ --header "Depth: 1"
if [ "$dav_status" = 500 ] && grep -q "^Content-Type: text/plain" "$dav_headers" &&
    grep -q "^REPORT	/marc/calendar/	500	500$" "$PROXY_LOG"; then
	ok "500: a 500 with a text body"
else
	not_ok "500: a 500 with a text body: $dav_status"
fi

proxy_mode html
dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 1"
if [ "$dav_status" = 200 ] && grep -q "^Content-Type: text/html" "$dav_headers" &&
    grep -q "<html>" "$dav_body"; then
	ok "html: a 200 with an HTML page"
else
	not_ok "html: a 200 with an HTML page: $dav_status"
fi

proxy_mode html207
dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 1"
if [ "$dav_status" = 207 ] && grep -q "<html>" "$dav_body"; then
	ok "html207: a 207 with an HTML page"
else
	not_ok "html207: a 207 with an HTML page: $dav_status"
fi

proxy_mode 503-retry-after:7
dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 1"
if [ "$dav_status" = 503 ] && grep -q "^Retry-After: 7$" "$dav_headers"; then
	ok "503-retry-after:7: a 503 with Retry-After: 7"
else
	not_ok "503-retry-after:7: a 503 with Retry-After: 7: $dav_status"
fi

proxy_mode down
dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 1"
if [ "$dav_status" = 000 ] &&
    grep -q "^PROPFIND	/marc/calendar/	down	down$" "$PROXY_LOG"; then
	ok "down: the connection closes without an answer"
else
	not_ok "down: the connection closes without an answer: $dav_status"
fi

# big: the start of a multistatus, then more than a client should take; the
# proxy stops when the client goes.
proxy_mode big
if "$RADICALE_PYTHON" -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"PROPFIND /marc/calendar/ HTTP/1.1\r\nHost: x\r\nDepth: 1\r\nContent-Length: 0\r\n\r\n")
data = b""
while len(data) < 1 << 20:
    chunk = s.recv(65536)
    assert chunk, "closed after %d bytes" % len(data)
    data += chunk
s.close()
assert data.startswith(b"HTTP/1.1 207 "), data[:100]
assert b"\r\nContent-Type: application/xml" in data and b"Content-Length" not in data
assert b"<D:multistatus" in data' "${PROXY_URL##*:}"; then
	ok "big: a 207 multistatus that goes on and on"
else
	not_ok "big: a 207 multistatus that goes on and on"
fi

# timeout: no answer, and meanwhile other requests are served.
proxy_mode timeout
(DAV_TIMEOUT=1
dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 0"
echo "$dav_status" >"$tmp/hung") 8>&- &
hung=$!
# Until the proxy has the request (a python to start first): set back to
# pass before, it would be answered.
wait_for 60 grep -q "	timeout	timeout$" "$PROXY_LOG"
proxy_mode pass
dav_request marc marcpw PROPFIND /marc/calendar/ --header "Depth: 0"
wait $hung
if [ "$dav_status" = 207 ] && [ "$(cat "$tmp/hung" 2>/dev/null)" = 000 ]; then
	ok "timeout: no answer (client gave up), other requests still served"
else
	not_ok "timeout: no answer, other requests still served: $dav_status $(cat "$tmp/hung" 2>/dev/null)"
fi

if alive "$PROXY_PID" && alive "$RADICALE_PID"; then
	ok "the proxy and radicale are still running"
else
	not_ok "the proxy and radicale are still running"
fi

done_testing
