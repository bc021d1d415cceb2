package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;

/**
 * The context of one pod's injection.
 *
 * @param nativeSidecarMode the caller's choice ({@code --native-sidecar}); null means the config's
 * @param kubeVersion the Kubernetes version pods are injected for; {@link KubeVersion#UNKNOWN} offline
 */
public record PodRequest(NamespaceInfo namespace, NativeSidecarMode nativeSidecarMode, KubeVersion kubeVersion) {
    public PodRequest {
        java.util.Objects.requireNonNull(kubeVersion, "kubeVersion");
    }

    public static PodRequest offline(String namespace) {
        return new PodRequest(NamespaceInfo.unlabelled(namespace), null, KubeVersion.UNKNOWN);
    }
}
