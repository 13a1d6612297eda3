"""The scenario and fault commands, and bad scenario input, as a user meets them."""
import json
import os
import tempfile
import unittest
import urllib.error
import urllib.request

import harness

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write(obj_or_text):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    f.write(obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text))
    f.close()
    return f.name


class ScenarioCli(unittest.TestCase):
    def test_faults_list_json_is_the_registry(self):
        code, out, err, _ = harness.run([harness.BULKHARNESS, "faults", "list", "--json"], 30)
        self.assertEqual(code, 0, err)
        kinds = json.loads(out)
        self.assertGreaterEqual(len(kinds), 50)
        for k in kinds:
            self.assertTrue(k["requirements"], k["kind"])
        code, text, _, _ = harness.run([harness.BULKHARNESS, "faults", "list"], 30)
        self.assertIn(f"{len(kinds)} fault kinds", text)

    def test_validate_names_file_path_and_expectation_and_exits_1(self):
        bad = write({"id": "x", "description": "d",
                     "rules": [{"id": "r", "schedule": {"nth": 0}, "fault": {"kind": "throttle"}}]})
        try:
            code, out, err, _ = harness.run([harness.BULKHARNESS, "scenarios", "validate", bad], 30)
            self.assertEqual(code, 1)
            self.assertIn(f"{bad}: /rules/0/schedule/nth: expected a positive integer", err)
        finally:
            os.unlink(bad)

    def test_every_library_scenario_validates(self):
        code, out, err, _ = harness.run(
            [harness.BULKHARNESS, "scenarios", "validate", os.path.join(ROOT, "scenarios")], 60)
        self.assertEqual(code, 0, err)
        n = int(out.strip().splitlines()[-1].split()[0])
        self.assertGreaterEqual(n, 40)

    def test_serve_refuses_a_bad_scenario_with_the_reason(self):
        for text, expect in [("{", "not valid JSON"),
                             (json.dumps({"id": "x", "description": "d", "states": ["a"],
                                          "rules": [{"id": "r", "fault": {"kind": "throttle"},
                                                     "set_state": "b"}]}),
                              "/rules/0/set_state: undeclared state")]:
            path = write(text)
            try:
                code, out, err, _ = harness.run(
                    [harness.BULKHARNESS, "serve", "--port", "0", "--scenario", path], 30)
                self.assertEqual(code, 2)
                self.assertIn(expect, err)
            finally:
                os.unlink(path)

    def test_admin_put_scenario_over_http(self):
        with harness.Server() as srv:
            sc = {"id": "live", "description": "switched at run time",
                  "rules": [{"id": "t", "match": {"endpoint": "metadata"},
                             "fault": {"kind": "fatal-error", "status": 500}}]}
            req = urllib.request.Request(srv.origin + "/__admin/scenario", method="PUT",
                                         data=json.dumps(sc).encode())
            with urllib.request.urlopen(req, timeout=10) as r:
                self.assertEqual(r.status, 200)
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(srv.base + "/metadata", timeout=10)
            self.assertEqual(e.exception.code, 500)
            sc["rules"][0]["fault"]["kind"] = "nope"
            req = urllib.request.Request(srv.origin + "/__admin/scenario", method="PUT",
                                         data=json.dumps(sc).encode())
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(e.exception.code, 400)
            self.assertIn("/rules/0/fault/kind: unknown fault kind", e.exception.read().decode())


if __name__ == "__main__":
    harness.main()
