package dev.kubectlsidecar.agent.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks behind {@code /readyz}: the agent is ready when every registered check is. The webhook adds
 * "certificate" and "config"; the in-cluster parts add theirs (e.g. "informer synced") with {@link #add}.
 */
public final class Readiness {
    private final Map<String, ReadinessCheck> checks = new LinkedHashMap<>();

    /** Registers (or replaces) the check called {@code name}. */
    public synchronized void add(String name, ReadinessCheck check) {
        checks.put(name, check);
    }

    public Report report() {
        Map<String, ReadinessCheck> snapshot;
        synchronized (this) {
            snapshot = new LinkedHashMap<>(checks);
        }
        boolean ready = true;
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, ReadinessCheck> entry : snapshot.entrySet()) {
            ReadinessCheck.Status status;
            try {
                status = entry.getValue().check();
            } catch (RuntimeException e) {
                status = ReadinessCheck.Status.notReady("check failed: " + e);
            }
            ready &= status.ready();
            lines.add(entry.getKey() + ": " + (status.ready() ? "ok" : "NOT READY") + " - " + status.detail());
        }
        return new Report(ready, lines);
    }

    /** @param lines one line a check, in registration order: {@code name: ok - detail} */
    public record Report(boolean ready, List<String> lines) {
        public String text() {
            return String.join("\n", lines) + "\n";
        }
    }
}
