#!/usr/bin/env python3
"""Fails when a C++ source differs from clang-format's output (config: .clang-format)."""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIRS = ["core", "protocol", "datagen", "client", "mockserver", "app", "tests", "sim",
        "conformance", "fuzz", "bench"]


def main() -> int:
    exe = shutil.which("clang-format") or shutil.which("clang-format-14")
    if not exe:
        print("check_format: clang-format not found (ci/setup.sh installs it)")
        return 1
    files = sorted(p for d in DIRS if (ROOT / d).exists()
                   for p in (ROOT / d).rglob("*") if p.suffix in (".hpp", ".cpp", ".h"))
    bad = []
    for f in files:
        r = subprocess.run([exe, "--dry-run", "--Werror", str(f)], capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0:
            bad.append(f.relative_to(ROOT).as_posix())
    for b in bad:
        print(f"{b}: not clang-formatted (run: clang-format -i {b})")
    print(f"check_format: {len(files)} files, {len(bad)} not formatted")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
