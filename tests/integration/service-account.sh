#!/bin/sh
# Everyone's calendar read through one service account (issue 14), never a
# busy person seen as free.  Debian's Radicale on loopback, with from_file
# rights: the account "reader" may read every person's collections, each
# person owns theirs and sees nobody else's.  tandem reads all calendars as
# the reader, through tests/fixtures/fault-proxy.py, which turns Radicale's
# answers into what Cyrus 3.6 answers such an account:
#   - the baseline: everyone's busy time is read and honoured;
#   - a 301 to the reader's shared view is followed with the method, the
#     body and the Depth of the request, and remembered for the next pass;
#   - a 307 to another origin gets no credentials there; the calendar
#     behind it is an error, never an empty calendar;
#   - a principal answered with the reader's own calendar-home-set is an
#     error that names the person; so are several principals that resolve
#     to one home when the server says no owner;
#   - the reader's password is in no output and no log.
# Each person is busy all day on the day that tandem would otherwise pick
# for one of their sessions (the plan with empty calendars): a calendar
# read as empty puts that session on top of the busy time, which the
# checks below look for in every plan.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"

TANDEMD=$top_builddir/daemon/tandemd
T=$(printf '\t')		# the proxy's log is tab-separated
READER_PW=Svc-4cc0unt-s3cret-$$
START=$(date -u -d '+2 days' +%Y-%m-%d)
NOW=$(date -u +%Y-%m-%dT00:00Z)
MOVED=/reader/mara.calendar/	# Mara's calendar in the reader's shared view
PROXY_LOG_EXTRA=yes
mkdir "$tmp/out"		# every output of tandem, for the password check
tandemd_pid=

radicale_require

# user,name,e-mail; pairs: mara mentors eli, omar mentors una.
cat >"$tmp/people" <<EOT
mara,Mara Lind,mara.lind@corp.example
eli,Eli Novak,eli.novak@corp.example
omar,Omar Haddad,omar.haddad@corp.example
una,Una Berg,una.berg@corp.example
EOT
cat >"$tmp/pairs.csv" <<EOT
mentor,mentee
mara.lind@corp.example,eli.novak@corp.example
omar.haddad@corp.example,una.berg@corp.example
EOT
# Rights: the first section that matches decides.
cat >"$tmp/rights" <<EOT
[root]
user: .+
collection:
permissions: R

[own]
user: .+
collection: {user}(/.*)?
permissions: RWrw

[reader-reads-everyone]
user: reader
collection: .+
permissions: Rr
EOT
RADICALE_RIGHTS=$tmp/rights

radicale_user reader "$READER_PW"
while IFS=, read -r u _; do
	radicale_user "$u" "${u}pw"
done <"$tmp/people"
radicale_start "$tmp/dav"
# Each person's calendar (their principal exists once they have logged in)
# and the reader's own, empty: where Cyrus's wrong home leads.
while IFS=, read -r u _; do
	dav_mkcalendar "$u" "${u}pw" calendar
done <"$tmp/people"
dav_mkcalendar reader "$READER_PW" calendar

# The other origin of a cross-origin redirect: a second proxy, passing.
proxy_start "$RADICALE_URL" away
AWAY_URL=$PROXY_URL
AWAY_LOG=$PROXY_LOG
proxy_start "$RADICALE_URL"

trap '[ -n "$tandemd_pid" ] && kill "$tandemd_pid" 2>/dev/null
dav_cleanup; rm -rf "$tmp"' EXIT

# sa_config NAME [USER=PATH]...: a configuration in $tmp/conf/NAME that reads
# every calendar through the proxy as the reader, with one [server]; a
# person's calendar URL is the proxy's /USER/calendar/ unless PATH is
# given; prints the directory.
sa_config() {
	_d=$tmp/conf/$1
	shift
	rm -rf "$_d"
	mkdir -p "$_d"
	printf '%s\n' "$READER_PW" >"$_d/reader.pw"
	chmod 600 "$_d/reader.pw"
	cat >"$_d/tandem.conf" <<EOT
[daemon]
state  = state/state.db
socket = state/tandemd.sock

[server reader]
url           = $PROXY_URL/
user          = reader
password_file = reader.pw
timeout       = 20

[program service-account]
organizer = mailto:mentoring@corp.example
cadence   = every 2 weeks
start     = $START
time      = 10:00
count     = 4
timezone  = Europe/Berlin
length    = 60m
hours     = Mon-Fri 09:00-17:00
flex      = 2d
horizon   = 8w
invite    = outbox:outbox
people    = people.csv
pairs     = pairs.csv
EOT
	echo "email,name,tz,calendar,hours" >"$_d/people.csv"
	while IFS=, read -r _u _name _mail; do
		_path=/$_u/calendar/
		for _o; do
			case $_o in
			"$_u="*) _path=${_o#*=} ;;
			esac
		done
		printf '%s,%s,Europe/Berlin,%s%s,\n' "$_mail" "$_name" \
		    "$PROXY_URL" "$_path" >>"$_d/people.csv"
	done <"$tmp/people"
	cp "$tmp/pairs.csv" "$_d/pairs.csv"
	echo "$_d"
}

