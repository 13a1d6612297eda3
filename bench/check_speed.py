#!/usr/bin/env python3
"""Wall time and request count of a full `bulkharness check` against `bulkharness serve`.

The server runs SMART Backend Services over TLS (so the whole catalogue runs and every SHALL
check passes: exit 0 is required, or the figure would time a failure) at two time scales (10x
and 40x; much faster and the SMART token's 5 simulated minutes last a few wall seconds, so the
runner, on wall time, is refused). Prints wall time, the runner's CPU time against it, and the
requests that reached the server (its own journal, not what the runner says it sent). Also
times `check --explore N` (RapidCheck sequences against the live server) as sequences/s.
Usage: bench/check_speed.py [--scales 10,40] [--explore 40] [--json F]
"""
import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
import ssl

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def journal_size(origin, ca_file):
    context = ssl.create_default_context(cafile=ca_file)
    with urllib.request.urlopen(origin + "/__admin/journal", timeout=30, context=context) as r:
        doc = json.loads(r.read())
    return len(doc["entries"]) + doc.get("dropped", 0)


def timed_check(exe, base, creds, *args):
    """(wall s, the runner's CPU s, the JSON report) of one check run, which must exit 0."""
    report = tempfile.NamedTemporaryFile(prefix="bh-check-", suffix=".json", delete=False).name
    cmd = [exe, "check", "--base-url", base, "--timeout", "600", "--job-timeout", "120",
           "--request-timeout", "10", "--report-json", report, *creds, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.exit(f"check exited {p.returncode} (expected 0):\n{p.stdout[-3000:]}\n{p.stderr[-2000:]}")
    try:
        return wall, cpu, json.loads(pathlib.Path(report).read_text())
    finally:
        os.unlink(report)


def run_at(exe, keys, scale, extra):
    cert = os.path.join(keys, "cert.pem")
    server = benchlib.Serve(exe, "--tls", "--tls-cert-out", cert, "--auth", "smart",
                            "--client-id", "runner", "--jwks", os.path.join(keys, "jwks.json"),
                            "--time-scale", str(scale), "--journal-capacity", "10000000")
    creds = ["--ca-file", cert, "--client-id", "runner", "--private-key",
             os.path.join(keys, "private-key.pem")]
    with server:
        wall, cpu, out = timed_check(exe, server.base, creds, *extra)
        return wall, cpu, journal_size(server.origin, cert), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    ap.add_argument("--scales", default="10,40")
    ap.add_argument("--explore", type=int, default=40)
    ap.add_argument("--json")
    a = ap.parse_args()
    figures = []
    with tempfile.TemporaryDirectory(prefix="bh-bench-check-") as keys:
        subprocess.run([a.bulkharness, "keygen", "--out", keys], check=True,
                       capture_output=True, timeout=60)
        walls = {}
        for scale in [float(s) for s in a.scales.split(",")]:
            wall, cpu, requests, out = run_at(a.bulkharness, keys, scale, [])
            checks = len(out["results"])
            walls[scale] = wall
            print(f"check, time scale {scale:g}: {wall:.2f} s wall, {cpu:.2f} s runner CPU "
                  f"({cpu / wall:.0%}), {requests} requests "
                  f"({requests / wall:.0f}/s), {checks} results ({out['summary']}), exit 0")
            figures += [benchlib.figure(f"check wall time (scale {scale:g})", wall, "s"),
                        benchlib.figure(f"check runner CPU / wall (scale {scale:g})", cpu / wall,
                                        "ratio"),
                        benchlib.figure(f"check requests (scale {scale:g})", requests, "requests")]
        # Against serve the runner mostly waits: Retry-After is whole seconds (at least 1 s
        # whatever the scale) and it honours every one, so the scales give the same wall time.
        lo, hi = min(walls), max(walls)
        print(f"wall time at scale {hi:g} / scale {lo:g}: {walls[hi] / walls[lo]:.2f} "
              "(1.00: bound by Retry-After's one-second floor, not by the jobs)")
        if a.explore:
            wall, _, requests, _ = run_at(a.bulkharness, keys, max(walls),
                                       ["--explore", str(a.explore), "--only",
                                        "explore-state-machine", "--levels", "system"])
            print(f"check --explore {a.explore}: {wall:.2f} s, {requests} requests, "
                  f"{a.explore / wall:.1f} sequences/s")
            figures.append(benchlib.figure("explore sequences per second", a.explore / wall,
                                           "sequences/s"))
    if a.json:
        benchlib.write_json(a.json, "check", figures)


if __name__ == "__main__":
    main()
