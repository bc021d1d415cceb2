package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.cli.support.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code inject}/{@code uninject} do with hostile or unusual files: limits, links, modes, OS reasons. */
class ManifestFilesTest {
    /** A Deployment whose pod template's metadata can be replaced by a test. */
    private static final String DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
            + "  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n";

    @TempDir
    Path dir;

    /** {@code first}, then {@code fill} up to {@code size} bytes, made as it is read. */
    private static InputStream generated(long size, byte first, byte fill) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position >= size ? -1 : position++ == 0 ? first : fill;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(length, size - position);
                java.util.Arrays.fill(buffer, offset, offset + n, fill);
                if (position == 0) {
                    buffer[offset] = first;
                }
                position += n;
                return n;
            }
        };
    }

    @Test
    void devZeroIsRefusedInOneLineAtTheLineLimit() {
        CliRun run = CliRun.of("inject", "--offline", "-f", "/dev/zero");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: /dev/zero: line 1 is longer than 1.5 MiB, the limit for a line of YAML "
                + "(the API server's limit for a whole object)\n");
    }

    @Test
    void aFourMegabyteOneLineScalarIsRefusedBeforeParsing() throws IOException {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  k: " + "a".repeat(4_000_000) + "\n");
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: " + file + ": line 5 is longer than 1.5 MiB").doesNotContain("\n\n");
    }

    @Test
    void aYamlLineAtTheLimitIsReadAndOneByteMoreIsNot() throws IOException {
        int limit = BoundedInput.MAX_YAML_LINE_BYTES;
        assertThat(new BoundedInput().read("edge", generated(limit, (byte) 'a', (byte) 'a'))).hasSize(limit);
        assertThatThrownBy(() -> new BoundedInput().read("edge", generated(limit + 1L, (byte) 'a', (byte) 'a')))
                .isInstanceOf(UserError.class).hasMessage("edge: line 1 is longer than 1.5 MiB, the limit for a line of "
                        + "YAML (the API server's limit for a whole object)");
        assertThat(new BoundedInput().read("json", generated(limit + 1L, (byte) '[', (byte) ' ')))
                .as("JSON parses in linear time: its lines are not limited").hasSize(limit + 1);
    }

    @Test
    void aJsonStringAtTheLimitIsReadAndOneByteMoreIsNot() throws IOException {
        int limit = BoundedInput.MAX_YAML_LINE_BYTES;
        // ["aaa…"] with an escaped quote inside: the string is its bytes from the opening quote on.
        String head = "[\"\\\"";
        String within = head + "a".repeat(limit - head.length() + 1) + "\"]";
        assertThat(new BoundedInput().read("json", new java.io.ByteArrayInputStream(within.getBytes(StandardCharsets.UTF_8))))
                .hasSize(within.length());
        String over = head + "a".repeat(limit - head.length() + 2) + "\"]";
        assertThatThrownBy(() -> new BoundedInput().read("json", new java.io.ByteArrayInputStream(over.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(UserError.class)
                .hasMessage("json: line 1 holds a string longer than 1.5 MiB, the API server's limit for a whole object");
    }

    @Test
    void anInputAtTheSizeLimitIsReadAndOneByteMoreIsNot() throws IOException {
        long limit = BoundedInput.MAX_INPUT_BYTES;
        assertThat(new BoundedInput().read("edge", generated(limit, (byte) '\n', (byte) '\n'))).hasSize((int) limit);
        assertThatThrownBy(() -> new BoundedInput().read("edge", generated(limit + 1, (byte) '\n', (byte) '\n')))
                .isInstanceOf(UserError.class).hasMessageStartingWith("edge: more than 33554432 bytes is larger than 32 MiB");
    }

    @Test
    void allInputsOfARunTogetherAreLimited() throws IOException {
        BoundedInput input = new BoundedInput();
        input.read("one", generated(BoundedInput.MAX_INPUT_BYTES, (byte) '\n', (byte) '\n'));
        input.read("two", generated(BoundedInput.MAX_TOTAL_BYTES - BoundedInput.MAX_INPUT_BYTES, (byte) '\n', (byte) '\n'));
        assertThatThrownBy(() -> input.read("three", generated(1, (byte) '\n', (byte) '\n')))
                .isInstanceOf(UserError.class).hasMessageContaining("three: the inputs of this run together exceed 64 MiB");
    }

    @Test
    void aHugeRegularFileIsRefusedByItsSizeWithoutReadingIt() throws IOException {
        Path file = dir.resolve("huge.yaml");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(BoundedInput.MAX_INPUT_BYTES + 1);
        }
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.err()).isEqualTo("error: " + file + ": 33554433 bytes is larger than 32 MiB, the limit for one "
                + "manifest input: split it into several files\n");
    }

    @Test
    void inPlaceWritesThroughASymlinkToItsTarget() throws IOException {
        Path target = dir.resolve("real.yaml");
        Files.writeString(target, DEPLOYMENT);
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), Path.of("real.yaml"));
        CliRun run = CliRun.of("inject", "--offline", "-i", "-f", link.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("real.yaml"));
        assertThat(Files.readString(target)).contains("istio-proxy");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("real.yaml", "link.yaml");
        }
    }

    @Test
    void inPlaceRefusesAReadOnlyFileWithTheOsReason() throws IOException {
        Path file = dir.resolve("ro.yaml");
        Files.writeString(file, DEPLOYMENT);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        CliRun run = CliRun.of("inject", "--offline", "-i", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + file + ": cannot write: Permission denied (the file is read-only) "
                + "(the file was left as it was)\n");
        assertThat(Files.readString(file)).isEqualTo(DEPLOYMENT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--r--r--");
    }

    @Test
    void fileErrorsCarryTheOsReason() throws IOException {
        Path app = dir.resolve("app.yaml");
        Files.writeString(app, DEPLOYMENT);
        assertThat(CliRun.of("inject", "--offline", "-f", dir.resolve("none.yaml").toString()).err())
                .isEqualTo("error: " + dir.resolve("none.yaml") + ": cannot read: No such file or directory\n");
        Path directory = Files.createDirectory(dir.resolve("out"));
        assertThat(CliRun.of("inject", "--offline", "-f", app.toString(), "--output-file", directory.toString()).err())
                .isEqualTo("error: " + directory + ": cannot write: Is a directory (the file was left as it was)\n");
        assertThat(directory).isDirectory();
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path inLocked = locked.resolve("out.yaml");
        CliRun run = CliRun.of("inject", "--offline", "-f", app.toString(), "--output-file", inLocked.toString());
        if (!"root".equals(System.getProperty("user.name"))) {
            assertThat(run.err()).isEqualTo("error: " + inLocked + ": cannot write: Permission denied (the file was left as it was)\n");
        }
    }

    @Test
    void namesAndValuesFromTheManifestReachTheTerminalEscaped() throws IOException {
        Path file = dir.resolve("evil.yaml");
        Files.writeString(file, DEPLOYMENT.replace("name: web}", "name: \"web\\e]0;owned\\a\\e[2J\\nfake line\\u009b\"}")
                .replace("template:\n", "template:\n    metadata: {annotations: {sidecar.istio.io/proxyCPU: \"\\e[31mred\"}}\n"),
                StandardCharsets.UTF_8);
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + file + ": document 1 (line 1): deployment/web\\x1b]0;owned\\x07\\x1b[2J\\nfake "
                + "line\\u009b: invalid annotation sidecar.istio.io/proxyCPU=\"\\x1b[31mred\": " + proxyCpuRule() + "\n");
        assertThat(run.err().chars()).noneMatch(c -> c < 0x20 && c != '\n' || c == 0x9b);
    }

    private String proxyCpuRule() throws IOException {
        Path plain = dir.resolve("plain.yaml");
        Files.writeString(plain, DEPLOYMENT.replace("template:\n", "template:\n    metadata: {annotations: {sidecar.istio.io/proxyCPU: x}}\n"));
        String err = CliRun.of("inject", "--offline", "-f", plain.toString()).err();
        return err.substring(err.indexOf("=\"x\": ") + 6, err.length() - 1);
    }

    @Test
    void reportLinesAndWarningsAreEscaped() throws IOException {
        Path file = dir.resolve("warn.yaml");
        Files.writeString(file, DEPLOYMENT.replace("name: web}", "name: \"web\\e[1A\"}")
                .replace("template:\n", "template:\n    metadata: {annotations: {sidecar.istio.io/bootstrapOverride: \"\\e[2K\"}}\n"));
        CliRun run = CliRun.of("inject", "--offline", "-f", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).startsWith("deployment/web\\x1b[1A injected\n  warning: ");
        assertThat(run.err().chars()).noneMatch(c -> c == 0x1b);
    }
}
