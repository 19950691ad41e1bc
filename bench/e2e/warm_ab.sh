#!/usr/bin/env bash
# The open-loop tail of two builds after warm-up: one daemon (DAEMON_ROOT's jar, with its relay) driven at 1,000/s
# sign_event for 10 s (3 s driver warm-up) four times in a row, alternately by A's and by B's driver
# (OfferedLoad.java on each checkout's own jar), so that the driver's and the daemon's share of the tail can be
# told apart and the daemon's own warm-up shows as the runs go on.
#
#   bench/e2e/warm_ab.sh A_ROOT B_ROOT DAEMON_ROOT
#
# Each ROOT is a checkout with keycast-cli/target/keycast.jar built. Results: bench/e2e/out/warm_ab/<daemon>/.
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; DAEMON_ROOT="$(cd "$3" && pwd)"
export KEYCAST_JAR="$DAEMON_ROOT/keycast-cli/target/keycast.jar"
export E2E_OUT="${E2E_OUT:-$(cd "$(dirname "$0")" && pwd)/out/warm_ab/$(basename "$DAEMON_ROOT")}"
. "$DAEMON_ROOT/bench/e2e/lib.sh"
: >"$E2E_OUT/results.jsonl"
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
e2e_serve "$(e2e_free_port)"
e2e_loadtest --bunker "$BUNKER_URI" --requests 2000 --concurrency 32 --method sign_event >/dev/null
for round in 1 2; do
  for side in A B; do
    root=$A; [ "$side" = B ] && root=$B
    out=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$root/keycast-cli/target/keycast.jar" \
      "$root/bench/e2e/OfferedLoad.java" --bunker "$BUNKER_URI" --clients 4 --method sign_event --rate 1000 \
      --seconds 10 --warmup-seconds 3 --label "driver-$side" --out "$E2E_OUT")
    e2e_record "driver-$side/$round" "$out"
  done
done
