#!/bin/sh
# tandemctl validate: conf/example is valid; broken copies of it exit 78
# (EX_CONFIG) and name the file and line of each mistake on stderr; what is
# risky but works (a password that would go in clear) is a warning at its
# line, and validate still exits 0.

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

d=$(example_copy latin1-name)
n=$(line_of "$d/people.csv" '^lena')
LC_ALL=C sed "${n}s/Lena Vogel/L$(printf '\351')na Vogel/" "$d/people.csv" \
    >"$d/people.csv.new" && mv "$d/people.csv.new" "$d/people.csv"
expect_error "a name that is not UTF-8 (Latin-1) in people.csv" "$d" people.csv "$n" \
    "name: not UTF-8"

# A header row wider than 32 columns is an error where it is, and the row
# after it is not taken for the header.
d=$(example_copy wide-header)
{
	printf 'email,name,tz,calendar,hours'
	i=0
	while [ $i -lt 28 ]; do
		printf ',extra%d' $i
		i=$((i + 1))
	done
	printf '\n'
	cat "$EXAMPLE/people.csv"
} >"$d/people.csv"
expect_error "a header row of 33 columns in people.csv" "$d" people.csv 1 \
    "more than 32 fields"
check "and it is the only error" [ "$(grep -c "^$d/" "$ctl_err")" -eq 1 ]

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

# --- [mail]: a password that would go in clear (a warning, not an error) ----------

# mail_conf DIR LINES: DIR's tandem.conf with a [mail] section of LINES first.
mail_conf() {
	{ printf '[mail]\n%s\n\n' "$2"; cat "$1/tandem.conf"; } >"$1/tandem.conf.new" &&
	    mv "$1/tandem.conf.new" "$1/tandem.conf"
}
d=$(example_copy smtp-clear)
mail_conf "$d" "smtp = smtp://mx.corp.example:25
user = tandem
password_file = smtp.pw"
ctl "$d" validate
if [ "$ctl_rc" -eq 0 ] && has "$ctl_out" "$d/tandem.conf: OK" &&
    has "$ctl_err" "$d/tandem.conf:4: warning: " "in clear" "starttls = yes" &&
    [ "$(wc -l <"$ctl_err")" -eq 1 ]; then
	ok "user and password_file over smtp:// without starttls: validate warns at the line"
else
	not_ok "user and password_file over smtp:// without starttls: validate warns at the line (exit $ctl_rc)"
	diag "$ctl_out" "$ctl_err"
fi
d=$(example_copy smtp-loopback)
mail_conf "$d" "smtp = smtp://127.0.0.1:25
user = tandem
password_file = smtp.pw
plain_auth_loopback = yes"
ctl "$d" validate
t "with plain_auth_loopback = yes and a loopback MTA: no warning" \
    '[ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ]'
d=$(example_copy smtp-not-loopback)
mail_conf "$d" "smtp = smtp://mx.corp.example
user = tandem
password_file = smtp.pw
plain_auth_loopback = yes"
ctl "$d" validate
t "plain_auth_loopback = yes for another host: a warning at its line" \
    '[ "$ctl_rc" -eq 0 ] && has "$ctl_err" "$d/tandem.conf:5: warning: " "mx.corp.example is not a loopback address"'
d=$(example_copy smtp-starttls)
mail_conf "$d" "smtp = smtp://mx.corp.example:587
starttls = yes
user = tandem
password_file = smtp.pw"
ctl "$d" validate
t "with starttls = yes: no warning" '[ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ]'
d=$(example_copy replies-authserv)
mail_conf "$d" "replies = authenticated"
expect_error "replies = authenticated without authserv_id" "$d" tandem.conf 2 \
    "replies = authenticated needs authserv_id"

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
