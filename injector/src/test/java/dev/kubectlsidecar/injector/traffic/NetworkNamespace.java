package dev.kubectlsidecar.injector.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * A fresh network namespace for tests that program the real kernel, like a pod's: only {@code lo}, brought up.
 * Needs root and {@code ip}; {@link #close()} deletes it. Public for the hook tests of the render package. Run commands inside with {@link #exec}.
 */
public final class NetworkNamespace implements AutoCloseable {
    /** What a finished command printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private static final long COMMAND_LIMIT_SECONDS = 120;
    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Why namespaces cannot be used here, or empty when they can (root, with {@code ip} and the given tools). */
    public static Optional<String> unavailableReason(String... tools) {
        if (!"0".equals(run(List.of("id", "-u"), Map.of()).stdout().strip())) {
            return Optional.of("not running as root");
        }
        List<String> missing = new ArrayList<>();
        for (String tool : concat("ip", tools)) {
            if (onPath(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("not on PATH: " + String.join(", ", missing));
    }

    static Optional<Path> onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static NetworkNamespace create() {
        String name = "ks-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        check(run(List.of("ip", "netns", "add", name), Map.of()), "ip netns add " + name);
        NetworkNamespace namespace = new NetworkNamespace(name);
        try {
            check(run(List.of("ip", "-n", name, "link", "set", "lo", "up"), Map.of()), "bring lo up");
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    String name() {
        return name;
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}), with extra environment variables. */
    public Result exec(Map<String, String> environment, List<String> command) {
        return run(concat(List.of("ip", "netns", "exec", name), command), environment);
    }

    Result exec(String... command) {
        return exec(Map.of(), List.of(command));
    }

    /**
     * Starts {@code command} inside the namespace in the background, its standard error merged into its standard
     * output; the caller ends it.
     */
    public Process start(List<String> command) throws IOException {
        return new ProcessBuilder(concat(List.of("ip", "netns", "exec", name), command))
                .redirectErrorStream(true).start();
    }

    /** Runs {@code command} inside and fails unless it exits 0; returns its standard output. */
    String execOrFail(String... command) {
        return check(exec(command), String.join(" ", command)).stdout();
    }

    /** Gives the namespace a global IPv6 address, on one end of a veth pair whose both ends stay inside. */
    void addIpv6Address(String cidr) {
        String inside = "ks6a";
        check(run(List.of("ip", "-n", name, "link", "add", inside, "type", "veth", "peer", "name", "ks6b"), Map.of()),
                "add veth pair");
        check(run(List.of("ip", "-n", name, "addr", "add", cidr, "dev", inside, "nodad"), Map.of()), "add " + cidr);
        check(run(List.of("ip", "-n", name, "link", "set", inside, "up"), Map.of()), "set " + inside + " up");
        check(run(List.of("ip", "-n", name, "link", "set", "ks6b", "up"), Map.of()), "set ks6b up");
    }

    @Override
    public void close() {
        check(run(List.of("ip", "netns", "del", name), Map.of()), "ip netns del " + name);
    }

    static Result check(Result result, String what) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(what + " failed (" + result.exitCode() + "): " + result.stderr());
        }
        return result;
    }

    /** Runs {@code command} outside any namespace of ours, bounded in time. */
    static Result run(List<String> command, Map<String, String> environment) {
        try {
            Path out = Files.createTempFile("ks-netns", ".out");
            Path err = Files.createTempFile("ks-netns", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(COMMAND_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("still running after " + COMMAND_LIMIT_SECONDS + "s: " + command);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all;
    }

    private static List<String> concat(String head, String... tail) {
        return concat(List.of(head), List.of(tail));
    }
}
