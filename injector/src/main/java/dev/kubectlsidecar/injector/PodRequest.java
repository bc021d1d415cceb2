package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;

/**
 * The context of one pod's injection.
 *
 * @param nativeSidecarMode the caller's choice ({@code --native-sidecar}); null means the config's
 * @param serverSupportsNativeSidecars whether the API server is at least 1.29; null when unknown (offline)
 */
public record PodRequest(NamespaceInfo namespace, NativeSidecarMode nativeSidecarMode,
                         Boolean serverSupportsNativeSidecars) {

    public static PodRequest offline(String namespace) {
        return new PodRequest(NamespaceInfo.unlabelled(namespace), null, null);
    }
}
