"""The client (`export`) and the conformance runner (`check`) survive hostile Bulk Data servers.

A real server may be broken or malicious: it never answers, keeps a job at 202 forever, streams
a file or a manifest that never ends, redirects in a circle, or asks to be polled again in 31
years. Against each of these (tests/e2e/hostile_peer.py, raw sockets on loopback) both tools
must end within their own deadline, say what went wrong, exit non-zero (never 2, the usage
code), and not storm the server with requests. The client must also leave nothing in --out that
looks like a downloaded file (*.ndjson) and no *.part temporary behind, and use the exit code
client/outcome.hpp documents for the case.

Every run has a hard backstop (harness.run's timeout), so a tool that hangs fails its test; every
exit code is checked, and sanitizer reports on stderr fail the test too (ASan's own exit code is
1, the runner's "a SHALL check failed"), so a crash cannot pass for a verdict.
"""
import pathlib
import re
import time
import unittest

import harness
from hostile_peer import HostileServer

BACKSTOP = 120    # harness.run: seconds before a run counts as hung (far above every deadline)
MARGIN = 5.0      # seconds of process start-up and teardown (ASan build) past a deadline
SANITIZER = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")


def delete_grace(timeout):
    # client/export_command.cpp to_client_options: delete_grace = clamp(timeout / 10, 5 s, 30 s).
    return min(max(timeout / 10, 5.0), 30.0)


