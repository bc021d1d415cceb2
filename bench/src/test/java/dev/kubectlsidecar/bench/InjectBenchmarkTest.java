package dev.kubectlsidecar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ArrayNode;

/** Each benchmark does the work it claims to measure (no timing here: JMH measures, bench/cli/run-jmh.sh runs it). */
class InjectBenchmarkTest {
    private final InjectBenchmark benchmark = new InjectBenchmark();

    @BeforeEach
    void setUp() {
        benchmark.setUp();
    }

    @Test
    void injectPodAddsTheSidecarToTheTypicalPod() {
        PodInjection result = benchmark.injectPod();

        assertThat(result.injected()).isTrue();
        assertThat(names(result.pod().path("spec").path("containers"))).containsExactly("istio-proxy", "orders", "log-shipper");
        assertThat(names(result.pod().path("spec").path("initContainers"))).containsExactly("istio-init");
    }

    @Test
    void injectPodAndDiffReturnsThePatchTheWebhookWouldSend() {
        ArrayNode patch = benchmark.injectPodAndDiff();

        assertThat(JsonPatches.apply(patch, TypicalPod.tree())).isEqualTo(benchmark.injectPod().pod());
    }

    @Test
    void injectManifestInjectsEveryDeploymentOfTheShop() {
        List<JsonNode> documents = readAll(benchmark.injectManifest());

        assertThat(documents).hasSize(6);
        assertThat(documents).filteredOn(d -> d.path("kind").asString().equals("Deployment"))
                .allSatisfy(d -> assertThat(names(d.path("spec").path("template").path("spec").path("containers")))
                        .contains("istio-proxy"));
    }

    @Test
    void baselineWritesBackTheManifestItRead() {
        List<JsonNode> roundTripped = readAll(benchmark.yamlRoundTripBaseline());

        assertThat(roundTripped).isEqualTo(readAll(RepoFiles.read(InjectBenchmark.SHOP_MANIFEST)));
    }

    @Test
    void aMissingRepositoryFileIsNamedInTheError() {
        assertThatThrownBy(() -> RepoFiles.read("examples/no-such-manifest.yaml"))
                .hasMessageContaining("no examples/no-such-manifest.yaml under -Drepo.dir=");
    }

    private static List<String> names(JsonNode containers) {
        List<String> names = new ArrayList<>();
        containers.forEach(c -> names.add(c.path("name").asString()));
        return names;
    }

    private static List<JsonNode> readAll(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JsonMappers.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            values.forEachRemaining(documents::add);
        }
        return documents;
    }
}
