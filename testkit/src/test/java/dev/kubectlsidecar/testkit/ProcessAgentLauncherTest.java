package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default launcher runs a jar as a process: here {@link FakeAgentMain}, which talks back to the cluster. */
class ProcessAgentLauncherTest {

    @Test
    void theAgentJarRunsWithAKubeconfigForTheClusterAndServesThroughTheProxy(@TempDir Path dir) throws IOException {
        Path jar = launcherJar(dir.resolve("fake-agent.jar"));
        ProcessAgentLauncher launcher = new ProcessAgentLauncher(jar, ProcessAgentLauncher.DEPLOYMENT_JVM_OPTIONS,
                List.of("--kubeconfig", "{kubeconfig}", "--namespace", "{namespace}", "--port", "{port}", "{args}"));

        try (LocalCluster cluster = LocalCluster.builder().agentLauncher(launcher).start()) {
            cluster.client().resource(TestManifests.AGENT_NAMESPACE).create();
            cluster.client().resource(TestManifests.AGENT_SERVICE).create();
            cluster.client().resource(TestManifests.AGENT_DEPLOYMENT).create();

            Deployment available = cluster.client().apps().deployments().inNamespace(AgentRunnerTest.NAMESPACE)
                    .withName(AgentRunnerTest.NAME).waitUntilCondition(d -> d != null && d.getStatus() != null
                            && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas()), 60, TimeUnit.SECONDS);

            assertThat(available.getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Available=True"));
            // five namespaces: the four every cluster starts with, and the agent's
            assertThat(cluster.client().raw(AgentRunnerTest.PROXY + "/api/v1/status"))
                    .isEqualTo("{\"agent\":\"fake\",\"podNamespace\":\"kubectl-sidecar\",\"namespaces\":5}");
        }
    }

    @Test
    void aMissingJarIsNamed() {
        assertThatThrownBy(() -> new ProcessAgentLauncher(Path.of("/no/such/agent.jar")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent jar /no/such/agent.jar is not a file");
    }

    /** A jar whose manifest runs {@link FakeAgentMain} with this test's class path. */
    private static Path launcherJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeAgentMain.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(entry -> Path.of(entry).toUri().toString())
                        .collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