# run_plan DIR: tandemctl plan --json on DIR.  Sets plan_rc, plan_json and
# plan_err (kept in $tmp/out), and proxy_slice: the proxy's log lines of
# this plan.
run_plan() {
	_n=$(basename "$1")
	_from=$(lines "$PROXY_LOG")
	ctl "$1" plan --json --now "$NOW"
	plan_rc=$ctl_rc
	plan_json=$tmp/out/$_n.json
	plan_err=$tmp/out/$_n.err
	proxy_slice=$tmp/out/$_n.proxy
	cp "$ctl_out" "$plan_json"
	cp "$ctl_err" "$plan_err"
	sed -n "$((_from + 1)),\$p" "$PROXY_LOG" >"$proxy_slice"
}

# plan_diag: what a failed check shows of the last plan.
plan_diag() {
	echo "# exit $plan_rc; stderr:"
	diag "$plan_err"
	echo "# sessions:"
	"$RADICALE_PYTHON" -c 'import json, sys
for s in json.load(open(sys.argv[1])):
    w = s.get("why") or {}
    print(s["mentor"].split("@")[0], s["mentee"].split("@")[0], s["index"],
          s["status"], s["start"], s["end"],
          json.dumps({k: {x: w[k].get(x) for x in ("calendar_unreadable",
                                                   "calendar_error")}
                      for k in ("mentor", "mentee") if k in w}))
' "$plan_json" 2>&1 | diag
	echo "# proxy:"
	diag "$proxy_slice"
}

# judge CHECK...: the last plan (JSON), checked against the busy days in
# $tmp/busy ("e-mail start end" a line, UTC).  Always: no session's slot
# overlaps the busy time of its mentor or mentee.  And each CHECK:
#   scheduled:USER      every session of USER's (within the horizon) has a
#                       slot;
#   unreadable:USER[:TEXT]
#                       every session of USER's is unschedulable, and its
#                       why says USER's calendar_unreadable: true with a
#                       calendar_error string (containing TEXT).
# Prints what is wrong and fails.
judge() {
	"$RADICALE_PYTHON" -c 'import datetime, json, sys
plan = json.load(open(sys.argv[1]))
people = {}
for line in open(sys.argv[2]):
    u, name, mail = line.strip().split(",")
    people[u] = mail
def t(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
busy = {}
for line in open(sys.argv[3]):
    mail, a, b = line.split()
    busy.setdefault(mail, []).append((t(a), t(b)))
bad = []
for s in plan:
    if not s["start"]:
        continue
    a, b = t(s["start"]), t(s["end"])
    for role in ("mentor", "mentee"):
        for x, y in busy.get(s[role], ()):
            if a < y and x < b:
                bad.append("session %d of %s/%s at %s is on top of the %s busy"
                           " time %s-%s" % (s["index"], s["mentor"],
                                           s["mentee"], s["start"], role, x, y))
for c in sys.argv[4:]:
    what, u, text = (c.split(":", 2) + [""])[:3]
    mail = people[u]
    mine = [(s, role) for s in plan for role in ("mentor", "mentee")
            if s[role] == mail and s["status"] in ("scheduled",
                                                   "unschedulable")]
    if not mine:
        bad.append("%s has no session within the horizon" % u)
    for s, role in mine:
        name = "session %d of %s" % (s["index"], u)
        if what == "scheduled":
            if s["status"] != "scheduled":
                bad.append("%s is %s" % (name, s["status"]))
            continue
        if s["status"] != "unschedulable":
            bad.append("%s is %s, not unschedulable" % (name, s["status"]))
            continue
        w = s.get("why", {}).get(role, {})
        if w.get("calendar_unreadable") is not True:
            bad.append("%s: why.%s.calendar_unreadable is %r" %
                       (name, role, w.get("calendar_unreadable")))
        e = w.get("calendar_error")
        if not isinstance(e, str) or not e or text not in e:
            bad.append("%s: why.%s.calendar_error is %r, wanted a string "
                       "with %r" % (name, role, e, text))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)' "$plan_json" "$tmp/people" "$tmp/busy" "$@" \
	    >"$tmp/judge.out" 2>&1
}

