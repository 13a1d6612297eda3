#!/usr/bin/env python3
"""Replays scenario files against any Bulk Data client process and judges it.

For each scenario: start `bulkharness serve --scenario FILE --port 0` (its own process), run the
client command under a deadline, collect the judge's verdict (GET /__admin/verdict) and the
client's exit status, stop the server, and report. A scenario passes when

  * the client's exit status agrees with `expect.outcome`: 0 exactly when the export is expected
    to succeed (with --strict-exit-codes: the reference client's code for that outcome);
  * the judge found no failing rule (and its journal was complete);
  * at least one fault rule fired, unless the scenario says a correct client fires none;
  * the client finished before the deadline and the server stayed up;
  * with --check-resources: the client wrote every resource the server listed.

The client command is a template, split like a shell line and never run through a shell:
  {base_url}     the mock's FHIR base URL          {out_dir}   an empty directory for the output
  {scenario}     the scenario id                   {timeout}   the client's own deadline, seconds
  {client_args}  the scenario's `client_args` (reference-client flags), as separate arguments;
                 a `--flag value` in the template that they also set is dropped
  {auth_args}    for a scenario with an "auth" block (SMART Backend Services): the reference
                 client's `--client-id ID --private-key FILE`, else nothing; the same as parts:
  {client_id} {private_key} {jwks}   (a key pair made per scenario by `bulkharness keygen`,
                 registered with the server)
  {tls_args}     with --tls: `--ca-file FILE` (the server's certificate), else nothing;
  {ca_file}      that file alone
Example:
  ci/replay.py --client 'build/app/bulkharness export --base-url {base_url} --out {out_dir}'

Standard library only. Scenarios run in a fixed order (sorted paths; --shard i/n takes every
n-th from the i-th, 1-based); parallel jobs each have their own server, port and directories.
Progress goes to stderr as scenarios finish (done, failed so far, time left; --quiet for none).
Exit status: 0 every scenario passed, 1 some did not, 2 usage error.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import select
import shlex
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import report_html

ROOT = pathlib.Path(__file__).resolve().parent.parent
REFERENCE_EXIT = {"success": 0, "rejected": 3, "failed": 4, "manifest-invalid": 5,
                  "download-failed": 6, "validation-failed": 7, "gone": 8, "cancelled": 9,
                  "timed-out": 10, "transport-error": 11}
PLACEHOLDERS = ("{base_url}", "{out_dir}", "{scenario}", "{timeout}", "{client_args}",
                "{auth_args}", "{tls_args}", "{client_id}", "{private_key}", "{jwks}",
                "{ca_file}")
CLIENT_ID = "bulkharness-replay"


class UsageError(Exception):
    pass


def find_bulkharness(given):
    candidates = [given] if given else [ROOT / "build/app/bulkharness"]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return str(pathlib.Path(c).resolve())
    raise UsageError(f"bulkharness binary not found at {candidates[0]} "
                     "(build it with ci/setup.sh, or pass --bulkharness PATH)")


def collect_scenarios(items):
    paths = []
    for item in items:
        p = pathlib.Path(item)
        if p.is_dir():
            paths += [f for f in p.glob("*.json") if f.name != "scenario.schema.json"]
        elif p.is_file():
            paths.append(p)
        else:
            raise UsageError(f"--scenarios {item}: no such file or directory")
    if not paths:
        raise UsageError(f"--scenarios {' '.join(items)}: no scenario files found")
    return sorted(set(p.resolve() for p in paths))


def parse_shard(text):
    m = re.fullmatch(r"(\d+)/(\d+)", text or "1/1")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"--shard {text}: expected i/n with 1 <= i <= n, e.g. 2/4")
    return int(m.group(1)), int(m.group(2))


def client_argv(template, base_url, out_dir, scenario_id, timeout, client_args, extra=None):
    """The template's tokens with placeholders filled; a `--flag value` of the template that the
    scenario's client_args also set is dropped, so the scenario's value wins. `extra` maps the
    auth and TLS placeholders to lists of arguments (empty: the token disappears)."""
    extra = extra or {}
    tokens = shlex.split(template)
    overridden = {a.split("=", 1)[0] for a in client_args if a.startswith("--")}
    kept, skip = [], False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        name = token.split("=", 1)[0]
        if "{client_args}" in tokens and token.startswith("--") and name in overridden:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            skip = "=" not in token and not nxt.startswith("--") and nxt != "{client_args}"
            continue
        kept.append(token)
    argv = []
    for token in kept:
        if token == "{client_args}":
            argv += client_args
            continue
        if token in ("{auth_args}", "{tls_args}"):
            argv += extra.get(token, [])
            continue
        for ph in ("{client_id}", "{private_key}", "{jwks}", "{ca_file}"):
            token = token.replace(ph, " ".join(extra.get(ph, [])))
        argv.append(token.replace("{base_url}", base_url).replace("{out_dir}", out_dir)
                    .replace("{scenario}", scenario_id).replace("{timeout}", str(timeout)))
    return argv


def read_line(proc, deadline_s):
    end = time.monotonic() + deadline_s
    buf = b""
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            ch = os.read(proc.stdout.fileno(), 1)
            if not ch:
                # EOF: the process closed stdout, so it is exiting; give the kernel a moment
                # to make it reapable, or we would report a silent exit as "no first line".
                try:
                    proc.wait(timeout=min(5.0, max(0.0, end - time.monotonic())))
                except subprocess.TimeoutExpired:
                    pass
                break
            if ch == b"\n":
                return buf.decode(errors="replace")
            buf += ch
        elif proc.poll() is not None:
            break
    if proc.poll() is not None:
        err = proc.stderr.read().decode(errors="replace").strip()
        raise RuntimeError(f"{os.path.basename(proc.args[0])} exited ({proc.returncode}) before "
                           f"its first line: {err[-800:]}")
    raise RuntimeError(f"{os.path.basename(proc.args[0])} printed no first line within "
                       f"{deadline_s}s (got {buf!r})")


def stop(proc, grace=10):
    """SIGTERM the process group, then SIGKILL; always reaps."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=grace)


