"""The verdict's three doors: GET /__admin/verdict, `serve --verdict-on-exit FILE` (and the text
printed when serve stops), and `bulkharness judge --journal FILE` offline -- which must agree
with the live server byte for byte. Bad input to each is a clear error, never a crash."""
import json
import os
import signal
import subprocess
import urllib.request

import harness


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


class VerdictCli(harness.unittest.TestCase):
    def test_live_on_exit_and_offline_verdicts_agree(self):
        with harness.tempdir() as tmp:
            on_exit = os.path.join(tmp, "verdict.json")
            srv = harness.Server("--scenario", "demo", "--time-scale", "60",
                                 "--verdict-on-exit", on_exit)
            with srv:
                code, out, err, _ = harness.export(srv.base, os.path.join(tmp, "out"),
                                                   "--max-backoff", "1", timeout=120)
                self.assertEqual(code, 0, out + err)
                live = get(srv.origin + "/__admin/verdict")
                journal = get(srv.origin + "/__admin/journal")
                srv.proc.send_signal(signal.SIGTERM)
                stdout = srv.proc.stdout.read().decode()
                srv.proc.wait(timeout=10)
            self.assertIn("judge: pass", stdout)
            self.assertEqual(json.loads(live)["verdict"], "pass", live)
            self.assertEqual(json.load(open(on_exit)), json.loads(live))
            path = os.path.join(tmp, "journal.json")
            with open(path, "w") as f:
                f.write(journal)
            code, offline, err, _ = harness.run(
                [harness.BULKHARNESS, "judge", "--journal", path, "--scenario", "demo",
                 "--time-scale", "60", "--json"], timeout=30)
            self.assertEqual(code, 0, err)
            self.assertEqual(json.loads(offline), json.loads(live))

    def test_a_misbehaving_run_fails_and_judge_exits_1(self):
        with harness.tempdir() as tmp, harness.Server("--scenario", "default") as srv:
            # Two kick-offs by hand, no Prefer, no polls: the judge must say fail.
            for _ in range(2):
                req = urllib.request.Request(srv.base + "/$export",
                                             headers={"Accept": "application/fhir+json"})
                urllib.request.urlopen(req, timeout=10).read()
            verdict = json.loads(get(srv.origin + "/__admin/verdict"))
            path = os.path.join(tmp, "journal.json")
            with open(path, "w") as f:
                f.write(get(srv.origin + "/__admin/journal"))
            code, out, err, _ = harness.run([harness.BULKHARNESS, "judge", "--journal", path],
                                            timeout=30)
        failed = {r["id"] for r in verdict["rules"] if r["outcome"] == "fail"}
        self.assertEqual(verdict["verdict"], "fail")
        self.assertTrue({"kickoff-prefer", "one-kickoff-per-job"} <= failed, failed)
        self.assertEqual(code, 1, out + err)
        self.assertIn("kickoff-prefer", out)

    def test_bad_input_is_a_clear_error(self):
        with harness.tempdir() as tmp:
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w") as f:
                f.write('{"entries": [{"seq": 1}]}')
            code, out, err, _ = harness.run([harness.BULKHARNESS, "judge", "--journal", bad], 30)
            self.assertEqual(code, 2)
            self.assertIn("/entries/0", err)
            code, out, err, _ = harness.run(
                [harness.BULKHARNESS, "judge", "--journal", os.path.join(tmp, "none.json")], 30)
            self.assertEqual(code, 2)
            self.assertIn("cannot open", err)
            code, out, err, _ = harness.run(
                [harness.BULKHARNESS, "serve", "--port", "0",
                 "--verdict-on-exit", os.path.join(tmp, "no/such/dir/v.json")], 30)
            self.assertEqual(code, 2)
            self.assertIn("--verdict-on-exit", err)


if __name__ == "__main__":
    harness.main()
