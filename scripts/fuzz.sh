#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of every parser that takes outside input; see docs/fuzzing.md.
#
#   scripts/fuzz.sh [--runs N] [target ...]
#
# Targets: nip19 nip44-decrypt nip04-decrypt nip49-decrypt (keycast-crypto), relay-messages nip46-codec event-json
# bunker-uri nostrconnect-uri (keycast-nip46); default: all of them, one after the other, --runs 1000000 inputs each.
# Each target runs in one JVM pinned to one CPU (taskset) and limited to one processor. Output goes to target/fuzz/<target>/ (log, corpus, crash
# inputs and Java reproducers); one summary line per target is printed and appended to target/fuzz/summary.tsv.
# Exit code: 0 when no target found a crash, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
keycast_find_java_home

runs=1000000
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(nip19 nip44-decrypt nip04-decrypt nip49-decrypt
  relay-messages nip46-codec event-json bunker-uri nostrconnect-uri)

module_of() {
  case "$1" in
    nip19|nip44-decrypt|nip04-decrypt|nip49-decrypt)
      echo "keycast-crypto dev.keycast.crypto.fuzz.CryptoFuzzTargets dev.keycast.**" ;;
    relay-messages|nip46-codec|event-json|bunker-uri|nostrconnect-uri)
      echo "keycast-nip46 dev.keycast.nip46.fuzz.Nip46FuzzTargets dev.keycast.**:com.fasterxml.jackson.**" ;;
    *) echo "fuzz.sh: unknown target $1" >&2; exit 64 ;;
  esac
}
for t in "${targets[@]}"; do module_of "$t" >/dev/null; done

# Compile main and test classes (no install into ~/.m2) and write each module's test classpath, Jazzer included.
./mvnw -B -q -Pfuzz -pl keycast-crypto,keycast-nip46 -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz.classpath

out=target/fuzz
mkdir -p "$out"
summary="$out/summary.tsv"
[ -f "$summary" ] || printf 'date\ttarget\truns\tseconds\texec_per_s\tcov\tft\tcorpus\tcrashes\n' > "$summary"
failed=0
# At most one core: pin each Jazzer JVM to the last CPU (the fuzzing loop is one thread; JIT and GC threads share it).
pin=()
if command -v taskset >/dev/null 2>&1; then
  pin=(taskset -c "$(( $(nproc) - 1 ))")
fi
for t in "${targets[@]}"; do
  read -r module registry includes <<<"$(module_of "$t")"
  cp="$PWD/$module/target/test-classes:$PWD/$module/target/classes:$(cat "$module/target/fuzz.classpath")"
  dir="$out/$t"
  rm -rf "$dir/seeds" "$dir/artifacts"  # the corpus stays: a second run starts where the first stopped
  mkdir -p "$dir/corpus" "$dir/artifacts"
  java=("$JAVA_HOME/bin/java" -XX:ActiveProcessorCount=1 -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$cp")
  class="$("${java[@]}" "$registry" "$t" "$dir/seeds")"
  echo "fuzz.sh: $t ($class), $runs inputs, log in $dir/fuzz.log" >&2
  start=$(date +%s)
  set +e
  "${pin[@]}" "${java[@]}" com.code_intelligence.jazzer.Jazzer --target_class="$class" \
    --instrumentation_includes="$includes" \
    --reproducer_path="$dir/artifacts" \
    -runs="$runs" -max_len=4096 -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" "$dir/seeds" > "$dir/fuzz.log" 2>&1
  rc=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$dir/fuzz.log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "$dir/artifacts" -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "${executed:-?}" "$seconds" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}" "$crashes" | tee -a "$summary"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    echo "fuzz.sh: $t FAILED (exit $rc); see $dir/fuzz.log and $dir/artifacts" >&2
    failed=1
  fi
done
exit $failed
