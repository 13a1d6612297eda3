"""Judge canaries: the judge must both pass a correct client and fail a broken one.

The client is tests/clients/naive_client.py, written independently of the reference client.
For each of its `--misbehave` switches a small scenario (3 s job, Retry-After 1 s, 20 members,
no time_scale) exercises the behaviour it breaks. Every test runs the scenario twice, each run
on its own server (the two at once, to keep the suite quick):

  * the correct client: the named rule passes (it was exercised: not "n/a"), the whole verdict
    is "pass", and the exit status is the one the scenario expects;
  * the client with the misbehaviour: the named judge rule fails.

A rule that never fails proves nothing, and one that fails a correct client is wrong; a canary
test catches both. Two more tests replay repository scenarios through ci/replay.py with the
independent client: all of them pass, and with --misbehave ignore-retry-after the HTTP-date
scenario fails on retry-after-honoured.

    python3 tests/e2e/test_judge_canaries.py --bulkharness build/app/bulkharness
"""
import concurrent.futures
import json
import os
import pathlib
import shlex
import sys
import tempfile
import unittest
import urllib.request

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLIENT = ROOT / "tests" / "clients" / "naive_client.py"
REPLAY = ROOT / "ci" / "replay.py"
CLIENT_TIMEOUT = 60          # the client's own deadline (--timeout)
RUN_TIMEOUT = CLIENT_TIMEOUT + 30

EXIT_FOR = {"success": 0, "failed": 4}

REPLAYED = ["conformant-client-untouched", "retry-after-http-date-forms", "429-storm-slow-job",
            "network-errors-on-files", "fatal-error-after-polls", "manifest-invalid-json",
            "partial-success-error-files", "redirect-to-object-storage"]


def scenario(name, rules=(), outcome="success", requirements=("ST-04",)):
    """A small, fast scenario: 20 members in files of 10, a 3 s job, Retry-After 1 s."""
    return {
        "id": f"canary-{name}",
        "description": f"judge canary for --misbehave {name}",
        "requirements": list(requirements),
        "data": {"members": 20, "members_per_file": 10},
        "job": {"duration": "3s", "retry_after": "1s"},
        "rules": list(rules),
        "expect": {"outcome": outcome, **({"resources": "all"} if outcome == "success" else {})},
    }


def status_rule(rule_id, schedule, fault):
    return {"id": rule_id, "match": {"endpoint": "status"}, "schedule": schedule, "fault": fault}


PLAIN = scenario("plain", requirements=("KO-05", "KO-07", "ST-06", "DEL-01"))

CANARIES = {
    # misbehaviour: (the judge rule it must fail, the scenario that exercises it)
    "ignore-retry-after": ("retry-after-honoured", scenario("ignore-retry-after")),
    "omit-prefer": ("kickoff-prefer", PLAIN),
    "omit-accept": ("kickoff-accept", PLAIN),
    "wrong-status-accept": ("status-accept", PLAIN),
    "never-delete": ("delete-sent", PLAIN),
    "poll-after-manifest": ("no-poll-after-manifest", PLAIN),
    "duplicate-kickoff": ("one-kickoff-per-job", PLAIN),
    "no-backoff": ("backoff-without-retry-after", scenario(
        "no-backoff", requirements=("ST-02", "ST-12"),
        # four unguided retries in a row: the least the judge needs to score a backoff as
        # growing (the correct client waits 1, 2, 4 and 8 s), so it passes rather than n/a
        rules=[status_rule("flaky", {"first": 4},
                           {"kind": "transient-error", "status": 503, "code": "transient"})])),
    "hammer-429": ("no-hammering-after-429", scenario(
        "hammer-429", requirements=("ST-05",),
        rules=[status_rule("throttled", {"first": 2},
                           {"kind": "throttle", "retry_after": "1s", "form": "seconds"})])),
    "give-up-on-transient": ("transient-retried", scenario(
        "give-up-on-transient", requirements=("ST-12",),
        rules=[status_rule("blip", {"nth": 1},
                           {"kind": "transient-error", "status": 503, "code": "timeout"})])),
    "retry-fatal": ("fatal-stops", scenario(
        "retry-fatal", outcome="failed", requirements=("ST-11",),
        rules=[status_rule("job-fails", {"from": 2},
                           {"kind": "fatal-error", "status": 500, "code": "processing"})])),
    "skip-error-files": ("every-file-downloaded", scenario(
        "skip-error-files", requirements=("DL-01", "ERR-06"),
        rules=[{"id": "error-file", "match": {"endpoint": "status", "job_state": "completed"},
                "fault": {"kind": "manifest-error-files", "count": 3}}])),
}

# retry-forever: a correct client gives up after 8 throttled polls (8 x Retry-After 1 s); one
# without a limit keeps going past the judge's 50. With Retry-After honoured that would take
# a minute, so this canary adds hammer-429 (0.05 s between attempts) to get past 50 in seconds;
# the throttling stops after 60 polls so the misbehaving client finishes instead of running
# into its deadline.
RETRY_FOREVER = scenario(
    "retry-forever", outcome="failed", requirements=("ST-12", "ST-05"),
    rules=[status_rule("wall", {"first": 60},
                       {"kind": "throttle", "retry_after": "1s", "form": "seconds"})])


def verdict(srv):
    with urllib.request.urlopen(srv.origin + "/__admin/verdict", timeout=30) as r:
        return json.load(r)


