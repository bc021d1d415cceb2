package dev.kubectlsidecar.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's meters, in one Prometheus registry served at {@code /metrics}. Names are Micrometer's dotted form;
 * the Prometheus names are {@code kubectl_sidecar_admission_requests_total{outcome}},
 * {@code kubectl_sidecar_admission_duration_seconds}, {@code kubectl_sidecar_config_valid},
 * {@code kubectl_sidecar_config_reload_failures_total} and {@code kubectl_sidecar_pods{state}}.
 */
public final class AgentMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** What one admission request came to. */
    public enum Outcome {
        INJECTED, SKIPPED, DENIED, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Timer duration;
    private final List<Object> counted = new CopyOnWriteArrayList<>();

    public AgentMetrics() {
        for (Outcome outcome : Outcome.values()) {
            requests.put(outcome, Counter.builder("kubectl.sidecar.admission.requests")
                    .description("Admission reviews answered, by outcome")
                    .tag("outcome", outcome.label())
                    .register(registry));
        }
        duration = Timer.builder("kubectl.sidecar.admission.duration")
                .description("Time from receiving an admission review to answering it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Counts one admission request and its time since {@code startNanos} ({@link System#nanoTime()}). */
    public void admission(Outcome outcome, long startNanos) {
        requests.get(outcome).increment();
        duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** Publishes whether the latest config update was valid (1) or rejected (0). */
    public void configValid(BooleanSupplier valid) {
        Gauge.builder("kubectl.sidecar.config.valid", valid, v -> v.getAsBoolean() ? 1 : 0)
                .description("1 when the latest injection config update was valid, 0 when it was rejected")
                .strongReference(true)
                .register(registry);
    }

    public Counter configReloadFailures() {
        return Counter.builder("kubectl.sidecar.config.reload.failures")
                .description("Injection config updates rejected as invalid (the last good config kept serving)")
                .register(registry);
    }

    /**
     * Hook for the pod watch: publishes how many pods are in one sidecar state ({@code injected}, {@code stale},
     * {@code missing}, ...), read from {@code count} at every scrape.
     */
    public void podsInState(String state, Supplier<Number> count) {
        Gauge.builder("kubectl.sidecar.pods", count, c -> c.get().doubleValue())
                .description("Pods by sidecar state")
                .tag("state", state)
                .strongReference(true)
                .register(registry);
    }

    /** The review budget: bytes of reviews held now, and reviews waiting for their turn. */
    public void reviewBudget(Supplier<Number> bytesHeld, Supplier<Number> waiting) {
        gauge("kubectl.sidecar.review.budget.bytes", "Bytes of admission reviews held (received or being answered)",
                bytesHeld);
        gauge("kubectl.sidecar.review.budget.waiting", "Admission reviews waiting for room in the review budget",
                waiting);
    }

    /** Open connections, and connections closed to keep under the cap. */
    public void connections(Supplier<Number> open, Supplier<Number> evicted) {
        gauge("kubectl.sidecar.connections.open", "Open HTTPS connections (after the TLS handshake)", open);
        counted.add(evicted); // a FunctionCounter holds its object weakly
        FunctionCounter.builder("kubectl.sidecar.connections.evicted", evicted, e -> e.get().doubleValue())
                .description("Connections closed to stay under the connection cap")
                .register(registry);
    }

    /** Reads of the status and config APIs refused, by reason (unauthenticated, forbidden, busy). */
    public Counter readsRefused(String reason) {
        return Counter.builder("kubectl.sidecar.reads.refused")
                .description("Reads of /api/v1/status and /api/v1/config refused")
                .tag("reason", reason)
                .register(registry);
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value, v -> v.get().doubleValue())
                .description(description)
                .strongReference(true)
                .register(registry);
    }

    /** The registry itself, for meters the in-cluster parts add. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }
}