# judged DESC CHECK...: one test, passed when judge CHECK... passes.
judged() {
	_desc=$1
	shift
	if judge "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "$tmp/judge.out"
		plan_diag
	fi
}

# summary_names TEXT...: stderr of the last plan has one line saying
# "could not be read", and it has every TEXT.
summary_names() {
	grep -F "could not be read" "$plan_err" >"$tmp/summary" &&
	    [ "$(lines "$tmp/summary")" -eq 1 ] &&
	    while [ $# -gt 0 ]; do
		    grep -F -- "$1" "$tmp/summary" >"$tmp/summary.new" || return 1
		    mv "$tmp/summary.new" "$tmp/summary"
		    shift
	    done
}

# --- The plan with empty calendars says where each session would go; each
# person is made busy all day (UTC) on the day of one of their sessions:
# the mentor on their pair's first session, the mentee on its second.
d=$(sa_config empty)
run_plan "$d"
if ! "$RADICALE_PYTHON" -c 'import datetime, json, os, sys
plan = json.load(open(sys.argv[1]))
people = {}
for line in open(sys.argv[2]):
    u, name, mail = line.strip().split(",")
    people[mail] = u
out = sys.argv[3]
busy = open(os.path.join(out, "busy"), "w")
for mentor in sorted({s["mentor"] for s in plan}):
    mine = sorted((s for s in plan if s["mentor"] == mentor),
                  key=lambda s: s["index"])
    for s, role in zip(mine, ("mentor", "mentee")):
        assert s["status"] == "scheduled", s
        day = datetime.date.fromisoformat(s["start"][:10])
        a, b = day, day + datetime.timedelta(days=1)
        mail = s[role]
        u = people[mail]
        busy.write("%s %sT00:00:00Z %sT00:00:00Z\n" % (mail, a, b))
        with open(os.path.join(out, u + ".ics"), "w", newline="") as f:
            f.write("\r\n".join([
                "BEGIN:VCALENDAR", "VERSION:2.0",
                "PRODID:-//tandem test//service account//EN",
                "BEGIN:VEVENT", "UID:all-day-busy-%s@corp.example" % u,
                "DTSTAMP:20260101T000000Z",
                "DTSTART:%sT000000Z" % a.strftime("%Y%m%d"),
                "DTEND:%sT000000Z" % b.strftime("%Y%m%d"),
                "SUMMARY:Workshop", "END:VEVENT", "END:VCALENDAR", ""]))
' "$plan_json" "$tmp/people" "$tmp" 2>"$tmp/seed.err" || [ "$plan_rc" -ne 0 ]; then
	echo "Bail out! no plan with empty calendars to place the busy days on"
	diag "$tmp/seed.err"
	plan_diag
	exit 1
fi
while IFS=, read -r u _; do
	dav_put_ics "$u" "${u}pw" calendar "$tmp/$u.ics"
done <"$tmp/people"

# hrefs FILE TAG: the hrefs right inside each TAG (of any namespace) of the
# multistatus FILE, one a line.
hrefs() {
	"$RADICALE_PYTHON" -c 'import sys, xml.etree.ElementTree as ET
tag = sys.argv[2]
for e in ET.parse(sys.argv[1]).iter():
    if e.tag.rsplit("}", 1)[-1] == tag:
        for h in e.findall("{DAV:}href"):
            print(h.text)' "$1" "$2"
}

# --- Radicale itself tells the reader the truth (the lies below are the
# proxy's): the reader reads Mara's principal and calendar, whose home and
# owner are hers; Eli may not read Mara's calendar, nor the reader write it.
cat >"$tmp/propfind.xml" <<EOT
<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:current-user-principal/><D:principal-URL/><D:owner/>
<C:calendar-home-set/></D:prop></D:propfind>
EOT
dav_request reader "$READER_PW" PROPFIND /mara/ --header "Depth: 0" \
    --body "$tmp/propfind.xml"
cp "$dav_body" "$tmp/mara-principal.xml"
p_status=$dav_status
dav_request eli elipw PROPFIND /mara/calendar/ --header "Depth: 0" \
    --body "$tmp/propfind.xml"
e_status=$dav_status
dav_request reader "$READER_PW" PUT /mara/calendar/x.ics \
    --body "$tmp/mara.ics" --header "Content-Type: text/calendar"
w_status=$dav_status
x=$tmp/mara-principal.xml
if [ "$p_status" = 207 ] && [ "$e_status" = 403 ] && [ "$w_status" = 403 ] &&
    [ "$(hrefs "$x" current-user-principal)" = /reader/ ] &&
    [ "$(hrefs "$x" principal-URL)" = /mara/ ] &&
    [ "$(hrefs "$x" owner)" = /mara/ ] &&
    [ "$(hrefs "$x" calendar-home-set)" = /mara/ ]; then
	ok "rights: the reader reads Mara's principal (home /mara/, owner /mara/), may not write; Eli may not read it"
else
	not_ok "rights: reader PROPFIND $p_status, Eli $e_status, reader PUT $w_status"
	diag "$tmp/mara-principal.xml"
fi

# The proxy's Cyrus (the requests here are the reader's, with Basic
# credentials at once): what tandem is shown below.
DAV_URL=$PROXY_URL
proxy_mode "redirect:/mara/calendar/:$MOVED"
dav_request reader "$READER_PW" PROPFIND /mara/calendar/ --header "Depth: 1" \
    --body "$tmp/propfind.xml"
r_status=$dav_status
grep -i "^Location:" "$dav_headers" >"$tmp/location"
dav_request reader "$READER_PW" PROPFIND "$MOVED" --header "Depth: 1" \
    --body "$tmp/propfind.xml"
m_status=$dav_status
hrefs "$dav_body" response >"$tmp/moved.hrefs"
if [ "$r_status" = 301 ] &&
    [ "$(tr -d '\r' <"$tmp/location")" = "Location: $PROXY_URL$MOVED" ] &&
    [ "$m_status" = 207 ] && [ "$(lines "$tmp/moved.hrefs")" -eq 2 ] &&
    ! grep -v "^$MOVED" "$tmp/moved.hrefs" >/dev/null; then
	ok "proxy: /mara/calendar/ answers 301 to $MOVED, which lists her event there"
else
	not_ok "proxy: /mara/calendar/ answers 301 ($r_status) to $MOVED ($m_status)"
	diag "$tmp/location" "$tmp/moved.hrefs" "$PROXY_LOG"
fi
proxy_mode "foreign-home:/mara/:/reader/"
dav_request reader "$READER_PW" PROPFIND /mara/ --header "Depth: 0" \
    --body "$tmp/propfind.xml"
cp "$dav_body" "$tmp/foreign.xml"
if [ "$dav_status" = 207 ] &&
    [ "$(hrefs "$tmp/foreign.xml" calendar-home-set)" = /reader/ ] &&
    [ "$(hrefs "$tmp/foreign.xml" owner)" = /mara/ ] &&
    [ "$(hrefs "$tmp/foreign.xml" principal-URL)" = /mara/ ]; then
	ok "proxy: Mara's principal answers the reader's home, /reader/ (owner still /mara/)"
else
	not_ok "proxy: Mara's principal answers the reader's home ($dav_status)"
	diag "$tmp/foreign.xml"
fi
proxy_mode "foreign-home-noowner:/mara/:/reader/"
dav_request reader "$READER_PW" PROPFIND /mara/ --header "Depth: 0" \
    --body "$tmp/propfind.xml"
cp "$dav_body" "$tmp/noowner.xml"
dav_request reader "$READER_PW" PROPFIND /reader/ --header "Depth: 1" \
    --body "$tmp/propfind.xml"
cp "$dav_body" "$tmp/noowner-home.xml"
if [ "$dav_status" = 207 ] &&
    [ "$(hrefs "$tmp/noowner.xml" calendar-home-set)" = /reader/ ] &&
    ! grep -q "owner\|principal-URL" "$tmp/noowner.xml" "$tmp/noowner-home.xml" &&
    grep -q "/reader/calendar/" "$tmp/noowner-home.xml"; then
	ok "proxy: without owner and principal-URL, Mara's principal answers /reader/"
else
	not_ok "proxy: without owner and principal-URL, Mara's principal answers /reader/ ($dav_status)"
	diag "$tmp/noowner.xml" "$tmp/noowner-home.xml"
fi
proxy_mode pass
DAV_URL=

# --- a. Baseline: calendars and principals, all read as the reader.
d=$(sa_config baseline eli=/eli/ una=/una/)
run_plan "$d"
if [ "$plan_rc" -eq 0 ] && ! grep -q "could not be read" "$plan_err" &&
    judge scheduled:mara scheduled:eli scheduled:omar scheduled:una; then
	ok "read as the reader: plan exits 0, every session scheduled, nobody's busy day used"
else
	not_ok "read as the reader: plan exits 0, every session scheduled, nobody's busy day used"
	diag "$tmp/judge.out"
	plan_diag
fi

# --- b. Mara's calendar answers 301 to the reader's shared view.
proxy_mode "redirect:/mara/calendar/:$MOVED"
d=$(sa_config redirect)
run_plan "$d"
if [ "$plan_rc" -eq 0 ] && judge scheduled:mara scheduled:eli \
    scheduled:omar scheduled:una; then
	ok "a 301 on Mara's calendar: plan exits 0, her busy day honoured"
else
	not_ok "a 301 on Mara's calendar: plan exits 0, her busy day honoured"
	diag "$tmp/judge.out"
	plan_diag
fi

# moved_ok LOG: each request LOG shows answered 301 was made again at the
# new path, same method, same Depth, a body as long; a REPORT there was
# answered 207 and had a body.
moved_ok() {
	"$RADICALE_PYTHON" -c 'import sys
log, frm, to = sys.argv[1:]
reqs = []
for line in open(log):
    f = line.rstrip("\n").split("\t")
    kv = dict(x.split("=", 1) for x in f[4:] if "=" in x)
    reqs.append((f[0], f[1].split("?")[0], f[2], kv))
bad = []
moved = [i for i, r in enumerate(reqs)
         if r[2] == "301" and r[1].startswith(frm)]
if not moved:
    bad.append("no request was answered 301")
for i in moved:
    m, p, _, kv = reqs[i]
    new = to + p[len(frm):]
    again = [r for r in reqs[i + 1:] if r[0] == m and r[1] == new]
    if not again:
        bad.append("%s %s: not made again at %s" % (m, p, new))
    elif (again[0][3].get("body"), again[0][3].get("depth")) != \
            (kv.get("body"), kv.get("depth")):
        bad.append("%s %s: body=%s depth=%s, at %s body=%s depth=%s" % (
            m, p, kv.get("body"), kv.get("depth"), new,
            again[0][3].get("body"), again[0][3].get("depth")))
if not [r for r in reqs if r[0] == "REPORT" and r[1].startswith(to) and
        r[2] == "207" and int(r[3].get("body", 0)) > 0]:
    bad.append("no REPORT with a body answered 207 at %s" % to)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)' "$1" /mara/calendar/ "$MOVED" >"$tmp/moved.out" 2>&1
}
if moved_ok "$proxy_slice"; then
	ok "the 301 is followed with the method, the body and the Depth: the REPORT reaches $MOVED"
