package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.support.VersionProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code version} where no kubeconfig exists (an empty home, $KUBECONFIG naming a missing file), as its own process. */
class VersionWithoutKubeconfigTest {
    @TempDir
    Path dir;

    @Test
    void printsTheClientVersionWithANoteAndExits0() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        ProcessBuilder builder = new ProcessBuilder(CliProcess.command(List.of("-Duser.home=" + home), List.of("version")))
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().put("KUBECONFIG", dir.resolve("missing").toString());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("out"))).isEqualTo("Client: " + VersionProvider.version() + "\n");
        assertThat(Files.readString(dir.resolve("err"))).startsWith("note: no kubeconfig found").endsWith("\n")
                .doesNotContain("error");
        assertThat(CliRun.of("version", "--kubeconfig", dir.resolve("missing").toString()).exitCode())
                .as("a --kubeconfig that does not exist is still an error, as in kubectl").isEqualTo(1);
    }
}
