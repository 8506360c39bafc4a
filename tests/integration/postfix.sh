#!/bin/sh
# The Postfix test harness itself (tests/integration/postfix-lib.sh): a
# private Postfix on loopback that delivers the test domains into Maildirs,
# and what it does to the mail tandem will send (8-bit headers, a folded
# text/calendar part with CRLF line ends), refuses (reject@, defer@, other
# domains), and keeps across a stop and a restart; sendmail -t -i.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"
. "$(dirname "$0")/postfix-lib.sh"

postfix_require

now_ms() {
	"$RADICALE_PYTHON" -c 'import time; print(int(time.time() * 1000))' 8>&-
}


# smtp FROM TO[,TO...] [FILE]: send FILE (or a short message) by SMTP with
# BODY=8BITMIME to $POSTFIX_PORT; prints "sent" or, for each refused
# recipient, "refused TO CODE", or "refused CODE" when the whole message is;
# "error ..." when it cannot connect.
smtp() {
	"$RADICALE_PYTHON" -c 'import smtplib, sys
port, sender, rcpts = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
msg = open(sys.argv[4], "rb").read() if len(sys.argv) > 4 else \
    b"Subject: test\r\n\r\ntest\r\n"
try:
    s = smtplib.SMTP("127.0.0.1", port, timeout=10)
except OSError as e:
    print("error %s" % type(e).__name__)
    sys.exit(0)
try:
    refused = s.sendmail(sender, rcpts, msg, mail_options=["BODY=8BITMIME"])
    print("sent")
except smtplib.SMTPRecipientsRefused as e:
    refused = e.recipients
except smtplib.SMTPResponseException as e:
    print("refused %d" % e.smtp_code)
    refused = {}
for r, (code, text) in sorted(refused.items()):
    print("refused %s %d" % (r, code))
s.quit()' "$POSTFIX_PORT" "$@" 8>&-
}

ls -la /etc/postfix >"$tmp/etc.before" 2>&1
t0=$(now_ms)
postfix_start "$tmp/pf"
t1=$(now_ms)
ok "postfix answers at $POSTFIX_URL"
echo "# postfix_start took $((t1 - t0)) ms"

"$RADICALE_PYTHON" -c 'import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("client.tandem.test")
print(" ".join(sorted(s.esmtp_features)))
s.quit()' "$POSTFIX_PORT" >"$tmp/ehlo" 8>&-
if grep -qw 8bitmime "$tmp/ehlo" && ! grep -qw auth "$tmp/ehlo"; then
	ok "EHLO: 8BITMIME, no AUTH ($(cat "$tmp/ehlo"))"
else
	not_ok "EHLO: 8BITMIME, no AUTH"
	show "$tmp/ehlo"
fi

# --- an invitation: 8-bit header, folded text/calendar with CRLF ------------

# A message as tandem sends one: CRLF everywhere, a raw UTF-8 Subject and
# organizer name, a text/calendar part whose DESCRIPTION is folded at 75
# octets (inside a UTF-8 sequence's neighbourhood, not inside it).
"$RADICALE_PYTHON" -c 'import sys
desc = ("DESCRIPTION:Réunion de planification — ordre du jour: budget, "
        "calendrier, café ☕ et questions diverses; " * 4).encode()
lines, line = [], b""
for ch in desc.decode():
    b = ch.encode()
    if len(line) + len(b) > (75 if not lines else 74):
        lines.append(line)
        line = b""
    line += b
lines.append(line)
folded = b"\r\n ".join(lines)
cal = b"\r\n".join([
    b"BEGIN:VCALENDAR", b"VERSION:2.0", b"PRODID:-//tandem//postfix.sh//EN",
    b"METHOD:REQUEST", b"BEGIN:VEVENT", b"UID:mail-1@tandem.test",
    b"DTSTAMP:20270101T000000Z", b"DTSTART:20270302T090000Z",
    b"DTEND:20270302T100000Z", "SUMMARY:Réunion à Zürich".encode(), folded,
    "ORGANIZER;CN=Zoë Ålander:mailto:alice@example.org".encode(),
    b"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.org",
    b"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@corp.example",
    b"END:VEVENT", b"END:VCALENDAR", b""])
