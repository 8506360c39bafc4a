#!/bin/sh
# The DAViCal test harness itself (tests/integration/davical-lib.sh): a real
# DAViCal on loopback, and what it answers to the requests tandem makes
# (discovery, outbox free/busy, conditional PUTs, sync-collection, implicit
# scheduling).  Where DAViCal departs from the RFCs, the test asserts what it
# does, so that a change of DAViCal shows here first.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"
. "$(dirname "$0")/davical-lib.sh"

davical_require

now_ms() {
	"$RADICALE_PYTHON" -c 'import time; print(int(time.time() * 1000))' 8>&-
}

ls /etc/davical >"$tmp/etc.before" 2>&1
t0=$(now_ms)
davical_start "$tmp/davical"
t1=$(now_ms)
ok "davical answers at $DAVICAL_ROOT"
echo "# davical_start took $((t1 - t0)) ms"
davical_user alice alicepw
davical_user bob bobpw
echo "# two davical_user took $(($(now_ms) - t1)) ms"
DAV_URL=$DAVICAL_ROOT
R=${DAVICAL_ROOT#"$DAVICAL_URL"}        # /caldav.php

# prop_hrefs ELEMENT: the hrefs inside every ELEMENT (local name) of the XML
# in $dav_body, one a line.
prop_hrefs() {
	"$RADICALE_PYTHON" -c 'import sys, xml.etree.ElementTree as ET
for e in ET.parse(sys.argv[1]).iter():
    if e.tag.rsplit("}", 1)[-1] == sys.argv[2]:
        for h in e.iter("{DAV:}href"):
            print(h.text)' "$dav_body" "$1" 8>&-
}

# sched_response: for each response of the schedule-response in $dav_body,
# "recipient|request-status|FREEBUSY values, comma-separated".
sched_response() {
	"$RADICALE_PYTHON" -c 'import re, sys, xml.etree.ElementTree as ET
C = "{urn:ietf:params:xml:ns:caldav}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == C + "schedule-response", root.tag
for r in root.findall(C + "response"):
    data = r.findtext(C + "calendar-data") or ""
    data = re.sub(r"\n[ \t]", "", data.replace("\r\n", "\n"))
    fb = [l.split(":", 1)[1] for l in data.split("\n") if l.startswith("FREEBUSY")]
    print("%s|%s|%s" % (r.findtext(C + "recipient/{DAV:}href"),
                        r.findtext(C + "request-status"), ",".join(fb)))' \
	    "$dav_body" 8>&-
}


# unfold FILE: FILE's lines unfolded, CR stripped first.
unfold() {
	"$RADICALE_PYTHON" -c 'import re, sys
t = open(sys.argv[1], newline="").read().replace("\r\n", "\n")
sys.stdout.write(re.sub(r"\n[ \t]", "", t))' "$1" 8>&-
}

# crlf FILE: FILE with CRLF line ends.
crlf() {
	sed 's/\r*$/\r/' "$1" >"$1.crlf" && mv "$1.crlf" "$1"
}

# header NAME: the value of header NAME of the last answer.
header() {
	grep -i "^$1: " "$dav_headers" | sed 's/^[^:]*: //' | tr -d '\r'
}

# --- discovery --------------------------------------------------------------

DAV_URL=$DAVICAL_URL
dav_request - - GET /.well-known/caldav
DAV_URL=$DAVICAL_ROOT
# Without the rewrite (Debian's davical.conf has it) apache would answer 404.
if [ "$dav_status" = 301 ] && [ "$(header Location)" = "$DAVICAL_ROOT/" ]; then
	ok "/.well-known/caldav: 301 to $DAVICAL_ROOT/ (no credentials needed)"
else
	not_ok "/.well-known/caldav: $dav_status $(header Location)"
fi

cat >"$tmp/cup.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>
EOF
dav_request - - PROPFIND "$R/" --body "$tmp/cup.xml" --header "Depth: 0"
if [ "$dav_status" = 401 ] &&
    header WWW-Authenticate | grep -q '^Basic realm='; then
	ok "PROPFIND without credentials: 401, Basic"
else
	not_ok "PROPFIND without credentials: $dav_status"
fi
dav_request alice wrongpw PROPFIND "$R/" --body "$tmp/cup.xml" --header "Depth: 0"
check "PROPFIND with a wrong password: 401" [ "$dav_status" = 401 ]

dav_request alice alicepw PROPFIND "$R/" --body "$tmp/cup.xml" \
    --header "Depth: 0" --header "Content-Type: application/xml; charset=utf-8"
if [ "$dav_status" = 207 ] &&
    [ "$(prop_hrefs current-user-principal)" = "$R/alice/" ]; then
	ok "current-user-principal of alice: $R/alice/"
else
	not_ok "current-user-principal of alice: $dav_status"
	show "$dav_body"
fi

cat >"$tmp/home.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:prop><C:calendar-home-set/><C:schedule-inbox-URL/>
  <C:schedule-outbox-URL/><C:calendar-user-address-set/></D:prop>
</D:propfind>
EOF
dav_request alice alicepw PROPFIND /alice/ --body "$tmp/home.xml" \
    --header "Depth: 0" --header "Content-Type: application/xml; charset=utf-8"
cp "$dav_body" "$tmp/home.out"
if [ "$dav_status" = 207 ] &&
    [ "$(prop_hrefs calendar-home-set)" = "$R/alice/" ]; then
	ok "calendar-home-set of alice: $R/alice/"
else
	not_ok "calendar-home-set of alice: $dav_status"
	show "$dav_body"
fi
if [ "$(prop_hrefs schedule-inbox-URL)" = "$R/alice/.in/" ] &&
    [ "$(prop_hrefs schedule-outbox-URL)" = "$R/alice/.out/" ]; then
	ok "schedule-inbox-URL $R/alice/.in/, schedule-outbox-URL $R/alice/.out/"
else
	not_ok "schedule-inbox-URL and schedule-outbox-URL of alice"
	show "$dav_body"
fi
if [ "$(prop_hrefs calendar-user-address-set | tr '\n' ' ')" = \
    "mailto:alice@example.com $R/alice/ " ]; then
	ok "calendar-user-address-set: mailto:alice@example.com, $R/alice/"
else
	not_ok "calendar-user-address-set of alice"
	prop_hrefs calendar-user-address-set | diag
fi

# --- implicit scheduling: the invitation ------------------------------------

cat >"$tmp/meet.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tandem//davical.sh//EN
BEGIN:VEVENT
UID:meet-1@tandem.test
DTSTAMP:20270101T000000Z
DTSTART:20270302T090000Z
DTEND:20270302T100000Z
SUMMARY:Mentoring
SEQUENCE:0
ORGANIZER;CN=alice:mailto:alice@example.com
ATTENDEE;CN=alice;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:alice@example.com
ATTENDEE;CN=bob;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com
ATTENDEE;CN=carol;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@elsewhere.org
END:VEVENT
END:VCALENDAR
EOF
crlf "$tmp/meet.ics"
dav_request alice alicepw PUT calendar/meet-1.ics --body "$tmp/meet.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "If-None-Match: *"
# DAViCal added SCHEDULE-STATUS to what it stores, so it gives no ETag.
if [ "$dav_status" = 201 ] && [ -z "$(header ETag)" ]; then
	ok "PUT of an event inviting bob: 201, no ETag (the body was changed)"
else
	not_ok "PUT of an event inviting bob: $dav_status, ETag $(header ETag)"
	show "$dav_body"
fi

dav_list bob bobpw .in
inbox_href=$(cut -f1 "$dav_out")
if [ "$(lines "$dav_out")" = 1 ] &&
    [ "$inbox_href" = "$R/bob/.in/meet-1@tandem.test.ics" ]; then
	dav_request bob bobpw GET "$inbox_href"
	unfold "$dav_body" >"$tmp/req.ics"
	if [ "$dav_status" = 200 ] && has "$tmp/req.ics" "METHOD:REQUEST" \
	    "UID:meet-1@tandem.test" "DTSTART:20270302T090000Z"; then
		ok "bob's inbox has the REQUEST, at $R/bob/.in/<uid>.ics"
	else
		not_ok "bob's inbox has the REQUEST: GET $dav_status"
		show "$tmp/req.ics"
	fi
else
	not_ok "bob's inbox has one item, <uid>.ics"
	show "$dav_out"
fi

dav_list bob bobpw calendar
bob_href=$(cut -f1 "$dav_out")
check "bob's calendar got a copy, $R/bob/calendar/<uid>.ics" \
    [ "$bob_href" = "$R/bob/calendar/meet-1@tandem.test.ics" ]

dav_request alice alicepw GET calendar/meet-1.ics
unfold "$dav_body" >"$tmp/alice.ics"
if grep -q "^ATTENDEE;.*SCHEDULE-STATUS=1\.2.*:mailto:bob@example.com" \
    "$tmp/alice.ics" &&
    grep -q "^ATTENDEE;.*SCHEDULE-STATUS=3\.7.*:mailto:carol@elsewhere.org" \
    "$tmp/alice.ics"; then
	ok "alice's copy: SCHEDULE-STATUS 1.2 for bob, 3.7 for the external carol"
else
	not_ok "alice's copy: SCHEDULE-STATUS 1.2 for bob, 3.7 for carol"
	show "$tmp/alice.ics"
fi

# --- free/busy --------------------------------------------------------------

# fb_request ATTENDEE...: a VFREEBUSY REQUEST by alice for 1-5 March 2027.
fb_request() {
	{
		printf '%s\n' BEGIN:VCALENDAR VERSION:2.0 \
		    "PRODID:-//tandem//davical.sh//EN" METHOD:REQUEST \
		    BEGIN:VFREEBUSY UID:fb-1@tandem.test \
		    DTSTAMP:20270101T000000Z DTSTART:20270301T000000Z \
		    DTEND:20270305T000000Z ORGANIZER:mailto:alice@example.com
		for _a in "$@"; do
			echo "ATTENDEE:$_a"
		done
		printf '%s\n' END:VFREEBUSY END:VCALENDAR
	} >"$tmp/fb.ics"
	crlf "$tmp/fb.ics"
}

fb_request mailto:bob@example.com
dav_request alice alicepw POST .out/ --body "$tmp/fb.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "Originator: mailto:alice@example.com" \
    --header "Recipient: mailto:bob@example.com"
got=$(sched_response 2>&1)
if [ "$dav_status" = 200 ] && [ "$got" = \
    "mailto:bob@example.com|2.0;Success|20270302T090000Z/20270302T100000Z" ] &&
    grep -q "^METHOD:REPLY" "$dav_body"; then
	ok "outbox POST: 200, schedule-response with bob's busy 09:00-10:00Z"
else
	not_ok "outbox POST free/busy for bob: $dav_status $got"
	show "$dav_body"
fi

# The Recipient header is ignored: the ATTENDEEs are the recipients.
fb_request mailto:bob@example.com mailto:alice@example.com \
    mailto:nobody@example.com mailto:dave@elsewhere.org
dav_request alice alicepw POST .out/ --body "$tmp/fb.ics" \
    --header "Content-Type: text/calendar; charset=utf-8"
got=$(sched_response 2>&1 | tr '\n' ' ')
if [ "$dav_status" = 200 ] && [ "$got" = \
    "mailto:bob@example.com|2.0;Success|20270302T090000Z/20270302T100000Z mailto:alice@example.com|2.0;Success|20270302T090000Z/20270302T100000Z mailto:nobody@example.com|3.7;Invalid Calendar User| mailto:dave@elsewhere.org|3.7;Invalid Calendar User| " ]; then
	ok "outbox POST, 4 recipients: one response each; unknown and external 3.7"
else
	not_ok "outbox POST, 4 recipients: $dav_status $got"
	show "$dav_body"
fi

dav_request alice alicepw POST /bob/.out/ --body "$tmp/fb.ics" \
    --header "Content-Type: text/calendar; charset=utf-8"
check "outbox POST to bob's outbox by alice: 403" [ "$dav_status" = 403 ]

cat >"$tmp/fbq.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
 <C:time-range start="20270301T000000Z" end="20270305T000000Z"/>
</C:free-busy-query>
EOF
dav_request alice alicepw REPORT /bob/calendar/ --body "$tmp/fbq.xml" \
    --header "Depth: 1" --header "Content-Type: application/xml; charset=utf-8"
if [ "$dav_status" = 200 ] &&
    header Content-Type | grep -q "^text/calendar" &&
    tr -d '\r' <"$dav_body" |
    grep -qx "FREEBUSY:20270302T090000Z/20270302T100000Z"; then
	ok "free-busy-query on bob's calendar by alice: 200 text/calendar, busy"
else
	not_ok "free-busy-query on bob's calendar by alice: $dav_status"
	show "$dav_body"
fi

# --- conditional PUTs --------------------------------------------------------

cat >"$tmp/solo.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tandem//davical.sh//EN
BEGIN:VEVENT
UID:solo-1@tandem.test
DTSTAMP:20270101T000000Z
DTSTART:20270303T090000Z
DTEND:20270303T100000Z
SUMMARY:Solo
END:VEVENT
END:VCALENDAR
EOF
crlf "$tmp/solo.ics"
md5=$(md5sum <"$tmp/solo.ics" | cut -c1-32)
dav_put_raw alice alicepw calendar/solo.ics "$tmp/solo.ics" --if-none-match
solo_etag=$(cut -f2 "$dav_out")
check "PUT without scheduling: ETag is the body's md5 ($solo_etag)" \
    [ "$solo_etag" = "\"$md5\"" ]

dav_request alice alicepw PUT calendar/solo.ics --body "$tmp/solo.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "If-None-Match: *"
if [ "$dav_status" = 412 ] && grep -q "<if-none-match/>" "$dav_body"; then
	ok "If-None-Match: * on an existing href: 412"
else
	not_ok "If-None-Match: * on an existing href: $dav_status"
fi

sed 's/Solo/Changed/' "$tmp/solo.ics" >"$tmp/solo2.ics"
dav_request alice alicepw PUT calendar/solo.ics --body "$tmp/solo2.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header 'If-Match: "0123456789abcdef0123456789abcdef"'
status=$dav_status
dav_request alice alicepw GET calendar/solo.ics
if [ "$status" = 412 ] && cmp -s "$dav_body" "$tmp/solo.ics"; then
	ok "If-Match with another ETag: 412, resource unchanged"
else
	not_ok "If-Match with another ETag: $status"
fi

dav_request alice alicepw PUT calendar/solo.ics --body "$tmp/solo2.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "If-Match: $solo_etag"
md5=$(md5sum <"$tmp/solo2.ics" | cut -c1-32)
if [ "$dav_status" = 204 ] && [ "$(header ETag)" = "\"$md5\"" ]; then
	ok "If-Match with the ETag: 204 with the new ETag"
else
	not_ok "If-Match with the ETag: $dav_status $(header ETag)"
fi

dav_request alice alicepw PUT calendar/solo-again.ics --body "$tmp/solo2.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "If-None-Match: *"
dav_list alice alicepw calendar
if [ "$dav_status" = 201 ] && [ "$(grep -c "/solo" "$dav_out")" = 2 ]; then
	ok "the same UID at a second href: 201, stored twice"
else
	not_ok "the same UID at a second href: $dav_status"
	show "$dav_out"
fi
dav_delete alice alicepw calendar/solo-again.ics

# --- sync-collection ---------------------------------------------------------

sync_body() {
	cat >"$tmp/sync.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:"><D:sync-token>$1</D:sync-token>
<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>
EOF
}
sync_body ""
dav_request alice alicepw REPORT calendar/ --body "$tmp/sync.xml" \
    --header "Content-Type: application/xml; charset=utf-8"
cp "$dav_body" "$tmp/sync.full"
token=$(sed -n 's:.*<sync-token>\(.*\)</sync-token>.*:\1:p' "$dav_body")
n_full=$(grep -c "<response>" "$dav_body")
sync_body "$token"
dav_request alice alicepw REPORT calendar/ --body "$tmp/sync.xml" \
    --header "Content-Type: application/xml; charset=utf-8"
if [ -n "$token" ] && [ "$n_full" = 2 ] && [ "$dav_status" = 207 ] &&
    ! grep -q "<response>" "$dav_body"; then
	ok "sync-collection: $n_full members, then nothing since $token"
else
	not_ok "sync-collection: token '$token', $n_full, then $dav_status"
	show "$dav_body"
fi
# RFC 6578 wants 403 <valid-sync-token/>: DAViCal lists everything instead.
sync_body "http://example.com/bogus/42"
dav_request alice alicepw REPORT calendar/ --body "$tmp/sync.xml" \
    --header "Content-Type: application/xml; charset=utf-8"
if [ "$dav_status" = 207 ] && cmp -s "$dav_body" "$tmp/sync.full"; then
	ok "sync-collection with a bad token: 207, a full listing (not 403)"
else
	not_ok "sync-collection with a bad token: $dav_status"
	show "$dav_body"
fi

# --- implicit scheduling: reply, reschedule, cancel --------------------------

dav_request bob bobpw GET "$bob_href"
bob_etag=$(header ETag)
unfold "$dav_body" |
    sed 's/^\(ATTENDEE;CN=bob;\)PARTSTAT=NEEDS-ACTION;RSVP=TRUE/\1PARTSTAT=ACCEPTED/' \
    >"$tmp/accept.ics"
crlf "$tmp/accept.ics"
dav_request bob bobpw PUT "$bob_href" --body "$tmp/accept.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "If-Match: $bob_etag"
if [ "$dav_status" = 204 ] && [ -z "$(header ETag)" ]; then
	ok "bob accepts (PUT of his copy): 204, no ETag"
else
	not_ok "bob accepts: $dav_status, ETag $(header ETag)"
	show "$dav_body"
fi
dav_request alice alicepw GET calendar/meet-1.ics
unfold "$dav_body" >"$tmp/alice.ics"
if grep -q "^ATTENDEE;CN=bob;PARTSTAT=ACCEPTED;SCHEDULE-STATUS=2\.0:mailto:bob@example.com" \
    "$tmp/alice.ics"; then
	ok "alice's copy: bob ACCEPTED, SCHEDULE-STATUS=2.0"
else
	not_ok "alice's copy: bob ACCEPTED, SCHEDULE-STATUS=2.0"
	show "$tmp/alice.ics"
fi
dav_request bob bobpw GET "$bob_href"
unfold "$dav_body" >"$tmp/bob.ics"
check "bob's copy: ORGANIZER;SCHEDULE-STATUS=1.2" \
    grep -q "^ORGANIZER;CN=alice;SCHEDULE-STATUS=1\.2:mailto:alice@example.com" \
    "$tmp/bob.ics"
dav_list alice alicepw .in
reply_href=$(cut -f1 "$dav_out")
dav_request alice alicepw GET "$reply_href"
unfold "$dav_body" >"$tmp/reply.ics"
# A REPLY should have one ATTENDEE (RFC 5546): DAViCal's keeps the external one.
if [ "$reply_href" = "$R/alice/.in/bobmeet-1.ics" ] &&
    has "$tmp/reply.ics" "METHOD:REPLY" \
    "ATTENDEE;CN=bob;PARTSTAT=ACCEPTED:mailto:bob@example.com" \
    "REQUEST-STATUS:2.0" &&
    [ "$(grep -c "^ATTENDEE" "$tmp/reply.ics")" = 2 ]; then
	ok "alice's inbox: the REPLY, as <attendee><resource name>, 2 ATTENDEEs"
else
	not_ok "alice's inbox: the REPLY at $reply_href"
	show "$tmp/reply.ics"
fi

dav_request alice alicepw GET calendar/meet-1.ics
alice_etag=$(header ETag)
unfold "$dav_body" | sed -e 's/^SEQUENCE:0/SEQUENCE:1/' \
    -e 's/^DTSTART:20270302T090000Z/DTSTART:20270302T140000Z/' \
    -e 's/^DTEND:20270302T100000Z/DTEND:20270302T150000Z/' >"$tmp/resched.ics"
crlf "$tmp/resched.ics"
dav_request alice alicepw PUT calendar/meet-1.ics --body "$tmp/resched.ics" \
    --header "Content-Type: text/calendar; charset=utf-8" \
    --header "If-Match: $alice_etag"
status=$dav_status etag=$(header ETag)
dav_request alice alicepw GET calendar/meet-1.ics
unfold "$dav_body" >"$tmp/alice.ics"
dav_request bob bobpw GET "$bob_href"
unfold "$dav_body" >"$tmp/bob.ics"
if [ "$status" = 204 ] && [ -z "$etag" ] &&
    grep -q "^ATTENDEE;CN=bob;PARTSTAT=NEEDS-ACTION;SCHEDULE-STATUS=1\.2:" \
    "$tmp/alice.ics" &&
    has "$tmp/bob.ics" "SEQUENCE:1" "DTSTART:20270302T140000Z" &&
    grep -q "^ATTENDEE;CN=bob;PARTSTAT=NEEDS-ACTION;" "$tmp/bob.ics"; then
	ok "reschedule: 204 no ETag; bob back to NEEDS-ACTION (no RSVP) in both"
else
	not_ok "reschedule: $status, ETag $etag"
	show "$tmp/alice.ics" "$tmp/bob.ics"
fi

dav_delete alice alicepw calendar/meet-1.ics
dav_request bob bobpw GET "$bob_href"
status=$dav_status
dav_request bob bobpw GET "$inbox_href"
unfold "$dav_body" >"$tmp/cancel.ics"
if [ "$status" = 404 ] && has "$tmp/cancel.ics" "METHOD:CANCEL" \
    "UID:meet-1@tandem.test" "SEQUENCE:1" && ! grep -q "^DTSTAMP" "$tmp/cancel.ics"; then
	ok "alice deletes: bob's copy gone, CANCEL (SEQUENCE 1, no DTSTAMP) in his inbox"
else
	not_ok "alice deletes: bob's copy $status"
	show "$tmp/cancel.ics"
fi

# --- the dav.sh helpers against DAViCal --------------------------------------

dav_mkcalendar alice alicepw outlook "Outlook export"
dav_put_ics alice alicepw outlook "$top_srcdir/tests/fixtures/busy/outlook.ics"
n_put=$(lines "$dav_out")
dav_list alice alicepw outlook
cp "$dav_out" "$tmp/list.before"
first=$(sed -n '1s/	.*//p' "$dav_out")
dav_request alice alicepw GET "$first"
if [ "$n_put" -gt 0 ] && [ "$(lines "$dav_out")" = "$n_put" ] &&
    [ "$dav_status" = 200 ] && case $first in "$R/alice/outlook/"*) ;; *) false ;; esac; then
	ok "dav_put_ics/dav_list: $n_put resources; listed hrefs ($R/...) usable"
