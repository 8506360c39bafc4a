# Postfix helpers for the integration tests (POSIX sh), sourced after lib.sh
# and dav.sh (and after davical-lib.sh when a test uses both): a private
# Postfix (Debian's postfix package) on loopback that takes mail for a few
# test domains by SMTP or sendmail and delivers it into Maildirs in the
# test's temporary directory.  Not a test itself;
# tests/integration/postfix.sh is its self-test.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/dav.sh"
#   . "$(dirname "$0")/postfix-lib.sh"
#   postfix_require                     # 1..0 # SKIP unless root + postfix
#   postfix_start "$tmp/postfix"        # POSTFIX_URL, POSTFIX_MAIL, ...
#   ... tandem sends to $POSTFIX_URL or through $POSTFIX_SENDMAIL ...
#   postfix_wait_mail bob@example.org 1 || not_ok ...
#   postfix_messages bob@example.org    # the message files, oldest first
#
# What it accepts: any recipient in $POSTFIX_DOMAINS (example.org
# example.com corp.example elsewhere.example unless set before
# postfix_start), except reject@DOMAIN, refused at RCPT with 550 5.1.1, and
# defer@DOMAIN, refused at RCPT with 450 4.2.0.  Any other domain gets 554
# 5.7.1 (relay access denied) at RCPT.  Nothing leaves the machine: no
# relayhost, no smtp(8) service at all; the default and local
# transports are error(8), so mail from sendmail to another domain bounces
# (and the bounce, to a sender outside the test domains, is dropped).  No
# DNS: smtpd does no reverse lookup of the client.  smtpd announces
# 8BITMIME (and SMTPUTF8); there is no AUTH and no STARTTLS (Debian's
# postfix has SASL only through dovecot or cyrus; not worth it here).
#
# Delivery: the test domains are relay_domains (any recipient accepted,
# relay_recipient_maps empty) whose transport is a pipe(8) service,
# "maildir", that runs DIR/deliver.py as $POSTFIX_MAIL_USER (nobody unless
# set before postfix_start): one file per message and recipient in
# DIR/mail/ADDRESS/new/ (ADDRESS in lower case; tmp/ then rename, as
# Maildir wants; dirs 755, files 644), readable by the test.  Not
# virtual(8): its virtual_mailbox_maps are "paranoid" (no $1 substitution
# in a regexp map, and no socketmap/tcp map: "not allowed for
# security-sensitive data"), so it cannot give every address its own
# Maildir without listing the addresses first.  pipe(8) writes the message
# as Postfix stores it: lines end in LF, not CRLF (the CRLF of the SMTP
# wire is not kept as bytes; a mail reader puts it back), with
# Return-Path:, X-Original-To: and Delivered-To: prepended (flags DOR);
# cleanup(8) prepends Received: and adds Message-ID:/Date:/From: when
# missing.  Every other byte, 8-bit headers included, is as sent.
#
# Everything lives in DIR: DIR/etc (main.cf, master.cf, the access map),
# DIR/queue (queue_directory, laid out as "postfix check" would),
# DIR/data (data_directory), DIR/mail, the log DIR/maillog (maillog_file:
# Postfix's own postlogd, no syslog), master's stderr DIR/master.out,
# DIR/deliver.py and DIR/sendmail (/usr/sbin/sendmail -C DIR/etc "$@").
# Nothing is written under /etc: Debian installs no /etc/postfix/main.cf
# with "No configuration", and as root "postfix -c", "postqueue -c",
# "master -c" and "sendmail -C" take the private config without any
# alternate_config_directories (postdrop, setgid, checks it only for a
# caller that is not root: run the sendmail as root).  The postfix user
# reaches DIR/queue and nobody DIR/mail, so $tmp is made traversable (o+x).
#
# Lifetime: as in dav.sh, master(8) runs (in the foreground, -d) under
# tests/fixtures/launch.py, which reads dav.sh's fifo and stops it (SIGTERM:
# master passes it on to its process group and exits) when the fifo ends,
# that is when the test's shell is gone, even by SIGKILL.  The launcher is
# a child subreaper: it waits for the last Postfix process (SIGKILL after
# 4 s), so once postfix_stop returns the port is closed.  The EXIT trap
# (replaced here) calls postfix_stop, davical_stop (when davical-lib.sh is
# sourced), dav_cleanup.

