#!/bin/sh
# tandemctl plan on conf/example, as of 2027-03-01T00:00Z: first the cadence
# alone (--nominal), then negotiated from the example calendars.
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

ctl "$EXAMPLE" plan --json --nominal --now "$NOW"
cp "$ctl_out" "$json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ]; then
	ok "plan --json --nominal exits 0"
else
	not_ok "plan --json --nominal exits 0 (exit $ctl_rc)"
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

pycheck "with --nominal, start and end are null (nothing negotiated)" "
for x in s:
    assert x['start'] is None and x['end'] is None, x
"

# --- negotiated ------------------------------------------------------------------
# The horizon is 6 weeks: from 2027-03-01 sessions up to 04-12 are negotiated,
# that is 03-15 and 04-05 of each pair; later ones stay nominal.  By hand:
# - lena/marc: Marc's weekly "Leadership team" is Mon 09:30-11:00 Berlin; with
#   the 10-minute buffer the first free grid time is 11:15, and 04-05 keeps
#   that habit.
# - priya (New York, 08:00-16:00) / tom (Berlin): the US moves its clocks on
#   03-14, Europe on 03-28.  On 03-15 New York is 5 hours behind Berlin, so
#   Priya's day starts at 13:00 Berlin; on 04-05 it is 6 hours, so 14:00 (the
#   habit, 13:00, is then 07:00 for Priya).
# - sofia (London) / james (New York, stand-up 09:15-09:30): at the nominal
#   15:00 Berlin, the stand-up is 14:15 Berlin on 03-15 (free, buffer ends
#   14:40) but 15:15 on 04-05, which moves that session to 15:45.
ctl "$EXAMPLE" plan --json --now "$NOW"
cp "$ctl_out" "$json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ]; then
	ok "plan --json (negotiated) exits 0"
else
	not_ok "plan --json (negotiated) exits 0 (exit $ctl_rc)"
	diag "$ctl_err"
fi

pycheck "sessions within the horizon are scheduled at the slots worked out by hand" "
want = {(LENA, 4): '2027-03-15T10:15:00Z', (LENA, 5): '2027-04-05T09:15:00Z',
        (PRIYA, 4): '2027-03-15T12:00:00Z', (PRIYA, 5): '2027-04-05T12:00:00Z',
        (SOFIA, 3): '2027-03-15T14:00:00Z', (SOFIA, 4): '2027-04-05T13:45:00Z'}
got = {(x['mentor'], x['index']): x['start'] for x in s if x['status'] == 'scheduled'}
assert got == want, got
"

pycheck "a scheduled session lasts the program's 60 minutes and has a score" "
for x in s:
    if x['status'] == 'scheduled':
        a = datetime.datetime.fromisoformat(x['start'].replace('Z', '+00:00'))
        b = datetime.datetime.fromisoformat(x['end'].replace('Z', '+00:00'))
        assert (b - a).total_seconds() == 3600, x
        assert isinstance(x['score'], int), x
"

pycheck "past sessions stay past, later ones nominal without a slot" "
for x in s:
    if x['status'] in ('past', 'nominal'):
        assert x['start'] is None and x['end'] is None, x
assert len([x for x in s if x['status'] == 'nominal']) == 54 - 8 - 6
"

# From 2027-01-04, James is away 01-27 to 02-05 (all-day, Board offsite): the
# pair's first session, 02-01 with flex 3 business days (01-27..02-04), has
# no slot.
ctl "$EXAMPLE" plan --json --now 2027-01-04T08:00Z
cp "$ctl_out" "$json"
pycheck "an absence over the whole flex window makes the session unschedulable, with why" "
x = pair(SOFIA)[0]
assert x['status'] == 'unschedulable', x
assert x['start'] is None, x
w = x['why']
assert w['business_days'] == 7, w
assert w['mentee']['email'] == 'james.okafor@corp.example', w
assert w['mentee']['minutes_busy'] == w['mentee']['minutes_in_hours'] == 7 * 510, w
assert w['mentor']['minutes_busy'] < w['mentor']['minutes_in_hours'], w
assert 'james.okafor@corp.example: busy 3570 of 3570 min' in w['reason'], w
"

ctl "$EXAMPLE" explain sofia.rossi@corp.example james.okafor@corp.example 4 --now "$NOW"
if [ "$ctl_rc" -eq 0 ] && has "$ctl_out" "slot      Mon 2027-04-05 15:45-16:45" &&
    has "$ctl_out" "the nominal time, Mon 2027-04-05 15:00: james.okafor@corp.example is busy from Mon 2027-04-05 15:15 to 15:30"; then
	ok "explain says which slot and who was busy at the nominal time"
