package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The API servers' own wording for each failure (kube-apiserver 1.27–1.31, GKE, EKS), classified. */
class WebhookCallFailureTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "TIMEOUT | Internal error occurred: failed calling webhook \"object.sidecar.kubectl-sidecar.dev\": failed to call webhook: Post \"https://kubectl-sidecar-agent.kubectl-sidecar.svc:443/inject?timeout=10s\": context deadline exceeded",
            "TIMEOUT | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject?timeout=10s\": dial tcp 10.4.0.7:8443: i/o timeout",
            "TIMEOUT | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject\": net/http: request canceled (Client.Timeout exceeded while awaiting headers)",
            "CONNECTION_REFUSED | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject?timeout=10s\": dial tcp 10.96.3.4:443: connect: connection refused",
            "NO_ENDPOINTS | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject?timeout=10s\": no endpoints available for service \"kubectl-sidecar-agent\"",
            "CERTIFICATE | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject?timeout=10s\": tls: failed to verify certificate: x509: certificate signed by unknown authority",
            "CERTIFICATE | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject?timeout=10s\": x509: certificate has expired or is not yet valid",
            "ADDRESS_NOT_ALLOWED | Internal error occurred: failed calling webhook \"w\": failed to call webhook: Post \"https://a.b.svc:443/inject?timeout=10s\": Address is not allowed",
            "DENIED | admission webhook \"object.sidecar.kubectl-sidecar.dev\" denied the request: annotation sidecar.istio.io/proxyCPU: \"lots\" is not a quantity",
            "OTHER | Internal error occurred: failed calling webhook \"w\": received invalid webhook response: expected response.uid \"a\", got \"b\""})
    void classifies(WebhookCallFailure expected, String message) {
        assertThat(WebhookCallFailure.classify(message)).isEqualTo(expected);
        assertThat(expected.fix).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Internal error occurred: failed calling webhook \"check.policy.example.com\": failed to call webhook | check.policy.example.com",
            "admission webhook \"object.sidecar.kubectl-sidecar.dev\" denied the request: no | object.sidecar.kubectl-sidecar.dev"})
    void namesTheWebhook(String message, String webhook) {
        assertThat(WebhookCallFailure.webhookName(message)).isEqualTo(webhook);
    }
}
