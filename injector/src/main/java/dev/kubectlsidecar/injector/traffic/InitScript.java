package dev.kubectlsidecar.injector.traffic;

import java.util.List;

/** Placeholder until the traffic generator lands (issue "Traffic interception"). */
public final class InitScript {
    private InitScript() {
    }

    public static List<String> command(TrafficSettings settings) {
        return List.of("sh", "-c", "true");
    }
}
