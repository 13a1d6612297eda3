"""ci/replay.py itself: usage errors, broken scenario files, clients that cannot start or hang,
deterministic sharding, and the JUnit/JSON reports. Every failure names what was wrong."""
import json
import os
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPLAY = ROOT / "ci" / "replay.py"
GOOD = ROOT / "scenarios" / "conformant-client-untouched.json"


def replay(*args, timeout=300):
    cmd = [sys.executable, str(REPLAY), "--bulkharness", harness.BULKHARNESS, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def reference(extra=""):
    return (f"{harness.BULKHARNESS} export --base-url {{base_url}} --out {{out_dir}} "
            f"--max-backoff 2 {extra}")


class ReplayCli(harness.unittest.TestCase):
    def test_usage_errors_exit_2_and_say_what(self):
        for args, words in [
            (["--client", "true", "--scenarios", str(GOOD)], "{base_url}"),
            (["--client", "x {base_url}", "--scenarios", "/no/such/dir"], "no such file"),
            (["--client", "x {base_url}", "--shard", "3/2"], "--shard"),
            (["--client", "x {base_url}", "--jobs", "0"], "--jobs"),
        ]:
            code, out, err = replay(*args)
            self.assertEqual(code, 2, (args, out, err))
            self.assertIn(words, err, args)

    def test_broken_scenario_and_missing_client_are_failures_not_crashes(self):
        with harness.tempdir() as tmp:
            bad = pathlib.Path(tmp, "broken.json")
            bad.write_text('{"id": "broken", "rules": [')
            invalid = pathlib.Path(tmp, "invalid.json")
            invalid.write_text(json.dumps({
                "id": "invalid", "description": "d", "requirements": ["ST-04"],
                "rules": [{"id": "r", "match": {"endpoint": "status"},
                           "fault": {"kind": "no-such-kind"}}]}))
            code, out, err = replay("--client", "/no/such/client {base_url} {out_dir}",
                                    "--scenarios", str(bad), str(invalid), str(GOOD))
        self.assertEqual(code, 1, out + err)
        self.assertIn("not a readable JSON scenario file", out)
        self.assertIn("bulkharness exited (2) before its first line", out)
        self.assertIn("no-such-kind", out)  # the server's own message, passed on
        self.assertIn("could not be started", out)
        self.assertIn("0 of 3 passed", out)

    def test_a_hanging_client_is_killed_at_the_deadline(self):
        code, out, err = replay("--client", "sh -c 'sleep 600' {base_url}", "--timeout", "2",
                                "--grace", "1", "--scenarios", str(GOOD), timeout=60)
        self.assertEqual(code, 1)
        self.assertIn("did not finish within 3s", out)

    def test_reports_and_shards(self):
        scenarios = [str(ROOT / "scenarios" / f"{n}.json") for n in
                     ("conformant-client-untouched", "kickoff-200", "job-lost-404")]
        with harness.tempdir() as tmp:
            junit, js = os.path.join(tmp, "r.xml"), os.path.join(tmp, "r.json")
            code, out, err = replay("--client", reference(), "--strict-exit-codes", "--jobs", "3",
                                    "--junit", junit, "--json", js, "--scenarios", *scenarios)
            self.assertEqual(code, 0, out + err)
            suite = ET.parse(junit).getroot()
            self.assertEqual(suite.get("tests"), "3")
            self.assertEqual(suite.get("failures"), "0")
            results = json.loads(pathlib.Path(js).read_text())
            self.assertEqual([r["name"] for r in results],
                             ["conformant-client-untouched", "job-lost-404", "kickoff-200"])
            self.assertTrue(all(r["verdict"]["verdict"] == "pass" for r in results))
            # Progress on stderr (not a terminal here: one plain line per finished scenario).
            lines = [l for l in err.splitlines() if l.startswith("replay: [")]
            self.assertEqual([l.split("]")[0] for l in lines],
                             ["replay: [1/3", "replay: [2/3", "replay: [3/3"], err)
            self.assertTrue(all(" pass " in l and "0 failed so far" in l and "left" in l
                                for l in lines), lines)
            # Shards partition the sorted list: 1/2 and 2/2 together are the whole, in order.
            names = []
            for shard in ("1/2", "2/2"):
                _, o, _ = replay("--client", reference(), "--shard", shard, "--json", js,
                                 "--scenarios", *scenarios)
                names += [r["name"] for r in json.loads(pathlib.Path(js).read_text())]
            self.assertEqual(sorted(names), [r["name"] for r in results])

    def test_a_wrong_exit_status_fails_even_with_a_clean_judge(self):
        # Exit 0 on a scenario whose correct outcome is a failure fails the replay.
        wrong = ROOT / "scenarios" / "job-lost-404.json"
        code, out, err = replay("--client", "sh -c 'exit 0' {base_url}", "--scenarios",
                                str(wrong))
        self.assertEqual(code, 1, out + err)
        self.assertIn("expected non-zero (gone)", out)
        self.assertIn("replay: [1/1] FAIL job-lost-404: 1 failed so far", err)
        _, _, quiet = replay("--client", "sh -c 'exit 0' {base_url}", "--scenarios", str(wrong),
                             "--quiet")
        self.assertNotIn("replay: [", quiet)


if __name__ == "__main__":
    harness.main()
