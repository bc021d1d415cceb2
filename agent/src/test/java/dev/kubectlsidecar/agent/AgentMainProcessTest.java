package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.main.AgentMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code AgentMain} as its own process: flags, exit codes, serving, and a clean exit on SIGTERM. */
class AgentMainProcessTest {
    private static Process launch(Path dir, String... args) throws IOException {
        return builder(dir, args).start();
    }

    private static ProcessBuilder builder(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms16m", "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
    }

    private static String stderr(Path dir) throws IOException {
        return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    }

    @Test
    void badFlagExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
        Process process = launch(dir, "--standalone", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--port", "many");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr(dir)).isEqualTo("agent: --port must be a number from 0 to 65535, got \"many\"\n");
    }

    @Test
    void unusableCertificateExitsOneWithOneLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tls.crt"), "not a certificate");
        Files.writeString(dir.resolve("tls.key"), "not a key");
        Process process = launch(dir, "--standalone", "--port", "0", "--tls-cert", "tls.crt", "--tls-key", "tls.key");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr(dir)).startsWith("agent: cannot start: tls.crt + tls.key: cannot load the certificate and key")
                .hasLineCount(1);
    }

    @Test
    void servesAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        TestPki.Issued ca = TestPki.ca("process-ca");
        TestPki.serving(ca).writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // The port and TLS files come from the environment, as a manifest sets them.
        ProcessBuilder withEnv = builder(dir, "--standalone", "--host", "127.0.0.1");
        withEnv.environment().put("AGENT_PORT", String.valueOf(port));
        withEnv.environment().put("AGENT_TLS_CERT", "tls.crt");
        withEnv.environment().put("AGENT_TLS_KEY", "tls.key");
        Process served = withEnv.start();
        try {
            var client = RunningAgent.client(TestPki.trusting(ca.certificate()));
            Eventually.await("the agent answers", () -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
            served.destroy();
            assertThat(served.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(served.exitValue()).isEqualTo(143);
            assertThat(stderr(dir)).contains("serving the webhook on https://127.0.0.1:" + port)
                    .doesNotContain("SLF4J").doesNotContain("Exception");
        } finally {
            served.destroyForcibly();
        }
    }
}
