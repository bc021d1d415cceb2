package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** JsonText reads and writes what Jackson's mappers do, node types included, without building one. */
class JsonTextTest {
    private static final String YAML = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations: {a: "1", b: "true", multi: "line one\\nline two\\n"}
            spec:
              replicas: 3
              big: 9999999999
              huge: 123456789012345678901234567890
              ratio: 0.25
              tiny: 1.0e-300
              on: true
              off: false
              nothing: null
              empty: []
              nested: [[1, [2, {x: "y"}]], {}]
              quoted: "0123"
              data: !!binary aGVsbG8=
            """;

    @Test
    void yamlReadsToTheSameTreeAsTheMapperWithTheSameNodeTypes() {
        JsonNode ours = JsonText.readYaml(YAML);
        JsonNode mappers = JsonMappers.YAML.readTree(YAML);
        assertThat(ours).isEqualTo(mappers);
        assertThat(nodeTypes(ours)).isEqualTo(nodeTypes(mappers));
    }

    @Test
    void yamlAndJsonAreWrittenAsTheMapperWritesThem() {
        JsonNode tree = JsonMappers.YAML.readTree(YAML);
        assertThat(JsonText.writeYaml(tree)).isEqualTo(JsonMappers.YAML.writeValueAsString(tree));
        assertThat(JsonText.writeJson(tree)).isEqualTo(JsonMappers.JSON.writeValueAsString(tree));
        assertThat(JsonText.writeJsonBytes(tree)).isEqualTo(JsonMappers.JSON.writeValueAsBytes(tree));
    }

    @Test
    void jsonRoundTripsThroughTheWriter() {
        JsonNode tree = JsonText.readYaml(YAML);
        assertThat(JsonText.readJson(JsonText.writeJson(tree))).isEqualTo(JsonMappers.JSON.readTree(JsonMappers.JSON.writeValueAsString(tree)));
    }

    @Test
    void nothingReadsAsMissingAndTrailingContentIsAnError() {
        assertThat(JsonText.readJson("  ").isMissingNode()).isTrue();
        assertThat(JsonText.readYaml("").isMissingNode()).isTrue();
        assertThatThrownBy(() -> JsonText.readJson("{\"a\": 1} {\"b\": 2}"))
                .isInstanceOf(JacksonException.class).hasMessageContaining("trailing content");
        assertThatThrownBy(() -> JsonText.readYaml("a: 1\n---\nb: 2\n")).isInstanceOf(JacksonException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": 1, \"a\": 2}", "a: 1\na: 2\n"})
    void duplicateKeysAreAnError(String text) {
        assertThatThrownBy(() -> {
            if (text.startsWith("{")) {
                JsonText.readJson(text);
            } else {
                JsonText.readYaml(text);
            }
        }).isInstanceOf(JacksonException.class).hasMessageContaining("Duplicate");
    }

    @Test
    void absurdNestingIsRefusedByTheParserNotAStackOverflow() {
        String json = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> JsonText.readJson(json)).isInstanceOf(JacksonException.class);
        String yaml = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> JsonText.readYaml(yaml)).isInstanceOf(JacksonException.class);
    }

    private static List<String> nodeTypes(JsonNode node) {
        List<String> types = new ArrayList<>();
        collect(node, types);
        return types;
    }

    private static void collect(JsonNode node, List<String> types) {
        types.add(node.getClass().getSimpleName());
        node.forEach(child -> collect(child, types));
    }
}
