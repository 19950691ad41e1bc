#!/usr/bin/env bash
# Issue 12: failover time of a cluster. Three `keycast serve` on one PostgreSQL database (a fresh database, dropped
# at the end) and one relay serve KEYS bunker keys; KILLS times, the instance owning the most keys is killed with
# SIGKILL, and the time until the survivors' /health together report every key owned again is measured (polled
# every 20 ms); the killed instance is then restarted under the same id and the cluster left to settle.
#
#   bench/e2e/cluster_failover.sh [KILLS] [KEYS]
#
# Env: PGHOST_URL (default jdbc:postgresql://127.0.0.1:5432), PGUSER (default postgres).
# Results: bench/e2e/out/cluster_failover/results.jsonl (one line: median, max and every sample in ms).
. "$(dirname "$0")/lib.sh"
KILLS="${1:-20}"
KEYS="${2:-12}"
PGUSER="${PGUSER:-postgres}"
DBNAME="kc_failover_$$"
createdb -h 127.0.0.1 -U "$PGUSER" "$DBNAME"
trap 'e2e_cleanup; dropdb -h 127.0.0.1 -U "$PGUSER" --if-exists --force "$DBNAME" >/dev/null 2>&1 || true' EXIT
DB="${PGHOST_URL:-jdbc:postgresql://127.0.0.1:5432}/$DBNAME?user=$PGUSER"

e2e_build
e2e_relay "$(e2e_free_port)"
export KEYCAST_HOME="$E2E_OUT/home"
rm -rf "$KEYCAST_HOME"
kc init --db "$DB" >/dev/null
kc keys generate --name bench --db "$DB" >/dev/null
for ((i = 0; i < KEYS; i++)); do
  kc authorize --key bench --relay "$RELAY_URL" --db "$DB" >/dev/null
done

declare -A PORT PID
start() { e2e_instance_start "$1"; }
owned() { e2e_instance_health "$1" keys_owned; }
total() { # IDS...: keys owned by them together
  local s=0 id
  for id in "$@"; do s=$((s + $(owned "$id"))); done
  echo "$s"
}
settle() { # waits until the three count each other live and together own every key
  local i
  for ((i = 0; i < 300; i++)); do
    if [ "$(total a b c)" -eq "$KEYS" ] && [ "$(live a)" -eq 3 ] && [ "$(live b)" -eq 3 ] && [ "$(live c)" -eq 3 ]; then
      return 0
    fi
    sleep 0.1
  done
  echo "cluster did not settle: a=$(owned a) b=$(owned b) c=$(owned c)" >&2
  exit 1
}
live() { e2e_instance_health "$1" instances; }

for id in a b c; do start "$id"; done
settle
samples=()
for ((k = 1; k <= KILLS; k++)); do
  victim=a best=-1
  for id in a b c; do # the instance owning the most keys (with slots, one may own none)
    n=$(owned "$id")
    if [ "$n" -gt "$best" ]; then best=$n victim=$id; fi
  done
  survivors=()
  for id in a b c; do [ "$id" != "$victim" ] && survivors+=("$id"); done
  t0=$(date +%s%3N)
  kill -9 "${PID[$victim]}"
  wait "${PID[$victim]}" 2>/dev/null || true
  while [ "$(total "${survivors[@]}")" -lt "$KEYS" ]; do
    sleep 0.02
    if [ $(($(date +%s%3N) - t0)) -gt 30000 ]; then echo "no takeover within 30 s" >&2; exit 1; fi
  done
  ms=$(($(date +%s%3N) - t0))
  samples+=("$ms")
  e2e_log "kill $k: $victim owned $best key(s); survivors own all $KEYS after $ms ms"
  start "$victim"
  settle
done
line=$(python3 -c 'import json,statistics,sys; s=[int(x) for x in sys.argv[2:]]; print(json.dumps({"kills": len(s), "keys": int(sys.argv[1]), "median_ms": statistics.median(s), "max_ms": max(s), "min_ms": min(s), "samples_ms": s}))' "$KEYS" "${samples[@]}")
e2e_record cluster_failover "$line"
echo "$line"
