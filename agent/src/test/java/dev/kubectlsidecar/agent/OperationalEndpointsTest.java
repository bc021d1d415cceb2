package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.health.ReadinessCheck;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /healthz, /readyz with checks the in-cluster parts add, and /metrics in Prometheus text format. */
class OperationalEndpointsTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();

    @Test
    void healthzSaysOk() throws Exception {
        HttpResponse<String> response = running.get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzNamesEveryCheckAndFailsWhileOneIsNotReady() throws Exception {
        HttpResponse<String> ready = running.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("certificate: ok - serving CN=" + TestPki.SERVICE_NAME)
                .contains("config: ok - serving the config from the embedded default");

        AtomicBoolean synced = new AtomicBoolean(false);
        running.agent.readiness().add("informer", () -> synced.get()
                ? ReadinessCheck.Status.ready("pods synced")
                : ReadinessCheck.Status.notReady("pod informer not synced yet"));
        HttpResponse<String> notReady = running.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("informer: NOT READY - pod informer not synced yet")
                .contains("certificate: ok");

        synced.set(true);
        assertThat(running.get("/readyz").statusCode()).isEqualTo(200);
        running.agent.readiness().add("broken", () -> {
            throw new IllegalStateException("boom");
        });
        HttpResponse<String> broken = running.get("/readyz");
        assertThat(broken.statusCode()).isEqualTo(503);
        assertThat(broken.body()).contains("broken: NOT READY - check failed: java.lang.IllegalStateException: boom");
        running.agent.readiness().add("broken", () -> ReadinessCheck.Status.ready("fixed"));
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        running.reviewOk(Reviews.podCreate("m1", "shop", Reviews.pod("p")));
        HttpResponse<String> response = running.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body())
                .contains("# TYPE kubectl_sidecar_admission_requests_total counter")
                .containsPattern("(?m)^kubectl_sidecar_admission_requests_total\\{outcome=\"injected\"} [1-9]")
                .contains("kubectl_sidecar_admission_requests_total{outcome=\"denied\"}")
                .contains("kubectl_sidecar_admission_requests_total{outcome=\"skipped\"}")
                .contains("kubectl_sidecar_admission_requests_total{outcome=\"error\"}")
                .contains("# TYPE kubectl_sidecar_admission_duration_seconds histogram")
                .contains("kubectl_sidecar_admission_duration_seconds_bucket{le=\"+Inf\"}")
                .containsPattern("(?m)^kubectl_sidecar_admission_duration_seconds_count [1-9]")
                .containsPattern("(?m)^kubectl_sidecar_config_valid 1(\\.0)?$")
                .containsPattern("(?m)^kubectl_sidecar_config_reload_failures_total 0(\\.0)?$")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void podStateGaugesAreReadAtEveryScrape() throws Exception {
        AtomicInteger stale = new AtomicInteger(3);
        running.agent.metrics().podsInState("stale", stale::get);
        assertThat(running.get("/metrics").body()).containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"stale\"} 3(\\.0)?$");
        stale.set(5);
        assertThat(running.get("/metrics").body()).containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"stale\"} 5(\\.0)?$");
    }
}
