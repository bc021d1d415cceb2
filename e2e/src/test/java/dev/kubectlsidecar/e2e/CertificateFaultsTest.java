package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.cluster.CertificateStore;
import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's certificates go wrong on the local cluster and the agent puts them right without anyone's help: an
 * expired CA and serving certificate left in the Secret (which {@code verify} reports before the agent runs), the
 * same restored over good ones while it runs, and the webhook's caBundle wiped by a re-apply of the manifests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertificateFaultsTest {
    private static final String AGENT_NAMESPACE = "kubectl-sidecar";
    private static final String TLS_SECRET = "kubectl-sidecar-agent-tls";
    private static final String WEBHOOK = "kubectl-sidecar";

    @TempDir
    static Path dir;
    static AgentCluster agents;
    static KubernetesClient client;
    private static final AtomicInteger pods = new AtomicInteger();

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.runInitContainers(false));
        client = agents.cluster().client();
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    /** A CA and serving certificate issued two years ago, for a year and 90 days: both long expired. */
    private static TlsMaterial expired() {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(730)), ZoneOffset.UTC);
        CertificateIssuer issuer = new CertificateIssuer(past);
        CertificateAuthority ca = issuer.newAuthority("kubectl-sidecar-agent-ca", Duration.ofDays(365));
        return new TlsMaterial(ca, Optional.empty(), List.of(),
                issuer.issueServing(ca, CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", AGENT_NAMESPACE),
                        Duration.ofDays(90)), past.instant());
    }

    private static CertificateStore secret() {
        return new CertificateStore(client, AGENT_NAMESPACE, TLS_SECRET);
    }

    private static String caBundle() {
        String encoded = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).get()
                .getWebhooks().get(0).getClientConfig().getCaBundle();
        return encoded == null ? "" : new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII);
    }

    /** Creates pods until one is admitted with its sidecar (refusals while the agent repairs things are expected). */
    private static Pod injectedPod() throws InterruptedException {
        return Poll.until("a pod created with its sidecar", () -> {
            Pod pod = new PodBuilder().withNewMetadata().withName("web-" + pods.incrementAndGet()).endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build();
            try {
                Pod created = client.pods().inNamespace("shop").resource(pod).create();
                assertThat(PodLoad.hasSidecar(created)).as("failurePolicy Fail never admits a pod without it").isTrue();
                return created;
            } catch (KubernetesClientException refused) {
                return null;
            }
        });
    }

    /** The install manifests, as {@code install --dry-run} prints them (what GitOps applies). */
    private static List<HasMetadata> manifests() {
        Plugin.Result manifests = agents.plugin().run("install", "--dry-run", "-o", "yaml");
        assertThat(manifests.exitCode()).as(manifests.err()).isZero();
        return client.load(new ByteArrayInputStream(manifests.out().getBytes(StandardCharsets.UTF_8))).items();
    }

    @Test
    @Order(1)
    void expiredCertificatesLeftInTheSecretAreReportedByVerifyAndReplacedWhenTheAgentStarts() throws Exception {
        // everything of an earlier install but the agent's pods, which have been gone for longer than the certificates lived
        manifests().stream().filter(object -> !object.getKind().equals("Deployment"))
                .forEach(object -> client.resource(object).create());
        TlsMaterial old = expired();
        secret().loadOrCreate(() -> old);
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).edit(configuration -> {
            configuration.getWebhooks().forEach(webhook -> webhook.getClientConfig().setCaBundle(
                    Base64.getEncoder().encodeToString(old.bundlePem().getBytes(StandardCharsets.US_ASCII))));
            return configuration;
        });

        Plugin.Result before = agents.plugin().run("verify");
        assertThat(before.exitCode()).isEqualTo(1);
        assertThat(before.out()).containsPattern("✘ serving certificate expired on \\S+: the API server refuses the agent's TLS\n"
                        + "    see: the running agent replaces it within a minute; if it stays expired, see why in kubectl -n "
                        + "kubectl-sidecar logs deploy/kubectl-sidecar-agent")
                .containsPattern("✘ CA CN=kubectl-sidecar-agent-ca \\d+,O=kubectl-sidecar \\(in the caBundle\\) expired on ");

        Plugin.Result install = agents.plugin().run("install", "--timeout", "90s");
        assertThat(install.exitCode()).as(install.both()).isZero();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        assertThat(agents.plugin().run("enable", "shop").exitCode()).isZero();
        injectedPod();

        assertThat(caBundle()).isNotEqualTo(old.bundlePem());
        Plugin.Result after = agents.plugin().run("verify");
        assertThat(after.exitCode()).as(after.out()).isZero();
        assertThat(after.out()).contains("✔ serving certificate expires in 89d")
                .containsPattern("✔ CA CN=kubectl-sidecar-agent-ca \\d+,O=kubectl-sidecar \\(in the caBundle\\) expires in 364d");
    }

    @Test
    @Order(2)
    void expiredCertificatesRestoredOverGoodOnesWhileTheAgentRunsAreReplaced() throws Exception {
        String good = caBundle();
        CertificateStore.Stored current = secret().load().orElseThrow();

        secret().replace(current, expired()); // e.g. the Secret restored from an old backup

        Poll.until("a caBundle with a new CA", () -> !caBundle().equals(good) ? true : null);
        injectedPod();
        assertThat(secret().load().orElseThrow().material().serving().notAfter()).isAfter(Instant.now());
        assertThat(agents.plugin().run("verify").exitCode()).isZero();
    }

    @Test
    @Order(3)
    void aCaBundleWipedByAReapplyOfTheManifestsIsRepaired() throws Exception {
        String bundle = caBundle();
        MutatingWebhookConfiguration asInGit = (MutatingWebhookConfiguration) manifests().stream()
                .filter(object -> object.getKind().equals("MutatingWebhookConfiguration")).findFirst().orElseThrow();
        // printed from this cluster, the manifests carry its caBundle (no x509 window on a re-apply); a copy kept in
        // Git from before the install, or edited there, has none
        asInGit.getWebhooks().forEach(webhook -> webhook.getClientConfig().setCaBundle(null));

        MutatingWebhookConfiguration replaced = client.resource(asInGit).update(); // a PUT of the whole object, as GitOps does

        assertThat(replaced.getWebhooks()).allSatisfy(webhook -> assertThat(webhook.getClientConfig().getCaBundle()).isNullOrEmpty());
        injectedPod();
        Poll.until("the caBundle back in every webhook", () -> client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(WEBHOOK).get().getWebhooks().stream().allMatch(webhook -> webhook.getClientConfig().getCaBundle() != null
                        && !webhook.getClientConfig().getCaBundle().isEmpty()) ? true : null);
        assertThat(caBundle()).isEqualTo(bundle);
        assertThat(agents.plugin().run("verify").out()).contains("✔ caBundle holds the CA that signed the serving certificate");
    }
}
