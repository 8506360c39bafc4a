#!/usr/bin/python3
"""The benchmark's job written in Python, as a baseline for tandem.

    /usr/bin/python3 bench/plan.py -c DIR/tandem.conf --now 2027-03-01T08:00:00Z
                                   [--out RESULTS.json]

Reads the same tandem.conf, people.csv, pairs.csv, holidays.ics and
calendars as `tandemctl plan`, negotiates the sessions whose nominal time is
in [now, now + horizon) with the rules of lib/slots.h and lib/negotiate.c,
and prints to stderr

    stats: calendars=N bytes=N fetch=S parse=S expand=S negotiate=S total=S
           maxrss_kb=N sessions=N fixed=N unschedulable=N

(one line, as `tandemctl plan --stats` does: sessions counts the whole plan,
fixed and unschedulable the negotiated ones).  Calendars are read with Debian's python3-icalendar
(Calendar.from_ical) and expanded with python3-recurring-ical-events
(of(cal).between(window)); the window is [now - 1 day, now + horizon + 6
weeks].  Busy semantics follow lib/busy_expand.c: TRANSP:TRANSPARENT,
STATUS:CANCELLED, the owner's PARTSTAT=DECLINED and
X-MICROSOFT-CDO-BUSYSTATUS:FREE block nothing; STATUS:TENTATIVE, the owner's
PARTSTAT=TENTATIVE and X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE are tentative,
which blocks unless the program says tentative = free; all-day dates are read
in the owner's zone.

Negotiation: sessions in order of nominal time (ties: pairs.csv order); a
placed session blocks both people's later slots (with the buffer) and counts
towards max_per_week, weeks being Monday to Sunday in each person's own
zone; the habit is the weekday and time (program zone) of the pair's
previous session when this run placed it.

Only what the benchmark's tandem.conf uses is implemented: one or more
programs with `cadence = every N weeks [on DAY]` and `duration = N months`.
"""
import time

T_START = time.perf_counter()

import argparse
import bisect
import csv
import datetime as dt
import json
import os
import re
import resource
import sys
import zoneinfo

import icalendar
import recurring_ical_events

UTC = dt.timezone.utc
GRID = 15 * 60
HABIT_WEIGHT = 1000000
DAY_WEIGHT = 10000
MAX_WALK = 60
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
EPOCH_DAY = dt.date(1970, 1, 1)


# -- configuration ------------------------------------------------------------

def read_ini(path):
    """[section name] / key = value / # and ; comments, as lib/ini.c reads them."""
    sections = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                head = line[1:line.index("]")].split(None, 1)
                cur = {"_type": head[0], "_name": head[1] if len(head) > 1 else ""}
                sections.append(cur)
                continue
            key, val = line.split("=", 1)
            val = val.strip()
            if val.startswith('"'):
                val = val[1:val.index('"', 1)]
            else:
                val = re.split(r"\s[#;]", val, 1)[0].strip()
            cur[key.strip()] = val
    return sections


def minutes(text):
    """'60m', '1h30m', '3d', '6w', '0' to minutes."""
    unit = {"m": 1, "h": 60, "d": 1440, "w": 10080}
    total = 0
    for n, u in re.findall(r"(\d+)\s*([a-z]+)", text.lower()):
        total += int(n) * unit[u[0]]
    return total


def parse_hours(text):
    """'Mon-Thu 09:00-17:00, Fri 09:00-13:00' to {weekday: [(lo, hi), ...]}."""
    out = {d: [] for d in range(7)}
    days, last_was_time = [], False
    for tok in re.split(r"[,\s]+", text.strip()):
        if not tok:
            continue
        m = re.fullmatch(r"(\d\d):(\d\d)-(\d\d):(\d\d)", tok)
        if m:
            lo = int(m[1]) * 60 + int(m[2])
            hi = int(m[3]) * 60 + int(m[4])
            for d in days:
                out[d].append((lo, hi))
            last_was_time = True
            continue
        if last_was_time:
            days, last_was_time = [], False
        a, _, b = tok.lower().partition("-")
        lo = DAYS[a[:3]]
        hi = DAYS[b[:3]] if b else lo
        days += list(range(lo, hi + 1))
    for d in out:
        out[d].sort()
    return out


