package dev.kubectlsidecar.e2e;

import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import dev.kubectlsidecar.testkit.agent.ProcessMemory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The agent jar in its own JVM, standalone, with exactly the JVM options and malloc setting of the shipped
 * Deployment's container command (read from the manifest the CLI installs, through the same helper the local
 * cluster uses), so what it survives here it survives in a cluster. Serves a throwaway CA's certificate on an
 * ephemeral port of 127.0.0.1.
 */
final class DeploymentFlagsAgent implements AutoCloseable {
    static final Path DEPLOYMENT = Paths.REPO.resolve(
            "cli/src/main/resources/dev/kubectlsidecar/cli/manifests/40-deployment.yaml");

    private final Process process;
    private final Path dir;
    private final int port;
    private final SSLContext tls;
    private final List<String> jvmOptions;

    private DeploymentFlagsAgent(Process process, Path dir, int port, SSLContext tls, List<String> jvmOptions) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.tls = tls;
        this.jvmOptions = jvmOptions;
    }

    /** The Deployment's agent container. */
    static JsonNode container() throws IOException {
        JsonNode deployment = JsonMappers.YAML.readTree(Files.readString(DEPLOYMENT));
        return deployment.at("/spec/template/spec/containers/0");
    }

    static DeploymentFlagsAgent start() throws Exception {
        Path dir = Files.createTempDirectory("hostile-agent-");
        CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
        CertificateAuthority ca = issuer.newAuthority("hostile-ca", Duration.ofDays(1));
        ServingCertificate serving = issuer.issueServing(ca, List.of("localhost"), Duration.ofDays(1));
        Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(serving.certificate())));
        Files.writeString(dir.resolve("tls.key"), Pem.privateKey(serving.key()));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        JsonNode container = container();
        List<String> jvmOptions = ProcessAgentLauncher.commandJvmOptions(container);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Paths.AGENT_JAR.toString(), "--standalone", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--tls-cert", "tls.crt", "--tls-key", "tls.key"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile());
        container.path("env").forEach(env -> {
            if (env.has("value")) {
                builder.environment().put(env.path("name").asString(), env.path("value").asString());
            }
        });
        DeploymentFlagsAgent agent = new DeploymentFlagsAgent(builder.start(), dir, port, trusting(ca), jvmOptions);
        agent.awaitHealthy();
        return agent;
    }

    private static SSLContext trusting(CertificateAuthority ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private void awaitHealthy() throws Exception {
        HttpClient client = client();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the agent exited: " + log());
            }
            try {
                if (client.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent did not answer /healthz within 60 s: " + log());
    }

    HttpClient client() {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    SSLContext tls() {
        return tls;
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    List<String> jvmOptions() {
        return jvmOptions;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** A field of {@code /proc/PID/status} in KiB (VmRSS, VmHWM), or -1 when it cannot be read. */
    long procStatusKib(String field) {
        return ProcessMemory.procStatusKib(pid(), field);
    }

    /** The heap's committed and used MiB, see {@link ProcessMemory#heapMiB}. */
    Optional<double[]> heapMiB() {
        return ProcessMemory.heapMiB(pid());
    }

    String log() {
        try {
            String text = Files.readString(dir.resolve("agent.log"), StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