def run_client(argv, deadline, log_path):
    """Runs the client to completion or the deadline; returns (exit status or None, seconds)."""
    start = time.monotonic()
    with open(log_path, "wb") as log:
        try:
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            log.write(f"cannot start the client: {e}\n".encode())
            return "not-started", 0.0
        try:
            code = proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            code = None
        stop(proc)  # also reaps anything the client left in its process group
    return code, time.monotonic() - start


def admin(origin, path, ca_file=None):
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    with urllib.request.urlopen(origin + "/__admin/" + path, timeout=30, context=context) as r:
        return json.load(r)


def auth_setup(opts, scenario, tmp, serve):
    """Keys for an "auth" scenario and the TLS certificate with --tls: the serve flags are
    appended to `serve`; the return value fills the client template's placeholders."""
    extra = {}
    if isinstance(scenario.get("auth"), dict):
        keys = os.path.join(tmp, "keys")
        made = subprocess.run([opts.bulkharness, "keygen", "--alg", opts.key_alg, "--out", keys],
                              capture_output=True, text=True, timeout=60)
        if made.returncode != 0:
            raise RuntimeError(f"bulkharness keygen failed: {made.stderr.strip()}")
        pem, jwks = os.path.join(keys, "private-key.pem"), os.path.join(keys, "jwks.json")
        serve += ["--client-id", CLIENT_ID, "--jwks", jwks]
        extra.update({"{auth_args}": ["--client-id", CLIENT_ID, "--private-key", pem],
                      "{client_id}": [CLIENT_ID], "{private_key}": [pem], "{jwks}": [jwks]})
    if opts.tls:
        cert = os.path.join(tmp, "server-cert.pem")
        serve += ["--tls", "--tls-cert-out", cert]
        extra.update({"{tls_args}": ["--ca-file", cert], "{ca_file}": [cert]})
    return extra