else
	not_ok "the 301 is followed with the method, the body and the Depth"
	diag "$tmp/moved.out" "$proxy_slice"
fi

# A running daemon remembers the permanent redirect: its second pass asks
# the new path straight away.  A pass is asked for with tandemctl reload and
# is over when the log says "pass:" once more.
d=$(sa_config daemon)
dlog=$tmp/out/tandemd.log
: >"$dlog"
"$TANDEMD" -d -c "$d/tandem.conf" 2>>"$dlog" 8>&- &
tandemd_pid=$!

# passes_or_gone N: the daemon's log shows N passes, or the daemon is gone.
passes_or_gone() {
	[ "$(grep -c 'pass: ' "$dlog")" -ge "$1" ] || gone "$tandemd_pid"
}
wait_for 60 passes_or_gone 1
from=$(lines "$PROXY_LOG")
ctl "$d" reload
cp "$ctl_err" "$tmp/out/reload.err"
wait_for 60 passes_or_gone 2
sed -n "$((from + 1)),\$p" "$PROXY_LOG" >"$tmp/out/pass2.proxy"
if [ "$(grep -c 'pass: ' "$dlog")" -ge 2 ] &&
    grep -q "^[A-Z]*${T}$MOVED[^$T]*${T}207" "$tmp/out/pass2.proxy" &&
    ! grep -q "^[A-Z]*${T}/mara/calendar/" "$tmp/out/pass2.proxy"; then
	ok "tandemd's second pass reads Mara's calendar at $MOVED, no 301 again"
