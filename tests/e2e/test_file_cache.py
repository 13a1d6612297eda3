"""serve --file-cache: repeat fetches come from the stored file, byte for byte the generator's.

Real sockets against `bulkharness serve`: a file fetched whole is stored; the next fetch of it is
sent from disk (sendfile over plain HTTP, pread under TLS) with the same chunked framing; a
fault scheduled on a later fetch still fires on it; a reader that hangs up mid-file does not
hurt the server or the stored copy; and the bytes equal those of a server without the cache.
"""
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import ssl
import tempfile
import time
import unittest
import urllib.request

import harness

MEMBERS = "3000"  # a Patient file of several MB: more than a socket buffer, so sendfile waits


def scenario_file(rules):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"id": "file-cache", "description": "file cache e2e", "time_scale": 100,
               "job": {"duration": "2s", "retry_after": "1s"}, "rules": rules}, f)
    f.close()
    return f.name


def connect(server, context=None):
    host, port = server.origin.split("//")[1].rsplit(":", 1)
    if context:
        return http.client.HTTPSConnection(host, int(port), timeout=30, context=context)
    return http.client.HTTPConnection(host, int(port), timeout=30)


def manifest(server, context=None):
    conn = connect(server, context)
    conn.request("GET", "/fhir/Patient/$export?_type=Patient",
                 headers={"Accept": "application/fhir+json", "Prefer": "respond-async"})
    r = conn.getresponse()
    r.read()
    assert r.status == 202, r.status
    status = re.sub(r"^https?://[^/]+", "", r.getheader("Content-Location"))
    end = time.monotonic() + 60
    while time.monotonic() < end:
        conn.request("GET", status)
        r = conn.getresponse()
        body = r.read()
        if r.status == 200:
            conn.close()
            return json.loads(body)
        assert r.status == 202, (r.status, body[:300])
        time.sleep(0.05)
    raise AssertionError("the export did not complete within 60 s")


def fetch(server, url, context=None, stop_after=None):
    """(body bytes, whether it came chunked) of one GET; stop_after: hang up after that many."""
    conn = connect(server, context)
    conn.request("GET", re.sub(r"^https?://[^/]+", "", url))
    r = conn.getresponse()
    assert r.status == 200, r.status
    chunked = r.chunked
    if stop_after:
        r.read(stop_after)
        conn.sock.close()  # mid-file: the server's next sendfile meets a closed socket
        return None, chunked
    body = r.read()
    conn.close()
    return body, chunked


def without_time(entry):
    """A journal entry less what says when (seq, at_ms, the Date header): fetches a second
    apart differ in those whatever they were served from."""
    kept = {k: v for k, v in entry.items() if k not in ("seq", "at_ms")}
    kept["response_headers"] = [h for h in entry["response_headers"] if h[0].lower() != "date"]
    return kept


def stop(server):
    """SIGTERM, then the server's stdout (its exit summary)."""
    server.proc.send_signal(signal.SIGTERM)
    out, _ = server.proc.communicate(timeout=20)
    return out.decode()


def reference_patients():
    with harness.Server("--members", MEMBERS, "--members-per-file", MEMBERS,
                        "--scenario", "default", "--time-scale", "100") as s:
        body, _ = fetch(s, manifest(s)["output"][0]["url"])
        return body


class FileCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.expected = reference_patients()
        cls.cache_dir = tempfile.TemporaryDirectory(prefix="bh-e2e-cache-")

    @classmethod
    def tearDownClass(cls):
        cls.cache_dir.cleanup()

    def serve(self, *extra, rules=()):
        path = scenario_file(list(rules))
        self.addCleanup(os.unlink, path)
        return harness.Server("--members", MEMBERS, "--members-per-file", MEMBERS,
                              "--scenario", path, "--file-cache", self.cache_dir.name, *extra)

    def test_repeat_fetches_are_the_same_bytes_and_faults_still_fire(self):
        truncate = {"id": "cut", "match": {"endpoint": "file"}, "schedule": {"nth": 4},
                    "fault": {"kind": "ndjson-truncated-last-line"}}
        with self.serve(rules=[truncate]) as s:
            url = manifest(s)["output"][0]["url"]
            first, chunked1 = fetch(s, url)     # generated, and stored
            second, chunked2 = fetch(s, url)    # sent from the stored file
            _, _ = fetch(s, url, stop_after=100_000)  # a reader that hangs up mid-file
            third, _ = fetch(s, url)            # rule "cut": the fault on the stored bytes
            fourth, _ = fetch(s, url)           # untouched again
            files = [without_time(e) for e in s.journal()["entries"] if e["endpoint"] == "file"]
            summary = stop(s)
        self.assertGreater(len(self.expected), 2_000_000)
        digest = hashlib.sha256(self.expected).hexdigest()
        for name, body in (("first", first), ("second", second), ("fourth", fourth)):
            self.assertEqual(hashlib.sha256(body).hexdigest(), digest,
                             f"{name} fetch differs from a server without the cache")
        self.assertTrue(chunked1 and chunked2, "stored files keep the chunked framing")
        self.assertEqual(len(files), 5)
        self.assertEqual(files[1], files[0], "the journal must not tell a stored file apart")
        self.assertEqual(files[4], files[0])
        self.assertEqual([f["rule"] for f in files[3]["faults"]], ["cut"])
        self.assertLess(len(third), len(self.expected), "the scheduled fault did not fire")
        self.assertTrue(self.expected.startswith(third[:-1]))
        self.assertFalse(third.endswith(b"\n"), "truncated last line keeps no newline")
        m = re.search(r"file cache: (\d+) fetches sent from (\d+) stored files", summary)
        self.assertIsNotNone(m, summary)
        self.assertEqual((int(m.group(1)), int(m.group(2))), (4, 1), summary)
        self.assertEqual(os.listdir(self.cache_dir.name), [], "stored files are never named")

    def test_a_reader_that_stalls_holds_up_no_one_else(self):
        """sendfile waits for a full socket asynchronously: the one loop serves everyone else."""
        with self.serve("--members", "20000", "--members-per-file", "20000") as s:
            url = manifest(s)["output"][0]["url"]
            whole, _ = fetch(s, url)  # stored: about 15 MB, more than the socket buffers hold
            host, port = s.origin.split("//")[1].rsplit(":", 1)
            stalled = socket.socket()
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect
            stalled.connect((host, int(port)))
            stalled.sendall(f"GET {re.sub(r'^https?://[^/]+', '', url)} HTTP/1.1\r\n"
                            f"Host: {host}\r\n\r\n".encode())
            time.sleep(0.3)  # its buffers fill; the server's sendfile meets EAGAIN and waits
            start = time.monotonic()
            again, _ = fetch(s, url)
            with urllib.request.urlopen(s.base + "/metadata", timeout=5) as r:
                self.assertEqual(r.status, 200)
            elapsed = time.monotonic() - start
            stalled.close()
            after, _ = fetch(s, url)  # the stalled session ended; the server goes on
        self.assertGreater(len(whole), 10_000_000)
        self.assertEqual(again, whole)
        self.assertEqual(after, whole)
        self.assertLess(elapsed, 10, "a stalled reader held up the server")

    def test_tls_reads_the_stored_file(self):
        with tempfile.TemporaryDirectory(prefix="bh-e2e-tls-") as d:
            cert = os.path.join(d, "cert.pem")
            with self.serve("--tls", "--tls-cert-out", cert) as s:
                context = ssl.create_default_context(cafile=cert)
                url = manifest(s, context)["output"][0]["url"]
                bodies = [fetch(s, url, context)[0] for _ in range(2)]
                summary = stop(s)
        for body in bodies:
            self.assertEqual(body, self.expected)
        self.assertIn("file cache: 1 fetches sent from 1 stored files", summary)

    def test_over_the_cap_files_are_streamed_not_stored(self):
        with self.serve("--file-cache-max-mb", "1") as s:
            url = manifest(s)["output"][0]["url"]
            bodies = [fetch(s, url)[0] for _ in range(2)]
            summary = stop(s)
        self.assertEqual(bodies, [self.expected, self.expected])
        self.assertIn("file cache: 0 fetches sent from 0 stored files", summary)
        self.assertIn("2 files not stored", summary)

    def test_bad_directory_is_refused_at_start(self):
        code, out, err, _ = harness.run([harness.BULKHARNESS, "serve", "--file-cache",
                                         "/nonexistent/bh-cache"], 30)
        self.assertEqual(code, 2, out + err)
        self.assertIn("--file-cache /nonexistent/bh-cache", err)
        self.assertIn("writable directory", err)
        code, _, err, _ = harness.run([harness.BULKHARNESS, "serve", "--file-cache-max-mb", "9"],
                                      30)
        self.assertEqual(code, 2)
        self.assertIn("needs --file-cache", err)


if __name__ == "__main__":
    harness.main()
