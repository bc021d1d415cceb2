package dev.kubectlsidecar.agent.tls;

import java.time.Duration;

/**
 * How long certificates live and how long a change takes to reach every reader.
 *
 * <p>{@code propagation} is the wait between writing a CA bundle and relying on it: the API servers must see the new
 * caBundle before the agent serves a certificate from a new CA, and every agent replica must have reloaded the new
 * serving certificate before the old CA leaves the bundle.
 */
public record TlsLifetimes(Duration ca, Duration serving, Duration propagation) {

    public TlsLifetimes {
        if (ca.isNegative() || ca.isZero() || serving.isNegative() || serving.isZero() || propagation.isNegative()) {
            throw new IllegalArgumentException("certificate lifetimes must be positive and propagation not negative");
        }
        if (serving.compareTo(ca) > 0) {
            throw new IllegalArgumentException("serving certificate lifetime " + serving + " exceeds the CA's " + ca);
        }
        // The CA is replaced in its last third: adding the new CA and switching to it take two propagation waits.
        if (propagation.multipliedBy(2).compareTo(ca.dividedBy(3)) >= 0) {
            throw new IllegalArgumentException("propagation " + propagation + " too long for a CA lifetime of " + ca
                    + " (two propagation waits must fit in the last third of the CA's life)");
        }
        if (propagation.compareTo(serving.dividedBy(3)) >= 0) {
            throw new IllegalArgumentException("propagation " + propagation + " too long for a serving lifetime of " + serving
                    + " (a renewed certificate must reach every replica before the old one expires)");
        }
    }

    /** A one-year CA, 90-day serving certificates, two minutes for a change to propagate. */
    public static TlsLifetimes defaults() {
        return new TlsLifetimes(Duration.ofDays(365), Duration.ofDays(90), Duration.ofMinutes(2));
    }
}
