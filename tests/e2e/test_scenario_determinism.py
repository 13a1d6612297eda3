"""Same binary, scenario and seed: the same journal, apart from wall-clock values.

Two real runs of `serve` with the reference client (one download at a time, so the request
order does not depend on timing). The journals are compared after removing what the wall clock
decides: entry times, HTTP-dates, and the port the server happened to get. A third run with
another seed must differ, or the seeded rules are not really seeded.
"""
import json
import os
import re
import tempfile
import unittest
import urllib.request

import harness

SCENARIO = {
    "id": "determinism",
    "description": "seeded faults on every endpoint: the journal must repeat exactly",
    "requirements": ["ST-12", "DL-04"],
    "time_scale": 60,
    "data": {"members": 60, "members_per_file": 20},
    "job": {"duration": "0s", "retry_after": "60s"},
    "rules": [
        {"id": "kick", "match": {"endpoint": "kickoff"}, "schedule": {"first": 1},
         "fault": {"kind": "throttle", "retry_after": "60s", "form": "http-date"}},
        {"id": "flaky-files", "match": {"endpoint": "file"}, "schedule": {"probability": 0.3},
         "fault": {"kind": "transient-error", "code": "timeout"}},
        {"id": "garbled", "match": {"endpoint": "file"}, "schedule": {"probability": 0.2},
         "fault": {"kind": "garbage-then-close", "bytes": 16}},
    ],
    "expect": {"outcome": "success", "resources": "all"},
}

DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT")
PORT = re.compile(r"127\.0\.0\.1:\d+")


def normalised(journal):
    out = []
    for e in journal["entries"]:
        e = dict(e)
        e.pop("at_ms")
        text = json.dumps(e, sort_keys=True)
        out.append(PORT.sub("127.0.0.1:PORT", DATE.sub("DATE", text)))
    return out


class Determinism(unittest.TestCase):
    def run_once(self, path, seed):
        with harness.Server("--scenario", path, "--seed", str(seed)) as srv, harness.tempdir() as out:
            code, stdout, stderr, _ = harness.export(
                srv.base, out, "--parallel", "1", "--max-backoff", "1", "--timeout", "120",
                timeout=180)
            self.assertEqual(code, 0, stdout[-3000:] + stderr)
            return normalised(srv.journal())

    def test_same_seed_same_journal_other_seed_other_journal(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(SCENARIO, f)
        try:
            a = self.run_once(f.name, 7)
            b = self.run_once(f.name, 7)
            c = self.run_once(f.name, 8)
        finally:
            os.unlink(f.name)
        self.assertGreater(sum('"faults"' in e for e in a), 2, "the faults did fire")
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)


if __name__ == "__main__":
    harness.main()
