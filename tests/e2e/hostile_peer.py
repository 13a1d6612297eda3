"""A hostile Bulk Data server on loopback, for the end-to-end tests (a fixture, not our code).

Raw sockets, Python standard library only, so every byte on the wire is the fixture's choice.
`HostileServer(mode)` is a context manager: it listens on 127.0.0.1 (a free port) on __enter__
and exposes `.base` ("http://127.0.0.1:PORT/fhir"); on __exit__ it closes the listener and every
accepted connection and joins its threads with timeouts. Every socket operation has a timeout
(IO_TIMEOUT), and every loop re-checks the stop flag, so the fixture can never hang a test: a
peer that stops reading only makes the fixture retry its send until the peer goes away or the
fixture stops.

Modes (what the server does after a normal kick-off, `GET|POST .../$export` -> 202 with the
absolute `Content-Location: <base>/status/1`; DELETE is always answered 202):
  silent                  accepts connections and reads, never answers a byte (kick-off included)
  accepted_forever        every status poll: 202, Retry-After: 1, X-Progress, forever
  endless_chunked         status: 200 with a valid IG 2.0.0 manifest listing <base>/files/p.ndjson;
                          the file: 200, Transfer-Encoding: chunked, valid Patient NDJSON forever
  gigantic_manifest       status: 200, chunked, a manifest whose `output` array never ends
  gigantic_manifest_sized status: 200 with Content-Length of a valid manifest of >= 96 MiB
                          (about 700,000 output entries), written until done or the peer hangs up
  redirect_loop           status: /status/1 -> 302 -> /status/2 -> 307 -> /status/1 ... forever
  file_redirect_loop      status: 200 with a valid manifest; the file: /files/p.ndjson -> 302 ->
                          /files/q.ndjson -> 307 -> /files/p.ndjson ... forever
  retry_after_huge        every status poll: 202 with Retry-After: 1000000000 (about 31 years)
  retry_after_huge_429    every status poll: 429 + OperationOutcome, Retry-After: 1000000000

The server counts what it receives (thread-safe): `count()` (every request), `count("status")`
(by kind: kickoff, status, file, delete, other), `requests()` (method, target, kind), and
`body_bytes_sent` (response body bytes written, summed over every connection).
"""
import collections
import json
import socket
import threading
import time

IO_TIMEOUT = 0.5            # every recv/send/accept: the longest the fixture blocks at once
JOIN_TIMEOUT = 5.0          # __exit__: the longest it waits for all its threads together
MAX_HEAD_BYTES = 64 * 1024  # a request head larger than this closes the connection
MAX_REQUEST_BODY = 1 << 20  # kick-off POST bodies are read (bounded) and discarded
MAX_LOGGED = 10000          # requests() keeps at most this many entries (count() is exact)

HUGE_RETRY_AFTER = "1000000000"
TRANSACTION_TIME = "2026-01-01T00:00:00Z"

MODES = ("silent", "accepted_forever", "endless_chunked", "gigantic_manifest",
         "gigantic_manifest_sized", "redirect_loop", "file_redirect_loop", "retry_after_huge",
         "retry_after_huge_429")

REASONS = {200: "OK", 202: "Accepted", 302: "Found", 307: "Temporary Redirect",
           404: "Not Found", 429: "Too Many Requests"}


class PeerGone(Exception):
    """The client closed or reset the connection, or the fixture is stopping."""


