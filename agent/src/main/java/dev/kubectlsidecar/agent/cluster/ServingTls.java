package dev.kubectlsidecar.agent.cluster;

/**
 * Where a replica's serving certificate comes from, as {@link dev.kubectlsidecar.agent.tls.ServingBundle}s handed to
 * the server: the agent's own certificates ({@link InClusterTls}) or cert-manager's ({@link CertManagerTls}).
 */
interface ServingTls extends AutoCloseable {
    void start();

    /** What to look at when no usable certificate arrives. */
    String whenMissing();

    @Override
    void close();
}