part = (b"Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + cal)
msg = b"\r\n".join([
    "From: Zoë Ålander <alice@example.org>".encode(),
    b"To: bob@example.org, carol@corp.example",
    "Subject: Invitation: Réunion à Zürich ☕".encode(),
    b"Date: Fri, 01 Jan 2027 00:00:00 +0000",
    b"Message-ID: <mail-1.1@tandem.test>",
    b"MIME-Version: 1.0",
    b"Content-Type: multipart/mixed; boundary=\"b1\"",
    b"", b"--b1",
    b"Content-Type: text/plain; charset=utf-8",
    b"Content-Transfer-Encoding: 8bit", b"",
    "Zoë vous invite à une réunion.".encode(), b"",
    b"--b1"]) + b"\r\n" + part + b"\r\n--b1--\r\n"
open(sys.argv[1], "wb").write(msg)
open(sys.argv[2], "wb").write(part)' "$tmp/invite.eml" "$tmp/invite.part" 8>&-

# same FILE SENT SENTPART: FILE (a Maildir message) is SENT, byte for byte,
# after the lines Postfix prepends, once its LF line ends are made CRLF; and
# its second MIME part is SENTPART.  Prints what differs.
same() {
	"$RADICALE_PYTHON" -c 'import email, email.policy, sys
got = open(sys.argv[1], "rb").read()
sent = open(sys.argv[2], "rb").read()
part = open(sys.argv[3], "rb").read()
if b"\r" in got:
    print("the Maildir file has CRs")
crlf = got.replace(b"\n", b"\r\n")
if not crlf.endswith(sent):
    print("the message differs from what was sent")
head = crlf[:len(crlf) - len(sent)].decode()
names = [l.split(":")[0] for l in head.split("\r\n") if l and l[0] not in " \t"]
if names != ["Return-Path", "X-Original-To", "Delivered-To", "Received"]:
    print("prepended: %s" % names)
m = email.message_from_bytes(crlf, policy=email.policy.compat32)
cal = [p for p in m.walk() if p.get_content_type() == "text/calendar"]
body = part.split(b"\r\n\r\n", 1)[1]
if len(cal) != 1 or cal[0].get_payload(decode=True) != body:
    print("the text/calendar part differs")
if "Réunion à Zürich ☕".encode() not in crlf.split(b"\r\n\r\n")[0]:
    print("the raw UTF-8 Subject is not there")' "$@" 8>&-
}

got=$(smtp alice@example.org bob@example.org,carol@corp.example \
    "$tmp/invite.eml")
check "SMTP to bob@example.org and carol@corp.example: sent" [ "$got" = sent ]
t2=$(now_ms)
for rcpt in bob@example.org carol@corp.example; do
	if postfix_wait_mail "$rcpt" 1; then
		f=$(postfix_messages "$rcpt")
		diff=$(same "$f" "$tmp/invite.eml" "$tmp/invite.part")
		if [ -z "$diff" ]; then
			ok "$rcpt: one message, the same bytes (CRLF as LF), 8-bit Subject and folded text/calendar kept"
		else
			not_ok "$rcpt: the message as sent"
			echo "$diff" | diag
			show "$f"
		fi
	else
		not_ok "$rcpt: one message"
	fi
done
echo "# both delivered $(($(now_ms) - t2)) ms after the SMTP transaction"
grep -q "^Delivered-To: carol@corp.example$" \
    "$(postfix_messages carol@corp.example)" &&
    grep -q "^Return-Path: <alice@example.org>$" \
    "$(postfix_messages carol@corp.example)"
check "Delivered-To: the recipient, Return-Path: the envelope sender" [ $? = 0 ]

# --- refusals ---------------------------------------------------------------

got=$(smtp alice@example.org reject@example.org,bob@example.org | tr '\n' ' ')
check "reject@example.org: 550 at RCPT, bob still gets it ($got)" \
    [ "$got" = "sent refused reject@example.org 550 " ]
got=$(smtp alice@example.org defer@corp.example | tr '\n' ' ')
check "defer@corp.example: 450 at RCPT ($got)" \
    [ "$got" = "refused defer@corp.example 450 " ]
got=$(smtp alice@example.org someone@elsewhere.invalid | tr '\n' ' ')
check "another domain: 554 at RCPT, no relay ($got)" \
    [ "$got" = "refused someone@elsewhere.invalid 554 " ]
postfix_wait_mail bob@example.org 2
check "bob got the message that reject@ was refused from" [ $? = 0 ]
if [ ! -e "$POSTFIX_MAIL/reject@example.org" ] &&
    [ ! -e "$POSTFIX_MAIL/defer@corp.example" ]; then
	ok "no Maildir for reject@ or defer@"
else
	not_ok "no Maildir for reject@ or defer@"
fi

wait_was=$POSTFIX_WAIT
POSTFIX_WAIT=1
t2=$(now_ms)
postfix_wait_mail bob@example.org 3 >"$tmp/wait.out"
rc=$?
POSTFIX_WAIT=$wait_was
if [ $rc = 1 ] && grep -q "bob@example.org has 2 messages, not 3" "$tmp/wait.out"; then
	ok "postfix_wait_mail: fails after its deadline, saying why ($(($(now_ms) - t2)) ms)"
else
	not_ok "postfix_wait_mail: fails after its deadline"
	show "$tmp/wait.out"
fi

# --- stop, mail queued while stopped, restart -------------------------------

master_pid=$(tr -d ' ' <"$POSTFIX_DIR/queue/pid/master.pid")
# Only this instance's master: other tests may run Postfix at the same time.
if command -v ss >/dev/null; then
	ss -Hltnp | grep "\"master\",pid=$master_pid," | awk '{ print $4 }' \
	    >"$tmp/listen"
	check "master listens on 127.0.0.1:$POSTFIX_PORT only" \
	    [ "$(cat "$tmp/listen")" = "127.0.0.1:$POSTFIX_PORT" ]
fi

old_url=$POSTFIX_URL
t2=$(now_ms)
postfix_stop
echo "# postfix_stop took $(($(now_ms) - t2)) ms"
got=$(smtp alice@example.org bob@example.org)
# Every Postfix daemon works in its queue_directory.
left=$(for p in /proc/[0-9]*; do
	case $(readlink "$p/cwd" 2>/dev/null) in
	"$POSTFIX_DIR"*) echo "${p#/proc/} $(cat "$p/comm" 2>/dev/null)" ;;
	esac
done)
if [ "$got" = "error ConnectionRefusedError" ] && ! _dav_alive "$master_pid" &&
    [ -z "$left" ]; then
	ok "postfix_stop: connection refused, no Postfix process left"
