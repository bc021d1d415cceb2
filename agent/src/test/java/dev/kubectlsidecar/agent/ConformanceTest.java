package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.Conformance;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Istio's injection test vectors through the webhook over HTTPS: every pod (and pod template) they hold is sent as
 * an AdmissionReview, and the answer must be exactly what the engine does to the same pod in the same namespace:
 * the patched pod equals the engine's pod, and a denial happens exactly where the engine rejects an annotation.
 */
class ConformanceTest {
    private static final Map<String, List<String>> TEMPLATE_PATHS = Map.of(
            "Deployment", List.of("spec", "template"), "DeploymentConfig", List.of("spec", "template"),
            "ReplicaSet", List.of("spec", "template"), "ReplicationController", List.of("spec", "template"),
            "StatefulSet", List.of("spec", "template"), "DaemonSet", List.of("spec", "template"),
            "Job", List.of("spec", "template"), "CronJob", List.of("spec", "jobTemplate", "spec", "template"));
    private static final InjectionEngine ENGINE =
            new InjectionEngine(ConfigLoader.embeddedDefault().ignoring("kubectl-sidecar"));

    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();

    private record Case(String name, String namespace, ObjectNode pod) {
    }

    @TestFactory
    Stream<DynamicTest> everyPodOfEveryVector() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (Path file : Conformance.injectInputs()) {
            for (Document document : ManifestReader.read(file.getFileName().toString(), Conformance.read(file))) {
                collect(file.getFileName() + "#" + document.number(), document.tree(), cases);
            }
        }
        assertThat(cases).hasSizeGreaterThan(100);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void collect(String name, JsonNode resource, List<Case> out) {
        String kind = Json.text(resource, "kind");
        String namespace = Json.text(resource.path("metadata"), "namespace");
        if ("List".equals(kind)) {
            JsonNode items = resource.path("items");
            for (int i = 0; i < items.size(); i++) {
                collect(name + "/items/" + i, items.get(i), out);
            }
        } else if ("Pod".equals(kind)) {
            out.add(new Case(name, namespace == null ? "default" : namespace, (ObjectNode) resource.deepCopy()));
        } else if (TEMPLATE_PATHS.containsKey(kind)) {
            JsonNode template = resource;
            for (String field : TEMPLATE_PATHS.get(kind)) {
                template = template.path(field);
            }
            ObjectNode pod = Json.object();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            pod.set("metadata", template.path("metadata").isObject() ? template.get("metadata").deepCopy() : Json.object());
            if (namespace != null) {
                ((ObjectNode) pod.get("metadata")).put("namespace", namespace);
            }
            pod.set("spec", template.path("spec").deepCopy());
            out.add(new Case(name + " (" + kind + ")", namespace == null ? "default" : namespace, pod));
        }
    }

    private static void check(Case c) throws Exception {
        PodRequest sameRequest = new PodRequest(NamespaceInfo.unlabelled(c.namespace()), null, KubeVersion.UNKNOWN);
        PodInjection expected = null;
        String rejection = null;
        try {
            expected = ENGINE.inject(c.pod(), sameRequest);
        } catch (InvalidAnnotationException | MalformedPodException e) {
            rejection = e.getMessage();
        }
        JsonNode response = running.reviewOk(Reviews.podCreate("uid-" + c.name(), c.namespace(), c.pod()));
        assertThat(response.get("uid").asString()).isEqualTo("uid-" + c.name());
        if (rejection != null) {
            assertThat(response.get("allowed").asBoolean()).as("denied like the engine: " + rejection).isFalse();
            assertThat(response.at("/status/code").asInt()).isEqualTo(400);
            assertThat(response.at("/status/message").asString()).isEqualTo(rejection);
            return;
        }
        assertThat(response.get("allowed").asBoolean()).as(response.at("/status/message").asString()).isTrue();
        JsonNode patch = Reviews.patch(response);
        JsonNode patched = patch == null ? c.pod() : applyCheckingParents(patch, c.pod());
        Trees.assertSameTree(c.name(), patched, expected.pod());
        assertThat(response.path("warnings").size()).isEqualTo(expected.warnings().size());
    }

    /** Applies the patch op by op, failing when an {@code add} targets a parent that does not exist yet. */
    private static JsonNode applyCheckingParents(JsonNode patch, JsonNode pod) {
        JsonNode current = pod;
        for (JsonNode op : patch) {
            String path = op.get("path").asString();
            if (op.get("op").asString().equals("add")) {
                String parent = path.substring(0, path.lastIndexOf('/'));
                assertThat(current.at(JsonPointer.compile(parent)).isMissingNode())
                        .as("add %s: its parent %s must exist", path, parent).isFalse();
            }
            ArrayNode single = Json.array().add(op);
            current = JsonPatches.apply(single, current);
        }
        return current;
    }
}
