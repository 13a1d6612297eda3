#!/usr/bin/env python3
"""Before/after: two bulkharness binaries on the same load, alternating, in one run.

How the "Profiles and fixes" figures in bench/README.md are taken: both servers run at once
(pinned to the same core, the load on the other), and the rounds alternate old, new, old, new,
so noise on the shared machine falls on both alike; the median of each is kept.
  status    wrk -t1 -c64 against each serve's status endpoint (bench/status/poll.json): req/s
  download  every file of an export (--members, one file per type) fetched by the download
            bench's reader: MB/s, and MB per CPU-second of the server (the generator's cost,
            whatever the reader's speed)
Exit 1 when the two binaries serve different bytes (download) or a wrk run saw errors.
Usage: bench/compare.py OLD NEW status|download [--rounds 4] [--seconds 4] [--members 30000]
"""
import argparse
import hashlib
import os
import statistics
import sys

import benchlib
import download
import status_polling

SERVER_CPU, LOAD_CPU = 1, 0


def status_round(servers, urls, a):
    out = {}
    for name in servers:
        r = benchlib.wrk(urls[name], a.seconds, cpu=LOAD_CPU)
        if r["socket_errors"] or r["non_2xx_3xx"]:
            sys.exit(f"{name}: {r['socket_errors']} socket errors, {r['non_2xx_3xx']} non-2xx")
        out[name] = {"req/s": r["requests_s"]}
    return out


def status(servers, a):
    urls = {name: f"http://{benchlib.HOST}:{s.port}"
                  f"{benchlib.path_of(benchlib.kick_off(s))}" for name, s in servers.items()}
    return [status_round(servers, urls, a) for _ in range(a.rounds)]


def download_round(servers, paths, buf):
    out = {}
    for name, s in servers.items():
        cpu0 = benchlib.cpu_seconds(s.proc.pid)
        nbytes, t = download.fetch_all(s.host, s.port, paths[name], buf)
        cpu = benchlib.cpu_seconds(s.proc.pid) - cpu0
        out[name] = {"MB/s": nbytes / t / 1e6, "MB/cpu-s": nbytes / 1e6 / max(cpu, 1e-9)}
    return out


def same_bytes(servers, paths):
    digests = {}
    for name, s in servers.items():
        h = hashlib.sha256()
        for p in paths[name]:
            conn, r = download.get(s.host, s.port, p, timeout=120)
            while chunk := r.read(1 << 20):
                h.update(chunk)
            conn.close()
        digests[name] = h.hexdigest()
    return len(set(digests.values())) == 1, digests


def downloads(servers, a):
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {LOAD_CPU})
    paths = {name: [benchlib.path_of(o["url"]) for o in download.export_manifest(s)["output"]]
             for name, s in servers.items()}
    same, digests = same_bytes(servers, paths)
    if not same:
        sys.exit(f"the binaries serve different bytes: {digests}")
    buf = bytearray(download.CHUNK)
    return [download_round(servers, paths, buf) for _ in range(a.rounds)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("load", choices=("status", "download"))
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--members", type=int, default=30000)
    a = ap.parse_args()
    exes = {"old": benchlib.require_exe(a.old), "new": benchlib.require_exe(a.new)}
    benchlib.install_tools()
    args = (("--scenario", str(status_polling.SCENARIO)) if a.load == "status"
            else download.serve_args(a.members))
    with benchlib.Serve(exes["old"], *args, cpu=SERVER_CPU) as old, \
            benchlib.Serve(exes["new"], *args, cpu=SERVER_CPU) as new:
        servers = {"old": old, "new": new}
        rounds = status(servers, a) if a.load == "status" else downloads(servers, a)
    for i, r in enumerate(rounds):
        print(f"round {i + 1}: " + "  ".join(
            f"{name} " + " ".join(f"{v:,.0f} {unit}" for unit, v in figs.items())
            for name, figs in r.items()))
    for unit in rounds[0]["old"]:
        med = {name: statistics.median(r[name][unit] for r in rounds) for name in servers}
        print(f"median {unit}: old {med['old']:,.0f}, new {med['new']:,.0f}, "
              f"new / old = {med['new'] / med['old']:.2f}")


if __name__ == "__main__":
    main()
