#!/usr/bin/env python3
"""An independent FHIR Bulk Data $export client (IG STU2 2.0.0), standard library only.

Written apart from the reference client (client/), so the judge can be checked against a second
opinion: a correct client must pass every judge rule, and each `--misbehave NAME` switches off one
correct behaviour so that a specific rule must fail (tests/e2e/test_judge_canaries.py).

    naive_client.py [--misbehave NAME]... [--timeout S] BASE_URL OUT_DIR

Flow: GET {base}/$export (Accept: application/fhir+json, Prefer: respond-async) -> poll the
Content-Location (Accept: application/json), honouring Retry-After (delay-seconds or HTTP-date,
measured against the response's Date) or else backing off exponentially (1 s, doubling, cap 8 s)
-> validate the manifest -> download every output, error and deleted file one after another
(Accept: application/fhir+ndjson, no Authorization, redirects followed up to 5 hops) -> check
every NDJSON line -> DELETE the status URL to release the job. A run that gives up on a job that
is still running, or passes its deadline, DELETEs to cancel it first.

Retries: at most 8 consecutive failures per request chain (429, transient 5xx, connection
errors, truncated bodies); every socket operation times out after 10 s; the whole run has a
deadline (--timeout, default 120 s).

Exit status: 0 success, 3 rejected kick-off, 4 failed job, 5 invalid manifest, 6 download
failed, 7 file failed validation, 8 job gone, 10 deadline passed, 11 transport error.
One line per request goes to stdout.
"""
import argparse
import datetime
import email.utils
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

OK, REJECTED, FAILED, MANIFEST_INVALID = 0, 3, 4, 5
DOWNLOAD_FAILED, VALIDATION_FAILED, GONE, TIMED_OUT, TRANSPORT_ERROR = 6, 7, 8, 10, 11

SOCKET_TIMEOUT = 10.0
MAX_FAILURES = 8            # consecutive failures on one chain before giving up
MAX_DELETE_RETRIES = 3
MAX_REDIRECTS = 5
BACKOFF_START, BACKOFF_CAP = 1.0, 8.0
MAX_RETRY_AFTER = 3600      # a longer Retry-After is implausible: ignored
THROTTLE_FLOOR = 0.5        # never retry sooner than this after a 429
MAX_LINE = 64 * 1024 * 1024
TRANSIENT_CODES = {"transient", "lock-error", "no-store", "exception", "timeout", "incomplete",
                   "throttled"}
MISBEHAVIOURS = ("ignore-retry-after", "omit-prefer", "omit-accept", "wrong-status-accept",
                 "never-delete", "no-backoff", "hammer-429", "give-up-on-transient",
                 "retry-fatal", "poll-after-manifest", "skip-error-files", "duplicate-kickoff",
                 "retry-forever")

# RFC 9110 section 5.6.7: IMF-fixdate, obsolete RFC 850 and asctime. The shape is checked here
# because email.utils is lenient; the parsing itself is email.utils.parsedate_to_datetime.
_DAY, _LONG_DAY = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun)", r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME = r"\d\d:\d\d:\d\d"
HTTP_DATE = re.compile(
    rf"{_DAY}, \d\d {_MON} \d{{4}} {_TIME} GMT"
    rf"|{_LONG_DAY}, \d\d-{_MON}-\d\d {_TIME} GMT"
    rf"|{_DAY} {_MON} (\d\d| \d) {_TIME} \d{{4}}")
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


class Exit(Exception):
    def __init__(self, code, why):
        super().__init__(why)
        self.code, self.why = code, why


class Deadline(Exception):
    pass


class Response:
    """One attempt: a whole HTTP response, or `error` when there was none (status 0)."""

    def __init__(self, status=0, reason="", headers=None, body=b"", error=None):
        self.status, self.reason, self.body, self.error = status, reason, body, error
        self.headers = headers or []

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def get(self, name, default=""):
        values = self.all(name)
        return values[0] if values else default


