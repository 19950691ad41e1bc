#!/usr/bin/env python3
"""Polls a /health URL every INTERVAL_MS for SECONDS in its own small process (so that a saturated load generator
cannot delay the probe and blame the daemon), one new connection per probe as a health checker makes; writes
OUT.tsv (t_s, latency_ms, status) and prints a JSON summary.

    probe_health.py URL SECONDS INTERVAL_MS OUT.tsv
"""
import http.client
import json
import sys
import time
import urllib.parse

url, seconds, interval, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]) / 1000, sys.argv[4]
u = urllib.parse.urlsplit(url)
samples = []
t0 = time.perf_counter()
while time.perf_counter() - t0 < seconds:
    s = time.perf_counter()
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("GET", u.path or "/")
        r = c.getresponse()
        r.read()
        status = r.status
        c.close()
    except OSError:
        status = -1
    e = time.perf_counter()
    samples.append((s - t0, (e - s) * 1000, status))
    time.sleep(max(0.0, interval - (time.perf_counter() - s)))
with open(out, "w") as f:
    f.write("t_s\tlatency_ms\tstatus\n")
    for t, l, st in samples:
        f.write(f"{t:.3f}\t{l:.3f}\t{st}\n")
lat = sorted(l for _, l, _ in samples)
pct = lambda p: round(lat[max(0, min(len(lat) - 1, int(-(-p * len(lat) // 100)) - 1))], 2) if lat else 0
print(json.dumps({"health_probes": len(lat), "health_non_200": sum(1 for *_, st in samples if st != 200),
                  "health_p50_ms": pct(50), "health_p99_ms": pct(99), "health_max_ms": pct(100)}))