def count_resources(out_dir):
    """NDJSON lines the client wrote, leaving out error and deleted files (by common names)."""
    total = 0
    for f in sorted(pathlib.Path(out_dir).rglob("*.ndjson")):
        name = f.name.lower()
        if name.startswith(("error", "deleted", "outcome")) or "operationoutcome" in name:
            continue
        with open(f, "rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def resources_served(jobs):
    built = [j for j in jobs if j["manifest_built"]]
    return sum(f["count"] for f in built[-1]["files"] if not f["error"]) if built else None


def replay(opts, path, seed):
    """One scenario (one seed): a result dict."""
    name = path.stem + ("" if seed is None else f"@seed{seed}")
    scenario = read_scenario(path)
    expect = scenario.get("expect", {}) if isinstance(scenario, dict) else {}
    outcome = expect.get("outcome", "success")
    result = {"name": name, "scenario": path.stem, "file": str(path),
              "seed": seed, "expected_outcome": outcome, "problems": [], "verdict": None,
              "exit": None, "seconds": 0.0, "client_log": ""}
    if not isinstance(scenario, dict):
        result["problems"].append(f"{path}: {scenario}")
        return result
    result["scenario"] = scenario.get("id", path.stem)
    with tempfile.TemporaryDirectory(prefix="bh-replay-") as tmp:
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        serve = [opts.bulkharness, "serve", "--port", "0", "--scenario", str(path)]
        if seed is not None:
            serve += ["--seed", str(seed)]
        if opts.time_scale:
            serve += ["--time-scale", str(opts.time_scale)]
        try:
            extra = auth_setup(opts, scenario, tmp, serve)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            result["problems"].append(f"replay: {e}")
            return result
        ca_file = extra.get("{ca_file}", [None])[0]
        server = subprocess.Popen(serve, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            m = re.search(r"(https?://\S+)", read_line(server, 30))
            if not m:
                raise RuntimeError("the server's first line names no base URL")
            base = m.group(1)
            origin = re.match(r"https?://[^/]+", base).group(0)
            argv = client_argv(opts.client, base, out_dir, result["scenario"], opts.timeout,
                               scenario.get("client_args", []), extra)
            log_path = os.path.join(tmp, "client.log")
            code, secs = run_client(argv, opts.timeout + opts.grace, log_path)
            result["exit"], result["seconds"] = code, round(secs, 2)
            result["client_log"] = pathlib.Path(log_path).read_bytes()[-4000:].decode(
                errors="replace")
            if server.poll() is not None:
                result["problems"].append(f"the server exited ({server.returncode}) during the run")
            else:
                judge(result, opts, expect, outcome, admin(origin, "verdict", ca_file),
                      admin(origin, "rules", ca_file), admin(origin, "jobs", ca_file), out_dir)
                if opts.html:  # the timeline needs every exchange
                    result["journal"] = admin(origin, "journal", ca_file)["entries"]
        except (RuntimeError, OSError, urllib.error.URLError, json.JSONDecodeError) as e:
            result["problems"].append(f"replay: {e}")
        finally:
            stop(server)
            server.stdout.close()
            server.stderr.close()
    return result


def judge(result, opts, expect, outcome, verdict, rules, jobs, out_dir):
    problems = result["problems"]
    result["verdict"] = verdict
    code = result["exit"]
    if code is None:
        problems.append(f"the client did not finish within {opts.timeout + opts.grace}s "
                        "(killed): every wait needs a deadline")
    elif code == "not-started":
        problems.append("the client could not be started (see its log)")
    elif opts.strict_exit_codes:
        if code != REFERENCE_EXIT[outcome]:
            problems.append(f"exit status {code}, expected {REFERENCE_EXIT[outcome]} ({outcome})")
    elif (code == 0) != (outcome == "success"):
        want = "0 (the export succeeds)" if outcome == "success" else f"non-zero ({outcome})"
        problems.append(f"exit status {code}, expected {want}")
    for r in verdict["rules"]:
        if r["outcome"] == "fail":
            ev = r["evidence"][0] if r["evidence"] else {}
            where = f"#{ev['seq']} " if "seq" in ev else ""
            problems.append(f"judge {r['id']} ({','.join(r['requirements'])}): {where}expected "
                            f"{ev.get('expected', '?')}; observed {ev.get('observed', '?')}")
    if verdict["verdict"] == "inconclusive":
        problems.append(f"the journal dropped {verdict['journal_dropped']} entries")
    if rules and expect.get("faults_fire", True) and sum(r["fired"] for r in rules) == 0:
        problems.append("no fault rule fired: the scenario did not exercise what it says")
    if opts.check_resources and outcome == "success" and code == 0:
        want = expect.get("resources", "all")
        want = resources_served(jobs) if want == "all" else want
        got = count_resources(out_dir)
        if got != want:
            problems.append(f"the client wrote {got} resources, expected {want}")


def read_scenario(path):
    """The scenario's JSON object, or a string saying why it is not one (the server, which
    validates it fully, names anything else wrong when it refuses to start)."""
    try:
        scenario = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return f"not a readable JSON scenario file: {e}"
    return scenario if isinstance(scenario, dict) else "not a JSON object"


def runs_for(path, swarm_runs):
    scenario = read_scenario(path)
    rules = scenario.get("rules", []) if isinstance(scenario, dict) else []
    if swarm_runs > 1 and isinstance(rules, list) and any(
            isinstance(r, dict) and r.get("swarm") for r in rules):
        first = scenario.get("seed", 1)
        return [first + k for k in range(swarm_runs)]
    return [None]


def write_junit(results, path):
    suite = ET.Element("testsuite", name="bulkharness-replay", tests=str(len(results)),
                       failures=str(sum(1 for r in results if r["problems"])),
                       time=f"{sum(r['seconds'] for r in results):.2f}")
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="replay", name=r["name"],
                             time=f"{r['seconds']:.2f}")
        if r["problems"]:
            f = ET.SubElement(case, "failure", message=r["problems"][0][:500])
            f.text = "\n".join(r["problems"]) + "\n--- client output ---\n" + r["client_log"]
        ET.SubElement(case, "system-out").text = verdict_summary(r)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def verdict_summary(r):
    v = r["verdict"]
    if not v:
        return "no verdict"
    s = v["summary"]
    return f"judge {v['verdict']}: {s['pass']} pass, {s['fail']} fail, {s['warn']} warn, " \
           f"{s['not_applicable']} n/a over {v['exchanges']} requests"


def print_table(results, out):
    width = max([len(r["name"]) for r in results] + [8])
    out.write(f"{'scenario':<{width}}  result  exit  judge            seconds\n")
    for r in results:
        v = r["verdict"]
        judge_col = f"{v['verdict']} {v['summary']['fail']}f/{v['summary']['pass']}p" if v else "-"
        out.write(f"{r['name']:<{width}}  {'FAIL' if r['problems'] else 'ok':<6}  "
                  f"{str(r['exit']):>4}  {judge_col:<15}  {r['seconds']:>7.1f}\n")
        for p in r["problems"]:
            out.write(f"{'':<{width}}    - {p}\n")
        if r["problems"] and r["client_log"]:
            tail = r["client_log"].strip().splitlines()[-5:]
            out.write("".join(f"{'':<{width}}      | {line[:160]}\n" for line in tail))
    failed = sum(1 for r in results if r["problems"])
    out.write(f"{len(results) - failed} of {len(results)} passed\n")


class Progress:
    """Counts done, failures so far and time left, on stderr as scenarios finish. On a terminal
    one line rewritten in place; otherwise (CI logs) one plain line per scenario. The estimate is
    the mean time per finished scenario so far times those left (parallel jobs included)."""

    def __init__(self, total, stream, quiet=False):
        self.total, self.stream, self.quiet = total, stream, quiet
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.tty = stream.isatty()

    @staticmethod
    def clock(seconds):
        seconds = int(round(seconds))
        return f"{seconds // 60}m{seconds % 60:02d}s"

    def line(self, result):
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        status = "FAIL" if result["problems"] else "pass"
        return (f"[{self.done}/{self.total}] {status} {result['name']}: {self.failed} failed so "
                f"far, {self.clock(elapsed)} elapsed, ~{self.clock(left)} left")

    def finished(self, result):
        self.done += 1
        self.failed += 1 if result["problems"] else 0
        if self.quiet:
            return
        if self.tty:
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r\x1b[K" + self.line(result) + end)
        else:
            self.stream.write("replay: " + self.line(result) + "\n")
        self.stream.flush()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[1:]))
    p.add_argument("--client", required=True, help="command template, see below")
    p.add_argument("--scenarios", nargs="+", default=[str(ROOT / "scenarios")],
                   help="scenario files or directories (default: scenarios/)")
    p.add_argument("--bulkharness", help="the bulkharness binary (default: build/app/bulkharness)")
    p.add_argument("--jobs", type=int, default=1, help="scenarios replayed at once")
    p.add_argument("--shard", help="i/n: replay only every n-th scenario from the i-th")
    p.add_argument("--junit", help="write JUnit XML here")
    p.add_argument("--json", help="write every result, verdicts included, as JSON here")
    p.add_argument("--html", help="write a self-contained HTML report here: each scenario's "
                   "timeline (requests, Retry-After windows, faults, broken rules), verdicts")
    p.add_argument("--timeout", type=int, default=120, help="the client's deadline, seconds")
    p.add_argument("--grace", type=int, default=60,
                   help="extra seconds before a client past its deadline is killed")
    p.add_argument("--time-scale", type=float, help="override the scenarios' time_scale")
    p.add_argument("--tls", action="store_true",
                   help="serve over TLS (a certificate made per scenario; {tls_args}/{ca_file})")
    p.add_argument("--key-alg", choices=("ES384", "RS384"), default="ES384",
                   help="the client key made for \"auth\" scenarios")
    p.add_argument("--swarm-runs", type=int, default=3,
                   help="a scenario with swarm rules is replayed under this many seeds")
    p.add_argument("--strict-exit-codes", action="store_true",
                   help="demand the reference client's exit code for each outcome")
    p.add_argument("--check-resources", action="store_true",
                   help="count NDJSON lines the client wrote against what the server listed")
    p.add_argument("--quiet", action="store_true",
                   help="no progress lines on stderr (done, failed so far, time left)")
    a = p.parse_args(argv)
    if not any(ph in a.client for ph in ("{base_url}",)):
        raise UsageError("--client must contain {base_url} (and usually {out_dir})")
    if a.jobs < 1 or a.timeout < 1 or a.grace < 0:
        raise UsageError("--jobs and --timeout must be positive, --grace not negative")
    a.bulkharness = find_bulkharness(a.bulkharness)
    return a


def main(argv):
    try:
        opts = parse_args(argv)
        index, count = parse_shard(opts.shard)
        paths = collect_scenarios(opts.scenarios)[index - 1::count]
    except UsageError as e:
        print(f"replay.py: {e}", file=sys.stderr)
        return 2
    work = [(p, seed) for p in paths for seed in runs_for(p, opts.swarm_runs)]
    progress = Progress(len(work), sys.stderr, opts.quiet)
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        futures = [pool.submit(replay, opts, *w) for w in work]
        for f in concurrent.futures.as_completed(futures):
            progress.finished(f.result())
        results = [f.result() for f in futures]  # the report keeps the scenarios' order
    print_table(results, sys.stdout)
    if opts.junit:
        write_junit(results, opts.junit)
    if opts.json:
        pathlib.Path(opts.json).write_text(json.dumps(results, indent=2) + "\n")
    if opts.html:
        pathlib.Path(opts.html).write_text(report_html.render_replay(results))
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
