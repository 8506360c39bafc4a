#!/bin/sh
# One state, one writer: a tandemd, serving or --once, holds an exclusive
# lock on its state (STATE.lock) for as long as it runs, and a second one on
# the same state says who holds it and exits 75 without touching the store;
# a damaged store is refused with what to do, and left as it was.
#
# conf/example with invite = imip through a sendmail that records every
# e-mail, and a hook that records every run.  At 2027-01-04 a pass sends 8
# e-mails and runs the hook once (Sofia and James's first session is
# unschedulable).
#
# 1. Two `tandemd --once` started at the same moment on one configuration,
#    eight times from a fresh state: exactly one runs, the other exits 75
#    naming the state and the pid of the one that runs; every e-mail goes
#    out once, the hook runs once, nobody fails with a migration error.
# 2. A serving tandemd holds the state: a second one with another socket
#    on the same state exits 75 (and never makes its socket), and so does a
#    --once; once the first has stopped, the second starts.
# 3. A truncated, a zeroed-header and an empty store: tandemd exits 1 with
#    "not a tandem store", the path, a backup, `tandemctl export` and how
#    to start afresh; the file is byte for byte as it was, nothing is sent.
# 4. Starting afresh as tandemd(8) says: the damaged file moved away, one
#    pass with invite = outbox: rebuilds the state without mailing anybody,
#    the sessions where the lost state had them; the next pass with the
#    real configuration sends nothing.
. "$(dirname "$0")/lib.sh"

T=2027-01-04T08:00Z
ex=$(example_copy ex) || { echo "Bail out! cannot copy conf/example"; exit 1; }
conf=$ex/tandem.conf
state=$ex/state/state.db
sock=$ex/state/tandemd.sock
sent=$tmp/sent		# one line per e-mail: MESSAGE-ID RECIPIENT
hooked=$tmp/hooked	# one line per hook run: EVENT-ID EVENT
mkdir "$tmp/mails"
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# Run as: sendmail -i -f SENDER -- RECIPIENT, the message on stdin.  It
# waits for $tmp/go (60 s at most): in the race below, the tandemd that
# sends cannot be done before the other has even started.
cat >"$tmp/sendmail" <<EOF
#!/bin/sh
n=0
while [ ! -e "$tmp/go" ] && [ \$n -lt 1200 ]; do
	sleep 0.05
	n=\$((n + 1))
done
f=\$(mktemp "$tmp/mails/m.XXXXXX") || exit 75
cat >"\$f"
id=\$(sed -n 's/^Message-I[Dd]: *//p' "\$f" | head -n 1 | tr -d '\r')
echo "\$id \$5" >>"$sent"
EOF
cat >"$ex/hooks/record" <<EOF
#!/bin/sh
cat >/dev/null
echo "\$TANDEM_EVENT_ID \$1" >>"$hooked"
EOF
chmod 0755 "$tmp/sendmail" "$ex/hooks/record"
edit "$conf" 's|^invite .*|invite = imip|; s|^hook .*|hook = hooks/record|'
{ printf '[mail]\nsendmail = %s\n\n' "$tmp/sendmail"; cat "$conf"; } \
    >"$conf.new" && mv "$conf.new" "$conf"
# The same state, another socket.
sed 's|^socket .*|socket = state/other.sock|' "$conf" >"$ex/other.conf"
other=$ex/other.conf
osock=$ex/state/other.sock

# The real program, not libtool's wrapper script (as crash.sh): two
# wrappers starting at once are shell scripts that take longer to start
# than the race this is about.
TANDEMD=$top_builddir/daemon/tandemd
if [ -x "$top_builddir/daemon/.libs/tandemd" ] &&
    grep -q 'temporary wrapper script' "$TANDEMD" 2>/dev/null &&
    LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    "$top_builddir/daemon/.libs/tandemd" -n -c "$conf" 2>/dev/null; then
	TANDEMD=$top_builddir/daemon/.libs/tandemd
	LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi
"$TANDEMD" -n -c "$conf" 2>"$tmp/err" && "$TANDEMD" -n -c "$other" 2>>"$tmp/err"
check "tandemd accepts both configurations" [ $? -eq 0 ]
[ "$tap_failed" -eq 0 ] || { show "$tmp/err"; done_testing; exit 1; }

# unique FILE: no line of FILE appears twice.
unique() {
	[ "$(sort "$1" | uniq -d | wc -l)" -eq 0 ]
}

