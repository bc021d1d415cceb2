package dev.kubectlsidecar.agent.tls;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * When to renew what. {@link #decide} is pure (material, publication time, clock → one step); {@link #apply} makes the
 * material after that step. The caller applies steps one at a time, persisting each, until {@link Step#NONE}.
 *
 * <p>The serving certificate is renewed at 2/3 of its life. The CA is replaced at 2/3 of its life in three steps so
 * that no client ever sees a certificate it does not trust:
 * <ol>
 * <li>{@link Step#ADD_NEXT_CA}: a new CA joins the bundle (old and new); serving is unchanged;</li>
 * <li>{@link Step#SWITCH_TO_NEXT_CA}: once that bundle has been published for the propagation time, serve a
 * certificate from the new CA; the old CA stays in the bundle as retired;</li>
 * <li>{@link Step#DROP_RETIRED_CAS}: once every replica had the propagation time to reload, the bundle holds only
 * the new CA.</li>
 * </ol>
 * Missing or unusable material (the CA expired) starts afresh with {@link Step#CREATE}.
 */
public final class RotationPolicy {
    private static final String CA_NAME = "kubectl-sidecar-agent-ca";

    public enum Step { CREATE, RENEW_SERVING, ADD_NEXT_CA, SWITCH_TO_NEXT_CA, DROP_RETIRED_CAS, NONE }

    /** The step to take now, why, and — for {@link Step#NONE} — when to look again. */
    public record Decision(Step step, String reason, Instant nextCheck) {
    }

    private final CertificateIssuer issuer;
    private final TlsLifetimes lifetimes;
    private final List<String> dnsNames;
    private final Clock clock;

    public RotationPolicy(CertificateIssuer issuer, TlsLifetimes lifetimes, List<String> dnsNames, Clock clock) {
        this.issuer = issuer;
        this.lifetimes = lifetimes;
        this.dnsNames = List.copyOf(dnsNames);
        this.clock = clock;
    }

    public TlsLifetimes lifetimes() {
        return lifetimes;
    }

    /**
     * @param current     the stored material, or null when there is none (or it is unreadable)
     * @param publishedAt since when the clients' trust (the webhook's caBundle) has held {@code current.bundle()};
     *                    null when that is not known: the CA then never moves on
     */
    public Decision decide(TlsMaterial current, Instant publishedAt) {
        Instant now = clock.instant();
        if (current == null) {
            return act(Step.CREATE, "no certificates yet", now);
        }
        if (!now.isBefore(current.active().certificate().getNotAfter().toInstant())) {
            return act(Step.CREATE, "the CA has expired", now);
        }
        Instant settled = publishedAt == null ? null
                : latest(publishedAt, current.changedAt()).plus(lifetimes.propagation());
        boolean isSettled = settled != null && !now.isBefore(settled);
        if (current.next().isPresent() && isSettled) {
            return act(Step.SWITCH_TO_NEXT_CA, "the bundle with the next CA has propagated", now);
        }
        if (!current.retired().isEmpty() && isSettled) {
            return act(Step.DROP_RETIRED_CAS, "every replica has had time to serve from the new CA", now);
        }
        String servingProblem = servingProblem(current, now);
        if (servingProblem != null) {
            return act(Step.RENEW_SERVING, servingProblem, now);
        }
        Instant caRenewal = renewalTime(current.active().certificate());
        boolean caMayMove = current.next().isEmpty() && current.retired().isEmpty();
        if (caMayMove && !now.isBefore(caRenewal)) {
            return act(Step.ADD_NEXT_CA, "the CA has reached 2/3 of its life", now);
        }
        List<Instant> candidates = new ArrayList<>();
        if (!cutShortByItsCa(current)) {
            candidates.add(renewalTime(current.serving().certificate()));
        }
        candidates.add(current.active().certificate().getNotAfter().toInstant());
        if (caMayMove) {
            candidates.add(caRenewal);
        } else {
            // a CA step waits for the bundle to be published and then to propagate; unpublished: look again later
            candidates.add(settled != null ? settled : now.plus(lifetimes.propagation()));
        }
        return new Decision(Step.NONE, "nothing due", candidates.stream().min(Instant::compareTo).orElseThrow());
    }

    /** The material after {@code step}; {@code current} may be null only for {@link Step#CREATE}. */
    public TlsMaterial apply(Step step, TlsMaterial current) {
        Instant now = clock.instant();
        switch (step) {
            case CREATE: {
                CertificateAuthority ca = newAuthority();
                return new TlsMaterial(ca, Optional.empty(), List.of(), issue(ca), now);
            }
            case RENEW_SERVING: // same CA, same bundle: the propagation clock keeps running
                return new TlsMaterial(current.active(), current.next(), current.retired(), issue(current.active()),
                        current.changedAt());
            case ADD_NEXT_CA:
                return new TlsMaterial(current.active(), Optional.of(newAuthority()), current.retired(), current.serving(), now);
            case SWITCH_TO_NEXT_CA: {
                CertificateAuthority next = current.next().orElseThrow(() -> new IllegalStateException("no next CA to switch to"));
                List<X509Certificate> retired = Stream.concat(current.retired().stream(), Stream.of(current.active().certificate()))
                        .toList();
                return new TlsMaterial(next, Optional.empty(), retired, issue(next), now);
            }
            case DROP_RETIRED_CAS:
                return new TlsMaterial(current.active(), current.next(), List.of(), current.serving(), now);
            case NONE:
                return current;
            default:
                throw new IllegalArgumentException("unknown step " + step);
        }
    }

    private String servingProblem(TlsMaterial current, Instant now) {
        ServingCertificate serving = current.serving();
        if (!serving.signedBy(current.active().certificate())) {
            return "the serving certificate is not signed by the active CA";
        }
        if (!new HashSet<>(serving.dnsNames()).equals(new HashSet<>(dnsNames))) {
            return "the serving certificate names " + serving.dnsNames() + ", not " + dnsNames;
        }
        if (!cutShortByItsCa(current) && !now.isBefore(renewalTime(serving.certificate()))) {
            return "the serving certificate has reached 2/3 of its life";
        }
        return null;
    }

    /** Such a certificate cannot be bettered from the same CA: the CA replacement renews it. */
    private static boolean cutShortByItsCa(TlsMaterial current) {
        return !current.serving().notAfter().isBefore(current.active().certificate().getNotAfter().toInstant());
    }

    static Instant renewalTime(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Duration life = Duration.between(notBefore, certificate.getNotAfter().toInstant());
        return notBefore.plus(life.multipliedBy(2).dividedBy(3));
    }

    private CertificateAuthority newAuthority() {
        return issuer.newAuthority(CA_NAME, lifetimes.ca());
    }

    private ServingCertificate issue(CertificateAuthority ca) {
        return issuer.issueServing(ca, dnsNames, lifetimes.serving());
    }

    private static Decision act(Step step, String reason, Instant now) {
        return new Decision(step, reason, now);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
