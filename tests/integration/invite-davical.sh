#!/bin/sh
# tandem against a real DAViCal (tests/integration/davical-lib.sh: Debian's
# DAViCal on loopback), behind tests/fixtures/fault-proxy.py, which logs
# every request tandem makes and can race a write:
#   - the people's calendars read from DAViCal give the plan of the same
#     calendars as files, a principal URL leading to its calendar;
#   - invite = caldav: each session is written once into the organizer's
#     calendar and DAViCal's implicit scheduling delivers it to the local
#     attendees; the external one (not a DAViCal user: SCHEDULE-STATUS 3.7)
#     is marked SCHEDULE-AGENT=CLIENT and mailed by tandem (through a
#     private Postfix, postfix-lib.sh: he gets the e-mails, the attendees
#     DAViCal reached get none); nobody is invited twice;
#   - an attendee's acceptance, then decline, written by DAViCal into the
#     organizer's copy: seen by tandem, which moves the declined session
#     (SEQUENCE 1, If-Match) and DAViCal re-invites;
#   - a session cut from the program is deleted, DAViCal sends the CANCEL;
#   - a write raced by another (412) is done again after a new read;
#   - a running tandemd whose sync token DAViCal no longer knows (it answers
#     with a full listing, not 403) reads that calendar again and sees the
#     event that went away;
#   - no password in the logs.
#
# DAViCal users: alice (the organizer, alice@example.com) and the example's
# six people (their @corp.example addresses), each with their example
# calendar.  tandem reads everything as alice: every person grants alice
# DAV:read on their principal (a row of DAViCal's grants table, as its admin
# UI makes them; davical_user's default privileges, read-free-busy and
# schedule-deliver, let alice read no event), so one [server] serves all.
# Tom is external: people.csv calls him tom.becker@elsewhere.example, an
# address no DAViCal user has, while his calendar stays readable.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"
. "$(dirname "$0")/davical-lib.sh"
. "$(dirname "$0")/postfix-lib.sh"

TANDEMD=$top_builddir/daemon/tandemd
NOW=2027-01-04T08:00Z
PEOPLE="lena marc priya tom sofia james"
LOCAL="lena marc priya"		# the attendees of the sessions invited at NOW
TOM=tom.becker@elsewhere.example
T=$(printf '\t')		# the proxy's log is tab-separated

davical_require
postfix_require

now_ms() {
	"$RADICALE_PYTHON" -c 'import time; print(int(time.time() * 1000))' 8>&-
}
t0=$(now_ms)

davical_start "$tmp/davical"
davical_user alice alicepw alice@example.com
DAV_URL=$DAVICAL_ROOT		# the helpers go straight to DAViCal
for u in $PEOPLE; do
	davical_user "$u" "${u}pw" \
	    "$(sed -n "s/^\($u\.[^,]*\),.*/\1/p" "$EXAMPLE/people.csv")"
	dav_put_ics "$u" "${u}pw" calendar "$EXAMPLE/calendars/$u.ics"
done
davical_sql "INSERT INTO grants (by_principal, to_principal, privileges, is_group)
  SELECT p.principal_id, a.principal_id, privilege_to_bits(ARRAY['DAV:read']), FALSE
  FROM principal p JOIN usr u ON u.user_no = p.user_no,
       principal a JOIN usr ua ON ua.user_no = a.user_no
  WHERE ua.username = 'alice' AND u.username <> 'alice' AND u.username <> 'admin'"
# Every write into a scheduling inbox, as DAViCal makes it: how many times
# each attendee was sent each message.
davical_sql "CREATE TABLE tandem_delivery (id serial, dav_name text,
  method text, seq int);
CREATE FUNCTION tandem_delivery_log() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER AS \$\$
BEGIN
  IF NEW.dav_name LIKE '/%/.in/%' THEN
    INSERT INTO tandem_delivery (dav_name, method, seq) VALUES (NEW.dav_name,
      substring(NEW.caldav_data from 'METHOD:([A-Z]+)'),
      substring(NEW.caldav_data from '\nSEQUENCE:([0-9]+)')::int);
  END IF;
  RETURN NEW;
END \$\$;
CREATE TRIGGER tandem_delivery AFTER INSERT OR UPDATE ON caldav_data
  FOR EACH ROW EXECUTE FUNCTION tandem_delivery_log();"
