"""`serve` and `export` as real processes: every level, GET and POST, 10,000 members."""
import json
import pathlib
import unittest

import harness


def ndjson_totals(out_dir, manifest):
    """Resources on disk per manifest URL, matched by the per-file counts the client wrote."""
    files = sorted(p for p in pathlib.Path(out_dir).iterdir() if p.suffix == ".ndjson")
    return sum(harness.count_lines(p) for p in files), len(files)


class ExportLevels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server("--members", "10000", "--seed", "3", "--time-scale", "5").__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def export_level(self, level, post):
        with harness.tempdir() as out:
            args = ["--level", level, "--timeout", "120"] + (["--post"] if post else [])
            code, stdout, stderr, _ = harness.export(self.server.base, out, *args)
            self.assertEqual(code, 0, f"export {level} post={post} failed:\n{stdout}\n{stderr}")
            manifest = json.loads((pathlib.Path(out) / "manifest.json").read_text())
            expected = sum(o["count"] for o in manifest["output"]) + \
                sum(o.get("count", 0) for o in manifest["error"])
            on_disk, nfiles = ndjson_totals(out, manifest)
            self.assertEqual(nfiles, len(manifest["output"]) + len(manifest["error"]))
            self.assertEqual(on_disk, expected)
            for o in manifest["output"]:
                self.assertTrue(o["url"].startswith("http://127.0.0.1:"), o["url"])
            return manifest, expected

    def test_levels_get_and_post(self):
        totals = {}
        for level in ("system", "patient", "group:plan-a"):
            m_get, n_get = self.export_level(level, post=False)
            m_post, n_post = self.export_level(level, post=True)
            self.assertEqual(n_get, n_post, level)
            self.assertFalse("?" in m_post["request"], "MF-02: POST request URL has no query")
            totals[level] = n_get
        self.assertGreater(totals["system"], totals["patient"])
        self.assertGreater(totals["patient"], totals["group:plan-a"])
        self.assertGreater(totals["group:plan-a"], 10000 // 4)  # ~half of 10,000 members, 8 each

        # The server saw the right exchange for every job: headers, polls, downloads, DELETE.
        journal = self.server.journal()["entries"]
        kickoffs = [e for e in journal if e["endpoint"] == "kickoff"]
        self.assertEqual(len(kickoffs), 6)
        for e in kickoffs:
            headers = {k.lower(): v for k, v in e["request_headers"]}
            self.assertEqual(headers.get("accept"), "application/fhir+json")   # KO-05
            self.assertIn("respond-async", headers.get("prefer", ""))         # KO-07
            self.assertEqual(e["status"], 202)
        deletes = [e for e in journal if e["endpoint"] == "delete"]
        self.assertEqual(len(deletes), 6)                                      # DEL-01 release
        self.assertTrue(all(e["status"] == 202 for e in deletes))
        files = [e for e in journal if e["endpoint"] == "file"]
        self.assertTrue(files and all(e["status"] == 200 for e in files))
        polls = [e for e in journal if e["endpoint"] == "status"]
        self.assertTrue(any(e["status"] == 202 for e in polls))
        self.assertFalse(any(e["status"] == 429 for e in polls), "client polled too fast")

    def test_type_and_since_filters(self):
        with harness.tempdir() as out:
            code, stdout, stderr, _ = harness.export(
                self.server.base, out, "--type", "Observation,Condition",
                "--since", "2025-06-01T00:00:00Z", "--timeout", "120")
            self.assertEqual(code, 0, stdout + stderr)
            manifest = json.loads((pathlib.Path(out) / "manifest.json").read_text())
            self.assertEqual({o["type"] for o in manifest["output"]}, {"Observation", "Condition"})
            for p in pathlib.Path(out).glob("*.ndjson"):
                for line in p.read_text(encoding="utf-8").splitlines():
                    res = json.loads(line)
                    self.assertGreater(res["meta"]["lastUpdated"], "2025-06-01T00:00:00")


if __name__ == "__main__":
    harness.main()
