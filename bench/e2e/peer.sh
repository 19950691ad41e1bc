#!/usr/bin/env bash
# (f) A peer side by side: a bunker on NDK's NDKNip46Backend (bench/ndk, @nostr-dev-kit/ndk pinned by its lock file)
# and keycast serve on the same dev relay, driven by the same load generator (keycast loadtest for closed-loop
# throughput, the bench driver for an open-loop rate both can carry), one after the other, with the ratios taken
# from this run. Results: bench/e2e/out/peer/results.jsonl.
#
#   bench/e2e/peer.sh [REQUESTS_PER_POINT] [CONCURRENCY_LIST]
#
# Env: PEER_RATE (open-loop rate offered to both, default 100/s), SECONDS_OPEN (default 10).
. "$(dirname "$0")/lib.sh"
N="${1:-1500}"
CONCURRENCY="${2:-1 16 64}"
PEER_RATE="${PEER_RATE:-100}"
SECONDS_OPEN="${SECONDS_OPEN:-10}"
: >"$E2E_OUT/results.jsonl"
NDK_DIR="$ROOT/bench/ndk"

if [ ! -d "$NDK_DIR/node_modules/@nostr-dev-kit/ndk" ]; then
  e2e_log "installing the NDK peer (npm ci, pinned by bench/ndk/package-lock.json)"
  (cd "$NDK_DIR" && npm ci --no-audit --no-fund >&2)
fi
e2e_build
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
e2e_serve "$(e2e_free_port)"

node "$NDK_DIR/bunker.mjs" --relay "$RELAY_URL" >"$E2E_OUT/ndk.out" 2>"$E2E_OUT/ndk.err" &
NDK_PID=$!
E2E_PIDS+=($NDK_PID)
for _ in $(seq 1 100); do
  [ -s "$E2E_OUT/ndk.out" ] && break
  sleep 0.1
done
NDK_URI=$(head -n 1 "$E2E_OUT/ndk.out")
[ -n "$NDK_URI" ] || { echo "the NDK bunker did not start:" >&2; cat "$E2E_OUT/ndk.err" >&2; exit 1; }
e2e_log "keycast $BUNKER_URI"
e2e_log "ndk     $NDK_URI"

# Warm both (JIT on one side, V8 on the other).
e2e_loadtest --bunker "$BUNKER_URI" --requests 1000 --concurrency 16 >/dev/null
e2e_loadtest --bunker "$NDK_URI" --requests 300 --concurrency 16 --timeout 30 >/dev/null

add() { python3 -c 'import json,sys; d=json.load(sys.stdin); d.update(json.loads(sys.argv[1])); print(json.dumps(d))' "$1"; }
for method in sign_event nip44_encrypt; do
  for c in $CONCURRENCY; do
    for side in keycast ndk; do
      uri=$BUNKER_URI
      [ "$side" = ndk ] && uri=$NDK_URI
      n=$((c * 100 < N ? c * 100 : N)) # low concurrency is slow: bound the run time, not the count
      out=$(e2e_loadtest --bunker "$uri" --requests "$n" --concurrency "$c" --method "$method" --timeout 30)
      e2e_record "loadtest/$side/$method/c$c" "$(echo "$out" | add "{\"side\":\"$side\",\"method\":\"$method\",\"concurrency\":$c}")"
    done
  done
  for side in keycast ndk; do
    uri=$BUNKER_URI
    [ "$side" = ndk ] && uri=$NDK_URI
    e2e_record "open/$side/$method/${PEER_RATE}rps" "$(e2e_drive --bunker "$uri" --method "$method" \
        --rate "$PEER_RATE" --seconds "$SECONDS_OPEN" --timeout 30 --label "open-$side-$method" | \
        add "{\"side\":\"$side\"}")"
  done
done

python3 - "$E2E_OUT/results.jsonl" >"$E2E_OUT/ratios.json" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["name"]: r for r in rows}
out = {}
for name, k in by.items():
    if "/keycast/" not in name:
        continue
    n = by.get(name.replace("/keycast/", "/ndk/"))
    if not n:
        continue
    key = name.replace("/keycast/", "/")
    out[key] = {
        "throughput_ratio_keycast_over_ndk": round(k["throughput_rps"] / max(n["throughput_rps"], 1e-9), 2),
        "p50_ratio_ndk_over_keycast": round(n["p50_ms"] / max(k["p50_ms"], 1e-9), 2),
        "p99_ratio_ndk_over_keycast": round(n["p99_ms"] / max(k["p99_ms"], 1e-9), 2),
        "keycast": {x: k.get(x) for x in ("throughput_rps", "p50_ms", "p99_ms", "timeouts")},
        "ndk": {x: n.get(x) for x in ("throughput_rps", "p50_ms", "p99_ms", "timeouts")},
    }
print(json.dumps(out, indent=1))
EOF
cat "$E2E_OUT/ratios.json" >&2
e2e_log "done: $E2E_OUT/results.jsonl, $E2E_OUT/ratios.json"