class HostileServer:
    def __init__(self, mode, *, sized_manifest_mib=96):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.mode = mode
        self.sized_manifest_bytes = sized_manifest_mib << 20
        self.base = None
        self.origin = None
        self.port = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._counts = collections.Counter()
        self._log = []
        self._body_bytes_sent = 0
        self._listener = None
        self._accept_thread = None
        self._conns = []    # every accepted socket, closed on exit
        self._threads = []  # one per connection
        self.leaked_threads = 0  # threads still alive after JOIN_TIMEOUT (should stay 0)

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(IO_TIMEOUT)
        self.port = self._listener.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base = self.origin + "/fhir"
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True,
                                               name=f"hostile-accept-{self.mode}")
        self._accept_thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        self._stop.set()
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv/send at once
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass
        end = time.monotonic() + JOIN_TIMEOUT
        for t in [self._accept_thread, *self._snapshot_threads()]:
            if t is not None:
                t.join(timeout=max(0.0, end - time.monotonic()))
        self.leaked_threads = sum(1 for t in self._snapshot_threads() if t.is_alive())

    # -- what the server saw -----------------------------------------------------------------

    def count(self, kind=None):
        with self._lock:
            return sum(self._counts.values()) if kind is None else self._counts[kind]

    def counts(self):
        with self._lock:
            return dict(self._counts)

    def requests(self):
        with self._lock:
            return list(self._log)

    @property
    def body_bytes_sent(self):
        with self._lock:
            return self._body_bytes_sent

    def _snapshot_threads(self):
        with self._lock:
            return list(self._threads)

    def _record(self, method, target, kind):
        with self._lock:
            self._counts[kind] += 1
            if len(self._log) < MAX_LOGGED:
                self._log.append((method, target, kind))

    def _sent_body(self, n):
        with self._lock:
            self._body_bytes_sent += n

    # -- sockets -----------------------------------------------------------------------------

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return  # the listener was closed
            conn.settimeout(IO_TIMEOUT)
            t = threading.Thread(target=self._serve_connection, args=(conn,), daemon=True,
                                 name=f"hostile-conn-{self.mode}")
            with self._lock:
                if self._stop.is_set():
                    conn.close()
                    return
                self._conns.append(conn)
                self._threads.append(t)
            t.start()

    def _recv(self, conn):
        """One recv; b"" when the peer closed. Retries timeouts until the fixture stops."""
        while True:
            if self._stop.is_set():
                raise PeerGone("stopping")
            try:
                return conn.recv(65536)
            except socket.timeout:
                continue
            except OSError as e:
                raise PeerGone(str(e))

    def _send(self, conn, data):
        """Writes all of `data`; a peer that reads slowly is waited for, one timeout at a time."""
        view = memoryview(data)
        while view:
            if self._stop.is_set():
                raise PeerGone("stopping")
            try:
                n = conn.send(view)
            except socket.timeout:
                continue  # nothing was written: try again (the stop flag is re-checked)
            except OSError as e:
                raise PeerGone(str(e))
            view = view[n:]

    def _read_request(self, conn, buf):
        """(method, target, headers, rest of buf) or None when the peer closed between requests."""
        while b"\r\n\r\n" not in buf:
            if len(buf) > MAX_HEAD_BYTES:
                raise PeerGone("request head too large")
            chunk = self._recv(conn)
            if not chunk:
                if buf:
                    raise PeerGone("peer closed mid-request")
                return None
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 2:
            raise PeerGone(f"not HTTP: {lines[0]!r}")
        method, target = parts[0], parts[1]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or "0")
        if length > MAX_REQUEST_BODY:
            raise PeerGone("request body too large")
        while len(buf) < length:
            chunk = self._recv(conn)
            if not chunk:
                raise PeerGone("peer closed mid-body")
            buf += chunk
        return method, target, headers, buf[length:]

    def _serve_connection(self, conn):
        try:
            if self.mode == "silent":
                return self._swallow(conn)
            buf = b""
            while not self._stop.is_set():
                req = self._read_request(conn, buf)
                if req is None:
                    return
                method, target, _headers, buf = req
                kind = self._kind(method, target)
                self._record(method, target, kind)
                self._answer(conn, method, target, kind)
        except PeerGone:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _swallow(self, conn):
        """silent: read (and count) every request, answer nothing, until the peer goes away."""
        buf = b""
        while True:
            chunk = self._recv(conn)
            if not chunk:
                return
            buf += chunk
            while b"\r\n\r\n" in buf:  # count request heads as they arrive; bodies ignored
                head, buf = buf.split(b"\r\n\r\n", 1)
                first = head.decode("latin-1").split("\r\n")[0].split(" ")
                if len(first) >= 2:
                    self._record(first[0], first[1], self._kind(first[0], first[1]))
            buf = buf[-MAX_HEAD_BYTES:]

    # -- HTTP --------------------------------------------------------------------------------

    @staticmethod
    def _kind(method, target):
        path = target.split("?", 1)[0]
        if method == "DELETE":
            return "delete"
        if path.endswith("/$export") or path.endswith("/%24export"):
            return "kickoff"
        if "/status/" in path:
            return "status"
        if "/files/" in path:
            return "file"
        return "other"

    def _head(self, status, headers):
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
        lines += [f"{k}: {v}" for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _respond(self, conn, status, headers=(), body=b""):
        headers = list(headers) + [("Content-Length", str(len(body)))]
        self._send(conn, self._head(status, headers) + body)
        self._sent_body(len(body))

    def _manifest(self, file_url):
        return json.dumps({
            "transactionTime": TRANSACTION_TIME,
            "request": self.base + "/$export",
            "requiresAccessToken": False,
            "output": [{"type": "Patient", "url": file_url}],
            "error": [],
        }).encode()

    def _answer(self, conn, method, target, kind):
        path = target.split("?", 1)[0]
        if kind == "delete":
            return self._respond(conn, 202)
        if kind == "kickoff":
            return self._respond(conn, 202, [("Content-Location", self.base + "/status/1")])
        mode = self.mode
        if kind == "status":
            if mode == "accepted_forever":
                return self._respond(conn, 202, [("Retry-After", "1"),
                                                 ("X-Progress", "still working")])
            if mode == "retry_after_huge":
                return self._respond(conn, 202, [("Retry-After", HUGE_RETRY_AFTER),
                                                 ("X-Progress", "see you in 31 years")])
            if mode == "retry_after_huge_429":
                outcome = json.dumps({"resourceType": "OperationOutcome", "issue": [{
                    "severity": "error", "code": "throttled",
                    "diagnostics": "come back in 31 years"}]}).encode()
                return self._respond(conn, 429, [("Retry-After", HUGE_RETRY_AFTER),
                                                 ("Content-Type", "application/fhir+json")],
                                     outcome)
            if mode == "redirect_loop":
                other = "/status/2" if path.endswith("/status/1") else "/status/1"
                status = 302 if path.endswith("/status/1") else 307
                return self._respond(conn, status, [("Location", self.base + other)])
            if mode in ("endless_chunked", "file_redirect_loop"):
                return self._respond(conn, 200, [("Content-Type", "application/json")],
                                     self._manifest(self.base + "/files/p.ndjson"))
            if mode == "gigantic_manifest":
                return self._endless_manifest(conn)
            if mode == "gigantic_manifest_sized":
                return self._sized_manifest(conn)
        if kind == "file":
            if mode == "endless_chunked" and path.endswith("/files/p.ndjson"):
                return self._endless_ndjson(conn)
            if mode == "file_redirect_loop":
                other = "/files/q.ndjson" if path.endswith("/files/p.ndjson") else "/files/p.ndjson"
                status = 302 if path.endswith("/files/p.ndjson") else 307
                return self._respond(conn, status, [("Location", self.base + other)])
        return self._respond(conn, 404, [("Content-Type", "application/fhir+json")],
                             json.dumps({"resourceType": "OperationOutcome", "issue": [{
                                 "severity": "error", "code": "not-found",
                                 "diagnostics": f"{method} {target}"}]}).encode())

    def _chunk(self, data):
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    def _stream_chunks(self, conn, status, content_type, first, piece):
        """Chunked body: `first`, then `piece(i)` for i = 0, 1, ... until the peer goes away."""
        self._send(conn, self._head(status, [("Content-Type", content_type),
                                             ("Transfer-Encoding", "chunked")]))
        if first:  # an empty chunk would be the last-chunk marker: the body would end here
            self._send(conn, self._chunk(first))
            self._sent_body(len(first))
        i = 0
        while True:  # ends by PeerGone: the client hung up or the fixture stops
            data = piece(i)
            self._send(conn, self._chunk(data))
            self._sent_body(len(data))
            i += 1

    def _endless_ndjson(self, conn):
        def piece(i):  # ~64 KiB of valid Patient lines per chunk
            start = i * 1000
            return b"".join(
                b'{"resourceType":"Patient","id":"p%d","active":true}\n' % n
                for n in range(start, start + 1000))
        self._stream_chunks(conn, 200, "application/fhir+ndjson", b"", piece)

    def _manifest_prefix(self):
        return (b'{"transactionTime":"' + TRANSACTION_TIME.encode() + b'","request":"' +
                self.base.encode() + b'/$export","requiresAccessToken":false,"error":[],'
                b'"output":[')

    def _entry(self, n):
        return (b'{"type":"Patient","url":"' + self.base.encode() + b'/files/p' +
                str(n).encode() + b'.ndjson","count":1}')

    def _endless_manifest(self, conn):
        def piece(i):  # ~64 KiB of output entries per chunk; the array is never closed
            start = i * 500
            return b"".join(b"," + self._entry(n) for n in range(start + 1, start + 501))
        self._stream_chunks(conn, 200, "application/json",
                            self._manifest_prefix() + self._entry(0), piece)

    def _sized_manifest(self, conn):
        """A valid manifest of >= sized_manifest_bytes, announced by Content-Length."""
        prefix, suffix = self._manifest_prefix(), b"]}"
        batch = 500
        size = len(prefix) + len(suffix)
        # The body is generated twice (length, then bytes) rather than held: entry sizes vary.
        n = 0
        while size < self.sized_manifest_bytes:
            size += len(self._entry(n)) + (1 if n else 0)
            n += 1
        self._send(conn, self._head(200, [("Content-Type", "application/json"),
                                          ("Content-Length", str(size))]))
        self._send(conn, prefix)
        sent = len(prefix)
        for start in range(0, n, batch):
            data = b"".join((b"," if k else b"") + self._entry(k)
                            for k in range(start, min(n, start + batch)))
            self._send(conn, data)
            sent += len(data)
            self._sent_body(len(data))
        self._send(conn, suffix)
        sent += len(suffix)
        self._sent_body(len(prefix) + len(suffix))
        assert sent == size, (sent, size)  # the Content-Length was honest
