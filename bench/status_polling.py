#!/usr/bin/env python3
"""Keep-alive status polls per second: `serve`'s status endpoint against nginx and WireMock.

serve runs bench/status/poll.json: one job in progress for an hour, polls never throttled, so
every poll is the real status path (job lookup, 202, Retry-After, X-Progress, journal entry).
The anchors answer the same bytes:
  nginx     one worker (serve is one thread by design, so one core against one core: the
            machine's limit for this answer), `return 202` with the same headers, padded with
            an X-Pad header to the exact size of serve's response;
  WireMock  the pinned standalone jar with a stub answering the same status, headers and size.
Each round runs `wrk -t1 -c64` against serve, nginx and WireMock in turn, wrk pinned to one
core and every server to the other (taskset: a JVM's many threads get the same one core that
serve's one thread and nginx's one worker get); the median of the rounds is kept, so noise on the shared machine shifts
all three alike. WireMock, a JVM, is warmed up first until two runs in a row agree within 10%;
after each of its runs the next measurement waits until the JVM is quiet (it compiles and
collects for seconds after a load, on the core the next server would use). Non-2xx answers or
socket errors make the figure invalid (exit 1): a fast wrong answer is not a result. Each run
also reads the CPU time the server's processes spent (/proc), giving requests per server
CPU-second: when wrk's one core is the limit of the rate (nginx here), that still says what
an answer costs each server.
Usage: bench/status_polling.py [--seconds 4] [--rounds 3] [--connections 64] [--json F]
"""
import argparse
import pathlib
import socket
import statistics
import sys

import benchlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "bench/status/poll.json"
# One core against one core: every server (serve, nginx's master and worker, every JVM thread)
# on CPU 1, wrk on CPU 0.
SERVER_CPU, WRK_CPU = 1, 0


def raw_response(port, path):
    """The exact bytes of one keep-alive GET's response (status line, headers, body)."""
    with socket.create_connection((benchlib.HOST, port), timeout=30) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {benchlib.HOST}:{port}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, len(data), body


def nginx_server_text(path, headers, pad):
    adds = "".join(f"    add_header {k} \"{v}\" always;\n" for k, v in headers.items())
    # No Server version or Content-Type: serve sends neither on this answer.
    return (f"server_tokens off;\n  location = {path} {{\n    default_type \"\";\n{adds}"
            f"    add_header X-Pad \"{'p' * pad}\" always;\n    return 202;\n  }}\n")


# Headers that are the server's own (framing, identity, date) rather than the status answer.
OWN = {"content-length", "connection", "date", "server", "keep-alive"}


def answer_headers(headers):
    return {k: v for k, v in headers.items() if k.lower() not in OWN}


def pad_to(size, measured_with_one):
    """X-Pad length making an answer measured with a 1-byte pad `size` bytes long (at least 1:
    an answer already longer stays as it is)."""
    return max(1, size - measured_with_one + 1)


def matched_nginx(path, headers, size):
    """An nginx answering 202 with `headers`, padded to `size` bytes when its own answer is
    shorter (started once to measure it). nginx always adds Server and Date, so its answer can
    be a few bytes longer than serve's; then it runs unpadded and the sizes are printed."""
    with benchlib.Nginx(nginx_server_text(path, headers, 1), workers=1, cpu=SERVER_CPU) as n:
        _, _, base_size, _ = raw_response(n.port, path)
    return benchlib.Nginx(nginx_server_text(path, headers, pad_to(size, base_size)), workers=1,
                         cpu=SERVER_CPU)


def wiremock_stub(path, headers, size, wm):
    def stub(pad):
        return {"request": {"method": "GET", "url": path},
                "response": {"status": 202, "headers": headers | {"X-Pad": "p" * pad}}}
    wm.stub(stub(1))
    _, _, base_size, _ = raw_response(wm.port, path)
    wm.stub(stub(pad_to(size, base_size)))
    return raw_response(wm.port, path)


