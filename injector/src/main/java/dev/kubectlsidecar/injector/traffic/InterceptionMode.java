package dev.kubectlsidecar.injector.traffic;

/** How inbound traffic reaches the proxy (istio-iptables {@code -m}). */
public enum InterceptionMode {
    /** nat-table REDIRECT: the proxy sees the pod address as destination, the original one via SO_ORIGINAL_DST. */
    REDIRECT,
    /** mangle-table TPROXY: keeps the client's source address; needs policy routing and a root proxy. */
    TPROXY
}