else
	not_ok "explain says which slot and who was busy at the nominal time (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi
ctl "$EXAMPLE" explain Sofia.Rossi@corp.example james.okafor@corp.example 1 --now 2027-01-04T08:00Z
if [ "$ctl_rc" -eq 0 ] && has "$ctl_out" "no slot   unschedulable" &&
    has "$ctl_out" "james.okafor@corp.example: 3570 of 3570 min of their hours in the window busy"; then
	ok "explain says why a session has no slot (e-mail case ignored)"
else
	not_ok "explain says why a session has no slot (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi
ctl "$EXAMPLE" explain lena.vogel@corp.example marc.dubois@corp.example 30 --now "$NOW"
check "explain of a session that does not exist exits 65" [ "$ctl_rc" -eq 65 ]
ctl "$EXAMPLE" explain lena.vogel@corp.example --now "$NOW"
check "explain without MENTOR MENTEE INDEX is a usage error" [ "$ctl_rc" -eq 64 ]

# The boundary: a session exactly at --now is not past yet.
ctl "$EXAMPLE" plan --json --nominal --now 2027-01-11T09:00:00Z
cp "$ctl_out" "$json"
pycheck "a session at exactly --now is nominal, not past" "
assert pair(LENA)[0]['nominal'] == '2027-01-11T10:00:00+01:00'
assert [x['status'] for x in s if x['status'] == 'past'] == [], s[0]
"
ctl "$EXAMPLE" plan --json --nominal --now 2027-01-11T10:00:01+01:00
cp "$ctl_out" "$json"
pycheck "--now with an offset: a second later it is past" "
assert [x['index'] for x in s if x['status'] == 'past'] == [1, 1], s[0]
"

# --- the table --------------------------------------------------------------------

ctl "$EXAMPLE" plan --now "$NOW"
if [ "$ctl_rc" -eq 0 ] && [ "$(lines "$ctl_out")" -eq 55 ] &&
    sed -n 1p "$ctl_out" | grep -q '^PROGRAM  *MENTOR  *MENTEE  *#  *NOMINAL  *SLOT  *STATUS  *NOTE$'; then
	ok "the table has a header and one line per session"
else
	not_ok "the table has a header and one line per session (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi
if [ "$(grep -c '^reverse-2027  lena\.vogel@corp\.example  ' "$ctl_out")" -eq 18 ] &&
    grep -q '^reverse-2027  *lena\.vogel@corp\.example  *marc\.dubois@corp\.example  *7  Mon 2027-05-17 10:00 +02:00  *-  *nominal  *holiday$' "$ctl_out" &&
    grep -q '^reverse-2027  *sofia\.rossi@corp\.example  *james\.okafor@corp\.example  *1  Mon 2027-02-01 15:00 +01:00  *-  *past *$' "$ctl_out" &&
    grep -q '^reverse-2027  *priya\.shah@corp\.example  *tom\.becker@corp\.example  *4  Mon 2027-03-15 10:00 +01:00  *Mon 2027-03-15 13:00 +01:00  *scheduled *$' "$ctl_out" &&
    [ "$(grep -c ' past ' "$ctl_out")" -eq 8 ] && [ "$(grep -c ' holiday$' "$ctl_out")" -eq 3 ]; then
	ok "table rows show the nominal time, the slot in the program zone, status and holiday"
else
	not_ok "table rows show the nominal time, the slot in the program zone, status and holiday"
	diag "$ctl_out"
fi

# --- Outlook's calendar data ----------------------------------------------------------
# Tom (Berlin) exports from Outlook: a meeting in "Eastern Standard Time"
# (no VTIMEZONE: CLDR says America/New_York, so 08:00 there is 13:00 in
# Berlin, where session 4 of Priya and Tom would be), one in a zone nobody
# knows (read on Tom's own clock, 14:00 Berlin, with a warning), and one
# whose date cannot be read (reported with its UID, counted).
d=$(example_copy outlook)
tz_ev() {	# tz_ev UID DTSTART-LINE DTEND-LINE
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20270101T000000Z\r\n%s\r\n%s\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nEND:VEVENT\r\n' "$1" "$2" "$3"
}
{
	sed '$d' "$d/calendars/tom.ics"
	tz_ev outlook-est 'DTSTART;TZID="Eastern Standard Time":20270315T080000' \
	    'DTEND;TZID="Eastern Standard Time":20270315T090000'
	tz_ev outlook-custom 'DTSTART;TZID=Customized Time Zone:20270315T140000' \
	    'DTEND;TZID=Customized Time Zone:20270315T150000'
	tz_ev outlook-broken 'DTSTART:garbage' 'DTEND:garbage'
	printf 'END:VCALENDAR\r\n'
} >"$d/calendars/tom.new"
mv "$d/calendars/tom.new" "$d/calendars/tom.ics"
ctl "$d" plan --json --stats --now "$NOW"
cp "$ctl_out" "$json"
pycheck "a Windows zone name and an unknown TZID both block their time: session 4 moves off 13:00 and 14:00" "
x = pair(PRIYA)[3]
assert x['status'] == 'scheduled', x
assert x['start'] not in ('2027-03-15T13:00:00+01:00', '2027-03-15T14:00:00+01:00'), x
"
check "a Windows zone name is known, an unknown TZID is said once, read in the owner's zone" \
    sh -c '! grep -q "outlook-est" "$1" &&
    [ "$(grep -c "UID outlook-custom: unknown TZID \"Customized Time Zone\" in DTSTART: read in Europe/Berlin" "$1")" -eq 1 ]' - "$ctl_err"
