"""`bulkharness export`'s progress line for large exports, against a real slow file server.

The mock serves a Group export whose Observation and ExplanationOfBenefit files trickle
(scenarios/group-2000-members-trickle.json), so downloading takes seconds. stderr must then
carry plain progress lines (not a terminal): files finished of the manifest's count, failures,
bytes so far, never going backwards, the last one all files and exactly the summary's bytes.
With --quiet stderr stays empty and the outcome is the same; stdout never carries progress.
"""
import pathlib
import re
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
SLOW = ROOT / "scenarios/group-2000-members-trickle.json"
LINE = re.compile(r"download: (\d+)/(\d+), (\d+) failed so far, \d+m\d\ds elapsed"
                  r"(?:, ~\d+m\d\ds left)?, ([\d.]+) MB(?: at [\d.]+ MB/s)?")


def slow_export(*extra):
    with harness.Server("--scenario", str(SLOW)) as server, harness.tempdir() as out:
        code, stdout, stderr, _ = harness.export(server.base, out, "--level", "group:all-members",
                                                 "--timeout", "300", *extra, timeout=400)
    return code, stdout, stderr


def summary(stdout):
    files = re.search(r"^files: (\d+) of (\d+) ok$", stdout, re.M)
    size = re.search(r"^bytes: (\d+)$", stdout, re.M)
    assert files and size, stdout[-2000:]
    return int(files.group(2)), int(size.group(1))


class ExportProgress(unittest.TestCase):
    def test_progress_lines_count_files_and_bytes_up_to_the_summary(self):
        code, stdout, stderr = slow_export()
        self.assertEqual(code, 0, stdout[-2000:] + stderr)
        files, size = summary(stdout)
        lines = stderr.splitlines()
        self.assertGreaterEqual(len(lines), 2, f"a download of seconds shows progress: {stderr!r}")
        seen = []
        for line in lines:
            m = LINE.fullmatch(line)
            self.assertTrue(m, f"not a progress line: {line!r}")
            finished, total, failed, mb = int(m[1]), int(m[2]), int(m[3]), float(m[4])
            self.assertEqual(total, files, line)
            self.assertEqual(failed, 0, line)
            seen.append((finished, mb))
        self.assertEqual(seen, sorted(seen), "progress never goes backwards")
        self.assertEqual(seen[-1], (files, round(size / 1e6, 1)), "the last line is the summary")
        self.assertEqual([l for l in stdout.splitlines() if LINE.fullmatch(l)], [],
                         "stdout (the event log) carries no progress")

    def test_quiet_prints_no_progress_and_changes_nothing_else(self):
        code, stdout, stderr = slow_export("--quiet")
        self.assertEqual(code, 0, stdout[-2000:] + stderr)
        self.assertEqual(stderr, "")
        files, size = summary(stdout)
        self.assertGreater(files, 0)
        self.assertGreater(size, 0)


if __name__ == "__main__":
    harness.main()
