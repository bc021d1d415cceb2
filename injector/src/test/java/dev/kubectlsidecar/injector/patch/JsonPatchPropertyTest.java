package dev.kubectlsidecar.injector.patch;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.Conformance;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.Workloads;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Over every pod of the corpus, generated pods with thousands of elements and random edits of random trees: the patch
 * turns the original into the target, one valid step at a time, and stays small.
 */
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
                    PodRequest request = new PodRequest(NamespaceInfo.unlabelled("default"), mode, KubeVersion.of(1, 29));
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

    /** Pods with thousands of containers, env entries, volumes, ports and annotations, injected. */
    static Stream<Arguments> bigPods() {
        return Stream.of(Arguments.of("containers", 2_500, 0), Arguments.of("env", 1, 100_000),
                Arguments.of("containers and env", 300, 300));
    }

    @ParameterizedTest(name = "{0}: {1} containers, {2} env each")
    @MethodSource("bigPods")
    void bigPodsGetASmallPatch(String label, int containers, int envEach) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode annotations = pod.putObject("metadata").put("name", "big").putObject("annotations");
        for (int i = 0; i < 1_000; i++) {
            annotations.put("example.com/a" + i, "v" + i);
        }
        ObjectNode spec = pod.putObject("spec");
        ArrayNode list = spec.putArray("containers");
        for (int c = 0; c < containers; c++) {
            ObjectNode container = list.addObject().put("name", "c" + c).put("image", "app:1");
            container.putArray("ports").addObject().put("containerPort", 1000 + c % 60_000);
            ArrayNode env = container.putArray("env");
            for (int e = 0; e < envEach; e++) {
                env.addObject().put("name", "E" + e).put("value", "x");
            }
        }
        ArrayNode volumes = spec.putArray("volumes");
        for (int v = 0; v < 1_000; v++) {
            volumes.addObject().put("name", "v" + v).putObject("emptyDir");
        }
        JsonNode injected = engine.inject(pod, PodRequest.offline("default")).pod();
        ArrayNode patch = JsonPatches.diff(pod, injected);
        assertThat(JsonPatches.apply(patch, pod)).isEqualTo(injected);
        assertThat(patch.toString().length()).as("patch bytes").isLessThan(64 * 1024);
        // injecting the injected pod again: the record is read, the sidecar removed and rendered afresh
        JsonNode again = engine.inject((ObjectNode) injected, PodRequest.offline("default")).pod();
        ArrayNode repatch = JsonPatches.diff(injected, again);
        assertThat(JsonPatches.apply(repatch, injected)).isEqualTo(again);
        assertThat(repatch.toString().length()).as("re-injection patch bytes").isLessThan(64 * 1024);
    }

    /**
     * Random edits of random trees (inserted, removed, reordered and changed elements of named and unnamed
     * arrays, changed and removed fields): the patch always reproduces the target, and is never more than about twice
     * the target itself.
     */
    @Test
    void randomEditsAreReproducedAndNeverAmplified() {
        Random random = new Random(12);
        for (int round = 0; round < 2_000; round++) {
            ObjectNode from = Json.object();
            from.set("spec", randomTree(random, 0));
            ObjectNode to = Json.object();
            to.set("spec", edit(random, from.get("spec").deepCopy(), 0));
            ArrayNode patch = JsonPatches.diff(from, to);
            assertThat(JsonPatches.apply(patch, from)).as("round %d", round).isEqualTo(to);
            assertThat(patch.toString().length()).as("round %d", round)
                    .isLessThanOrEqualTo(2 * to.toString().length() + 512);
        }
    }

    @Test
    void manySmallRemovalsBecomeOneReplace() {
        ObjectNode from = Json.object();
        ArrayNode numbers = from.putArray("numbers");
        for (int i = 0; i < 10_000; i++) {
            numbers.add(i % 7);
        }
        ObjectNode to = Json.object();
        ArrayNode odd = to.putArray("numbers");
        for (int i = 0; i < 10_000; i += 2) {
            odd.add(i % 7);
        }
        ArrayNode patch = JsonPatches.diff(from, to);
        assertThat(patch).hasSize(1);
        assertThat(JsonPatches.apply(patch, from)).isEqualTo(to);
    }

    private static JsonNode randomTree(Random random, int depth) {
        int kind = depth > 3 ? 3 : random.nextInt(4);
        switch (kind) {
            case 0 -> {
                ObjectNode object = Json.object();
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.set("k" + random.nextInt(8), randomTree(random, depth + 1));
                }
                return object;
            }
            case 1 -> {
                ArrayNode named = Json.array();
                for (int i = random.nextInt(30); i > 0; i--) {
                    ObjectNode element = named.addObject().put("name", "n" + i);
                    element.set("v", randomTree(random, depth + 1));
                }
                return named;
            }
            case 2 -> {
                ArrayNode plain = Json.array();
                for (int i = random.nextInt(30); i > 0; i--) {
                    plain.add(random.nextBoolean() ? Json.object().put("x", random.nextInt(3))
                            : tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(random.nextInt(3)));
                }
                return plain;
            }
            default -> {
                return tools.jackson.databind.node.JsonNodeFactory.instance.stringNode("s" + random.nextInt(4));
            }
        }
    }

    private static JsonNode edit(Random random, JsonNode node, int depth) {
        if (node instanceof ObjectNode object) {
            List<String> keys = new ArrayList<>(object.propertyNames());
            for (String key : keys) {
                switch (random.nextInt(6)) {
                    case 0 -> object.remove(key);
                    case 1 -> object.set(key, randomTree(random, depth + 1));
                    default -> object.set(key, edit(random, object.get(key), depth + 1));
                }
            }
            if (random.nextInt(3) == 0) {
                object.set("new" + random.nextInt(3), randomTree(random, depth + 1));
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            List<JsonNode> elements = new ArrayList<>();
            array.forEach(elements::add);
            int edits = random.nextInt(4);
            for (int i = 0; i < edits && !elements.isEmpty(); i++) {
                int at = random.nextInt(elements.size());
                switch (random.nextInt(4)) {
                    case 0 -> elements.remove(at);
                    case 1 -> elements.add(at, elements.get(random.nextInt(elements.size())).deepCopy());
                    case 2 -> Collections.swap(elements, at, random.nextInt(elements.size()));
                    default -> elements.set(at, edit(random, elements.get(at), depth + 1));
                }
            }
            ArrayNode edited = Json.array();
            elements.forEach(edited::add);
            return edited;
        }
        return random.nextInt(4) == 0 ? randomTree(random, depth + 1) : node;
    }

    private static boolean parentExists(JsonNode root, String pointer) {
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        return parent.isEmpty() || !root.at(parent).isMissingNode();
    }
}
