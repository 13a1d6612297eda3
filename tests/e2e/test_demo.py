"""The README's demo: a fault scenario, the reference client, a readable timeline, exit 0."""
import re
import unittest

import harness


class Demo(unittest.TestCase):
    def test_demo_survives_the_faults_and_prints_the_timeline(self):
        with harness.tempdir() as out:
            code, stdout, stderr, _ = harness.run(
                [harness.BULKHARNESS, "demo", "--out", out], timeout=180)
            self.assertEqual(code, 0, stdout + stderr)
            # The scenario's faults really happened, and the client got through them.
            self.assertIn("fault: transient-error (rule transient-second-poll, match 2)", stdout)
            self.assertRegex(stdout, r"Retry-After: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT")
            self.assertRegex(stdout, r"DELETE .*bulkstatus/\w+ -> 202")
            self.assertEqual(len(re.findall(r"-> 503", stdout)), 1)
            self.assertIn("export complete", stdout)


if __name__ == "__main__":
    harness.main()
