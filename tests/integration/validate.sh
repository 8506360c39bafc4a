#!/bin/sh
# tandemctl validate: conf/example is valid; broken copies of it exit 78
# (EX_CONFIG) and name the file and line of each mistake on stderr.

. "$(dirname "$0")/lib.sh"

# --- the example as shipped ---------------------------------------------------

d=$(example_copy example)
ctl "$EXAMPLE" validate
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ] &&
    has "$ctl_out" "$EXAMPLE/tandem.conf: OK (1 program, 3 pairs)"; then
	ok "conf/example validates"
else
	not_ok "conf/example validates (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi
ctl "$d" validate
check "a copy of conf/example validates" [ "$ctl_rc" -eq 0 ]

# --- pairs.csv ------------------------------------------------------------------

d=$(example_copy unknown-person)
printf '%s\n' 'lena.vogel@corp.example,nobody@corp.example,' >>"$d/pairs.csv"
expect_error "unknown person in pairs.csv" "$d" pairs.csv "$(lines "$d/pairs.csv")" \
    'mentee: unknown person "nobody@corp.example"'

d=$(example_copy duplicate-pair)
printf '%s\n' 'marc.dubois@corp.example,lena.vogel@corp.example,2027-03-01' >>"$d/pairs.csv"
expect_error "duplicate pair (reversed) in pairs.csv" "$d" pairs.csv \
    "$(lines "$d/pairs.csv")" "duplicate pair" "(first at line 2)"

d=$(example_copy self-pair)
printf '%s\n' 'tom.becker@corp.example,Tom.Becker@corp.example,' >>"$d/pairs.csv"
expect_error "person paired with themselves" "$d" pairs.csv "$(lines "$d/pairs.csv")" \
    "tom.becker@corp.example is paired with themselves"

d=$(example_copy bad-quote)
edit "$d/pairs.csv" '3s/^priya.shah@corp.example/"priya.shah@corp.example"x/'
expect_error "malformed CSV quoting in pairs.csv" "$d" pairs.csv 3 "malformed CSV"

d=$(example_copy field-count)
edit "$d/pairs.csv" '2s/$/,extra/'
expect_error "wrong number of fields in pairs.csv" "$d" pairs.csv 2 \
    "expected 3 fields, found 4"

# --- people.csv -----------------------------------------------------------------

d=$(example_copy people-tz)
n=$(line_of "$d/people.csv" '^priya')
edit "$d/people.csv" "${n}s|America/New_York|America/New_Yrok|"
expect_error "invalid time zone in people.csv" "$d" people.csv "$n" \
    'tz: "America/New_Yrok" is not an IANA time zone'

d=$(example_copy calendar)
rm "$d/calendars/tom.ics"
expect_error "missing calendar file" "$d" people.csv "$(line_of "$d/people.csv" '^tom')" \
    "calendar $d/calendars/tom.ics"

d=$(example_copy duplicate-person)
sed -n '2s/^lena/LENA/p' "$d/people.csv" >>"$d/people.csv"
expect_error "duplicate person in people.csv" "$d" people.csv "$(lines "$d/people.csv")" \
    "duplicate person lena.vogel@corp.example (first at line 2)"

# --- tandem.conf ----------------------------------------------------------------

d=$(example_copy timezone)
edit "$d/tandem.conf" 's|^timezone .*|timezone    = Europe/Berln|'
expect_error "invalid time zone in tandem.conf" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^timezone')" 'timezone: "Europe/Berln" is not an IANA time zone'

d=$(example_copy cadence)
edit "$d/tandem.conf" 's|^cadence .*|cadence     = every blue moon|'
expect_error "unparsable cadence" "$d" tandem.conf "$(line_of "$d/tandem.conf" '^cadence')" \
    "cadence: "

d=$(example_copy duration)
edit "$d/tandem.conf" 's|^duration .*|duration    = 12 fortnights|'
expect_error "unparsable duration" "$d" tandem.conf "$(line_of "$d/tandem.conf" '^duration')" \
    'duration: unknown unit "fortnights"'

