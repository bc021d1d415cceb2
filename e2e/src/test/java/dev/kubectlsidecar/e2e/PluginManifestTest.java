package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliExecutable;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The krew manifest (plugin-manifest/sidecar.yaml) passes krew's validation and names one native archive per
 * platform; plugin-manifest/package.sh builds those archives reproducibly and writes each one's sha256 into its own
 * entry; the native archive (when -Dkubectl-sidecar.executable names a native image) and the JVM archive, unpacked
 * and put on PATH through a symlink as krew installs them, run the plugin.
 */
class PluginManifestTest {
    private static final Path MANIFEST = Paths.REPO.resolve("plugin-manifest/sidecar.yaml");
    private static final Path PACKAGE_SCRIPT = Paths.REPO.resolve("plugin-manifest/package.sh");
    private static final Path LAUNCHER = Paths.REPO.resolve("plugin-manifest/kubectl-sidecar");
    private static final Set<String> PLATFORMS = Set.of("linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64");
    private static final String VERSION = "v\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?";
    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    private static Run run(Path workDir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        Path out = Files.createTempFile("plugin-manifest-test", ".out");
        Path err = Files.createTempFile("plugin-manifest-test", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static JsonNode manifest() throws IOException {
        return JsonMappers.YAML.readTree(Files.readString(MANIFEST));
    }

    private static void assumePackagingTools() throws IOException, InterruptedException {
        for (String tool : List.of("tar", "gzip", "sha256sum")) {
            Assumptions.assumeTrue(Paths.onPath(tool), tool + " is not on PATH: the krew archive cannot be built here");
        }
        Assumptions.assumeTrue(run(Paths.REPO, Map.of(), "tar", "--version").out().contains("GNU tar"),
                "tar is not GNU tar: package.sh needs its --sort/--mtime/--owner to build the archive reproducibly");
    }

    /** Runs package.sh on this build's jar into {@code out}; returns the archive. */
    private static Path buildArchive(Path out) throws IOException, InterruptedException {
        return onlyArchive(out, run(Paths.REPO, Map.of(), "sh", PACKAGE_SCRIPT.toString(), "--jar", Paths.CLI_JAR.toString(),
                "--out", out.toString()));
    }

    private static Path onlyArchive(Path out, Run build) throws IOException {
        assertThat(build.exitCode()).as(build.err()).isZero();
        try (var files = Files.list(out)) {
            List<Path> archives = files.toList();
            assertThat(archives).hasSize(1);
            return archives.get(0);
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void manifestPassesKrewValidation() throws IOException {
        JsonNode plugin = manifest();
        String fileName = MANIFEST.getFileName().toString();

        assertThat(plugin.path("apiVersion").asString()).isEqualTo("krew.googlecontainertools.github.com/v1alpha2");
        assertThat(plugin.path("kind").asString()).isEqualTo("Plugin");
        assertThat(plugin.at("/metadata/name").asString())
                .isEqualTo(fileName.substring(0, fileName.length() - ".yaml".length()))
                .matches("[\\w-]+");
        JsonNode spec = plugin.path("spec");
        assertThat(spec.path("version").asString()).matches(VERSION);
        assertThat(spec.path("homepage").asString()).startsWith("https://");
        assertThat(spec.path("shortDescription").asString()).isNotBlank().hasSizeLessThan(50);
        assertThat(spec.path("description").asString()).isNotBlank();
        assertThat(spec.path("caveats").asString()).contains("native", "needs no Java", "kubectl sidecar version");

        List<String> platforms = new ArrayList<>();
        for (JsonNode platform : spec.path("platforms")) {
            JsonNode labels = platform.at("/selector/matchLabels");
            assertThat(labels.propertyNames()).as("selector keys krew supports").containsExactlyInAnyOrder("os", "arch");
            String name = labels.path("os").asString() + "/" + labels.path("arch").asString();
            platforms.add(name);
            String version = spec.path("version").asString();
            assertThat(platform.path("uri").asString()).as(name).startsWith("https://")
                    .endsWith("/" + version + "/kubectl-sidecar-" + version + "-" + name.replace('/', '-') + ".tar.gz");
            assertThat(platform.path("sha256").asString()).as(name).matches("[a-f0-9]{64}");
            assertThat(platform.path("bin").asString()).as(name)
                    .isEqualTo(name.startsWith("windows/") ? "kubectl-sidecar.exe" : "kubectl-sidecar");
            assertThat(platform.path("files")).as(name).isNotEmpty();
            for (JsonNode operation : platform.path("files")) {
                assertThat(operation.path("from").asString()).as(name).isNotBlank();
                assertThat(operation.path("to").asString()).as(name).isNotBlank();
            }
        }
        assertThat(platforms).as("one entry per os/arch").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(PLATFORMS);
    }

    @Test
    void jvmArchiveIsTheSameFromTheSameJarAndLeavesTheManifestAlone() throws Exception {
        assumePackagingTools();
        byte[] committed = Files.readAllBytes(MANIFEST);
        Path first = buildArchive(dir.resolve("first"));
        Path second = buildArchive(dir.resolve("second"));

        assertThat(Files.mismatch(first, second)).as("two builds of the archive differ").isEqualTo(-1L);
        assertThat(Files.readAllBytes(MANIFEST)).as("the JVM archive is not krew's").isEqualTo(committed);
        assertThat(first.getFileName().toString()).isEqualTo("kubectl-sidecar-" + manifest().at("/spec/version").asString() + ".tar.gz");
    }

    /** A copy of the repository's packaging files, so the committed manifest stays as it is; returns its package.sh. */
    private Path packagingCopy() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo/plugin-manifest"));
        for (Path file : List.of(PACKAGE_SCRIPT, LAUNCHER, MANIFEST)) {
            Files.copy(file, repo.resolve(file.getFileName()));
        }
        Files.copy(Paths.REPO.resolve("LICENSE"), repo.resolveSibling("LICENSE"));
        return repo.resolve("package.sh");
    }

    @ParameterizedTest
    @CsvSource({"darwin/arm64, kubectl-sidecar", "windows/amd64, kubectl-sidecar.exe"})
    void nativeArchiveIsReproducibleAndItsSha256GoesIntoItsPlatformsEntryOnly(String platform, String exe) throws Exception {
        assumePackagingTools();
        Path script = packagingCopy();
        Path built = Files.createDirectories(dir.resolve("built"));
        Path binary = Files.writeString(built.resolve("kubectl-sidecar-binary"), "not a real image for " + platform);
        Files.writeString(Files.createDirectories(built.resolve("lib")).resolve("libjava.so"), "a library beside it");
        String version = manifest().at("/spec/version").asString();

        Path first = onlyArchive(dir.resolve("first"), run(dir, Map.of(), "sh", script.toString(), "--native", binary.toString(),
                "--platform", platform, "--out", dir.resolve("first").toString()));
        Path second = onlyArchive(dir.resolve("second"), run(dir, Map.of(), "sh", script.toString(), "--native", binary.toString(),
                "--platform", platform, "--out", dir.resolve("second").toString(), "--keep-manifest"));

        assertThat(first.getFileName().toString()).isEqualTo("kubectl-sidecar-" + version + "-" + platform.replace('/', '-') + ".tar.gz");
        assertThat(Files.mismatch(first, second)).as("two builds of the archive differ").isEqualTo(-1L);
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        assertThat(run(unpacked, Map.of(), "tar", "-xzf", first.toString()).exitCode()).isZero();
        assertThat(unpacked.resolve(exe)).hasContent("not a real image for " + platform);
        assertThat(Files.getPosixFilePermissions(unpacked.resolve(exe))).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(unpacked.resolve("lib/libjava.so")).hasContent("a library beside it");
        assertThat(unpacked.resolve("LICENSE")).hasSameTextualContentAs(Paths.REPO.resolve("LICENSE"));

        String sha = sha256(first);
        JsonNode rewritten = JsonMappers.YAML.readTree(Files.readString(script.resolveSibling("sidecar.yaml")));
        JsonNode committed = manifest();
        for (int i = 0; i < committed.at("/spec/platforms").size(); i++) {
            JsonNode entry = rewritten.at("/spec/platforms").get(i);
            String name = entry.at("/selector/matchLabels/os").asString() + "/" + entry.at("/selector/matchLabels/arch").asString();
            assertThat(entry.path("sha256").asString()).as(name)
                    .isEqualTo(name.equals(platform) ? sha : committed.at("/spec/platforms").get(i).path("sha256").asString());
        }
        assertThat(Files.readString(script.resolveSibling("sidecar.yaml")).replaceAll("sha256: \"[a-f0-9]{64}\"", "sha256"))
                .as("only the sha256 values change")
                .isEqualTo(Files.readString(MANIFEST).replaceAll("sha256: \"[a-f0-9]{64}\"", "sha256"));
    }

    @Test
    void nativeArchiveOfAnUnknownPlatformIsRefused() throws Exception {
        assumePackagingTools();
        Path script = packagingCopy();
        Path binary = Files.writeString(dir.resolve("kubectl-sidecar"), "image");

        Run build = run(dir, Map.of(), "sh", script.toString(), "--native", binary.toString(), "--platform", "plan9/amd64");

        assertThat(build.exitCode()).isEqualTo(1);
        assertThat(build.err()).isEqualTo("package.sh: --platform plan9/amd64: one of linux/amd64, linux/arm64, darwin/amd64, "
                + "darwin/arm64, windows/amd64\n");
    }

    @Test
    void nativeArchiveInstalledAsKrewDoesRunsThePluginThroughASymlinkOnPath() throws Exception {
        assumePackagingTools();
        var executable = CliExecutable.configured();
        Assumptions.assumeTrue(executable.isPresent(), "no native image named by -D" + CliExecutable.PROPERTY);
        Path script = packagingCopy();
        Path archive = onlyArchive(dir.resolve("dist"), run(dir, Map.of(), "sh", script.toString(), "--native",
                executable.get().toString(), "--platform", "linux/amd64", "--out", dir.resolve("dist").toString()));
        Path install = Files.createDirectories(dir.resolve("store/sidecar/v0.1.0"));
        assertThat(run(install, Map.of(), "tar", "-xzf", archive.toString()).exitCode()).isZero();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("kubectl-sidecar"), install.resolve("kubectl-sidecar"));

        Run inject = run(Paths.REPO, Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH")), "sh", "-c",
                "exec kubectl-sidecar \"$@\"", "sh", "inject", "--offline", "-f", "examples/shop.yaml");
        assertThat(inject.exitCode()).as(inject.err()).isZero();
        assertThat(inject.out()).isEqualTo(Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));
        assertThat(inject.err()).isEqualTo(Files.readString(Paths.REPO.resolve("examples/expected/shop.report")));
    }

    @Test
    void jvmArchiveInstalledAsKrewDoesRunsThePluginThroughASymlinkOnPath() throws Exception {
        assumePackagingTools();
        Path archive = buildArchive(dir.resolve("dist"));
        // krew unpacks the archive, applies `files: [{from: "*", to: "."}]` (the same tree) and links bin into its bin/.
        Path install = Files.createDirectories(dir.resolve("store/sidecar/v0.1.0"));
        assertThat(run(install, Map.of(), "tar", "-xzf", archive.toString()).exitCode()).isZero();
        try (var files = Files.list(install)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("kubectl-sidecar", "kubectl-sidecar.jar", "LICENSE");
        }
        assertThat(install.resolve("LICENSE")).hasSameTextualContentAs(Paths.REPO.resolve("LICENSE"));
        assertThat(Files.getPosixFilePermissions(install.resolve("kubectl-sidecar")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));

        // krew links bin/kubectl-sidecar to the installed file by absolute path; a relative link behind it checks
        // that the launcher resolves those too.
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("kubectl-sidecar"), links.relativize(install.resolve("kubectl-sidecar")));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("kubectl-sidecar"), links.resolve("kubectl-sidecar"));
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"),
                "PATH", bin + File.pathSeparator + System.getenv("PATH"));

        Run version = run(install, env, "./kubectl-sidecar", "--version");
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("kubectl-sidecar ");
        // Through a shell, so that the child's PATH (not this JVM's) finds the command.
        Run inject = run(Paths.REPO, env, "sh", "-c", "exec kubectl-sidecar \"$@\"", "sh",
                "inject", "--offline", "-f", "examples/shop.yaml");
        assertThat(inject.exitCode()).as(inject.err()).isZero();
        assertThat(inject.out()).isEqualTo(Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));
        assertThat(inject.err()).isEqualTo(Files.readString(Paths.REPO.resolve("examples/expected/shop.report")));
    }

    /** A JDK 11 known by its `java -version` output, and a JDK 8 known by its release file alone. */
    @ParameterizedTest
    @CsvSource({"java-version, 11.0.2", "release-file, 1.8.0_361"})
    void launcherRefusesAJavaOlderThan17InOneLine(String versionFrom, String version) throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("old-jdk"));
        Path java = Files.writeString(Files.createDirectories(jdk.resolve("bin")).resolve("java"),
                versionFrom.equals("java-version") ? "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2019-01-15' >&2\n"
                        : "#!/bin/sh\necho 'the launcher ran java although the release file says its version' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (versionFrom.equals("release-file")) {
            Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        }

        Run run = run(dir, Map.of("JAVA_HOME", jdk.toString()), "sh", LAUNCHER.toString(), "--version");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("kubectl-sidecar: Java 17 or newer is required; " + java
                + " is version " + version + " (set JAVA_HOME to a Java >= 17)\n");
    }

    @Test
    void launcherSaysSoInOneLineWhenThereIsNoJava() throws Exception {
        // A PATH with just the tools the launcher uses, and no java; an empty JAVA_HOME counts as unset.
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("dirname", "readlink", "sed", "head")) {
            Run found = run(dir, Map.of(), "sh", "-c", "command -v " + tool);
            Assumptions.assumeTrue(found.exitCode() == 0, tool + " is not on PATH: the launcher cannot run here");
            Path wrapper = Files.writeString(tools.resolve(tool), "#!/bin/sh\nexec " + found.out().strip() + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        Run run = run(dir, Map.of("JAVA_HOME", "", "PATH", tools.toString()), "/bin/sh", LAUNCHER.toString(), "--version");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("kubectl-sidecar: Java 17 or newer is required, but no java was found "
                + "(neither $JAVA_HOME/bin/java nor java on PATH)\n");
    }
}
