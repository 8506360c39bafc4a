#!/bin/sh
# Hooks as the engine runs them: a failing hook is retried with backoff
# (not before its time, and not after it succeeded), a hook that outlives
# hook_timeout is killed and retried, one that always fails is given up
# after ten attempts, and its output reaches the log.  Sofia and James's
# first session in conf/example is unschedulable at the first pass, which
# fires the `unschedulable` hook.
. "$(dirname "$0")/lib.sh"

T0=2027-01-04T08:00:00Z

# setup NAME HOOK-BODY [TIMEOUT-LINE]: a copy of the example with that hook.
setup() {
	ex=$(example_copy "$1")
	printf '#!/bin/sh\n%s\n' "$2" >"$ex/hook"
	chmod 0755 "$ex/hook"
	conf="$ex/tandem.conf"
	edit "$conf" "s|^hook .*|hook = hook|; s|^hook_timeout .*|${3:-hook_timeout = 60}|"
	: >"$tmp/$1.log"
}

# once T NAME: a pass at T, run from the copy's folder (the hook's cwd).
once() {
	(cd "$ex" && "$top_builddir/daemon/tandemd" -c "$conf" --once --now "$1" \
	    2>>"$tmp/$2.log")
}

attempts() { cat "$ex/count" 2>/dev/null || echo 0; }

# A hook that fails twice, then succeeds; it counts its runs.
setup retry 'n=$(($(cat count 2>/dev/null || echo 0) + 1)); echo $n >count
echo "attempt $n for $TANDEM_EVENT_ID"; [ $n -ge 3 ] || exit 3'
once $T0 retry
check "a failing hook is run once by the pass" [ "$(attempts)" -eq 1 ]
check "its failure and the retry time are logged" \
	grep -q 'unschedulable:.*: exit status 3; retry in 60 s' "$tmp/retry.log"
check "its output reaches the log" grep -q 'HOOK: unschedulable .*: attempt 1 for unschedulable:' \
	"$tmp/retry.log"
once 2027-01-04T08:00:30Z retry
check "it is not retried before its time" [ "$(attempts)" -eq 1 ]
once 2027-01-04T08:01:01Z retry
check "it is retried once its time has come" [ "$(attempts)" -eq 2 ]
check "the second wait is twice the first" grep -q 'retry in 120 s' "$tmp/retry.log"
once 2027-01-04T08:03:01Z retry
check "the third attempt succeeds" sh -c '[ "$1" -eq 3 ] && grep -q ": delivered" "$2"' - "$(attempts)" "$tmp/retry.log"
once 2027-01-05T08:00:00Z retry
check "a delivered hook is not run again" [ "$(attempts)" -eq 3 ]

# A hook that outlives hook_timeout, with a child of its own.
setup timeout 'sleep 60 & echo $! >"$PWD/child"; wait' 'hook_timeout = 1'
once $T0 timeout
check "a hook past its timeout is killed and retried" \
	grep -q 'unschedulable:.*: timed out; its process group was killed; retry in 60 s' \
	"$tmp/timeout.log"
# (Not kill -0: the killed child is an orphan, and its zombie may wait for
# its reaper a while; and with no child file it would test pid 1.)
child=$(cat "$ex/child" 2>/dev/null)
check "its child went with it (the whole process group)" \
	wait_for 30 gone "${child:-0}"

# A hook that always fails: ten attempts, a day apart, then given up.
setup giveup 'echo run >>"$PWD/runs"; exit 1'
for d in 04 05 06 07 08 09 10 11 12 13 14 15; do
	once 2027-01-${d}T08:00:00Z giveup
done
check "a hook that always fails runs ten times" [ "$(wc -l <"$ex/runs")" -eq 10 ]
check "and is then given up, saying so" \
	grep -q 'exit status 1; giving up after 10 attempts' "$tmp/giveup.log"

if [ "$tap_failed" -gt 0 ]; then
	diag "$tmp/retry.log" "$tmp/timeout.log" "$tmp/giveup.log"
fi
done_testing
