package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliExecutable;
import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status --watch} in a real terminal (tmux): the live view redraws in place as pods change, and Ctrl-C ends
 * it cleanly.
 */
class StatusWatchTest {
    @TempDir
    Path dir;

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void watchRedrawsAndStopsOnCtrlC() throws Exception {
        Assumptions.assumeTrue(Paths.onPath("tmux"), "tmux is not on PATH: the live view is not tested here");
        String session = "ks-" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalCluster cluster = LocalCluster.builder().runInitContainers(false).start()) {
            Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                    .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            Path done = dir.resolve("exit-code");
            String cli = String.join(" ", CliExecutable.command(Paths.CLI_JAR));
            tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40",
                    cli + " status -n shop --watch --kubeconfig " + kubeconfig
                            + "; echo $? > " + done + "; sleep 30");
            Poll.until("the first frame", () -> capture(session).contains("namespace shop: injection enabled · 0 pods") ? true : null);

            cluster.client().pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1")
                    .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer()
                    .endSpec().build()).create();
            String frame = Poll.until("the pod appears in place", () -> {
                String screen = capture(session);
                return screen.contains("web-1") ? screen : null;
            });
            assertThat(frame).contains("Ctrl-C to stop");
            assertThat(frame.split("namespace shop:", -1)).as("redrawn in place, not appended").hasSize(2);

            tmux("send-keys", "-t", session, "C-c", "");
            Poll.until("the watch exits", () -> java.nio.file.Files.exists(done) ? true : null);
            assertThat(java.nio.file.Files.readString(done).strip()).isEqualTo("0");
        } finally {
            tmux("kill-session", "-t", session);
        }
    }

    private static String capture(String session) {
        try {
            return tmux("capture-pane", "-p", "-t", session);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
