#!/usr/bin/env bash
# (c) The review's failure reproduced: the overload burst of overload.sh, first against the real design (crypto on
# the bounded CPU pool), then against a daemon started with the benchmark-only switch
# -Dkeycast.benchmark.cryptoOnCallerThread=true (CpuExecutor runs every task inline on the calling request worker,
# as the reviewed signer did), at the same offered rate. Compare /health and ping-probe latency, timeouts and
# throughput. Results: bench/e2e/out/review/results.jsonl.
#
#   bench/e2e/review.sh
# Env: BACKEND=java runs both daemons on the pure-Java (Bouncy Castle) secp256k1 backend, about 3x slower crypto.
. "$(dirname "$0")/overload.sh"
: >"$E2E_OUT/results.jsonl"
e2e_build
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
B=()
[ -n "${BACKEND:-}" ] && B=(-Dkeycast.crypto.backend="$BACKEND")
burst "design${BACKEND:+-$BACKEND}" "${B[@]}"
burst "crypto-on-workers${BACKEND:+-$BACKEND}" -Dkeycast.benchmark.cryptoOnCallerThread=true "${B[@]}"
e2e_log "done: $E2E_OUT/results.jsonl"