check "an event whose date cannot be read is named by its UID and counted (plan --stats damaged=1), plan exit 0" \
    sh -c '[ "$2" -eq 0 ] && grep -q "tom.ics: UID outlook-broken: unreadable DTSTART" "$1" &&
    grep -q "^stats: .* failed=0 damaged=1 cut=0\$" "$1"' - "$ctl_err" "$ctl_rc"
[ "$ctl_rc" -eq 0 ] || diag "$ctl_err"

# --- a calendar anybody can write to ---------------------------------------------------
# Lena's calendar gets an all-day series from 1010 to 2020 (a typo for 2010)
# repeating monthly, and Marc's an endless FREQ=SECONDLY: the pass stays
# quick (it took minutes), Lena is busy all window (her sessions have no
# slot), and Marc, whose rule is cut, is busy rather than free (the cut is
# said and counted).
d=$(example_copy runaway)
for who in lena marc; do
	sed '$d' "$d/calendars/$who.ics" >"$d/calendars/$who.new"
done
printf 'BEGIN:VEVENT\r\nUID:typo-year\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:10100301\r\nDTEND;VALUE=DATE:20200302\r\nRRULE:FREQ=MONTHLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >>"$d/calendars/lena.new"
printf 'BEGIN:VEVENT\r\nUID:every-second\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20260101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >>"$d/calendars/marc.new"
for who in lena marc; do
	mv "$d/calendars/$who.new" "$d/calendars/$who.ics"
done
ctl "$d" plan --json --stats --now "$NOW"
cp "$ctl_out" "$json"
pycheck "runaway series leave their owners busy, never free: Lena and Marc's sessions have no slot" "
for x in pair(LENA):
    assert x['status'] in ('past', 'nominal', 'unschedulable'), x
assert [x for x in pair(LENA) if x['status'] == 'unschedulable'], pair(LENA)
"
check "the endless rule is cut, said and counted (plan --stats cut=1); exit 0" \
    sh -c '[ "$2" -eq 0 ] && grep -q "marc.ics: UID every-second: .*: taken as busy from" "$1" &&
    grep -q "^stats: .* cut=1\$" "$1"' - "$ctl_err" "$ctl_rc"

# --- calendars write into tandem's messages ------------------------------------------
# A UID with an escaped newline and a terminal escape, in an event whose date
# cannot be read (so that it is named in a warning): one line each, escaped,
# in tandemctl's and tandemd's output alike.
d=$(example_copy forged)
sed '$d' "$d/calendars/tom.ics" >"$d/calendars/tom.new"
printf 'BEGIN:VEVENT\r\nUID:x\\ntandemd: SEND: forged line\033[31m\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >>"$d/calendars/tom.new"
mv "$d/calendars/tom.new" "$d/calendars/tom.ics"
ctl "$d" plan --now "$NOW"
"$top_builddir/daemon/tandemd" -d -c "$d/tandem.conf" --once --now "$NOW" \
    >"$tmp/forged.out" 2>"$tmp/forged.log" 8>&-
esc=$(printf '\033')
printf '%s\n' 'UID x\ntandemd: SEND: forged line\x1b[31m: unreadable DTSTART' >"$tmp/forged.want"
check "a UID cannot forge a log line or colour the terminal: escaped, in plan and tandemd" \
    sh -c 'for f in "$1" "$2"; do
	grep -qFf "$4" "$f" || exit 1
	! grep -q "^tandemd: SEND: forged line" "$f" || exit 1
	! grep -q "$3" "$f" || exit 1
    done' - "$ctl_err" "$tmp/forged.log" "$esc" "$tmp/forged.want"

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
