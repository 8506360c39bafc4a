#!/bin/sh
# Invitations by e-mail through a real MTA, and replies back in: a private
# Postfix on loopback (postfix-lib.sh) delivers into Maildirs.
#
# On a fixed clock (tandemd --once --now): every invitation arrives exactly
# once and is iMIP as clients need it (imip-check.py); a second pass sends
# nothing; with the MTA stopped the messages wait and are delivered after the
# backoff once it is back; a refused address (5xx) is given up at once and
# not tried again (tandemctl status counts it), while the other attendee
# gets hers, and a 4xx waits for another try; [mail] rate holds back what
# is beyond it; sendmail works as SMTP does.  With a running daemon on the
# real clock (a program that starts in ten days): a REPLY declining a
# session, piped into tandemctl ingest-mail, brings the update at SEQUENCE
# + 1; REFRESH; COUNTER (declined, or with counter = reschedule negotiated
# again); messages tandem does not answer; a REPLY, REFRESH or COUNTER that
# speaks for an attendee but comes from someone else (the From, or the
# envelope sender as local(8)'s SENDER or pipe(8)'s ${sender} hand it over)
# is refused (65), logged with its bytes escaped, and changes nothing; with
# [mail] replies = authenticated only a message the MTA's own
# Authentication-Results vouch for is taken; 75 when the daemon is down.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"
POSTFIX_DOMAINS="corp.example example.org example.com live.example"
. "$(dirname "$0")/postfix-lib.sh"

postfix_require
postfix_start "$tmp/postfix"
CHECK="$top_srcdir/tests/fixtures/imip-check.py"
T0=2027-01-04T08:00:00Z

# setup NAME DOMAIN [MAIL-LINES]: a copy of the example whose people are
# at DOMAIN (Lena as "Léna Vögel"), invite = imip, mail through Postfix.
setup() {
	ex=$(example_copy "$1")
	conf="$ex/tandem.conf"
	edit "$ex/people.csv" "s/@corp\.example/@$2/g; s/Lena Vogel/Léna Vögel/"
	edit "$ex/pairs.csv" "s/@corp\.example/@$2/g"
	edit "$conf" "s|^invite .*|invite = imip|; s|^hook .*||"
	{ printf '[mail]\n%s\n\n' "${3:-smtp = $POSTFIX_URL}"; cat "$conf"; } \
	    >"$conf.new" && mv "$conf.new" "$conf"
	: >"$tmp/$1.log"
}

# once T NAME: a pass at T, logging to $tmp/NAME.log.
once() {
	"$top_builddir/daemon/tandemd" -c "$conf" --once --now "$1" \
	    2>>"$tmp/$2.log"
}

sql() { sqlite3 "$ex/state/state.db" "$1"; }

# until_true 'CONDITION': poll it for at most 60 s; its last result.
until_true() {
	wait_for 60 eval "$1"
}

# sent_to ADDRESS: e-mail jobs to ADDRESS that the MTA took.
sent_to() {
	[ -f "$ex/state/state.db" ] || { echo 0; return; }
	sql "SELECT COUNT(*) FROM job WHERE kind = 'imip' AND done IS NOT NULL
	    AND failed = 0 AND key LIKE '%.$1'"
}

# arrived ADDRESS...: each one's Maildir holds exactly what tandem sent it.
arrived() {
	for _a in "$@"; do
		postfix_wait_mail "$_a" "$(sent_to "$_a")" || return 1
	done
}

# imip_ok METHOD ADDRESS [TEXT...]: every message ADDRESS got is iMIP.
imip_ok() {
	_m=$1 _a=$2
	shift 2
	for _f in $(postfix_messages "$_a"); do
		python3 "$CHECK" "$_f" "$_m" "$@" || return 1
	done
}

# --- every invitation exactly once, as iMIP --------------------------------

setup smtp corp.example
once $T0 smtp
n=$(sed -n 's/.*pass: \([0-9]*\) invitation.*/\1/p' "$tmp/smtp.log")
people="lena.vogel marc.dubois priya.shah tom.becker sofia.rossi james.okafor"
total=0
for p in $people; do total=$((total + $(sent_to "$p@corp.example"))); done
t "the first pass mails every invitation to both attendees ($n invitations)" \
    '[ "${n:-0}" -gt 0 ] && [ "$total" -eq $((2 * n)) ]'
