package dev.kubectlsidecar.injector.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** Annotations that switch capture off entirely are injected (Istio does), with a warning saying why nothing is captured. */
class CaptureScopeTest {
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static final String IN = "traffic.sidecar.istio.io/includeInboundPorts";
    private static final String OUT = "traffic.sidecar.istio.io/includeOutboundIPRanges";
    private static final String EXCLUDE_OUT = "traffic.sidecar.istio.io/excludeOutboundIPRanges";
    private static final String PORTS_OUT = "traffic.sidecar.istio.io/includeOutboundPorts";
    private static final String INTERFACES = "traffic.sidecar.istio.io/excludeInterfaces";
    private static final String EXCLUDE_IN = "traffic.sidecar.istio.io/excludeInboundPorts";

    static Stream<Arguments> annotations() {
        return Stream.of(
                Arguments.of(List.of(INTERFACES, "+"), true),
                Arguments.of(List.of(INTERFACES, "eth0,+"), true),
                Arguments.of(List.of(INTERFACES, "eth0"), false),
                Arguments.of(List.of(IN, "", OUT, ""), true),
                Arguments.of(List.of(IN, "", OUT, "", PORTS_OUT, "443"), false),
                Arguments.of(List.of(IN, "8080", OUT, ""), false),
                Arguments.of(List.of(IN, "", EXCLUDE_OUT, "0.0.0.0/0,::/0"), true),
                Arguments.of(List.of(IN, "", EXCLUDE_OUT, "0.0.0.0/1,128.0.0.0/1,::/1,8000::/1"), true),
                Arguments.of(List.of(IN, "", EXCLUDE_OUT, "0.0.0.0/0"), false),
                Arguments.of(List.of(IN, "", OUT, "10.0.0.0/8", EXCLUDE_OUT, "10.128.0.0/9,10.0.0.0/9"), true),
                Arguments.of(List.of(IN, "", OUT, "10.0.0.0/8", EXCLUDE_OUT, "10.0.0.0/9"), false),
                Arguments.of(List.of(IN, "", EXCLUDE_OUT, "0.0.0.0/0,::/0", PORTS_OUT, "443"), true),
                Arguments.of(List.of(EXCLUDE_OUT, "0.0.0.0/0,::/0"), false),
                Arguments.of(List.of(OUT, "", EXCLUDE_IN, "22"), false));
    }

    @ParameterizedTest(name = "{0} -> nothing captured: {1}")
    @MethodSource("annotations")
    void warnsExactlyWhenNothingIsCaptured(List<String> keysAndValues, boolean nothing) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree("metadata: {name: web}\nspec: {containers: [{name: app, image: app:1}]}");
        ObjectNode annotations = Json.objectAt((ObjectNode) pod.get("metadata"), "annotations");
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            annotations.put(keysAndValues.get(i), keysAndValues.get(i + 1));
        }
        List<String> warnings = ENGINE.inject(pod, PodRequest.offline("shop")).warnings();
        if (nothing) {
            assertThat(warnings).singleElement().asString().startsWith(CaptureScope.NOTHING_CAPTURED)
                    .contains("bypasses it").doesNotContain("\n");
        } else {
            assertThat(warnings).noneMatch(w -> w.startsWith(CaptureScope.NOTHING_CAPTURED));
        }
    }
}
