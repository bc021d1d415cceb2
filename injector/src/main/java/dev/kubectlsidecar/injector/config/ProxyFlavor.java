package dev.kubectlsidecar.injector.config;

/** How the proxy container is laid out: a bare Envoy with an inline bootstrap, or Istio's pilot-agent layout. */
public enum ProxyFlavor {
    /** The official Envoy image with a transparent pass-through bootstrap; needs no control plane. */
    ENVOY,
    /** Istio's proxyv2 image run by pilot-agent, for clusters that run istiod. */
    ISTIO
}
