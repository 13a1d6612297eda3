"""A 100,000-member export streams: neither server nor client memory grows with the data.

Both sides run twice, at 10,000 and at 100,000 members, with one file per type so the larger run
moves files ten times bigger. Peak resident memory (server VmHWM, client ru_maxrss) may grow by a
few MB for bookkeeping, never in proportion to the ~10x data.
"""
import json
import os
import pathlib
import unittest

import harness

# Under AddressSanitizer (CI's build) freed memory sits in a quarantine of up to 256 MiB, so
# peak RSS would follow the bytes moved; without it the allocator behaves as in a plain build.
os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                              ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0").lstrip(":")


def export_run(members):
    with harness.Server("--members", str(members), "--members-per-file", str(members),
                        "--time-scale", "5") as server:
        with harness.tempdir() as out:
            code, stdout, stderr, client_kb = harness.export(
                server.base, out, "--type", "Patient,Coverage", "--timeout", "300", timeout=400)
            assert code == 0, stdout + stderr
            manifest = json.loads((pathlib.Path(out) / "manifest.json").read_text())
            total = sum(o["count"] for o in manifest["output"])
            size = sum(p.stat().st_size for p in pathlib.Path(out).glob("*.ndjson"))
            return server.peak_rss_kb(), client_kb, total, size


class StreamingMemory(unittest.TestCase):
    def test_memory_does_not_grow_with_members(self):
        s_small, c_small, n_small, b_small = export_run(10_000)
        s_big, c_big, n_big, b_big = export_run(100_000)
        print(f"\n10k members: {n_small} resources, {b_small / 1e6:.1f} MB; "
              f"server peak {s_small / 1024:.1f} MiB, client peak {c_small / 1024:.1f} MiB")
        print(f"100k members: {n_big} resources, {b_big / 1e6:.1f} MB; "
              f"server peak {s_big / 1024:.1f} MiB, client peak {c_big / 1024:.1f} MiB")
        self.assertEqual(n_big, 2 * 100_000)
        self.assertGreater(b_big, 9 * b_small)  # the data really grew tenfold
        # Memory may not follow: allow 16 MiB of slack, against ~10x more bytes moved.
        self.assertLess(s_big - s_small, 16 * 1024, "server memory grew with the data")
        self.assertLess(c_big - c_small, 16 * 1024, "client memory grew with the data")


if __name__ == "__main__":
    harness.main()