class Program:
    def __init__(self, sec, confdir):
        self.name = sec["_name"]
        self.tzname = sec["timezone"]
        self.tz = zoneinfo.ZoneInfo(self.tzname)
        m = re.fullmatch(r"every (\d+) weeks?(?: on (\w+))?", sec["cadence"].lower())
        if not m:
            sys.exit("plan.py: only 'every N weeks' cadences are implemented")
        self.interval = int(m[1])
        self.weekday = DAYS[m[2][:3]] if m[2] else None
        st = sec["start"].split()
        self.start = dt.date.fromisoformat(st[0])
        hm = st[1] if len(st) > 1 else sec.get("time")
        hours = parse_hours(sec.get("hours", "Mon-Fri 09:00-17:00"))
        if hm:
            self.minute = int(hm[:2]) * 60 + int(hm[3:5])
        else:
            self.minute = min(w[0][0] for w in hours.values() if w)
        dm = re.fullmatch(r"(\d+) months?", sec["duration"])
        if not dm:
            sys.exit("plan.py: only 'duration = N months' is implemented")
        months = self.start.month - 1 + int(dm[1])
        self.end = self.start.replace(year=self.start.year + months // 12,
                                      month=months % 12 + 1)
        self.hours = hours
        self.length = minutes(sec.get("length", "60m")) * 60
        self.flex = minutes(sec.get("flex", "2d")) // 1440
        self.horizon = minutes(sec.get("horizon", "6w")) * 60
        self.buffer = minutes(sec.get("buffer", "0")) * 60
        self.max_per_week = int(sec.get("max_per_week", "2") or 2)
        self.tentative_free = sec.get("tentative", "busy") == "free"
        self.holidays_path = os.path.join(confdir, sec["holidays"]) if "holidays" in sec else None
        self.people_path = os.path.join(confdir, sec["people"])
        self.pairs_path = os.path.join(confdir, sec["pairs"])

    def nominals(self):
        """(index, civil day, UTC instant) of every session of a pair."""
        d = self.start
        if self.weekday is not None:
            d += dt.timedelta(days=(self.weekday - d.weekday()) % 7)
        i = 0
        while d < self.end:
            i += 1
            yield i, d, wall_to_utc(self.tz, d, self.minute)
            d += dt.timedelta(days=7 * self.interval)


# -- time ---------------------------------------------------------------------

def civil(d):
    return (d - EPOCH_DAY).days


def wall_to_utc(tz, day, minute):
    """RFC 5545: a repeated time is the first, a skipped one uses the offset before."""
    h, m = divmod(minute, 60)
    if h == 24:
        day, h = day + dt.timedelta(days=1), 0
    t = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=tz, fold=0)
    return int(t.timestamp())


def utc_offset(tz, t):
    return int(dt.datetime.fromtimestamp(t, tz).utcoffset().total_seconds())


def local_day(tz, t):
    return dt.datetime.fromtimestamp(t, tz).date()


def grid(tz, day, cache={}):
    """The UTC instants of a program-zone day's 15-minute grid; None: skipped."""
    key = (tz.key, day)
    g = cache.get(key)
    if g is not None:
        return g
    start = wall_to_utc(tz, day, 0)
    nxt = wall_to_utc(tz, day + dt.timedelta(days=1), 0)
    g = []
    for m in range(0, 1440, GRID // 60):
        if nxt - start == 86400:
            g.append(start + m * 60)
            continue
        t = wall_to_utc(tz, day, m)
        if t + utc_offset(tz, t) != civil(day) * 86400 + m * 60:
            t = None
        g.append(t)
    cache[key] = g
    return g


def iso_week(tz, t):
    return dt.datetime.fromtimestamp(t, tz).isocalendar()[:2]


# -- calendars ----------------------------------------------------------------

def owner_partstat(ev, owner):
    att = ev.get("ATTENDEE")
    if att is None:
        return None
    if not isinstance(att, list):
        att = [att]
    for a in att:
        addr = str(a)
        if addr.lower().startswith("mailto:"):
            addr = addr[7:]
        if addr.lower() == owner:
            return str(a.params.get("PARTSTAT", "")).upper()
    return None


def to_utc(v, tz):
    """A DTSTART/DTEND value to a UTC instant; dates and floating times in tz."""
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=tz)
        return int(v.timestamp())
    return wall_to_utc(tz, v, 0)


def busy_of(cal, owner, tz, lo, hi, tentative_free):
    """Blocking busy time (BUSY, and TENTATIVE unless tentative_free) of cal in [lo, hi)."""
    span = (dt.datetime.fromtimestamp(lo, UTC), dt.datetime.fromtimestamp(hi, UTC))
    out = []
    for ev in recurring_ical_events.of(cal).between(*span):
        if ev.name != "VEVENT":
            continue
        transp = str(ev.get("TRANSP", "")).upper()
        status = str(ev.get("STATUS", "")).upper()
        ms = str(ev.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
        part = owner_partstat(ev, owner)
        if (transp.startswith("TRANSPARENT") or status == "CANCELLED" or
                part == "DECLINED" or ms == "FREE"):
            continue
        if tentative_free and (status == "TENTATIVE" or part == "TENTATIVE" or
                               ms == "TENTATIVE"):
            continue
        start = ev["DTSTART"].dt
        s = to_utc(start, tz)
        if "DTEND" in ev:
            e = to_utc(ev["DTEND"].dt, tz)
        elif "DURATION" in ev:
            e = to_utc(start + ev["DURATION"].dt, tz)
        elif isinstance(start, dt.datetime):
            e = s
        else:
            e = to_utc(start + dt.timedelta(days=1), tz)
        s, e = max(s, lo), min(e, hi)
        if s < e:
            out.append((s, e))
    return merge(out)


def merge(iv):
    iv.sort()
    out = []
    for a, b in iv:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1][1] = b
        else:
            out.append([a, b])
    return out


