package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main, run as its own process from this module's class path (not the shaded jar). */
class LocalClusterMainTest {

    @Test
    void startsWritesTheKubeconfigSaysReadyAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Process process = start(dir, "--kubeconfig", kubeconfig.toString(), "--server-version", "v1.30.2");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
                assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.30.2");
                assertThat(client.namespaces().withName("default").get()).isNotNull();
            }
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(process.exitValue()).isEqualTo(143);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aBadCommandLineIsNamedWithTheUsage(@TempDir Path dir) throws Exception {
        Process process = start(dir, "--agent-arg", "--port");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        String stderr = Files.readString(dir.resolve("stderr"));
        assertThat(stderr).startsWith("local-cluster: --kubeconfig FILE is required\n").contains("Usage:");
    }

    private static Process start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalClusterMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(dir.resolve("stderr").toFile()).start();
    }
}
