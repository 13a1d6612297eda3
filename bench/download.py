#!/usr/bin/env python3
"""NDJSON download over loopback: `serve` streaming a 1,000,000-resource export against nginx
serving the same bytes from files (and `serve --file-cache` sending repeat fetches from its
stored files); serve's peak RSS as the export grows; the reference client.

  serve     every file of the export fetched by a minimal reader (http.client, one reused
            buffer, bytes discarded), identity encoding, one file after another: generated
            as it is sent;
  cached    `serve --file-cache`: its first fetch generates and stores each file (timed once),
            the repeat fetches are sent from the stored files (sendfile), as nginx sends its;
  nginx     the same files, saved to a temp dir on a first untimed pass, served by nginx (one
            worker, sendfile) and fetched by the same reader; serve, cached and nginx alternate
            round by round and the median is kept (the machine is shared); each server pinned to
            one core, the reader to the other;
  RSS       a fresh serve per size (10k, 100k and 1M resources), its VmHWM after the export:
            data is generated while it streams, so memory must not grow with the export;
  client    `bulkharness export` of the 1M export to disk (kick-off, polls, streaming download
            with NDJSON validation, files written, DELETE): download MB/s from its own log,
            peak RSS from wait4.
Resource counts are the manifest's, not assumed: a small probe gives resources per member and
the member count is scaled to reach each size.
Usage: bench/download.py [--resources 1000000] [--rounds 3] [--json F]
"""
import argparse
import http.client
import json
import os
import pathlib
import re
import shutil
import statistics
import sys
import tempfile
import time

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHUNK = 1 << 20
SERVER_CPU, READER_CPU = 1, 0


def serve_args(members):
    # One file per type (the longest stream per request); the default job, 20x faster.
    return ("--members", str(members), "--members-per-file", str(members), "--time-scale", "20")


def get(host, port, path, headers=None, timeout=60):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.request("GET", path, headers=headers or {})
    return conn, conn.getresponse()


def export_manifest(server, deadline_s=300):
    """Kick-off and polls (honouring Retry-After, at most 1 s apart): the completed manifest."""
    status = benchlib.path_of(benchlib.kick_off(server))
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        _, r = get(server.host, server.port, status)
        body = r.read()
        if r.status == 200:
            return json.loads(body)
        if r.status != 202:
            sys.exit(f"status poll answered {r.status}: not a valid bench")
        time.sleep(min(float(r.getheader("Retry-After") or 1), 1))
    sys.exit(f"the export did not complete within {deadline_s} s")


def fetch(host, port, path, buf, save=None):
    """Bytes of one file, read into `buf` and discarded (or written to `save`)."""
    conn, r = get(host, port, path, timeout=120)
    if r.status != 200:
        sys.exit(f"GET {path} answered {r.status}")
    n = 0
    view = memoryview(buf)
    while got := r.readinto(buf):
        n += got
        if save:
            save.write(view[:got])
    conn.close()
    return n


def fetch_all(host, port, paths, buf):
    start = time.perf_counter()
    nbytes = sum(fetch(host, port, p, buf) for p in paths)
    return nbytes, time.perf_counter() - start


def resources_per_member(exe):
    """From a 1,000-member probe's manifest (the generator's mix, not an assumed one)."""
    with benchlib.Serve(exe, *serve_args(1000)) as s:
        manifest = export_manifest(s)
    return sum(o["count"] for o in manifest["output"]) / 1000


def members_for(resources, per_member):
    return max(10, round(resources / per_member))


def rss_at(exe, members):
    """(resources, bytes, serve's VmHWM KiB after one full download) on a fresh server."""
    buf = bytearray(CHUNK)
    with benchlib.Serve(exe, *serve_args(members)) as s:
        manifest = export_manifest(s)
        paths = [benchlib.path_of(o["url"]) for o in manifest["output"]]
        nbytes, _ = fetch_all(s.host, s.port, paths, buf)
        return sum(o["count"] for o in manifest["output"]), nbytes, s.peak_rss_kb()


