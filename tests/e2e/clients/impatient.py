#!/usr/bin/env python3
"""A deliberately bad Bulk Data client, for tests that need the judge to find something: it
kicks off, then polls the status URL every 50 ms whatever Retry-After says (at most 40 times),
downloads nothing, never sends DELETE, and exits 0. Usage: impatient.py BASE_URL"""
import sys
import time
import urllib.error
import urllib.request


def get(url, headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


def main(base):
    status, headers = get(base + "/$export", {"Accept": "application/fhir+json",
                                              "Prefer": "respond-async"})
    location = headers.get("Content-Location")
    if status != 202 or not location:
        return 0
    for _ in range(40):
        status, _ = get(location, {"Accept": "application/json"})
        if status == 200:
            break
        time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
