package dev.kubectlsidecar.cli.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a kubeconfig pointing at a test API server. */
final class Kubeconfigs {
    private Kubeconfigs() {
    }

    static Path write(Path dir, String server, String namespace) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: tester
                  user: {token: test-token}
                contexts:
                - name: test
                  context: {cluster: test, user: tester, namespace: %s}
                current-context: test
                """.formatted(server, namespace));
        return file;
    }
}
