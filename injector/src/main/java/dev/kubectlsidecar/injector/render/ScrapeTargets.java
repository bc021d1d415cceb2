package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.MeshSettings;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The app's metrics endpoints pilot-agent merges with Envoy's, as istiod reads them: the annotation
 * {@code prometheus.istio.io/scrape-targets} ({@code PORT:PATH,…}, a path defaulting to {@code /metrics}), else
 * {@code prometheus.io/port}. A port that is not a port, is pilot-agent's own or another the proxy owns refuses the
 * pod, naming the annotation (Istio's webhook refuses it too).
 */
final class ScrapeTargets {
    static final String ANNOTATION = "prometheus.istio.io/scrape-targets";
    static final String SANITIZED = "prometheus_istio_io_scrape_targets";
    /** Ports the proxy owns, and what they are (pilot-agent's {@code istioReservedPorts}). */
    private static final Map<String, String> RESERVED = Map.of(
            "15000", "Envoy admin", "15001", "outbound traffic capture", "15004", "pilot debug",
            "15006", "inbound traffic capture", "15008", "HBONE tunnel", "15020", "pilot-agent status / merged Prometheus",
            "15021", "Envoy health", "15053", "DNS proxy", "15090", "Envoy Prometheus (already merged)");

    record Target(String port, String path) {
    }

    private ScrapeTargets() {
    }

    /** The targets of the annotation's value; empty when it names none, or one without a port (Istio ignores those). */
    static List<Target> parse(String value) {
        List<Target> targets = new ArrayList<>();
        for (String entry : value.split(",", -1)) {
            entry = entry.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String port = (colon < 0 ? entry : entry.substring(0, colon)).strip();
            if (port.isEmpty()) {
                return List.of();
            }
            String path = colon < 0 ? "" : entry.substring(colon + 1).strip();
            targets.add(new Target(port, path.isEmpty() ? "/metrics" : path));
        }
        return targets;
    }

    /** @throws InvalidAnnotationException naming {@code key} when {@code port} cannot be scraped */
    static void check(String key, String value, String port) {
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1 || number > 65535) {
            throw new InvalidAnnotationException(key, value, "port \"" + port + "\" is not a port number from 1 to 65535");
        }
        String canonical = Integer.toString(number);
        if (canonical.equals(Integer.toString(MeshSettings.STATUS_PORT))) {
            throw new InvalidAnnotationException(key, value, "port " + port + " is pilot-agent's, where the merged "
                    + "metrics are served: name the app's own metrics port");
        }
        if (RESERVED.containsKey(canonical)) {
            throw new InvalidAnnotationException(key, value, "port " + port + " is reserved for the proxy ("
                    + RESERVED.get(canonical) + ") and cannot be scraped");
        }
    }
}
