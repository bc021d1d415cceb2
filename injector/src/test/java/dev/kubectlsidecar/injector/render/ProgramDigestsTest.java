package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Remembering digests never changes an answer: a container matches a digest exactly when its program hashes to it. */
class ProgramDigestsTest {
    private static ObjectNode injectedProxy() {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree("{metadata: {name: web}, spec: {containers: [{name: app, image: app:1}]}}");
        ObjectNode injected = new InjectionEngine(ConfigLoader.embeddedDefault()).inject(pod, PodRequest.offline("shop")).pod();
        return (ObjectNode) injected.at("/spec/containers/0");
    }

    /** The same container parsed anew, as the agent gets every pod: equal strings, other instances. */
    private static ObjectNode reparsed(JsonNode container) {
        return (ObjectNode) JsonMappers.JSON.readTree(container.toString());
    }

    private static ObjectNode container(String yaml) {
        return (ObjectNode) JsonMappers.YAML.readTree(yaml);
    }

    @Test
    void aRememberedProgramMatchesItsDigestAndAProgramDifferingByOneCharacterDoesNot() {
        ObjectNode proxy = injectedProxy();
        String digest = ProgramDigests.of(proxy);
        assertThat(ProgramDigests.remembers(digest)).isTrue();
        assertThat(ProgramDigests.matches(reparsed(proxy), digest)).isTrue();

        ObjectNode edited = reparsed(proxy);
        String bootstrap = edited.withArray("args").get(1).asString();
        edited.withArray("args").set(1, bootstrap.substring(0, bootstrap.length() - 1) + "x");
        assertThat(ProgramDigests.matches(edited, digest)).isFalse();
        ObjectNode moreArgs = reparsed(proxy);
        moreArgs.withArray("args").add("--log-level");
        assertThat(ProgramDigests.matches(moreArgs, digest)).isFalse();
        ObjectNode commandAsArgs = reparsed(proxy);
        commandAsArgs.set("args", commandAsArgs.remove("command"));
        assertThat(ProgramDigests.matches(commandAsArgs, digest)).isFalse();
    }

    @Test
    void everyAnswerIsTheHashComparison() {
        List<ObjectNode> containers = List.of(
                container("{name: istio-proxy, command: [envoy], args: [--config-yaml, 'a: 1']}"),
                container("{name: istio-proxy, command: [envoy], args: [--config-yaml, 'a: 2']}"),
                container("{name: istio-proxy, command: [envoy]}"),
                container("{name: istio-proxy, command: [envoy], args: []}"),
                container("{name: istio-proxy, command: [envoy], args: null}"),
                container("{name: istio-proxy, args: [envoy]}"),
                container("{name: istio-proxy, command: [envoy], args: [1, 2]}"),
                container("{name: istio-proxy, command: [envoy], args: ['1', '2']}"),
                container("{name: istio-proxy, command: [envoy], args: {a: b, c: d}}"),
                container("{name: istio-proxy, command: [envoy], args: {c: d, a: b}}"),
                container("{name: istio-proxy, command: [envoy], args: [[x]]}"),
                container("{name: istio-proxy}"));
        List<String> digests = new ArrayList<>();
        containers.forEach(c -> digests.add(ProgramDigests.of(c)));
        for (ObjectNode container : containers) {
            for (String recorded : digests) {
                assertThat(ProgramDigests.matches(reparsed(container), recorded)).as(container + " vs " + recorded)
                        .isEqualTo(recorded.equals(ProgramDigests.of(reparsed(container))));
            }
        }
        assertThat(ProgramDigests.of(containers.get(6))).isNotEqualTo(ProgramDigests.of(containers.get(7)));
    }

    @Test
    void aProgramLongerThanTheLimitIsHashedEveryTimeAndNeverKept() {
        ObjectNode longProgram = container("{name: istio-proxy, command: [envoy]}");
        longProgram.putArray("args").add("x".repeat(ProgramDigests.MAX_REMEMBERED_CHARS));
        String digest = ProgramDigests.of(longProgram);
        assertThat(ProgramDigests.remembers(digest)).isFalse();
        assertThat(ProgramDigests.matches(reparsed(longProgram), digest)).isTrue();
        assertThat(ProgramDigests.remembers(digest)).isFalse();

        ObjectNode atTheLimit = container("{name: istio-proxy, command: [x]}");
        atTheLimit.putArray("args").add("x".repeat(ProgramDigests.MAX_REMEMBERED_CHARS - 1));
        assertThat(ProgramDigests.remembers(ProgramDigests.of(atTheLimit))).isTrue();
    }

    @Test
    void onlyTheLastProgramsAreKept() {
        List<String> digests = new ArrayList<>();
        for (int i = 0; i <= ProgramDigests.REMEMBERED; i++) {
            digests.add(ProgramDigests.of(container("{name: istio-proxy, command: [envoy], args: ['" + i + "']}")));
        }
        assertThat(ProgramDigests.remembers(digests.get(0))).isFalse();
        assertThat(digests.subList(1, digests.size())).allMatch(ProgramDigests::remembers);
    }
}
