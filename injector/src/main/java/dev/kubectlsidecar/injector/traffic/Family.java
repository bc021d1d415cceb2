package dev.kubectlsidecar.injector.traffic;

/** An IP family: each has its own rule list and restore file, applied with {@code iptables} or {@code ip6tables}. */
public enum Family {
    V4,
    V6
}
