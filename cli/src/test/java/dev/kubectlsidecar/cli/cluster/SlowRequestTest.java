package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowRequestTest {
    private static KubernetesClientException failed(String message, Exception cause) {
        return new KubernetesClientException(message, new IOException("request timed out", cause));
    }

    @Test
    void aTimedOutRequestIsNamedWithTheTimeoutAndALongerOne() {
        KubernetesClientException e = failed("Operation: [get]  for kind: [Namespace]  with name: [shop]  in namespace: [default]  failed.",
                new HttpTimeoutException("request timed out"));

        assertThat(SlowRequest.explain(e, "https://api:6443/", Duration.ofSeconds(20))).contains("the API server at "
                + "https://api:6443/ did not answer within 20s (get namespace shop): it is slow or overloaded; retry, or allow "
                + "more time with --request-timeout, e.g. --request-timeout=40s");
    }

    @Test
    void listsAndUnnamedRequestsAreDescribedToo() {
        HttpTimeoutException timeout = new HttpTimeoutException("request timed out");
        assertThat(SlowRequest.request(failed("Operation: [list]  for kind: [Pod]  with name: [null]  in namespace: [shop]  failed.",
                timeout))).isEqualTo("list pods in namespace shop");
        assertThat(SlowRequest.request(SlowRequest.named("dry-run create of a pod in namespace shop",
                failed("An error has occurred.", timeout)))).isEqualTo("dry-run create of a pod in namespace shop");
        assertThat(SlowRequest.request(failed("An error has occurred.", timeout))).isEqualTo("a request");
        assertThat(SlowRequest.explain(failed("An error has occurred.", timeout), "u", Duration.ofMillis(500)))
                .hasValueSatisfying(message -> assertThat(message).contains("within 500ms (a request)").endsWith("--request-timeout=30s"));
    }

    @Test
    void aConnectionThatTimesOutOrAnyOtherFailureIsNotASlowServer() {
        assertThat(SlowRequest.timedOut(failed("x", new HttpConnectTimeoutException("HTTP connect timed out")))).isFalse();
        assertThat(SlowRequest.timedOut(new KubernetesClientException("x", new IOException("connection refused")))).isFalse();
        assertThat(SlowRequest.explain(new KubernetesClientException("x"), "u", Duration.ofSeconds(1))).isEmpty();
    }
}