def holiday_days(path, prog):
    """Civil days of the holidays file (all-day events, recurring ones too)."""
    if path is None:
        return set()
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    days = set()
    lo = prog.start - dt.timedelta(days=70)
    hi = prog.end + dt.timedelta(days=70)
    for ev in recurring_ical_events.of(cal).between(lo, hi):
        s = ev["DTSTART"].dt
        if isinstance(s, dt.datetime):
            s = s.astimezone(prog.tz).date()
        e = ev["DTEND"].dt if "DTEND" in ev else s + dt.timedelta(days=1)
        if isinstance(e, dt.datetime):
            e = e.astimezone(prog.tz).date()
        d = s
        while d < e or d == s:
            days.add(d)
            d += dt.timedelta(days=1)
    return days


# -- the slot search (lib/slots.h) ------------------------------------------

def window(prog, hol, nominal_day):
    def business(d):
        return d.weekday() < 5 and d not in hol
    before = []
    d, walked = nominal_day - dt.timedelta(days=1), 0
    while len(before) < prog.flex and walked < MAX_WALK:
        if business(d):
            before.append((d, len(before) + 1))
        d -= dt.timedelta(days=1)
        walked += 1
    w = list(reversed(before))
    if business(nominal_day):
        w.append((nominal_day, 0))
    d, k, walked = nominal_day + dt.timedelta(days=1), 0, 0
    while k < prog.flex and walked < MAX_WALK:
        if business(d):
            k += 1
            w.append((d, k))
        d += dt.timedelta(days=1)
        walked += 1
    return w


def side_hours(person, lo, hi):
    tz, hours = person["tzinfo"], person["hours"]
    out = []
    d = local_day(tz, lo) - dt.timedelta(days=1)
    last = local_day(tz, hi) + dt.timedelta(days=1)
    while d <= last:
        for a, b in hours[d.weekday()]:
            ua = wall_to_utc(tz, d, a)
            ub = wall_to_utc(tz, d, b)
            if out and ua <= out[-1][1]:
                out[-1][1] = max(out[-1][1], ub)
            else:
                out.append([ua, ub])
        d += dt.timedelta(days=1)
    return out


def side_block(person, lo, hi):
    busy = person["busy"]
    i = bisect.bisect_right(person["busy_ends"], lo)
    iv = []
    while i < len(busy) and busy[i][0] < hi:
        iv.append(tuple(busy[i]))
        i += 1
    iv += [(a, b) for a, b in person["booked"] if b > lo and a < hi]
    return merge(iv)


def first_after(v, a):
    lo, hi = 0, len(v)
    while lo < hi:
        mid = (lo + hi) // 2
        if v[mid][1] <= a:
            lo = mid + 1
        else:
            hi = mid
    return lo


def clear(v, a, b):
    i = first_after(v, a)
    return i == len(v) or v[i][0] >= b


def within(v, a, b):
    i = first_after(v, a)
    return i < len(v) and v[i][0] <= a and b <= v[i][1]


