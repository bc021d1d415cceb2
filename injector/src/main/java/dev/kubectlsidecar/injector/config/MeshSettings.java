package dev.kubectlsidecar.injector.config;

/**
 * What the {@code istio} profile tells the proxy about the mesh it joins, as istiod's injector takes it from its
 * values and mesh config: which istiod (revision, namespace or an explicit address), the trust domain, the cluster
 * and mesh IDs, and whether app probes are rewritten to pilot-agent's status port.
 *
 * @param revision the istiod revision this profile stands in for; empty means the default revision
 * @param caAddress the explicit {@code CA_ADDR}; null means istiod's service for the revision
 * @param meshId null means the trust domain, as Istio's template does
 * @param rewriteAppProbers the default of {@code sidecar.istio.io/rewriteAppHTTPProbers} (Istio's is true)
 * @param serviceAttributeEnrichment the mesh's OpenTelemetry tracing provider's (Istio's default: ISTIO_CANONICAL)
 */
public record MeshSettings(String revision, String istioNamespace, String caAddress, String trustDomain,
                           String clusterId, String meshId, boolean rewriteAppProbers,
                           ServiceAttributeEnrichment serviceAttributeEnrichment) {
    /** pilot-agent's status port: app probes are rewritten to it (Istio's {@code statusPort} default). */
    public static final int STATUS_PORT = 15020;

    public static MeshSettings defaults() {
        return new MeshSettings("", "istio-system", null, "cluster.local", "Kubernetes", null, true,
                ServiceAttributeEnrichment.ISTIO_CANONICAL);
    }

    /** {@code CA_ADDR}: the explicit address, else {@code istiod[-REVISION].NAMESPACE.svc:15012} as Istio renders it. */
    public String discoveryAddress() {
        if (caAddress != null) {
            return caAddress;
        }
        return "istiod" + (revision.isEmpty() ? "" : "-" + revision) + "." + istioNamespace + ".svc:15012";
    }

    /** The value of the annotation {@code istio.io/rev}: the revision, or {@code default}. */
    public String revisionName() {
        return revision.isEmpty() ? "default" : revision;
    }

    public String meshIdOrTrustDomain() {
        return meshId != null ? meshId : trustDomain;
    }
}
