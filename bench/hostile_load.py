#!/usr/bin/env python3
"""What hostile clients cost a well-behaved one, as ratios measured in one run.

One `bulkharness serve`; a well-behaved client makes keep-alive requests (GET metadata and a
Group search, alternately) as fast as it can, in phases of --seconds each:
  quiet     nobody else is connected;
  slowloris --slow connections dribble a header byte each every 0.5 s; the server cuts each
            off at its request deadline (--request-timeout) and they reconnect at once;
  held      --idle connections are open and silent (the server holds them: idle timeout).
Phases alternate (quiet, slowloris, held, repeated --rounds times) so drift in a shared
machine's speed hits all of them alike. It prints requests/s per phase (median over rounds),
the ratios slowloris/quiet and held/quiet, the worst latency seen by the good client, how many
idle connections were still held at the end of each held phase, and how many slowloris
connections the server cut off.
Usage: bench/hostile_load.py [--bulkharness build/app/bulkharness] [--seconds 5] [--rounds 3]
       [--slow 500] [--idle 5000] [--request-timeout 2]
"""
import argparse
import http.client
import pathlib
import re
import resource
import select
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def start_server(exe, request_timeout):
    proc = subprocess.Popen([exe, "serve", "--port", "0", "--members", "100", "--time-scale", "1",
                             "--request-timeout", str(request_timeout)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        sys.exit("the server did not start within 30 s")
    base = re.search(r"(http://\S+)", proc.stdout.readline().decode()).group(1)
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
    return proc, base


def good_client(host, port, paths, seconds):
    """Keep-alive requests for `seconds`; (requests/s, worst latency s)."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    n, worst, start = 0, 0.0, time.monotonic()
    while time.monotonic() - start < seconds:
        t0 = time.monotonic()
        conn.request("GET", paths[n % len(paths)])
        r = conn.getresponse()
        r.read()
        if r.status not in (200, 202):
            sys.exit(f"the good client got HTTP {r.status}")
        worst = max(worst, time.monotonic() - t0)
        n += 1
    conn.close()
    return n / (time.monotonic() - start), worst


class Slowloris(threading.Thread):
    def __init__(self, addr, n, path):
        super().__init__(daemon=True)
        self.addr, self.n, self.path = addr, n, path
        self.stop = threading.Event()
        self.cut = 0

    def open(self):
        s = socket.create_connection(self.addr, timeout=5)
        s.sendall(b"GET " + self.path + b" HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        return s

    def run(self):
        socks = [self.open() for _ in range(self.n)]
        while not self.stop.wait(0.5):
            for i, s in enumerate(socks):
                try:
                    s.send(b"a")
                except OSError:
                    self.cut += 1
                    s.close()
                    socks[i] = self.open()
        for s in socks:
            s.close()


def held_phase(addr, n, run_good):
    socks = [socket.create_connection(addr, timeout=5) for _ in range(n)]
    try:
        result = run_good()
        held = 0
        for s in socks:
            s.setblocking(False)
            try:
                held += s.recv(1) != b""  # data would be odd; b"" means closed
            except BlockingIOError:
                held += 1
            except OSError:
                pass
        return result, held
    finally:
        for s in socks:
            s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--slow", type=int, default=500)
    ap.add_argument("--idle", type=int, default=5000)
    ap.add_argument("--request-timeout", type=float, default=2)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.idle + args.slow + 100
    if hard != resource.RLIM_INFINITY and hard < want:
        sys.exit(f"the open-file hard limit is {hard}; --idle {args.idle} needs {want}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))

    proc, base = start_server(args.bulkharness, args.request_timeout)
    try:
        origin = re.match(r"http://[^/]+", base).group(0)
        host, port = origin[len("http://"):].split(":")
        addr = (host, int(port))
        prefix = base[len(origin):]
        # Status polls would be throttled (429) at this rate: metadata and a Group search.
        paths = [prefix + "/metadata", prefix + "/Group"]
        run_good = lambda: good_client(host, int(port), paths, args.seconds)
        quiet, slow, held, worst, held_counts, cut = [], [], [], [], [], 0
        for _ in range(args.rounds):
            rate, w = run_good()
            quiet.append(rate)
            worst.append(("quiet", w))
            attack = Slowloris(addr, args.slow, prefix.encode() + b"/metadata")
            attack.start()
            time.sleep(0.5)
            rate, w = run_good()
            attack.stop.set()
            attack.join(30)
            cut += attack.cut
            slow.append(rate)
            worst.append(("slowloris", w))
            (rate, w), n = held_phase(addr, args.idle, run_good)
            held.append(rate)
            held_counts.append(n)
            worst.append(("held", w))
        q, s, h = (statistics.median(x) for x in (quiet, slow, held))
        print(f"hostile load: {args.rounds} rounds of {args.seconds:g} s per phase, "
              f"{args.slow} slowloris, {args.idle} idle connections, "
              f"request timeout {args.request_timeout:g} s")
        print(f"  quiet      {q:8.0f} req/s")
        print(f"  slowloris  {s:8.0f} req/s   ratio {s / q:.2f}   "
              f"({cut} slow connections cut off by the server)")
        print(f"  held       {h:8.0f} req/s   ratio {h / q:.2f}   "
              f"(idle connections still held: {min(held_counts)} of {args.idle})")
        for phase in ("quiet", "slowloris", "held"):
            print(f"  worst latency, {phase}: "
                  f"{max(w for p, w in worst if p == phase) * 1000:.1f} ms")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
