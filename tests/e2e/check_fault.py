#!/usr/bin/env python3
"""One row of the conformance self-test matrix (tests/CMakeLists.txt, ctest e2e.check.*).

Starts `bulkharness serve` with a server-side fault scenario, runs `bulkharness check` against
it, and asserts that CHECK reports STATUS (fail for a SHALL, warn for a SHOULD) under
REQUIREMENT, with evidence, and that the exit status follows the SHALL failures.

A scenario with an "auth" block runs as SMART servers do: `serve --tls --auth smart` with a key
made by `bulkharness keygen` registered, and the runner given that key and the certificate.

usage: check_fault.py --bulkharness BIN --scenario FILE --check ID --requirement R --status S
"""
import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bulkharness", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--check", required=True)
    p.add_argument("--requirement", required=True)
    p.add_argument("--status", required=True, choices=["fail", "warn"])
    a = p.parse_args()
    harness.BULKHARNESS = a.bulkharness
    smart = "auth" in json.loads(pathlib.Path(a.scenario).read_text())
    with harness.tempdir() as tmp:
        serve_args, check_args = ["--time-scale", "60", "--scenario", a.scenario], []
        if smart:
            cert = str(pathlib.Path(tmp, "cert.pem"))
            code, out, err, _ = harness.run([a.bulkharness, "keygen", "--out",
                                             str(pathlib.Path(tmp, "keys"))], 60)
            if code != 0:
                sys.exit(f"keygen failed: {out}{err}")
            serve_args += ["--tls", "--tls-cert-out", cert, "--client-id", "runner", "--jwks",
                           str(pathlib.Path(tmp, "keys", "jwks.json"))]
            check_args = ["--ca-file", cert, "--client-id", "runner", "--private-key",
                          str(pathlib.Path(tmp, "keys", "private-key.pem"))]
        with harness.Server(*serve_args) as server:
            js = pathlib.Path(tmp, "report.json")
            code, out, err, _ = harness.run(
                [a.bulkharness, "check", "--base-url", server.base, "--timeout", "150",
                 "--job-timeout", "60", "--request-timeout", "5", "--levels", "system",
                 "--report-json", str(js), *check_args], 240)
        if not js.exists():
            sys.exit(f"no JSON report (exit {code})\n{out}\n{err}")
        report = json.loads(js.read_text())
    hits = [r for r in report["results"] if r["id"] == a.check and r["status"] == a.status]
    problems = []
    if not hits:
        got = sorted({r["status"] for r in report["results"] if r["id"] == a.check})
        problems.append(f"{a.check} did not report {a.status} (it reported {got or 'nothing'})")
    elif a.requirement not in hits[0]["requirements"]:
        problems.append(f"{a.check} carries {hits[0]['requirements']}, not {a.requirement}")
    elif not hits[0]["evidence"]:
        problems.append(f"{a.check} reported {a.status} without evidence")
    expected_code = 1 if report["summary"]["fail"] else 0
    if code != expected_code:
        problems.append(f"exit {code}, expected {expected_code} for "
                        f"{report['summary']['fail']} SHALL failures")
    if problems:
        print(out)
        sys.exit("\n".join(problems))
    print(f"ok: {pathlib.Path(a.scenario).stem}: {a.check} {a.status} [{a.requirement}]: "
          f"{hits[0]['message']}")


if __name__ == "__main__":
    main()
