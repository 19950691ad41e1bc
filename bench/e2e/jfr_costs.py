#!/usr/bin/env python3
"""Where a request's CPU microseconds and allocated bytes go, from a JFR recording of the daemon over a measured
run (bench/e2e/cpu_ratio.sh with JFR=1).

    jfr_costs.py JFR_TOOL RECORDING.jfr MARKS REQUESTS DAEMON_US_PER_REQUEST

Only events inside the window in MARKS (OfferedLoad --marks: start and end, epoch microseconds) count, so that the
driver's set-up (connects) is left out.
CPU: jdk.CPUTimeSample (JDK 25, Linux: a sample per period of a Java thread's CPU time, 1 ms asked by cpu_ratio.sh,
each carrying the period it stands for), each stack labelled by the first frame, from the leaf, that matches a rule
below (a String or collection helper falls through to its caller); µs/request = the periods' sum / REQUESTS;
jdk.CPUTimeSamplesLost are counted at the mean period. What no Java-thread
sample covers (GC, JIT compiler and VM threads) is the /proc figure minus the sampled total; jdk.GCCPUTime gives the
GC part of it. Allocation: the weights of jdk.ObjectAllocationSample in the window (JFR scales them to the bytes
allocated), per request, with the same labels, plus the top allocation sites (first dev.keycast frame, class).
Prints JSON.
"""
import collections
import datetime
import json
import re
import subprocess
import sys

RULES = [
    (r"com\.fasterxml\.jackson", "JSON (Jackson)"),
    (r"[sS]ecp256k1|jdk\.internal\.foreign|java\.lang\.invoke\.(LambdaForm|DirectMethodHandle)|fr\.acinq", "secp256k1 (FFM)"),
    (r"sun\.security\.provider\.(SHA|DigestBase)|MessageDigest", "SHA-256"),
    (r"ChaCha|com\.sun\.crypto|javax\.crypto|Hmac|Hkdf|Nip44Cipher|Nip04Cipher", "NIP-44 cipher (ChaCha20, HMAC)"),
    (r"org\.java_websocket", "WebSocket (Java-WebSocket)"),
    (r"jdk\.internal\.net\.http|java\.net\.http", "WebSocket (java.net.http)"),
    (r"sun\.nio\.ch|java\.nio\.channels|java\.net\.Socket", "socket syscalls"),
    (r"org\.sqlite|org\.jdbi|com\.zaxxer|AuditLog|Auditor", "store / audit"),
    (r"ForkJoinPool|ForkJoinWorkerThread|VirtualThread|Continuation|LockSupport|Unsafe\.(park|unpark)|"
     r"ThreadPoolExecutor|LinkedBlockingQueue|ArrayBlockingQueue|SynchronousQueue|CompletableFuture|"
     r"AbstractQueuedSynchronizer|ReentrantLock|dev\.keycast\.queue|Thread\.(start|yield)", "scheduling (queues, park/unpark)"),
    (r"io\.micrometer|StatsRecorder|KeycastMetrics", "metrics"),
    (r"ch\.qos\.logback|org\.slf4j", "logging"),
    (r"dev\.keycast\.crypto\.(NostrEvents|UnsignedEvent|SignedEvent|EventId)", "event canonical JSON + id"),
    (r"dev\.keycast\.nip46\.(Json|EventJson|Nip46Codec|RelayMessages|Filter)", "NIP-46 / relay JSON"),
    (r"dev\.keycast\.crypto", "keycast-crypto, other"),
    (r"dev\.keycast\.nip46\.relay", "relay client, other"),
    (r"dev\.keycast", "keycast, other"),
]
RULES = [(re.compile(rx), name) for rx, name in RULES]
IDLE = re.compile(r"EPoll\.wait|Net\.poll|Net\.accept|Unsafe\.park|Object\.wait|Thread\.sleep")


def seconds(iso):
    """An ISO-8601 duration as jfr prints it (PT0.002S, PT1M2.5S) in seconds."""
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", iso or "PT0S")
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0) if m else 0.0


def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames") or []:
        m = f.get("method") or {}
        t = (m.get("type") or {}).get("name", "?")
        out.append(f"{t}.{m.get('name', '?')}".replace("/", "."))
    return out


def label(fs):
    for f in fs:
        for rx, name in RULES:
            if rx.search(f):
                return name
    return ("other: " + fs[0].rsplit(".", 2)[0]) if fs else "other (no stack)"


def site(fs):
    for f in fs:
        if f.startswith("dev.keycast"):
            return f
    return fs[0] if fs else "?"


WINDOW = (0, 1 << 62)


def micros(ts):
    """jfr's startTime (2026-12-03T06:45:44.437232051Z) in epoch microseconds."""
    d, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    return int(datetime.datetime.fromisoformat(d).replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000 \
        + int((frac + "000000")[:6])


def events(tool, rec, names):
    raw = subprocess.run([tool, "print", "--json", "--stack-depth", "48", "--events", names, rec],
                         check=True, capture_output=True, text=True).stdout
    return [e for e in json.loads(raw)["recording"]["events"]
            if WINDOW[0] <= micros(e["values"]["startTime"]) <= WINDOW[1]]


def main():
    global WINDOW
    tool, rec, n, daemon_us = sys.argv[1], sys.argv[2], int(sys.argv[4]), float(sys.argv[5])
    WINDOW = tuple(int(x) for x in open(sys.argv[3]).read().split()[:2])
    cpu = collections.Counter()
    threads = collections.Counter()
    count = 0
    for ev in events(tool, rec, "jdk.CPUTimeSample"):
        us = seconds(ev["values"].get("samplingPeriod")) * 1e6
        cpu[label(frames(ev))] += us
        t = ev["values"].get("eventThread") or {}
        threads[re.sub(r"\d+", "N", t.get("javaName") or t.get("osName") or "?")] += us
        count += 1
    lost = sum(ev["values"].get("lostSamples", 0) for ev in events(tool, rec, "jdk.CPUTimeSamplesLost"))
    if lost and count:
        cpu["(lost samples, at the mean period)"] += lost * sum(cpu.values()) / count
    sampled = sum(cpu.values()) / n
    gc_s = sum(seconds(ev["values"].get("userTime")) + seconds(ev["values"].get("systemTime"))
               for ev in events(tool, rec, "jdk.GCCPUTime"))
    alloc = collections.Counter()
    sites = collections.Counter()
    for ev in events(tool, rec, "jdk.ObjectAllocationSample"):
        fs = frames(ev)
        w = ev["values"].get("weight", 0)
        alloc[label(fs)] += w
        cls = (ev["values"].get("objectClass") or {}).get("name", "?")
        sites[f"{site(fs)} [{cls}]"] += w
    wsum = sum(alloc.values()) or 1
    bpr = wsum / n
    print(json.dumps({
        "requests": n,
        "daemon_us_per_req": daemon_us,
        "cpu_us_per_req": {k: round(v / n, 1) for k, v in cpu.most_common()},
        "cpu_sampled_us_per_req": round(sampled, 1),
        "cpu_us_per_req_by_thread": {k: round(v / n, 1) for k, v in threads.most_common(12)},
        "cpu_unsampled_us_per_req (GC, JIT, VM)": round(daemon_us - sampled, 1),
        "gc_cpu_us_per_req": round(gc_s * 1e6 / n, 1),
        "alloc_bytes_per_req": round(bpr),
        "alloc_bytes_per_req_by_label": {k: round(v / wsum * bpr) for k, v in alloc.most_common()},
        "alloc_top_sites_bytes_per_req": {k: round(v / wsum * bpr) for k, v in sites.most_common(25)},
    }, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
