#!/usr/bin/env bash
# The agent and `kubectl sidecar status -A` at scale: a local cluster with PODS pods in NAMESPACES namespaces, the
# agent installed by the plugin and run with its manifest's JVM flags, then time until ready, RSS, /api/v1/status
# for all pods, `kubectl sidecar status -A` (hyperfine) and churn. See bench/README.md.
#
#   bench/scale/run-scale.sh [PODS] [NAMESPACES] [SCALEMAIN_OPTION...]   default 10000 500; about 6 minutes
#
# Further options go to ScaleMain, e.g. --hold (keep the cluster up afterwards) or --agent-jvm-option OPT.
# Environment: PREFIX (where install.sh puts the plugin, default /tmp/scale-k), OUT (default bench/target/scale),
# CHURN (300), CALLS (20), RUNS (10), SETTLE (30 s), CLUSTER_HEAP (the local cluster's -Xmx, default 3g).
set -euo pipefail

pods=${1:-10000}
namespaces=${2:-500}
shift $(( $# < 2 ? $# : 2 ))
repo=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${PREFIX:-/tmp/scale-k}
out=${OUT:-$repo/bench/target/scale}

for jar in agent/target/agent.jar cli/target/kubectl-sidecar.jar bench/target/benchmarks.jar; do
  if [ ! -f "$repo/$jar" ]; then
    echo "run-scale.sh: $jar is missing; build first: ./mvnw -q -o package -DskipTests -pl cli,agent,bench -am" >&2
    exit 1
  fi
done
if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q hyperfine >/dev/null
  else
    echo "run-scale.sh: hyperfine is needed (apt-get install hyperfine)" >&2
    exit 1
  fi
fi
for tool in kubectl curl; do
  command -v "$tool" >/dev/null || { echo "run-scale.sh: $tool is needed on PATH" >&2; exit 1; }
done
if [ "$(id -u)" != 0 ]; then
  echo "run-scale.sh: the local cluster's kubelet runs istio-init in network namespaces, which needs root" >&2
  exit 1
fi

# The launcher and start-up archive users get, made from this checkout's jar.
"$repo/install.sh" --prefix "$prefix" >/dev/null

mkdir -p "$out"
exec java -Xmx"${CLUSTER_HEAP:-3g}" -XX:+UseParallelGC -cp "$repo/bench/target/benchmarks.jar" \
  dev.kubectlsidecar.bench.scale.ScaleMain --pods "$pods" --namespaces "$namespaces" \
  --agent-jar "$repo/agent/target/agent.jar" --plugin-dir "$prefix/bin" --out "$out" \
  --churn "${CHURN:-300}" --calls "${CALLS:-20}" --runs "${RUNS:-10}" --settle "${SETTLE:-30}" "$@"
