"""Parity: a scenario run in the simulator and over real sockets (serve + export) is judged the
same. For each scenario: the reference client's outcome, the judge's verdict and the set of
judge rules that failed must agree between `bulkharness sim --scenario F --json` and
ci/replay.py (which starts `serve` and the real `export` process on loopback). The client gets
the same flags both ways (the ctest replay's: --timeout 120 --io-timeout 10 --max-backoff 2).
A canary checks the comparison itself can fail: the sim run with a mutant client must differ."""
import json
import pathlib
import subprocess
import sys
import tempfile

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPLAY = ROOT / "ci" / "replay.py"
FLAGS = "--timeout 120 --io-timeout 10 --max-backoff 2"
# Deterministic by match count and covering every family: waits, retries, failures, manifests,
# files, connection faults, DELETE.
SCENARIOS = [
    "429-storm-slow-job",
    "retry-after-http-date-forms",
    "transient-codes-part-1",
    "fatal-error-after-polls",
    "kickoff-no-content-location",
    "manifest-missing-transaction-time",
    "manifest-wrong-count",
    "network-errors-on-status",
    "network-errors-on-files",
    "redirect-to-object-storage",
    "release-delete-errors",
    "job-lost-404",
    "throttled-then-job-lost",
]
NAMES = {0: "success", 3: "rejected", 4: "failed", 5: "manifest-invalid", 6: "download-failed",
         7: "validation-failed", 8: "gone", 9: "cancelled", 10: "timed-out",
         11: "transport-error"}


def sim(path, *extra):
    p = subprocess.run([harness.BULKHARNESS, "sim", "--scenario", str(path), "--json",
                        "--client-args", FLAGS, "--regressions", tempfile.gettempdir(), *extra],
                       capture_output=True, text=True, timeout=120)
    doc = json.loads(p.stdout)
    run = doc["runs"][0]
    return {"outcome": run["outcome"], "verdict": run["verdict"],
            "failed": sorted(run["failed_rules"])}


def real(paths):
    client = (f"{harness.BULKHARNESS} export --base-url {{base_url}} --out {{out_dir}} "
              f"--timeout {{timeout}} --io-timeout 10 --max-backoff 2 {{client_args}}")
    with tempfile.TemporaryDirectory() as tmp:
        report = pathlib.Path(tmp) / "replay.json"
        cmd = [sys.executable, str(REPLAY), "--bulkharness", harness.BULKHARNESS, "--client",
               client, "--jobs", "4", "--json", str(report), "--scenarios", *map(str, paths)]
        subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        results = json.loads(report.read_text())
    out = {}
    for r in results:
        v = r["verdict"] or {"verdict": "none", "rules": []}
        out[r["scenario"]] = {
            "outcome": NAMES.get(r["exit"], f"exit {r['exit']}"), "verdict": v["verdict"],
            "failed": sorted(x["id"] for x in v["rules"] if x["outcome"] == "fail")}
    return out


class SimParity(harness.unittest.TestCase):
    def test_sim_and_sockets_give_the_same_judged_outcome(self):
        paths = [ROOT / "scenarios" / f"{n}.json" for n in SCENARIOS]
        over_sockets = real(paths)
        for path in paths:
            with self.subTest(scenario=path.stem):
                self.assertIn(path.stem, over_sockets)
                self.assertEqual(sim(path), over_sockets[path.stem])

    def test_canary_a_mutant_client_is_judged_differently(self):
        path = ROOT / "scenarios" / "429-storm-slow-job.json"
        good = sim(path)
        bad = sim(path, "--mutant", "client-ignores-retry-after")
        self.assertEqual(good["verdict"], "pass")
        self.assertNotEqual(good, bad)


if __name__ == "__main__":
    harness.main()
