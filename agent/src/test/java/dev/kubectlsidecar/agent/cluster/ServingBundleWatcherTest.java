package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.MutableClock;
import dev.kubectlsidecar.agent.tls.RotationPolicy;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Step;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ServingBundleWatcherTest {
    static {
        Poll.quietMockServer();
    }

    private static final String NS = "kubectl-sidecar";

    KubernetesClient client;

    private final RotationPolicy policy = new RotationPolicy(new CertificateIssuer(Clock.systemUTC()), TlsLifetimes.defaults(),
            CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", NS), Clock.systemUTC());
    private final List<ServingBundle> received = new CopyOnWriteArrayList<>();
    private ServingBundleWatcher watcher;

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void everyNewServingCertificateReachesTheCallbackOnceAndBrokenSecretsNever() {
        watcher = new ServingBundleWatcher(client, NS, InClusterSettings.TLS_SECRET, received::add);
        watcher.start();
        CertificateStore store = new CertificateStore(client, NS, InClusterSettings.TLS_SECRET);
        CertificateStore.Stored stored = store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        Poll.until("the first bundle", () -> received.size() == 1);
        assertThat(received.get(0)).isEqualTo(stored.material().servingBundle());

        stored = store.replace(stored, policy.apply(Step.RENEW_SERVING, stored.material()));
        Poll.until("the renewed bundle", () -> received.size() == 2);
        assertThat(received.get(1)).isEqualTo(stored.material().servingBundle());
        assertThat(received.get(1).certChainPem()).isNotEqualTo(received.get(0).certChainPem());

        Secret broken = client.secrets().inNamespace(NS).withName(InClusterSettings.TLS_SECRET).get();
        broken.getData().remove("tls.key");
        client.secrets().inNamespace(NS).resource(broken).update();
        CertificateStore.Stored current = store.load().orElseThrow();
        assertThat(current.material()).isNull();
        stored = store.replace(current, policy.apply(Step.RENEW_SERVING, stored.material()));
        Poll.until("the repaired bundle", () -> received.size() == 3);
        assertThat(received.get(2)).isEqualTo(stored.material().servingBundle());
    }

    @Test
    void anExpiredServingCertificateIsNeverHandedOverButEveryNewVersionIsHeardOf() {
        MutableClock clock = new MutableClock(Instant.now());
        AtomicInteger changes = new AtomicInteger();
        watcher = new ServingBundleWatcher(client, NS, InClusterSettings.TLS_SECRET, clock, received::add, changes::incrementAndGet);
        watcher.start();
        CertificateStore store = new CertificateStore(client, NS, InClusterSettings.TLS_SECRET);
        CertificateStore.Stored stored = store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        Poll.until("the first bundle", () -> received.size() == 1);

        clock.advance(Duration.ofDays(400)); // as if the Secret were restored from a backup a year later
        store.replace(stored, policy.apply(Step.RENEW_SERVING, stored.material()));
        Poll.until("the new version heard of", () -> changes.get() == 2);
        assertThat(received).as("the expired certificate is not served").hasSize(1);

        client.secrets().inNamespace(NS).withName(InClusterSettings.TLS_SECRET).delete();
        Poll.until("the deletion heard of", () -> changes.get() == 3);
        assertThat(received).hasSize(1);
    }
}
