#!/bin/sh
# invite = caldav against a real CalDAV server that does not schedule
# (Debian's Radicale on loopback, behind tests/fixtures/fault-proxy.py):
#   - each invitation is written into the organizer's calendar once, under
#     its UID, without METHOD; a UID already there (at another href) is
#     updated, never stored twice;
#   - the server reaches nobody (no SCHEDULE-STATUS), so both attendees are
#     marked SCHEDULE-AGENT=CLIENT and an e-mail for each is queued first;
#   - a second pass at the same clock writes nothing;
#   - a decline written into the organizer's copy (as a scheduling server
#     does on a reply) is seen by tandem, which moves the session: the copy
#     is replaced with If-Match at SEQUENCE 1, replies reset, marks kept;
#   - a reply racing tandem's write makes the server answer 412; tandem
#     reads the copy again, keeps the reply and writes once more;
#   - a session cut from the program is deleted from the calendar.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"

TANDEMD=$top_builddir/daemon/tandemd
NOW=2027-01-04T08:00Z
T=$(printf '\t')
ORG=mentoring
PW=mentoringpw

radicale_require
radicale_user "$ORG" "$PW"
radicale_start "$tmp/dav"
dav_mkcalendar "$ORG" "$PW" calendar
proxy_start


once() {
	"$TANDEMD" -c "$1/tandem.conf" --once --now "$2" 2>>"$tmp/daemon.log" 8>&-
}

# The UIDs the example invites at $NOW, from a run into its outbox folder.
ref=$(example_copy ref)
once "$ref" "$NOW"
ls "$ref/outbox" | sed -n 's/\.0\.eml$//p' | sort >"$tmp/uids"
t "the reference run invites four sessions" '[ "$(lines "$tmp/uids")" -eq 4 ]'
first=$(sed -n 1p "$tmp/uids")

s=$(example_copy caldav)
edit "$s/tandem.conf" "s|^invite .*|invite      = caldav\\
calendar    = $PROXY_URL/$ORG/calendar/|"
printf '%s\n' "$PW" >"$s/secret"
chmod 600 "$s/secret"
cat >>"$s/tandem.conf" <<EOT

[server $ORG]
url           = $PROXY_URL/$ORG/
user          = $ORG
password_file = secret
EOT

# calendar_dump: every object of the organizer's calendar, in $tmp/cal/.
calendar_dump() {
	rm -rf "$tmp/cal"
	mkdir "$tmp/cal"
	dav_list "$ORG" "$PW" calendar
	cut -f1 "$dav_out" | while read -r href; do
		case $href in */) continue ;; esac
		dav_request "$ORG" "$PW" GET "$href"
		# unfolded, without CR
		tr -d '\r' <"$dav_body" | sed ':a;N;$!ba;s/\n //g' \
		    >"$tmp/cal/$(basename "$href")"
	done
}

# A copy of the first session put there before tandem runs, at another
# href, as a half-finished earlier write or another client might have left.
awk '/^BEGIN:VCALENDAR/{p=1} p{print} /^END:VCALENDAR/{exit}' \
    "$ref/outbox/$first.0.eml" | grep -v '^METHOD:' >"$tmp/seed.ics"
dav_put_raw "$ORG" "$PW" calendar/seeded.ics "$tmp/seed.ics"