t "each arrives exactly once in its attendee's Maildir" \
    'arrived lena.vogel@corp.example marc.dubois@corp.example \
    priya.shah@corp.example tom.becker@corp.example'
t "they are iMIP: method parameter = METHOD:REQUEST, CRLF and folding kept" \
    'imip_ok REQUEST marc.dubois@corp.example && imip_ok REQUEST tom.becker@corp.example'
t "a non-ASCII name arrives intact, in the calendar and the headers" \
    'imip_ok REQUEST lena.vogel@corp.example "Léna Vögel"'
t "the log says how each left" \
    'grep -q "SEND: .*mailed to lena.vogel@corp.example (SMTP 250)" "$tmp/smtp.log"'
before=$(postfix_messages marc.dubois@corp.example | wc -l)
once 2027-01-04T09:00:00Z smtp
t "a second pass mails nothing" \
    '[ "$(grep -c "mailed to" "$tmp/smtp.log")" -eq $((2 * n)) ] &&
    [ "$(postfix_messages marc.dubois@corp.example | wc -l)" -eq "$before" ]'

# --- the MTA stopped for a while -------------------------------------------

postfix_stop
T1=2027-01-25T08:00:00Z		# three weeks on: new sessions enter the horizon
once $T1 smtp
waiting=$(sql "SELECT COUNT(*) FROM job WHERE kind = 'imip' AND done IS NULL")
t "with the MTA down the new e-mails wait ($waiting)" \
    '[ "$waiting" -gt 0 ] && grep -q "Couldn.t connect to server; retry in 60 s" "$tmp/smtp.log" &&
    grep -q "the MTA is not reached: [1-9][0-9]* more e-mails* wait 60 s" "$tmp/smtp.log"'
t "and nobody has got them" 'arrived lena.vogel@corp.example marc.dubois@corp.example'
postfix_restart
once 2027-01-25T08:00:30Z smtp
t "not before their retry time" \
    '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\'' AND done IS NULL")" -eq "$waiting" ]'
once 2027-01-25T08:01:01Z smtp
t "once the MTA is back they are all delivered, once" \
    '[ "$(sql "SELECT COUNT(*) FROM job WHERE kind = '\''imip'\'' AND done IS NULL")" -eq 0 ] &&
    arrived lena.vogel@corp.example marc.dubois@corp.example priya.shah@corp.example tom.becker@corp.example'

# --- a refused address -----------------------------------------------------

setup reject example.com
edit "$ex/people.csv" "s/tom\.becker@example\.com/reject@example.com/; s/marc\.dubois@example\.com/defer@example.com/"
edit "$ex/pairs.csv" "s/tom\.becker@example\.com/reject@example.com/; s/marc\.dubois@example\.com/defer@example.com/"
once $T0 reject
t "a 5xx is given up at once, and says why" \
    'grep -q "SEND: .*\.reject@example.com: .*550.*refused for good, not tried again" "$tmp/reject.log" &&
    [ "$(sql "SELECT COUNT(*) FROM job WHERE failed = 1 AND attempts = 1")" -ge 1 ]'
t "the other attendee still gets hers" 'arrived priya.shah@example.com &&
    [ "$(sent_to priya.shah@example.com)" -ge 1 ]'
t "a 4xx waits for another try, and says so" \
    'grep -q "JOBS: imip .*\.defer@example.com: .*450.*; retry in 60 s" "$tmp/reject.log" &&
    [ "$(sql "SELECT COUNT(*) FROM job WHERE key LIKE '\''%.defer@example.com'\''
      AND done IS NULL AND attempts = 1")" -ge 1 ] && arrived lena.vogel@example.com'
tries=$(grep -c "reject@example.com" "$tmp/reject.log")
once 2027-01-05T08:00:00Z reject
t "it is not tried again" \
    '[ "$(grep -c "reject@example.com" "$tmp/reject.log")" -eq "$tries" ]'
status_ok() { ctl "$ex" status && [ "$ctl_rc" -eq 0 ]; }
"$top_builddir/daemon/tandemd" -d -c "$conf" 2>>"$tmp/reject-d.log" 8>&- &
pid=$!
until_true status_ok
t "tandemctl status counts it as failed" \
    'grep -q "^mail       $POSTFIX_URL: [1-9][0-9]* sent, [0-9]* waiting ([0-9]* to retry), [1-9][0-9]* failed" "$ctl_out"'
