package dev.kubectlsidecar.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.agent.tls.RotationPolicy.Decision;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Step;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RotationPolicyTest {
    private static final List<String> NAMES = CertificateIssuer.serviceDnsNames("agent", "system");
    private static final Duration PROPAGATION = Duration.ofSeconds(5);
    private static final TlsLifetimes LIFETIMES = new TlsLifetimes(Duration.ofSeconds(90), Duration.ofSeconds(30), PROPAGATION);

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final RotationPolicy policy = new RotationPolicy(new CertificateIssuer(clock), LIFETIMES, NAMES, clock);

    @Test
    void nothingStoredCreatesACaAndAServingCertificate() {
        assertThat(policy.decide(null, null).step()).isEqualTo(Step.CREATE);
        TlsMaterial created = policy.apply(Step.CREATE, null);

        assertThat(created.bundle()).containsExactly(created.active().certificate());
        assertThat(created.serving().signedBy(created.active().certificate())).isTrue();
        assertThat(created.serving().dnsNames()).containsExactlyInAnyOrderElementsOf(NAMES);
        Decision idle = policy.decide(created, clock.instant());
        assertThat(idle.step()).isEqualTo(Step.NONE);
        assertThat(idle.nextCheck()).isEqualTo(twoThirds(created.serving().certificate()));
    }

    @Test
    void servingCertificateIsRenewedAtTwoThirdsOfItsLifeFromTheSameCa() {
        TlsMaterial material = policy.apply(Step.CREATE, null);
        Instant renewal = twoThirds(material.serving().certificate());

        clock.set(renewal.minusMillis(1));
        assertThat(policy.decide(material, clock.instant()).step()).isEqualTo(Step.NONE);
        clock.set(renewal);
        assertThat(policy.decide(material, clock.instant()).step()).isEqualTo(Step.RENEW_SERVING);

        TlsMaterial renewed = policy.apply(Step.RENEW_SERVING, material);
        assertThat(renewed.serving().certificate()).isNotEqualTo(material.serving().certificate());
        assertThat(renewed.serving().notAfter()).isAfter(material.serving().notAfter());
        assertThat(renewed.active()).isEqualTo(material.active());
        assertThat(renewed.bundle()).isEqualTo(material.bundle());
    }

    @Test
    void caIsReplacedWithBothCasInTheBundleUntilTheOldServingCertificateIsGone() {
        TlsMaterial material = policy.apply(Step.CREATE, null);
        X509Certificate oldCa = material.active().certificate();
        clock.set(twoThirds(oldCa));
        material = renewServingIfDue(material);

        assertThat(policy.decide(material, clock.instant()).step()).isEqualTo(Step.ADD_NEXT_CA);
        material = policy.apply(Step.ADD_NEXT_CA, material);
        X509Certificate newCa = material.next().orElseThrow().certificate();
        assertThat(material.bundle()).containsExactly(oldCa, newCa);
        assertThat(material.serving().signedBy(oldCa)).as("still serving from the old CA").isTrue();

        // not published yet: never switch, however long it takes
        clock.advance(PROPAGATION.multipliedBy(2));
        Decision unpublished = policy.decide(material, null);
        assertThat(unpublished.step()).isEqualTo(Step.NONE);
        assertThat(unpublished.nextCheck()).isEqualTo(clock.instant().plus(PROPAGATION));

        Instant published = clock.instant();
        clock.set(published.plus(PROPAGATION).minusMillis(1));
        assertThat(policy.decide(material, published).step()).isEqualTo(Step.NONE);
        assertThat(policy.decide(material, published).nextCheck()).isEqualTo(published.plus(PROPAGATION));
        clock.set(published.plus(PROPAGATION));
        assertThat(policy.decide(material, published).step()).isEqualTo(Step.SWITCH_TO_NEXT_CA);

        material = policy.apply(Step.SWITCH_TO_NEXT_CA, material);
        assertThat(material.active().certificate()).isEqualTo(newCa);
        assertThat(material.serving().signedBy(newCa)).isTrue();
        assertThat(material.bundle()).as("overlap: old and new CA").containsExactlyInAnyOrder(oldCa, newCa);
        assertThat(material.retired()).containsExactly(oldCa);

        Instant switched = clock.instant();
        clock.set(switched.plus(PROPAGATION).minusMillis(1));
        assertThat(policy.decide(material, switched).step()).isEqualTo(Step.NONE);
        clock.set(switched.plus(PROPAGATION));
        assertThat(policy.decide(material, switched).step()).isEqualTo(Step.DROP_RETIRED_CAS);

        material = policy.apply(Step.DROP_RETIRED_CAS, material);
        assertThat(material.bundle()).containsExactly(newCa);
        assertThat(policy.decide(material, clock.instant()).step()).isEqualTo(Step.NONE);
    }

    @Test
    void expiredCaStartsAfresh() {
        TlsMaterial material = policy.apply(Step.CREATE, null);
        clock.set(material.active().certificate().getNotAfter().toInstant());
        Decision decision = policy.decide(material, clock.instant());
        assertThat(decision.step()).isEqualTo(Step.CREATE);
        assertThat(decision.reason()).isEqualTo("the CA has expired");
    }

    @Test
    void servingCertificateForOtherNamesOrFromAnotherCaIsReissued() {
        TlsMaterial material = policy.apply(Step.CREATE, null);
        CertificateIssuer issuer = new CertificateIssuer(clock);
        ServingCertificate otherNames = issuer.issueServing(material.active(), List.of("old-name.system.svc"), LIFETIMES.serving());
        Decision renamed = policy.decide(withServing(material, otherNames), clock.instant());
        assertThat(renamed.step()).isEqualTo(Step.RENEW_SERVING);
        assertThat(renamed.reason()).contains("old-name.system.svc");

        CertificateAuthority stranger = issuer.newAuthority("stranger", LIFETIMES.ca());
        ServingCertificate foreign = issuer.issueServing(stranger, NAMES, LIFETIMES.serving());
        assertThat(policy.decide(withServing(material, foreign), clock.instant()).reason())
                .isEqualTo("the serving certificate is not signed by the active CA");
    }

    @Test
    void servingRenewalsDoNotHoldBackTheCaSwitch() {
        TlsMaterial material = policy.apply(Step.CREATE, null);
        clock.set(twoThirds(material.active().certificate()));
        material = policy.apply(Step.ADD_NEXT_CA, renewServingIfDue(material));
        Instant published = clock.instant();

        clock.advance(PROPAGATION.dividedBy(2));
        TlsMaterial renewed = policy.apply(Step.RENEW_SERVING, material);
        assertThat(renewed.changedAt()).isEqualTo(material.changedAt());
        clock.set(published.plus(PROPAGATION));
        assertThat(policy.decide(renewed, published).step()).isEqualTo(Step.SWITCH_TO_NEXT_CA);
    }

    @Test
    void aServingCertificateCutShortByItsCaIsNotRenewedFromThatCa() {
        TlsMaterial material = policy.apply(Step.CREATE, null);
        Instant caEnd = material.active().certificate().getNotAfter().toInstant();
        clock.set(caEnd.minus(LIFETIMES.serving().dividedBy(2)));
        material = policy.apply(Step.ADD_NEXT_CA, policy.apply(Step.RENEW_SERVING, material));
        assertThat(material.serving().notAfter()).as("cut short").isEqualTo(caEnd);

        clock.set(twoThirds(material.serving().certificate()).plusSeconds(1));
        Decision decision = policy.decide(material, null); // the next CA is not published: the switch must wait
        assertThat(decision.step()).isEqualTo(Step.NONE);
        assertThat(decision.nextCheck()).isBeforeOrEqualTo(caEnd);
    }

    record Scenario(String name, TlsLifetimes lifetimes, Duration tick, Duration publicationLag, Duration leaderOutage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Scenario> scenarios() {
        return List.of(
                new Scenario("seconds", LIFETIMES, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO),
                new Scenario("short, lagging, with a leader outage at the CA's renewal",
                        new TlsLifetimes(Duration.ofSeconds(12), Duration.ofSeconds(6), Duration.ofSeconds(1)),
                        Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(1500)));
    }

    /**
     * Over three CA lifetimes, tick by tick: whatever bundle a client may hold (anything published within the last
     * propagation time) trusts whatever certificate a replica may serve (anything written within the last propagation
     * time), and that certificate and its CA are valid — also when publishing lags and the leader is away for a while
     * just when the CA is due.
     */
    @ParameterizedTest
    @MethodSource("scenarios")
    void everyClientTrustsEveryCertificateAReplicaMayServeAtAnyTime(Scenario scenario) {
        Duration propagation = scenario.lifetimes().propagation();
        RotationPolicy rotation = new RotationPolicy(new CertificateIssuer(clock), scenario.lifetimes(), NAMES, clock);
        History<List<X509Certificate>> trust = new History<>();
        History<ServingCertificate> serving = new History<>();
        Instant end = clock.instant().plus(scenario.lifetimes().ca().multipliedBy(3));
        TlsMaterial current = null;
        Instant bundleChanged = null;
        Instant outageStart = null;
        List<Step> steps = new ArrayList<>();
        for (; clock.instant().isBefore(end); clock.advance(scenario.tick())) {
            Instant now = clock.instant();
            if (current != null && outageStart == null && !now.isBefore(twoThirds(current.active().certificate()))) {
                outageStart = now;
            }
            boolean leaderAway = outageStart != null && now.isBefore(outageStart.plus(scenario.leaderOutage()));
            Instant published = bundleChanged == null ? null : bundleChanged.plus(scenario.publicationLag());
            if (published != null && now.isBefore(published)) {
                published = null;
            }
            if (published != null && !trust.latest().equals(current.bundle())) {
                trust.add(published, current.bundle());
            }
            for (Decision d = rotation.decide(current, published); !leaderAway && d.step() != Step.NONE;
                 d = rotation.decide(current, published)) {
                TlsMaterial next = rotation.apply(d.step(), current);
                if (current == null || !next.bundle().equals(current.bundle())) {
                    bundleChanged = now;
                    published = scenario.publicationLag().isZero() ? now : null;
                    if (published != null) {
                        trust.add(now, next.bundle());
                    }
                }
                if (current == null && trust.isEmpty()) {
                    trust.add(now, next.bundle()); // first install: nobody calls before the caBundle is set
                }
                if (current == null || !next.serving().equals(current.serving())) {
                    serving.add(now, next.serving());
                }
                current = next;
                steps.add(d.step());
            }
            for (List<X509Certificate> bundle : trust.inEffect(now, propagation)) {
                for (ServingCertificate served : serving.inEffect(now, propagation)) {
                    assertTrusted(bundle, served, now);
                }
            }
        }
        assertThat(steps).contains(Step.RENEW_SERVING, Step.ADD_NEXT_CA, Step.SWITCH_TO_NEXT_CA, Step.DROP_RETIRED_CAS);
        assertThat(steps.stream().filter(s -> s == Step.CREATE)).hasSize(1);
    }

    /** Values in the order they were written, and which of them may still be in use. */
    private static final class History<T> {
        private final List<Instant> times = new ArrayList<>();
        private final List<T> values = new ArrayList<>();

        void add(Instant at, T value) {
            times.add(at);
            values.add(value);
        }

        boolean isEmpty() {
            return values.isEmpty();
        }

        T latest() {
            return values.get(values.size() - 1);
        }

        /** Everything written within {@code lag} before {@code now}, and the value current just before that. */
        List<T> inEffect(Instant now, Duration lag) {
            List<T> result = new ArrayList<>();
            for (int i = values.size() - 1; i >= 0; i--) {
                result.add(values.get(i));
                if (!times.get(i).isAfter(now.minus(lag))) {
                    break;
                }
            }
            return result;
        }
    }

    @Test
    void lifetimesThatCannotWorkAreRejected() {
        assertThatThrownBy(() -> new TlsLifetimes(Duration.ofDays(1), Duration.ofDays(2), Duration.ofMinutes(1)))
                .hasMessageContaining("exceeds the CA's");
        assertThatThrownBy(() -> new TlsLifetimes(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(5)))
                .hasMessageContaining("last third of the CA's life");
        assertThatThrownBy(() -> new TlsLifetimes(Duration.ofDays(10), Duration.ofSeconds(30), Duration.ofSeconds(10)))
                .hasMessageContaining("serving lifetime");
        assertThatThrownBy(() -> new TlsLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("positive");
    }

    private void assertTrusted(List<X509Certificate> bundle, ServingCertificate served, Instant now) {
        X509Certificate issuer = bundle.stream().filter(served::signedBy).findFirst().orElse(null);
        assertThat(issuer).as("at %s a served certificate from an untrusted CA", now).isNotNull();
        assertThat(now).as("served certificate valid at %s", now)
                .isBetween(served.notBefore(), served.notAfter().minusMillis(1));
        assertThat(now).as("its CA valid at %s", now)
                .isBefore(issuer.getNotAfter().toInstant());
    }

    private TlsMaterial renewServingIfDue(TlsMaterial material) {
        Decision decision = policy.decide(material, clock.instant());
        return decision.step() == Step.RENEW_SERVING ? policy.apply(Step.RENEW_SERVING, material) : material;
    }

    private static TlsMaterial withServing(TlsMaterial material, ServingCertificate serving) {
        return new TlsMaterial(material.active(), Optional.empty(), List.of(), serving, material.changedAt());
    }

    private static Instant twoThirds(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        return notBefore.plus(Duration.between(notBefore, certificate.getNotAfter().toInstant()).multipliedBy(2).dividedBy(3));
    }
}
