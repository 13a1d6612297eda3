"""`bulkharness check`, the conformance runner, against real `bulkharness serve` processes.

Without faults, against a server that runs SMART Backend Services over TLS (as real ones do),
every SHALL check passes (exit 0), the auth and TLS checks included; over plain http the TLS
check fails, as AUTH-01 says it must; the fault matrix (a scenario per requirement)
is the ctest e2e.check.* series (tests/CMakeLists.txt, tests/e2e/check_fault.py). Exploration
holds on a conformant server, and its canary -- a server that answers DELETE with 202 but keeps
the job -- is caught and shrunk to curl steps. Usage errors exit 2 before anything is sent; an
unreachable server is a failure with the reason, never a hang.
"""
import json
import pathlib
import unittest
import xml.etree.ElementTree as ET

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"

FAST = ["--timeout", "120", "--job-timeout", "40", "--request-timeout", "5"]


def check(base, *args, timeout=200):
    return harness.run([harness.BULKHARNESS, "check", "--base-url", base, *FAST, *args], timeout)


def smart_server(tmp, *args):
    """serve --tls --auth smart with a fresh ES384 key registered; (server, runner flags)."""
    keys, cert = pathlib.Path(tmp, "keys"), str(pathlib.Path(tmp, "cert.pem"))
    code, out, err, _ = harness.run([harness.BULKHARNESS, "keygen", "--out", str(keys)], 60)
    assert code == 0, out + err
    server = harness.Server("--tls", "--tls-cert-out", cert, "--auth", "smart", "--client-id",
                            "runner", "--jwks", str(keys / "jwks.json"), *args, ca_file=cert)
    return server, ["--ca-file", cert, "--client-id", "runner", "--private-key",
                    str(keys / "private-key.pem")]


AUTH_CHECKS = ("tls-fhir-base", "tls-files", "tls-token-endpoint", "smart-discovery",
               "token-request-accepted", "token-response", "token-invalid-grant-type",
               "token-invalid-assertion-type", "token-invalid-jwt", "token-jti-replay",
               "kickoff-no-token", "status-no-token", "download-requires-token")


