package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestException;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every input of Istio's injection test corpus goes through {@code inject}: the workloads injected or skipped
 * are those Istio's golden shows injected (a golden workload is injected when it has an {@code istio-proxy}
 * container) unless we refuse the input on purpose ({@link Conformance#REFUSED_HERE}), each result is idempotent, and uninjecting gives back the input (minus any injection it already had).
 */
class IstioInjectConformanceTest {
    /** Inputs whose golden needs Istio features we do not have; each with the reason. */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "custom-template.yaml", "uses Istio injection templates (inject.istio.io/templates: custom) from an "
                    + "IstioOperator file the test loads; we have profiles instead of templates",
            "grpc-simple.yaml", "uses Istio's grpc-simple injection template (proxyless gRPC), which adds no proxy",
            "no-injection.yaml", "its golden was produced with injection disabled by the test's mesh settings "
                    + "(the input itself neither opts in nor out)");

    /** Inputs Istio rejects; our error must name the annotation, as Istio's does. */
    static final Map<String, String> REJECTED = Map.of(
            "traffic-annotations-bad-excludeinboundports.yaml", "traffic.sidecar.istio.io/excludeInboundPorts",
            "traffic-annotations-bad-excludeipranges.yaml", "traffic.sidecar.istio.io/excludeOutboundIPRanges",
            "traffic-annotations-bad-excludeoutboundports.yaml", "traffic.sidecar.istio.io/excludeOutboundPorts",
            "traffic-annotations-bad-includeinboundports.yaml", "traffic.sidecar.istio.io/includeInboundPorts",
            "traffic-annotations-bad-includeipranges.yaml", "traffic.sidecar.istio.io/includeOutboundIPRanges",
            "traffic-annotations-bad-includeoutboundports.yaml", "traffic.sidecar.istio.io/includeOutboundPorts");

    private final ManifestInjector injector = new ManifestInjector(
            new InjectionEngine(ConfigLoader.embeddedDefault()), PodRequest.offline("default"));

    static Stream<Path> inputs() {
        return Conformance.injectInputs().stream();
    }

    @Test
    void theCorpusIsThere() {
        assertThat(Conformance.injectInputs()).hasSizeGreaterThan(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void injectsWhatIstioInjects(Path input) {
        String name = input.getFileName().toString();
        Assumptions.assumeFalse(UNSUPPORTED.containsKey(name), () -> "not applicable: " + UNSUPPORTED.get(name));
        List<Document> documents = ManifestReader.read(name, Conformance.read(input));
        String refusal = REJECTED.getOrDefault(name, Conformance.REFUSED_HERE.get(name));
        if (refusal != null) {
            assertThatThrownBy(() -> injector.inject(name, documents))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageContaining(refusal);
            return;
        }
        Path golden = input.resolveSibling(name + ".injected");
        Assumptions.assumeTrue(Files.exists(golden), "no golden for " + name + " in the corpus");

        ManifestInjector.Result result = injector.inject(name, documents);
        List<Boolean> ours = Workloads.injectedFlags(result.documents());
        List<Boolean> istio = Workloads.injectedFlags(treesOf(ManifestReader.read(golden.toString(), Conformance.read(golden))));
        assertThat(ours).as("workloads injected (in document order) vs Istio's golden").isEqualTo(istio);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void injectionIsIdempotentAndReversible(Path input) {
        String name = input.getFileName().toString();
        Assumptions.assumeFalse(REJECTED.containsKey(name) || Conformance.REFUSED_HERE.containsKey(name), "refused input");
        List<Document> documents = ManifestReader.read(name, Conformance.read(input));

        List<JsonNode> once = injector.inject(name, documents).documents();
        List<JsonNode> twice = injector.inject(name, asDocuments(once)).documents();
        assertThat(twice).as("inject(inject(x)) == inject(x)").isEqualTo(once);

        List<JsonNode> back = injector.uninject(name, asDocuments(once)).documents();
        List<JsonNode> plain = injector.uninject(name, documents).documents();
        assertThat(back).as("uninject(inject(x)) == uninject(x) (== x for uninjected input)").isEqualTo(plain);
        assertThat(treesOf(documents)).as("the input documents are never modified")
                .isEqualTo(treesOf(ManifestReader.read(name, Conformance.read(input))));
    }

    static List<JsonNode> treesOf(List<Document> documents) {
        return documents.stream().map(Document::tree).toList();
    }

    static List<Document> asDocuments(List<JsonNode> trees) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            out.add(new Document(i + 1, 1, trees.get(i)));
        }
        return out;
    }
}
