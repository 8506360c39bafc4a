#!/bin/sh
# Server free/busy only for people whose events tandem may not read, against
# a real DAViCal (tests/integration/davical-lib.sh).  One service account,
# reader ([server] user), reads two people:
#   - m1 (Mia One) granted reader read-free-busy only (a row of DAViCal's
#     grants table: caldav:read-free-busy, which DAViCal's privilege_to_bits
#     makes read-free-busy | schedule-query-freebusy; m1's own default
#     privileges give nobody free/busy);
#   - m2 (Max Two) granted reader DAV:read: her events are readable.
# What DAViCal answers reader, checked first (the harness): for m1, 403 to
# a PROPFIND of her calendar; a calendar-query answered 207 with her events
# stripped to times ("Busy", no ATTENDEE, STATUS, EXDATE, RECURRENCE-ID; a
# CLASS:PRIVATE event left out); free-busy-query and the outbox POST (200,
# request-status 2.0) give her busy time.  For m2 the events, and a server
# free/busy that counts an event she declined as busy.
# Then tandem (events are the truth; free/busy only where events may not be
# read):
#   a. m1's busy event sits where session 2 would otherwise go: the plan
#      does not put it there, her busy time having come from the server's
#      free/busy;
#   b. m2 is read by her events (calendar-query/sync, no free/busy request
#      for her), so the event she declined is free: session 1, which falls
#      on it, keeps its nominal slot;
#   c. tandemctl explain, and tandemctl status of a running tandemd, say
#      that m1's busy time comes from the server's free/busy;
#   d. with m1's read-free-busy revoked too, her sessions are unschedulable
#      and tandemctl plan exits 75, naming her on stderr ("could not be
#      read").
# Every request DAViCal answers is logged with what it asked
# (DAVICAL_REQUEST_LOG, davical-lib.sh): that tells a calendar-query from a
# free-busy-query, and whom an outbox POST asked about.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"
. "$(dirname "$0")/davical-lib.sh"

TANDEMD=$top_builddir/daemon/tandemd
NOW=2027-01-04T08:00Z
M1=m1@example.com
M2=m2@example.com
M1_NAME="Mia One"
M2_NAME="Max Two"
T=$(printf '\t')

davical_require




DAVICAL_REQUEST_LOG=1
davical_start "$tmp/davical"
REQ=$DAVICAL_DIR/requests.log
davical_user reader readerpw reader@example.com
davical_user m1 m1pw "$M1"
davical_user m2 m2pw "$M2"
DAV_URL=$DAVICAL_ROOT
R=${DAVICAL_ROOT#"$DAVICAL_URL"}        # /caldav.php

# The rights.  davical_user lets everybody see everybody's free/busy (its
# principals' default privileges); m1's let nobody, reader gets it by grant.
davical_sql "UPDATE principal SET default_privileges = privilege_to_bits(
    ARRAY['caldav:schedule-deliver-invite', 'caldav:schedule-deliver-reply'])
  WHERE user_no = (SELECT user_no FROM usr WHERE username = 'm1')"
# grant BY PRIVILEGE...: BY's principal grants reader the privileges.
grant() {
	_by=$1
	shift
	_privs=$(printf "'%s', " "$@" | sed 's/, $//')
	davical_sql "INSERT INTO grants (by_principal, to_principal, privileges, is_group)
  SELECT p.principal_id, a.principal_id, privilege_to_bits(ARRAY[$_privs]), FALSE
  FROM principal p JOIN usr u ON u.user_no = p.user_no,
       principal a JOIN usr ua ON ua.user_no = a.user_no
  WHERE u.username = '$_by' AND ua.username = 'reader'"
}
grant m1 caldav:read-free-busy
grant m2 DAV:read
davical_sql "SELECT u.username || ' ' || g.privileges FROM grants g
  JOIN principal p ON p.principal_id = g.by_principal JOIN usr u USING (user_no)
  ORDER BY 1"
t "reader's grants: m1 read-free-busy|schedule-query-freebusy, m2 read" \
    '[ "$(tr "\n" " " <"$dav_out")" = "m1 000000000001001000000000 m2 000000000001001000000001 " ]'
