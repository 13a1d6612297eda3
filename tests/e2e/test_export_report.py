"""`bulkharness export --report-json F`: the run's summary for machines, against real servers.

It must agree with what happened: the outcome and exit code the process returned, every file's
bytes and resource count as written to disk, the counts the text summary prints; a defective
server's file names its problem; a report path in a missing directory is refused before any
request is sent (exit 2, the server's journal empty).
"""
import json
import os
import pathlib
import re
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]


class ExportReport(unittest.TestCase):
    def test_report_agrees_with_the_files_and_the_text_summary(self):
        with harness.Server() as server, harness.tempdir() as out, harness.tempdir() as tmp:
            path = os.path.join(tmp, "report.json")
            code, stdout, stderr, _ = harness.export(server.base, out, "--report-json", path)
            self.assertEqual(code, 0, stdout[-2000:] + stderr)
            report = json.loads(pathlib.Path(path).read_text())
            self.assertEqual((report["outcome"], report["exit_code"]), ("Success", code))
            self.assertEqual(report["base_url"], server.base)
            files = report["files"]
            self.assertEqual(len(files), report["counts"]["files_expected"])
            self.assertTrue(files)
            for f in files:
                local = pathlib.Path(out, f["name"])
                self.assertTrue(f["ok"] and f["fetched"], f)
                self.assertEqual(f["bytes"], local.stat().st_size, f["name"])
                self.assertEqual(f["resources"], harness.count_lines(local), f["name"])
            self.assertEqual(report["counts"]["bytes"], sum(f["bytes"] for f in files))
            text = re.search(r"^bytes: (\d+)$", stdout, re.M)
            self.assertEqual(int(text.group(1)), report["counts"]["bytes"])
            requests = re.search(r"^requests: (\d+)$", stdout, re.M)
            self.assertEqual(int(requests.group(1)), report["counts"]["requests"])

    def test_a_defective_server_is_reported_file_by_file(self):
        scenario = ROOT / "scenarios/manifest-wrong-count.json"
        with harness.Server("--scenario", str(scenario)) as server, harness.tempdir() as out, \
                harness.tempdir() as tmp:
            path = os.path.join(tmp, "report.json")
            code, stdout, stderr, _ = harness.export(server.base, out, "--report-json", path,
                                                     "--timeout", "120")
            report = json.loads(pathlib.Path(path).read_text())
            self.assertNotEqual(code, 0, stdout[-2000:])
            self.assertEqual(report["exit_code"], code)
            self.assertEqual(report["outcome"], "ValidationFailed")
            bad = [f for f in report["files"] if not f["ok"]]
            self.assertTrue(bad)
            self.assertTrue(all("count" in f["problem"] for f in bad), bad)

    def test_a_report_in_a_missing_directory_is_refused_before_any_request(self):
        with harness.Server() as server, harness.tempdir() as out:
            code, _, stderr, _ = harness.export(server.base, out, "--report-json",
                                                "/nonexistent-bh-dir/report.json")
            self.assertEqual(code, 2)
            self.assertIn("--report-json /nonexistent-bh-dir/report.json: its directory does "
                          "not exist", stderr)
            self.assertEqual(server.journal()["entries"], [])


if __name__ == "__main__":
    harness.main()
