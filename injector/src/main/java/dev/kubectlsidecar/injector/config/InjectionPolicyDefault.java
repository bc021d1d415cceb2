package dev.kubectlsidecar.injector.config;

/** What happens to a pod that neither opts in nor opts out (Istio's {@code policy} of the injector config). */
public enum InjectionPolicyDefault {
    ENABLED, DISABLED
}
