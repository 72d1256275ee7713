#!/usr/bin/env python3
"""Judges a soak run (scripts/soak.sh): prints the numbers, exits 1 on a failure.

Checks that the daemon exited 0; that every event it made (one log line per
event) reached the receiver, was verified and answered 2xx, with nothing
left in the spool; that every event answered 503 was delivered later; and
that RSS stayed flat: the median of the last quarter of the samples is at
most --rss-growth-kib above the median of the first quarter (not checked
with --leak-log: valgrind's or the sanitizer's memory dominates). With
--leak-log (valgrind's log, or the daemon's stderr under LeakSanitizer) its
summary is shown; the leak checker fails the run through the exit code.
"""

import argparse
import csv
import json
import os
import re
import statistics
import sys

# One line per event made: its outcome, or that it joined the spool to wait
# for a pending retry.
EVENT_LINE = re.compile(
    r"\b(ONLINE|HEARTBEAT|OFFLINE) (delivered \(|unavailable:|protocol:|refused:|spooled behind)")


def events_made(daemon_log):
    counts = {}
    with open(daemon_log, errors="replace") as f:
        for line in f:
            m = EVENT_LINE.search(line)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def receiver_view(received):
    delivered = {}   # event id -> event kind, answered 2xx at least once
    answers_2xx = {}
    failed_ids = set()
    rejected = 0
    with open(received) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("kind") != "presence":
                continue
            if not rec["verified"]:
                rejected += 1
                continue
            key = rec["idempotency_key"]
            if 200 <= rec["status_sent"] < 300:
                delivered[key] = json.loads(rec["body"])["event"]
                answers_2xx[key] = answers_2xx.get(key, 0) + 1
            else:
                failed_ids.add(key)
    duplicates = sum(n - 1 for n in answers_2xx.values())
    return delivered, failed_ids, rejected, duplicates


def rss_samples(path):
    with open(path) as f:
        return [(int(r["seconds"]), r["phase"], int(r["vmrss_kib"]), int(r["vmhwm_kib"]))
                for r in csv.DictReader(f)]


def spool_leftovers(state_dir):
    spool = os.path.join(state_dir, "spool")
    return sorted(os.listdir(spool)) if os.path.isdir(spool) else []


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--daemon-exit", type=int, required=True)
    p.add_argument("--daemon-log", required=True)
    p.add_argument("--received", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--rss", required=True)
    p.add_argument("--rss-growth-kib", type=int, default=512)
    p.add_argument("--leak-log")
    a = p.parse_args()

    failures = []
    if a.daemon_exit != 0:
        failures.append("the daemon exited %d" % a.daemon_exit)

    made = events_made(a.daemon_log)
    delivered, failed_ids, rejected, duplicates = receiver_view(a.received)
    by_kind = {}
    for kind in delivered.values():
        by_kind[kind] = by_kind.get(kind, 0) + 1
    print("events made by the daemon:     %s" % made)
    print("events delivered (distinct):   %s" % by_kind)
    print("events answered 503 at first:  %d, delivered later: %d"
          % (len(failed_ids), len(failed_ids & delivered.keys())))
    print("duplicate 2xx deliveries:      %d (same Idempotency-Key)" % duplicates)
    if made != by_kind:
        failures.append("events made %s differ from events delivered %s" % (made, by_kind))
    if rejected:
        failures.append("%d requests failed the receiver's verification" % rejected)
    if failed_ids - delivered.keys():
        failures.append("%d events answered 503 were never delivered" % len(failed_ids - delivered.keys()))
    leftovers = spool_leftovers(a.state_dir)
    if leftovers:
        failures.append("the spool still holds %s" % leftovers)

    samples = rss_samples(a.rss)
    rss = [s[2] for s in samples]
    quarter = max(1, len(rss) // 4)
    first, last = statistics.median(rss[:quarter]), statistics.median(rss[-quarter:])
    print("RSS samples:                   %d over %d s" % (len(rss), samples[-1][0] if samples else 0))
    print("VmRSS KiB min/median/max:      %d / %d / %d" % (min(rss), statistics.median(rss), max(rss)))
    print("VmRSS KiB first/last quarter:  %d / %d (medians)" % (first, last))
    print("VmHWM KiB at the end:          %d" % samples[-1][3])
    for phase in ("healthy", "failing", "down", "recovered"):
        values = [s[2] for s in samples if s[1] == phase]
        if values:
            print("VmRSS KiB while %-10s     median %d, max %d" % (phase + ":", statistics.median(values), max(values)))
    if a.leak_log:
        with open(a.leak_log, errors="replace") as f:
            text = f.read()
        pattern = r"(lost|ERROR SUMMARY|in use at exit|LeakSanitizer|AddressSanitizer|runtime error)"
        summary = [l for l in text.splitlines() if re.search(pattern, l)]
        print("leak check:\n  " + ("\n  ".join(summary) or "no leak or memory error reported"))
    elif last - first > a.rss_growth_kib:
        failures.append("RSS grew by %d KiB (last quarter vs first quarter)" % (last - first))

    for f in failures:
        print("soak: FAILED: " + f, file=sys.stderr)
    print("soak: %s" % ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
