package dev.kubectlsidecar.cli.cluster;

/**
 * What a GitOps tool must leave to the agent: the webhook configuration's {@code caBundle}, which the agent writes
 * and renews. Argo CD compares it and would reset it (an x509 window for every new pod); Flux applies server-side,
 * so a field its manifests never set stays owned by the agent.
 */
final class GitOpsRules {
    private GitOpsRules() {
    }

    static String of(String tool) {
        return switch (tool) {
            case "argocd" -> """
                    # Argo CD: add to the Application that syncs these manifests (the agent owns caBundle):
                    spec:
                      ignoreDifferences:
                        - group: admissionregistration.k8s.io
                          kind: MutatingWebhookConfiguration
                          name: %s
                          jqPathExpressions:
                            - .webhooks[]?.clientConfig.caBundle
                      syncPolicy:
                        syncOptions:
                          - RespectIgnoreDifferences=true
                    """.formatted(AgentNames.WEBHOOK_CONFIGURATION);
            case "flux" -> """
                    # Flux: nothing to add. The kustomize-controller applies server-side; these manifests never set
                    # caBundle, so the field stays the agent's. Do not add one in a patch (Flux would then own and reset it).
                    """;
            default -> throw new IllegalArgumentException(tool);
        };
    }
}
