package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A slow API server on demand: requests under a delayed prefix outlast a client's timeout, others do not. */
class LatencyTest {
    private static LocalCluster cluster;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().runInitContainers(false).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static HttpResponse<String> get(String path, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cluster.url() + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void delayedPathsOutlastAShortTimeoutAndTheLongestPrefixWins() throws Exception {
        cluster.latency().delay("/api/v1/namespaces", Duration.ofSeconds(30))
                .delay("/api/v1/namespaces/default", Duration.ZERO);
        try {
            assertThatThrownBy(() -> get("/api/v1/namespaces?limit=5", Duration.ofMillis(300)))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(get("/api/v1/namespaces/default", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
            assertThat(get("/version", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
        } finally {
            cluster.latency().clear();
        }
        assertThat(get("/api/v1/namespaces", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPrefixMustBeAPath() {
        assertThatThrownBy(() -> cluster.latency().delay("api", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not start with /");
    }
}
