package dev.kubectlsidecar.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;

/** Reads the API server's version; native sidecars need Kubernetes 1.29 or newer. */
final class ServerVersion {
    private ServerVersion() {
    }

    static Boolean supportsNativeSidecars(KubernetesClient client) {
        try {
            VersionInfo version = client.getKubernetesVersion();
            int major = Integer.parseInt(version.getMajor().replaceAll("\\D", ""));
            int minor = Integer.parseInt(version.getMinor().replaceAll("\\D", ""));
            return major > 1 || (major == 1 && minor >= 29);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
