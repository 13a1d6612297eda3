"""Shared helpers for the bench/ scripts: the processes they measure, and the figures they write.

Every process started here binds 127.0.0.1 only, every wait has a deadline, and every process
is stopped on exit (SIGTERM, then SIGKILL). Standard library only.
  Serve      `bulkharness serve --port 0 ...` as a context manager (base URL, peak RSS);
  Nginx      a private nginx (own prefix, config, pid, logs and temp paths in a temp dir,
             `daemon off`, master process on) on a free loopback port;
  WireMock   the pinned standalone jar (ci/install_bench_tools.sh) on the installed Java;
  wrk        one wrk run, parsed: requests/s, bytes/s, non-2xx/3xx, socket errors, wrk's CPU;
  run_child  a command to completion under a deadline, with its peak RSS (wait4's ru_maxrss);
  kick_off   a system-level $export against a server, its status URL;
  write_json the figures for bench/results.py, with the machine they ran on.
"""
import datetime
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ci"))
from replay import read_line  # noqa: E402  (the one reader of a process's first line)

HOST = "127.0.0.1"


def install_tools(build_dir=None):
    """ci/install_bench_tools.sh (idempotent, quiet when everything is there); exits on failure."""
    build_dir = build_dir or ROOT / "build"
    r = subprocess.run([str(ROOT / "ci/install_bench_tools.sh"), str(build_dir)], timeout=900)
    if r.returncode != 0:
        sys.exit(f"ci/install_bench_tools.sh failed ({r.returncode}): the benchmark needs its tools")
    for tool in ("wrk", "nginx", "java"):
        require(tool)


def require(tool):
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if os.access(f"/usr/sbin/{tool}", os.X_OK)
                                  else None)
    if not path:
        sys.exit(f"{tool} not found (ci/install_bench_tools.sh installs it)")
    return path


def require_exe(path):
    if not os.access(path, os.X_OK):
        sys.exit(f"bulkharness binary not found at {path} (build it, or pass --bulkharness PATH)")
    return str(pathlib.Path(path).resolve())


def stop(proc, grace=10):
    """SIGTERM, then SIGKILL after `grace` seconds; always reaps."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def drain(stream, keep=8192):
    """Reads a pipe to its end on a thread (a full pipe would block the child); returns a
    function giving its last `keep` bytes as text."""
    tail = bytearray()

    def run():
        while chunk := stream.read1(65536):
            tail.extend(chunk)
            del tail[:-keep]
    threading.Thread(target=run, daemon=True).start()
    return lambda: tail.decode(errors="replace")


def free_port():
    """A port free on 127.0.0.1 now (for servers that cannot be told --port 0)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_listening(port, proc, deadline_s, what):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}) before listening on {port}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} was not listening on {HOST}:{port} within {deadline_s} s")


def vm_kb(pid, field="VmHWM"):
    """VmHWM (peak resident set) or another /proc/PID/status field of a live process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def cpu_seconds(pid):
    """User + system CPU time a live process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def on_cpu(cmd, cpu):
    """`cmd` run under `taskset -c CPU` (every thread it starts inherits the pin), or as it is
    when cpu is None or the machine has a single CPU."""
    if cpu is None or (os.cpu_count() or 1) < 2:
        return list(cmd)
    return [require("taskset"), "-c", str(cpu), *cmd]


def wait_quiet(pid, busy=0.05, window=0.25, deadline_s=20):
    """Waits until a process uses under `busy` of a core over `window` seconds (a JVM compiles
    and collects for a while after a load run; measuring the next server then would charge it
    for the JVM's work). Returns the seconds waited; gives up quietly at the deadline."""
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return time.monotonic() - start


class Serve:
    """`bulkharness serve --host 127.0.0.1 --port 0 ARGS...` as a context manager: .base (the FHIR
    base URL from its first line), .origin, .host, .port, .proc; stdout and stderr drained."""

    def __init__(self, exe, *args, start_timeout=30, cpu=None):
        self.args = on_cpu([str(exe), "serve", "--host", HOST, "--port", "0", *args], cpu)
        self.start_timeout = start_timeout
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            first = read_line(self.proc, self.start_timeout)
            m = re.search(r"(https?://127\.0\.0\.1:(\d+)\S*)", first)
            if not m:
                raise RuntimeError(f"serve's first line names no base URL: {first!r}")
        except BaseException:
            stop(self.proc)
            raise
        self.base, self.port, self.host = m.group(1), int(m.group(2)), HOST
        self.origin = re.match(r"https?://[^/]+", self.base).group(0)
        drain(self.proc.stdout)
        self.stderr_tail = drain(self.proc.stderr)
        return self

    def peak_rss_kb(self):
        return vm_kb(self.proc.pid)

    def __exit__(self, *exc):
        stop(self.proc)
        return False


def path_of(url):
    """The origin-form target (path and query) of an absolute URL."""
    u = urllib.parse.urlsplit(url)
    return u.path + (("?" + u.query) if u.query else "")


