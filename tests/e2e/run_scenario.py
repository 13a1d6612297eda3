#!/usr/bin/env python3
"""Replays one scenario file against the reference client over loopback and checks `expect`.

Starts `bulkharness serve --scenario FILE --port 0`, runs `bulkharness export` against it under a
deadline (the scenario's `client_args` appended), then checks: the client's exit status is the
one the expected outcome names; on success every resource the server put in the manifest
arrived (or exactly `resources`); at least one fault rule fired unless `faults_fire` is false;
the server is still alive. Prints the server's rule counters and, on failure, the journal.
Exit 0 when the expectation holds, 1 when it does not, 2 on a usage error.
"""
import argparse
import json
import os
import pathlib
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

EXIT_CODES = {"success": 0, "rejected": 3, "failed": 4, "manifest-invalid": 5,
              "download-failed": 6, "validation-failed": 7, "gone": 8, "cancelled": 9,
              "timed-out": 10, "transport-error": 11}


def admin(server, path):
    with urllib.request.urlopen(server.origin + "/__admin/" + path, timeout=10) as r:
        return json.load(r)


def resources_written(out_dir):
    """Resources in the data files the client wrote (not error/deleted files, not the manifest)."""
    total = 0
    for f in sorted(pathlib.Path(out_dir).glob("*.ndjson")):
        if f.name.startswith(("error-", "deleted-")):  # the client's names for those files
            continue
        total += harness.count_lines(f)
    return total


def resources_served(jobs):
    """What the server's last completed manifest listed (the ground truth)."""
    built = [j for j in jobs if j["manifest_built"]]
    if not built:
        return None
    return sum(f["count"] for f in built[-1]["files"] if not f["error"])


def replay(bulkharness, scenario_path, time_scale=None, timeout=120, seed=None):
    scenario = json.loads(pathlib.Path(scenario_path).read_text())
    expect = scenario.get("expect", {})
    outcome = expect.get("outcome", "success")
    problems = []
    serve_args = ["--scenario", str(scenario_path)]
    if time_scale:
        serve_args += ["--time-scale", str(time_scale)]
    if seed is not None:
        serve_args += ["--seed", str(seed)]
    harness.BULKHARNESS = bulkharness
    with harness.Server(*serve_args) as server, harness.tempdir() as out:
        # The client's own backoff runs in real time (only the server is scaled): cap it so a
        # storm of retries costs seconds; every Retry-After is still honoured in full.
        own = scenario.get("client_args", [])
        defaults = {"--timeout": str(timeout), "--io-timeout": "10", "--max-backoff": "2"}
        args = [x for flag, value in defaults.items() if flag not in own for x in (flag, value)]
        args += own
        code, stdout, stderr, _ = harness.export(server.base, out, *args, timeout=timeout + 60)
        rules = admin(server, "rules")
        jobs = admin(server, "jobs")
        journal = admin(server, "journal")
        if server.proc.poll() is not None:
            problems.append(f"the server exited ({server.proc.returncode}) during the replay")
        if code != EXIT_CODES[outcome]:
            problems.append(f"client exit status {code}, expected {EXIT_CODES[outcome]} ({outcome})")
        if outcome == "success" and code == 0:
            got = resources_written(out)
            want = expect.get("resources", "all")
            want = resources_served(jobs) if want == "all" else want
            if got != want:
                problems.append(f"client wrote {got} resources, expected {want}")
        fired = sum(r["fired"] for r in rules)
        if rules and expect.get("faults_fire", True) and fired == 0:
            problems.append("no fault rule fired: the scenario did not exercise what it says")
    return problems, code, stdout, stderr, rules, journal


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bulkharness", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--time-scale", type=float)
    p.add_argument("--timeout", type=int, default=120, help="client deadline, seconds")
    p.add_argument("--swarm-runs", type=int, default=3,
                   help="a scenario with swarm rules is replayed this many times, seeds s, s+1, ...")
    a = p.parse_args()
    scenario = json.loads(pathlib.Path(a.scenario).read_text())
    runs = a.swarm_runs if any(r.get("swarm") for r in scenario.get("rules", [])) else 1
    first_seed = scenario.get("seed", 1)
    failed = 0
    for k in range(runs):
        seed = first_seed + k if runs > 1 else None
        failed += report(a, seed)
    return 1 if failed else 0


def report(a, seed):
    """One replay, printed; returns 1 when the expectation failed."""
    problems, code, stdout, stderr, rules, journal = replay(
        os.path.abspath(a.bulkharness), a.scenario, a.time_scale, a.timeout, seed)
    name = pathlib.Path(a.scenario).stem + ("" if seed is None else f" (seed {seed})")
    for r in rules:
        print(f"  rule {r['id']:<32} {r['kind']:<30} matched {r['matched']:>4}  fired {r['fired']:>4}"
              + ("" if r["enabled"] else "  (swarm: off)"))
    if problems:
        print(f"FAIL {name}: " + "; ".join(problems))
        print("--- client stdout ---\n" + stdout[-6000:] + "\n--- client stderr ---\n" + stderr[-2000:])
        for e in journal["entries"][-40:]:
            faults = ",".join(f["kind"] for f in e.get("faults", []))
            print(f"  #{e['seq']} {e['at_ms']}ms {e['method']} {e['target'][:70]} -> {e['status']}"
                  f" {faults} {e.get('wire', '')}")
        return 1
    print(f"ok {name}: client exit {code} as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
