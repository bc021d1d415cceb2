package dev.kubectlsidecar.cli.cluster;

import java.util.Set;

/** Names the agent's manifests use, and the label that switches injection on per namespace. */
public final class AgentNames {
    public static final String NAMESPACE = "kubectl-sidecar";
    /** The label (and its value) by which install marks the namespace it created, so that uninstall deletes only that one. */
    public static final String OWNER_LABEL = "app.kubernetes.io/name";
    public static final String OWNER = "kubectl-sidecar";
    public static final String DEPLOYMENT = "kubectl-sidecar-agent";
    public static final String SERVICE = "kubectl-sidecar-agent";
    public static final String WEBHOOK_CONFIGURATION = "kubectl-sidecar";
    public static final String CONFIG_MAP = "kubectl-sidecar-config";
    public static final String INJECTION_LABEL = "istio-injection";
    /** With {@code install --cert-manager}: the Certificate, the Secret cert-manager writes for it (the agent's TLS). */
    public static final String CERTIFICATE = "kubectl-sidecar-agent";
    public static final String CERT_MANAGER_TLS_SECRET = "kubectl-sidecar-agent-cert-manager-tls";
    /** The agent's own TLS Secret when it manages its certificates. */
    public static final String TLS_SECRET = "kubectl-sidecar-agent-tls";
    /**
     * The header {@code status} sends its bearer token in to the agent's status API: the API server's service proxy
     * removes {@code Authorization} from what it forwards (the agent checks the token with a TokenReview).
     */
    public static final String TOKEN_HEADER = "Kubectl-Sidecar-Authorization";
    public static final Set<String> NEVER_ENABLED = Set.of("kube-system", "kube-public", "kube-node-lease", NAMESPACE);

    private AgentNames() {
    }

    /** Whether install created this object: a namespace that was there before is the user's, kept by install and uninstall. */
    static boolean createdByInstall(io.fabric8.kubernetes.api.model.HasMetadata object) {
        var labels = object.getMetadata().getLabels();
        return labels != null && OWNER.equals(labels.get(OWNER_LABEL));
    }
}
