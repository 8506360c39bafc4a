#!/bin/sh
# tandemctl plan on conf/example, as of 2027-03-01T00:00Z.
#
# Expected by hand: cadence every 3 weeks, start Monday 2027-01-11 10:00
# Europe/Berlin, duration 12 months (exclusive).  A pair without a start of
# its own meets 2027-01-11 + 21k days while that is before 2028-01-11; 365
# days / 21 = 17.4, so k = 0..17: 18 sessions, the last 2028-01-03.  The pair
# sofia/james starts 2027-02-01 15:00; its 12 months end 2028-02-01: again
# k = 0..17, 18 sessions at 15:00, the last 2028-01-24.  Berlin is on summer
# time (+02:00) from 2027-03-28 to 2027-10-31, so sessions 2027-04-05 to
# 2027-10-11 are at +02:00 and the others at +01:00.  Before --now: 01-11,
# 02-01 and 02-22 (3 sessions) for the first two pairs, 02-01 and 02-22 (2)
# for the third.  Of the holidays in holidays.ics only Whit Monday,
# 2027-05-17, falls on a session day: one session per pair.

. "$(dirname "$0")/lib.sh"

NOW=2027-03-01T00:00Z
json=$tmp/plan.json

# pycheck DESC PYTHON: one test; PYTHON runs with s = the sessions of
# $json and fails the test with an AssertionError (its message shown).
pycheck() {
	if python3 -c "
import datetime, json, sys
s = json.load(open(sys.argv[1]))
def pair(mentor):
    return [x for x in s if x['mentor'] == mentor]
LENA, PRIYA, SOFIA = 'lena.vogel@corp.example', 'priya.shah@corp.example', 'sofia.rossi@corp.example'
$2
" "$json" 2>"$tmp/py.err"; then
		ok "$1"
	else
		not_ok "$1"
		diag "$tmp/py.err"
	fi
}

ctl "$EXAMPLE" plan --json --now "$NOW"
cp "$ctl_out" "$json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ]; then
	ok "plan --json exits 0"
else
	not_ok "plan --json exits 0 (exit $ctl_rc)"
	diag "$ctl_err"
fi

pycheck "the output is a JSON array of 54 sessions with the documented fields" "
assert isinstance(s, list), type(s)
assert len(s) == 54, len(s)
keys = {'program', 'mentor', 'mentee', 'index', 'timezone', 'nominal', 'start',
        'end', 'status', 'holiday'}
for x in s:
    assert set(x) == keys, sorted(x)
    assert x['program'] == 'reverse-2027', x
    assert x['timezone'] == 'Europe/Berlin', x
"

pycheck "18 sessions for each of the three pairs" "
got = {}
for x in s:
    got[(x['mentor'], x['mentee'])] = got.get((x['mentor'], x['mentee']), 0) + 1
assert got == {(LENA, 'marc.dubois@corp.example'): 18,
               (PRIYA, 'tom.becker@corp.example'): 18,
               (SOFIA, 'james.okafor@corp.example'): 18}, got
"

pycheck "index runs 1..n in order within each pair" "
for m in (LENA, PRIYA, SOFIA):
    assert [x['index'] for x in pair(m)] == list(range(1, 19)), pair(m)
"

pycheck "first and last sessions fall where the cadence puts them" "
def nom(m, i):
    return pair(m)[i - 1]['nominal']
assert nom(LENA, 1) == '2027-01-11T10:00:00+01:00', nom(LENA, 1)
assert nom(LENA, 18) == '2028-01-03T10:00:00+01:00', nom(LENA, 18)
assert nom(PRIYA, 1) == '2027-01-11T10:00:00+01:00', nom(PRIYA, 1)
assert nom(SOFIA, 1) == '2027-02-01T15:00:00+01:00', nom(SOFIA, 1)
assert nom(SOFIA, 18) == '2028-01-24T15:00:00+01:00', nom(SOFIA, 18)
"

pycheck "sessions are 3 weeks apart, on Mondays, at the same local time" "
for m, hhmm in ((LENA, '10:00'), (PRIYA, '10:00'), (SOFIA, '15:00')):
    prev = None
    for x in pair(m):
        date, time = x['nominal'][:10], x['nominal'][11:16]
        d = datetime.date.fromisoformat(date)
        assert time == hhmm, x
        assert d.weekday() == 0, x
        if prev is not None:
            assert (d - prev).days == 21, x
        prev = d
"

