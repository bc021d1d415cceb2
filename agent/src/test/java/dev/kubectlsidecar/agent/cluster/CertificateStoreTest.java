package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.RotationPolicy;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Step;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CertificateStoreTest {
    private static final String NS = "kubectl-sidecar";
    private static final String NAME = InClusterSettings.TLS_SECRET;

    KubernetesClient client;

    private final RotationPolicy policy = new RotationPolicy(new CertificateIssuer(Clock.systemUTC()), TlsLifetimes.defaults(),
            CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", NS), Clock.systemUTC());

    @Test
    void createsTheSecretOnceAndReusesIt() {
        CertificateStore store = new CertificateStore(client, NS, NAME);
        AtomicInteger made = new AtomicInteger();
        CertificateStore.Stored first = store.loadOrCreate(() -> fresh(made));
        CertificateStore.Stored second = store.loadOrCreate(() -> fresh(made));

        assertThat(made).hasValue(1);
        assertThat(second.material().serving().certificate()).isEqualTo(first.material().serving().certificate());
        assertThat(second.material().active()).isEqualTo(first.material().active());
        Secret secret = client.secrets().inNamespace(NS).withName(NAME).get();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key", "ca-bundle.crt");
        assertThat(secret.getMetadata().getAnnotations()).containsKey(TlsSecret.CHANGED_AT);
    }

    @Test
    void twoStoresRacingToCreateMakeExactlyOneSecretAndAgreeOnIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch bothLookedFirst = new CountDownLatch(2);
        try {
            List<Future<CertificateStore.Stored>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                CertificateStore store = new CertificateStore(client, NS, NAME);
                results.add(pool.submit(() -> store.loadOrCreate(() -> {
                    // both found no Secret; make them create at the same time
                    bothLookedFirst.countDown();
                    await(bothLookedFirst);
                    return policy.apply(Step.CREATE, null);
                })));
            }
            TlsMaterial a = results.get(0).get(30, TimeUnit.SECONDS).material();
            TlsMaterial b = results.get(1).get(30, TimeUnit.SECONDS).material();
            assertThat(bothLookedFirst.getCount()).as("both raced").isZero();
            assertThat(a.serving().certificate()).isEqualTo(b.serving().certificate());
            assertThat(client.secrets().inNamespace(NS).list().getItems()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void replaceIsConditionalOnTheVersionRead() {
        CertificateStore store = new CertificateStore(client, NS, NAME);
        CertificateStore.Stored original = store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        CertificateStore.Stored renewed = store.replace(original, policy.apply(Step.RENEW_SERVING, original.material()));
        assertThat(store.load().orElseThrow().material().serving().certificate())
                .isEqualTo(renewed.material().serving().certificate());

        TlsMaterial stale = policy.apply(Step.RENEW_SERVING, original.material());
        assertThatThrownBy(() -> store.replace(original, stale))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(store.load().orElseThrow().material().serving().certificate())
                .isEqualTo(renewed.material().serving().certificate());
    }

    @Test
    void aCaReplacementInProgressRoundTripsThroughTheSecret() {
        CertificateStore store = new CertificateStore(client, NS, NAME);
        CertificateStore.Stored stored = store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        TlsMaterial adding = policy.apply(Step.ADD_NEXT_CA, stored.material());
        stored = store.replace(stored, adding);
        TlsMaterial read = store.load().orElseThrow().material();
        assertThat(read.next()).isEqualTo(adding.next());
        assertThat(read.bundle()).isEqualTo(adding.bundle());
        assertThat(client.secrets().inNamespace(NS).withName(NAME).get().getData()).containsKeys("next-ca.crt", "next-ca.key");

        TlsMaterial switched = policy.apply(Step.SWITCH_TO_NEXT_CA, read);
        store.replace(stored, switched);
        read = store.load().orElseThrow().material();
        assertThat(read.next()).isEmpty();
        assertThat(read.retired()).isEqualTo(switched.retired()).hasSize(1);
        assertThat(read.bundle()).isEqualTo(switched.bundle());
        assertThat(read.changedAt()).isEqualTo(switched.changedAt());
    }

    @Test
    void anUnusableSecretIsReportedWithTheKeyAtFault() {
        CertificateStore store = new CertificateStore(client, NS, NAME);
        store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        Secret secret = client.secrets().inNamespace(NS).withName(NAME).get();
        secret.getData().put("tls.key", "bm90IGEga2V5"); // "not a key"
        client.secrets().inNamespace(NS).resource(secret).update();

        CertificateStore.Stored stored = store.load().orElseThrow();
        assertThat(stored.material()).isNull();
        assertThat(stored.problem()).startsWith("tls.crt key: ");
        assertThat(stored.resourceVersion()).isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSecretWhoseDataIsNotTextIsReportedWithTheKeyAtFault() {
        CertificateStore store = new CertificateStore(client, NS, NAME);
        store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        GenericKubernetesResource secret = client.genericKubernetesResources("v1", "Secret").inNamespace(NS).withName(NAME).get();
        ((Map<String, Object>) secret.getAdditionalProperties().get("data")).put("ca.crt", 42);
        client.genericKubernetesResources("v1", "Secret").inNamespace(NS).resource(secret).update();

        CertificateStore.Stored stored = store.load().orElseThrow();
        assertThat(stored.material()).isNull();
        assertThat(stored.problem()).isEqualTo("ca.crt: not a string");
    }

    private TlsMaterial fresh(AtomicInteger made) {
        made.incrementAndGet();
        return policy.apply(Step.CREATE, null);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
