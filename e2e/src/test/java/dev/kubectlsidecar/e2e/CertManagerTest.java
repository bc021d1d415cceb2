package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install --cert-manager}: on the local cluster with cert-manager's CRDs registered and a stand-in doing what
 * cert-manager and its CA injector would, the agent (its jar as a process) serves the certificate cert-manager
 * issued, reloads a new one, and writes neither its own Secret nor the caBundle; the API server's admission, which
 * trusts only the caBundle, injects pods; verify, upgrades, --dry-run and uninstall follow the mode.
 */
class CertManagerTest {
    private static final String NS = "kubectl-sidecar";
    private static final ResourceDefinitionContext CERTIFICATES = new ResourceDefinitionContext.Builder().withGroup("cert-manager.io")
            .withVersion("v1").withKind("Certificate").withPlural("certificates").withNamespaced(true).build();

    @TempDir
    static Path dir;
    static AgentCluster agents;
    static KubernetesClient client;
    static Plugin plugin;
    static CertManagerStandIn certManager;
    static final AtomicInteger PODS = new AtomicInteger();

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.certManagerCrds(true));
        client = agents.cluster().client();
        plugin = agents.plugin();
        certManager = new CertManagerStandIn(client);
        certManager.start();
    }

    @AfterAll
    static void stop() {
        if (certManager != null) {
            certManager.close();
        }
        if (agents != null) {
            agents.close();
        }
    }

    private static MutatingWebhookConfiguration webhooks() {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").get();
    }

    private static String caBundle() {
        return new String(Base64.getDecoder().decode(webhooks().getWebhooks().get(0).getClientConfig().getCaBundle()), StandardCharsets.UTF_8);
    }

    /** A new pod in shop, created through admission (which trusts only the caBundle) and injected; null when refused. */
    private static Pod aNewPod() {
        try {
            return client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-" + PODS.incrementAndGet())
                    .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build()).create();
        } catch (KubernetesClientException refused) {
            return null;
        }
    }

    private static boolean injected(Pod pod) {
        return pod != null && Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .map(Container::getName).anyMatch("istio-proxy"::equals);
    }

    @Test
    void theAgentServesCertManagersCertificateAndWritesNeitherItsSecretNorTheCaBundle() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        Plugin.Result noIssuer = plugin.run("install", "--cert-manager", "agent-ca", "--timeout", "90s");
        assertThat(noIssuer.exitCode()).as(noIssuer.both()).isEqualTo(1);
        assertThat(noIssuer.err()).isEqualTo("error: --cert-manager: Issuer kubectl-sidecar/agent-ca not found: create it first (an Issuer "
                + "must be in namespace kubectl-sidecar; for one of the whole cluster say ClusterIssuer/agent-ca)\n");
        assertThat(client.apps().deployments().inNamespace(NS).withName("kubectl-sidecar-agent").get()).as("nothing applied").isNull();

        CertManagerStandIn.createIssuer(client, NS, "agent-ca");
        Plugin.Result install = plugin.run("install", "--cert-manager", "agent-ca", "--replicas", "1", "--timeout", "90s");
        assertThat(install.exitCode()).as(install.both() + certManager.failures()).isZero();
        assertThat(install.out()).contains("certificate/kubectl-sidecar-agent created").contains("The agent is ready.");
        assertThat(webhooks().getMetadata().getAnnotations()).containsEntry("cert-manager.io/inject-ca-from", NS + "/kubectl-sidecar-agent");
        assertThat(caBundle()).as("cert-manager's CA, injected").isEqualTo(certManager.issuerCa(NS, "agent-ca").certificatePem());
        assertThat(client.secrets().inNamespace(NS).withName("kubectl-sidecar-agent-tls").get()).as("no Secret of the agent's own").isNull();
        assertThat(client.leases().inNamespace(NS).withName("kubectl-sidecar-agent").get()).as("no leader election").isNull();
        assertThat(client.apps().deployments().inNamespace(NS).withName("kubectl-sidecar-agent").get().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                        org.assertj.core.groups.Tuple.tuple("AGENT_TLS_MODE", "cert-manager"));
        List<String> verbs = new ArrayList<>();
        client.rbac().roles().inNamespace(NS).withName("kubectl-sidecar-agent").get().getRules().stream().map(PolicyRule::getVerbs).forEach(verbs::addAll);
        client.rbac().clusterRoles().withName("kubectl-sidecar-agent").get().getRules().stream()
                .filter(rule -> !rule.getApiGroups().contains("authentication.k8s.io") && !rule.getApiGroups().contains("authorization.k8s.io"))
                .map(PolicyRule::getVerbs).forEach(verbs::addAll);
        assertThat(verbs).as("the agent reads, and writes nothing").containsOnly("get", "list", "watch");

        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        assertThat(plugin.run("enable", "shop").exitCode()).isZero();
        assertThat(injected(aNewPod())).as("admission trusting cert-manager's CA reaches the agent").isTrue();
        Plugin.Result verify = plugin.run("verify", "-n", "shop");
        assertThat(verify.exitCode()).as(verify.both()).isZero();
        assertThat(verify.out()).contains("Certificate kubectl-sidecar/kubectl-sidecar-agent is Ready (issued by Issuer/agent-ca)")
                .contains("webhook configuration asks cert-manager for its caBundle")
                .contains("caBundle holds the CA that signed the serving certificate")
                .contains("a dry-run pod in namespace shop comes back injected");

        String before = caBundle();
        certManager.newCa();
        Poll.until("the CA injector's new caBundle", () -> caBundle().equals(before) ? null : true);
        Poll.until("a pod injected through the new CA: the agent reloaded the renewed certificate", () -> injected(aNewPod()) ? true : null);

        Plugin.Result unchanged = plugin.run("install", "--dry-run");
        assertThat(unchanged.exitCode()).as(unchanged.both()).isZero();
        assertThat(unchanged.out()).as("the mode and the issuer are kept").isEqualTo("no changes\n");
        Plugin.Result printed = plugin.run("install", "--dry-run", "-o", "yaml", "--gitops", "argocd");
        assertThat(printed.out()).contains("kind: Certificate").contains("cert-manager.io/inject-ca-from: kubectl-sidecar/kubectl-sidecar-agent")
                .contains("name: agent-ca").doesNotContain("caBundle");
        assertThat(printed.err()).contains("cert-manager's CA injector (cainjector) owns caBundle");
        Plugin.Result upgrade = plugin.run("install", "--timeout", "90s");
        assertThat(upgrade.exitCode()).as(upgrade.both()).isZero();
        assertThat(upgrade.out()).contains("certificate/kubectl-sidecar-agent unchanged").contains("deployment/kubectl-sidecar-agent unchanged");
        assertThat(injected(aNewPod())).isTrue();
        if (Paths.onPath("kubectl")) {
            Process get = new ProcessBuilder("kubectl", "get", "certificate", "kubectl-sidecar-agent", "-n", NS, "-o",
                    "jsonpath={.spec.issuerRef.kind}/{.spec.issuerRef.name} {.spec.secretName}", "--kubeconfig",
                    dir.resolve("kubeconfig").toString()).redirectErrorStream(true).start();
            String output = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(get.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).isEqualTo("Issuer/agent-ca kubectl-sidecar-agent-cert-manager-tls");
        }

        CertManagerStandIn.createIssuer(client, NS, "other-ca");
        Plugin.Result otherIssuer = plugin.run("install", "--cert-manager", "other-ca", "--timeout", "90s");
        assertThat(otherIssuer.exitCode()).as(otherIssuer.both()).isZero();
        assertThat(otherIssuer.out()).contains("  certManager: Issuer/agent-ca → Issuer/other-ca\n").contains("certificate/kubectl-sidecar-agent configured");
        assertThat(otherIssuer.err()).contains("warning: the serving certificate is reissued by Issuer kubectl-sidecar/other-ca; until cert-manager's "
                + "CA injector has written its CA into the webhook");
        Poll.until("the other issuer's CA in the caBundle", () -> caBundle().equals(certManager.issuerCa(NS, "other-ca").certificatePem()) ? true : null);
        Poll.until("a pod injected with the other issuer's certificate", () -> injected(aNewPod()) ? true : null);

        var certificate = client.genericKubernetesResources(CERTIFICATES).inNamespace(NS).withName("kubectl-sidecar-agent").get();
        certificate.setAdditionalProperty("status", java.util.Map.of("conditions", List.of(java.util.Map.of("type", "Ready",
                "status", "False", "reason", "IssuerNotReady", "message", "the CA Secret is gone"))));
        client.genericKubernetesResources(CERTIFICATES).inNamespace(NS).resource(certificate).updateStatus();
        Plugin.Result notReady = plugin.run("verify", "-n", "shop");
        assertThat(notReady.exitCode()).isEqualTo(1);
        assertThat(notReady.out()).contains("Certificate kubectl-sidecar/kubectl-sidecar-agent is not Ready (IssuerNotReady: the CA Secret is gone)")
                .contains("kubectl -n kubectl-sidecar describe certificate kubectl-sidecar-agent");

        Plugin.Result uninstall = plugin.run("uninstall");
        assertThat(uninstall.exitCode()).as(uninstall.both()).isZero();
        assertThat(uninstall.out()).containsSubsequence("mutatingwebhookconfiguration/kubectl-sidecar deleted",
                "certificate/kubectl-sidecar-agent deleted", "secret/kubectl-sidecar-agent-cert-manager-tls deleted");
        assertThat(client.genericKubernetesResources(CERTIFICATES).inNamespace(NS).withName("kubectl-sidecar-agent").get()).isNull();
        assertThat(client.secrets().inNamespace(NS).withName("kubectl-sidecar-agent-cert-manager-tls").get()).as("its private key").isNull();
        assertThat(uninstall.out()).contains("namespace/kubectl-sidecar kept (not created by kubectl sidecar install)");
        assertThat(client.genericKubernetesResources(CertManagerStandIn.ISSUERS).inNamespace(NS).withName("agent-ca").get())
                .as("the user's Issuer, in the namespace that was there before install").isNotNull();
    }
}
