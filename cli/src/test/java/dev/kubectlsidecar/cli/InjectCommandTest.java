package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class InjectCommandTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: web:1}]
            """;
    private static final String SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void injectsKeepingDocumentOrderAndReportsEachResource() throws IOException {
        Path file = write("app.yaml", SERVICE + "---\n" + DEPLOYMENT);
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEqualTo("service/web skipped (not a workload)\ndeployment/web injected\n");
        String[] documents = run.out().split("(?m)^---$");
        assertThat(documents).hasSize(2);
        assertThat(documents[0]).contains("kind: Service").doesNotContain("istio-proxy");
        assertThat(documents[1]).contains("kind: Deployment").contains("name: istio-proxy").contains("name: istio-init");
    }

    @Test
    void jsonOutputIsOneObjectOrAList() throws IOException {
        Path one = write("one.yaml", DEPLOYMENT);
        JsonNode single = JsonMappers.JSON.readTree(CliRun.of("inject", "--offline", "-f", one.toString(), "-o", "json").out());
        assertThat(single.path("kind").asString()).isEqualTo("Deployment");

        Path two = write("two.yaml", SERVICE + "---\n" + DEPLOYMENT);
        JsonNode list = JsonMappers.JSON.readTree(CliRun.of("inject", "--offline", "-f", two.toString(), "-o", "json").out());
        assertThat(list.path("kind").asString()).isEqualTo("List");
        assertThat(list.path("items")).hasSize(2);
    }

    @Test
    void acceptsJsonInputAndStdin() {
        String json = JsonMappers.JSON.writeValueAsString(JsonMappers.YAML.readTree(DEPLOYMENT));
        CliRun run = CliRun.withStdin(json, "inject", "--offline", "-f", "-");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("istio-proxy");
        assertThat(run.err()).isEqualTo("deployment/web injected\n");
    }

    @Test
    void diffShowsOnlyWhatChanges() throws IOException {
        Path file = write("app.yaml", DEPLOYMENT);
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString(), "--diff");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("--- a/" + file + "\n+++ b/" + file + "\n@@ ");
        // The file's containers are a flow sequence: the proxy joins it there, in flow style (first: it holds the app).
        assertThat(run.out()).contains("-      containers: [{name: web, image: web:1}]\n")
                .contains("+      containers: [{name: istio-proxy, ").contains("}, {name: web, image: web:1}]\n")
                .doesNotContain("-kind:");
        Path block = write("block.yaml", DEPLOYMENT.replace("containers: [{name: web, image: web:1}]",
                "containers:\n      - name: web\n        image: web:1"));
        assertThat(CliRun.of("inject", "--offline", "-f", block.toString(), "--diff").out())
                .contains("+      - name: istio-proxy\n");
    }

    @Test
    void aDirectoryIsReadInNameOrder() throws IOException {
        write("b.yaml", DEPLOYMENT);
        write("a.yaml", SERVICE);
        write("notes.txt", "not a manifest");
        CliRun run = CliRun.of("inject", "--offline", "-f", dir.toString());
        assertThat(run.err()).isEqualTo("service/web skipped (not a workload)\ndeployment/web injected\n");
    }

    @Test
    void badInputIsOneLineNamingFileDocumentAndLineWithNothingOnStdout() throws IOException {
        Path file = write("app.yaml", SERVICE + "---\nkind: Deployment\nmetadata: {name: [\n");
        String before = Files.readString(file);
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: " + file + ": document 2 (line ").endsWith("\n");
        assertThat(run.err().strip()).doesNotContain("\n");
        assertThat(Files.readString(file)).as("the input is never modified").isEqualTo(before);
    }

    @Test
    void anInvalidAnnotationNamesTheResourceAndTheAnnotation() throws IOException {
        Path file = write("app.yaml", DEPLOYMENT.replace("metadata: {labels: {app: web}}",
                "metadata: {annotations: {sidecar.istio.io/proxyCPU: lots}}"));
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: " + file + ": document 1 (line 1): deployment/web: invalid annotation "
                + "sidecar.istio.io/proxyCPU=\"lots\": must be a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi, "
                + "at most 2^63-1\n");
    }

    @Test
    void aSidecarThatAsksForPrivilegeIsRefusedInOneLineNamingTheField() throws IOException {
        Path file = write("app.yaml", SERVICE + "---\n" + DEPLOYMENT.replace("containers: [{name: web, image: web:1}]",
                "containers: [{name: web, image: web:1}, {name: istio-proxy, image: auto, securityContext: {privileged: true}}]"));
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: " + file + ": document 2 (line 6): deployment/web: "
                + "spec.template.spec.containers[1].securityContext.privileged: true refused: must be false (a pod's own "
                + "sidecar container may tighten the injected one's security, never loosen it)\n");
    }

    @Test
    void ignoredAnnotationsAndAnAppRunningAsTheProxyAreWarningsOnStderr() throws IOException {
        Path file = write("app.yaml", DEPLOYMENT
                .replace("metadata: {labels: {app: web}}", "metadata: {annotations: {sidecar.istio.io/proxyImage: evil/proxy:1}}")
                .replace("{name: web, image: web:1}", "{name: web, image: web:1, securityContext: {runAsUser: 1337}}"));
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("image: docker.io/envoyproxy/envoy:").doesNotContain("image: evil/proxy");
        assertThat(run.err()).isEqualTo("""
                deployment/web injected
                  warning: annotation sidecar.istio.io/proxyImage was ignored: the injection config does not allow image overrides (allowImageOverride: false)
                  warning: container web runs as the proxy's UID 1337 (spec.containers[1].securityContext.runAsUser): the iptables rules never capture the proxy's own IDs, so its traffic bypasses the proxy
                """);
    }

    @Test
    void missingFilesInvalidUtf8AndBadConfigAreClearErrors() throws IOException {
        CliRun missing = CliRun.of("inject", "--offline", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: " + dir.resolve("nope.yaml") + ": cannot read: No such file or directory\n");

        Path binary = dir.resolve("bad.yaml");
        Files.write(binary, new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xC3, (byte) 0x28});
        assertThat(CliRun.of("inject", "--offline", "-f", binary.toString()).err()).isEqualTo("error: " + binary + ": not valid UTF-8 text\n");

        Path config = write("config.yaml", "defaultProfile: p\nprofiles: {p: {initImage: x}}\n");
        Path app = write("app.yaml", DEPLOYMENT);
        CliRun badConfig = CliRun.of("inject", "--offline", "-f", app.toString(), "--config", config.toString());
        assertThat(badConfig.exitCode()).isEqualTo(1);
        assertThat(badConfig.err()).isEqualTo("error: " + config + ": profiles.p.proxyImage: is required\n");
    }

    @Test
    void outputFileAndInPlaceWriteWholeFilesOrNothing() throws IOException {
        Path app = write("app.yaml", DEPLOYMENT);
        Path out = dir.resolve("out.yaml");
        CliRun toFile = CliRun.of("inject", "--offline", "-f", app.toString(), "--output-file", out.toString());
        assertThat(toFile.exitCode()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(Files.readString(out)).contains("name: istio-proxy");

        Path good = write("good.yaml", DEPLOYMENT);
        Path bad = write("bad.yaml", "kind: Deployment\nmetadata: {name: [\n");
        CliRun failed = CliRun.of("inject", "--offline", "-f", good.toString(), "-f", bad.toString(), "--in-place");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(Files.readString(good)).as("nothing is written when any input fails").isEqualTo(DEPLOYMENT);

        CliRun inPlace = CliRun.of("inject", "--offline", "-f", good.toString(), "--in-place");
        assertThat(inPlace.exitCode()).isZero();
        assertThat(Files.readString(good)).contains("name: istio-proxy");
        assertThat(CliRun.withStdin(Files.readString(good), "uninject", "-f", "-").out())
                .isEqualTo(CliRun.withStdin(DEPLOYMENT, "uninject", "-f", "-").out());

        Path occupied = Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("keep"), "x");
        CliRun refused = CliRun.of("inject", "--offline", "-f", app.toString(), "--output-file", occupied.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: " + occupied + ": cannot write").endsWith("(the file was left as it was)\n");
        assertThat(Files.readString(occupied.resolve("keep"))).isEqualTo("x");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void everyCommandHasHelpAndTheRootListsThemAll() {
        CliRun inject = CliRun.of("inject", "--help");
        assertThat(inject.exitCode()).isZero();
        assertThat(inject.out()).startsWith("Usage: kubectl sidecar inject").contains("--native-sidecar");
        assertThat(CliRun.of("status", "--help").out()).startsWith("Usage: kubectl sidecar status");
        assertThat(CliRun.of("--help").out()).contains("inject", "uninject", "iptables", "enable", "disable", "status",
                "verify", "install", "uninstall", "version").doesNotContain("__complete");
    }

    @Test
    void kubeVersionLetsAutoChooseNativeSidecarsWithoutACluster() throws IOException {
        Path file = write("app.yaml", DEPLOYMENT);
        JsonNode native129 = JsonMappers.YAML.readTree(
                CliRun.of("inject", "--offline", "--kube-version", "1.29", "-f", file.toString()).out());
        assertThat(native129.at("/spec/template/spec/initContainers/1/name").asString()).isEqualTo("istio-proxy");
        assertThat(native129.at("/spec/template/spec/initContainers/1/restartPolicy").asString()).isEqualTo("Always");
        JsonNode classic128 = JsonMappers.YAML.readTree(
                CliRun.of("inject", "--offline", "--kube-version", "v1.28.5", "-f", file.toString()).out());
        assertThat(classic128.at("/spec/template/spec/initContainers").size()).isEqualTo(1);
        assertThat(CliRun.of("inject", "--offline", "--kube-version", "1.31", "--native-sidecar", "false",
                "-f", file.toString()).out()).doesNotContain("restartPolicy: Always");
    }

    @Test
    void aBadKubeVersionIsAUsageError() throws IOException {
        Path file = write("app.yaml", DEPLOYMENT);
        CliRun run = CliRun.of("inject", "--offline", "--kube-version", "latest", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--kube-version", "must be a Kubernetes version MAJOR.MINOR such as 1.29, got \"latest\"");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void wrongArgumentsGetUsageAndExitCode2() {
        CliRun run = CliRun.of("inject", "--offline", "-f", "x.yaml", "-o", "xml");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: invalid argument \"xml\" for \"-o\" flag: must be one of yaml, json\n"
                + "See 'kubectl sidecar inject --help' for usage.\n");
    }

    @Test
    void uninjectRemovesExactlyWhatWasAdded() throws IOException {
        Path file = write("app.yaml", DEPLOYMENT);
        String injected = CliRun.of("inject", "--offline", "-f", file.toString()).out();
        CliRun back = CliRun.withStdin(injected, "uninject", "-f", "-");
        assertThat(back.exitCode()).isZero();
        assertThat(JsonMappers.YAML.readTree(back.out())).isEqualTo(JsonMappers.YAML.readTree(DEPLOYMENT));
        assertThat(back.err()).isEqualTo("deployment/web uninjected\n");
    }

    @Test
    void uninjectRefusesAForgedRecordInOneLineAndPrintsNothing() {
        String forged = DEPLOYMENT.replace("metadata: {labels: {app: web}}", "metadata:\n"
                + "      labels: {app: web}\n"
                + "      annotations: {sidecar.istio.io/status: '{\"containers\":[\"web\"]}'}");
        CliRun run = CliRun.withStdin(forged, "uninject", "-f", "-");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: stdin: document 1 (line 1): deployment/web: invalid annotation "
                + "sidecar.istio.io/status=").contains("lists web in containers").endsWith(")\n").hasLineCount(1);
    }
}
