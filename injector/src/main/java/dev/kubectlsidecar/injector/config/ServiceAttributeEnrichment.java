package dev.kubectlsidecar.injector.config;

/**
 * How the proxy names the service in its traces (Istio's {@code serviceAttributeEnrichment} of an OpenTelemetry
 * tracing provider). With {@link #OTEL_SEMANTIC_CONVENTIONS} the proxy also gets {@code OTEL_RESOURCE_ATTRIBUTES}.
 */
public enum ServiceAttributeEnrichment {
    ISTIO_CANONICAL, OTEL_SEMANTIC_CONVENTIONS
}
