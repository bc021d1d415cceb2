package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates Istio's test vectors in ../shared/conformance (read in place, never copied into the repo). */
public final class Conformance {
    private Conformance() {
    }

    public static Path dir(String corpus) {
        String root = System.getProperty("conformance.dir");
        assertThat(root).as("system property conformance.dir (set by surefire)").isNotNull();
        Path dir = Path.of(root, corpus);
        assertThat(dir).as("conformance corpus " + corpus).isDirectory();
        return dir;
    }

    /** The istio-inject inputs: every NAME.yaml (not the .injected goldens). */
    public static List<Path> injectInputs() {
        try (Stream<Path> files = Files.list(dir("istio-inject"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
