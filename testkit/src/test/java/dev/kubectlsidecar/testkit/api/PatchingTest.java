package dev.kubectlsidecar.testkit.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import org.junit.jupiter.api.Test;

class PatchingTest {

    @Test
    void aMergePatchRemovesWhatItSetsToNullAndMergesObjects() {
        var target = JsonMappers.JSON.readTree("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{\"x\":[1,2]}}");
        var patch = JsonMappers.JSON.readTree("{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"3\"}},\"spec\":{\"x\":[3]}}");

        assertThat(Patching.merge(target, patch)).isEqualTo(
                JsonMappers.JSON.readTree("{\"metadata\":{\"labels\":{\"b\":\"2\",\"c\":\"3\"}},\"spec\":{\"x\":[3]}}"));
        assertThat(target.path("metadata").path("labels").has("a")).as("target untouched").isTrue();
    }
}