[ "$(tr "\n" " " <"$dav_out")" = "m1 000000000001001000000000 m2 000000000001001000000001 " ] ||
    show "$dav_out"

# ev USER NAME UID START END [LINE...]: a one-event calendar as USER's
# calendar/NAME.ics on DAViCal and as $tmp/ics/USER.ics (appended).
mkdir -p "$tmp/ics"
ev() {
	_u=$1 _n=$2 _uid=$3 _s=$4 _e=$5
	shift 5
	{
		printf '%s\n' BEGIN:VCALENDAR VERSION:2.0 "PRODID:-//tandem test//EN" \
		    BEGIN:VEVENT "UID:$_uid" DTSTAMP:20261201T000000Z \
		    "DTSTART:$_s" "DTEND:$_e" "SUMMARY:$_u's $_n meeting"
		[ $# -gt 0 ] && printf '%s\n' "$@"
		printf '%s\n' END:VEVENT END:VCALENDAR
	} | sed 's/$/\r/' >"$tmp/ev.ics"
	dav_put_raw "$_u" "${_u}pw" "calendar/$_n.ics" "$tmp/ev.ics"
	cat "$tmp/ev.ics" >>"$tmp/ics/$_u.ics"
}
# Session 1 of m1 and m2 is nominally Mon 2027-01-11 10:00 Europe/Berlin
# (09:00Z), session 2 Mon 2027-02-01 10:00 (09:00Z).  (Session 2 follows
# the time session 1 got, so m2's event is on the first, m1's on the
# second.)
ev m1 busy m1-busy@fb-rights.test 20270201T090000Z 20270201T100000Z
ev m2 declined m2-declined@fb-rights.test 20270111T090000Z 20270111T100000Z \
    "ORGANIZER:mailto:boss@elsewhere.example" \
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:boss@elsewhere.example" \
    "ATTENDEE;PARTSTAT=DECLINED:mailto:$M2"

# --- what DAViCal answers reader ------------------------------------------

cat >"$tmp/pf.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"
    xmlns:CS="http://calendarserver.org/ns/">
 <D:prop><D:resourcetype/><CS:getctag/><D:sync-token/>
  <C:calendar-home-set/><D:owner/></D:prop>
</D:propfind>
EOF
cat >"$tmp/cq.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:prop><D:getetag/><C:calendar-data/></D:prop>
 <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
  <C:time-range start="20270101T000000Z" end="20270301T000000Z"/>
 </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>
EOF
cat >"$tmp/fbq.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
 <C:time-range start="20270101T000000Z" end="20270301T000000Z"/>
</C:free-busy-query>
EOF
# fb_post WHO: the VFREEBUSY REQUEST tandem sends (lib/freebusy.c), as
# reader, to reader's outbox, for WHO; sched_status then gives the
# request-status and the FREEBUSY values of the answer.
fb_post() {
	printf '%s\r\n' BEGIN:VCALENDAR "PRODID:-//tandem test//EN" VERSION:2.0 \
	    METHOD:REQUEST BEGIN:VFREEBUSY UID:fb-rights-test-1 \
	    DTSTAMP:20261201T000000Z DTSTART:20270101T000000Z \
	    DTEND:20270301T000000Z ORGANIZER:mailto:reader@example.com \
	    "ATTENDEE:mailto:$1" END:VFREEBUSY END:VCALENDAR >"$tmp/post.ics"
	dav_request reader readerpw POST /reader/.out/ --body "$tmp/post.ics" \
	    --header "Content-Type: text/calendar; charset=utf-8"
}
sched_status() {
	"$RADICALE_PYTHON" -c 'import re, sys, xml.etree.ElementTree as ET
C = "{urn:ietf:params:xml:ns:caldav}"
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError:
    print("not-xml")
    sys.exit(0)
for r in root.findall(C + "response"):
    data = r.findtext(C + "calendar-data") or ""
    data = re.sub(r"\n[ \t]", "", data.replace("\r\n", "\n"))
    fb = [l.split(":", 1)[1] for l in data.split("\n") if l.startswith("FREEBUSY")]
    print("%s|%s" % ((r.findtext(C + "request-status") or "").split(";")[0],
                     ",".join(fb)))' "$dav_body" 8>&-
}
# answers LABEL: the status of reader's PROPFIND, calendar-query,
# free-busy-query of /m1/calendar/ and POST for m1, one line, with the
# bodies kept in $tmp/LABEL.*.
answers() {
	dav_request reader readerpw PROPFIND /m1/calendar/ --body "$tmp/pf.xml" \
	    --header "Depth: 0" --header "Content-Type: application/xml; charset=utf-8"
	cp "$dav_body" "$tmp/$1.propfind"
	_a=$dav_status
	dav_request reader readerpw REPORT /m1/calendar/ --body "$tmp/cq.xml" \
	    --header "Depth: 1" --header "Content-Type: application/xml; charset=utf-8"
	cp "$dav_body" "$tmp/$1.query"
	_b=$dav_status
	dav_request reader readerpw REPORT /m1/calendar/ --body "$tmp/fbq.xml" \
	    --header "Depth: 1" --header "Content-Type: application/xml; charset=utf-8"
	cp "$dav_body" "$tmp/$1.fbquery"
	_c=$dav_status
	fb_post "$M1"
	cp "$dav_body" "$tmp/$1.post"
	echo "propfind=$_a query=$_b fbquery=$_c post=$dav_status:$(sched_status)"
}

got=$(answers m1)
echo "# reader on m1 (read-free-busy only): $got"
t "m1's calendar, to reader: PROPFIND 403, calendar-query 207, free-busy-query 200, POST 2.0" \
    '[ "$got" = "propfind=403 query=207 fbquery=200 post=200:2.0|20270201T090000Z/20270201T100000Z" ]'
t "the PROPFIND's 403 names the privilege missing: DAV:read" \
    'grep -q "need-privileges" "$tmp/m1.propfind" && grep -q "<read */>" "$tmp/m1.propfind"'
# The dangerous answer: a 207 that looks like events.  DAViCal strips each
# to its times (iCalendar::CloneConfidential: SUMMARY Busy; ATTENDEE,
# STATUS, EXDATE, RECURRENCE-ID gone) and leaves CLASS:PRIVATE ones out.
t "its calendar-query is a 207 of the events stripped to their times (SUMMARY:Busy)" \
    'grep -q "^DTSTART:20270201T090000Z" "$tmp/m1.query" &&
    grep -q "^SUMMARY:Busy" "$tmp/m1.query" && ! grep -q "busy meeting" "$tmp/m1.query"'
t "free/busy ignores what the person answered: m2's declined event is busy in it" \
    'fb_post "$M2" && [ "$(sched_status)" = "2.0|20270111T090000Z/20270111T100000Z" ]'
dav_request reader readerpw REPORT /m2/calendar/ --body "$tmp/cq.xml" \
    --header "Depth: 1" --header "Content-Type: application/xml; charset=utf-8"
t "m2's events, to reader: calendar-query 207, her PARTSTAT=DECLINED in it" \
    '[ "$dav_status" = 207 ] && grep -q "PARTSTAT=DECLINED:mailto:$M2" "$dav_body"'

# --- the configurations ------------------------------------------------------

# people DIR M1-CALENDAR M2-CALENDAR: the two people, m1 mentoring m2, two
# sessions (2027-01-11 and 2027-02-01).
people() {
	cat >"$1/people.csv" <<EOT
email,name,tz,calendar,hours
$M1,$M1_NAME,Europe/Berlin,$2,
$M2,$M2_NAME,Europe/Berlin,$3,
EOT
	printf 'mentor,mentee,start\n%s,%s,\n' "$M1" "$M2" >"$1/pairs.csv"
	edit "$1/tandem.conf" "s|^duration .*|count       = 2|"
}
# on_davical DIR: their calendars on DAViCal, read as reader.
on_davical() {
	people "$1" "$DAVICAL_ROOT/m1/calendar/" "$DAVICAL_ROOT/m2/calendar/"
	printf 'readerpw\n' >"$1/secret"
	chmod 600 "$1/secret"
	cat >>"$1/tandem.conf" <<EOT

[server reader]
url           = $DAVICAL_ROOT/
user          = reader
password_file = secret
timeout       = 10
EOT
}

# slots FILE: "INDEX STATUS START END" for each session of the plan --json
# in FILE, START and END in UTC (YYYYmmddTHHMMZ, "-" for none).
slots() {
	"$RADICALE_PYTHON" -c 'import json, sys, datetime as D
def z(s):
    if not s:
        return "-"
    return D.datetime.fromisoformat(s).astimezone(D.timezone.utc).strftime("%Y%m%dT%H%MZ")
try:
    plan = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(0)
for s in plan:
    print(s["index"], s["status"], z(s.get("start")), z(s.get("end")))' "$1" 8>&-
}
slot_of() {	# FILE INDEX: "START END" of session INDEX
	slots "$1" | sed -n "s/^$2 [^ ]* //p"
}

# Premises, from the same calendars as files: with m1's calendar empty,
# session 2 would be at 09:00Z on 2027-02-01 (on her busy event); had m2
# accepted her event, session 1 would not be at 09:00Z on 2027-01-11.
f=$(example_copy files)
mkdir -p "$f/cal"
cp "$tmp/ics/m1.ics" "$tmp/ics/m2.ics" "$f/cal/"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tandem test//EN\r\nEND:VCALENDAR\r\n' \
    >"$f/cal/empty.ics"
sed 's/PARTSTAT=DECLINED/PARTSTAT=ACCEPTED/' "$f/cal/m2.ics" >"$f/cal/m2-accepted.ics"
people "$f" file:cal/empty.ics file:cal/m2.ics
ctl "$f" plan --json --now "$NOW"
pa=$(slot_of "$ctl_out" 2)
people "$f" file:cal/m1.ics file:cal/m2-accepted.ics
ctl "$f" plan --json --now "$NOW"
pb=$(slot_of "$ctl_out" 1)
t "premise: without m1's event session 2 is 09:00Z-10:00Z on 2027-02-01; had m2 accepted hers, session 1 is not at 09:00Z on 2027-01-11" \
    '[ "$pa" = "20270201T0900Z 20270201T1000Z" ] && [ -n "$pb" ] &&
    [ "${pb%% *}" != 20270111T0900Z ]'
people "$f" file:cal/m1.ics file:cal/m2.ics
ctl "$f" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/files.json"
f1=$(slot_of "$tmp/files.json" 1) f2=$(slot_of "$tmp/files.json" 2)
echo "# from files: session 1 $f1, session 2 $f2 (premises: session 2 $pa, session 1 $pb)"

d=$(example_copy dav)
on_davical "$d"

# --- a, b: the plan ----------------------------------------------------------

: >"$REQ"
ctl "$d" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/dav.json"
cp "$ctl_err" "$tmp/dav.err"
cp "$REQ" "$tmp/plan.req"
rc=$ctl_rc
p1=$(slot_of "$tmp/dav.json" 1) p2=$(slot_of "$tmp/dav.json" 2)
echo "# from DAViCal (exit $rc): session 1 $p1, session 2 $p2"
[ -s "$tmp/dav.err" ] && show "$tmp/dav.err"

# le A B: A sorts before B, or is B (times as slots prints them).
le() {
	[ "$(printf '%s\n' "$1" "$2" | LC_ALL=C sort | sed -n 1p)" = "$1" ]
}
# off_busy "START END": a slot, and it does not meet m1's event
# (2027-02-01 09:00Z-10:00Z).
off_busy() {
	_s=${1%% *} _e=${1##* }
	[ -n "$1" ] && [ "$_s" != - ] &&
	    { le "$_e" 20270201T0900Z || le 20270201T1000Z "$_s"; }
}
t "a. m1 read by free/busy: session 2 gets a slot, not on her busy event" \
    '[ $rc -eq 0 ] && off_busy "$p2"'
# The free/busy request for m1: an outbox POST naming her, or a
# free-busy-query on her calendar, answered.
t "a. her busy time came from the server's free/busy (POST for m1 or free-busy-query on /m1/)" \
    'grep -q -i "^POST$T[^$T]*$T[^$T]*$T[^$T]*${T}200$T.*mailto:$M1" "$tmp/plan.req" ||
    grep -q "^REPORT$T$R/m1/[^$T]*$T[^$T]*$T[^$T]*${T}200${T}free-busy-query\$" "$tmp/plan.req"'
t "a. the plan is the plan from the same calendars as files" \
    '[ -n "$f1" ] && [ "$p1" = "$f1" ] && [ "$p2" = "$f2" ]'
t "b. m2 read by her events: a calendar-query or sync REPORT on her calendar, answered 207" \
    'grep -q -E "^REPORT$T$R/m2/calendar/$T[^$T]*$T[^$T]*${T}207$T(calendar-query|sync-collection)\$" "$tmp/plan.req"'
t "b. no free/busy request for m2 (no outbox POST naming her, no free-busy-query on her calendar)" \
    '! grep -q -i "^POST$T.*mailto:$M2" "$tmp/plan.req" &&
    ! grep -q "^REPORT$T$R/m2/.*${T}free-busy-query\$" "$tmp/plan.req"'
t "b. the event m2 declined is free for her: session 1 keeps its nominal slot (09:00Z-10:00Z on 2027-01-11)" \
    '[ "$p1" = "20270111T0900Z 20270111T1000Z" ]'
# The same with m1's calendar a file: m2 is then the only person on DAViCal.
o=$(example_copy one)
on_davical "$o"
mkdir -p "$o/cal"
cp "$tmp/ics/m1.ics" "$o/cal/"
edit "$o/people.csv" "s|$DAVICAL_ROOT/m1/calendar/|file:cal/m1.ics|"
ctl "$o" plan --json --now "$NOW"
o1=$(slot_of "$ctl_out" 1)
t "b. and with m1's calendar a file (m2 alone on DAViCal): session 1 keeps its nominal slot" \
    '[ "$o1" = "20270111T0900Z 20270111T1000Z" ]'
[ "$o1" = "20270111T0900Z 20270111T1000Z" ] || echo "# session 1: $o1"
if ! grep -q "$R/m2/calendar/" "$tmp/plan.req" ||
    grep -q -i "mailto:$M2\|^REPORT$T$R/m2/.*free-busy-query" "$tmp/plan.req"; then
	echo "# what DAViCal was asked (method path user depth status what):"
	diag "$tmp/plan.req"
fi

# --- c: explain, status --------------------------------------------------------

# says_fb FILE: FILE says that m1's busy time is the server's free/busy: a
# line that says "free/busy" and names m1 (e-mail or name), or says it on
# the line just before or after one that names her; not a line that says
# "agrees" (today's probe: "free/busy by outbox (its answer for m1 agrees
# with the events)", the server's free/busy trusted for everybody).
says_fb() {
	awk -v a="$M1" -v b="$M1_NAME" '
	BEGIN { a = tolower(a); b = tolower(b) }
	{ l = tolower($0)
	  fb[NR] = index(l, "free/busy") > 0 && index(l, "agrees") == 0
	  m1[NR] = index(l, a) > 0 || index(l, b) > 0 }
	END { for (i = 1; i <= NR; i++)
		if (fb[i] && (m1[i] || m1[i - 1] || m1[i + 1])) exit 0
	      exit 1 }' "$1"
}

ctl "$d" explain "$M1" "$M2" 2 --now "$NOW"
cp "$ctl_out" "$tmp/explain.out"
t "c. tandemctl explain says m1's busy time comes from the server's free/busy" \
    '[ $ctl_rc -eq 0 ] && says_fb "$tmp/explain.out"'
says_fb "$tmp/explain.out" || show "$tmp/explain.out" "$ctl_err"

# A running tandemd: its sessions start tomorrow, so that every pass reads
# both calendars.
tomorrow=$(date -u -d tomorrow +%Y-%m-%d)
dd=$(example_copy daemon)
on_davical "$dd"
edit "$dd/tandem.conf" "s|^start .*|start       = $tomorrow|"
: >"$tmp/tandemd.log"
: >"$REQ"
"$TANDEMD" -d -c "$dd/tandem.conf" 2>>"$tmp/tandemd.log" 8>&- &
tandemd_pid=$!
trap 'kill $tandemd_pid 2>/dev/null; davical_stop; dav_cleanup; rm -rf "$tmp"' EXIT

# wait_pass N: until tandemd's log shows N passes (lib.sh's wait_passes).
wait_pass() {
	wait_passes "$tmp/tandemd.log" "$tandemd_pid" "$1"
}

if wait_pass 1; then
	ok "tandemd makes its first pass"
else
	not_ok "tandemd makes its first pass"
	tail -n 20 "$tmp/tandemd.log" | diag
fi
ctl "$dd" status
cp "$ctl_out" "$tmp/status.out"
t "c. tandemctl status says m1's busy time comes from the server's free/busy" \
    '[ $ctl_rc -eq 0 ] && says_fb "$tmp/status.out"'
says_fb "$tmp/status.out" || show "$tmp/status.out" "$ctl_err"
cp "$REQ" "$tmp/daemon.req"
t "b. tandemd's pass reads m2 by her events too: calendar-query or sync, no free/busy request for her" \
    'grep -q -E "^REPORT$T$R/m2/calendar/$T[^$T]*$T[^$T]*${T}207$T(calendar-query|sync-collection)\$" "$tmp/daemon.req" &&
    ! grep -q -i "^POST$T.*mailto:$M2" "$tmp/daemon.req" &&
    ! grep -q "^REPORT$T$R/m2/.*${T}free-busy-query\$" "$tmp/daemon.req"'
kill "$tandemd_pid"
wait "$tandemd_pid"
check "tandemd stops cleanly" [ $? -eq 0 ]

# --- d: no free/busy either ----------------------------------------------------

davical_sql "DELETE FROM grants WHERE by_principal = (SELECT principal_id FROM
  principal JOIN usr USING (user_no) WHERE username = 'm1')"
got=$(answers revoked)
echo "# reader on m1 (nothing): $got"
t "m1's read-free-busy revoked: PROPFIND, calendar-query, free-busy-query 403; POST 200 with 3.8" \
    '[ "$got" = "propfind=403 query=403 fbquery=403 post=200:3.8|" ]'

: >"$REQ"
ctl "$d" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/none.json"
cp "$ctl_err" "$tmp/none.err"
rc=$ctl_rc
slots "$tmp/none.json" >"$tmp/none.slots"
# names FILE WHO NAME: a line of FILE says "could not be read" and names WHO
# (e-mail or name).
names() {
	grep -i "could not be read" "$1" | grep -q -i -F -e "$2" -e "$3"
}
t "d. without free/busy either, plan exits 75 and says on stderr that m1's calendar could not be read" \
    '[ $rc -eq 75 ] && names "$tmp/none.err" "$M1" "$M1_NAME" &&
    ! names "$tmp/none.err" "$M2" "$M2_NAME"'
t "d. m1's sessions are unschedulable, never free" \
    '[ "$(lines "$tmp/none.slots")" -eq 2 ] &&
    [ "$(grep -c "^[0-9]* unschedulable - -\$" "$tmp/none.slots")" -eq 2 ]'
[ $rc -eq 75 ] && names "$tmp/none.err" "$M1" "$M1_NAME" || {
	echo "# exit $rc"
	show "$tmp/none.err" "$tmp/none.slots"
}

pw='readerpw\|m1pw\|m2pw'
t "no password in tandem's output or logs" \
    '! grep -q "$pw" "$tmp/tandemd.log" "$tmp/dav.err" "$tmp/none.err" "$tmp/explain.out" "$tmp/status.out"'

done_testing
