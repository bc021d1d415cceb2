package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class InstallManifestsTest {
    private static final String NS = "kubectl-sidecar";
    private static final Map<String, String> AGENT_LABELS = Map.of("app.kubernetes.io/name", "kubectl-sidecar",
            "app.kubernetes.io/component", "agent");

    @Test
    void everyFileIsOneKnownObjectWithoutUnknownFields() throws Exception {
        List<String> kinds = new java.util.ArrayList<>();
        List<Path> files = new java.util.ArrayList<>(InstallManifests.files());
        files.addAll(InstallManifests.certManagerFiles());
        for (Path file : files) {
            HasMetadata resource = InstallManifests.parse(file);
            kinds.add(resource.getKind());
            if (resource instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource) {
                // cert-manager's Certificate: fabric8 has no model of it (the CLI's tests check its fields)
                assertThat(resource.getApiVersion() + " " + resource.getKind()).isEqualTo("cert-manager.io/v1 Certificate");
            } else {
                assertThat(InstallManifests.unknownFields(resource)).as(file.getFileName().toString()).isEmpty();
            }
            assertThat(JsonMappers.YAML.readTree(Files.readString(file)).isObject()).as(file + " is one document").isTrue();
        }
        assertThat(kinds).containsExactly("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                "RoleBinding", "Service", "Certificate", "Deployment", "PodDisruptionBudget", "MutatingWebhookConfiguration",
                "ClusterRole", "Role");
    }

    @Test
    void aMisspeltFieldWouldBeFound() {
        Deployment deployment = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n", Deployment.class);
        assertThat(InstallManifests.unknownFields(deployment)).containsExactly("Deployment.Spec: [replica]");
    }

    @Test
    void namespacedObjectsLiveInTheAgentsNamespaceUnderTheNamesTheAgentUses() throws Exception {
        for (HasMetadata resource : InstallManifests.all()) {
            boolean clusterScoped = List.of("Namespace", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration")
                    .contains(resource.getKind());
            assertThat(resource.getMetadata().getNamespace()).as(resource.getKind()).isEqualTo(clusterScoped ? null : NS);
        }
        assertThat(InstallManifests.one(Namespace.class).getMetadata().getName()).isEqualTo(NS);
        assertThat(InstallManifests.one(Service.class).getMetadata().getName()).isEqualTo(InClusterSettings.DEFAULT_SERVICE);
    }

    @Test
    void theDeploymentRunsTwoRestrictedReplicasWithSmallResources() throws Exception {
        Deployment deployment = InstallManifests.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(AGENT_LABELS);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("kubectl-sidecar-agent");
        var antiAffinity = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(antiAffinity).singleElement().satisfies(term -> {
            assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels()).isEqualTo(AGENT_LABELS);
        });
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();

        Container agent = pod.getContainers().get(0);
        assertThat(pod.getContainers()).hasSize(1);
        var security = agent.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsUser()).isEqualTo(65532L);
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(agent.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

        assertThat(agent.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(agent.getResources().getRequests().get("cpu").toString()).isEqualTo("50m");
        assertThat(agent.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
        assertThat(agent.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(agent.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
        assertThat(agent.getCommand()).contains("-Xms16m", "-Xmx144m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:CompileThresholdScaling=10", "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError");

        assertThat(agent.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("AGENT_NAMESPACE");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        }).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(agent.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("https");
            assertThat(p.getContainerPort()).isEqualTo(8443);
        });
        assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        for (var probe : List.of(agent.getLivenessProbe(), agent.getReadinessProbe(), agent.getStartupProbe())) {
            assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS");
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("https");
        }
    }

    @Test
    void theServiceAndTheBudgetSelectTheAgentsPods() throws Exception {
        Service service = InstallManifests.one(Service.class);
        assertThat(service.getSpec().getSelector()).isEqualTo(AGENT_LABELS);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("https");
        });
        PodDisruptionBudget budget = InstallManifests.one(PodDisruptionBudget.class);
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(AGENT_LABELS);
        assertThat(InstallManifests.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(AGENT_LABELS);
    }

    @Test
    void theDockerfileRunsTheSameCommandAsTheDeploymentAsTheSameUser() throws Exception {
        String dockerfile = Files.readString(InstallManifests.DOCKERFILE).replaceAll("\\\\\n\\s*", "");
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        assertThat(entrypoint.find()).as("exec-form ENTRYPOINT").isTrue();
        List<String> command = JsonMappers.JSON.readValue(entrypoint.group(1),
                JsonMappers.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        Container agent = InstallManifests.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(agent.getCommand()).isEqualTo(command);
        assertThat(command).containsSequence("-jar", "/app/agent.jar");
        assertThat(agent.getEnv()).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                .isEqualTo("MALLOC_ARENA_MAX=2"));
        assertThat(dockerfile).containsPattern("(?m)^ENV MALLOC_ARENA_MAX=2$");
        assertThat(dockerfile).containsPattern("(?m)^COPY agent/target/agent.jar /app/agent.jar$")
                .containsPattern("(?m)^USER 65532:65532$");
    }

    @Test
    void theJibImageRunsTheSameCommandAsTheDeploymentAsTheSameUser() throws Exception {
        Path pom = InstallManifests.DOCKERFILE.resolveSibling("pom.xml");
        Element jib = null;
        NodeList plugins = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                jib = plugin;
            }
        }
        assertThat(jib).as("jib-maven-plugin in " + pom).isNotNull();
        Container agent = InstallManifests.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(List.of(text(jib, "entrypoint").split(","))).isEqualTo(agent.getCommand());
        assertThat(text(jib, "user")).isEqualTo("65532:65532");
        assertThat(text(jib, "MALLOC_ARENA_MAX")).isEqualTo("2");
        assertThat(text(jib, "into")).isEqualTo("/app");
        assertThat(text(jib, "includes")).isEqualTo("agent.jar");
    }

    private static String text(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        return found.getLength() == 0 ? null : found.item(0).getTextContent().trim();
    }
}