else
	not_ok "postfix_stop: $got; master $master_pid; left: $left"
fi

# sendmail -t -i while Postfix is stopped: postdrop leaves it in the queue's
# maildrop/, and pickup takes it after the restart.  -i: a lone "." is text.
printf '%s\r\n' "From: alice@example.org" "To: dave@elsewhere.example" \
    "Subject: queued while stopped" "" "line one" "." "line three" \
    >"$tmp/queued.eml"
"$(postfix_sendmail)" -t -i <"$tmp/queued.eml" >"$tmp/sendmail.out" 2>&1 8>&-
rc=$?
n=$(find "$POSTFIX_DIR/queue/maildrop" -type f | wc -l | tr -d ' ')
check "sendmail -t -i while stopped: exit 0, one file in maildrop/ (exit $rc, $n)" \
    [ "$rc" = 0 -a "$n" = 1 ]

t2=$(now_ms)
postfix_restart
echo "# postfix_restart took $(($(now_ms) - t2)) ms"
check "postfix_restart: the same URL ($POSTFIX_URL)" [ "$POSTFIX_URL" = "$old_url" ]
if postfix_wait_mail dave@elsewhere.example 1 &&
    f=$(postfix_messages dave@elsewhere.example) &&
    has "$f" "Subject: queued while stopped" "X-Original-To: dave@elsewhere.example" &&
    [ "$(sed -n '/^$/,$p' "$f")" = "$(printf '\nline one\n.\nline three')" ]; then
	ok "after the restart, the message queued while stopped arrives, its '.' line kept"
