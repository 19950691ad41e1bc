#!/usr/bin/env bash
# Daemon start time at scale, two jars alternated on the same seeded database: N authorizations (default 100,000)
# seeded once through the store API (as keys.sh seeds them), then for each database and ROUNDS times (default 3),
# OLD then NEW: `keycast serve` from process start to /health 200, as a restart (each jar's class-data archive
# written by a first, unmeasured start, as ./keycast does).
# Results: bench/e2e/out/start_ab/results.jsonl.
#
#   bench/e2e/start_ab.sh OLD_JAR NEW_JAR [N] [ROUNDS]
#
# Env: DATABASES ("sqlite postgresql"), PG_URL_BASE (jdbc:postgresql://127.0.0.1:5432), PG_USER (current user).
. "$(dirname "$0")/lib.sh"
OLD="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
NEW="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
N="${3:-100000}"
ROUNDS="${4:-3}"
DATABASES="${DATABASES:-sqlite postgresql}"
: >"$E2E_OUT/results.jsonl"

e2e_build
SEED_JAR="$JAR"
e2e_relay "$(e2e_free_port)"

for db in $DATABASES; do
  JAR="$SEED_JAR"
  e2e_scale_db "$db" "$E2E_OUT/home-$db" "$N" 10 || continue
  for side in old new; do # the class-data archive of each jar, written when its first daemon exits
    JAR="$OLD"; [ "$side" = new ] && JAR="$NEW"
    e2e_serve "$(e2e_free_port)"
    e2e_stop_serve
  done
  for r in $(seq 1 "$ROUNDS"); do
    for side in old new; do
      JAR="$OLD"; [ "$side" = new ] && JAR="$NEW"
      e2e_serve "$(e2e_free_port)"
      e2e_record "$db/start/$side" "{\"round\":$r,\"authorizations\":$N,\"start_to_healthy_ms\":$SERVE_START_MS}"
      e2e_stop_serve
    done
  done
done
e2e_log "done: $E2E_OUT/results.jsonl"
