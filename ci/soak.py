#!/usr/bin/env python3
"""Soak: one mock server, mixed scenarios and hostile traffic for N minutes, memory sampled.

One `bulkharness serve` process runs the whole time. In rounds, the soak loads a scenario from
scenarios/ (PUT /__admin/scenario) and runs two reference clients (`bulkharness export`)
against it at once, while a hostile thread keeps up slowloris connections, malformed and
oversized requests, idle connections and downloads abandoned with a TCP reset. The server's
resident memory (VmRSS) is sampled every --sample seconds.

It fails (exit 1) when the server dies, a client crashes or overruns its deadline, or the
server's memory grows by more than --max-growth-mb between the end of the warm-up (the first
fifth of the run, when the journal ring and allocator pools fill) and the end. It prints the
samples, the growth, rounds, client exit codes by scenario, and the hostile traffic sent.

Usage: ci/soak.py [--minutes 10] [--bulkharness build/app/bulkharness] [--max-growth-mb 64]
"""
import argparse
import collections
import json
import pathlib
import random
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def soak_scenarios():
    """Scenarios the reference client runs with no extra set-up (no auth, no client flags)."""
    out = []
    for path in sorted((ROOT / "scenarios").glob("*.json")):
        if path.name == "scenario.schema.json":
            continue
        s = json.loads(path.read_text())
        if not {"auth", "client_args", "swarm", "states"} & s.keys():
            out.append((s["id"], path.read_text()))
    return out