else
	not_ok "after the restart, the message queued while stopped arrives"
	[ -n "${f:-}" ] && show "$f"
fi
[ "$(postfix_count bob@example.org)" = 2 ] &&
    [ "$(postfix_count carol@corp.example)" = 1 ]
check "the mail delivered before the stop is still there" [ $? = 0 ]

got=$(smtp bob@example.org alice@example.org)
if [ "$got" = sent ] && postfix_wait_mail alice@example.org 1; then
	ok "SMTP after the restart: delivered"
else
	not_ok "SMTP after the restart: $got"
fi

# --- sendmail while running -------------------------------------------------

printf '%s\n' "From: Zoë <alice@example.org>" \
    "To: Erin <erin@example.com>, Bob <BOB@Example.ORG>" \
    "Subject: Réunion" "Message-ID: <mail-2@tandem.test>" "" "x" "." "y" \
    >"$tmp/sm.eml"
t2=$(now_ms)
"$(postfix_sendmail)" -t -i <"$tmp/sm.eml" >"$tmp/sendmail.out" 2>&1 8>&-
rc=$?
if [ $rc = 0 ] && postfix_wait_mail erin@example.com 1 &&
    postfix_wait_mail bob@example.org 3 &&
    f=$(postfix_messages erin@example.com) &&
    has "$f" "Subject: Réunion" "From: Zoë <alice@example.org>" &&
    [ "$(sed -n '/^$/,$p' "$f")" = "$(printf '\nx\n.\ny')" ] &&
    [ "$(postfix_messages bob@example.org | tail -n 1 | xargs grep -c mail-2@tandem.test)" = 1 ]; then
	ok "sendmail -t -i: delivered to erin@ and BOB@Example.ORG (bob@example.org's Maildir) in $(($(now_ms) - t2)) ms"
else
	not_ok "sendmail -t -i: exit $rc"
	show "$tmp/sendmail.out"
fi

# Mail from sendmail to a domain that is not a test domain bounces (error
# transport); the bounce goes to the sender, root@mail.tandem.test, and is
# dropped the same way: nothing stays queued.
printf '%s\n' "To: someone@elsewhere.invalid" "Subject: out" "" "x" \
    >"$tmp/out.eml"
"$(postfix_sendmail)" -t -i <"$tmp/out.eml" >"$tmp/sendmail.out" 2>&1 8>&-
check "sendmail to another domain: bounced by the error transport" \
    wait_for 60 grep -q "to=<someone@elsewhere.invalid>.*status=bounced" "$POSTFIX_LOG"

# queue_empty: postqueue -p says so (its output kept in $tmp/queue).
queue_empty() {
	postfix_queue >"$tmp/queue" 2>&1 && grep -q "^Mail queue is empty" "$tmp/queue"
}
wait_for 60 queue_empty
if grep -q "^Mail queue is empty" "$tmp/queue"; then
	ok "the queue is empty at the end (postqueue -c DIR/etc -p)"
else
	not_ok "the queue is empty at the end"
	show "$tmp/queue"
fi

postfix_stop
# postfix_start lays the queue out itself (postfix check takes seconds).
_off=$(wc -c <"$POSTFIX_LOG" | tr -d ' ')
env -i PATH="$POSTFIX_PATH" postfix -c "$POSTFIX_DIR/etc" check \
    >"$tmp/check.out" 2>&1 8>&-
rc=$?
tail -c +$((_off + 1)) "$POSTFIX_LOG" >>"$tmp/check.out"
if [ $rc = 0 ] && ! grep -q -e warning -e fatal -e error "$tmp/check.out"; then
	ok "postfix check: no warnings about DIR (queue, data, config)"
else
	not_ok "postfix check: exit $rc"
	show "$tmp/check.out"
fi

ls -la /etc/postfix >"$tmp/etc.after" 2>&1
check "nothing written to /etc/postfix" cmp -s "$tmp/etc.before" "$tmp/etc.after"
echo "# whole test: $(($(now_ms) - t0)) ms"

done_testing