else
	not_ok "tandemd's second pass reads Mara's calendar at $MOVED, no 301 again"
	echo "# passes: $(grep -c 'pass: ' "$dlog"); second pass's requests:"
	diag "$tmp/out/pass2.proxy"
	tail -n 20 "$dlog" | diag
fi
_dav_reap "$tandemd_pid"		# SIGTERM, SIGKILL after 30 s
tandemd_pid=

# --- c. Mara's calendar answers 307 to another origin (once the reader
# has logged in): no credentials there (it answers 401 without them), and
# her calendar is an error.
: >"$AWAY_LOG"
proxy_mode "redirect-away:/mara/calendar/:$AWAY_URL/mara/calendar/"
d=$(sa_config cross-origin)
run_plan "$d"
cp "$AWAY_LOG" "$tmp/out/other-origin.log"
n_away=$(lines "$AWAY_LOG")
if grep -q "${T}307${T}.*${T}auth=yes" "$proxy_slice" &&
    ! grep -q "${T}auth=yes" "$AWAY_LOG"; then
	ok "a 307 to another origin: no credentials sent there ($n_away requests there)"
else
	not_ok "a 307 to another origin: no credentials sent there"
	diag "$AWAY_LOG"
	plan_diag
fi
if [ "$plan_rc" -eq 75 ] && summary_names "Mara Lind" mara.lind@corp.example &&
    judge unreadable:mara scheduled:omar scheduled:una; then
	ok "a 307 to another origin: exit 75, Mara's calendar named, her sessions unschedulable, never free"
