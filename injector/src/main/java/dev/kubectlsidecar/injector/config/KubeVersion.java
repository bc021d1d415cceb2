package dev.kubectlsidecar.injector.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes version pods are injected for: the API server's (its {@code /version}), the one given with
 * {@code --kube-version}, or {@link #UNKNOWN} offline. What a version supports (native sidecars from 1.29) is
 * asked of it, so "unknown" is a value of its own rather than a null.
 */
public final class KubeVersion {
    /** No version known: offline, or the server's could not be read. Supports nothing version-gated. */
    public static final KubeVersion UNKNOWN = new KubeVersion(-1, -1);
    /** Native sidecars (init containers with {@code restartPolicy: Always}) are on by default from 1.29. */
    public static final KubeVersion NATIVE_SIDECARS = new KubeVersion(1, 29);

    private static final Pattern FLAG = Pattern.compile("v?(\\d{1,3})\\.(\\d{1,3})(?:\\.\\d{1,5})?");
    private static final Pattern SERVER_PART = Pattern.compile("(\\d{1,3})\\+?");

    private final int major;
    private final int minor;

    private KubeVersion(int major, int minor) {
        this.major = major;
        this.minor = minor;
    }

    public static KubeVersion of(int major, int minor) {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("a Kubernetes version has no negative parts: " + major + "." + minor);
        }
        return new KubeVersion(major, minor);
    }

    /**
     * A version as users write it ({@code 1.29}, {@code v1.29}, {@code 1.29.3}, as Helm's {@code --kube-version}).
     *
     * @throws IllegalArgumentException naming what is allowed
     */
    public static KubeVersion parse(String text) {
        Matcher m = FLAG.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a Kubernetes version MAJOR.MINOR such as 1.29, got \""
                    + text + "\"");
        }
        return of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * The version from the {@code major} and {@code minor} fields of an API server's {@code /version} (which may
     * carry a "+", as in "29+" on managed clusters); {@link #UNKNOWN} when they do not parse.
     */
    public static KubeVersion fromServer(String major, String minor) {
        if (major == null || minor == null) {
            return UNKNOWN;
        }
        Matcher majorMatch = SERVER_PART.matcher(major.strip());
        Matcher minorMatch = SERVER_PART.matcher(minor.strip());
        if (!majorMatch.matches() || !minorMatch.matches()) {
            return UNKNOWN;
        }
        return of(Integer.parseInt(majorMatch.group(1)), Integer.parseInt(minorMatch.group(1)));
    }

    public boolean isKnown() {
        return major >= 0;
    }

    public boolean atLeast(KubeVersion other) {
        return isKnown() && other.isKnown()
                && (major > other.major || (major == other.major && minor >= other.minor));
    }

    public boolean supportsNativeSidecars() {
        return atLeast(NATIVE_SIDECARS);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KubeVersion version && version.major == major && version.minor == minor;
    }

    @Override
    public int hashCode() {
        return 31 * major + minor;
    }

    /** {@code 1.29}, or {@code unknown}. */
    @Override
    public String toString() {
        return isKnown() ? major + "." + minor : "unknown";
    }
}
