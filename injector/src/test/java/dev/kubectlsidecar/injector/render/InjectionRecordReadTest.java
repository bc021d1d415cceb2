package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Remembering records by their text never changes what is read, and stays bounded whatever pods carry. */
class InjectionRecordReadTest {
    private static ObjectNode pod(String record) {
        ObjectNode pod = Json.object();
        pod.putObject("metadata").putObject("annotations").put(InjectionRecord.ANNOTATION, record);
        return pod;
    }

    private static InjectionRecord record(List<String> volumes) {
        return new InjectionRecord(List.of("istio-init"), List.of("istio-proxy"), volumes, "envoy",
                List.of(SidecarRenderer.DEFAULT_CONTAINER), List.of(), Map.of(), Map.of("istio-proxy", "0123456789abcdef"));
    }

    @Test
    void aRecordReadAgainIsTheRecordWritten() {
        InjectionRecord written = record(List.of("istio-envoy"));
        String text = written.toJson();
        assertThat(InjectionRecord.read(pod(text))).contains(written);
        assertThat(InjectionRecord.remembers(text)).isTrue();
        assertThat(InjectionRecord.read(pod(text))).contains(written);
    }

    @Test
    void aLongRecordIsReadEveryTimeAndNeverKept() {
        InjectionRecord written = record(List.of("v".repeat(InjectionRecord.MAX_REMEMBERED_CHARS)));
        String text = written.toJson();
        assertThat(InjectionRecord.read(pod(text))).contains(written);
        assertThat(InjectionRecord.remembers(text)).isFalse();
    }

    @Test
    void aTextThatIsNoRecordIsRefusedEveryTime() {
        for (int i = 0; i < 2; i++) {
            assertThat(catchThrowable(() -> InjectionRecord.read(pod("[\"istio-proxy\"]"))))
                    .isInstanceOf(InvalidAnnotationException.class).hasMessageContaining("must be the JSON injection record");
        }
        assertThat(InjectionRecord.remembers("[\"istio-proxy\"]")).isFalse();
    }
}
