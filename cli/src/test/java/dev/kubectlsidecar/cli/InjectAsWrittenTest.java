package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inject and uninject change only what injection changes, seen from outside: the CLI as a separate process in a
 * directory of manifests, its {@code --diff} applied by the real {@code patch -p1} and {@code git apply}, its
 * {@code -i} checked with {@code git diff}.
 */
class InjectAsWrittenTest {
    private static final String COMMENTED = """
            # web: the storefront. Owned by the web team.
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web  # keep in sync with the Service
            spec:
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: "web:1"

                      ports: [{containerPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}]}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void theDiffAppliesWithPatchAndGitApplyAndGivesTheOutput() throws Exception {
        write("app.yaml", COMMENTED);
        write("crlf.yaml", COMMENTED.replace("\n", "\r\n"));
        String[] documents = COMMENTED.split("---\n");
        write("last.yaml", documents[1] + "---\n" + documents[0].stripTrailing());
        Result diff = cli(dir, "inject", "--offline", "-f", "app.yaml", "-f", "crlf.yaml", "-f", "last.yaml", "--diff");
        assertThat(diff.code()).as(diff.err()).isZero();
        assertThat(diff.out()).startsWith("--- a/app.yaml\n+++ b/app.yaml\n@@ ").contains("\\ No newline at end of file\n");
        // Injection only adds lines; the one line taken away is last.yaml's last, which gains its line break.
        String lastLine = documents[0].stripTrailing().substring(documents[0].stripTrailing().lastIndexOf('\n') + 1);
        assertThat(diff.out().lines().filter(line -> line.startsWith("-") && !line.startsWith("---")))
                .containsExactly("-" + lastLine);

        for (String tool : List.of("patch", "git")) {
            Path copy = Files.createDirectories(dir.resolve("copy-" + tool));
            for (String name : List.of("app.yaml", "crlf.yaml", "last.yaml")) {
                Files.copy(dir.resolve(name), copy.resolve(name));
            }
            Path patchFile = Files.writeString(dir.resolve(tool + ".diff"), diff.out());
            Result applied = tool.equals("patch") ? run(copy, "patch", "-p1", "--quiet", "-i", patchFile.toString())
                    : run(copy, "git", "apply", "--whitespace=nowarn", patchFile.toString());
            assertThat(applied.code()).as(tool + ": " + applied.out() + applied.err()).isZero();
            for (String name : List.of("app.yaml", "crlf.yaml", "last.yaml")) {
                String expected = cli(dir, "inject", "--offline", "-f", name).out();
                assertThat(Files.readString(copy.resolve(name))).as(tool + " " + name).isEqualTo(expected);
            }
        }
    }

    @Test
    void inPlaceChangesOnlyTheInjectedLinesAsGitDiffShows() throws Exception {
        write("app.yaml", COMMENTED);
        run(dir, "git", "init", "-q");
        run(dir, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "app.yaml");
        run(dir, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app");
        Result inPlace = cli(dir, "inject", "--offline", "-f", "app.yaml", "-i");
        assertThat(inPlace.code()).as(inPlace.err()).isZero();
        String numstat = run(dir, "git", "diff", "--numstat").out();
        assertThat(numstat).matches("\\d+\t0\tapp.yaml\n");
        String gitDiff = run(dir, "git", "diff", "-U0").out();
        assertThat(gitDiff.lines().filter(line -> line.startsWith("+") && !line.startsWith("+++")))
                .anyMatch(line -> line.contains("name: istio-proxy"));

        Result back = cli(dir, "uninject", "-f", "app.yaml", "-i");
        assertThat(back.code()).as(back.err()).isZero();
        assertThat(run(dir, "git", "status", "--porcelain").out()).as("uninject -i gives back the committed bytes")
                .isEmpty();
    }

    @Test
    void standardInputIsLabelledDash() throws Exception {
        write("app.yaml", COMMENTED);
        Result diff = cli(dir, "inject", "--offline", "-f", "-", "--diff", "<", "app.yaml");
        assertThat(diff.out()).startsWith("--- -\n+++ -\n@@ ");
    }

    @Test
    void diffHonoursTheOutputFormatAndJsonIsWrittenAsKubectlDoes() throws Exception {
        write("app.yaml", COMMENTED);
        Result json = cli(dir, "inject", "--offline", "-f", "app.yaml", "-o", "json");
        assertThat(json.out()).startsWith("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\n"
                + "      \"apiVersion\": \"apps/v1\",\n").doesNotContain("\" :").doesNotContain("[ ]").doesNotContain("{ }");
        Result diff = cli(dir, "inject", "--offline", "-f", "app.yaml", "--diff", "-o", "json");
        assertThat(diff.out()).startsWith("--- a/app.yaml\n+++ b/app.yaml\n").contains("+  \"kind\": \"List\",\n")
                .contains("-# web: the storefront.");
    }

    @Test
    void emptyFilesAndObjectsWithoutKindOrApiVersionGetAWarning() throws Exception {
        write("empty.yaml", "");
        write("comments.yaml", "# nothing yet\n---\n");
        write("odd.yaml", "metadata: {name: x}\n---\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n");
        Result run = cli(dir, "inject", "--offline", "-f", "empty.yaml", "-f", "comments.yaml", "-f", "odd.yaml");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: empty.yaml: no Kubernetes object in it (an empty file)\n",
                "warning: comments.yaml: no Kubernetes object in it (only comments or empty documents)\n",
                "object/x skipped (not a workload)\n  warning: document 1 (line 1) has no kind: not a "
                        + "Kubernetes object, passed through as it is\n",
                "pod/p injected\n  warning: document 2 (line 3) has no apiVersion: kubectl will not apply it until it"
                        + " names one\n");
    }

    private record Result(int code, String out, String err) {
    }

    /** The CLI as its own process in {@code directory}; a trailing {@code < FILE} feeds that file to stdin. */
    private static Result cli(Path directory, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Path stdin = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("<")) {
                stdin = directory.resolve(args[++i]);
            } else {
                command.add(args[i]);
            }
        }
        return run(directory, stdin, command);
    }

    private static Result run(Path directory, String... command) throws Exception {
        return run(directory, null, List.of(command));
    }

    private static Result run(Path directory, Path stdin, List<String> command) throws Exception {
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        try (Stream<String> ignored = Stream.empty()) {
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
