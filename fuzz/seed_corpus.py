#!/usr/bin/env python3
"""Writes the hand-made seed corpora under fuzz/corpus/ from the scenario files and protocol samples.

Each fuzz target's input format is described at the top of its source file; the seeds here follow
it (a leading choice byte where the target reads one). Files are named by content hash, so running
this again is idempotent and never removes what a campaign added (ci/fuzz.sh --merge does that).
Standard library only.
"""
import gzip
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
ORIGIN = "http://127.0.0.1:8080"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def manifests():
    base = {"transactionTime": "2026-01-01T00:00:00.000Z", "request": ORIGIN + "/fhir/$export",
            "requiresAccessToken": False,
            "output": [{"type": "Patient", "url": ORIGIN + "/files/1.ndjson", "count": 3},
                       {"type": "Observation", "url": ORIGIN + "/files/2.ndjson"}],
            "error": [{"type": "OperationOutcome", "url": ORIGIN + "/files/err.ndjson"}]}
    v3 = dict(base, deleted=[{"type": "Bundle", "url": ORIGIN + "/files/del.ndjson"}],
              extension={"http://example.org/x": 1}, outputOrganizedBy="Patient")
    v4 = {"transactionTime": base["transactionTime"], "requiresAccessToken": True,
         "output": base["output"], "outcome": [{"url": ORIGIN + "/files/err.ndjson"}]}
    yield 1, base
    yield 2, v3
    yield 3, v4
    yield 0, dict(base, output=[{"type": "Patient", "url": "files/1.ndjson"}])
    yield 1, dict(base, transactionTime="2026-01-01")
    yield 1, dict(base, requiresAccessToken="false")


def main():
    for f in sorted((ROOT / "scenarios").glob("**/*.json")):
        put("fuzz_scenario", f.read_bytes())
        put("fuzz_http_server", b"\x00" + http("PUT", "/__admin/scenario", f.read_bytes()))
    for version, m in manifests():
        put("fuzz_manifest", bytes([version]) + json.dumps(m).encode())
    lines = [b'{"resourceType":"Patient","id":"1"}\n{"resourceType":"Patient","id":"2"}\n',
             b'{"resourceType":"Patient","id":"1"}\r\n\r\n{"resourceType":"Observation"}\n',
             b'{"resourceType":"Patient"', b'[1,2]\n"x"\n{}\n{"resourceType":7}\n',
             b'{"resourceType":"OperationOutcome","issue":[]}\n' * 3]
    for i, body in enumerate(lines):
        put("fuzz_ndjson", bytes([i, 5]) + body)
        put("fuzz_gunzip", gzip.compress(body, mtime=0))
    put("fuzz_gunzip", gzip.compress(lines[0], mtime=0) + gzip.compress(lines[1], mtime=0))
    put("fuzz_gunzip", gzip.compress(lines[0], mtime=0)[:-3])
    for v in ["120", "0", "Thu, 01 Jan 2026 00:00:30 GMT", "Thursday, 01-Jan-26 00:00:30 GMT",
              "Thu Jan  1 00:00:30 2026", "-5", "1.5", "1767225630", "Fri, 29 Feb 2028 23:59:59 GMT"]:
        put("fuzz_retry_after", v)
    for v in ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123456+05:30", "2024-02-29T23:59:60-14:00",
              "2026-01-01", "1900-01-01T00:00:00.000Z"]:
        put("fuzz_fhir_instant", v)
    for v in ["respond-async", "respond-async, handling=lenient\nwait=10",
              'handling="strict"; x=1, respond-async', "return=representation;;"]:
        put("fuzz_prefer", v)
    put_parameters()
    put_kickoffs()
    for v in [ORIGIN + "/fhir/status/1\n/fhir/$export?_type=Patient,Observation&_since=2026-01-01T00:00:00Z",
              "files/1.ndjson\n/x?a=%20b+c&a=&&=1", "https://[::1]:8443/a?b#c\n/%zz",
              "//other.example/x\n/?q=%E2%82%AC"]:
        put("fuzz_url", v)
    put_http()
    put_jwt()
    put_client()


