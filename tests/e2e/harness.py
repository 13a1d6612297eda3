"""Helpers for end-to-end tests: real bulkharness processes over loopback, always stopped.

Every wait has a deadline; every process started here is terminated (then killed) on exit.
"""
import argparse
import json
import os
import pathlib
import re
import select
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

# One reader of a process's first line, shared with the replay orchestrator.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "ci"))
from replay import read_line  # noqa: E402

BULKHARNESS = None  # set by main()


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--bulkharness", required=True)
    args, rest = p.parse_known_args()
    return args, rest


def main():
    global BULKHARNESS
    args, rest = parse_args()
    BULKHARNESS = os.path.abspath(args.bulkharness)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


class Server:
    """`bulkharness serve --port 0 ...` as a context manager."""

    def __init__(self, *args, ca_file=None):
        self.args = [BULKHARNESS, "serve", "--port", "0", *args]
        self.proc = None
        self.base = None
        self.ca_file = ca_file  # the server's certificate (--tls-cert-out), for admin requests

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = read_line(self.proc, 30)
        m = re.search(r"(https?://127\.0\.0\.1:\d+\S*)", first)
        assert m, f"first line does not name the FHIR base URL: {first!r}"
        self.base = m.group(1)
        self.origin = re.match(r"https?://[^/]+", self.base).group(0)
        return self

    def admin(self, path, body=None, token=None):
        """GET (or POST `body`, a JSON value) /__admin/<path>; (status, parsed JSON)."""
        context = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.origin + "/__admin/" + path, data=data,
                                     method="GET" if body is None else "POST")
        if token:
            req.add_header("X-Admin-Token", token)
        try:
            with urllib.request.urlopen(req, timeout=10, context=context) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def peak_rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise AssertionError("no VmHWM")

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def journal(self):
        return self.admin("journal")[1]

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return False


def run(args, timeout):
    """Runs a command to completion under a deadline; returns (code, stdout, stderr, maxrss_kb)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    end = time.monotonic() + timeout
    out, err = b"", b""
    while True:
        remaining = end - time.monotonic()
        if remaining <= 0:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{args} did not finish within {timeout}s")
        ready, _, _ = select.select([proc.stdout, proc.stderr], [], [], min(remaining, 0.5))
        for s in ready:
            chunk = os.read(s.fileno(), 65536)
            if s is proc.stdout:
                out += chunk
            else:
                err += chunk
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            out += proc.stdout.read()
            err += proc.stderr.read()
            proc.stdout.close()
            proc.stderr.close()
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"), \
                usage.ru_maxrss


def export(base, out_dir, *args, timeout=300):
    return run([BULKHARNESS, "export", "--base-url", base, "--out", str(out_dir), *args], timeout)


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def tempdir():
    return tempfile.TemporaryDirectory(prefix="bh-e2e-")
