package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.Profile;
import dev.kubectlsidecar.injector.config.ProxyLifecycle;
import dev.kubectlsidecar.injector.config.Resources;
import java.util.List;

/**
 * The proxy as this pod gets it: the profile, then what the pod's {@code sidecar.istio.io/*} annotations changed,
 * and the warnings about annotations that were ignored.
 *
 * @param nativeSidecar the pod's own choice, or null when it made none
 * @param lifecycle the config's start/stop settings under the pod's {@code proxy.istio.io/config}
 * @param concurrency Envoy's worker threads: the pod's choice, else from the proxy's CPU limit
 * @param lifecycleFromPod the {@code proxy.istio.io/config} fields the pod set (Istio's proxy reads them too)
 */
public record ProxyOptions(Profile profile, String proxyImage, Resources proxyResources, Boolean nativeSidecar,
                           ProxyLifecycle lifecycle, int concurrency, java.util.Set<String> lifecycleFromPod,
                           List<String> warnings) {
    public ProxyOptions {
        lifecycleFromPod = java.util.Set.copyOf(lifecycleFromPod);
        warnings = List.copyOf(warnings);
    }
}
