package dev.kubectlsidecar.injector.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.Conformance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Istio's iptables vectors, read in place from the shared conformance folder ({@link Conformance#dir}). */
final class ConformanceVectors {
    static final int EXPECTED_COUNT = 30;

    private ConformanceVectors() {
    }

    static Path folder() {
        return Conformance.dir("iptables");
    }

    /** The vector names (NAME of NAME.flags), sorted; fails unless all 30 are there. */
    static List<String> names() {
        try (Stream<Path> files = Files.list(folder())) {
            List<String> names = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".flags"))
                    .map(name -> name.substring(0, name.length() - ".flags".length()))
                    .sorted()
                    .toList();
            assertThat(names).as("iptables conformance vectors").hasSize(EXPECTED_COUNT);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String name, String extension) {
        try {
            return Files.readString(folder().resolve(name + "." + extension));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
