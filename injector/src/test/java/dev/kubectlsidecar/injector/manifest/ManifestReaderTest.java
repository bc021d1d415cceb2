package dev.kubectlsidecar.injector.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {
    @Test
    void readsMultiDocumentYamlWithNumbersAndLines() {
        List<Document> documents = ManifestReader.read("app.yaml", """
                # leading comment
                kind: Service
                metadata: {name: a}
                ---
                ---
                kind: Deployment
                metadata: {name: b}
                """);
        assertThat(documents).extracting(Document::number).containsExactly(1, 3);
        assertThat(documents).extracting(Document::line).containsExactly(2, 6);
        assertThat(documents.get(1).tree().path("kind").asString()).isEqualTo("Deployment");
    }

    @Test
    void readsConcatenatedJson() {
        List<Document> documents = ManifestReader.read("app.json", "{\"kind\":\"Pod\"}\n{\"kind\":\"Service\"}");
        assertThat(ManifestReader.detect(" {")).isEqualTo(ManifestFormat.JSON);
        assertThat(documents).hasSize(2);
    }

    @Test
    void invalidYamlNamesFileDocumentAndLine() {
        assertThatThrownBy(() -> ManifestReader.read("app.yaml", "kind: Service\n---\nkind: Pod\nmetadata: [a\n  b: c\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("app.yaml: document 2 (line 5): invalid YAML: expected ',' or ']'")
                .hasMessageContaining("at line 5, column 4 (in a flow sequence started at line 4, column 11)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThatThrownBy(() -> ManifestReader.read("app.yaml", "kind: Pod\nkind: Service\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("app.yaml: document 1 (line 2)")
                .hasMessageContaining("kind");
    }

    @Test
    void aDocumentThatIsNotAnObjectIsRejected() {
        assertThatThrownBy(() -> ManifestReader.read("app.yaml", "kind: Pod\n---\n- a\n- b\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessage("app.yaml: document 2 (line 3): not a Kubernetes object (a list at the top level)");
        assertThatThrownBy(() -> ManifestReader.read("app.yaml", "just text"))
                .hasMessage("app.yaml: document 1 (line 1): not a Kubernetes object (a scalar at the top level)");
    }
}
