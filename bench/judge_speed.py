#!/usr/bin/env python3
"""How long the client judge takes on a full journal, as a ratio measured in one run.

Writes a synthetic journal of N entries (the default 10 000 is the journal's default capacity):
a kick-off, a 429 storm with Retry-After on the status URL, the manifest, then downloads with
transient failures mixed in -- the shapes the rules work hardest on. Times
`bulkharness judge --journal` on it (best of 3) against `bulkharness judge` on a one-entry
journal (process start and scenario loading: the fixed cost), and against reading the same file
with Python's json module (a yardstick for "how long does touching this much JSON take" on this
machine right now). Prints entries/s and the ratios. Usage: bench/judge_speed.py [--entries N]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def entry(seq, at_ms, method, endpoint, target, status, req=(), resp=(), body=None):
    e = {"seq": seq, "at_ms": at_ms, "client": "127.0.0.1:5", "method": method, "target": target,
         "endpoint": endpoint, "job": "j1", "job_ordinal": 1, "status": status,
         "request_headers": [["Host", "127.0.0.1:8080"], *req],
         "response_headers": [["Date", "Tue, 01 Dec 2026 20:00:00 GMT"], *resp]}
    if body:
        e["body"] = body
    return e


def journal(n):
    files = max(1, n // 10)
    storm = n - files * 2 - 3
    out = [entry(1, 0, "GET", "kickoff", "/fhir/$export", 202,
                 [["Accept", "application/fhir+json"], ["Prefer", "respond-async"]],
                 [["Content-Location", "http://127.0.0.1:8080/fhir/status/j1"]])]
    t = 100
    for _ in range(storm):
        out.append(entry(len(out) + 1, t, "GET", "status", "/fhir/status/j1", 429,
                         [["Accept", "application/json"]], [["Retry-After", "1"]]))
        t += 1000
    listed = [{"section": "output", "url": f"http://127.0.0.1:8080/fhir/f/{k}.ndjson"}
              for k in range(files)]
    out.append(entry(len(out) + 1, t, "GET", "status", "/fhir/status/j1", 200,
                     [["Accept", "application/json"]], [],
                     {"kind": "manifest", "files": listed, "requires_access_token": False}))
    for k in range(files):
        for status in (503, 200):
            t += 1000
            out.append(entry(len(out) + 1, t, "GET", "file", f"/fhir/f/{k}.ndjson", status))
    out.append(entry(len(out) + 1, t + 100, "DELETE", "delete", "/fhir/status/j1", 202))
    return {"capacity": len(out), "dropped": 0, "entries": out}


def best_of(runs, fn):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=10000)
    p.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    p.add_argument("--json", help="write the figures here (bench/results.py reads them)")
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bh-bench-") as tmp:
        big, small = pathlib.Path(tmp, "big.json"), pathlib.Path(tmp, "small.json")
        j = journal(a.entries)
        big.write_text(json.dumps(j))
        small.write_text(json.dumps({"capacity": 1, "dropped": 0, "entries": j["entries"][:1]}))

        def judge(path):
            r = subprocess.run([a.bulkharness, "judge", "--journal", str(path), "--json"],
                               capture_output=True, text=True, timeout=600)
            if r.returncode not in (0, 1):
                sys.exit(f"judge failed ({r.returncode}): {r.stderr}")
            return r.stdout

        verdict = json.loads(judge(big))
        t_big = best_of(3, lambda: judge(big))
        t_small = best_of(3, lambda: judge(small))
        t_json = best_of(3, lambda: json.loads(big.read_text()))
        size_mb = big.stat().st_size / 1e6
    n = len(j["entries"])
    work = t_big - t_small
    print(f"journal: {n} entries, {size_mb:.1f} MB; verdict {verdict['verdict']}, "
          f"{verdict['summary']}")
    print(f"judge --journal: {t_big * 1000:.0f} ms total, {t_small * 1000:.0f} ms fixed cost, "
          f"{work * 1000:.0f} ms judging -> {n / max(work, 1e-9):,.0f} entries/s")
    print(f"python json.loads of the same file: {t_json * 1000:.0f} ms; "
          f"ratio judging / json.loads = {work / t_json:.2f}")
    if a.json:
        benchlib.write_json(a.json, "judge", [
            benchlib.figure(f"judge a {n}-entry journal", n / max(work, 1e-9), "entries/s"),
            benchlib.figure("judging / Python json.loads of the same file", work / t_json, "ratio")])


if __name__ == "__main__":
    main()
