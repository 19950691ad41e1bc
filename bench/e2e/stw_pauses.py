#!/usr/bin/env python3
"""Stop-the-world pauses of one JVM from its -Xlog:safepoint log (any collector): count, over 10/50 ms, max, total.

Usage: stw_pauses.py LOG [LOG...]  -> one JSON object per log, keyed by file name.
"""
import json
import re
import sys

res = {}
for path in sys.argv[1:]:
    ps = []
    for line in open(path):
        m = re.search(r"\[safepoint\s*\].*Total: (\d+) ns", line)
        if m:
            ps.append(int(m.group(1)) / 1e6)
    ps.sort()
    res[path.rsplit("/", 1)[-1]] = {
        "safepoints": len(ps), "over_10ms": sum(p > 10 for p in ps), "over_50ms": sum(p > 50 for p in ps),
        "max_ms": round(ps[-1], 1) if ps else 0, "total_ms": round(sum(ps), 1)}
print(json.dumps(res))
