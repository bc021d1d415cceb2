#!/usr/bin/env bash
# Whole-process timings of the CLI against kubectl, with hyperfine.
#
#   inject:  kubectl-sidecar inject --offline -f examples/shop.yaml  vs  kubectl kustomize DIR (shop.yaml + a sidecar patch)
#   startup: kubectl-sidecar --help                                  vs  kubectl version --client
#
# kubectl-sidecar is the launcher README's first command makes: install.sh into a prefix under bench/target (its JVM
# flags and start-up caches, made by training runs on this machine). For reference, each command also runs as a
# bare `java -jar JAR` (no flags, no cache), and the JVM's floor (`java -version`) is measured with the help.
#
# Each comparison runs as ROUNDS hyperfine runs in a row, so that the commands take turns and a burst of load on
# a shared machine falls on all of them alike; the runs of all rounds are pooled (bench/cli/hyperfine-rounds.sh).
# Prints markdown tables of medians and ratios to the kubectl baseline measured alongside; hyperfine's JSON (per
# round and pooled) and the tables are kept in bench/target/cli-bench/. Needs the CLI jar
# (./mvnw -q -o package -DskipTests -pl cli,bench -am), hyperfine and jq (Debian packages).
#
# With a native image (NATIVE, default cli/target/kubectl-sidecar, built by ./mvnw -Pnative package -pl cli -am) each
# comparison also times it, and a third one runs `status -n NS` on the local cluster (testkit/target/local-cluster.jar,
# a namespace of PODS pods) against `kubectl get pods -n NS`: the JVM launcher, the native image, kubectl.
#
# Environment: RUNS per command in all (default 30), ROUNDS (default 5), WARMUP runs per command and round
# (default 2), KUBECTL (default /usr/bin/kubectl), NATIVE, PODS (default 5).
set -euo pipefail

# Relative paths keep the command names in the tables short.
cd "$(dirname "$0")/../.."
JAR=cli/target/kubectl-sidecar.jar
MANIFEST=examples/shop.yaml
PATCH=bench/cli/kustomize/sidecar-patch.yaml
OUT=bench/target/cli-bench
KUBECTL=${KUBECTL:-/usr/bin/kubectl}
RUNS=${RUNS:-30}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-2}
RUNS_PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
PREFIX=$OUT/prefix
LAUNCHER=$PREFIX/bin/kubectl-sidecar
INJECT_TARGET=1.5
STARTUP_TARGET=2.0
# issue 18's targets for the native image: inject and --help at most half their kubectl baselines
NATIVE_INJECT_TARGET=0.5
NATIVE_STARTUP_TARGET=0.5
NATIVE=${NATIVE:-cli/target/kubectl-sidecar}
CLUSTER_JAR=testkit/target/local-cluster.jar
PODS=${PODS:-5}
STATUS_TARGET=1.0

fail() {
    echo "run-cli-bench: $*" >&2
    exit 1
}

# shellcheck source=bench/cli/hyperfine-rounds.sh
source bench/cli/hyperfine-rounds.sh
require_hyperfine
[[ -f $JAR ]] || fail "no $JAR: build it first (./mvnw -q -o package -DskipTests -pl cli,bench -am)"
[[ -x $KUBECTL ]] || fail "no kubectl at $KUBECTL (set KUBECTL=...)"

rm -rf "$OUT"
mkdir -p "$OUT/kustomize"
cp "$MANIFEST" "$PATCH" "$OUT/kustomize/"
cat >"$OUT/kustomize/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- shop.yaml
patches:
- path: sidecar-patch.yaml
  target:
    kind: Deployment
EOF

# The launcher as users get it; install.sh finds the jar up to date and only copies it and trains its caches.
./install.sh --jvm --prefix "$PREFIX" >"$OUT/install.log" 2>&1 || fail "install.sh failed: see $OUT/install.log"
native=()
[[ -x $NATIVE ]] && native=(--command-name "kubectl-sidecar (native image)" "$NATIVE")

