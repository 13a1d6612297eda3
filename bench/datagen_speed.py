#!/usr/bin/env python3
"""How fast the dataset generator writes NDJSON, in process (no network, no files).

Runs build/bench/bh_datagen_speed (every type of a --members dataset, read in 64 KiB next()
calls as serve's sessions read it) --rounds times and keeps the median MB/s: the part of a
download's cost that is serve's own, whatever the loopback and the reader do. With --against
OLD (another build's bh_datagen_speed), the two alternate round by round and the ratio new/old
is printed; the two must write the same bytes (FNV-1a digest), or it exits 1.
Usage: bench/datagen_speed.py [--members 20000] [--rounds 5] [--against OLD] [--json F]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(exe, members):
    p = subprocess.run([exe, str(members)], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"{exe} exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--exe", default=str(ROOT / "build" / "bench" / "bh_datagen_speed"))
    ap.add_argument("--against", help="an older bh_datagen_speed to compare with")
    ap.add_argument("--json", help="write the figures here (bench/results.py reads them)")
    a = ap.parse_args()
    exes = {"new": a.exe} | ({"old": a.against} if a.against else {})
    for exe in exes.values():
        if not pathlib.Path(exe).is_file():
            sys.exit(f"{exe}: not found (build it: ninja -C build bh_datagen_speed)")
    rates = {name: [] for name in exes}
    digests = {}
    for r in range(a.rounds):
        for name, exe in exes.items():
            doc = run(exe, a.members)
            digests.setdefault(name, doc["fnv1a"])
            rates[name].append(doc["bytes"] / doc["seconds"] / 1e6)
            print(f"round {r + 1}: {name} {rates[name][-1]:,.0f} MB/s "
                  f"({doc['bytes'] / 1e6:,.0f} MB, digest {doc['fnv1a']})")
    if len(set(digests.values())) != 1:
        sys.exit(f"the binaries write different bytes: {digests}")
    median = {name: statistics.median(v) for name, v in rates.items()}
    print(f"median of {a.rounds}: " + ", ".join(f"{n} {m:,.0f} MB/s" for n, m in median.items())
          + (f", new / old = {median['new'] / median['old']:.2f}" if "old" in median else ""))
    if a.json:
        benchlib.write_json(a.json, "datagen", [benchlib.figure(
            f"NDJSON generated in process ({a.members:,} members, all types)", median["new"],
            "MB/s")])


if __name__ == "__main__":
    main()