class Hostile(threading.Thread):
    """Misbehaving clients, a little of each every second, until stopped."""

    def __init__(self, host, port, base_path):
        super().__init__(daemon=True)
        self.addr, self.base_path = (host, port), base_path
        self.stop = threading.Event()
        self.sent = collections.Counter()
        self.slow = []

    def connect(self):
        return socket.create_connection(self.addr, timeout=5)

    def once(self, data, reset=False):
        try:
            with self.connect() as s:
                s.sendall(data)
                s.recv(4096)
                if reset:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    def dribble(self):
        # Keep ~50 slowloris connections alive: open new ones as the server cuts them off.
        alive = []
        for s in self.slow:
            try:
                s.send(b"a")
                alive.append(s)
            except OSError:
                s.close()
        while len(alive) < 50:
            try:
                s = self.connect()
                s.sendall(b"GET " + self.base_path + b"/metadata HTTP/1.1\r\nHost: t\r\nX-Slow: ")
                alive.append(s)
                self.sent["slowloris connections"] += 1
            except OSError:
                break
        self.slow = alive

    def run(self):
        rng = random.Random(1)
        idle = []
        while not self.stop.wait(1.0):
            self.dribble()
            self.once(b"NOT HTTP AT ALL\r\n\r\n")
            self.once(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
            self.once(b"POST " + self.base_path + b"/$export HTTP/1.1\r\nHost: t\r\n"
                      b"Content-Length: 99999999\r\n\r\n{")
            self.once(b"GET " + self.base_path + b"/Patient HTTP/1.1\r\nHost: t\r\n\r\n", reset=True)
            self.sent["malformed, 431, 413, reset mid-answer"] += 4
            # Idle connections come and go (the server holds them for its idle timeout).
            try:
                idle.append(self.connect())
                self.sent["idle connections"] += 1
            except OSError:
                pass
            if len(idle) > 100:
                idle.pop(rng.randrange(len(idle))).close()
        for s in self.slow + idle:
            s.close()


def start_server(exe, journal_capacity):
    proc = subprocess.Popen([exe, "serve", "--port", "0", "--time-scale", "300", "--members", "200",
                             "--journal-capacity", str(journal_capacity)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        sys.exit("soak: the server did not start within 30 s")
    base = re.search(r"(http://\S+)", proc.stdout.readline().decode()).group(1)
    # Nothing else is read from stdout: send it nowhere so the pipe can never fill.
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
    return proc, base


def put_scenario(origin, text):
    req = urllib.request.Request(origin + "/__admin/scenario", data=text.encode(), method="PUT")
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def run_clients(exe, base, n, out_root):
    procs = []
    for i in range(n):
        out = tempfile.mkdtemp(dir=out_root)
        procs.append(subprocess.Popen([exe, "export", "--base-url", base, "--out", out,
                                       "--timeout", "60", "--io-timeout", "10",
                                       "--max-backoff", "2", "--seed", str(i + 1)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    codes = []
    for p in procs:
        try:
            codes.append(p.wait(timeout=150))  # 60 s deadline + 30 s DELETE grace + margin
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            codes.append("hung")
    return codes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    ap.add_argument("--sample", type=float, default=10, help="seconds between memory samples")
    ap.add_argument("--max-growth-mb", type=float, default=64)
    ap.add_argument("--journal-capacity", type=int, default=2000)
    args = ap.parse_args()

    scenarios = soak_scenarios()
    proc, base = start_server(args.bulkharness, args.journal_capacity)
    origin = re.match(r"http://[^/]+", base).group(0)
    host, port = origin[len("http://"):].split(":")
    hostile = Hostile(host, int(port), base[len(origin):].encode())
    hostile.start()
    start = time.monotonic()
    end = start + args.minutes * 60
    samples, problems = [], []
    codes = collections.defaultdict(collections.Counter)
    rounds = 0
    next_sample = start
    with tempfile.TemporaryDirectory(prefix="bh-soak-") as out_root:
        try:
            while time.monotonic() < end and not problems:
                sid, text = scenarios[rounds % len(scenarios)]
                put_scenario(origin, text)
                for code in run_clients(args.bulkharness, base, 2, out_root):
                    codes[sid][code] += 1
                    if code == "hung" or (isinstance(code, int) and code < 0):
                        problems.append(f"a client on {sid} {'hung' if code == 'hung' else 'crashed'}")
                rounds += 1
                if proc.poll() is not None:
                    problems.append(f"the server exited with {proc.returncode}")
                    break
                now = time.monotonic()
                if now >= next_sample:
                    samples.append((now - start, rss_kb(proc.pid)))
                    next_sample = now + args.sample
                # Client output is not what is soaked: keep the disk flat.
                for d in pathlib.Path(out_root).iterdir():
                    subprocess.run(["rm", "-rf", str(d)], check=False)
        finally:
            hostile.stop.set()
            hostile.join(10)
            alive = proc.poll() is None
            if alive:
                samples.append((time.monotonic() - start, rss_kb(proc.pid)))
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    problems.append("the server did not stop within 20 s of SIGTERM")
            elif not problems:
                problems.append(f"the server exited with {proc.returncode}")

    print(f"soak: {args.minutes:g} min, {rounds} rounds x 2 clients over {len(scenarios)} scenarios,"
          f" journal capacity {args.journal_capacity}")
    print("server RSS (s, MiB): " + ", ".join(f"{t:.0f}:{kb / 1024:.1f}" for t, kb in samples))
    warm = [kb for t, kb in samples if t >= args.minutes * 60 / 5]
    growth_mb = (samples[-1][1] - warm[0]) / 1024 if len(warm) >= 2 else None
    if growth_mb is not None:
        print(f"growth after warm-up: {growth_mb:+.1f} MiB (from {warm[0] / 1024:.1f} to "
              f"{samples[-1][1] / 1024:.1f}; peak {max(kb for _, kb in samples) / 1024:.1f})")
        if growth_mb > args.max_growth_mb:
            problems.append(f"memory grew {growth_mb:.1f} MiB after warm-up "
                            f"(limit {args.max_growth_mb:g})")
    else:
        print("growth after warm-up: too few samples to say (run longer)")
    print("hostile traffic: " + ", ".join(f"{n} {what}" for what, n in hostile.sent.items()))
    tally = collections.Counter()
    for c in codes.values():
        tally.update(c)
    print("client exit codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items(), key=str)))
    for p in problems:
        print("SOAK FAILED: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
