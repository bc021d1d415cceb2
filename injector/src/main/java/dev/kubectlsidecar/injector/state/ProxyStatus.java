package dev.kubectlsidecar.injector.state;

/**
 * The proxy container as the kubelet reports it.
 *
 * @param present whether the pod status lists the proxy at all (false before it is scheduled, or when not injected)
 */
public record ProxyStatus(boolean present, boolean ready, int restarts, String image) {
    public static final ProxyStatus ABSENT = new ProxyStatus(false, false, 0, null);
}
