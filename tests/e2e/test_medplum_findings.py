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


class MedplumSmartLogin(unittest.TestCase):
    """`medplum login --auth-type jwt-assertion` (its SMART Backend Services flow) against
    `serve --auth smart`: its assertion has no `kid` header, which AUTH-03 requires, so a
    conformant token endpoint refuses it; the judge names that."""

    def test_its_assertion_lacks_a_kid(self):
        if not os.access(MEDPLUM, os.X_OK):
            raise AssertionError(f"{MEDPLUM} is missing: run ci/install_medplum.sh")
        with tempfile.TemporaryDirectory(prefix="bh-medplum-auth-") as tmp:
            keys = pathlib.Path(tmp, "keys")
            code, out, err, _ = harness.run([harness.BULKHARNESS, "keygen", "--alg", "RS384",
                                             "--out", str(keys)], 60)
            self.assertEqual(code, 0, out + err)
            with harness.Server("--auth", "smart", "--client-id", "mp", "--jwks",
                                str(keys / "jwks.json")) as server:
                home = pathlib.Path(tmp, "home")
                home.mkdir()
                env = {k: v for k, v in os.environ.items() if not k.startswith("MEDPLUM_")}
                env["HOME"] = str(home)
                login = subprocess.run(
                    [str(MEDPLUM), "login", "--auth-type", "jwt-assertion", "--client-id", "mp",
                     "--private-key-path", str(keys / "private-key.pem"), "--base-url",
                     server.origin, "--fhir-url-path", server.base, "--token-url",
                     server.origin + "/auth/token", "--audience", "/auth/token"],
                    cwd=str(home), env=env, capture_output=True, text=True, timeout=60)
                journal = server.journal()["entries"]
                _, verdict = server.admin("verdict")
        self.assertNotEqual(login.returncode, 0, login.stdout + login.stderr)
        tokens = [e for e in journal if e["endpoint"] == "token"]
        self.assertTrue(tokens, "medplum never reached the token endpoint")
        self.assertEqual(tokens[0]["token_request"]["alg"], "RS384")
        self.assertEqual(tokens[0]["token_request"]["error"], "invalid_client")
        self.assertIn("header has no kid", tokens[0]["token_request"]["detail"])
        rules = {r["id"]: r["outcome"] for r in verdict["rules"]}
        self.assertEqual(rules["token-assertion-valid"], "fail")


if __name__ == "__main__":
    harness.main()
