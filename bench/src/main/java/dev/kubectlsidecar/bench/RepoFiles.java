package dev.kubectlsidecar.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds files of the repository: under the {@code repo.dir} system property when set, else in the nearest
 * directory, from the working directory upwards, that holds the file (so the benchmarks jar runs from anywhere
 * inside the checkout).
 */
final class RepoFiles {
    private RepoFiles() {
    }

    static String read(String relativePath) {
        Path file = locate(relativePath);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Path locate(String relativePath) {
        String repoDir = System.getProperty("repo.dir");
        if (repoDir != null) {
            Path file = Path.of(repoDir).resolve(relativePath);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no " + relativePath + " under -Drepo.dir=" + repoDir);
            }
            return file;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(relativePath);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException("no " + relativePath + " in " + start + " or above; run inside the checkout"
                + " or set -Drepo.dir=<checkout>");
    }
}