proxy_start "$DAVICAL_URL"
postfix_start "$tmp/postfix"	# tandem's own e-mails: to Tom, and nobody else
P=$PROXY_URL/caldav.php		# DAViCal's root, through the proxy
echo "# DAViCal with 7 users ready in $(($(now_ms) - t0)) ms"



once() {
	"$TANDEMD" -c "$1/tandem.conf" --once --now "$2" 2>>"$tmp/daemon.log" 8>&-
}

# dump USER COLLECTION DIR: every member of /USER/COLLECTION/ on DAViCal
# (straight, not through the proxy), one file each in DIR (made empty
# first), named as the last segment of its href, unfolded, CR stripped.
# One process, one connection.
dump() {
	rm -rf "$3"
	mkdir -p "$3"
	"$RADICALE_PYTHON" -c 'import base64, http.client, os, re, sys
import urllib.parse, xml.etree.ElementTree as ET
url, user, pw, coll, out = sys.argv[1:6]
u = urllib.parse.urlsplit(url)
auth = {"Authorization": "Basic " +
        base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()}
c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
def req(m, p, body=None, h={}):
    c.request(m, p, body, dict(auth, **h))
    r = c.getresponse()
    return r.status, r.read()
path = "%s/%s/%s/" % (u.path.rstrip("/"), user, coll)
st, body = req("PROPFIND", path, b"<?xml version=\"1.0\"?><propfind "
               b"xmlns=\"DAV:\"><prop><getetag/></prop></propfind>",
               {"Depth": "1", "Content-Type": "application/xml"})
if st != 207:
    print("Bail out! dump: PROPFIND %s: %d" % (path, st))
    sys.exit(1)
for e in ET.fromstring(body).iter("{DAV:}href"):
    h = e.text
    if h.endswith("/"):
        continue
    st, data = req("GET", h)
    if st != 200:
        print("Bail out! dump: GET %s: %d" % (h, st))
        sys.exit(1)
    t = data.decode().replace("\r\n", "\n")
    name = urllib.parse.unquote(h.rsplit("/", 1)[1])
    with open(os.path.join(out, name), "w") as f:
        f.write(re.sub(r"\n[ \t]", "", t))' \
	    "$DAVICAL_ROOT" "$1" "${1}pw" "$2" "$3" >"$tmp/dump.out" 8>&- || {
		cat "$tmp/dump.out"
		exit 1
	}
}

# with_uid DIR UID: the files of DIR holding UID, one a line.
with_uid() {
	grep -l "^UID:$2\$" "$1"/* 2>/dev/null
}

# n_uid DIR UID: how many files of DIR hold UID.
n_uid() {
	with_uid "$1" "$2" | wc -l | tr -d ' '
}

# att FILE EMAIL: the (unfolded) ATTENDEE line of EMAIL in FILE.
att() {
	grep -i "^ATTENDEE[;:].*mailto:$2\$" "$1"
}

# reply USER UID PARTSTAT: USER answers UID as a CalDAV client does, by
# writing their copy (in their calendar, where DAViCal put it) back with
# their PARTSTAT changed, If-Match its ETag.
reply() {
	dav_list "$1" "${1}pw" calendar
	_href=$(grep -F "/$2.ics$T" "$dav_out" | cut -f1)
	_etag=$(grep -F "/$2.ics$T" "$dav_out" | cut -f2)
	if [ -z "$_href" ]; then
		echo "Bail out! $1 has no copy of $2"
		diag "$dav_out"
		exit 1
	fi
	_email=$(sed -n "s/^\($1\.[^,]*\),.*/\1/p" "$EXAMPLE/people.csv")
	dav_request "$1" "${1}pw" GET "$_href"
	"$RADICALE_PYTHON" -c 'import re, sys
t = open(sys.argv[1], newline="").read().replace("\r\n", "\n")
out = []
for l in re.sub(r"\n[ \t]", "", t).split("\n"):
    if l.startswith("ATTENDEE") and \
            l.lower().endswith("mailto:" + sys.argv[2].lower()):
        l = re.sub(r";PARTSTAT=[^;:]*", ";PARTSTAT=" + sys.argv[3], l)
        l = re.sub(r";RSVP=[^;:]*", "", l)
    out.append(l)
with open(sys.argv[4], "w", newline="") as f:
    f.write("\r\n".join(out).rstrip("\r\n") + "\r\n")' \
	    "$dav_body" "$_email" "$3" "$tmp/reply.ics" 8>&-
	dav_put_raw "$1" "${1}pw" "$_href" "$tmp/reply.ics" --if-match "$_etag"
}

