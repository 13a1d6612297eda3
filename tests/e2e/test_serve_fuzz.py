"""`serve --fuzz SEED` against the reference client: real processes, real sockets.

For several seeds the mock mutates manifests, headers and NDJSON; the client must end every run
within its deadline with one of its documented exit codes (never a crash, never a hang, never a
usage error), and the server journals each mutation as a fault of rule "fuzz" that the judge's
verdict sees. A bad seed is a usage error naming the flag.
"""
import pathlib
import unittest

import harness

SEEDS = range(1, 9)
# client/outcome.hpp: every code the state machine produces (2 is usage, never from a run).
OUTCOMES = {0, 3, 4, 5, 6, 7, 8, 10, 11}


class ServeFuzz(unittest.TestCase):
    def test_reference_client_survives_every_seed(self):
        mutations, codes = 0, {}
        for seed in SEEDS:
            with harness.tempdir() as tmp, harness.Server("--fuzz", str(seed), "--members", "40",
                                                          "--time-scale", "20") as server:
                code, out, err, _ = harness.export(
                    server.base, pathlib.Path(tmp, "out"), "--timeout", "60", "--io-timeout", "5",
                    "--max-backoff", "1", timeout=120)
                journal = server.journal()["entries"]
                status, verdict = server.admin("verdict")
            with self.subTest(seed=seed):
                self.assertIn(code, OUTCOMES, f"seed {seed}: exit {code}\n{out}\n{err}")
                self.assertIn("outcome:", out, f"seed {seed}: no outcome line\n{out}\n{err}")
                self.assertEqual(status, 200)
                self.assertIn("verdict", verdict, verdict)
            fired = [f for e in journal for f in e.get("faults", []) if f["rule"] == "fuzz"]
            mutations += len(fired)
            codes[seed] = code
            for f in fired:
                self.assertRegex(f["kind"], r"^(manifest|headers|ndjson): ", f)
        print(f"serve --fuzz: {mutations} mutations over seeds {list(SEEDS)}; exit codes {codes}")
        self.assertGreater(mutations, len(SEEDS), "the fuzzer barely mutated anything")
        self.assertNotEqual(set(codes.values()), {0}, "no seed broke the export: mutations too mild")

    def test_bad_seed_is_a_usage_error(self):
        code, out, err, _ = harness.run([harness.BULKHARNESS, "serve", "--fuzz", "minus-one"], 30)
        self.assertEqual(code, 2, out + err)
        self.assertIn("--fuzz", err)


if __name__ == "__main__":
    harness.main()
