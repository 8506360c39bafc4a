#!/bin/sh
# Invitations by e-mail over TLS and with SMTP AUTH: a loopback SMTP server
# (tests/fixtures/smtp-server.py, Debian's python3-aiosmtpd) with a
# certificate for 127.0.0.1 from a CA made here by openssl, which the
# system's store does not know.  (The Postfix of mail.sh has neither AUTH
# nor TLS.)
#
# On a fixed clock (tandemd --once --now): with starttls = yes, a user, a
# password_file and the CA as ca_file every invitation arrives, over TLS,
# authenticated as that user; smtps:// as well.  A certificate that ca_file
# (or, without ca_file, the system's store) does not vouch for is refused
# and the e-mails wait; so they do when starttls = yes meets a server that
# offers no STARTTLS (with starttls = no it gets them in clear).  A user and
# password_file over smtp:// without starttls: tandem does not log in (the
# password would go in clear), the e-mails wait and the log says why,
# unless plain_auth_loopback = yes allows it to a loopback server.  A wrong
# password: nothing sent, the log says the login was refused and what to
# check, the e-mails wait, and once the password_file is mended a pass after
# the retry time delivers them.  A password_file readable by others is
# refused by name.  The password is never in tandem's log or output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"

SMTP_PY=$top_srcdir/tests/fixtures/smtp-server.py
CHECK=$top_srcdir/tests/fixtures/imip-check.py
T0=2027-01-04T08:00:00Z
MAIL_USER=tandem-mailer
PW=pw-$$-Xq7sZr2v		# distinctive, to look for in the logs
WRONG=wrong-$$-Jb4kTn8c
: >"$tmp/exits"
SMTP_PID=

trap 'smtp_stop; dav_cleanup; rm -rf "$tmp"' EXIT

# smtp_require: skip unless a python3 has aiosmtpd (Debian's lives in
# /usr/bin/python3, which need not be the python3 on PATH), and openssl and
# sqlite3 are there.  Sets SMTP_PYTHON.
smtp_require() {
	SMTP_PYTHON=
	for _py in /usr/bin/python3 python3; do
		if "$_py" -c 'import aiosmtpd.smtp' 2>/dev/null; then
			SMTP_PYTHON=$_py
			break
		fi
	done
	if [ -z "$SMTP_PYTHON" ]; then
		echo "1..0 # SKIP python3-aiosmtpd not installed"
		exit 0
	fi
	for _c in openssl sqlite3; do
		command -v "$_c" >/dev/null || {
			echo "1..0 # SKIP $_c not installed"
			exit 0
		}
	done
}

# smtp_start NAME MODE [ARGS...]: smtp-server.py in MODE (starttls, smtps,
# plain) with the certificate for 127.0.0.1 and ARGS, its messages in
# $tmp/smtp-NAME/mail and its log $tmp/smtp-NAME/smtp.log.  Sets SMTP_PORT,
# SMTP_LOG, SMTP_MAIL and SMTP_PID.  One at a time: it stops the previous
# one.  It reads the fifo of dav.sh, so it exits when the test does, however
# that ends; it is ready once it has written its port (it listens by then).
smtp_start() {
	smtp_stop
	_dav_fifo
	_d=$tmp/smtp-$1 _mode=$2
	shift 2
	mkdir -p "$_d" || exit 1
	SMTP_LOG=$_d/smtp.log SMTP_MAIL=$_d/mail
	: >"$SMTP_LOG"
	rm -f "$_d/port"
	"$SMTP_PYTHON" "$SMTP_PY" --mode "$_mode" --cert "$pki/server.pem" \
	    --key "$pki/server.key" --maildir "$SMTP_MAIL" --log "$SMTP_LOG" \
	    --port-file "$_d/port" "$@" \
	    <"$tmp/dav.fifo" 2>"$_d/smtp.err" 8>&- &
	SMTP_PID=$!
	wait_for 60 _dav_port_or_dead "$_d/port" "$SMTP_PID"
	if [ ! -s "$_d/port" ]; then
		echo "Bail out! smtp-server.py did not start"
		diag "$_d/smtp.err"
		exit 1
	fi
	SMTP_PORT=$(cat "$_d/port")
}

