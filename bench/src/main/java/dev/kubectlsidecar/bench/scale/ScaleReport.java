package dev.kubectlsidecar.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The scale run's figures as they come in, rendered as the markdown table of BENCHMARKS.md with the targets. */
final class ScaleReport {
    private static final double RSS_TARGET_MIB = 256;
    private static final double STATUS_TARGET_MS = 1000;
    private static final double CLI_TARGET_MS = 2000;
    private static final Pattern LISTED = Pattern.compile("tracking the sidecar state of (\\d+) pods? \\(listed in (\\d+) ms\\)");

    private final ScaleOptions options;
    private final List<String> rows = new ArrayList<>();
    private final Map<String, Double> rss = new LinkedHashMap<>();
    private final String loadBefore = loadAverage();

    ScaleReport(ScaleOptions options) {
        this.options = options;
    }

    void created(Duration took) {
        row("pods and namespaces created (API server, not the agent)", seconds(took), "");
    }

    void ready(Duration took, Duration cpu, double rssMiB, String agentLog) {
        row("agent process start → `/readyz` 200", seconds(took), "");
        row("agent CPU time until then (all threads; what a busy machine does not stretch)", seconds(cpu), "");
        Matcher listed = LISTED.matcher(agentLog);
        if (listed.find()) {
            row("of which the first list of all pods (agent log)", listed.group(2) + " ms for " + listed.group(1) + " pods", "");
        }
        rss("at ready", rssMiB);
    }

    void states(JsonNode pods, int stored) {
        long injected = 0;
        long stale = 0;
        long mismatch = 0;
        long notReady = 0;
        for (JsonNode pod : pods) {
            injected += pod.path("injected").asBoolean() ? 1 : 0;
            stale += pod.path("stale").asBoolean() ? 1 : 0;
            mismatch += pod.path("iptables").asString().equals("mismatch") ? 1 : 0;
            notReady += pod.path("proxy").asString().equals("not-ready") ? 1 : 0;
        }
        row("pods the agent reports / pods stored", pods.size() + " / " + stored, pods.size() == stored ? "equal" : "**differ**");
        row("of them injected / stale / iptables mismatch / proxy not ready",
                injected + " / " + stale + " / " + mismatch + " / " + notReady, "");
    }

    void rss(String when, double mib) {
        rss.put(when, mib);
    }

    /** At the end of the run: the largest RSS the agent ever had and its heap then. */
    void peakMemory(double peakRssMiB, Optional<double[]> heapMiB) {
        row("agent peak RSS over the whole run (VmHWM)", String.format(Locale.ROOT, "%.0f MiB", peakRssMiB),
                met(peakRssMiB <= RSS_TARGET_MIB, "≤ 256 MiB"));
        row("agent heap at the end, committed / used (jstat; the serial GC hardly gives back, so committed ≈ its peak)",
                heapMiB.map(heap -> String.format(Locale.ROOT, "%.0f / %.0f MiB", heap[0], heap[1])).orElse("(jstat not available)"), "");
    }

    void statusCalls(Timings direct, Timings proxied, long bytes) {
        row("`GET /api/v1/status` (all pods) from the agent (curl), median / max of " + direct.count(),
                ms(direct.median()) + " / " + ms(direct.max()), met(direct.max() <= STATUS_TARGET_MS, "≤ 1 s"));
        row("the same through the API server's service proxy (the CLI's path), median / max",
                ms(proxied.median()) + " / " + ms(proxied.max()), "");
        row("answer size", String.format(Locale.ROOT, "%.2f MB (%d bytes/pod)", bytes / 1e6,
                bytes / Math.max(1, options.pods())), "");
    }

    void cli(List<Hyperfine.Result> results) {
        for (Hyperfine.Result result : results) {
            boolean table = !result.command().contains("-o json");
            row("`" + result.command() + "`, median (min–max) of " + result.runs(),
                    ms(result.medianMs()) + " (" + ms(result.minMs()) + "–" + ms(result.maxMs()) + ")",
                    table ? met(result.medianMs() <= CLI_TARGET_MS, "≤ 2 s") : "");
        }
    }

    void churn(Churn.Outcome outcome, int stored) {
        row("churn: " + outcome.deleted() + " pods deleted and " + outcome.created() + " created ("
                        + outcome.injected() + " through the webhook) → the agent names exactly the pods expected",
                seconds(outcome.followedAfter()) + " after the last change", "");
        row("… and every new injected pod's rules verified", seconds(outcome.verifiedAfter()), "");
        row("pods the agent reports / pods stored, after churn", outcome.podsAfter() + " / " + stored,
                outcome.podsAfter() == stored ? "equal" : "**differ**");
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("Scale run: ").append(options.pods()).append(" pods in ").append(options.namespaces())
                .append(" namespaces; ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", load average ").append(loadBefore).append(" → ")
                .append(loadAverage()).append("\n\n");
        out.append("| measure | value | target |\n|---|---:|---|\n");
        rows.forEach(row -> out.append(row).append('\n'));
        double peak = rss.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        rss.forEach((when, mib) -> out.append("| agent RSS ").append(when).append(" | ")
                .append(String.format(Locale.ROOT, "%.0f MiB", mib)).append(" | ")
                .append(mib == peak ? met(peak <= RSS_TARGET_MIB, "≤ 256 MiB") : "").append(" |\n"));
        return out.toString();
    }

    private void row(String measure, String value, String target) {
        rows.add("| " + measure + " | " + value + " | " + target + " |");
    }

    private static String met(boolean met, String target) {
        return target + " — " + (met ? "met" : "**not met**");
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
