#!/usr/bin/env bash
# Whole-process timings of the CLI against kubectl, with hyperfine.
#
#   inject:  kubectl-sidecar inject -f examples/shop.yaml   vs  kubectl kustomize DIR (shop.yaml + a sidecar patch)
#   startup: kubectl-sidecar --help                         vs  kubectl version --client
#
# Each CLI command runs in four JVM variants, so the launcher's flags can be chosen from the numbers:
#   default     java -jar JAR
#   flags       java $LAUNCHER_FLAGS -jar JAR
#   cds         java -XX:SharedArchiveFile=default.jsa -jar JAR
#   flags+cds   java $LAUNCHER_FLAGS -XX:SharedArchiveFile=flags.jsa -jar JAR
# Each AppCDS archive is made once, by a training run of `inject -f examples/shop.yaml` with
# -XX:ArchiveClassesAtExit and the same flags as the variant that uses it.
#
# Each comparison runs as ROUNDS hyperfine runs in a row, so that the commands take turns and a burst of load on
# a shared machine falls on all of them alike; the runs of all rounds are pooled (bench/cli/hyperfine-rounds.sh).
# Prints markdown tables of medians and ratios to the kubectl baseline measured alongside; hyperfine's JSON (per
# round and pooled) and the tables are kept in bench/target/cli-bench/. Needs the CLI jar
# (./mvnw -q -o package -DskipTests -pl cli,bench -am) and hyperfine (Debian package `hyperfine`).
#
# Environment: RUNS per command in all (default 30), ROUNDS (default 5), WARMUP runs per command and round
# (default 2), KUBECTL (default /usr/bin/kubectl).
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
LAUNCHER_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
INJECT_TARGET=1.5
STARTUP_TARGET=2.0

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

# Training runs: one archive per flag set (an archive only maps under the GC and flags it was made with).
java -XX:ArchiveClassesAtExit="$OUT/default.jsa" -jar "$JAR" inject -f "$MANIFEST" >/dev/null 2>&1
# shellcheck disable=SC2086  # LAUNCHER_FLAGS is a list of flags
java $LAUNCHER_FLAGS -XX:ArchiveClassesAtExit="$OUT/flags.jsa" -jar "$JAR" inject -f "$MANIFEST" >/dev/null 2>&1
# -Xshare:on makes the JVM fail instead of silently running without an archive it cannot map.
java -Xshare:on -XX:SharedArchiveFile="$OUT/default.jsa" -jar "$JAR" --help >/dev/null \
    || fail "the AppCDS archive default.jsa does not map"
# shellcheck disable=SC2086
java $LAUNCHER_FLAGS -Xshare:on -XX:SharedArchiveFile="$OUT/flags.jsa" -jar "$JAR" --help >/dev/null \
    || fail "the AppCDS archive flags.jsa does not map"

variants=(default flags cds flags+cds)
java_command() {
    case $1 in
        default) echo "java -jar $JAR" ;;
        flags) echo "java $LAUNCHER_FLAGS -jar $JAR" ;;
        cds) echo "java -XX:SharedArchiveFile=$OUT/default.jsa -jar $JAR" ;;
        flags+cds) echo "java $LAUNCHER_FLAGS -XX:SharedArchiveFile=$OUT/flags.jsa -jar $JAR" ;;
    esac
}

# Runs one hyperfine comparison: $1 name, $2 the CLI's arguments, $3 baseline name, $4 baseline command,
# then any number of extra "name" "command" pairs (shown between the variants and the baseline).
compare() {
    local name=$1 args=$2 baseline_name=$3 baseline=$4
    shift 4
    local commands=()
    for variant in "${variants[@]}"; do
        commands+=(--command-name "kubectl-sidecar $args [$variant]" "$(java_command "$variant") $args")
    done
    while (($# > 0)); do
        commands+=(--command-name "$1" "$2")
        shift 2
    done
    commands+=(--command-name "$baseline_name" "$baseline")
    rounds "$name" "${commands[@]}"
}

echo "run-cli-bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$ROUNDS rounds of $RUNS_PER_ROUND runs after $WARMUP warm-up runs, per command" >&2
compare inject "inject -f $MANIFEST" "kubectl kustomize (shop.yaml + sidecar patch)" \
    "$KUBECTL kustomize $OUT/kustomize"
# The JVM's own floor: what no launcher flag can go below.
compare startup "--help" "kubectl version --client" "$KUBECTL version --client" \
    "JVM floor: java -version [flags]" "java $LAUNCHER_FLAGS -version"

{
    echo "### inject -f examples/shop.yaml vs kubectl kustomize"
    echo
    table inject "$INJECT_TARGET"
    echo
    echo "### --help vs kubectl version --client"
    echo
    table startup "$STARTUP_TARGET"
    echo
    echo "Measured $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD) on $(nproc) cores; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "$(java -version 2>&1 | head -1); $("$KUBECTL" version --client 2>/dev/null | head -1); hyperfine $(hyperfine --version | cut -d' ' -f2)."
    echo "Each command: $ROUNDS rounds × $RUNS_PER_ROUND runs (after $WARMUP warm-up runs per round), pooled."
    echo "Launcher flags: \`$LAUNCHER_FLAGS\`; AppCDS archives trained on \`inject -f examples/shop.yaml\`."
} | tee "$OUT/results.md"
