package dev.kubectlsidecar.injector.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kubectlsidecar.injector.Conformance;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.IstioGoldens;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestException;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A short seeded fuzz campaign over the YAML reader, the policy, the renderer and the traffic settings: mutated
 * corpus manifests either inject or fail with a one-line {@link ManifestException}; nothing else escapes, nothing
 * hangs. {@code -Dfuzz.iterations=N -Dfuzz.seed=S} runs a longer campaign on demand.
 */
class ManifestFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 3_000);
    private static final long SEED = Long.getLong("fuzz.seed", 20261126L);

    @Test
    void mutatedManifestsInjectOrFailCleanly() {
        campaign(ConfigLoader.embeddedDefault());
    }

    /** The istio profile reads more of the pod (probes, ports, labels, owners) and undoes more. */
    @Test
    void mutatedManifestsInjectAndUninjectOrFailCleanlyWithTheIstioProfile() {
        campaign(IstioGoldens.istioConfig());
    }

    private static void campaign(InjectionConfig config) {
        List<Path> inputs = Conformance.injectInputs();
        ManifestInjector injector = new ManifestInjector(new InjectionEngine(config), PodRequest.offline("default"));
        Mutator mutator = new Mutator(SEED);
        int injected = 0;
        int rejected = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos(); // a hang guard, not a measurement
        for (int i = 0; i < ITERATIONS; i++) {
            Path input = inputs.get(i % inputs.size());
            String text = mutator.mutate(Conformance.read(input));
            if (i % 3 == 0) {
                text = mutator.mutate(text);
            }
            try {
                List<Document> documents = ManifestReader.read("fuzz", text);
                List<tools.jackson.databind.JsonNode> result = injector.inject("fuzz", documents).documents();
                injected++;
                injector.uninject("fuzz", documents);
                List<Document> output = new java.util.ArrayList<>();
                for (int d = 0; d < result.size(); d++) {
                    output.add(new Document(d + 1, 1, result.get(d)));
                }
                injector.uninject("fuzz", output);
            } catch (ManifestException e) {
                assertThat(e.getMessage()).as("one line").doesNotContain("\n").startsWith("fuzz");
                rejected++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("iteration " + i + " (seed " + SEED + ", input " + input.getFileName() + ") threw " + e, e);
            }
            if (System.nanoTime() > deadline) {
                fail("the campaign did not finish: some input made the engine hang (iteration " + i + ")");
            }
        }
        assertThat(injected).as("mutations that still inject").isPositive();
        assertThat(rejected).as("mutations that are rejected").isPositive();
    }
}
