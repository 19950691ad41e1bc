#!/usr/bin/env python3
"""Turns the machine-readable lines of one bench/run-all.sh run into the ratio tables of docs/BENCHMARKS.md.

Usage: python3 bench/summarize.py target/bench/all.txt [mean|best]   (default best: each harness's best slice or
iteration, the figure least disturbed by other processes on a shared machine; `mean` uses the whole-run means)
"""
import re
import sys

path = sys.argv[1]
stat = sys.argv[2] if len(sys.argv) > 2 else "best"
key = "best_ops_per_s" if stat == "best" else "ops_per_s"

c, jmh, node = {}, {}, {}
for line in open(path, encoding="utf-8"):
    fields = dict(re.findall(r"(\w+)=(\S+)", line))
    if key not in fields:
        continue
    value = float(fields[key])
    if line.startswith("c-secp256k1 "):
        k = (fields["lib"], fields["op"])
        c[k] = max(value, c.get(k, 0.0))  # C runs at the start and the end: the faster one is the reference
    elif line.startswith("jmh "):
        jmh[(fields["backend"], fields["op"].split(".")[-1])] = value
    elif line.startswith("nostr-tools "):
        node[(fields["impl"], fields["op"])] = value


def fmt(v):
    return "—" if v is None else f"{v:,.0f}"


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


backends = [b for b in ("ffm", "jni", "java") if any(k[0] == b for k in jmh)]
print(f"Figures: {stat} (ops/s, single thread)\n")

print("| operation | C debian | C acinq .so | " + " | ".join(backends) + " | nostr-tools |")
print("|---|---:|---:|" + "---:|" * len(backends) + "---:|")
rows = [
    ("sign, cached keypair", "sign_cached_keypair", "sign", "sign"),
    ("sign, fresh SecureRandom aux", None, "signRandomAux", None),
    ("sign, keypair derived every call", "sign_derive_keypair", "signNewSigner", None),
    ("verify", "verify_cached_key", "verify", "verify"),
    ("ECDH-x (x-only key as bytes)", "ecdh_x", "ecdhX", "ecdh_x"),
    ("ECDH-x, peer key parsed once (C only)", "ecdh_x_parsed", None, None),
    ("event id+sign", None, "eventIdSign", "event_id_sign"),
    ("event verify", None, "eventVerify", "event_verify"),
    ("NIP-44 conversation key", None, "conversationKey", "nip44_conversation_key"),
    ("NIP-44 encrypt 100 B", None, "encrypt100B", "nip44_encrypt_100B"),
    ("NIP-44 encrypt 10 KB", None, "encrypt10KB", "nip44_encrypt_10KB"),
    ("NIP-44 decrypt 100 B", None, "decrypt100B", "nip44_decrypt_100B"),
]
for label, cop, jop, nop in rows:
    cells = [fmt(c.get(("debian", cop))) if cop else "", fmt(c.get(("acinq", cop))) if cop else ""]
    cells += [fmt(jmh.get((b, jop))) if jop else "" for b in backends]
    ntext = ""
    if nop:
        ntext = fmt(node.get(("pure", nop)))
        if ("wasm", nop) in node:
            ntext += f" (wasm {fmt(node[('wasm', nop)])})"
    print(f"| {label} | " + " | ".join(cells) + f" | {ntext} |")

print("\nRatios to C (same run):\n")
print("| ratio | target | " + " | ".join(f"{b} / C debian | {b} / C acinq" for b in backends) + " |")
print("|---|---|" + "---:|---:|" * len(backends))
targets = [
    ("sign / C sign (cached keypair)", "≥ 0.9", "sign", "sign_cached_keypair"),
    ("sign / C sign (keypair derived every call)", "—", "sign", "sign_derive_keypair"),
    ("verify / C verify", "≥ 0.9", "verify", "verify_cached_key"),
    ("ECDH-x / C ECDH-x", "≥ 0.9", "ecdhX", "ecdh_x"),
]
for label, target, jop, cop in targets:
    cells = []
    for b in backends:
        cells += [ratio(jmh.get((b, jop)), c.get(("debian", cop))), ratio(jmh.get((b, jop)), c.get(("acinq", cop)))]
    print(f"| {label} | {target} | " + " | ".join(cells) + " |")

print("\nWithin Java (same run):\n")
print("| ratio | target | " + " | ".join(backends) + " |")
print("|---|---|" + "---:|" * len(backends))
for label, target, a, b_ in [
    ("event id+sign / sign (fixed aux)", "≥ 0.9", "eventIdSign", "sign"),
    ("event id+sign / sign (SecureRandom aux, as events use)", "≥ 0.9", "eventIdSign", "signRandomAux"),
]:
    print(f"| {label} | {target} | " + " | ".join(ratio(jmh.get((b, a)), jmh.get((b, b_))) for b in backends) + " |")
for label, ref, op in [("NIP-44 encrypt 100 B / 450k reference", 450_000, "encrypt100B"),
                       ("NIP-44 encrypt 10 KB / 70k reference", 70_000, "encrypt10KB")]:
    print(f"| {label} | ≥ 1.0 | " + " | ".join(ratio(jmh.get((b, op)), ref) for b in backends) + " |")

print("\nSpeed-up over nostr-tools (pure JS, its default build; same run):\n")
print("| operation | " + " | ".join(backends) + " |")
print("|---|" + "---:|" * len(backends))
for label, jop, nop in [("sign", "sign", "sign"), ("verify", "verify", "verify"), ("ECDH-x", "ecdhX", "ecdh_x"),
                        ("event id+sign", "eventIdSign", "event_id_sign"), ("event verify", "eventVerify", "event_verify"),
                        ("NIP-44 encrypt 100 B", "encrypt100B", "nip44_encrypt_100B"),
                        ("NIP-44 encrypt 10 KB", "encrypt10KB", "nip44_encrypt_10KB"),
                        ("NIP-44 decrypt 100 B", "decrypt100B", "nip44_decrypt_100B")]:
    cells = []
    for b in backends:
        r = ratio(jmh.get((b, jop)), node.get(("pure", nop)))
        cells.append(r if r == "—" else r + "×")
    print(f"| {label} | " + " | ".join(cells) + " |")
if ("wasm", "event_id_sign") in node:
    print("\nAgainst nostr-tools/wasm (nostr-wasm, libsecp256k1 in WebAssembly), event operations only: " + ", ".join(
        f"{b}: id+sign {ratio(jmh.get((b, 'eventIdSign')), node[('wasm', 'event_id_sign')])}×, "
        f"verify {ratio(jmh.get((b, 'eventVerify')), node.get(('wasm', 'event_verify')))}×" for b in backends))
