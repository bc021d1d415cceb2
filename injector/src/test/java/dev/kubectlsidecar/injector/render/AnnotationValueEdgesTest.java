package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every annotation the engine reads, with values at and beyond the edges of what it parses (huge and tiny numbers,
 * binary suffixes, exponents, signs, non-ASCII digits, separators, megabytes): the engine either injects or refuses
 * with an {@link InvalidAnnotationException} naming that annotation, which the webhook turns into a 400. Nothing else
 * escapes, so no value can make the agent answer 500.
 */
class AnnotationValueEdgesTest {
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static final List<String> KEYS = List.of("sidecar.istio.io/proxyCPU", "sidecar.istio.io/proxyMemory",
            "sidecar.istio.io/proxyCPULimit", "sidecar.istio.io/proxyMemoryLimit", "sidecar.istio.io/nativeSidecar",
            "sidecar.istio.io/proxyImage", "sidecar.istio.io/interceptionMode", "sidecar.istio.io/inject",
            "sidecar.istio.io/capNetBindService", "sidecar.istio.io/enableCoreDump", "kubectl-sidecar/profile",
            "traffic.sidecar.istio.io/excludeInboundPorts", "traffic.sidecar.istio.io/includeInboundPorts",
            "traffic.sidecar.istio.io/excludeOutboundPorts", "traffic.sidecar.istio.io/includeOutboundPorts",
            "traffic.sidecar.istio.io/excludeOutboundIPRanges", "traffic.sidecar.istio.io/includeOutboundIPRanges",
            "traffic.sidecar.istio.io/excludeInterfaces", "traffic.sidecar.istio.io/kubevirtInterfaces",
            "proxy.istio.io/config", "sidecar.istio.io/userVolume", "sidecar.istio.io/userVolumeMount",
            "sidecar.istio.io/bootstrapOverride", "sidecar.istio.io/proxyImageType", "inject.istio.io/templates");
    private static final List<String> VALUES = List.of("1Ei", "7Ei", "8Ei", "16Ei", "1E", "9E", "10E", "1e18", "1e19",
            "1e999", "1e-999", "1E+3", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
            "0.000000001", "1n", "0.1n", "-1", "+1", "0", "00000000000000000000001", "1.", ".5", "1..2", "0x10",
            "1_000", "١٢٣", "１", "NaN", "Infinity", "", " ", ",", ",,,", "*", "65535", "65536", "99999",
            "4294967296", "-65536", "1-2", "1,65536", "10.0.0.0/33", "10.0.0.0/-1", "0.0.0.0/0,::/0", "::/129",
            "999.1.1.1/8", "[]", "{}", "{\"a\":", "null", "true", "TRUE", "1h", "99999999999999h", "P1D",
            "\u0000", "\n", "x".repeat(300_000), "1,".repeat(60_000) + "1", "1" + "0".repeat(10_000));

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String key : KEYS) {
            for (String value : VALUES) {
                cases.add(Arguments.of(key, value));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("cases")
    void injectsOrNamesTheAnnotation(String key, String value) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree("metadata: {name: web}\n"
                + "spec: {containers: [{name: app, image: app:1, ports: [{containerPort: 8080}]}]}\n");
        Json.objectAt(Json.objectAt(pod, "metadata"), "annotations").put(key, value);
        Throwable thrown = catchThrowable(() -> ENGINE.inject(pod, PodRequest.offline("shop")));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(InvalidAnnotationException.class);
            assertThat(((InvalidAnnotationException) thrown).key()).isEqualTo(key);
            assertThat(thrown.getMessage()).hasSizeLessThan(1024);
        }
    }

    @Test
    void aBinaryExaQuantityIsAQuantityNotAnExponent() {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree(
                "metadata: {name: web, annotations: {sidecar.istio.io/proxyMemoryLimit: 1Ei}}\n"
                        + "spec: {containers: [{name: app, image: app:1}]}\n");
        assertThat(ENGINE.inject(pod, PodRequest.offline("shop")).pod().toString()).contains("\"memory\":\"1Ei\"");
        pod.withObject("metadata").withObject("annotations").put("sidecar.istio.io/proxyMemoryLimit", "8Ei");
        assertThat(catchThrowable(() -> ENGINE.inject(pod, PodRequest.offline("shop"))))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageStartingWith("invalid annotation sidecar.istio.io/proxyMemoryLimit=\"8Ei\": must be ");
    }
}