def warm_up(url, pid, a, most=8):
    """Runs wrk against the JVM until two runs in a row agree within 10% (its JIT has settled),
    at most `most` runs; returns the rates seen. A cold WireMock is several times slower."""
    rates = []
    while len(rates) < most:
        rates.append(benchlib.wrk(url, a.seconds, connections=a.connections,
                                  cpu=WRK_CPU)["requests_s"])
        benchlib.wait_quiet(pid)
        if len(rates) >= 2 and abs(rates[-1] - rates[-2]) <= 0.1 * rates[-2]:
            break
    return rates


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bulkharness", default=str(ROOT / "build/app/bulkharness"))
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--json")
    a = ap.parse_args()
    exe = benchlib.require_exe(a.bulkharness)
    benchlib.install_tools()
    jar = benchlib.wiremock_jar()
    with benchlib.Serve(exe, "--scenario", str(SCENARIO), cpu=SERVER_CPU) as serve:
        path = benchlib.path_of(benchlib.kick_off(serve))
        status, headers, size, body = raw_response(serve.port, path)
        if status != 202 or body:
            sys.exit(f"serve's status answer is {status} with {len(body)} body bytes; "
                     "expected an empty 202 (bench/status/poll.json)")
        same = answer_headers(headers)
        print(f"status answer: {size} bytes, headers {sorted(same)}")
        with matched_nginx(path, same, size) as nginx, benchlib.WireMock(jar, cpu=SERVER_CPU) as wm:
            n_status, _, n_size, _ = raw_response(nginx.port, path)
            w_status, _, w_size, _ = wiremock_stub(path, same, size, wm)
            print(f"nginx answers {n_status} in {n_size} bytes; WireMock {wm.version()} answers "
                  f"{w_status} in {w_size} bytes")
            if (n_status, w_status) != (202, 202):
                sys.exit("an anchor does not answer 202: not a valid comparison")
            targets = {"serve": f"http://{benchlib.HOST}:{serve.port}{path}",
                       "nginx": f"http://{benchlib.HOST}:{nginx.port}{path}",
                       "wiremock": f"http://{benchlib.HOST}:{wm.port}{path}"}
            warm = warm_up(targets["wiremock"], wm.proc.pid, a)
            print(f"WireMock warm-up: {' -> '.join(f'{x:,.0f}' for x in warm)} req/s")
            runs = {k: [] for k in targets}
            pids = {"serve": [serve.proc.pid], "nginx": [nginx.proc.pid, *nginx.worker_pids()],
                    "wiremock": [wm.proc.pid]}
            for i in range(a.rounds):
                for name, url in targets.items():
                    cpu0 = sum(benchlib.cpu_seconds(p) for p in pids[name])
                    r = benchlib.wrk(url, a.seconds, connections=a.connections, cpu=WRK_CPU)
                    cpu = sum(benchlib.cpu_seconds(p) for p in pids[name]) - cpu0
                    r["per_cpu_s"] = r["requests_s"] * a.seconds / max(cpu, 0.01)
                    if r["socket_errors"] or r["non_2xx_3xx"]:  # every answer is the 202
                        sys.exit(f"{name}: {r['socket_errors']} socket errors, "
                                 f"{r['non_2xx_3xx']} non-2xx answers under wrk: not valid")
                    runs[name].append(r)
                    if name == "wiremock":
                        benchlib.wait_quiet(wm.proc.pid)
                    print(f"round {i + 1} {name:8}: {r['requests_s']:10,.0f} req/s  "
                          f"p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
                          f"wrk CPU {r['wrk_cpu']:.0%}  server CPU {cpu / a.seconds:.0%} "
                          f"({r['per_cpu_s']:,.0f} per CPU-s)")
            rss_kb = serve.peak_rss_kb()
    report(runs, rss_kb, a)


def report(runs, rss_kb, a):
    med = {k: statistics.median(r["requests_s"] for r in v) for k, v in runs.items()}
    p99 = {k: statistics.median(r["p99_ms"] for r in v) for k, v in runs.items()}
    vs_nginx, vs_wm = med["serve"] / med["nginx"], med["serve"] / med["wiremock"]
    # Requests per CPU-second the server itself spent: what it costs, even when wrk (on its
    # one core) is the limit of the rate, as it is for nginx here.
    per_cpu = {k: statistics.median(r["per_cpu_s"] for r in v) for k, v in runs.items()}
    print(f"median of {a.rounds} rounds, wrk -t1 -c{a.connections} -d{a.seconds:g}s: serve "
          f"{med['serve']:,.0f}/s, nginx (1 worker) {med['nginx']:,.0f}/s, WireMock "
          f"{med['wiremock']:,.0f}/s")
    print(f"serve / nginx = {vs_nginx:.2f} (target >= 0.70), serve / WireMock = {vs_wm:.2f} "
          f"(target >= 3); serve peak RSS {rss_kb / 1024:.1f} MB")
    print(f"per server CPU-second: serve {per_cpu['serve']:,.0f}, nginx {per_cpu['nginx']:,.0f}, "
          f"WireMock {per_cpu['wiremock']:,.0f}; serve / WireMock = "
          f"{per_cpu['serve'] / per_cpu['wiremock']:.2f}")
    figures = [
        benchlib.figure("serve status polls", med["serve"], "req/s"),
        benchlib.figure("nginx static 202, 1 worker", med["nginx"], "req/s"),
        benchlib.figure("WireMock stub", med["wiremock"], "req/s"),
        benchlib.figure("serve / nginx", vs_nginx, "ratio", ">= 0.70", vs_nginx >= 0.70),
        benchlib.figure("serve / WireMock", vs_wm, "ratio", ">= 3", vs_wm >= 3),
        benchlib.figure("serve polls per server CPU-second", per_cpu["serve"], "req/CPU-s"),
        benchlib.figure("nginx per server CPU-second", per_cpu["nginx"], "req/CPU-s"),
        benchlib.figure("WireMock per server CPU-second", per_cpu["wiremock"], "req/CPU-s"),
        benchlib.figure("serve / WireMock, per server CPU-second",
                        per_cpu["serve"] / per_cpu["wiremock"], "ratio"),
        benchlib.figure("serve p99 latency", p99["serve"], "ms"),
        benchlib.figure("serve peak RSS under load", rss_kb / 1024, "MB")]
    if a.json:
        benchlib.write_json(a.json, f"status polling (wrk -c{a.connections})", figures)


if __name__ == "__main__":
    main()
