package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API server that takes its time: every request waits before it is served, from before the agent starts. The
 * agent still becomes ready and injects; a request slower than the plugin's {@code --request-timeout} ends the
 * command with one line naming what timed out, instead of a hang.
 */
class SlowApiServerTest {
    private static final Duration EVERY_REQUEST = Duration.ofMillis(300);

    @TempDir
    static Path dir;
    static AgentCluster agents;

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.runInitContainers(false));
        agents.cluster().latency().delay("/", EVERY_REQUEST);
    }

    @AfterEach
    void everyRequestSlowAgain() {
        agents.cluster().latency().clear();
        agents.cluster().latency().delay("/", EVERY_REQUEST);
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    @Test
    void theAgentBecomesReadyAndInjectsThroughASlowApiServer() throws Exception {
        agents.installAndEnable("shop", "150s");

        Pod created = agents.cluster().client().pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
                .build()).create();

        assertThat(PodLoad.hasSidecar(created)).isTrue();
        Plugin.Result status = Poll.until("the agent's state of web-1", () -> {
            Plugin.Result run = agents.plugin().run("status", "web-1", "-n", "shop");
            return run.exitCode() == 0 && run.err().isEmpty() ? run : null;
        });
        assertThat(status.out()).containsPattern("web-1\\s+-\\s+yes");
        Plugin.Result verify = agents.plugin().run("verify", "-n", "shop");
        assertThat(verify.exitCode()).as(verify.out()).isZero();
    }

    @Test
    void aRequestSlowerThanTheRequestTimeoutEndsTheCommandWithOneLine() {
        agents.cluster().latency().delay("/api/v1/namespaces/shop", Duration.ofSeconds(20));

        Plugin.Result status = agents.plugin().run("status", "-n", "shop", "--request-timeout", "2s");
        Plugin.Result verify = agents.plugin().run("verify", "-n", "shop", "--request-timeout", "2s");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).matches("error: the API server at http://127\\.0\\.0\\.1:\\d+/ did not answer within 2s "
                + "\\(get namespace shop\\): it is slow or overloaded; retry, or allow more time with --request-timeout, "
                + "e\\.g\\. --request-timeout=30s\n");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).matches("error: the API server at http://127\\.0\\.0\\.1:\\d+/ did not answer within 2s "
                + "\\(dry-run create of a pod in namespace shop\\): it is slow or overloaded; retry, or allow more time with "
                + "--request-timeout, e\\.g\\. --request-timeout=30s\n");
    }
}
