#!/usr/bin/python3
"""Compare the slots of `tandemctl plan --json` with those of bench/plan.py --out.

    bench/compare.py C.json PY.json [--show N]

Sessions are matched by (program, mentor, mentee, index); only those that
plan.py negotiated are compared.  Prints one summary line, and the first N
differences (default 10).  Exit 0 when every compared session agrees.
"""
import argparse
import datetime as dt
import json
import sys


def utc(text):
    if text is None:
        return None
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("c")
    ap.add_argument("py")
    ap.add_argument("--show", type=int, default=10)
    a = ap.parse_args()
    with open(a.c) as f:
        c = {(s["program"], s["mentor"], s["mentee"], s["index"]): s for s in json.load(f)}
    with open(a.py) as f:
        py = json.load(f)
    same = both = c_only = py_only = neither = moved = missing = 0
    diffs = []
    for s in py:
        k = (s["program"], s["mentor"], s["mentee"], s["index"])
        cs = c.get(k)
        if cs is None:
            missing += 1
            diffs.append("%s #%d: not in the C plan" % (k[1:3], k[3]))
            continue
        cst = utc(cs.get("start")) if cs.get("status") == "scheduled" else None
        pst = s["start"]
        if cst == pst:
            same += 1
            both += cst is not None
            neither += cst is None
            continue
        if cst is None:
            py_only += 1
        elif pst is None:
            c_only += 1
        else:
            moved += 1
        diffs.append("%s -> %s #%d nominal %s: C %s (score %s), Python %s (score %s)" %
                     (k[1], k[2], k[3], s["nominal"], cst or cs.get("status"),
                      cs.get("score"), pst or "unschedulable", s["score"]))
    total = len(py)
    print("compare: sessions=%d agree=%d (placed %d, unschedulable %d) differ=%d "
          "(other slot %d, only C placed %d, only Python placed %d, missing in C %d)" %
          (total, same, both, neither, total - same, moved, c_only, py_only, missing))
    for d in diffs[:a.show]:
        print("  " + d)
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
