"""`bulkharness sim` from the outside: the seed first, the last line's figures, exit codes,
determinism across processes, a violation's reproduce line and the regression it writes (which
`sim --scenario` and `serve` both load), and clear errors for bad input."""
import json
import pathlib
import re
import subprocess
import tempfile

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAST = re.compile(r"^runs (\d+), violations (\d+), simulated [\d.]+ s, wall [\d.]+ s, "
                  r"trace ([0-9a-f]{16})$")


def sim(*args, timeout=300):
    p = subprocess.run([harness.BULKHARNESS, "sim", *args], capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


class SimCli(harness.unittest.TestCase):
    def test_seed_first_and_figures_last(self):
        code, out, err = sim("--seed", "7", "--runs", "50")
        self.assertEqual(code, 0, out + err)
        lines = out.strip().splitlines()
        self.assertEqual(lines[0], "seed: 7")
        self.assertTrue(lines[1].startswith("options: runs 50 (seeds 7..56)"), lines[1])
        m = LAST.match(lines[-1])
        self.assertTrue(m, lines[-1])
        self.assertEqual(m.group(1), "50")
        self.assertEqual(m.group(2), "0")

    def test_long_runs_show_progress_on_stderr_and_leave_stdout_alone(self):
        # Long enough to pass the one-second mark even on a fast machine: 300 runs took 0.93 s
        # on a quiet one in release, so this is about three seconds there.
        code, out, err = sim("--seed", "5", "--runs", "1000", "--swarm")
        self.assertEqual(code, 0, out + err)
        lines = [l for l in err.splitlines() if l.startswith("sim: ")]
        self.assertTrue(lines, err[-500:])
        self.assertRegex(lines[0], r"^sim: \d+/1000, 0 violations so far, \d+m\d\ds elapsed")
        self.assertTrue(lines[-1].startswith("sim: 1000/1000, 0 violations so far"), lines[-1])
        code, quiet_out, quiet_err = sim("--seed", "5", "--runs", "1000", "--swarm", "--quiet")
        self.assertEqual(code, 0)
        self.assertNotIn("sim: ", quiet_err)
        # The report is the same either way (the last line's wall time aside).
        strip = lambda text: re.sub(r"wall [\d.]+ s", "wall", text)  # noqa: E731
        self.assertEqual(strip(out), strip(quiet_out))

    def test_same_seed_same_trace_other_seed_other_trace(self):
        traces = [LAST.match(sim("--seed", s, "--runs", "20")[1].strip().splitlines()[-1]).group(3)
                  for s in ("3", "3", "4")]
        self.assertEqual(traces[0], traces[1])
        self.assertNotEqual(traces[0], traces[2])

    def test_violation_prints_reproduce_and_writes_a_replayable_regression(self):
        with tempfile.TemporaryDirectory() as tmp:
            code, out, err = sim("--seed", "1", "--runs", "20", "--mutant",
                                 "client-ignores-retry-after", "--regressions", tmp)
            self.assertEqual(code, 1, out + err)
            self.assertIn("VIOLATION retry-after-honoured", out)
            repro = re.search(r"reproduce: (bulkharness sim .*)", out).group(1).split()[2:]
            self.assertIn("--mutant", repro)
            written = list(pathlib.Path(tmp).glob("*.json"))
            self.assertEqual(len(written), 1, out)
            scenario = json.loads(written[0].read_text())
            self.assertLessEqual(len(scenario["rules"]), 1, "the case was not shrunk")
            # The reproduce line fails the same way; the shrunk file fails with the mutant...
            self.assertEqual(sim(*repro, "--regressions", tmp, "--no-shrink")[0], 1)
            self.assertEqual(sim("--scenario", str(written[0]), "--mutant",
                                 "client-ignores-retry-after", "--regressions", tmp)[0], 1)
            # ...and passes with the real client, in the simulator and as a file serve loads.
            self.assertEqual(sim("--scenario", str(written[0]))[0], 0)
            with harness.Server("--scenario", str(written[0])) as server:
                self.assertTrue(server.base.startswith("http://127.0.0.1:"))

    def test_regressions_and_library_pass(self):
        code, out, err = sim("--scenario", str(ROOT / "scenarios" / "regressions"))
        self.assertEqual(code, 0, out + err)
        self.assertRegex(out, r"runs [1-9]\d*, violations 0")

    def test_bad_input_is_a_clear_error(self):
        for args, words in [
            (["--runs", "0"], "--runs"),
            (["--mutant", "nope"], "unknown mutant"),
            (["--scenario", "/no/such.json"], "/no/such.json"),
            (["--bogus"], "--bogus"),
            (["--client-args", "--parallel 0"], "--parallel"),
        ]:
            code, out, err = sim(*args)
            self.assertEqual(code, 2, (args, out, err))
            self.assertIn(words, err, args)
        with tempfile.TemporaryDirectory() as tmp:
            bad = pathlib.Path(tmp) / "bad.json"
            bad.write_text('{"id": "bad", "description": "x", '
                           '"rules": [{"id": "r", "fault": {"kind": "nope"}}]}')
            code, out, err = sim("--scenario", str(bad))
            self.assertEqual(code, 2)
            self.assertIn("/rules/0", err)

    def test_coverage_table_names_every_transition(self):
        code, out, err = sim("--seed", "1", "--runs", "30", "--coverage")
        self.assertEqual(code, 0, out + err)
        for n in range(1, 42):
            self.assertRegex(out, rf"(?m)^T{n:02d} ")
        self.assertIn("unreachable (", out)


if __name__ == "__main__":
    harness.main()
