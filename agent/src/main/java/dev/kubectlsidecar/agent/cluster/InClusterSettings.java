package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the agent runs and the names of the objects it owns. Read from the environment the Deployment sets
 * ({@code AGENT_NAMESPACE} and {@code POD_NAME} via the downward API), with the service account's namespace file as
 * the fallback for the namespace; a command-line flag may override the namespace ({@link #withNamespace}).
 */
public record InClusterSettings(String namespace, String serviceName, String webhookConfigurationName, String podName) {
    public static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    public static final String DEFAULT_SERVICE = "kubectl-sidecar-agent";
    public static final String DEFAULT_WEBHOOK_CONFIGURATION = "kubectl-sidecar";
    public static final String TLS_SECRET = "kubectl-sidecar-agent-tls";
    /** With {@link TlsMode#CERT_MANAGER}: the Secret cert-manager writes for the Certificate {@value #CERTIFICATE}. */
    public static final String CERT_MANAGER_TLS_SECRET = "kubectl-sidecar-agent-cert-manager-tls";
    public static final String CERTIFICATE = "kubectl-sidecar-agent";
    public static final String LEASE = "kubectl-sidecar-agent";
    public static final String CONFIG_MAP = "kubectl-sidecar-config";
    public static final String CONFIG_KEY = "config.yaml";

    static final String NAMESPACE_ENV = "AGENT_NAMESPACE";
    static final String SERVICE_ENV = "AGENT_SERVICE";
    static final String WEBHOOK_ENV = "AGENT_WEBHOOK_CONFIGURATION";
    static final String POD_ENV = "POD_NAME";
    static final String HOSTNAME_ENV = "HOSTNAME";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public InClusterSettings {
        require(namespace, DNS_LABEL, "namespace");
        require(serviceName, DNS_LABEL, SERVICE_ENV);
        require(webhookConfigurationName, DNS_SUBDOMAIN, WEBHOOK_ENV);
        require(podName, DNS_SUBDOMAIN, POD_ENV);
    }

    public static InClusterSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), SERVICE_ACCOUNT_NAMESPACE);
    }

    /** From {@code env}; the namespace falls back to {@code namespaceFile}, the pod name to {@code HOSTNAME}. */
    public static InClusterSettings fromEnvironment(Map<String, String> env, Path namespaceFile) {
        String namespace = nonBlank(env.get(NAMESPACE_ENV));
        if (namespace == null) {
            namespace = readNamespace(namespaceFile);
        }
        String pod = nonBlank(env.get(POD_ENV));
        if (pod == null) {
            pod = nonBlank(env.get(HOSTNAME_ENV));
        }
        if (pod == null) {
            throw new IllegalArgumentException(POD_ENV + " is not set (the Deployment sets it from metadata.name); "
                    + "it names this replica in the leader election");
        }
        return new InClusterSettings(namespace, orDefault(env.get(SERVICE_ENV), DEFAULT_SERVICE),
                orDefault(env.get(WEBHOOK_ENV), DEFAULT_WEBHOOK_CONFIGURATION), pod);
    }

    /** The serving certificate's DNS names for this Service. */
    public List<String> dnsNames() {
        return CertificateIssuer.serviceDnsNames(serviceName, namespace);
    }

    public InClusterSettings withNamespace(String namespace) {
        return new InClusterSettings(namespace, serviceName, webhookConfigurationName, podName);
    }

    public InClusterSettings withServiceName(String serviceName) {
        return new InClusterSettings(namespace, serviceName, webhookConfigurationName, podName);
    }

    private static String readNamespace(Path file) {
        try {
            String namespace = nonBlank(Files.readString(file));
            if (namespace != null) {
                return namespace.strip();
            }
            throw new IllegalArgumentException("the namespace is unknown: " + NAMESPACE_ENV + " is not set and " + file + " is empty");
        } catch (IOException e) {
            throw new IllegalArgumentException("the namespace is unknown: " + NAMESPACE_ENV + " is not set and " + file
                    + " cannot be read (" + e.getClass().getSimpleName() + "); pass --namespace outside a cluster", e);
        }
    }

    private static void require(String value, Pattern pattern, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + ": '" + value + "' is not a valid Kubernetes name");
        }
    }

    private static String orDefault(String value, String fallback) {
        String v = nonBlank(value);
        return v == null ? fallback : v;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
