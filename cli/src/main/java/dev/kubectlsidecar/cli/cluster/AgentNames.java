package dev.kubectlsidecar.cli.cluster;

import java.util.Set;

/** Names the agent's manifests use, and the label that switches injection on per namespace. */
public final class AgentNames {
    public static final String NAMESPACE = "kubectl-sidecar";
    public static final String DEPLOYMENT = "kubectl-sidecar-agent";
    public static final String SERVICE = "kubectl-sidecar-agent";
    public static final String WEBHOOK_CONFIGURATION = "kubectl-sidecar";
    public static final String CONFIG_MAP = "kubectl-sidecar-config";
    public static final String INJECTION_LABEL = "istio-injection";
    public static final Set<String> NEVER_ENABLED = Set.of("kube-system", "kube-public", "kube-node-lease", NAMESPACE);

    private AgentNames() {
    }
}
