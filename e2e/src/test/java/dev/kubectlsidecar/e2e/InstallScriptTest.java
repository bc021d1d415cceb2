package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's first command: {@code install.sh} into a prefix, run twice, the launcher it writes, and its uninstall. */
class InstallScriptTest {
    private static final Path SCRIPT = Paths.REPO.resolve("install.sh");
    private static final String CACHE = Runtime.version().feature() >= 25 ? ".aot" : ".jsa";

    private record Run(int exitCode, String out) {
    }

    @Test
    void installsALauncherWithAStartUpCacheReRunsCleanlyAndUninstalls(@TempDir Path prefix) throws Exception {
        Run first = run(List.of("sh", SCRIPT.toString(), "--prefix", prefix.toString()));
        assertThat(first.exitCode()).as(first.out()).isZero();
        assertThat(first.out()).contains("Installed kubectl-sidecar into " + prefix, "start-up cache", "Try it:");

        Path launcher = prefix.resolve("bin/kubectl-sidecar");
        Path lib = prefix.resolve("lib/kubectl-sidecar");
        assertThat(launcher).isExecutable();
        assertThat(prefix.resolve("bin/kubectl_complete-sidecar")).isExecutable();
        try (var files = Files.list(lib)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the jar and the two start-up caches, nothing left over from making them")
                    .containsExactlyInAnyOrder("kubectl-sidecar.jar", "kubectl-sidecar" + CACHE, "kubectl-sidecar-offline" + CACHE);
        }

        Run inject = run(List.of(launcher.toString(), "inject", "--offline", "-f",
                Paths.REPO.resolve("examples/shop.yaml").toString()));
        assertThat(inject.exitCode()).isZero();
        assertThat(inject.out()).contains(Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));
        // The launcher picks the cluster commands' cache when a kubeconfig is named, the small one when none exists.
        Path kubeconfig = prefix.resolve("unreachable-kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                """);
        Run viaCluster = run(List.of(launcher.toString(), "inject", "--kubeconfig", kubeconfig.toString(), "-f",
                Paths.REPO.resolve("examples/shop.yaml").toString()));
        assertThat(viaCluster.exitCode()).as(viaCluster.out()).isZero();
        assertThat(viaCluster.out()).contains("cannot read the cluster's injection config",
                Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));
        Path emptyHome = Files.createDirectories(prefix.resolve("home"));
        Run noKubeconfig = run(List.of("env", "-u", "KUBECONFIG", "HOME=" + emptyHome, launcher.toString(), "inject",
                "-f", Paths.REPO.resolve("examples/shop.yaml").toString()));
        assertThat(noKubeconfig.exitCode()).as(noKubeconfig.out()).isZero();
        assertThat(noKubeconfig.out()).doesNotContain("cannot read the cluster")
                .contains(Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));

        Run help = run(List.of(launcher.toString(), "--help"));
        assertThat(help.out()).startsWith("Usage: kubectl sidecar [-hV] [COMMAND]");

        Run again = run(List.of("sh", SCRIPT.toString(), "--prefix", prefix.toString()));
        assertThat(again.exitCode()).as(again.out()).isZero();
        assertThat(run(List.of(launcher.toString(), "--version")).out()).startsWith("kubectl-sidecar ");

        Run uninstall = run(List.of("sh", SCRIPT.toString(), "--uninstall", "--prefix", prefix.toString()));
        assertThat(uninstall.exitCode()).isZero();
        assertThat(launcher).doesNotExist();
        assertThat(prefix.resolve("bin/kubectl_complete-sidecar")).doesNotExist();
        assertThat(lib).doesNotExist();
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(Paths.REPO.toFile())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("finished: " + command).isTrue();
        return new Run(process.exitValue(), out);
    }
}