d=$(example_copy until)
edit "$d/tandem.conf" 's|^duration .*|until       = 2026-12-01|'
expect_error "until before start" "$d" tandem.conf "$(line_of "$d/tandem.conf" '^until')" \
    "until 2026-12-01 is before start 2027-01-11"

d=$(example_copy no-end)
edit "$d/tandem.conf" '/^duration /d'
expect_error "program without an end" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^\[program')" "has no end"

d=$(example_copy unknown-key)
edit "$d/tandem.conf" 's|^flex |flux |'
expect_error "unknown key" "$d" tandem.conf "$(line_of "$d/tandem.conf" '^flux')" \
    'unknown key "flux" in [program]'

d=$(example_copy missing-key)
edit "$d/tandem.conf" '/^organizer /d'
expect_error "missing required key" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^\[program')" 'missing the required key "organizer"'

d=$(example_copy syntax)
edit "$d/tandem.conf" 's|^buffer .*|buffer 10m|'
expect_error "line that is not key = value" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^buffer')" 'expected "key = value"'

# --- files named by tandem.conf -------------------------------------------------

d=$(example_copy no-people)
rm "$d/people.csv"
expect_error "missing people file" "$d" tandem.conf "$(line_of "$d/tandem.conf" '^people')" \
    "$d/people.csv: cannot read"

d=$(example_copy garbage-holidays)
printf 'this is\nnot a calendar\n' >"$d/holidays.ics"
expect_error "holidays file that is not iCalendar" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^holidays')" "holidays: $d/holidays.ics"

d=$(example_copy unreadable-holidays)
rm "$d/holidays.ics"
mkdir "$d/holidays.ics"
expect_error "holidays file that cannot be read" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^holidays')" "holidays: $d/holidays.ics: cannot read"

d=$(example_copy hook)
printf '#!/bin/sh\nexit 0\n' >"$d/escalate"
chmod 644 "$d/escalate"
edit "$d/tandem.conf" 's|^hook .*|hook        = escalate|'
expect_error "hook that is not executable" "$d" tandem.conf \
    "$(line_of "$d/tandem.conf" '^hook ')" \
    "hook: $d/escalate is not an executable file"

# --- several mistakes at once -----------------------------------------------------

d=$(example_copy several)
edit "$d/tandem.conf" 's|^flex |flux |; s|^length .*|length      = 3x|'
printf '%s\n' 'sofia.rossi@corp.example,sofia.rossi@corp.example,' \
    'nobody@corp.example,tom.becker@corp.example,' >>"$d/pairs.csv"
ctl "$d" validate
n=$(lines "$d/pairs.csv")
if [ "$ctl_rc" -eq 78 ] &&
    has "$ctl_err" "$d/tandem.conf:$(line_of "$d/tandem.conf" '^length'): length: " \
	"$d/tandem.conf:$(line_of "$d/tandem.conf" '^flux'): unknown key \"flux\"" \
	"$d/pairs.csv:$((n - 1)): sofia.rossi@corp.example is paired with themselves" \
	"$d/pairs.csv:$n: mentor: unknown person \"nobody@corp.example\"" \
	"tandemctl: 4 errors in the configuration" &&
    [ "$(grep -c "^$d/" "$ctl_err")" -eq 4 ]; then
	ok "several mistakes in two files are all listed"
else
	not_ok "several mistakes in two files are all listed (exit $ctl_rc)"
	diag "$ctl_err"
fi

# --- no configuration at all ------------------------------------------------------

ctl "$tmp/nowhere" validate
if [ "$ctl_rc" -eq 78 ] && has "$ctl_err" "$tmp/nowhere/tandem.conf: cannot read"; then
	ok "a missing tandem.conf exits 78"
else
	not_ok "a missing tandem.conf exits 78 (exit $ctl_rc)"
	diag "$ctl_err"
fi

done_testing
