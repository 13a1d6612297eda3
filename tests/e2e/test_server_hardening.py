"""The mock server against hostile and careless clients, over real sockets.

One test per case: thousands of idle connections held while a well-behaved client is served;
the connection limit answered with 503 + OperationOutcome; slowloris cut off by the request
deadline without slowing others; oversized headers and bodies (431 / 413) and malformed HTTP
(400), each as an OperationOutcome; pipelined requests answered in order; HEAD; clients vanishing
mid-download; the admin token; file URLs that try to climb out of the export. Each test also
checks the server is still serving afterwards, and where memory matters, that it stayed bounded.
"""
import json
import resource
import socket
import ssl
import struct
import tempfile
import threading
import time
import urllib.request
import unittest

import harness

GET_METADATA = b"GET /fhir/metadata HTTP/1.1\r\nHost: t\r\n\r\n"


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def connect(origin, timeout=10):
    host, port = origin.replace("http://", "").split(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def read_response(sock):
    """One HTTP/1.1 response with Content-Length (what the server sends for small bodies)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed mid-response: {data[:200]!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed mid-body")
        rest += chunk
    return int(lines[0].split()[1]), headers, rest[:length], rest[length:]


def exchange(origin, data):
    with connect(origin) as s:
        s.sendall(data)
        status, headers, body, _ = read_response(s)
        return status, headers, body


def metadata_ok(origin):
    status, _, body = exchange(origin, GET_METADATA)
    return status == 200 and json.loads(body)["resourceType"] == "CapabilityStatement"


def closed_by_peer(sock):
    """True when the server has closed this connection (EOF or reset), without waiting."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True
    finally:
        sock.setblocking(True)


class ServerHardening(unittest.TestCase):
    def assert_outcome(self, status, headers, body, expected_status, code):
        self.assertEqual(status, expected_status, body[:300])
        self.assertIn("fhir+json", headers.get("content-type", ""))
        outcome = json.loads(body)
        self.assertEqual(outcome["resourceType"], "OperationOutcome")
        self.assertEqual(outcome["issue"][0]["code"], code)
        return outcome["issue"][0]["diagnostics"]

    def test_thousands_of_idle_connections_are_held_and_others_still_served(self):
        # 2000, or what this machine's open-file limit allows this process (and the server).
        limit = raise_fd_limit(2200)
        wanted = min(2000, limit - 200)
        self.assertGreaterEqual(wanted, 500, f"this machine allows only {limit} open files")
        with harness.Server("--members", "10") as server:
            before = server.rss_kb()
            socks = [connect(server.origin) for _ in range(wanted)]
            try:
                start = time.monotonic()
                self.assertTrue(metadata_ok(server.origin))
                self.assertLess(time.monotonic() - start, 5)
                time.sleep(0.5)
                held = sum(not closed_by_peer(s) for s in socks)
                self.assertEqual(held, wanted, "the server dropped idle connections early")
                grown = server.rss_kb() - before
                print(f"\n{held} idle connections held; RSS grew {grown} KiB "
                      f"({grown * 1024 // held} bytes per connection)")
                # Bounded: a few KiB per idle connection, nowhere near a request's worth of buffer.
                self.assertLess(grown * 1024 // held, 64 * 1024)
            finally:
                for s in socks:
                    s.close()
            self.assertTrue(metadata_ok(server.origin))

    def test_past_the_connection_limit_clients_get_503_and_an_outcome(self):
        with harness.Server("--members", "10", "--max-connections", "20") as server:
            socks = [connect(server.origin) for _ in range(20)]
            try:
                time.sleep(0.3)
                status, headers, body = exchange(server.origin, GET_METADATA)
                why = self.assert_outcome(status, headers, body, 503, "transient")
                self.assertIn("20 connections", why)
                self.assertEqual(headers.get("retry-after"), "1")
            finally:
                for s in socks:
                    s.close()
            time.sleep(0.3)
            self.assertTrue(metadata_ok(server.origin), "slots were not given back")

    def test_slowloris_is_cut_off_by_the_request_deadline_and_others_are_served(self):
        attackers = 200
        raise_fd_limit(attackers + 200)
        with harness.Server("--members", "10", "--request-timeout", "2") as server:
            socks = [connect(server.origin) for _ in range(attackers)]
            for s in socks:
                s.sendall(b"GET /fhir/metadata HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            start = time.monotonic()
            stop = threading.Event()
            cut = {}

            def dribble():
                while not stop.is_set() and len(cut) < attackers:
                    for i, s in enumerate(socks):
                        if i in cut:
                            continue
                        try:
                            s.send(b"a")
                        except OSError:
                            cut[i] = time.monotonic() - start
                    time.sleep(0.2)

            t = threading.Thread(target=dribble, daemon=True)
            t.start()
            served, worst = 0, 0.0
            try:
                while time.monotonic() - start < 3:
                    t0 = time.monotonic()
                    self.assertTrue(metadata_ok(server.origin))
                    worst = max(worst, time.monotonic() - t0)
                    served += 1
                deadline = time.monotonic() + 10
                while len(cut) < attackers and time.monotonic() < deadline:
                    time.sleep(0.1)
            finally:
                stop.set()
                t.join(5)
                for s in socks:
                    s.close()
            self.assertEqual(len(cut), attackers, "some slow requests were never cut off")
            self.assertGreaterEqual(min(cut.values()), 1.5, "cut off before its deadline")
            self.assertLess(max(cut.values()), 8, "held far past the 2 s request deadline")
            self.assertGreater(served, 10)
            self.assertLess(worst, 1.0, "a well-behaved client waited behind the slow ones")

    def test_a_huge_header_gets_431_with_an_outcome(self):
        with harness.Server("--members", "10") as server:
            req = b"GET /fhir/metadata HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n"
            why = self.assert_outcome(*exchange(server.origin, req), 431, "too-long")
            self.assertIn("16384 bytes", why)
            self.assertTrue(metadata_ok(server.origin))

    def test_a_huge_body_gets_413_with_an_outcome(self):
        with harness.Server("--members", "10") as server:
            req = (b"POST /fhir/$export HTTP/1.1\r\nHost: t\r\nContent-Type: application/fhir+json"
                   b"\r\nContent-Length: 50000000\r\n\r\n{")
            why = self.assert_outcome(*exchange(server.origin, req), 413, "too-long")
            self.assertIn("1048576 bytes", why)
            self.assertTrue(metadata_ok(server.origin))

    def test_malformed_http_gets_400_with_an_outcome(self):
        with harness.Server("--members", "10") as server:
            for bad in (b"THIS IS NOT HTTP\r\n\r\n",
                        b"GET /fhir/metadata HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n",
                        b"GET /fhir/metadata HTTP/1.1\r\nHost: t\r\nContent-Length: -4\r\n\r\n",
                        b"GET /fhir/metadata HTTP/9.9\r\n\r\n"):
                with self.subTest(bad[:40]):
                    why = self.assert_outcome(*exchange(server.origin, bad), 400, "structure")
                    self.assertIn("malformed HTTP request", why)
            self.assertTrue(metadata_ok(server.origin))

    def test_pipelined_requests_are_answered_in_order_on_one_connection(self):
        with harness.Server("--members", "10") as server, connect(server.origin) as s:
            s.sendall(GET_METADATA + b"GET /fhir/no-such-thing HTTP/1.1\r\nHost: t\r\n\r\n"
                      + GET_METADATA)
            statuses, rest = [], b""
            for _ in range(3):
                status, _, _, rest = read_response(_Prefixed(s, rest))
                statuses.append(status)
            self.assertEqual(statuses, [200, 404, 200])

    def test_head_gets_a_head_without_a_body_and_the_connection_goes_on(self):
        with harness.Server("--members", "10") as server, connect(server.origin) as s:
            # metadata answers HEAD 405 (Allow: GET) with an OperationOutcome: its Content-Length
            # is stated, but no content may follow a HEAD's head (RFC 9110 9.3.2).
            s.sendall(GET_METADATA.replace(b"GET", b"HEAD", 1) + GET_METADATA)
            data = b""
            while data.count(b"\r\n\r\n") < 2:
                chunk = s.recv(65536)
                self.assertTrue(chunk, f"closed after {data[:300]!r}")
                data += chunk
            head, rest = data.split(b"\r\n\r\n", 1)
            self.assertTrue(head.startswith(b"HTTP/1.1 405 "), head)
            self.assertRegex(head.lower(), rb"\r\ncontent-length: [1-9]")
            self.assertTrue(rest.startswith(b"HTTP/1.1 200 "), rest[:200])
            status, _, body, _ = read_response(_Prefixed(s, rest))
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body)["resourceType"], "CapabilityStatement")

    def test_answers_over_16_kib_arrive_whole_over_tls_and_plain(self):
        # 16 KiB is where Beast's flat_stream (under TLS) stops coalescing a write's buffers.
        for tls in (False, True):
            with self.subTest(tls=tls), tempfile.TemporaryDirectory() as d:
                cert = f"{d}/cert.pem"
                args = ("--tls", "--tls-cert-out", cert) if tls else ()
                with harness.Server("--members", "10", *args,
                                    ca_file=cert if tls else None) as server:
                    context = ssl.create_default_context(cafile=cert) if tls else None
                    for _ in range(60):  # each leaves a few hundred bytes of journal
                        with urllib.request.urlopen(server.base + "/metadata", timeout=10,
                                                    context=context) as r:
                            self.assertEqual(r.status, 200)
                    status, journal = server.admin("journal")  # raises if cut short
                    self.assertEqual(status, 200)
                    self.assertEqual(len(journal["entries"]), 60)
                    self.assertGreater(len(json.dumps(journal)), 16 * 1024)

    def test_clients_vanishing_mid_download_do_not_hurt_the_server(self):
        with harness.Server("--members", "3000", "--members-per-file", "3000",
                            "--time-scale", "1000") as server:
            url = finished_export(server.base, "Patient")
            path = url.split(server.origin, 1)[1].encode()
            before = server.rss_kb()
            for _ in range(40):
                s = connect(server.origin)
                s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: t\r\n\r\n")
                s.recv(8192)
                # SO_LINGER 0: close() sends RST, the rudest way to vanish.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            time.sleep(0.5)
            with urllib.request.urlopen(server.origin + path.decode(), timeout=30) as r:
                lines = [l for l in r.read().splitlines() if l.strip()]
            self.assertEqual(len(lines), 3000, "a whole download after 40 abandoned ones")
            grown = server.rss_kb() - before
            print(f"\nRSS after 40 abandoned downloads: {grown:+d} KiB")
            self.assertLess(grown, 64 * 1024, "abandoned downloads left memory behind")

    def test_the_admin_api_needs_the_token_when_one_is_set(self):
        token = "0123456789abcdef0123"
        with harness.Server("--members", "10", "--admin-token", token) as server:
            status, body = server.admin("journal")
            self.assertEqual(status, 401)
            self.assertIn("X-Admin-Token", body["error"])
            self.assertEqual(server.admin("journal", token=token + "x")[0], 401)
            self.assertEqual(server.admin("journal", token=token)[0], 200)
            # The FHIR API itself is not behind the admin token.
            self.assertTrue(metadata_ok(server.origin))
        code, _, err, _ = harness.run([harness.BULKHARNESS, "serve", "--admin-token", "short"], 30)
        self.assertEqual(code, 2)
        self.assertIn("--admin-token", err)

    def test_file_urls_cannot_climb_out_of_the_export(self):
        with harness.Server("--members", "10", "--time-scale", "1000") as server:
            url = finished_export(server.base, "Patient")
            job_path = url.split(server.origin, 1)[1].rsplit("/", 1)[0]
            for attempt in ("/../../../etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
                            "/%2e%2e/%2e%2e/__admin/journal", "/../../../__admin/journal"):
                with self.subTest(attempt):
                    req = f"GET {job_path}{attempt} HTTP/1.1\r\nHost: t\r\n\r\n".encode()
                    status, _, body = exchange(server.origin, req)
                    self.assertIn(status, (400, 404), body[:200])
                    self.assertNotIn(b"root:", body)
                    self.assertNotIn(b'"entries"', body)


class _Prefixed:
    """A socket whose first reads return bytes already received (pipelined leftovers)."""

    def __init__(self, sock, prefix):
        self.sock, self.prefix = sock, prefix

    def recv(self, n):
        if self.prefix:
            out, self.prefix = self.prefix, b""
            return out
        return self.sock.recv(n)


def finished_export(base, resource_type):
    """Kicks off a system export and polls it to completion; the first file URL of the type."""
    req = urllib.request.Request(f"{base}/$export?_type={resource_type}",
                                 headers={"Accept": "application/fhir+json",
                                          "Prefer": "respond-async"})
    with urllib.request.urlopen(req, timeout=10) as r:
        status_url = r.headers["Content-Location"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with urllib.request.urlopen(status_url, timeout=10) as r:
            if r.status == 200:
                manifest = json.load(r)
                return next(o["url"] for o in manifest["output"] if o["type"] == resource_type)
        time.sleep(0.2)
    raise AssertionError("the export did not complete within 60 s")


if __name__ == "__main__":
    harness.main()
