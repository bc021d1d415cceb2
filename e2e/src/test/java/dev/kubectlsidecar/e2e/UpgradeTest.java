package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install} on an installed cluster is an upgrade: it says what changes, keeps the other settings, the
 * certificates and the caBundle, and rolls the agent; the manifests printed from the live cluster re-apply without
 * an x509 window (through the real kubectl when it is on PATH).
 */
class UpgradeTest {
    @TempDir
    static Path dir;
    static AgentCluster agents;
    static KubernetesClient client;
    static Plugin plugin;
    static final AtomicInteger PODS = new AtomicInteger();

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder);
        client = agents.cluster().client();
        plugin = agents.plugin();
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    private static String caBundle() {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").get()
                .getWebhooks().get(0).getClientConfig().getCaBundle();
    }

    /** A new pod in shop: created at once (no x509 refusal) and injected. */
    private static void aNewPodIsInjected() {
        Pod pod = client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-" + PODS.incrementAndGet())
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build()).create();
        assertThat(Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .map(Container::getName)).contains("istio-proxy");
    }

    private static Deployment agentDeployment() {
        return client.apps().deployments().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-agent").get();
    }

    @Test
    void anUpgradeKeepsSettingsCertificatesAndCaBundleAndAReapplyOfTheDryRunOutputOpensNoX509Window() throws Exception {
        Plugin.Result install = plugin.run("install", "--timeout", "90s", "--replicas", "1", "--failure-policy", "Fail");
        assertThat(install.exitCode()).as(install.both()).isZero();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        assertThat(plugin.run("enable", "shop").exitCode()).isZero();
        aNewPodIsInjected();
        String bundle = caBundle();

        Plugin.Result upgrade = plugin.run("install", "--timeout", "90s", "--tolerations", "dedicated=infra:NoSchedule");
        assertThat(upgrade.exitCode()).as(upgrade.both()).isZero();
        assertThat(upgrade.out()).contains("upgrading the installed agent; settings that change (the others are kept):\n"
                + "  tolerations: [] → [dedicated=infra:NoSchedule]\n").contains("The agent is ready.");
        assertThat(agentDeployment().getSpec().getReplicas()).as("kept from the first install").isEqualTo(1);
        assertThat(agentDeployment().getSpec().getTemplate().getSpec().getTolerations()).singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        assertThat(caBundle()).as("the caBundle survives the upgrade").isEqualTo(bundle);
        aNewPodIsInjected();
        Plugin.Result switchToCertManager = plugin.run("install", "--cert-manager", "ca", "--timeout", "90s");
        assertThat(switchToCertManager.exitCode()).isEqualTo(1);
        assertThat(switchToCertManager.err()).isEqualTo("error: the installed agent manages its own certificates; switching to "
                + "cert-manager in place would break TLS while the agent rolls: run `kubectl sidecar uninstall`, then "
                + "`kubectl sidecar install --cert-manager Issuer/ca`\n");
        assertThat(agentDeployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .noneMatch(env -> env.getName().equals("AGENT_TLS_MODE"));

        Plugin.Result printed = plugin.run("install", "--dry-run", "-o", "yaml", "--gitops", "argocd");
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        assertThat(printed.out()).contains("caBundle: " + bundle).contains("dedicated");
        assertThat(printed.err()).contains("ignoreDifferences:").contains(".webhooks[]?.clientConfig.caBundle");
        Path manifests = Files.writeString(dir.resolve("agent.yaml"), printed.out());
        if (Paths.onPath("kubectl")) {
            // replace: the local cluster has no strategic merge patch (kubectl apply to existing objects); replace is
            // the harder test anyway, it keeps nothing the manifests do not carry
            Process apply = new ProcessBuilder("kubectl", "replace", "-f", manifests.toString(), "--kubeconfig",
                    dir.resolve("kubeconfig").toString()).redirectErrorStream(true).start();
            String output = new String(apply.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(apply.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(apply.exitValue()).as(output).isZero();
        } else {
            System.out.println("UpgradeTest: kubectl is not on PATH: the manifests are re-applied with the client instead");
            List<HasMetadata> items = client.load(new ByteArrayInputStream(printed.out().getBytes(StandardCharsets.UTF_8))).items();
            items.forEach(item -> client.resource(item).update());
        }
        assertThat(caBundle()).as("re-applying the printed manifests keeps the live caBundle").isEqualTo(bundle);
        // The local cluster restarts the agent when a replaced template differs in text (a real API server compares
        // objects, defaults filled in): pods may meet "no endpoints" meanwhile, never an x509 error.
        Poll.until("a pod created after the re-apply", () -> {
            try {
                aNewPodIsInjected();
                return true;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                assertThat(e.getMessage()).as("no x509 window").doesNotContain("x509");
                return null;
            }
        });
        assertThat(agentDeployment().getSpec().getReplicas()).isEqualTo(1);
    }
}