def kick_off(server, timeout=30):
    """GET [base]/$export with Prefer: respond-async; the status URL (exits unless 202 with a
    Content-Location: every figure after it would measure something else)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.request("GET", path_of(server.base + "/$export"),
                     headers={"Accept": "application/fhir+json", "Prefer": "respond-async"})
        r = conn.getresponse()
        r.read()
    finally:
        conn.close()
    location = r.getheader("Content-Location")
    if r.status != 202 or not location:
        sys.exit(f"kick-off answered {r.status} without a Content-Location: not a valid bench")
    return location


class Nginx:
    """A private nginx: `server_text` goes inside `server { listen 127.0.0.1:PORT; ... }` and
    `http_text` at http level; `{dir}` in either is the temp dir (prefix, pid, logs, temp
    paths). .port, .origin, .dir; the whole dir is removed on exit."""

    def __init__(self, server_text, workers="auto", http_text="", start_timeout=15, cpu=None):
        self.server_text, self.http_text = server_text, http_text
        self.workers, self.start_timeout, self.cpu = workers, start_timeout, cpu
        self.proc = None

    def config(self):
        d = self.dir
        paths = "\n".join(f"  {k}_temp_path {d}/{k};" for k in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        return (f"daemon off;\nmaster_process on;\nworker_processes {self.workers};\n"
                f"pid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
                f"events {{ worker_connections 4096; }}\n"
                f"http {{\n  access_log off;\n{paths}\n"
                f"  {self.http_text.replace('{dir}', d)}\n"
                f"  server {{\n    listen {HOST}:{self.port};\n"
                f"    {self.server_text.replace('{dir}', d)}\n  }}\n}}\n")

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="bh-bench-nginx-")
        self.port = free_port()
        self.origin = f"http://{HOST}:{self.port}"
        conf = pathlib.Path(self.dir, "nginx.conf")
        conf.write_text(self.config())
        try:
            self.proc = subprocess.Popen(
                on_cpu([require("nginx"), "-p", self.dir, "-c", str(conf), "-e",
                        f"{self.dir}/error.log"], self.cpu),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wait_listening(self.port, self.proc, self.start_timeout, "nginx")
        except BaseException as e:
            self.__exit__()
            log = pathlib.Path(self.dir, "error.log")
            raise RuntimeError(f"nginx did not start: {e}; "
                               f"{log.read_text()[-800:] if log.exists() else ''}") from None
        return self

    def worker_pids(self):
        r = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True,
                           timeout=10)
        return [int(p) for p in r.stdout.split()]

    def __exit__(self, *exc):
        if self.proc:
            stop(self.proc)  # SIGTERM: nginx's fast shutdown, workers included
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def wiremock_jar(build_dir=None):
    build_dir = pathlib.Path(build_dir or ROOT / "build")
    jars = sorted(build_dir.glob("third_party/wiremock/node_modules/wiremock/build/"
                                 "wiremock-standalone-*.jar"))
    if not jars:
        sys.exit(f"no WireMock jar under {build_dir}/third_party/wiremock "
                 "(ci/install_bench_tools.sh installs it)")
    return str(jars[-1])


# The fastest honest settings: no request journal and no per-request logging (serve keeps a
# bounded journal, so this favours WireMock), no Handlebars templating, no gzip, Content-Length
# instead of chunked bodies (as serve answers), no h2c upgrade path, loopback only.
WIREMOCK_FLAGS = ("--disable-banner", "--no-request-journal", "--disable-request-logging",
                  "--disable-response-templating", "--disable-gzip",
                  "--use-chunked-encoding", "never", "--disable-http2-plain",
                  "--disable-extensions-scanning")


class WireMock:
    """WireMock standalone on a dynamic loopback port: .port, .origin; .stub(mapping) replaces
    every stub with that one JSON mapping and returns its id."""

    def __init__(self, jar, *extra, start_timeout=60, cpu=None):
        self.jar, self.extra, self.start_timeout, self.cpu = jar, extra, start_timeout, cpu
        self.proc = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="bh-bench-wiremock-")
        self.proc = subprocess.Popen(
            on_cpu([require("java"), "-jar", self.jar, "--port", "0", "--bind-address", HOST,
                    "--root-dir", self.dir, *WIREMOCK_FLAGS, *self.extra], self.cpu),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            self.port = self.read_port()
            self.origin = f"http://{HOST}:{self.port}"
            drain(self.proc.stdout)
            drain(self.proc.stderr)
            self.admin("GET", "/__admin/health")
        except BaseException:
            self.__exit__()
            raise
        return self

    def read_port(self):
        """Its start-up text ends with the options in force, `port: N` among them."""
        end = time.monotonic() + self.start_timeout
        while time.monotonic() < end:
            line = read_line(self.proc, max(0.1, end - time.monotonic()))
            m = re.match(r"port:\s+(\d+)$", line.strip())
            if m:
                return int(m.group(1))
        raise RuntimeError(f"WireMock printed no port within {self.start_timeout} s")

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.origin + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return json.loads(text) if text.strip() else None

    def stub(self, mapping):
        self.admin("DELETE", "/__admin/mappings")
        return self.admin("POST", "/__admin/mappings", mapping)["id"]

    def version(self):
        return self.admin("GET", "/__admin/version").get("version")

    def __exit__(self, *exc):
        if self.proc:
            stop(self.proc, grace=15)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}


def wrk(url, seconds, threads=1, connections=64, cpu=None):
    """One `wrk -tT -cC -dSs --latency URL` (on `cpu` if given): dict of requests_s, bytes_s,
    requests, non_2xx_3xx, socket_errors, p50_ms, p99_ms, wrk_cpu (wrk's own CPU seconds / wall
    seconds)."""
    seconds = max(1, round(seconds))
    args = on_cpu([require("wrk"), f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                   "--latency", url], cpu)
    code, out, err, _, usage, wall = run_child(args, seconds + 30)
    if code != 0 or "Requests/sec:" not in out:
        raise RuntimeError(f"wrk failed ({code}): {out[-500:]} {err[-500:]}")
    return parse_wrk(out) | {"wrk_cpu": (usage.ru_utime + usage.ru_stime) / wall}


def parse_wrk(out):
    def num(pattern, default=None):
        m = re.search(pattern, out)
        return float(m.group(1)) if m else default

    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"requests_s": num(r"Requests/sec:\s+([\d.]+)"),
            "bytes_s": float(transfer.group(1)) * UNITS[transfer.group(2)],
            "requests": int(num(r"(\d+) requests in", 0)),
            "non_2xx_3xx": int(num(r"Non-2xx or 3xx responses: (\d+)", 0)),
            "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
            "p50_ms": latency_ms(out, "50%"), "p99_ms": latency_ms(out, "99%")}


def latency_ms(out, pct):
    m = re.search(rf"^\s+{re.escape(pct)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not m:
        return None
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]


def run_child(args, timeout, cwd=None):
    """Runs a command to completion under a deadline: (exit code, stdout, stderr, peak RSS KiB
    from wait4's ru_maxrss, the rusage, wall seconds). Killed (and an error) past the deadline."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=cwd)
        end = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > end:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise RuntimeError(f"{os.path.basename(args[0])} did not finish within {timeout} s")
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), usage.ru_maxrss, usage, wall)


