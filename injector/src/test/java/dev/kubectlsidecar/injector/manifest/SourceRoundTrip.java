package dev.kubectlsidecar.injector.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** inject and uninject of a manifest's text, as the CLI does them, with the properties every result must have. */
final class SourceRoundTrip {
    private static final ManifestInjector INJECTOR = new ManifestInjector(
            new InjectionEngine(ConfigLoader.embeddedDefault()), PodRequest.offline("default"));

    private SourceRoundTrip() {
    }

    static String inject(String name, String text) {
        ManifestSource source = ManifestSource.read(name, text);
        List<JsonNode> results = INJECTOR.inject(name, source.documents()).documents();
        String written = source.write(results);
        assertMeans(name, written, results);
        return written;
    }

    static String uninject(String name, String text) {
        ManifestSource source = ManifestSource.read(name, text);
        List<JsonNode> results = INJECTOR.uninject(name, source.documents()).documents();
        String written = source.write(results);
        assertMeans(name, written, results);
        return written;
    }

    /** What was written reads back as the engine's results. */
    static void assertMeans(String name, String written, List<JsonNode> results) {
        List<JsonNode> again = ManifestSource.read(name, written).documents().stream().map(Document::tree).toList();
        assertThat(again).as("%s as written means the engine's result:%n%s", name, written).isEqualTo(results);
    }

    /**
     * inject(inject(x)) == inject(x) and, for x without an injection of its own, uninject(inject(x)) == x, byte for
     * byte.
     */
    static void assertRoundTrips(String name, String text) {
        String injected = inject(name, text);
        assertThat(inject(name, injected)).as("inject(inject(%s)) == inject(%s)", name, name).isEqualTo(injected);
        List<Document> documents = ManifestSource.read(name, text).documents();
        boolean alreadyInjected = !INJECTOR.uninject(name, documents).documents()
                .equals(documents.stream().map(Document::tree).toList());
        if (!alreadyInjected) {
            assertThat(uninject(name, injected)).as("uninject(inject(%s)) == %s", name, name).isEqualTo(text);
        }
    }
}
