package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The config file is watched: a valid change takes effect, an invalid one keeps the last good config serving. */
class ConfigReloadTest {
    private static final String INVALID_FIELD = "profiles.envoy.imagePullPolicy";

    private static String defaultConfigYaml() throws Exception {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withProxyImage(String yaml, String image) {
        String replaced = yaml.replace("proxyImage: docker.io/envoyproxy/envoy:v1.36.2", "proxyImage: " + image);
        assertThat(replaced).isNotEqualTo(yaml);
        return replaced;
    }

    private static String proxyImage(RunningAgent running) throws Exception {
        JsonNode response = running.reviewOk(Reviews.podCreate("u", "shop", Reviews.pod("p")));
        JsonNode patched = Reviews.patched(Reviews.pod("p"), response);
        for (JsonNode container : patched.at("/spec/containers")) {
            if (container.get("name").asString().equals("istio-proxy")) {
                return container.get("image").asString();
            }
        }
        throw new AssertionError("no istio-proxy container in " + patched.at("/spec/containers"));
    }

    @Test
    void invalidUpdateKeepsTheLastGoodConfigAndIsReported(@TempDir Path dir) throws Exception {
        String yaml = defaultConfigYaml();
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, withProxyImage(yaml, "example.com/envoy:one"));
        try (RunningAgent running = RunningAgent.start(dir, config)) {
            assertThat(proxyImage(running)).isEqualTo("example.com/envoy:one");
            assertThat(running.get("/metrics").body()).contains("kubectl_sidecar_config_valid 1");

            Files.writeString(config, withProxyImage(yaml, "example.com/envoy:bad")
                    .replaceFirst("imagePullPolicy: IfNotPresent", "imagePullPolicy: Sometimes"));
            Eventually.await("the invalid config is rejected", () -> !running.agent.engines().valid());

            HttpResponse<String> ready = running.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("config: ok").contains("last good config")
                    .contains(INVALID_FIELD).contains("Sometimes");
            String metrics = running.get("/metrics").body();
            assertThat(metrics).containsPattern("(?m)^kubectl_sidecar_config_valid 0(\\.0)?$")
                    .containsPattern("(?m)^kubectl_sidecar_config_reload_failures_total 1(\\.0)?$");
            assertThat(proxyImage(running)).isEqualTo("example.com/envoy:one");

            Files.writeString(config, withProxyImage(yaml, "example.com/envoy:two"));
            Eventually.await("the valid config is taken", () -> running.agent.engines().valid());
            assertThat(proxyImage(running)).isEqualTo("example.com/envoy:two");
            assertThat(running.get("/readyz").body()).doesNotContain(INVALID_FIELD);
            assertThat(running.get("/metrics").body()).containsPattern("(?m)^kubectl_sidecar_config_valid 1(\\.0)?$");
            JsonNode effective = JsonMappers.JSON.readTree(running.get("/api/v1/config").body());
            assertThat(effective.at("/profiles/envoy/proxyImage").asString()).isEqualTo("example.com/envoy:two");
        }
    }

    @Test
    void configEndpointServesTheEffectiveConfigWithProfiles(@TempDir Path dir) throws Exception {
        try (RunningAgent running = RunningAgent.start(dir)) {
            HttpResponse<String> response = running.get("/api/v1/config");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode config = JsonMappers.JSON.readTree(response.body());
            assertThat(config.get("defaultProfile").asString()).isEqualTo("envoy");
            assertThat(config.get("profiles").propertyNames()).containsExactlyInAnyOrder("envoy", "istio");
            assertThat(config.at("/profiles/istio/proxyImage").asString()).startsWith("docker.io/istio/proxyv2:");
            assertThat(config.at("/profiles/envoy/traffic/proxyPort").asInt()).isEqualTo(15001);
            assertThat(config.get("ignoredNamespaces").toString()).contains("kubectl-sidecar");
        }
    }

    @Test
    void anInvalidConfigAtStartIsRefusedWithTheField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, defaultConfigYaml().replaceFirst("imagePullPolicy: IfNotPresent",
                "imagePullPolicy: Sometimes"));
        assertThatThrownBy(() -> RunningAgent.start(dir, config))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(INVALID_FIELD);
    }
}
