#!/usr/bin/env python3
"""Attributes a JFR recording's CPU samples to Keycast pipeline stages (bench/e2e/profile.sh).

    jfr_stages.py JFR_TOOL RECORDING.jfr

Reads jdk.ExecutionSample (threads running Java code) and jdk.NativeMethodSample (threads in native code: JNI or
FFM crypto, socket reads) through `jfr print --json`, walks each stack from the leaf towards the root and labels
it with the first stage marker it meets; prints JSON: samples per stage (share of all samples), per thread group,
and the hottest leaf methods. Samples of waiting threads (selector waits, parked threads, blocking reads) are
excluded. A sampling profile: shares, not absolute times; a native call's cost can show on the Java frame right
after it.
"""
import collections
import json
import re
import subprocess
import sys

# (regex on "class.method", stage), tested frame by frame from the leaf; the first match wins. Order matters
# only within one frame.
CRYPTO = [
    (r"NostrEvents\.verify|SchnorrVerifier|\.verify\(|Secp256k1.*[vV]erify|secp256k1_schnorrsig_verify", "verify"),
    (r"Envelope\.decrypt|Nip44Cipher\.decrypt|Nip04Cipher\.decrypt", "decrypt"),
    (r"Envelope\.encrypt|Nip44Cipher\.encrypt|Nip04Cipher\.encrypt", "encrypt"),
    (r"NostrEvents\.sign|SchnorrSigner|Secp256k1.*[sS]ign|secp256k1_schnorrsig_sign", "sign"),
    (r"NostrEvents\.(computeId|canonicalJson)|UnsignedEvent\.id", "event id (sha256 + JSON)"),
    (r"Nip44ConversationKey|Ecdh\.", "ecdh"),
]
CONTEXT = [
    (r"Pipeline\.(lambda\$)?send", "reply"),
    (r"DefaultRequestHandler", "handler"),
    (r"Pipeline\.onEvent|Pipeline\.onParsedEvent|IntakeFilter|EventJson\.parse", "intake"),
    (r"Pipeline\.(lambda\$)?process", "worker"),
    (r"RelayPoolTransport\.publish|RelayPool\.publish", "publish"),
    (r"AuthorizationCache|SingleFlight|store\.internal|org\.jdbi|com\.zaxxer|org\.sqlite|org\.postgresql", "store"),
    (r"RelayPool|RelayConnection|jdk\.internal\.net\.http|java\.net\.http|sun\.nio\.ch|org\.java_websocket",
     "relay I/O"),
    (r"HttpEndpoints|com\.sun\.net\.httpserver|io\.micrometer", "http (health/metrics)"),
    (r"keycast\.queue", "queue"),
]
JSON = r"com\.fasterxml\.jackson"


def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames") or []:
        m = f.get("method") or {}
        t = (m.get("type") or {}).get("name", "?")
        out.append(f"{t}.{m.get('name', '?')}".replace("/", "."))
    return out


# Native samples of threads that are waiting, not computing (selector waits, parked threads, blocking reads).
IDLE = re.compile(r"EPoll\.wait|Net\.poll|Net\.accept|ServerSocketChannelImpl\.accept|Unsafe\.park|Object\.wait|"
                  r"Thread\.sleep|SocketDispatcher\.read0|FileDispatcherImpl\.read0|IOUtil\.drain")


def label(fs):
    crypto = None
    for f in fs:
        for rx, name in CRYPTO:
            if re.search(rx, f):
                crypto = name
                break
        if crypto:
            break
    ctx = None
    for f in fs:
        for rx, name in CONTEXT:
            if re.search(rx, f):
                ctx = name
                break
        if ctx:
            break
    json_leafish = any(re.search(JSON, f) for f in fs[:12])
    if crypto:
        return f"{ctx or 'other'}: {crypto}"
    if json_leafish:
        return f"{ctx or 'other'}: json"
    return ctx or "other"


def group(thread):
    name = (thread or {}).get("javaName") or (thread or {}).get("osName") or "?"
    name = re.sub(r"\d+", "N", name)
    return name or "(virtual)"


def main():
    tool, rec = sys.argv[1], sys.argv[2]
    raw = subprocess.run([tool, "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", rec],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    stages = collections.Counter()
    groups = collections.Counter()
    leaves = collections.Counter()
    kinds = collections.Counter()
    idle = 0
    for ev in events:
        fs = frames(ev)
        if fs and IDLE.search(fs[0]):
            idle += 1
            continue
        kinds[ev["type"]] += 1
        stages[label(fs)] += 1
        groups[group(ev["values"].get("sampledThread"))] += 1
        if fs:
            leaves[fs[0]] += 1
    total = sum(stages.values()) or 1
    pct = lambda c: {k: {"samples": v, "share": round(v / total, 3)} for k, v in c.most_common()}
    print(json.dumps({"samples": total, "idle_samples_excluded": idle, "by_type": dict(kinds), "stages": pct(stages),
                      "thread_groups": pct(groups), "top_leaves": dict(leaves.most_common(25))}))


if __name__ == "__main__":
    main()
