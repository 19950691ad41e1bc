#!/usr/bin/env python3
"""Per-thread CPU of a process from /proc, without a profiler (no sampling bias, native code and the kernel's
share of each thread included).

  thread_cpu.py snap PID FILE              # writes {tid: [name, ticks]} of every thread of PID to FILE
  thread_cpu.py diff BEFORE AFTER REQUESTS # prints {group: microseconds per request} of the threads' CPU between
                                           # the two snapshots, threads grouped by name with digits as N
                                           # ("keycast-crypto-N", "ForkJoinPool-N-worker-N": the virtual threads'
                                           # carriers, "C2 CompilerThreN", "GC Thread#N", ...), largest first
"""
import json, os, re, sys

TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")


def snap(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
        except OSError:
            continue  # the thread ended meanwhile
        name = s[s.index("(") + 1:s.rindex(")")]
        fields = s[s.rindex(")") + 2:].split()
        out[tid] = [name, int(fields[11]) + int(fields[12])]  # utime + stime
    return out


def main():
    if sys.argv[1] == "snap":
        with open(sys.argv[3], "w") as f:
            json.dump(snap(sys.argv[2]), f)
        return
    before, after = (json.load(open(p)) for p in sys.argv[2:4])
    requests = int(sys.argv[4])
    groups = {}
    for tid, (name, ticks) in after.items():
        used = ticks - before.get(tid, [name, 0])[1]
        key = re.sub(r"\d+", "N", name)
        groups[key] = groups.get(key, 0) + used * TICK_US / requests
    print(json.dumps({k: round(v, 1) for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v > 0}))


main()
