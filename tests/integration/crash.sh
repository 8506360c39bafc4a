#!/bin/sh
# Crash safety: `tandemd --once` killed with SIGKILL at random moments, then
# restarted, neither loses nor repeats an invitation or a hook run.
#
# The scenario is conf/example with attendance = checkin and grace = 1d:
# nobody checks in, so every session is missed a day after it ends, which
# fires `missed` for each and `lapse` after two in a row, besides the
# `unschedulable` of Sofia and James's first session.  The clock steps
# through 2027 with the program's cadence, so that every step sends
# invitations and runs hooks.
#
# 1. Reference: every step undisturbed, from a fresh state: the .eml files
#    of the outbox, the hook events, the store.  Each step is run twice;
#    the second pass must do nothing, and its time (a pass's time before it
#    carries anything out) and the first's set the range of the delays.
# 2. Crash sequences, each from a fresh state and outbox: at every step,
#    tandemd is started and killed with SIGKILL after a random delay, from
#    half the idle pass's time to the whole pass's (as measured from here,
#    start-up included; scaled as the machine's speed drifts), so that
#    kills land in the decisions, mostly in the effects, and some after
#    the end; then, as systemd's KillMode=control-group would, what
#    is left of it is killed too (hooks run in process groups of their
#    own); then the step is run again undisturbed (the restart).  Sequences
#    are repeated until CRASH_KILLS kills have landed while tandemd ran.
# 3. After each sequence: the outbox holds exactly the reference's .eml
#    files, each byte for byte the message the store queued and the
#    reference's, and nothing else
#    but .tmp-* files (reported); the store's sessions and jobs are the
#    reference's; every hook event of the reference completed, and no
#    other.  A message that a restart finds already in the outbox (a mail
#    sent twice, for iMIP) and a hook event completed twice are possible
#    only when the kill landed after the effect and before tandem recorded
#    the job done; they are counted, and fail the test unless the run
#    before explains them: it was killed, it made the effect (the message
#    was not in the outbox before it; no earlier completion of the hook was
#    in a run that was not killed), and its log shows no line after the
#    effect's "written"/"delivered" (which would mean store_job_finish()
#    had returned).
#
# The hook's one effect is made last and by one system call: a file created
# with O_EXCL, named by the hook's pid, its parent's pid, the number of the
# run it was started in (a file the test rewrites before each run) and the
# event id, so that no completion goes unrecorded.  A hook that finds its
# tandemd dead (it has been reparented) does not make it: under systemd it
# would have been killed at the same moment as tandemd.  The test kills
# leftover hooks as well, but only after the fact.
#
# Environment: CRASH_KILLS (default 50), CRASH_MAX_SEQUENCES (25),
# CRASH_KEEP=DIR to keep the logs and the table of runs.
. "$(dirname "$0")/lib.sh"

KILLS=${CRASH_KILLS:-50}
MAX_SEQUENCES=${CRASH_MAX_SEQUENCES:-25}
STEPS="2027-01-04T08:00Z 2027-01-18T08:00Z 2027-02-08T08:00Z 2027-03-01T08:00Z
2027-03-22T08:00Z 2027-04-12T08:00Z 2027-05-03T08:00Z 2027-05-24T08:00Z
2027-06-14T08:00Z 2027-07-05T08:00Z"

if [ ! -r /proc/self/stat ] || [ ! -r /proc/self/comm ]; then
	echo "1..0 # SKIP no /proc"
	exit 0
fi
for c in pgrep pkill sha256sum od; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "1..0 # SKIP $c not found"
		exit 0
	fi
done
case $(date +%N) in
[0-9]*) ;;
*)	echo "1..0 # SKIP date +%N (nanoseconds) not supported"
	exit 0 ;;
esac
has_sqlite=0
command -v sqlite3 >/dev/null 2>&1 && has_sqlite=1

