package dev.kubectlsidecar.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the agent jar, run by {@code ProcessAgentLauncher} in tests: serves {@code /readyz} and
 * {@code /api/v1/status} over HTTPS on {@code --port}, and answers the status with what it read from the cluster
 * through {@code --kubeconfig}. Writes its arguments to {@code args.txt} in its working directory.
 */
public final class FakeAgentMain {
    private FakeAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        Files.write(Path.of("args.txt"), arguments);
        Path kubeconfig = Path.of(arguments.get(arguments.indexOf("--kubeconfig") + 1));
        int port = Integer.parseInt(arguments.get(arguments.indexOf("--port") + 1));
        String namespace = System.getenv().getOrDefault("POD_NAMESPACE", "?");
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            TestHttpsServer server = TestHttpsServer.start(TestCertificates.issue("kubectl-sidecar-agent.kubectl-sidecar.svc"),
                    request -> request.uri().startsWith("/readyz") ? new TestHttpsServer.Answer(200, "text/plain", "ok")
                            : TestHttpsServer.Answer.json("{\"agent\":\"fake\",\"podNamespace\":\"" + namespace
                            + "\",\"namespaces\":" + client.namespaces().list().getItems().size() + "}"), port);
            new CountDownLatch(1).await();
            server.close();
        }
    }
}