smtp_stop() {
	[ -n "$SMTP_PID" ] || return 0
	_dav_reap "$SMTP_PID"
	SMTP_PID=
}

# ca NAME: a throwaway CA, $pki/NAME.pem and .key.
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$pki/$1.key" -out "$pki/$1.pem" -days 2 \
	    -subj "/CN=tandem test $1" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>>"$pki/log"
}

# The server's certificate: for IP 127.0.0.1, signed by the CA "ca".
make_pki() {
	pki=$tmp/pki
	mkdir -p "$pki" || exit 1
	printf '%s\n' "subjectAltName = IP:127.0.0.1" \
	    "basicConstraints = critical,CA:FALSE" \
	    "keyUsage = critical,digitalSignature" \
	    "extendedKeyUsage = serverAuth" >"$pki/server.ext"
	ca ca && ca other-ca &&
	    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$pki/server.key" -out "$pki/server.csr" \
	    -subj "/CN=127.0.0.1" 2>>"$pki/log" &&
	    openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" \
	    -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
	    -extfile "$pki/server.ext" -out "$pki/server.pem" 2>>"$pki/log" &&
	    openssl verify -CAfile "$pki/ca.pem" "$pki/server.pem" >/dev/null || {
		echo "Bail out! openssl could not make the certificates"
		diag "$pki/log"
		exit 1
	}
}

# t NAME 'CONDITION': one test, passed when the shell condition holds;
# when it fails, the end of the pass's log and of the server's.
t() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		tail -n 5 "$tmp/$name.log" "$SMTP_LOG" 2>/dev/null | diag
	fi
}

# setup NAME [MAIL-LINES]: a copy of the example, invite = imip, with
# [mail] smtp = $URL and MAIL-LINES; the password $PW in $ex/smtp.pw
# (0600).  Its log is $tmp/NAME.log, its standard output $tmp/NAME.out.
setup() {
	name=$1
	ex=$(example_copy "$1")
	conf="$ex/tandem.conf"
	edit "$conf" "s|^invite .*|invite = imip|; s|^hook .*||"
	{ printf '[mail]\nsmtp = %s\n%s\n\n' "$URL" "${2:-}"; cat "$conf"; } \
	    >"$conf.new" && mv "$conf.new" "$conf"
	(umask 077 && printf '%s\n' "$PW" >"$ex/smtp.pw")
	: >"$tmp/$1.log"
	: >"$tmp/$1.out"
}

# once T: a pass at T, logging to $tmp/$name.log and .out; an exit status
# other than 0 is noted in $tmp/exits.
once() {
	"$top_builddir/daemon/tandemd" -c "$conf" --once --now "$1" \
	    >>"$tmp/$name.out" 2>>"$tmp/$name.log" 8>&- ||
	    echo "$name at $1: exit $?" >>"$tmp/exits"
}

sql() { sqlite3 "$ex/state/state.db" "$1"; }

# jobs WHERE: the number of e-mail jobs WHERE holds for.
jobs() { sql "SELECT COUNT(*) FROM job WHERE kind = 'imip' AND $1"; }
sent() { jobs "done IS NOT NULL AND failed = 0"; }
waiting() { jobs "done IS NULL AND failed = 0"; }
given_up() { jobs "failed != 0"; }

# received: the number of messages the server took.
received() {
	find "$SMTP_MAIL" -name '*.eml' -type f 2>/dev/null | wc -l | tr -d ' '
}

# all_sent: there are e-mails, the server took each of them exactly once
# (as many messages as jobs done), and none waits or was given up.
all_sent() {
	_n=$(sent)
	[ "$_n" -gt 0 ] && [ "$(received)" -eq "$_n" ] &&
	    [ "$(waiting)" -eq 0 ] && [ "$(given_up)" -eq 0 ]
}

