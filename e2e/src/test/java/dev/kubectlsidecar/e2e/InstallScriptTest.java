package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliExecutable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's first command: {@code install.sh} into a prefix, run twice, the launcher it writes, and its uninstall. */
class InstallScriptTest {
    private static final Path SCRIPT = Paths.REPO.resolve("install.sh");
    private static final String CACHE = Runtime.version().feature() >= 25 ? ".aot" : ".jsa";

    private record Run(int exitCode, String out) {
    }

    @Test
    void installsALauncherWithAStartUpCacheReRunsCleanlyAndUninstalls(@TempDir Path dir) throws Exception {
        Path prefix = dir.resolve("a prefix with spaces");
        // README's first command on a machine with Java alone (GRAALVM_HOME would make it install the native image).
        Run first = run(List.of("env", "-u", "GRAALVM_HOME", "sh", SCRIPT.toString(), "--prefix", prefix.toString()));
        assertThat(first.exitCode()).as(first.out()).isZero();
        assertThat(first.out()).contains("Installed kubectl-sidecar into " + prefix, "start-up cache", "Try it:");

        Path launcher = prefix.resolve("bin/kubectl-sidecar");
        Path lib = prefix.resolve("lib/kubectl-sidecar");
        assertThat(launcher).isExecutable();
        assertThat(prefix.resolve("bin/kubectl_complete-sidecar")).isExecutable();
        try (var files = Files.list(lib)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the jar and the two start-up caches, nothing left over from making them")
                    .containsExactlyInAnyOrder("kubectl-sidecar.jar", "kubectl-sidecar" + CACHE, "kubectl-sidecar-offline" + CACHE);
        }

        Run inject = run(List.of(launcher.toString(), "inject", "--offline", "-f",
                Paths.REPO.resolve("examples/shop.yaml").toString()));
        assertThat(inject.exitCode()).isZero();
        assertThat(inject.out()).contains(Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));
        // The launcher picks the cluster commands' cache when a kubeconfig is named or exists, the small one when none
        // does (the file the exec line names, traced by sh -x); either way the result is the same.
        Path kubeconfig = dir.resolve("unreachable-kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                """);
        Path emptyHome = Files.createDirectories(dir.resolve("home"));
        String manifest = Paths.REPO.resolve("examples/shop.yaml").toString();
        String expected = Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml"));
        String home = "JAVA_TOOL_OPTIONS=-Duser.home=" + emptyHome;
        Run named = traced(launcher, List.of("HOME=" + emptyHome, home), "inject", "--kubeconfig", kubeconfig.toString(), "-f", manifest);
        assertThat(named.out()).contains("/kubectl-sidecar" + CACHE, "cannot read the cluster's injection config", expected);
        Run inVariable = traced(launcher, List.of("HOME=" + emptyHome, home, "KUBECONFIG=/missing:" + kubeconfig), "inject", "-f", manifest);
        assertThat(inVariable.out()).contains("/kubectl-sidecar" + CACHE, "cannot read the cluster's injection config", expected);
        Run none = traced(launcher, List.of("HOME=" + emptyHome, home, "KUBECONFIG=/missing"), "inject", "-f", manifest);
        assertThat(none.out()).contains("/kubectl-sidecar-offline" + CACHE, expected)
                .doesNotContain("/kubectl-sidecar" + CACHE, "cannot read the cluster");
        Run offline = traced(launcher, List.of("HOME=" + emptyHome, home, "KUBECONFIG=" + kubeconfig), "inject", "--offline", "-f", manifest);
        assertThat(offline.out()).contains("/kubectl-sidecar-offline" + CACHE, expected)
                .doesNotContain("/kubectl-sidecar" + CACHE, "cannot read the cluster");

        Run help = run(List.of(launcher.toString(), "--help"));
        assertThat(help.out()).startsWith("Usage: kubectl sidecar [-hV] [COMMAND]");

