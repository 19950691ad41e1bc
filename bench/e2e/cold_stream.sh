#!/usr/bin/env bash
# Cold against warm at scale, end to end (issue 16 item 3): N authorizations (default 100,000) seeded through the
# store API (as keys.sh seeds them, COUNT * ROUNDS + 20 of them with a connected client), then for each database
# one daemon (a restart, with the class-data archive) and, once its key warmer finished, ROUNDS runs of
# ColdWarmStream.java on fresh key ranges: COUNT keys (default 500), each sent its first sign_event (cold) and,
# LAG steps later, its second (warm), the two streams interleaved at RATE pairs per second (default 20), all
# clients connected and subscribed before the first request. Prints per round the p50/p99 of each kind and their
# differences; results in bench/e2e/out/cold_stream/results.jsonl.
#
#   bench/e2e/cold_stream.sh [N] [COUNT] [RATE] [ROUNDS] [LAG]
#
# Env: DATABASES ("sqlite postgresql"), PG_URL_BASE (jdbc:postgresql://127.0.0.1:5432), PG_USER (current user),
# KEYCAST_JAR (measure a given build).
. "$(dirname "$0")/lib.sh"
N="${1:-100000}"
COUNT="${2:-500}"
RATE="${3:-20}"
ROUNDS="${4:-2}"
LAG="${5:-10}"
DATABASES="${DATABASES:-sqlite postgresql}"
CONNECTED=$((COUNT * ROUNDS + 20))
: >"$E2E_OUT/results.jsonl"

e2e_build
e2e_relay "$(e2e_free_port)"

for db in $DATABASES; do
  e2e_scale_db "$db" "$E2E_OUT/home-$db" "$N" "$CONNECTED" || continue
  if [ "${E2E_CDS:-1}" = 1 ] && [ -z "${cds_ready:-}" ]; then
    e2e_serve "$(e2e_free_port)" # writes the class-data archive the measured start uses
    e2e_stop_serve
    cds_ready=1
  fi
  log_from=$(wc -l <"$E2E_OUT/serve.log" 2>/dev/null || echo 0)
  e2e_serve "$(e2e_free_port)"
  warmer_ms=""
  for _ in $(seq 1 1200); do # the key warmer's log line, at most 120 s
    warmer_ms=$(tail -n +"$((log_from + 1))" "$E2E_OUT/serve.log" \
        | awk '/ahead of their first request in/ {for (i = 1; i < NF; i++) if ($(i + 1) == "ms") v = $i} END {print v}')
    [ -n "$warmer_ms" ] && break
    sleep 0.1
  done
  e2e_record "$db/start" "{\"authorizations\":$N,\"start_to_healthy_ms\":$SERVE_START_MS,\"key_warmer_ms\":${warmer_ms:-null}}"
  for r in $(seq 0 $((ROUNDS - 1))); do
    e2e_log "$db: round $((r + 1)) of $ROUNDS (load $(e2e_load))"
    line=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/ColdWarmStream.java" \
        "$E2E_OUT/seed-$db.tsv" "$RELAY_URL" $((r * COUNT)) "$COUNT" "$LAG" "$RATE" $((COUNT * ROUNDS)) 10 \
        2>>"$E2E_OUT/stream-$db.log")
    e2e_record "$db/stream" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["round"]=int(sys.argv[2]); print(json.dumps(d))' "$line" "$r")"
  done
  e2e_stop_serve
done
e2e_log "done: $E2E_OUT/results.jsonl"
