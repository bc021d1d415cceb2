package dev.kubectlsidecar.injector.config;

import java.util.Locale;

/**
 * Whether the proxy becomes a native sidecar (an init container with {@code restartPolicy: Always}, Kubernetes
 * 1.29+). {@code AUTO} follows the Kubernetes version ({@link KubeVersion}) and means "no" when it is unknown,
 * because an older API server silently drops {@code restartPolicy} and the proxy would block the pod as a never-ending init step.
 */
public enum NativeSidecarMode {
    AUTO, TRUE, FALSE;

    public static NativeSidecarMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public boolean resolve(KubeVersion server) {
        return switch (this) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> server.supportsNativeSidecars();
        };
    }
}
