package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.config.KubeVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;

/** Reads the API server's version (native sidecars need Kubernetes 1.29 or newer). */
final class ServerVersion {
    private ServerVersion() {
    }

    /** The server's version; {@link KubeVersion#UNKNOWN} when it cannot be read. */
    static KubeVersion of(KubernetesClient client) {
        try {
            VersionInfo version = client.getKubernetesVersion();
            return KubeVersion.fromServer(version.getMajor(), version.getMinor());
        } catch (RuntimeException e) {
            return KubeVersion.UNKNOWN;
        }
    }
}
