package dev.kubectlsidecar.cli.cluster;

/**
 * Who keeps the agent's TLS, for {@code verify}'s checks and hints: the agent itself (its Secret, its caBundle), or
 * cert-manager (the Certificate's Secret, the CA injector's caBundle).
 *
 * @param secret the Secret holding the serving certificate
 * @param bundleWriter what writes the caBundle, and where to look when it does not
 * @param reissue how to get a new serving certificate
 */
record TlsSource(String secret, String bundleWriter, String reissue) {
    private static final String LOGS = "kubectl -n " + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT;
    static final TlsSource AGENT = new TlsSource(AgentNames.TLS_SECRET, "the agent writes it when it starts: " + LOGS,
            "delete Secret " + AgentNames.NAMESPACE + "/" + AgentNames.TLS_SECRET + " and restart the agent to reissue it");
    static final TlsSource CERT_MANAGER = new TlsSource(AgentNames.CERT_MANAGER_TLS_SECRET,
            "cert-manager's CA injector writes it from annotation " + AgentManifests.INJECT_CA_FROM
                    + ": kubectl -n cert-manager logs deploy/cert-manager-cainjector",
            "kubectl -n " + AgentNames.NAMESPACE + " describe certificate " + AgentNames.CERTIFICATE
                    + " (cert-manager issues it; `cmctl renew` forces a new one)");

    static TlsSource of(boolean certManager) {
        return certManager ? CERT_MANAGER : AGENT;
    }
}
