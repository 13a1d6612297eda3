"""The example GitHub Actions workflow (ci/github-actions/bulk-data-harness.yml) uses only
options that exist: each `ci/replay.py` and `bulkharness <command>` invocation in it (with its
backslash-continued lines) is compared with the script's own --help or the command's accepted
options. GitHub itself cannot run here; this catches the drift that
would break a copy of it.
"""
import pathlib
import re
import sys
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "ci/github-actions/bulk-data-harness.yml"
FLAG = re.compile(r"(?<![\w{])--[a-z][a-z0-9-]*")


def invocations(text):
    """Shell commands of the workflow's run blocks, continuation lines joined, quotes dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [re.sub(r'"[^"]*"', '""', line.strip()) for line in joined.splitlines()]


def flags_of(line, after):
    return set(FLAG.findall(line.split(after, 1)[1]))


class CiExample(unittest.TestCase):
    def assert_script_options_exist(self, script, missing):
        """Every invocation of ci/<script> uses only options its --help lists."""
        lines = [l for l in invocations(WORKFLOW.read_text()) if f"ci/{script}" in l]
        self.assertTrue(lines, missing)
        code, help_text, err, _ = harness.run([sys.executable, str(ROOT / "ci" / script),
                                               "--help"], 30)
        self.assertEqual(code, 0, err)
        known = set(FLAG.findall(help_text))
        for line in lines:
            self.assertEqual(sorted(flags_of(line, f"ci/{script}") - known), [], line)

    def test_replay_options_exist(self):
        self.assert_script_options_exist("replay.py", "the workflow runs no replay")

    def test_bulkharness_options_exist(self):
        lines = [l for l in invocations(WORKFLOW.read_text())
                 if "app/bulkharness " in l and "ci/replay.py" not in l]
        self.assertTrue(lines, "the workflow runs no bulkharness command")
        for line in lines:
            command = line.split("app/bulkharness ", 1)[1].split()[0]
            code, _, err, _ = harness.run([harness.BULKHARNESS, command, "--no-such-option"], 30)
            self.assertEqual(code, 2, err)
            known = set(re.search(r"expected one of:((?: --[a-z0-9-]+)+)", err).group(1).split())
            used = flags_of(line, "app/bulkharness " + command)
            self.assertEqual(sorted(used - known), [], line)


if __name__ == "__main__":
    harness.main()
