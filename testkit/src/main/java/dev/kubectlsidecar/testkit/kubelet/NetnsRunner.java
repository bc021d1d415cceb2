package dev.kubectlsidecar.testkit.kubelet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs a container's command on this machine inside a network namespace (a fresh one has only {@code lo}, up), the
 * way a pod's init container runs in the pod's network namespace: {@code ip netns add}, {@code ip netns exec}, and
 * {@code ip netns del} when the pod is gone. Needs root and {@code ip}; the command runs as root with the host's
 * file system, so only commands the harness trusts (the engine's init script) are given to it.
 */
final class NetnsRunner {
    /** A finished command: its exit code, its termination message and the tail of its output. */
    record Outcome(int exitCode, String terminationMessage, String logTail) {
    }

    static final int MESSAGE_LIMIT = 4096;
    private static final long LIMIT_SECONDS = 120;
    private static final int LOG_TAIL = 2048;

    private NetnsRunner() {
    }

    /** Why commands cannot be run here, or empty when they can: root, and {@code tools} on PATH. */
    static Optional<String> unavailableReason(List<String> tools) {
        return unavailableReason(uid(), tools);
    }

    static Optional<String> unavailableReason(String uid, List<String> tools) {
        if (!"0".equals(uid)) {
            return Optional.of("not running as root (uid " + uid + ")");
        }
        List<String> missing = tools.stream().filter(tool -> !onPath(tool)).toList();
        return missing.isEmpty() ? Optional.empty() : Optional.of("not on PATH: " + String.join(", ", missing));
    }

    /** Creates a network namespace with only {@code lo}, up, as a pod sandbox has before its containers run. */
    static String create() throws IOException {
        String namespace = "ks-kubelet-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        check(List.of("ip", "netns", "add", namespace));
        try {
            check(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
        } catch (IOException e) {
            delete(namespace);
            throw e;
        }
        return namespace;
    }

    static void delete(String namespace) throws IOException {
        check(List.of("ip", "netns", "del", namespace));
    }

    /**
     * Runs {@code command} in the network namespace {@code namespace} with {@code environment} and
     * {@code TERMINATION_LOG} set to a file whose content (at most {@value #MESSAGE_LIMIT} bytes, as the kubelet
     * keeps) becomes the message.
     */
    static Outcome runIn(String namespace, List<String> command, Map<String, String> environment) throws IOException {
        Path messageFile = Files.createTempFile("termination-log", ".txt");
        Path log = Files.createTempFile("init-container", ".log");
        try {
            List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            inside.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(inside).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            builder.environment().put("TERMINATION_LOG", messageFile.toString());
            int exitCode = waitFor(builder.start(), command);
            return new Outcome(exitCode, head(messageFile, MESSAGE_LIMIT), tail(log, LOG_TAIL));
        } finally {
            Files.deleteIfExists(messageFile);
            Files.deleteIfExists(log);
        }
    }

    /** Runs {@code command} in {@code namespace} and returns its output (stdout and stderr); fails on a non-zero exit. */
    static String exec(String namespace, List<String> command) throws IOException {
        List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        inside.addAll(command);
        return check(inside);
    }

    private static String check(List<String> command) throws IOException {
        Path output = Files.createTempFile("ip", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (waitFor(process, command) != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(output).strip());
            }
            return Files.readString(output);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static int waitFor(Process process, List<String> command) throws IOException {
        try {
            if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("still running after " + LIMIT_SECONDS + "s: " + String.join(" ", command));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static String head(Path file, int limit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new String(bytes, 0, Math.min(bytes.length, limit), StandardCharsets.UTF_8);
    }

    private static String tail(Path file, int limit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int from = Math.max(0, bytes.length - limit);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    private static String uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).strip().split("\\s+")[0];
                }
            }
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
        return "unknown";
    }

    static boolean onPath(String tool) {
        return find(tool).isPresent();
    }

    /** Where {@code tool} is on this process's PATH. */
    static Optional<Path> find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Optional.of(Path.of(dir, tool));
            }
        }
        return Optional.empty();
    }
}
