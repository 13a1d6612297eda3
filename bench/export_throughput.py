#!/usr/bin/env python3
"""Export throughput over loopback, as ratios measured in one run (the machine is shared).

For one server (`bulkharness serve`, N members, one file per type) it measures:
  raw     the server alone: the same files fetched with a minimal stdlib HTTP reader that
          discards the bytes (what the generator + Beast session can deliver);
  client  `bulkharness export` end to end: kick-off, polls, downloads with NDJSON validation,
          files written to disk, DELETE.
  smart   the same client export against `serve --tls --auth smart`, with a key from
          `bulkharness keygen`: TLS on every connection plus the token flow.
It prints resources/s and MB/s for each, the ratio client/raw, i.e. what validation and writing
cost relative to producing the data, and smart/client, what TLS and SMART cost.
Usage: bench/export_throughput.py [--members N (100000)] [--rounds N (3)]
"""
import argparse
import http.client
import json
import os
import pathlib
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def start_server(exe, members, *extra):
    proc = subprocess.Popen([exe, "serve", "--port", "0", "--members", str(members),
                             "--members-per-file", str(members), "--time-scale", "20", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        sys.exit("server did not start within 30 s")
    first = proc.stdout.readline().decode()
    base = re.search(r"(https?://\S+)", first).group(1)
    return proc, base


def request(url, method="GET", headers=None, timeout=60):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    conn.request(method, u.path + (("?" + u.query) if u.query else ""), headers=headers or {})
    return conn, conn.getresponse()


def raw_export(base):
    """Kick-off and poll like a client would, then time the downloads alone."""
    _, r = request(base + "/$export", headers={"Accept": "application/fhir+json",
                                               "Prefer": "respond-async"})
    status_url = r.getheader("Content-Location")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        _, r = request(status_url)
        body = r.read()
        if r.status == 200:
            manifest = json.loads(body)
            break
        time.sleep(0.5)
    else:
        sys.exit("raw export did not complete within 120 s")
    start = time.perf_counter()
    nbytes = 0
    for o in manifest["output"]:
        conn, r = request(o["url"])
        while chunk := r.read(1 << 20):
            nbytes += len(chunk)
        conn.close()
    elapsed = time.perf_counter() - start
    request(status_url, method="DELETE")[1].read()
    resources = sum(o["count"] for o in manifest["output"])
    return resources, nbytes, elapsed


def client_export(exe, base, *extra):
    out = tempfile.mkdtemp(prefix="bh-bench-")
    try:
        start = time.perf_counter()
        r = subprocess.run([exe, "export", "--base-url", base, "--out", out, "--timeout", "600",
                            *extra], capture_output=True, text=True, timeout=900)
        total = time.perf_counter() - start
        if r.returncode != 0:
            sys.exit(f"export failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        # Download phase only: from the manifest line to the end, from the client's own log.
        times = [float(t) for t in re.findall(r"\[\s*([\d.]+)s\] (?:poll \d+: 200|done:)",
                                              r.stdout)]
        download = times[-1] - times[0] if len(times) >= 2 else total
        manifest = json.loads((pathlib.Path(out) / "manifest.json").read_text())
        nbytes = sum(p.stat().st_size for p in pathlib.Path(out).glob("*.ndjson"))
        return sum(o["count"] for o in manifest["output"]), nbytes, download, total
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=100000)  # ~850 MB: the client log has 0.1 s steps
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    args = ap.parse_args()
    # Both servers run at once and the rounds alternate raw, client, TLS + SMART client, so
    # noise on the shared machine falls on all three alike (one sequential run of each once
    # showed TLS "faster" than plain HTTP); the median of each is kept.
    procs = []
    with tempfile.TemporaryDirectory(prefix="bh-bench-keys-") as keys:
        try:
            subprocess.run([args.bulkharness, "keygen", "--out", keys], check=True,
                           capture_output=True, timeout=60)
            cert = os.path.join(keys, "cert.pem")
            proc, plain = start_server(args.bulkharness, args.members)
            procs.append(proc)
            proc, tls = start_server(args.bulkharness, args.members, "--tls", "--tls-cert-out",
                                     cert, "--auth", "smart", "--client-id", "bench", "--jwks",
                                     os.path.join(keys, "jwks.json"))
            procs.append(proc)
            raw, cli, smart = [], [], []
            for i in range(args.rounds):
                raw.append(raw_export(plain))
                cli.append(client_export(args.bulkharness, plain))
                smart.append(client_export(
                    args.bulkharness, tls, "--ca-file", cert, "--client-id", "bench",
                    "--private-key", os.path.join(keys, "private-key.pem")))
                print(f"round {i + 1}: raw {raw[-1][2]:.2f} s, client {cli[-1][2]:.2f} s, "
                      f"TLS + SMART {smart[-1][2]:.2f} s downloading", flush=True)
        finally:
            for proc in procs:  # SIGTERM, then SIGKILL: one that hangs cannot leave the other up
                benchlib.stop(proc)

    def median(runs):  # the run with the median download time
        return sorted(runs, key=lambda r: r[2])[len(runs) // 2]

    n_raw, b_raw, t_raw = median(raw)
    n_cli, b_cli, t_cli, t_total = median(cli)
    n_tls, b_tls, t_tls, _ = median(smart)
    print(f"members {args.members}: {n_raw} resources, {b_raw / 1e6:.1f} MB per export; "
          f"median of {args.rounds} rounds")
    print(f"raw server download : {n_raw / t_raw:10.0f} resources/s {b_raw / 1e6 / t_raw:8.1f} MB/s"
          f"  ({t_raw:.2f} s)")
    print(f"reference client    : {n_cli / t_cli:10.0f} resources/s {b_cli / 1e6 / t_cli:8.1f} MB/s"
          f"  ({t_cli:.2f} s downloading, {t_total:.2f} s end to end incl. the job's wait)")
    print(f"ratio client/raw    : {t_raw / t_cli:.2f} (1.00 = validation and writing are free)")
    print(f"client, TLS + SMART : {n_tls / t_tls:10.0f} resources/s {b_tls / 1e6 / t_tls:8.1f} MB/s"
          f"  ({t_tls:.2f} s downloading)")
    print(f"ratio smart/client  : {t_cli / t_tls:.2f} (1.00 = TLS and the token flow are free)")


if __name__ == "__main__":
    main()