else
	not_ok "a 307 to another origin: exit 75, Mara's calendar named, her sessions unschedulable, never free"
	diag "$tmp/judge.out"
	plan_diag
fi

# --- d. Mara's principal answers the reader's own calendar-home-set (the
# home's owner still says /reader/).
proxy_mode "foreign-home:/mara/:/reader/"
d=$(sa_config foreign mara=/mara/)
run_plan "$d"
if [ "$plan_rc" -eq 75 ] &&
    summary_names "Mara Lind" mara.lind@corp.example; then
	ok "a principal answering the reader's home: exit 75, one line says Mara's calendar could not be read"
else
	not_ok "a principal answering the reader's home: exit 75, one line says Mara's calendar could not be read"
	plan_diag
fi
judged "a principal answering the reader's home: Mara's sessions unschedulable, calendar_error names the home" \
    unreadable:mara:/reader/
judged "a principal answering the reader's home: the other pair is still scheduled, busy days honoured" \
    scheduled:omar scheduled:una

# --- e. A server without owner or principal-URL answers Mara's and Eli's
# principals with one home: neither may have it.
proxy_mode "foreign-home-noowner:/mara/:/reader/" \
    "foreign-home-noowner:/eli/:/reader/"
d=$(sa_config onehome mara=/mara/ eli=/eli/)
run_plan "$d"
if [ "$plan_rc" -eq 75 ] &&
    summary_names "Mara Lind" mara.lind@corp.example "Eli Novak" \
    eli.novak@corp.example; then
	ok "two principals, one home, no owner: exit 75, both named as could not be read"
else
	not_ok "two principals, one home, no owner: exit 75, both named as could not be read"
	plan_diag
fi
judged "two principals, one home, no owner: both calendars errors, the other pair scheduled" \
    unreadable:mara unreadable:eli scheduled:omar scheduled:una
proxy_mode pass

# --- f. The reader's password, plain or in Basic's base64, in nothing
# tandem printed, logged or stored (state, outbox), nor in the proxies' logs;
# only in its password files.
b64=$(printf 'reader:%s' "$READER_PW" | base64 | tr -d '\n')
cp "$PROXY_LOG" "$tmp/out/proxy.log"
if grep -r -l -F --exclude=reader.pw -e "$READER_PW" -e "$b64" \
    "$tmp/out" "$tmp/conf" >"$tmp/leaks"; then
	not_ok "the reader's password is in no output, log or state"
	diag "$tmp/leaks"
else
	ok "the reader's password is in no output, log or state ($(find "$tmp/out" "$tmp/conf" -type f | wc -l) files)"
fi

done_testing
