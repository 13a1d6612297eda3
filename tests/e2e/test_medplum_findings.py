"""What the judge finds about a real third-party client, @medplum/cli (pinned in
ci/clients/medplum/package-lock.json), asserted so that a change in the client or in the judge
shows up here. docs/clients/medplum.md explains each finding.

Runs ci/replay.py with ci/clients/medplum-export.sh over a handful of scenarios and checks,
per scenario, the client's exit status class and which judge rules fail and pass. Needs the
client installed (ci/install_medplum.sh, which ci/test.sh runs); without it the test fails and
says so rather than passing.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
MEDPLUM = ROOT / "build/third_party/medplum/node_modules/.bin/medplum"

# scenario: (exits 0?, rules that fail, rules that pass)
FINDINGS = {
    # Kick-off: POST with no body and the parameters in the query (KO-04); Accept and Prefer right.
    # Polls every second whatever Retry-After says, and gives up after two quick retries of a 429.
    "retry-after-http-date-forms": (False, {"kickoff-post-parameters", "retry-after-honoured",
                                            "no-hammering-after-429"},
                                    {"kickoff-accept", "kickoff-prefer"}),
    "429-storm-slow-job": (False, {"retry-after-honoured", "no-hammering-after-429"}, set()),
    # A file answering 403 is saved as if it were data: exit 0 where the export must fail.
    "forbidden-file": (True, {"kickoff-post-parameters"}, {"download-only-listed"}),
    # A body cut by a reset is not retried.
    "network-errors-on-files": (False, {"transient-retried"}, set()),
    # A 500 with a non-transient OperationOutcome is retried twice anyway.
    "fatal-error-after-polls": (False, {"fatal-stops"}, set()),
    # `error` files are never fetched; the export still "succeeds".
    "partial-success-error-files": (True, {"every-file-downloaded"}, set()),
    # Every output file arrives (through the redirect), but the job is never released.
    "redirect-to-object-storage": (True, {"delete-sent"}, {"every-file-downloaded"}),
    # A broken manifest ends the run with a failure, as it should.
    "manifest-invalid-json": (False, {"kickoff-post-parameters"}, set()),
}


class MedplumFindings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(MEDPLUM, os.X_OK):
            raise AssertionError(f"{MEDPLUM} is missing: run ci/install_medplum.sh (ci/test.sh does)")
        cls.results = {}
        with tempfile.TemporaryDirectory(prefix="bh-medplum-") as tmp:
            out = os.path.join(tmp, "results.json")
            cmd = [sys.executable, str(ROOT / "ci/replay.py"), "--bulkharness", harness.BULKHARNESS,
                   "--client", f"{ROOT}/ci/clients/medplum-export.sh {{base_url}} {{out_dir}} {{timeout}}",
                   "--timeout", "60", "--jobs", "4", "--json", out, "--scenarios",
                   *[str(ROOT / "scenarios" / f"{name}.json") for name in FINDINGS]]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            cls.table = proc.stdout + proc.stderr
            for r in json.loads(pathlib.Path(out).read_text()):
                cls.results[r["name"]] = r

    def test_findings(self):
        for name, (exits_zero, failing, passing) in FINDINGS.items():
            with self.subTest(scenario=name):
                r = self.results[name]
                self.assertIsNotNone(r["verdict"], f"{name}: no verdict: {r['problems']}")
                self.assertEqual(r["exit"] == 0, exits_zero,
                                 f"{name}: exit {r['exit']}\n{r['client_log'][-800:]}")
                outcome = {x["id"]: x["outcome"] for x in r["verdict"]["rules"]}
                for rule in failing:
                    self.assertEqual(outcome[rule], "fail", f"{name}: {rule} was expected to fail")
                for rule in passing:
                    self.assertEqual(outcome[rule], "pass", f"{name}: {rule} was expected to pass")

    def test_replay_reports_every_scenario_failed(self):
        # Each of these scenarios catches medplum somewhere, so replay.py must fail all of them.
        for name in FINDINGS:
            self.assertTrue(self.results[name]["problems"], f"{name} passed:\n{self.table}")


if __name__ == "__main__":
    harness.main()
