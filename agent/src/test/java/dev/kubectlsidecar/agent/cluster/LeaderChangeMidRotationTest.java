package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader goes away in the middle of a CA replacement — the next CA is in the bundle, nothing is served from it
 * yet — while clients that trust only the published caBundle connect without pause: the other replica finishes the
 * replacement (switch, then drop the old CA) and no handshake fails. Certificate time stands still from the step
 * that added the next CA until the other replica leads, so the handover lands in the overlap every time.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderChangeMidRotationTest {
    static {
        Poll.quietMockServer();
    }

    private static final Duration LIMIT = Duration.ofMinutes(1);

    KubernetesClient client;
    private HandshakeLoad load;

    @BeforeEach
    void start() {
        load = new HandshakeLoad(client, RotationUnderLoadTest.SHORT);
    }

    @AfterEach
    void stop() {
        load.close();
    }

    @Test
    void theOtherReplicaFinishesACaReplacementTheLeaderBegan() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        HandshakeLoad.Replica first = load.start("agent-a");
        Poll.until("agent-a to lead", first.tls::isLeader);
        HandshakeLoad.Replica second = load.start("agent-b");
        load.startClients();

        X509Certificate original = load.stored().active().certificate();
        load.advanceUntil("agent-a to add the next CA", LIMIT, () -> load.stored().next().isPresent());
        first.leave();
        assertThat(load.stored().next()).as("the handover is in the middle of the replacement").isPresent();
        assertThat(load.stored().active().certificate()).isEqualTo(original);

        Poll.until("agent-b to lead", second.tls::isLeader);
        load.advanceUntil("agent-b to switch to the next CA and drop the old one", LIMIT, () -> {
            TlsMaterial now = load.stored();
            return !now.active().certificate().equals(original) && now.next().isEmpty() && now.retired().isEmpty();
        });
        X509Certificate replacement = load.stored().active().certificate();
        load.advanceUntil("a client served by the replacement CA", LIMIT, () -> load.served.stream().anyMatch(
                certificate -> certificate.getIssuerX500Principal().equals(replacement.getSubjectX500Principal())));
        load.stopClients();

        assertThat(load.failures).isEmpty();
        assertThat(load.authorities()).as("CAs seen").isEqualTo(2);
        assertThat(load.bundleSizes).as("bundle sizes seen").contains(1, 2);
    }
}