# deliveries: "inbox-item METHOD SEQUENCE xN" for every message DAViCal
# wrote into an inbox more than once.
deliveries() {
	davical_sql "SELECT dav_name || ' ' || coalesce(method, '?') || ' ' ||
	  coalesce(seq, -1) || ' x' || count(*) FROM tandem_delivery
	  GROUP BY dav_name, method, seq HAVING count(*) > 1 ORDER BY 1"
	cp "$dav_out" "$tmp/twice"
}

# delivered INBOX-ITEM METHOD [SEQUENCE]: how many times DAViCal wrote
# that message into an inbox item (dav_name LIKE INBOX-ITEM).
delivered() {
	davical_sql "SELECT count(*) FROM tandem_delivery WHERE dav_name LIKE
	  '$1' AND method = '$2' ${3:+AND seq = $3}"
	cat "$dav_out"
}

# --- The configurations ------------------------------------------------------

# settings DIR: alice organizes; Tom is external.
settings() {
	edit "$1/tandem.conf" "s|^organizer .*|organizer   = mailto:alice@example.com|"
	edit "$1/people.csv" "s|tom\.becker@corp\.example|$TOM|"
	edit "$1/pairs.csv" "s|tom\.becker@corp\.example|$TOM|"
}

# on_davical DIR: the calendars on DAViCal (Marc's given as his principal,
# the others as collections), read as alice.
on_davical() {
	for u in $PEOPLE; do
		if [ "$u" = marc ]; then
			to=$P/$u/
		else
			to=$P/$u/calendar/
		fi
		edit "$1/people.csv" "s|file:calendars/$u.ics|$to|"
	done
	printf 'alicepw\n' >"$1/secret"
	chmod 600 "$1/secret"
	cat >>"$1/tandem.conf" <<EOT

[server alice]
url           = $P/
user          = alice
password_file = secret
timeout       = 10

[mail]
smtp          = $POSTFIX_URL
EOT
}

ref=$(example_copy files)
settings "$ref"
s=$(example_copy conf-dav)	# not "davical": that is the server
settings "$s"
on_davical "$s"
edit "$s/tandem.conf" "s|^invite .*|invite      = caldav\\
calendar    = $P/alice/calendar/|"
db=$s/state/state.db
sql() { sqlite3 "$db" "$1"; }

# --- 1, 2: the plan ----------------------------------------------------------

ctl "$ref" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/files.json"
: >"$PROXY_LOG"
ctl "$s" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/dav.json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ] && [ -s "$tmp/dav.json" ] &&
    cmp -s "$tmp/files.json" "$tmp/dav.json"; then
	ok "a plan from DAViCal is the plan from the same calendars as files"
else
	not_ok "a plan from DAViCal is the plan from the same calendars as files (exit $ctl_rc)"
	diag "$ctl_err"
	diff "$tmp/files.json" "$tmp/dav.json" | head -20 | diag
fi

if grep -q "^PROPFIND${T}/caldav.php/marc/${T}207" "$PROXY_LOG" &&
    grep -q "^REPORT${T}/caldav.php/marc/calendar/${T}207" "$PROXY_LOG"; then
	ok "a principal URL leads to its calendar (PROPFIND principal, REPORT calendar)"
else
	not_ok "a principal URL leads to its calendar through calendar-home-set"
	diag "$PROXY_LOG"
fi

# --- 3: the invitations ------------------------------------------------------