def put_parameters():
    bodies = [
        {"resourceType": "Parameters", "parameter": [
            {"name": "_type", "valueString": "Patient,Observation"},
            {"name": "_since", "valueInstant": "2026-01-01T00:00:00Z"},
            {"name": "patient", "valueReference": {"reference": "Patient/1"}},
            {"name": "_outputFormat", "valueString": "ndjson"}]},
        {"resourceType": "Parameters", "parameter": [
            {"name": "includeAssociatedData", "valueCode": "LatestProvenanceResources"},
            {"name": "_elements", "valueString": "id"}]},
        {"resourceType": "Parameters", "parameter": [
            {"name": "includeAssociatedData", "valueCoding": {"code": "LatestProvenanceResources"}},
            {"name": "_maximumFileSize", "valuePositiveInt": 10}]},
        {"resourceType": "Parameters"},
        {"resourceType": "Patient", "parameter": []},
    ]
    for version, body in enumerate(bodies):
        put("fuzz_parameters", bytes([version % 4]) + json.dumps(body).encode())
        put("fuzz_kickoff", b"\x03/fhir/Patient/$export\nrespond-async\napplication/fhir+json\n" +
            json.dumps(body).encode())


def put_kickoffs():
    for choice, target in [(0, "/fhir/$export?_type=Patient&_outputFormat=application%2Ffhir%2Bndjson"),
                           (8, "/fhir/Patient/$export?_type=Practitioner&_elements=id,name"),
                           (16, "/fhir/Group/g1/$export?_since=2026-01-01T00:00:00Z&_typeFilter=x"),
                           (0x40, "/fhir/$export?_type=Patient&_type=Observation&patient=Patient/1")]:
        put("fuzz_kickoff", bytes([choice]) + f"{target}\nrespond-async, handling=lenient\n\n".encode())


def http(method, target, body=b"", headers=()):
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
    for h in headers:
        head += h + "\r\n"
    if body or method in ("PUT", "POST"):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def put_http():
    kick = http("GET", "/fhir/$export", headers=["Accept: application/fhir+json", "Prefer: respond-async"])
    status = http("GET", "/fhir/status/1")
    flow = kick + status + status + http("GET", "/files/1.ndjson") + http("DELETE", "/fhir/status/1")
    put("fuzz_http_server", b"\x00" + flow)
    put("fuzz_http_server", b"\x01" + flow + status)
    admin = b"".join(http("GET", p) for p in
                     ["/__admin/journal", "/__admin/scenario", "/__admin/state", "/__admin/rules",
                      "/__admin/jobs", "/__admin/verdict", "/__admin/clock", "/__admin/clients"])
    put("fuzz_http_server", b"\x00" + kick + admin)
    put("fuzz_http_server", b"\x00" + http("POST", "/__admin/clock", b'{"advance":"30s","freeze":true}') +
        http("PUT", "/__admin/state", b'{"state":"x"}') + http("POST", "/__admin/reset"))
    put("fuzz_http_server", b"\x00" + http("POST", "/fhir/$export", json.dumps(
        {"resourceType": "Parameters", "parameter": [{"name": "_type", "valueString": "Patient"}]}).encode(),
        headers=["Content-Type: application/fhir+json", "Prefer: respond-async"]))
    put("fuzz_http_server", b"\x00GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")


def put_jwt():
    data = ROOT / "tests" / "data" / "auth"
    jwks = json.dumps(json.loads((data / "jwks.json").read_text()), separators=(",", ":"))
    for tok in ["rs384.jwt", "es384.jwt", "es384_der.jwt"]:
        put("fuzz_jwt", b"\x00" + jwks.encode() + b"\n" + (data / tok).read_bytes().strip())
    put("fuzz_jwt", b"\x00{\"keys\":[]}\neyJhbGciOiJub25lIn0.eyJ9.")


def put_client():
    # The client's inputs are answer scripts whose meaning depends on the run; a few pseudo-random
    # byte strings start it, and the campaign's merged corpus (fuzz/corpus/fuzz_client) does the rest.
    for i in range(8):
        seed = b""
        while len(seed) < 64 * (i + 1):
            seed += hashlib.sha256(seed + bytes([i])).digest()
        put("fuzz_client", seed)
    put("fuzz_client", bytes([1, 0]) + bytes([0x40, 0, 3, 0x30, 0, 0x90, 2, 0x60, 0, 0x60, 0, 0x40]) * 8)


if __name__ == "__main__":
    sys.exit(main())
