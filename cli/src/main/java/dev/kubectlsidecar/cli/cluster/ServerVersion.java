package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;

/** Reads the API server's version; native sidecars need Kubernetes 1.29 or newer. */
final class ServerVersion {
    private ServerVersion() {
    }

    static Boolean supportsNativeSidecars(KubernetesClient client) {
        try {
            VersionInfo version = client.getKubernetesVersion();
            return NativeSidecarMode.supportedBy(version.getMajor(), version.getMinor());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
