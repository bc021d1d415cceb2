package dev.kubectlsidecar.injector.config;

import dev.kubectlsidecar.injector.traffic.TrafficDefaults;

/**
 * One way of injecting a sidecar: which proxy, which images, which resources and which traffic capture. The
 * config holds several; the default one is used unless the pod names another with {@code kubectl-sidecar/profile}.
 *
 * @param mesh what the proxy is told about its mesh; only an {@code istio} flavour profile has one (else null)
 */
public record Profile(
        String name,
        ProxyFlavor flavor,
        String proxyImage,
        String initImage,
        String imagePullPolicy,
        Resources proxyResources,
        Resources initResources,
        TrafficDefaults traffic,
        MeshSettings mesh) {
}
