package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two agent replicas rotate certificates with lifetimes of seconds of certificate time while clients that behave
 * like the API server connect to them without pause ({@link HandshakeLoad}). Once a serving renewal was seen the
 * leader goes away and the other replica carries on until the CA was replaced. No handshake may fail. Certificate
 * time only moves when the test moves it, so how fast this machine is changes nothing.
 */
@EnableKubernetesMockClient(crud = true)
class RotationUnderLoadTest {
    static {
        Poll.quietMockServer();
    }

    static final TlsLifetimes SHORT = new TlsLifetimes(Duration.ofSeconds(15), Duration.ofSeconds(6), Duration.ofSeconds(1));
    private static final Duration LIMIT = Duration.ofMinutes(1);

    KubernetesClient client;
    private HandshakeLoad load;

    @BeforeEach
    void start() {
        load = new HandshakeLoad(client, SHORT);
    }

    @AfterEach
    void stop() {
        load.close();
    }

    @Test
    void clientsTrustingOnlyThePublishedBundleNeverFailWhileCertificatesRotateAndLeadershipMoves() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        load.start("agent-a");
        load.start("agent-b");
        load.startClients();

        load.advanceUntil("a serving renewal", LIMIT, () -> load.served.size() >= 2);
        HandshakeLoad.Replica leader = Poll.value("a leader", () -> load.replicas.stream().filter(r -> r.tls.isLeader()).findFirst().orElse(null));
        HandshakeLoad.Replica survivor = load.replicas.get(0) == leader ? load.replicas.get(1) : load.replicas.get(0);
        leader.leave();
        Poll.until("the other replica to lead", survivor.tls::isLeader);

        load.advanceUntil("the CA replaced (at 2/3 of 15 s) and more serving renewals", LIMIT, () -> load.authorities() >= 2
                && load.served.size() >= 4 && load.bundleSizes.contains(1) && load.bundleSizes.contains(2)
                && survivor.reloads.get() >= 4);
        load.stopClients();

        assertThat(load.failures).isEmpty();
        assertThat(load.handshakes.get()).isGreaterThan(100);
    }
}
