#!/usr/bin/env bash
# Runs the engine's JMH benchmarks (InjectBenchmark) with the GC profiler and prints a markdown table: time per
# operation (JMH's mean with its 99.9% confidence interval, and the median of the measured iterations, which a
# busy machine disturbs less), allocation per operation, and the ratio of medians to the plain Jackson YAML
# round-trip measured in the same run.
# JMH's JSON and the table are kept in bench/target/jmh/. Needs bench/target/benchmarks.jar
# (./mvnw -q -o package -DskipTests -pl cli,bench -am).
#
# Arguments replace the default run settings, e.g. `run-jmh.sh -f 2 -wi 5 -i 10` for tighter error bars.
set -euo pipefail

cd "$(dirname "$0")/../.."
JAR=bench/target/benchmarks.jar
OUT=bench/target/jmh
BASELINE=yamlRoundTripBaseline

[[ -f $JAR ]] || { echo "run-jmh: no $JAR: build it first (./mvnw -q -o package -DskipTests -pl cli,bench -am)" >&2; exit 1; }
# Ten warm-up iterations: on a busy machine injectManifest needs ~20 s before it is compiled.
settings=(-f 1 -wi 10 -w 2s -i 5 -r 2s)
if (($# > 0)); then
    settings=("$@")
fi

mkdir -p "$OUT"
echo "run-jmh: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "settings: ${settings[*]}" >&2
java -jar "$JAR" InjectBenchmark "${settings[@]}" -prof gc -jvmArgsAppend "-Drepo.dir=$PWD" \
    -rf json -rff "$OUT/results.json" >"$OUT/run.log"

{
    echo "| benchmark | mean (µs/op) | ± 99.9% CI (µs) | median of iterations (µs/op) | allocated (KB/op) | median ratio to $BASELINE |"
    echo "|---|---:|---:|---:|---:|---:|"
    jq -r --arg baseline "$BASELINE" '
        def short: .benchmark | split(".") | last;
        def us: if type == "number" then . / 1000 | . * 10 | round / 10 else "n/a" end;
        def median: flatten | sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        (map(select(short == $baseline)) | first | .primaryMetric.rawData | median) as $base
        | .[]
        | (.primaryMetric.rawData | median) as $median
        | "| `\(short)` | \(.primaryMetric.score | us) | \(.primaryMetric.scoreError | us) | \($median | us)"
          + " | \(.secondaryMetrics["gc.alloc.rate.norm"].score / 1024 | . * 10 | round / 10)"
          + " | \($median / $base * 100 | round / 100)× |"' "$OUT/results.json"
    echo
    echo "Measured $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD) on $(nproc) cores; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "$(java -version 2>&1 | head -1); JMH settings: \`${settings[*]} -prof gc\`."
} | tee "$OUT/results.md"
