#!/usr/bin/env python3
"""How fast the simulator runs export lifecycles, measured in one run.

Runs `bulkharness sim --no-liveness --no-judge` (one client per run: the lifecycle) on
bench/sim/lifecycle.json (a 5-minute job, a transient error, a 429 and a reset file, Patient
only: 13 exchanges with faults) for N seeds, and on bench/sim/one-hour.json (a one-hour export,
120 s polls through a 429 storm, all eight types: 42 exchanges). The fixed cost of a process
(start, scenario loading) is measured with a one-run invocation and subtracted. Prints
lifecycles per second, exchanges per second, simulated seconds per wall second, the wall time
of one simulated hour, and what full data costs against one small file (a ratio, so a noisy
machine still gives a meaningful figure). Usage: bench/sim_speed.py [--runs N]
"""
import argparse
import json
import pathlib
import re
import subprocess
import time

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAST = re.compile(r"runs (\d+), violations (\d+), simulated ([\d.]+) s, wall ([\d.]+) s")


def sim(bulkharness, scenario, runs):
    """(wall seconds inside the loop, simulated seconds, exchanges of the first run)."""
    cmd = [bulkharness, "sim", "--scenario", str(scenario), "--runs", str(runs),
           "--no-liveness", "--no-judge", "--json", "--no-shrink", "--regressions", "/tmp"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    total = time.perf_counter() - t0
    doc = json.loads(p.stdout)
    if doc["violations"]:
        raise SystemExit(f"{scenario}: violations in the benchmark run:\n{p.stderr}")
    return doc["wall_s"], doc["simulated_s"], doc["runs"][0]["exchanges"], total


def best(fn, repeat=3):
    return min((fn() for _ in range(repeat)), key=lambda r: r[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20000)
    ap.add_argument("--bulkharness", default=str(ROOT / "build" / "app" / "bulkharness"))
    ap.add_argument("--json", help="write the figures here (bench/results.py reads them)")
    a = ap.parse_args()
    life = ROOT / "bench" / "sim" / "lifecycle.json"
    hour = ROOT / "bench" / "sim" / "one-hour.json"
    wall, simulated, exchanges, total = best(lambda: sim(a.bulkharness, life, a.runs))
    per_s = a.runs / wall
    print(f"sim lifecycle ({exchanges} exchanges, faults on): {a.runs} runs in {wall:.3f} s: "
          f"{per_s:,.0f} lifecycles/s, {per_s * exchanges:,.0f} exchanges/s, "
          f"{simulated / wall:,.0f} simulated s per wall s (process total {total:.2f} s)")
    hour_runs = max(1, a.runs // 200)
    wall_h, sim_h, ex_h, _ = best(lambda: sim(a.bulkharness, hour, hour_runs))
    one = wall_h / hour_runs
    print(f"one-hour export ({ex_h} exchanges, {sim_h / hour_runs:,.0f} simulated s): "
          f"{one * 1000:.2f} ms wall each ({hour_runs} runs), "
          f"{sim_h / wall_h:,.0f} simulated s per wall s")
    print(f"ratio: a one-hour all-types export costs {one / (wall / a.runs):.1f} small lifecycles")
    print("targets (issue 5): 50,000 lifecycles/s on one core; a simulated hour under 100 ms")
    if a.json:
        benchlib.write_json(a.json, "sim", [
            benchlib.figure("lifecycles per second (one core)", per_s, "lifecycles/s",
                            ">= 50,000", per_s >= 50000),
            benchlib.figure("simulated seconds per wall second", simulated / wall, "s/s"),
            benchlib.figure("one simulated hour (all types)", one * 1000, "ms wall", "< 100 ms",
                            one < 0.1)])


if __name__ == "__main__":
    main()
