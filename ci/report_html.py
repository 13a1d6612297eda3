#!/usr/bin/env python3
"""Self-contained HTML report of a replay: each scenario's timeline and the judge's verdict.

One file, no network access, no script: inline CSS and SVG only, so it opens anywhere and can be
attached to a CI run.
  replay   (ci/replay.py --html F, or --replay RESULTS.json here): for each scenario its result,
           and for each job a timeline: every request a mark on the scenario-time axis (its
           lane is the endpoint, its colour the status), the Retry-After it was given shaded up
           to when it asked the client to come back, the faults that fired marked above it, the
           requests a judge rule names as evidence ringed in red and linked to their row in the
           journal table; then the judge's verdict, rule by rule.
A conformance run's requirement table is written by `bulkharness check --report-html F`
(conformance/report_html.cpp), in the same style.
Stable class names for tools and tests: section.scenario, svg.timeline, .mark[data-seq],
rect.retry-after, .fault, .violation, table.verdict, table.journal.
Standard library only. Usage: ci/report_html.py --replay F -o OUT.html
"""
import argparse
import email.utils
import html
import json
import pathlib
import re
import sys

LANES = ("kickoff", "status", "file", "delete")
WIDTH, LANE_H, LEFT = 960, 26, 70

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f4f4f4}
.ok,.pass{color:#17702b}.FAIL,.fail{color:#b00020;font-weight:600}.warn{color:#a05a00}
.skip,.info,.not_applicable{color:#666}.inconclusive{color:#a05a00}
tr.violation td{background:#fde8ea}
svg.timeline{border:1px solid #ddd;background:#fcfcfc;margin:6px 0}
.lane-label{font-size:11px;fill:#555}.axis{font-size:10px;fill:#777}
rect.retry-after{fill:#4a7bd0;opacity:.18}
.mark{stroke:#333;stroke-width:.5}.s2xx{fill:#2e9d4f}.s202{fill:#9aa0a6}.s4xx{fill:#e08a00}
.s429{fill:#f2b705}.s5xx{fill:#d93025}.s0{fill:#000}
.fault{fill:#8e24aa}.violation{fill:none;stroke:#d00;stroke-width:2}
pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:6px;max-height:20em;
overflow:auto}
.legend span{display:inline-block;margin-right:12px}.legend .s2xx{color:#2e9d4f}
.legend .s202{color:#9aa0a6}.legend .s429{color:#f2b705}.legend .s4xx{color:#e08a00}
.legend .s5xx{color:#d93025}.legend .fault{color:#8e24aa}
"""

LEGEND = ('<p class="legend"><span class="s2xx">&#9679; 2xx</span><span class="s202">&#9679; '
          '202</span><span class="s429">&#9679; 429</span><span class="s4xx">&#9679; 4xx</span>'
          '<span class="s5xx">&#9679; 5xx</span><span>&#9679; no answer (connection fault)</span>'
          '<span style="color:#4a7bd0">&#9632; Retry-After window</span><span class="fault">'
          '&#9660; fault fired</span><span style="color:#d00">&#9711; rule broken</span></p>')


def esc(v):
    return html.escape(str(v), quote=True)


def header(entry, name, which="response_headers"):
    for k, v in entry.get(which, []):
        if k.lower() == name.lower():
            return v
    return None


def retry_after_s(entry, scale=1.0):
    """The wait the answer asked for, in scenario seconds, or None. On the wire it is in the
    server's (scaled) seconds, delta-seconds or an HTTP-date against the answer's Date; the
    journal's times are scenario time, hence `scale` (the verdict's time_scale)."""
    value = header(entry, "Retry-After")
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+", value):
        return int(value) * scale
    try:
        when = email.utils.parsedate_to_datetime(value)
        date = email.utils.parsedate_to_datetime(header(entry, "Date") or "")
        return max(0.0, (when - date).total_seconds()) * scale
    except (TypeError, ValueError):
        return None


def status_class(status):
    if status == 0:
        return "s0"
    if status == 202:
        return "s202"
    if status == 429:
        return "s429"
    return f"s{status // 100}xx" if 200 <= status < 600 else "s0"


def violations(verdict):
    """seq -> ids of the failed rules naming that request as evidence."""
    out = {}
    for rule in (verdict or {}).get("rules", []):
        if rule.get("outcome") != "fail":
            continue
        for ev in rule.get("evidence", []):
            if "seq" in ev:
                out.setdefault(ev["seq"], []).append(rule["id"])
    return out


def anchor(prefix, seq):
    return f"{prefix}-e{seq}"


def timeline(prefix, job, entries, broken, scale):
    lanes = list(LANES) + sorted({e["endpoint"] for e in entries} - set(LANES))
    end_ms = max([1] + [e["at_ms"] + 1000 * (retry_after_s(e, scale) or 0) for e in entries])
    x = lambda ms: LEFT + (WIDTH - LEFT - 10) * ms / end_ms  # noqa: E731
    height = LANE_H * len(lanes) + 24
    out = [f'<svg class="timeline" data-job="{esc(job)}" width="{WIDTH}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg">']
    for i, lane in enumerate(lanes):
        out.append(f'<text class="lane-label" x="4" y="{i * LANE_H + 17}">{esc(lane)}</text>')
    for k in range(0, 6):
        ms = end_ms * k / 5
        anchor_at = "end" if k == 5 else "start"
        out.append(f'<text class="axis" x="{x(ms):.1f}" y="{height - 6}" '
                   f'text-anchor="{anchor_at}">{ms / 1000:.0f}s</text>')
    for e in entries:
        y = lanes.index(e["endpoint"]) * LANE_H + 13
        ra = retry_after_s(e, scale)
        if ra:
            out.append(f'<rect class="retry-after" x="{x(e["at_ms"]):.1f}" y="{y - 9}" '
                       f'width="{max(1.0, x(e["at_ms"] + ra * 1000) - x(e["at_ms"])):.1f}" '
                       f'height="18"><title>#{e["seq"]}: Retry-After '
                       f'{esc(header(e, "Retry-After"))}, {ra:.0f} s of scenario time'
                       f'</title></rect>')
    for e in entries:
        y = lanes.index(e["endpoint"]) * LANE_H + 13
        cx = x(e["at_ms"])
        faults = "; ".join(f"{f['kind']} (rule {f['rule']})" for f in e.get("faults", []))
        tip = (f"#{e['seq']} {e['at_ms'] / 1000:.1f}s {e['method']} {e['target']} -> "
               f"{e['status'] or 'no answer'}" + (f"; {e['wire']}" if e.get("wire") else "")
               + (f"; faults: {faults}" if faults else "")
               + (f"; breaks {', '.join(broken[e['seq']])}" if e["seq"] in broken else ""))
        out.append(f'<a href="#{anchor(prefix, e["seq"])}"><circle class="mark '
                   f'{status_class(e["status"])}" data-seq="{e["seq"]}" cx="{cx:.1f}" cy="{y}" '
                   f'r="5"><title>{esc(tip)}</title></circle>')
        if faults:
            out.append(f'<path class="fault" d="M{cx - 4:.1f},{y - 12} h8 l-4,5 z"/>')
        if e["seq"] in broken:
            out.append(f'<circle class="violation" cx="{cx:.1f}" cy="{y}" r="8"/>')
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


def verdict_table(prefix, verdict):
    rows = []
    for r in verdict.get("rules", []):
        links = " ".join(f'<a href="#{anchor(prefix, ev["seq"])}">#{ev["seq"]}</a>'
                         for ev in r.get("evidence", []) if "seq" in ev)
        first = (r.get("evidence") or [{}])[0]
        detail = r.get("detail", "")
        if r.get("outcome") == "fail" and first:
            detail = f"expected {first.get('expected', '?')}; observed {first.get('observed', '?')}"
        rows.append(f'<tr class="rule {esc(r["outcome"])}"><td>{esc(r["id"])}</td><td>'
                    f'{esc(", ".join(r["requirements"]))}</td><td class="{esc(r["outcome"])}">'
                    f'{esc(r["outcome"])}</td><td>{esc(detail)}</td><td>{links}</td></tr>')
    return ('<table class="verdict"><tr><th>rule</th><th>requirements</th><th>outcome</th>'
            '<th>detail</th><th>evidence</th></tr>' + "".join(rows) + "</table>")


def journal_table(prefix, entries, broken):
    rows = []
    for e in entries:
        faults = ", ".join(f["kind"] for f in e.get("faults", [])) + (
            f" [{e['wire']}]" if e.get("wire") else "")
        cls = ' class="violation"' if e["seq"] in broken else ""
        rows.append(f'<tr id="{anchor(prefix, e["seq"])}"{cls}><td>{e["seq"]}</td><td>'
                    f'{e["at_ms"] / 1000:.2f}</td><td>{esc(e["method"])}</td><td>'
                    f'{esc(e["target"])}</td><td>{e["status"] or "-"}</td><td>'
                    f'{esc(header(e, "Retry-After") or "")}</td><td>{esc(faults)}</td><td>'
                    f'{esc(", ".join(broken.get(e["seq"], [])))}</td></tr>')
    return ('<table class="journal"><tr><th>#</th><th>at (s)</th><th>method</th><th>target</th>'
            '<th>status</th><th>Retry-After</th><th>faults</th><th>breaks</th></tr>'
            + "".join(rows) + "</table>")


def scenario_section(i, r):
    prefix = f"s{i}"
    failed = bool(r.get("problems"))
    verdict = r.get("verdict") or {}
    entries = r.get("journal") or []
    broken = violations(verdict)
    out = [f'<section class="scenario" id="{prefix}"><h2>{esc(r["name"])} <span class="'
           f'{"FAIL" if failed else "ok"}">{"FAIL" if failed else "ok"}</span></h2>',
           f'<p>client exit {esc(r.get("exit"))} (expected outcome '
           f'{esc(r.get("expected_outcome"))}), {r.get("seconds", 0)} s; judge: <span class="'
           f'{esc(verdict.get("verdict", ""))}">{esc(verdict.get("verdict", "not judged"))}'
           f'</span>; {len(entries)} requests</p>']
    if failed:
        out.append("<ul>" + "".join(f"<li>{esc(p)}</li>" for p in r["problems"]) + "</ul>")
    jobs = {}
    for e in entries:
        jobs.setdefault(e.get("job") or "(no job)", []).append(e)
    for job, job_entries in jobs.items():
        out.append(f"<h3>job {esc(job)}</h3>"
                   + timeline(prefix, job, job_entries, broken, verdict.get("time_scale", 1.0)))
    if verdict:
        out.append(verdict_table(prefix, verdict))
    if entries:
        out.append(f"<details><summary>journal ({len(entries)} requests)</summary>"
                   f"{journal_table(prefix, entries, broken)}</details>")
    out.append("</section>")
    return "".join(out)


def page(title, body):
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}'
            f'</title><style>{CSS}</style></head><body><h1>{esc(title)}</h1>{body}</body>'
            f'</html>\n')


def render_replay(results):
    failed = [r for r in results if r.get("problems")]
    rows = "".join(f'<tr><td><a href="#s{i}">{esc(r["name"])}</a></td><td class="'
                   f'{"FAIL" if r.get("problems") else "ok"}">'
                   f'{"FAIL" if r.get("problems") else "ok"}</td><td>{esc(r.get("exit"))}</td>'
                   f'<td>{esc((r.get("verdict") or {}).get("verdict", ""))}</td></tr>'
                   for i, r in enumerate(results))
    body = (f'<p>{len(results) - len(failed)} of {len(results)} scenarios passed.</p>{LEGEND}'
            f'<table class="summary"><tr><th>scenario</th><th>result</th><th>exit</th>'
            f'<th>judge</th></tr>{rows}</table>'
            + "".join(scenario_section(i, r) for i, r in enumerate(results)))
    return page("bulkharness replay", body)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replay", required=True,
                    help="ci/replay.py --json output (with journals, as --html keeps them)")
    ap.add_argument("-o", "--out", required=True, help="the HTML file to write")
    a = ap.parse_args(argv)
    try:
        text = render_replay(json.loads(pathlib.Path(a.replay).read_text()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        print(f"report_html.py: {a.replay}: not a readable replay report: {e!r}",
              file=sys.stderr)
        return 2
    pathlib.Path(a.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
