package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.Conformance;
import dev.kubectlsidecar.injector.Workloads;
import dev.kubectlsidecar.injector.fuzz.Mutator;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A short seeded fuzz campaign against {@code POST /inject} over HTTPS: mutated AdmissionReviews of the corpus pods
 * always get an answer — a review (allowed, or denied with 400) or a one-line 4xx — never a 5xx, a hang or a
 * dropped connection. {@code -Dfuzz.iterations=N -Dfuzz.seed=S} for a longer campaign.
 */
class AdmissionFuzzTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 400);
    private static final long SEED = Long.getLong("fuzz.seed", 20261126L);
    private static final Set<Integer> ANSWERS = Set.of(200, 400, 413, 415);

    @Test
    void mutatedReviewsAlwaysGetAClearAnswer() throws Exception {
        List<String> reviews = new ArrayList<>();
        for (Path input : Conformance.injectInputs()) {
            for (Document document : ManifestReader.read(input.toString(), Conformance.read(input))) {
                for (JsonNode pod : Workloads.pods(List.of(document.tree()))) {
                    reviews.add(JsonMappers.JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(Reviews.podCreate("uid-" + reviews.size(), "shop", pod)));
                }
            }
        }
        Mutator mutator = new Mutator(SEED);
        int reviewed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String body = mutator.mutate(reviews.get(i % reviews.size()));
            HttpResponse<String> response = running.post("/inject", "application/json", body);
            assertThat(response.statusCode()).as("iteration %d (seed %d)", i, SEED).isIn(ANSWERS);
            JsonNode answer = parse(response.body());
            assertThat(answer).as("iteration %d: a JSON answer", i).isNotNull();
            if (response.statusCode() == 200) {
                assertThat(answer.path("response").has("allowed")).isTrue();
                reviewed++;
            } else {
                assertThat(answer.path("error").asString("")).isNotBlank().doesNotContain("\n");
            }
        }
        assertThat(reviewed).as("mutations still answered with a review").isPositive();
    }

    private static JsonNode parse(String body) {
        try {
            return JsonMappers.JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}
