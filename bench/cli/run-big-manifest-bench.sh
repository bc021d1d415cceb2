#!/usr/bin/env bash
# inject of a generated 1 000-document manifest against `kubectl kustomize` of the same manifest, with hyperfine.
#
#   CLI side:  the installed launcher (./install.sh --prefix PREFIX): PREFIX/bin/kubectl-sidecar inject --offline -f big.yaml
#   baseline:  kubectl kustomize DIR: a kustomization of the same big.yaml whose strategic-merge patches add to every
#              workload (targets by kind) the sidecar parts the engine adds (generated from a real injection)
#
# The manifest and the kustomization come from dev.kubectlsidecar.bench.BigManifest (bench/target/benchmarks.jar):
# groups of ten documents (two Deployments, a StatefulSet, a Job or DaemonSet, a CronJob, three Services, a
# ConfigMap, a ServiceAccount), 500 workloads in 1 000 documents. Before timing, both outputs are checked to hold
# the same documents with the same number of istio-proxy containers. The comparison runs as ROUNDS hyperfine runs
# in a row, pooled (bench/cli/hyperfine-rounds.sh); prints a markdown table of medians and the ratio to kustomize,
# plus each command's CPU time, and keeps hyperfine's JSON, the outputs and the table in bench/target/big-manifest/.
# Needs the CLI jar and benchmarks.jar (./mvnw -q -o package -DskipTests -pl cli,bench -am), hyperfine and jq.
#
# Environment: DOCUMENTS (default 1000), PREFIX to install into (default bench/target/big-manifest/install), RUNS
# per command in all (default 10), ROUNDS (default 5), WARMUP runs per command and round (default 1), KUBECTL
# (default /usr/bin/kubectl), NATIVE (default cli/target/kubectl-sidecar: when it exists, the native image is timed
# too, and must write the same output as the launcher).
set -euo pipefail

cd "$(dirname "$0")/../.."
OUT=bench/target/big-manifest
DOCUMENTS=${DOCUMENTS:-1000}
PREFIX=${PREFIX:-$OUT/install}
KUBECTL=${KUBECTL:-/usr/bin/kubectl}
RUNS=${RUNS:-10}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-1}
RUNS_PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
TARGET=1.0

fail() {
    echo "run-big-manifest-bench: $*" >&2
    exit 1
}

# shellcheck source=bench/cli/hyperfine-rounds.sh
source bench/cli/hyperfine-rounds.sh
require_hyperfine
[[ -f cli/target/kubectl-sidecar.jar && -f bench/target/benchmarks.jar ]] \
    || fail "build first: ./mvnw -q -o package -DskipTests -pl cli,bench -am"
[[ -x $KUBECTL ]] || fail "no kubectl at $KUBECTL (set KUBECTL=...)"

rm -rf "$OUT/inputs" "$OUT"/*.json "$OUT"/*.log
mkdir -p "$OUT"
./install.sh --jvm --prefix "$PREFIX" >"$OUT/install.log" 2>&1 || fail "install.sh failed: see $OUT/install.log"
PLUGIN=$PREFIX/bin/kubectl-sidecar
java -cp bench/target/benchmarks.jar dev.kubectlsidecar.bench.BigManifest "$OUT/inputs" "$DOCUMENTS"

# Same documents, same sidecars: otherwise the comparison would not be of the same work.
"$PLUGIN" inject --offline -f "$OUT/inputs/big.yaml" >"$OUT/inject.out" 2>"$OUT/inject.err"
"$KUBECTL" kustomize "$OUT/inputs/kustomize" >"$OUT/kustomize.out"
declare -A proxies
for output in inject kustomize; do
    documents=$(grep -c '^kind: ' "$OUT/$output.out" || true)
    proxies[$output]=$(grep -c 'name: istio-proxy$' "$OUT/$output.out" || true)
    echo "$output: $documents documents, ${proxies[$output]} istio-proxy containers, $(wc -c <"$OUT/$output.out") bytes" >&2
    [[ $documents == "$DOCUMENTS" ]] || fail "$output wrote $documents documents, not $DOCUMENTS"
done
[[ ${proxies[inject]} == "${proxies[kustomize]}" && ${proxies[inject]} -gt 0 ]] \
    || fail "inject added ${proxies[inject]} proxies, kustomize ${proxies[kustomize]}"
NATIVE=${NATIVE:-cli/target/kubectl-sidecar}
native=()
if [[ -x $NATIVE ]]; then
    "$NATIVE" inject --offline -f "$OUT/inputs/big.yaml" >"$OUT/native.out" 2>"$OUT/native.err"
    cmp -s "$OUT/inject.out" "$OUT/native.out" || fail "the native image's output differs from the launcher's ($OUT/native.out)"
    native=(--command-name "kubectl-sidecar inject --offline -f big.yaml (native image)" "$NATIVE inject --offline -f $OUT/inputs/big.yaml")
fi

echo "run-big-manifest-bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$ROUNDS rounds of $RUNS_PER_ROUND runs after $WARMUP warm-up runs, per command" >&2
rounds big --command-name "kubectl-sidecar inject --offline -f big.yaml (installed launcher)" \
    "$PLUGIN inject --offline -f $OUT/inputs/big.yaml" "${native[@]}" \
    --command-name "kubectl kustomize (big.yaml + sidecar patches)" "$KUBECTL kustomize $OUT/inputs/kustomize"

{
    echo "### inject of a ${DOCUMENTS}-document manifest vs kubectl kustomize"
    echo
    table big "$TARGET"
    echo
    echo "Measured $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD) on $(nproc) cores; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "$(java -version 2>&1 | head -1); $("$KUBECTL" version --client 2>/dev/null | head -1); hyperfine $(hyperfine --version | cut -d' ' -f2)."
    echo "Each command: $ROUNDS rounds × $RUNS_PER_ROUND runs (after $WARMUP warm-up runs per round), pooled."
    echo "Output: inject $(wc -c <"$OUT/inject.out") bytes, kustomize $(wc -c <"$OUT/kustomize.out") bytes; ${proxies[inject]} workloads injected."
    # CPU time is what load from other processes disturbs least (hyperfine keeps it per round, not per run).
    jq -rs '[.[].results] | transpose[] | "CPU time (user + system, mean of the rounds): \(.[0].command): "
        + "\((map(.user + .system) | add / length * 1000) | round) ms"' "$OUT"/big-round*.json
} | tee "$OUT/results.md"
