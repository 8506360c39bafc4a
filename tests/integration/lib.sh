# Helpers shared by the integration tests, sourced by each of them (POSIX sh).
#
# make check sets top_srcdir and top_builddir; run by hand, both default to
# the source tree this file is in.  Each script gets a private temporary
# directory, $tmp, removed when it exits for whatever reason.  Output is TAP,
# with the plan printed last by done_testing, so that a script that dies
# half-way is reported as such by the TAP driver.

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
: "${top_builddir:=$top_srcdir}"
TANDEMCTL=$top_builddir/daemon/tandemctl
EXAMPLE=$top_srcdir/conf/example

tap_count=0
tap_failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tandem-test.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 1
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

ok() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $*"
}

not_ok() {
	tap_count=$((tap_count + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_count - $*"
}

# Copy stdin, or the files named, to the TAP output as comments.
diag() {
	cat "$@" | sed 's/^/# /'
}

# check DESC COMMAND...: one test, passed when COMMAND succeeds.
check() {
	_desc=$1
	shift
	if "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
	fi
}

# wait_for SECONDS COMMAND...: run COMMAND until it succeeds, every 50 ms,
# for SECONDS at most by the clock (not a count of tries: on a loaded
# machine one try can take long).  0 once COMMAND succeeds; 1 when the time
# is up, with a "# wait_for: ..." line naming COMMAND.  A COMMAND that reads
# a file another process writes must wait for the file, not give up at a
# first failed read: make the file before starting that process.
wait_for() {
	_wf_secs=$1
	_wf_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		if [ "$(date +%s)" -gt "$_wf_end" ]; then
			echo "# wait_for: still false after $_wf_secs s: $*"
			return 1
		fi
		sleep 0.05
	done
}

# alive PID: PID is a process that is neither gone nor a zombie (kill -0
# succeeds on a zombie, and an orphan's zombie may wait a while for its
# reaper).  Linux: /proc.
alive() {
	_st=
	read -r _st 2>/dev/null <"/proc/$1/stat" || return 1
	_st=${_st##*) }
	case $_st in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# gone PID: PID is not alive.
gone() {
	! alive "$1"
}

done_testing() {
	echo "1..$tap_count"
	[ "$tap_failed" -eq 0 ]
}

# t NAME CONDITION: one test, ok when the shell condition (any && and !)
# holds.
t() {
	_name=$1
	shift
	if eval "$*"; then ok "$_name"; else not_ok "$_name"; fi
}

# show FILE...: FILE as TAP comments, even without a last newline.
show() {
	awk 1 "$@" | diag
}

# _passes_at LOG PID N: LOG (tandemd's) shows N passes, or PID is gone (no
# use waiting then).
_passes_at() {
	[ "$(grep -c 'pass: ' "$1")" -ge "$3" ] || ! alive "$2"
}

# wait_passes LOG PID N: until tandemd's LOG shows N passes, at most 120 s
# by the clock (a pass against a server that times out takes a while on a
# loaded machine); 0 when it shows them.  Create LOG before tandemd starts.
wait_passes() {
	wait_for 120 _passes_at "$1" "$2" "$3"
	[ "$(grep -c 'pass: ' "$1")" -ge "$3" ]
}

# example_copy NAME: a writable copy of conf/example in $tmp/NAME; prints it.
# (Under make distcheck the source tree is read-only, and so would the copy be.)
example_copy() {
	rm -rf "${tmp:?}/$1"
	cp -R "$EXAMPLE" "$tmp/$1" && chmod -R u+w "$tmp/$1" || return 1
	echo "$tmp/$1"
}

# edit FILE SED-SCRIPT: edit FILE in place, without relying on sed -i.
edit() {
	sed "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}

# line_of FILE REGEX: the number of the first line of FILE matching REGEX.
line_of() {
	grep -n -- "$2" "$1" | sed -n '1s/:.*//p'
}

# lines FILE: the number of lines in FILE.
lines() {
	wc -l <"$1" | tr -d ' '
}

# ctl DIR ARGS...: run tandemctl -c DIR/tandem.conf ARGS; sets ctl_rc and
# leaves the output in the files $ctl_out and $ctl_err (overwritten by the
# next call).
ctl_out=$tmp/ctl.out
ctl_err=$tmp/ctl.err
ctl() {
	_dir=$1
	shift
	"$TANDEMCTL" -c "$_dir/tandem.conf" "$@" >"$ctl_out" 2>"$ctl_err"
	ctl_rc=$?
}

# has FILE TEXT...: FILE contains every TEXT, as fixed strings.
has() {
	_f=$1
	shift
	for _t in "$@"; do
		grep -F -q -- "$_t" "$_f" || return 1
	done
	return 0
}

# expect_error DESC DIR FILE LINE TEXT...: "validate" on DIR exits 78 with
# nothing on stdout and, on stderr, an error "DIR/FILE:LINE: ..." that
# contains every TEXT.
expect_error() {
	_desc=$1 _d=$2 _file=$3 _line=$4
	shift 4
	ctl "$_d" validate
	grep -F -- "$_d/$_file:$_line: " "$ctl_err" >"$tmp/match"
	if [ "$ctl_rc" -eq 78 ] && [ ! -s "$ctl_out" ] && [ -s "$tmp/match" ] &&
	    has "$tmp/match" "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
		echo "# exit $ctl_rc; expected 78 and $_d/$_file:$_line: $*"
		diag "$ctl_out" "$ctl_err"
	fi
}