: >"$PROXY_LOG"
once "$s" "$NOW"
rc=$?
uid_of() {	# MENTOR INDEX
	sql "SELECT uid FROM session WHERE mentor LIKE '$1.%' AND idx = $2"
}
P1=$(uid_of priya 1) P2=$(uid_of priya 2)	# Priya and external Tom
L1=$(uid_of lena 1) L2=$(uid_of lena 2)		# Lena and Marc
dump alice calendar "$tmp/cal"
n_obj=$(ls "$tmp/cal" | wc -l | tr -d ' ')
t "tandemd --once exits 0; alice's calendar holds the 4 sessions, one object per UID, no METHOD" \
    '[ $rc -eq 0 ] && [ "$n_obj" -eq 4 ] && [ -n "$P1" ] && [ -n "$L2" ] &&
    [ "$(n_uid "$tmp/cal" "$P1")" -eq 1 ] && [ "$(n_uid "$tmp/cal" "$P2")" -eq 1 ] &&
    [ "$(n_uid "$tmp/cal" "$L1")" -eq 1 ] && [ "$(n_uid "$tmp/cal" "$L2")" -eq 1 ] &&
    ! grep -q "^METHOD" "$tmp/cal"/*'
[ "$n_obj" -eq 4 ] || diag "$tmp/daemon.log" "$PROXY_LOG"
t "each new object was created with If-None-Match: *, nothing refused" \
    '[ "$(grep -c "^PUT${T}.*${T}201${T}pass${T}if-none-match\$" "$PROXY_LOG")" -eq 4 ] &&
    [ -z "$(grep "^[A-Z]*${T}[^$T]*${T}[45][0-9][0-9]${T}" "$PROXY_LOG" | grep -v "${T}401${T}")" ]'

# Who DAViCal reached: SCHEDULE-STATUS 1.x in alice's copy, the REQUEST in
# the attendee's inbox.
bad=
for u in $LOCAL; do
	dump "$u" .in "$tmp/in-$u"
	email=$(sed -n "s/^\($u\.[^,]*\),.*/\1/p" "$EXAMPLE/people.csv")
	for f in $(grep -l -i "mailto:$email\$" "$tmp/cal"/*); do
		uid=$(sed -n 's/^UID://p' "$f")
		att "$f" "$email" | grep -q "SCHEDULE-STATUS=1\.[0-9]" ||
		    bad="$bad $u:status:$uid"
		g=$(with_uid "$tmp/in-$u" "$uid")
		[ "$(n_uid "$tmp/in-$u" "$uid")" -eq 1 ] &&
		    grep -q "^METHOD:REQUEST\$" "$g" && grep -q "^SEQUENCE:0\$" "$g" ||
		    bad="$bad $u:inbox:$uid"
	done
done
t "DAViCal delivers to the local attendees: REQUEST in their inboxes, SCHEDULE-STATUS 1.x in alice's copy" \
    '[ -z "$bad" ] && [ "$(grep -l -i "mailto:priya" "$tmp/cal"/* | wc -l)" -eq 2 ]'
[ -z "$bad" ] || echo "# not delivered:$bad"

p1=$(with_uid "$tmp/cal" "$P1") p2=$(with_uid "$tmp/cal" "$P2")
t "the external attendee is marked SCHEDULE-AGENT=CLIENT in alice's copies, nobody else" \
    'att "$p1" "$TOM" | grep -q "SCHEDULE-AGENT=CLIENT" &&
    att "$p2" "$TOM" | grep -q "SCHEDULE-AGENT=CLIENT" &&
    [ "$(grep -h "^ATTENDEE" "$tmp/cal"/* | grep -c "SCHEDULE-AGENT=CLIENT")" -eq 2 ]'
t "an e-mail is queued for him, keyed <UID>.0.$TOM, and for nobody DAViCal reached" \
    '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\'' AND
      key IN ('\''$P1.0.$TOM'\'', '\''$P2.0.$TOM'\'')")" -eq 2 ] &&
    [ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\''")" -eq 2 ]'
t "tandem's e-mails reach Tom, one for each session, the MTA took them" \
    'postfix_wait_mail "$TOM" 2 &&
    [ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\'' AND done IS NULL")" -eq 0 ] &&
    grep -q "^UID:$P1" $(postfix_messages "$TOM") && grep -q "^UID:$P2" $(postfix_messages "$TOM")'
mailed=
for u in $LOCAL; do
	email=$(sed -n "s/^\($u\.[^,]*\),.*/\1/p" "$EXAMPLE/people.csv")
	[ "$(postfix_count "$email")" -eq 0 ] || mailed="$mailed $u"
done
t "no attendee DAViCal invited gets an e-mail from tandem too" '[ -z "$mailed" ]'
t "every caldav job is done" \
    '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''caldav'\'' AND done IS NULL")" -eq 0 ] &&
    [ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''caldav'\''")" -eq 4 ]'
deliveries
# (Each inbox holds one item per UID, the last message: a second delivery
# overwrites the first, so only DAViCal's writes tell.)
if [ ! -s "$tmp/twice" ]; then
	ok "no attendee is invited twice: DAViCal delivered each REQUEST (UID, SEQUENCE) once"