t_begin=$(date +%s)
ex=$(example_copy ex) || { echo "Bail out! cannot copy conf/example"; exit 1; }
conf=$ex/tandem.conf
hook=$ex/hooks/escalate
rec=$tmp/rec
db=$ex/state/state.db
edit "$conf" 's/^attendance[[:space:]]*=.*/attendance  = checkin/
s/^grace[[:space:]]*=.*/grace       = 1d/
/^hook[[:space:]]*=/d'
printf 'hook        = hooks/escalate\n' >>"$conf"	# [program] is the last section
grep -q '^attendance  = checkin$' "$conf" && grep -q '^grace       = 1d$' "$conf" || {
	echo "Bail out! conf/example has no attendance or grace line to edit"
	exit 1
}
mkdir -p "$ex/hooks"
cat >"$hook" <<EOF
#!/bin/sh
# crash.sh's hook.  Its one effect, made last and by one system call: a
# file created with O_EXCL (noclobber) named PID~PARENT~RUN~EVENT-ID.  A
# hook whose tandemd has died (it has been reparented), or that was
# orphaned before it started, does not make it: under systemd it would
# have been killed with tandemd.
cat >/dev/null
read -r run <"$rec/run"
id=\$TANDEM_EVENT_ID
case \$id in */*) id=\$(printf '%s' "\$id" | tr / +) ;; esac
read -r comm <"/proc/\$PPID/comm" || exit 9
case \$comm in *tandemd*) ;; *) : >"$rec/cut/\$\$"; exit 9 ;; esac
read -r stat <"/proc/\$\$/stat" || exit 9
set -- \$stat
[ "\$4" = "\$PPID" ] || { : >"$rec/cut/\$\$"; exit 9; }
set -C
: >"$rec/done/\$\$~\$PPID~\$run~\$id"
EOF
chmod 0755 "$hook"

# The real program, not libtool's wrapper script: the wrapper is a shell
# script that takes longer to start than tandemd takes to run, and a kill
# landing in it would test nothing.
TANDEMD=$top_builddir/daemon/tandemd
if [ -x "$top_builddir/daemon/.libs/tandemd" ] &&
    grep -q 'temporary wrapper script' "$TANDEMD" 2>/dev/null &&
    LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    "$top_builddir/daemon/.libs/tandemd" -n -c "$conf" 2>/dev/null; then
	TANDEMD=$top_builddir/daemon/.libs/tandemd
	LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi
"$TANDEMD" -n -c "$conf" 2>"$tmp/err"
check "tandemd accepts the scenario's configuration" [ $? -eq 0 ]
[ "$tap_failed" -eq 0 ] || { diag "$tmp/err"; done_testing; exit 1; }

# pgrep/pkill patterns (extended regular expressions) for the hook and for
# tandemd with this configuration (which a hook's forked child is, until it
# has executed the hook).
ere() { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }
hook_re=$(ere "$hook")
conf_re=$(ere "$conf")

now_ms() { echo $(($(date +%s%N) / 1000000)); }
random() { echo $(($(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % ($1 + 1))); }
seconds() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# A fresh state, outbox and hook record.
fresh() {
	rm -rf "$ex/state" "$ex/outbox" "$rec"
	mkdir -p "$rec/done" "$rec/cut"
	: >"$tmp/resends"
}

# start T: tandemd --once at T in the background, as run number $runno;
# sets pid.  Its log is $tmp/log.$runno.
runno=0
start() {
	runno=$((runno + 1))
	echo "$runno" >"$rec/run.new" && mv "$rec/run.new" "$rec/run"
	: >"$tmp/log.$runno"	# there even when the kill lands before tandemd opens it
	"$TANDEMD" -c "$conf" --once --now "$1" >/dev/null 2>>"$tmp/log.$runno" &
	pid=$!
}

# Kill what a killed tandemd leaves behind, as systemd would: hooks (each
# is the leader of its own process group) and forked children that have
# not yet executed theirs.  Sets reaped to 1 when there was any.  Bounded
# (30 s by the clock: each try runs pgrep and pkill, slow on a loaded machine).
reap() {
	reaped=0
	_end=$(($(date +%s) + 30))
	while pgrep -f "$hook_re|$conf_re" >/dev/null; do
		reaped=1
		for _p in $(pgrep -f "$hook_re"); do
			kill -9 -"$_p" 2>/dev/null
			kill -9 "$_p" 2>/dev/null
		done
		pkill -9 -f "$conf_re"
		if [ "$(date +%s)" -gt "$_end" ]; then
			echo "# processes left after a kill:"
			pgrep -a -f "$hook_re|$conf_re" | sed 's/^/#   /'
			return 1
		fi
		sleep 0.01
	done
	return 0
}

# runs: one line per run: RUN PID RC KIND SEQUENCE STEP DELAY-MS PHASE
: >"$tmp/runs"
note_run() {
	echo "$runno $pid $1 $2 $3 $4 $5 $6" >>"$tmp/runs"
}

# Where a killed run was when the kill landed, from its log.
phase_of() {
	if ! grep -q 'SCHED: pass:' "$1"; then
		echo before-commit
	elif ! grep -q 'HOOK: ' "$1"; then
		echo sending
	else
		echo hooks
	fi
}

# resends CRASH RESTART RC: the messages the restart (run number RESTART)
# found already in the outbox, which for a mail transport would be messages
# sent twice, each judged by the killed run before it (number CRASH, exit
# RC): explained when that run wrote it first ($tmp/before lists the outbox
# before it) and the kill landed before it had recorded the message done
# (no line after its "written").
resends() {
	grep 'SEND: already in the outbox: ' "$tmp/log.$2" |
	    sed 's/.*already in the outbox: //' | while read -r _f; do
		if [ "$3" -ne 137 ]; then
			echo "UNEXPLAINED ${_f##*/}: run $1 before it was not killed"
		elif grep -qxF "${_f##*/}" "$tmp/before"; then
			echo "UNEXPLAINED ${_f##*/}: in the outbox before run $1"
		elif awk -v f="$_f" 'seen { found = 1; exit }
		    index($0, "SEND: written: " f) { seen = 1 }
		    END { exit !found }' "$tmp/log.$1"; then
			echo "UNEXPLAINED ${_f##*/}: run $1 had recorded it done"
		else
			echo "RESENT ${_f##*/} (after run $1)"
		fi
	done
}

