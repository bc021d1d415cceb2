package dev.kubectlsidecar.testkit.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What a JVM process on this machine holds: its resident memory from {@code /proc} and its heap from jstat. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** A field of {@code /proc/PID/status} in KiB (VmRSS, VmHWM), or -1 when it cannot be read. */
    public static long procStatusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The heap's committed and used MiB ({@code jstat -gc}: the young, survivor and old spaces); the serial GC grows
     * the heap when it needs to and hardly shrinks it, so committed after a load is about the peak it needed. Empty
     * when jstat is not there or cannot attach.
     */
    public static Optional<double[]> heapMiB(long pid) {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        if (!Files.isExecutable(jstat)) {
            return Optional.empty();
        }
        try {
            Process run = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid)).redirectErrorStream(true)
                    .start();
            List<String> lines = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (!run.waitFor(30, TimeUnit.SECONDS) || lines.size() < 2) {
                return Optional.empty();
            }
            List<String> names = List.of(lines.get(0).trim().split("\\s+"));
            String[] values = lines.get(1).trim().split("\\s+");
            double committed = 0;
            double used = 0;
            for (String space : List.of("S0", "S1", "E", "O")) {
                committed += Double.parseDouble(values[names.indexOf(space + "C")]);
                used += Double.parseDouble(values[names.indexOf(space + "U")]);
            }
            return Optional.of(new double[] {committed / 1024, used / 1024});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
