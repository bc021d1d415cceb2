package dev.kubectlsidecar.injector.patch;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.Conformance;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.Workloads;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.Origin;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Over every pod of the corpus: the patch turns the original into the injected pod, one valid step at a time. */
class JsonPatchPropertyTest {
    private final InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());

    static Stream<Path> inputs() {
        return Conformance.injectInputs().stream()
                .filter(p -> !p.getFileName().toString().startsWith("traffic-annotations-bad"))
                .filter(p -> !Conformance.REFUSED_HERE.containsKey(p.getFileName().toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void patchReproducesTheInjectedPodAndNeverAddsUnderAMissingParent(Path input) {
        for (Document document : ManifestReader.read(input.toString(), Conformance.read(input))) {
            for (JsonNode pod : Workloads.pods(java.util.List.of(document.tree()))) {
                for (NativeSidecarMode mode : NativeSidecarMode.values()) {
                    PodRequest request = new PodRequest(Origin.WEBHOOK, NamespaceInfo.unlabelled("default"), mode, KubeVersion.of(1, 29));
                    JsonNode injected = engine.inject((ObjectNode) pod, request).pod();
                    ArrayNode patch = JsonPatches.diff(pod, injected);
                    JsonNode current = pod.deepCopy();
                    for (JsonNode operation : patch) {
                        assertThat(operation.path("op").asString()).isIn("add", "remove", "replace");
                        if (operation.path("op").asString().equals("add")) {
                            assertThat(parentExists(current, operation.path("path").asString()))
                                    .as("parent of %s exists", operation.path("path").asString()).isTrue();
                        }
                        ArrayNode single = patch.arrayNode().add(operation);
                        current = JsonPatches.apply(single, current);
                    }
                    assertThat(current).isEqualTo(injected);
                    assertThat(JsonPatches.apply(patch, pod)).isEqualTo(injected);
                }
            }
        }
    }

    private static boolean parentExists(JsonNode root, String pointer) {
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        return parent.isEmpty() || !root.at(parent).isMissingNode();
    }
}
