#!/usr/bin/env python3
"""Markdown tables from bench/e2e/out/*/results.jsonl, for docs/BENCHMARKS.md.

    python3 bench/e2e/summarize.py [OUT_DIR]
"""
import json
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "out")


def rows(name):
    try:
        return [json.loads(l) for l in open(os.path.join(OUT, name, "results.jsonl")) if l.strip()]
    except FileNotFoundError:
        return []


def errs(r):
    e = r.get("errors") or {}
    return ", ".join(f"{v} '{k}'" for k, v in e.items()) or "0"


def table(head, body):
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for b in body:
        print("| " + " | ".join(str(x) for x in b) + " |")
    print()


t = rows("throughput")
if t:
    print("### throughput\n")
    table(["run", "ok", "error replies", "timeouts", "round trips/s", "p50 ms", "p99 ms", "max ms", "load"],
          [[r["name"], r["ok"], errs(r), r["timeouts"], r["throughput_rps"], r["p50_ms"], r["p99_ms"], r["max_ms"],
            r["loadavg_1m"]] for r in t])

for name in ("overload", "review"):
    o = rows(name)
    if not o:
        continue
    print(f"### {name}\n")
    body = []
    for r in o:
        if "heap" in r["name"]:
            body.append([r["name"], f"GC pauses {r['gc_pauses']}, heap before GC max {r['heap_max_before_gc_mb']} MB,"
                         f" after GC max {r['heap_max_after_gc_mb']} MB, committed max {r['heap_committed_max_mb']} MB",
                         "", "", "", "", "", r["loadavg_1m"]])
        elif "health_probes" in r and "ok" not in r:
            body.append([r["name"], f"{r['health_probes']} probes, non-200 {r['health_non_200']}", "", "", "",
                         r["health_p50_ms"], r["health_p99_ms"], r["loadavg_1m"]])
        else:
            body.append([r["name"], r.get("offered_rps") or f"c{r.get('concurrency')}",
                         r["ok"], errs(r), r["timeouts"], r["p50_ms"], r["p99_ms"], r["loadavg_1m"]])
    table(["run", "offered/s", "ok", "error replies", "timeouts", "p50 ms", "p99 ms", "load"], body)

k = rows("keys")
if k:
    print("### keys\n")
    for r in k:
        print("-", r["name"], json.dumps({x: y for x, y in r.items() if x not in ("name",)}))
    print()

p = rows("profile")
if p:
    print("### profile\n")
    for r in p:
        print("-", r["name"], json.dumps({x: y for x, y in r.items() if x not in ("name", "top_leaves")}))
    print()

q = rows("peer")
if q:
    print("### peer\n")
    table(["run", "ok", "error replies", "timeouts", "round trips/s", "p50 ms", "p99 ms", "load"],
          [[r["name"], r["ok"], errs(r), r["timeouts"], r["throughput_rps"], r["p50_ms"], r["p99_ms"],
            r["loadavg_1m"]] for r in q])
    try:
        print("```\n" + open(os.path.join(OUT, "peer", "ratios.json")).read() + "\n```")
    except FileNotFoundError:
        pass