def find_slot(prog, hol, sess, who, habit, now):
    w = window(prog, hol, sess["day"])
    if not w:
        return None, None
    lo = wall_to_utc(prog.tz, w[0][0], 0) - 86400
    hi = wall_to_utc(prog.tz, w[-1][0] + dt.timedelta(days=1), 0) + 86400
    sides = [(side_hours(p, lo, hi), side_block(p, lo - prog.buffer, hi + prog.buffer))
             for p in who]
    best = None
    for day, dist in w:
        wd = day.weekday()
        for g, s in enumerate(grid(prog.tz, day)):
            if s is None:
                continue
            minute = g * (GRID // 60)
            sc = (0 if habit is not None and habit == (wd, minute) else HABIT_WEIGHT) + \
                DAY_WEIGHT * dist + abs(minute - prog.minute)
            if best is not None and (sc > best[0] or (sc == best[0] and s >= best[1])):
                continue
            if s < now:
                continue
            e = s + prog.length
            ok = True
            for hrs, blk in sides:
                if not within(hrs, s, e) or not clear(blk, s - prog.buffer, e + prog.buffer):
                    ok = False
                    break
            if ok and prog.max_per_week:
                for p in who:
                    week = iso_week(p["tzinfo"], s)
                    if sum(1 for x in p["weeks"] if x == week) >= prog.max_per_week:
                        ok = False
                        break
            if ok:
                best = (sc, s)
    if best is None:
        return None, None
    return best[1], best[0]


# -- the job ----------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", "--config", required=True)
    ap.add_argument("--now", required=True)
    ap.add_argument("--out", help="write every negotiated session here (JSON)")
    ap.add_argument("--dump-busy", help="write each person's blocking busy time here "
                    "(lines: email start end, UTC seconds), to compare with the C busy layer")
    a = ap.parse_args()
    now = int(dt.datetime.fromisoformat(a.now.replace("Z", "+00:00")).timestamp())
    confdir = os.path.dirname(os.path.abspath(a.config))
    programs = [Program(s, confdir) for s in read_ini(a.config) if s["_type"] == "program"]

    t_fetch = t_parse = t_expand = t_neg = 0.0
    nplan = 0
    ncal = nbytes = 0
    results = []
    dumped = {}
    for prog in programs:
        people = {}
        pdir = os.path.dirname(prog.people_path)
        with open(prog.people_path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                url = row["calendar"]
                path = url[5:] if url.startswith("file:") else url
                if path.startswith("//"):
                    path = path[2:]
                p = {"email": row["email"].lower(), "tz": row["tz"],
                     "tzinfo": zoneinfo.ZoneInfo(row["tz"]),
                     "hours": parse_hours(row["hours"]) if row.get("hours") else prog.hours,
                     "path": os.path.join(pdir, path), "busy": None,
                     "booked": [], "weeks": []}
                people[p["email"]] = p
        with open(prog.pairs_path, encoding="utf-8-sig", newline="") as f:
            pairs = [(r["mentor"].lower(), r["mentee"].lower()) for r in csv.DictReader(f)]
        hol = holiday_days(prog.holidays_path, prog)
        noms = list(prog.nominals())
        nplan += len(noms) * len(pairs)
        sessions = []
        for k, (mentor, mentee) in enumerate(pairs):
            for idx, day, t in noms:
                if now <= t < now + prog.horizon:
                    sessions.append({"pair": k, "mentor": mentor, "mentee": mentee,
                                     "index": idx, "day": day, "nominal": t})
        lo = now - 86400
        hi = now + prog.horizon + 6 * 7 * 86400
        needed = sorted({s["mentor"] for s in sessions} | {s["mentee"] for s in sessions})
        for email in needed:
            p = people[email]
            tf = time.perf_counter()
            with open(p["path"], "rb") as f:
                data = f.read()
            t0 = time.perf_counter()
            cal = icalendar.Calendar.from_ical(data)
            t1 = time.perf_counter()
            t_fetch += t0 - tf
            p["busy"] = busy_of(cal, p["email"], p["tzinfo"], lo, hi,
                                prog.tentative_free)
            p["busy_ends"] = [b for _, b in p["busy"]]
            dumped[email] = [tuple(x) for x in p["busy"]]
            del cal
            t2 = time.perf_counter()
            t_parse += t1 - t0
            t_expand += t2 - t1
            ncal += 1
            nbytes += len(data)
        t0 = time.perf_counter()
        habit = {}
        sessions.sort(key=lambda s: (s["nominal"], s["pair"]))
        for s in sessions:
            who = [people[s["mentor"]], people[s["mentee"]]]
            h = habit.get((s["pair"], s["index"] - 1))
            start, score = find_slot(prog, hol, s, who, h, now)
            if start is not None:
                for p in who:
                    p["booked"].append((start, start + prog.length))
                    p["weeks"].append(iso_week(p["tzinfo"], start))
                lt = dt.datetime.fromtimestamp(start, prog.tz)
                habit[(s["pair"], s["index"])] = (lt.weekday(), lt.hour * 60 + lt.minute)
            results.append({"program": prog.name, "mentor": s["mentor"], "mentee": s["mentee"],
                            "index": s["index"],
                            "nominal": dt.datetime.fromtimestamp(s["nominal"], UTC)
                            .strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "start": None if start is None else
                            dt.datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "score": score})
        t_neg += time.perf_counter() - t0

    if a.dump_busy:
        with open(a.dump_busy, "w") as f:
            for email in sorted(dumped):
                for s, e in dumped[email]:
                    f.write("%s %d %d\n" % (email, s, e))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(results, f, indent=0)
    fixed = sum(1 for r in results if r["start"] is not None)
    total = time.perf_counter() - T_START
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("stats: calendars=%d bytes=%d fetch=%.3f parse=%.3f expand=%.3f negotiate=%.3f "
          "total=%.3f maxrss_kb=%d sessions=%d fixed=%d unschedulable=%d" %
          (ncal, nbytes, t_fetch, t_parse, t_expand, t_neg, total, rss, nplan, fixed,
           len(results) - fixed), file=sys.stderr)


if __name__ == "__main__":
    main()
