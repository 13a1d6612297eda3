#!/usr/bin/env python3
"""Renders the benchmarks' JSON figures (bench/*.py --json) into the results table of
bench/README.md, between its `<!-- results -->` markers, with the machine they ran on.

Every figure is {"name", "value", "unit", "target", "met"}; a target that was missed shows as
"MISSED", so the table cannot quietly hide one. The text outside the markers is kept.
Usage: bench/results.py OUT.md FILE.json...
"""
import json
import pathlib
import sys

BEGIN, END = "<!-- results -->", "<!-- /results -->"


def number(v):
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 100):
        return f"{int(v):,}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def verdict(f):
    if f.get("target") is None:
        return ""
    return {True: "met", False: "**MISSED**", None: "not measured"}[f.get("met")]


def machine_line(m):
    keys = ("cpu", "cores", "memory", "kernel", "tools")
    parts = [f"{k}: {m[k]}" for k in keys if m.get(k)]
    return "; ".join(parts)


def table(docs):
    lines = []
    machines = {machine_line(d.get("machine", {})) for d in docs} - {""}
    for m in sorted(machines):
        lines.append(f"Machine: {m}.")
    when = sorted({d["when"] for d in docs if d.get("when")})
    if when:
        lines.append(f"Measured {when[0]}" + (f" to {when[-1]}" if len(when) > 1 else "") + ".")
    lines += ["", "| benchmark | figure | value | unit | target | |", "|---|---|---:|---|---|---|"]
    for d in docs:
        for f in d["figures"]:
            lines.append(f"| {d['name']} | {f['name']} | {number(f['value'])} | {f['unit']} | "
                         f"{f.get('target') or ''} | {verdict(f)} |")
    return "\n".join(lines)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    docs = [json.loads(pathlib.Path(p).read_text()) for p in sys.argv[2:]]
    text = out.read_text() if out.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        sys.exit(f"{out}: no {BEGIN} ... {END} markers to write the table between")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    out.write_text(f"{head}{BEGIN}\n{table(docs)}\n{END}{tail}")
    missed = [f["name"] for d in docs for f in d["figures"] if f.get("met") is False]
    print(f"results: {sum(len(d['figures']) for d in docs)} figures into {out}"
          + (f"; targets missed: {', '.join(missed)}" if missed else "; every target met"))


if __name__ == "__main__":
    main()
