#!/bin/sh
# tandemd under systemd: the unit's hardening as systemd-analyze rates it, and
# the sd_notify protocol (READY, RELOADING, STOPPING) read from a real
# NOTIFY_SOCKET, as systemd would read it for Type=notify.

. "$(dirname "$0")/lib.sh"

TANDEMD=$top_builddir/daemon/tandemd
unit=$top_builddir/systemd/tandemd.service

if systemd-analyze security --offline=true --threshold=20 "$unit" \
    >"$tmp/sec" 2>&1 && grep -q "Overall exposure level for tandemd.service: [0-2]\.[0-9]" "$tmp/sec"; then
	ok "the unit's exposure is 2.0 or less ($(sed -n 's/.*Overall exposure level for tandemd.service: \([0-9.]*\).*/\1/p' "$tmp/sec"))"
else
	not_ok "the unit's exposure is 2.0 or less"
	tail -5 "$tmp/sec" | diag
fi
check "the unit is Type=notify and runs tandemd from sbindir" \
	sh -c "grep -q '^Type=notify$' '$unit' &&
	    grep -q '^ExecStart=/.*/tandemd -d -c /.*/tandem/tandem.conf$' '$unit'"

# A notify socket: a small listener that appends each datagram as one line.
d=$(example_copy notify)
cat >"$tmp/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
python3 "$tmp/listen.py" "$tmp/notify.sock" "$tmp/notes" &
lpid=$!
srv=""
trap 'kill $lpid $srv 2>/dev/null; rm -rf "$tmp"' EXIT
# noted REGEX [N]: N (default 1) lines of the notes match REGEX.
noted() {
	[ "$(grep -c "$1" "$tmp/notes")" -ge "${2:-1}" ]
}
# The listener makes the notes file once its socket is bound.
wait_for 60 [ -f "$tmp/notes" ]

NOTIFY_SOCKET=$tmp/notify.sock "$TANDEMD" -d -c "$d/tandem.conf" 2>"$tmp/log" &
srv=$!
check "READY=1 once the service runs" wait_for 60 noted "^READY=1 STATUS=1 program(s)"
kill -HUP "$srv"
check "RELOADING=1 on SIGHUP" wait_for 60 noted "^RELOADING=1"
check "READY=1 again once the configuration is reloaded" \
	wait_for 60 noted "^READY=1" 2
kill -TERM "$srv"
wait "$srv"
rc=$?
srv=""
# tandemd has sent it; the listener may not have written it yet.
check "STOPPING=1 on SIGTERM" wait_for 60 noted "^STOPPING=1"
check "and a clean exit" [ "$rc" -eq 0 ]

done_testing
