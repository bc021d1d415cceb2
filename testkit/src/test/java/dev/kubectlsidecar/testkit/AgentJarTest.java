package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster's agent jar: found beside local-cluster.jar or in the repository; without one, it says why. */
class AgentJarTest {
    @TempDir
    Path dir;

    @Test
    void besideTheJarFirstThenTheRepositoryLayout() throws Exception {
        Path home = Files.createDirectories(dir.resolve("testkit/target"));
        assertThat(AgentJar.beside(home)).isEmpty();
        Path built = Files.createDirectories(dir.resolve("agent/target")).resolve("agent.jar");
        Files.writeString(built, "jar");
        assertThat(AgentJar.beside(home)).contains(built);
        Path beside = Files.writeString(home.resolve("agent.jar"), "jar");
        assertThat(AgentJar.beside(home)).contains(beside);
        assertThat(AgentJar.candidates(home)).containsExactly(beside.toString(), built.toString());
    }

    @Test
    void withoutAJarTheAgentsDeploymentSaysWhyItWillNotRun() {
        try (LocalCluster cluster = LocalCluster.builder().runInitContainers(false).agentLauncher(AgentJar.missing()).start()) {
            KubernetesClient client = cluster.client();
            client.resource(TestManifests.AGENT_NAMESPACE).create();
            client.resource(TestManifests.AGENT_DEPLOYMENT).create();
            Deployment failed = client.apps().deployments().inNamespace(AgentRunnerTest.NAMESPACE).withName(AgentRunnerTest.NAME)
                    .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                            && !d.getStatus().getConditions().isEmpty(), 30, TimeUnit.SECONDS);
            assertThat(failed.getStatus().getConditions()).singleElement().satisfies(condition -> {
                assertThat(condition.getType()).isEqualTo("Available");
                assertThat(condition.getStatus()).isEqualTo("False");
                assertThat(condition.getReason()).isEqualTo("AgentNotStarted");
                assertThat(condition.getMessage()).isEqualTo("this local cluster was started without an agent jar, so it "
                        + "cannot run the agent's pods: restart it with --agent-jar agent/target/agent.jar");
            });
        }
    }
}
