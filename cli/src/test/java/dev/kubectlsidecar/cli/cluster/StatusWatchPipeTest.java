package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status --watch -o json | head -5} through a real pipe, the CLI as its own process: it ends soon after
 * {@code head} does, prints no JLine "dumb terminal" warning, and what it wrote is JSON documents.
 */
@EnableKubernetesMockClient(crud = true)
class StatusWatchPipeTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;

    private static String quoted(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    @Test
    void endsAfterHeadExitsWithoutAWarning() throws Exception {
        client.namespaces().withName("shop").delete();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "shop");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        List<String> cli = dev.kubectlsidecar.cli.CliProcess.command(List.of("status", "--watch", "-o", "json",
                "--kubeconfig", kubeconfig.toString()));
        Path err = dir.resolve("stderr");
        Path first = dir.resolve("first");
        Process pipeline = new ProcessBuilder("sh", "-c", quoted(cli) + " 2>" + quoted(List.of(err.toString()))
                + " | head -5 > " + quoted(List.of(first.toString())) + "; echo done")
                .redirectError(logs.resolve("sh-stderr").toFile()).start();
        assertThat(pipeline.waitFor(90, TimeUnit.SECONDS)).as("the pipeline ends once head has its five lines").isTrue();
        assertThat(new String(pipeline.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("done\n");
        assertThat(Files.readString(first).lines().count()).isEqualTo(5);
        assertThat(Files.readString(first)).startsWith("{");
        assertThat(Files.readString(err)).as("nothing on stderr: no JLine warning, no error for the closed pipe").isEmpty();
    }

    @Test
    void eachChangeIsOneJsonDocument() throws Exception {
        client.namespaces().withName("shop").delete();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "shop");
        Path out = dir.resolve("out");
        Process watch = new ProcessBuilder(dev.kubectlsidecar.cli.CliProcess.command(List.of("status", "-w", "-o", "json",
                "--kubeconfig", kubeconfig.toString()))).redirectOutput(out.toFile())
                .redirectError(dir.resolve("err").toFile()).start();
        try {
            dev.kubectlsidecar.cli.CliProcess.await("the first document", () -> Files.size(out) > 0);
            client.pods().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                    .withName("web-1").endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1")
                    .endContainer().endSpec().build()).create();
            dev.kubectlsidecar.cli.CliProcess.await("the second document", () -> Files.readString(out).contains("web-1"));
        } finally {
            watch.destroy();
            watch.waitFor(30, TimeUnit.SECONDS);
        }
        List<tools.jackson.databind.JsonNode> documents = JsonMappers.JSON.readerFor(tools.jackson.databind.JsonNode.class)
                .<tools.jackson.databind.JsonNode>readValues(Files.readString(out)).readAll();
        assertThat(documents).as("one document per change, not one per period").hasSize(2);
        assertThat(documents.get(0).path("pods")).isEmpty();
        assertThat(documents.get(1).path("pods").get(0).path("name").asString()).isEqualTo("web-1");
        assertThat(Files.readString(dir.resolve("err"))).isEmpty();
    }
}
