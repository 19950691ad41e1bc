#!/usr/bin/env bash
# (c) The review's failure reproduced: the overload burst of overload.sh, first against the real design (crypto on
# the bounded CPU pool), then against the reviewed design (every CPU task inline on the calling request worker, as
# the reviewed signer did), at the same offered rate. Compare /health and ping-probe latency, timeouts and
# throughput. Results: bench/e2e/out/review/results.jsonl.
#
# The library has no switch for the reviewed design: the second daemon is the build of REVIEW_BASELINE (default
# c4061cc, the last commit whose CpuExecutor ran its work inline under -Dkeycast.benchmark.cryptoOnCallerThread=true),
# exported with git archive and built once into $E2E_OUT/baseline-<commit>.
#
#   bench/e2e/review.sh
# Env: BACKEND=java runs both daemons on the pure-Java (Bouncy Castle) secp256k1 backend, about 3x slower crypto.
#      REVIEW_BASELINE=<commit> builds the reviewed-design daemon from another commit that has the switch.
. "$(dirname "$0")/overload.sh"
: >"$E2E_OUT/results.jsonl"
e2e_build
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
B=()
[ -n "${BACKEND:-}" ] && B=(-Dkeycast.crypto.backend="$BACKEND")
burst "design${BACKEND:+-$BACKEND}" "${B[@]}"
REVIEW_BASELINE="${REVIEW_BASELINE:-c4061cc}"
BASELINE_DIR="$E2E_OUT/baseline-$REVIEW_BASELINE"
if [ ! -f "$BASELINE_DIR/keycast-cli/target/keycast.jar" ]; then
  e2e_log "building the reviewed-design daemon from $REVIEW_BASELINE into $BASELINE_DIR"
  rm -rf "$BASELINE_DIR" && mkdir -p "$BASELINE_DIR"
  git -C "$ROOT" archive "$REVIEW_BASELINE" | tar -x -C "$BASELINE_DIR"
  (cd "$BASELINE_DIR" && ./mvnw -B -q -pl keycast-cli -am package -DskipTests)
fi
JAR="$BASELINE_DIR/keycast-cli/target/keycast.jar" KEYCAST_JAR="$BASELINE_DIR/keycast-cli/target/keycast.jar" \
  burst "crypto-on-workers${BACKEND:+-$BACKEND}" -Dkeycast.benchmark.cryptoOnCallerThread=true "${B[@]}"
e2e_log "done: $E2E_OUT/results.jsonl"
