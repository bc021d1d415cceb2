package dev.kubectlsidecar.injector.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
    public static final String DURATION_ALLOWED = "a duration such as 5s, 1.5s, 1m30s or 500ms, at most 1h";
    private static final Pattern DURATION = Pattern.compile("(?:\\d{1,7}(?:\\.\\d{1,9})?(?:h|ms|m|s)){1,4}");
    private static final Pattern PART = Pattern.compile("(\\d{1,7}(?:\\.\\d{1,9})?)(h|ms|m|s)");

    /**
     * Whole seconds (rounded up) of a duration as Istio writes {@code terminationDrainDuration}: protobuf's
     * {@code 5s} or {@code 1.5s}, or Go's {@code 1m30s} and {@code 500ms}; -1 when it is not one or exceeds
     * {@value #MAX_DRAIN_SECONDS} s.
     */
    public static int durationSeconds(String text) {
        if (text == null || !DURATION.matcher(text).matches()) {
            return -1;
        }
        BigDecimal total = BigDecimal.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            BigDecimal amount = new BigDecimal(part.group(1));
            total = total.add(switch (part.group(2)) {
                case "h" -> amount.multiply(BigDecimal.valueOf(3600));
                case "m" -> amount.multiply(BigDecimal.valueOf(60));
                case "ms" -> amount.movePointLeft(3);
                default -> amount;
            });
        }
        BigDecimal seconds = total.setScale(0, RoundingMode.CEILING);
        return seconds.compareTo(BigDecimal.valueOf(MAX_DRAIN_SECONDS)) <= 0 ? seconds.intValue() : -1;
    }

    public ProxyLifecycle withHold(boolean hold) {
        return new ProxyLifecycle(hold, holdTimeoutSeconds, terminationDrainSeconds, maxConcurrency);
    }

    public ProxyLifecycle withDrainSeconds(int seconds) {
        return new ProxyLifecycle(holdApplicationUntilProxyStarts, holdTimeoutSeconds, seconds, maxConcurrency);
    }
}
