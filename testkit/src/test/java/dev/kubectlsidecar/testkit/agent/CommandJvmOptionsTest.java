package dev.kubectlsidecar.testkit.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code {jvm-options}}: the agent process gets the heap and GC flags its Deployment's command sets. */
class CommandJvmOptionsTest {
    private static JsonNode container(String yaml) {
        return JsonMappers.YAML.readTree(yaml);
    }

    @Test
    void theOptionsBetweenJavaAndDashJarAreTaken() {
        JsonNode container = container("""
                command: ["java", "-Xms16m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/agent.jar"]
                """);
        assertThat(ProcessAgentLauncher.commandJvmOptions(container))
                .containsExactly("-Xms16m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void aJavaGivenByPathCountsToo() {
        assertThat(ProcessAgentLauncher.commandJvmOptions(container("command: [/opt/java/bin/java, -Xmx32m, -jar, a.jar]")))
                .containsExactly("-Xmx32m");
    }

    @Test
    void noCommandOrOneThatIsNotJavaGivesNoOptions() {
        assertThat(ProcessAgentLauncher.commandJvmOptions(container("image: agent"))).isEmpty();
        assertThat(ProcessAgentLauncher.commandJvmOptions(container("command: [/agent, -Xmx64m, -jar, a.jar]"))).isEmpty();
        assertThat(ProcessAgentLauncher.commandJvmOptions(container("command: [java, -Xmx64m, -cp, a.jar, Main]"))).isEmpty();
    }
}
