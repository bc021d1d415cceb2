#!/usr/bin/env bash
# Load test of the agent's webhook, on this machine only (127.0.0.1), bounded in time.
#
#   bench/load/run-agent-load.sh [SECONDS_PER_PHASE]      (default 10)
#
# Expects agent/target/agent.jar (build first: ./mvnw -q install -DskipTests). Starts the agent standalone with the
# manifests' JVM flags and a throwaway CA + serving certificate (openssl), then with wrk:
#   warm-up   /inject, 64 connections (not reported)
#   phase 1   POST /inject (a ~5 KB AdmissionReview of a Deployment's pod), 64 connections
#   phase 2   GET /healthz, 64 connections          -> ratio inject/healthz (target >= 0.5)
#   phase 3   POST /inject, 16 connections          -> p50/p99
# and prints a markdown table with req/s, latencies, errors and the agent's RSS idle and after load.
# Env: AGENT_PORT (default 18443), WRK_THREADS (default 2), JAVA (default java).
set -euo pipefail

seconds=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
jar=$repo/agent/target/agent.jar
port=${AGENT_PORT:-18443}
threads=${WRK_THREADS:-2}
java=${JAVA:-java}
jvm_flags=(-Xms16m -Xmx64m -XX:+UseSerialGC)

[ -f "$jar" ] || { echo "run-agent-load: $jar missing; build first: ./mvnw -q install -DskipTests" >&2; exit 1; }
command -v openssl >/dev/null || { echo "run-agent-load: openssl is needed" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else
    echo "run-agent-load: wrk is needed (apt-get install wrk)" >&2; exit 1; fi
fi

work=$(mktemp -d)
agent_pid=
cleanup() {
  if [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; then kill "$agent_pid"; wait "$agent_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A CA and a serving certificate with the SANs the API server and this script use.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=load-test-ca \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=kubectl-sidecar-agent.kubectl-sidecar.svc \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:kubectl-sidecar-agent.kubectl-sidecar.svc,DNS:localhost,IP:127.0.0.1\n' > "$work/san.ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/san.ext" -out "$work/tls.crt" 2>/dev/null

"$java" "${jvm_flags[@]}" -jar "$jar" --standalone --host 127.0.0.1 --port "$port" \
  --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" > "$work/agent.log" 2>&1 &
agent_pid=$!
base=https://127.0.0.1:$port
for _ in $(seq 100); do
  curl -sf --cacert "$work/ca.crt" "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$agent_pid" 2>/dev/null || { cat "$work/agent.log" >&2; exit 1; }
  sleep 0.1
done
review=$here/admission-review.json
# The review must really inject: a load test of a request that is answered with an error would measure nothing.
curl -sf --cacert "$work/ca.crt" -H 'Content-Type: application/json' --data-binary "@$review" "$base/inject" \
  | grep -q '"patchType":"JSONPatch"' || { echo "run-agent-load: /inject did not return a patch" >&2; exit 1; }

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$agent_pid/status"; }
sleep 1
rss_idle=$(rss)

load() { # connections path [body-file]
  local out
  out=$(wrk -t"$threads" -c"$1" -d"${seconds}s" --timeout 10s -s "$here/agent.lua" "$base$2" ${3:+-- "$3"})
  grep '^RESULT' <<< "$out"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

load 64 /inject "$review" > /dev/null   # warm-up: JIT and heap
inject64=$(load 64 /inject "$review")
healthz64=$(load 64 /healthz)
inject16=$(load 16 /inject "$review")
rss_loaded=$(rss)

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio=$(awk -v a="$(field rps "$inject64")" -v b="$(field rps "$healthz64")" 'BEGIN { printf "%.2f", a / b }')
cpus=$(nproc)
echo "### Agent load ($cpus CPUs shared by agent and wrk; ${seconds}s per phase; JVM ${jvm_flags[*]}; review $(wc -c < "$review") bytes)"
echo
echo "| phase | connections | req/s | p50 ms | p99 ms | max ms | errors |"
echo "|---|---|---|---|---|---|---|"
row() { echo "| $1 | $2 | $(field rps "$3") | $(ms "$(field p50_us "$3")") | $(ms "$(field p99_us "$3")") | $(ms "$(field max_us "$3")") | $(field errors "$3") |"; }
row "POST /inject" 64 "$inject64"
row "GET /healthz" 64 "$healthz64"
row "POST /inject" 16 "$inject16"
echo
echo "| measure | value |"
echo "|---|---|"
echo "| inject/healthz req/s ratio (64 conns; target >= 0.5) | $ratio |"
echo "| RSS idle | $rss_idle MiB |"
echo "| RSS after load | $rss_loaded MiB |"