# refused PID LOG: LOG says the state is held by tandemd PID.
refused() {
	has "$2" "$state is in use by tandemd" "(pid $1" "one state, one writer"
}

# one_gone PID PID: either has exited.
one_gone() {
	gone "$1" || gone "$2"
}

# --- 1. two --once at the same moment --------------------------------------

# Each sends only once one of them has exited: the one that lost the race
# for the lock (or, without a lock, one that a migration error stopped).
trial=0
while [ $trial -lt 8 ]; do
	trial=$((trial + 1))
	rm -rf "$ex/state"
	rm -f "$tmp/go"
	: >"$sent"
	: >"$hooked"
	: >"$tmp/a.log"
	: >"$tmp/b.log"
	"$TANDEMD" -c "$conf" --once --now "$T" 2>>"$tmp/a.log" &
	a=$!
	"$TANDEMD" -c "$conf" --once --now "$T" 2>>"$tmp/b.log" &
	b=$!
	pids="$a $b"
	wait_for 60 one_gone $a $b
	: >"$tmp/go"
	wait "$a"
	ra=$?
	wait "$b"
	rb=$?
	pids=""
	if [ $ra -eq 0 ] && [ $rb -eq 75 ] && refused $a "$tmp/b.log"; then
		one=ok
	elif [ $rb -eq 0 ] && [ $ra -eq 75 ] && refused $b "$tmp/a.log"; then
		one=ok
	else
		one=
	fi
	if [ -n "$one" ]; then
		ok "trial $trial: one --once runs, the other exits 75 naming the state and its pid"
	else
		not_ok "trial $trial: one --once runs, the other exits 75 naming the state and its pid (exits $ra, $rb)"
		show "$tmp/a.log" "$tmp/b.log"
	fi
	n=$(lines "$sent")
	h=$(lines "$hooked")
	if [ "$n" -eq 8 ] && unique "$sent" && [ "$h" -eq 1 ]; then
		ok "trial $trial: 8 e-mails, each once; the hook ran once"
	else
		not_ok "trial $trial: 8 e-mails, each once; the hook ran once ($n e-mails, $h hook runs)"
		sort "$sent" | uniq -d | diag
	fi
	t "trial $trial: no migration error" \
	    '! grep -q -i -e migration -e "cannot open" "$tmp/a.log" "$tmp/b.log"'
done
: >"$tmp/go"

"$TANDEMD" -c "$conf" --once --now "$T" 2>"$tmp/again.log"
rc=$?
t "a third pass afterwards sends nothing" \
    '[ $rc -eq 0 ] && [ "$(lines "$sent")" -eq 8 ] && [ "$(lines "$hooked")" -eq 1 ]'
t "the lock file beside the state is 0600 and names the last holder" \
    '[ "$(stat -c %a "$state.lock")" = 600 ] && grep -q "^[0-9][0-9]* " "$state.lock"'

# --- 2. a serving tandemd holds the state ------------------------------------

: >"$tmp/serve.log"
"$TANDEMD" -d -c "$conf" 2>>"$tmp/serve.log" &
srv=$!
pids=$srv
check "a serving tandemd starts" wait_for 60 has "$tmp/serve.log" "started with"

: >"$tmp/second.log"
timeout 60 "$TANDEMD" -d -c "$other" 2>>"$tmp/second.log"
rc=$?
if [ $rc -eq 75 ] && has "$tmp/second.log" \
    "another tandemd is running on $sock (pid $srv) and holds $state; one state, one writer" &&
    [ ! -e "$osock" ] && alive $srv; then
	ok "a second tandemd with another socket on the same state exits 75, saying who holds it"
else
	not_ok "a second tandemd with another socket on the same state exits 75, saying who holds it (exit $rc)"
	show "$tmp/second.log"
fi
t "it never opened its socket nor the store" \
    '! grep -q -e "control socket" -e "pass: " "$tmp/second.log"'

: >"$tmp/once.log"
timeout 60 "$TANDEMD" -c "$other" --once --now "$T" 2>>"$tmp/once.log"
rc=$?
t "a --once beside it exits 75 as well" \
    '[ $rc -eq 75 ] && has "$tmp/once.log" "another tandemd is running on $sock (pid $srv)"'

kill -TERM $srv
wait $srv
rc=$?
pids=""
check "the first stops cleanly" [ $rc -eq 0 ]

: >"$tmp/second.log"
"$TANDEMD" -d -c "$other" 2>>"$tmp/second.log" &
srv=$!
pids=$srv
check "once it has stopped, the second starts" \
    wait_for 60 has "$tmp/second.log" "started with"
