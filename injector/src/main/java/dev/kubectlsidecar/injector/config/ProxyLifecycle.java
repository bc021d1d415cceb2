package dev.kubectlsidecar.injector.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the proxy starts and stops, with Istio's ProxyConfig names (a pod overrides them with
 * {@code proxy.istio.io/config}).
 *
 * @param holdApplicationUntilProxyStarts classic sidecars: the proxy is the first container and its
 *     {@code postStart} hook returns only once it is ready, so the kubelet starts the app after it (native
 *     sidecars are gated by their {@code startupProbe} instead)
 * @param holdTimeoutSeconds how long that hook waits before it fails, which fails the container visibly
 * @param terminationDrainSeconds how long the stopping proxy keeps serving (inbound draining, outbound open)
 *     while connections remain (Istio's {@code terminationDrainDuration})
 * @param maxConcurrency the most Envoy worker threads derived from the proxy's CPU limit
 */
public record ProxyLifecycle(boolean holdApplicationUntilProxyStarts, int holdTimeoutSeconds,
                             int terminationDrainSeconds, int maxConcurrency) {
    public static final ProxyLifecycle DEFAULT = new ProxyLifecycle(true, 60, 5, 2);
    public static final int MAX_HOLD_SECONDS = 3600;
    public static final int MAX_DRAIN_SECONDS = 3600;
    public static final int MAX_CONCURRENCY = 64;
    public static final String DURATION_ALLOWED = "a duration such as 5s, 1m or 1m30s, at most 1h";
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,4})h)?(?:(\\d{1,4})m)?(?:(\\d{1,5})s)?");

    /**
     * Seconds of a Go-style duration as Istio writes {@code terminationDrainDuration} ({@code 5s}, {@code 1m30s});
     * -1 when it is not one or exceeds {@value #MAX_DRAIN_SECONDS} s.
     */
    public static int durationSeconds(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text);
        if (text == null || text.isEmpty() || !m.matches()) {
            return -1;
        }
        long seconds = part(m.group(1)) * 3600 + part(m.group(2)) * 60 + part(m.group(3));
        return seconds <= MAX_DRAIN_SECONDS ? (int) seconds : -1;
    }

    private static long part(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    public ProxyLifecycle withHold(boolean hold) {
        return new ProxyLifecycle(hold, holdTimeoutSeconds, terminationDrainSeconds, maxConcurrency);
    }

    public ProxyLifecycle withDrainSeconds(int seconds) {
        return new ProxyLifecycle(holdApplicationUntilProxyStarts, holdTimeoutSeconds, seconds, maxConcurrency);
    }
}
