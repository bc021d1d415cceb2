package dev.kubectlsidecar.cli.cluster;

/**
 * What a GitOps tool must leave alone: the webhook configuration's {@code caBundle}, which the agent writes and
 * renews (with {@code --cert-manager}, cert-manager's CA injector). Argo CD compares it and would reset it (an x509
 * window for every new pod); Flux applies server-side, so a field its manifests never set stays its writer's.
 */
final class GitOpsRules {
    private GitOpsRules() {
    }

    /** @param certManager whether cert-manager's CA injector writes the caBundle (else the agent does) */
    static String of(String tool, boolean certManager) {
        String owner = certManager ? "cert-manager's CA injector (cainjector)" : "the agent";
        return switch (tool) {
            case "argocd" -> """
                    # Argo CD: add to the Application that syncs these manifests (%s owns caBundle):
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
                    """.formatted(owner, AgentNames.WEBHOOK_CONFIGURATION);
            case "flux" -> """
                    # Flux: nothing to add. The kustomize-controller applies server-side; these manifests never set
                    # caBundle, so the field stays with %s. Do not add one in a patch (Flux would then own and reset it).
                    """.formatted(owner);
            default -> throw new IllegalArgumentException(tool);
        };
    }
}
