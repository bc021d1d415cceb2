package dev.kubectlsidecar.testkit.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A slow API server on demand: requests whose path starts with a given prefix wait that long before they are
 * served (the longest matching prefix wins; {@code "/"} matches every request). A watch waits once, before it is
 * established. Changes apply to requests that arrive afterwards.
 */
public final class Latency {
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();

    /** Delays requests under {@code pathPrefix} (e.g. {@code /api/v1/namespaces/shop/pods}, or {@code /}) by {@code delay}. */
    public Latency delay(String pathPrefix, Duration delay) {
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path prefix \"" + pathPrefix + "\" does not start with /");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        delays.put(pathPrefix, delay);
        return this;
    }

    /** Requests are served at once again. */
    public void clear() {
        delays.clear();
    }

    /** How long a request for {@code uri} (a path with an optional query) waits. */
    Duration of(String uri) {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        String longest = null;
        for (String prefix : delays.keySet()) {
            if (path.startsWith(prefix) && (longest == null || prefix.length() > longest.length())) {
                longest = prefix;
            }
        }
        return longest == null ? Duration.ZERO : delays.getOrDefault(longest, Duration.ZERO);
    }
}