else
	not_ok "no attendee is invited twice: DAViCal delivered each REQUEST (UID, SEQUENCE) once"
	echo "# inbox items written more than once (item, METHOD, SEQUENCE, times):"
	diag "$tmp/twice"
	grep "^PUT$T" "$PROXY_LOG" | diag
	grep "SEND: caldav:" "$tmp/daemon.log" | diag
fi

# --- 4: Priya accepts her first session ---------------------------------------

reply priya "$P1" ACCEPTED
dump alice calendar "$tmp/cal"
p1=$(with_uid "$tmp/cal" "$P1")
t "DAViCal writes Priya's acceptance into alice's copy" \
    'att "$p1" priya.shah@corp.example | grep -q "PARTSTAT=ACCEPTED"'
: >"$PROXY_LOG"
once "$s" "$NOW"
t "the next pass sees it: the session's row records the mentor's reply (reply0 = accepted)" \
    '[ "$(sql "SELECT reply0 || '\'' '\'' || reply1 || '\'' '\'' || sequence FROM session
      WHERE uid = '\''$P1'\''")" = "1 0 0" ]'
t "and writes nothing to calendars for it" \
    '! grep -q "^PUT$T\|^DELETE$T/caldav.php/[a-z]*/calendar/" "$PROXY_LOG"'
# DAViCal dropped Priya's REPLY into alice's inbox, and never removes it.
t "the REPLY item in alice's schedule inbox is processed and removed" \
    'grep -q "^DELETE$T/caldav.php/alice/.in/[^$T]*${T}20[04]" "$PROXY_LOG" &&
    dav_list alice alicepw .in && ! grep -q "\.ics" "$dav_out"'

# --- 5: Priya declines it after all: the session moves ------------------------

reply priya "$P1" DECLINED
: >"$PROXY_LOG"
once "$s" "$NOW"
dump alice calendar "$tmp/cal"
dump priya .in "$tmp/in-priya"
dump priya calendar "$tmp/pcal"
p1=$(with_uid "$tmp/cal" "$P1")
t "the decline moves the session: alice's copy at SEQUENCE 1, the one object of its UID" \
    '[ "$(n_uid "$tmp/cal" "$P1")" -eq 1 ] && grep -q "^SEQUENCE:1\$" "$p1" &&
    [ "$(ls "$tmp/cal" | wc -l)" -eq 4 ] &&
    [ "$(sql "SELECT sequence FROM session WHERE uid = '\''$P1'\''")" = 1 ]'
pfx=$(printf %s "$P1" | sed 's/@.*//')
t "replaced with If-Match, never created again" \
    'grep -q "^PUT$T/caldav.php/alice/calendar/$pfx[^$T]*${T}20[14]${T}pass${T}if-match\$" "$PROXY_LOG" &&
    ! grep -q "^PUT$T.*${T}if-none-match\$" "$PROXY_LOG"'
g=$(with_uid "$tmp/in-priya" "$P1")
t "DAViCal re-invites Priya once: REQUEST SEQUENCE 1 in her inbox" \
    '[ -n "$g" ] && grep -q "^METHOD:REQUEST\$" "$g" && grep -q "^SEQUENCE:1\$" "$g" &&
    [ "$(delivered "/priya/.in/$P1.ics" REQUEST 1)" -eq 1 ]'
h=$(with_uid "$tmp/pcal" "$P1")
t "Priya's reply is NEEDS-ACTION again, in alice's copy and in hers (at SEQUENCE 1)" \
    'att "$p1" priya.shah@corp.example | grep -q "PARTSTAT=NEEDS-ACTION" &&
    [ -n "$h" ] && grep -q "^SEQUENCE:1\$" "$h" &&
    att "$h" priya.shah@corp.example | grep -q "PARTSTAT=NEEDS-ACTION"'
[ -n "$h" ] && att "$h" priya.shah@corp.example | grep -q "PARTSTAT=NEEDS-ACTION" ||
    show "$p1" "$h"
t "the moved session's e-mail is queued for Tom ($P1.1.$TOM), who stays CLIENT" \
    '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\'' AND key = '\''$P1.1.$TOM'\''")" -eq 1 ] &&
    att "$p1" "$TOM" | grep -q "SCHEDULE-AGENT=CLIENT"'

# --- 6: the program is cut: the second sessions are cancelled ----------------

