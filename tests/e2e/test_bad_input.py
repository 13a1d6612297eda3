"""Bad input gets a clear error and a non-zero exit, never a crash or a hang."""
import http.server
import json
import pathlib
import socket
import threading
import time
import unittest

import harness


def raw_exchange(origin, data, timeout=10):
    host, port = origin.replace("http://", "").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            c = s.recv(65536)
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks).decode(errors="replace")


class FakeServer:
    """A deliberately broken Bulk Data server on loopback (a test fixture, not our code)."""

    def __init__(self, handler_cls):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/fhir"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def broken_manifest_handler(manifest_body):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if "$export" in self.path:
                self.send_response(202)
                self.send_header("Content-Location", self.server_base() + "/status/1")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif "/status/" in self.path:
                body = manifest_body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def do_DELETE(self):
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def server_base(self):
            return f"http://127.0.0.1:{self.server.server_address[1]}/fhir"

    return Handler


class BadInput(unittest.TestCase):
    def test_malformed_http_gets_400_and_server_survives(self):
        with harness.Server("--members", "10") as server:
            reply = raw_exchange(server.origin, b"THIS IS NOT HTTP\r\n\r\n")
            self.assertTrue(reply.startswith("HTTP/1.1 400"), reply[:200])
            self.assertIn("malformed HTTP request", reply)
            big = b"POST /fhir/$export HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n"
            reply = raw_exchange(server.origin, big + b"x" * 100)
            self.assertTrue(reply.startswith("HTTP/1.1 413"), reply[:200])
            # Still serving.
            reply = raw_exchange(server.origin,
                                 b"GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            self.assertTrue(reply.startswith("HTTP/1.1 200"), reply[:200])

    def test_usage_errors_name_the_flag(self):
        code, out, err, _ = harness.run([harness.BULKHARNESS, "serve", "--members", "abc"], 30)
        self.assertEqual(code, 2)
        self.assertIn("--members", err)
        self.assertIn("expected", err)
        code, out, err, _ = harness.run([harness.BULKHARNESS, "serve", "--bogus"], 30)
        self.assertEqual(code, 2)
        self.assertIn("--bogus", err)
        code, out, err, _ = harness.run([harness.BULKHARNESS, "frobnicate"], 30)
        self.assertEqual(code, 2)
        self.assertIn("frobnicate", err)
        code, out, err, _ = harness.run([harness.BULKHARNESS, "export", "--out", "/tmp/x"], 30)
        self.assertEqual(code, 2)
        self.assertIn("--base-url", err)

    def test_nothing_listening_is_a_clear_transport_error(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        with harness.tempdir() as out:
            code, stdout, stderr, _ = harness.export(f"http://127.0.0.1:{port}/fhir", out,
                                                     "--timeout", "20", timeout=60)
            self.assertNotEqual(code, 0)
            self.assertNotEqual(code, 2)
            self.assertRegex(stdout + stderr, r"(?i)refused|connect")

    def test_server_that_never_answers_hits_the_deadline(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        try:
            with harness.tempdir() as out:
                start = time.monotonic()
                code, stdout, stderr, _ = harness.export(f"http://127.0.0.1:{port}/fhir", out,
                                                         "--timeout", "5", timeout=90)
                elapsed = time.monotonic() - start
                self.assertNotEqual(code, 0)
                self.assertLess(elapsed, 80, "client overran its deadline")
                self.assertRegex(stdout + stderr, r"(?i)time|deadline")
        finally:
            listener.close()

    def test_broken_manifests_are_rejected_with_reasons(self):
        cases = {
            "not json": "{this is not json",
            "string boolean": json.dumps({"transactionTime": "2026-01-01T00:00:00Z",
                                          "request": "http://x/fhir/$export",
                                          "requiresAccessToken": "true",
                                          "output": [], "error": []}),
            "relative url": json.dumps({"transactionTime": "2026-01-01T00:00:00Z",
                                        "request": "http://x/fhir/$export",
                                        "requiresAccessToken": False,
                                        "output": [{"type": "Patient", "url": "files/1.ndjson"}],
                                        "error": []}),
        }
        for name, body in cases.items():
            with self.subTest(name), FakeServer(broken_manifest_handler(body)) as fake, \
                    harness.tempdir() as out:
                code, stdout, stderr, _ = harness.export(fake.base, out, "--timeout", "30",
                                                         timeout=90)
                self.assertEqual(code, 5, f"{name}: expected ManifestInvalid (5)\n{stdout}{stderr}")
                self.assertRegex(stdout + stderr, r"MF-\d\d")


if __name__ == "__main__":
    harness.main()