class Hostile(unittest.TestCase):
    # -- helpers -------------------------------------------------------------------------------

    def run_tool(self, args, limit):
        """Runs bulkharness; (code, stdout+stderr, elapsed). Fails on a sanitizer report."""
        start = time.monotonic()
        code, out, err, _ = harness.run([harness.BULKHARNESS, *args], BACKSTOP)
        elapsed = time.monotonic() - start
        text = out + err
        self.assertIsNone(SANITIZER.search(err), f"sanitizer report:\n{err[-4000:]}")
        self.assertLess(elapsed, limit,
                        f"ran {elapsed:.1f} s, past its deadline + margin ({limit:.1f} s)\n"
                        f"{text[-4000:]}")
        return code, text, elapsed

    def export(self, mode, timeout, *extra, limit=None, grace=False):
        """`export` against a fresh hostile server; (code, output, elapsed, server, out files)."""
        if limit is None:
            limit = timeout + MARGIN + (delete_grace(timeout) if grace else 0)
        with HostileServer(mode) as server, harness.tempdir() as out:
            code, text, elapsed = self.run_tool(
                ["export", "--base-url", server.base, "--out", out, "--timeout", str(timeout),
                 *extra], limit)
            files = sorted(p.name for p in pathlib.Path(out).iterdir())
        self.assertEqual(server.leaked_threads, 0, "the fixture did not stop its threads")
        self.assertNotEqual(code, 0, f"export succeeded against a hostile server\n{text}")
        self.assertNotEqual(code, 2, f"exit 2 is the usage code\n{text}")
        # A failed download leaves nothing that looks like a file, and no temporary either
        # (client/net/fs_output_sink.cpp: ~FileWriter removes the .part unless close() renamed it).
        self.assertEqual([f for f in files if f.endswith(".ndjson")], [],
                         f"a failed export left files that look complete: {files}")
        self.assertEqual([f for f in files if f.endswith(".part")], [],
                         f"a failed export left temporaries: {files}")
        self.assertRegex(text, rf"outcome: \w+ \(exit {code}\)", "no outcome summary")
        return code, text, elapsed, server, files

    def check(self, mode, timeout, request_timeout, only, *extra, limit=None):
        """`check` against a fresh hostile server; (code, output, results, server)."""
        limit = timeout + MARGIN if limit is None else limit
        with HostileServer(mode) as server:
            code, text, elapsed = self.run_tool(
                ["check", "--base-url", server.base, "--levels", "system", "--timeout",
                 str(timeout), "--request-timeout", str(request_timeout), "--only", only,
                 *extra], limit)
        self.assertEqual(server.leaked_threads, 0, "the fixture did not stop its threads")
        self.assertNotEqual(code, 2, f"exit 2 is the usage code\n{text}")
        results = parse_results(text)
        for check_id in only.split(","):
            self.assertIn(check_id, results, f"{check_id} not in the report\n{text}")
        return code, text, results, server

    def assert_shall_failed(self, code, text):
        self.assertEqual(code, 1, f"expected exit 1 (a SHALL check failed)\n{text}")
        self.assertIn("exit 1 (a SHALL check failed)", text)  # the runner's verdict, not a crash

    def assert_inconclusive(self, code, text, results, why):
        self.assertEqual(code, 3, f"expected exit 3 (inconclusive: out of time)\n{text}")
        self.assertIn("exit 3 (inconclusive: 1 SHALL check(s) ran out of time", text)
        status, message = results["status-complete"]
        self.assertEqual(status, "SKIP", text)
        self.assertRegex(message, why)

    # -- export --------------------------------------------------------------------------------

    def test_export_silent_server_times_out(self):
        # The kick-off is never answered. --io-timeout defaults to 120 s (export_command.hpp), so
        # the client's own deadline ends the run: 10 TimedOut (outcome.hpp), after at most the
        # DELETE grace (nothing to DELETE: the kick-off never named a status URL).
        code, text, _, server, _ = self.export("silent", 5, grace=True)
        self.assertEqual(code, 10, text)
        self.assertRegex(text, r"deadline .* passed")
        self.assertLessEqual(server.count(), 2, server.requests())
        self.assertEqual(server.count("delete"), 0, server.requests())
        # No DELETE can have been sent (no status URL, and the server saw none): the output
        # must not say one went unanswered.
        self.assertNotRegex(text, r"DELETE was not answered",
                            "the summary blames a DELETE that was never sent")

    def test_export_accepted_forever_times_out_and_cancels(self):
        # 202 + Retry-After: 1 forever: polls about once a second until the deadline, then the
        # cancel DELETE (outcome.hpp: "10 TimedOut ... DELETE sent if a job existed").
        timeout = 6
        code, text, _, server, _ = self.export("accepted_forever", timeout)
        self.assertEqual(code, 10, text)
        self.assertRegex(text, r"deadline .* passed before the export finished")
        self.assertRegex(text, r"X-Progress=still working")
        self.assertLessEqual(server.count("status"), timeout + 2, server.counts())
        self.assertLessEqual(server.count("kickoff"), 1, server.counts())
        self.assertGreaterEqual(server.count("delete"), 1, "the job was not cancelled")
        self.assertLessEqual(server.count("delete"), 3, server.counts())  # max_delete_attempts

    def test_export_endless_chunked_file_times_out_and_leaves_no_file(self):
        # Valid NDJSON forever: only the deadline ends it (10 TimedOut); the partial file is
        # discarded and the job released (the manifest arrived: begin_stop releases).
        code, text, _, server, files = self.export("endless_chunked", 6)
        self.assertEqual(code, 10, text)
        self.assertRegex(text, r"deadline .* passed before the export finished")
        self.assertEqual(server.count("file"), 1, server.counts())  # no retry storm
        self.assertGreater(server.body_bytes_sent, 1 << 20, "the stream never really flowed")
        self.assertGreaterEqual(server.count("delete"), 1, "the job was not released")
        self.assertEqual(files, ["manifest.json"])
        # Every FAILED file line gives its reason.
        self.assertNotRegex(text, r"(?m)^\s+FAILED .*\(\)\s*$",
                            "a FAILED file line gives no reason (empty parentheses)")

    def test_export_gigantic_chunked_manifest_is_refused_by_size(self):
        # client_options.hpp max_status_body_bytes = 16 MiB; over it the manifest is unusable:
        # 5 ManifestInvalid (export_client_poll.cpp accept_manifest, rec.overflow).
        code, text, elapsed, server, _ = self.export("gigantic_manifest", 20)
        self.assertEqual(code, 5, text)
        self.assertRegex(text, r"manifest body exceeds 16777216 bytes")
        self.assertLess(elapsed, 15, "the client read far past its limit")
        self.assertEqual(server.count("status"), 1, server.counts())
        self.assertLess(server.body_bytes_sent, 64 << 20, "the client kept reading")

    def test_export_gigantic_sized_manifest_is_refused_by_size(self):
        # The same with a valid 96 MiB manifest announced by Content-Length: refused by its size
        # (not by a parse error on a truncated prefix).
        code, text, elapsed, server, _ = self.export("gigantic_manifest_sized", 20)
        self.assertEqual(code, 5, text)
        self.assertRegex(text, r"manifest body exceeds 16777216 bytes")
        self.assertLess(elapsed, 15)
        self.assertEqual(server.count("status"), 1, server.counts())
        self.assertLess(server.body_bytes_sent, 64 << 20, "the client read the whole body")

    def test_export_status_redirect_loop_fails(self):
        # The client does not follow redirects on the status URL: a 302 there is "unexpected",
        # 4 Failed (export_client_poll.cpp on_poll_response, `status < 400`).
        code, text, _, server, _ = self.export("redirect_loop", 15)
        self.assertEqual(code, 4, text)
        self.assertRegex(text, r"status request answered 30[27]")
        self.assertLessEqual(server.count("status"), 3, server.requests())

    def test_export_file_redirect_loop_stops_after_max_redirects(self):
        # client_options.hpp max_redirects = 5 per download (DL-15); then the file failed:
        # 6 DownloadFailed (export_client_download.cpp on_file_redirect).
        code, text, _, server, files = self.export("file_redirect_loop", 15)
        self.assertEqual(code, 6, text)
        self.assertRegex(text, r"more than 5 redirects")
        self.assertLessEqual(server.count("file"), 6, server.requests())
        self.assertEqual(files, ["manifest.json"])

    def test_export_huge_retry_after_is_ignored_and_backs_off(self):
        # Retry-After over client_options.hpp max_retry_after (1 h) is ignored, with exponential
        # backoff instead (wait_policy.cpp read_retry_after): few polls, then 10 TimedOut.
        timeout = 8
        code, text, _, server, _ = self.export("retry_after_huge", timeout)
        self.assertEqual(code, 10, text)
        self.assertRegex(text, r'Retry-After="1000000000" ignored')
        self.assertLessEqual(server.count("status"), 5, server.counts())  # 1+2+4 s of backoff
        self.assertGreaterEqual(server.count("delete"), 1, "the job was not cancelled")

    def test_export_huge_retry_after_on_429_is_ignored_and_backs_off(self):
        timeout = 8
        code, text, _, server, _ = self.export("retry_after_huge_429", timeout)
        self.assertEqual(code, 10, text)
        self.assertRegex(text, r'Retry-After="1000000000" ignored')
        self.assertLessEqual(server.count("status"), 5, server.counts())
        self.assertGreaterEqual(server.count("delete"), 1, "the job was not cancelled")

    # -- check ---------------------------------------------------------------------------------

    def test_check_silent_server_fails_kickoff_with_the_timeout(self):
        code, text, results, server = self.check("silent", 15, 2, "kickoff-accepted")
        self.assert_shall_failed(code, text)
        status, message = results["kickoff-accepted"]
        self.assertEqual(status, "FAIL", text)
        self.assertRegex(message, r"no complete response within 2\.0 s")
        self.assertLessEqual(server.count(), 3, server.requests())  # one try and one retry

    def test_check_accepted_forever_is_not_a_pass(self):
        # A job that stays at 202 until the run's deadline: nothing was verified, which is
        # neither a pass nor the server's proven fault. The check is skipped as out of time and
        # the run exits 3, inconclusive (app/check_command.cpp), naming the deadline.
        code, text, results, server = self.check("accepted_forever", 8, 3,
                                                 "status-complete,status-answers")
        self.assert_inconclusive(code, text, results, r"deadline \(--timeout\) came first")
        self.assertLessEqual(server.count("status"), 8 + 2, server.counts())  # Retry-After: 1

    def test_check_endless_chunked_file_fails_download(self):
        # A file gets ten request timeouts (probe_download.cpp download_once): 10 s at -R 1.
        code, text, results, server = self.check("endless_chunked", 20, 1,
                                                 "download-status,download-ndjson")
        self.assert_shall_failed(code, text)
        status, message = results["download-status"]
        self.assertEqual(status, "FAIL", text)
        self.assertRegex(message, r"no complete response within 10\.0 s")
        self.assertEqual(results["download-ndjson"][0], "FAIL", text)
        self.assertEqual(server.count("file"), 1, server.counts())

    def test_check_gigantic_chunked_manifest_fails_naming_the_size(self):
        code, text, results, server = self.check("gigantic_manifest", 20, 2,
                                                 "status-complete,manifest-output")
        self.assert_shall_failed(code, text)
        status, message = results["status-complete"]
        self.assertEqual(status, "FAIL", text)
        self.assertNotEqual(results["manifest-output"][0], "PASS", text)
        self.assertLessEqual(server.count("status"), 3, server.counts())
        self.assertRegex(message, r"(?i)too large|exceed|limit",
                         "the verdict does not say the manifest was too large "
                         f"({server.body_bytes_sent} body bytes were sent)")

    def test_check_gigantic_sized_manifest_fails_naming_the_size(self):
        # 96 MiB of valid JSON with a Content-Length, and a request timeout long enough to read
        # it all: the verdict must be about the size, and no manifest check may pass on it.
        code, text, results, server = self.check("gigantic_manifest_sized", 40, 30,
                                                 "status-complete,manifest-output")
        self.assert_shall_failed(code, text)
        status, message = results["status-complete"]
        self.assertEqual(status, "FAIL", text)
        self.assertEqual(server.count("status"), 1, server.counts())
        self.assertNotEqual(results["manifest-output"][0], "PASS",
                            "manifest-output passed a manifest the runner never parsed\n" + text)
        self.assertRegex(message, r"(?i)too large|exceed|limit",
                         "the verdict misdescribes a valid but huge manifest")

    def test_check_status_redirect_loop_fails(self):
        code, text, results, server = self.check("redirect_loop", 15, 3,
                                                 "status-complete,status-answers")
        self.assert_shall_failed(code, text)
        self.assertEqual(results["status-complete"][0], "FAIL", text)
        self.assertRegex(results["status-complete"][1], r"answered 30[27]")
        self.assertEqual(results["status-answers"][0], "FAIL", text)
        self.assertLessEqual(server.count("status"), 3, server.requests())

    def test_check_file_redirect_loop_fails_naming_the_redirects(self):
        # probe_download.cpp follows at most kMaxRedirects = 5 hops.
        code, text, results, server = self.check("file_redirect_loop", 15, 3,
                                                 "download-status,download-redirects")
        self.assert_shall_failed(code, text)
        status, message = results["download-status"]
        self.assertEqual(status, "FAIL", text)
        self.assertLessEqual(server.count("file"), 6, server.requests())
        self.assertRegex(message, r"(?i)redirect",
                         "the verdict does not say the file redirects in a loop")
        self.assertNotEqual(results["download-redirects"][0], "PASS",
                            "download-redirects ('redirected files are reachable') passed on a "
                            "redirect loop\n" + text)

    def test_check_huge_retry_after_backs_off_and_is_not_a_pass(self):
        # probe.hpp: poll() "honours a valid Retry-After ..., falls back to exponential backoff
        # without one". A 31-year Retry-After is not honoured (wait_after caps it at 1 h), so
        # the polls must back off (1, 2, 4, 8 s: about 4 in 10 s), not come once a second.
        timeout = 10
        code, text, results, server = self.check("retry_after_huge", timeout, 3,
                                                 "status-complete,status-retry-after")
        self.assert_inconclusive(code, text, results, r"deadline")
        self.assertLessEqual(server.count("status"), 6,
                             f"{server.count('status')} polls in {timeout} s: no backoff after "
                             "an ignored Retry-After")

    def test_check_huge_retry_after_on_429_backs_off_and_is_not_a_pass(self):
        timeout = 10
        code, text, results, server = self.check("retry_after_huge_429", timeout, 3,
                                                 "status-complete")
        self.assert_inconclusive(code, text, results, r"deadline")
        self.assertLessEqual(server.count("status"), 6, server.counts())


RESULT = re.compile(r"^  (PASS|FAIL|WARN|INFO|SKIP)\s+(?:SHALL|SHOULD|MAY)\s+(\S+)")


def parse_results(text):
    """check's text report: {check id: (status, first message line)} (first level seen)."""
    results = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = RESULT.match(line)
        if m and m.group(2) not in results:
            message = lines[i + 1].strip() if i + 1 < len(lines) else ""
            results[m.group(2)] = (m.group(1), message)
    return results


if __name__ == "__main__":
    harness.main()
