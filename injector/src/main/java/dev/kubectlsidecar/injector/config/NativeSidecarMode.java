package dev.kubectlsidecar.injector.config;

import java.util.Locale;

/**
 * Whether the proxy becomes a native sidecar (an init container with {@code restartPolicy: Always}, Kubernetes
 * 1.29+). {@code AUTO} follows the API server's version when it is known and means "no" offline, because an older
 * API server silently drops {@code restartPolicy} and the proxy would block the pod as a never-ending init step.
 */
public enum NativeSidecarMode {
    AUTO, TRUE, FALSE;

    public static NativeSidecarMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * Whether an API server of this version runs native sidecars (1.29+), from the {@code major}/{@code minor}
     * strings of its {@code /version} (which may carry a suffix, as in "29+"); null when they do not parse.
     */
    public static Boolean supportedBy(String major, String minor) {
        try {
            int majorNumber = Integer.parseInt(major.replaceAll("\\D", ""));
            int minorNumber = Integer.parseInt(minor.replaceAll("\\D", ""));
            return majorNumber > 1 || (majorNumber == 1 && minorNumber >= 29);
        } catch (RuntimeException e) {
            return null;
        }
    }

    public boolean resolve(Boolean serverSupportsNativeSidecars) {
        return switch (this) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> Boolean.TRUE.equals(serverSupportsNativeSidecars);
        };
    }
}
