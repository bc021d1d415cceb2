#!/usr/bin/env bash
# The agent's idle memory, in a cluster and standalone, on this machine only (127.0.0.1), bounded in time.
#
#   bench/footprint/run-agent-footprint.sh [IDLE_SECONDS]            (default 30; about 3 minutes in all)
#
# Expects agent/target/agent.jar, cli/target/kubectl-sidecar.jar and testkit/target/local-cluster.jar (build first:
# ./mvnw -q -o package -DskipTests -pl agent,cli,testkit -am). Four runs, one after the other:
#   cluster      the local cluster (testkit's LocalClusterMain, the harness of the e2e tests and bench/scale) with
#                PODS plain pods in two namespaces; `kubectl-sidecar install` against it, which makes the cluster
#                start the agent jar as its Deployment says (ProcessAgentLauncher: the container command's JVM flags
#                and its env, MALLOC_ARENA_MAX included); once the install reports the agent ready, PODS more pods
#                through the webhook; then IDLE_SECONDS idle, and the agent's VmRSS, RssAnon, RssFile, threads
#                (/proc) and loaded classes (jstat, from the JVM's perf data: nothing attaches to the process)
#   standalone   the agent jar with --standalone, the Deployment's flags and env, a throwaway certificate
#                (openssl); one POST /inject; IDLE_SECONDS idle; the same figures
#   the same two again with -XX:NativeMemoryTracking=summary (diagnostic only: NMT costs memory of its own, so
#   these runs' RSS is not reported), then `jcmd VM.native_memory summary`; the cluster agent's VM.metaspace,
#   VM.classloader_stats, GC.class_histogram, GC.heap_info and Thread.print are kept in OUT for a closer look.
# Prints markdown tables. Env: OUT (default bench/target/footprint), PODS (default 4), NMT (0 skips the diagnostic
# runs), JVM_FLAGS (replaces the Deployment's flags in both measured runs: the cluster's through the launcher),
# JAVA (default java).
set -euo pipefail

idle=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$repo/bench/target/footprint}
pods=${PODS:-4}
java=${JAVA:-java}
agent_jar=$repo/agent/target/agent.jar
cli_jar=$repo/cli/target/kubectl-sidecar.jar
cluster_jar=$repo/testkit/target/local-cluster.jar
# shellcheck source=../lib/deployment.sh
. "$repo/bench/lib/deployment.sh"
read -r -a jvm_flags <<< "${JVM_FLAGS:-$(deployment_flags)}"
agent_env=$(deployment_env)

[[ "$pods" =~ ^[1-9][0-9]*$ ]] || { echo "run-agent-footprint: PODS must be a whole number from 1, got '$pods'" >&2; exit 2; }
[[ "$idle" =~ ^[0-9]+$ ]] || { echo "run-agent-footprint: IDLE_SECONDS must be a whole number, got '$idle'" >&2; exit 2; }
for f in "$agent_jar" "$cli_jar" "$cluster_jar"; do
  [ -f "$f" ] || { echo "run-agent-footprint: $f missing; build first: ./mvnw -q -o package -DskipTests -pl agent,cli,testkit -am" >&2; exit 1; }
done
for tool in kubectl curl openssl jstat jcmd python3; do
  command -v "$tool" >/dev/null || { echo "run-agent-footprint: $tool is needed on PATH" >&2; exit 1; }
done

mkdir -p "$out"
work=$(mktemp -d)
cluster_pid=
standalone_pid=
stop() { # pid: TERM, then KILL after 20 s
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill "$1"
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  stop "$standalone_pid"
  stop "$cluster_pid"
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "run-agent-footprint: $*" >&2; }

# VmRSS RssAnon RssFile (MiB) and threads of a process, then its loaded classes (jstat: loaded minus unloaded).
sample() {
  local status classes
  status=$(awk '/^(VmRSS|RssAnon|RssFile|Threads):/ {v[$1] = $2}
    END {printf "%.1f %.1f %.1f %d", v["VmRSS:"] / 1024, v["RssAnon:"] / 1024, v["RssFile:"] / 1024, v["Threads:"]}' \
    "/proc/$1/status")
  classes=$(jstat -class "$1" | awk 'NR == 2 {print $1 - $3}')
  echo "$status $classes"
}

# NAMESPACE FIRST COUNT: COUNT plain pods, one container each, as kubectl would send them.
pod_manifest() {
  local i
  for ((i = $2; i < $2 + $3; i++)); do
    printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app-%d\n  namespace: %s\n  labels:\n    app: app\nspec:\n' "$i" "$1"
    printf '  containers:\n    - name: app\n      image: ghcr.io/example/app:1\n      ports:\n        - containerPort: 8080\n---\n'
  done
}

# Runs the agent in the local cluster; writes its sample after IDLE seconds to $work/cluster.sample. Extra args: JVM
# options added to the Deployment's. With a first argument "nmt", writes the diagnostics to $out/cluster-*.txt instead.
# Not run in a subshell: a failure must leave cluster_pid set for the cleanup.
cluster_run() {
  local mode=$1 options=() agent_pid
  shift
  if [ -n "${JVM_FLAGS:-}" ]; then
    for flag in "${jvm_flags[@]}"; do options+=(--agent-jvm-option "$flag"); done
  else
    options+=(--agent-jvm-option "{jvm-options}")
  fi
  for flag in "$@"; do options+=(--agent-jvm-option "$flag"); done
  # the fake kubelet runs istio-init in network namespaces as root; without root, no init containers
  [ "$(id -u)" = 0 ] || options+=(--no-init-containers)
  export KUBECONFIG=$work/kubeconfig
  "$java" -jar "$cluster_jar" --kubeconfig "$KUBECONFIG" --agent-jar "$agent_jar" "${options[@]}" \
    > "$work/cluster.out" 2> "$work/cluster.log" &
  cluster_pid=$!
  for _ in $(seq 300); do
    grep -q '^ready$' "$work/cluster.out" 2>/dev/null && break
    kill -0 "$cluster_pid" 2>/dev/null || { cat "$work/cluster.log" >&2; exit 1; }
    sleep 0.1
  done
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n---\n'
    printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: batch\n---\n'
    pod_manifest shop 0 "$(( (pods + 1) / 2 ))"
    pod_manifest batch 0 "$(( pods / 2 ))"; } | kubectl apply --validate=false -f - > /dev/null
  timeout 180 "$java" -jar "$cli_jar" install --timeout 2m > "$out/install.log" 2>&1 \
    || { echo "run-agent-footprint: kubectl-sidecar install failed; see $out/install.log" >&2; cat "$work/cluster.log" >&2; exit 1; }
  agent_pid=$(pgrep -P "$cluster_pid" -f "$agent_jar")
  pod_manifest shop 100 "$pods" | kubectl apply --validate=false -f - > /dev/null
  kubectl get pod -n shop app-100 -o jsonpath='{.spec.initContainers[*].name} {.spec.containers[*].name}' \
    | grep -qw istio-proxy \
    || { echo "run-agent-footprint: a pod created after the install was not injected" >&2; exit 1; }
  sleep "$idle"
  if [ "$mode" = nmt ]; then
    jcmd "$agent_pid" VM.native_memory summary > "$out/cluster-nmt.txt"
    for command in VM.metaspace VM.classloader_stats GC.class_histogram GC.heap_info Thread.print; do
      jcmd "$agent_pid" "$command" > "$out/cluster-$command.txt"
    done
  else
    sample "$agent_pid" > "$work/cluster.sample"
  fi
  stop "$cluster_pid"
  cluster_pid=
}

