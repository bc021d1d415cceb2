package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.cli.CliRunner;
import dev.kubectlsidecar.cli.support.UserError;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --context, --cluster, --user and --kubeconfig naming something that does not exist stop every command before
 * any request, with kubectl's own words (checked against the real kubectl when it is on PATH); the kubeconfig
 * files of $KUBECONFIG are merged as kubectl merges them.
 */
class KubeconfigSelectionTest {
    @TempDir
    Path dir;

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private Path kubeconfig;

    @BeforeEach
    void countingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "counting-server");
        accept.setDaemon(true);
        accept.start();
        kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters:
                - {name: c1, cluster: {server: "https://127.0.0.1:%d"}}
                users:
                - {name: u1, user: {token: t}}
                contexts:
                - {name: ctx1, context: {cluster: c1, user: u1, namespace: shop}}
                - {name: ctx2, context: {cluster: c1, user: u1}}
                current-context: ctx1
                """.formatted(server.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    static Stream<Arguments> wrongSelections() {
        return Stream.of(
                Arguments.of(List.of("--context", "deadd"), "Error in configuration: context was not found for specified context: deadd"),
                Arguments.of(List.of("--cluster", "deadc"), "error: no server found for cluster \"deadc\""),
                Arguments.of(List.of("--context", "ctx2", "--cluster", "nope"), "error: no server found for cluster \"nope\""),
                Arguments.of(List.of("--user", "deadu"), "error: auth info \"deadu\" does not exist"));
    }

    private static final List<List<String>> COMMANDS = List.of(List.of("status"), List.of("enable", "app3"),
            List.of("disable", "app3"), List.of("verify"), List.of("install", "--timeout", "1s"), List.of("uninstall"),
            List.of("version"), List.of("inject", "-f", "-"), List.of("iptables", "-f", "-"));

    @ParameterizedTest
    @MethodSource("wrongSelections")
    void everyCommandStopsBeforeAnyRequest(List<String> flags, String expected) {
        for (List<String> command : COMMANDS) {
            if (command.get(0).matches("inject|iptables") && !(flags.size() == 2 && flags.get(0).equals("--context"))) {
                continue; // offline commands take only --kubeconfig and --context
            }
            List<String> args = new ArrayList<>(command);
            args.addAll(flags);
            args.addAll(List.of("--kubeconfig", kubeconfig.toString()));
            CliRunner.Result run = CliRunner.run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(run.err()).as(String.join(" ", args)).endsWith(expected + "\n");
        }
        assertThat(connections).as("no request reached the cluster").hasValue(0);
    }

    @Test
    void aMissingKubeconfigFileIsNamedAsKubectlNamesIt() throws IOException {
        Path missing = dir.resolve("missing");
        assertThat(CliRunner.run("status", "--kubeconfig", missing.toString()).err())
                .isEqualTo("error: stat " + missing + ": no such file or directory\n");
        assertThat(CliRunner.run("status", "--kubeconfig", dir.toString()).err())
                .isEqualTo("error: error loading config file \"" + dir + "\": read " + dir + ": is a directory\n");
        Path broken = Files.writeString(dir.resolve("broken"), "clusters: [\n");
        assertThat(CliRunner.run("status", "--kubeconfig", broken.toString()).err())
                .startsWith("error: error loading config file \"" + broken + "\": line ").doesNotContain("\n ");
        assertThat(connections).hasValue(0);
    }

    @Test
    void theSameWordsAsTheRealKubectl() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on PATH: compared with the expected lines only");
        List<List<String>> cases = List.of(List.of("--context", "deadd"), List.of("--cluster", "deadc"),
                List.of("--user", "deadu"), List.of("--kubeconfig", dir.resolve("missing").toString()));
        for (List<String> flags : cases) {
            List<String> kubectl = new ArrayList<>(List.of("kubectl", "get", "pods", "--request-timeout", "1s"));
            kubectl.addAll(flags);
            ProcessBuilder builder = new ProcessBuilder(kubectl).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            Process process = builder.start();
            String kubectlErr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> ours = new ArrayList<>(List.of("status"));
            ours.addAll(flags);
            if (!flags.contains("--kubeconfig")) {
                ours.addAll(List.of("--kubeconfig", kubeconfig.toString()));
            }
            CliRunner.Result run = CliRunner.run(ours.toArray(String[]::new));
            assertThat(run.err()).as("kubectl %s", flags).isEqualTo(kubectlErr);
            assertThat(run.exitCode()).isEqualTo(process.exitValue());
        }
        assertThat(connections).hasValue(0);
    }

    @Test
    void kubeconfigVariableFilesAreMergedFirstWinsAndMissingOnesSkipped() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("ca.crt"), "not read here");
        Path second = Files.writeString(other.resolve("config"), """
                clusters:
                - {name: c1, cluster: {server: "https://shadowed.example"}}
                - {name: c2, cluster: {server: "https://second.example", certificate-authority: ca.crt}}
                users: [{name: u2, user: {token: t2}}]
                contexts: [{name: ctx3, context: {cluster: c2, user: u2, namespace: payments}}]
                current-context: ctx3
                """);
        String variable = dir.resolve("missing") + File.pathSeparator + kubeconfig + File.pathSeparator + second;
        Kubeconfig merged = Kubeconfig.locate(null, variable, dir).orElseThrow();
        Kubeconfig.Selection current = merged.select(null, null, null);
        assertThat(current.context()).as("the first file's current-context wins").isEqualTo("ctx1");
        assertThat(current.yaml()).contains("https://127.0.0.1:" + server.getLocalPort()).doesNotContain("shadowed.example");
        Kubeconfig.Selection third = merged.select("ctx3", null, null);
        assertThat(third.namespaceOrDefault()).isEqualTo("payments");
        assertThat(third.yaml()).as("relative to the file that names it").contains(other.resolve("ca.crt").toString());
        assertThat(merged.select("ctx2", null, null).namespaceOrDefault()).isEqualTo("default");

        assertThat(Kubeconfig.locate(null, dir.resolve("missing").toString(), dir)).as("nothing left: no kubeconfig").isEmpty();
        assertThat(Kubeconfig.locate(null, null, dir)).as("no ~/.kube/config").isEmpty();
        assertThatThrownBy(() -> Kubeconfig.locate(dir.resolve("missing"), variable, dir))
                .isInstanceOf(UserError.class).hasMessage("stat " + dir.resolve("missing") + ": no such file or directory");
    }

    @Test
    void aContextWithoutTheClusterItNamesFailsInsteadOfFallingBackToLocalhost() throws IOException {
        Path config = Files.writeString(dir.resolve("dangling"), """
                clusters: [{name: c1, cluster: {server: "https://127.0.0.1:1"}}]
                contexts: [{name: x, context: {cluster: gone}}]
                current-context: x
                """);
        CliRunner.Result run = CliRunner.run("status", "--kubeconfig", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no server found for cluster \"gone\"\n");
        Path noContext = Files.writeString(dir.resolve("no-context"), "clusters: [{name: c1, cluster: {server: \"https://127.0.0.1:1\"}}]\n");
        assertThat(CliRunner.run("status", "--kubeconfig", noContext.toString()).err())
                .startsWith("error: no context is set in " + noContext + ": pass --context NAME");
    }

    @Test
    void injectPutsUnnamespacedResourcesInTheContextsNamespaceAsKubectlApplyWould() throws IOException {
        Path config = Files.writeString(dir.resolve("system"), """
                clusters: [{name: c1, cluster: {server: "https://127.0.0.1:1"}}]
                contexts: [{name: sys, context: {cluster: c1, namespace: kube-system}}, {name: app, context: {cluster: c1}}]
                current-context: sys
                """);
        Path manifest = Files.writeString(dir.resolve("pod.yaml"),
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app, image: app:1}]}\n");
        CliRunner.Result system = CliRunner.run("inject", "--offline", "-f", manifest.toString(), "--kubeconfig", config.toString());
        assertThat(system.exitCode()).as(system.err()).isZero();
        assertThat(system.err()).contains("pod/p skipped").contains("kube-system");
        CliRunner.Result other = CliRunner.run("inject", "--offline", "-f", manifest.toString(), "--kubeconfig", config.toString(),
                "--context", "app");
        assertThat(other.err()).isEqualTo("pod/p injected\n");
        CliRunner.Result flag = CliRunner.run("inject", "--offline", "-f", manifest.toString(), "--kubeconfig", config.toString(),
                "-n", "shop");
        assertThat(flag.err()).isEqualTo("pod/p injected\n");
    }

    @Test
    void anOfflineCommandWithAKubeconfigThatSelectsNothingStillWorksUnlessAContextWasNamed() throws IOException {
        Path noContext = Files.writeString(dir.resolve("no-context"), "clusters: [{name: c1, cluster: {server: \"https://127.0.0.1:1\"}}]\n");
        Path manifest = Files.writeString(dir.resolve("pod.yaml"),
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app, image: app:1}]}\n");
        CliRunner.Result implicit = CliRunner.run("inject", "-f", manifest.toString(), "--kubeconfig", noContext.toString());
        assertThat(implicit.exitCode()).as(implicit.err()).isZero();
        assertThat(implicit.err()).startsWith("note: no context is set in " + noContext).endsWith("pod/p injected\n");
        CliRunner.Result named = CliRunner.run("inject", "-f", manifest.toString(), "--kubeconfig", noContext.toString(),
                "--context", "nope");
        assertThat(named.exitCode()).isEqualTo(1);
        assertThat(named.out()).isEmpty();
        assertThat(named.err()).isEqualTo("Error in configuration: context was not found for specified context: nope\n");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
