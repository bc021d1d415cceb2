package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two agent replicas rotate certificates with lifetimes of seconds while clients that behave like the API server
 * connect to them without pause ({@link HandshakeLoad}). Once a serving renewal was seen the leader goes away and the
 * other replica carries on until the CA was replaced. No handshake may fail. The test waits for those events, never
 * for a time.
 */
@EnableKubernetesMockClient(crud = true)
class RotationUnderLoadTest {
    static {
        Poll.quietMockServer();
    }

    static final TlsLifetimes SHORT = new TlsLifetimes(Duration.ofSeconds(15), Duration.ofSeconds(6), Duration.ofSeconds(1));

    KubernetesClient client;
    private HandshakeLoad load;

    @BeforeEach
    void start() {
        load = new HandshakeLoad(client, SHORT);
    }

    @AfterEach
    void stop() throws Exception {
        load.close();
    }

    @Test
    void clientsTrustingOnlyThePublishedBundleNeverFailWhileCertificatesRotateAndLeadershipMoves() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        load.start("agent-a", Clock.systemUTC());
        load.start("agent-b", Clock.systemUTC());
        load.startClients();

        Poll.until("a serving renewal under load", Duration.ofSeconds(30), () -> load.served.size() >= 2);
        HandshakeLoad.Replica leader = Poll.value("a leader", () -> load.replicas.stream().filter(r -> r.tls.isLeader()).findFirst().orElse(null));
        HandshakeLoad.Replica survivor = load.replicas.get(0) == leader ? load.replicas.get(1) : load.replicas.get(0);
        leader.leave();
        Poll.until("the other replica to lead", survivor.tls::isLeader);

        // the CA is replaced (at 2/3 of 15 s), with more serving renewals, all while the clients keep calling
        Poll.until("the CA replaced and the survivor reloading", Duration.ofSeconds(60), () -> load.authorities() >= 2
                && load.served.size() >= 4 && load.bundleSizes.contains(1) && load.bundleSizes.contains(2)
                && survivor.reloads.get() >= 4);
        load.stopClients();

        System.out.printf("rotation under load: %d handshakes, %d serving certificates from %d CAs, %d failures%n",
                load.handshakes.get(), load.served.size(), load.authorities(), load.failures.size());
        assertThat(load.failures).isEmpty();
        assertThat(load.handshakes.get()).isGreaterThan(100);
        assertThat(load.authorities()).as("CAs seen").isGreaterThanOrEqualTo(2);
        assertThat(load.served).as("serving certificates seen").hasSizeGreaterThanOrEqualTo(4);
        assertThat(load.bundleSizes).as("bundle sizes seen").contains(1, 2);
        assertThat(survivor.reloads.get()).isGreaterThanOrEqualTo(4);
    }
}
