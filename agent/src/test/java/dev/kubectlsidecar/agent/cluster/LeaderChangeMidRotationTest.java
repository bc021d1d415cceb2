package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader goes away in the middle of a CA replacement — the next CA is in the bundle, nothing is served from it
 * yet — while clients that trust only the published caBundle connect without pause: the other replica finishes the
 * replacement (switch, then drop the old CA) and no handshake fails. The first leader's clock stops just after the
 * replacement began, so it cannot take the next step itself: the handover lands in the overlap every time.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderChangeMidRotationTest {
    static {
        Poll.quietMockServer();
    }

    KubernetesClient client;
    private HandshakeLoad load;

    /** The system clock until {@link #stopAt}, then that instant for ever. */
    private static final class StoppingClock extends Clock {
        private volatile Instant stop = Instant.MAX;

        void stopAt(Instant instant) {
            stop = instant;
        }

        @Override
        public Instant instant() {
            Instant now = Instant.now();
            return now.isBefore(stop) ? now : stop;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void start() {
        load = new HandshakeLoad(client, RotationUnderLoadTest.SHORT);
    }

    @AfterEach
    void stop() throws Exception {
        load.close();
    }

    private TlsMaterial stored() {
        return new CertificateStore(client, "kubectl-sidecar", InClusterSettings.TLS_SECRET).load().orElseThrow().material();
    }

    @Test
    void theOtherReplicaFinishesACaReplacementTheLeaderBegan() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        StoppingClock firstLeadersClock = new StoppingClock();
        HandshakeLoad.Replica first = load.start("agent-a", firstLeadersClock);
        Poll.until("agent-a to lead", first.tls::isLeader);
        HandshakeLoad.Replica second = load.start("agent-b", Clock.systemUTC());
        load.startClients();

        X509Certificate original = stored().active().certificate();
        Instant notBefore = original.getNotBefore().toInstant();
        Instant replacementDue = notBefore.plus(Duration.between(notBefore, original.getNotAfter().toInstant()).multipliedBy(2).dividedBy(3));
        // after the next CA is added, before the switch to it can be due (a propagation time after it was published)
        firstLeadersClock.stopAt(replacementDue.plus(RotationUnderLoadTest.SHORT.propagation().dividedBy(2)));
        Poll.until("agent-a to add the next CA", Duration.ofSeconds(30), () -> stored().next().isPresent());
        Poll.until("agent-a's clock to stop", Duration.ofSeconds(30), () -> Instant.now().isAfter(replacementDue.plusSeconds(1)));

        first.leave();
        assertThat(stored().next()).as("the handover is in the middle of the replacement").isPresent();
        assertThat(stored().active().certificate()).isEqualTo(original);
        Poll.until("agent-b to lead", second.tls::isLeader);
        Poll.until("agent-b to switch to the next CA and drop the old one", Duration.ofSeconds(30), () -> {
            TlsMaterial now = stored();
            return !now.active().certificate().equals(original) && now.next().isEmpty() && now.retired().isEmpty();
        });
        X509Certificate replacement = stored().active().certificate();
        Poll.until("a client served by the replacement CA", Duration.ofSeconds(30), () -> load.served.stream().anyMatch(
                certificate -> certificate.getIssuerX500Principal().equals(replacement.getSubjectX500Principal())));
        load.stopClients();

        System.out.printf("leader change mid-rotation: %d handshakes, %d serving certificates from %d CAs, %d failures%n",
                load.handshakes.get(), load.served.size(), load.authorities(), load.failures.size());
        assertThat(load.failures).isEmpty();
        assertThat(load.authorities()).as("CAs seen").isEqualTo(2);
        assertThat(load.bundleSizes).as("bundle sizes seen").contains(1, 2);
        assertThat(load.served).as("served from the replacement CA")
                .anySatisfy(certificate -> assertThat(certificate.getIssuerX500Principal()).isEqualTo(replacement.getSubjectX500Principal()));
    }
}