POSTFIX_PID=            # the launcher of master(8)
POSTFIX_DIR=
POSTFIX_PORT=
POSTFIX_URL=
POSTFIX_MAIL=
POSTFIX_SENDMAIL=
POSTFIX_LOG=
: "${POSTFIX_DOMAINS:=example.org example.com corp.example elsewhere.example}"
: "${POSTFIX_MAIL_USER:=nobody}"
: "${POSTFIX_WAIT:=60}"
POSTFIX_PATH=/usr/sbin:/usr/bin:/sbin:/bin

trap 'postfix_stop
command -v davical_stop >/dev/null 2>&1 && davical_stop
dav_cleanup; rm -rf "$tmp"' EXIT

# postfix_require: skip the whole script unless we are root and Postfix and
# python3 are installed.
postfix_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP Postfix needs root (a private master(8))"
		exit 0
	fi
	_miss=
	for _f in /usr/sbin/postfix /usr/sbin/postqueue /usr/sbin/sendmail \
	    /usr/lib/postfix/sbin/master /usr/lib/postfix/sbin/pipe \
	    /usr/lib/postfix/sbin/postlogd; do
		[ -x "$_f" ] || _miss="$_miss $_f"
	done
	getent passwd postfix >/dev/null || _miss="$_miss user:postfix"
	getent group postdrop >/dev/null || _miss="$_miss group:postdrop"
	getent passwd "$POSTFIX_MAIL_USER" >/dev/null ||
	    _miss="$_miss user:$POSTFIX_MAIL_USER"
	if [ "$RADICALE_PYTHON" = python3 ] && [ -x /usr/bin/python3 ]; then
		RADICALE_PYTHON=/usr/bin/python3
	fi
	command -v "$RADICALE_PYTHON" >/dev/null || _miss="$_miss python3"
	if [ -n "$_miss" ]; then
		echo "1..0 # SKIP Postfix: missing$_miss"
		exit 0
	fi
}

# _postfix_config PORT: DIR/etc/main.cf, master.cf and the access map.
_postfix_config() {
	_d=$POSTFIX_DIR
	cat >"$_d/etc/main.cf" <<EOT
# Postfix for tandem's tests (tests/integration/postfix-lib.sh)
compatibility_level = 3.6
config_directory = $_d/etc
queue_directory = $_d/queue
data_directory = $_d/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $_d/maillog
maillog_file_prefixes = $_d
myhostname = mail.tandem.test
mydomain = tandem.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
default_transport = error:5.7.1 tandem test Postfix: no outbound mail
local_transport = \$default_transport
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP tandem test Postfix
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:$_d/etc/access
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
relay_domains = $POSTFIX_DOMAINS
relay_recipient_maps =
relay_transport = maildir
maildir_destination_recipient_limit = 1
message_size_limit = 20480000
delay_warning_time = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOT
	cat >"$_d/etc/access" <<'EOT'
reject@	550 5.1.1 tandem test: this recipient is always refused
defer@	450 4.2.0 tandem test: this recipient is always deferred
EOT
	# No chroot (Debian's own master.cf chroots into the queue), and only
	# the services this setup uses: no smtp(8), no local(8).
	cat >"$_d/etc/master.cf" <<EOT
# service type private unpriv chroot wakeup maxproc command
127.0.0.1:$1 inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
maildir   unix  - n n - - pipe flags=DORhu user=$POSTFIX_MAIL_USER
  argv=$RADICALE_PYTHON $_d/deliver.py $_d/mail \${recipient}
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOT
	cat >"$_d/deliver.py" <<'EOT'
# Maildir delivery for tandem's test Postfix, run by pipe(8) as
# $POSTFIX_MAIL_USER: deliver.py MAILROOT RECIPIENT < message.  Writes the
# message as it gets it into MAILROOT/RECIPIENT/tmp, then renames it into
# new/.  75 (EX_TEMPFAIL) makes Postfix try again, 67 (EX_NOUSER) bounces.
import os, sys, time
root, rcpt = sys.argv[1], sys.argv[2].lower()
local, at, domain = rcpt.rpartition("@")
if not (local and at and domain) or "/" in rcpt or rcpt.startswith("."):
    print("tandem test Postfix: no Maildir for %r" % rcpt)
    sys.exit(67)
box = os.path.join(root, rcpt)
name = "%d.P%d.tandem" % (time.time_ns(), os.getpid())
try:
    os.umask(0o022)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(box, sub), exist_ok=True)
    data = sys.stdin.buffer.read()
    with open(os.path.join(box, "tmp", name), "wb") as f:
        f.write(data)
    os.rename(os.path.join(box, "tmp", name), os.path.join(box, "new", name))