def rule(v, rule_id):
    for r in v["rules"]:
        if r["id"] == rule_id:
            return r
    raise AssertionError(f"the verdict has no rule {rule_id!r}: {[r['id'] for r in v['rules']]}")


def failing(v):
    return {r["id"]: r["detail"] for r in v["rules"] if r["outcome"] == "fail"}


def run_client(path, misbehave):
    """Serves the scenario file, runs the client against it; (exit, client stdout, verdict)."""
    with harness.Server("--scenario", path) as srv, harness.tempdir() as out:
        args = [sys.executable, str(CLIENT), "--timeout", str(CLIENT_TIMEOUT)]
        for m in misbehave:
            args += ["--misbehave", m]
        code, stdout, stderr, _ = harness.run(args + [srv.base, out], RUN_TIMEOUT)
        return code, stdout + stderr, verdict(srv)


class CanaryCase(unittest.TestCase):
    """Helpers only; the tests are in the subclasses."""
    maxDiff = None

    def canary(self, doc, rule_id, misbehave):
        with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="canary-", delete=False) as f:
            json.dump(doc, f)
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                good_f = pool.submit(run_client, f.name, [])
                bad_f = pool.submit(run_client, f.name, misbehave)
                good, bad = good_f.result(), bad_f.result()
        finally:
            os.unlink(f.name)
        flags = " ".join(f"--misbehave {m}" for m in misbehave)

        code, log, v = good
        tail = "\n".join(log.strip().splitlines()[-15:])
        r = rule(v, rule_id)
        self.assertNotEqual(r["outcome"], "fail",
                            f"the judge rule {rule_id} failed the correct client: {r['detail']}"
                            f"\n--- client log ---\n{tail}")
        # Not just "did not fail": the scenario gave the rule something to check, and it passed.
        self.assertEqual(r["outcome"], "pass",
                         f"the judge rule {rule_id} had nothing to judge for the correct client "
                         f"({r['outcome']}: {r['detail']}): the scenario does not exercise it")
        self.assertEqual(v["verdict"], "pass",
                         f"the correct client (scenario for {flags}) must pass the judge; "
                         f"failing rules: {failing(v)}\n--- client log ---\n{tail}")
        want = EXIT_FOR[doc["expect"]["outcome"]]
        self.assertEqual(code, want, f"the correct client's exit status (expected outcome "
                                     f"{doc['expect']['outcome']})\n--- client log ---\n{tail}")

        code, log, v = bad
        tail = "\n".join(log.strip().splitlines()[-15:])
        r = rule(v, rule_id)
        self.assertEqual(r["outcome"], "fail",
                         f"the judge rule {rule_id} must fail a client run with {flags}; it said "
                         f"{r['outcome']}: {r['detail']}\n--- client log ---\n{tail}")
        self.assertEqual(v["verdict"], "fail", f"{flags}: the whole verdict fails")
        return r

    def replay(self, client_template, names):
        paths = [str(ROOT / "scenarios" / f"{n}.json") for n in names]
        args = [sys.executable, str(REPLAY), "--bulkharness", harness.BULKHARNESS,
                "--client", client_template, "--scenarios", *paths, "--jobs", "4"]
        code, stdout, stderr, _ = harness.run(args, 600)
        return code, stdout + stderr


class JudgeCanaries(CanaryCase):
    """One test per misbehaviour in CANARIES (generated below)."""


def make_canary_test(misbehaviour, rule_id, doc):
    def test(self):
        self.canary(doc, rule_id, [misbehaviour])
    test.__doc__ = f"--misbehave {misbehaviour} fails {rule_id}; the correct client passes"
    return test


for _name, (_rule_id, _doc) in CANARIES.items():
    setattr(JudgeCanaries, "test_" + _name.replace("-", "_"),
            make_canary_test(_name, _rule_id, _doc))


class RetryForever(CanaryCase):
    def test_retry_forever(self):
        """--misbehave retry-forever (with hammer-429) fails retries-bounded; the correct
        client gives up after 8 throttled polls, cancels the job and passes"""
        r = self.canary(RETRY_FOREVER, "retries-bounded", ["retry-forever", "hammer-429"])
        self.assertIn("in a row", r["evidence"][0]["observed"])


class ReplayWithIndependentClient(CanaryCase):
    def test_replay_correct_client_passes(self):
        """ci/replay.py: the independent correct client passes the judge on repo scenarios"""
        template = f"{shlex.quote(sys.executable)} {shlex.quote(str(CLIENT))} {{base_url}} {{out_dir}}"
        code, out = self.replay(template, REPLAYED)
        self.assertEqual(code, 0, f"replay of the correct independent client:\n{out}")
        self.assertIn(f"{len(REPLAYED)} of {len(REPLAYED)} passed", out)

    def test_replay_ignore_retry_after_fails(self):
        """ci/replay.py: --misbehave ignore-retry-after fails retry-after-honoured"""
        template = (f"{shlex.quote(sys.executable)} {shlex.quote(str(CLIENT))} "
                    "--misbehave ignore-retry-after {base_url} {out_dir}")
        code, out = self.replay(template, ["retry-after-http-date-forms"])
        self.assertEqual(code, 1, f"replay must report a failure:\n{out}")
        self.assertIn("retry-after-honoured", out, out)


if __name__ == "__main__":
    harness.main()
