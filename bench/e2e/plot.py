#!/usr/bin/env python3
"""Plots for docs/BENCHMARKS.md from bench/e2e/out (needs matplotlib: `apt-get install python3-matplotlib`, then
run with /usr/bin/python3).

    /usr/bin/python3 bench/e2e/plot.py [OUT_DIR] [IMG_DIR]

Writes whichever plots have data: e2e-throughput.png (round trips/s and p99 vs concurrency), e2e-overload.png
(the overload burst second by second: offered, answered, timeouts, queue depth, /health latency; probe_health.py
starts 1 s before the burst, hence the shift) and
e2e-review.png (/health and probe latency, real design vs crypto on the request workers).
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "out")
IMG = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "docs", "img")
os.makedirs(IMG, exist_ok=True)


def jsonl(path):
    try:
        return [json.loads(line) for line in open(path) if line.strip()]
    except FileNotFoundError:
        return []


def tsv(path):
    try:
        with open(path) as f:
            return list(csv.DictReader(f, delimiter="\t"))
    except FileNotFoundError:
        return []


def throughput():
    rows = [r for r in jsonl(os.path.join(OUT, "throughput", "results.jsonl")) if r["name"].startswith("loadtest/")]
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(7, 4))
    ax2 = ax.twinx()
    for method, color in (("sign_event", "tab:blue"), ("nip44_encrypt", "tab:green")):
        rs = sorted((r for r in rows if r["method"] == method), key=lambda r: r["concurrency"])
        if not rs:
            continue
        c = [r["concurrency"] for r in rs]
        ax.plot(c, [r["throughput_rps"] for r in rs], "o-", color=color, label=f"{method} round trips/s")
        ax2.plot(c, [r["p99_ms"] for r in rs], "s--", color=color, alpha=0.6, label=f"{method} p99 ms")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("requests in flight (keycast loadtest --concurrency)")
    ax.set_ylabel("round trips per second")
    ax2.set_ylabel("p99 latency, ms")
    ax.axhline(2000, color="grey", lw=0.8, ls=":")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)
    ax.set_title("keycast serve through the dev relay, 2 cores shared with the load generator")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "e2e-throughput.png"), dpi=110)


def metric_series(rows, name):
    pts = [(float(r["t_s"]), float(r["value"])) for r in rows if r["metric"] == name]
    return [p[0] for p in pts], [p[1] for p in pts]


def overload(folder, label, title, fname):
    req = [r for r in tsv(os.path.join(OUT, folder, f"{label}-burst-requests.tsv")) if int(r["sent"]) > 0]
    health = tsv(os.path.join(OUT, folder, f"{label}-burst-health.tsv"))
    met = tsv(os.path.join(OUT, folder, f"{label}-burst-metrics.tsv"))
    if not req:
        return
    fig, (a, b, c) = plt.subplots(3, 1, figsize=(7, 7), sharex=True)
    s = [int(r["second"]) + 0.5 for r in req]
    a.bar(s, [int(r["ok"]) for r in req], width=0.9, label="ok", color="tab:green")
    a.bar(s, [int(r["error_replies"]) for r in req], width=0.9, bottom=[int(r["ok"]) for r in req],
          label="'overloaded' replies", color="tab:orange")
    a.bar(s, [int(r["timeouts"]) for r in req], width=0.9,
          bottom=[int(r["ok"]) + int(r["error_replies"]) for r in req], label="no reply (timeout)", color="tab:red")
    a.set_ylabel("requests (by send second)")
    a.legend(fontsize=8)
    a.set_title(title)
    t, d = metric_series(met, "keycast_queue_depth")
    if t:
        b.plot(t, d, label="work queue depth", color="tab:blue")
    t, q = metric_series(met, "keycast_cpu_queued")
    if t:
        b.plot(t, q, label="CPU pool queued", color="tab:purple")
    heap = {}
    for r in met:
        if r["metric"].startswith("jvm_memory_used_bytes") and 'area="heap"' in r["metric"]:
            heap[float(r["t_s"])] = heap.get(float(r["t_s"]), 0) + float(r["value"]) / 2**20
    if heap:
        bb = b.twinx()
        ks = sorted(heap)
        bb.plot(ks, [heap[k] for k in ks], color="grey", lw=0.8, label="heap used, MiB")
        bb.set_ylabel("heap MiB")
        bb.legend(loc="upper right", fontsize=8)
    b.set_ylabel("depth")
    b.legend(loc="upper left", fontsize=8)
    if health:
        c.plot([float(h["t_s"]) - 1 for h in health], [float(h["latency_ms"]) for h in health], ".", ms=2,
               color="tab:red")
        c.axhline(50, color="grey", lw=0.8, ls=":")
        c.set_yscale("log")
    c.set_ylabel("/health latency, ms")
    c.set_xlabel("seconds since the burst started")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, fname), dpi=110)


def review():
    folder = os.path.join(OUT, "review")
    sets = [("design", "real design (crypto on the CPU pool)", "tab:blue"),
            ("crypto-on-workers", "crypto on the request workers", "tab:red")]
    if not any(tsv(os.path.join(folder, f"{k}-burst-health.tsv")) for k, _, _ in sets):
        return
    fig, (a, b) = plt.subplots(2, 1, figsize=(7, 5.5), sharex=True)
    for key, name, color in sets:
        h = tsv(os.path.join(folder, f"{key}-burst-health.tsv"))
        a.plot([float(x["t_s"]) - 1 for x in h], [float(x["latency_ms"]) for x in h], ".", ms=2, color=color,
               label=name)
        p = [x for x in tsv(os.path.join(folder, f"{key}-burst-requests.tsv")) if int(x["sent"]) > 0]
        b.plot([int(x["second"]) + 0.5 for x in p], [float(x["p99_ms"]) for x in p], "o-", color=color, label=name)
    a.set_yscale("log")
    a.set_ylabel("/health latency, ms")
    a.axhline(50, color="grey", lw=0.8, ls=":")
    a.legend(fontsize=8)
    a.set_title("The same 4x overload burst, two daemons")
    b.set_ylabel("request p99, ms (by send second)")
    b.set_xlabel("seconds since the burst started")
    b.set_yscale("log")
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, "e2e-review.png"), dpi=110)


throughput()
overload("overload", "design", "4x the sustainable sign_event rate for 10 s, queue capacity 64", "e2e-overload.png")
review()
print("plots in", os.path.abspath(IMG))