edit "$s/tandem.conf" "s|^duration .*|count       = 1|"
: >"$PROXY_LOG"
once "$s" "$NOW"
dump alice calendar "$tmp/cal"
t "sessions cut from the program are deleted from alice's calendar" \
    '[ "$(ls "$tmp/cal" | wc -l)" -eq 2 ] && [ "$(n_uid "$tmp/cal" "$P2")" -eq 0 ] &&
    [ "$(n_uid "$tmp/cal" "$L2")" -eq 0 ] &&
    [ "$(grep -c "^DELETE$T/caldav.php/alice/calendar/.*${T}20[04]" "$PROXY_LOG")" -eq 2 ]'
bad= seqs=
for u in $LOCAL; do
	dump "$u" .in "$tmp/in-$u"
	case $u in priya) uid=$P2 ;; *) uid=$L2 ;; esac
	g=$(with_uid "$tmp/in-$u" "$uid")
	[ -n "$g" ] && grep -q "^METHOD:CANCEL\$" "$g" &&
	    [ "$(delivered "/$u/.in/$uid.ics" CANCEL)" -eq 1 ] || bad="$bad $u"
	[ -n "$g" ] && seqs="$seqs $u:$(sed -n 's/^SEQUENCE://p' "$g")"
done
t "DAViCal sends the CANCEL to the local attendees, once" '[ -z "$bad" ]'
[ -z "$bad" ] || echo "# no CANCEL for:$bad"
# tandem cancels at SEQUENCE 1 (so says its e-mail to Tom), but a DELETE
# carries no SEQUENCE: DAViCal's CANCEL has the stored copy's.
echo "# SEQUENCE of DAViCal's CANCELs:$seqs (tandem's own: 1)"
t "a CANCEL e-mail is queued for Tom ($P2.1.$TOM)" \
    '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\'' AND key = '\''$P2.1.$TOM'\''
      AND payload LIKE '\''%METHOD:CANCEL%'\''")" -eq 1 ]'

# --- 7: a write raced by another one: 412 -----------------------------------

reply lena "$L1" DECLINED
proxy_mode race-put
: >"$PROXY_LOG"
once "$s" "$NOW"
proxy_mode pass
dump alice calendar "$tmp/cal"
l1=$(with_uid "$tmp/cal" "$L1")
pfx=$(printf %s "$L1" | sed 's/@.*//')
t "the move raced by another write is refused with 412" \
    'grep -q "^PUT$T/caldav.php/alice/calendar/$pfx[^$T]*${T}412${T}race-put${T}if-match\$" "$PROXY_LOG"'
t "tandem reads the copy again and writes it: SEQUENCE 1, If-Match, the job done" \
    'grep -q "^PUT$T/caldav.php/alice/calendar/$pfx[^$T]*${T}20[14]${T}pass${T}if-match\$" "$PROXY_LOG" &&
    [ "$(n_uid "$tmp/cal" "$L1")" -eq 1 ] && grep -q "^SEQUENCE:1\$" "$l1" &&
    [ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''caldav'\'' AND done IS NULL")" -eq 0 ]'
grep -q "^SEQUENCE:1\$" "$l1" || grep "^PUT$T" "$PROXY_LOG" | diag
dump marc .in "$tmp/in-marc"
g=$(with_uid "$tmp/in-marc" "$L1")
t "DAViCal sends Marc the moved session (REQUEST SEQUENCE 1)" \
    '[ -n "$g" ] && grep -q "^METHOD:REQUEST\$" "$g" && grep -q "^SEQUENCE:1\$" "$g"'

# --- 8: a running tandemd; a sync token DAViCal no longer knows -------------
# Its sessions start tomorrow, so every calendar is read at each pass.
# James is busy for two weeks (an event only this test adds): his first
# session is unschedulable.  Then his calendar is made again without that
# event; DAViCal answers tandem's old sync token with a full listing, in
# which the blocking event is simply missing.  Only a full read again shows
# it gone, and the session gets its slot.
tomorrow=$(date -u -d tomorrow +%Y-%m-%d)
d=$(example_copy daemon)
on_davical "$d"
edit "$d/tandem.conf" "s|^start .*|start       = $tomorrow|"
printf 'mentor,mentee\n' >"$d/pairs.new"
sed -n '2,$s/^\([^,]*,[^,]*\).*/\1/p' "$d/pairs.csv" >>"$d/pairs.new"
mv "$d/pairs.new" "$d/pairs.csv"
cat >"$tmp/block.ics" <<EOT
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tandem test//EN
BEGIN:VEVENT
UID:away-by-the-test@corp.example
DTSTAMP:20261101T000000Z
DTSTART:$(date -u +%Y%m%d)T000000Z
DTEND:$(date -u -d '+14 days' +%Y%m%d)T000000Z
SUMMARY:Away
END:VEVENT
END:VCALENDAR
EOT
sed 's/$/\r/' "$tmp/block.ics" >"$tmp/block.crlf"
dav_put_raw james jamespw calendar/away.ics "$tmp/block.crlf"
# James's calendar is read as events (synced); the others by free/busy.
cat >>"$d/tandem.conf" <<EOT