except OSError as e:
    print("tandem test Postfix: %s" % e)
    sys.exit(75)
EOT
	chmod 644 "$_d/deliver.py"
	cat >"$_d/sendmail" <<EOT
#!/bin/sh
# Postfix's sendmail for the private instance in $_d
exec /usr/sbin/sendmail -C $_d/etc "\$@"
EOT
	chmod 755 "$_d/sendmail"
	# Postfix re-reads a main.cf (or a texthash map) whose mtime is within
	# a second of "now", every 300 ms, until it is older ("let it settle"):
	# 1.5 s for every start.  These files are complete: date them back.
	touch -t 200001010000 "$_d/etc/main.cf" "$_d/etc/master.cf" \
	    "$_d/etc/access"
}

# _postfix_queue_dirs: the subdirectories of DIR/queue, with the owners and
# modes "postfix check" gives them (Debian's postfix-files), without its
# seconds of shell.
_postfix_queue_dirs() {
	_q=$POSTFIX_DIR/queue
	(cd "$_q" && mkdir -p active bounce corrupt defer deferred flush hold \
	    incoming private saved trace maildrop public pid &&
	    chown postfix:root active bounce corrupt defer deferred flush hold \
	    incoming private saved trace &&
	    chmod 700 active bounce corrupt defer deferred flush hold \
	    incoming private saved trace &&
	    chown postfix:postdrop maildrop public && chmod 730 maildrop &&
	    chmod 710 public && chown root:root pid && chmod 755 pid)
}

# _postfix_wait_ready PID PORT: 0 once smtpd answers on PORT with a 220
# (and master, under launcher PID, still runs); 1 if it died first; 2 after
# 60 s.
_postfix_wait_ready() {
	_dav_wait "$1" 60 'def ready(port):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as s:
        if not s.makefile("rb").readline().startswith(b"220 "):
            return False
        s.sendall(b"QUIT\r\n")
        return True' "$2"
}