def client_export(exe, base):
    """(MB/s downloading, peak RSS KiB, bytes on disk) of `bulkharness export` to a temp dir."""
    out = tempfile.mkdtemp(prefix="bh-bench-download-")
    try:
        code, stdout, stderr, rss, _, wall = benchlib.run_child(
            [exe, "export", "--base-url", base, "--out", out, "--timeout", "900"], 1200)
        if code != 0:
            sys.exit(f"export failed ({code}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
        # Download phase: from the poll that got the manifest to `done:`, the client's own log.
        times = [float(t) for t in re.findall(r"\[\s*([\d.]+)s\] (?:poll \d+: 200|done:)",
                                              stdout)]
        if len(times) < 2:
            sys.exit(f"export's log has no manifest/done lines:\n{stdout[-2000:]}")
        nbytes = sum(p.stat().st_size for p in pathlib.Path(out).glob("*.ndjson"))
        return nbytes / (times[-1] - times[0]) / 1e6, rss, nbytes, wall
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    ap.add_argument("--resources", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    exe = benchlib.require_exe(a.bulkharness)
    benchlib.install_tools()
    figures = []
    sizes = sorted({max(1000, a.resources // 100), max(1000, a.resources // 10), a.resources})
    per_member = resources_per_member(exe)
    rss = {}
    for size in sizes:
        n, nbytes, kb = rss_at(exe, members_for(size, per_member))
        rss[size] = kb
        print(f"serve peak RSS at {n:,} resources ({nbytes / 1e6:,.0f} MB): {kb / 1024:.1f} MB")
        figures.append(benchlib.figure(f"serve peak RSS, {n:,} resources", kb / 1024, "MB",
                                       "< 64 MB", kb < 64 * 1024))
    growth = rss[sizes[-1]] / rss[sizes[0]]
    figures.append(benchlib.figure(f"serve RSS growth, {sizes[-1] // sizes[0]}x the resources",
                                   growth, "ratio", "<= 1.25 (flat)", growth <= 1.25))
    figures += throughput(exe, members_for(a.resources, per_member), a.rounds)
    if a.json:
        benchlib.write_json(a.json, f"download ({a.resources:,} resources)", figures, exe)


def timed_fetch(host, port, paths, buf):
    nbytes, t = fetch_all(host, port, paths, buf)
    return nbytes, t, nbytes / t / 1e6


def throughput(exe, members, rounds):
    buf = bytearray(CHUNK)
    # One core against one core, as in status_polling.py: servers on CPU 1, this reader on 0.
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {READER_CPU})
    with benchlib.Serve(exe, *serve_args(members), cpu=SERVER_CPU) as s:
        figures, rates = server_rounds(exe, members, rounds, s, buf)
        # The reference client writes 1 GB to disk: the files above must not be written back
        # at the same time (the cached server is gone, and its unlinked files with it).
        os.sync()
        mbs, client_rss, cl_bytes, c_wall = client_export(exe, s.base)
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"reference client: {mbs:.1f} MB/s downloading ({cl_bytes / 1e6:,.0f} MB to disk, "
          f"{c_wall:.1f} s end to end), peak RSS {client_rss / 1024:.1f} MB; "
          f"client / serve = {mbs / med['serve']:.2f}")
    return figures + [
        benchlib.figure("reference client download (to disk, validated)", mbs, "MB/s"),
        benchlib.figure("reference client / serve", mbs / med["serve"], "ratio"),
        benchlib.figure("reference client peak RSS", client_rss / 1024, "MB")]


def server_rounds(exe, members, rounds, s, buf):
    """serve (`s`), serve --file-cache and nginx, round by round on the same bytes: (figures,
    MB/s per round of each)."""
    with tempfile.TemporaryDirectory(prefix="bh-bench-files-") as files, \
            tempfile.TemporaryDirectory(prefix="bh-bench-cache-") as cache_dir, \
            benchlib.Serve(exe, *serve_args(members), "--file-cache", cache_dir,
                           cpu=SERVER_CPU) as c:
        manifest = export_manifest(s)
        resources = sum(o["count"] for o in manifest["output"])
        paths = [benchlib.path_of(o["url"]) for o in manifest["output"]]
        os.chmod(files, 0o755)  # nginx's workers run as an unprivileged user
        local = []
        for i, p in enumerate(paths):  # the same bytes, for nginx
            name = f"f{i}.ndjson"
            with open(pathlib.Path(files, name), "wb") as f:
                fetch(s.host, s.port, p, buf, save=f)
            local.append("/" + name)
        # serve --file-cache: its first fetch generates and stores (timed, once), later ones
        # are sent from the stored files, as nginx sends its files.
        cached_paths = [benchlib.path_of(o["url"]) for o in export_manifest(c)["output"]]
        c_bytes, _, first_cached = timed_fetch(c.host, c.port, cached_paths, buf)
        with benchlib.Nginx(f"root {files};\n    sendfile on;\n    tcp_nopush on;",
                            workers=1, cpu=SERVER_CPU) as nginx:
            rates = {"serve": [], "cached": [], "nginx": []}
            for i in range(rounds):
                nbytes, _, r_serve = timed_fetch(s.host, s.port, paths, buf)
                n_cached, _, r_cached = timed_fetch(c.host, c.port, cached_paths, buf)
                n_bytes, _, r_nginx = timed_fetch(benchlib.HOST, nginx.port, local, buf)
                if not n_bytes == nbytes == n_cached == c_bytes:
                    sys.exit(f"nginx served {n_bytes} bytes, serve {nbytes}, serve --file-cache "
                             f"{n_cached} (first fetch {c_bytes}): not the same bytes")
                rates["serve"].append(r_serve)
                rates["cached"].append(r_cached)
                rates["nginx"].append(r_nginx)
                print(f"round {i + 1}: serve {r_serve:7.1f} MB/s  serve --file-cache "
                      f"{r_cached:7.1f} MB/s  nginx {r_nginx:7.1f} MB/s  ({nbytes / 1e6:,.0f} MB, "
                      f"{len(paths)} files)")
        cached_rss = c.peak_rss_kb()
    med = {k: statistics.median(v) for k, v in rates.items()}
    ratio = med["serve"] / med["nginx"]
    cached_ratio = med["cached"] / med["nginx"]
    print(f"{resources:,} resources, {nbytes / 1e6:,.0f} MB: serve {med['serve']:.1f} MB/s "
          f"generating, {med['cached']:.1f} MB/s with --file-cache (first fetch "
          f"{first_cached:.1f} MB/s), nginx {med['nginx']:.1f} MB/s")
    print(f"serve / nginx = {ratio:.2f} generating, {cached_ratio:.2f} from stored files "
          f"(target >= 0.50); serve --file-cache peak RSS {cached_rss / 1024:.1f} MB")
    figures = [
        benchlib.figure(f"serve download, {resources:,} resources, generated as sent",
                        med["serve"], "MB/s"),
        benchlib.figure("serve --file-cache, first fetch (generated and stored)",
                        first_cached, "MB/s"),
        benchlib.figure("serve --file-cache, repeat fetches (sent from stored files)",
                        med["cached"], "MB/s"),
        benchlib.figure("nginx, the same bytes from files", med["nginx"], "MB/s"),
        benchlib.figure("serve generating / nginx", ratio, "ratio"),
        benchlib.figure("serve --file-cache / nginx (both from files)", cached_ratio, "ratio",
                        ">= 0.50", cached_ratio >= 0.5),
        benchlib.figure("serve --file-cache peak RSS", cached_rss / 1024, "MB", "< 64 MB",
                        cached_rss < 64 * 1024)]
    return figures, rates


if __name__ == "__main__":
    main()