        Run again = run(List.of("env", "-u", "GRAALVM_HOME", "sh", SCRIPT.toString(), "--prefix", prefix.toString()));
        assertThat(again.exitCode()).as(again.out()).isZero();
        assertThat(run(List.of(launcher.toString(), "--version")).out()).startsWith("kubectl-sidecar ");

        Run uninstall = run(List.of("sh", SCRIPT.toString(), "--uninstall", "--prefix", prefix.toString()));
        assertThat(uninstall.exitCode()).isZero();
        assertThat(launcher).doesNotExist();
        assertThat(prefix.resolve("bin/kubectl_complete-sidecar")).doesNotExist();
        assertThat(lib).doesNotExist();
    }

    @Test
    void nativeWithoutAToolchainSaysWhatToDoAndInstallsNothing(@TempDir Path dir) throws Exception {
        Path prefix = dir.resolve("prefix");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("sh", "java", "dirname", "sed", "head", "find", "readlink")) {
            Path found = Path.of(run(List.of("sh", "-c", "command -v " + tool)).out().strip());
            Files.createSymbolicLink(bin.resolve(tool), found);
        }

        Run unset = run(List.of("env", "-u", "GRAALVM_HOME", "PATH=" + bin, "sh", SCRIPT.toString(), "--native", "--prefix", prefix.toString()));
        Run empty = run(List.of("env", "GRAALVM_HOME=" + dir, "PATH=" + bin, "sh", SCRIPT.toString(), "--native", "--prefix", prefix.toString()));

        assertThat(unset.exitCode()).isEqualTo(1);
        assertThat(unset.out()).isEqualTo("""
                install.sh: --native needs GraalVM's native-image, and there is none:
                  GRAALVM_HOME is not set and native-image is not on PATH.
                  Install a GraalVM for JDK 25 (https://www.graalvm.org/downloads/) and set GRAALVM_HOME to it,
                  or run ./install.sh without --native for the JVM launcher (Java 17+ only).
                """);
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.out()).contains("  GRAALVM_HOME=" + dir + " has no bin/native-image, and native-image is not on PATH.\n");
        assertThat(prefix).doesNotExist();
    }

    /** The native image named by -Dkubectl-sidecar.executable, when it is this checkout's cli/target/kubectl-sidecar. */
    @Test
    void nativeInstallsTheImageItFindsUpToDateAndUninstalls(@TempDir Path dir) throws Exception {
        Path image = Paths.REPO.resolve("cli/target/kubectl-sidecar");
        Assumptions.assumeTrue(CliExecutable.configured().filter(image::equals).isPresent(),
                "-D" + CliExecutable.PROPERTY + " does not name " + image + ": the native install is not tested here");
        // A toolchain that must not be used: the image is newer than the sources, so install.sh only copies it.
        Path graalvm = dir.resolve("graalvm");
        Path nativeImage = Files.createDirectories(graalvm.resolve("bin")).resolve("native-image");
        Files.writeString(nativeImage, "#!/bin/sh\necho 'the image is older than the sources: rebuild it first' >&2\nexit 1\n");
        assertThat(nativeImage.toFile().setExecutable(true)).isTrue();
        Path prefix = dir.resolve("prefix");

        Run install = run(List.of("env", "GRAALVM_HOME=" + graalvm, "sh", SCRIPT.toString(), "--prefix", prefix.toString()));

        assertThat(install.exitCode()).as(install.out()).isZero();
        assertThat(install.out()).contains("Installed kubectl-sidecar into " + prefix, "(native image)").doesNotContain("Building");
        Path lib = prefix.resolve("lib/kubectl-sidecar");
        try (var files = Files.list(lib)) {
            assertThat(files.map(file -> file.getFileName().toString())).doesNotContain("kubectl-sidecar.jar").contains("kubectl-sidecar");
        }
        Run inject = run(List.of(prefix.resolve("bin/kubectl-sidecar").toString(), "inject", "--offline", "-f", "examples/shop.yaml"));
        assertThat(inject.exitCode()).as(inject.out()).isZero();
        assertThat(inject.out()).contains(Files.readString(Paths.REPO.resolve("examples/expected/shop.yaml")));

        Run uninstall = run(List.of("sh", SCRIPT.toString(), "--uninstall", "--prefix", prefix.toString()));
        assertThat(uninstall.exitCode()).isZero();
        assertThat(prefix.resolve("bin/kubectl-sidecar")).doesNotExist();
        assertThat(lib).doesNotExist();
    }

    /** A copy of install.sh beside a fake Maven wrapper that records its arguments and prints what Maven would. */
    private static Path fakeRepository(Path dir, String mavenExit) throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.copy(SCRIPT, repo.resolve("install.sh"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path mvnw = Files.writeString(repo.resolve("mvnw"), """
                #!/bin/sh
                echo "$@" > "$(dirname "$0")/mvnw-args"
                echo "[INFO] Scanning for projects..."
                i=0; while [ $i -lt 50 ]; do echo "Downloaded from central: https://repo.example/a$i.jar (1 kB at 1 MB/s)"; i=$((i+1)); done
                echo "[INFO] Building kubectl-sidecar :: injector 0.1.0                   [1/2]"
                echo "[INFO] Building kubectl-sidecar :: cli (kubectl plugin) 0.1.0       [2/2]"
                if [ "%s" != 0 ]; then echo "[ERROR] Failed to execute goal: boom"; exit %s; fi
                mkdir -p "$(dirname "$0")/cli/target" && echo jar > "$(dirname "$0")/cli/target/kubectl-sidecar.jar"
                echo "[INFO] BUILD SUCCESS"
                """.formatted(mavenExit, mavenExit));
        assertThat(mvnw.toFile().setExecutable(true)).isTrue();
        return repo;
    }

    @Test
    void buildsOnlyWhatItInstallsAndShowsProgress(@TempDir Path dir) throws Exception {
        Path repo = fakeRepository(dir, "0");
        Run install = run(List.of("env", "-u", "GRAALVM_HOME", "sh", repo.resolve("install.sh").toString(), "--prefix",
                dir.resolve("prefix").toString()));
        assertThat(install.exitCode()).as(install.out()).isZero();
        assertThat(Files.readString(repo.resolve("mvnw-args")).strip()).isEqualTo("-B -pl cli -am -DskipTests package");
        assertThat(install.out()).startsWith("""
                Building the plugin: ./mvnw -B -pl cli -am -DskipTests package
                  downloaded 25 files
                  downloaded 50 files
                  Building kubectl-sidecar :: injector 0.1.0
                  Building kubectl-sidecar :: cli (kubectl plugin) 0.1.0
                  built\s""").doesNotContain("repo.example", "[INFO]");

        Path failing = fakeRepository(Files.createDirectories(dir.resolve("failing")), "1");
        Run failed = run(List.of("env", "-u", "GRAALVM_HOME", "sh", failing.resolve("install.sh").toString(), "--prefix",
                dir.resolve("prefix2").toString()));
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("[ERROR] Failed to execute goal: boom", "install.sh: the build failed; its whole log: ");
        assertThat(dir.resolve("prefix2/bin/kubectl-sidecar")).doesNotExist();
    }

    @Test
    void helpPrintsTheUsageOnly() throws Exception {
        Run help = run(List.of("sh", SCRIPT.toString(), "--help"));
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("./install.sh [--prefix DIR]", "./install.sh --uninstall").doesNotContain("set -eu")
                .doesNotContain("#");
    }

    /** The launcher run by {@code sh -x} with these environment settings: its output, then the trace of its exec. */
    private static Run traced(Path launcher, List<String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "-u", "KUBECONFIG"));
        command.addAll(environment);
        command.addAll(List.of("sh", "-x", launcher.toString()));
        command.addAll(List.of(arguments));
        Run run = run(command);
        assertThat(run.exitCode()).as(run.out()).isZero();
        return run;
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(Paths.REPO.toFile())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("finished: " + command).isTrue();
        return new Run(process.exitValue(), out);
    }
}
