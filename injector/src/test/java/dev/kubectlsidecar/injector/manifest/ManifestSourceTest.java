package dev.kubectlsidecar.injector.manifest;

import static dev.kubectlsidecar.injector.manifest.SourceRoundTrip.assertRoundTrips;
import static dev.kubectlsidecar.injector.manifest.SourceRoundTrip.inject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.json.JsonText;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ManifestSourceTest {
    private static final String DEPLOYMENT = """
            # The web tier. Keep replicas at 2 (see runbook).
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web   # the name
              labels: {app: web, tier: 'front'}

            spec:
              replicas: 2
              template:
                metadata:
                  labels:
                    app: "web"
                spec:
                  # app first
                  containers:
                    - name: web
                      image: web:1
                      args: ["--port", '8080']
                      ports:
                        - containerPort: 8080
                  # foot comment of the pod spec
            """;

    @Test
    void onlyTheInjectedLinesAreAddedAndEverythingElseIsKept() {
        String injected = inject("app.yaml", DEPLOYMENT);
        assertThat(removedLines(DEPLOYMENT, injected)).isEmpty();
        // the held proxy goes first (issue 15); the app's lines stay as they were
        assertThat(injected).contains("      # app first\n      containers:\n        - name: istio-proxy\n")
                .contains("        - name: web\n").contains("# foot comment of the pod spec");
        assertRoundTrips("app.yaml", DEPLOYMENT);
    }

    @Test
    void insertedPartsFollowTheFilesIndentation() {
        String fourSpaces = DEPLOYMENT.replace("\n  ", "\n    ").replace("\n    ", "\n        ").replace("\n        ", "\n    ");
        String wide = """
                apiVersion: v1
                kind: Pod
                metadata:
                    name: wide
                spec:
                    containers:
                        -   name: app
                            image: app
                """;
        String injected = inject("wide.yaml", wide);
        assertThat(injected).contains("\n        -   name: istio-proxy\n            image: ")
                .contains("\n    initContainers:\n        -   name: istio-init\n");
        assertRoundTrips("wide.yaml", wide);
        assertRoundTrips("four.yaml", fourSpaces);
    }

    @Test
    void lineBreaksByteOrderMarkAndTheLastLineAreKept() {
        String crlf = DEPLOYMENT.replace("\n", "\r\n");
        assertThat(inject("crlf.yaml", crlf).replace("\r\n", "")).doesNotContain("\n");
        assertRoundTrips("crlf.yaml", crlf);
        assertRoundTrips("bom.yaml", "\uFEFF" + DEPLOYMENT);
        String noNewline = DEPLOYMENT.stripTrailing().replace("\n  # foot comment of the pod spec", "");
        assertThat(inject("last.yaml", noNewline)).doesNotEndWith("\n");
        assertRoundTrips("last.yaml", noNewline);
    }

    @Test
    void aBlockScalarLastInAFileWithoutAFinalLineBreakKeepsItsMeaning() {
        String text = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: a\n"
                + "    command:\n    - |\n      echo\n      exec a";
        String injected = inject("last.yaml", text);
        assertThat(injected).contains("    - |-\n      echo\n      exec a\n");
        assertThat(SourceRoundTrip.uninject("last.yaml", injected)).isEqualTo(text.replace("- |", "- |-"));
    }

    @Test
    void emptyDocumentsAndDocumentEndMarkersStay() {
        String stream = "---\n# nothing here\n---\n" + DEPLOYMENT + "...\n---\n---\nkind: Service\nmetadata: {name: web}\n...\n";
        String injected = inject("stream.yaml", stream);
        assertThat(injected).startsWith("---\n# nothing here\n---\n# The web tier.").endsWith(
                "...\n---\n---\nkind: Service\nmetadata: {name: web}\n...\n");
        assertRoundTrips("stream.yaml", stream);
    }

    @Test
    void flowCollectionsGetFlowInsertions() {
        String flow = """
                kind: Pod
                metadata: {name: p, annotations: {team: a}}
                spec: {containers: [{name: app, image: app}]}
                """;
        String injected = inject("flow.yaml", flow);
        assertThat(injected.lines().count()).isEqualTo(3);
        assertThat(injected).startsWith("kind: Pod\nmetadata: {name: p, annotations: {team: a, ");
        assertRoundTrips("flow.yaml", flow);
    }

    @Test
    void jsonKeepsItsKeyOrderAndLayout() {
        String json = """
                {
                    "kind": "Pod",
                    "apiVersion": "v1",
                    "metadata": {
                        "name": "p"
                    },
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "image": "app"
                            }
                        ]
                    }
                }
                """;
        String injected = inject("pod.json", json);
        assertThat(injected).startsWith("{\n    \"kind\": \"Pod\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n"
                + "        \"name\": \"p\",\n        \"annotations\": {\n            \"");
        assertThat(JsonText.readJson(injected).path("spec").path("containers")).hasSize(2);
        assertRoundTrips("pod.json", json);
        assertRoundTrips("compact.json", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"a\"}]}}");
    }

    @Test
    void aliasesAreResolvedAndMergeKeysHonoured() {
        String yaml = """
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector:
                    matchLabels: &labels {app: web}
                  template:
                    metadata:
                      labels: *labels
                    spec:
                      containers:
                      - &app
                        name: web
                        image: web:1
                        resources: &small
                          requests: {cpu: 10m}
                      - <<: *app
                        name: helper
                        resources:
                          <<: *small
                          limits: {cpu: 20m}
                """;
        JsonNode tree = ManifestSource.read("a.yaml", yaml).documents().get(0).tree();
        assertThat(tree.at("/spec/template/metadata/labels/app").asString()).isEqualTo("web");
        assertThat(tree.at("/spec/template/spec/containers/1/image").asString()).isEqualTo("web:1");
        assertThat(tree.at("/spec/template/spec/containers/1/name").asString()).isEqualTo("helper");
        assertThat(tree.at("/spec/template/spec/containers/1/resources/requests/cpu").asString()).isEqualTo("10m");
        assertThat(tree.at("/spec/template/spec/containers/1/resources/limits/cpu").asString()).isEqualTo("20m");
        assertThat(tree.at("/spec/template/spec/containers/1").has("<<")).isFalse();
        String injected = inject("a.yaml", yaml);
        // The selector keeps its labels: the template's alias is written out where injection adds to it.
        assertThat(injected).contains("    matchLabels: &labels {app: web}\n");
        assertRoundTripsMeaning("a.yaml", injected);
    }

    @Test
    void aSharedListChangedAlikeEverywhereIsChangedWhereItIsDefined() {
        String yaml = """
                apiVersion: v1
                kind: List
                items:
                - kind: Pod
                  metadata: {name: a}
                  spec:
                    containers: &containers
                    - name: app
                      image: app
                - kind: Pod
                  metadata: {name: b}
                  spec:
                    containers: *containers
                """;
        String injected = inject("list.yaml", yaml);
        assertThat(injected).contains("    containers: *containers\n");
        assertRoundTrips("list.yaml", yaml);
    }

    @Test
    void aSharedListChangedForOneWorkloadOnlyIsWrittenOutForThatOne() {
        String yaml = """
                apiVersion: v1
                kind: List
                items:
                - kind: Pod
                  metadata: {name: a}
                  spec:
                    containers: &containers
                    - name: app
                      image: app
                - kind: Pod
                  metadata:
                    name: b
                    annotations: {sidecar.istio.io/inject: "false"}
                  spec:
                    containers: *containers
                """;
        String injected = inject("list.yaml", yaml);
        assertThat(injected).doesNotContain("*containers");
        assertThat(injected).contains("    containers: &containers\n    - name: istio-proxy\n")
                .contains("\n    - name: app\n      image: app\n");
    }

    @Test
    void aMergedKeyThatWouldHaveToGoIsRefusedNamingTheAnchor() {
        String injected = inject("m.yaml", """
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: app, image: app}]
                """);
        String merged = "x: &meta\n  annotations: {}\n" + injected.replace("metadata: {name: p", "metadata: {<<: *meta, name: p");
        // The record is explicit here, so uninject can remove it; a key that only the merge gives cannot be.
        String record = injected.substring(injected.indexOf("sidecar.istio.io/status: "), injected.indexOf("}\n", injected.indexOf("sidecar.istio.io/status: ")) + 1);
        assertThat(record).isNotEmpty();
    }

    @Test
    void aliasesNamingNothingAndAliasBombsAreRefused() {
        assertThatThrownBy(() -> ManifestSource.read("a.yaml", "kind: Pod\nmetadata: *nothing\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessage("a.yaml: document 1 (line 2): invalid YAML: alias *nothing names no anchor defined before it"
                        + " in this document (anchors are per document; an alias cannot refer to the node it is in)");
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                bomb.append(j > 0 ? ", " : "").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        assertThatThrownBy(() -> ManifestSource.read("bomb.yaml", bomb.toString()))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("aliases expand to more than");
    }

    @Test
    void parseErrorsSayWhatIsWrongAndWhere() {
        assertThatThrownBy(() -> ManifestSource.read("app.yaml", "kind: Service\n---\nkind: Pod\nmetadata: [a\n  b: c\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("app.yaml: document 2 (line 5): invalid YAML: ")
                .hasMessageContaining("at line 5, column")
                .hasMessageContaining("(in a flow sequence started at line 4, column 11)")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ManifestSource.read("app.json", "{\"kind\": \"Pod\",}"))
                .hasMessageStartingWith("app.json: document 1 (line 1): invalid JSON: ")
                .hasMessageContaining("at line 1, column");
    }

    @Test
    void stringsArePlainOnlyWhenEveryYamlReaderReadsThemBackAsStrings() {
        assertThat(List.of("100m", "1Gi", "3a116b9014968bfc", "--port", "web:1", "a-b", "10s", "http://x/y"))
                .allMatch(text -> NodeText.plain(text, false));
        assertThat(List.of("15001", "1.5", "1e5", "0777", "0x1F", "-1", ".5", "12:30", "2024-01-01", "yes", "On",
                "~", "null", "<<", "a: b", "a #b", " a", "a ", "", "- a", "*x", "&x", "!x", "'a", "%x", "@x", "`x"))
                .noneMatch(text -> NodeText.plain(text, false));
        assertThat(NodeText.plain("a,b", true)).isFalse();
        assertThat(NodeText.plain("a,b", false)).isTrue();
    }

    @Test
    void treesMatchJacksonsReadingOfTheSameYaml() {
        String yaml = "a: 1\nb: '1'\nc: 1.5\nd: true\ne: null\nf:\ng: ~\nh: 0x1F\ni: 1e3\nj: -0\nk: 12345678901\n"
                + "l: 123456789012345678901234567890\nm: !!str 5\nn: !!int \"7\"\no: yes\np: |\n  text\n";
        JsonNode ours = ManifestSource.read("t.yaml", yaml).documents().get(0).tree();
        assertThat(ours).isEqualTo(JsonText.readYaml(yaml));
        assertThat(ours.toString()).isEqualTo(JsonText.readYaml(yaml).toString());
    }

    private static void assertRoundTripsMeaning(String name, String injected) {
        assertThat(inject(name, injected)).isEqualTo(injected);
    }

    /** Lines of {@code before} that are not in {@code after}, in order (a crude diff: injection only adds). */
    private static List<String> removedLines(String before, String after) {
        List<String> missing = new java.util.ArrayList<>();
        int at = 0;
        for (String line : before.split("\n", -1)) {
            int found = after.indexOf(line, at);
            if (found < 0) {
                missing.add(line);
            } else {
                at = found + line.length();
            }
        }
        return missing;
    }
}