else
	not_ok "dav_put_ics/dav_list: $n_put put, $(lines "$dav_out") listed, GET $first $dav_status"
fi

# --- restart, stop -----------------------------------------------------------

old_url=$DAVICAL_URL
davical_restart
dav_list alice alicepw outlook
if [ "$DAVICAL_URL" = "$old_url" ] && cmp -s "$tmp/list.before" "$dav_out"; then
	ok "after a restart, the same URL serves the same resources and etags"
else
	not_ok "after a restart, the same URL serves the same resources and etags"
fi

apache_pid=$(cat "$DAVICAL_DIR/apache.pid")
pg_pid=$(sed -n 1p "$DAVICAL_DIR/pg/postmaster.pid")
davical_stop
dav_request alice alicepw PROPFIND /alice/ --header "Depth: 0"
if [ "$dav_status" = 000 ] && ! _dav_alive "$apache_pid" &&
    ! _dav_alive "$pg_pid" && [ ! -e "$DAVICAL_DIR/run/.s.PGSQL.5432" ]; then
	ok "davical_stop: apache2 and postgres gone"
else
	not_ok "davical_stop: $dav_status; apache $apache_pid, postgres $pg_pid"
fi

ls /etc/davical >"$tmp/etc.after" 2>&1
check "nothing written to /etc/davical" cmp -s "$tmp/etc.before" "$tmp/etc.after"

done_testing