# Runs one hyperfine comparison: $1 name, $2 the CLI's arguments, $3 baseline name, $4 baseline command,
# then any number of extra "name" "command" pairs (shown between the CLI and the baseline).
compare() {
    local name=$1 args=$2 baseline_name=$3 baseline=$4
    shift 4
    local commands=(--command-name "kubectl-sidecar $args" "$LAUNCHER $args")
    if ((${#native[@]} > 0)); then
        commands+=(--command-name "${native[1]} $args" "${native[2]} $args")
    fi
    commands+=(
        --command-name "java -jar JAR $args (no flags, no cache)" "java -jar $JAR $args")
    while (($# > 0)); do
        commands+=(--command-name "$1" "$2")
        shift 2
    done
    commands+=(--command-name "$baseline_name" "$baseline")
    rounds "$name" "${commands[@]}"
}

echo "run-cli-bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$ROUNDS rounds of $RUNS_PER_ROUND runs after $WARMUP warm-up runs, per command" >&2
compare inject "inject --offline -f $MANIFEST" "kubectl kustomize (shop.yaml + sidecar patch)" \
    "$KUBECTL kustomize $OUT/kustomize"
# The JVM's own floor: what no launcher flag can go below.
compare startup "--help" "kubectl version --client" "$KUBECTL version --client" \
    "JVM floor: java -version" "java -version"

# status -n NS on the local cluster, when there is a native image to compare (the JVM launcher alone is in the
# agent's and README's figures already) and the local cluster's jar.
status_ran=""
if ((${#native[@]} > 0)) && [[ -f $CLUSTER_JAR ]]; then
    cluster_dir=$(mktemp -d)
    java -jar "$CLUSTER_JAR" --kubeconfig "$cluster_dir/kubeconfig" --no-init-containers >"$cluster_dir/out" 2>"$OUT/cluster.log" &
    cluster_pid=$!
    trap 'kill "$cluster_pid" 2>/dev/null; rm -rf "$cluster_dir"' EXIT
    for _ in $(seq 1 120); do grep -q '^ready$' "$cluster_dir/out" && break; sleep 0.5; done
    grep -q '^ready$' "$cluster_dir/out" || fail "the local cluster did not start: see $OUT/cluster.log"
    export KUBECONFIG=$cluster_dir/kubeconfig
    {
        printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n'
        for i in $(seq 1 "$PODS"); do
            printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: web-%s, namespace: bench, labels: {app: web}}\n' "$i"
            printf 'spec: {containers: [{name: app, image: ghcr.io/example/web:1}]}\n'
        done
    } >"$cluster_dir/pods.yaml"
    "$KUBECTL" create --validate=false -f "$cluster_dir/pods.yaml" >>"$OUT/cluster.log"
    rounds status --command-name "kubectl-sidecar status -n bench" "$LAUNCHER status -n bench" \
        --command-name "kubectl-sidecar (native image) status -n bench" "$NATIVE status -n bench" \
        --command-name "kubectl get pods -n bench" "$KUBECTL get pods -n bench"
    status_ran=yes
fi

{
    echo "### inject --offline -f examples/shop.yaml vs kubectl kustomize"
    echo
    table inject "$INJECT_TARGET" "$NATIVE_INJECT_TARGET"
    echo
    echo "### --help vs kubectl version --client"
    echo
    table startup "$STARTUP_TARGET" "$NATIVE_STARTUP_TARGET"
    echo
    if [[ -n $status_ran ]]; then
        echo "### status -n bench ($PODS pods, local cluster) vs kubectl get pods -n bench"
        echo
        table status "$STATUS_TARGET"
        echo
    fi
    echo "Measured $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD) on $(nproc) cores; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "$(java -version 2>&1 | head -1); $("$KUBECTL" version --client 2>/dev/null | head -1); hyperfine $(hyperfine --version | cut -d' ' -f2)."
    echo "Each command: $ROUNDS rounds × $RUNS_PER_ROUND runs (after $WARMUP warm-up runs per round), pooled."
    echo "Launcher (install.sh): \`$(tail -n 1 "$LAUNCHER" | sed "s|$PREFIX|PREFIX|g")\`."
} | tee "$OUT/results.md"
