package dev.kubectlsidecar.injector.config;

import java.util.Map;

/** Container resource requests and limits as Kubernetes quantities, keyed by resource name (cpu, memory). */
public record Resources(Map<String, String> requests, Map<String, String> limits) {
    public Resources {
        requests = Map.copyOf(requests);
        limits = Map.copyOf(limits);
    }
}