# all_over_tls MECHANISM: every message the server took came over TLS
# (1.2 or 1.3), after AUTH with MECHANISM as $MAIL_USER.
all_over_tls() {
	_n=$(received)
	[ "$(grep -c "^message .* tls=yes version=TLSv1\.[23] user=$MAIL_USER from=" "$SMTP_LOG")" -eq "$_n" ] &&
	    [ "$(grep -c "^message " "$SMTP_LOG")" -eq "$_n" ] &&
	    grep -q "^auth .* result=ok mechanism=$1 user=$MAIL_USER\$" "$SMTP_LOG"
}

# envelopes_match: the envelopes the server got (MAIL FROM, RCPT TO) are
# those of the jobs done, each once.
envelopes_match() {
	sql "SELECT json_extract(env, '$.from') || ' ' || json_extract(env, '$.to')
	    FROM (SELECT substr(payload, 1, instr(payload, char(10)) - 1) AS env
	    FROM job WHERE kind = 'imip' AND done IS NOT NULL AND failed = 0)" |
	    sed 's/\["\(.*\)"\]$/\1/; s/","/,/g' | sort >"$tmp/want"
	sed -n 's/^message .* from=\([^ ]*\) rcpt=\([^ ]*\) file=.*/\1 \2/p' \
	    "$SMTP_LOG" | sort >"$tmp/got"
	[ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"
}

# as_queued: the messages the server took are, byte for byte, those of the
# jobs done (each job's payload after its envelope line).
as_queued() {
	"$SMTP_PYTHON" -c 'import glob, hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
h = lambda b: hashlib.sha256(b).hexdigest()
want = sorted(h(p.split("\n", 1)[1].encode()) for (p,) in db.execute(
    "SELECT payload FROM job WHERE kind = '"'imip'"' AND done IS NOT NULL"
    " AND failed = 0"))
got = sorted(h(open(f, "rb").read()) for f in glob.glob(sys.argv[2] + "/*.eml"))
sys.exit(not (want and want == got))' "$ex/state/state.db" "$SMTP_MAIL" 8>&-
}

# imip_all: every message the server took is iMIP, METHOD:REQUEST.
imip_all() {
	for _f in "$SMTP_MAIL"/*.eml; do
		"$SMTP_PYTHON" "$CHECK" "$_f" REQUEST 8>&- || return 1
	done
}

# nothing_sent: no job done, none given up, all waiting; the server took
# no message.
nothing_sent() {
	[ "$(waiting)" -gt 0 ] && [ "$(sent)" -eq 0 ] &&
	    [ "$(given_up)" -eq 0 ] && [ "$(received)" -eq 0 ] &&
	    ! grep -q "^message " "$SMTP_LOG"
}

# tls_failed: the server says the handshake failed, tandem having refused
# its certificate.  It logs that once it has read tandem's alert, which may
# be after tandem has exited: waited for.
tls_failed() {
	wait_for 60 grep -q "^tls-failed .* error=TLSV1_ALERT_UNKNOWN_CA" "$SMTP_LOG"
}

# logged REGEX: the pass's log has a line matching REGEX (grep -E).
logged() { grep -Eq -- "$1" "$tmp/$name.log"; }

smtp_require
make_pki
# The [mail] lines of a login over STARTTLS that works (password_file is
# relative to tandem.conf).
AUTH_LINES="starttls = yes
user = $MAIL_USER
password_file = smtp.pw
ca_file = $pki/ca.pem"
printf '%s\n' "$PW" >"$tmp/server.pw"

# --- STARTTLS and AUTH ----------------------------------------------------

smtp_start starttls starttls --user "$MAIL_USER" --password-file "$tmp/server.pw" \
    --auth LOGIN
URL=smtp://127.0.0.1:$SMTP_PORT
setup starttls "$AUTH_LINES"
once $T0
n=$(sed -n 's/.*pass: \([0-9]*\) invitation.*/\1/p' "$tmp/$name.log")
t "STARTTLS + AUTH: every e-mail is taken, once ($(sent) for $n invitations)" \
    'all_sent && [ "$(sent)" -eq $((2 * ${n:-0})) ]'
t "each came over TLS, logged in as $MAIL_USER (AUTH LOGIN)" 'all_over_tls LOGIN &&
    [ "$(grep -c "^starttls .* version=TLSv1\.[23]" "$SMTP_LOG")" -ge 1 ]'
t "from the organizer, to the attendee of its job" 'envelopes_match'
t "they are the invitations, byte for byte as queued, iMIP" \
    'as_queued && imip_all'
t "the log says how each left" \
    'logged "SEND: .*mailed to [^ ]+@corp\.example \(SMTP 250\)"'

# --- smtps ------------------------------------------------------------------

smtp_start smtps smtps --user "$MAIL_USER" --password-file "$tmp/server.pw" \
    --auth PLAIN
URL=smtps://127.0.0.1:$SMTP_PORT
setup smtps "user = $MAIL_USER
password_file = smtp.pw
ca_file = $pki/ca.pem"
once $T0
t "smtps:// (TLS from the start): every e-mail is taken, once ($(sent))" \
    'all_sent && envelopes_match && as_queued'
t "over TLS, logged in as $MAIL_USER (AUTH PLAIN)" 'all_over_tls PLAIN &&
    ! grep -q "^starttls " "$SMTP_LOG"'

# --- certificates that do not verify ---------------------------------------

smtp_start badca starttls --user "$MAIL_USER" --password-file "$tmp/server.pw"
URL=smtp://127.0.0.1:$SMTP_PORT
setup other-ca "$(printf '%s\n' "$AUTH_LINES" | sed 's|/ca\.pem$|/other-ca.pem|')"
once $T0
t "a certificate that ca_file does not vouch for: refused, nothing is sent" \
    'tls_failed && nothing_sent && ! grep -q "^auth " "$SMTP_LOG"'
t "the e-mails wait, and the log says why" \
    'logged "JOBS: imip .*(SSL certificate|certificate verify).*; retry in 60 s"'
setup system-ca "$(printf '%s\n' "$AUTH_LINES" | grep -v '^ca_file')"
: >"$SMTP_LOG"
once $T0
t "without ca_file the system's store does not know the CA: nothing sent" \
    'tls_failed && nothing_sent && ! grep -q "^auth " "$SMTP_LOG" &&
    logged "JOBS: imip .*(SSL certificate|certificate verify).*; retry in 60 s"'

# --- starttls = yes, and a server without STARTTLS --------------------------

smtp_start plain plain
URL=smtp://127.0.0.1:$SMTP_PORT
setup no-starttls "starttls = yes
ca_file = $pki/ca.pem"
once $T0
t "starttls = yes and no STARTTLS offered: nothing goes in clear, all wait" \
    'nothing_sent && grep -q "^connect " "$SMTP_LOG" &&
    logged "JOBS: imip .*STARTTLS not supported.*; retry in 60 s"'
setup clear "starttls = no"
once $T0
t "with starttls = no the same server gets them, in clear" \
    'all_sent && [ "$(grep -c "^message .* tls=no " "$SMTP_LOG")" -eq "$(sent)" ]'

# --- a password over plain SMTP ---------------------------------------------

smtp_start clear-auth plain --user "$MAIL_USER" --password-file "$tmp/server.pw" \
    --auth-in-clear
URL=smtp://127.0.0.1:$SMTP_PORT
setup clear-login "user = $MAIL_USER
password_file = smtp.pw"
once $T0
t "user and password_file, smtp:// and starttls = no: no AUTH, nothing sent" \
    'nothing_sent && ! grep -q "^auth " "$SMTP_LOG" && ! grep -q "^connect " "$SMTP_LOG"'
t "the e-mails wait as for a login refused, and the log says why" \
    'logged "JOBS: imip .*would send the password in clear.*starttls = yes.*; retry in 60 s" &&
    logged "tandem does not log in to the MTA in clear: [0-9]+ more e-mails? wait 60 s"'
t "tandemd warned of it at start, naming tandem.conf:LINE" \
    'logged "$conf:4: warning: .*in clear"'
setup clear-loopback "user = $MAIL_USER
password_file = smtp.pw
plain_auth_loopback = yes"
once $T0
t "with plain_auth_loopback = yes, to 127.0.0.1: all sent, after AUTH in clear" \
    'all_sent && grep -q "^auth .* result=ok mechanism=[A-Z]* user=$MAIL_USER\$" "$SMTP_LOG" &&
    [ "$(grep -c "^message .* tls=no version=- user=$MAIL_USER " "$SMTP_LOG")" -eq "$(sent)" ]'
t "and without a warning" '! logged "warning: "'

# --- a wrong password, mended ----------------------------------------------

smtp_start wrong starttls --user "$MAIL_USER" --password-file "$tmp/server.pw" \
    --auth LOGIN
URL=smtp://127.0.0.1:$SMTP_PORT
setup wrong "$AUTH_LINES"
printf '%s\n' "$WRONG" >"$ex/smtp.pw"
once $T0
t "a wrong password: nothing is sent, the e-mails wait ($(waiting))" \
    'nothing_sent && grep -q "^auth .* result=refused .* user=$MAIL_USER\$" "$SMTP_LOG"'
t "the log says the login was refused, and what to check" \
    'logged "the MTA refused tandem.s login \(.*\): check \[mail\] user and password_file; retry in 60 s"'
t "one login is tried, not one per e-mail: the others wait with it" \
    '[ "$(grep -c "^auth " "$SMTP_LOG")" -eq 1 ] &&
    logged "[0-9]+ more e-mails? wait 60 s"'
printf '%s\n' "$PW" >"$ex/smtp.pw"
once 2027-01-04T08:00:30Z
t "mended: not before the retry time" \
    '[ "$(received)" -eq 0 ] && [ "$(sent)" -eq 0 ]'
once 2027-01-04T08:01:01Z
t "mended: the next pass after it delivers them all, once, over TLS" \
    'all_sent && all_over_tls LOGIN && envelopes_match'

# No user set for a server that requires AUTH (530): a setting to mend too.
smtp_start nouser starttls --user "$MAIL_USER" --password-file "$tmp/server.pw"
URL=smtp://127.0.0.1:$SMTP_PORT
setup no-user "starttls = yes
ca_file = $pki/ca.pem"
once $T0
t "AUTH required and no [mail] user: the e-mails wait, none is given up" \
    'nothing_sent && [ "$(given_up)" -eq 0 ] &&
    logged "the MTA refused tandem.s login \(.*530.*\): check \[mail\] user and password_file; retry in 60 s" &&
    logged "the MTA refused tandem.s login: [0-9]+ more e-mails? wait 60 s"'

# --- a password_file others may read ---------------------------------------

smtp_start mode starttls --user "$MAIL_USER" --password-file "$tmp/server.pw"
URL=smtp://127.0.0.1:$SMTP_PORT
setup mode "$AUTH_LINES"
chmod 644 "$ex/smtp.pw"
once $T0
t "a password_file of mode 0644: nothing is sent, the e-mails wait" \
    'nothing_sent && ! grep -q "^auth " "$SMTP_LOG"'
t "and the error names the file" \
    'logged "$ex/smtp\.pw: readable by group or others \(mode 0644\)"'

# --- the password stays secret, and every pass ended well ------------------

t "the password is in no log or output of tandem's" \
    '! cat "$tmp"/*.log "$tmp"/*.out | grep -F -q -e "$PW" -e "$WRONG"'
t "every pass exited 0, without a sanitizer's report" \
    '[ ! -s "$tmp/exits" ] &&
    ! cat "$tmp"/*.log | grep -E -q "ERROR: (Address|Leak)Sanitizer|runtime error:"'
diag "$tmp/exits"

done_testing
