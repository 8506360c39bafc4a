#!/bin/sh
# The daemon end to end, stepped with `tandemd --once --now` through the
# first months of conf/example: invitations go to the outbox once each, a
# decline written into a calendar moves the session (SEQUENCE+1, a new
# slot), declines after the start are misses, two misses in a row are a
# lapse, a held session after it is a recovery; every hook fires once.
. "$(dirname "$0")/lib.sh"

ex=$(example_copy ex)
conf="$ex/tandem.conf"
out="$ex/outbox"
log="$tmp/hooks.log"
cat >"$ex/hook" <<EOF
#!/bin/sh
echo "\$1 \$TANDEM_EVENT_ID \$TANDEM_SESSION" >>"$log"
cat >"$tmp/last.json"
EOF
chmod 0755 "$ex/hook"
edit "$conf" 's|^hook .*|hook        = hook|'
cp "$ex/calendars/marc.ics" "$tmp/marc.orig"
: >"$log"
: >"$tmp/events"

once() {
	"$top_builddir/daemon/tandemd" -c "$conf" --once --now "$1" 2>>"$tmp/daemon.log"
}

# The UID of Lena and Marc's session $1, read from its first invitation.
uid() {
	for f in "$out"/*-"$1"@corp.example.0.eml; do
		if grep -q "^To: Lena Vogel" "$f"; then
			basename "$f" .0.eml
			return
		fi
	done
}

# Marc's calendar gets his copy of session UID at SEQUENCE, with PARTSTAT.
marc_says() {
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%s\r\nDTSTAMP:20270101T000000Z\r\n' \
	    "$1" "$2" >>"$tmp/events"
	printf 'DTSTART:20270111T101500Z\r\nDURATION:PT1H\r\nSUMMARY:Mentoring\r\n' \
	    >>"$tmp/events"
	printf 'ATTENDEE;PARTSTAT=%s:mailto:marc.dubois@corp.example\r\nEND:VEVENT\r\n' \
	    "$3" >>"$tmp/events"
	{ sed '$d' "$tmp/marc.orig"; cat "$tmp/events"; printf 'END:VCALENDAR\r\n'; } \
	    >"$ex/calendars/marc.ics"
}

hooks() { grep -c "^$1 " "$log"; }
dtstart() { grep '^DTSTART;' "$out/$1.eml" | tr -d '\r'; }

# Step 1: the first pass invites what is within the horizon (6 weeks).
once 2027-01-04T08:00Z
check "the first pass exits 0" [ $? -eq 0 ]
check "four invitations are written: two sessions each of the pairs that can meet" \
	[ "$(ls "$out" | grep -c '\.0\.eml$')" -eq 4 ]
check "Sofia and James's first session fires unschedulable once" \
	[ "$(hooks unschedulable)" -eq 1 ]
check "the hook's JSON says why" grep -q '"reason":"sofia.rossi@corp.example: busy' \
	"$tmp/last.json"
s1=$(uid 1)
check "session 1 of Lena and Marc is at 11:15 Berlin (moved by Marc's meeting)" \
	[ "$(dtstart "$s1.0")" = "DTSTART;TZID=Europe/Berlin:20270111T111500" ]
ls "$out" >"$tmp/before"

# Step 2: the same clock again changes nothing.
once 2027-01-04T08:00Z
ls "$out" >"$tmp/after"
check "a second pass at the same time sends nothing again" cmp -s "$tmp/before" "$tmp/after"
check "and fires no hook again" [ "$(wc -l <"$log")" -eq 1 ]

# Step 3: Marc declines session 1 before it starts.
marc_says "$s1" 0 DECLINED
once 2027-01-05T08:00Z
check "the decline leads to an update with SEQUENCE 1" \
	grep -q '^SEQUENCE:1' "$out/$s1.1.eml"
check "at a new slot, not the declined one" \
	[ "$(dtstart "$s1.1")" = "DTSTART;TZID=Europe/Berlin:20270111T123000" ]
check "the update is a REQUEST" grep -q '^METHOD:REQUEST' "$out/$s1.1.eml"
check "nothing else is sent" [ "$(ls "$out" | wc -l)" -eq 5 ]

# A decline of the old version (SEQUENCE 0) is not held against the new one.
once 2027-01-06T08:00Z
check "the old decline does not move the session again" [ ! -e "$out/$s1.2.eml" ]

# Step 4: Marc declines the new slot after it started: a miss, fired once.
marc_says "$s1" 1 DECLINED
once 2027-01-11T12:00Z
once 2027-01-11T13:00Z
check "a declined session is missed: the hook fires once" [ "$(hooks missed)" -eq 1 ]
check "for session 1" grep -q "^missed missed:$s1 1\$" "$log"
check "one miss is no lapse" [ "$(hooks lapse)" -eq 0 ]

# Step 5: a new meeting in Lena's calendar over session 2 moves it.
s2=$(uid 2)
check "session 2 was sent for 11:15 Berlin" \
	[ "$(dtstart "$s2.0")" = "DTSTART;TZID=Europe/Berlin:20270201T111500" ]
{
	sed '$d' "$ex/calendars/lena.ics"
	printf 'BEGIN:VEVENT\r\nUID:board-review@corp.example\r\n'
	printf 'DTSTAMP:20270115T000000Z\r\nDTSTART:20270201T100000Z\r\n'
	printf 'DTEND:20270201T120000Z\r\nSUMMARY:Board review\r\nEND:VEVENT\r\n'
	printf 'END:VCALENDAR\r\n'
} >"$tmp/lena.ics"
mv "$tmp/lena.ics" "$ex/calendars/lena.ics"
once 2027-01-20T08:00Z
check "a new conflict before the session sends an update with SEQUENCE 1" \
	grep -q '^SEQUENCE:1' "$out/$s2.1.eml"
check "after the new meeting (13:00 Berlin) and the 10-minute buffer, on the quarter hour" \
	[ "$(dtstart "$s2.1")" = "DTSTART;TZID=Europe/Berlin:20270201T131500" ]

# Step 6: session 2 declined after its start: the second miss in a row.
marc_says "$s2" 1 DECLINED
once 2027-02-01T13:00Z
check "the second miss fires missed" [ "$(hooks missed)" -eq 2 ]
check "and lapse (lapse_after = 2), once" [ "$(hooks lapse)" -eq 1 ]
check "the lapse names the session that caused it" grep -q "^lapse lapse:$s2 2\$" "$log"

# Step 7: session 3 is held (nobody declines): the pair recovers.
s3=$(uid 3)
check "session 3 was invited once it came within the horizon" [ -n "$s3" ]
once 2027-02-23T18:00Z
once 2027-02-24T18:00Z
check "a held session after the lapse fires recovered, once" [ "$(hooks recovered)" -eq 1 ]
check "no further miss or lapse" [ "$(hooks missed)" -eq 2 ] && [ "$(hooks lapse)" -eq 1 ]

# Step 8: the program is cut to 4 sessions: session 5, invited, is cancelled.
s5=$(uid 5)
check "session 5 was invited" [ -n "$s5" ]
edit "$conf" 's|^duration .*|count       = 4|'
once 2027-02-25T08:00Z
check "a session the program no longer has is cancelled (CANCEL, SEQUENCE 1)" \
	grep -q '^METHOD:CANCEL' "$out/$s5.1.eml" && grep -q '^SEQUENCE:1' "$out/$s5.1.eml"
once 2027-02-26T08:00Z
check "and only once" [ ! -e "$out/$s5.2.eml" ]

# Every message is in the outbox once: one file per UID and SEQUENCE.
check "no message was written twice" \
	[ "$(ls "$out" | sort | uniq -d | wc -l)" -eq 0 ]
check "no temporary file is left in the outbox" \
	[ "$(find "$out" -name '.tmp-*' | wc -l)" -eq 0 ]
check "every hook ran once" [ "$(sort "$log" | uniq -d | wc -l)" -eq 0 ]
if [ "$tap_failed" -gt 0 ]; then
	diag "$log" "$tmp/daemon.log"
fi
done_testing