ctl "$ex" status --json
t "and so does status --json" \
    'python3 -c "import json, sys; m = json.load(open(sys.argv[1]))[\"mail\"]
sys.exit(not (m[\"transport\"] == sys.argv[2] and m[\"failed\"] >= 1))" "$ctl_out" "$POSTFIX_URL"'
kill "$pid"
wait "$pid" 2>/dev/null

# --- the rate limit ------------------------------------------------------

setup rate example.com "smtp = $POSTFIX_URL
rate = 3"
once $T0 rate
mailed() { grep -c "mailed to" "$tmp/rate.log"; }
t "at most [mail] rate e-mails a minute; the rest wait, and the log says so" \
    '[ "$(mailed)" -eq 3 ] && grep -q "3 e-mails sent in the last minute (\[mail\] rate = 3): [1-9][0-9]* more wait a minute" "$tmp/rate.log"'
once 2027-01-04T08:00:30Z rate
t "not before the minute is over" '[ "$(mailed)" -eq 3 ]'
once 2027-01-04T08:01:01Z rate
t "then the next ones" '[ "$(mailed)" -eq 6 ]'

# --- sendmail -----------------------------------------------------------

setup sendmail example.org "sendmail = $POSTFIX_SENDMAIL"
once $T0 sendmail
t "sendmail delivers the same invitations, each once" \
    'grep -q "mailed to lena.vogel@example.org (sendmail)" "$tmp/sendmail.log" &&
    arrived lena.vogel@example.org marc.dubois@example.org &&
    imip_ok REQUEST lena.vogel@example.org "Léna Vögel"'

# --- replies through tandemctl ingest-mail, to a running daemon ------------

setup live live.example
start=$(date -u -d '+10 days' +%F)
edit "$conf" "s|^start .*|start = $start|"
edit "$ex/pairs.csv" "s/,2027-02-01 15:00\$/,/"
"$top_builddir/daemon/tandemd" -d -c "$conf" 2>>"$tmp/live.log" 8>&- &
pid=$!
LENA=lena.vogel@live.example MARC=marc.dubois@live.example
both_sent() { [ "$(sent_to $MARC)" -ge 1 ] && [ "$(sent_to $LENA)" -ge 1 ]; }
# The daemon may still be sending while we look: the Maildirs are compared
# with the store at each poll, not with one count read before the wait.
in_step() {
	for _a in "$@"; do
		[ "$(postfix_count "$_a")" -eq "$(sent_to "$_a")" ] || return 1
	done
}
t "the daemon mails its invitations" 'until_true both_sent && until_true "in_step $LENA $MARC"'
uid=$(sql "SELECT uid FROM session WHERE mentor = '$LENA' AND idx = 1")
ctl "$ex" status
t "status shows the mail transport and what it sent" \
    'grep -q "^mail       $POSTFIX_URL: [1-9][0-9]* sent, 0 waiting" "$ctl_out"'

# mail FILE METHOD ATTENDEE-LINE [SEQUENCE] [EXTRA]: an attendee's e-mail,
# From: $from (Marc's), after the header lines $hdrs (printf %b; none).
from="Marc <$MARC>" hdrs=
mail() {
	printf '%bFrom: %s\r\nTo: mentoring@corp.example\r\nSubject: re\r\n' \
	    "$hdrs" "$from" >"$1"
	printf 'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n' >>"$1"
	printf -- '--B\r\nContent-Type: text/plain\r\n\r\nAnswer.\r\n--B\r\n' >>"$1"
	printf 'Content-Type: text/calendar; charset=utf-8; method=%s\r\n\r\n' "$2" >>"$1"
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:%s\r\n' "$2" >>"$1"
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261201T120000Z\r\nSEQUENCE:%s\r\n%s\r\n%b' \
	    "$uid" "${4:-0}" "$3" "${5:-}" >>"$1"
	printf 'END:VEVENT\r\nEND:VCALENDAR\r\n--B--\r\n' >>"$1"
}
# ingest FILE [ARGS...]: tandemctl ingest-mail ARGS <FILE, no SENDER set.
ingest() {
	_f=$1
	shift
	"$TANDEMCTL" -c "$conf" ingest-mail "$@" <"$_f" >"$ctl_out" 2>"$ctl_err"
	ctl_rc=$?
}
# ingest_as SENDER FILE [ARGS...]: the same with SENDER in the environment,
# as Postfix's local(8) runs a command of an alias.
ingest_as() {
	_s=$1 _f=$2
	shift 2
	SENDER=$_s "$TANDEMCTL" -c "$conf" ingest-mail "$@" <"$_f" >"$ctl_out" \
	    2>"$ctl_err"
	ctl_rc=$?
}
unset SENDER
# session_state: what a message about session 1 could change (its row,
# the e-mails queued about it), to compare before and after.
session_state() {
	sql "SELECT sequence, state, reply0, reply1, request FROM session
	    WHERE uid = '$uid'; SELECT COUNT(*) FROM job WHERE payload LIKE '%$uid%'"
}
# logged TEXT: the daemon's log has a line with TEXT (fixed), within 60 s.
logged() {
	_logged=$1
	until_true 'grep -F -q -- "$_logged" "$tmp/live.log"'
}

lena0=$(postfix_messages $LENA | wc -l)
marc0=$(postfix_messages $MARC | wc -l)
# outlook.com leaves ORGANIZER out; the address is matched whatever its case.
mail "$tmp/decline.eml" REPLY "ATTENDEE;PARTSTAT=DECLINED:mailto:Marc.Dubois@LIVE.example"

# --- someone else speaking for Marc: refused, nothing changes --------------

before=$(session_state)
from="Mallory <mallory@evil.example>"
mail "$tmp/forged.eml" REPLY "ATTENDEE;PARTSTAT=DECLINED:mailto:$MARC"
ingest "$tmp/forged.eml"
t "a REPLY declining for Marc, from Mallory, is refused (65) and says why" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "REPLY for $MARC from mallory@evil.example" "$ctl_err" &&
    grep -q "nothing changed" "$ctl_err"'
t "the session and the e-mails are as before" '[ "$(session_state)" = "$before" ]'
t "the daemon logs the refusal" \
    'logged "MAIL: refused a REPLY for $MARC from mallory@evil.example"'
from="Mallory <mallory@evil.example>"
mail "$tmp/forged-refresh.eml" REFRESH "ATTENDEE:mailto:$MARC"
ingest "$tmp/forged-refresh.eml"
t "a REFRESH for Marc from Mallory: 65, no invitation sent again" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "REFRESH for $MARC from mallory@evil.example" "$ctl_err" &&
    [ "$(session_state)" = "$before" ]'
mail "$tmp/forged-counter.eml" COUNTER "ATTENDEE;PARTSTAT=ACCEPTED:mailto:$MARC" 0 \
    "DTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\n"
ingest "$tmp/forged-counter.eml"
t "a COUNTER for Marc from Mallory: 65, nothing declined or moved" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "COUNTER for $MARC from mallory@evil.example" "$ctl_err" &&
    [ "$(session_state)" = "$before" ]'
# What came from outside is logged escaped: a UID that would forge a log
# line (an iCalendar "\n"), an envelope sender that would colour a terminal.
real_uid=$uid uid='x\ntandemd: SEND: forged line'
mail "$tmp/forged-uid.eml" REPLY "ATTENDEE;PARTSTAT=DECLINED:mailto:$MARC"
uid=$real_uid
ingest "$tmp/forged-uid.eml"
t "a forged REPLY whose UID holds a line break: 65, logged on one line" \
    '[ "$ctl_rc" -eq 65 ] && logged "(UID x\\ntandemd: SEND: forged line)" &&
    ! grep -q "^tandemd: SEND: forged line" "$tmp/live.log"'
from="Marc <$MARC>"
ingest "$tmp/decline.eml" --sender "$(printf 'mal\033[31mlory@evil.example')"
t "an envelope sender with an escape sequence: 65, shown escaped" \
    '[ "$ctl_rc" -eq 65 ] && [ "$(session_state)" = "$before" ] &&
    logged "envelope sender mal\\x1b[31mlory@evil.example" &&
    ! grep -q "$(printf "\033")" "$tmp/live.log" && ! grep -q "$(printf "\033")" "$ctl_err"'
ingest_as mallory@evil.example "$tmp/decline.eml"
t "Marc's From with Mallory as the envelope sender (SENDER): 65" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "envelope sender mallory@evil.example" "$ctl_err" &&
    [ "$(session_state)" = "$before" ] &&
    logged "MAIL: refused a REPLY for $MARC from the envelope sender mallory@evil.example"'
ingest "$tmp/decline.eml" --sender mallory@evil.example
t "so with --sender, as pipe(8) passes \${sender}: 65" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "envelope sender mallory@evil.example" "$ctl_err" &&
    [ "$(session_state)" = "$before" ]'
ingest_as "$MARC" "$tmp/decline.eml" --sender mallory@evil.example
t "--sender goes before SENDER: 65" \
    '[ "$ctl_rc" -eq 65 ] && [ "$(session_state)" = "$before" ]'
ingest_as "" "$tmp/decline.eml"
t "the null sender (a bounce) answers for nobody: 65" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "null sender" "$ctl_err" &&
    [ "$(session_state)" = "$before" ]'
ingest "$tmp/decline.eml" --sender
t "--sender without an address is a usage error (64)" '[ "$ctl_rc" -eq 64 ]'

# --- Marc himself ----------------------------------------------------------

ingest "$tmp/decline.eml"
t "a REPLY declining session 1 is taken (exit 0)" \
    '[ "$ctl_rc" -eq 0 ] && grep -q "DECLINED, session 1 of $LENA / $MARC" "$ctl_out"'
t "the daemon moves the session: both get the update at SEQUENCE 1" \
    'postfix_wait_mail $MARC $((marc0 + 1)) && postfix_wait_mail $LENA $((lena0 + 1)) &&
    grep -q "^SEQUENCE:1" "$(postfix_messages $MARC | tail -n 1)" &&
    imip_ok REQUEST $MARC'
t "the store says SEQUENCE 1" \
    '[ "$(sql "SELECT sequence FROM session WHERE uid = '\''$uid'\''")" -eq 1 ]'
ingest_as "$MARC" "$tmp/decline.eml" --sender marc.dubois@LIVE.example
t "the same reply again answers an older SEQUENCE: ignored, exit 0" \
    '[ "$ctl_rc" -eq 0 ] && grep -q "ignored: it answers SEQUENCE 0" "$ctl_out"'

mail "$tmp/refresh.eml" REFRESH "ATTENDEE:mailto:$MARC" 1
ingest_as "$MARC" "$tmp/refresh.eml"
t "a REFRESH sends the current invitation again, to that attendee only" \
    '[ "$ctl_rc" -eq 0 ] && postfix_wait_mail $MARC $((marc0 + 2)) &&
    imip_ok REQUEST $MARC && [ "$(postfix_messages $LENA | wc -l)" -eq $((lena0 + 1)) ]'

mail "$tmp/counter.eml" COUNTER "ATTENDEE;PARTSTAT=ACCEPTED:mailto:$MARC" 1 \
    "DTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\n"
ingest "$tmp/counter.eml"
t "a COUNTER is declined: Marc alone gets a DECLINECOUNTER" \
    '[ "$ctl_rc" -eq 0 ] && postfix_wait_mail $MARC $((marc0 + 3)) &&
    python3 "$CHECK" "$(postfix_messages $MARC | tail -n 1)" DECLINECOUNTER &&
    [ "$(postfix_messages $LENA | wc -l)" -eq $((lena0 + 1)) ]'
t "and the session keeps SEQUENCE 1" \
    '[ "$(sql "SELECT sequence FROM session WHERE uid = '\''$uid'\''")" -eq 1 ]'

# counter = reschedule: the same COUNTER makes the session negotiated again.
edit "$conf" "s|^attendance .*|&\\
counter     = reschedule|"
ctl "$ex" reload
lena1=$(postfix_messages $LENA | wc -l)
marc1=$(postfix_messages $MARC | wc -l)
ingest "$tmp/counter.eml"
t "with counter = reschedule a COUNTER moves the session within flex: both get SEQUENCE 2" \
    '[ "$ctl_rc" -eq 0 ] && grep -q "negotiated again" "$ctl_out" &&
    postfix_wait_mail $MARC $((marc1 + 1)) && postfix_wait_mail $LENA $((lena1 + 1)) &&
    grep -q "^SEQUENCE:2" "$(postfix_messages $LENA | tail -n 1)" &&
    [ "$(sql "SELECT sequence FROM session WHERE uid = '\''$uid'\''")" -eq 2 ]'

from="Eve <eve@live.example>"
mail "$tmp/eve.eml" REPLY "ATTENDEE;PARTSTAT=ACCEPTED:mailto:eve@live.example" 2
from="Marc <$MARC>"
ingest "$tmp/eve.eml"
t "a reply from someone who is not an attendee changes nothing (65)" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "eve@live.example is not an attendee" "$ctl_err"'
printf 'From: a@live.example\r\nSubject: hello\r\n\r\nJust text.\r\n' >"$tmp/plain.eml"
ingest "$tmp/plain.eml"
t "a message without a calendar is refused by name (65)" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "no text/calendar part" "$ctl_err"'
mail "$tmp/publish.eml" PUBLISH "ATTENDEE:mailto:$MARC" 2
ingest "$tmp/publish.eml"
t "another METHOD is refused (65)" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "not a REPLY, COUNTER or REFRESH" "$ctl_err"'

# --- replies = authenticated: what the MTA vouches for ---------------------

edit "$conf" 's|^\[mail\]$|[mail]\
replies     = authenticated\
authserv_id = mx.live.example|'
ctl "$ex" reload
t "a reload with [mail] replies = authenticated" '[ "$ctl_rc" -eq 0 ]'
seq=$(sql "SELECT sequence FROM session WHERE uid = '$uid'")
before=$(session_state)
mail "$tmp/auth-none.eml" REPLY "ATTENDEE;PARTSTAT=ACCEPTED:mailto:$MARC" "$seq"
ingest_as "$MARC" "$tmp/auth-none.eml"
t "Marc's From and envelope, no Authentication-Results: 65" \
    '[ "$ctl_rc" -eq 65 ] && grep -q "no Authentication-Results of mx.live.example vouches for $MARC" "$ctl_err" &&
    [ "$(session_state)" = "$before" ]'
hdrs='Authentication-Results: evil.example; dkim=pass header.d=live.example\r\n'
mail "$tmp/auth-other.eml" REPLY "ATTENDEE;PARTSTAT=ACCEPTED:mailto:$MARC" "$seq"
ingest_as "$MARC" "$tmp/auth-other.eml"
t "one written by another host (not the authserv_id): 65" \
    '[ "$ctl_rc" -eq 65 ] && [ "$(session_state)" = "$before" ]'
hdrs='Authentication-Results: mx.live.example; dkim=fail header.d=live.example\r\n'
mail "$tmp/auth-fail.eml" REPLY "ATTENDEE;PARTSTAT=ACCEPTED:mailto:$MARC" "$seq"
ingest_as "$MARC" "$tmp/auth-fail.eml"
t "the MTA's own saying dkim=fail: 65" \
    '[ "$ctl_rc" -eq 65 ] && [ "$(session_state)" = "$before" ]'
hdrs='Authentication-Results: mx.live.example;\r\n\tdkim=pass (2048-bit key) header.d=live.example header.b=AbCd\r\n'
from="Mallory <mallory@evil.example>"
mail "$tmp/auth-mallory.eml" REPLY "ATTENDEE;PARTSTAT=DECLINED:mailto:$MARC" "$seq"
ingest_as mallory@evil.example "$tmp/auth-mallory.eml"
t "a pass for the right domain does not make Mallory Marc: 65" \
    '[ "$ctl_rc" -eq 65 ] && [ "$(session_state)" = "$before" ]'
from="Marc <$MARC>"
mail "$tmp/auth-ok.eml" REPLY "ATTENDEE;PARTSTAT=ACCEPTED:mailto:$MARC" "$seq"
ingest_as "$MARC" "$tmp/auth-ok.eml"
t "dkim=pass for live.example from mx.live.example: Marc's REPLY is taken (0)" \
    '[ "$ctl_rc" -eq 0 ] && grep -q "ACCEPTED, session 1 of $LENA / $MARC" "$ctl_out" &&
    [ "$(session_state)" != "$before" ]'
hdrs=

kill "$pid"
wait "$pid" 2>/dev/null
ingest "$tmp/decline.eml"
t "with the daemon down, ingest-mail says try again later (75)" \
    '[ "$ctl_rc" -eq 75 ] && grep -q "cannot reach tandemd" "$ctl_err"'
# (A message is in its Maildir a moment before Postfix drops it from the
# queue: waited for.)
t "the queue of the MTA is empty at the end" \
    'until_true "postfix_queue | grep -q \"Mail queue is empty\""'

done_testing
