#!/usr/bin/env python3
"""Determinism lint (DESIGN.md, "Determinism rules").

Outside the socket edges (mockserver/net, client/net), app/ and the one real clock
(core/real_clock.cpp), code must not read real time, use unseeded randomness, std
distributions, threads or Asio/Beast. Each finding names the file, the line and the replacement.
Exit status 1 when anything is found.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECKED = ["core", "protocol", "datagen", "auth", "client", "mockserver", "sim", "conformance"]
# auth/tls_identity.cpp makes certificates for real sockets: their validity starts at the real
# now and their serial is random. (Keys and ECDSA signatures draw on OpenSSL's generator inside
# the library; neither reaches a journal or the simulator's trace: docs/auth.md.)
EXEMPT = ["core/real_clock.cpp", "mockserver/net/", "client/net/", "conformance/net/",
          "auth/tls_identity.cpp"]

RULES = [
    (r"\b(steady_clock|system_clock|high_resolution_clock)\s*::\s*now\b",
     "reads the real clock", "take a bh::Clock& or an Instant argument (core/clock.hpp)"),
    (r"\bstd::time\s*\(|\btime\s*\(\s*(nullptr|NULL|0)\s*\)|\bgettimeofday\b|\bclock_gettime\b",
     "reads the real clock", "take a bh::Clock& or an Instant argument (core/clock.hpp)"),
    (r"\brandom_device\b", "unseeded randomness", "bh::Rng from a seed (core/rng.hpp)"),
    (r"(?<![\w:])s?rand\s*\(", "unseeded randomness", "bh::Rng from a seed (core/rng.hpp)"),
    (r"\b\w+_distribution\b", "std distributions differ between standard libraries",
     "bh::Rng::uniform / chance (core/rng.hpp)"),
    (r"\bsleep_for\b|\bsleep_until\b|\busleep\s*\(", "sleeps in real time",
     "return a WaitUntil / use the Scheduler (core/scheduler.hpp)"),
    (r"\bstd::thread\b|\bstd::jthread\b|\bstd::async\b", "starts a thread",
     "keep protocol code single-threaded; threads belong in app/"),
    (r"\bRAND_(priv_)?bytes\b", "unseeded randomness (OpenSSL)",
     "bh::Rng from a seed (core/rng.hpp)"),
    (r"\bX509_(gmtime|time)_adj\b", "reads the real clock (OpenSSL)",
     "take an Instant argument, or keep it in auth/tls_identity.cpp"),
    (r"#\s*include\s*<boost/(asio|beast)", "socket code outside the edges",
     "move it to mockserver/net or client/net"),
]


def strip_comments(line: str) -> str:
    return line.split("//", 1)[0]


def lint_text(rel: str, text: str) -> list:
    findings = []
    for no, line in enumerate(text.splitlines(), 1):
        code = strip_comments(line)
        for pattern, what, instead in RULES:
            if re.search(pattern, code):
                findings.append(f"{rel}:{no}: {what}: use {instead}\n    {line.strip()}")
    return findings


def self_test() -> int:
    """Canary: every rule must fire on its planted line, and none on the clean lines."""
    planted = [
        "auto t = std::chrono::steady_clock::now();",
        "auto t = std::chrono::system_clock::now();",
        "std::time(nullptr);",
        "std::random_device rd;",
        "int x = rand();",
        "std::uniform_int_distribution<int> d(1, 6);",
        "std::this_thread::sleep_for(1s);",
        "std::thread t([]{});",
        "#include <boost/asio.hpp>",
        "RAND_bytes(buf, 16);",
        "X509_gmtime_adj(X509_getm_notBefore(c), 0);",
    ]
    clean = ["Instant now = clock.now();", "auto r = rng.uniform(1, 6);",
             "// steady_clock::now() in a comment is fine", "int operand(int x);"]
    missed = [line for line in planted if not lint_text("planted.cpp", line)]
    false_hits = [line for line in clean if lint_text("clean.cpp", line)]
    for line in missed:
        print(f"lint self-test: rule did not fire on: {line}")
    for line in false_hits:
        print(f"lint self-test: false positive on: {line}")
    print(f"lint self-test: {len(planted) - len(missed)}/{len(planted)} planted caught, "
          f"{len(false_hits)} false positives")
    return 1 if missed or false_hits else 0


def main() -> int:
    if "--self-test" in sys.argv:
        return self_test()
    findings = []
    for top in CHECKED:
        base = ROOT / top
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h"):
                continue
            rel = path.relative_to(ROOT).as_posix()
            if any(rel == e or rel.startswith(e) for e in EXEMPT):
                continue
            findings += lint_text(rel, path.read_text(encoding="utf-8"))
    for f in findings:
        print(f)
    print(f"lint: {len(findings)} finding(s) in {', '.join(CHECKED)}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
