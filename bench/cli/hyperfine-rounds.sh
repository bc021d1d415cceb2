# Sourced by the hyperfine scripts of bench/cli: runs a comparison as several hyperfine rounds and prints it as a
# markdown table against a baseline measured in the same run.
#
# The caller sets OUT (where JSON and logs go), ROUNDS, RUNS_PER_ROUND and WARMUP.

# rounds NAME HYPERFINE-COMMAND-ARGS...: ROUNDS hyperfine runs in a row, so that the commands take turns and a burst
# of load on a shared machine falls on all of them alike; pools the runs of all rounds into $OUT/NAME.json.
rounds() {
    local name=$1
    shift
    for ((round = 1; round <= ROUNDS; round++)); do
        hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS_PER_ROUND" --style basic \
            --export-json "$OUT/$name-round$round.json" "$@" >>"$OUT/$name.log"
    done
    # One entry per command with the times of all its runs.
    jq -s '. as $rounds | {results: [range(0; $rounds[0].results | length) as $i
        | {command: $rounds[0].results[$i].command, times: [$rounds[].results[$i].times[]]}]}' \
        "$OUT/$name"-round*.json >"$OUT/$name.json"
}

# table NAME TARGET [NATIVE_TARGET]: markdown table of a pooled comparison; its last command is the baseline. A
# command named "... (native image) ..." is held to NATIVE_TARGET when given (issue 18's targets for the image).
table() {
    local name=$1 target=$2 native_target=${3:-$2}
    local header="target ≤ ${target}×"
    [[ $native_target == "$target" ]] || header+=" (native image ≤ ${native_target}×)"
    echo "| command | median (ms) | mean ± σ (ms) | min–max (ms) | ratio to baseline (median) | $header |"
    echo "|---|---:|---:|---:|---:|:---:|"
    jq -r --argjson target "$target" --argjson native_target "$native_target" --arg baseline "$(jq -r '.results[-1].command' "$OUT/$name.json")" '
        def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        def mean: add / length;
        def stddev: mean as $m | map((. - $m) * (. - $m)) | add / (length - 1) | sqrt;
        def ms: . * 1000 | round;
        (.results[-1].times | median) as $base
        | .results[]
        | (.times | median) as $median
        | ($median / $base) as $ratio
        | "| `\(.command)` | \($median | ms) | \(.times | mean | ms) ± \(.times | stddev | ms)"
          + " | \(.times | min | ms)–\(.times | max | ms)"
          + " | \(($ratio * 100 | round) / 100)× | "
          + (if .command == $baseline then "baseline"
             elif $ratio <= (if .command | contains("(native image)") then $native_target else $target end) then "yes"
             else "no" end)
          + " |"' "$OUT/$name.json"
}

# require_hyperfine: installs the Debian package when run as root, else explains.
require_hyperfine() {
    if command -v hyperfine >/dev/null; then
        return
    fi
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        apt-get install -y hyperfine >/dev/null || fail "could not install hyperfine (try: apt-get update)"
    else
        fail "hyperfine not found: install the Debian package (apt-get install -y hyperfine)"
    fi
}