def parse_http_date(text):
    if not HTTP_DATE.fullmatch(text):
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # asctime carries no zone: it is GMT
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def retry_after(resp):
    """The wait in seconds a response's Retry-After asks for, or None when it is absent, sent
    twice, malformed (negative, fractional, text) or implausibly long (over an hour)."""
    values = resp.all("Retry-After")
    if len(values) != 1:
        return None
    value = values[0].strip()
    if re.fullmatch(r"\d+", value):
        seconds = int(value)
    else:
        when = parse_http_date(value)
        if when is None:
            return None
        now = parse_http_date(resp.get("Date").strip()) or datetime.datetime.now(datetime.timezone.utc)
        seconds = max(0.0, (when - now).total_seconds())
    return None if seconds > MAX_RETRY_AFTER else float(seconds)


def outcome_codes(body):
    """The issue codes of an OperationOutcome body (error and fatal issues when there are any),
    or None when the body is not an OperationOutcome."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("resourceType") != "OperationOutcome":
        return None
    issues = [i for i in doc.get("issue") or [] if isinstance(i, dict)] if isinstance(
        doc.get("issue"), list) else []
    errors = [i for i in issues if i.get("severity") in ("error", "fatal")]
    return [str(i.get("code", "")) for i in (errors or issues)]


def is_transient(codes):
    return bool(codes) and all(c in TRANSIENT_CODES for c in codes)


class Backoff:
    def __init__(self):
        self.next_wait = BACKOFF_START

    def take(self):
        w = self.next_wait
        self.next_wait = min(self.next_wait * 2, BACKOFF_CAP)
        return w

    def reset(self):
        self.next_wait = BACKOFF_START


class Client:
    def __init__(self, opts):
        self.base = opts.base_url.rstrip("/")
        self.out_dir = opts.out_dir
        self.bad = set(opts.misbehave or [])
        self.start = time.monotonic()
        self.deadline = self.start + opts.timeout
        self.status_url = None
        self.job_open = False  # a job exists that this client has neither released nor cancelled

    # --- plumbing -------------------------------------------------------------------------------
    def log(self, text):
        print(f"[{time.monotonic() - self.start:8.3f}s] {text}", flush=True)

    def remaining(self):
        return self.deadline - time.monotonic()

    def sleep(self, seconds, why):
        if seconds > self.remaining():
            time.sleep(max(0.0, self.remaining()))
            raise Deadline()
        self.log(f"  wait {seconds:.3f}s ({why})")
        time.sleep(seconds)

    def request(self, method, url, headers, enforce_deadline=True):
        if enforce_deadline and self.remaining() <= 0:
            raise Deadline()
        timeout = SOCKET_TIMEOUT if not enforce_deadline else max(0.05, min(SOCKET_TIMEOUT, self.remaining()))
        u = urllib.parse.urlsplit(url)
        target = (u.path or "/") + ("?" + u.query if u.query else "")
        cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        conn = None
        began = time.monotonic()
        try:
            conn = cls(u.hostname, u.port, timeout=timeout)
            conn.putrequest(method, target, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            r = conn.getresponse()
            body = r.read()
            resp = Response(r.status, r.reason, r.getheaders(), body)
        except (OSError, http.client.HTTPException, ValueError) as e:
            resp = Response(error=f"{type(e).__name__}: {e}")
        finally:
            if conn is not None:
                conn.close()
        took = time.monotonic() - began
        shown = f"{resp.status} {resp.reason}, {len(resp.body)} bytes" if not resp.error else resp.error
        self.log(f"{method} {url} -> {shown} ({took:.3f}s)")
        if enforce_deadline and resp.error and self.remaining() <= 0:
            raise Deadline()
        return resp

    def wait_to_retry(self, resp, backoff):
        """Waits before the next attempt on a chain after `resp` asked to retry (or failed)."""
        ra = None if resp.error else retry_after(resp)
        if resp.status == 429 and "hammer-429" in self.bad:
            return self.sleep(0.05, "misbehaving: hammer-429")
        if resp.status in (202, 429, 503) and "ignore-retry-after" in self.bad:
            return self.sleep(0.2, "misbehaving: ignore-retry-after")
        if ra is not None and ra > 0:
            wait, why = ra, f"Retry-After {resp.get('Retry-After')!r}"
            if resp.status == 202:
                backoff.reset()
        elif "no-backoff" in self.bad:
            return self.sleep(0.05, "misbehaving: no-backoff")
        else:
            wait = backoff.take()
            why = "backoff" + (" (Retry-After 0)" if ra == 0 else "")
        if resp.status == 429:
            wait = max(wait, THROTTLE_FLOOR)
        self.sleep(wait, why)

    def retry_limit_reached(self, failures):
        return "retry-forever" not in self.bad and failures >= MAX_FAILURES

    def cancel(self, why):
        """DELETE a job the client walks away from while it may still run (one attempt)."""
        if not self.job_open or "never-delete" in self.bad:
            return
        self.job_open = False
        self.log(f"cancelling the job: {why}")
        self.request("DELETE", self.status_url, {"Accept": "application/fhir+json"},
                     enforce_deadline=False)

    # --- the export -----------------------------------------------------------------------------
    def kickoff_headers(self):
        h = {}
        if "omit-accept" not in self.bad:
            h["Accept"] = "application/fhir+json"
        if "omit-prefer" not in self.bad:
            h["Prefer"] = "respond-async"
        return h

    def kickoff(self):
        url = self.base + "/$export"
        backoff, failures = Backoff(), 0
        while True:
            resp = self.request("GET", url, self.kickoff_headers())
            if resp.status == 202:
                locations = resp.all("Content-Location")
                if len(locations) != 1:
                    raise Exit(REJECTED, f"the kick-off answered 202 with {len(locations)} "
                                         "Content-Location headers (exactly one is required)")
                loc = locations[0].strip()
                u = urllib.parse.urlsplit(loc)
                if u.scheme not in ("http", "https") or not u.netloc:
                    raise Exit(REJECTED, f"Content-Location {loc!r} is not an absolute URL")
                self.status_url, self.job_open = loc, True
                if "duplicate-kickoff" in self.bad:
                    self.request("GET", url, self.kickoff_headers())
                return
            retryable = False
            if resp.error or resp.status == 429:
                retryable = True
            elif resp.status >= 400:
                codes = outcome_codes(resp.body)
                if codes is not None:
                    retryable = is_transient(codes)
                else:
                    retryable = resp.status >= 500  # an empty body or a proxy's page
            if not retryable:
                raise Exit(REJECTED, f"the kick-off was refused: {resp.status} {resp.reason} "
                                     f"{resp.body[:200]!r}")
            failures += 1
            if "give-up-on-transient" in self.bad:
                raise Exit(FAILED, "misbehaving: gave up at the first transient kick-off failure")
            if self.retry_limit_reached(failures):
                raise Exit(TRANSPORT_ERROR if resp.error else FAILED,
                           f"the kick-off failed {failures} times in a row")
            self.wait_to_retry(resp, backoff)

    def status_headers(self):
        accept = "application/fhir+json" if "wrong-status-accept" in self.bad else "application/json"
        return {"Accept": accept}

    def poll(self):
        """Polls until the manifest arrives; returns it (parsed)."""
        backoff, failures = Backoff(), 0
        while True:
            resp = self.request("GET", self.status_url, self.status_headers())
            if resp.status == 202:
                failures = 0
                self.wait_to_retry(resp, backoff)
                continue
            if resp.status == 200:
                self.job_open = True
                if "poll-after-manifest" in self.bad:
                    for _ in range(2):
                        self.sleep(0.2, "misbehaving: poll-after-manifest")
                        self.request("GET", self.status_url, self.status_headers())
                return self.parse_manifest(resp)
            if resp.status in (404, 410):
                self.job_open = False
                raise Exit(GONE, f"the status URL answered {resp.status}: the job is gone")
            retryable, fatal_why = False, None
            if resp.error or resp.status == 429:
                retryable = True
            elif resp.status == 401:
                fatal_why = "401: the server refused the client (it has no token to renew)"
            elif resp.status >= 400:
                codes = outcome_codes(resp.body)
                if codes is not None and is_transient(codes):
                    retryable = True
                elif codes is not None:
                    fatal_why = f"{resp.status} OperationOutcome {codes}: the job failed"
                elif resp.status >= 500 and not resp.body.strip():
                    retryable = True
                else:
                    fatal_why = f"{resp.status} with a non-FHIR body: the job failed"
            else:
                fatal_why = f"unexpected status answer {resp.status} {resp.reason}"
            if fatal_why:
                self.job_open = False
                if "retry-fatal" in self.bad:
                    for _ in range(3):
                        self.sleep(0.2, "misbehaving: retry-fatal")
                        self.request("GET", self.status_url, self.status_headers())
                raise Exit(FAILED, fatal_why)
            failures += 1
            if "give-up-on-transient" in self.bad:
                self.cancel("misbehaving: give-up-on-transient")
                raise Exit(FAILED, "misbehaving: gave up at the first transient status failure")
            if self.retry_limit_reached(failures):
                self.cancel(f"{failures} failed polls in a row")
                raise Exit(TRANSPORT_ERROR if resp.error else FAILED,
                           f"the status URL failed {failures} times in a row")
            self.wait_to_retry(resp, backoff)

    def parse_manifest(self, resp):
        def invalid(why):
            return Exit(MANIFEST_INVALID, f"invalid manifest: {why}")

        try:
            m = json.loads(resp.body)
        except (ValueError, UnicodeDecodeError) as e:
            raise invalid(f"not JSON ({e})")
        if not isinstance(m, dict):
            raise invalid("not a JSON object")
        tt = m.get("transactionTime")
        if not isinstance(tt, str) or not INSTANT.fullmatch(tt):
            raise invalid(f"transactionTime {tt!r} is not a FHIR instant")
        if not isinstance(m.get("request"), str) or not m["request"]:
            raise invalid("request is missing or not a string")
        if not isinstance(m.get("requiresAccessToken"), bool):
            raise invalid("requiresAccessToken is missing or not a boolean")
        files, seen = [], set()
        for section, required in (("output", True), ("error", True), ("deleted", False)):
            items = m.get(section)
            if items is None and not required:
                continue
            if not isinstance(items, list):
                raise invalid(f"{section} is missing or not an array")
            for i, item in enumerate(items):
                where = f"{section}[{i}]"
                if not isinstance(item, dict):
                    raise invalid(f"{where} is not an object")
                if not isinstance(item.get("type"), str) or not item["type"]:
                    raise invalid(f"{where}.type is missing or not a string")
                url = item.get("url")
                if not isinstance(url, str):
                    raise invalid(f"{where}.url is missing or not a string")
                u = urllib.parse.urlsplit(url)
                if u.scheme not in ("http", "https") or not u.netloc:
                    raise invalid(f"{where}.url {url!r} is not an absolute URL")
                if "count" in item and (not isinstance(item["count"], int)
                                        or isinstance(item["count"], bool) or item["count"] < 0):
                    raise invalid(f"{where}.count {item['count']!r} is not a non-negative integer")
                if url in seen:
                    raise invalid(f"{where}.url {url} is listed twice")
                seen.add(url)
                files.append((section, i, item))
        return files

    def fetch(self, url):
        """One attempt at a file, following redirects; the final Response."""
        headers = {"Accept": "application/fhir+ndjson"}  # never Authorization: no token here
        for _ in range(MAX_REDIRECTS + 1):
            resp = self.request("GET", url, headers)
            if resp.error or resp.status not in (301, 302, 303, 307, 308):
                return resp
            location = resp.get("Location").strip()
            if not location:
                raise Exit(DOWNLOAD_FAILED, f"{resp.status} without Location from {url}")
            url = urllib.parse.urljoin(url, location)
        raise Exit(DOWNLOAD_FAILED, f"more than {MAX_REDIRECTS} redirects")

    def download(self, section, index, item):
        backoff, failures = Backoff(), 0
        while True:
            resp = self.fetch(item["url"])
            if resp.status == 200:
                encoding = resp.get("Content-Encoding").strip().lower()
                if encoding not in ("", "identity"):
                    raise Exit(DOWNLOAD_FAILED, f"{item['url']}: Content-Encoding {encoding!r} "
                                                "although the client offered none")
                return self.validate(section, index, item, resp.body)
            if resp.status in (401, 403, 404, 410):
                raise Exit(DOWNLOAD_FAILED, f"{item['url']} answered {resp.status}")
            if not (resp.error or resp.status == 429 or resp.status >= 500):
                raise Exit(DOWNLOAD_FAILED, f"{item['url']} answered {resp.status} {resp.reason}")
            failures += 1
            if "give-up-on-transient" in self.bad:
                raise Exit(DOWNLOAD_FAILED, "misbehaving: gave up at the first transient file failure")
            if self.retry_limit_reached(failures):
                raise Exit(TRANSPORT_ERROR if resp.error else DOWNLOAD_FAILED,
                           f"{item['url']} failed {failures} times in a row")
            self.wait_to_retry(resp, backoff)

    def validate(self, section, index, item, body):
        def bad(why):
            return Exit(VALIDATION_FAILED, f"{item['url']}: {why}")

        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise bad(f"not UTF-8 ({e})")
        want = {"output": item["type"], "error": "OperationOutcome"}.get(section, item["type"])
        records = 0
        for n, line in enumerate(text.split("\n"), 1):
            if len(line) > MAX_LINE:
                raise bad(f"line {n} is longer than {MAX_LINE} characters")
            line = line.rstrip("\r")
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError as e:
                raise bad(f"line {n} is not JSON ({e})")
            if not isinstance(doc, dict) or not isinstance(doc.get("resourceType"), str):
                raise bad(f"line {n} is not a resource (no resourceType)")
            if doc["resourceType"] != want:
                raise bad(f"line {n} is a {doc['resourceType']}, the manifest says {want}")
            records += 1
        if isinstance(item.get("count"), int) and item["count"] != records:
            raise bad(f"{records} resources, the manifest's count says {item['count']}")
        name = {"output": f"{index}-{item['type']}.ndjson", "error": f"error-{index}.ndjson",
                "deleted": f"deleted-{index}.ndjson"}[section]
        with open(os.path.join(self.out_dir, name), "wb") as f:
            f.write(body)
        self.log(f"  wrote {name}: {records} resources")

    def release(self):
        if "never-delete" in self.bad:
            return
        backoff = Backoff()
        for attempt in range(MAX_DELETE_RETRIES + 1):
            resp = self.request("DELETE", self.status_url, {"Accept": "application/fhir+json"})
            retry = resp.error or resp.status == 429 or resp.status >= 500
            if not retry or attempt == MAX_DELETE_RETRIES:
                break
            self.wait_to_retry(resp, backoff)
        self.job_open = False

    def run(self):
        os.makedirs(self.out_dir, exist_ok=True)
        try:
            self.kickoff()
            files = self.poll()
            for section, index, item in files:
                if section == "error" and "skip-error-files" in self.bad:
                    continue
                self.download(section, index, item)
            self.release()
            self.log(f"done: {len(files)} files")
            return OK
        except Deadline:
            self.log("the deadline passed")
            self.cancel("the deadline passed")
            return TIMED_OUT
        except Exit as e:
            self.log(f"exit {e.code}: {e.why}")
            return e.code


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--misbehave", action="append", choices=MISBEHAVIOURS, default=[],
                   help="switch off one correct behaviour (repeatable)")
    p.add_argument("--timeout", type=float, default=120.0, help="deadline for the whole run, s")
    p.add_argument("base_url")
    p.add_argument("out_dir")
    opts = p.parse_args(argv)
    return Client(opts).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
