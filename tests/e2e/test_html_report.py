"""The HTML reports, rendered by a real browser (headless Chromium, Debian `chromium`).

A replay of a well-behaved run (the reference client) and of a deliberately bad client
(tests/e2e/clients/impatient.py: ignores Retry-After, downloads nothing) is written with
`ci/replay.py --html`; a conformance run against a server defect with `bulkharness check
--report-html`. Chromium loads each file (no network: the pages
are self-contained) and the DOM it built is checked: one timeline mark per journalled request,
a Retry-After window for each answer that asked for a wait, faults marked, every broken rule
ringed and its link landing on a journal row; the check report grouped by area, the failing
check shown with its evidence and linked from the list of failures, agreeing with --report-json.
"""
import html.parser
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
STORM = ROOT / "scenarios/throttle-503-with-retry-after.json"  # 503 + Retry-After, 8 s
DEFECT = ROOT / "scenarios/kickoff-relative-content-location.json"


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    raise AssertionError("no Chromium: install Debian's `chromium` (ci/test.sh does)")


def rendered_dom(path):
    """The DOM headless Chromium built from the file, serialized."""
    p = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                        "--dump-dom", f"file://{path}"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0 and "<html" in p.stdout, p.stderr[-2000:]
    return p.stdout


class Elements(html.parser.HTMLParser):
    """Every start tag as (tag, attrs dict)."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def with_class(self, tag, cls):
        return [a for t, a in self.tags if t == tag and cls in a.get("class", "").split()]


def replay(tmp, client, name):
    out = pathlib.Path(tmp, f"{name}.html")
    js = pathlib.Path(tmp, f"{name}.json")
    p = subprocess.run([sys.executable, str(ROOT / "ci/replay.py"), "--bulkharness",
                        harness.BULKHARNESS, "--client", client, "--scenarios", str(STORM),
                        "--quiet", "--html", str(out), "--json", str(js)],
                       capture_output=True, text=True, timeout=300)
    return p.returncode, out, json.loads(js.read_text())


class HtmlReport(unittest.TestCase):
    def test_replay_timelines_show_requests_waits_faults_and_broken_rules(self):
        with harness.tempdir() as tmp:
            good = f"{harness.BULKHARNESS} export --base-url {{base_url}} --out {{out_dir}}"
            bad = f"{sys.executable} {ROOT / 'tests/e2e/clients/impatient.py'} {{base_url}}"
            for name, client, code_wanted in (("good", good, 0), ("bad", bad, 1)):
                with self.subTest(name):
                    code, path, results = replay(tmp, client, name)
                    self.assertEqual(code, code_wanted)
                    dom = Elements(rendered_dom(path))
                    journal = results[0]["journal"]
                    self.assertEqual(len(dom.with_class("section", "scenario")), 1)
                    self.assertGreaterEqual(len(dom.with_class("svg", "timeline")), 1)
                    marks = dom.with_class("circle", "mark")
                    self.assertEqual(sorted(int(m["data-seq"]) for m in marks),
                                     sorted(e["seq"] for e in journal))
                    # A window for each answer that asked for a wait (throttling and 202s alike).
                    waits = sum(any(k.lower() == "retry-after" for k, _ in e["response_headers"])
                                for e in journal)
                    self.assertGreater(waits, 0)
                    self.assertEqual(len(dom.with_class("rect", "retry-after")), waits)
                    fired = sum(bool(e.get("faults")) for e in journal)
                    self.assertEqual(len(dom.with_class("path", "fault")), fired)
                    self.assertTrue(dom.with_class("table", "verdict"))
                    rings = dom.with_class("circle", "violation")
                    rows = {a.get("id") for t, a in dom.tags if t == "tr"}
                    links = [a["href"][1:] for t, a in dom.tags
                             if t == "a" and a.get("href", "").startswith("#s0-e")]
                    self.assertTrue(links)
                    self.assertEqual([l for l in links if l not in rows], [],
                                     "every evidence link lands on a journal row")
                    if name == "good":
                        self.assertEqual(rings, [], "a passing run has no broken rule")
                    else:
                        self.assertGreater(len(rings), 0)
                        self.assertTrue(dom.with_class("tr", "violation"))

    def test_check_report_groups_requirements_by_area_with_evidence(self):
        with harness.tempdir() as tmp, harness.Server("--scenario", str(DEFECT)) as server:
            js, out = os.path.join(tmp, "check.json"), os.path.join(tmp, "check.html")
            code, _, err, _ = harness.run(
                [harness.BULKHARNESS, "check", "--base-url", server.base, "--levels", "system",
                 "--only", "kickoff-content-location,kickoff-accepted,status-complete",
                 "--report-json", js, "--report-html", out], 120)
            self.assertEqual(code, 1, err)
            report = json.loads(pathlib.Path(js).read_text())
            dom = Elements(rendered_dom(out))
            self.assertEqual([a.get("id") for a in dom.with_class("section", "area")],
                             [f"area-{a}" for a in dict.fromkeys(r["area"]
                                                                 for r in report["results"])])
            rows = dom.with_class("tr", "check")
            self.assertEqual([r["class"].split()[1] for r in rows],
                             [r["status"] for r in report["results"]])
            failed = dom.with_class("tr", "fail")
            self.assertEqual(len(failed), 1)
            self.assertTrue(dom.with_class("tr", "pass"))
            self.assertTrue(any(t == "details" and "open" in a for t, a in dom.tags),
                            "the failure's evidence is open")
            links = [a["href"][1:] for t, a in dom.tags
                     if t == "a" and a.get("href", "").startswith("#check-")]
            self.assertEqual(links, [failed[0]["id"]], "the failure list links to its row")

    def test_a_broken_input_is_a_clear_error(self):
        with harness.tempdir() as tmp:
            for text in ('{"not": "a report"', '{"not": "a list of results"}'):
                bad = pathlib.Path(tmp, "x.json")
                bad.write_text(text)
                p = subprocess.run([sys.executable, str(ROOT / "ci/report_html.py"), "--replay",
                                    str(bad), "-o", os.path.join(tmp, "o.html")],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 2, text)
                self.assertIn("not a readable replay report", p.stderr)
                self.assertFalse(pathlib.Path(tmp, "o.html").exists())


if __name__ == "__main__":
    harness.main()