# manifest OUT: "NAME SHA256" of each .eml of the outbox (byte for byte:
# a message's MIME boundaries come from its key, its Date from --now).
manifest() {
	: >"$1"
	for _f in "$ex"/outbox/*.eml; do
		[ -f "$_f" ] || continue
		echo "${_f##*/} $(sha256sum <"$_f" | cut -d' ' -f1)" >>"$1"
	done
}

# completions OUT: "ID RUN CLASS" per hook completion, ordered by run;
# CLASS is killed, clean, or orphan (its parent was no run's tandemd).
completions() {
	ls "$rec/done" | awk -v runs="$tmp/runs" '
	BEGIN {
		while ((getline l < runs) > 0) {
			split(l, f, " ")
			pid[f[1]] = f[2]
			rc[f[1]] = f[3]
		}
	}
	{
		# PID~PARENT~RUN~EVENT-ID
		split($0, f, "~")
		id = substr($0, length(f[1] f[2] f[3]) + 4)
		cls = pid[f[3]] != f[2] ? "orphan" : rc[f[3]] == 137 ? "killed" : "clean"
		rank = cls == "orphan" ? 0 : cls == "killed" ? 1 : 2
		printf "%s %s %s %d\n", id, f[3], cls, rank
	}' | sort -k1,1 -k2,2n -k4,4n | cut -d' ' -f1-3 >"$1"
}

# The store's decisions, to compare with the reference's: sessions, and
# jobs without their ids and without the messages' bytes (those are
# compared in the outbox).
store_dump() {
	sqlite3 "$db" "SELECT * FROM session ORDER BY program, mentor, mentee, idx;
	    SELECT kind, key, queued, done, attempts, not_before,
	    CASE kind WHEN 'hook' THEN payload ELSE '' END FROM job ORDER BY key;" \
	    >"$1" 2>&1
}

