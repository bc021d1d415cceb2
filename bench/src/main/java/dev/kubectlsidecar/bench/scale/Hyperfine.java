package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** Times commands with {@code hyperfine -N} (no shell), keeping its JSON export; the median and range of each. */
final class Hyperfine {
    /** One command's wall times, in milliseconds. */
    record Result(String command, double medianMs, double meanMs, double minMs, double maxMs, int runs) {
    }

    private Hyperfine() {
    }

    static List<Result> run(List<String> commands, Map<String, String> environment, int warmup, int runs, Path export)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("hyperfine", "-N", "--style", "basic", "--warmup",
                Integer.toString(warmup), "--runs", Integer.toString(runs), "--export-json", export.toString()));
        command.addAll(commands);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("hyperfine did not finish within 30 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("hyperfine failed (exit " + process.exitValue() + "): a command failed, see above");
        }
        List<Result> results = new ArrayList<>();
        for (JsonNode result : JsonMappers.JSON.readTree(export.toFile()).path("results")) {
            results.add(new Result(result.path("command").asString(), result.path("median").asDouble() * 1000,
                    result.path("mean").asDouble() * 1000, result.path("min").asDouble() * 1000,
                    result.path("max").asDouble() * 1000, result.path("times").size()));
        }
        return results;
    }
}