class CheckCli(unittest.TestCase):
    def test_a_conformant_server_passes_every_shall_check(self):
        with harness.tempdir() as tmp:
            server, creds = smart_server(tmp, "--time-scale", "20")
            js, ju = pathlib.Path(tmp, "r.json"), pathlib.Path(tmp, "r.xml")
            with server:
                code, out, err, _ = check(server.base, "--report-json", str(js),
                                          "--report-junit", str(ju), *creds)
            self.assertEqual(code, 0, out + err)
            report = json.loads(js.read_text())
            self.assertEqual(report["summary"]["fail"], 0, out)
            self.assertEqual(report["exit_code"], 0)
            ids = {r["id"] for r in report["results"]}
            for must in ("kickoff-content-location", "param-since", "param-type",
                         "manifest-transaction-time", "download-ndjson", "delete-then-404",
                         "status-retry-after", "param-patient"):
                self.assertIn(must, ids)
            passed = {r["id"] for r in report["results"] if r["status"] == "pass"}
            # The filters really ran against data (not skipped for want of it), and so did
            # every auth and TLS check.
            for must in ("param-since", "param-type", "param-patient", "delete-then-404",
                         *AUTH_CHECKS):
                self.assertIn(must, passed, out)
            levels = report["levels"]
            self.assertEqual(levels[:2], ["system", "patient"])
            self.assertTrue(levels[2].startswith("group:"), levels)
            for r in report["results"]:
                self.assertTrue(r["requirements"], r["id"])
                self.assertIn(r["level"], ("SHALL", "SHOULD", "MAY"))
            suite = ET.parse(ju).getroot().find("testsuite")
            self.assertEqual(int(suite.get("tests")), len(report["results"]))
            self.assertEqual(int(suite.get("failures")), 0)
            self.assertIn("exit 0 (no SHALL check failed)", out)

    def test_plain_http_fails_the_tls_check(self):
        with harness.Server("--time-scale", "20") as server:
            code, out, err, _ = check(server.base, "--only", "AUTH-01", "--levels", "system")
        self.assertEqual(code, 1, out + err)
        self.assertIn("FAIL  SHALL  tls-fhir-base", out)
        self.assertIn("plain http", out)

    def test_explore_holds_on_a_conformant_server(self):
        with harness.Server("--time-scale", "60") as server:
            code, out, err, _ = check(server.base, "--explore", "8", "--only",
                                      "explore-state-machine", "--levels", "system")
            self.assertEqual(code, 0, out + err)
            self.assertIn("8 generated sequences held", out)

    def test_explore_canary_a_server_ignoring_delete_is_caught_and_shrunk_to_curl(self):
        # The deliberately broken server: DELETE answers 202 but the job keeps running.
        with harness.Server("--time-scale", "60", "--scenario",
                            str(SCENARIOS / "release-delete-ignored.json")) as server:
            code, out, err, _ = harness.run(
                [harness.BULKHARNESS, "check", "--base-url", server.base, "--explore", "40",
                 "--only", "explore-state-machine", "--levels", "system", "--timeout", "60",
                 "--request-timeout", "5"], 200)
        self.assertEqual(code, 1, out + err)
        self.assertIn("FAIL  SHALL  explore-state-machine", out)
        self.assertIn("(DEL-04, ST-15)", out)
        self.assertIn("curl -si -X DELETE", out)
        self.assertIn("VIOLATION:", out)

    def test_explore_cut_short_by_the_deadline_is_skipped_not_failed_nor_passed(self):
        # Requests the deadline stopped are evidence of nothing: no FAIL, and no "held" either.
        with harness.Server("--time-scale", "1") as server:
            code, out, err, _ = harness.run(
                [harness.BULKHARNESS, "check", "--base-url", server.base, "--explore", "500",
                 "--only", "explore-state-machine", "--levels", "system", "--timeout", "3"], 60)
        # Inconclusive: exit 3, neither 0 (nothing verified) nor 1 (the server did nothing wrong).
        self.assertEqual(code, 3, out + err)
        self.assertIn("exit 3 (inconclusive", out)
        self.assertIn("SKIP", out)
        self.assertIn("the run's deadline passed after", out)
        self.assertNotIn("VIOLATION", out)
        self.assertNotIn("sequences held", out)

    def test_only_selects_by_requirement_and_by_id(self):
        with harness.Server("--time-scale", "20") as server, harness.tempdir() as tmp:
            js = pathlib.Path(tmp, "r.json")
            code, out, err, _ = check(server.base, "--only", "KO-11,delete-twice",
                                      "--levels", "system", "--report-json", str(js))
            self.assertEqual(code, 0, out + err)
            ids = {r["id"] for r in json.loads(js.read_text())["results"]}
            self.assertEqual(ids, {"kickoff-accepted", "kickoff-content-location", "kickoff-body",
                                   "delete-twice"})

    def test_usage_errors_exit_2_and_say_what(self):
        cases = [
            ([], "--base-url: is required"),
            (["--base-url", "not a url"], "--base-url"),
            (["--base-url", "http://127.0.0.1:1/fhir", "--levels", "everything"],
             "--levels: unknown level"),
            (["--base-url", "http://127.0.0.1:1/fhir", "--only", "NO-SUCH"], "--only"),
            (["--base-url", "http://127.0.0.1:1/fhir", "--report-json", "/no/such/dir/r.json"],
             "its directory does not exist"),
            (["--base-url", "http://127.0.0.1:1/fhir", "--ig-version", "9"], "--ig-version"),
            
        ]
        for args, message in cases:
            with self.subTest(args=args):
                code, out, err, _ = harness.run([harness.BULKHARNESS, "check", *args], 30)
                self.assertEqual(code, 2, out + err)
                self.assertIn(message, err)

    def test_an_unreachable_server_fails_with_the_reason_and_does_not_hang(self):
        code, out, err, _ = check("http://127.0.0.1:9/fhir", "--levels", "system", timeout=120)
        self.assertEqual(code, 1, out + err)
        self.assertIn("kickoff-accepted", out)
        self.assertIn("refused", out.lower())

    def test_the_catalogue_lists_every_check_with_its_requirements(self):
        code, out, err, _ = harness.run([harness.BULKHARNESS, "check", "--list"], 30)
        self.assertEqual(code, 0, err)
        for must in ("kickoff-content-location  SHALL  [KO-11]", "status-retry-after  SHOULD",
                     "operational-late-poll"):
            self.assertIn(must, out)


if __name__ == "__main__":
    harness.main()