pycheck "the offset is +01:00 in winter and +02:00 in summer" "
summer = (datetime.date(2027, 3, 28), datetime.date(2027, 10, 31))
n = {'+01:00': 0, '+02:00': 0}
for x in s:
    d = datetime.date.fromisoformat(x['nominal'][:10])
    want = '+02:00' if summer[0] <= d < summer[1] else '+01:00'
    assert x['nominal'][19:] == want, x
    n[want] += 1
# 2027-04-05, 04-26, 05-17, 06-07, 06-28, 07-19, 08-09, 08-30, 09-20 and
# 10-11: 10 summer sessions for each pair, 8 in winter.
assert n == {'+01:00': 24, '+02:00': 30}, n
assert pair(LENA)[4]['nominal'] == '2027-04-05T10:00:00+02:00'
assert pair(LENA)[13]['nominal'] == '2027-10-11T10:00:00+02:00'
assert pair(LENA)[14]['nominal'] == '2027-11-01T10:00:00+01:00'
"

pycheck "status is past before --now and nominal from it on" "
now = datetime.datetime(2027, 3, 1, tzinfo=datetime.timezone.utc)
for x in s:
    t = datetime.datetime.fromisoformat(x['nominal'])
    assert x['status'] == ('past' if t < now else 'nominal'), x
assert [len([x for x in pair(m) if x['status'] == 'past'])
        for m in (LENA, PRIYA, SOFIA)] == [3, 3, 2]
"

pycheck "Whit Monday 2027-05-17 is marked holiday, no other session is" "
for x in s:
    assert x['holiday'] is (x['nominal'][:10] == '2027-05-17'), x
assert [x['index'] for x in s if x['holiday']] == [7, 7, 6]
"

pycheck "start and end are null (nothing negotiated yet)" "
for x in s:
    assert x['start'] is None and x['end'] is None, x
"

# The boundary: a session exactly at --now is not past yet.
ctl "$EXAMPLE" plan --json --now 2027-01-11T09:00:00Z
cp "$ctl_out" "$json"
pycheck "a session at exactly --now is nominal, not past" "
assert pair(LENA)[0]['nominal'] == '2027-01-11T10:00:00+01:00'
assert [x['status'] for x in s if x['status'] == 'past'] == [], s[0]
"
ctl "$EXAMPLE" plan --json --now 2027-01-11T10:00:01+01:00
cp "$ctl_out" "$json"
pycheck "--now with an offset: a second later it is past" "
assert [x['index'] for x in s if x['status'] == 'past'] == [1, 1], s[0]
"

# --- the table --------------------------------------------------------------------

ctl "$EXAMPLE" plan --now "$NOW"
if [ "$ctl_rc" -eq 0 ] && [ "$(lines "$ctl_out")" -eq 55 ] &&
    sed -n 1p "$ctl_out" | grep -q '^PROGRAM  *MENTOR  *MENTEE  *#  *NOMINAL  *SLOT (UTC)  *STATUS  *NOTE$'; then
	ok "the table has a header and one line per session"
else
	not_ok "the table has a header and one line per session (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi
if [ "$(grep -c '^reverse-2027  lena\.vogel@corp\.example  ' "$ctl_out")" -eq 18 ] &&
    grep -q '^reverse-2027  *lena\.vogel@corp\.example  *marc\.dubois@corp\.example  *7  Mon 2027-05-17 10:00 +02:00  *-  *nominal  *holiday$' "$ctl_out" &&
    grep -q '^reverse-2027  *sofia\.rossi@corp\.example  *james\.okafor@corp\.example  *1  Mon 2027-02-01 15:00 +01:00  *-  *past *$' "$ctl_out" &&
    [ "$(grep -c ' past ' "$ctl_out")" -eq 8 ] && [ "$(grep -c ' holiday$' "$ctl_out")" -eq 3 ]; then
	ok "table rows show the nominal time, status and holiday"
else
	not_ok "table rows show the nominal time, status and holiday"
	diag "$ctl_out"
fi

# --- a broken configuration -----------------------------------------------------------

d=$(example_copy broken)
printf '%s\n' 'lena.vogel@corp.example,nobody@corp.example,' >>"$d/pairs.csv"
ctl "$d" plan --json --now "$NOW"
if [ "$ctl_rc" -eq 78 ] && [ ! -s "$ctl_out" ] &&
    has "$ctl_err" "$d/pairs.csv:$(lines "$d/pairs.csv"): "; then
	ok "plan on a broken configuration exits 78 and prints no plan"
else
	not_ok "plan on a broken configuration exits 78 and prints no plan (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi

ctl "$EXAMPLE" plan --now 2027-13-01
check "plan with an unreadable --now is a usage error" [ "$ctl_rc" -eq 64 ]

done_testing