answers() {
	"$TANDEMCTL" -c "$other" status >/dev/null 2>&1
}
check "and answers on its own socket" wait_for 60 answers
kill -TERM $srv
wait $srv
pids=""

# --- 3. a damaged store --------------------------------------------------------

rm -rf "$ex/state"
: >"$sent"
: >"$hooked"
"$TANDEMD" -c "$conf" --once --now "$T" 2>"$tmp/good.log"
check "a pass on a fresh state" [ $? -eq 0 ]
cp "$state" "$tmp/good.db"
cp "$sent" "$tmp/good.sent"
size=$(wc -c <"$state")

# damaged KIND: tandemd (--once, then serving) refuses the store as it is.
damaged() {
	: >"$sent"
	: >"$hooked"
	rm -f "$state-wal" "$state-shm"
	cp "$state" "$tmp/damaged"
	: >"$tmp/d.log"
	timeout 60 "$TANDEMD" -c "$conf" --once --now "$T" 2>>"$tmp/d.log"
	rc=$?
	if [ $rc -eq 1 ] && has "$tmp/d.log" "$state: not a tandem store" \
	    "put back a copy of $state from a backup" "tandemctl export" \
	    "to start afresh, move $state away" "tandemd(8)"; then
		ok "$1: refused with what to do (exit 1)"
	else
		not_ok "$1: refused with what to do (exit $rc)"
		show "$tmp/d.log"
	fi
	t "$1: the file is as it was, nothing was sent" \
	    'cmp -s "$state" "$tmp/damaged" && [ ! -e "$state-wal" ] &&
	    [ ! -e "$state-shm" ] && [ ! -s "$sent" ] && [ ! -s "$hooked" ]'
	: >"$tmp/d.log"
	timeout 60 "$TANDEMD" -d -c "$conf" 2>>"$tmp/d.log"
	rc=$?
	t "$1: a serving tandemd refuses it too, before its socket" \
	    '[ $rc -eq 1 ] && has "$tmp/d.log" "$state: not a tandem store" &&
	    [ ! -e "$sock" ] && cmp -s "$state" "$tmp/damaged"'
}

head -c $((size / 2)) "$tmp/good.db" >"$state"
damaged "a store cut to half its size"
cp "$tmp/good.db" "$state"
dd if=/dev/zero of="$state" bs=100 count=1 conv=notrunc 2>/dev/null
damaged "a store whose header is zeroed"
: >"$state"
damaged "an empty store"

# --- 4. starting afresh --------------------------------------------------------

cp "$tmp/good.db" "$state"
dd if=/dev/zero of="$state" bs=100 count=1 conv=notrunc 2>/dev/null
mv "$state" "$tmp/lost.db"
# tandemd(8)'s command, word for word.
sed -e 's|^invite[[:space:]]*=.*|invite = outbox:scratch|' \
    -e '/^hook[[:space:]]*=/d' "$conf" >"$ex/scratch.conf"
: >"$sent"
: >"$hooked"
"$TANDEMD" -c "$ex/scratch.conf" --once --now "$T" 2>"$tmp/scratch.log"
rc=$?
n=$(ls "$ex/scratch" 2>/dev/null | grep -c '\.eml$')
t "afresh, a pass into a scratch outbox, without the hook, rebuilds the state and mails nobody" \
    '[ $rc -eq 0 ] && [ "$n" -gt 0 ] && [ ! -s "$sent" ] && [ ! -s "$hooked" ]'
if command -v sqlite3 >/dev/null 2>&1; then
	q="SELECT uid, sequence, start, end, state FROM session ORDER BY uid"
	sqlite3 "$tmp/good.db" "$q" >"$tmp/good.sessions"
	sqlite3 "$state" "$q" >"$tmp/fresh.sessions"
	t "the sessions are where the lost state had them" \
	    'cmp -s "$tmp/good.sessions" "$tmp/fresh.sessions"'
else
	ok "the sessions are where the lost state had them # SKIP no sqlite3"
fi
"$TANDEMD" -c "$conf" --once --now "$T" 2>"$tmp/real.log"
rc=$?
t "the next pass with the real configuration sends nothing, runs no hook" \
    '[ $rc -eq 0 ] && [ ! -s "$sent" ] && [ ! -s "$hooked" ] &&
    has "$tmp/real.log" "pass: 0 invitation(s), 0 moved, 0 cancelled"'
[ "$tap_failed" -eq 0 ] || show "$tmp/scratch.log" "$tmp/real.log"

done_testing
