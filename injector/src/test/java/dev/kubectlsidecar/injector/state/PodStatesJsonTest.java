package dev.kubectlsidecar.injector.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.Reason;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PodStatesJsonTest {
    private static PodSidecarState state(boolean injected, ProxyStatus proxy, Verification.Status iptables, Reason... reasons) {
        return new PodSidecarState("shop", "web-1", "Deployment/web", injected, injected ? "envoy" : null, false,
                injected ? "h1" : null, proxy, iptables, List.of(), List.of(reasons), "2026-11-26T06:00:00Z");
    }

    @Test
    void eachPodCarriesItsReasonCodesAndTheProblemsDerivedFromThem() {
        PodSidecarState missing = state(false, ProxyStatus.ABSENT, Verification.Status.NOT_APPLICABLE,
                new Reason(ReasonCode.NAMESPACE_ENABLED, "namespace label istio-injection=enabled matches"),
                new Reason(ReasonCode.NO_WEBHOOK_CONFIGURATION, "no webhook configuration is installed"));
        PodSidecarState staleMismatch = state(true, new ProxyStatus(true, true, 0, "envoy"), Verification.Status.MISMATCH,
                new Reason(ReasonCode.STALE, "sidecar differs"));

        JsonNode pods = PodStatesJson.write(List.of(missing, staleMismatch)).path("pods");

        assertThat(pods.get(0).path("problem").asString()).isEqualTo("missing");
        assertThat(pods.get(0).path("reasons").get(1).path("code").asString()).isEqualTo("noWebhookConfiguration");
        assertThat(pods.get(0).path("reasons").get(1).path("message").asString()).isEqualTo("no webhook configuration is installed");
        assertThat(pods.get(1).path("problem").asString()).isEqualTo("stale");
        assertThat(pods.get(1).path("problems").toString()).isEqualTo("[\"stale\",\"iptablesMismatch\"]");
        assertThat(pods.get(1).path("stale").asBoolean()).isTrue();
        assertThat(PodStatesJson.read(PodStatesJson.write(List.of(missing, staleMismatch)))).containsExactly(missing, staleMismatch);
    }

    @Test
    void aHealthyPodHasNoProblem() {
        PodSidecarState fine = state(true, new ProxyStatus(true, true, 0, "envoy"), Verification.Status.VERIFIED,
                new Reason(ReasonCode.NAMESPACE_ENABLED, "namespace label istio-injection=enabled matches"));
        JsonNode pod = PodStatesJson.write(List.of(fine)).path("pods").get(0);
        assertThat(pod.path("problem").asString()).isEqualTo("none");
        assertThat(pod.path("problems").isEmpty()).isTrue();
    }

    @Test
    void aCodeFromANewerAgentOrABareSentenceFromAnOlderOneIsReadAsUnknownAndNeverActedOn() {
        JsonNode answer = JsonMappers.JSON.readTree("""
                {"pods":[{"namespace":"shop","name":"web-1","injected":false,"iptables":"not-applicable",
                  "reasons":["created before injection was enabled: restart it",
                             {"code":"somethingNew","message":"a reason from the future"}]}]}
                """);
        PodSidecarState state = PodStatesJson.read(answer).get(0);
        assertThat(state.reasons()).extracting(Reason::code).containsExactly(ReasonCode.UNKNOWN, ReasonCode.UNKNOWN);
        assertThat(state.messages()).containsExactly("created before injection was enabled: restart it", "a reason from the future");
        assertThat(state.problems()).isEmpty();
    }

    @Test
    void everyCodeHasADistinctIdThatReadsBack() {
        for (ReasonCode code : ReasonCode.values()) {
            assertThat(ReasonCode.ofId(code.id())).isEqualTo(code);
        }
        assertThat(PodProblem.PROXY_NOT_READY.metricLabel()).isEqualTo("proxy_not_ready");
    }
}
