package dev.kubectlsidecar.agent.cluster;

import java.util.Locale;
import java.util.Map;

/**
 * Who manages the agent's serving certificate, from {@code AGENT_TLS_MODE} (the Deployment sets it; absent means
 * {@code self-managed}): the agent itself (its own CA, the Secret and the webhook's caBundle kept by the Lease
 * holder), or cert-manager (a Certificate writes the Secret, cert-manager's CA injector the caBundle; the agent only
 * reads the Secret and writes nothing).
 */
public enum TlsMode {
    SELF_MANAGED, CERT_MANAGER;

    static final String ENV = "AGENT_TLS_MODE";

    public static TlsMode fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank()) {
            return SELF_MANAGED;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "self-managed" -> SELF_MANAGED;
            case "cert-manager" -> CERT_MANAGER;
            default -> throw new IllegalArgumentException(ENV + ": '" + value + "' is not self-managed or cert-manager");
        };
    }
}