: >"$PROXY_LOG"
once "$s" "$NOW"
rc=$?
t "the pass exits 0" '[ $rc -eq 0 ]'
calendar_dump
ls "$tmp/cal" >"$tmp/hrefs"
t "four objects are in the organizer's calendar" '[ "$(lines "$tmp/hrefs")" -eq 4 ]'
t "the UID already there is updated at its href, not stored twice" '[ "$(grep -l "^UID:$first\$" "$tmp/cal"/* | wc -l)" -eq 1 ] && [ -f "$tmp/cal/seeded.ics" ]'
t "no object carries a METHOD" '[ -z "$(grep -l '\''^METHOD'\'' "$tmp/cal"/*)" ]'
t "every attendee is marked SCHEDULE-AGENT=CLIENT (the server reaches nobody)" '[ "$(grep -h '\''^ATTENDEE'\'' "$tmp/cal"/* | grep -c '\''SCHEDULE-AGENT=CLIENT'\'')" -eq 8 ]'
t "each new object was created with If-None-Match, none was refused" '[ "$(grep -c "^PUT${T}.*${T}201${T}pass${T}if-none-match\$" "$PROXY_LOG")" -eq 3 ] && ! grep -q "^PUT${T}.*${T}4" "$PROXY_LOG"'

db=$s/state/state.db
sql() { sqlite3 "$db" "$1"; }
t "an e-mail is queued for each attendee the server did not reach" '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind='\''imip'\'' AND key LIKE '\''%.0.%@corp.example'\''")" -eq 8 ]'
t "every caldav job is done" '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind='\''caldav'\'' AND done IS NOT NULL")" -eq 4 ] && [ "$(sql "SELECT COUNT(*) FROM job WHERE kind='\''caldav'\'' AND done IS NULL")" -eq 0 ]'

: >"$PROXY_LOG"
once "$s" "$NOW"
t "a second pass at the same clock writes nothing" '! grep -q "^\(PUT\|DELETE\)$T" "$PROXY_LOG"'

# --- A decline in the organizer's copy, as a scheduling server writes it.
uid=$(sed -n 2p "$tmp/uids")
f=$(grep -l "^UID:$uid\$" "$tmp/cal"/*)
href=calendar/$(basename "$f")
mentor=$(grep '^ATTENDEE' "$f" | sed -n '1s/.*mailto://p')
sed "s/^\(ATTENDEE;.*\)PARTSTAT=NEEDS-ACTION\(.*mailto:$mentor\)\$/\1PARTSTAT=DECLINED\2/" \
    "$f" | sed 's/$/\r/' >"$tmp/declined.ics"
dav_put_raw "$ORG" "$PW" "$href" "$tmp/declined.ics"
: >"$PROXY_LOG"
once "$s" "$NOW"
calendar_dump
g=$tmp/cal/$(basename "$f")
t "the decline read from the organizer's calendar moves the session" 'grep -q "^SEQUENCE:1\$" "$g"'
enc=$(printf %s "$href" | sed 's/@/%40/g')
t "the move replaced the copy with If-Match, no second object" 'grep -q "^PUT$T/$ORG/$enc${T}20[14]${T}pass${T}if-match\$" "$PROXY_LOG" && [ "$(grep -l "^UID:$uid\$" "$tmp/cal"/* | wc -l)" -eq 1 ]'
t "the move resets the replies and keeps the CLIENT marks" '! grep -q '\''PARTSTAT=DECLINED'\'' "$g" && [ "$(grep -c '\''SCHEDULE-AGENT=CLIENT'\'' "$g")" -eq 2 ]'
t "the moved session's e-mails are queued for both attendees" '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind='\''imip'\'' AND key LIKE '\''$uid.1.%'\''")" -eq 2 ]'

# --- A reply racing tandem's write: the server answers 412.
ex=$(example_copy race)
cp "$s/tandem.conf" "$s/secret" "$ex/"
edit "$ex/tandem.conf" "s|$ORG/calendar/|$ORG/race/|"
dav_mkcalendar "$ORG" "$PW" race
proxy_mode race-put
: >"$PROXY_LOG"
once "$ex" "$NOW"
t "the raced write was refused with 412" 'grep -q "^PUT$T.*${T}412${T}race-put" "$PROXY_LOG"'
dav_list "$ORG" "$PW" race
n=0
for h in $(cut -f1 "$dav_out"); do
	case $h in */) continue ;; esac
	dav_request "$ORG" "$PW" GET "$h"
	grep -q 'PARTSTAT=ACCEPTED' "$dav_body" && n=$((n + 1))
done
t "after the 412 the reply is kept and the write done" '[ "$n" -eq 1 ] && [ "$(sqlite3 "$ex/state/state.db" "SELECT COUNT(*) FROM job WHERE kind='\''caldav'\'' AND done IS NULL")" -eq 0 ]'

# --- A program cut short: its later sessions are deleted from the calendar.
edit "$s/tandem.conf" "s|^duration .*|count       = 1|"
: >"$PROXY_LOG"
once "$s" "$NOW"
calendar_dump
t "sessions cut from the program are deleted from the calendar" '[ "$(ls "$tmp/cal" | wc -l)" -eq 2 ] && [ "$(grep -c "^DELETE$T.*${T}20[04]" "$PROXY_LOG")" -eq 2 ]'
t "their CANCEL e-mails are queued for the attendees tandem mails" '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind='\''imip'\'' AND key NOT LIKE '\''%.0.%'\'' AND key NOT LIKE '\''$uid.1.%'\''")" -ge 4 ]'
t "no password is in the log" '! grep -q "$PW" "$tmp/daemon.log"'

done_testing