[server james]
url           = $P/james/
user          = alice
password_file = secret
freebusy      = events
EOT

: >"$PROXY_LOG"
: >"$tmp/tandemd.log"	# before tandemd starts: wait_passes reads it at once
"$TANDEMD" -d -c "$d/tandem.conf" 2>>"$tmp/tandemd.log" 8>&- &
tandemd_pid=$!
trap 'kill $tandemd_pid 2>/dev/null; postfix_stop; davical_stop; dav_cleanup
rm -rf "$tmp"' EXIT

# wait_pass N: until the log shows N passes (lib.sh's wait_passes).
wait_pass() {
	wait_passes "$tmp/tandemd.log" "$tandemd_pid" "$1"
}

# james_state: the state of Sofia and James's first session, as tandemd says.
james_state() {
	ctl "$d" sessions sofia.rossi@corp.example james.okafor@corp.example
	sed -n 's/^ *1 \{1,\}\([a-z]*\).*/\1/p' "$ctl_out"
}

wait_pass 1
ctl "$d" status
t "DAViCal's outbox is not asked: the events tandem may read are the truth" \
    'grep -q "^server .*: free/busy by events (the events are read wherever tandem may read them" "$ctl_out" &&
    ! grep -q "^POST$T/caldav.php/alice/.out/" "$PROXY_LOG"'
st1=$(james_state)
t "tandemd's first pass: James's first session is unschedulable (he is away)" \
    '[ "$st1" = unschedulable ]'
[ "$st1" = unschedulable ] || diag "$ctl_out" "$ctl_err" "$tmp/tandemd.log"

dav_delete james jamespw calendar/
dav_mkcalendar james jamespw calendar
dav_put_ics james jamespw calendar "$EXAMPLE/calendars/james.ics"
from=$(lines "$PROXY_LOG")
ctl "$d" reload
wait_pass 2
sed -n "$((from + 1)),\$p" "$PROXY_LOG" >"$tmp/pass.log"
t "the old sync token answered with a full listing: tandem reads the calendar again" \
    'grep -q "sync answer lists [0-9]* unchanged objects*: reading the calendar again\|sync token refused" "$tmp/tandemd.log" &&
    [ "$(grep -c "^REPORT${T}/caldav.php/james/calendar/${T}207" "$tmp/pass.log")" -ge 2 ]'
grep -q "reading the calendar again\|sync token refused" "$tmp/tandemd.log" || {
	diag "$tmp/pass.log"
	tail -5 "$tmp/tandemd.log" | diag
}
t "the second pass reads the five others by one sync REPORT each, no free/busy POST" \
    '[ "$(grep -c "^REPORT$T/caldav.php/[a-z]*/calendar/${T}207" "$tmp/pass.log")" -ge 6 ] &&
    grep -q "^REPORT$T/caldav.php/lena/calendar/${T}207" "$tmp/pass.log" &&
    ! grep -q "^POST$T" "$tmp/pass.log"'
st2=$(james_state)
t "the event gone from his calendar no longer counts: the session is invited" \
    '[ "$st2" = invited ]'
[ "$st2" = invited ] || diag "$ctl_out" "$ctl_err"
kill "$tandemd_pid"
wait "$tandemd_pid"
check "tandemd stops cleanly" [ $? -eq 0 ]

# --- 9 ------------------------------------------------------------------------

pw=$(printf '%spw\\|' alice $PEOPLE | sed 's/\\|$//')
if grep -q "$pw" "$tmp/daemon.log" "$tmp/tandemd.log"; then
	not_ok "no password in tandemd's logs"
	grep "$pw" "$tmp/daemon.log" "$tmp/tandemd.log" | head -3 | diag
else
	ok "no password in tandemd's logs"
fi
echo "# $(($(now_ms) - t0)) ms in all"

done_testing