def figure(name, value, unit, target=None, met=None):
    """One figure; `target` is text such as ">= 0.70 x nginx" (or None), `met` True/False/None."""
    return {"name": name, "value": value, "unit": unit, "target": target,
            "met": None if met is None else bool(met)}


def write_json(path, name, figures, exe=None):
    doc = {"name": name, "when": datetime.datetime.now(datetime.timezone.utc)
           .strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(exe), "figures": figures}
    pathlib.Path(path).write_text(json.dumps(doc, indent=2) + "\n")


def machine(exe=None):
    """cores, cpu (model name), memory (MemTotal), kernel, tools (versions found)."""
    cpu = next((line.split(":", 1)[1].strip() for line in read_text("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), "")
    mem = re.search(r"MemTotal:\s+(\d+) kB", read_text("/proc/meminfo"))
    u = os.uname()
    return {"cores": os.cpu_count(), "cpu": cpu,
            "memory": f"{int(mem.group(1)) / (1 << 20):.1f} GiB" if mem else "",
            "kernel": f"{u.sysname} {u.release} {u.machine}", "tools": tool_versions(exe)}


def read_text(path):
    try:
        return pathlib.Path(path).read_text()
    except OSError:
        return ""


def tool_versions(exe=None):
    exe = str(exe or ROOT / "build/app/bulkharness")
    found = [("bulkharness", bulkharness_version(exe)),
             ("nginx", version_of(["nginx", "-v"], r"nginx/([\w.]+)")),
             ("wrk", version_of(["wrk", "-v"], r"wrk (?:debian/)?([\w.+-]+)")),
             ("java", version_of(["java", "-version"], r'version "([^"]+)"')),
             ("wiremock", wiremock_version())]
    return ", ".join(f"{name} {v}" for name, v in found if v)


def version_of(cmd, pattern):
    if not (shutil.which(cmd[0]) or os.access(f"/usr/sbin/{cmd[0]}", os.X_OK)):
        return None
    try:
        r = subprocess.run([require(cmd[0]), *cmd[1:]], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(pattern, r.stdout + r.stderr)
    return m.group(1) if m else None


def bulkharness_version(exe):
    """Its `--version` when it has one; else the source's git commit (+dirty)."""
    if os.access(exe, os.X_OK):
        try:
            r = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
            if r.returncode == 0 and r.stdout.strip():
                return r.stdout.strip().splitlines()[0].split()[-1]
        except (OSError, subprocess.TimeoutExpired):
            pass
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return f"git {rev}" if rev else None


def wiremock_version():
    p = ROOT / "build/third_party/wiremock/node_modules/wiremock/package.json"
    try:
        return json.loads(p.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
