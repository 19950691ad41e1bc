#!/usr/bin/env bash
# (a) End-to-end throughput: keycast loadtest -> dev relay -> keycast serve, all on this machine, for sign_event
# and nip44_encrypt at rising concurrency (closed loop), then an open-loop offered rate (default 1,000/s) for the
# p99 target and a sustained-rate check (default 2,000/s). Results: bench/e2e/out/throughput/results.jsonl.
#
#   bench/e2e/throughput.sh [REQUESTS_PER_POINT] [CONCURRENCY_LIST]
#
# Env: OFFERED (default 1000), SUSTAINED (default 2000), SECONDS_OPEN (default 10), SERVE_ARGS (extra serve options),
# OPEN_ONLY=1 (skip the closed-loop sweep). Each open-loop run first warms its own fresh driver JVM for 3 s
# (closed loop, not recorded): without it the first second carries the load generator's JIT warm-up.
. "$(dirname "$0")/lib.sh"
N="${1:-4000}"
CONCURRENCY="${2:-1 4 16 64 256}"
OFFERED="${OFFERED:-1000}"
SUSTAINED="${SUSTAINED:-2000}"
SECONDS_OPEN="${SECONDS_OPEN:-10}"
: >"$E2E_OUT/results.jsonl"

e2e_build
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
# shellcheck disable=SC2086
e2e_serve "$(e2e_free_port)" ${SERVE_ARGS:-}
e2e_log "serve healthy in ${SERVE_START_MS} ms; bunker $BUNKER_URI"

# Warm-up (JIT, conversation keys), not recorded.
e2e_loadtest --bunker "$BUNKER_URI" --requests 2000 --concurrency 32 --method sign_event >/dev/null

for method in sign_event nip44_encrypt; do
  [ -n "${OPEN_ONLY:-}" ] && break
  for c in $CONCURRENCY; do
    n=$((c * 250 < N ? c * 250 : N)) # low concurrency is slow: bound the run time, not the count
    out=$(e2e_loadtest --bunker "$BUNKER_URI" --requests "$n" --concurrency "$c" --method "$method")
    e2e_record "loadtest/$method/c$c" "$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["concurrency"]='"$c"'; d["method"]="'"$method"'"; print(json.dumps(d))')"
  done
done

# Open loop: requests due at a fixed rate, latency measured from the due time (no coordinated omission).
for method in sign_event nip44_encrypt; do
  e2e_record "open/$method/${OFFERED}rps" "$(e2e_drive --bunker "$BUNKER_URI" --clients 4 --method "$method" \
      --rate "$OFFERED" --seconds "$SECONDS_OPEN" --warmup-seconds 3 --label "open-$method-$OFFERED" --out "$E2E_OUT")"
done
e2e_record "open/sign_event/${SUSTAINED}rps" "$(e2e_drive --bunker "$BUNKER_URI" --clients 4 --method sign_event \
    --rate "$SUSTAINED" --seconds "$SECONDS_OPEN" --warmup-seconds 3 --label "open-sign_event-$SUSTAINED" --out "$E2E_OUT")"

e2e_log "done: $E2E_OUT/results.jsonl"