# A CA and a serving certificate for the standalone agent.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=footprint-ca \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$work/san.ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/san.ext" -out "$work/tls.crt" 2>/dev/null

# Runs the agent standalone; writes its sample after IDLE seconds to $work/standalone.sample, or with "nmt"
# $out/standalone-nmt.txt.
standalone_run() {
  local mode=$1 port=${AGENT_PORT:-18444}
  shift
  # shellcheck disable=SC2086 # agent_env is NAME=VALUE words
  env $agent_env "$java" "${jvm_flags[@]}" "$@" -jar "$agent_jar" --standalone --host 127.0.0.1 --port "$port" \
    --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" > "$work/standalone.log" 2>&1 &
  standalone_pid=$!
  for _ in $(seq 300); do
    curl -sf --cacert "$work/ca.crt" "https://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$standalone_pid" 2>/dev/null || { cat "$work/standalone.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -sf --cacert "$work/ca.crt" -H 'Content-Type: application/json' --data-binary "@$repo/bench/load/admission-review.json" \
    "https://127.0.0.1:$port/inject" | grep -q '"patchType":"JSONPatch"' \
    || { echo "run-agent-footprint: the standalone agent's /inject did not return a patch" >&2; exit 1; }
  sleep "$idle"
  if [ "$mode" = nmt ]; then
    jcmd "$standalone_pid" VM.native_memory summary > "$out/standalone-nmt.txt"
  else
    sample "$standalone_pid" > "$work/standalone.sample"
  fi
  stop "$standalone_pid"
  standalone_pid=
}

step "in the local cluster: $pods pods, install, $pods pods through the webhook, ${idle}s idle"
cluster_run measure
step "standalone: one review, ${idle}s idle"
standalone_run measure
if [ "${NMT:-1}" != 0 ]; then
  step "again with -XX:NativeMemoryTracking=summary (diagnostic)"
  cluster_run nmt -XX:NativeMemoryTracking=summary
  standalone_run nmt -XX:NativeMemoryTracking=summary
fi

echo "### Agent idle memory (${idle}s after ready; $(nproc) CPUs; $("$java" -version 2>&1 | head -n 1))"
echo
echo "JVM: ${jvm_flags[*]}${agent_env:+; env $agent_env}"
echo
echo "| run | VmRSS MiB | RssAnon MiB | RssFile MiB | threads | classes loaded |"
echo "|---|---:|---:|---:|---:|---:|"
row() { read -r rss anon file threads classes <<< "$2"; echo "| $1 | $rss | $anon | $file | $threads | $classes |"; }
row "in a cluster (local cluster, $((2 * pods)) pods)" "$(cat "$work/cluster.sample")"
row "standalone" "$(cat "$work/standalone.sample")"
if [ "${NMT:-1}" != 0 ]; then
  echo
  echo "NMT, committed MiB (diagnostic runs; the full summaries and the cluster agent's jcmd output are in $out):"
  echo
  echo "| area | in a cluster | standalone |"
  echo "|---|---:|---:|"
  python3 - "$out/cluster-nmt.txt" "$out/standalone-nmt.txt" <<'PY'
import re, sys
def areas(path):
    text = open(path).read()
    found = {}
    total = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", text)
    found["Total"] = int(total.group(1))
    for name, committed in re.findall(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", text, re.M):
        found[name.strip()] = int(committed)
    return found
cluster, standalone = areas(sys.argv[1]), areas(sys.argv[2])
for name, kib in cluster.items():
    if kib >= 512 or standalone.get(name, 0) >= 512:
        print(f"| {name} | {kib / 1024:.1f} | {standalone.get(name, 0) / 1024:.1f} |")
PY
fi
