package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliExecutable;
import dev.kubectlsidecar.testkit.LocalCluster;
import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same flow as a user types it: the real kubectl finds kubectl-sidecar on PATH and runs it as `kubectl sidecar`. */
class KubectlPluginTest {
    @TempDir
    Path dir;

    record Run(int exitCode, String output) {
    }

    private Run kubectl(Path kubeconfig, Path bin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kubectl"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void kubectlRunsThePlugin() throws Exception {
        Assumptions.assumeTrue(Paths.onPath("kubectl"), "kubectl is not on PATH: the plugin flow through kubectl is skipped");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path launcher = bin.resolve("kubectl-sidecar");
        String command = CliExecutable.configured().map(executable -> "\"" + executable + "\"")
                .orElse("\"" + Path.of(System.getProperty("java.home"), "bin", "java") + "\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar \""
                        + Paths.CLI_JAR + "\"");
        Files.writeString(launcher, "#!/bin/sh\nexec " + command + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path manifest = Files.writeString(dir.resolve("pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, namespace: shop}
                spec: {containers: [{name: app, image: ghcr.io/example/app:1}]}
                """);

        try (LocalCluster cluster = LocalCluster.builder().agentLauncher(new ProcessAgentLauncher(Paths.AGENT_JAR)).start()) {
            Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));

            assertThat(kubectl(kubeconfig, bin, "plugin", "list").output()).contains(launcher.toString());
            Run install = kubectl(kubeconfig, bin, "sidecar", "install", "--timeout", "90s");
            assertThat(install.exitCode()).as(install.output()).isZero();
            assertThat(kubectl(kubeconfig, bin, "create", "namespace", "shop").exitCode()).isZero();
            Run enable = kubectl(kubeconfig, bin, "sidecar", "enable", "shop");
            assertThat(enable.output()).startsWith("namespace/shop: injection enabled");
            Run create = kubectl(kubeconfig, bin, "create", "-f", manifest.toString());
            assertThat(create.exitCode()).as(create.output()).isZero();
            // The local cluster reports Kubernetes 1.31: the proxy is a native sidecar, right after istio-init.
            assertThat(kubectl(kubeconfig, bin, "get", "pod", "web-1", "-n", "shop", "-o",
                    "jsonpath={.spec.initContainers[*].name}").output()).isEqualTo("istio-init istio-proxy");
            Run status = kubectl(kubeconfig, bin, "sidecar", "status", "-n", "shop");
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output()).contains("namespace shop: injection enabled · 1 pod: 1 injected")
                    .containsPattern("web-1\\s+-\\s+yes");
            Run verify = kubectl(kubeconfig, bin, "sidecar", "verify");
            assertThat(verify.exitCode()).as(verify.output()).isZero();
            Run dryRun = kubectl(kubeconfig, bin, "sidecar", "install", "--dry-run");
            assertThat(dryRun.output()).as("nothing to upgrade").isEqualTo("no changes\n");
            Run upgrade = kubectl(kubeconfig, bin, "sidecar", "install", "--dry-run", "--replicas", "3");
            assertThat(upgrade.output()).startsWith("--- live/deployment/kubectl-sidecar-agent\n").contains("\n+  replicas: 3\n");
            Run rollout = kubectl(kubeconfig, bin, "sidecar", "rollout", "-n", "shop", "-n", "default", "--dry-run");
            assertThat(rollout.output()).isEqualTo("No workload needs a restart in namespaces shop, default.\n");
            Run both = kubectl(kubeconfig, bin, "sidecar", "rollout", "-A", "-n", "shop");
            assertThat(both.exitCode()).isEqualTo(2);
            assertThat(both.output()).startsWith("error: if any flags in the group [all-namespaces namespace] are set");
            assertThat(kubectl(kubeconfig, bin, "sidecar", "uninstall").exitCode()).isZero();
            assertThat(kubectl(kubeconfig, bin, "get", "mutatingwebhookconfigurations").output()).doesNotContain("kubectl-sidecar");
        }
    }
}
