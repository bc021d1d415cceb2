package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The agent process is killed (SIGKILL) while pods are being created without pause, then restarted as the node
 * would: with {@code failurePolicy: Fail} the API server refuses pods with its webhook error while the agent is down
 * and injects them again once it is back; with {@code Ignore} it admits them without a sidecar, and {@code status}
 * and {@code verify} say so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentKilledUnderLoadTest {
    private static final String AGENT_NAMESPACE = "kubectl-sidecar";
    static final String SKIPPED = "created after injection was enabled, but the API server skipped the webhook "
            + "(the agent did not answer and failurePolicy is Ignore): restart it";

    @TempDir
    static Path dir;
    static AgentCluster agents;

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.runInitContainers(false));
        agents.installAndEnable("shop", "90s");
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    @Test
    @Order(1)
    void failRefusesPodsWhileTheAgentIsDownAndInjectsThemOnceItIsBack() throws Exception {
        assertThat(agents.plugin().run("verify").out()).contains("✔ failure policy Fail: pod creation in enabled namespaces fails while the agent is down");
        try (PodLoad load = new PodLoad(agents.cluster().client(), "shop", "fail-")) {
            load.awaitAfter(0, "an injected pod", PodLoad.Outcome::injected);

            int killed = load.mark();
            agents.cluster().agents().kill(AGENT_NAMESPACE);
            // a call in flight when the process dies fails in TLS; the next ones find nothing listening
            PodLoad.Outcome refused = load.awaitAfter(killed, "a pod refused for want of the agent",
                    outcome -> !outcome.created() && outcome.refusal().contains("connection refused"));
            assertThat(refused.refusal()).startsWith("Internal error occurred: failed calling webhook \"namespace.sidecar.kubectl-sidecar.dev\": "
                    + "failed to call webhook: Post \"https://kubectl-sidecar-agent.kubectl-sidecar.svc:443/inject?timeout=10s\"");
            Plugin.Result verify = agents.plugin().run("verify");
            assertThat(verify.exitCode()).isEqualTo(1);
            assertThat(verify.out()).contains("✘ agent Deployment has no ready replica (0/2)")
                    .contains("✘ failure policy Fail and no agent replica is ready: pod creation in enabled namespaces fails now")
                    .contains("✘ a dry-run pod in namespace shop was refused: Internal error occurred: failed calling webhook");

            assertThat(agents.cluster().agents().restart(AGENT_NAMESPACE)).isTrue();
            int restarted = load.mark();
            load.awaitAfter(restarted, "an injected pod after the restart", PodLoad.Outcome::injected);
            load.close();

            assertThat(load.outcomes()).as("no pod was ever created without its sidecar")
                    .allSatisfy(outcome -> assertThat(!outcome.created() || outcome.injected()).as(outcome.toString()).isTrue());
            assertThat(load.outcomes()).filteredOn(outcome -> !outcome.created())
                    .allSatisfy(outcome -> assertThat(outcome.refusal())
                            .startsWith("Internal error occurred: failed calling webhook \"namespace.sidecar.kubectl-sidecar.dev\""));
        }
    }

    @Test
    @Order(2)
    void ignoreAdmitsPodsWithoutTheSidecarWhileTheAgentIsDownAndStatusNamesThem() throws Exception {
        Plugin.Result reinstall = agents.plugin().run("install", "--failure-policy", "Ignore", "--timeout", "90s");
        assertThat(reinstall.exitCode()).as(reinstall.both()).isZero();
        assertThat(agents.plugin().run("verify").out()).contains("✔ failure policy Ignore: pods in enabled namespaces are created "
                + "without a sidecar while the agent is down");
        String uninjected;
        try (PodLoad load = new PodLoad(agents.cluster().client(), "shop", "ignore-")) {
            load.awaitAfter(0, "an injected pod", PodLoad.Outcome::injected);

            int killed = load.mark();
            agents.cluster().agents().kill(AGENT_NAMESPACE);
            uninjected = load.awaitAfter(killed, "a pod created without the sidecar",
                    outcome -> outcome.created() && !outcome.injected()).pod();
            Plugin.Result status = agents.plugin().run("status", uninjected, "-n", "shop", "-o", "json");
            assertThat(status.err()).startsWith("note: the agent could not be reached");
            assertThat(lastReason(status)).isEqualTo(SKIPPED);
            Plugin.Result verify = agents.plugin().run("verify", "-n", "shop");
            assertThat(verify.exitCode()).isEqualTo(1);
            assertThat(verify.out())
                    .contains("✘ failure policy Ignore and no agent replica is ready: pods in enabled namespaces are being "
                            + "created without a sidecar")
                    .contains("✘ a dry-run pod in namespace shop comes back without a sidecar")
                    .contains("see: failurePolicy is Ignore: the API server skips the webhook when the agent does not answer");

            assertThat(agents.cluster().agents().restart(AGENT_NAMESPACE)).isTrue();
            int restarted = load.mark();
            load.awaitAfter(restarted, "an injected pod after the restart", PodLoad.Outcome::injected);
            load.close();
            assertThat(load.outcomes()).as("no pod was refused").allSatisfy(outcome -> assertThat(outcome.created()).isTrue());
        }

        Plugin.Result status = agents.plugin().run("status", uninjected, "-n", "shop", "-o", "json");
        assertThat(status.err()).as("the agent answers again").isEmpty();
        assertThat(lastReason(status)).isEqualTo(SKIPPED);
        Plugin.Result verify = agents.plugin().run("verify", "-n", "shop");
        assertThat(verify.out()).contains("pods should have a sidecar but have none").contains("shop/" + uninjected + ": " + SKIPPED);
    }

    private static String lastReason(Plugin.Result status) {
        assertThat(status.exitCode()).as(status.both()).isZero();
        JsonNode reasons = JsonMappers.JSON.readTree(status.out()).path("pods").get(0).path("reasons");
        assertThat(reasons.get(reasons.size() - 1).path("code").asString()).isEqualTo("webhookSkipped");
        return reasons.get(reasons.size() - 1).path("message").asString();
    }
}