# The messages the store queued, byte for byte, into DIR.
queued_messages() {
	rm -rf "$1" && mkdir "$1" &&
	sqlite3 "$db" "SELECT count(writefile('$1/' || key || '.eml',
	    substr(payload, instr(payload, char(10)) + 1)))
	    FROM job WHERE kind = 'outbox'" >/dev/null
}

# 1. The reference, each step run twice: the second pass, with nothing
# left to do, measures how long tandemd takes before it carries anything
# out.  durations: STEP MS IDLE-MS
fresh
: >"$tmp/durations"
ref_ok=1
idle_ok=1
for T in $STEPS; do
	t0=$(now_ms)
	start "$T"
	wait "$pid"
	rc=$?
	t1=$(now_ms)
	note_run "$rc" ref 0 "$T" 0 -
	start "$T"
	wait "$pid"
	rc2=$?
	t2=$(now_ms)
	note_run "$rc2" ref-idle 0 "$T" 0 -
	echo "$T $((t1 - t0)) $((t2 - t1))" >>"$tmp/durations"
	if [ "$rc" -ne 0 ] || [ "$rc2" -ne 0 ]; then
		ref_ok=0
		echo "# reference step $T: exit $rc, then $rc2"
		diag "$tmp/log.$((runno - 1))" "$tmp/log.$runno"
	fi
	if grep -q -e 'SEND: ' -e 'HOOK: ' "$tmp/log.$runno" ||
	    ! grep -q 'pass: 0 invitation(s), 0 moved, 0 cancelled, 0 decided' \
	    "$tmp/log.$runno"; then
		idle_ok=0
		echo "# reference step $T, second pass:"
		diag "$tmp/log.$runno"
	fi
done
check "the reference runs every step with exit 0" [ $ref_ok -eq 1 ]
check "a second pass at the same time does nothing" [ $idle_ok -eq 1 ]
manifest "$tmp/ref.manifest"
completions "$tmp/ref.completions"
cut -d' ' -f1 "$tmp/ref.completions" | sort -u >"$tmp/ref.events"
cp -R "$ex/outbox" "$tmp/ref.outbox"
n_eml=$(lines "$tmp/ref.manifest")
n_ev=$(lines "$tmp/ref.events")
check "the reference writes invitations ($n_eml .eml)" [ "$n_eml" -gt 0 ]
check "the reference runs hooks ($n_ev events: missed, lapse, unschedulable)" \
	has "$tmp/ref.events" missed: lapse: unschedulable:
check "each hook event of the reference completes once" \
	[ "$(lines "$tmp/ref.completions")" -eq "$n_ev" ]
if [ $has_sqlite -eq 1 ]; then
	store_dump "$tmp/ref.store"
	queued_messages "$tmp/ref.queued"
fi
echo "# reference: $n_eml .eml, $n_ev hook events; step durations (ms), a pass" \
    "with work / with none:" $(awk '{ printf " %s/%s", $2, $3 }' "$tmp/durations")
[ "$tap_failed" -eq 0 ] || { done_testing; exit 1; }

