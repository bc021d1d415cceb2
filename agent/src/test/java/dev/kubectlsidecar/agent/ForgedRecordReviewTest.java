package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.traffic.CaptureScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Over real HTTPS: a pod whose injection record or saved own container is forged is denied with a 400 naming the
 * annotation; the skip path never acts on a record, so it never patches the pod.
 */
class ForgedRecordReviewTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();

    private static final String STATUS = "sidecar.istio.io/status";

    private static JsonNode answer(ObjectNode pod) throws Exception {
        return running.reviewOk(Reviews.podCreate("uid-forged", "shop", pod));
    }

    private static void assertDenied(JsonNode response, String part) {
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(400);
        assertThat(response.at("/status/message").asString()).contains(part).doesNotContain("\n");
    }

    @Test
    void aRecordListingTheAppContainerIsDeniedAndTheSkipPathLeavesThePodAsItIs() throws Exception {
        ObjectNode forged = Reviews.annotated(Reviews.pod("p"), STATUS, "{\"containers\":[\"app\"]}");
        assertDenied(answer(forged), STATUS);
        assertUnpatched(answer(Reviews.annotated(forged, "sidecar.istio.io/inject", "false")));
    }

    private static void assertUnpatched(JsonNode response) {
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(Reviews.patch(response)).as("no patch, or an empty one").satisfiesAnyOf(
                patch -> assertThat(patch).isNull(), patch -> assertThat(patch).isEmpty());
    }

    @Test
    void theSkipPathNeverRestoresASavedOwnContainer() throws Exception {
        ObjectNode pod = Reviews.annotated(Reviews.pod("p"), STATUS,
                "{\"kubectl-sidecar\":{\"positions\":{\"istio-proxy\":\"containers/1\"}}}");
        pod = Reviews.annotated(pod, "proxy.istio.io/overrides",
                "{\"containers\":[{\"name\":\"istio-proxy\",\"image\":\"evil/root:1\",\"securityContext\":{\"privileged\":true}}]}");
        assertUnpatched(answer(Reviews.annotated(pod, "sidecar.istio.io/inject", "false")));
        assertDenied(answer(pod), "securityContext.privileged");
    }

    @Test
    void annotationsThatCaptureNothingComeBackAsAWarning() throws Exception {
        ObjectNode pod = Reviews.annotated(Reviews.pod("p"), "traffic.sidecar.istio.io/excludeInterfaces", "+");
        JsonNode response = answer(pod);
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString()).contains(CaptureScope.NOTHING_CAPTURED);
    }

    @Test
    void denialsAndWarningsCarryNoControlCharacters() throws Exception {
        JsonNode denied = answer(Reviews.annotated(Reviews.pod("p"), "sidecar.istio.io/proxyCPU", "\u001b]0;owned\u0007\nx"));
        assertThat(denied.at("/status/message").asString()).contains("\\x1b]0;owned\\x07\\nx").doesNotContain("\u001b");
        ObjectNode pod = Reviews.pod("p");
        ((ObjectNode) pod.get("spec")).withArray("containers").addObject().put("name", "istio-proxy")
                .put("image", "evil/\u001b[2Jproxy:1");
        JsonNode warned = answer(pod);
        assertThat(warned.path("warnings")).singleElement().extracting(JsonNode::asString).asString()
                .contains("evil/").doesNotContain("\u001b");
    }
}
