package dev.kubectlsidecar.injector.manifest;

import static dev.kubectlsidecar.injector.manifest.SourceRoundTrip.assertRoundTrips;
import static dev.kubectlsidecar.injector.manifest.SourceRoundTrip.inject;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.Conformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * uninject(inject(x)) == x and inject(inject(x)) == inject(x), byte for byte, and what is written means what the
 * engine made of it: over Istio's injection corpus (as written, and with CRLF line breaks, a byte-order mark and
 * no final line break), the bundled examples, and generated files written in odd but common styles.
 */
class SourceRoundTripPropertyTest {
    static Stream<Path> corpus() {
        return Conformance.injectInputs().stream();
    }

    static Stream<Path> examples() throws IOException {
        Path examples = Path.of(System.getProperty("repo.dir", "..")).resolve("examples");
        try (Stream<Path> files = Files.list(examples)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void istioCorpus(Path input) {
        String name = input.getFileName().toString();
        String text = Conformance.read(input);
        Assumptions.assumeTrue(injectable(name, text), () -> name + " is refused on purpose (IstioInjectConformanceTest)");
        assertRoundTrips(name, text);
        assertRoundTrips(name + " (CRLF)", text.replace("\n", "\r\n"));
        assertRoundTrips(name + " (BOM, no final line break)", "\uFEFF" + text.stripTrailing());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void istioGoldensReinjectToTheSameText(Path input) {
        Path golden = input.resolveSibling(input.getFileName() + ".injected");
        Assumptions.assumeTrue(Files.exists(golden), "no golden");
        String text = Conformance.read(golden);
        String injected;
        try {
            injected = inject(golden.getFileName().toString(), text);
        } catch (ManifestException e) {
            Assumptions.abort("the engine refuses Istio's injection of it (IstioInjectConformanceTest): " + e.getMessage());
            return;
        }
        assertThat(inject("again", injected)).isEqualTo(injected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void bundledExamples(Path example) {
        assertRoundTrips(example.getFileName().toString(), Conformance.read(example));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void generatedFilesInOddStyles(long seed) {
        assertRoundTrips("seed-" + seed + ".yaml", OddManifests.file(seed));
    }

    private static boolean injectable(String name, String text) {
        try {
            inject(name, text);
            return true;
        } catch (ManifestException e) {
            return !(Conformance.REFUSED_HERE.containsKey(name.replace(".injected", ""))
                    || name.startsWith("traffic-annotations-bad"));
        }
    }
}