# postfix_start DIR: Postfix with all its state in DIR (kept: a second
# postfix_start on the same DIR after postfix_stop finds the same queue and
# mail), smtpd on 127.0.0.1 at a free port, tried up to 5 times.  Returns
# once smtpd answers.  Sets and exports POSTFIX_PORT, POSTFIX_URL
# (smtp://127.0.0.1:PORT), POSTFIX_MAIL (DIR/mail), POSTFIX_SENDMAIL
# (DIR/sendmail) and POSTFIX_DIR; POSTFIX_LOG is DIR/maillog.
postfix_start() {
	POSTFIX_DIR=$1
	case $POSTFIX_DIR in
	/*) ;;
	*) POSTFIX_DIR=$(pwd)/$POSTFIX_DIR ;;
	esac
	case $POSTFIX_DIR in
	*[!A-Za-z0-9/._-]*)
		_dav_bail "postfix_start: unusual characters in $POSTFIX_DIR" ;;
	esac
	[ ${#POSTFIX_DIR} -le 70 ] ||
	    _dav_bail "postfix_start: $POSTFIX_DIR is too long for sockets"
	_dav_fifo
	_d=$POSTFIX_DIR
	mkdir -p "$_d/etc" "$_d/queue" "$_d/data" "$_d/mail" || exit 1
	chmod o+x "$tmp" && chmod 755 "$_d" "$_d/etc" || exit 1
	chown postfix "$_d/data" &&
	    chown "$POSTFIX_MAIL_USER:" "$_d/mail" || exit 1
	touch "$_d/maillog" "$_d/master.out"
	POSTFIX_LOG=$_d/maillog
	POSTFIX_MAIL=$_d/mail
	POSTFIX_SENDMAIL=$_d/sendmail
	_try=0
	while [ $_try -lt 5 ]; do
		_try=$((_try + 1))
		_port=${_postfix_same_port:-$(_dav_free_port)}
		_postfix_config "$_port"
		[ -d "$_d/queue/maildrop" ] || _postfix_queue_dirs ||
		    _dav_bail "postfix_start: cannot make $_d/queue"
		_off=$(wc -c <"$_d/maillog" | tr -d ' ')
		_off2=$(wc -c <"$_d/master.out" | tr -d ' ')
		(cd "$_d" && exec "$RADICALE_PYTHON" "$DAV_LAUNCH" SIGTERM - \
		    /usr/lib/postfix/sbin/master -c "$_d/etc" -d) \
		    <"$tmp/dav.fifo" >>"$_d/master.out" 2>&1 8>&- &
		POSTFIX_PID=$!
		if _postfix_wait_ready "$POSTFIX_PID" "$_port"; then
			POSTFIX_PORT=$_port
			POSTFIX_URL=smtp://127.0.0.1:$_port
			export POSTFIX_PORT POSTFIX_URL POSTFIX_MAIL \
			    POSTFIX_SENDMAIL POSTFIX_DIR
			return 0
		fi
		_dav_reap "$POSTFIX_PID"
		POSTFIX_PID=
		_dav_port_taken "$_d/maillog" "$_off" "$_d/master.out" "$_off2" ||
		    break
		[ -n "${_postfix_same_port:-}" ] && sleep 0.2
	done
	_dav_bail "Postfix did not start" "$_d/master.out" "$_d/maillog"
}

# postfix_stop: stop master(8) and every Postfix process (the port is closed
# when it returns); queue and mail kept in DIR.
postfix_stop() {
	[ -n "$POSTFIX_PID" ] || return 0
	_dav_reap "$POSTFIX_PID"
	POSTFIX_PID=
}

# postfix_restart: stop and start again, same port, same queue and mail.
postfix_restart() {
	postfix_stop
	_postfix_same_port=$POSTFIX_PORT
	postfix_start "$POSTFIX_DIR"
	_postfix_same_port=
}

# postfix_sendmail: print the path of a sendmail(1) for the private
# instance (DIR/sendmail: /usr/sbin/sendmail -C DIR/etc "$@"), to be run
# as root, e.g. "$(postfix_sendmail) -t -i <msg".  Also in $POSTFIX_SENDMAIL.
postfix_sendmail() {
	echo "$POSTFIX_SENDMAIL"
}

# postfix_messages ADDRESS: the message files in ADDRESS's Maildir (new/
# and cur/), one a line, oldest delivery first.
postfix_messages() {
	_m=$POSTFIX_MAIL/$(echo "$1" | tr '[:upper:]' '[:lower:]')
	# shellcheck disable=SC2012
	ls -1tr "$_m"/new/* "$_m"/cur/* 2>/dev/null |
	    while read -r _f; do [ -f "$_f" ] && echo "$_f"; done
}

# postfix_count ADDRESS: the number of messages in ADDRESS's Maildir (new/
# and cur/); 0 when it has none.
postfix_count() {
	_m=$POSTFIX_MAIL/$(echo "$1" | tr '[:upper:]' '[:lower:]')
	find "$_m/new" "$_m/cur" -type f 2>/dev/null | wc -l | tr -d ' '
}

# postfix_wait_mail ADDRESS N: wait until ADDRESS's Maildir holds N
# messages (new/ + cur/), polling, $POSTFIX_WAIT (60) s at most.  Returns 0
# when it holds exactly N; 1, with "# ..." lines saying why and the end of
# the log, when it holds fewer after the deadline or more at any time.
postfix_wait_mail() {
	_end=$(($(date +%s%3N) + POSTFIX_WAIT * 1000))
	while :; do
		_n=$(postfix_count "$1")
		[ "$_n" -eq "$2" ] && return 0
		[ "$_n" -gt "$2" ] && break
		[ "$(date +%s%3N)" -lt "$_end" ] || break
		sleep 0.05
	done
	echo "# postfix_wait_mail: $1 has $_n messages, not $2 (after ${POSTFIX_WAIT} s at most)"
	tail -n 15 "$POSTFIX_LOG" | diag
	return 1
}

# postfix_queue: print the queue (postqueue -p) of the private instance;
# "Mail queue is empty" when it is.
postfix_queue() {
	env -i PATH="$POSTFIX_PATH" LANG=C.UTF-8 \
	    postqueue -c "$POSTFIX_DIR/etc" -p 8>&-
}
