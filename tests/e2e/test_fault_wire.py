"""Connection and delivery faults over real sockets: what a client sees on the wire.

Each test starts `bulkharness serve` with a one-rule scenario on GET metadata and talks to it
with raw sockets, so the assertion is about bytes and timing, not about our own client.
"""
import json
import os
import socket
import tempfile
import time
import unittest
import urllib.request

import harness


def scenario(fault, endpoint="metadata"):
    return {"id": "wire", "description": "one wire fault",
            "rules": [{"id": "w", "match": {"endpoint": endpoint}, "fault": fault}]}


class WireServer(harness.Server):
    """A server running a scenario given as a dict."""

    def __init__(self, sc, *args):
        self.file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(sc, self.file)
        self.file.close()
        super().__init__("--scenario", self.file.name, *args)
        self.sockets = []

    def __exit__(self, *exc):
        for s in self.sockets:
            s.close()
        try:
            return super().__exit__(*exc)
        finally:
            os.unlink(self.file.name)

    def raw(self, path="/fhir/metadata", host=None):
        """Sends one GET and returns the connected socket."""
        port = int(self.origin.rsplit(":", 1)[1])
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\n"
                  "Connection: close\r\n\r\n".encode())
        self.sockets.append(s)
        return s


def read_all(s, deadline=10):
    s.settimeout(deadline)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return out
        out += chunk


class Wire(unittest.TestCase):
    def test_reset_before_response_is_a_tcp_reset(self):
        with WireServer(scenario({"kind": "reset-before-response"})) as srv:
            s = srv.raw()
            with self.assertRaises(ConnectionResetError):
                read_all(s)

    def test_close_without_response_sends_nothing(self):
        with WireServer(scenario({"kind": "close-without-response"})) as srv:
            self.assertEqual(read_all(srv.raw()), b"")

    def test_garbage_is_seeded_and_not_http(self):
        got = []
        for _ in range(2):
            with WireServer(scenario({"kind": "garbage-then-close", "bytes": 64}), "--seed", "9") as srv:
                got.append(read_all(srv.raw()))
        self.assertEqual(len(got[0]), 64)
        self.assertFalse(got[0].startswith(b"HTTP/"))
        self.assertEqual(got[0], got[1], "same seed, same garbage")

    def test_never_answer_holds_then_closes(self):
        with WireServer(scenario({"kind": "never-answer", "hold": "2s"})) as srv:
            s = srv.raw()
            s.settimeout(1.0)
            with self.assertRaises(socket.timeout):
                s.recv(1)  # nothing within a second
            t0 = time.monotonic()
            self.assertEqual(read_all(s, deadline=10), b"")
            self.assertLess(time.monotonic() - t0, 5)

    def test_malformed_chunked_breaks_the_framing(self):
        with WireServer(scenario({"kind": "malformed-chunked", "after_bytes": 10})) as srv:
            data = read_all(srv.raw())
            head, _, body = data.partition(b"\r\n\r\n")
            self.assertIn(b"Transfer-Encoding: chunked", head)
            self.assertIn(b"zz; not-hex", body)

    def test_content_length_overstated_then_closed(self):
        with WireServer(scenario({"kind": "content-length", "delta": 100})) as srv:
            data = read_all(srv.raw())
            head, _, body = data.partition(b"\r\n\r\n")
            stated = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")][0]
                         .split(b":")[1])
            self.assertEqual(stated, len(body) + 100)

    def test_trickle_and_stall_take_the_time_they_say(self):
        with WireServer(scenario({"kind": "trickle", "rate": 1000})) as srv:
            t0 = time.monotonic()
            data = read_all(srv.raw(), deadline=30)
            body = data.partition(b"\r\n\r\n")[2]
            self.assertGreater(len(body), 500)
            self.assertGreaterEqual(time.monotonic() - t0, 0.8 * len(body) / 1000)
        with WireServer(scenario({"kind": "stall", "after_bytes": 100, "duration": "1500ms"})) as srv:
            t0 = time.monotonic()
            read_all(srv.raw(), deadline=30)
            self.assertGreaterEqual(time.monotonic() - t0, 1.4)

    def test_time_scale_shortens_what_the_scenario_says(self):
        # 60 s of scenario time at --time-scale 30 is a 2 s hold on the wire.
        with WireServer(scenario({"kind": "never-answer", "hold": "60s"}), "--time-scale", "30") as srv:
            t0 = time.monotonic()
            self.assertEqual(read_all(srv.raw(), deadline=20), b"")
            self.assertGreaterEqual(time.monotonic() - t0, 1.8)
            self.assertLess(time.monotonic() - t0, 6)

    def test_redirect_lands_on_the_second_loopback_host(self):
        with WireServer(scenario({"kind": "redirect", "status": 302}, endpoint="any")) as srv:
            data = read_all(srv.raw())
            self.assertTrue(data.startswith(b"HTTP/1.1 302"), data[:80])
            location = [h for h in data.split(b"\r\n") if h.lower().startswith(b"location:")][0]
            target = location.split(b" ", 1)[1].decode()
            self.assertTrue(target.startswith("http://127.0.0.2:"), target)
            with urllib.request.urlopen(target, timeout=10) as r:  # served by the other listener
                self.assertEqual(r.status, 200)
                self.assertEqual(json.load(r)["resourceType"], "CapabilityStatement")

    def test_every_fault_is_in_the_journal_with_its_wire_action(self):
        with WireServer(scenario({"kind": "close-without-response"})) as srv:
            read_all(srv.raw())
            entry = srv.journal()["entries"][0]
            self.assertEqual(entry["faults"][0]["kind"], "close-without-response")
            self.assertEqual(entry["wire"], "close-without-response")
            self.assertEqual(entry["status"], 0, "no HTTP response reached the client")
            with urllib.request.urlopen(srv.origin + "/__admin/rules", timeout=10) as r:
                self.assertEqual(json.load(r)[0]["fired"], 1)


if __name__ == "__main__":
    harness.main()
