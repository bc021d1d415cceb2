package dev.kubectlsidecar.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The plugin as its own process (this test classpath, or the executable {@link CliExecutable} names), for tests that
 * need real pipes, signals or environments.
 */
public final class CliProcess {
    private static final long WAIT_MILLIS = 60_000;

    private CliProcess() {
    }

    public static List<String> command(List<String> args) {
        return command(List.of(), args);
    }

    /**
     * {@code java JVM-OPTIONS -cp … Main ARGS}, or {@code EXECUTABLE ARGS} when {@link CliExecutable}'s switch names
     * one (then the only JVM options allowed are system properties, {@code -Dname=value}, which a native image takes
     * from its command line).
     */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        var executable = CliExecutable.configured();
        if (executable.isPresent()) {
            command.add(executable.get().toString());
            for (String option : jvmOptions) {
                if (!option.startsWith("-D")) {
                    throw new IllegalArgumentException("a JVM option for the executable " + executable.get() + ": " + option);
                }
                command.add(option); // a native image reads -Dname=value before its arguments as a system property
            }
        } else {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        command.addAll(args);
        return command;
    }

    /** Polls {@code condition} until it holds (a minute at most), as a test waits for another process. */
    public static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.sleep(50);
        }
    }
}