# 2 and 3. Crash sequences.
landed=0 after_exit=0 seq=0 dups=0 resent=0 orphans=0 reaps=0 cuts=0 scale=100
p_before=0 p_sending=0 p_hooks=0
while [ $landed -lt "$KILLS" ] && [ $seq -lt "$MAX_SEQUENCES" ]; do
	seq=$((seq + 1))
	fresh
	seq_ok=1
	for T in $STEPS; do
		# From half the idle pass's time to the whole pass's, times
		# scale percent: most kills land while it carries things out.
		set -- $(sed -n "s/^$T //p" "$tmp/durations")
		lo=$(($2 / 2))
		hi=$1
		[ $hi -gt $lo ] || hi=$((lo + 1))
		delay=$(((lo + $(random $((hi - lo)))) * scale / 100))
		ls "$ex/outbox" >"$tmp/before" 2>/dev/null
		start "$T"
		sleep "$(seconds "$delay")"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=$?
		reap || seq_ok=0
		# The machine's speed drifts (other builds, other tests): the
		# delays follow it, aiming at about one kill in six after the end.
		if [ "$rc" -eq 137 ]; then
			[ $scale -ge 300 ] || scale=$((scale * 103 / 100 + 1))
		else
			[ $scale -le 20 ] || scale=$((scale * 85 / 100))
		fi
		if [ "$rc" -eq 137 ]; then
			landed=$((landed + 1))
			phase=$(phase_of "$tmp/log.$runno")
			case $phase in
			before-commit) p_before=$((p_before + 1)) ;;
			sending) p_sending=$((p_sending + 1)) ;;
			hooks) p_hooks=$((p_hooks + 1)) ;;
			esac
			reaps=$((reaps + reaped))
		else
			after_exit=$((after_exit + 1))
			phase=after-exit
		fi
		note_run "$rc" crash "$seq" "$T" "$delay" "$phase"
		crc=$rc
		start "$T"
		wait "$pid"
		rc=$?
		note_run "$rc" restart "$seq" "$T" 0 -
		resends $((runno - 1)) "$runno" "$crc" >>"$tmp/resends"
		if [ "$rc" -ne 0 ]; then
			seq_ok=0
			echo "# sequence $seq, restart at $T: exit $rc"
			diag "$tmp/log.$runno"
		fi
	done
	check "sequence $seq: every restart exits 0, no process left behind" \
	    [ $seq_ok -eq 1 ]

	# The outbox: the reference's files, each as queued, nothing else.
	manifest "$tmp/manifest"
	ls -A "$ex/outbox" | grep '^\.tmp-' >"$tmp/tmpfiles"
	ls -A "$ex/outbox" | grep -v '^\.tmp-' | grep -v '\.eml$' >"$tmp/strays"
	if [ -s "$tmp/tmpfiles" ]; then
		echo "# sequence $seq: temporary files left in the outbox:"
		diag "$tmp/tmpfiles"
	fi
	if cmp -s "$tmp/manifest" "$tmp/ref.manifest" && [ ! -s "$tmp/strays" ]; then
		ok "sequence $seq: the outbox holds the reference's $n_eml .eml, no more, no less"
	else
		not_ok "sequence $seq: the outbox holds the reference's $n_eml .eml, no more, no less"
		echo "# < reference, > this sequence (name, sha256):"
		diff "$tmp/ref.manifest" "$tmp/manifest" | grep '^[<>]' | diag
		diag "$tmp/strays"
	fi
	if [ $has_sqlite -eq 1 ]; then
		queued_messages "$tmp/queued"
		bad=""
		for f in "$ex"/outbox/*.eml; do
			[ -f "$f" ] || continue
			cmp -s "$f" "$tmp/queued/${f##*/}" || bad="$bad ${f##*/}"
		done
		check "sequence $seq: each .eml is byte for byte the message queued" \
		    [ -z "$bad" ]
		[ -n "$bad" ] && echo "# differ:$bad"
		store_dump "$tmp/store"
		if cmp -s "$tmp/store" "$tmp/ref.store"; then
			ok "sequence $seq: the store's sessions and jobs are the reference's"
		else
			not_ok "sequence $seq: the store's sessions and jobs are the reference's"
			diff "$tmp/ref.store" "$tmp/store" | head -40 | diag
		fi
	fi

	r=$(lines "$tmp/resends")
	resent=$((resent + r))
	if grep -q '^UNEXPLAINED ' "$tmp/resends"; then
		not_ok "sequence $seq: no message delivered twice but where a kill explains it ($r)"
		echo "# runs of this sequence (run pid rc kind sequence step delay-ms phase):"
		awk -v s="$seq" '$5 == s' "$tmp/runs" | diag
	else
		ok "sequence $seq: no message delivered twice but where a kill explains it ($r)"
	fi
	[ -s "$tmp/resends" ] && diag "$tmp/resends"

	# The hooks: every event of the reference, once, or twice only where a
	# kill explains it.
	completions "$tmp/completions"
	awk -v refev="$tmp/ref.events" -v runs="$tmp/runs" -v logs="$tmp/log." '
	BEGIN {
		while ((getline l < refev) > 0)
			want[l] = 1
	}
	# Has killed run r recorded job id done?  (A line after its
	# "delivered" means store_job_finish() had returned.)
	function committed(r, id,    f, l, seen) {
		f = logs r
		seen = 0
		while ((getline l < f) > 0) {
			if (seen) {
				close(f)
				return 1
			}
			if (index(l, " " id ": delivered") > 0)
				seen = 1
		}
		close(f)
		return 0
	}
	{
		n[$1]++
		id[$1, n[$1]] = $1
		run[$1, n[$1]] = $2
		cls[$1, n[$1]] = $3
	}
	END {
		bad = 0
		for (e in want)
			if (!(e in n)) {
				printf "LOST %s: never completed\n", e
				bad = 1
			}
		for (e in n) {
			if (!(e in want)) {
				printf "EXTRA %s: not a reference event\n", e
				bad = 1
			}
			if (n[e] < 2)
				continue
			printf "DUP %s: %d completions:", e, n[e]
			for (k = 1; k <= n[e]; k++)
				printf " run %s (%s)", run[e, k], cls[e, k]
			why = ""
			for (k = 1; k < n[e]; k++) {
				if (cls[e, k] == "clean")
					why = "an earlier completion in a run that was not killed"
				else if (cls[e, k] == "killed" && run[e, k + 1] == run[e, k])
					why = "two completions in one run"
				else if (cls[e, k] == "killed" && committed(run[e, k], e))
					why = "run " run[e, k] " had recorded it done"
			}
			if (why != "") {
				printf "; UNEXPLAINED: %s", why
				bad = 1
			} else
				printf "; the kill landed after the hook finished and before it was recorded done"
			printf "\n"
		}
		exit bad
	}' "$tmp/completions" >"$tmp/verdict"
	verdict=$?
	o=$(grep -c ' orphan$' "$tmp/completions")
	c=$(($(lines "$tmp/completions") - $(cut -d' ' -f1 "$tmp/completions" | sort -u | wc -l)))
	dups=$((dups + c))
	orphans=$((orphans + o))
	cuts=$((cuts + $(ls "$rec/cut" | wc -l)))
	if [ $verdict -eq 0 ]; then
		ok "sequence $seq: every hook event completed; $c duplicate(s), each explained by its kill"
	else
		not_ok "sequence $seq: every hook event completed; $c duplicate(s), each explained by its kill"
	fi
	[ -s "$tmp/verdict" ] && diag "$tmp/verdict"
	if [ $verdict -ne 0 ]; then
		echo "# runs of this sequence (run pid rc kind sequence step delay-ms phase):"
		awk -v s="$seq" '$5 == s' "$tmp/runs" | diag
	fi
done

total=$((landed + after_exit))
check "at least $KILLS kills landed while tandemd ran ($landed of $total)" \
	[ $landed -ge "$KILLS" ]
echo "# $seq sequences of $(echo $STEPS | wc -w) steps; $total runs killed with SIGKILL after a random delay (scale at the end: $scale%)"
echo "# kills that landed while tandemd ran: $landed (before the pass committed: $p_before; after it, before any hook: $p_sending; among the hooks: $p_hooks)"
echo "# kills after tandemd had already exited: $after_exit"
echo "# hooks that outlived their killed tandemd and so did not complete: $cuts; killed runs that left a process behind to kill: $reaps"
echo "# duplicate hook completions: $dups (completions by hooks orphaned before exec: $orphans)"
echo "# messages a restart found already in the outbox (for mail, a second send): $resent"
echo "# run time: $(($(date +%s) - t_begin)) s"
# CRASH_KEEP=DIR keeps the logs, run table and last sequence's files.
if [ -n "${CRASH_KEEP:-}" ]; then
	mkdir -p "$CRASH_KEEP" && cp -R "$tmp"/. "$CRASH_KEEP"/ &&
	    echo "# kept in $CRASH_KEEP"
fi
done_testing
